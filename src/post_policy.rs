//! The signature of an S3 POST policy (a browser form upload): the hex
//! HMAC-SHA256 of the policy's base64 with the SigV4 signing key, both from aws-sigv4.

use crate::error::Error;
use crate::settings::Credentials;
use aws_sigv4::sign::v4;
use std::time::SystemTime;

/// Signs `policy_base64`, the form's `policy` field, as of `time` (its `x-amz-date`).
pub fn sign(credentials: &Credentials, region: &str, service: &str, time: SystemTime, policy_base64: &str) -> Result<String, Error> {
    crate::validate::credentials(credentials)?;
    crate::validate::scope(service, region)?;
    let key = v4::generate_signing_key(&credentials.secret_access_key, time, region, service);
    Ok(v4::calculate_signature(key, policy_base64.as_bytes()))
}
