//! The flat form a signature crosses the JS boundary in: one string in, one
//! string out, fields separated by `\n`. Reading an options object field by
//! field costs more than the signature's own hashing, so JS writes the fields
//! (`js/src/wire.js`, which declares the same names in the same order) and
//! this module reads them into the core's types, by name.
//!
//! A line break inside a field would shift every field after it: JS writes it
//! as a NUL, which each field's own rule refuses with that field's error code
//! (an excluded header name holding one just matches no header). Where the
//! fields shift anyway, the call is refused with an error, never a panic.

use crate::error::{Error, ErrorCode};
use crate::settings::{
    Credentials, Payload, Request, SignatureLocation, SignatureLocationName, Signed, SigningSettings,
    UNSIGNED_PAYLOAD,
};
use crate::validate::truncate;
use std::str::FromStr;
use std::time::{Duration, SystemTime};

/// A call's fields, in this order; then each header's name and value, to the end.
pub const CALL_FIELDS: [&str; 19] = [
    "method",
    "url",
    "accessKeyId",
    "secretAccessKey",
    "sessionToken",
    "service",
    "region",
    "signingAlgorithm",
    "regionSet",
    "datetime",
    "signatureLocation",
    "expiresIn",
    "uriEncoding",
    "sessionTokenPlacement",
    "headerSelection",
    "excludedHeaders",
    "contentHashHeader",
    "payloadHash",
    "diagnostics",
];

/// An answer's fields after its first line, `ok`, in this order; then
/// `headerCount` header name and value pairs; then, with diagnostics, the
/// string to sign (4 lines) and the canonical request to the end. An error's
/// first line is its code, and the rest its message.
pub const RESULT_FIELDS: [&str; 9] = [
    "signature",
    "amzDate",
    "service",
    "region",
    "regionSet",
    "payloadHash",
    "signedHeaders",
    "url",
    "headerCount",
];

/// The latest instant accepted: 9999-12-31T23:59:59.999Z, in epoch milliseconds.
const MAX_EPOCH_MS: u64 = 253_402_300_799_999;

/// The position of `name` in `fields`. Used in `const` blocks, so that a name
/// that is not there fails the build and no name is looked up at run time.
const fn position(fields: &[&str], name: &str) -> usize {
    let mut at = 0;
    while at < fields.len() {
        let (field, name) = (fields[at].as_bytes(), name.as_bytes());
        if field.len() == name.len() {
            let mut i = 0;
            while i < name.len() && field[i] == name[i] {
                i += 1;
            }
            if i == name.len() {
                return at;
            }
        }
        at += 1;
    }
    panic!("no field of that name");
}

/// One signing call, read from its flat form. Holds the secret: no `Debug`.
pub struct ParsedCall<'a> {
    /// The request; its payload is `body` unless a hash was declared.
    pub request: Request<'a>,
    /// The credentials.
    pub credentials: Credentials,
    /// How to sign.
    pub settings: SigningSettings,
    /// When.
    pub time: SystemTime,
    headers: Vec<(String, String)>,
}

impl ParsedCall<'_> {
    /// Signs the call.
    pub fn sign(&self) -> Result<Signed, Error> {
        let request = Request { headers: &self.headers, ..self.request };
        crate::sign(&request, &self.credentials, &self.settings, self.time)
    }
}

/// Reads the fields JS wrote. `body` is hashed unless `payloadHash` is set.
/// Only the call format's own rules are checked here; the values' rules are
/// those of `sign()`, so that Rust callers get them too.
pub fn parse_call<'a>(call: &'a str, body: &'a [u8]) -> Result<ParsedCall<'a>, Error> {
    let mut lines = call.split('\n');
    let mut fields = [""; CALL_FIELDS.len()];
    for (slot, name) in fields.iter_mut().zip(CALL_FIELDS) {
        *slot = lines.next().ok_or_else(|| invalid(&format!("the signing call ends before `{name}`")))?;
    }
    macro_rules! field {
        ($name:literal) => {
            fields[const { position(&CALL_FIELDS, $name) }]
        };
    }

    let rest: Vec<&str> = lines.collect();
    if !rest.len().is_multiple_of(2) {
        return Err(Error::new(ErrorCode::InvalidHeader, "a header name has no value (a line break in a field?)"));
    }
    let headers = rest.chunks_exact(2).map(|pair| (pair[0].to_owned(), pair[1].to_owned())).collect();

    let location = match spelled(field!("signatureLocation"), "signatureLocation")? {
        SignatureLocationName::Headers => SignatureLocation::Headers,
        SignatureLocationName::Query => {
            let expires_in = field!("expiresIn");
            let seconds = whole_number(expires_in).and_then(|n| u32::try_from(n).ok()).ok_or_else(|| {
                Error::new(
                    ErrorCode::ExpiresRange,
                    format!("`expiresIn` must be a whole number of seconds, got '{}'", truncate(expires_in)),
                )
            })?;
            SignatureLocation::Query { expires_in: seconds }
        }
    };
    let region_set = field!("regionSet");
    let settings = SigningSettings {
        service: non_empty(field!("service")),
        region: non_empty(field!("region")),
        algorithm: spelled(field!("signingAlgorithm"), "signingAlgorithm")?,
        // Comma-joined, as signed; an empty entry is kept, to be refused.
        region_set: if region_set.is_empty() { Vec::new() } else { region_set.split(',').map(str::to_owned).collect() },
        location,
        uri_encoding: optional(field!("uriEncoding"), "uriEncoding")?,
        session_token: spelled(field!("sessionTokenPlacement"), "sessionTokenPlacement")?,
        header_selection: spelled(field!("headerSelection"), "headerSelection")?,
        excluded_headers: field!("excludedHeaders").split(',').filter(|h| !h.is_empty()).map(str::to_owned).collect(),
        content_hash_header: optional(field!("contentHashHeader"), "contentHashHeader")?,
        diagnostics: spelled(field!("diagnostics"), "diagnostics")?,
    };
    let datetime = field!("datetime");
    let millis = whole_number(datetime).filter(|ms| *ms <= MAX_EPOCH_MS).ok_or_else(|| {
        Error::new(
            ErrorCode::InvalidDatetime,
            format!("`datetime` must be whole epoch milliseconds up to 9999-12-31, got '{}'", truncate(datetime)),
        )
    })?;
    let payload = match field!("payloadHash") {
        "" => Payload::Bytes(body),
        UNSIGNED_PAYLOAD => Payload::Unsigned,
        hash => Payload::Hash(hash),
    };
    Ok(ParsedCall {
        request: Request { method: field!("method"), url: field!("url"), headers: &[], payload },
        credentials: Credentials {
            access_key_id: field!("accessKeyId").to_owned(),
            secret_access_key: field!("secretAccessKey").to_owned(),
            // An empty field is how JS writes "no session token".
            session_token: non_empty(field!("sessionToken")),
        },
        settings,
        time: SystemTime::UNIX_EPOCH + Duration::from_millis(millis),
        headers,
    })
}

/// The answer's lines: `ok` and [`RESULT_FIELDS`], then the headers and the
/// diagnostics; or an error's code and message.
pub fn write_answer(result: Result<Signed, Error>) -> String {
    let signed = match result {
        Ok(signed) => signed,
        Err(error) => return format!("{}\n{}", error.code().as_str(), error.message()),
    };
    let signed_headers = signed.signed_headers.join(";");
    let header_count = signed.headers.len().to_string();
    let mut fields = [""; RESULT_FIELDS.len()];
    macro_rules! set {
        ($name:literal, $value:expr) => {
            fields[const { position(&RESULT_FIELDS, $name) }] = $value
        };
    }
    set!("signature", &signed.signature);
    set!("amzDate", &signed.amz_date);
    set!("service", &signed.service);
    set!("region", &signed.region);
    set!("regionSet", &signed.region_set);
    set!("payloadHash", &signed.payload_hash);
    set!("signedHeaders", &signed_headers);
    set!("url", &signed.url);
    set!("headerCount", &header_count);

    let mut out = String::with_capacity(1024 + signed.url.len() + signed.headers.iter().map(|(n, v)| n.len() + v.len() + 2).sum::<usize>());
    out.push_str("ok\n");
    for line in fields {
        out.push_str(line);
        out.push('\n');
    }
    for (name, value) in &signed.headers {
        out.push_str(name);
        out.push('\n');
        out.push_str(value);
        out.push('\n');
    }
    if let Some(diagnostics) = &signed.diagnostics {
        out.push_str(&diagnostics.string_to_sign);
        out.push('\n');
        out.push_str(&diagnostics.canonical_request);
    }
    out
}

fn invalid(message: &str) -> Error {
    Error::new(ErrorCode::InvalidOptions, message)
}

fn non_empty(value: &str) -> Option<String> {
    (!value.is_empty()).then(|| value.to_owned())
}

fn spelled<T: FromStr>(value: &str, name: &str) -> Result<T, Error> {
    value.parse().map_err(|_| invalid(&format!("`{name}` has no mode named '{}'", truncate(value))))
}

fn optional<T: FromStr>(value: &str, name: &str) -> Result<Option<T>, Error> {
    if value.is_empty() {
        Ok(None)
    } else {
        spelled(value, name).map(Some)
    }
}

/// Digits only: no sign, point, exponent or space.
fn whole_number(value: &str) -> Option<u64> {
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    value.parse().ok()
}
