//! The core inside a real wasm instance (Node, via wasm-bindgen-test-runner):
//! signing and hashing work with time passed in, never read from the clock.
#![cfg(target_arch = "wasm32")]

use iamfetch::sign::SigningSettings;
use iamfetch::{sign, sha256_hex, Credentials, ErrorCode, Payload, Request, Sha256};
use std::time::{Duration, SystemTime};
use wasm_bindgen_test::wasm_bindgen_test;

/// The AWS suites' example credentials.
fn suite_credentials() -> Credentials {
    Credentials {
        access_key_id: "AKIDEXAMPLE".into(),
        secret_access_key: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY".into(),
        session_token: None,
    }
}

/// get-vanilla from the AWS suite, at its fixed time 2015-08-30T12:36:00Z.
#[wasm_bindgen_test]
fn signs_the_get_vanilla_vector() {
    let credentials = suite_credentials();
    let settings = SigningSettings {
        service: Some("service".into()),
        region: Some("us-east-1".into()),
        ..Default::default()
    };
    let request = Request {
        method: "GET",
        url: "https://example.amazonaws.com/",
        headers: &[],
        payload: Payload::Bytes(b""),
    };
    let time = SystemTime::UNIX_EPOCH + Duration::from_secs(1_440_938_160);
    let signed = sign(&request, &credentials, &settings, time).unwrap();
    assert_eq!(signed.signature, "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
    assert_eq!(signed.amz_date, "20150830T123600Z");
}

#[wasm_bindgen_test]
fn errors_come_back_as_values_not_traps() {
    let credentials = Credentials {
        access_key_id: "AKID".into(),
        secret_access_key: "secret".into(),
        session_token: None,
    };
    let request = Request { method: "GET", url: "https://example.com/", headers: &[], payload: Payload::Bytes(b"") };
    let error = sign(&request, &credentials, &SigningSettings::default(), SystemTime::UNIX_EPOCH).err().unwrap();
    assert_eq!(error.code(), ErrorCode::MissingService);
}

#[wasm_bindgen_test]
fn hashes_in_chunks() {
    let mut hasher = Sha256::new();
    hasher.update(b"ab");
    hasher.update(b"c");
    assert_eq!(hasher.finish_hex(), sha256_hex(b"abc"));
    assert_eq!(sha256_hex(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

/// get-vanilla from the v4a suite: the signature (RFC 6979, computed inside
/// wasm) verifies with the suite's public key over the suite's string to sign.
#[cfg(feature = "sigv4a")]
#[wasm_bindgen_test]
fn signs_the_v4a_get_vanilla_vector() {
    use iamfetch::sign::{Algorithm, Diagnostics};
    use p256::ecdsa::{signature::Verifier, DerSignature, VerifyingKey};
    let credentials = suite_credentials();
    let settings = SigningSettings {
        service: Some("service".into()),
        algorithm: Algorithm::SigV4a,
        region_set: vec!["us-east-1".into()],
        diagnostics: Diagnostics::Capture,
        ..Default::default()
    };
    let request = Request { method: "GET", url: "https://example.amazonaws.com/", headers: &[], payload: Payload::Bytes(b"") };
    let signed = sign(&request, &credentials, &settings, SystemTime::UNIX_EPOCH + Duration::from_secs(1_440_938_160)).unwrap();
    let string_to_sign = "AWS4-ECDSA-P256-SHA256\n20150830T123600Z\n20150830/service/aws4_request\ncf59db423e841c8b7e3444158185aa261b724a5c27cbe762676f3eed19f4dc02";
    assert_eq!(signed.diagnostics.unwrap().string_to_sign, string_to_sign);
    let point = hex::decode(concat!(
        "04b6618f6a65740a99e650b33b6b4b5bd0d43b176d721a3edfea7e7d2d56d936b1",
        "865ed22a7eadc9c5cb9d2cbaca1b3699139fedc5043dc6661864218330c8e518"
    ))
    .unwrap();
    let key = VerifyingKey::from_sec1_bytes(&point).unwrap();
    let signature = DerSignature::try_from(hex::decode(&signed.signature).unwrap().as_slice()).unwrap();
    assert!(key.verify(string_to_sign.as_bytes(), &signature).is_ok());
}
