//! Reads the signing service and region from an AWS host name.

use crate::error::{Error, ErrorCode};

/// Where a request is signed for: the SigV4 signing name and the region.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint {
    /// The signing name, e.g. `lambda`, `execute-api`, `s3`.
    pub service: String,
    /// The region, e.g. `eu-west-1`.
    pub region: String,
}

/// Endpoint prefixes whose signing name differs from the prefix (as aws4fetch maps them).
const SIGNING_NAME_OVERRIDES: &[(&str, &str)] = &[
    ("appstream2", "appstream"),
    ("cloudhsmv2", "cloudhsm"),
    ("email", "ses"),
    ("marketplace", "aws-marketplace"),
    ("mobile", "AWSMobileHubService"),
    ("pinpoint", "mobiletargeting"),
    ("queue", "sqs"),
    ("git-codecommit", "codecommit"),
    ("mturk-requester-sandbox", "mturk-requester"),
    ("personalize-runtime", "personalize"),
];

/// Services whose endpoint has no region and that sign for us-east-1.
const GLOBAL_SERVICES: &[&str] = &["iam", "sts", "cloudfront", "route53", "organizations", "s3"];

/// Detects service and region from a host name (a port, if any, is ignored).
///
/// Returns `None` for hosts that are not AWS endpoints, such as CloudFront
/// distributions and custom domains: those need an explicit service and region.
pub fn detect(host: &str) -> Option<Endpoint> {
    let host = strip_port(host).trim_end_matches('.').to_ascii_lowercase();
    if let Some(rest) = host.strip_suffix(".on.aws") {
        return detect_lambda_url(rest);
    }
    let labels = host
        .strip_suffix(".amazonaws.com")
        .or_else(|| host.strip_suffix(".amazonaws.com.cn"))?;
    let labels: Vec<&str> = labels.split('.').collect();
    if let Some(at) = labels.iter().position(|l| is_s3_label(l)) {
        return detect_s3(&labels[at..]);
    }
    detect_service(&labels)
}

/// The service, and the region as given or read from the host: a given value
/// wins, an empty one counts as not given.
pub(crate) fn resolve(host: &str, service: Option<&str>, region: Option<&str>) -> Result<(String, Option<String>), Error> {
    let given = |value: Option<&str>| value.filter(|v| !v.is_empty()).map(str::to_owned);
    let (service, region) = (given(service), given(region));
    let detected = if service.is_none() || region.is_none() { detect(host) } else { None };
    let service = service.or_else(|| detected.as_ref().map(|e| e.service.clone())).ok_or_else(|| {
        Error::new(
            ErrorCode::MissingService,
            format!("cannot tell the AWS service from host '{host}': pass `service` (e.g. lambda, execute-api)"),
        )
    })?;
    Ok((service, region.or_else(|| detected.map(|e| e.region))))
}

fn strip_port(host: &str) -> &str {
    match host.rsplit_once(':') {
        Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
        _ => host,
    }
}

/// `<url-id>.lambda-url.<region>.on.aws`
fn detect_lambda_url(rest: &str) -> Option<Endpoint> {
    match rest.split('.').collect::<Vec<_>>().as_slice() {
        [_id, "lambda-url", region] if is_region(region) => Some(endpoint("lambda", region)),
        _ => None,
    }
}

/// `<svc>[-fips][.dualstack].<region>` or a global `<svc>`, possibly after
/// resource labels such as an API id (`<id>.execute-api.<region>`).
fn detect_service(labels: &[&str]) -> Option<Endpoint> {
    let (region_at, region) = labels
        .iter()
        .enumerate()
        .rev()
        .find(|(_, l)| is_region(l))
        .map(|(i, l)| (i, *l))
        .unwrap_or((labels.len(), "us-east-1"));
    let before_region: Vec<&str> = labels[..region_at]
        .iter()
        .copied()
        .filter(|l| *l != "dualstack")
        .collect();
    let prefix = before_region.last()?.trim_end_matches("-fips");
    if region_at == labels.len() && !GLOBAL_SERVICES.contains(&prefix) {
        return None;
    }
    let service = SIGNING_NAME_OVERRIDES
        .iter()
        .find(|(from, _)| *from == prefix)
        .map_or(prefix, |(_, to)| *to);
    Some(endpoint(service, region))
}

fn is_s3_label(label: &str) -> bool {
    label == "s3"
        || label.starts_with("s3-fips")
        || label.starts_with("s3-accesspoint")
        || label == "s3-external-1"
        || label.strip_prefix("s3-").is_some_and(is_region)
}

/// Path style (`s3.<region>`), virtual-host style (`<bucket>.s3.<region>`),
/// the legacy dash form (`s3-<region>`), FIPS and dualstack.
fn detect_s3(labels: &[&str]) -> Option<Endpoint> {
    let region = labels
        .iter()
        .find_map(|l| {
            if is_region(l) {
                Some(*l)
            } else {
                l.strip_prefix("s3-").filter(|r| is_region(r))
            }
        })
        .unwrap_or("us-east-1");
    Some(endpoint("s3", region))
}

/// Region names look like `us-east-1`, `us-gov-west-1`, `cn-north-1`: letters,
/// dashes, and a trailing number.
fn is_region(label: &str) -> bool {
    let parts: Vec<&str> = label.split('-').collect();
    parts.len() >= 3
        && parts[..parts.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
        && parts[parts.len() - 1]
            .bytes()
            .all(|b| b.is_ascii_digit())
        && !parts[parts.len() - 1].is_empty()
}

fn endpoint(service: &str, region: &str) -> Endpoint {
    Endpoint {
        service: service.to_owned(),
        region: region.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn detected(host: &str) -> Option<(String, String)> {
        detect(host).map(|e| (e.service, e.region))
    }

    fn pair(service: &str, region: &str) -> Option<(String, String)> {
        Some((service.to_owned(), region.to_owned()))
    }

    #[test]
    fn lambda_function_urls() {
        assert_eq!(
            detected("abcdefghij1234567890abcdefghijkl.lambda-url.eu-west-1.on.aws"),
            pair("lambda", "eu-west-1")
        );
        assert_eq!(detected("x.lambda-url.not-a-region.on.aws"), None);
        assert_eq!(detected("other.eu-west-1.on.aws"), None);
    }

    #[test]
    fn api_gateway() {
        assert_eq!(
            detected("a1b2c3d4e5.execute-api.ap-southeast-2.amazonaws.com"),
            pair("execute-api", "ap-southeast-2")
        );
        assert_eq!(
            detected("a1b2c3d4e5.execute-api.cn-north-1.amazonaws.com.cn"),
            pair("execute-api", "cn-north-1")
        );
    }

    #[test]
    fn regional_global_fips_and_dualstack_services() {
        assert_eq!(detected("dynamodb.us-west-2.amazonaws.com"), pair("dynamodb", "us-west-2"));
        assert_eq!(detected("sts.amazonaws.com"), pair("sts", "us-east-1"));
        assert_eq!(detected("sts.eu-central-1.amazonaws.com:443"), pair("sts", "eu-central-1"));
        assert_eq!(detected("sqs-fips.us-gov-west-1.amazonaws.com"), pair("sqs", "us-gov-west-1"));
        assert_eq!(detected("ec2.dualstack.eu-west-3.amazonaws.com"), pair("ec2", "eu-west-3"));
        assert_eq!(detected("email.us-east-1.amazonaws.com"), pair("ses", "us-east-1"));
        assert_eq!(
            detected("cognito-identity.us-east-2.amazonaws.com"),
            pair("cognito-identity", "us-east-2")
        );
        assert_eq!(detected("LAMBDA.US-EAST-2.AMAZONAWS.COM"), pair("lambda", "us-east-2"));
    }

    #[test]
    fn s3_styles() {
        assert_eq!(detected("s3.amazonaws.com"), pair("s3", "us-east-1"));
        assert_eq!(detected("bucket.s3.amazonaws.com"), pair("s3", "us-east-1"));
        assert_eq!(detected("s3.eu-west-1.amazonaws.com"), pair("s3", "eu-west-1"));
        assert_eq!(detected("my.dotted.bucket.s3.eu-west-1.amazonaws.com"), pair("s3", "eu-west-1"));
        assert_eq!(detected("s3-eu-west-1.amazonaws.com"), pair("s3", "eu-west-1"));
        assert_eq!(detected("bucket.s3-fips.us-east-2.amazonaws.com"), pair("s3", "us-east-2"));
        assert_eq!(
            detected("bucket.s3.dualstack.ap-south-1.amazonaws.com"),
            pair("s3", "ap-south-1")
        );
        assert_eq!(
            detected("ap-123456789012.s3-accesspoint.us-west-2.amazonaws.com"),
            pair("s3", "us-west-2")
        );
        assert_eq!(detected("bucket.s3.cn-north-1.amazonaws.com.cn"), pair("s3", "cn-north-1"));
    }

    #[test]
    fn non_aws_hosts_are_not_guessed() {
        assert_eq!(detected("d111111abcdef8.cloudfront.net"), None);
        assert_eq!(detected("api.example.com"), None);
        assert_eq!(detected("127.0.0.1:9000"), None);
        assert_eq!(detected("amazonaws.com"), None);
        assert_eq!(detected("foo.amazonaws.com"), None);
        assert_eq!(detected(""), None);
    }
}
