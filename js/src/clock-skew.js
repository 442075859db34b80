// The one rule by which iamfetch learns how far the server's clock is from
// this device's: the client for its own calls and the STS providers for
// theirs both go through it, so they cannot drift apart.
import { isClockSkew, serverClockOffsetMs } from './diagnosis.js'

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
