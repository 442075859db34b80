//! The JavaScript boundary: the only file with `#[wasm_bindgen]`. Bindings, no logic.
//!
//! One crossing per signature: the call's lines in (see `wire.rs`) with the
//! body bytes, one string out. No object is read or built field by field.
//!
//! The `s3` build is loaded beside the core, never instead of it: it exports
//! only what the core lacks (checksums, chunk and POST policy signatures),
//! and its refusals are thrown as `<code>\n<message>`.

use wasm_bindgen::prelude::*;

/// Signs one request given in its flat form; returns the answer's lines
/// (`ok` first), or an error code and message.
#[cfg(not(feature = "s3"))]
#[wasm_bindgen]
pub fn sign(call: &str, body: &[u8]) -> String {
    crate::wire::write_answer(crate::wire::parse_call(call, body).and_then(|call| call.sign()))
}

/// Hex SHA-256 of `data`.
#[cfg(not(feature = "s3"))]
#[wasm_bindgen(js_name = sha256Hex)]
pub fn sha256_hex(data: &[u8]) -> String {
    crate::hash::sha256_hex(data)
}

/// Incremental SHA-256 for bodies hashed in chunks.
#[cfg(not(feature = "s3"))]
#[wasm_bindgen]
#[derive(Default)]
pub struct Sha256 {
    inner: crate::hash::Sha256,
}

#[cfg(not(feature = "s3"))]
#[wasm_bindgen]
impl Sha256 {
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

/// An S3 checksum of a body fed chunk by chunk (`s3` build).
#[cfg(feature = "s3")]
#[wasm_bindgen]
pub struct Checksum {
    inner: Option<crate::checksum::Checksum>,
}

#[cfg(feature = "s3")]
#[wasm_bindgen]
impl Checksum {
    /// A checksum by one of `ChecksumAlgorithm::SPELLINGS` (JS checks the name first).
    #[wasm_bindgen(constructor)]
    pub fn new(algorithm: &str) -> Result<Checksum, String> {
        Ok(Self { inner: Some(crate::checksum::Checksum::new(checksum_algorithm(algorithm)?)) })
    }

    /// Feeds the next chunk.
    pub fn update(&mut self, chunk: &[u8]) {
        if let Some(inner) = &mut self.inner {
            inner.update(chunk);
        }
    }

    /// The base64 digest; the checksum is spent (an empty string after).
    pub fn digest(&mut self) -> String {
        self.inner.take().map(crate::checksum::Checksum::finish_base64).unwrap_or_default()
    }
}

/// The chunk signatures of one aws-chunked upload (`s3` build).
#[cfg(feature = "s3")]
#[wasm_bindgen]
pub struct ChunkSigner {
    inner: Option<crate::aws_chunked::ChunkSigner>,
}

#[cfg(feature = "s3")]
#[wasm_bindgen]
impl ChunkSigner {
    /// Continues from the request's seed signature, made at `datetime` (epoch
    /// ms) for `region` and `service`; `trailer` names the checksum sent after
    /// the last chunk, or is empty.
    #[wasm_bindgen(constructor)]
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        access_key_id: String,
        secret_access_key: String,
        region: &str,
        service: &str,
        datetime: f64,
        seed_signature: &str,
        trailer: &str,
    ) -> Result<ChunkSigner, String> {
        let credentials = crate::Credentials { access_key_id, secret_access_key, session_token: None };
        let trailer = trailer_algorithm(trailer)?;
        let inner = crate::aws_chunked::ChunkSigner::new(&credentials, region, service, time_of(datetime)?, seed_signature, trailer)
            .map_err(thrown)?;
        Ok(Self { inner: Some(inner) })
    }

    /// The framing line before `data`: `hex(size);chunk-signature=<sig>\r\n`.
    #[wasm_bindgen(js_name = chunkHeader)]
    pub fn chunk_header(&mut self, data: &[u8]) -> Result<String, String> {
        let inner = self.inner.as_mut().ok_or_else(spent)?;
        inner.chunk_header(data).map_err(thrown)
    }

    /// Everything after the last data chunk; the signer is spent.
    pub fn finish(&mut self) -> Result<String, String> {
        self.inner.take().ok_or_else(spent)?.finish().map_err(thrown)
    }
}

/// The Content-Length of an aws-chunked body of `decoded_length` bytes (`s3` build).
#[cfg(feature = "s3")]
#[wasm_bindgen(js_name = encodedLength)]
pub fn encoded_length(decoded_length: f64, chunk_size: u32, trailer: &str) -> Result<f64, String> {
    let trailer = trailer_algorithm(trailer)?;
    // The JS side checks both; these guard the arithmetic.
    if !(0.0..=MAX_SAFE_INTEGER).contains(&decoded_length) || decoded_length.fract() != 0.0 {
        return Err(failure(crate::ErrorCode::InvalidOptions, "the content length is not a whole number of bytes"));
    }
    if (chunk_size as usize) < crate::aws_chunked::MIN_CHUNK_SIZE {
        return Err(failure(crate::ErrorCode::InvalidOptions, "chunkSize is under 8 KiB"));
    }
    Ok(crate::aws_chunked::encoded_length(decoded_length as u64, chunk_size as usize, trailer) as f64)
}

/// The signature of a POST policy's base64, made at `datetime` (epoch ms) (`s3` build).
#[cfg(feature = "s3")]
#[wasm_bindgen(js_name = signPolicy)]
pub fn sign_policy(
    access_key_id: String,
    secret_access_key: String,
    region: &str,
    service: &str,
    datetime: f64,
    policy_base64: &str,
) -> Result<String, String> {
    let credentials = crate::Credentials { access_key_id, secret_access_key, session_token: None };
    crate::post_policy::sign(&credentials, region, service, time_of(datetime)?, policy_base64).map_err(thrown)
}

#[cfg(feature = "s3")]
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

/// One of `ChecksumAlgorithm::SPELLINGS`.
#[cfg(feature = "s3")]
fn checksum_algorithm(name: &str) -> Result<crate::ChecksumAlgorithm, String> {
    name.parse().map_err(|()| failure(crate::ErrorCode::InvalidOptions, "unknown checksum algorithm"))
}

/// The checksum sent in an upload's trailer: an algorithm's name, or '' for none.
#[cfg(feature = "s3")]
fn trailer_algorithm(name: &str) -> Result<Option<crate::ChecksumAlgorithm>, String> {
    if name.is_empty() {
        Ok(None)
    } else {
        checksum_algorithm(name).map(Some)
    }
}

/// Epoch milliseconds from JS, as the signing call's `datetime` takes them.
#[cfg(feature = "s3")]
fn time_of(datetime: f64) -> Result<std::time::SystemTime, String> {
    // Up to 9999-12-31, like the signing call's rule (wire.rs).
    if !(0.0..=253_402_300_799_999.0).contains(&datetime) || datetime.fract() != 0.0 {
        return Err(failure(crate::ErrorCode::InvalidDatetime, "`datetime` must be whole epoch milliseconds up to 9999-12-31"));
    }
    Ok(std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_millis(datetime as u64))
}

/// A refusal as JS reads it (js/src/s3/…): `<code>\n<message>`.
#[cfg(feature = "s3")]
fn failure(code: crate::ErrorCode, message: &str) -> String {
    format!("{}\n{message}", code.as_str())
}

#[cfg(feature = "s3")]
fn thrown(error: crate::Error) -> String {
    failure(error.code(), error.message())
}

#[cfg(feature = "s3")]
fn spent() -> String {
    failure(crate::ErrorCode::SigningFailed, "this upload's chunk signer has finished")
}
