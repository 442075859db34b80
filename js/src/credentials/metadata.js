// The two credential endpoints a host provides: the container endpoint (ECS
// tasks, EKS Pod Identity) and EC2's instance metadata service (IMDSv2). Both
// answer JSON over plain HTTP on a link-local or loopback address, quickly or
// not at all, so their time limit is short.
import { constants } from 'node:fs'
import { open } from 'node:fs/promises'
import { IamFetchError, scrub, withoutUserinfo } from '../errors.js'
import { backoffDelayMs } from '../backoff.js'
import { credentialsFromFields } from './answers.js'
import { timeoutSignal } from '../options.js'
import { bodyDeadlineMs, readCappedText } from '../read-capped.js'
import { checkEndpointUrl } from './endpoint-url.js'

/** The SDK's limit for one request to either endpoint. */
export const DEFAULT_METADATA_TIMEOUT_MS = 1000
const ECS_HOST = 'http://169.254.170.2'
const IMDS_IPV4 = 'http://169.254.169.254'
const IMDS_IPV6 = 'http://[fd00:ec2::254]'
/** What the SDK asks for: six hours, IMDS's maximum. */
const IMDS_TOKEN_TTL_SECONDS = '21600'
/**
 * The largest metadata answer or token file read: a credentials answer is
 * about 1.5 KB, an IMDS token 56 bytes, a projected service-account token 1–2 KB.
 */
export const MAX_METADATA_BYTES = 64 * 1024

/**
 * The container endpoint's URL from the environment, or undefined when neither
 * variable is set. FULL_URI wins over RELATIVE_URI, as in the SDK.
 * @throws {IamFetchError} ERR_INVALID_OPTIONS for a URL the SDK would refuse
 */
export function containerEndpoint(env) {
  const full = env.AWS_CONTAINER_CREDENTIALS_FULL_URI
  const relative = env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI
  if (!full && !relative) return undefined
  const name = full ? 'AWS_CONTAINER_CREDENTIALS_FULL_URI' : 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI'
  const url = checkEndpointUrl(full || `${ECS_HOST}${relative}`, name)
  if (!containerUrlAllowed(url)) {
    throw new IamFetchError('ERR_INVALID_OPTIONS', `${name}: ${url.protocol}//${url.host} is not allowed; it must be https, or http to loopback (127.0.0.0/8, [::1], localhost), the ECS host 169.254.170.2 or the EKS host 169.254.170.23 / [fd00:ec2::23]`)
  }
  return url
}

/**
 * The rule of the SDK's credential-provider-http (fromHttp/checkUrl.ts): any
 * https URL; over http only the ECS and EKS Pod Identity hosts and loopback.
 * Anything else could hand the authorization token to a stranger.
 */
export function containerUrlAllowed(url) {
  if (url.protocol === 'https:') return true
  if (url.protocol !== 'http:') return false
  const host = url.hostname
  if (host === '169.254.170.2' || host === '169.254.170.23' || host === '[fd00:ec2::23]') return true
  if (host === '[::1]' || host === 'localhost') return true
  // WHATWG URL parsing has already normalized IPv4 forms (0x7f.1, 2130706433) to dotted decimal.
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)
}

/**
 * Credentials from the container endpoint. The authorization token, from
 * AWS_CONTAINER_AUTHORIZATION_TOKEN or else the file AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE
 * names, is read at every call: EKS rotates the file.
 */
export async function containerCredentials({ url, env, fetch: send = globalThis.fetch, timeoutMs = DEFAULT_METADATA_TIMEOUT_MS }) {
  const headers = {}
  let token = env.AWS_CONTAINER_AUTHORIZATION_TOKEN
  if (!token && env.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE) {
    token = (await readTokenFile(env.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE, 'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE'))
  }
  if (token) headers.authorization = token
  const what = 'the container credentials endpoint'
  const body = await metadataCall({ send, url, init: { headers }, timeoutMs, retries: 3, what, secrets: [token] })
  // No shift by the answer's Date: the endpoint is on this host (or its task), on this host's clock.
  return parseEndpointCredentials(body, what, false)
}

/**
 * The IMDS base URL: an option, AWS_EC2_METADATA_SERVICE_ENDPOINT, or the
 * link-local address (IPv6 when AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE=IPv6).
 */
export function imdsEndpoint(env, endpoint) {
  const base = endpoint ?? env.AWS_EC2_METADATA_SERVICE_ENDPOINT
    ?? (env.AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE?.toLowerCase() === 'ipv6' ? IMDS_IPV6 : IMDS_IPV4)
  return checkEndpointUrl(base, 'the IMDS endpoint').href.replace(/\/+$/, '')
}

/**
 * IMDSv2 only: a session token PUT first, then the role's name and its
 * credentials. No IMDSv1 fallback: an instance that refuses the PUT has IMDS
 * turned off or hop-limited, and v1 is what IMDSv2 exists to retire.
 */
export async function instanceCredentials({ base, fetch: send = globalThis.fetch, timeoutMs = DEFAULT_METADATA_TIMEOUT_MS }) {
  const what = 'IMDS'
  const token = await metadataCall({
    send, url: `${base}/latest/api/token`, timeoutMs, retries: 0, what: `${what} token PUT`,
    init: { method: 'PUT', headers: { 'x-aws-ec2-metadata-token-ttl-seconds': IMDS_TOKEN_TTL_SECONDS } },
  })
  const init = { headers: { 'x-aws-ec2-metadata-token': token.trim() } }
  const secrets = [token.trim()]
  const list = `${base}/latest/meta-data/iam/security-credentials/`
  const roles = await metadataCall({ send, url: list, init, timeoutMs, retries: 0, what: `${what} role list`, secrets })
  const role = roles.split('\n').map((line) => line.trim()).find(Boolean)
  if (!role) throw new IamFetchError('ERR_MISSING_CREDENTIALS', 'IMDS lists no role: the instance has no instance profile')
  const body = await metadataCall({ send, url: `${list}${encodeURIComponent(role)}`, init, timeoutMs, retries: 0, what: `${what} credentials`, secrets })
  // No shift by the answer's Date: IMDS runs on this instance's host, on the clock the instance syncs to.
  return parseEndpointCredentials(body, what, true)
}

/**
 * A token file's content, trimmed; a clear error when it cannot be read.
 * Opened without blocking and refused unless a regular file: a FIFO would
 * otherwise hold a libuv thread in open() for good (four of them stall every
 * fs and dns call of the process), a device or a directory never ends.
 * At most MAX_METADATA_BYTES are read.
 */
export async function readTokenFile(path, variable) {
  let file
  try {
    // O_NONBLOCK is 0 where the platform has none (Windows, which has no FIFOs to open either).
    file = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0))
  } catch (cause) {
    throw new IamFetchError('ERR_MISSING_CREDENTIALS', `${variable}: cannot read ${path} (${cause?.code ?? 'error'})`)
  }
  let text
  try {
    const stats = await file.stat()
    if (!stats.isFile()) throw new IamFetchError('ERR_MISSING_CREDENTIALS', `${variable}: ${path} is not a regular file`)
    if (stats.size > MAX_METADATA_BYTES) throw tooLargeFile(variable, path)
    // One byte more than the cap: a file that grew since fstat is still caught.
    const buffer = new Uint8Array(MAX_METADATA_BYTES + 1)
    let length = 0
    for (;;) {
      const { bytesRead } = await file.read(buffer, length, buffer.length - length, null)
      if (bytesRead === 0) break
      length += bytesRead
      if (length > MAX_METADATA_BYTES) throw tooLargeFile(variable, path)
    }
    text = new TextDecoder().decode(buffer.subarray(0, length))
  } catch (cause) {
    if (cause instanceof IamFetchError) throw cause
    throw new IamFetchError('ERR_MISSING_CREDENTIALS', `${variable}: cannot read ${path} (${cause?.code ?? 'error'})`)
  } finally {
    await file.close().catch(() => {})
  }
  const token = text.trim()
  if (!token) throw new IamFetchError('ERR_MISSING_CREDENTIALS', `${variable}: ${path} is empty`)
  return token
}

function tooLargeFile(variable, path) {
  return new IamFetchError('ERR_MISSING_CREDENTIALS', `${variable}: ${path} is larger than ${MAX_METADATA_BYTES} bytes, too large for a token`)
}

/**
 * One GET or PUT with a short time limit for the whole answer, body included,
 * and at most MAX_METADATA_BYTES read; retried on network failures (a body
 * past its deadline is one) and 5xx.
 * @returns {Promise<string>} the body
 */
async function metadataCall({ send, url, init, timeoutMs, retries, what, secrets = [] }) {
  for (let attempt = 0; ; attempt++) {
    let response, body
    try {
      const started = Date.now()
      response = await send(String(url), { ...init, redirect: 'error', signal: timeoutSignal(timeoutMs) })
      // Inside the try: an answer cut off or timed out mid-body is a network failure too.
      const deadlineMs = bodyDeadlineMs(started, timeoutMs, DEFAULT_METADATA_TIMEOUT_MS)
      if (response.ok) body = await readCappedText(response, { maxBytes: MAX_METADATA_BYTES, deadlineMs, what })
    } catch (cause) {
      // Too large: not retried, the next answer would be as large.
      if (cause instanceof IamFetchError) throw cause
      if (attempt < retries) {
        await pause(attempt)
        continue
      }
      const detail = cause?.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : String(cause?.message ?? cause)
      throw new IamFetchError('ERR_NETWORK', withoutUserinfo(scrub(`${what} failed: ${detail}`, secrets)))
    }
    if (response.ok) return body
    await response.body?.cancel()
    if (response.status >= 500 && attempt < retries) {
      await pause(attempt)
      continue
    }
    const code = response.status >= 500 ? 'ERR_SERVICE_UNAVAILABLE' : 'ERR_UNEXPECTED_RESPONSE'
    const failure = new IamFetchError(code, `${what} answered HTTP ${response.status}`)
    failure.status = response.status
    throw failure
  }
}

function pause(attempt) {
  return new Promise((resolve) => setTimeout(resolve, backoffDelayMs(attempt, 50, 1000)))
}

/**
 * The JSON both endpoints answer: AccessKeyId, SecretAccessKey, Token and an
 * ISO-8601 Expiration; IMDS adds Code ("Success"), Type and LastUpdated.
 * Messages name the field that is wrong, never a value.
 */
function parseEndpointCredentials(body, what, imds) {
  const invalid = (detail) => new IamFetchError('ERR_INVALID_CREDENTIALS_RESPONSE', `${what} answered ${detail}`)
  let answer
  try {
    answer = JSON.parse(body)
  } catch {
    throw invalid('with something that is not JSON')
  }
  if (typeof answer !== 'object' || answer === null) throw invalid('with JSON that is not an object')
  if (imds && answer.Code !== undefined && answer.Code !== 'Success') throw invalid('with a Code other than Success')
  const field = (name) => {
    const value = answer[name]
    if (typeof value !== 'string' || !value) throw invalid(`without a ${name} string`)
    return value
  }
  return credentialsFromFields(field, 'Token', () => invalid('with an Expiration that is not ISO-8601 UTC'))
}
