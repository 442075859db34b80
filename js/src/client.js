import { signParts } from './signer.js'
import { cachedProvider } from './credentials/cache.js'

const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE'])

/**
 * aws4fetch's client: signs and sends fetch-compatible requests.
 * `init.aws` overrides the client's settings for one call.
 */
export class AwsClient {
  #credentials

  /**
   * Credentials come as aws4fetch's accessKeyId/secretAccessKey/sessionToken,
   * or as `credentials`: an object or a provider such as fromCognitoIdentityPool(...).
   * Provided credentials are cached until `refreshMarginMs` (default 5 min)
   * before they expire; concurrent calls share one refresh.
   */
  constructor({
    credentials, accessKeyId, secretAccessKey, sessionToken, refreshMarginMs, service, region, cache,
    retries, initRetryMs, retryNonIdempotent, fetch: fetchImpl, ...signing
  } = {}) {
    this.#credentials = cachedProvider(credentials ?? { accessKeyId, secretAccessKey, sessionToken }, { refreshMarginMs })
    this.service = service
    this.region = region
    this.cache = cache ?? new Map()
    this.retries = retries ?? 10
    this.initRetryMs = initRetryMs ?? 50
    this.retryNonIdempotent = retryNonIdempotent ?? false
    this.signing = signing
    this.fetchImpl = fetchImpl
  }

  /**
   * Signs without sending.
   * @param {RequestInfo | URL} input
   * @param {RequestInit & { aws?: object }} [init]
   * @returns {Promise<Request>}
   */
  async sign(input, init = {}) {
    const { aws, ...requestInit } = init
    const request = new Request(input, withDuplex(requestInit))
    const body = request.body == null ? undefined : await request.clone().arrayBuffer()
    const settings = { service: this.service, region: this.region, ...this.signing, ...aws }
    const signed = await signParts({
      method: request.method,
      url: request.url,
      headers: request.headers,
      body,
      credentials: { ...(await this.#credentials()), ...pickCredentials(aws) },
      options: settings,
      datetime: aws?.datetime,
    })
    const headers = new Headers(request.headers)
    for (const [name, value] of signed.headers) headers.set(name, value)
    return new Request(signed.url, withDuplex({ method: request.method, headers, body, signal: request.signal }))
  }

  /**
   * Signs and sends, retrying 429 and 5xx answers of idempotent requests with
   * jittered exponential backoff; each attempt is signed afresh.
   * @param {RequestInfo | URL} input
   * @param {RequestInit & { aws?: object }} [init]
   * @returns {Promise<Response>}
   */
  async fetch(input, init = {}) {
    const send = this.fetchImpl ?? globalThis.fetch
    const method = (init.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase()
    const retries = IDEMPOTENT_METHODS.has(method) || this.retryNonIdempotent ? this.retries : 0
    for (let attempt = 0; ; attempt++) {
      const response = await send(await this.sign(input, init))
      if (attempt >= retries || (response.status < 500 && response.status !== 429)) return response
      await response.body?.cancel()
      await new Promise((resolve) => setTimeout(resolve, Math.random() * this.initRetryMs * 2 ** attempt))
    }
  }
}

function pickCredentials(aws) {
  if (!aws) return {}
  const picked = {}
  for (const key of ['accessKeyId', 'secretAccessKey', 'sessionToken']) {
    if (aws[key] !== undefined) picked[key] = aws[key]
  }
  return picked
}

/** Node's fetch wants `duplex: 'half'` for stream bodies; browsers ignore it. */
function withDuplex(init) {
  return { duplex: 'half', ...init }
}
