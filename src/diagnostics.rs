//! The canonical request and string to sign behind a signature, for
//! explaining a mismatch. Only the diagnostics build has them.

use crate::capture;
use crate::error::Error;
use crate::hash::sha256_hex;
use crate::settings::{
    Algorithm, Credentials, SessionTokenPlacement, SignatureLocation, Signed, SigningDiagnostics, SigningSettings,
};
use crate::sign::X_AMZ_SECURITY_TOKEN;

/// Runs `sign` while listening for the canonical request aws-sigv4 traces,
/// and adds it and the string to sign to what `finish` makes of the output.
pub(crate) fn sign_explained<T>(
    credentials: &Credentials,
    settings: &SigningSettings,
    sign: impl FnMut() -> Result<T, Error>,
    finish: impl FnOnce(T) -> Signed,
) -> Result<Signed, Error> {
    let (output, redacted) = capture::with_canonical_request(sign);
    let mut signed = finish(output?);
    if let Some(redacted) = redacted {
        let canonical_request = unredact(&redacted, credentials, settings);
        let string_to_sign = string_to_sign(&signed, &canonical_request, settings.algorithm);
        signed.diagnostics = Some(SigningDiagnostics {
            canonical_request,
            string_to_sign,
        });
    }
    Ok(signed)
}

/// aws-sigv4 traces the canonical request with the session token header
/// redacted; put the token back so the string to sign can be derived from it.
fn unredact(redacted: &str, credentials: &Credentials, settings: &SigningSettings) -> String {
    let (Some(token), SignatureLocation::Headers, SessionTokenPlacement::Signed) = (
        &credentials.session_token,
        settings.location,
        settings.session_token,
    ) else {
        return redacted.to_owned();
    };
    let marker = format!("{X_AMZ_SECURITY_TOKEN}:** redacted (length={}) **\n", token.len());
    redacted.replacen(&marker, &format!("{X_AMZ_SECURITY_TOKEN}:{token}\n"), 1)
}

fn string_to_sign(signed: &Signed, canonical_request: &str, algorithm: Algorithm) -> String {
    let date = signed.amz_date.get(..8).unwrap_or_default();
    let (name, scope) = match algorithm {
        Algorithm::SigV4 => ("AWS4-HMAC-SHA256", format!("{date}/{}/{}/aws4_request", signed.region, signed.service)),
        // SigV4a's scope has no region: the region set is a signed header or query parameter.
        Algorithm::SigV4a => ("AWS4-ECDSA-P256-SHA256", format!("{date}/{}/aws4_request", signed.service)),
    };
    format!("{name}\n{}\n{scope}\n{}", signed.amz_date, sha256_hex(canonical_request.as_bytes()))
}
