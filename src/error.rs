//! The one error type of the core, with a stable machine-readable code.

use std::fmt;

// The enum, generated from the one table of error codes (error-codes.json).
include!("error_code.rs");

/// An error of the signing core: a stable [`ErrorCode`] and a message for people.
///
/// Messages are built only from values that are safe to show: never a secret
/// access key, a session token or a header value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    code: ErrorCode,
    message: String,
}

impl Error {
    /// An error with the given code and message.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Error {
            code,
            message: message.into(),
        }
    }

    /// The stable code.
    pub fn code(&self) -> ErrorCode {
        self.code
    }

    /// The human-readable message.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.message)
    }
}

impl std::error::Error for Error {}
