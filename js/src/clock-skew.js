// The one rule by which iamfetch learns how far the server's clock is from
// this device's: the client for its own calls and the STS providers for
// theirs both go through it, so they cannot drift apart.
import { parseErrorBody } from './credentials/aws-error.js'

/**
 * On AWS's clock-skew refusal (a 403 that says "Signature expired",
 * "Signature not yet current" or S3's RequestTimeTooSkewed) carrying a Date:
 * the server's clock minus this device's, in ms. Otherwise undefined.
 * @param {Response} response
 * @param {() => string | Promise<string>} readBody the answer's body, read only when the rest qualifies
 * @returns {Promise<number | undefined>}
 */
export async function skewOffsetMs(response, readBody) {
  if (response.status !== 403) return undefined
  const offsetMs = serverClockOffsetMs(response)
  if (offsetMs === undefined) return undefined
  return isClockSkew(await readBody()) ? offsetMs : undefined
}

/** The server's clock minus this device's, from an answer's Date header (ms); undefined without one. */
export function serverClockOffsetMs(response) {
  const serverNow = Date.parse(response.headers.get('date') ?? '')
  return Number.isFinite(serverNow) ? serverNow - Date.now() : undefined
}

/**
 * True when an answer body is AWS's clock-skew refusal.
 * @param {string} body
 * @returns {boolean}
 */
export function isClockSkew(body) {
  return isSkewMessage(parseErrorBody(body).message ?? String(body ?? ''))
}

/** API Gateway, Lambda and STS say "Signature expired" or "not yet current"; S3 (RequestTimeTooSkewed) says this. */
const S3_SKEW = 'difference between the request time and the current time is too large'

export function isSkewMessage(message) {
  return message.includes('Signature expired') || message.includes('Signature not yet current') || message.includes(S3_SKEW)
}
