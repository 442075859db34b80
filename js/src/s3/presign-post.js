// Presigned POST: the form fields a browser posts to an S3 bucket URL to
// upload one file under a policy the server set (key prefix, size range,
// content type), as @aws-sdk/s3-presigned-post's createPresignedPost makes
// them. The policy is base64 JSON {expiration, conditions}; its signature is
// the hex HMAC of that base64 with the SigV4 signing key, made by the S3 wasm
// build (aws-sigv4's key). Imported by AwsClient.presignPost on first use, so
// the default bundle carries none of it.
//
// Departures from the SDK, each to turn a form S3 would refuse at upload time
// into an error at presign time: conditions are checked for shape; a fixed
// value (key, bucket, a field) that another condition would refuse is
// refused; the bucket URL is checked to be one (not an object's URL).
import { IamFetchError } from '../errors.js'
import { detectEndpoint } from '../endpoint.js'
import { invalidOptions, rejectUnknownOptions, toEpochMs } from '../options.js'
import { wireUrl } from '../signer.js'
import { loadS3Build, signPolicy } from './s3-build.js'

/** createPresignedPost's default lifetime: one hour. */
const DEFAULT_EXPIRES_IN = 3600
/** The longest SigV4 allows, as for presigned URLs: 7 days. */
const MAX_EXPIRES_IN = 604_800
/** S3's longest key, in UTF-8 bytes. */
const MAX_KEY_BYTES = 1024
const FILENAME = '${filename}'
/** 9999-12-31T23:59:59.999Z, the signing call's limit. */
const MAX_EPOCH_MS = 253_402_300_799_999
const OPTIONS = ['key', 'conditions', 'fields', 'expiresIn', 'bucket', 'aws']
/** What `aws` may override for one call: the rest of the signing options mean nothing to a policy. */
const PER_CALL_OPTIONS = ['accessKeyId', 'secretAccessKey', 'sessionToken', 'region', 'service', 'datetime']
/** Fields presignPost sets itself (the bucket is named by the URL or `bucket`): a caller's would contradict them. */
const RESERVED_FIELDS = new Set(['key', 'bucket', 'file', 'policy', 'x-amz-algorithm', 'x-amz-credential', 'x-amz-date', 'x-amz-security-token', 'x-amz-signature'])
/**
 * A virtual-hosted bucket: the labels before S3's own (`s3`, `s3-<region>`,
 * `s3-fips`, `s3-accelerate`…) on an AWS host. Greedy, so that a bucket name
 * with dots in it keeps them.
 */
const VIRTUAL_HOSTED = /^(.+)\.s3(?:-[a-z0-9-]+)?\.(?:[a-z0-9-]+\.)*amazonaws\.com(?:\.cn)?$/

/**
 * Reads and checks presignPost's arguments, before any credentials are
 * fetched: the URL, bucket, region and service, and the policy's conditions
 * less the signing fields. `clientSettings` are the client's, before `aws`.
 */
export function preparePost(url, options, clientSettings) {
  if (options == null || typeof options !== 'object') throw invalidOptions('presignPost takes an options object with at least `key`')
  rejectUnknownOptions(options, OPTIONS, 'presignPost')
  rejectUnknownOptions(options.aws, PER_CALL_OPTIONS, 'presignPost aws')
  const { key, conditions = [], fields = {}, expiresIn = DEFAULT_EXPIRES_IN, aws } = options
  // Anything else would be read as '', which a page resolves to its own URL.
  if (typeof url !== 'string' && !(url instanceof URL)) throw new IamFetchError('ERR_INVALID_URL', 'presignPost takes the URL of a bucket, a string or a URL')
  const target = wireUrl(url instanceof URL ? url.href : url)
  if (target.protocol !== 'https:' && target.protocol !== 'http:') throw new IamFetchError('ERR_INVALID_URL', 'presignPost takes the http(s) URL of a bucket')
  const bucket = options.bucket === undefined ? bucketOf(target) : text(options.bucket, 'ERR_INVALID_OPTIONS', 'bucket')
  checkKey(key)
  if (!Number.isInteger(expiresIn) || expiresIn < 1 || expiresIn > MAX_EXPIRES_IN) {
    throw new IamFetchError('ERR_EXPIRES_RANGE', `expiresIn must be a whole number of seconds in 1..${MAX_EXPIRES_IN}`)
  }
  const settings = aws == null ? clientSettings : { ...clientSettings, ...aws }
  // Checked now, not once the credentials are fetched.
  if (settings.datetime != null) epochMsOf(settings.datetime)
  const region = text(settings.region ?? '', 'ERR_INVALID_REGION', 'region') || detectEndpoint(target.host)?.region
  if (!region) throw new IamFetchError('ERR_MISSING_REGION', `no region given, and ${target.host} does not name one: pass \`region\` to the client`)
  const service = text(settings.service ?? '', 'ERR_INVALID_SERVICE', 'service') || 's3'
  const callerFields = fieldsOf(fields)
  const callerConditions = conditionsOf(conditions)
  checkFixedValues(callerConditions, { bucket, key, fields: callerFields })
  const policyConditions = [{ bucket }, ...callerConditions, ...callerFields.map(([name, value]) => ({ [name]: value })), keyCondition(key)]
  return { url: target.href, key, region, service, expiresIn, settings, callerFields, conditions: policyConditions }
}

/**
 * The form: the caller's fields, key, the signing fields and the signed policy.
 * `datetime` is the signing time (epoch ms, or what the `datetime` option takes).
 */
export async function signPost(post, credentials, datetime) {
  await loadS3Build()
  const epochMs = epochMsOf(datetime)
  const amzDate = new Date(epochMs).toISOString().replace(/[-:]|\.\d{3}/g, '')
  const { accessKeyId, secretAccessKey, sessionToken } = credentials
  for (const value of [accessKeyId, secretAccessKey, sessionToken ?? '']) {
    if (typeof value !== 'string') throw new IamFetchError('ERR_INVALID_CREDENTIALS', 'the credentials must be strings')
  }
  const signingFields = [
    ['x-amz-algorithm', 'AWS4-HMAC-SHA256'],
    ['x-amz-credential', `${accessKeyId}/${amzDate.slice(0, 8)}/${post.region}/${post.service}/aws4_request`],
    ['x-amz-date', amzDate],
    ...(sessionToken ? [['x-amz-security-token', sessionToken]] : []),
  ]
  const expiration = new Date(epochMs + post.expiresIn * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')
  // The key's condition last, as the SDK orders them; every field is covered by one, or S3 answers "Extra input fields".
  const keyAt = post.conditions.length - 1
  const conditions = [...post.conditions.slice(0, keyAt), ...signingFields.map(([name, value]) => ({ [name]: value })), post.conditions[keyAt]]
  const policy = base64(JSON.stringify({ expiration, conditions }))
  // The wasm checks the credentials and scope, and never quotes them.
  const signature = signPolicy({ credentials: { accessKeyId, secretAccessKey }, region: post.region, service: post.service, datetime: epochMs, policy })
  return {
    url: post.url,
    fields: Object.fromEntries([...post.callerFields, ['key', post.key], ...signingFields, ['policy', policy], ['x-amz-signature', signature]]),
  }
}

/** The bucket a URL names: the host's first labels (virtual-hosted, on AWS), else the path's one segment. */
function bucketOf(url) {
  const hosted = VIRTUAL_HOSTED.exec(url.hostname)
  const segments = url.pathname.split('/').filter(Boolean)
  if (hosted) {
    if (segments.length) throw new IamFetchError('ERR_INVALID_URL', `a form is posted to the bucket's URL, ${url.origin}/, not to an object's`)
    return hosted[1]
  }
  if (segments.length === 1) {
    try {
      return decodeURIComponent(segments[0])
    } catch {
      throw new IamFetchError('ERR_INVALID_URL', 'the bucket in the URL\'s path is not valid percent-encoded UTF-8')
    }
  }
  throw new IamFetchError('ERR_INVALID_URL', segments.length
    ? 'a form is posted to the bucket\'s URL (path style: https://host/<bucket>), not to an object\'s'
    : `cannot tell the bucket from ${url.host}: pass \`bucket\`, or the bucket's URL`)
}

function checkKey(key) {
  if (typeof key !== 'string' || key === '') throw invalidOptions('presignPost needs `key`, the object key (a string; it may hold ${filename})')
  if (new TextEncoder().encode(key).length > MAX_KEY_BYTES) throw invalidOptions(`key is over ${MAX_KEY_BYTES} bytes of UTF-8, S3's longest`)
}

/**
 * As the SDK: a key with ${filename} (which S3 replaces by the file's name)
 * allows any key with the text before it; any other key, that key alone.
 */
function keyCondition(key) {
  const at = key.indexOf(FILENAME)
  return at === -1 ? { key } : ['starts-with', '$key', key.slice(0, at)]
}

/** The caller's fields as [name, value] pairs: each is also an exact-match condition. */
function fieldsOf(fields) {
  if (fields === null || typeof fields !== 'object' || Array.isArray(fields)) throw invalidOptions('fields must be an object of form field names and string values')
  const seen = new Set()
  return Object.entries(fields).map(([name, value]) => {
    const lower = name.toLowerCase()
    if (RESERVED_FIELDS.has(lower)) throw invalidOptions(`fields: ${name} is set by presignPost${lower === 'bucket' ? ' (the bucket comes from the URL or the `bucket` option)' : lower === 'key' ? ' (pass `key`)' : ''}`)
    // S3 reads field names without regard to case: two spellings are one field sent twice.
    if (seen.has(lower)) throw invalidOptions(`fields: ${name} is given twice, in different cases`)
    seen.add(lower)
    if (typeof value !== 'string') throw invalidOptions(`fields: the value of ${name} must be a string`)
    return [name, value]
  })
}

/** The caller's conditions, in S3's three shapes; values are not quoted back (they may be anything). */
function conditionsOf(conditions) {
  if (!Array.isArray(conditions)) throw invalidOptions('conditions must be an array')
  let ranges = 0
  return conditions.map((condition, at) => {
    const where = `conditions[${at}]`
    if (condition !== null && typeof condition === 'object' && !Array.isArray(condition)) {
      const entries = Object.entries(condition)
      if (entries.length !== 1 || typeof entries[0][1] !== 'string') throw invalidOptions(`${where}: an exact match is one { field: 'value' } pair, its value a string`)
      return condition
    }
    if (!Array.isArray(condition) || condition.length !== 3) {
      throw invalidOptions(`${where} must be { field: 'value' }, ['eq' | 'starts-with', '$field', 'value'] or ['content-length-range', min, max]`)
    }
    const [op, field, value] = condition
    if (op === 'content-length-range') {
      const [, min, max] = condition
      if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || min < 0 || min > max) {
        throw invalidOptions(`${where}: content-length-range takes two whole numbers of bytes, 0 <= min <= max`)
      }
      if (++ranges > 1) throw invalidOptions(`${where}: a policy has one content-length-range`)
      return condition
    }
    if (op !== 'eq' && op !== 'starts-with') throw invalidOptions(`${where}: the operator must be 'eq', 'starts-with' or 'content-length-range'`)
    if (typeof field !== 'string' || !/^\$./.test(field)) throw invalidOptions(`${where}: the field must be a string that starts with $, such as '$key'`)
    if (typeof value !== 'string') throw invalidOptions(`${where}: the value to match must be a string`)
    return condition
  })
}

/**
 * A caller's condition that the key, the bucket or a caller's field can never
 * meet would make every upload fail: refused now. A key with ${filename} is
 * judged by its fixed start: refused only when no file name could help.
 */
function checkFixedValues(conditions, { bucket, key, fields }) {
  const fixed = new Map([['bucket', bucket], ...fields.map(([name, value]) => [name.toLowerCase(), value])])
  const keyStart = key.includes(FILENAME) ? key.slice(0, key.indexOf(FILENAME)) : undefined
  if (keyStart === undefined) fixed.set('key', key)
  conditions.forEach((condition, at) => {
    const [op, field, expected] = Array.isArray(condition) ? condition : ['eq', ...Object.entries(condition)[0]]
    if (op === 'content-length-range') return
    const name = (Array.isArray(condition) ? field.slice(1) : field).toLowerCase()
    const value = fixed.get(name)
    const holds = name === 'key' && keyStart !== undefined
      ? op === 'starts-with' ? keyStart.startsWith(expected) || expected.startsWith(keyStart) : expected.startsWith(keyStart)
      : value === undefined || (op === 'eq' ? value === expected : value.startsWith(expected))
    if (!holds) throw invalidOptions(`the ${name} given can never meet conditions[${at}]: every upload would be refused`)
  })
}

/** A string option; its value is not quoted back. */
function text(value, code, name) {
  if (typeof value !== 'string') throw new IamFetchError(code, `${name} must be a string`)
  return value
}

/** Whole epoch milliseconds of a signing time, within what a Date (and the wasm) can take. */
function epochMsOf(datetime) {
  const epochMs = Math.floor(toEpochMs(datetime))
  if (!(epochMs >= 0 && epochMs <= MAX_EPOCH_MS)) throw new IamFetchError('ERR_INVALID_DATETIME', 'datetime must be a valid instant between 1970 and 9999')
  return epochMs
}

/** Base64 of the UTF-8 of `json`, as S3 decodes the policy field. */
function base64(json) {
  let binary = ''
  for (const byte of new TextEncoder().encode(json)) binary += String.fromCharCode(byte)
  return btoa(binary)
}
