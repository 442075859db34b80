//! The call and answer JS and the core exchange (src/wire.rs): fields read
//! and written by name, whole numbers, error codes for each field's own rule,
//! and a line break JS turned into a NUL refused by the field it is in.
#![cfg(not(target_arch = "wasm32"))] // native only: tests/wasm.rs covers wasm

mod common;

use common::call::call_text;
use iamfetch::wire::{parse_call, write_answer, RESULT_FIELDS};

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const TOKEN: &str = "IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKEN";

fn base() -> Vec<(&'static str, &'static str)> {
    vec![
        ("method", "POST"),
        ("url", "https://abc.lambda-url.eu-west-1.on.aws/x"),
        // JS reads them from the host; the core takes them as given.
        ("service", "lambda"),
        ("region", "eu-west-1"),
        ("accessKeyId", "AKID"),
        ("secretAccessKey", "secret"),
        ("signingAlgorithm", "sigv4"),
        ("datetime", "1795255810000"),
        ("signatureLocation", "headers"),
        ("sessionTokenPlacement", "signed"),
        ("headerSelection", "default"),
        ("diagnostics", "off"),
    ]
}

/// `base()` with `changes` over it (a later field wins).
fn with(changes: &[(&'static str, &'static str)]) -> Vec<(&'static str, &'static str)> {
    let mut fields = base();
    fields.extend_from_slice(changes);
    fields
}

fn headers(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect()
}

fn answer_to(call: &str, body: &[u8]) -> String {
    write_answer(parse_call(call, body).and_then(|c| c.sign()))
}

fn answer(fields: &[(&str, &str)], header_pairs: &[(&str, &str)]) -> String {
    answer_to(&call_text(fields, &headers(header_pairs)), b"")
}

/// The answer's field `name`, read by its place in RESULT_FIELDS.
fn result_field<'a>(answer: &'a str, name: &str) -> &'a str {
    let at = RESULT_FIELDS.iter().position(|n| *n == name).expect("a result field");
    answer.split('\n').nth(1 + at).expect("the answer has the field")
}

fn assert_code(result: &str, code: &str, what: &dyn std::fmt::Debug) {
    assert!(result.starts_with(&format!("{code}\n")), "{what:?}: expected {code}, got {result}");
}

#[test]
fn a_call_round_trips_to_a_signature_with_each_result_field_in_its_place() {
    let fields = with(&[("sessionToken", TOKEN)]);
    let call = call_text(&fields, &headers(&[("content-type", "application/json")]));
    let result = answer_to(&call, b"{}");
    let signed = parse_call(&call, b"{}").unwrap().sign().unwrap();
    assert!(result.starts_with("ok\n"), "{result}");
    for (name, value) in [
        ("signature", signed.signature.as_str()),
        ("amzDate", "20261121T101010Z"),
        ("service", "lambda"),
        ("region", "eu-west-1"),
        ("regionSet", ""),
        ("payloadHash", &iamfetch::sha256_hex(b"{}")),
        ("signedHeaders", "content-type;host;x-amz-date;x-amz-security-token"),
        ("url", "https://abc.lambda-url.eu-west-1.on.aws/x"),
        ("headerCount", "3"),
    ] {
        assert_eq!(result_field(&result, name), value, "{name}");
    }
    let header_lines: Vec<&str> = result.split('\n').skip(1 + RESULT_FIELDS.len()).collect();
    assert_eq!(header_lines[0], "x-amz-date");
    assert!(header_lines[3].starts_with("AWS4-HMAC-SHA256 Credential=AKID/20261121/eu-west-1/lambda/aws4_request"));
    assert_eq!(header_lines[4..], ["x-amz-security-token", TOKEN, ""]);
}

#[test]
fn diagnostics_follow_the_headers() {
    let result = answer(&with(&[("diagnostics", "capture")]), &[]);
    let lines: Vec<&str> = result.split('\n').collect();
    let after_headers = 1 + RESULT_FIELDS.len() + 2 * 2;
    assert_eq!(lines[after_headers], "AWS4-HMAC-SHA256");
    assert_eq!(lines[after_headers + 4], "POST");
}

#[cfg(feature = "sigv4a")]
#[test]
fn a_sigv4a_answer_has_the_region_set_and_no_region() {
    let result = answer(&with(&[("signingAlgorithm", "sigv4a"), ("regionSet", "us-east-1,eu-*")]), &[]);
    assert_eq!((result_field(&result, "region"), result_field(&result, "regionSet")), ("", "us-east-1,eu-*"));
}

#[test]
fn errors_are_a_code_and_a_message() {
    let result = answer(&with(&[("uriEncoding", "triple")]), &[]);
    assert_eq!(result.split('\n').collect::<Vec<_>>(), ["ERR_INVALID_OPTIONS", "`uriEncoding` has no mode named 'triple'"]);
    let orphan = format!("{}\nx-orphan", call_text(&base(), &[]));
    assert_code(&answer_to(&orphan, b""), "ERR_INVALID_HEADER", &"a header without a value");
    assert_code(&answer_to("GET\nhttps://x/", b""), "ERR_INVALID_OPTIONS", &"a call cut short");
}

#[test]
fn numbers_are_whole_and_in_range() {
    for datetime in ["-1", "1.5", "+1", " 1", "", "NaN", "1e12", "253402300800000", "99999999999999999999999"] {
        assert_code(&answer(&with(&[("datetime", datetime)]), &[]), "ERR_INVALID_DATETIME", &datetime);
    }
    for expires in ["0", "604801", "", "x", "1.5", "-1", "+1", "NaN", "1e3", "4294967296"] {
        let result = answer(&with(&[("signatureLocation", "query"), ("expiresIn", expires)]), &[]);
        assert_code(&result, "ERR_EXPIRES_RANGE", &expires);
    }
    let result = answer(&with(&[("signatureLocation", "query"), ("expiresIn", "604800")]), &[]);
    assert!(result_field(&result, "url").contains("X-Amz-Expires=604800"), "{result}");
}

/// Call fields or headers, as name and value.
type Fields<'a> = Vec<(&'a str, &'a str)>;

/// JS writes a line break inside a field as a NUL: each field's own rule
/// refuses it with that field's code, and no message shows a secret.
#[test]
fn a_nul_in_a_field_is_refused_with_the_fields_code() {
    let secret_with_nul = format!("{}\0{}", &SECRET[..10], &SECRET[10..]);
    let token_with_nul = format!("{}\0{}", &TOKEN[..10], &TOKEN[10..]);
    let region_set_code = if cfg!(feature = "sigv4a") { "ERR_INVALID_REGION_SET" } else { "ERR_UNSUPPORTED_BY_BUILD" };
    let cases: [(Fields, Fields, &str); 14] = [
        (vec![("accessKeyId", "AKID\0X")], vec![], "ERR_INVALID_CREDENTIALS"),
        (vec![("secretAccessKey", &secret_with_nul)], vec![], "ERR_INVALID_CREDENTIALS"),
        (vec![("sessionToken", &token_with_nul)], vec![], "ERR_INVALID_CREDENTIALS"),
        (vec![("service", "lambda\0")], vec![], "ERR_INVALID_SERVICE"),
        (vec![("region", "eu-west-1\0")], vec![], "ERR_INVALID_REGION"),
        (vec![("signingAlgorithm", "sigv4a"), ("regionSet", "us-east-1,eu-west-1\0")], vec![], region_set_code),
        (vec![], vec![("x-a\0b", "1")], "ERR_INVALID_HEADER"),
        (vec![], vec![("x-token", &token_with_nul)], "ERR_INVALID_HEADER"),
        (vec![("method", "GET\0")], vec![], "ERR_INVALID_METHOD"),
        (vec![("signatureLocation", "query"), ("expiresIn", "60\0")], vec![], "ERR_EXPIRES_RANGE"),
        (vec![("datetime", "1795255810000\0")], vec![], "ERR_INVALID_DATETIME"),
        (vec![("payloadHash", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85\0")], vec![], "ERR_INVALID_PAYLOAD_HASH"),
        (vec![("uriEncoding", "single\0")], vec![], "ERR_INVALID_OPTIONS"),
        (vec![("url", "https://abc.lambda-url.eu-west-1.on.aws/x\0")], vec![], "ERR_INVALID_URL"),
    ];
    for (changes, header_pairs, code) in cases {
        let mut fields = base();
        fields.extend_from_slice(&changes);
        let result = answer(&fields, &header_pairs);
        assert_code(&result, code, &(&changes, &header_pairs));
        for part in [&SECRET[..10], &SECRET[10..], &TOKEN[..10], &TOKEN[10..]] {
            assert!(!result.contains(part), "{changes:?} {header_pairs:?}: {result}");
        }
    }
}

#[test]
fn credentials_in_characters_aws_never_issues_are_invalid_and_empty_ones_missing() {
    for (changes, code) in [
        (&[("accessKeyId", "")][..], "ERR_MISSING_CREDENTIALS"),
        (&[("secretAccessKey", "")], "ERR_MISSING_CREDENTIALS"),
        (&[("accessKeyId", "AKID X")], "ERR_INVALID_CREDENTIALS"),
        (&[("accessKeyId", "AKIDé")], "ERR_INVALID_CREDENTIALS"),
        (&[("secretAccessKey", "sec\tret")], "ERR_INVALID_CREDENTIALS"),
        (&[("sessionToken", "to ken")], "ERR_INVALID_CREDENTIALS"),
        (&[("sessionToken", "to\u{7f}ken")], "ERR_INVALID_CREDENTIALS"),
    ] {
        let result = answer(&with(changes), &[]);
        assert_code(&result, code, &changes);
        assert!(!result.contains("sec\tret") && !result.contains("to ken") && !result.contains("to\u{7f}ken"), "{result}");
    }
    // A secret may hold any printable character; an empty session token field means none.
    assert!(answer(&with(&[("secretAccessKey", "sécret / +=")]), &[]).starts_with("ok\n"));
    assert_eq!(result_field(&answer(&with(&[("sessionToken", "")]), &[]), "headerCount"), "2");
}

#[test]
fn service_and_region_outside_their_charset_are_invalid_not_missing() {
    for (changes, code) in [
        (&[("service", "lam/bda")][..], "ERR_INVALID_SERVICE"),
        (&[("region", "eu west 1")], "ERR_INVALID_REGION"),
        (&[("url", "https://example.com/"), ("service", "")], "ERR_MISSING_SERVICE"),
        (&[("url", "https://example.com/"), ("region", "")], "ERR_MISSING_REGION"),
    ] {
        assert_code(&answer(&with(changes), &[]), code, &changes);
    }
}

#[test]
fn what_a_build_lacks_is_unsupported_by_it() {
    let cases = [
        (cfg!(feature = "sigv4a"), &[("signingAlgorithm", "sigv4a"), ("regionSet", "*")][..]),
        (cfg!(feature = "diagnostics"), &[("diagnostics", "capture")]),
    ];
    for (built_in, changes) in cases {
        let result = answer(&with(changes), &[]);
        assert_code(&result, if built_in { "ok" } else { "ERR_UNSUPPORTED_BY_BUILD" }, &changes);
    }
}
