// AwsV4Signer and signRequest: a request normalized once (URL, headers, body), then one call into the wasm core.
import { signWithBuild } from './core.js'
import { IamFetchError, REDACTED } from './errors.js'
import { declaredPayloadHash, prepareBody, readRequestBody } from './body.js'
import { CREDENTIAL_OPTIONS, SIGNING_OPTIONS, encodeSigningCall, rejectUnknownOptions } from './options.js'
import { whenReady } from './when-ready.js'

const NO_BYTES = new Uint8Array(0)

/** A scheme: a URL that needs no base (a URL object's text has one too). */
const ABSOLUTE_URL = /^[a-z][a-z\d+.-]*:/i

/** The URL exactly as fetch will send it: WHATWG-serialized, no fragment; relative to the page, as fetch resolves it. */
export function wireUrl(url) {
  let parsed
  try {
    // The page's URL is parsed as a base only for a relative URL: parsing it costs as much as parsing `url`.
    parsed = new URL(url, ABSOLUTE_URL.test(url) ? undefined : globalThis.location?.href)
  } catch (cause) {
    throw new IamFetchError('ERR_INVALID_URL', 'expected an absolute URL', { cause })
  }
  // Set only when there is one: setting it re-serializes the URL.
  if (parsed.hash) parsed.hash = ''
  return parsed
}

/** A Headers from any HeadersInit, with fetch's own checks; a refusal becomes ERR_INVALID_HEADER. */
export function toHeaders(headers) {
  try {
    return new Headers(headers ?? undefined)
  } catch {
    // Headers' own message may quote the value, which can be a token: not kept.
    throw new IamFetchError('ERR_INVALID_HEADER', 'a header name is not a token, or a header value holds CR, LF or NUL')
  }
}

/** The method as fetch sends it (upper case), or ERR_INVALID_METHOD for anything but a string. */
export function upperMethod(method) {
  if (typeof method !== 'string') throw new IamFetchError('ERR_INVALID_METHOD', 'the method must be a string such as GET or POST')
  return method.toUpperCase()
}

/** A request's headers as the [name, value] pairs the call carries (lower case, sorted, as Headers gives them). */
export function headerPairs(headers) {
  return [...(headers instanceof Headers ? headers : toHeaders(headers))]
}

/**
 * Signs one request with the wasm core: every public signing API ends here.
 * `payload` is a prepared body (body.js): its hash, or its bytes, which the
 * core hashes in the same call.
 * @returns {Promise<object>} the core's result: headers to add, url, signature, ...
 */
export async function signPrepared({ method, url, headers, payload, credentials, options, diagnostics }) {
  // Hot path: a URL the caller already normalized is not parsed again.
  const target = url instanceof URL && !url.hash ? url : wireUrl(url)
  return signPairs({ method, url: target, pairs: headerPairs(headers), payload, credentials, options, diagnostics })
}

/**
 * signPrepared for a request already normalized: `url` a URL without
 * fragment (not changed here), `pairs` from headerPairs. The signer and the
 * client call it directly, so that a request is parsed and copied once.
 * `datetime`, when given, stands for `options.datetime` (the client's clock,
 * corrected), so that the settings are not copied to change one.
 * Returns the answer, or a promise of it while the build loads.
 */
export function signPairs({ method, url, pairs, payload = {}, credentials, options = {}, datetime = options.datetime, diagnostics }) {
  let target = url
  let settings = options
  if (options.signQuery) {
    // aws4fetch reads a presigned URL's lifetime from X-Amz-Expires in the URL.
    const fromUrl = url.searchParams.get('X-Amz-Expires')
    if (fromUrl != null) {
      settings = { ...options, expiresIn: options.expiresIn ?? Number(fromUrl) }
      // A copy: the caller's URL is left as it was given.
      target = new URL(url.href)
      target.searchParams.delete('X-Amz-Expires')
    }
  }
  const { call, sigv4a } = encodeSigningCall({
    method: upperMethod(method),
    url: target.href,
    host: target.hostname,
    headers: pairs,
    credentials,
    settings,
    datetime,
    payload,
    declaresHash: pairs.some(([name]) => name === 'x-amz-content-sha256'),
    diagnostics,
  })
  // The diagnostics build signs both algorithms; the sigv4a build, loaded the first time SigV4a is asked for, signs SigV4a.
  const build = diagnostics ? 'diagnostics' : sigv4a ? 'sigv4a' : 'core'
  const answer = signWithBuild(call, payload.payloadHash ? NO_BYTES : (payload.bytes ?? payload.text ?? NO_BYTES), build)
  return credentials?.sessionToken ? whenReady(answer, (signed) => withOwnToken(signed, credentials.sessionToken)) : answer
}

/**
 * The session token header's value as the caller's own string, which it
 * equals: a fresh copy (a slice of the core's answer) is converted anew by
 * the browser's Headers on every signature, while the caller's string,
 * signed call after call, is converted once (Chromium keeps it).
 */
function withOwnToken(signed, token) {
  for (const pair of signed.headers) if (pair[0] === 'x-amz-security-token' && pair[1] === token) pair[1] = token
  return signed
}

/**
 * Signs a request and returns what it takes to send it, plus the SigV4
 * intermediate values for diagnosis.
 *
 * @param {Request | { method?: string, url: string | URL, headers?: HeadersInit, body?: BodyInit }} request
 * @param {object} options credentials (accessKeyId, secretAccessKey, sessionToken) and signing settings
 */
export async function signRequest(request, options = {}) {
  if (request == null || typeof request !== 'object') throw new IamFetchError('ERR_INVALID_OPTIONS', 'signRequest needs a Request or { method, url, headers, body }')
  rejectUnknownOptions(options, [...CREDENTIAL_OPTIONS, ...SIGNING_OPTIONS], 'signRequest')
  const isRequest = typeof Request !== 'undefined' && request instanceof Request
  const body = isRequest ? await readRequestBody(request, { keep: true }) : request.body
  const headers = toHeaders(request.headers)
  const payload = await prepareBody(body, { declaredHash: declaredPayloadHash(headers, options) })
  // A serialized FormData carries its multipart boundary in content-type.
  if (payload.contentType) headers.set('content-type', payload.contentType)
  const signed = await signPrepared({
    method: request.method ?? (body == null ? 'GET' : 'POST'),
    url: request.url,
    headers,
    payload,
    credentials: options,
    options,
    diagnostics: true,
  })
  for (const [name, value] of signed.headers) headers.set(name, value)
  return {
    url: signed.url,
    headers,
    body: payload.body,
    canonicalRequest: signed.canonicalRequest,
    stringToSign: signed.stringToSign,
    signature: signed.signature,
    signedHeaders: signed.signedHeaders,
    payloadHash: signed.payloadHash,
    service: signed.service,
    region: signed.region,
    regionSet: signed.regionSet,
  }
}

const SIGNER_OPTIONS = new Set(['method', 'url', 'headers', 'body', ...CREDENTIAL_OPTIONS, ...SIGNING_OPTIONS])

/**
 * aws4fetch's signer, backed by aws-sigv4. Same options, methods and public
 * fields, so code written for aws4fetch works unchanged; the secret access key
 * and session token are kept private, so logging the signer never prints them.
 */
// A class whose methods have computed keys (the inspect symbols) counts as a
// side effect to bundlers, which would then keep it in every bundle, used or
// not (about 1 KB gzip in an app that only uses AwsClient): made by a call
// marked pure, it is left out where nothing uses it. (A function, not an
// arrow called in place, which minifiers turn back into a bare class.)
export const AwsV4Signer = /* @__PURE__ */ signerClass()

function signerClass() {
  return class AwsV4Signer {
    #credentials
    #settings
    #canonicalHeaders
    #signing
    #diagnosing
    #preparing

    constructor(options) {
      rejectUnknownOptions(options, SIGNER_OPTIONS, 'AwsV4Signer')
      const { method, url, headers, body, accessKeyId, secretAccessKey, sessionToken, cache, datetime, ...settings } = options ?? {}
      if (url == null) throw new IamFetchError('ERR_INVALID_URL', 'url is a required option')
      if (accessKeyId == null || secretAccessKey == null) {
        throw new IamFetchError('ERR_MISSING_CREDENTIALS', 'accessKeyId and secretAccessKey are required options')
      }
      this.method = method || (body ? 'POST' : 'GET')
      this.url = wireUrl(url)
      this.headers = toHeaders(headers)
      this.body = body
      this.accessKeyId = accessKeyId
      this.service = settings.service
      this.region = settings.region
      // Accepted for aws4fetch compatibility and unused: aws-sigv4 derives the signing key itself.
      this.cache = cache ?? new Map()
      this.datetime = datetime || new Date().toISOString().replace(/[:-]|\.\d{3}/g, '')
      this.signQuery = settings.signQuery
      this.appendSessionToken = settings.appendSessionToken
      this.allHeaders = settings.allHeaders
      this.singleEncode = settings.singleEncode
      this.#settings = settings
      this.#credentials = { accessKeyId, secretAccessKey, sessionToken }
    }

    /** The answer, or a promise of it while the body is read or the build loads; a refusal, as a rejected promise, is kept too. */
    #signed() {
      this.#signing ??= settled(() => this.#sign(false))
      return this.#signing
    }

    /** The canonical request comes from the diagnostics build, loaded the first time it is asked for. */
    #diagnosed() {
      this.#diagnosing ??= settled(() => this.#sign(true))
      return this.#diagnosing
    }

    /**
     * The request as it stands when first signed or diagnosed, body prepared:
     * both sign this same copy, so diagnosing after sign() (which adds headers,
     * and in query mode replaces this.url with the presigned URL) still
     * describes the request that was signed.
     */
    #request() {
      this.#preparing ??= settled(() => whenReady(prepareBody(this.body, { declaredHash: declaredPayloadHash(this.headers, this.#settings) }), (payload) => {
        // A serialized FormData is sent as hashed, with its multipart boundary.
        if (payload.contentType) this.headers.set('content-type', payload.contentType)
        this.body = payload.body
        // No copy of the URL: its href, kept, tells whether it was changed since.
        const url = this.url instanceof URL && !this.url.hash ? this.url : wireUrl(this.url)
        return { payload, method: this.method, url, href: url.href, pairs: headerPairs(this.headers) }
      }))
      return this.#preparing
    }

    #sign(diagnostics) {
      return whenReady(this.#request(), ({ payload, method, url, href, pairs }) => whenReady(signPairs({
        method,
        url: url.href === href ? url : wireUrl(href),
        pairs,
        payload,
        credentials: this.#credentials,
        options: { ...this.#settings, service: this.service, region: this.region, datetime: this.datetime },
        diagnostics,
      }), (signed) => this.#keep(signed)))
    }

    /** aws4fetch's public fields, as they stand once signed. */
    #keep(signed) {
      this.service = signed.service
      this.region = signed.region
      this.signedHeaders = signed.signedHeaders.join(';')
      // SigV4a's scope names no region: its region set is signed as a header or query parameter instead.
      const day = signed.amzDate.slice(0, 8)
      this.credentialString = signed.region ? `${day}/${signed.region}/${signed.service}/aws4_request` : `${day}/${signed.service}/aws4_request`
      if (signed.canonicalRequest !== undefined) {
        const lines = signed.canonicalRequest.split('\n')
        this.encodedPath = lines[1]
        this.encodedSearch = lines[2]
        this.#canonicalHeaders = lines.slice(3, lines.length - 3).join('\n')
      }
      return signed
    }

    /** aws4fetch's field, as a getter: it holds the session token, so JSON.stringify(signer) must not see it. */
    get canonicalHeaders() {
      return this.#canonicalHeaders
    }

    /**
     * The fields as printed (JSON.stringify, util.inspect, Deno's console):
     * once signed, the headers or the presigned URL hold the session token,
     * which is redacted here and only here.
     */
    toJSON() {
      const headers = {}
      for (const [name, value] of this.headers) headers[name] = name === 'x-amz-security-token' ? REDACTED : value
      const url = new URL(this.url)
      if (url.searchParams.has('X-Amz-Security-Token')) url.searchParams.set('X-Amz-Security-Token', REDACTED)
      // Once diagnosed in query mode, aws4fetch's encodedSearch holds the token too.
      const encodedSearch = this.encodedSearch?.replace(/(^|&)(X-Amz-Security-Token=)[^&]*/, `$1$2${REDACTED}`)
      return { ...this, url: url.href, headers, ...(encodedSearch === undefined ? {} : { encodedSearch }) }
    }

    [Symbol.for('nodejs.util.inspect.custom')](depth, options, inspect) {
      return `AwsV4Signer ${inspect(this.toJSON(), options)}`
    }

    [Symbol.for('Deno.customInspect')](inspect, options) {
      return `AwsV4Signer ${inspect(this.toJSON(), options)}`
    }

    /**
     * As aws4fetch does, the signature's headers are set on `this.headers`, and
     * a presigned URL replaces `this.url`; both are returned.
     * @returns {Promise<{ method: string, url: URL, headers: Headers, body: any }>}
     */
    async sign() {
      let signed = this.#signed()
      if (signed instanceof Promise) signed = await signed
      for (const [name, value] of signed.headers) this.headers.set(name, value)
      if (signed.url !== this.url.href) this.url = new URL(signed.url)
      return { method: this.method, url: this.url, headers: this.headers, body: this.body }
    }

    async authHeader() {
      const signed = await this.#signed()
      return signed.headers.find(([name]) => name === 'authorization')?.[1]
    }

    async signature() {
      return (await this.#signed()).signature
    }

    async stringToSign() {
      return (await this.#diagnosed()).stringToSign
    }

    async canonicalString() {
      return (await this.#diagnosed()).canonicalRequest
    }

    async hexBodyHash() {
      return (await this.#signed()).payloadHash
    }
  }
}

/** What `run` returns, or the error it throws as a rejected promise: kept, it answers every later ask alike. */
function settled(run) {
  try {
    return run()
  } catch (error) {
    return Promise.reject(error)
  }
}
