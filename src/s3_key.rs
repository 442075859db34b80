//! S3 object keys in the path, re-encoded the way S3 reads them.

use crate::error::{Error, ErrorCode};

/// S3 does not sign the path as sent: it decodes the key (`+` read as a space)
/// and encodes it again as the AWS SDKs encode S3 keys, every byte but `/`
/// and the unreserved ones, without normalizing. The URL is rewritten that
/// way, so that what is signed (single encoding: the path as is) is exactly
/// what is sent, and names the same key.
///
/// A `%` without two hex digits makes the key ambiguous, and S3 refuses it
/// (400 InvalidURI): refused here too. Escaped bytes that are not UTF-8 are
/// kept as they are, escaped.
pub(crate) fn canonical_url(url: &str) -> Result<String, Error> {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut encoded = Vec::with_capacity(url.len() + 16);
    // The slashes of "scheme://host/" counted, then 3 in the path, 4 in the query.
    let mut section = 0;
    let mut bytes = url.bytes();
    while let Some(byte) = bytes.next() {
        if byte == b'?' {
            section = 4;
        } else if byte == b'/' && section < 3 {
            section += 1;
        }
        if section != 3 {
            encoded.push(byte);
            continue;
        }
        let byte = match byte {
            b'+' => b' ',
            b'%' => match (hex_digit(bytes.next()), hex_digit(bytes.next())) {
                (Some(high), Some(low)) => high << 4 | low,
                _ => return Err(invalid_s3_key()),
            },
            other => other,
        };
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~' | b'/') {
            encoded.push(byte);
        } else {
            encoded.push(b'%');
            encoded.push(HEX[usize::from(byte >> 4)]);
            encoded.push(HEX[usize::from(byte & 15)]);
        }
    }
    // Escapes, and the rest of `url` cut at ASCII bytes: always UTF-8.
    String::from_utf8(encoded).map_err(|_| invalid_s3_key())
}

fn hex_digit(byte: Option<u8>) -> Option<u8> {
    char::from(byte?).to_digit(16).map(|digit| digit as u8)
}

#[cold]
fn invalid_s3_key() -> Error {
    Error::new(
        ErrorCode::InvalidUrl,
        "the S3 key in the path has a '%' without two hex digits: encode keys with encodeURIComponent (a literal '%' is %25)",
    )
}
