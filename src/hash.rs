//! SHA-256 payload hashing, one-shot and incremental.

use sha2::{Digest, Sha256 as Sha256Engine};

/// The hex SHA-256 of an empty payload.
pub const EMPTY_PAYLOAD_SHA256: &str =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// Hex SHA-256 of `data`, lowercase, as SigV4 wants it.
pub fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256Engine::digest(data))
}

/// An incremental SHA-256: feed a body chunk by chunk, then take the hex digest.
#[derive(Clone, Default)]
pub struct Sha256 {
    engine: Sha256Engine,
}

impl Sha256 {
    /// A hasher that has seen no bytes yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Feeds the next chunk.
    pub fn update(&mut self, chunk: &[u8]) {
        self.engine.update(chunk);
    }

    /// The lowercase hex digest of everything fed so far; the hasher starts over.
    pub fn finish_hex(&mut self) -> String {
        hex::encode(self.engine.finalize_reset())
    }
}

/// True for a lowercase 64-digit hex string, the only form SigV4 accepts.
pub fn is_sha256_hex(value: &str) -> bool {
    value.len() == 64 && value.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

#[cfg(test)]
mod tests {
    use super::*;

    // FIPS 180-2 / NIST CSRC example vectors.
    const NIST_VECTORS: &[(&[u8], &str)] = &[
        (b"", EMPTY_PAYLOAD_SHA256),
        (b"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        (
            b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
        ),
        (
            b"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
            "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1",
        ),
    ];

    #[test]
    fn nist_vectors_one_shot() {
        for (input, expected) in NIST_VECTORS {
            assert_eq!(sha256_hex(input), *expected);
        }
    }

    #[test]
    fn nist_million_a() {
        let mut hasher = Sha256::new();
        let chunk = [b'a'; 1000];
        for _ in 0..1000 {
            hasher.update(&chunk);
        }
        assert_eq!(
            hasher.finish_hex(),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
        );
    }

    #[test]
    fn chunked_equals_one_shot_for_every_split() {
        let data: Vec<u8> = (0..300u32).map(|i| (i * 7 % 251) as u8).collect();
        let whole = sha256_hex(&data);
        for split in [0, 1, 55, 56, 63, 64, 65, 128, 299, 300] {
            let mut hasher = Sha256::new();
            hasher.update(&data[..split]);
            hasher.update(&data[split..]);
            assert_eq!(hasher.finish_hex(), whole, "split at {split}");
        }
    }

    #[test]
    fn finish_resets() {
        let mut hasher = Sha256::new();
        hasher.update(b"abc");
        hasher.finish_hex();
        assert_eq!(hasher.finish_hex(), EMPTY_PAYLOAD_SHA256);
    }

    #[test]
    fn recognises_hex_hashes() {
        assert!(is_sha256_hex(EMPTY_PAYLOAD_SHA256));
        assert!(!is_sha256_hex(&EMPTY_PAYLOAD_SHA256.to_uppercase()));
        assert!(!is_sha256_hex("UNSIGNED-PAYLOAD"));
        assert!(!is_sha256_hex(&EMPTY_PAYLOAD_SHA256[1..]));
    }
}
