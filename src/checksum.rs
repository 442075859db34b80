//! S3's integrity checksums over a body, fed chunk by chunk: the CRCs S3
//! names (`x-amz-checksum-crc32`, `-crc32c`, `-crc64nvme`), SHA-1, SHA-256,
//! and MD5 for `Content-MD5`. Digests are big-endian, in base64, as S3 takes them.

use crate::settings::ChecksumAlgorithm;
use crc::{Crc, Table, CRC_32_ISCSI, CRC_32_ISO_HDLC, CRC_64_NVME};
use sha2::Digest;
use std::sync::OnceLock;

type Crc32Engine = Crc<u32, Table<16>>;
type Crc64Engine = Crc<u64, Table<16>>;

// Built on first use, not at compile time: as constants the three tables
// would be 64 KB of data segment in the wasm (they barely compress); building
// them takes microseconds.
static CRC32: OnceLock<Crc32Engine> = OnceLock::new();
static CRC32C: OnceLock<Crc32Engine> = OnceLock::new();
static CRC64NVME: OnceLock<Crc64Engine> = OnceLock::new();

fn engine32(cell: &'static OnceLock<Crc32Engine>, params: &'static crc::Algorithm<u32>) -> &'static Crc32Engine {
    cell.get_or_init(|| Crc::<u32, Table<16>>::new(params))
}

/// An incremental checksum of one algorithm.
pub struct Checksum {
    state: State,
}

enum State {
    Crc32(crc::Digest<'static, u32, Table<16>>),
    Crc64(crc::Digest<'static, u64, Table<16>>),
    Sha1(sha1::Sha1),
    Sha256(sha2::Sha256),
    Md5(md5::Md5),
}

impl Checksum {
    /// A checksum that has seen no bytes.
    pub fn new(algorithm: ChecksumAlgorithm) -> Self {
        let state = match algorithm {
            ChecksumAlgorithm::Crc32 => State::Crc32(engine32(&CRC32, &CRC_32_ISO_HDLC).digest()),
            ChecksumAlgorithm::Crc32c => State::Crc32(engine32(&CRC32C, &CRC_32_ISCSI).digest()),
            ChecksumAlgorithm::Crc64Nvme => {
                State::Crc64(CRC64NVME.get_or_init(|| Crc::<u64, Table<16>>::new(&CRC_64_NVME)).digest())
            }
            ChecksumAlgorithm::Sha1 => State::Sha1(sha1::Sha1::new()),
            ChecksumAlgorithm::Sha256 => State::Sha256(sha2::Sha256::new()),
            ChecksumAlgorithm::Md5 => State::Md5(md5::Md5::new()),
        };
        Self { state }
    }

    /// Feeds the next chunk.
    pub fn update(&mut self, chunk: &[u8]) {
        match &mut self.state {
            State::Crc32(digest) => digest.update(chunk),
            State::Crc64(digest) => digest.update(chunk),
            State::Sha1(digest) => digest.update(chunk),
            State::Sha256(digest) => digest.update(chunk),
            State::Md5(digest) => digest.update(chunk),
        }
    }

    /// The base64 of the big-endian digest of everything fed so far.
    pub fn finish_base64(self) -> String {
        match self.state {
            State::Crc32(digest) => aws_smithy_types::base64::encode(digest.finalize().to_be_bytes()),
            State::Crc64(digest) => aws_smithy_types::base64::encode(digest.finalize().to_be_bytes()),
            State::Sha1(digest) => aws_smithy_types::base64::encode(digest.finalize()),
            State::Sha256(digest) => aws_smithy_types::base64::encode(digest.finalize()),
            State::Md5(digest) => aws_smithy_types::base64::encode(digest.finalize()),
        }
    }
}

/// The length of a digest in base64, known before the body is read (the
/// encoded length of an aws-chunked upload counts its trailer).
pub fn base64_length(algorithm: ChecksumAlgorithm) -> usize {
    let digest_bytes = match algorithm {
        ChecksumAlgorithm::Crc32 | ChecksumAlgorithm::Crc32c => 4,
        ChecksumAlgorithm::Crc64Nvme => 8,
        ChecksumAlgorithm::Sha1 => 20,
        ChecksumAlgorithm::Sha256 => 32,
        ChecksumAlgorithm::Md5 => 16,
    };
    aws_smithy_types::base64::encoded_length(digest_bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn checksum(algorithm: ChecksumAlgorithm, chunks: &[&[u8]]) -> String {
        let mut checksum = Checksum::new(algorithm);
        for chunk in chunks {
            checksum.update(chunk);
        }
        checksum.finish_base64()
    }

    fn base64_of_hex(hex_digest: &str) -> String {
        aws_smithy_types::base64::encode(hex::decode(hex_digest).unwrap())
    }

    // The CRC catalogue's check values (the CRC of "123456789"), and
    // FIPS 180 / RFC 1321 vectors for "abc".
    #[test]
    fn known_vectors() {
        let check: &[u8] = b"123456789";
        assert_eq!(checksum(ChecksumAlgorithm::Crc32, &[check]), base64_of_hex("cbf43926"));
        assert_eq!(checksum(ChecksumAlgorithm::Crc32c, &[check]), base64_of_hex("e3069283"));
        assert_eq!(checksum(ChecksumAlgorithm::Crc64Nvme, &[check]), base64_of_hex("ae8b14860a799888"));
        assert_eq!(
            checksum(ChecksumAlgorithm::Sha1, &[b"abc"]),
            base64_of_hex("a9993e364706816aba3e25717850c26c9cd0d89d")
        );
        assert_eq!(
            checksum(ChecksumAlgorithm::Sha256, &[b"abc"]),
            base64_of_hex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        );
        assert_eq!(checksum(ChecksumAlgorithm::Md5, &[b"abc"]), base64_of_hex("900150983cd24fb0d6963f7d28e17f72"));
    }

    // S3's documented values for an empty body (the SDKs' presign bug baked the CRC32 one in).
    #[test]
    fn empty_body() {
        assert_eq!(checksum(ChecksumAlgorithm::Crc32, &[]), "AAAAAA==");
        assert_eq!(checksum(ChecksumAlgorithm::Crc64Nvme, &[]), "AAAAAAAAAAA=");
        assert_eq!(checksum(ChecksumAlgorithm::Md5, &[]), "1B2M2Y8AsgTpgAmY7PhCfg==");
    }

    #[test]
    fn chunking_does_not_change_the_digest() {
        let body: Vec<u8> = (0..100_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8).collect();
        for algorithm in ChecksumAlgorithm::ALL {
            let whole = checksum(*algorithm, &[&body]);
            let (a, rest) = body.split_at(1);
            let (b, c) = rest.split_at(65_535);
            assert_eq!(checksum(*algorithm, &[a, b, c]), whole, "{algorithm:?}");
            assert_eq!(whole.len(), base64_length(*algorithm), "{algorithm:?}");
        }
    }
}
