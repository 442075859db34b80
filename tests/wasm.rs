//! The core inside a real wasm instance (Node and a browser, via
//! wasm-bindgen-test-runner): signing and hashing work with time passed in,
//! never read from the clock.
#![cfg(target_arch = "wasm32")]

use iamfetch::{sign, sha256_hex, Credentials, ErrorCode, Payload, Request, Sha256, SigningSettings};
use std::time::{Duration, SystemTime};
use wasm_bindgen_test::wasm_bindgen_test;

/// A file of the AWS signing test suite, embedded when this test is compiled:
/// wasm-bindgen-test runs it in Node and in a browser, where no file can be
/// read. The directory is the build script's (tests/common/aws_suite_dir.rs).
macro_rules! suite_file {
    ($path:literal) => {
        include_str!(concat!(
            env!(
                "AWS_SIGNING_SUITE_DIR",
                "the build script found no aws-signing-test-suite for the aws-sigv4 version in Cargo.lock"
            ),
            "/",
            $path
        ))
        .trim_end()
    };
}

/// A get-vanilla case's credentials, service, region and time, from its context.json.
fn context(json: &str) -> (Credentials, String, String, SystemTime) {
    let context: serde_json::Value = serde_json::from_str(json).unwrap();
    let text = |value: &serde_json::Value| value.as_str().unwrap().to_owned();
    let credentials = Credentials {
        access_key_id: text(&context["credentials"]["access_key_id"]),
        secret_access_key: text(&context["credentials"]["secret_access_key"]),
        session_token: None,
    };
    let at = time::OffsetDateTime::parse(&text(&context["timestamp"]), &time::format_description::well_known::Rfc3339).unwrap();
    let time = SystemTime::UNIX_EPOCH + Duration::from_secs(at.unix_timestamp() as u64);
    (credentials, text(&context["service"]), text(&context["region"]), time)
}

/// get-vanilla (`GET /` to example.amazonaws.com) from the AWS suite.
fn get_vanilla() -> Request<'static> {
    Request { method: "GET", url: "https://example.amazonaws.com/", headers: &[], payload: Payload::Bytes(b"") }
}

#[wasm_bindgen_test]
fn signs_the_get_vanilla_vector() {
    assert_eq!(suite_file!("v4/get-vanilla/request.txt"), "GET / HTTP/1.1\nHost:example.amazonaws.com");
    let (credentials, service, region, time) = context(suite_file!("v4/get-vanilla/context.json"));
    let settings = SigningSettings { service: Some(service), region: Some(region), ..Default::default() };
    let signed = sign(&get_vanilla(), &credentials, &settings, time).unwrap();
    assert_eq!(signed.signature, suite_file!("v4/get-vanilla/header-signature.txt"));
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
    use iamfetch::{Algorithm, Diagnostics};
    use p256::ecdsa::{signature::Verifier, DerSignature, VerifyingKey};
    assert_eq!(suite_file!("v4a/get-vanilla/request.txt"), "GET / HTTP/1.1\nHost:example.amazonaws.com");
    let (credentials, service, region, time) = context(suite_file!("v4a/get-vanilla/context.json"));
    let settings = SigningSettings {
        service: Some(service),
        algorithm: Algorithm::SigV4a,
        region_set: vec![region],
        diagnostics: Diagnostics::Capture,
        ..Default::default()
    };
    let signed = sign(&get_vanilla(), &credentials, &settings, time).unwrap();
    let string_to_sign = suite_file!("v4a/get-vanilla/header-string-to-sign.txt");
    assert_eq!(signed.diagnostics.unwrap().string_to_sign, string_to_sign);
    let key: serde_json::Value = serde_json::from_str(suite_file!("v4a/get-vanilla/public-key.json")).unwrap();
    let point = hex::decode(format!("04{}{}", key["X"].as_str().unwrap(), key["Y"].as_str().unwrap())).unwrap();
    let key = VerifyingKey::from_sec1_bytes(&point).unwrap();
    let signature = DerSignature::try_from(hex::decode(&signed.signature).unwrap().as_slice()).unwrap();
    assert!(key.verify(string_to_sign.as_bytes(), &signature).is_ok());
}
