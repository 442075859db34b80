// Validates the credentials AWS hands out (Cognito JSON, STS XML) before they
// are used, so a malformed answer is a clear error and not a bad signature
// later. Messages name what is wrong, never a value: a value in the wrong
// place may still be a secret.
import { IamFetchError } from '../errors.js'
import { xmlElement, xmlText } from './xml.js'

const COGNITO = 'Cognito GetCredentialsForIdentity'
/** Below this, the Date header's one-second resolution and the network's delay are all the offset is. */
const CLOCK_TOLERANCE_MS = 60_000
/** STS's longest session (DurationSeconds 43200): no AWS credentials live longer. */
const MAX_SESSION_MS = 12 * 3600 * 1000

/**
 * Credentials with their expiration moved onto this device's clock. AWS states
 * it in its own time: on a device whose clock runs 20 minutes ahead, fresh
 * 15-minute credentials would look expired and be refused before the first
 * request could teach the client the offset; on one running behind they would
 * be used past their end.
 */
export function onDeviceClock(credentials, serverClockOffsetMs) {
  if (Math.abs(serverClockOffsetMs) < CLOCK_TOLERANCE_MS) return credentials
  const stated = credentials.expiration.getTime()
  // A Date far in the past (1990) would push the expiry decades ahead: never past AWS's longest session from now.
  const shifted = Math.min(stated - serverClockOffsetMs, Math.max(stated, Date.now() + MAX_SESSION_MS))
  return { ...credentials, expiration: new Date(shifted) }
}

/**
 * Cognito's GetCredentialsForIdentity answer, already JSON-parsed. Note
 * Cognito's `SecretKey`, and `Expiration` in (possibly fractional) epoch seconds.
 * @param {unknown} answer
 * @returns {{ identityId: string, credentials: { accessKeyId: string, secretAccessKey: string, sessionToken: string, expiration: Date } }}
 * @throws {IamFetchError} ERR_INVALID_CREDENTIALS_RESPONSE
 */
export function parseCognitoCredentials(answer) {
  const invalid = (what) => new IamFetchError('ERR_INVALID_CREDENTIALS_RESPONSE', `${COGNITO} answered with ${what}`)
  const string = (holder, name, path) => {
    const value = holder[name]
    if (value === undefined) throw invalid(`no ${path}`)
    if (typeof value !== 'string') throw invalid(`${kindOf(value)} as ${path}, not a string`)
    if (!value) throw invalid(`an empty ${path}`)
    return value
  }
  if (!isObject(answer)) throw invalid(`${kindOf(answer)}, not a JSON object`)
  const identityId = string(answer, 'IdentityId', 'IdentityId')
  const c = answer.Credentials
  if (!isObject(c)) throw invalid(c === undefined ? 'no Credentials' : `${kindOf(c)} as Credentials, not an object`)
  const accessKeyId = string(c, 'AccessKeyId', 'Credentials.AccessKeyId')
  const secretAccessKey = string(c, 'SecretKey', 'Credentials.SecretKey')
  const sessionToken = string(c, 'SessionToken', 'Credentials.SessionToken')
  // Epoch seconds; a number too large for a Date is as wrong as a negative one.
  const seconds = c.Expiration
  const expiration = new Date(typeof seconds === 'number' && seconds > 0 ? Math.trunc(seconds * 1000) : NaN)
  if (Number.isNaN(expiration.getTime())) throw invalid('a Credentials.Expiration that is not epoch seconds')
  return { identityId, credentials: { accessKeyId, secretAccessKey, sessionToken, expiration } }
}

/**
 * The `Credentials` of an STS AssumeRole / AssumeRoleWithWebIdentity XML answer.
 * @param {string} answer
 * @returns {{ accessKeyId: string, secretAccessKey: string, sessionToken: string, expiration: Date }}
 * @throws {IamFetchError} ERR_INVALID_CREDENTIALS_RESPONSE
 */
export function parseStsCredentials(answer) {
  const invalid = (what) => new IamFetchError('ERR_INVALID_CREDENTIALS_RESPONSE', `STS answered without ${what}`)
  const credentials = xmlElement(String(answer ?? ''), 'Credentials')
  if (credentials === undefined) throw invalid('a Credentials element')
  const field = (name) => {
    const value = xmlText(credentials, name)?.trim()
    if (!value) throw invalid(`a Credentials/${name}`)
    return value
  }
  return credentialsFromFields(field, 'SessionToken', () => invalid('an ISO-8601 Credentials/Expiration'))
}

/**
 * The credentials an answer holds in AWS's field names, STS's and the
 * container and instance metadata endpoints' alike: `field(name)` returns a
 * non-empty string or throws; the token's field name differs; `Expiration`
 * is ISO-8601 UTC, else `badExpiration()` is thrown.
 */
export function credentialsFromFields(field, tokenField, badExpiration) {
  const accessKeyId = field('AccessKeyId')
  const secretAccessKey = field('SecretAccessKey')
  const sessionToken = field(tokenField)
  const expirationMs = parseIso8601Utc(field('Expiration'))
  if (expirationMs === undefined) throw badExpiration()
  return { accessKeyId, secretAccessKey, sessionToken, expiration: new Date(expirationMs) }
}

/**
 * Epoch milliseconds of a UTC `YYYY-MM-DDTHH:MM:SS[.fff…]Z` timestamp, as STS
 * writes `Expiration`; undefined for any other form, even one Date.parse
 * would accept (an offset, a missing Z, a date alone): an expiry read in the
 * wrong zone would be hours off.
 * @param {string} text
 * @returns {number | undefined}
 */
export function parseIso8601Utc(text) {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?Z$/.exec(text)
  if (!m) return undefined
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number)
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return undefined
  // Milliseconds: the first three fraction digits, further ones dropped.
  const millis = Number((m[7] ?? '').slice(0, 3).padEnd(3, '0'))
  // setUTCFullYear, unlike Date.UTC, does not read years 0–99 as 19xx.
  const midnight = new Date(0).setUTCFullYear(year, month - 1, day)
  // Date rolls 2030-02-31 over to March 3: a day past its month's end is refused.
  if (new Date(midnight).getUTCDate() !== day) return undefined
  return midnight + ((hour * 60 + minute) * 60 + second) * 1000 + millis
}

function isObject(value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** What a value is, for messages that must not quote it: "an array", "a number", "null". */
function kindOf(value) {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`
}
