// An edge signing proxy: checks the viewer's Cognito token, then signs the
// request with the proxy's own AWS credentials and forwards it to one
// configured upstream origin, streaming both ways.
import { AwsClient } from '../client.js'
import { IamFetchError } from '../errors.js'
import { cachedProvider } from '../credentials/cache.js'
import { readUpTo } from '../body.js'
import { checkTimeoutMs, invalidOptions, rejectUnknownOptions } from '../options.js'
import { TokenRefusal, bearerToken, tokenVerifier } from './jwt.js'

/** Lambda's payload limit for BUFFERED function URLs: larger bodies need a declared hash. */
const DEFAULT_MAX_BODY_BYTES = 6 * 1024 * 1024
/** Until the upstream's answer headers arrive. */
const DEFAULT_TIMEOUT_MS = 30_000
/** For the viewer's whole body: a viewer that drips it would otherwise hold a connection for as long as it likes. */
const DEFAULT_BODY_TIMEOUT_MS = 30_000
/** Viewer headers forwarded (and signed) unless `forwardHeaders` says otherwise. */
const DEFAULT_FORWARD_HEADERS = [
  'accept', 'accept-language', 'cache-control', 'content-disposition', 'content-encoding', 'content-language',
  'content-type', 'if-match', 'if-modified-since', 'if-none-match', 'if-unmodified-since',
]
/** Never forwarded: the viewer's credentials, hop-by-hop headers, and what the signer or fetch sets itself. */
const NEVER_FORWARDED = new Set([
  'authorization', 'proxy-authorization', 'cookie', 'host', 'connection', 'keep-alive', 'proxy-connection',
  'proxy-authenticate', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'via', 'content-length', 'expect',
  'x-amz-date', 'x-amz-security-token', 'x-amz-content-sha256',
])
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade']
const DEFAULT_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304])
const OPTION_KEYS = [
  'upstream', 'credentials', 'region', 'service', 'signingAlgorithm', 'regionSet', 'verify', 'maxBodyBytes', 'forwardHeaders', 'addHeaders',
  'allowedMethods', 'cors', 'timeoutMs', 'bodyTimeoutMs', 'retries', 'fetch', 'onError',
]
const HASH = /^[0-9a-f]{64}$/i

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
  const forwarded = headerNameSet(forwardHeaders, 'forwardHeaders')
  const refused = [...forwarded].filter((name) => NEVER_FORWARDED.has(name))
  if (refused.length) throw invalidOptions(`forwardHeaders cannot include ${refused.join(', ')}: the proxy strips or sets these itself`)
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
    if (corsPolicy && method === 'OPTIONS' && request.headers.has('access-control-request-method')) {
      return preflight(corsPolicy, origin, methods)
    }
    if (!methods.has(method)) {
      return problem(405, 'ERR_METHOD_NOT_ALLOWED', `${method} is not allowed here`, { allow: [...methods].join(', ') })
    }

    let claims = {}
    if (checkToken) {
      const token = bearerToken(request.headers.get('authorization'))
      if (!token) {
        const sent = request.headers.has('authorization')
        return problem(401, 'ERR_TOKEN_MISSING', sent ? 'the Authorization header is not a Bearer token' : 'sign in first: send Authorization: Bearer <token>', {
          'www-authenticate': sent ? 'Bearer realm="iamfetch", error="invalid_request", error_description="expected a Bearer token"' : 'Bearer realm="iamfetch"',
        })
      }
      claims = await checkToken(token, request)
    }

    const target = upstreamUrl(base, url)
    if (!target) return problem(400, 'ERR_INVALID_PATH', 'the request path does not map to the upstream')

    const headers = new Headers()
    const connectionListed = listedInConnection(request.headers)
    for (const [name, value] of request.headers) {
      if (forwarded.has(name) && !connectionListed.has(name)) headers.append(name, value)
    }
    // The runtime's fetch would decode a compressed answer but keep its content-encoding.
    headers.set('accept-encoding', 'identity')
    if (addHeaders) {
      for (const [name, value] of new Headers(await addHeaders(claims, request))) {
        // The signature's own headers and hop-by-hop ones cannot be added.
        if (!NEVER_FORWARDED.has(name)) headers.set(name, value)
      }
    }

    let body = null
    if (method !== 'GET' && method !== 'HEAD') {
      const declared = request.headers.get('x-amz-content-sha256')
      if (declared != null) {
        if (!HASH.test(declared.trim())) {
          await request.body?.cancel()
          return problem(400, 'ERR_INVALID_PAYLOAD_HASH', 'x-amz-content-sha256 must be the hex SHA-256 of the body (64 hex digits)')
        }
        // AWS checks the body against the signed hash: the body streams through unbuffered.
        headers.set('x-amz-content-sha256', declared.trim().toLowerCase())
        body = request.body && streamedBody(request.body, viewer)
      } else {
        body = await readLimited(request, maxBodyBytes, viewer)
        if (body === TOO_LARGE) {
          return problem(413, 'ERR_BODY_TOO_LARGE', `the body is larger than ${maxBodyBytes} bytes: send x-amz-content-sha256 (its hex SHA-256) to stream it unbuffered`)
        }
      }
    }

    // The body deadline covers its arrival only, not the upstream's answer; a streamed one ends in streamedBody.
    if (!viewer.streaming) viewer.bodyEnded()
    const upstreamResponse = await client.fetch(target, { method, headers, body, signal: viewer.signal })
    const answer = new Headers()
    const hop = listedInConnection(upstreamResponse.headers)
    for (const [name, value] of upstreamResponse.headers) {
      if (HOP_BY_HOP.includes(name) || hop.has(name)) continue
      if (corsPolicy && name.startsWith('access-control-')) continue
      answer.append(name, value)
    }
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
    if (failure.status >= 500 || failure.status === 499 || failure.status === 408) {
      try {
        onError?.(error, { code: failure.code, status: failure.status, request })
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
      response = problem(failure.status, failure.code, failure.message, failure.headers)
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

/** How long a relayed answer's failure waits: past the few ticks in which an adapter reads chunks before writing the head (relayedAnswer). */
const HEAD_WRITTEN_MS = 20

/** Whether the request says a body follows (a length above 0, or chunks). */
function bodyDeclared(headers) {
  return headers.has('transfer-encoding') || Number(headers.get('content-length')) > 0
}

class CredentialsFailure extends Error {
  constructor(cause) {
    super(`could not get AWS credentials: ${cause?.message ?? cause}`, { cause })
  }
}

/** A failure the proxy answers as is: the viewer's (408, 499) or the upstream's. */
class ProxyFailure extends Error {
  constructor(status, code, message, cause) {
    super(message, { cause })
    this.status = status
    this.code = code
  }
}

/**
 * One request's viewer side. `signal` aborts, with the failure to answer, when
 * the viewer goes away or its body has not all arrived `bodyTimeoutMs` after
 * the request; it is the signal of the upstream call too.
 */
function viewerSide(request, bodyTimeoutMs) {
  const controller = new AbortController()
  const fail = (failure) => {
    if (!controller.signal.aborted) controller.abort(failure)
  }
  const gone = (cause) => fail(new ProxyFailure(499, 'ERR_CLIENT_CLOSED', 'the viewer went away', cause))
  const viewerSignal = request.signal
  const onViewerAbort = () => gone(viewerSignal.reason)
  if (viewerSignal?.aborted) gone(viewerSignal.reason)
  // Removed by release(): a caller's signal may outlive many requests (one per server, say).
  else viewerSignal?.addEventListener('abort', onViewerAbort, { once: true })
  const timer = bodyTimeoutMs
    ? setTimeout(() => fail(new ProxyFailure(408, 'ERR_BODY_TIMEOUT', `the request body did not arrive within ${bodyTimeoutMs} ms`)), bodyTimeoutMs)
    : undefined
  const bodyEnded = () => clearTimeout(timer)
  return {
    signal: controller.signal,
    gone,
    bodyEnded,
    release() {
      bodyEnded()
      viewerSignal?.removeEventListener('abort', onViewerAbort)
    },
    streaming: false,
    bodyConsumed: false,
  }
}

/**
 * The upstream's answer body, relayed as the viewer reads it; `first` is its
 * first read, done before the head went out. A failure later (the upstream
 * cut it off) is reported, and reaches the viewer a little later than it
 * happened: @hono/node-server reads the chunks already there before writing
 * the head, and answers a failure among them with its own 500 that says
 * keep-alive and then destroys the socket, so the viewer lost that answer or
 * the next request it sent on the connection. Once the head is out, a failure
 * ends the connection mid-answer, which the viewer cannot take for a whole one.
 */
function relayedAnswer(reader, first, viewer, report) {
  let done = false
  let pending = first
  const finish = () => {
    done = true
    viewer.release()
  }
  return new ReadableStream({
    async pull(controller) {
      let chunk
      try {
        chunk = pending ?? await reader.read()
        pending = undefined
      } catch (caught) {
        const error = viewer.signal.aborted ? viewer.signal.reason : caught
        finish()
        const { code } = report(error)
        await new Promise((resolve) => setTimeout(resolve, HEAD_WRITTEN_MS))
        // Adapters print this, and some write its message to the viewer
        // (@hono/node-server does): it says what happened and nothing else.
        controller.error(new Error(`iamfetch proxy: the answer was cut off (${code})`))
        return
      }
      if (chunk.done) {
        finish()
        controller.close()
      } else {
        controller.enqueue(chunk.value)
      }
    },
    cancel(reason) {
      if (!done) finish()
      return reader.cancel(reason)
    },
  }, { highWaterMark: 0 })
}

/**
 * The viewer's body, passed on as the upstream call pulls it (nothing is read
 * ahead). Its end stops the body deadline; a failure to read it means the viewer went away.
 */
function streamedBody(body, viewer) {
  viewer.streaming = true
  const reader = body.getReader()
  return new ReadableStream({
    async pull(controller) {
      let chunk
      try {
        chunk = await reader.read()
      } catch (error) {
        viewer.gone(error)
        throw viewer.signal.reason
      }
      if (chunk.done) {
        viewer.bodyEnded()
        viewer.bodyConsumed = true
        controller.close()
      } else {
        controller.enqueue(chunk.value)
      }
    },
    cancel(reason) {
      viewer.bodyEnded()
      return reader.cancel(reason)
    },
  }, { highWaterMark: 0 })
}

const TOO_LARGE = Symbol('too large')

/** The body, up to `limit` bytes; TOO_LARGE beyond (decided from content-length when it is there). */
async function readLimited(request, limit, viewer) {
  const declaredLength = Number(request.headers.get('content-length'))
  if (Number.isFinite(declaredLength) && declaredLength > limit) {
    await request.body?.cancel().catch(() => {})
    return TOO_LARGE
  }
  if (!request.body) return null
  try {
    const body = await readUpTo(request.body, limit, undefined, viewer.signal)
    if (body === undefined) return TOO_LARGE
    viewer.bodyConsumed = true
    return body
  } catch (error) {
    // A body that cannot be read any more is a viewer that went away; a chunk that is not bytes is not.
    if (!(error instanceof IamFetchError)) viewer.gone(error)
    throw viewer.signal.aborted ? viewer.signal.reason : error
  }
}

/** What the viewer is told about a failure: never a credential, a token or an upstream error's text. */
function classify(error) {
  if (error instanceof TokenRefusal) {
    const headers = {}
    if (error.status === 401) headers['www-authenticate'] = `Bearer realm="iamfetch", error="invalid_token", error_description="${error.message}"`
    if (error.status === 403) headers['www-authenticate'] = `Bearer realm="iamfetch", error="insufficient_scope", error_description="${error.message}"`
    return { status: error.status, code: error.code, message: error.message, headers }
  }
  if (error instanceof ProxyFailure) return { status: error.status, code: error.code, message: error.message }
  if (error instanceof CredentialsFailure) {
    return { status: 503, code: 'ERR_CREDENTIALS_UNAVAILABLE', message: 'the proxy could not get AWS credentials' }
  }
  if (error instanceof IamFetchError) {
    switch (error.code) {
      case 'ERR_MISSING_CREDENTIALS':
        return { status: 503, code: 'ERR_CREDENTIALS_UNAVAILABLE', message: 'the proxy could not get AWS credentials' }
      case 'ERR_INVALID_HEADER':
        return { status: 400, code: 'ERR_INVALID_HEADER', message: 'a header cannot be forwarded' }
      case 'ERR_INVALID_PAYLOAD_HASH':
        return { status: 400, code: 'ERR_INVALID_PAYLOAD_HASH', message: 'x-amz-content-sha256 is not a valid SHA-256' }
      case 'ERR_BODY_NOT_REPLAYABLE':
        return { status: 502, code: 'ERR_UPSTREAM_UNREACHABLE', message: 'the upstream could not be reached' }
      case 'ERR_REQUEST_TIMEOUT':
        return { status: 504, code: 'ERR_UPSTREAM_TIMEOUT', message: 'the upstream did not answer in time' }
      default:
        return { status: 500, code: 'ERR_PROXY_FAILED', message: 'the proxy failed to sign the request' }
    }
  }
  if (error?.name === 'AbortError') return { status: 499, code: 'ERR_CLIENT_CLOSED', message: 'the viewer went away' }
  // fetch rejects with a TypeError when the upstream cannot be reached.
  if (error instanceof TypeError) return { status: 502, code: 'ERR_UPSTREAM_UNREACHABLE', message: 'the upstream could not be reached' }
  return { status: 500, code: 'ERR_PROXY_FAILED', message: 'the proxy failed' }
}

function problem(status, code, message, headers = {}) {
  const error = status === 401 ? 'invalid_token' : status === 403 ? 'insufficient_scope' : status >= 500 ? 'proxy_error' : 'invalid_request'
  return new Response(JSON.stringify({ error, code, message }), {
    status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', 'x-iamfetch-proxy-error': code, ...headers },
  })
}

function defaultOnError(error, { code, status }) {
  // Messages carry no secrets (IamFetchError scrubs them); the stack is left out on purpose.
  console.error(`iamfetch proxy: ${status} ${code}: ${error?.message ?? error}`)
}


/** The upstream: an http(s) origin, optionally with a base path; nothing else. */
function upstreamBase(upstream) {
  let url
  try {
    url = new URL(String(upstream))
  } catch {
    throw invalidOptions('upstream must be an absolute http(s) URL, e.g. https://abc.lambda-url.eu-west-1.on.aws')
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalidOptions('upstream must be an http(s) URL')
  if (url.username || url.password || url.search || url.hash) throw invalidOptions('upstream cannot carry credentials, a query or a fragment')
  return { origin: url.origin, basePath: url.pathname.replace(/\/+$/, '') }
}

/**
 * The viewer's path and query appended to the upstream. The path comes from
 * the parsed request URL (dot segments already resolved), and the result must
 * keep the upstream's origin and base path: `//host`, `@host` or encoded
 * tricks cannot reach anywhere else.
 */
function upstreamUrl({ origin, basePath }, requestUrl) {
  let target
  try {
    target = new URL(`${origin}${basePath}${requestUrl.pathname}${requestUrl.search}`)
  } catch {
    return undefined
  }
  if (target.origin !== origin) return undefined
  if (basePath && target.pathname !== basePath && !target.pathname.startsWith(`${basePath}/`)) return undefined
  return target.href
}

function headerNameSet(names, option) {
  if (!Array.isArray(names)) throw invalidOptions(`${option} must be an array of header names`)
  return new Set(names.map((name) => {
    if (typeof name !== 'string' || !/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) throw invalidOptions(`${option}: ${JSON.stringify(name)} is not a header name`)
    return name.toLowerCase()
  }))
}

/** Headers that a Connection header declares hop-by-hop. */
function listedInConnection(headers) {
  return new Set((headers.get('connection') ?? '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean))
}

function corsConfig(cors) {
  rejectUnknownOptions(cors, ['allowOrigins', 'allowHeaders', 'exposeHeaders', 'maxAge', 'allowCredentials'], 'cors')
  const { allowOrigins, allowHeaders, exposeHeaders, maxAge = 600, allowCredentials = false } = cors
  if (allowOrigins !== '*' && !Array.isArray(allowOrigins)) throw invalidOptions("cors.allowOrigins must be '*' or an array of origins")
  if (allowOrigins === '*' && allowCredentials) throw invalidOptions("cors: allowCredentials cannot go with allowOrigins '*'")
  return {
    origins: allowOrigins === '*' ? '*' : new Set(allowOrigins.map((o) => String(o).replace(/\/$/, '').toLowerCase())),
    allowHeaders: (allowHeaders ?? ['authorization', 'content-type', 'x-amz-content-sha256']).map((h) => h.toLowerCase()),
    exposeHeaders: exposeHeaders ?? ['date', 'x-amzn-requestid', 'x-amzn-errortype', 'x-iamfetch-proxy-error'],
    maxAge,
    allowCredentials,
  }
}

function allowedOrigin(policy, origin) {
  if (!origin) return undefined
  if (policy.origins === '*') return '*'
  return policy.origins.has(origin.toLowerCase()) ? origin : undefined
}

function addCorsHeaders(headers, policy, origin) {
  const allowed = allowedOrigin(policy, origin)
  headers.append('vary', 'Origin')
  if (!allowed) return
  headers.set('access-control-allow-origin', allowed)
  if (policy.exposeHeaders.length) headers.set('access-control-expose-headers', policy.exposeHeaders.join(', '))
  if (policy.allowCredentials) headers.set('access-control-allow-credentials', 'true')
}

function preflight(policy, origin, methods) {
  const headers = new Headers({ 'cache-control': 'no-store' })
  const allowed = allowedOrigin(policy, origin)
  headers.set('vary', 'Origin')
  if (!allowed) return new Response(null, { status: 403, headers })
  headers.set('access-control-allow-origin', allowed)
  headers.set('access-control-allow-methods', [...methods].join(', '))
  headers.set('access-control-allow-headers', policy.allowHeaders.join(', '))
  headers.set('access-control-max-age', String(policy.maxAge))
  if (policy.allowCredentials) headers.set('access-control-allow-credentials', 'true')
  return new Response(null, { status: 204, headers })
}
