import { callWasm, init } from './core.js'
import { IamFetchError } from './errors.js'
import { prepareBody } from './body.js'

const NO_BYTES = new Uint8Array(0)

/** Epoch milliseconds of a Date, a number, or aws4fetch's `YYYYMMDDTHHMMSSZ` string. */
export function toEpochMs(datetime) {
  if (datetime == null) return Date.now()
  if (datetime instanceof Date) return datetime.getTime()
  if (typeof datetime === 'number') return datetime
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(String(datetime))
  if (!m) throw new IamFetchError('ERR_INVALID_DATETIME', 'datetime must be a Date, epoch milliseconds or YYYYMMDDTHHMMSSZ')
  return Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6])
}

/** The URL exactly as fetch will send it: WHATWG-serialized, no fragment. */
export function wireUrl(url) {
  let parsed
  try {
    parsed = new URL(url)
  } catch (cause) {
    throw new IamFetchError('ERR_INVALID_URL', 'expected an absolute URL', { cause })
  }
  parsed.hash = ''
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

/** [name, value] pairs, as fetch will send them. */
function headerPairs(headers) {
  return [...toHeaders(headers)]
}

/**
 * Signs one request with the wasm core. Every public signing API ends here.
 * `payload` is a prepared body: its bytes (hashed by the core in the same
 * call) or its hash.
 * @returns {Promise<object>} the core's result: headers to add, url, signature, ...
 */
export async function signParts({ method, url, headers, payload = {}, credentials, options = {}, datetime, diagnostics }) {
  await init()
  const target = wireUrl(url)
  const pairs = headerPairs(headers)
  const declaresHash = pairs.some(([name]) => name === 'x-amz-content-sha256')
  const payloadHash = options.payloadHash ?? (declaresHash ? undefined : payload.payloadHash)
  const bytes = payloadHash || declaresHash ? NO_BYTES : (payload.bytes ?? NO_BYTES)
  let { expiresIn } = options
  if (options.signQuery) {
    // aws4fetch reads a presigned URL's lifetime from X-Amz-Expires in the URL.
    const fromUrl = target.searchParams.get('X-Amz-Expires')
    if (fromUrl != null) {
      expiresIn ??= Number(fromUrl)
      target.searchParams.delete('X-Amz-Expires')
    }
  }
  const signingOptions = {
    method: method.toUpperCase(),
    url: target.href,
    headers: pairs,
    accessKeyId: credentials.accessKeyId ?? '',
    secretAccessKey: credentials.secretAccessKey ?? '',
    sessionToken: credentials.sessionToken || undefined,
    service: options.service || undefined,
    region: options.region || undefined,
    datetime: toEpochMs(datetime),
    signatureLocation: options.signQuery ? 'query' : 'headers',
    expiresIn,
    uriEncoding: options.singleEncode ? 'single' : options.uriEncoding,
    sessionTokenPlacement: options.appendSessionToken ? 'appended' : 'signed',
    headerSelection: options.allHeaders ? 'all' : 'default',
    excludedHeaders: options.excludedHeaders ?? [],
    contentHashHeader: options.contentHashHeader,
    payloadHash,
    diagnostics: diagnostics ? 'capture' : 'off',
  }
  return callWasm((w) => w.sign(signingOptions, bytes))
}

/**
 * Signs a request and returns what it takes to send it, plus the SigV4
 * intermediate values for diagnosis.
 *
 * @param {Request | { method?: string, url: string | URL, headers?: HeadersInit, body?: BodyInit }} request
 * @param {object} options credentials (accessKeyId, secretAccessKey, sessionToken) and signing settings
 */
export async function signRequest(request, options = {}) {
  const isRequest = typeof Request !== 'undefined' && request instanceof Request
  const body = isRequest && request.body != null ? await request.clone().blob() : request.body
  const headers = toHeaders(request.headers)
  const payload = await prepareBody(body, { declaredHash: headers.get('x-amz-content-sha256') ?? undefined })
  // A serialized FormData carries its multipart boundary in content-type.
  if (payload.contentType) headers.set('content-type', payload.contentType)
  const signed = await signParts({
    method: request.method ?? (body == null ? 'GET' : 'POST'),
    url: request.url,
    headers,
    payload,
    credentials: options,
    options,
    datetime: options.datetime,
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
  }
}

/**
 * aws4fetch's signer, backed by aws-sigv4. Same options and methods, so code
 * written for aws4fetch works unchanged.
 */
export class AwsV4Signer {
  #credentials
  #signing
  #diagnosing
  #preparing

  constructor({
    method, url, headers, body, accessKeyId, secretAccessKey, sessionToken, service, region,
    cache, datetime, signQuery, appendSessionToken, allHeaders, singleEncode,
  }) {
    if (url == null) throw new IamFetchError('ERR_INVALID_URL', 'url is a required option')
    if (accessKeyId == null || secretAccessKey == null) {
      throw new IamFetchError('ERR_MISSING_CREDENTIALS', 'accessKeyId and secretAccessKey are required options')
    }
    this.method = method || (body ? 'POST' : 'GET')
    this.url = wireUrl(url)
    this.headers = toHeaders(headers)
    this.body = body
    this.service = service
    this.region = region
    // Accepted for aws4fetch compatibility; aws-sigv4 derives the signing key itself.
    this.cache = cache ?? new Map()
    this.datetime = datetime || new Date().toISOString().replace(/[:-]|\.\d{3}/g, '')
    this.signQuery = signQuery
    this.appendSessionToken = appendSessionToken
    this.allHeaders = allHeaders
    this.singleEncode = singleEncode
    // Private, so that logging the signer never prints them.
    this.#credentials = { accessKeyId, secretAccessKey, sessionToken }
  }

  #signed() {
    this.#signing ??= this.#sign(false)
    return this.#signing
  }

  /** The canonical request is captured only when asked for: it costs about a fifth of a signature. */
  #diagnosed() {
    this.#diagnosing ??= this.#sign(true)
    return this.#diagnosing
  }

  #payload() {
    this.#preparing ??= prepareBody(this.body, { declaredHash: this.headers.get('x-amz-content-sha256') ?? undefined }).then((payload) => {
      // A serialized FormData is sent as hashed, with its multipart boundary.
      if (payload.contentType) this.headers.set('content-type', payload.contentType)
      this.body = payload.body
      return payload
    })
    return this.#preparing
  }

  async #sign(diagnostics) {
    const payload = await this.#payload()
    const signed = await signParts({
      method: this.method,
      url: this.url,
      headers: this.headers,
      payload,
      credentials: this.#credentials,
      options: this,
      datetime: this.datetime,
      diagnostics,
    })
    this.service = signed.service
    this.region = signed.region
    return signed
  }

  /** @returns {Promise<{ method: string, url: URL, headers: Headers, body: any }>} */
  async sign() {
    const signed = await this.#signed()
    const headers = new Headers(this.headers)
    for (const [name, value] of signed.headers) headers.set(name, value)
    return { method: this.method, url: new URL(signed.url), headers, body: this.body }
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
