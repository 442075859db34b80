//! A panic traps the wasm instance, so no input may panic: arbitrary methods,
//! URLs, headers, bodies and settings give Ok or Err, never a panic.
#![cfg(not(target_arch = "wasm32"))] // native only: proptest

use iamfetch::{
    sign, Algorithm, ContentHashHeader, Credentials, Diagnostics, HeaderSelection, Payload, Request,
    SessionTokenPlacement, SignatureLocation, SigningSettings, UriEncoding,
};
use proptest::prelude::*;
use std::time::{Duration, SystemTime};

/// Cases per property: `ci` in CI; `FUZZ_CASES=N` for a long run outside it
/// (the README's testing section: N = 1,000,000). The long-input property,
/// ~1,000× slower per case, runs N / 1,000.
fn cases(ci: u32, per_fuzz_case: u32) -> u32 {
    match std::env::var("FUZZ_CASES").ok().and_then(|n| n.parse::<u32>().ok()) {
        Some(n) => (n / per_fuzz_case).max(1),
        None => ci,
    }
}

fn runner(cases: u32) -> proptest::test_runner::TestRunner {
    println!("{cases} cases");
    proptest::test_runner::TestRunner::new(ProptestConfig { cases, ..ProptestConfig::default() })
}

fn url() -> impl Strategy<Value = String> {
    prop_oneof![
        1 => any::<String>(),
        6 => (
            prop_oneof![6 => Just("https://"), 2 => Just("http://"), 1 => Just("HTTPS://"), 1 => Just("ws://"), 1 => Just("")],
            prop_oneof![
                Just("abc.lambda-url.eu-west-1.on.aws".to_string()),
                Just("bucket.s3.amazonaws.com".to_string()),
                Just("127.0.0.1:9000".to_string()),
                "[a-z0-9.:@\\[\\]-]{0,40}",
            ],
            prop_oneof![3 => "(/[A-Za-z0-9._~%!$&'()*+,;=:@-]{0,12}){0,4}(\\?[A-Za-z0-9._~%!$&'()*+,;=:@/?-]{0,30})?", 1 => "[ -~\u{80}-\u{10FFFF}]{0,60}"],
        )
            .prop_map(|(scheme, host, rest)| format!("{scheme}{host}{rest}")),
    ]
}

fn header() -> impl Strategy<Value = (String, String)> {
    (
        prop_oneof![
            1 => Just("x-amz-content-sha256".to_string()),
            1 => Just("x-amz-security-token".to_string()),
            1 => Just("host".to_string()),
            1 => Just("content-type".to_string()),
            3 => "[A-Za-z0-9-]{1,20}",
            1 => any::<String>(),
        ],
        prop_oneof![1 => any::<String>(), 4 => "[ -~\t]{0,30}"],
    )
}

fn settings() -> impl Strategy<Value = SigningSettings> {
    (
        (
            // JS fills in service and region from AWS hosts: the core mostly sees them given.
            prop_oneof![1 => Just(None), 6 => Just(Some("lambda".to_string())), 1 => Just(Some("s3".to_string())), 1 => proptest::option::of(any::<String>())],
            prop_oneof![1 => Just(None), 7 => Just(Some("us-east-1".to_string())), 1 => proptest::option::of(any::<String>())],
            // A build without SigV4a refuses every SigV4a call: fuzz it only where it signs.
            prop_oneof![3 => Just(Algorithm::SigV4), 1 => Just(Algorithm::SigV4a)]
                .prop_map(|a| if cfg!(feature = "sigv4a") { a } else { Algorithm::SigV4 }),
            proptest::collection::vec(prop_oneof![Just("*".to_string()), Just("us-west-2".to_string()), any::<String>()], 0..3),
        ),
        prop_oneof![
            3 => Just(SignatureLocation::Headers),
            2 => (1u32..=604_800).prop_map(|expires_in| SignatureLocation::Query { expires_in }),
            1 => any::<u32>().prop_map(|expires_in| SignatureLocation::Query { expires_in }),
        ],
        proptest::option::of(prop_oneof![Just(UriEncoding::Double), Just(UriEncoding::Single)]),
        prop_oneof![Just(SessionTokenPlacement::Signed), Just(SessionTokenPlacement::AppendedAfterSigning)],
        prop_oneof![Just(HeaderSelection::Default), Just(HeaderSelection::All)],
        proptest::collection::vec(prop_oneof![Just("x-custom".to_string()), any::<String>()], 0..3),
        proptest::option::of(prop_oneof![Just(ContentHashHeader::Include), Just(ContentHashHeader::Omit)]),
        prop_oneof![Just(Diagnostics::Off), Just(Diagnostics::Capture)],
    )
        .prop_map(|((service, region, algorithm, region_set), location, uri_encoding, session_token, header_selection, excluded_headers, content_hash_header, diagnostics)| SigningSettings {
            service,
            region,
            algorithm,
            region_set,
            location,
            uri_encoding,
            session_token,
            header_selection,
            excluded_headers,
            content_hash_header,
            diagnostics,
        })
}

/// Everything one signing call takes, generated.
#[derive(Debug)]
struct Input {
    method: String,
    url: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    payload_kind: u8,
    declared_hash: String,
    access_key_id: String,
    secret: String,
    token: Option<String>,
    settings: SigningSettings,
    seconds: u64,
}

fn input() -> impl Strategy<Value = Input> {
    (
        (
            prop_oneof![3 => Just("GET".to_string()), 3 => Just("POST".to_string()), 1 => any::<String>()],
            url(),
            proptest::collection::vec(header(), 0..6),
            proptest::collection::vec(any::<u8>(), 0..64),
            0u8..3,
            prop_oneof![Just("UNSIGNED-PAYLOAD".to_string()), "[0-9a-f]{64}", any::<String>()],
        ),
        (
            // Mostly credentials as AWS issues them (visible ASCII), sometimes any string: those are refused.
            prop_oneof![8 => Just("AKIDEXAMPLE".to_string()), 2 => "[!-~]{1,40}", 1 => any::<String>()],
            prop_oneof![8 => Just("secret".to_string()), 2 => "[ -~]{1,40}", 1 => any::<String>()],
            prop_oneof![
                4 => Just(None),
                4 => Just(Some("token".to_string())),
                2 => proptest::option::of("[!-~]{1,64}"),
                1 => proptest::option::of(any::<String>()),
            ],
            settings(),
            prop_oneof![Just(1_795_255_810u64), 0u64..253_402_300_799],
        ),
    )
        .prop_map(|((method, url, headers, body, payload_kind, declared_hash), (access_key_id, secret, token, settings, seconds))| Input {
            method, url, headers, body, payload_kind, declared_hash, access_key_id, secret, token, settings, seconds,
        })
}

fn sign_input(input: &Input) -> bool {
    let payload = match input.payload_kind {
        0 => Payload::Bytes(&input.body),
        1 => Payload::Hash(&input.declared_hash),
        _ => Payload::Unsigned,
    };
    let request = Request { method: &input.method, url: &input.url, headers: &input.headers, payload };
    let credentials = Credentials {
        access_key_id: input.access_key_id.clone(),
        secret_access_key: input.secret.clone(),
        session_token: input.token.clone(),
    };
    let time = SystemTime::UNIX_EPOCH + Duration::from_secs(input.seconds);
    sign(&request, &credentials, &input.settings, time).is_ok()
}

#[test]
fn signing_never_panics() {
    let total = cases(20_000, 1);
    let signed = std::cell::Cell::new(0u32);
    runner(total)
        .run(&input(), |input| {
            signed.set(signed.get() + u32::from(sign_input(&input)));
            Ok(())
        })
        .unwrap();
    // Inputs that are all rejected up front would prove nothing about the signer.
    // About 5% reach a signature (907 to 1,103 of 20,000 in runs seen): the
    // seed is random, so the floor sits well under that, at 2.5% (500 signatures).
    assert!(signed.get() >= total / 40, "only {} of {total} inputs reached a signature", signed.get());
    println!("{} of {total} inputs signed, the rest rejected with an error", signed.get());
}

/// The flat form JS writes (src/wire.rs): any string, any body, never a panic,
/// and every failure is an error code line.
#[test]
fn the_flat_boundary_never_panics() {
    let field = prop_oneof![
        Just(String::new()),
        Just("headers".to_string()),
        Just("query".to_string()),
        Just("1795255810000".to_string()),
        Just("https://abc.lambda-url.eu-west-1.on.aws/x?y=1".to_string()),
        "[a-z0-9=&;,:/?% -]{0,12}",
        any::<String>(),
    ];
    let call = proptest::collection::vec(field, 0..26).prop_map(|fields| fields.join("\n"));
    runner(cases(5_000, 1))
        .run(&(call, proptest::collection::vec(any::<u8>(), 0..64)), |(call, body)| {
            let result = iamfetch::wire::write_answer(iamfetch::wire::parse_call(&call, &body).and_then(|c| c.sign()));
            let first = result.split('\n').next().unwrap_or_default();
            prop_assert!(first == "ok" || first.starts_with("ERR_"), "{first}");
            Ok(())
        })
        .unwrap();
}

/// Long inputs, where aws-sigv4's `http` types panic past their limits (a
/// 65,534-byte URI, about 24,500 headers): queries, header values and
/// credentials up to 1 MiB and up to 100,000 headers are signed or refused
/// with an error, in both signature locations, with diagnostics, and on an
/// S3 host whose path up to 1 MiB is re-encoded.
#[test]
fn long_queries_header_values_credentials_and_header_counts_never_panic() {
    const MIB: usize = 1 << 20;
    let filler = prop_oneof![Just('a'), Just('!'), Just('%'), Just('='), Just('&'), Just('~'), Just(' '), Just('é'), Just('\u{1F600}')];
    // Mostly around the limits that matter (the 64 KiB URI, 10,000 headers), sometimes anywhere up to the maximum.
    let length = |around: usize, max: usize| prop_oneof![2 => (around - 2_000)..(around + 2_000), 1 => 0..=max];
    let input = (
        (length(65_534, MIB), filler.clone()),
        (length(65_534, MIB), length(65_534, MIB)),
        (length(10_000, 100_000), length(8_000, MIB), filler),
        (any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>()),
    );
    runner(cases(200, 1_000))
        .run(&input, |((query_len, query_char), (key_len, token_len), (header_count, value_len, value_char), (presign, diagnostics, s3, sigv4a))| {
            // S3 re-encodes the path (src/s3_key.rs): up to 3x longer, and '%' may start a malformed escape.
            let url = if s3 {
                format!("https://bucket.s3.us-east-1.amazonaws.com/{}?q=1", repeat(query_char, query_len))
            } else {
                format!("https://abc.lambda-url.eu-west-1.on.aws/x?q={}", repeat(query_char, query_len))
            };
            let mut headers: Vec<(String, String)> = (0..header_count).map(|i| (format!("x-h{i}"), "v".into())).collect();
            headers.push(("x-long".into(), repeat(value_char, value_len)));
            let credentials = Credentials {
                access_key_id: "A".repeat(key_len.max(1)),
                secret_access_key: "S".repeat(key_len.max(1)),
                session_token: (token_len > 0).then(|| "T".repeat(token_len)),
            };
            let settings = SigningSettings {
                location: if presign { SignatureLocation::Query { expires_in: 60 } } else { SignatureLocation::Headers },
                diagnostics: if diagnostics { Diagnostics::Capture } else { Diagnostics::Off },
                algorithm: if sigv4a { Algorithm::SigV4a } else { Algorithm::SigV4 },
                service: Some(if s3 { "s3" } else { "lambda" }.into()),
                region: Some(if s3 { "us-east-1" } else { "eu-west-1" }.into()),
                ..SigningSettings::default()
            };
            let request = Request { method: "GET", url: &url, headers: &headers, payload: Payload::Bytes(b"") };
            let _ = sign(&request, &credentials, &settings, SystemTime::UNIX_EPOCH + Duration::from_secs(1_795_255_810));
            Ok(())
        })
        .unwrap();
}

fn repeat(c: char, len: usize) -> String {
    std::iter::repeat_n(c, len).collect()
}
