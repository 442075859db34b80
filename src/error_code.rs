// Generated from error-codes.json by scripts/error-codes.mjs: edit the table, then run it.

/// Stable error codes. JS callers branch on these through `IamFetchError.code`,
/// so a code, once published, never changes meaning.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorCode {
    /// The URL is not an absolute http(s) URL that can be signed as sent.
    InvalidUrl,
    /// The HTTP method is empty or not an RFC 9110 token.
    InvalidMethod,
    /// A header name is not a token, or a header value holds CR, LF or NUL.
    InvalidHeader,
    /// The access key id or the secret access key is missing or empty, or no credentials were given.
    MissingCredentials,
    /// A credential holds a character AWS never issues in one, or is not a string.
    InvalidCredentials,
    /// No region was given and none could be read from the host.
    MissingRegion,
    /// The region holds characters other than letters, digits, - and _.
    InvalidRegion,
    /// No service was given and none could be read from the host.
    MissingService,
    /// The service holds characters other than letters, digits, - and _.
    InvalidService,
    /// SigV4a's region set is empty, holds an invalid entry, or cannot be told.
    InvalidRegionSet,
    /// expiresIn of a presigned URL or POST policy is not a whole number of seconds in 1..604800.
    ExpiresRange,
    /// The signing time is not a valid instant between 1970 and 9999.
    InvalidDatetime,
    /// A declared payload hash is not 64 lower-case hex digits, UNSIGNED-PAYLOAD or (in S3 signed headers) an aws-chunked STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER].
    InvalidPayloadHash,
    /// UNSIGNED-PAYLOAD was asked for a service other than S3.
    UnsignedPayload,
    /// An option is unknown, misspelled or of the wrong type.
    InvalidOptions,
    /// aws-sigv4 refused the request for another reason.
    SigningFailed,
    /// The wasm build called lacks SigV4a or diagnostics; iamfetch sends such calls to the build that has them.
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
            ErrorCode::InvalidRegion => "ERR_INVALID_REGION",
            ErrorCode::MissingService => "ERR_MISSING_SERVICE",
            ErrorCode::InvalidService => "ERR_INVALID_SERVICE",
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
