// The form a signature crosses into the wasm core in, declared by name: one
// string in, one string out, fields separated by `\n`. Reading a JS object
// field by field from Rust costs more than the signature's own hashing, so the
// fields travel as lines, in the order below. src/wire.rs declares the same
// names in the same order, and tests/wire_format.rs checks that both agree.

/** A signing call's fields, in order; then each header's name and value, to the end. */
export const CALL_FIELDS = [
  'method', 'url', 'accessKeyId', 'secretAccessKey', 'sessionToken', 'service', 'region', 'signingAlgorithm', 'regionSet',
  'datetime', 'signatureLocation', 'expiresIn', 'uriEncoding', 'sessionTokenPlacement', 'headerSelection', 'excludedHeaders',
  'contentHashHeader', 'payloadHash', 'diagnostics',
]

/**
 * An answer's fields after its first line, `ok` (an error's first line is its
 * code, and the rest its message); then `headerCount` header name and value
 * pairs; then, from the diagnostics build, the string to sign (4 lines) and
 * the canonical request to the end.
 */
export const RESULT_FIELDS = ['signature', 'amzDate', 'service', 'region', 'regionSet', 'payloadHash', 'signedHeaders', 'url', 'headerCount']

/**
 * Each mode field's two spellings, as the core parses them (src/settings.rs):
 * the default first. JS writes a mode only through `mode()`.
 */
export const MODES = {
  signingAlgorithm: ['sigv4', 'sigv4a'],
  signatureLocation: ['headers', 'query'],
  uriEncoding: ['double', 'single'],
  sessionTokenPlacement: ['signed', 'appended'],
  headerSelection: ['default', 'all'],
  contentHashHeader: ['omit', 'include'],
  diagnostics: ['off', 'capture'],
}

/** The spelling of mode `field`: its second when `on`, else its default. */
export function mode(field, on) {
  return MODES[field][on ? 1 : 0]
}

const STRING_TO_SIGN_LINES = 4

/**
 * The call's text. `fields` holds a string for each name of CALL_FIELDS
 * (absent: empty), `headers` the [name, value] pairs to sign. A line break
 * inside a value would shift every field after it: it becomes a NUL, which
 * the core's rule for each field refuses with that field's own error code.
 * @param {Record<string, string>} fields
 * @param {Iterable<[string, string]>} headers
 */
export function encodeCall(fields, headers) {
  // Joined once into a flat string: concatenation would build a rope, flattened again before encodeInto writes it.
  const lines = []
  for (const name of CALL_FIELDS) lines.push(lineOf(fields[name]))
  for (const [name, value] of headers) lines.push(lineOf(name), lineOf(value))
  return lines.join('\n')
}

function lineOf(value = '') {
  return value.includes('\n') ? value.replaceAll('\n', '\0') : value
}

/**
 * The core's answer as an object keyed by RESULT_FIELDS (signedHeaders split,
 * headers as pairs, stringToSign and canonicalRequest when captured), or an
 * error's `{ code, message }`.
 * @param {string} text
 */
export function decodeAnswer(text) {
  const lines = text.split('\n')
  if (lines[0] !== 'ok') return { error: { code: lines[0], message: lines.slice(1).join('\n') } }
  const answer = {}
  let at = 1
  for (const name of RESULT_FIELDS) answer[name] = lines[at++]
  const headers = []
  for (let left = Number(answer.headerCount); left > 0; left--, at += 2) headers.push([lines[at], lines[at + 1]])
  answer.headers = headers
  answer.signedHeaders = answer.signedHeaders.split(';')
  if (lines.length > at) {
    answer.stringToSign = lines.slice(at, at + STRING_TO_SIGN_LINES).join('\n')
    answer.canonicalRequest = lines.slice(at + STRING_TO_SIGN_LINES).join('\n')
  }
  return answer
}
