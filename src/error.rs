//! The one error type of the core, with a stable machine-readable code.

use std::fmt;

/// Stable error codes. JS callers branch on these through `IamFetchError.code`,
/// so a code, once published, never changes meaning.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorCode {
    /// The URL is not an absolute http(s) URL the signer can parse.
    InvalidUrl,
    /// The HTTP method is empty or not an RFC 9110 token.
    InvalidMethod,
    /// A header name is not a token, or its value holds a control character.
    InvalidHeader,
    /// The access key id or the secret access key is missing or empty.
    MissingCredentials,
    /// A credential holds a character AWS never issues in one.
    InvalidCredentials,
    /// No region was given and none could be read from the host.
    MissingRegion,
    /// SigV4a's region set is empty, holds an invalid entry, or cannot be told.
    InvalidRegionSet,
    /// No service was given and none could be read from the host.
    MissingService,
    /// The service holds characters other than letters, digits, - and _.
    InvalidService,
    /// The region holds characters other than letters, digits, - and _.
    InvalidRegion,
    /// `expiresIn` of a presigned URL is outside 1..=604800 seconds.
    ExpiresRange,
    /// The signing time is not a valid instant.
    InvalidDatetime,
    /// A declared payload hash is not 64 lowercase hex digits.
    InvalidPayloadHash,
    /// UNSIGNED-PAYLOAD was asked for a service that rejects it.
    UnsignedPayload,
    /// An options object has a missing, misspelled or mistyped field.
    InvalidOptions,
    /// The signing engine refused the request for another reason.
    SigningFailed,
    /// This build of the core lacks what was asked (SigV4a, diagnostics): JS sends it to the build that has it.
    UnsupportedByBuild,
}

impl ErrorCode {
    /// The code as JS sees it, e.g. `ERR_INVALID_URL`.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidUrl => "ERR_INVALID_URL",
            ErrorCode::InvalidMethod => "ERR_INVALID_METHOD",
            ErrorCode::InvalidHeader => "ERR_INVALID_HEADER",
            ErrorCode::MissingCredentials => "ERR_MISSING_CREDENTIALS",
            ErrorCode::InvalidCredentials => "ERR_INVALID_CREDENTIALS",
            ErrorCode::MissingRegion => "ERR_MISSING_REGION",
            ErrorCode::MissingService => "ERR_MISSING_SERVICE",
            ErrorCode::InvalidService => "ERR_INVALID_SERVICE",
            ErrorCode::InvalidRegion => "ERR_INVALID_REGION",
            ErrorCode::InvalidRegionSet => "ERR_INVALID_REGION_SET",
            ErrorCode::ExpiresRange => "ERR_EXPIRES_RANGE",
            ErrorCode::InvalidDatetime => "ERR_INVALID_DATETIME",
            ErrorCode::InvalidPayloadHash => "ERR_INVALID_PAYLOAD_HASH",
            ErrorCode::UnsignedPayload => "ERR_UNSIGNED_PAYLOAD",
            ErrorCode::InvalidOptions => "ERR_INVALID_OPTIONS",
            ErrorCode::SigningFailed => "ERR_SIGNING_FAILED",
            ErrorCode::UnsupportedByBuild => "ERR_UNSUPPORTED_BY_BUILD",
        }
    }
}

/// An error of the signing core: a stable [`ErrorCode`] and a message for people.
///
/// Messages are built only from values that are safe to show: never a secret
/// access key, a session token or a header value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    code: ErrorCode,
    message: String,
}

impl Error {
    /// An error with the given code and message.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Error {
            code,
            message: message.into(),
        }
    }

    /// The stable code.
    pub fn code(&self) -> ErrorCode {
        self.code
    }

    /// The human-readable message.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.message)
    }
}

impl std::error::Error for Error {}
