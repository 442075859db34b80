//! The flat form a signature crosses the JS boundary in: one string in, one
//! string out, lines separated by `\n`. Reading an options object field by
//! field costs more than the signature's own hashing, so JS (`js/src/wire.js`)
//! writes the lines and this module reads them into the core's types.
//!
//! No field may hold a line break: fetch's `Headers` and WHATWG URL refuse or
//! encode them, and JS checks the credentials. Where one slips in anyway, the
//! fields shift and the request is refused with an error, never a panic.

use crate::error::{Error, ErrorCode};
use crate::sign::{
    Credentials, Payload, Request, SignatureLocation, Signed, SigningSettings, MAX_EXPIRES_IN,
    UNSIGNED_PAYLOAD,
};
use std::ops::RangeInclusive;
use std::str::FromStr;
use std::time::{Duration, SystemTime};

/// The fields before the headers, in this order.
const FIELDS: [&str; 19] = [
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

/// The latest instant accepted: 9999-12-31T23:59:59.999Z, in epoch milliseconds.
const MAX_EPOCH_MS: u64 = 253_402_300_799_999;

/// One signing call, read from its flat form. Holds the secret: no `Debug`.
pub struct SignCall<'a> {
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

impl SignCall<'_> {
    /// Signs the call.
    pub fn sign(&self) -> Result<Signed, Error> {
        let request = Request { headers: &self.headers, ..self.request };
        crate::sign(&request, &self.credentials, &self.settings, self.time)
    }
}

/// Reads the lines JS wrote. `body` is hashed unless `payloadHash` is set.
pub fn read_call<'a>(flat: &'a str, body: &'a [u8]) -> Result<SignCall<'a>, Error> {
    let mut lines = flat.split('\n');
    let mut field = [""; FIELDS.len()];
    for (slot, name) in field.iter_mut().zip(FIELDS) {
        *slot = lines.next().ok_or_else(|| invalid(&format!("the signing call ends before `{name}`")))?;
    }
    let [method, url, access_key_id, secret_access_key, session_token, service, region, algorithm, region_set, datetime, location, expires_in, uri_encoding, token_placement, header_selection, excluded, content_hash, payload_hash, diagnostics] =
        field;

    let rest: Vec<&str> = lines.collect();
    if !rest.len().is_multiple_of(2) {
        return Err(Error::new(ErrorCode::InvalidHeader, "a header name has no value (a line break in a field?)"));
    }
    let headers = rest.chunks_exact(2).map(|pair| (pair[0].to_owned(), pair[1].to_owned())).collect();

    let location = match location {
        "headers" => SignatureLocation::Headers,
        "query" => {
            let seconds = whole_number(expires_in, "expiresIn", ErrorCode::ExpiresRange, 1..=u64::from(MAX_EXPIRES_IN))?;
            SignatureLocation::Query { expires_in: seconds as u32 }
        }
        _ => return Err(invalid("signatureLocation must be headers or query")),
    };
    let settings = SigningSettings {
        service: non_empty(service),
        region: non_empty(region),
        algorithm: spelled(algorithm, "signingAlgorithm")?,
        // Comma-joined, as signed; an empty entry is kept, to be refused.
        region_set: if region_set.is_empty() { Vec::new() } else { region_set.split(',').map(str::to_owned).collect() },
        location,
        uri_encoding: optional(uri_encoding, "uriEncoding")?,
        session_token: spelled(token_placement, "sessionTokenPlacement")?,
        header_selection: spelled(header_selection, "headerSelection")?,
        excluded_headers: excluded.split(',').filter(|h| !h.is_empty()).map(str::to_owned).collect(),
        content_hash_header: optional(content_hash, "contentHashHeader")?,
        diagnostics: spelled(diagnostics, "diagnostics")?,
    };
    let millis = whole_number(datetime, "datetime", ErrorCode::InvalidDatetime, 0..=MAX_EPOCH_MS)?;
    let payload = match payload_hash {
        "" => Payload::Bytes(body),
        UNSIGNED_PAYLOAD => Payload::Unsigned,
        hash => Payload::Hash(hash),
    };
    Ok(SignCall {
        request: Request { method, url, headers: &[], payload },
        credentials: Credentials {
            access_key_id: access_key_id.to_owned(),
            secret_access_key: secret_access_key.to_owned(),
            session_token: non_empty(session_token),
        },
        settings,
        time: SystemTime::UNIX_EPOCH + Duration::from_millis(millis),
        headers,
    })
}

/// The result's lines: `ok`, signature, amz date, service, region, payload
/// hash, signed headers (`;`), URL, the number of headers and each header's
/// name and value; with diagnostics, the string to sign (4 lines) and then
/// the canonical request to the end. An error is its code and its message.
pub fn write_result(result: Result<Signed, Error>) -> String {
    let signed = match result {
        Ok(signed) => signed,
        Err(error) => return format!("{}\n{}", error.code().as_str(), error.message()),
    };
    let mut out = String::with_capacity(1024 + signed.url.len() + signed.headers.iter().map(|(n, v)| n.len() + v.len() + 2).sum::<usize>());
    for line in [
        "ok",
        &signed.signature,
        &signed.amz_date,
        &signed.service,
        &signed.region,
        &signed.payload_hash,
        &signed.signed_headers.join(";"),
        &signed.url,
        &signed.headers.len().to_string(),
    ] {
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

fn whole_number(value: &str, name: &str, code: ErrorCode, range: RangeInclusive<u64>) -> Result<u64, Error> {
    value
        .parse::<u64>()
        .ok()
        .filter(|n| range.contains(n))
        .ok_or_else(|| Error::new(code, format!("`{name}` must be a whole number in range, got '{}'", truncate(value))))
}

fn truncate(value: &str) -> String {
    value.chars().take(32).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flat(fields: &[(&str, &str)], headers: &[&str]) -> String {
        let mut lines: Vec<&str> = FIELDS
            .iter()
            .map(|name| fields.iter().find(|(n, _)| n == name).map_or("", |(_, v)| *v))
            .collect();
        lines.extend(headers);
        lines.join("\n")
    }

    fn base() -> Vec<(&'static str, &'static str)> {
        vec![
            ("method", "POST"),
            ("url", "https://abc.lambda-url.eu-west-1.on.aws/x"),
            ("accessKeyId", "AKID"),
            ("secretAccessKey", "secret"),
            ("signingAlgorithm", "sigv4"),
            ("datetime", "1795255810000"),
            ("signatureLocation", "headers"),
            ("sessionTokenPlacement", "signed"),
            ("headerSelection", "default"),
            ("diagnostics", "off"),
        ]
    }

    fn lines_of(result: &str) -> Vec<&str> {
        result.split('\n').collect()
    }

    #[test]
    fn a_call_round_trips_to_a_signature() {
        let result = write_result(read_call(&flat(&base(), &["content-type", "application/json"]), b"{}").unwrap().sign());
        let lines = lines_of(&result);
        assert_eq!(lines[0], "ok");
        assert_eq!(lines[2], "20261121T101010Z");
        assert_eq!((lines[3], lines[4]), ("lambda", "eu-west-1"));
        assert_eq!(lines[5], crate::sha256_hex(b"{}"));
        assert_eq!(lines[6], "content-type;host;x-amz-date");
        assert_eq!(lines[8], "2");
        assert_eq!(lines[9], "x-amz-date");
        assert!(lines[12].starts_with("AWS4-HMAC-SHA256 Credential=AKID/20261121/eu-west-1/lambda/aws4_request"));
    }

    #[test]
    fn errors_are_a_code_and_a_message() {
        let mut fields = base();
        fields.push(("uriEncoding", "triple"));
        let result = write_result(read_call(&flat(&fields, &[]), b"").and_then(|c| c.sign()));
        assert_eq!(lines_of(&result), ["ERR_INVALID_OPTIONS", "`uriEncoding` has no mode named 'triple'"]);
        let result = write_result(read_call(&flat(&base(), &["x-orphan"]), b"").and_then(|c| c.sign()));
        assert!(result.starts_with("ERR_INVALID_HEADER\n"));
        assert!(write_result(read_call("GET\nhttps://x/", b"").and_then(|c| c.sign())).starts_with("ERR_INVALID_OPTIONS\n"));
    }

    #[test]
    fn numbers_are_whole_and_in_range() {
        for (name, value, code) in [
            ("datetime", "-1", "ERR_INVALID_DATETIME"),
            ("datetime", "1.5", "ERR_INVALID_DATETIME"),
            ("datetime", "253402300800000", "ERR_INVALID_DATETIME"),
        ] {
            let mut fields = base();
            fields.retain(|(n, _)| *n != name);
            fields.push((name, value));
            let result = write_result(read_call(&flat(&fields, &[]), b"").and_then(|c| c.sign()));
            assert!(result.starts_with(code), "{name}={value}: {result}");
        }
        for expires in ["0", "604801", "", "x"] {
            let mut fields = base();
            fields.retain(|(n, _)| *n != "signatureLocation");
            fields.extend([("signatureLocation", "query"), ("expiresIn", expires)]);
            let result = write_result(read_call(&flat(&fields, &[]), b"").and_then(|c| c.sign()));
            assert!(result.starts_with("ERR_EXPIRES_RANGE\n"), "{expires}: {result}");
        }
    }
}
