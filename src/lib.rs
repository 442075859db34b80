//! iamfetch's signing core: AWS SigV4 for fetch-compatible requests, built on
//! the `aws-sigv4` crate, compiled to WebAssembly for browsers and edge runtimes.
//!
//! Everything here is pure and synchronous. Time is always a parameter:
//! `SystemTime::now()` panics on wasm32-unknown-unknown, and clippy forbids it.
//! Only `wasm.rs` knows about JavaScript.
#![warn(missing_docs)]

pub mod aws_error;
pub mod backoff;
mod capture;
pub mod credentials;
pub mod diagnosis;
pub mod endpoint;
pub mod error;
pub mod hash;
pub mod options;
pub mod sign;
pub mod time;
#[cfg(target_arch = "wasm32")]
mod wasm;
mod xml;

pub use error::{Error, ErrorCode};
pub use hash::{sha256_hex, Sha256};
pub use sign::{sign, Credentials, Payload, Request, Signed, SigningSettings};
