//! iamfetch's signing core: AWS SigV4 for fetch-compatible requests, built on
//! the `aws-sigv4` crate, compiled to WebAssembly for browsers and edge runtimes.
//!
//! It holds only what must be exact and fast: signing and SHA-256. Everything
//! here is pure and synchronous. Time is always a parameter:
//! `SystemTime::now()` panics on wasm32-unknown-unknown, and clippy forbids it.
//! Only `wasm.rs` knows about JavaScript.
//!
//! The `diagnostics` feature (on by default natively) adds the canonical
//! request and string to sign; the default wasm build leaves it out, and JS
//! loads a second build that has it only when asked.
//!
//! The `s3` feature adds S3's checksums, aws-chunked signed uploads and POST
//! policy signatures: a fourth wasm build, loaded beside the core when first used.
#![warn(missing_docs)]

#[cfg(feature = "s3")]
pub mod aws_chunked;
#[cfg(feature = "diagnostics")]
mod capture;
#[cfg(feature = "s3")]
pub mod checksum;
#[cfg(feature = "diagnostics")]
mod diagnostics;
pub mod error;
pub mod hash;
#[cfg(feature = "s3")]
pub mod post_policy;
mod s3_key;
pub mod settings;
mod sign;
mod validate;
#[cfg(target_arch = "wasm32")]
mod wasm;
pub mod wire;

pub use error::{Error, ErrorCode};
pub use hash::{sha256_hex, Sha256};
pub use settings::{
    Algorithm, ChecksumAlgorithm, ContentHashHeader, Credentials, Diagnostics, HeaderSelection, Payload, Request, SessionTokenPlacement,
    SignatureLocation, Signed, SigningDiagnostics, SigningSettings, UriEncoding,
};
pub use sign::sign;

// talc, not std's dlmalloc: a smaller wasm at the same speed (bench/BENCHMARKS.md,
// "The default core, by crate and by function"). The wasm builds are single-threaded.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
