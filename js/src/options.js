// The one module that validates options and maps their public names (aws4fetch's
// plus iamfetch's own) onto the fields of a signing call (wire.js).
import { detectEndpoint } from './endpoint.js'
import { IamFetchError } from './errors.js'
import { MODES, encodeCall, mode } from './wire.js'

/** The signing settings every signing API takes, in their public names. */
export const SIGNING_OPTIONS = [
  'service', 'region', 'signingAlgorithm', 'regionSet', 'datetime', 'signQuery', 'expiresIn', 'appendSessionToken', 'allHeaders',
  'singleEncode', 'excludedHeaders', 'contentHashHeader', 'payloadHash', 'cache',
]
/** Credentials, as given or as a provider returns them (`expiration`, `identityId` ride along, unused here). */
export const CREDENTIAL_OPTIONS = ['accessKeyId', 'secretAccessKey', 'sessionToken', 'expiration', 'identityId']

/** aws4fetch's default lifetime of a presigned URL: one day. */
const DEFAULT_EXPIRES_IN = 86_400

/** Throws ERR_INVALID_OPTIONS naming every key of `options` that is not in `known` (an array, or a Set where it runs per signature). */
export function rejectUnknownOptions(options, known, where) {
  if (options == null) return
  if (typeof options !== 'object') throw invalidOptions(`${where} takes an options object`)
  const isKnown = known instanceof Set ? (key) => known.has(key) : (key) => known.includes(key)
  const unknown = Object.keys(options).filter((key) => !isKnown(key))
  if (unknown.length) throw invalidOptions(`${where}: unknown option(s) ${unknown.join(', ')}`)
}

export function invalidOptions(message) {
  return new IamFetchError('ERR_INVALID_OPTIONS', message)
}

/**
 * The text of a value given where a string is expected, converted as fetch
 * would (String(value)), or `code` when it has no usable one: a Symbol, an
 * Object.create(null), a toString that is no function or that throws. The
 * conversion's own message is not kept: it may quote the value.
 */
export function toText(value, code, message) {
  if (typeof value === 'string') return value
  try {
    if (typeof value !== 'symbol') return String(value)
  } catch {
    // no usable primitive value: refused below
  }
  throw new IamFetchError(code, message)
}

/** Callback options: a function, or absent (null too). A non-function would be called mid-signing. */
const CALLBACK_OPTIONS = ['onHashProgress', 'fetch']
/** Counts and durations: a non-negative number (Infinity allowed), or absent (null too). */
const NUMBER_OPTIONS = ['retries', 'initRetryMs', 'maxRetryDelayMs', 'refreshMarginMs', 'maxBufferedBodyBytes']

/** Checks the callback and number options of the client's constructor or of one call's `init.aws`. */
export function checkClientOptions(options) {
  if (options == null) return
  for (const name of CALLBACK_OPTIONS) {
    if (options[name] != null && typeof options[name] !== 'function') throw invalidOptions(`${name} must be a function`)
  }
  for (const name of NUMBER_OPTIONS) {
    const value = options[name]
    if (value != null && !(typeof value === 'number' && value >= 0)) throw invalidOptions(`${name} must be a non-negative number`)
  }
}

/** fetch's second argument: a RequestInit object, its signal an AbortSignal; absent or null reads as {}, as WebIDL reads it for fetch. */
export function requestInitOf(init) {
  if (init == null) return {}
  if (typeof init !== 'object' && typeof init !== 'function') throw invalidOptions('the second argument is a RequestInit object, such as { method, headers, body }')
  // What the reading and the retries call on it: another realm's AbortSignal serves too.
  const { signal } = init
  if (signal != null && (typeof signal.throwIfAborted !== 'function' || typeof signal.addEventListener !== 'function')) throw invalidOptions('signal must be an AbortSignal')
  return init
}

/** A time limit option: a positive number of milliseconds, or 0 for none (absent: the caller's default). */
export function checkTimeoutMs(value, name) {
  if (value === undefined || value === 0 || (Number.isFinite(value) && value > 0)) return value
  throw invalidOptions(`${name} must be a positive number of milliseconds, or 0 for none`)
}

/** The signal of a time limit checked by checkTimeoutMs: none for 0. */
export function timeoutSignal(timeoutMs) {
  return timeoutMs ? AbortSignal.timeout(timeoutMs) : undefined
}

/** The last `YYYYMMDDTHHMMSSZ` string read, and its epoch milliseconds: signers built in a loop share one datetime. */
let lastDatetime
let lastEpochMs

/** Epoch milliseconds of a Date, a number, or aws4fetch's `YYYYMMDDTHHMMSSZ` string. */
export function toEpochMs(datetime) {
  if (datetime == null) return Date.now()
  if (datetime instanceof Date) return datetime.getTime()
  if (typeof datetime === 'number') return datetime
  if (datetime === lastDatetime) return lastEpochMs
  const message = 'datetime must be a Date, epoch milliseconds or YYYYMMDDTHHMMSSZ'
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(toText(datetime, 'ERR_INVALID_DATETIME', message))
  if (!m) throw new IamFetchError('ERR_INVALID_DATETIME', message)
  const epochMs = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6])
  // Only a string: an object's text may change from one call to the next.
  if (typeof datetime === 'string') {
    lastDatetime = datetime
    lastEpochMs = epochMs
  }
  return epochMs
}

/**
 * Endpoints that take only SigV4a, valid in every region, and their signing
 * names, as AWS's endpoint rules give them: S3 Multi-Region Access Points,
 * EventBridge global endpoints, the CloudFront KeyValueStore data plane. Told
 * here, not by the core's host rules, because it decides which wasm build signs.
 */
const SIGV4A_HOSTS = [
  [/\.mrap\.accesspoint\.s3-global\.amazonaws\.com$/i, 's3'],
  [/\.endpoint\.events\.amazonaws\.com$/i, 'events'],
  [/\.cloudfront-kvs\.global\.api\.aws$/i, 'cloudfront-keyvaluestore'],
]

/** The last host looked up, and its SIGV4A_HOSTS entry: a client signs for one host, call after call. */
let lastHost
let lastHostEntry

function sigv4aHost(host) {
  if (host !== lastHost) {
    lastHostEntry = SIGV4A_HOSTS.find(([pattern]) => pattern.test(host))
    lastHost = host
  }
  return lastHostEntry
}

/**
 * Which signature: `signingAlgorithm` as given, else SigV4a for the hosts
 * above. SigV4a's region set, if given, is comma-joined for the core, which
 * checks its entries; absent, the core signs for the region.
 */
function algorithmOf(settings, host) {
  const { signingAlgorithm, regionSet } = settings
  if (signingAlgorithm !== undefined && !MODES.signingAlgorithm.includes(signingAlgorithm)) {
    throw invalidOptions(`signingAlgorithm must be '${MODES.signingAlgorithm.join("' or '")}'`)
  }
  const global = signingAlgorithm === undefined ? sigv4aHost(host) : undefined
  if (signingAlgorithm !== 'sigv4a' && !global) {
    if (regionSet !== undefined) throw invalidOptions("regionSet is SigV4a's: pass signingAlgorithm: 'sigv4a' with it")
    return { sigv4a: false, service: settings.service, regionSet: '' }
  }
  return {
    sigv4a: true,
    service: settings.service ?? global?.[1],
    regionSet: joinedRegionSet(regionSet ?? (global ? ['*'] : undefined)),
  }
}

/** The region set as one line; the core checks each entry (an empty one included). */
function joinedRegionSet(regionSet) {
  if (regionSet === undefined) return ''
  // An empty array would read as no region set at all.
  if (!Array.isArray(regionSet) || regionSet.length === 0 || regionSet.some((name) => typeof name !== 'string')) {
    throw new IamFetchError('ERR_INVALID_REGION_SET', "regionSet must be a non-empty array of region names or wildcards, such as ['*'] or ['us-east-1', 'eu-west-1']")
  }
  return regionSet.join(',')
}

/**
 * The fields of one signing call (wire.js), and whether it is SigV4a (signed
 * by the sigv4a build). `payload` is the prepared body: its hash, or its bytes
 * for the core to hash in the same call. Only types are checked here; what
 * the values may hold is the core's to decide.
 * @returns {{ call: string, sigv4a: boolean }}
 */
export function encodeSigningCall({ method, url, host, headers, credentials, settings, datetime: time = settings.datetime, payload, declaresHash, diagnostics }) {
  // The time first: a secret given as the datetime is refused before any other field is read.
  const datetime = String(toEpochMs(time))
  const { sigv4a, service, regionSet } = algorithmOf(settings, host)
  const { accessKeyId = '', secretAccessKey = '', sessionToken } = credentials ?? {}
  // Written out, not spread: an object literal with a spread in it is built key by key, at every signature.
  const fields = {
    method,
    url,
    accessKeyId: credentialText(accessKeyId, 'accessKeyId'),
    secretAccessKey: credentialText(secretAccessKey, 'secretAccessKey'),
    sessionToken: credentialText(sessionToken ?? '', 'sessionToken'),
    // A given value wins; an empty one counts as not given.
    service: optionalText(service, 'ERR_INVALID_SERVICE', 'service must be a string such as lambda') || (detectEndpoint(host)?.service ?? ''),
    region: optionalText(settings.region, 'ERR_INVALID_REGION', 'region must be a string such as us-east-1') || (detectEndpoint(host)?.region ?? ''),
    signingAlgorithm: mode('signingAlgorithm', sigv4a),
    regionSet,
    datetime,
    signatureLocation: mode('signatureLocation', settings.signQuery),
    expiresIn: settings.signQuery ? toText(settings.expiresIn ?? DEFAULT_EXPIRES_IN, 'ERR_EXPIRES_RANGE', 'expiresIn must be a whole number of seconds') : '',
    uriEncoding: settings.singleEncode ? mode('uriEncoding', true) : '',
    sessionTokenPlacement: mode('sessionTokenPlacement', settings.appendSessionToken),
    headerSelection: mode('headerSelection', settings.allHeaders),
    excludedHeaders: excludedHeaders(settings.excludedHeaders),
    contentHashHeader: settings.contentHashHeader === undefined ? (declaresHash ? mode('contentHashHeader', true) : '') : toText(settings.contentHashHeader, 'ERR_INVALID_OPTIONS', 'contentHashHeader must be a string'),
    payloadHash: payload.payloadHash ?? '',
    diagnostics: mode('diagnostics', diagnostics),
  }
  return { call: encodeCall(fields, headers), sigv4a }
}

/** A credential: a string (absent reads as empty). Its content is never quoted: it may be a secret. */
function credentialText(value, name) {
  if (typeof value !== 'string') throw new IamFetchError('ERR_INVALID_CREDENTIALS', `${name} must be a string`)
  return value
}

function optionalText(value, code, message) {
  if (value == null) return ''
  if (typeof value !== 'string') throw new IamFetchError(code, message)
  return value
}

/** Comma-joined for the core: a name holding a comma would become two. */
function excludedHeaders(names) {
  if (names === undefined) return ''
  if (!Array.isArray(names) || names.some((name) => typeof name !== 'string' || name.includes(','))) {
    throw invalidOptions('excludedHeaders must be an array of header names')
  }
  return names.join(',')
}
