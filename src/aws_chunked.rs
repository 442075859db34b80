//! aws-chunked uploads with signed chunks (S3's `STREAMING-AWS4-HMAC-SHA256-PAYLOAD`
//! and `…-PAYLOAD-TRAILER`): each chunk is framed as
//! `hex(size);chunk-signature=<sig>\r\n<data>\r\n` and signed by aws-sigv4's
//! `sign_chunk` over the previous chunk's signature, starting from the
//! request's own (the seed). A zero-length chunk ends the body; with a
//! trailer, the checksum of the decoded bytes and its signature (aws-sigv4's
//! `sign_trailer`) follow it.
//!
//! JS frames and sends; this decides every byte of the framing, so the
//! encoded length told in `Content-Length` and the bytes sent agree by construction.

use crate::checksum::{base64_length, Checksum};
use crate::error::{Error, ErrorCode};
use crate::settings::{ChecksumAlgorithm, Credentials};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use aws_smithy_runtime_api::http::Headers;
use bytes::Bytes;
use std::time::SystemTime;

/// The smallest chunk S3 takes, but for the last.
pub const MIN_CHUNK_SIZE: usize = 8 * 1024;

const SIGNATURE_HEX_LENGTH: usize = 64;
const CHUNK_SIGNATURE: &str = ";chunk-signature=";
const TRAILER_SIGNATURE: &str = "x-amz-trailer-signature:";
const CRLF: &str = "\r\n";

/// The bytes an aws-chunked body of `decoded_length` bytes takes on the wire:
/// its `Content-Length`, which S3 needs before the first byte.
pub fn encoded_length(decoded_length: u64, chunk_size: usize, trailer: Option<ChecksumAlgorithm>) -> u64 {
    let framed = |size: u64| -> u64 {
        let hex_digits = format!("{size:x}").len();
        (hex_digits + CHUNK_SIGNATURE.len() + SIGNATURE_HEX_LENGTH + CRLF.len()) as u64
            + if size == 0 { 0 } else { size + CRLF.len() as u64 }
    };
    let chunk = chunk_size as u64;
    let full_chunks = decoded_length / chunk;
    let rest = decoded_length % chunk;
    let mut length = full_chunks * framed(chunk) + if rest > 0 { framed(rest) } else { 0 } + framed(0);
    if let Some(algorithm) = trailer {
        length += (algorithm.header_name().len() + 1 + base64_length(algorithm) + CRLF.len()) as u64;
        length += (TRAILER_SIGNATURE.len() + SIGNATURE_HEX_LENGTH + CRLF.len()) as u64;
    }
    length + CRLF.len() as u64
}

/// Signs the chunks of one upload in order, keeping the running signature.
pub struct ChunkSigner {
    identity: Identity,
    region: String,
    service: String,
    time: SystemTime,
    previous_signature: String,
    trailer: Option<(ChecksumAlgorithm, Checksum)>,
}

impl ChunkSigner {
    /// Starts after the request signed at `time` with `seed_signature`, for
    /// the same credentials, region and service. With `trailer`, the chunks'
    /// checksum is sent and signed after the last one.
    pub fn new(
        credentials: &Credentials,
        region: &str,
        service: &str,
        time: SystemTime,
        seed_signature: &str,
        trailer: Option<ChecksumAlgorithm>,
    ) -> Result<Self, Error> {
        crate::validate::credentials(credentials)?;
        crate::validate::scope(service, region)?;
        if seed_signature.len() != SIGNATURE_HEX_LENGTH || !seed_signature.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(Error::new(ErrorCode::SigningFailed, "the seed signature is not 64 hex digits"));
        }
        Ok(Self {
            identity: crate::sign::identity_of(credentials),
            region: region.to_owned(),
            service: service.to_owned(),
            time,
            previous_signature: seed_signature.to_owned(),
            trailer: trailer.map(|algorithm| (algorithm, Checksum::new(algorithm))),
        })
    }

    /// The framing line that goes before `data` (which is followed by CRLF):
    /// `hex(size);chunk-signature=<sig>\r\n`. The zero-length chunk is `finish`'s.
    pub fn chunk_header(&mut self, data: &[u8]) -> Result<String, Error> {
        if let Some((_, checksum)) = &mut self.trailer {
            checksum.update(data);
        }
        let signature = self.sign_chunk(data)?;
        Ok(format!("{:x}{CHUNK_SIGNATURE}{signature}{CRLF}", data.len()))
    }

    /// Everything after the last data chunk: the zero-length chunk, the
    /// trailer when there is one, and the closing CRLF.
    pub fn finish(mut self) -> Result<String, Error> {
        let signature = self.sign_chunk(&[])?;
        let mut tail = format!("0{CHUNK_SIGNATURE}{signature}{CRLF}");
        if let Some((algorithm, checksum)) = self.trailer.take() {
            let value = checksum.finish_base64();
            let mut headers = Headers::new();
            headers.insert(algorithm.header_name(), value.clone());
            let output = v4::sign_trailer(&headers, &self.previous_signature, &self.params()?).map_err(signing_error)?;
            tail.push_str(&format!("{}:{value}{CRLF}{TRAILER_SIGNATURE}{}{CRLF}", algorithm.header_name(), output.signature()));
        }
        tail.push_str(CRLF);
        Ok(tail)
    }

    fn sign_chunk(&mut self, data: &[u8]) -> Result<String, Error> {
        let output = v4::sign_chunk(&Bytes::copy_from_slice(data), &self.previous_signature, &self.params()?)
            .map_err(signing_error)?;
        self.previous_signature = output.signature().to_owned();
        Ok(self.previous_signature.clone())
    }

    fn params(&self) -> Result<v4::SigningParams<'_, ()>, Error> {
        v4::SigningParams::builder()
            .identity(&self.identity)
            .region(&self.region)
            .name(&self.service)
            .time(self.time)
            .settings(())
            .build()
            .map_err(|e| Error::new(ErrorCode::SigningFailed, format!("chunk signing parameters: {e}")))
    }
}

fn signing_error(error: impl std::fmt::Display) -> Error {
    Error::new(ErrorCode::SigningFailed, format!("a chunk could not be signed: {error}"))
}
