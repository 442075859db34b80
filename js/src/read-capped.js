// Reading an answer whole, bounded: at most so many bytes, and the whole body
// within a deadline. Every answer iamfetch reads for itself (credential and
// metadata endpoints, STS, Cognito, a JWKS) goes through here, so that a
// hostile or broken server can neither fill memory nor hold a call past its
// time by dripping a body.
import { IamFetchError } from './errors.js'

/** A body that did not arrive whole within its deadline: callers treat it as a network failure (retried where they retry). */
export class BodyDeadlineError extends Error {
  constructor(what, deadlineMs) {
    super(`${what}: the answer's body did not arrive within ${deadlineMs} ms`)
    this.name = 'TimeoutError'
  }
}

/**
 * @param {Response} response
 * @param {{ maxBytes: number, deadlineMs: number, what: string }} limits
 * @returns {Promise<Uint8Array>} the body; past `maxBytes` an IamFetchError
 *   ERR_UNEXPECTED_RESPONSE, past `deadlineMs` a BodyDeadlineError, and the
 *   body is cancelled either way: nothing past the cap is buffered.
 */
export async function readCapped(response, { maxBytes, deadlineMs, what }) {
  const declared = Number(response.headers.get('content-length'))
  if (declared > maxBytes) {
    await response.body?.cancel().catch(() => {})
    throw tooLarge(what, maxBytes)
  }
  if (!response.body) return new Uint8Array(0)
  const reader = response.body.getReader()
  let timer
  const deadline = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new BodyDeadlineError(what, deadlineMs)), deadlineMs)
  })
  const chunks = []
  let length = 0
  try {
    for (;;) {
      const { done, value } = await Promise.race([reader.read(), deadline])
      if (done) break
      length += value.byteLength
      if (length > maxBytes) throw tooLarge(what, maxBytes)
      chunks.push(value)
    }
  } catch (error) {
    reader.cancel().catch(() => {})
    throw error
  } finally {
    clearTimeout(timer)
  }
  return concatBytes(chunks, length)
}

/** The chunks as one Uint8Array of `length` bytes (their total). */
export function concatBytes(chunks, length) {
  const bytes = new Uint8Array(length)
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.byteLength
  }
  return bytes
}

/** What is left of an attempt's time limit for its body, fetched since `startedAt`; with no limit, `fallbackMs`. */
export function bodyDeadlineMs(startedAt, timeoutMs, fallbackMs) {
  return timeoutMs ? Math.max(1, startedAt + timeoutMs - Date.now()) : fallbackMs
}

/** The same, decoded as UTF-8. */
export async function readCappedText(response, limits) {
  return new TextDecoder().decode(await readCapped(response, limits))
}

function tooLarge(what, maxBytes) {
  return new IamFetchError('ERR_UNEXPECTED_RESPONSE', `${what} answered more than ${maxBytes} bytes`)
}
