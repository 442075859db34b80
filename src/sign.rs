//! SigV4 signing of one HTTP request, by the `aws-sigv4` crate.
//!
//! This module decides *what* is signed (service, region, headers, payload
//! hash, encoding rules); aws-sigv4 does all of the canonicalization.

use crate::endpoint;
use crate::error::{Error, ErrorCode};
use crate::hash::{is_sha256_hex, sha256_hex};
use aws_credential_types::Credentials as AwsCredentials;
use aws_sigv4::http_request::{
    self as aws, PayloadChecksumKind, PercentEncodingMode, SessionTokenMode, SignableBody,
    SignableRequest, UriPathNormalizationMode,
};
use aws_smithy_runtime_api::client::identity::Identity;
use std::borrow::Cow;
use std::fmt;
use std::time::{Duration, SystemTime};

/// The longest a presigned URL may live: 7 days.
pub const MAX_EXPIRES_IN: u32 = 604_800;

/// The payload hash S3 accepts in place of a body hash.
pub const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";

/// More headers than this are refused: aws-sigv4's `http::HeaderMap` panics
/// past about 24,500, and no real request comes near.
pub const MAX_HEADERS: usize = 10_000;

/// The longest path and query `http::Uri` holds (its `MAX_LEN`); longer panics inside aws-sigv4.
const MAX_URI_BYTES: usize = 65_534;

const X_AMZ_CONTENT_SHA256: &str = "x-amz-content-sha256";
const X_AMZ_SECURITY_TOKEN: &str = "x-amz-security-token";
const X_AMZ_REGION_SET: &str = "x-amz-region-set";

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

/// How to sign. `None` fields are derived from the URL's host and the service.
#[derive(Clone, Debug)]
pub struct SigningSettings {
    /// The signing name; read from the host when `None`.
    pub service: Option<String>,
    /// The region; read from the host when `None`.
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
    /// The region used.
    pub region: String,
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

/// Signs `request` with `credentials` at `time`.
pub fn sign(
    request: &Request<'_>,
    credentials: &Credentials,
    settings: &SigningSettings,
    time: SystemTime,
) -> Result<Signed, Error> {
    check_credentials(credentials)?;
    check_method(request.method)?;
    let host = host_of(request.url)?;
    let (service, region) = resolve_endpoint(host, settings)?;
    // SigV4's scope names one region; SigV4a's names none and signs the region set instead.
    let region = match settings.algorithm {
        Algorithm::SigV4 => region.ok_or_else(|| missing_region(host))?,
        #[cfg(feature = "sigv4a")]
        Algorithm::SigV4a => region_set(&settings.region_set, region, host)?,
        #[cfg(not(feature = "sigv4a"))]
        Algorithm::SigV4a => return Err(no_sigv4a()),
    };
    let is_s3 = service == "s3";
    let s3_url;
    let url = if is_s3 && uri_encoding(settings, is_s3) == UriEncoding::Single {
        s3_url = s3_canonical_url(request.url)?;
        &s3_url
    } else {
        request.url
    };

    let payload_hash = payload_hash(request.payload, &service, &settings.location)?;
    let headers = headers_to_sign(request.headers, credentials, settings.algorithm)?;
    check_uri_length(url, credentials, settings, &headers, &region)?;

    let aws_settings = aws_settings(settings, is_s3)?;
    // Identity::new, not `.into()`: the From impl builds a feature-tracking
    // config layer that signing never reads (about 4 KB of wasm).
    let identity = Identity::new(
        AwsCredentials::new(
            &credentials.access_key_id,
            &credentials.secret_access_key,
            credentials.session_token.clone(),
            None,
            "iamfetch",
        ),
        None,
    );
    // The two algorithms' builders are distinct types with the same methods but the scope's.
    macro_rules! params {
        ($builder:expr) => {
            $builder
                .identity(&identity)
                .name(&service)
                .time(time)
                .settings(aws_settings)
                .build()
                .map_err(|e| Error::new(ErrorCode::SigningFailed, e.to_string()))?
                .into()
        };
    }
    let params: aws::SigningParams = match settings.algorithm {
        Algorithm::SigV4 => params!(aws_sigv4::sign::v4::SigningParams::builder().region(&region)),
        #[cfg(feature = "sigv4a")]
        Algorithm::SigV4a => params!(aws_sigv4::sign::v4a::SigningParams::builder().region_set(&region)),
        #[cfg(not(feature = "sigv4a"))]
        Algorithm::SigV4a => return Err(no_sigv4a()),
    };
    let signable = || {
        SignableRequest::new(
            request.method,
            url,
            headers.iter().map(|(n, v)| (n.as_str(), *v)),
            SignableBody::Precomputed(payload_hash.clone()),
        )
        .map_err(|e| Error::new(ErrorCode::InvalidUrl, format!("the URL cannot be signed: {e}")))
    };

    let (output, canonical_request) = match settings.diagnostics {
        Diagnostics::Off => (aws::sign(signable()?, &params), None),
        #[cfg(feature = "diagnostics")]
        Diagnostics::Capture => {
            let (output, canonical_request) = crate::capture::with_canonical_request(|| signable().map(|s| aws::sign(s, &params)));
            (output?, canonical_request)
        }
        #[cfg(not(feature = "diagnostics"))]
        Diagnostics::Capture => {
            return Err(Error::new(
                ErrorCode::SigningFailed,
                "this build has no diagnostics: the canonical request comes from the diagnostics build",
            ))
        }
    };
    let (instructions, signature) = output.map_err(signing_error)?.into_parts();

    let mut signed = Signed {
        headers: Vec::new(),
        url: url.to_owned(),
        signature,
        signed_headers: Vec::new(),
        payload_hash,
        service,
        region,
        amz_date: String::new(),
        diagnostics: None,
    };
    match settings.location {
        SignatureLocation::Headers => {
            let (added, _) = instructions.into_parts();
            for header in added {
                match header.name() {
                    "x-amz-date" => signed.amz_date = header.value().to_owned(),
                    "authorization" => signed.signed_headers = signed_headers_of(header.value()),
                    _ => {}
                }
                signed.headers.push((header.name().to_owned(), header.value().to_owned()));
            }
        }
        SignatureLocation::Query { .. } => {
            let (_, params) = instructions.into_parts();
            for (name, value) in &params {
                match *name {
                    "X-Amz-Date" => signed.amz_date = value.to_string(),
                    "X-Amz-SignedHeaders" => {
                        signed.signed_headers = value.split(';').map(str::to_owned).collect()
                    }
                    _ => {}
                }
            }
            signed.url = append_query(url, &params);
        }
    }
    #[cfg(feature = "diagnostics")]
    if let Some(redacted) = canonical_request {
        let canonical_request = unredact(&redacted, credentials, settings);
        let string_to_sign = string_to_sign(&signed, &canonical_request, settings.algorithm);
        signed.diagnostics = Some(SigningDiagnostics {
            canonical_request,
            string_to_sign,
        });
    }
    #[cfg(not(feature = "diagnostics"))]
    let _: Option<String> = canonical_request;
    Ok(signed)
}

fn check_credentials(credentials: &Credentials) -> Result<(), Error> {
    if credentials.access_key_id.is_empty() || credentials.secret_access_key.is_empty() {
        return Err(Error::new(
            ErrorCode::MissingCredentials,
            "accessKeyId and secretAccessKey are required",
        ));
    }
    let bad = |s: &str| s.bytes().any(|b| b.is_ascii_control() || b == b' ');
    if bad(&credentials.access_key_id) {
        return Err(Error::new(
            ErrorCode::MissingCredentials,
            "accessKeyId contains whitespace or control characters",
        ));
    }
    if credentials.session_token.as_deref().is_some_and(|t| t.is_empty() || bad(t)) {
        return Err(Error::new(
            ErrorCode::MissingCredentials,
            "sessionToken is empty or contains whitespace or control characters",
        ));
    }
    Ok(())
}

/// RFC 9110 token characters.
fn is_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes().all(|b| {
            b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
        })
}

fn check_method(method: &str) -> Result<(), Error> {
    if is_token(method) {
        Ok(())
    } else {
        Err(Error::new(
            ErrorCode::InvalidMethod,
            "the method must be a non-empty HTTP token such as GET or POST",
        ))
    }
}

/// The authority of an absolute http(s) URL.
fn host_of(url: &str) -> Result<&str, Error> {
    let invalid = || Error::new(ErrorCode::InvalidUrl, "expected an absolute http: or https: URL");
    let (scheme, rest) = url.split_once("://").ok_or_else(invalid)?;
    if !scheme.eq_ignore_ascii_case("https") && !scheme.eq_ignore_ascii_case("http") {
        return Err(invalid());
    }
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    if authority.is_empty() || authority.contains('@') {
        return Err(Error::new(
            ErrorCode::InvalidUrl,
            "the URL needs a host and must not carry user info",
        ));
    }
    if rest[end..].contains('#') {
        return Err(Error::new(
            ErrorCode::InvalidUrl,
            "the URL must not carry a #fragment: it is never sent",
        ));
    }
    Ok(authority)
}

/// The service, and the region as given or read from the host.
fn resolve_endpoint(host: &str, settings: &SigningSettings) -> Result<(String, Option<String>), Error> {
    let non_empty = |s: &Option<String>| s.clone().filter(|v| !v.is_empty());
    let (service, region) = (non_empty(&settings.service), non_empty(&settings.region));
    let detected = if service.is_none() || region.is_none() {
        endpoint::detect(host)
    } else {
        None
    };
    let service = service
        .or_else(|| detected.as_ref().map(|e| e.service.clone()))
        .ok_or_else(|| {
            Error::new(
                ErrorCode::MissingService,
                format!("cannot tell the AWS service from host '{host}': pass `service` (e.g. lambda, execute-api)"),
            )
        })?;
    let region = region.or_else(|| detected.map(|e| e.region));
    for (name, value) in [("service", Some(&service)), ("region", region.as_ref())] {
        let Some(value) = value else { continue };
        if !value.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
            let code = if name == "service" {
                ErrorCode::MissingService
            } else {
                ErrorCode::MissingRegion
            };
            return Err(Error::new(code, format!("`{name}` may hold only letters, digits, - and _")));
        }
    }
    Ok((service, region))
}

fn missing_region(host: &str) -> Error {
    Error::new(
        ErrorCode::MissingRegion,
        format!("cannot tell the AWS region from host '{host}': pass `region` (e.g. us-east-1)"),
    )
}

/// Refused by builds without SigV4a: JS sends SigV4a to the build that has it.
#[cfg(not(feature = "sigv4a"))]
fn no_sigv4a() -> Error {
    Error::new(ErrorCode::SigningFailed, "this build has no SigV4a: it is signed by the sigv4a build")
}

/// SigV4a's region set as signed (`x-amz-region-set`): the names given,
/// comma-joined, or else the one region.
#[cfg(feature = "sigv4a")]
fn region_set(names: &[String], region: Option<String>, host: &str) -> Result<String, Error> {
    if names.is_empty() {
        return region.ok_or_else(|| {
            Error::new(
                ErrorCode::InvalidRegionSet,
                format!("cannot tell the AWS region from host '{host}': pass `regionSet` (e.g. ['*'] or ['us-east-1', 'eu-west-1'])"),
            )
        });
    }
    let valid = |name: &String| {
        !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_*".contains(&b))
    };
    if let Some(bad) = names.iter().find(|name| !valid(name)) {
        return Err(Error::new(
            ErrorCode::InvalidRegionSet,
            format!("`regionSet` holds '{}': each entry is a region name or a wildcard such as * or us-*", truncate(bad, 64)),
        ));
    }
    Ok(names.join(","))
}

/// The payload hash as decided by the caller (JS decides between a declared
/// header, the `payloadHash` option and the body), validated; only the body's
/// own hash is computed here, where it costs no second crossing.
fn payload_hash(payload: Payload<'_>, service: &str, location: &SignatureLocation) -> Result<String, Error> {
    let declared = match payload {
        Payload::Hash(hash) => hash,
        Payload::Unsigned => UNSIGNED_PAYLOAD,
        // S3 presigned URLs never cover a body: it is not known when the URL is made.
        Payload::Bytes([]) if service == "s3" && matches!(location, SignatureLocation::Query { .. }) => {
            UNSIGNED_PAYLOAD
        }
        Payload::Bytes(bytes) => return Ok(sha256_hex(bytes)),
    };
    match declared {
        UNSIGNED_PAYLOAD if service == "s3" => Ok(UNSIGNED_PAYLOAD.to_owned()),
        UNSIGNED_PAYLOAD => Err(Error::new(
            ErrorCode::UnsignedPayload,
            format!("UNSIGNED-PAYLOAD is accepted only by S3, not by '{service}': sign the body hash"),
        )),
        hash if is_sha256_hex(hash) => Ok(hash.to_owned()),
        _ => Err(Error::new(
            ErrorCode::InvalidPayloadHash,
            "the payload hash must be 64 lowercase hex digits (SHA-256) or UNSIGNED-PAYLOAD",
        )),
    }
}

/// The caller's headers, checked, minus those the signer sets itself.
fn headers_to_sign<'h>(
    headers: &'h [(String, String)],
    credentials: &Credentials,
    algorithm: Algorithm,
) -> Result<Vec<(String, &'h str)>, Error> {
    if headers.len() > MAX_HEADERS {
        return Err(Error::new(
            ErrorCode::InvalidHeader,
            format!("{} headers: at most {MAX_HEADERS} can be signed", headers.len()),
        ));
    }
    let mut kept = Vec::with_capacity(headers.len());
    for (name, value) in headers {
        if !is_token(name) {
            return Err(Error::new(
                ErrorCode::InvalidHeader,
                format!("invalid header name '{}'", truncate(name, 64)),
            ));
        }
        // Header values are never echoed: they may carry tokens.
        if value.bytes().any(|b| matches!(b, b'\r' | b'\n' | 0)) {
            return Err(Error::new(
                ErrorCode::InvalidHeader,
                format!("the value of header '{name}' contains CR, LF or NUL"),
            ));
        }
        let name = name.to_ascii_lowercase();
        let set_by_signer = match name.as_str() {
            // fetch sends the URL's authority as host, so that is what gets signed.
            "host" | "authorization" | "x-amz-date" | X_AMZ_CONTENT_SHA256 => true,
            X_AMZ_SECURITY_TOKEN => credentials.session_token.is_some(),
            X_AMZ_REGION_SET => algorithm == Algorithm::SigV4a,
            _ => false,
        };
        if !set_by_signer {
            kept.push((name, value.as_str()));
        }
    }
    Ok(kept)
}

/// aws-sigv4 rebuilds the query, its own parameters added when presigning, as
/// an `http::Uri`, which panics past 65,534 bytes: refused here instead, from
/// an upper bound of that length.
fn check_uri_length(
    url: &str,
    credentials: &Credentials,
    settings: &SigningSettings,
    headers: &[(String, &str)],
    region: &str,
) -> Result<(), Error> {
    let after_authority = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path_and_query = after_authority.find(['/', '?']).map_or("", |at| &after_authority[at..]);
    let (path, query) = path_and_query.split_once('?').unwrap_or((path_and_query, ""));
    let mut bound = path.len() + 1 + encoded_len(query);
    if matches!(settings.location, SignatureLocation::Query { .. }) {
        let token = credentials.session_token.as_deref().map_or(0, |t| encoded_len(t) + 32);
        let signed_headers: usize = headers.iter().map(|(name, _)| 3 * name.len() + 3).sum();
        // Algorithm, Credential's date/region/service scope, Date, Expires, SignedHeaders' own names, Signature: under 512.
        bound += encoded_len(&credentials.access_key_id) + encoded_len(region) + token + signed_headers + 512;
    }
    if bound > MAX_URI_BYTES {
        return Err(Error::new(
            ErrorCode::InvalidUrl,
            format!("the URL as signed would be about {bound} bytes, more than the {MAX_URI_BYTES} a URL can hold"),
        ));
    }
    Ok(())
}

/// An upper bound of `s`'s length once aws-sigv4 has decoded and encoded it
/// again: an escaped byte takes 3, and each parameter may gain an `=`
/// (counted on its `&`, plus one). A plain loop: kept small in the wasm.
#[inline(never)]
fn encoded_len(s: &str) -> usize {
    let mut len = 1;
    for b in s.bytes() {
        len += match b {
            b'&' => 2,
            b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z' | b'-' | b'_' | b'.' | b'~' => 1,
            _ => 3,
        };
    }
    len
}

fn truncate(s: &str, max_chars: usize) -> String {
    s.chars().take(max_chars).collect()
}

fn aws_settings(settings: &SigningSettings, is_s3: bool) -> Result<aws::SigningSettings, Error> {
    let mut out = aws::SigningSettings::default();
    match settings.location {
        SignatureLocation::Headers => {}
        SignatureLocation::Query { expires_in } => {
            if !(1..=MAX_EXPIRES_IN).contains(&expires_in) {
                return Err(Error::new(
                    ErrorCode::ExpiresRange,
                    format!("expiresIn must be 1..={MAX_EXPIRES_IN} seconds, got {expires_in}"),
                ));
            }
            out.signature_location = aws::SignatureLocation::QueryParams;
            out.expires_in = Some(Duration::from_secs(expires_in.into()));
        }
    }
    (out.percent_encoding_mode, out.uri_path_normalization_mode) = match uri_encoding(settings, is_s3) {
        UriEncoding::Double => (PercentEncodingMode::Double, UriPathNormalizationMode::Enabled),
        UriEncoding::Single => (PercentEncodingMode::Single, UriPathNormalizationMode::Disabled),
    };
    out.session_token_mode = match settings.session_token {
        SessionTokenPlacement::Signed => SessionTokenMode::Include,
        SessionTokenPlacement::AppendedAfterSigning => SessionTokenMode::Exclude,
    };
    let content_hash = settings.content_hash_header.unwrap_or(if is_s3 {
        ContentHashHeader::Include
    } else {
        ContentHashHeader::Omit
    });
    out.payload_checksum_kind = match content_hash {
        ContentHashHeader::Include => PayloadChecksumKind::XAmzSha256,
        ContentHashHeader::Omit => PayloadChecksumKind::NoHeader,
    };
    let base: &[&str] = match settings.header_selection {
        HeaderSelection::Default => DEFAULT_EXCLUDED_HEADERS,
        HeaderSelection::All => &["authorization"],
    };
    let mut excluded: Vec<Cow<'static, str>> = base.iter().map(|h| Cow::Borrowed(*h)).collect();
    excluded.extend(
        settings
            .excluded_headers
            .iter()
            .map(|h| Cow::Owned(h.to_ascii_lowercase())),
    );
    out.excluded_headers = Some(excluded);
    Ok(out)
}

fn uri_encoding(settings: &SigningSettings, is_s3: bool) -> UriEncoding {
    settings.uri_encoding.unwrap_or(if is_s3 {
        UriEncoding::Single
    } else {
        UriEncoding::Double
    })
}

/// S3 does not sign the path as sent: it decodes the key (`+` read as a space)
/// and encodes it again as the AWS SDKs encode S3 keys, every byte but `/`
/// and the unreserved ones, without normalizing. The URL is rewritten that
/// way, so that what is signed (single encoding: the path as is) is exactly
/// what is sent, and names the same key.
///
/// A `%` without two hex digits makes the key ambiguous, and S3 refuses it
/// (400 InvalidURI): refused here too. Escaped bytes that are not UTF-8 are
/// kept as they are, escaped.
fn s3_canonical_url(url: &str) -> Result<String, Error> {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut encoded = Vec::with_capacity(url.len() + 16);
    // The slashes of "scheme://host/" counted, then 3 in the path, 4 in the query.
    let mut section = 0;
    let mut bytes = url.bytes();
    while let Some(byte) = bytes.next() {
        if byte == b'?' {
            section = 4;
        } else if byte == b'/' && section < 3 {
            section += 1;
        }
        if section != 3 {
            encoded.push(byte);
            continue;
        }
        let byte = match byte {
            b'+' => b' ',
            b'%' => match (hex_digit(bytes.next()), hex_digit(bytes.next())) {
                (Some(high), Some(low)) => high << 4 | low,
                _ => return Err(invalid_s3_key()),
            },
            other => other,
        };
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~' | b'/') {
            encoded.push(byte);
        } else {
            encoded.push(b'%');
            encoded.push(HEX[usize::from(byte >> 4)]);
            encoded.push(HEX[usize::from(byte & 15)]);
        }
    }
    // Escapes, and the rest of `url` cut at ASCII bytes: always UTF-8.
    String::from_utf8(encoded).map_err(|_| invalid_s3_key())
}

fn hex_digit(byte: Option<u8>) -> Option<u8> {
    char::from(byte?).to_digit(16).map(|digit| digit as u8)
}

#[cold]
fn invalid_s3_key() -> Error {
    Error::new(
        ErrorCode::InvalidUrl,
        "the S3 key in the path has a '%' without two hex digits: encode keys with encodeURIComponent (a literal '%' is %25)",
    )
}

fn signing_error(error: aws::SigningError) -> Error {
    // aws-sigv4's messages name the failing part (e.g. an invalid header value), not the value.
    Error::new(ErrorCode::SigningFailed, format!("aws-sigv4 refused the request: {error}"))
}

fn signed_headers_of(authorization: &str) -> Vec<String> {
    authorization
        .split(", ")
        .find_map(|part| part.strip_prefix("SignedHeaders="))
        .map(|list| list.split(';').map(str::to_owned).collect())
        .unwrap_or_default()
}

/// Appends the presigning parameters, encoded as aws-sigv4 expects, to the URL.
fn append_query(url: &str, params: &[(&str, Cow<'static, str>)]) -> String {
    let mut out = String::with_capacity(url.len() + 512);
    out.push_str(url);
    let mut separator = if url.contains('?') {
        if url.ends_with('?') || url.ends_with('&') {
            ""
        } else {
            "&"
        }
    } else {
        "?"
    };
    for (name, value) in params {
        out.push_str(separator);
        out.push_str(&aws_smithy_http::query::fmt_string(name));
        out.push('=');
        out.push_str(&aws_smithy_http::query::fmt_string(value));
        separator = "&";
    }
    out
}

#[cfg(feature = "diagnostics")]
/// aws-sigv4 traces the canonical request with the session token header
/// redacted; put the token back so the string to sign can be derived from it.
fn unredact(redacted: &str, credentials: &Credentials, settings: &SigningSettings) -> String {
    let (Some(token), SignatureLocation::Headers, SessionTokenPlacement::Signed) = (
        &credentials.session_token,
        settings.location,
        settings.session_token,
    ) else {
        return redacted.to_owned();
    };
    let marker = format!("{X_AMZ_SECURITY_TOKEN}:** redacted (length={}) **\n", token.len());
    redacted.replacen(&marker, &format!("{X_AMZ_SECURITY_TOKEN}:{token}\n"), 1)
}

#[cfg(feature = "diagnostics")]
fn string_to_sign(signed: &Signed, canonical_request: &str, algorithm: Algorithm) -> String {
    let date = signed.amz_date.get(..8).unwrap_or_default();
    let (name, scope) = match algorithm {
        Algorithm::SigV4 => ("AWS4-HMAC-SHA256", format!("{date}/{}/{}/aws4_request", signed.region, signed.service)),
        // SigV4a's scope has no region: the region set is a signed header or query parameter.
        Algorithm::SigV4a => ("AWS4-ECDSA-P256-SHA256", format!("{date}/{}/aws4_request", signed.service)),
    };
    format!("{name}\n{}\n{scope}\n{}", signed.amz_date, sha256_hex(canonical_request.as_bytes()))
}

/// The names JS spells these modes with: the one mapping between the two.
macro_rules! spelled {
    ($ty:ident { $($name:literal => $variant:ident),+ $(,)? }) => {
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
