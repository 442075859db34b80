//! What a signature is asked for and what it gives: the credentials, the
//! request, the settings and the signed result, and the names JS spells the
//! settings' modes with.

use std::fmt;

/// The longest a presigned URL may live: 7 days.
pub const MAX_EXPIRES_IN: u32 = 604_800;

/// The payload hash S3 accepts in place of a body hash.
pub const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";

/// The payload hash of an aws-chunked upload whose chunks are signed.
pub const STREAMING_PAYLOAD: &str = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";

/// The same, with a signed trailer (a checksum) after the last chunk.
pub const STREAMING_PAYLOAD_TRAILER: &str = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER";

/// More headers than this are refused: aws-sigv4's `http::HeaderMap` panics
/// past about 24,500, and no real request comes near.
pub const MAX_HEADERS: usize = 10_000;

/// Headers never signed by default: the signature itself, and headers that
/// runtimes, browsers or proxies set, forbid or rewrite between hops.
pub const DEFAULT_EXCLUDED_HEADERS: &[&str] = &[
    "authorization",
    "user-agent",
    "content-length",
    "connection",
    "expect",
    "range",
    "presigned-expires",
    "x-amzn-trace-id",
    "transfer-encoding",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "proxy-connection",
    "te",
    "trailer",
    "upgrade",
    "via",
];

/// AWS credentials. `Debug` never shows the secret or the session token.
#[derive(Clone)]
pub struct Credentials {
    /// The access key id (not secret: it appears in every Authorization header).
    pub access_key_id: String,
    /// The secret access key.
    pub secret_access_key: String,
    /// The session token of temporary credentials.
    pub session_token: Option<String>,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"** redacted **")
            .field("session_token", &self.session_token.as_ref().map(|_| "** redacted **"))
            .finish()
    }
}

/// What the signature covers of the body.
#[derive(Clone, Copy, Debug)]
pub enum Payload<'a> {
    /// The body bytes, hashed here.
    Bytes(&'a [u8]),
    /// The lowercase hex SHA-256 of a body hashed elsewhere (in chunks, or by WebCrypto).
    Hash(&'a str),
    /// `UNSIGNED-PAYLOAD`, which only S3 accepts.
    Unsigned,
}

/// Where the signature goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignatureLocation {
    /// In the `authorization` header.
    Headers,
    /// In the query string: a presigned URL valid for `expires_in` seconds.
    Query {
        /// Lifetime of the URL, 1..=604800 seconds.
        expires_in: u32,
    },
}

/// How the path is encoded in the canonical request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UriEncoding {
    /// Normalize the path and percent-encode it again: every service but S3.
    Double,
    /// S3 rules: the path as sent, neither normalized nor encoded again.
    Single,
}

/// Where the session token of temporary credentials goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SessionTokenPlacement {
    /// Signed, like every other x-amz-* value.
    Signed,
    /// Added after signing (AWS IoT presigned WebSocket URLs want this).
    AppendedAfterSigning,
}

/// Which of the caller's headers are signed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HeaderSelection {
    /// All but [`DEFAULT_EXCLUDED_HEADERS`] and the caller's exclusions.
    Default,
    /// All but `authorization` and the caller's exclusions (aws4fetch's `allHeaders`).
    All,
}

/// Whether the payload hash is also sent and signed as `x-amz-content-sha256`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContentHashHeader {
    /// Not sent.
    Omit,
    /// Sent and signed: S3 and CloudFront OAC need it.
    Include,
}

/// Which signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Algorithm {
    /// AWS4-HMAC-SHA256: valid in one region.
    SigV4,
    /// AWS4-ECDSA-P256-SHA256: valid in a set of regions (S3 Multi-Region
    /// Access Points, EventBridge global endpoints). Only the `sigv4a` build has it.
    SigV4a,
}

/// Whether the canonical request and string to sign are returned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Diagnostics {
    /// Only what is needed to send the request.
    Off,
    /// Also the canonical request and the string to sign.
    Capture,
}

/// How to sign. `None` fields are derived from the service, or refused when
/// needed (JS reads service and region from an AWS host name before the call).
#[derive(Clone, Debug)]
pub struct SigningSettings {
    /// The signing name: required (`None` or empty is refused).
    pub service: Option<String>,
    /// The region: required unless SigV4a is given a region set (`None` or empty counts as not given).
    pub region: Option<String>,
    /// Which signature.
    pub algorithm: Algorithm,
    /// SigV4a's regions (`*` or names, `us-*` wildcards); empty: the region.
    pub region_set: Vec<String>,
    /// Headers or query string.
    pub location: SignatureLocation,
    /// `None`: single for S3, double otherwise.
    pub uri_encoding: Option<UriEncoding>,
    /// Where the session token goes.
    pub session_token: SessionTokenPlacement,
    /// Which headers are signed.
    pub header_selection: HeaderSelection,
    /// More header names never to sign.
    pub excluded_headers: Vec<String>,
    /// `None`: included for S3, omitted otherwise.
    pub content_hash_header: Option<ContentHashHeader>,
    /// Whether to return the canonical request and string to sign.
    pub diagnostics: Diagnostics,
}

impl Default for SigningSettings {
    fn default() -> Self {
        SigningSettings {
            service: None,
            region: None,
            algorithm: Algorithm::SigV4,
            region_set: Vec::new(),
            location: SignatureLocation::Headers,
            uri_encoding: None,
            session_token: SessionTokenPlacement::Signed,
            header_selection: HeaderSelection::Default,
            excluded_headers: Vec::new(),
            content_hash_header: None,
            diagnostics: Diagnostics::Off,
        }
    }
}

/// The request to sign, exactly as it will go on the wire.
#[derive(Clone, Copy, Debug)]
pub struct Request<'a> {
    /// The HTTP method.
    pub method: &'a str,
    /// The absolute URL as serialized for the wire (WHATWG URL), without fragment.
    pub url: &'a str,
    /// The caller's headers, in order; repeated names are allowed.
    pub headers: &'a [(String, String)],
    /// The body, or its hash.
    pub payload: Payload<'a>,
}

/// The result of signing. It has no `Debug`: it holds the session token.
#[derive(Clone)]
pub struct Signed {
    /// Headers to add to the request (empty for a presigned URL).
    pub headers: Vec<(String, String)>,
    /// The URL to send: the input URL, or the presigned URL.
    pub url: String,
    /// The hex signature.
    pub signature: String,
    /// The signed header names, lowercase and sorted.
    pub signed_headers: Vec<String>,
    /// The payload hash in the canonical request.
    pub payload_hash: String,
    /// The signing name used.
    pub service: String,
    /// The region in the scope (SigV4); empty for SigV4a, whose scope names no region.
    pub region: String,
    /// SigV4a's region set as signed, comma-joined; empty for SigV4.
    pub region_set: String,
    /// The `YYYYMMDDTHHMMSSZ` signing time.
    pub amz_date: String,
    /// Canonical request and string to sign, with [`Diagnostics::Capture`].
    pub diagnostics: Option<SigningDiagnostics>,
}

/// The intermediate SigV4 values, for explaining a signature mismatch.
#[derive(Clone)]
pub struct SigningDiagnostics {
    /// The canonical request.
    pub canonical_request: String,
    /// The string to sign.
    pub string_to_sign: String,
}

/// The names JS spells these modes with (js/src/wire.js `MODES`, checked
/// against `SPELLINGS` by tests/wire_format.rs): the one mapping between the two.
macro_rules! spelled {
    ($ty:ident { $($name:literal => $variant:ident),+ $(,)? }) => {
        impl $ty {
            /// Every name this mode is spelled with on the wire.
            pub const SPELLINGS: &'static [&'static str] = &[$($name),+];
        }
        impl std::str::FromStr for $ty {
            type Err = ();
            fn from_str(name: &str) -> Result<Self, ()> {
                match name {
                    $($name => Ok($ty::$variant),)+
                    _ => Err(()),
                }
            }
        }
    };
}
spelled!(UriEncoding { "double" => Double, "single" => Single });
spelled!(SessionTokenPlacement { "signed" => Signed, "appended" => AppendedAfterSigning });
spelled!(HeaderSelection { "default" => Default, "all" => All });
spelled!(ContentHashHeader { "include" => Include, "omit" => Omit });
spelled!(Diagnostics { "off" => Off, "capture" => Capture });
spelled!(Algorithm { "sigv4" => SigV4, "sigv4a" => SigV4a });
spelled!(SignatureLocationName { "headers" => Headers, "query" => Query });
spelled!(ChecksumAlgorithm {
    "CRC32" => Crc32,
    "CRC32C" => Crc32c,
    "CRC64NVME" => Crc64Nvme,
    "SHA1" => Sha1,
    "SHA256" => Sha256,
    "MD5" => Md5,
});

/// A checksum S3 verifies: one of its `x-amz-checksum-*` algorithms, or MD5
/// for `Content-MD5`. Spelled as S3's `ChecksumAlgorithm` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChecksumAlgorithm {
    /// CRC-32 (ISO-HDLC), `x-amz-checksum-crc32`.
    Crc32,
    /// CRC-32C (Castagnoli), `x-amz-checksum-crc32c`.
    Crc32c,
    /// CRC-64/NVME, `x-amz-checksum-crc64nvme`.
    Crc64Nvme,
    /// SHA-1, `x-amz-checksum-sha1`.
    Sha1,
    /// SHA-256, `x-amz-checksum-sha256`.
    Sha256,
    /// MD5, `Content-MD5` only.
    Md5,
}

impl ChecksumAlgorithm {
    /// Every algorithm.
    pub const ALL: &'static [ChecksumAlgorithm] =
        &[Self::Crc32, Self::Crc32c, Self::Crc64Nvme, Self::Sha1, Self::Sha256, Self::Md5];

    /// The header that carries it: `x-amz-checksum-<name in lower case>`, or `content-md5`.
    pub fn header_name(self) -> &'static str {
        match self {
            Self::Crc32 => "x-amz-checksum-crc32",
            Self::Crc32c => "x-amz-checksum-crc32c",
            Self::Crc64Nvme => "x-amz-checksum-crc64nvme",
            Self::Sha1 => "x-amz-checksum-sha1",
            Self::Sha256 => "x-amz-checksum-sha256",
            Self::Md5 => "content-md5",
        }
    }
}

/// [`SignatureLocation`] as JS names it: a presigned URL's lifetime is a field of its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignatureLocationName {
    /// [`SignatureLocation::Headers`].
    Headers,
    /// [`SignatureLocation::Query`].
    Query,
}
