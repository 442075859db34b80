//! Explains why AWS refused a signed request, from its answer and from what
//! was signed: the logic behind `explainFailure`.

use crate::aws_error::{parse_body, short_type};
use crate::endpoint;

/// What AWS answered.
pub struct Answer<'a> {
    /// HTTP status.
    pub status: u16,
    /// The `x-amzn-ErrorType` header, when present and readable (CORS may hide it).
    pub error_type_header: Option<&'a str>,
    /// The body text.
    pub body: &'a str,
    /// The `Date` header in epoch ms, when present and readable.
    pub server_date_ms: Option<f64>,
    /// The local clock when the answer arrived, in epoch ms, uncorrected.
    pub local_time_ms: f64,
}

/// What was signed and sent.
#[derive(Default)]
pub struct Sent<'a> {
    /// The request's host.
    pub host: &'a str,
    /// HTTP method.
    pub method: &'a str,
    /// Signing name used.
    pub service: &'a str,
    /// Region used.
    pub region: &'a str,
    /// Our canonical request.
    pub canonical_request: &'a str,
    /// Our string to sign.
    pub string_to_sign: &'a str,
    /// Whether x-amz-content-sha256 was sent.
    pub sent_content_hash: bool,
    /// Whether the request went to CloudFront with OAC (unsigned by us).
    pub through_oac: bool,
    /// Expiry of the credentials used, epoch ms.
    pub credentials_expiration_ms: Option<f64>,
    /// The clock offset already applied when signing, ms.
    pub applied_offset_ms: f64,
}

/// The likely cause of a failure, with the evidence for it.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnosis {
    /// A stable name: clock-skew, expired-credentials, invalid-credentials,
    /// wrong-scope, missing-body-hash, signature-mismatch, access-denied,
    /// missing-authentication, throttled, service-error, error-type-hidden, unknown.
    pub cause: &'static str,
    /// One sentence for people.
    pub summary: String,
    /// What points to the cause.
    pub evidence: Vec<String>,
    /// For clock skew: server time minus local time, ms.
    pub clock_offset_ms: Option<f64>,
    /// For a mismatch explained by API Gateway: its canonical request.
    pub expected_canonical_request: Option<String>,
    /// For a mismatch explained by API Gateway: its string to sign.
    pub expected_string_to_sign: Option<String>,
}

/// True when the answer is AWS's clock-skew refusal.
pub fn is_clock_skew(body: &str) -> bool {
    let (_, message) = parse_body(body);
    is_skew_message(&message.unwrap_or_else(|| body.to_owned()))
}

fn is_skew_message(message: &str) -> bool {
    message.contains("Signature expired") || message.contains("Signature not yet current")
}

/// Server time minus local time, from the answer's Date header.
pub fn clock_offset_ms(server_date_ms: f64, local_time_ms: f64) -> f64 {
    server_date_ms - local_time_ms
}

/// Names the likely cause of a refused request.
pub fn diagnose(answer: &Answer<'_>, sent: &Sent<'_>) -> Diagnosis {
    let (body_type, body_message) = parse_body(answer.body);
    let error_type = answer
        .error_type_header
        .map(short_type)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .or(body_type.as_deref().map(|t| short_type(t).to_owned()))
        .unwrap_or_default();
    let message = body_message.unwrap_or_default();
    let mut evidence = vec![format!(
        "HTTP {}{}{}",
        answer.status,
        if error_type.is_empty() { String::new() } else { format!(" {error_type}") },
        if message.is_empty() { String::new() } else { format!(": {message}") }
    )];
    let found = diagnosis;

    if is_skew_message(&message) {
        let offset = answer
            .server_date_ms
            .map(|server| clock_offset_ms(server, answer.local_time_ms));
        match offset {
            Some(offset) => evidence.push(format!(
                "the server's Date header is {:+.0} s from this machine's clock (offset already applied: {:+.0} s)",
                offset / 1000.0,
                sent.applied_offset_ms / 1000.0
            )),
            None => evidence.push("no readable Date header: expose `date` in the CORS config to measure the offset".into()),
        }
        let mut d = found("clock-skew", "This device's clock is off by more than AWS's 5-minute window.", evidence);
        d.clock_offset_ms = offset;
        return d;
    }
    if error_type == "ExpiredTokenException" || message.contains("security token included in the request is expired") {
        if let Some(expiration) = sent.credentials_expiration_ms {
            evidence.push(format!(
                "the credentials expired {:.0} s before this answer",
                (answer.local_time_ms + sent.applied_offset_ms - expiration) / 1000.0
            ));
        }
        return found("expired-credentials", "The temporary credentials have expired: fetch new ones.", evidence);
    }
    if matches!(error_type.as_str(), "UnrecognizedClientException" | "InvalidClientTokenId")
        || message.contains("security token included in the request is invalid")
    {
        return found(
            "invalid-credentials",
            "AWS does not know these credentials: a wrong access key, or a session token that is missing or belongs to other keys.",
            evidence,
        );
    }
    if message.contains("Credential should be scoped") {
        evidence.push(format!("signed for service '{}' in region '{}'", sent.service, sent.region));
        return found("wrong-scope", "The request was signed for the wrong region or service.", evidence);
    }
    if matches!(error_type.as_str(), "InvalidSignatureException" | "SignatureDoesNotMatch")
        || message.contains("signature we calculated does not match")
    {
        return diagnose_mismatch(sent, &message, evidence);
    }
    if message.starts_with("Missing Authentication Token") {
        evidence.push("API Gateway says this for an unsigned request, and also for a path or stage that does not exist".into());
        return found("missing-authentication", "The request carried no signature, or the path or stage does not exist.", evidence);
    }
    if error_type.starts_with("AccessDenied") || message.contains("not authorized to perform") || error_type == "ForbiddenException" {
        return found(
            "access-denied",
            "The signature is valid but the caller has no permission: check the resource policy or the role's policy (function URLs since October 2025 need lambda:InvokeFunctionUrl and lambda:InvokeFunction).",
            evidence,
        );
    }
    if answer.status == 429 || error_type.contains("Throttl") || error_type == "TooManyRequestsException" {
        return found("throttled", "AWS is throttling: retry later with backoff.", evidence);
    }
    if answer.status >= 500 {
        return found("service-error", "AWS or the function failed on its side.", evidence);
    }
    if (answer.status == 401 || answer.status == 403) && answer.error_type_header.is_none() && answer.body.trim().is_empty() {
        evidence.push("no x-amzn-errortype header and no body were readable".into());
        return found(
            "error-type-hidden",
            "AWS refused the request but its reason is not readable here: in a browser, add x-amzn-errortype (and date) to the CORS ExposeHeaders.",
            evidence,
        );
    }
    found("unknown", "No known cause matches this answer.", evidence)
}

fn diagnosis(cause: &'static str, summary: &str, evidence: Vec<String>) -> Diagnosis {
    Diagnosis {
        cause,
        summary: summary.to_owned(),
        evidence,
        clock_offset_ms: None,
        expected_canonical_request: None,
        expected_string_to_sign: None,
    }
}

fn diagnose_mismatch(sent: &Sent<'_>, message: &str, mut evidence: Vec<String>) -> Diagnosis {
    let writes_body = matches!(sent.method, "POST" | "PUT" | "PATCH");
    if sent.through_oac && writes_body && !sent.sent_content_hash {
        evidence.push(format!("{} through CloudFront OAC without x-amz-content-sha256", sent.method));
        return diagnosis(
            "missing-body-hash",
            "CloudFront OAC needs the viewer to send x-amz-content-sha256 (the hex SHA-256 of the body) on PUT and POST.",
            evidence,
        );
    }
    if let Some(expected) = endpoint::detect(sent.host) {
        if expected.service != sent.service || expected.region != sent.region {
            evidence.push(format!(
                "host {} is {} in {}, but the request was signed for {} in {}",
                sent.host, expected.service, expected.region, sent.service, sent.region
            ));
            return diagnosis("wrong-scope", "The request was signed for the wrong region or service.", evidence);
        }
    }
    let expected_creq = between(message, "The Canonical String for this request should have been\n'", "'\n");
    let expected_sts = between(message, "The String-to-Sign should have been\n'", "'");
    let mut d = match (&expected_creq, sent.canonical_request.is_empty()) {
        (Some(theirs), false) => {
            evidence.extend(line_diff(theirs, sent.canonical_request));
            diagnosis(
                "signature-mismatch",
                "AWS computed a different canonical request: the lines below differ (AWS's first, ours second).",
                evidence,
            )
        }
        _ => {
            evidence.push("a wrong secret access key, a body or signed header changed after signing, or a proxy rewriting the path or query".into());
            if !sent.canonical_request.is_empty() {
                evidence.push(format!("our canonical request:\n{}", sent.canonical_request));
            }
            diagnosis("signature-mismatch", "AWS computed a different signature.", evidence)
        }
    };
    d.expected_canonical_request = expected_creq;
    d.expected_string_to_sign = expected_sts;
    d
}

fn between(text: &str, start: &str, end: &str) -> Option<String> {
    let from = text.find(start)? + start.len();
    let to = from + text[from..].find(end)?;
    Some(text[from..to].to_owned())
}

/// The lines that differ, as "line N: AWS `…` / ours `…`".
fn line_diff(theirs: &str, ours: &str) -> Vec<String> {
    let (a, b): (Vec<&str>, Vec<&str>) = (theirs.lines().collect(), ours.lines().collect());
    let differing: Vec<String> = (0..a.len().max(b.len()))
        .filter(|&i| a.get(i) != b.get(i))
        .map(|i| format!("line {}: AWS `{}` / ours `{}`", i + 1, a.get(i).unwrap_or(&""), b.get(i).unwrap_or(&"")))
        .collect();
    if differing.is_empty() {
        vec!["the canonical requests are the same: the secret access key must differ".into()]
    } else {
        differing
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: u16, error_type: Option<&'static str>, body: &'static str) -> Answer<'static> {
        Answer { status, error_type_header: error_type, body, server_date_ms: Some(1_000_900_000.0), local_time_ms: 1_000_000_000.0 }
    }

    fn sent() -> Sent<'static> {
        Sent { host: "abc.lambda-url.eu-west-1.on.aws", method: "POST", service: "lambda", region: "eu-west-1", canonical_request: "POST\n/\n\nhost:h\n\nhost\nabc", ..Default::default() }
    }

    #[test]
    fn clock_skew_with_offset() {
        let d = diagnose(&answer(403, Some("InvalidSignatureException"), r#"{"message":"Signature expired: 20261121T101010Z is now earlier than 20261121T101511Z (20261121T102011Z - 5 min.)"}"#), &sent());
        assert_eq!(d.cause, "clock-skew");
        assert_eq!(d.clock_offset_ms, Some(900_000.0));
        assert!(d.evidence[1].contains("+900 s"));
        assert!(is_clock_skew(r#"{"message":"Signature not yet current: x is still later than y"}"#));
        assert!(!is_clock_skew(r#"{"message":"Forbidden"}"#));
    }

    #[test]
    fn each_cause_is_named() {
        let cases = [
            (403, Some("ExpiredTokenException"), r#"{"message":"The security token included in the request is expired"}"#, "expired-credentials"),
            (403, Some("UnrecognizedClientException"), r#"{"message":"The security token included in the request is invalid."}"#, "invalid-credentials"),
            (403, Some("InvalidSignatureException"), r#"{"message":"Credential should be scoped to a valid region."}"#, "wrong-scope"),
            (403, Some("AccessDeniedException"), r#"{"Message":"Forbidden. For troubleshooting Function URL authorization issues, see: https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html"}"#, "access-denied"),
            (403, Some("MissingAuthenticationTokenException"), r#"{"message":"Missing Authentication Token"}"#, "missing-authentication"),
            (429, Some("TooManyRequestsException"), r#"{"message":"Rate exceeded"}"#, "throttled"),
            (502, None, "<html>bad gateway</html>", "service-error"),
            (403, None, "", "error-type-hidden"),
            (418, None, "teapot", "unknown"),
        ];
        for (status, error_type, body, cause) in cases {
            assert_eq!(diagnose(&answer(status, error_type, body), &sent()).cause, cause, "{body}");
        }
    }

    #[test]
    fn mismatches_through_oac_without_hash_and_with_wrong_scope() {
        let mismatch = r#"{"message":"The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."}"#;
        let oac = Sent { through_oac: true, ..sent() };
        assert_eq!(diagnose(&answer(403, Some("InvalidSignatureException"), mismatch), &oac).cause, "missing-body-hash");
        let wrong_region = Sent { region: "us-east-1", ..sent() };
        let d = diagnose(&answer(403, Some("InvalidSignatureException"), mismatch), &wrong_region);
        assert_eq!(d.cause, "wrong-scope");
        assert!(d.evidence[1].contains("lambda in eu-west-1"));
        let d = diagnose(&answer(403, Some("InvalidSignatureException"), mismatch), &sent());
        assert_eq!(d.cause, "signature-mismatch");
    }

    #[test]
    fn api_gateway_canonical_strings_are_diffed() {
        let body = "{\"message\":\"The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.\\n\\nThe Canonical String for this request should have been\\n'POST\\n/\\n\\nhost:h\\n\\nhost\\nxyz'\\n\\nThe String-to-Sign should have been\\n'AWS4-HMAC-SHA256\\n20261121T101010Z\\nscope\\nhash'\\n\"}";
        let d = diagnose(&answer(403, Some("IncompleteSignatureException"), body), &sent());
        assert_eq!(d.cause, "signature-mismatch");
        assert!(d.evidence.iter().any(|e| e == "line 7: AWS `xyz` / ours `abc`"), "{:?}", d.evidence);
        assert_eq!(d.expected_canonical_request.as_deref(), Some("POST\n/\n\nhost:h\n\nhost\nxyz"));
        assert!(d.expected_string_to_sign.unwrap().starts_with("AWS4-HMAC-SHA256\n"));
    }
}
