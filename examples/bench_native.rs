//! The native floor for `bash scripts/bench.sh`: the benchmark's three requests,
//! and the 1 KB POST signed with SigV4a, natively, through `iamfetch::sign` and
//! through `aws-sigv4` directly. Prints one JSON object (microseconds per
//! signature, median and p99).
//!
//! `cargo run --release --features sigv4a --example bench_native [-- --budget-ms 1500]`
#![allow(clippy::disallowed_methods)] // A timing loop: reading the clock is its job.

use aws_credential_types::Credentials as AwsCredentials;
use aws_sigv4::http_request::{self as aws, SignableBody, SignableRequest};
use aws_smithy_runtime_api::client::identity::Identity;
use iamfetch::{Algorithm, ContentHashHeader, Credentials, Payload, Request, SigningSettings};
use std::hint::black_box;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

// Made-up keys, the same as the JS benchmark's: nothing here is a secret.
const ACCESS_KEY_ID: &str = "AKIDBENCHMARKEXAMPLE";
const SECRET_ACCESS_KEY: &str = "bench/secret/not-a-real-key/0123456789abcdef";
const URL_GET: &str = "https://abcdefghijklmnopqrstuvwxyz012345.lambda-url.us-east-1.on.aws/orders?limit=10&cursor=abc";
const URL_POST: &str =
    "https://abcdefghijklmnopqrstuvwxyz012345.lambda-url.us-east-1.on.aws/orders";

struct Case {
    name: &'static str,
    method: &'static str,
    url: &'static str,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    session_token: Option<String>,
    /// SigV4a for service s3, region set `*` (bench/src/common.mjs's SigV4a case); else SigV4 for lambda.
    sigv4a: bool,
}

/// The same bytes as bench/src/common.mjs builds: see `jsonBody` and `bytes` there.
fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "get",
            method: "GET",
            url: URL_GET,
            headers: vec![],
            body: vec![],
            session_token: None,
            sigv4a: false,
        },
        Case {
            name: "post1k",
            method: "POST",
            url: URL_POST,
            headers: vec![("content-type".into(), "application/json".into())],
            body: json_body(1024),
            session_token: Some(session_token()),
            sigv4a: false,
        },
        Case {
            name: "post1k-sigv4a",
            method: "POST",
            url: URL_POST,
            headers: vec![("content-type".into(), "application/json".into())],
            body: json_body(1024),
            session_token: Some(session_token()),
            sigv4a: true,
        },
        Case {
            name: "post1m",
            method: "POST",
            url: URL_POST,
            headers: vec![("content-type".into(), "application/octet-stream".into())],
            body: bytes(1 << 20),
            session_token: None,
            sigv4a: false,
        },
    ]
}

/// `{"items":"xxxx...x"}` padded to exactly `len` bytes.
fn json_body(len: usize) -> Vec<u8> {
    let mut s = String::from("{\"items\":\"");
    while s.len() < len - 2 {
        s.push('x');
    }
    s.push_str("\"}");
    s.into_bytes()
}

/// A deterministic byte pattern (xorshift32 from seed 1), as in common.mjs.
fn bytes(len: usize) -> Vec<u8> {
    let mut x: u32 = 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x as u8
        })
        .collect()
}

/// A token as long as a Cognito identity pool's (about 1 KB).
fn session_token() -> String {
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    (0..1024)
        .map(|i| alphabet[(i * 7 + 3) % 64] as char)
        .collect()
}

fn signing_time() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_763_700_000)
}

fn sign_iamfetch(case: &Case) -> String {
    let credentials = Credentials {
        access_key_id: ACCESS_KEY_ID.into(),
        secret_access_key: SECRET_ACCESS_KEY.into(),
        session_token: case.session_token.clone(),
    };
    let settings = if case.sigv4a {
        SigningSettings {
            service: Some("s3".into()),
            algorithm: Algorithm::SigV4a,
            region_set: vec!["*".into()],
            content_hash_header: Some(ContentHashHeader::Omit),
            ..SigningSettings::default()
        }
    } else {
        SigningSettings {
            service: Some("lambda".into()),
            region: Some("us-east-1".into()),
            ..SigningSettings::default()
        }
    };
    let request = Request {
        method: case.method,
        url: case.url,
        headers: &case.headers,
        payload: Payload::Bytes(&case.body),
    };
    iamfetch::sign(&request, &credentials, &settings, signing_time())
        .expect("signs")
        .signature
}

fn sign_aws_sigv4(case: &Case) -> String {
    let identity: Identity = AwsCredentials::new(
        ACCESS_KEY_ID,
        SECRET_ACCESS_KEY,
        case.session_token.clone(),
        None,
        "bench",
    )
    .into();
    let params: aws::SigningParams = if case.sigv4a {
        aws_sigv4::sign::v4a::SigningParams::builder()
            .identity(&identity)
            .region_set("*")
            .name("s3")
            .time(signing_time())
            .settings(aws::SigningSettings::default())
            .build()
            .expect("params")
            .into()
    } else {
        aws_sigv4::sign::v4::SigningParams::builder()
            .identity(&identity)
            .region("us-east-1")
            .name("lambda")
            .time(signing_time())
            .settings(aws::SigningSettings::default())
            .build()
            .expect("params")
            .into()
    };
    let host = case.url.split('/').nth(2).expect("host");
    let headers = std::iter::once(("host", host))
        .chain(case.headers.iter().map(|(n, v)| (n.as_str(), v.as_str())));
    let signable = SignableRequest::new(
        case.method,
        case.url,
        headers,
        SignableBody::Bytes(&case.body),
    )
    .expect("signable");
    let (_, signature) = aws::sign(signable, &params).expect("signs").into_parts();
    signature
}

/// Per-call times in microseconds, collected over `rounds` rounds that alternate
/// the two signers, so that machine noise falls on both alike.
fn measure(case: &Case, budget: Duration) -> [(String, Vec<f64>); 2] {
    type Signer = fn(&Case) -> String;
    let signers: [(&str, Signer); 2] = [
        ("iamfetch::sign", sign_iamfetch),
        ("aws-sigv4", sign_aws_sigv4),
    ];
    let mut samples: [Vec<f64>; 2] = [Vec::new(), Vec::new()];
    let rounds = 5;
    for (_, f) in &signers {
        let warm = Instant::now();
        while warm.elapsed() < budget / 10 {
            black_box(f(black_box(case)));
        }
    }
    for _ in 0..rounds {
        for (i, (_, f)) in signers.iter().enumerate() {
            let start = Instant::now();
            while start.elapsed() < budget / rounds / 2 {
                let t = Instant::now();
                black_box(f(black_box(case)));
                samples[i].push(t.elapsed().as_secs_f64() * 1e6);
            }
        }
    }
    let [a, b] = samples;
    [(signers[0].0.into(), a), (signers[1].0.into(), b)]
}

fn quantile(sorted: &[f64], q: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * q).round() as usize;
    sorted[i]
}

fn main() {
    let mut budget_ms = 1500u64;
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--budget-ms") {
        budget_ms = args[i + 1].parse().expect("--budget-ms takes a number");
    }
    let cases = cases();
    // Both signers must produce the same signature, or the comparison means nothing.
    for case in &cases {
        assert_eq!(sign_iamfetch(case), sign_aws_sigv4(case), "{}", case.name);
    }
    let mut out = Vec::new();
    for case in &cases {
        for (signer, mut times) in measure(case, Duration::from_millis(budget_ms)) {
            times.sort_by(f64::total_cmp);
            out.push(format!(
                "{{\"case\":\"{}\",\"impl\":\"{}\",\"n\":{},\"median\":{:.3},\"p99\":{:.3}}}",
                case.name,
                signer,
                times.len(),
                quantile(&times, 0.5),
                quantile(&times, 0.99)
            ));
        }
    }
    println!("[{}]", out.join(","));
}
