//! Loads the AWS signing test suites (v4 and v4a) shipped inside the aws-sigv4 crate's package.
//!
//! The directory is the build script's (tests/common/aws_suite_dir.rs), the same rule as the JS
//! tests'; the files are read in place, never copied. Used by the native test and by the exporter
//! that feeds the same cases to the JS tests.

use serde_json::Value;
use std::path::{Path, PathBuf};

/// The suite's credentials for cases that have no context.json (aws-sigv4's own tests use these).
const TEST_CREDENTIALS: (&str, &str) = ("ANOTREAL", "notrealrnrELgWzOk3IfjzDKtFBhDby");
const EXAMPLE_CREDENTIALS: (&str, &str) = ("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");

/// One case, parsed, with the settings it must be signed with and what it must produce.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Case {
    pub name: String,
    pub method: String,
    /// The URL as fetch would put it on the wire (spaces and non-ASCII percent-encoded, as WHATWG URL does).
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: Option<String>,
    pub region: String,
    pub service: String,
    /// "sigv4" or "sigv4a"; a v4a case's `region` is its region set.
    pub signing_algorithm: String,
    /// A v4a case's public key (public-key.json): the one its signatures verify with.
    pub public_key: Option<PublicKey>,
    /// Epoch milliseconds.
    pub datetime: u64,
    pub expires_in: u32,
    /// "double" or "single".
    pub uri_encoding: String,
    /// "signed" or "appended".
    pub session_token_placement: String,
    /// "default" or "all".
    pub header_selection: String,
    /// "include" or "omit".
    pub content_hash_header: String,
    /// Why this case is signed with settings other than our defaults, if it is.
    pub deviation: Option<String>,
    pub header: Option<Expected>,
    pub query: Option<Expected>,
}

/// A P-256 public key's affine coordinates, in hex.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct PublicKey {
    #[serde(rename = "X")]
    pub x: String,
    #[serde(rename = "Y")]
    pub y: String,
}

/// The expected outputs of one signature location. A field is absent when the suite ships no file.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Expected {
    pub canonical_request: Option<String>,
    pub string_to_sign: Option<String>,
    pub signature: Option<String>,
    /// A canonical-request line that the suite fixes to another time than its signature (a known quirk).
    pub canonical_request_date_quirk: Option<String>,
}

/// Which suite: `v4` (HMAC) or `v4a` (ECDSA).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Suite {
    V4,
    V4a,
}

/// The suite of the aws-sigv4 version pinned in Cargo.lock, as the build
/// script (tests/common/aws_suite_dir.rs) found it.
pub const SUITE_ROOT: &str = env!(
    "AWS_SIGNING_SUITE_DIR",
    "the build script found no aws-signing-test-suite for the aws-sigv4 version in Cargo.lock under $CARGO_HOME/registry/src"
);

/// The suite directory, `aws-signing-test-suite/<v4|v4a>` in the aws-sigv4 package.
pub fn suite_dir(suite: Suite) -> PathBuf {
    Path::new(SUITE_ROOT).join(match suite {
        Suite::V4 => "v4",
        Suite::V4a => "v4a",
    })
}

/// Every case of the suite, sorted by name.
pub fn load_cases(suite: Suite) -> Vec<Case> {
    let dir = suite_dir(suite);
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("suite directory")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names.iter().map(|name| load_case(&dir.join(name), name, suite)).collect()
}

/// A suite file's text; a trailing newline (one string-to-sign file has it) is not content.
fn read(path: &Path) -> Option<String> {
    std::fs::read_to_string(path)
        .ok()
        .map(|s| s.trim_end_matches('\n').to_owned())
}

fn load_case(dir: &Path, name: &str, suite: Suite) -> Case {
    let request = read(&dir.join("request.txt")).expect("request.txt");
    let (method, path, headers, body) = parse_request(&request);
    let host = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("host"))
        .map(|(_, v)| v.clone())
        .expect("Host header");
    let headers: Vec<(String, String)> = headers
        .into_iter()
        .filter(|(n, _)| !n.eq_ignore_ascii_case("host"))
        .collect();

    let mut case = Case {
        name: name.to_owned(),
        method,
        url: format!("https://{host}{}", wire_encode(&path)),
        headers,
        body,
        access_key_id: String::new(),
        secret_access_key: String::new(),
        session_token: None,
        region: String::new(),
        service: String::new(),
        signing_algorithm: if suite == Suite::V4a { "sigv4a" } else { "sigv4" }.into(),
        public_key: read(&dir.join("public-key.json"))
            .map(|json| serde_json::from_str(&json).expect("public-key.json")),
        datetime: 0,
        expires_in: 0,
        uri_encoding: "double".into(),
        session_token_placement: "signed".into(),
        header_selection: "default".into(),
        content_hash_header: "omit".into(),
        deviation: None,
        header: expected(dir, "header"),
        query: expected(dir, "query"),
    };
    match read(&dir.join("context.json")) {
        Some(context) => apply_context(&mut case, &context),
        None => apply_implicit_context(&mut case),
    }
    apply_deviations(&mut case);
    case
}

/// Splits request.txt into method, raw path, headers (folded lines joined) and body.
fn parse_request(text: &str) -> (String, String, Vec<(String, String)>, String) {
    let (head, body) = match text.split_once("\n\n") {
        Some((head, body)) => (head, body.to_owned()),
        None => (text, String::new()),
    };
    let mut lines = head.lines();
    let request_line = lines.next().expect("request line");
    let (method, rest) = request_line.split_once(' ').expect("method");
    let path = rest.rsplit_once(' ').expect("HTTP version").0;
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in lines {
        if line.starts_with([' ', '\t']) {
            // An obsolete folded continuation: part of the previous header's value.
            let last = headers.last_mut().expect("continuation follows a header");
            last.1.push(' ');
            last.1.push_str(line.trim());
        } else if let Some((name, value)) = line.split_once(':') {
            headers.push((name.to_owned(), value.to_owned()));
        }
    }
    (method.to_owned(), path.to_owned(), headers, body)
}

/// Percent-encodes what WHATWG URL serialization encodes in these paths: spaces and non-ASCII.
fn wire_encode(path: &str) -> String {
    let mut out = String::new();
    for byte in path.bytes() {
        if byte == b' ' || !byte.is_ascii() {
            out.push_str(&format!("%{byte:02X}"));
        } else {
            out.push(byte as char);
        }
    }
    out
}

fn expected(dir: &Path, mode: &str) -> Option<Expected> {
    let canonical_request = read(&dir.join(format!("{mode}-canonical-request.txt")));
    let string_to_sign = read(&dir.join(format!("{mode}-string-to-sign.txt")));
    let signature = read(&dir.join(format!("{mode}-signature.txt")))
        .or_else(|| read(&dir.join(format!("{mode}-signed-request.txt"))).and_then(|r| signature_in(&r)));
    if canonical_request.is_none() && string_to_sign.is_none() && signature.is_none() {
        return None;
    }
    Some(Expected {
        canonical_request,
        string_to_sign,
        signature: signature.map(|s| s.trim().to_owned()),
        canonical_request_date_quirk: None,
    })
}

fn signature_in(signed_request: &str) -> Option<String> {
    signed_request
        .split("Signature=")
        .nth(1)
        .map(|s| s.lines().next().unwrap_or_default().trim().to_owned())
}

fn apply_context(case: &mut Case, context: &str) {
    let context: Value = serde_json::from_str(context).expect("context.json");
    let credentials = &context["credentials"];
    case.access_key_id = credentials["access_key_id"].as_str().expect("key").into();
    case.secret_access_key = credentials["secret_access_key"].as_str().expect("secret").into();
    case.session_token = credentials["token"].as_str().map(str::to_owned);
    case.region = context["region"].as_str().expect("region").into();
    case.service = context["service"].as_str().expect("service").into();
    case.datetime = epoch_ms(context["timestamp"].as_str().expect("timestamp"));
    case.expires_in = context["expiration_in_seconds"].as_u64().expect("expiry") as u32;
    if context["omit_session_token"].as_bool() == Some(true) {
        case.session_token_placement = "appended".into();
    }
    // sign_body defaults to true in the suite's own harness.
    if context["sign_body"].as_bool() != Some(false) {
        case.content_hash_header = "include".into();
    }
    if context["normalize"].as_bool() == Some(false) {
        case.uri_encoding = "single".into();
        case.deviation = Some(
            "normalize=false: signed with uriEncoding 'single' (no normalization); its path has no escapes, so single and double encoding agree"
                .into(),
        );
    }
}

/// double-encode-path and double-url-encode ship no context.json; aws-sigv4's own tests sign them so.
fn apply_implicit_context(case: &mut Case) {
    match case.name.as_str() {
        "double-encode-path" => {
            (case.access_key_id, case.secret_access_key) =
                (TEST_CREDENTIALS.0.into(), TEST_CREDENTIALS.1.into());
            case.region = "us-east-1".into();
            case.service = "service".into();
            case.datetime = epoch_ms("2015-08-30T12:36:00Z");
            if let Some(header) = case.header.as_mut() {
                header.canonical_request_date_quirk = Some("x-amz-date:20210511T154045Z".into());
            }
        }
        "double-url-encode" => {
            (case.access_key_id, case.secret_access_key) =
                (EXAMPLE_CREDENTIALS.0.into(), EXAMPLE_CREDENTIALS.1.into());
            case.region = "us-east-2".into();
            case.service = "lambda".into();
            case.datetime = epoch_ms("2021-05-11T15:40:45Z");
        }
        other => panic!("case {other} has no context.json"),
    }
}

fn apply_deviations(case: &mut Case) {
    if matches!(case.name.as_str(), "get-space-normalized" | "get-utf8") {
        case.uri_encoding = "single".into();
        case.deviation = Some(
            "the vector expects the wire path's escapes kept as they are (single encoding), not encoded again; aws-sigv4 ignores it for the same reason"
                .into(),
        );
    }
    if case.headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("content-length")) {
        case.header_selection = "all".into();
        case.deviation = Some(
            "the vector signs content-length, which iamfetch never signs by default (runtimes set it): signed with headerSelection 'all'"
                .into(),
        );
    }
}

/// Epoch milliseconds of the suite's `YYYY-MM-DDTHH:MM:SSZ` timestamps.
fn epoch_ms(timestamp: &str) -> u64 {
    let at = time::OffsetDateTime::parse(timestamp, &time::format_description::well_known::Rfc3339)
        .expect("suite timestamp");
    (at.unix_timestamp_nanos() / 1_000_000) as u64
}
