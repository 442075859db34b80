//! aws-chunked signed uploads and POST policy signatures (the `s3` feature)
//! against AWS's own worked examples, verbatim.
#![cfg(feature = "s3")]

use iamfetch::aws_chunked::{encoded_length, ChunkSigner};
use iamfetch::{sign, ChecksumAlgorithm, Credentials, HeaderSelection, Payload, Request, SigningSettings};
use std::time::{Duration, SystemTime};

// The S3 API reference's examples: "Signature Calculations for the
// Authorization Header: Transferring Payload in Multiple Chunks"
// (sigv4-streaming.html), and "Browser-Based Uploads Using POST" (sigv4-post-example.html).
const ACCESS_KEY_ID: &str = "AKIAIOSFODNN7EXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const SEED_SIGNATURE: &str = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";
const OBJECT_LENGTH: usize = 66_560;
const CHUNK_SIZE: usize = 64 * 1024;

fn credentials() -> Credentials {
    Credentials { access_key_id: ACCESS_KEY_ID.into(), secret_access_key: SECRET.into(), session_token: None }
}

/// 2013-05-24T00:00:00Z
fn example_time() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_369_353_600)
}

#[test]
fn the_core_signs_the_worked_examples_seed() {
    let headers: Vec<(String, String)> = [
        ("x-amz-date", "20130524T000000Z"),
        ("x-amz-storage-class", "REDUCED_REDUNDANCY"),
        ("content-encoding", "aws-chunked"),
        ("content-length", "66824"),
        ("x-amz-decoded-content-length", "66560"),
    ]
    .iter()
    .map(|(n, v)| (n.to_string(), v.to_string()))
    .collect();
    let request = Request {
        method: "PUT",
        url: "https://s3.amazonaws.com/examplebucket/chunkObject.txt",
        headers: &headers,
        payload: Payload::Hash("STREAMING-AWS4-HMAC-SHA256-PAYLOAD"),
    };
    // The example signs content-length, which iamfetch leaves out by default.
    let settings = SigningSettings {
        service: Some("s3".into()),
        region: Some("us-east-1".into()),
        header_selection: HeaderSelection::All,
        ..Default::default()
    };
    let signed = sign(&request, &credentials(), &settings, example_time()).unwrap();
    assert_eq!(signed.signature, SEED_SIGNATURE);
}

#[test]
fn chunk_signatures_chain_from_the_seed_as_in_the_worked_example() {
    let object = vec![b'a'; OBJECT_LENGTH];
    let mut signer = ChunkSigner::new(&credentials(), "us-east-1", "s3", example_time(), SEED_SIGNATURE, None).unwrap();
    let mut encoded = Vec::new();
    for chunk in object.chunks(CHUNK_SIZE) {
        encoded.extend(signer.chunk_header(chunk).unwrap().into_bytes());
        encoded.extend(chunk);
        encoded.extend(b"\r\n");
    }
    let tail = signer.finish().unwrap();
    encoded.extend(tail.as_bytes());
    let text = String::from_utf8_lossy(&encoded);
    assert!(text.starts_with("10000;chunk-signature=ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648\r\n"));
    assert!(text.contains("\r\n400;chunk-signature=0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497\r\n"));
    assert_eq!(tail, "0;chunk-signature=b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9\r\n\r\n");
    // The example's Content-Length.
    assert_eq!(encoded.len(), 66_824);
    assert_eq!(encoded_length(OBJECT_LENGTH as u64, CHUNK_SIZE, None), 66_824);
}

#[test]
fn encoded_length_counts_every_framing_byte_with_and_without_a_trailer() {
    for algorithm in [None, Some(ChecksumAlgorithm::Crc32), Some(ChecksumAlgorithm::Crc64Nvme), Some(ChecksumAlgorithm::Sha256)] {
        for (length, chunk_size) in [(0usize, 8192usize), (1, 8192), (8192, 8192), (8193, 8192), (200_000, 65_536)] {
            let body = vec![7u8; length];
            let mut signer =
                ChunkSigner::new(&credentials(), "us-east-1", "s3", example_time(), SEED_SIGNATURE, algorithm).unwrap();
            let mut encoded = 0;
            for chunk in body.chunks(chunk_size) {
                encoded += signer.chunk_header(chunk).unwrap().len() + chunk.len() + 2;
            }
            encoded += signer.finish().unwrap().len();
            assert_eq!(encoded_length(length as u64, chunk_size, algorithm), encoded as u64, "{algorithm:?} {length}/{chunk_size}");
        }
    }
}

#[test]
fn the_trailer_carries_the_checksum_of_the_decoded_bytes_and_its_signature() {
    let mut signer = ChunkSigner::new(
        &credentials(),
        "us-east-1",
        "s3",
        example_time(),
        SEED_SIGNATURE,
        Some(ChecksumAlgorithm::Crc32c),
    )
    .unwrap();
    let body = b"123456789";
    signer.chunk_header(body).unwrap();
    let tail = signer.finish().unwrap();
    let lines: Vec<&str> = tail.split("\r\n").collect();
    assert!(lines[0].starts_with("0;chunk-signature="));
    // CRC32C("123456789") = e3069283
    assert_eq!(lines[1], "x-amz-checksum-crc32c:4waSgw==");
    assert!(lines[2].starts_with("x-amz-trailer-signature:") && lines[2].len() == 24 + 64);
    assert_eq!(&lines[3..], ["", ""]);
}

#[test]
fn bad_inputs_are_errors_not_panics() {
    let bad_seed = ChunkSigner::new(&credentials(), "us-east-1", "s3", example_time(), "zz", None);
    assert_eq!(bad_seed.err().unwrap().code().as_str(), "ERR_SIGNING_FAILED");
    let no_region = ChunkSigner::new(&credentials(), "", "s3", example_time(), SEED_SIGNATURE, None);
    assert_eq!(no_region.err().unwrap().code().as_str(), "ERR_MISSING_REGION");
    let no_secret = Credentials { secret_access_key: String::new(), ..credentials() };
    let missing = iamfetch::post_policy::sign(&no_secret, "us-east-1", "s3", example_time(), "e30=");
    assert_eq!(missing.err().unwrap().code().as_str(), "ERR_MISSING_CREDENTIALS");
}

#[test]
fn a_post_policy_is_signed_with_the_sigv4_signing_key() {
    // sigv4-post-example: the policy's base64 and its signature, verbatim.
    let policy = "eyAiZXhwaXJhdGlvbiI6ICIyMDE1LTEyLTMwVDEyOjAwOjAwLjAwMFoiLA0KICAiY29uZGl0aW9ucyI6IFsNCiAgICB7ImJ1Y2tldCI6ICJzaWd2NGV4YW1wbGVidWNrZXQifSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRrZXkiLCAidXNlci91c2VyMS8iXSwNCiAgICB7ImFjbCI6ICJwdWJsaWMtcmVhZCJ9LA0KICAgIHsic3VjY2Vzc19hY3Rpb25fcmVkaXJlY3QiOiAiaHR0cDovL3NpZ3Y0ZXhhbXBsZWJ1Y2tldC5zMy5hbWF6b25hd3MuY29tL3N1Y2Nlc3NmdWxfdXBsb2FkLmh0bWwifSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRDb250ZW50LVR5cGUiLCAiaW1hZ2UvIl0sDQogICAgeyJ4LWFtei1tZXRhLXV1aWQiOiAiMTQzNjUxMjM2NTEyNzQifSwNCiAgICB7IngtYW16LXNlcnZlci1zaWRlLWVuY3J5cHRpb24iOiAiQUVTMjU2In0sDQogICAgWyJzdGFydHMtd2l0aCIsICIkeC1hbXotbWV0YS10YWciLCAiIl0sDQoNCiAgICB7IngtYW16LWNyZWRlbnRpYWwiOiAiQUtJQUlPU0ZPRE5ON0VYQU1QTEUvMjAxNTEyMjkvdXMtZWFzdC0xL3MzL2F3czRfcmVxdWVzdCJ9LA0KICAgIHsieC1hbXotYWxnb3JpdGhtIjogIkFXUzQtSE1BQy1TSEEyNTYifSwNCiAgICB7IngtYW16LWRhdGUiOiAiMjAxNTEyMjlUMDAwMDAwWiIgfQ0KICBdDQp9";
    let time = SystemTime::UNIX_EPOCH + Duration::from_secs(1_451_347_200); // 2015-12-29
    let signature = iamfetch::post_policy::sign(&credentials(), "us-east-1", "s3", time, policy).unwrap();
    assert_eq!(signature, "8afdbf4008c03f22c2cd3cdb72e4afbb1f6a588f3255ac628749a66d7f09699e");
}
