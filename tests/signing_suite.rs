//! The AWS SigV4 test suite (v4, 40 cases), signed natively in header and query mode.
#![cfg(not(target_arch = "wasm32"))] // native only: reads the suite from disk

mod common;

use common::suite::{load_cases, Case, Expected};

/// Signs `case` through the same flat form JS writes (src/wire.rs), with diagnostics captured.
fn sign(case: &Case, location: &str) -> iamfetch::Signed {
    let datetime = case.datetime.to_string();
    let expires_in = case.expires_in.to_string();
    let mut lines: Vec<&str> = vec![
        &case.method,
        &case.url,
        &case.access_key_id,
        &case.secret_access_key,
        case.session_token.as_deref().unwrap_or(""),
        &case.service,
        &case.region,
        &datetime,
        if location == "query" { "query" } else { "headers" },
        &expires_in,
        &case.uri_encoding,
        &case.session_token_placement,
        &case.header_selection,
        "",
        &case.content_hash_header,
        "",
        "capture",
    ];
    for (name, value) in &case.headers {
        lines.extend([name.as_str(), value.as_str()]);
    }
    iamfetch::wire::read_call(&lines.join("\n"), case.body.as_bytes())
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
    if let Some(signature) = &expected.signature {
        compare("signature", signature, &signed.signature);
    }
    checks
}

#[test]
fn all_40_cases_in_header_and_query_mode() {
    let cases = load_cases();
    assert_eq!(cases.len(), 40, "the suite has 40 cases");
    let mut failures = Vec::new();
    let (mut header_cases, mut query_cases, mut checks) = (0, 0, 0);
    for case in &cases {
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
    // Every case has header files; only double-encode-path and double-url-encode lack query files.
    assert_eq!(header_cases, 40);
    assert_eq!(query_cases, 38);
    println!("{header_cases} header + {query_cases} query signings, {checks} comparisons");
}

#[test]
fn cases_without_query_files_are_exactly_the_two_double_encoding_ones() {
    let missing: Vec<String> = load_cases()
        .into_iter()
        .filter(|c| c.query.is_none())
        .map(|c| c.name)
        .collect();
    assert_eq!(missing, ["double-encode-path", "double-url-encode"]);
}
