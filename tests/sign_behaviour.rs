//! Signing behaviour beyond the AWS suite: errors with stable codes and no
//! secrets, presign bounds, header selection, payload rules, service and region.
#![cfg(not(target_arch = "wasm32"))] // native only: wasm.rs covers wasm

use iamfetch::{
    sign, Algorithm, ContentHashHeader, Credentials, Diagnostics, ErrorCode, HeaderSelection, Payload, Request,
    SignatureLocation, SigningSettings, UriEncoding,
};
use std::time::{Duration, SystemTime};

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const TOKEN: &str = "IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKEN0123456789";
const FUNCTION_URL: &str = "https://abcdefghij.lambda-url.eu-west-1.on.aws/items?id=1";

fn credentials() -> Credentials {
    Credentials {
        access_key_id: "AKIDEXAMPLE".into(),
        secret_access_key: SECRET.into(),
        session_token: Some(TOKEN.into()),
    }
}

fn time() -> SystemTime {
    // 2026-11-21T10:10:10Z
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_795_255_810)
}

fn request<'a>(url: &'a str, headers: &'a [(String, String)], payload: Payload<'a>) -> Request<'a> {
    Request { method: "POST", url, headers, payload }
}

/// Signing for `service` in `region`, as JS asks (it reads both from an AWS host when not given).
fn scope(service: &str, region: &str) -> SigningSettings {
    SigningSettings { service: Some(service.into()), region: Some(region.into()), ..Default::default() }
}

/// FUNCTION_URL's scope.
fn lambda() -> SigningSettings {
    scope("lambda", "eu-west-1")
}

fn s3(region: &str) -> SigningSettings {
    scope("s3", region)
}

fn capture(settings: SigningSettings) -> SigningSettings {
    SigningSettings { diagnostics: Diagnostics::Capture, ..settings }
}

fn error_of(request: &Request<'_>, credentials: &Credentials, settings: &SigningSettings) -> iamfetch::Error {
    match sign(request, credentials, settings, time()) {
        Ok(_) => panic!("expected an error"),
        Err(e) => e,
    }
}

fn assert_no_secrets(text: &str) {
    assert!(!text.contains(SECRET), "secret leaked: {text}");
    assert!(!text.contains(TOKEN), "session token leaked: {text}");
}

#[test]
fn function_url_post_is_signed_for_lambda_with_token_and_date() {
    let headers = vec![("Content-Type".to_string(), "application/json".to_string())];
    let signed = sign(&request(FUNCTION_URL, &headers, Payload::Bytes(b"{}")), &credentials(), &capture(lambda()), time()).unwrap();
    assert_eq!((signed.service.as_str(), signed.region.as_str()), ("lambda", "eu-west-1"));
    assert_eq!(signed.amz_date, "20261121T101010Z");
    assert_eq!(signed.signed_headers, ["content-type", "host", "x-amz-date", "x-amz-security-token"]);
    let names: Vec<&str> = signed.headers.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["x-amz-date", "authorization", "x-amz-security-token"]);
    assert_eq!(signed.payload_hash, iamfetch::sha256_hex(b"{}"));
    let diagnostics = signed.diagnostics.unwrap();
    assert!(diagnostics.canonical_request.contains(&format!("x-amz-security-token:{TOKEN}\n")));
    assert!(diagnostics.string_to_sign.starts_with("AWS4-HMAC-SHA256\n20261121T101010Z\n20261121/eu-west-1/lambda/aws4_request\n"));
}

#[test]
fn headers_runtimes_change_are_not_signed_by_default_but_are_with_all() {
    let headers: Vec<(String, String)> = ["User-Agent", "Content-Length", "Connection", "Expect", "Range", "Via", "X-Amzn-Trace-Id", "Transfer-Encoding", "X-Custom"]
        .iter()
        .map(|n| (n.to_string(), "1".to_string()))
        .collect();
    let req = request(FUNCTION_URL, &headers, Payload::Bytes(b""));
    let signed = sign(&req, &credentials(), &lambda(), time()).unwrap();
    assert_eq!(signed.signed_headers, ["host", "x-amz-date", "x-amz-security-token", "x-custom"]);

    let all = SigningSettings { header_selection: HeaderSelection::All, ..lambda() };
    let signed = sign(&req, &credentials(), &all, time()).unwrap();
    assert!(signed.signed_headers.contains(&"user-agent".to_string()));
    assert!(signed.signed_headers.contains(&"content-length".to_string()));

    let excluded = SigningSettings { excluded_headers: vec!["X-CUSTOM".into()], ..lambda() };
    let signed = sign(&req, &credentials(), &excluded, time()).unwrap();
    assert!(!signed.signed_headers.contains(&"x-custom".to_string()));
}

#[test]
fn caller_supplied_signing_headers_are_replaced_not_duplicated() {
    let headers = vec![
        ("Authorization".to_string(), "Bearer viewer-token".to_string()),
        ("X-Amz-Date".to_string(), "19990101T000000Z".to_string()),
        ("X-Amz-Security-Token".to_string(), "stale".to_string()),
        ("Host".to_string(), "evil.example".to_string()),
    ];
    let signed = sign(&request(FUNCTION_URL, &headers, Payload::Bytes(b"")), &credentials(), &capture(lambda()), time()).unwrap();
    let canonical = signed.diagnostics.unwrap().canonical_request;
    assert!(canonical.contains("host:abcdefghij.lambda-url.eu-west-1.on.aws\n"));
    assert!(!canonical.contains("evil.example") && !canonical.contains("stale") && !canonical.contains("1999"));
    assert_eq!(signed.headers.iter().filter(|(n, _)| n == "x-amz-security-token").count(), 1);
}

/// JS decides the payload hash (js/src/body.js declaredPayloadHash): the core
/// signs the payload it is handed and never reads a caller's header for it.
#[test]
fn a_caller_content_hash_header_is_replaced_by_the_decided_payload_hash() {
    let declared = iamfetch::sha256_hex(b"streamed elsewhere");
    let headers = vec![("x-amz-content-sha256".to_string(), "f".repeat(64))];
    let include = SigningSettings { content_hash_header: Some(ContentHashHeader::Include), ..lambda() };
    let signed = sign(&request(FUNCTION_URL, &headers, Payload::Hash(&declared)), &credentials(), &include, time()).unwrap();
    assert_eq!(signed.payload_hash, declared);
    assert!(signed.signed_headers.contains(&"x-amz-content-sha256".to_string()));
    let sent: Vec<_> = signed.headers.iter().filter(|(n, _)| n == "x-amz-content-sha256").collect();
    assert_eq!(sent, [&("x-amz-content-sha256".to_string(), declared)]);
}

#[test]
fn content_hash_header_is_opt_in_except_for_s3() {
    let include = SigningSettings { content_hash_header: Some(ContentHashHeader::Include), ..lambda() };
    let signed = sign(&request(FUNCTION_URL, &[], Payload::Bytes(b"x")), &credentials(), &include, time()).unwrap();
    assert!(signed.signed_headers.contains(&"x-amz-content-sha256".to_string()));
    let signed = sign(&request(FUNCTION_URL, &[], Payload::Bytes(b"x")), &credentials(), &lambda(), time()).unwrap();
    assert!(!signed.signed_headers.contains(&"x-amz-content-sha256".to_string()));
    let url = "https://bucket.s3.eu-west-1.amazonaws.com/key";
    let signed = sign(&request(url, &[], Payload::Bytes(b"x")), &credentials(), &s3("eu-west-1"), time()).unwrap();
    assert!(signed.signed_headers.contains(&"x-amz-content-sha256".to_string()));
}

#[test]
fn uri_encoding_is_double_except_for_s3() {
    let url = "https://abcdefghij.lambda-url.eu-west-1.on.aws/a%20b/./c";
    let signed = sign(&request(url, &[], Payload::Bytes(b"")), &credentials(), &capture(lambda()), time()).unwrap();
    assert!(signed.diagnostics.unwrap().canonical_request.starts_with("POST\n/a%2520b/c\n"));
    let s3_url = "https://bucket.s3.eu-west-1.amazonaws.com/a%20b/./c";
    let signed = sign(&request(s3_url, &[], Payload::Bytes(b"")), &credentials(), &capture(s3("eu-west-1")), time()).unwrap();
    assert!(signed.diagnostics.unwrap().canonical_request.starts_with("POST\n/a%20b/./c\n"));
    let single = SigningSettings { uri_encoding: Some(UriEncoding::Single), ..capture(lambda()) };
    let signed = sign(&request(url, &[], Payload::Bytes(b"")), &credentials(), &single, time()).unwrap();
    assert!(signed.diagnostics.unwrap().canonical_request.starts_with("POST\n/a%20b/./c\n"));
}

#[test]
fn presigned_urls_carry_the_query_parameters_and_expiry_bounds_hold() {
    let presign = |expires_in| SigningSettings { location: SignatureLocation::Query { expires_in }, ..lambda() };
    let req = request(FUNCTION_URL, &[], Payload::Bytes(b""));
    for ok in [1, 3600, 604_800] {
        let signed = sign(&req, &credentials(), &presign(ok), time()).unwrap();
        assert!(signed.url.starts_with(FUNCTION_URL));
        assert!(signed.url.contains(&format!("&X-Amz-Expires={ok}&")));
        assert!(signed.headers.is_empty());
        assert!(signed.url.contains("X-Amz-Signature="));
    }
    for bad in [0, 604_801, u32::MAX] {
        let error = error_of(&req, &credentials(), &presign(bad));
        assert_eq!(error.code(), ErrorCode::ExpiresRange);
        assert!(error.message().contains("604800"));
    }
}

#[test]
fn s3_presigned_urls_use_unsigned_payload_and_other_services_refuse_it() {
    let presign = SigningSettings { location: SignatureLocation::Query { expires_in: 60 }, ..s3("eu-west-1") };
    let url = "https://bucket.s3.eu-west-1.amazonaws.com/key";
    let signed = sign(&request(url, &[], Payload::Bytes(b"")), &credentials(), &presign, time()).unwrap();
    assert_eq!(signed.payload_hash, "UNSIGNED-PAYLOAD");
    let error = error_of(&request(FUNCTION_URL, &[], Payload::Unsigned), &credentials(), &lambda());
    assert_eq!(error.code(), ErrorCode::UnsignedPayload);
}

#[test]
fn service_and_region_are_needed_and_missing_ones_are_named_with_the_host() {
    let url = "https://d111111abcdef8.cloudfront.net/api";
    let error = error_of(&request(url, &[], Payload::Bytes(b"")), &credentials(), &SigningSettings::default());
    assert_eq!(error.code(), ErrorCode::MissingService);
    assert!(error.message().contains("d111111abcdef8.cloudfront.net"));
    let service_only = SigningSettings { service: Some("lambda".into()), ..Default::default() };
    let error = error_of(&request(url, &[], Payload::Bytes(b"")), &credentials(), &service_only);
    assert_eq!(error.code(), ErrorCode::MissingRegion);
    assert!(error.message().contains("d111111abcdef8.cloudfront.net"));
    // The core reads neither from the host: JS does.
    let error = error_of(&request(FUNCTION_URL, &[], Payload::Bytes(b"")), &credentials(), &SigningSettings::default());
    assert_eq!(error.code(), ErrorCode::MissingService);
    let both = SigningSettings { service: Some("lambda".into()), region: Some("us-east-1".into()), ..Default::default() };
    assert!(sign(&request(url, &[], Payload::Bytes(b"")), &credentials(), &both, time()).is_ok());
}

#[test]
fn bad_input_gets_stable_codes_and_no_secret_in_message_or_debug() {
    let good_headers: Vec<(String, String)> = vec![];
    let cases: Vec<(ErrorCode, Request<'_>, Credentials)> = vec![
        (ErrorCode::InvalidUrl, request("not a url", &good_headers, Payload::Bytes(b"")), credentials()),
        (ErrorCode::InvalidUrl, request("ftp://host/x", &good_headers, Payload::Bytes(b"")), credentials()),
        (ErrorCode::InvalidUrl, request("https://abcdefghij.lambda-url.eu-west-1.on.aws/x#frag", &good_headers, Payload::Bytes(b"")), credentials()),
        (ErrorCode::InvalidMethod, Request { method: "GE T", ..request(FUNCTION_URL, &good_headers, Payload::Bytes(b"")) }, credentials()),
        (ErrorCode::InvalidPayloadHash, request(FUNCTION_URL, &good_headers, Payload::Hash(SECRET)), credentials()),
        (ErrorCode::MissingCredentials, request(FUNCTION_URL, &good_headers, Payload::Bytes(b"")), Credentials { secret_access_key: String::new(), ..credentials() }),
        (ErrorCode::MissingCredentials, request(FUNCTION_URL, &good_headers, Payload::Bytes(b"")), Credentials { session_token: Some(String::new()), ..credentials() }),
        (ErrorCode::InvalidCredentials, request(FUNCTION_URL, &good_headers, Payload::Bytes(b"")), Credentials { session_token: Some(format!("{TOKEN}\n")), ..credentials() }),
        (ErrorCode::InvalidCredentials, request(FUNCTION_URL, &good_headers, Payload::Bytes(b"")), Credentials { secret_access_key: format!("{SECRET}\0"), ..credentials() }),
        (ErrorCode::InvalidCredentials, request(FUNCTION_URL, &good_headers, Payload::Bytes(b"")), Credentials { access_key_id: "AKID EXAMPLE".into(), ..credentials() }),
    ];
    for (code, req, creds) in cases {
        let error = error_of(&req, &creds, &lambda());
        assert_eq!(error.code(), code, "{error}");
        assert_no_secrets(&error.to_string());
        assert_no_secrets(&format!("{error:?}"));
    }
    let header_with_secret = vec![("x-leak".to_string(), format!("{SECRET}\r\n"))];
    let error = error_of(&request(FUNCTION_URL, &header_with_secret, Payload::Bytes(b"")), &credentials(), &lambda());
    assert_eq!(error.code(), ErrorCode::InvalidHeader);
    assert!(error.message().contains("x-leak"));
    assert_no_secrets(&error.to_string());
    let bad_name = vec![("bad name".to_string(), "v".to_string())];
    assert_eq!(error_of(&request(FUNCTION_URL, &bad_name, Payload::Bytes(b"")), &credentials(), &lambda()).code(), ErrorCode::InvalidHeader);
    assert_no_secrets(&format!("{:?}", credentials()));
}

#[test]
fn error_codes_are_the_published_strings() {
    assert_eq!(ErrorCode::InvalidUrl.as_str(), "ERR_INVALID_URL");
    assert_eq!(ErrorCode::InvalidHeader.as_str(), "ERR_INVALID_HEADER");
    assert_eq!(ErrorCode::MissingCredentials.as_str(), "ERR_MISSING_CREDENTIALS");
    assert_eq!(ErrorCode::MissingRegion.as_str(), "ERR_MISSING_REGION");
    assert_eq!(ErrorCode::ExpiresRange.as_str(), "ERR_EXPIRES_RANGE");
}

#[test]
fn service_and_region_outside_their_charset_are_invalid() {
    let req = request(FUNCTION_URL, &[], Payload::Bytes(b""));
    assert_eq!(error_of(&req, &credentials(), &scope("lambda/x", "eu-west-1")).code(), ErrorCode::InvalidService);
    assert_eq!(error_of(&req, &credentials(), &scope("lambda", "eu-west-1\0")).code(), ErrorCode::InvalidRegion);
    // Empty means not given.
    assert_eq!(error_of(&req, &credentials(), &scope("", "eu-west-1")).code(), ErrorCode::MissingService);
    assert_eq!(error_of(&req, &credentials(), &scope("lambda", "")).code(), ErrorCode::MissingRegion);
}

#[test]
fn a_sigv4_signature_names_its_region_and_no_region_set() {
    let signed = sign(&request(FUNCTION_URL, &[], Payload::Bytes(b"")), &credentials(), &lambda(), time()).unwrap();
    assert_eq!((signed.region.as_str(), signed.region_set.as_str()), ("eu-west-1", ""));
}

/// The path S3 signs and the URL iamfetch sends, for an S3 `url`.
fn s3_canonical_uri_and_url(url: &str, settings: &SigningSettings) -> (String, String) {
    let signed = sign(&request(url, &[], Payload::Bytes(b"")), &credentials(), settings, time()).unwrap();
    let canonical = signed.diagnostics.unwrap().canonical_request;
    (canonical.lines().nth(1).unwrap().to_owned(), signed.url)
}

/// S3 decodes the key from the path (`+` as a space) and signs it with every
/// byte but `/` and the unreserved ones encoded, dot segments and empty
/// segments kept. The path is sent that way too.
#[test]
fn s3_paths_are_signed_and_sent_as_s3_canonicalizes_the_key() {
    let cases = [
        // Reserved characters and a plus, as WHATWG URL serializes them, and raw.
        ("/reserved!'()*@/a+b%20c", "/reserved%21%27%28%29%2A%40/a%20b%20c"),
        ("/reserved!'()*@/a+b c", "/reserved%21%27%28%29%2A%40/a%20b%20c"),
        ("/libstdc++", "/libstdc%20%20"),
        ("/a%2Bb", "/a%2Bb"),
        ("/a=b", "/a%3Db"),
        ("/a;b,c$d&e:f[g]", "/a%3Bb%2Cc%24d%26e%3Af%5Bg%5D"),
        ("/~user/x_y-z.txt", "/~user/x_y-z.txt"),
        ("/caf%C3%A9/%E2%82%AC%F0%9F%98%80", "/caf%C3%A9/%E2%82%AC%F0%9F%98%80"),
        ("/caf%c3%a9", "/caf%C3%A9"),
        ("/café €", "/caf%C3%A9%20%E2%82%AC"),
        ("/a%2Fb", "/a/b"),
        ("/already%20encoded", "/already%20encoded"),
        ("/%25", "/%25"),
        ("//empty//segments/", "//empty//segments/"),
        ("/./dot/../segments/.", "/./dot/../segments/."),
        ("/%2E%2E/x", "/../x"),
        ("/", "/"),
        // Not UTF-8: the bytes are kept, escaped.
        ("/%ff%C3", "/%FF%C3"),
    ];
    let host = "https://bucket.s3.us-east-1.amazonaws.com";
    for (path, expected) in cases {
        let (canonical_uri, url) = s3_canonical_uri_and_url(&format!("{host}{path}"), &capture(s3("us-east-1")));
        assert_eq!(canonical_uri, expected, "canonical URI of {path}");
        assert_eq!(url, format!("{host}{expected}"), "URL sent for {path}");
    }

    // Path style, and an S3-compatible host named by `service`.
    let (canonical_uri, _) = s3_canonical_uri_and_url("https://s3.eu-west-1.amazonaws.com/bucket/a+b", &capture(s3("eu-west-1")));
    assert_eq!(canonical_uri, "/bucket/a%20b");
    let (canonical_uri, url) = s3_canonical_uri_and_url("http://127.0.0.1:9000/bucket/a+b(1)", &capture(s3("auto")));
    assert_eq!((canonical_uri.as_str(), url.as_str()), ("/bucket/a%20b%281%29", "http://127.0.0.1:9000/bucket/a%20b%281%29"));

    // Other services sign the path as sent, encoded again, and send it unchanged.
    let lambda = "https://abcdefghij.lambda-url.eu-west-1.on.aws/a+b(1)";
    let (_, url) = s3_canonical_uri_and_url(lambda, &capture(self::lambda()));
    assert_eq!(url, lambda);
}

#[test]
fn s3_queries_are_left_as_sent_and_presigned_urls_carry_the_encoded_path() {
    let url = "https://bucket.s3.us-east-1.amazonaws.com/a+b?x=a+b&y=%2F&z";
    let (canonical_uri, sent) = s3_canonical_uri_and_url(url, &capture(s3("us-east-1")));
    assert_eq!(canonical_uri, "/a%20b");
    assert_eq!(sent, "https://bucket.s3.us-east-1.amazonaws.com/a%20b?x=a+b&y=%2F&z");

    let presign = SigningSettings { location: SignatureLocation::Query { expires_in: 60 }, ..capture(s3("us-east-1")) };
    let (canonical_uri, sent) = s3_canonical_uri_and_url("https://bucket.s3.us-east-1.amazonaws.com/k(1)+2?versionId=v+1", &presign);
    assert_eq!(canonical_uri, "/k%281%29%202");
    assert!(sent.starts_with("https://bucket.s3.us-east-1.amazonaws.com/k%281%29%202?versionId=v+1&X-Amz-Algorithm="), "{sent}");
}

/// A `%` without two hex digits makes the key ambiguous (a literal `%` is
/// `%25`), and S3 answers such paths with 400 InvalidURI: refused up front.
#[test]
fn s3_paths_with_malformed_escapes_are_invalid_urls() {
    for path in ["/100%", "/a%zz", "/a%2", "/%", "/%%41", "/a%G0b", "/%é"] {
        let url = format!("https://bucket.s3.us-east-1.amazonaws.com{path}?q=%");
        let error = error_of(&request(&url, &[], Payload::Bytes(b"")), &credentials(), &s3("us-east-1"));
        assert_eq!(error.code(), ErrorCode::InvalidUrl, "{path}");
        assert!(error.message().contains("encodeURIComponent"), "{}", error.message());
    }
    // Only S3 reads the path: elsewhere it is signed as sent.
    let lambda = "https://abcdefghij.lambda-url.eu-west-1.on.aws/100%";
    assert!(sign(&request(lambda, &[], Payload::Bytes(b"")), &credentials(), &self::lambda(), time()).is_ok());
}

fn sigv4a(region_set: &[&str]) -> SigningSettings {
    SigningSettings {
        algorithm: Algorithm::SigV4a,
        region_set: region_set.iter().map(|r| r.to_string()).collect(),
        ..capture(lambda())
    }
}

#[cfg(feature = "sigv4a")]
#[test]
fn sigv4a_signs_the_region_set_and_scopes_without_a_region() {
    let headers = vec![("X-Amz-Region-Set".to_string(), "caller-value".to_string())];
    let url = "https://mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com/key";
    let settings = SigningSettings { service: Some("s3".into()), ..sigv4a(&["us-east-1", "eu-*"]) };
    let signed = sign(&request(url, &headers, Payload::Bytes(b"{}")), &credentials(), &settings, time()).unwrap();
    assert_eq!((signed.service.as_str(), signed.region.as_str(), signed.region_set.as_str()), ("s3", "", "us-east-1,eu-*"));
    let region_sets: Vec<&str> = signed.headers.iter().filter(|(n, _)| n == "x-amz-region-set").map(|(_, v)| v.as_str()).collect();
    assert_eq!(region_sets, ["us-east-1,eu-*"], "the caller's x-amz-region-set is replaced");
    let authorization = &signed.headers.iter().find(|(n, _)| n == "authorization").unwrap().1;
    assert!(authorization.starts_with("AWS4-ECDSA-P256-SHA256 Credential=AKIDEXAMPLE/20261121/s3/aws4_request, "), "{authorization}");
    let diagnostics = signed.diagnostics.unwrap();
    assert!(diagnostics.canonical_request.contains("\nx-amz-region-set:us-east-1,eu-*\n"));
    assert!(diagnostics.string_to_sign.starts_with("AWS4-ECDSA-P256-SHA256\n20261121T101010Z\n20261121/s3/aws4_request\n"));

    let query = SigningSettings { location: SignatureLocation::Query { expires_in: 60 }, ..settings };
    let presigned = sign(&request(url, &[], Payload::Unsigned), &credentials(), &query, time()).unwrap();
    assert!(presigned.url.contains("X-Amz-Algorithm=AWS4-ECDSA-P256-SHA256"), "{}", presigned.url);
    assert!(presigned.url.contains("X-Amz-Region-Set=us-east-1%2Ceu-%2A"), "{}", presigned.url);
}

#[cfg(feature = "sigv4a")]
#[test]
fn sigv4a_without_a_region_set_signs_for_the_region() {
    let signed = sign(&request(FUNCTION_URL, &[], Payload::Bytes(b"")), &credentials(), &sigv4a(&[]), time()).unwrap();
    assert_eq!((signed.region.as_str(), signed.region_set.as_str()), ("", "eu-west-1"));
    let unknown_host = request("https://example.com/", &[], Payload::Bytes(b""));
    let settings = SigningSettings { service: Some("s3".into()), region: None, ..sigv4a(&[]) };
    let error = error_of(&unknown_host, &credentials(), &settings);
    assert_eq!(error.code(), ErrorCode::InvalidRegionSet);
    assert!(error.message().contains("regionSet"), "{}", error.message());
}

#[cfg(feature = "sigv4a")]
#[test]
fn a_region_set_with_an_empty_or_invalid_entry_is_refused() {
    for set in [&["us-east-1", ""][..], &["us east 1"], &["us-east-1\n"], &[""]] {
        let error = error_of(&request(FUNCTION_URL, &[], Payload::Bytes(b"")), &credentials(), &sigv4a(set));
        assert_eq!(error.code(), ErrorCode::InvalidRegionSet, "{set:?}");
        assert_no_secrets(error.message());
    }
}

#[cfg(not(feature = "sigv4a"))]
#[test]
fn a_build_without_sigv4a_refuses_it_with_a_code() {
    let error = error_of(&request(FUNCTION_URL, &[], Payload::Bytes(b"")), &credentials(), &sigv4a(&["*"]));
    assert_eq!(error.code(), ErrorCode::UnsupportedByBuild);
    assert!(error.message().contains("sigv4a build"), "{}", error.message());
}
