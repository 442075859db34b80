//! The AWS signing test suites, signed natively in header and query mode: v4
//! (40 cases) and, with the `sigv4a` feature, v4a (38 cases).
#![cfg(not(target_arch = "wasm32"))] // native only: reads the suite from disk

mod common;

use common::call::call_text;
use common::suite::{load_cases, Case, Expected, Suite};

/// Signs `case` through the same flat form JS writes (src/wire.rs), with diagnostics captured.
fn sign(case: &Case, location: &str) -> iamfetch::Signed {
    let datetime = case.datetime.to_string();
    let expires_in = case.expires_in.to_string();
    let call = call_text(
        &[
            ("method", &case.method),
            ("url", &case.url),
            ("accessKeyId", &case.access_key_id),
            ("secretAccessKey", &case.secret_access_key),
            ("sessionToken", case.session_token.as_deref().unwrap_or("")),
            ("service", &case.service),
            ("region", &case.region),
            ("signingAlgorithm", &case.signing_algorithm),
            // A v4a case's region is its region set.
            ("regionSet", if case.signing_algorithm == "sigv4a" { &case.region } else { "" }),
            ("datetime", &datetime),
            ("signatureLocation", if location == "query" { "query" } else { "headers" }),
            ("expiresIn", &expires_in),
            ("uriEncoding", &case.uri_encoding),
            ("sessionTokenPlacement", &case.session_token_placement),
            ("headerSelection", &case.header_selection),
            ("contentHashHeader", &case.content_hash_header),
            ("diagnostics", "capture"),
        ],
        &case.headers,
    );
    iamfetch::wire::parse_call(&call, case.body.as_bytes())
        .and_then(|call| call.sign())
        .unwrap_or_else(|e| panic!("{} ({location}): {e}", case.name))
}

fn check(case: &Case, location: &str, expected: &Expected, failures: &mut Vec<String>) -> usize {
    let signed = sign(case, location);
    let diagnostics = signed.diagnostics.as_ref().expect("diagnostics captured");
    let mut checks = 0;
    let mut compare = |what: &str, expected: &str, actual: &str| {
        checks += 1;
        if expected != actual {
            failures.push(format!(
                "{} ({location}) {what}:\n--- expected\n{expected}\n--- actual\n{actual}",
                case.name
            ));
        }
    };
    if let Some(creq) = &expected.canonical_request {
        let actual = match &expected.canonical_request_date_quirk {
            Some(line) => diagnostics
                .canonical_request
                .replace(&format!("x-amz-date:{}", signed.amz_date), line),
            None => diagnostics.canonical_request.clone(),
        };
        compare("canonical request", creq, &actual);
    }
    if let Some(sts) = &expected.string_to_sign {
        compare("string to sign", sts, &diagnostics.string_to_sign);
    }
    match (&expected.signature, &case.public_key) {
        (Some(signature), None) => compare("signature", signature, &signed.signature),
        // ECDSA signatures differ from signer to signer: each must verify with the case's public key.
        (Some(theirs), Some(key)) => {
            for (whose, signature) in [("ours", &signed.signature), ("the suite's", theirs)] {
                checks += 1;
                if let Err(why) = v4a::verify(key, &diagnostics.string_to_sign, signature) {
                    failures.push(format!("{} ({location}): {whose} signature does not verify: {why}", case.name));
                }
            }
        }
        (None, _) => {}
    }
    checks
}

/// Signs every case in both locations; returns how many of each and the number of comparisons.
fn check_suite(cases: &[Case]) -> (usize, usize, usize) {
    let mut failures = Vec::new();
    let (mut header_cases, mut query_cases, mut checks) = (0, 0, 0);
    for case in cases {
        if let Some(expected) = &case.header {
            checks += check(case, "headers", expected, &mut failures);
            header_cases += 1;
        }
        if let Some(expected) = &case.query {
            checks += check(case, "query", expected, &mut failures);
            query_cases += 1;
        }
    }
    assert!(failures.is_empty(), "{} mismatches:\n{}", failures.len(), failures.join("\n\n"));
    println!("{header_cases} header + {query_cases} query signings, {checks} comparisons");
    (header_cases, query_cases, checks)
}

#[test]
fn all_40_cases_in_header_and_query_mode() {
    let cases = load_cases(Suite::V4);
    assert_eq!(cases.len(), 40, "the suite has 40 cases");
    let (header_cases, query_cases, _) = check_suite(&cases);
    // Every case has header files; only double-encode-path and double-url-encode lack query files.
    assert_eq!(header_cases, 40);
    assert_eq!(query_cases, 38);
}

#[test]
fn cases_without_query_files_are_exactly_the_two_double_encoding_ones() {
    let missing: Vec<String> = load_cases(Suite::V4)
        .into_iter()
        .filter(|c| c.query.is_none())
        .map(|c| c.name)
        .collect();
    assert_eq!(missing, ["double-encode-path", "double-url-encode"]);
}

#[cfg(feature = "sigv4a")]
#[test]
fn all_38_v4a_cases_in_header_and_query_mode() {
    let cases = load_cases(Suite::V4a);
    assert_eq!(cases.len(), 38, "the v4a suite has 38 cases");
    assert!(cases.iter().all(|c| c.public_key.is_some() && c.header.is_some() && c.query.is_some()));
    assert_eq!(check_suite(&cases), (38, 38, 38 * 2 * 4));
}

#[cfg(feature = "sigv4a")]
#[test]
fn v4a_keys_derived_from_the_credentials_are_the_suites_public_keys() {
    for case in load_cases(Suite::V4a) {
        let key = case.public_key.as_ref().expect("public key");
        assert_eq!(v4a::derived_public_key(&case.access_key_id, &case.secret_access_key), (key.x.clone(), key.y.clone()), "{}", case.name);
    }
}

#[cfg(feature = "sigv4a")]
#[test]
fn a_v4a_signature_over_another_string_to_sign_does_not_verify() {
    let case = load_cases(Suite::V4a).into_iter().find(|c| c.name == "get-vanilla").expect("get-vanilla");
    let signed = sign(&case, "headers");
    let string_to_sign = &signed.diagnostics.as_ref().expect("diagnostics").string_to_sign;
    let key = case.public_key.as_ref().expect("public key");
    assert!(v4a::verify(key, string_to_sign, &signed.signature).is_ok());
    assert!(v4a::verify(key, &string_to_sign.replace("20150830T", "20150831T"), &signed.signature).is_err());
}

/// ECDSA P-256 verification with the `p256` crate, against the suite's own public keys.
mod v4a {
    use super::common::suite::PublicKey;

    #[cfg(feature = "sigv4a")]
    pub fn verify(key: &PublicKey, string_to_sign: &str, signature_hex: &str) -> Result<(), String> {
        use p256::ecdsa::{signature::Verifier, DerSignature, VerifyingKey};
        let point = [vec![4u8], hex::decode(&key.x).map_err(|e| e.to_string())?, hex::decode(&key.y).map_err(|e| e.to_string())?].concat();
        let key = VerifyingKey::from_sec1_bytes(&point).map_err(|e| e.to_string())?;
        let signature = DerSignature::try_from(hex::decode(signature_hex).map_err(|e| e.to_string())?.as_slice()).map_err(|e| e.to_string())?;
        key.verify(string_to_sign.as_bytes(), &signature).map_err(|e| e.to_string())
    }

    #[cfg(not(feature = "sigv4a"))]
    pub fn verify(_: &PublicKey, _: &str, _: &str) -> Result<(), String> {
        Err("built without the sigv4a feature".into())
    }

    /// The public key of aws-sigv4's key derivation, as hex X and Y.
    #[cfg(feature = "sigv4a")]
    pub fn derived_public_key(access_key_id: &str, secret: &str) -> (String, String) {
        let private = aws_sigv4::sign::v4a::generate_signing_key(access_key_id, secret);
        let key = p256::ecdsa::SigningKey::from_slice(private.as_ref()).expect("a P-256 scalar");
        let point = key.verifying_key().to_sec1_point(false);
        let bytes = point.as_bytes();
        (hex::encode(&bytes[1..33]), hex::encode(&bytes[33..65]))
    }
}
