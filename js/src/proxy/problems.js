// The proxy's own answers: which code a failure is answered with, and the
// answer for a code. The HTTP status of each code is the error-code table's
// (error-codes.json, written here as status-by-code.js): decided there once,
// for the answers, onError and the documentation alike.
import { STATUS_BY_CODE } from './status-by-code.js'
import { IamFetchError } from '../errors.js'
import { TokenRefusal } from './jwt.js'

/** The proxy could not get the AWS credentials it signs with. */
export class CredentialsFailure extends Error {
  constructor(cause) {
    super(`could not get AWS credentials: ${cause?.message ?? cause}`, { cause })
  }
}

/** A failure the proxy answers as is, with its code: the viewer's (gone, too slow) or the upstream's (its answer cut off). */
export class ProxyFailure extends Error {
  constructor(code, message, cause) {
    super(message, { cause })
    this.code = code
  }
}

/** The status the proxy answers `code` with. */
export function statusOf(code) {
  const status = STATUS_BY_CODE[code]
  // A code without a status is a gap in the table: the viewer must still get an answer.
  return Number.isInteger(status) ? status : 500
}

const CREDENTIALS_UNAVAILABLE = { code: 'ERR_CREDENTIALS_UNAVAILABLE', message: 'the proxy could not get AWS credentials' }
const UPSTREAM_UNREACHABLE = { code: 'ERR_UPSTREAM_UNREACHABLE', message: 'the upstream could not be reached' }

/**
 * What the viewer is told about a failure, as `{ code, message, headers? }`:
 * never a credential, a token or an upstream error's text.
 */
export function classify(error) {
  if (error instanceof TokenRefusal) {
    const status = statusOf(error.code)
    const scheme = status === 401 ? 'invalid_token' : status === 403 ? 'insufficient_scope' : undefined
    // A 503 (the JWKS could not be had) is no verdict on the token: no challenge.
    const headers = scheme ? { 'www-authenticate': `Bearer realm="iamfetch", error="${scheme}", error_description="${error.message}"` } : {}
    return { code: error.code, message: error.message, headers }
  }
  if (error instanceof ProxyFailure) return { code: error.code, message: error.message }
  if (error instanceof CredentialsFailure) return CREDENTIALS_UNAVAILABLE
  if (error instanceof IamFetchError) {
    switch (error.code) {
      case 'ERR_MISSING_CREDENTIALS':
        return CREDENTIALS_UNAVAILABLE
      case 'ERR_INVALID_HEADER':
        return { code: 'ERR_INVALID_HEADER', message: 'a header cannot be forwarded' }
      case 'ERR_INVALID_PAYLOAD_HASH':
        return { code: 'ERR_INVALID_PAYLOAD_HASH', message: 'x-amz-content-sha256 is not a valid SHA-256' }
      case 'ERR_BODY_NOT_REPLAYABLE':
        return UPSTREAM_UNREACHABLE
      case 'ERR_REQUEST_TIMEOUT':
        return { code: 'ERR_UPSTREAM_TIMEOUT', message: 'the upstream did not answer in time' }
      default:
        return { code: 'ERR_PROXY_FAILED', message: 'the proxy failed to sign the request' }
    }
  }
  if (error?.name === 'AbortError') return { code: 'ERR_CLIENT_CLOSED', message: 'the viewer went away' }
  // fetch rejects with a TypeError when the upstream cannot be reached.
  if (error instanceof TypeError) return UPSTREAM_UNREACHABLE
  return { code: 'ERR_PROXY_FAILED', message: 'the proxy failed' }
}

/** The proxy's own answer for `code`: JSON `{ error, code, message }`, and the code in x-iamfetch-proxy-error. */
export function problem(code, message, headers = {}) {
  const status = statusOf(code)
  const error = status === 401 ? 'invalid_token' : status === 403 ? 'insufficient_scope' : status >= 500 ? 'proxy_error' : 'invalid_request'
  return new Response(JSON.stringify({ error, code, message }), {
    status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', 'x-iamfetch-proxy-error': code, ...headers },
  })
}
