//! The JavaScript boundary: the only file with `#[wasm_bindgen]`. Bindings, no logic.
//!
//! One crossing per signature: the call's lines in (see `wire.rs`) with the
//! body bytes, one string out. No object is read or built field by field.

use wasm_bindgen::prelude::*;

/// Signs one request given in its flat form; returns the answer's lines
/// (`ok` first), or an error code and message.
#[wasm_bindgen]
pub fn sign(call: &str, body: &[u8]) -> String {
    crate::wire::write_answer(crate::wire::parse_call(call, body).and_then(|call| call.sign()))
}

/// Hex SHA-256 of `data`.
#[wasm_bindgen(js_name = sha256Hex)]
pub fn sha256_hex(data: &[u8]) -> String {
    crate::hash::sha256_hex(data)
}

/// Incremental SHA-256 for bodies hashed in chunks.
#[wasm_bindgen]
#[derive(Default)]
pub struct Sha256 {
    inner: crate::hash::Sha256,
}

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
