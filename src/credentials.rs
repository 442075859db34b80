//! Validates the credentials AWS hands out (Cognito JSON, STS XML) before
//! they are used, so a malformed answer is a clear error and not a bad signature later.

use crate::error::{Error, ErrorCode};
use crate::time::parse_iso8601_utc;
use crate::xml;
use serde::Deserialize;

/// Temporary credentials as iamfetch uses them. No `Debug`: they are secret.
#[derive(Clone)]
pub struct TemporaryCredentials {
    /// Access key id.
    pub access_key_id: String,
    /// Secret access key.
    pub secret_access_key: String,
    /// Session token.
    pub session_token: String,
    /// Expiry in epoch milliseconds.
    pub expiration_ms: i64,
}

/// Cognito's GetCredentialsForIdentity answer, with AWS's field names.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CognitoCredentialsAnswer {
    /// The identity the credentials belong to (may differ from the one asked for).
    pub identity_id: String,
    /// The credentials.
    pub credentials: CognitoCredentials,
}

/// Cognito's credentials object: note `SecretKey`, and `Expiration` in epoch seconds.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CognitoCredentials {
    /// Access key id.
    pub access_key_id: String,
    /// Secret access key (Cognito calls it SecretKey).
    pub secret_key: String,
    /// Session token.
    pub session_token: String,
    /// Expiry in epoch seconds, possibly fractional.
    pub expiration: f64,
}

impl CognitoCredentialsAnswer {
    /// The validated credentials and identity id.
    pub fn validate(self) -> Result<(String, TemporaryCredentials), Error> {
        let invalid = |what: &str| {
            Error::new(
                ErrorCode::InvalidCredentialsResponse,
                format!("Cognito GetCredentialsForIdentity answered with {what}"),
            )
        };
        let c = self.credentials;
        if self.identity_id.is_empty() {
            return Err(invalid("an empty IdentityId"));
        }
        if c.access_key_id.is_empty() || c.secret_key.is_empty() || c.session_token.is_empty() {
            return Err(invalid("an empty AccessKeyId, SecretKey or SessionToken"));
        }
        if !c.expiration.is_finite() || c.expiration <= 0.0 {
            return Err(invalid("an Expiration that is not epoch seconds"));
        }
        Ok((
            self.identity_id,
            TemporaryCredentials {
                access_key_id: c.access_key_id,
                secret_access_key: c.secret_key,
                session_token: c.session_token,
                expiration_ms: (c.expiration * 1000.0) as i64,
            },
        ))
    }
}

/// The `Credentials` of an STS AssumeRole / AssumeRoleWithWebIdentity XML answer.
pub fn parse_sts_credentials(answer: &str) -> Result<TemporaryCredentials, Error> {
    let invalid = |what: &str| {
        Error::new(
            ErrorCode::InvalidCredentialsResponse,
            format!("STS answered without {what}"),
        )
    };
    let credentials = xml::element(answer, "Credentials").ok_or_else(|| invalid("a Credentials element"))?;
    let field = |name: &str| {
        xml::text(credentials, name)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
            .ok_or_else(|| invalid(&format!("a Credentials/{name}")))
    };
    let expiration = field("Expiration")?;
    Ok(TemporaryCredentials {
        access_key_id: field("AccessKeyId")?,
        secret_access_key: field("SecretAccessKey")?,
        session_token: field("SessionToken")?,
        expiration_ms: parse_iso8601_utc(&expiration)
            .ok_or_else(|| invalid("an ISO-8601 Credentials/Expiration"))?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const STS_ANSWER: &str = "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><AssumeRoleResult><AssumedRoleUser><AssumedRoleId>AROA:s</AssumedRoleId><Arn>arn:aws:sts::1:assumed-role/r/s</Arn></AssumedRoleUser><Credentials><AccessKeyId>ASIAEXAMPLE</AccessKeyId><SecretAccessKey>s3cr3t/+=</SecretAccessKey><SessionToken>tok&amp;en</SessionToken><Expiration>2026-11-21T11:10:10Z</Expiration></Credentials></AssumeRoleResult></AssumeRoleResponse>";

    #[test]
    fn sts_credentials_are_read_and_decoded() {
        let c = parse_sts_credentials(STS_ANSWER).unwrap();
        assert_eq!(c.access_key_id, "ASIAEXAMPLE");
        assert_eq!(c.secret_access_key, "s3cr3t/+=");
        assert_eq!(c.session_token, "tok&en");
        assert_eq!(c.expiration_ms, 1_795_259_410_000);
    }

    #[test]
    fn incomplete_sts_answers_name_what_is_missing_and_not_the_secrets() {
        let no_token = STS_ANSWER.replace("<SessionToken>tok&amp;en</SessionToken>", "");
        let error = parse_sts_credentials(&no_token).err().unwrap();
        assert_eq!(error.code(), ErrorCode::InvalidCredentialsResponse);
        assert!(error.message().contains("SessionToken") && !error.message().contains("s3cr3t"));
        let bad_date = STS_ANSWER.replace("2026-11-21T11:10:10Z", "tomorrow");
        assert!(parse_sts_credentials(&bad_date).err().unwrap().message().contains("Expiration"));
        assert!(parse_sts_credentials("<html>oops</html>").is_err());
    }

    #[test]
    fn cognito_answers_are_validated() {
        let answer = |secret: &str, expiration: f64| CognitoCredentialsAnswer {
            identity_id: "us-east-1:abc".into(),
            credentials: CognitoCredentials {
                access_key_id: "ASIA".into(),
                secret_key: secret.into(),
                session_token: "t".into(),
                expiration,
            },
        };
        let (id, c) = answer("s", 1_795_259_410.5).validate().unwrap();
        assert_eq!((id.as_str(), c.expiration_ms), ("us-east-1:abc", 1_795_259_410_500));
        assert!(answer("", 1.0).validate().is_err());
        assert!(answer("s", f64::NAN).validate().is_err());
    }
}
