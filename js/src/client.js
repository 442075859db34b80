// AwsClient: signs and sends fetch requests, with credentials providers, retries, clock-skew recovery and CloudFront OAC.
import { currentBindings, init } from './core.js'
import { IamFetchError } from './errors.js'
import { headerPairs, signPairs, toHeaders, upperMethod, wireUrl } from './signer.js'
import { declaredPayloadHash, prepareBody, readRequestBody } from './body.js'
import { CREDENTIAL_OPTIONS, SIGNING_OPTIONS, checkClientOptions, checkTimeoutMs, invalidOptions, rejectUnknownOptions, requestInitOf, toText } from './options.js'
import { sha256Hex } from './hash.js'
import { cachedProvider } from './credentials/cache.js'
import { explainFailure, rememberSigning } from './signings.js'
import { skewOffsetMs } from './clock-skew.js'
import { readCappedText } from './read-capped.js'
import { backoffDelayMs } from './backoff.js'
import { whenReady } from './when-ready.js'

const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE'])
const WRITES_BODY = new Set(['POST', 'PUT', 'PATCH'])
/**
 * Network failures are retried at most this often: in a browser a CORS refusal
 * looks exactly like one and never heals, so it should surface in well under a second.
 */
const NETWORK_RETRIES = 2
/**
 * A 403 body is read to see whether it is a clock-skew refusal: AWS's is under
 * 1 KB and comes with the headers. A larger or slower one is not, and must not
 * hold the call or fill memory (the caller's copy keeps what was read, at most this).
 */
const SKEW_BODY_BYTES = 64 * 1024
const SKEW_BODY_DEADLINE_MS = 3000
/** RequestInit members that are not method, headers, body or signal: carried over to the signed Request. */
const PASSED_THROUGH = ['cache', 'credentials', 'integrity', 'keepalive', 'mode', 'priority', 'redirect', 'referrer', 'referrerPolicy']
/** S3's upload options, checked by s3/upload-options.js when a call asks for one. */
const S3_OPTIONS = ['checksumAlgorithm', 'contentMd5', 'contentLength', 'chunkSize']
/** The S3 options that ask for something (chunkSize alone does not): their code loads only then. */
const S3_ASKING = ['checksumAlgorithm', 'contentMd5', 'contentLength']
/** What `init.aws` may override for one call. */
const PER_CALL_OPTIONS = new Set([...CREDENTIAL_OPTIONS, ...SIGNING_OPTIONS, ...S3_OPTIONS, 'oac', 'retryNonIdempotent', 'maxBufferedBodyBytes', 'onHashProgress'])
/** contentLength, one body's length, is per call only. */
const CLIENT_OPTIONS = [
  ...[...PER_CALL_OPTIONS].filter((name) => name !== 'contentLength'), 'credentials', 'refreshMarginMs', 'credentialsTimeoutMs', 'retries', 'initRetryMs', 'maxRetryDelayMs', 'fetch', 'throwOnAuthError', 'timeoutMs', 'redirect',
]

/**
 * aws4fetch's client, grown up: signs and sends any fetch-compatible request,
 * with credentials providers, every body type, retries, clock-skew recovery
 * and explained failures. `init.aws` overrides the client's settings for one call.
 */
export class AwsClient {
  #credentials
  #clockOffsetMs = 0

  /**
   * Credentials come as aws4fetch's accessKeyId/secretAccessKey/sessionToken,
   * or as `credentials`: an object or a provider such as fromCognitoIdentityPool(...).
   * Provided credentials are cached until `refreshMarginMs` (default 5 min)
   * before they expire; concurrent calls share one refresh. With `oac: true`
   * the client signs nothing: CloudFront does, and only the body hash is added.
   */
  constructor(options = {}) {
    rejectUnknownOptions(options, CLIENT_OPTIONS, 'AwsClient')
    checkClientOptions(options)
    const {
      credentials, accessKeyId, secretAccessKey, sessionToken, refreshMarginMs, credentialsTimeoutMs, service, region, cache,
      retries, initRetryMs, maxRetryDelayMs, retryNonIdempotent, fetch: fetchImpl, oac, throwOnAuthError,
      maxBufferedBodyBytes, onHashProgress, timeoutMs, redirect, ...signing
    } = options
    const given = credentials ?? (accessKeyId === undefined && oac ? undefined : { accessKeyId, secretAccessKey, sessionToken })
    this.#credentials = given === undefined ? undefined : cachedProvider(given, { refreshMarginMs, timeoutMs: checkTimeoutMs(credentialsTimeoutMs, 'credentialsTimeoutMs') })
    this.service = service
    this.region = region
    this.cache = cache ?? new Map()
    this.retries = retries ?? 10
    this.initRetryMs = initRetryMs ?? 50
    this.maxRetryDelayMs = maxRetryDelayMs ?? 20_000
    this.retryNonIdempotent = retryNonIdempotent ?? false
    this.oac = oac ?? false
    this.throwOnAuthError = throwOnAuthError ?? false
    this.maxBufferedBodyBytes = maxBufferedBodyBytes
    this.onHashProgress = onHashProgress
    this.signing = signing
    this.fetchImpl = fetchImpl
    this.timeoutMs = checkTimeoutMs(timeoutMs, 'timeoutMs')
    this.redirect = redirectMode(redirect)
  }

  /** Server time minus this device's time, learned from AWS's clock-skew answers (ms). */
  get clockOffsetMs() {
    return this.#clockOffsetMs
  }

  /**
   * Signs without sending.
   * @param {RequestInfo | URL} input
   * @param {RequestInit & { aws?: object }} [init]
   * @returns {Promise<Request>}
   */
  async sign(input, init) {
    // WebIDL reads a null init as {}, as fetch does. Once the core is loaded,
    // a body at hand and the credentials cached, nothing below is awaited.
    let signed = whenReady(this.#prepare(input, requestInitOf(init)), (prepared) => this.#signPrepared(prepared))
    if (signed instanceof Promise) signed = await signed
    return signed.request
  }

  /**
   * A presigned URL: the signature in the query string, valid `expiresIn`
   * seconds (1..604800, default 86400). ws: and wss: URLs work too.
   * @param {string | URL} url
   * @param {{ expiresIn?: number, method?: string, headers?: HeadersInit, aws?: object }} [options]
   * @returns {Promise<string>}
   */
  async presign(url, { expiresIn, method = 'GET', headers, aws } = {}) {
    const target = wireUrl(url instanceof URL ? url.href : url)
    const socket = target.protocol === 'ws:' || target.protocol === 'wss:'
    if (socket) target.protocol = target.protocol === 'wss:' ? 'https:' : 'http:'
    const signed = await this.sign(target, { method, headers, aws: { ...aws, signQuery: true, expiresIn } })
    const presigned = new URL(signed.url)
    if (socket) presigned.protocol = presigned.protocol === 'https:' ? 'wss:' : 'ws:'
    return presigned.href
  }

  /**
   * Signs and sends. 429, 5xx and network failures of idempotent requests are
   * retried with jittered backoff, each attempt signed afresh; a 403 for clock
   * skew is signed again once with the server's time, and the offset is kept.
   * With `timeoutMs`, the whole call (credentials, attempts, backoff) must
   * have the answer's headers by then, else it rejects with ERR_REQUEST_TIMEOUT.
   * @param {RequestInfo | URL} input
   * @param {RequestInit & { aws?: object }} [init]
   * @returns {Promise<Response>}
   */
  async fetch(input, init) {
    // WebIDL reads a null init as {}, as fetch does.
    init = requestInitOf(init)
    if (!this.timeoutMs) return this.#fetchWithRetries(input, init)
    const deadline = new AbortController()
    const timer = setTimeout(() => deadline.abort(new IamFetchError('ERR_REQUEST_TIMEOUT', `no answer within ${this.timeoutMs} ms`)), this.timeoutMs)
    const caller = init.signal ?? (typeof Request !== 'undefined' && input instanceof Request ? input.signal : undefined)
    try {
      // The caller's signal keeps its say over the answer's body; the deadline ends with the headers.
      return await this.#fetchWithRetries(input, { ...init, signal: caller ? eitherSignal(caller, deadline.signal) : deadline.signal })
    } catch (error) {
      throw deadline.signal.aborted ? deadline.signal.reason : error
    } finally {
      clearTimeout(timer)
    }
  }

  async #fetchWithRetries(input, init) {
    const prepared = await this.#prepare(input, init)
    const { method, signal, settings } = prepared
    // An aws-chunked upload may need its own way to keep its Content-Length (s3/upload-transport.js); a `fetch` option still wins.
    const send = this.fetchImpl ?? prepared.payload.send ?? globalThis.fetch
    const retries = IDEMPOTENT_METHODS.has(method) || (settings.retryNonIdempotent ?? this.retryNonIdempotent) ? this.retries : 0
    let skewCorrected = false
    let networkFailures = 0
    for (let attempt = 0; ; ) {
      signal?.throwIfAborted()
      const { request, context } = await this.#signPrepared(prepared)
      let response
      try {
        response = await send(request)
      } catch (error) {
        // So that explainFailure(error) can list what CORS must allow.
        if (error && typeof error === 'object') rememberSigning(error, context)
        // What failed first: the body stream (an aws-chunked upload of the wrong length), not fetch's own TypeError.
        if (prepared.payload.failure) throw prepared.payload.failure
        if (signal?.aborted || error?.name === 'AbortError' || attempt >= retries || networkFailures++ >= NETWORK_RETRIES) throw error
        if (!prepared.payload.replayable) {
          throw new IamFetchError('ERR_BODY_NOT_REPLAYABLE', `the request failed (${error?.message ?? error}) and is not retried: its body was a stream, already consumed`, { cause: error })
        }
        await this.#backoff(attempt++, signal)
        continue
      }
      // A `fetch` option that answers no Response: nothing below could read it.
      if (response === null || typeof response !== 'object') throw new IamFetchError('ERR_INVALID_OPTIONS', `the fetch option answered ${typeof response}, not a Response`)
      context.receivedAt = Date.now()
      rememberSigning(response, context)
      if (!skewCorrected && (await this.#learnClockOffset(response))) {
        skewCorrected = true
        if (prepared.payload.replayable) {
          await response.body?.cancel()
          continue
        }
      }
      const retryable = response.status === 429 || response.status >= 500
      if (retryable && attempt < retries && prepared.payload.replayable) {
        await response.body?.cancel()
        await this.#backoff(attempt++, signal)
        continue
      }
      if (this.throwOnAuthError && (response.status === 401 || response.status === 403)) {
        const explanation = await explainFailure(response)
        const error = new IamFetchError(`ERR_AUTH_${explanation.cause.toUpperCase().replaceAll('-', '_')}`, `${response.status} from AWS: ${explanation.summary}`)
        error.explanation = explanation
        error.response = response
        throw error
      }
      return response
    }
  }

  /** On AWS's clock-skew 403, takes the offset from the Date header; true if learned. */
  async #learnClockOffset(response) {
    // A body cut off mid-way, too large or too slow is not a skew answer: the caller gets the Response as fetch would give it.
    const readBody = () => readCappedText(response.clone(), { maxBytes: SKEW_BODY_BYTES, deadlineMs: SKEW_BODY_DEADLINE_MS, what: 'the 403 answer' }).catch(() => '')
    const offsetMs = await skewOffsetMs(response, readBody)
    if (offsetMs === undefined) return false
    this.#clockOffsetMs = offsetMs
    return true
  }

  #backoff(attempt, signal) {
    const delay = backoffDelayMs(attempt, this.initRetryMs, this.maxRetryDelayMs)
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        clearTimeout(timer)
        reject(signal.reason)
      }
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort)
        resolve()
      }, delay)
      signal?.addEventListener('abort', onAbort, { once: true })
    })
  }

  /**
   * Reads the request once: method, URL, headers, the body prepared (hashed)
   * and the settings. A promise only while the core loads or the body is read.
   */
  #prepare(input, requestInit) {
    if (!currentBindings()) return init().then(() => this.#prepare(input, requestInit))
    const { aws, body: initBody, headers: initHeaders, method: initMethod, signal: initSignal, ...rest } = requestInit
    if (aws != null) {
      rejectUnknownOptions(aws, PER_CALL_OPTIONS, 'init.aws')
      checkClientOptions(aws)
    }
    const isRequest = typeof Request !== 'undefined' && input instanceof Request
    // Parsed once: every attempt signs the same URL, and explanations need its host.
    const url = wireUrl(isRequest ? input.url : input instanceof URL ? input.href : toText(input, 'ERR_INVALID_URL', 'expected an absolute URL'))
    const method = upperMethod(initMethod ?? (isRequest ? input.method : 'GET'))
    const headers = toHeaders(isRequest ? input.headers : initHeaders)
    if (isRequest && initHeaders) toHeaders(initHeaders).forEach((value, name) => headers.set(name, value))
    const signal = initSignal ?? (isRequest ? input.signal : undefined)
    const settings = aws == null ? this.#settings : { ...this.#settings, ...aws }
    const s3 = asksForS3(settings, aws)
    const passed = {}
    for (const key of PASSED_THROUGH) {
      if (key in rest) passed[key] = rest[key]
      // A Request's redirect reads 'follow' unless its maker chose otherwise: that default gives way to the client's policy.
      else if (isRequest && key !== 'priority' && !(key === 'redirect' && input.redirect === 'follow')) passed[key] = input[key]
    }
    // Completed by #prepareBody: the body prepared, and the header pairs every attempt signs and sends.
    const prepared = { url, method, pairs: undefined, payload: undefined, signal, settings, oac: settings.oac ?? this.oac, passed, s3 }
    // Reading a Request's body ends with the call's signal: a stalled one must not hold it.
    if (!('body' in requestInit) && isRequest) {
      return readRequestBody(input, { signal }).then((body) => this.#prepareBody(prepared, headers, body))
    }
    return this.#prepareBody(prepared, headers, 'body' in requestInit ? initBody : null)
  }

  #prepareBody(prepared, headers, body) {
    const { settings, signal, s3 } = prepared
    const options = {
      declaredHash: declaredPayloadHash(headers, settings),
      maxBufferedBodyBytes: settings.maxBufferedBodyBytes ?? this.maxBufferedBodyBytes,
      onHashProgress: settings.onHashProgress ?? this.onHashProgress,
      signal,
    }
    const payload = s3 ? import('./s3/upload.js').then(({ prepareS3Body }) => prepareS3Body(prepared, headers, body, options)) : prepareBody(body, options)
    return whenReady(payload, (payload) => {
      if (payload.contentType) headers.set('content-type', payload.contentType)
      prepared.pairs = headerPairs(headers)
      prepared.payload = payload
      return prepared
    })
  }

  /** The settings every call starts from: the client's, before `init.aws`. */
  get #settings() {
    return { service: this.service, region: this.region, ...this.signing }
  }

  /**
   * Signs (or, through OAC, adds the body hash to) one attempt of a prepared
   * request. A promise only while the credentials are fetched or a build loads.
   */
  #signPrepared(prepared) {
    if (prepared.oac) return this.#built(prepared, undefined, undefined)
    const { settings, signal } = prepared
    return whenReady(this.#credentialsFor(settings, signal), (credentials) => {
      const datetime = this.#signingTime(settings)
      const { method, url, pairs, payload } = prepared
      return whenReady(signPairs({ method, url, pairs, payload, credentials, options: settings, datetime }), (signed) => this.#built(prepared, credentials, signed))
    })
  }

  /** The credentials to sign with: the provider's (cached, or a promise while fetched), overridden by any given in `settings`. */
  #credentialsFor(settings, signal) {
    if (!this.#credentials && !settings.accessKeyId) {
      throw new IamFetchError('ERR_MISSING_CREDENTIALS', 'this client has no credentials: pass `credentials`, or accessKeyId and secretAccessKey')
    }
    const provided = this.#credentials ? (this.#credentials.cached() ?? this.#credentials(signal)) : {}
    return whenReady(provided, (provided) => {
      const given = pickCredentials(settings)
      return given ? { ...provided, ...given } : provided
    })
  }

  /** The signing time (epoch ms): `datetime` if given, else now corrected by the clock offset learned from AWS. */
  #signingTime(settings) {
    return settings.datetime ?? Date.now() + this.#clockOffsetMs
  }

  /** The Request sent, and what explainFailure remembers of it. */
  #built({ url, method, pairs, payload, signal, settings, oac, passed }, credentials, signed) {
    let sent
    if (oac) {
      // CloudFront OAC refuses PUT and POST without it, even with no body: then it is the empty body's hash.
      const hashed = payload.body != null || WRITES_BODY.has(method)
      sent = hashed
        ? withHeaders(pairs, ['authorization', 'x-amz-content-sha256'], [['x-amz-content-sha256', payload.payloadHash ?? sha256Hex(payload.bytes ?? payload.text)]])
        : withHeaders(pairs, ['authorization'], [])
    } else {
      sent = withHeaders(pairs, signed.headers.map(([name]) => name), signed.headers)
    }
    // An aws-chunked upload's bytes depend on its signature: encoded now, once (it is not replayable).
    const body = payload.chunked ? payload.encode(credentials, signed, signal) : payload.body
    let request
    try {
      request = new Request(signed?.url ?? url.href, { redirect: redirectFor(body, this.redirect), ...passed, method, headers: sent, body, signal, duplex: 'half' })
    } catch (cause) {
      // fetch's own message may quote the URL, which can hold a presigned token: not kept.
      throw new IamFetchError('ERR_INVALID_REQUEST', `fetch refuses to build this ${method} request: a GET or HEAD with a body, a method fetch forbids (CONNECT, TRACE, TRACK), or a RequestInit member it rejects`)
    }
    const context = {
      host: url.host,
      method,
      service: signed?.service ?? settings.service ?? '',
      region: signed?.region ?? settings.region ?? '',
      regionSet: signed?.regionSet ?? '',
      sentContentHash: sent.some(([name]) => name === 'x-amz-content-sha256'),
      throughOac: oac,
      credentialsExpirationMs: credentials?.expiration?.getTime(),
      // Kept out of explanations (explain.js); the context itself is never exposed.
      secrets: [credentials?.sessionToken, credentials?.secretAccessKey],
      appliedOffsetMs: settings.datetime ? 0 : this.#clockOffsetMs,
      // Only a failure needs the canonical request: sign the same inputs again then, with the same time.
      diagnostics: oac ? async () => ({}) : async () => signPairs({ method, url, pairs, payload, credentials, options: settings, datetime: signed.amzDate, diagnostics: true }),
      request,
    }
    rememberSigning(request, context)
    return { request, context }
  }

  /**
   * A presigned POST, as @aws-sdk/s3-presigned-post makes it: the bucket URL
   * and the form fields (policy, signature, key, caller's fields) a browser
   * posts with its file. The options are checked before any credentials are
   * fetched; the code and the S3 build load on first use.
   * @param {string | URL} url
   * @param {{ key: string, conditions?: Array<object>, fields?: Record<string, string>, expiresIn?: number, bucket?: string, aws?: object }} options
   * @returns {Promise<{ url: string, fields: Record<string, string> }>}
   */
  async presignPost(url, options) {
    const { preparePost, signPost } = await import('./s3/presign-post.js')
    const post = preparePost(url, options, this.#settings)
    const credentials = await this.#credentialsFor(post.settings)
    return signPost(post, credentials, this.#signingTime(post.settings))
  }
}

/**
 * Whether a call asks for S3's checksums or an aws-chunked upload (s3/upload.js
 * then checks and prepares it). A presigned URL carries no body: the client's
 * are not applied to it, and a call's own are refused there.
 */
function asksForS3(settings, aws) {
  const asks = (options) => S3_ASKING.some((name) => options[name] != null && options[name] !== false)
  return settings.signQuery ? aws != null && asks(aws) : asks(settings)
}

/** CloudFront OAC: sends the request unsigned, with the body hash CloudFront needs for PUT and POST. */
export function oacFetch(input, init) {
  return new AwsClient({ oac: true }).fetch(input, init)
}

/**
 * Blob and stream bodies are not followed through redirects: to replay them,
 * Node's fetch keeps every chunk sent (a 200 MB upload costs 200 MB), and a
 * signed request cannot survive a redirect anyway (host and path are signed).
 * workerd does not implement 'error'; 'manual' is its equivalent there.
 */
function redirectFor(body, mode) {
  const large = (typeof Blob !== 'undefined' && body instanceof Blob) || (typeof ReadableStream !== 'undefined' && body instanceof ReadableStream)
  return large ? noRedirectMode() : mode
}

let noRedirect
/** 'error' where fetch has it, else 'manual'; probed on first use, not at import (it builds a Request). */
function noRedirectMode() {
  if (noRedirect === undefined) {
    try {
      new Request('http://localhost/', { redirect: 'error' })
      noRedirect = 'error'
    } catch {
      noRedirect = 'manual'
    }
  }
  return noRedirect
}

/** The client's redirect mode; 'error' only where fetch has it (workerd has not: 'manual' is its equivalent). */
function redirectMode(mode = 'follow') {
  if (mode !== 'follow' && mode !== 'manual' && mode !== 'error') throw invalidOptions("redirect must be 'follow', 'manual' or 'error'")
  if (mode === 'error' && noRedirectMode() !== 'error') throw invalidOptions("this runtime's fetch has no redirect 'error': use 'manual'")
  return mode
}

/** Aborts when either does, with its reason. */
function eitherSignal(a, b) {
  if (typeof AbortSignal.any === 'function') return AbortSignal.any([a, b])
  // The fallback follows each signal as AbortSignal.any does: weakly. A
  // caller's long-lived signal keeps no listener once the combined signal is
  // collected, and the listener holds only a WeakRef to it.
  // A runtime without WeakRef (older workerd compatibility dates) follows strongly.
  const controller = new AbortController()
  const combined = controller.signal
  combined[CONTROLLER] = controller
  // (No closure here may capture `combined`: V8 shares one context among them, so the listener would hold it.)
  const weak = followed ? new WeakRef(combined) : strongRef(combined)
  for (const signal of [a, b]) {
    if (signal.aborted) {
      controller.abort(signal.reason)
      break
    }
    const listener = () => weak.deref()?.[CONTROLLER].abort(signal.reason)
    signal.addEventListener('abort', listener, { once: true })
    followed?.register(combined, { signal, listener })
  }
  return combined
}

const strongRef = (value) => ({ deref: () => value })
const CONTROLLER = Symbol('controller')
/** Removes a fallback listener once its combined signal is collected. */
const followed = typeof FinalizationRegistry === 'function' && typeof WeakRef === 'function'
  ? new FinalizationRegistry(({ signal, listener }) => signal.removeEventListener('abort', listener))
  : undefined

/**
 * The headers sent: the request's pairs less those named in `replaced`, then
 * `added`, as Headers.set would leave them. An array, not a Headers: the
 * Request built from it copies it once.
 */
function withHeaders(pairs, replaced, added) {
  return [...pairs.filter(([name]) => !replaced.includes(name)), ...added]
}

/** The credentials given in the settings (`init.aws`, or the client's own keys), or undefined. */
function pickCredentials(settings) {
  let picked
  for (const key of ['accessKeyId', 'secretAccessKey', 'sessionToken']) {
    if (settings[key] !== undefined) (picked ??= {})[key] = settings[key]
  }
  return picked
}

