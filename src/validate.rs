//! Every rule an input must meet to be signed, each stated once. The core
//! decides what is valid (JS checks only types and the call format), so Rust
//! callers of `sign()` and the wire get the same answer.
//!
//! No message quotes a secret access key, a session token or a header value.

use crate::error::{Error, ErrorCode};
use crate::hash::is_sha256_hex;
use crate::settings::{
    Credentials, SignatureLocation, SigningSettings, MAX_EXPIRES_IN, MAX_HEADERS, STREAMING_PAYLOAD, STREAMING_PAYLOAD_TRAILER, UNSIGNED_PAYLOAD,
};

/// The longest path and query `http::Uri` holds (its `MAX_LEN`); longer panics inside aws-sigv4.
const MAX_URI_BYTES: usize = 65_534;

/// How much of a refused value a message shows: enough to recognize it.
const SHOWN_CHARS: usize = 64;

/// The start of `value`, to quote in a message. Only for values safe to show.
pub(crate) fn truncate(value: &str) -> String {
    value.chars().take(SHOWN_CHARS).collect()
}

/// AWS issues access key ids and session tokens in visible ASCII, and secret
/// access keys without control characters: anything else is a value mangled
/// on its way here (a pasted line break, a NUL from the call format).
pub(crate) fn credentials(credentials: &Credentials) -> Result<(), Error> {
    if credentials.access_key_id.is_empty() || credentials.secret_access_key.is_empty() {
        return Err(Error::new(
            ErrorCode::MissingCredentials,
            "accessKeyId and secretAccessKey are required",
        ));
    }
    let visible = |s: &str| s.bytes().all(|b| b.is_ascii_graphic());
    if !visible(&credentials.access_key_id) {
        return Err(invalid_credential("accessKeyId", "characters other than visible ASCII"));
    }
    if credentials.secret_access_key.bytes().any(|b| b.is_ascii_control()) {
        return Err(invalid_credential("secretAccessKey", "a control character"));
    }
    match credentials.session_token.as_deref() {
        Some("") => Err(Error::new(
            ErrorCode::MissingCredentials,
            "sessionToken is empty: leave it out for long-term credentials",
        )),
        Some(token) if !visible(token) => Err(invalid_credential("sessionToken", "characters other than visible ASCII")),
        _ => Ok(()),
    }
}

fn invalid_credential(name: &str, what: &str) -> Error {
    Error::new(ErrorCode::InvalidCredentials, format!("{name} holds {what}, which AWS never issues in one"))
}

/// RFC 9110 token characters.
fn is_token(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

pub(crate) fn method(method: &str) -> Result<(), Error> {
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
pub(crate) fn host_of(url: &str) -> Result<&str, Error> {
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

/// The service and the region, if given: an empty one counts as not given
/// (JS fills both in from an AWS host name; a missing region is the scope's
/// to refuse, since SigV4a with a region set needs none). They go into the
/// scope, between slashes: letters, digits, - and _ only.
pub(crate) fn service_and_region<'a>(
    host: &str,
    service: Option<&'a str>,
    region: Option<&'a str>,
) -> Result<(&'a str, Option<&'a str>), Error> {
    let service = service.filter(|s| !s.is_empty()).ok_or_else(|| {
        Error::new(
            ErrorCode::MissingService,
            format!("cannot tell the AWS service from host '{host}': pass `service` (e.g. lambda, execute-api)"),
        )
    })?;
    let region = region.filter(|r| !r.is_empty());
    let valid = |s: &str| s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !valid(service) {
        return Err(Error::new(ErrorCode::InvalidService, "`service` may hold only letters, digits, - and _"));
    }
    if !region.is_none_or(valid) {
        return Err(Error::new(ErrorCode::InvalidRegion, "`region` may hold only letters, digits, - and _"));
    }
    Ok((service, region))
}

/// A SigV4 scope's service and region as given outright (the chunks of an
/// upload, a POST policy): both are required.
#[cfg(feature = "s3")]
pub(crate) fn scope(service: &str, region: &str) -> Result<(), Error> {
    match service_and_region("", Some(service), Some(region))? {
        (_, Some(_)) => Ok(()),
        (_, None) => Err(Error::new(ErrorCode::MissingRegion, "a `region` is required")),
    }
}

/// Each entry of SigV4a's region set: a region name, or a wildcard such as `*` or `us-*`.
/// Only the sigv4a build signs a region set.
#[cfg(feature = "sigv4a")]
pub(crate) fn region_set(names: &[String]) -> Result<(), Error> {
    let valid = |name: &String| {
        !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_*".contains(&b))
    };
    match names.iter().find(|name| !valid(name)) {
        None => Ok(()),
        Some(bad) => Err(Error::new(
            ErrorCode::InvalidRegionSet,
            format!("`regionSet` holds '{}': each entry is a region name or a wildcard such as * or us-*", truncate(bad)),
        )),
    }
}

/// A presigned URL lives 1 second to 7 days.
pub(crate) fn location(location: SignatureLocation) -> Result<(), Error> {
    match location {
        SignatureLocation::Query { expires_in } if !(1..=MAX_EXPIRES_IN).contains(&expires_in) => Err(Error::new(
            ErrorCode::ExpiresRange,
            format!("expiresIn must be 1..={MAX_EXPIRES_IN} seconds, got {expires_in}"),
        )),
        _ => Ok(()),
    }
}

/// A payload hash given by the caller: a SHA-256 in lowercase hex, or one of
/// the values only S3 accepts: UNSIGNED-PAYLOAD, and the aws-chunked
/// STREAMING-… values, whose chunks are signed after the headers (so never in
/// a presigned URL).
pub(crate) fn payload_hash(hash: &str, service: &str, location: SignatureLocation) -> Result<(), Error> {
    match hash {
        UNSIGNED_PAYLOAD if service == "s3" => Ok(()),
        // Every other place for them (another service, a presigned URL) is refused as an invalid hash.
        STREAMING_PAYLOAD | STREAMING_PAYLOAD_TRAILER if service == "s3" && location == SignatureLocation::Headers => Ok(()),
        UNSIGNED_PAYLOAD => Err(Error::new(
            ErrorCode::UnsignedPayload,
            format!("UNSIGNED-PAYLOAD is accepted only by S3, not by '{service}': sign the body hash"),
        )),
        hash if is_sha256_hex(hash) => Ok(()),
        _ => Err(Error::new(
            ErrorCode::InvalidPayloadHash,
            "the payload hash must be 64 lowercase hex digits (SHA-256), UNSIGNED-PAYLOAD, or STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER] in S3 signed headers",
        )),
    }
}

/// Header names are tokens and values hold no line break or NUL; their count
/// is bounded, since aws-sigv4's `http::HeaderMap` panics past about 24,500.
pub(crate) fn headers(headers: &[(String, String)]) -> Result<(), Error> {
    if headers.len() > MAX_HEADERS {
        return Err(Error::new(
            ErrorCode::InvalidHeader,
            format!("{} headers: at most {MAX_HEADERS} can be signed", headers.len()),
        ));
    }
    for (name, value) in headers {
        if !is_token(name) {
            return Err(Error::new(
                ErrorCode::InvalidHeader,
                format!("invalid header name '{}'", truncate(name)),
            ));
        }
        // Header values are never echoed: they may carry tokens.
        if value.bytes().any(|b| matches!(b, b'\r' | b'\n' | 0)) {
            return Err(Error::new(
                ErrorCode::InvalidHeader,
                format!("the value of header '{name}' contains CR, LF or NUL"),
            ));
        }
    }
    Ok(())
}

/// aws-sigv4 rebuilds the query, its own parameters added when presigning, as
/// an `http::Uri`, which panics past 65,534 bytes: refused here instead, from
/// an upper bound of that length. `headers` are those that may be signed;
/// `region` is the scope's region or SigV4a's region set.
pub(crate) fn uri_length(
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
