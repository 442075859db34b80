//! Reads AWS error answers (JSON 1.1 and Query-protocol XML) into a type, a
//! message, a stable iamfetch code and whether a retry may help.

use crate::xml;

/// Which AWS API answered: error types map to codes per service.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AwsService {
    /// Amazon Cognito Identity (identity pools).
    CognitoIdentity,
    /// AWS STS.
    Sts,
}

/// An AWS error answer, classified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AwsError {
    /// iamfetch's stable code, e.g. `ERR_COGNITO_NOT_AUTHORIZED`.
    pub code: &'static str,
    /// AWS's error type, e.g. `NotAuthorizedException`; empty when the answer is not AWS's.
    pub error_type: String,
    /// AWS's message, or a description of what came back instead.
    pub message: String,
    /// Throttling and server-side failures, which a later attempt may get past.
    pub retryable: bool,
}

/// Classifies a non-2xx answer from `status`, the `x-amzn-ErrorType` header
/// (if any) and the body text. Never fails: an HTML error page becomes
/// `ERR_UNEXPECTED_RESPONSE`.
pub fn classify(service: AwsService, status: u16, error_type_header: Option<&str>, body: &str) -> AwsError {
    let (body_type, message) = parse_body(body);
    let error_type = error_type_header
        .map(short_type)
        .filter(|t| !t.is_empty())
        .or(body_type.as_deref().map(short_type))
        .unwrap_or_default()
        .to_owned();
    let retryable = status == 429 || status >= 500 || is_throttling(&error_type);
    if error_type.is_empty() {
        return AwsError {
            code: if retryable { "ERR_SERVICE_UNAVAILABLE" } else { "ERR_UNEXPECTED_RESPONSE" },
            error_type,
            message: format!("HTTP {status} without an AWS error in the answer"),
            retryable,
        };
    }
    AwsError {
        code: code_for(service, &error_type, status),
        message: message.unwrap_or_else(|| format!("HTTP {status}")),
        error_type,
        retryable,
    }
}

/// `aws.protocoltests#NotAuthorizedException:http://...` → `NotAuthorizedException`:
/// split on `:` and `,`, then keep what follows `#`.
pub(crate) fn short_type(raw: &str) -> &str {
    let first = raw.split([':', ',']).next().unwrap_or_default().trim();
    first.rsplit('#').next().unwrap_or(first)
}

fn is_throttling(error_type: &str) -> bool {
    matches!(error_type, "TooManyRequestsException" | "Throttling" | "ThrottlingException" | "RequestLimitExceeded" | "SlowDown")
}

/// The error type and message of a JSON (`__type`, `message`/`Message`) or XML (`Code`, `Message`) body.
pub(crate) fn parse_body(body: &str) -> (Option<String>, Option<String>) {
    let trimmed = body.trim_start();
    if trimmed.starts_with('{') {
        let json_string = |key: &str| json_string_field(trimmed, key);
        let message = json_string("message").or_else(|| json_string("Message"));
        return (json_string("__type"), message);
    }
    if trimmed.starts_with('<') && !trimmed.get(..15).is_some_and(|s| s.to_ascii_lowercase().starts_with("<!doctype html")) {
        let error = xml::element(trimmed, "Error").unwrap_or(trimmed);
        return (xml::text(error, "Code"), xml::text(error, "Message"));
    }
    (None, None)
}

/// The string value of a top-level `"key": "..."` in a JSON object, unescaped.
/// Enough for AWS error bodies, whose fields are flat strings.
fn json_string_field(json: &str, key: &str) -> Option<String> {
    let needle = format!("\"{key}\"");
    let after_key = &json[json.find(&needle)? + needle.len()..];
    let value = after_key.trim_start().strip_prefix(':')?.trim_start().strip_prefix('"')?;
    let mut out = String::new();
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => return Some(out),
            '\\' => match chars.next()? {
                'n' => out.push('\n'),
                't' => out.push('\t'),
                'r' => out.push('\r'),
                'u' => {
                    let hex: String = chars.by_ref().take(4).collect();
                    out.push(char::from_u32(u32::from_str_radix(&hex, 16).ok()?).unwrap_or('\u{fffd}'));
                }
                other => out.push(other),
            },
            c => out.push(c),
        }
    }
    None
}

fn code_for(service: AwsService, error_type: &str, status: u16) -> &'static str {
    match service {
        AwsService::CognitoIdentity => match error_type {
            "NotAuthorizedException" => "ERR_COGNITO_NOT_AUTHORIZED",
            "ResourceNotFoundException" => "ERR_COGNITO_NOT_FOUND",
            "TooManyRequestsException" => "ERR_COGNITO_THROTTLED",
            "InvalidParameterException" => "ERR_COGNITO_INVALID_PARAMETER",
            "InvalidIdentityPoolConfigurationException" => "ERR_COGNITO_POOL_CONFIGURATION",
            "ResourceConflictException" => "ERR_COGNITO_CONFLICT",
            "LimitExceededException" => "ERR_COGNITO_LIMIT_EXCEEDED",
            "ExternalServiceException" => "ERR_COGNITO_EXTERNAL_SERVICE",
            _ if status >= 500 || error_type == "InternalErrorException" => "ERR_COGNITO_SERVICE",
            _ => "ERR_COGNITO_ERROR",
        },
        AwsService::Sts => match error_type {
            "AccessDenied" | "AccessDeniedException" => "ERR_STS_ACCESS_DENIED",
            "ExpiredTokenException" | "ExpiredToken" => "ERR_STS_EXPIRED_TOKEN",
            "InvalidIdentityToken" => "ERR_STS_INVALID_IDENTITY_TOKEN",
            "IDPRejectedClaim" => "ERR_STS_IDP_REJECTED_CLAIM",
            "IDPCommunicationError" => "ERR_STS_IDP_COMMUNICATION",
            "RegionDisabledException" => "ERR_STS_REGION_DISABLED",
            "MalformedPolicyDocument" => "ERR_STS_MALFORMED_POLICY",
            "PackedPolicyTooLarge" => "ERR_STS_POLICY_TOO_LARGE",
            "ValidationError" => "ERR_STS_VALIDATION",
            "InvalidClientTokenId" | "SignatureDoesNotMatch" | "IncompleteSignature" => "ERR_STS_SIGNATURE",
            t if is_throttling(t) => "ERR_STS_THROTTLED",
            _ if status >= 500 => "ERR_STS_SERVICE",
            _ => "ERR_STS_ERROR",
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use AwsService::*;

    #[test]
    fn cognito_json_with_the_type_in_header_or_body() {
        let body = r#"{"__type":"NotAuthorizedException","message":"Invalid login token. Token expired: 1700000000 >= 1699999999"}"#;
        let error = classify(CognitoIdentity, 400, Some("NotAuthorizedException:"), body);
        assert_eq!(error.code, "ERR_COGNITO_NOT_AUTHORIZED");
        assert_eq!(error.error_type, "NotAuthorizedException");
        assert!(error.message.starts_with("Invalid login token. Token expired"));
        assert!(!error.retryable);
        let error = classify(CognitoIdentity, 404, None, r#"{"__type":"com.amazonaws.cognito.identity.model#ResourceNotFoundException","message":"Identity 'x' not found."}"#);
        assert_eq!((error.code, error.error_type.as_str()), ("ERR_COGNITO_NOT_FOUND", "ResourceNotFoundException"));
        let error = classify(CognitoIdentity, 400, Some("TooManyRequestsException"), r#"{"Message":"Rate exceeded"}"#);
        assert_eq!((error.code, error.retryable, error.message.as_str()), ("ERR_COGNITO_THROTTLED", true, "Rate exceeded"));
    }

    #[test]
    fn sts_xml_errors() {
        let body = "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User: arn:aws:iam::1:user/u is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::1:role/r &amp; more</Message></Error><RequestId>r</RequestId></ErrorResponse>";
        let error = classify(Sts, 403, None, body);
        assert_eq!(error.code, "ERR_STS_ACCESS_DENIED");
        assert_eq!(error.error_type, "AccessDenied");
        assert!(error.message.ends_with("arn:aws:iam::1:role/r & more"));
        assert_eq!(classify(Sts, 400, None, "<ErrorResponse><Error><Code>Throttling</Code><Message>Rate exceeded</Message></Error></ErrorResponse>").code, "ERR_STS_THROTTLED");
    }

    #[test]
    fn answers_that_are_not_aws_errors() {
        let html = "<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>";
        let error = classify(Sts, 502, None, html);
        assert_eq!((error.code, error.retryable), ("ERR_SERVICE_UNAVAILABLE", true));
        let error = classify(CognitoIdentity, 400, None, "not json at all");
        assert_eq!((error.code, error.retryable), ("ERR_UNEXPECTED_RESPONSE", false));
        assert_eq!(classify(CognitoIdentity, 400, None, "{\"__type\": \"Bro").code, "ERR_UNEXPECTED_RESPONSE");
        assert_eq!(classify(CognitoIdentity, 400, None, "{\"__type\": \"SomethingNew\"}").code, "ERR_COGNITO_ERROR");
    }

    #[test]
    fn json_string_fields_unescape() {
        assert_eq!(json_string_field(r#"{"a": 1, "message" : "x\"y\u0041\n"}"#, "message").as_deref(), Some("x\"yA\n"));
        assert_eq!(json_string_field(r#"{"message": "unterminated"#, "message"), None);
    }
}
