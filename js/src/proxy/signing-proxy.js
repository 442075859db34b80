// An edge signing proxy: checks the viewer's Cognito token, then signs the
// request with the proxy's own AWS credentials and forwards it to one
// configured upstream origin, streaming both ways. This file is the request's
// way through; what it decides on is in the modules it imports.
import { AwsClient } from '../client.js'
import { IamFetchError } from '../errors.js'
import { cachedProvider } from '../credentials/cache.js'
import { declaredBodyHash } from '../http-rules.js'
import { checkTimeoutMs, invalidOptions, rejectUnknownOptions } from '../options.js'
import { addCorsHeaders, corsConfig, isCorsHeader, isPreflight, preflight } from './cors.js'
import { DEFAULT_FORWARD_HEADERS, addClaimHeaders, forwardedHeaderNames, relayedHeaders, upstreamHeaders } from './header-policy.js'
import { bearerToken, tokenVerifier } from './jwt.js'
import { CredentialsFailure, classify, problem, statusOf } from './problems.js'
import { upstreamBase, upstreamUrl } from './upstream-url.js'
import { TOO_LARGE, bodyDeclared, readLimited, relayedAnswer, streamedBody, viewerSide } from './viewer-side.js'

/** Lambda's payload limit for BUFFERED function URLs: larger bodies need a declared hash. */
const DEFAULT_MAX_BODY_BYTES = 6 * 1024 * 1024
/** Until the upstream's answer headers arrive. */
const DEFAULT_TIMEOUT_MS = 30_000
/** For the viewer's whole body: a viewer that drips it would otherwise hold a connection for as long as it likes. */
const DEFAULT_BODY_TIMEOUT_MS = 30_000
const DEFAULT_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304])
const OPTION_KEYS = [
  'upstream', 'credentials', 'region', 'service', 'signingAlgorithm', 'regionSet', 'verify', 'maxBodyBytes', 'forwardHeaders', 'addHeaders',
  'allowedMethods', 'cors', 'timeoutMs', 'bodyTimeoutMs', 'retries', 'fetch', 'onError',
]

/**
 * @param {import('./index.d.ts').SigningProxyOptions} options
 * @returns {(request: Request) => Promise<Response>}
 */
export function createSigningProxy(options) {
  if (typeof options !== 'object' || options === null) throw invalidOptions('createSigningProxy needs an options object')
  rejectUnknownOptions(options, OPTION_KEYS, 'createSigningProxy')
  const {
    upstream, credentials, region, service, signingAlgorithm, regionSet, verify, maxBodyBytes = DEFAULT_MAX_BODY_BYTES,
    forwardHeaders = DEFAULT_FORWARD_HEADERS, addHeaders, allowedMethods = DEFAULT_METHODS, cors,
    timeoutMs = DEFAULT_TIMEOUT_MS, bodyTimeoutMs = DEFAULT_BODY_TIMEOUT_MS, retries = 2, fetch: fetchImpl, onError = defaultOnError,
  } = options

  const base = upstreamBase(upstream)
  if (verify === undefined) {
    throw invalidOptions('verify is required: a Cognito user pool config ({ userPoolId, clientId }), a function (token, request) => claims, or false to let anyone through on purpose')
  }
  const checkToken = verify === false ? undefined : tokenVerifier(verify, fetchImpl)
  if (credentials == null) throw new IamFetchError('ERR_MISSING_CREDENTIALS', 'createSigningProxy needs credentials: an object or a provider such as fromEnv()')
  const credentialsOf = typeof credentials === 'function' ? credentials : cachedProvider(credentials)
  if (!Number.isSafeInteger(maxBodyBytes) || maxBodyBytes < 0) throw invalidOptions('maxBodyBytes must be a non-negative integer')
  checkTimeoutMs(timeoutMs, 'timeoutMs')
  checkTimeoutMs(bodyTimeoutMs, 'bodyTimeoutMs')
  const forwarded = forwardedHeaderNames(forwardHeaders)
  if (addHeaders !== undefined && typeof addHeaders !== 'function') throw invalidOptions('addHeaders must be a function (claims, request) => HeadersInit')
  const methods = new Set(Array.isArray(allowedMethods) ? allowedMethods.map((m) => String(m).toUpperCase()) : [])
  if (!methods.size) throw invalidOptions('allowedMethods must be a non-empty array of methods')
  const corsPolicy = cors ? corsConfig(cors) : undefined

  const client = new AwsClient({
    // Tagged, so that a failure to get credentials is told apart from the upstream's.
    credentials: async () => {
      try {
        return await credentialsOf()
      } catch (error) {
        throw new CredentialsFailure(error)
      }
    },
    region,
    service,
    signingAlgorithm,
    regionSet,
    retries,
    maxRetryDelayMs: 2_000,
    fetch: fetchImpl,
    timeoutMs,
    // Redirects are never followed (a signed request cannot survive one, and
    // following could leave the upstream): they go back to the viewer. The
    // client sends streamed bodies with 'error' where fetch has it: with
    // 'manual', Node's fetch keeps every chunk sent (a 100 MB upload grew memory by 95 MiB).
    redirect: 'manual',
  })

  async function handle(request, viewer) {
    const url = new URL(request.url)
    const method = request.method.toUpperCase()
    const origin = request.headers.get('origin')
    if (corsPolicy && isPreflight(method, request.headers)) {
      return preflight(corsPolicy, origin, methods)
    }
    if (!methods.has(method)) {
      return problem('ERR_METHOD_NOT_ALLOWED', `${method} is not allowed here`, { allow: [...methods].join(', ') })
    }

    let claims = {}
    if (checkToken) {
      const token = bearerToken(request.headers.get('authorization'))
      if (!token) {
        const sent = request.headers.has('authorization')
        return problem('ERR_TOKEN_MISSING', sent ? 'the Authorization header is not a Bearer token' : 'sign in first: send Authorization: Bearer <token>', {
          'www-authenticate': sent ? 'Bearer realm="iamfetch", error="invalid_request", error_description="expected a Bearer token"' : 'Bearer realm="iamfetch"',
        })
      }
      claims = await checkToken(token, request)
    }

    const target = upstreamUrl(base, url)
    if (!target) return problem('ERR_INVALID_PATH', 'the request path does not map to the upstream')

    const headers = upstreamHeaders(request.headers, forwarded)
    if (addHeaders) addClaimHeaders(headers, await addHeaders(claims, request))

    let body = null
    if (method !== 'GET' && method !== 'HEAD') {
      const declared = request.headers.get('x-amz-content-sha256')
      if (declared != null) {
        const hash = declaredBodyHash(declared)
        if (!hash) {
          await request.body?.cancel()
          return problem('ERR_INVALID_PAYLOAD_HASH', 'x-amz-content-sha256 must be the hex SHA-256 of the body (64 hex digits)')
        }
        // AWS checks the body against the signed hash: the body streams through unbuffered.
        headers.set('x-amz-content-sha256', hash)
        body = request.body && streamedBody(request.body, viewer)
      } else {
        body = await readLimited(request, maxBodyBytes, viewer)
        if (body === TOO_LARGE) {
          return problem('ERR_BODY_TOO_LARGE', `the body is larger than ${maxBodyBytes} bytes: send x-amz-content-sha256 (its hex SHA-256) to stream it unbuffered`)
        }
      }
    }

    // The body deadline covers its arrival only, not the upstream's answer; a streamed one ends in streamedBody.
    if (!viewer.streaming) viewer.bodyEnded()
    const upstreamResponse = await client.fetch(target, { method, headers, body, signal: viewer.signal })
    const answer = relayedHeaders(upstreamResponse.headers, corsPolicy ? isCorsHeader : undefined)
    if (corsPolicy) addCorsHeaders(answer, corsPolicy, origin)
    const nullBody = NULL_BODY_STATUSES.has(upstreamResponse.status) || method === 'HEAD' || !upstreamResponse.body
    if (nullBody) await upstreamResponse.body?.cancel()
    // The answer's first chunk is read before its head goes out: an answer cut
    // off before any byte becomes the proxy's own 502, a whole answer.
    const reader = nullBody ? undefined : upstreamResponse.body.getReader()
    const first = reader && await reader.read()
    return new Response(nullBody ? null : relayedAnswer(reader, first, viewer, (error) => report(error, request)), {
      status: upstreamResponse.status,
      statusText: upstreamResponse.statusText,
      headers: answer,
    })
  }

  /** Tells onError about the proxy's own 5xx, 408 and 499; returns what the viewer is told. */
  function report(error, request) {
    const failure = classify(error)
    const status = statusOf(failure.code)
    if (status >= 500 || status === 499 || status === 408) {
      try {
        onError?.(error, { code: failure.code, status, request })
      } catch { /* a failing logger must not turn into another answer */ }
    }
    return failure
  }

  return async function signingProxy(request) {
    const method = String(request.method).toUpperCase()
    const viewer = viewerSide(request, method === 'GET' || method === 'HEAD' ? 0 : bodyTimeoutMs)
    let response
    try {
      response = await handle(request, viewer)
      // A body still streaming upstream keeps its deadline until it ends (streamedBody).
      if (!viewer.streaming) viewer.bodyEnded()
      // The proxy's own refusals (401, 405, 413, ...) must be readable by the page too.
      if (corsPolicy && response.headers.has('x-iamfetch-proxy-error')) addCorsHeaders(response.headers, corsPolicy, request.headers.get('origin'))
    } catch (caught) {
      viewer.bodyEnded()
      // Once the viewer has gone or run out of time, that is what happened, whatever failed after it.
      const failure = report(viewer.signal.aborted ? viewer.signal.reason : caught, request)
      response = problem(failure.code, failure.message, failure.headers)
      if (corsPolicy) addCorsHeaders(response.headers, corsPolicy, request.headers.get('origin'))
    }
    // A body the proxy will not read to its end (a GET's, a refused request's,
    // one past its deadline) must not keep the connection: this answer is the
    // connection's last, and says so (Node's server closes it once written).
    if (bodyDeclared(request.headers) && !viewer.bodyConsumed) response.headers.set('connection', 'close')
    // The viewer's signal is followed until the answer's body is done (relayedAnswer), no longer.
    if (!response.body || response.headers.has('x-iamfetch-proxy-error')) viewer.release()
    return response
  }
}

function defaultOnError(error, { code, status }) {
  // Messages carry no secrets (IamFetchError scrubs them); the stack is left out on purpose.
  console.error(`iamfetch proxy: ${status} ${code}: ${error?.message ?? error}`)
}
