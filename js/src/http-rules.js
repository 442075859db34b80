// HTTP rules that more than one part of iamfetch applies to headers: which
// headers belong to one connection, which the signing core never signs, which
// the signer writes itself, what a header name is, and what a declared body
// hash must look like. The Rust core has its own copies of the last two and of
// NEVER_SIGNED (src/validate.rs, src/hash.rs, src/settings.rs);
// tests/js/http-rules.test.mjs checks NEVER_SIGNED and the body-hash rule
// against the core itself.

/**
 * Hop-by-hop headers (RFC 9110 section 7.6.1, and the pre-standard
 * keep-alive and proxy-connection): they describe one connection, so a proxy
 * never passes them on, in either direction.
 */
export const HOP_BY_HOP = Object.freeze([
  'connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade',
])

/**
 * Headers the core leaves out of a signature by default (its
 * DEFAULT_EXCLUDED_HEADERS), as AWS's SDKs do: proxies, CDNs and the runtime's
 * fetch may add, drop or rewrite them on the way, which would break a signature over them.
 */
export const NEVER_SIGNED = Object.freeze([
  'authorization', 'user-agent', 'content-length', 'connection', 'expect', 'range', 'presigned-expires', 'x-amzn-trace-id',
  'transfer-encoding', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'proxy-connection', 'te', 'trailer', 'upgrade', 'via',
])

/**
 * Headers a signed request gets from the signer: a caller's value of one of
 * these is replaced, never passed on beside the signer's.
 */
export const SET_BY_SIGNER = Object.freeze(['authorization', 'x-amz-date', 'x-amz-security-token', 'x-amz-content-sha256', 'host'])

/** RFC 9110's token (section 5.6.2): what a header name may hold. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/

/** Whether `name` is a valid HTTP header name. */
export function isHeaderName(name) {
  return typeof name === 'string' && TOKEN.test(name)
}

/** The form of a body hash the core signs: the SHA-256 in 64 lower-case hex digits. */
const SIGNED_BODY_HASH = /^[0-9a-f]{64}$/

/**
 * The body hash a viewer declared in x-amz-content-sha256, in the form the
 * core signs, or undefined when the value is no SHA-256. Hex digits of either
 * case are taken (a hash is the same number in both); surrounding white space
 * is not part of a header value. UNSIGNED-PAYLOAD, which the core takes for
 * S3, is refused: a viewer cannot have the proxy send a body nobody checks.
 */
export function declaredBodyHash(value) {
  if (typeof value !== 'string') return undefined
  const hash = value.trim().toLowerCase()
  return SIGNED_BODY_HASH.test(hash) ? hash : undefined
}
