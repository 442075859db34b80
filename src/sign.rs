//! SigV4 signing of one HTTP request, by the `aws-sigv4` crate.
//!
//! This module decides *what* is signed (service, region, headers, payload
//! hash, encoding rules); aws-sigv4 does all of the canonicalization, and
//! `validate.rs` holds the rules every input must meet.

use crate::error::{Error, ErrorCode};
use crate::hash::sha256_hex;
use crate::settings::{
    Algorithm, ContentHashHeader, Credentials, Diagnostics, HeaderSelection, Payload, Request,
    SessionTokenPlacement, SignatureLocation, Signed, SigningSettings, UriEncoding, DEFAULT_EXCLUDED_HEADERS,
    UNSIGNED_PAYLOAD,
};
use crate::{s3_key, validate};
use aws_credential_types::Credentials as AwsCredentials;
use aws_sigv4::http_request::{
    self as aws, PayloadChecksumKind, PercentEncodingMode, SessionTokenMode, SignableBody,
    SignableRequest, SigningInstructions, UriPathNormalizationMode,
};
use aws_sigv4::SigningOutput;
use aws_smithy_runtime_api::client::identity::Identity;
use std::borrow::Cow;
use std::time::{Duration, SystemTime};

const X_AMZ_CONTENT_SHA256: &str = "x-amz-content-sha256";
pub(crate) const X_AMZ_SECURITY_TOKEN: &str = "x-amz-security-token";
const X_AMZ_REGION_SET: &str = "x-amz-region-set";

/// Signs `request` with `credentials` at `time`.
pub fn sign(
    request: &Request<'_>,
    credentials: &Credentials,
    settings: &SigningSettings,
    time: SystemTime,
) -> Result<Signed, Error> {
    validate::credentials(credentials)?;
    validate::method(request.method)?;
    let host = validate::host_of(request.url)?;
    let (service, region) = validate::service_and_region(host, settings.service.as_deref(), settings.region.as_deref())?;
    let scope = Scope::of(settings, region, host)?;
    let is_s3 = service == "s3";
    let s3_url;
    let url = if is_s3 && uri_encoding(settings, is_s3) == UriEncoding::Single {
        s3_url = s3_key::canonical_url(request.url)?;
        &s3_url
    } else {
        request.url
    };
    let payload_hash = payload_hash(request.payload, service, settings.location)?;
    validate::headers(request.headers)?;
    let headers = headers_to_sign(request.headers, credentials, settings.algorithm);
    validate::uri_length(url, credentials, settings, &headers, scope.as_signed())?;
    validate::location(settings.location)?;

    let identity = identity_of(credentials);
    let params = scope.params(&identity, service, time, aws_settings(settings, is_s3))?;
    let sign_once = || {
        let signable = SignableRequest::new(
            request.method,
            url,
            headers.iter().map(|(n, v)| (n.as_str(), *v)),
            SignableBody::Precomputed(payload_hash.clone()),
        )
        .map_err(|e| Error::new(ErrorCode::InvalidUrl, format!("the URL cannot be signed: {e}")))?;
        aws::sign(signable, &params).map_err(signing_error)
    };
    let finish = |output: SigningOutput<SigningInstructions>| {
        let (instructions, signature) = output.into_parts();
        let (region, region_set) = scope.region_and_set();
        let mut signed = Signed {
            headers: Vec::new(),
            url: url.to_owned(),
            signature,
            signed_headers: Vec::new(),
            payload_hash: payload_hash.clone(),
            service: service.to_owned(),
            region: region.to_owned(),
            region_set: region_set.to_owned(),
            amz_date: String::new(),
            diagnostics: None,
        };
        add_instructions(&mut signed, instructions, settings.location, url);
        signed
    };
    sign_explained(settings.diagnostics, credentials, settings, sign_once, finish)
}

pub(crate) fn identity_of(credentials: &Credentials) -> Identity {
    // Identity::new, not `.into()`: the From impl builds a feature-tracking
    // config layer that signing never reads (about 4 KB of wasm).
    Identity::new(
        AwsCredentials::new(
            &credentials.access_key_id,
            &credentials.secret_access_key,
            credentials.session_token.clone(),
            None,
            "iamfetch",
        ),
        None,
    )
}

/// Where a signature is valid: SigV4's one region, named in its scope, or
/// SigV4a's region set, signed as `x-amz-region-set` with no region in its scope.
enum Scope {
    Region(String),
    #[cfg(feature = "sigv4a")]
    RegionSet(String),
}

impl Scope {
    /// The scope `settings` ask for; SigV4a without a region set is valid in the one region.
    fn of(settings: &SigningSettings, region: Option<&str>, host: &str) -> Result<Scope, Error> {
        let region = region.map(str::to_owned);
        match settings.algorithm {
            Algorithm::SigV4 => region.map(Scope::Region).ok_or_else(|| {
                Error::new(
                    ErrorCode::MissingRegion,
                    format!("cannot tell the AWS region from host '{host}': pass `region` (e.g. us-east-1)"),
                )
            }),
            #[cfg(feature = "sigv4a")]
            Algorithm::SigV4a if settings.region_set.is_empty() => region.map(Scope::RegionSet).ok_or_else(|| {
                Error::new(
                    ErrorCode::InvalidRegionSet,
                    format!("cannot tell the AWS region from host '{host}': pass `regionSet` (e.g. ['*'] or ['us-east-1', 'eu-west-1'])"),
                )
            }),
            #[cfg(feature = "sigv4a")]
            Algorithm::SigV4a => {
                validate::region_set(&settings.region_set)?;
                Ok(Scope::RegionSet(settings.region_set.join(",")))
            }
            // JS sends SigV4a to the build that has it.
            #[cfg(not(feature = "sigv4a"))]
            Algorithm::SigV4a => Err(Error::new(
                ErrorCode::UnsupportedByBuild,
                "this build has no SigV4a: it is signed by the sigv4a build",
            )),
        }
    }

    /// The region or the comma-joined region set, as signed.
    fn as_signed(&self) -> &str {
        match self {
            Scope::Region(names) => names,
            #[cfg(feature = "sigv4a")]
            Scope::RegionSet(names) => names,
        }
    }

    /// [`Signed::region`] and [`Signed::region_set`].
    fn region_and_set(&self) -> (&str, &str) {
        match self {
            Scope::Region(region) => (region, ""),
            #[cfg(feature = "sigv4a")]
            Scope::RegionSet(set) => ("", set),
        }
    }

    /// aws-sigv4's parameters for this scope's algorithm.
    fn params<'a>(
        &'a self,
        identity: &'a Identity,
        service: &'a str,
        time: SystemTime,
        settings: aws::SigningSettings,
    ) -> Result<aws::SigningParams<'a>, Error> {
        // The two algorithms' builders are distinct types with the same methods but the scope's.
        macro_rules! params {
            ($builder:expr) => {
                $builder
                    .identity(identity)
                    .name(service)
                    .time(time)
                    .settings(settings)
                    .build()
                    .map_err(|e| Error::new(ErrorCode::SigningFailed, e.to_string()))?
                    .into()
            };
        }
        Ok(match self {
            Scope::Region(region) => params!(aws_sigv4::sign::v4::SigningParams::builder().region(region)),
            #[cfg(feature = "sigv4a")]
            Scope::RegionSet(set) => params!(aws_sigv4::sign::v4a::SigningParams::builder().region_set(set)),
        })
    }
}

/// Signs with `sign_once` and makes a [`Signed`] of its output with `finish`;
/// with [`Diagnostics::Capture`], adds the canonical request and string to sign.
fn sign_explained<T>(
    diagnostics: Diagnostics,
    credentials: &Credentials,
    settings: &SigningSettings,
    sign_once: impl FnMut() -> Result<T, Error>,
    finish: impl FnOnce(T) -> Signed,
) -> Result<Signed, Error> {
    match diagnostics {
        Diagnostics::Off => {
            let mut sign_once = sign_once;
            Ok(finish(sign_once()?))
        }
        #[cfg(feature = "diagnostics")]
        Diagnostics::Capture => crate::diagnostics::sign_explained(credentials, settings, sign_once, finish),
        // JS asks the diagnostics build for them.
        #[cfg(not(feature = "diagnostics"))]
        Diagnostics::Capture => {
            let _ = (credentials, settings);
            Err(Error::new(
                ErrorCode::UnsupportedByBuild,
                "this build has no diagnostics: the canonical request comes from the diagnostics build",
            ))
        }
    }
}

/// The payload hash as decided by the caller (JS decides between a declared
/// header, the `payloadHash` option and the body), validated; only the body's
/// own hash is computed here, where it costs no second crossing.
fn payload_hash(payload: Payload<'_>, service: &str, location: SignatureLocation) -> Result<String, Error> {
    let declared = match payload {
        Payload::Hash(hash) => hash,
        Payload::Unsigned => UNSIGNED_PAYLOAD,
        // S3 presigned URLs never cover a body: it is not known when the URL is made.
        Payload::Bytes([]) if service == "s3" && matches!(location, SignatureLocation::Query { .. }) => {
            UNSIGNED_PAYLOAD
        }
        Payload::Bytes(bytes) => return Ok(sha256_hex(bytes)),
    };
    validate::payload_hash(declared, service, location)?;
    Ok(declared.to_owned())
}

/// The caller's headers, lowercased, minus those the signer sets itself.
fn headers_to_sign<'h>(
    headers: &'h [(String, String)],
    credentials: &Credentials,
    algorithm: Algorithm,
) -> Vec<(String, &'h str)> {
    let mut kept = Vec::with_capacity(headers.len());
    for (name, value) in headers {
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
    kept
}

fn aws_settings(settings: &SigningSettings, is_s3: bool) -> aws::SigningSettings {
    let mut out = aws::SigningSettings::default();
    if let SignatureLocation::Query { expires_in } = settings.location {
        out.signature_location = aws::SignatureLocation::QueryParams;
        out.expires_in = Some(Duration::from_secs(expires_in.into()));
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
    out
}

fn uri_encoding(settings: &SigningSettings, is_s3: bool) -> UriEncoding {
    settings.uri_encoding.unwrap_or(if is_s3 {
        UriEncoding::Single
    } else {
        UriEncoding::Double
    })
}

fn signing_error(error: aws::SigningError) -> Error {
    // aws-sigv4's messages name the failing part (e.g. an invalid header value), not the value.
    Error::new(ErrorCode::SigningFailed, format!("aws-sigv4 refused the request: {error}"))
}

/// What aws-sigv4 asks to add: headers, or the query parameters of a presigned URL.
fn add_instructions(signed: &mut Signed, instructions: SigningInstructions, location: SignatureLocation, url: &str) {
    let (added, params) = instructions.into_parts();
    match location {
        SignatureLocation::Headers => {
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
            for (name, value) in &params {
                match *name {
                    "X-Amz-Date" => signed.amz_date = value.to_string(),
                    "X-Amz-SignedHeaders" => signed.signed_headers = value.split(';').map(str::to_owned).collect(),
                    _ => {}
                }
            }
            signed.url = append_query(url, &params);
        }
    }
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
