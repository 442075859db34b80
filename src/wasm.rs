//! The JavaScript boundary: the only file with `#[wasm_bindgen]`.
//!
//! One call per signature: options (headers included, as a flat list of pairs)
//! go in as one object, and the result comes back as one object.

use crate::aws_error::{classify, AwsService};
use crate::credentials::{parse_sts_credentials, CognitoCredentialsAnswer, TemporaryCredentials};
use crate::error::{Error, ErrorCode};
use crate::options::SignOptions;
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// Signs a request. `options` is a [`SignOptions`] object; `body` is ignored
/// when `options.payloadHash` is set. Throws an Error carrying a stable `code`.
#[wasm_bindgen(js_name = sign)]
pub fn sign_js(options: JsValue, body: &[u8]) -> Result<JsValue, JsValue> {
    let options: SignOptions = serde_wasm_bindgen::from_value(options.clone())
        .map_err(|e| invalid_options(&e.to_string(), &options))?;
    let signed = crate::sign(
        &options.request(body),
        &options.credentials(),
        &options.settings().map_err(to_js_error)?,
        options.time().map_err(to_js_error)?,
    )
    .map_err(to_js_error)?;
    let diagnostics = signed.diagnostics.as_ref();
    let out = SignedJs {
        headers: &signed.headers,
        url: &signed.url,
        signature: &signed.signature,
        signed_headers: &signed.signed_headers,
        payload_hash: &signed.payload_hash,
        service: &signed.service,
        region: &signed.region,
        amz_date: &signed.amz_date,
        canonical_request: diagnostics.map(|d| d.canonical_request.as_str()),
        string_to_sign: diagnostics.map(|d| d.string_to_sign.as_str()),
    };
    out.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| to_js_error(Error::new(ErrorCode::SigningFailed, e.to_string())))
}

/// Classifies an AWS error answer: `{ code, errorType, message, retryable }`.
/// `service` is `cognito-identity` or `sts`.
#[wasm_bindgen(js_name = classifyAwsError)]
pub fn classify_aws_error_js(service: &str, status: u16, error_type_header: Option<String>, body: &str) -> JsValue {
    let service = if service == "sts" { AwsService::Sts } else { AwsService::CognitoIdentity };
    let error = classify(service, status, error_type_header.as_deref(), body);
    object(&[
        ("code", error.code.into()),
        ("errorType", error.error_type.into()),
        ("message", error.message.into()),
        ("retryable", error.retryable.into()),
    ])
}

/// Validates Cognito's parsed GetCredentialsForIdentity answer into
/// `{ identityId, accessKeyId, secretAccessKey, sessionToken, expiration }` (epoch ms).
#[wasm_bindgen(js_name = parseCognitoCredentials)]
pub fn parse_cognito_credentials_js(answer: JsValue) -> Result<JsValue, JsValue> {
    let parsed: CognitoCredentialsAnswer = serde_wasm_bindgen::from_value(answer.clone()).map_err(|e| {
        let credentials = js_sys::Reflect::get(&answer, &"Credentials".into()).unwrap_or(JsValue::UNDEFINED);
        let message = scrub(
            format!("Cognito GetCredentialsForIdentity answered with unexpected JSON: {e}"),
            &credentials,
            &["SecretKey", "SessionToken"],
        );
        to_js_error(Error::new(ErrorCode::InvalidCredentialsResponse, message))
    })?;
    let (identity_id, credentials) = parsed.validate().map_err(to_js_error)?;
    let out = credentials_object(credentials);
    let _ = js_sys::Reflect::set(&out, &"identityId".into(), &identity_id.into());
    Ok(out.into())
}

/// Reads the credentials of an STS AssumeRole / AssumeRoleWithWebIdentity XML answer.
#[wasm_bindgen(js_name = parseStsCredentials)]
pub fn parse_sts_credentials_js(answer: &str) -> Result<JsValue, JsValue> {
    parse_sts_credentials(answer).map(|c| credentials_object(c).into()).map_err(to_js_error)
}

/// Backoff before retry `attempt` (0-based): full jitter under `min(capMs, baseMs * 2^attempt)`.
#[wasm_bindgen(js_name = backoffDelayMs)]
pub fn backoff_delay_ms_js(attempt: u32, base_ms: f64, cap_ms: f64) -> f64 {
    crate::backoff::delay_ms(attempt, base_ms, cap_ms)
}

/// `bytes` random bytes as hex, from the platform's secure random source.
#[wasm_bindgen(js_name = randomHex)]
pub fn random_hex_js(bytes: usize) -> String {
    crate::backoff::random_hex(bytes)
}

/// Why AWS refused a request: `{ cause, summary, evidence, clockOffsetMs?, expectedCanonicalRequest?, expectedStringToSign? }`.
#[wasm_bindgen(js_name = diagnose)]
pub fn diagnose_js(answer: JsValue, sent: JsValue) -> Result<JsValue, JsValue> {
    let invalid = |e: serde_wasm_bindgen::Error| to_js_error(Error::new(ErrorCode::InvalidOptions, e.to_string()));
    let answer: AnswerJs = serde_wasm_bindgen::from_value(answer).map_err(invalid)?;
    let sent: SentJs = serde_wasm_bindgen::from_value(sent).map_err(invalid)?;
    let diagnosis = crate::diagnosis::diagnose(
        &crate::diagnosis::Answer {
            status: answer.status,
            error_type_header: answer.error_type.as_deref(),
            body: &answer.body,
            server_date_ms: answer.server_date_ms,
            local_time_ms: answer.local_time_ms,
        },
        &crate::diagnosis::Sent {
            host: &sent.host,
            method: &sent.method,
            service: &sent.service,
            region: &sent.region,
            canonical_request: &sent.canonical_request,
            string_to_sign: &sent.string_to_sign,
            sent_content_hash: sent.sent_content_hash,
            through_oac: sent.through_oac,
            credentials_expiration_ms: sent.credentials_expiration_ms,
            applied_offset_ms: sent.applied_offset_ms,
        },
    );
    let evidence: js_sys::Array = diagnosis.evidence.into_iter().map(JsValue::from).collect();
    let optional = |v: Option<String>| v.map_or(JsValue::UNDEFINED, JsValue::from);
    Ok(object(&[
        ("cause", diagnosis.cause.into()),
        ("summary", diagnosis.summary.into()),
        ("evidence", evidence.into()),
        ("clockOffsetMs", diagnosis.clock_offset_ms.map_or(JsValue::UNDEFINED, JsValue::from)),
        ("expectedCanonicalRequest", optional(diagnosis.expected_canonical_request)),
        ("expectedStringToSign", optional(diagnosis.expected_string_to_sign)),
    ]))
}

/// True when `body` is AWS's "Signature expired" / "Signature not yet current" refusal.
#[wasm_bindgen(js_name = isClockSkew)]
pub fn is_clock_skew_js(body: &str) -> bool {
    crate::diagnosis::is_clock_skew(body)
}

/// Hex SHA-256 of `data`.
#[wasm_bindgen(js_name = sha256Hex)]
pub fn sha256_hex_js(data: &[u8]) -> String {
    crate::hash::sha256_hex(data)
}

/// Incremental SHA-256 for bodies hashed in chunks.
#[wasm_bindgen(js_name = Sha256)]
#[derive(Default)]
pub struct Sha256Js {
    inner: crate::hash::Sha256,
}

#[wasm_bindgen(js_class = Sha256)]
impl Sha256Js {
    /// A hasher that has seen no bytes.
    #[wasm_bindgen(constructor)]
    pub fn new() -> Self {
        Self::default()
    }

    /// Feeds the next chunk.
    pub fn update(&mut self, chunk: &[u8]) {
        self.inner.update(chunk);
    }

    /// Hex digest of all chunks so far; the hasher starts over.
    pub fn digest(&mut self) -> String {
        self.inner.finish_hex()
    }
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct AnswerJs {
    status: u16,
    error_type: Option<String>,
    #[serde(default)]
    body: String,
    server_date_ms: Option<f64>,
    local_time_ms: f64,
}

#[derive(serde::Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct SentJs {
    host: String,
    method: String,
    service: String,
    region: String,
    canonical_request: String,
    string_to_sign: String,
    sent_content_hash: bool,
    through_oac: bool,
    credentials_expiration_ms: Option<f64>,
    applied_offset_ms: f64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SignedJs<'a> {
    headers: &'a [(String, String)],
    url: &'a str,
    signature: &'a str,
    signed_headers: &'a [String],
    payload_hash: &'a str,
    service: &'a str,
    region: &'a str,
    amz_date: &'a str,
    canonical_request: Option<&'a str>,
    string_to_sign: Option<&'a str>,
}

/// A JS `Error` with `name` IamFetchError and a stable `code`; the JS layer
/// re-throws it as an instance of its exported `IamFetchError` class.
fn to_js_error(error: Error) -> JsValue {
    let js = js_sys::Error::new(error.message());
    js.set_name("IamFetchError");
    let _ = js_sys::Reflect::set(&js, &"code".into(), &error.code().as_str().into());
    js.into()
}

fn object(entries: &[(&str, JsValue)]) -> JsValue {
    let out = js_sys::Object::new();
    for (key, value) in entries {
        // Setting a data property on a fresh plain object cannot fail.
        let _ = js_sys::Reflect::set(&out, &(*key).into(), value);
    }
    out.into()
}

fn credentials_object(credentials: TemporaryCredentials) -> js_sys::Object {
    object(&[
        ("accessKeyId", credentials.access_key_id.into()),
        ("secretAccessKey", credentials.secret_access_key.into()),
        ("sessionToken", credentials.session_token.into()),
        ("expiration", (credentials.expiration_ms as f64).into()),
    ])
    .into()
}

/// Replaces the string values of `fields` of `holder` in `message`: serde's
/// messages may quote a value of the wrong type, and it could be a secret.
fn scrub(mut message: String, holder: &JsValue, fields: &[&str]) -> String {
    for field in fields {
        let secret = js_sys::Reflect::get(holder, &(*field).into())
            .ok()
            .and_then(|v| v.as_string())
            .filter(|s| !s.is_empty());
        if let Some(secret) = secret {
            message = message.replace(&secret, "** redacted **");
        }
    }
    message
}

/// serde's messages name the field, but may quote a value of the wrong type:
/// scrub the secrets out in case a caller put one in the wrong place.
fn invalid_options(message: &str, options: &JsValue) -> JsValue {
    let message = scrub(format!("invalid signing options: {message}"), options, &["secretAccessKey", "sessionToken"]);
    to_js_error(Error::new(ErrorCode::InvalidOptions, message))
}
