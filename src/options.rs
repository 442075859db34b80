//! The signing options object as JS passes it, validated into typed settings.

use crate::error::{Error, ErrorCode};
use crate::sign::{
    ContentHashHeader, Credentials, Diagnostics, HeaderSelection, Payload, Request,
    SessionTokenPlacement, SignatureLocation, SigningSettings, UriEncoding,
};
use serde::Deserialize;
use std::time::{Duration, SystemTime};

/// aws4fetch's default lifetime for presigned URLs: one day.
pub const DEFAULT_EXPIRES_IN: u32 = 86_400;

/// The latest instant accepted: 9999-12-31T23:59:59.999Z, in epoch milliseconds.
const MAX_EPOCH_MS: f64 = 253_402_300_799_999.0;

/// One signing call's options, with the field names JS uses.
///
/// No `Debug`: it holds the secret access key and the session token.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SignOptions {
    /// HTTP method.
    pub method: String,
    /// Absolute URL as serialized for the wire.
    pub url: String,
    /// Header name/value pairs, in order.
    #[serde(default)]
    pub headers: Vec<(String, String)>,
    /// Access key id.
    pub access_key_id: String,
    /// Secret access key.
    pub secret_access_key: String,
    /// Session token of temporary credentials.
    #[serde(default)]
    pub session_token: Option<String>,
    /// Signing name; read from the host when absent.
    #[serde(default)]
    pub service: Option<String>,
    /// Region; read from the host when absent.
    #[serde(default)]
    pub region: Option<String>,
    /// Signing time in epoch milliseconds.
    pub datetime: f64,
    /// `headers` (default) or `query`.
    #[serde(default)]
    pub signature_location: Location,
    /// Presigned URL lifetime in seconds (query signing only).
    #[serde(default)]
    pub expires_in: Option<f64>,
    /// `double` or `single`; by service when absent.
    #[serde(default)]
    pub uri_encoding: Option<Encoding>,
    /// `signed` (default) or `appended`.
    #[serde(default)]
    pub session_token_placement: TokenPlacement,
    /// `default` or `all`.
    #[serde(default)]
    pub header_selection: Selection,
    /// More header names never to sign.
    #[serde(default)]
    pub excluded_headers: Vec<String>,
    /// `include` or `omit`; by service when absent.
    #[serde(default)]
    pub content_hash_header: Option<ContentHash>,
    /// A precomputed hex SHA-256 of the body, or `UNSIGNED-PAYLOAD`; the body bytes are hashed when absent.
    #[serde(default)]
    pub payload_hash: Option<String>,
    /// `off` (default) or `capture`.
    #[serde(default)]
    pub diagnostics: DiagnosticsMode,
}

/// JS spelling of [`SignatureLocation`].
#[derive(Deserialize, Default, Clone, Copy)]
#[serde(rename_all = "lowercase")]
#[allow(missing_docs)]
pub enum Location {
    #[default]
    Headers,
    Query,
}

/// JS spelling of [`UriEncoding`].
#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "lowercase")]
#[allow(missing_docs)]
pub enum Encoding {
    Double,
    Single,
}

/// JS spelling of [`SessionTokenPlacement`].
#[derive(Deserialize, Default, Clone, Copy)]
#[serde(rename_all = "lowercase")]
#[allow(missing_docs)]
pub enum TokenPlacement {
    #[default]
    Signed,
    Appended,
}

/// JS spelling of [`HeaderSelection`].
#[derive(Deserialize, Default, Clone, Copy)]
#[serde(rename_all = "lowercase")]
#[allow(missing_docs)]
pub enum Selection {
    #[default]
    Default,
    All,
}

/// JS spelling of [`ContentHashHeader`].
#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "lowercase")]
#[allow(missing_docs)]
pub enum ContentHash {
    Include,
    Omit,
}

/// JS spelling of [`Diagnostics`].
#[derive(Deserialize, Default, Clone, Copy)]
#[serde(rename_all = "lowercase")]
#[allow(missing_docs)]
pub enum DiagnosticsMode {
    #[default]
    Off,
    Capture,
}

impl SignOptions {
    /// The credentials part.
    pub fn credentials(&self) -> Credentials {
        Credentials {
            access_key_id: self.access_key_id.clone(),
            secret_access_key: self.secret_access_key.clone(),
            session_token: self.session_token.clone(),
        }
    }

    /// The signing time.
    pub fn time(&self) -> Result<SystemTime, Error> {
        if !self.datetime.is_finite() || !(0.0..=MAX_EPOCH_MS).contains(&self.datetime) {
            return Err(Error::new(
                ErrorCode::InvalidDatetime,
                "datetime must be epoch milliseconds between 1970 and 9999",
            ));
        }
        Ok(SystemTime::UNIX_EPOCH + Duration::from_millis(self.datetime as u64))
    }

    /// The typed settings.
    pub fn settings(&self) -> Result<SigningSettings, Error> {
        let location = match self.signature_location {
            Location::Headers => SignatureLocation::Headers,
            Location::Query => SignatureLocation::Query {
                expires_in: expires_in(self.expires_in)?,
            },
        };
        Ok(SigningSettings {
            service: self.service.clone(),
            region: self.region.clone(),
            location,
            uri_encoding: self.uri_encoding.map(|e| match e {
                Encoding::Double => UriEncoding::Double,
                Encoding::Single => UriEncoding::Single,
            }),
            session_token: match self.session_token_placement {
                TokenPlacement::Signed => SessionTokenPlacement::Signed,
                TokenPlacement::Appended => SessionTokenPlacement::AppendedAfterSigning,
            },
            header_selection: match self.header_selection {
                Selection::Default => HeaderSelection::Default,
                Selection::All => HeaderSelection::All,
            },
            excluded_headers: self.excluded_headers.clone(),
            content_hash_header: self.content_hash_header.map(|c| match c {
                ContentHash::Include => ContentHashHeader::Include,
                ContentHash::Omit => ContentHashHeader::Omit,
            }),
            diagnostics: match self.diagnostics {
                DiagnosticsMode::Off => Diagnostics::Off,
                DiagnosticsMode::Capture => Diagnostics::Capture,
            },
        })
    }

    /// The request, with `body` as its payload unless a hash was declared.
    pub fn request<'a>(&'a self, body: &'a [u8]) -> Request<'a> {
        let payload = match self.payload_hash.as_deref() {
            Some(crate::sign::UNSIGNED_PAYLOAD) => Payload::Unsigned,
            Some(hash) => Payload::Hash(hash),
            None => Payload::Bytes(body),
        };
        Request {
            method: &self.method,
            url: &self.url,
            headers: &self.headers,
            payload,
        }
    }
}

fn expires_in(value: Option<f64>) -> Result<u32, Error> {
    let Some(seconds) = value else {
        return Ok(DEFAULT_EXPIRES_IN);
    };
    let max = f64::from(crate::sign::MAX_EXPIRES_IN);
    if seconds.fract() == 0.0 && (1.0..=max).contains(&seconds) {
        Ok(seconds as u32)
    } else {
        Err(Error::new(
            ErrorCode::ExpiresRange,
            format!("expiresIn must be a whole number of seconds in 1..={max}, got {seconds}"),
        ))
    }
}
