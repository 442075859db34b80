// Lambda@Edge: signs the origin request of a CloudFront origin-request event
// and hands it back for CloudFront to forward. No HTTP call of its own.
import { init } from '../core.js'
import { IamFetchError } from '../errors.js'
import { sha256Hex } from '../hash.js'
import { signPrepared } from '../signer.js'
import { cachedProvider } from '../credentials/cache.js'
import { SET_BY_SIGNER, declaredBodyHash, isHeaderName } from '../http-rules.js'
import { invalidOptions, rejectUnknownOptions } from '../options.js'

/** Headers the signature adds or replaces: the viewer's values are dropped. */
const REPLACED = new Set(SET_BY_SIGNER)
/**
 * Only these are signed besides host and what the signature adds: every other
 * header may be added or rewritten by CloudFront after the function (via,
 * x-forwarded-for, x-amz-cf-id, user-agent, accept-encoding, ...).
 */
const SIGNED = new Set(['content-type', 'content-md5'])
const BODILESS = new Set(['GET', 'HEAD', 'OPTIONS', 'DELETE'])
const OPTION_KEYS = ['credentials', 'region', 'service', 'signingAlgorithm', 'regionSet', 'datetime']
const DISPLAY_NAMES = {
  authorization: 'Authorization',
  'x-amz-date': 'X-Amz-Date',
  'x-amz-security-token': 'X-Amz-Security-Token',
  'x-amz-content-sha256': 'X-Amz-Content-Sha256',
  'x-amz-region-set': 'X-Amz-Region-Set',
  host: 'Host',
}

/** Providers keep their cache across invocations of a warm Lambda@Edge instance. */
const providers = new WeakMap()

/**
 * @param {object} event a CloudFront origin-request event (Records[0].cf.request)
 * @param {{ credentials: object | Function, region?: string, service?: string, signingAlgorithm?: 'sigv4' | 'sigv4a', regionSet?: string[], datetime?: Date | number | string }} options
 * @returns {Promise<object>} the request to return from the handler, signed for the origin
 */
export async function signCloudFrontOriginRequest(event, options) {
  if (typeof options !== 'object' || options === null) throw invalidOptions('signCloudFrontOriginRequest needs { credentials }')
  rejectUnknownOptions(options, OPTION_KEYS, 'signCloudFrontOriginRequest')
  const { credentials, region, service, signingAlgorithm, regionSet, datetime } = options
  if (credentials == null) throw new IamFetchError('ERR_MISSING_CREDENTIALS', 'signCloudFrontOriginRequest needs credentials: an object or a provider such as fromEnv()')

  const record = event?.Records?.[0]?.cf
  const request = record?.request
  if (!request || typeof request !== 'object' || typeof request.uri !== 'string' || typeof request.method !== 'string') {
    throw invalidEvent('expected a CloudFront event: Records[0].cf.request with method and uri')
  }
  const eventType = record.config?.eventType
  if (eventType && eventType !== 'origin-request') {
    throw invalidEvent(`this is a ${eventType} event: sign in the origin-request event, where the origin is known`)
  }
  const origin = originOf(request)
  const method = request.method.toUpperCase()
  const headers = request.headers ?? {}
  // CloudFront keys headers by their names: a key that is none is no event of CloudFront's.
  const badName = Object.keys(headers).find((name) => !isHeaderName(name))
  if (badName !== undefined) throw invalidEvent(`${JSON.stringify(badName.slice(0, 80))} in request.headers is not a header name`)
  const valueOf = (name) => {
    const entries = headers[name]
    if (!Array.isArray(entries) || !entries.length) return undefined
    return entries.map((entry) => String(entry?.value ?? '')).join(',')
  }

  const url = new URL(`${origin.protocol}//${origin.host}${origin.path}${request.uri}${request.querystring ? `?${request.querystring}` : ''}`)
  if (url.host !== origin.host) throw invalidEvent('the request uri does not stay on the origin')

  const viewerHash = valueOf('x-amz-content-sha256')
  const declared = declaredBodyHash(viewerHash)
  if (viewerHash !== undefined && !declared) {
    throw new IamFetchError('ERR_INVALID_PAYLOAD_HASH', "the viewer's x-amz-content-sha256 is not a hex SHA-256")
  }
  await init()
  const payloadHash = payloadHashOf(request.body, method, declared, valueOf('content-length'))

  const signedHeaders = [['host', origin.host]]
  for (const name of Object.keys(headers)) {
    const lower = name.toLowerCase()
    const value = valueOf(name)
    if (value === undefined || REPLACED.has(lower)) continue
    if (SIGNED.has(lower) || (lower.startsWith('x-amz-') && lower !== 'x-amz-cf-id')) signedHeaders.push([lower, value])
  }

  const signed = await signPrepared({
    method,
    url: url.href,
    headers: signedHeaders,
    payload: { payloadHash },
    credentials: await providerFor(credentials)(),
    options: { service: service ?? origin.service, region: region ?? origin.region, signingAlgorithm, regionSet, contentHashHeader: 'include', datetime },
  })

  // Returned as signed: CloudFront forwards exactly this uri and query string.
  const signedUrl = new URL(signed.url)
  if (!signedUrl.pathname.startsWith(origin.path)) throw invalidEvent("the request uri leaves the origin's path")
  const out = { ...request, headers: {} }
  for (const [name, entries] of Object.entries(headers)) {
    if (!REPLACED.has(name.toLowerCase())) out.headers[name] = entries
  }
  out.headers.host = [{ key: 'Host', value: origin.host }]
  for (const [name, value] of signed.headers) {
    out.headers[name] = [{ key: DISPLAY_NAMES[name] ?? name, value }]
  }
  out.uri = signedUrl.pathname.slice(origin.path.length) || '/'
  out.querystring = signedUrl.search.replace(/^\?/, '')
  return out
}

function originOf(request) {
  const custom = request.origin?.custom
  const s3 = request.origin?.s3
  if (custom?.domainName) {
    const protocol = String(custom.protocol ?? 'https').toLowerCase().replace(/:$/, '')
    if (protocol !== 'https' && protocol !== 'http') throw invalidEvent(`origin protocol ${protocol} is not http or https`)
    const port = Number(custom.port ?? (protocol === 'https' ? 443 : 80))
    const defaultPort = protocol === 'https' ? 443 : 80
    return {
      protocol: `${protocol}:`,
      host: port === defaultPort ? custom.domainName : `${custom.domainName}:${port}`,
      path: originPath(custom.path),
    }
  }
  if (s3?.domainName) {
    return { protocol: 'https:', host: s3.domainName, path: originPath(s3.path), service: 's3', region: s3.region || undefined }
  }
  throw invalidEvent('the request has no origin (origin.custom or origin.s3 with a domainName): is this an origin-request event?')
}

function originPath(path) {
  if (!path) return ''
  const trimmed = String(path).replace(/\/+$/, '')
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`
}

/** The body's hash: from the included body, or the viewer's declared hash when CloudFront truncated it. */
function payloadHashOf(body, method, declared, contentLength) {
  if (body && typeof body === 'object' && body.inputTruncated) {
    if (declared) return declared
    throw new IamFetchError(
      'ERR_BODY_TOO_LARGE',
      'CloudFront truncated the body it passed to the function (over 1 MB), so it cannot be hashed here: have the viewer send x-amz-content-sha256 (its hex SHA-256)',
    )
  }
  if (body && typeof body === 'object' && body.data != null) {
    const computed = sha256Hex(decodeBody(body))
    if (declared && declared !== computed) {
      throw new IamFetchError('ERR_INVALID_PAYLOAD_HASH', "the viewer's x-amz-content-sha256 does not match the body")
    }
    return computed
  }
  if (declared) return declared
  if (!BODILESS.has(method) || Number(contentLength) > 0) {
    throw invalidEvent(`a ${method} without the body: turn on "Include body" for the origin-request association, or have the viewer send x-amz-content-sha256`)
  }
  return sha256Hex(new Uint8Array(0))
}

function decodeBody({ encoding = 'base64', data }) {
  if (encoding === 'text') return new TextEncoder().encode(String(data))
  if (encoding !== 'base64') throw invalidEvent(`body encoding ${encoding} is neither base64 nor text`)
  let binary
  try {
    binary = atob(String(data))
  } catch {
    throw invalidEvent('body.data is not valid base64')
  }
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return bytes
}

function providerFor(credentials) {
  if (typeof credentials !== 'function') return cachedProvider(credentials)
  let provider = providers.get(credentials)
  if (!provider) {
    provider = cachedProvider(credentials)
    providers.set(credentials, provider)
  }
  return provider
}

function invalidEvent(message) {
  return new IamFetchError('ERR_INVALID_EVENT', message)
}

