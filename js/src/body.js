// Bodies: what is hashed for the signature and what is sent. Every fetch body
// type is accepted; large ones are hashed in chunks with bounded memory.
import { currentBindings, init } from './core.js'
import { IamFetchError } from './errors.js'
import { Sha256, toBytes } from './hash.js'
import { concatBytes } from './read-capped.js'
import { whenReady } from './when-ready.js'

/**
 * From this size on, contiguous bodies are hashed by WebCrypto where it exists.
 * Measured in Node 20 (wasm / WebCrypto time): 4 KiB 0.31, 16 KiB 0.87,
 * 64 KiB 2.2, 1 MiB 4.8: WebCrypto's async overhead loses on small bodies only.
 */
const WEBCRYPTO_MIN_BYTES = 32 * 1024
/** Streams without a declared hash are buffered up to this many bytes by default. */
export const DEFAULT_MAX_BUFFERED_BODY_BYTES = 16 * 1024 * 1024

/**
 * Whether this runtime's fetch can send a ReadableStream as a request body.
 * The entries that may run in a browser set it (load.browser.js, load.inline.js).
 */
let fetchSendsStreams = true
export function setFetchSendsStreams(value) {
  fetchSendsStreams = value
}

/**
 * The browsers that can send a stream body (Chromium) implement Request's
 * `duplex`, as the Fetch standard asks; Firefox would send the text
 * "[object ReadableStream]" and Safari throws NotSupportedError. Node does
 * implement it; Deno and Bun stream without it.
 */
export function fetchSendsStreamsHere() {
  return typeof Deno !== 'undefined' || typeof Bun !== 'undefined' || 'duplex' in Request.prototype
}

/**
 * @typedef {object} PreparedBody
 * @property {BodyInit | null} body what to send
 * @property {Uint8Array} [bytes] small contiguous bodies: hashed by the core in the signing call
 * @property {string} [text] short string bodies: written into the core's memory as UTF-8 and hashed there, in the signing call
 * @property {string} [payloadHash] the hex SHA-256, when hashed here or declared
 * @property {boolean} replayable whether the body can be sent again (retries)
 * @property {string} [contentType] a content-type the body needs (multipart boundary)
 * @property {{ decodedLength: number, chunkSize: number, trailer: string }} [chunked] an aws-chunked upload: `body` is the
 *   caller's stream, encoded once the seed signature is known (s3/aws-chunked.js, which decides its payload hash)
 */

/**
 * A digest a body is fed to besides SHA-256, such as S3's checksums
 * (s3/checksums.js): given the very bytes that are hashed and sent.
 * @typedef {{ update(bytes: Uint8Array): unknown }} Digest
 */

/**
 * The payload hash the caller declared, if any: their own x-amz-content-sha256
 * header first (it is what they send), then the `payloadHash` option. When
 * neither is there, the body is hashed (prepareBody). Every signing path
 * decides the payload hash through these two functions.
 * @param {Headers} headers
 * @param {{ payloadHash?: string }} [options]
 */
export function declaredPayloadHash(headers, options) {
  const option = options?.payloadHash
  if (option != null && typeof option !== 'string') {
    throw new IamFetchError('ERR_INVALID_PAYLOAD_HASH', 'payloadHash must be a string: a hex SHA-256, or UNSIGNED-PAYLOAD where the service accepts it')
  }
  return headers.get('x-amz-content-sha256')?.trim() || option || undefined
}

/**
 * The body prepared for signing: at once (no promise) for what needs no
 * reading (no body, a declared hash, strings, buffers, URLSearchParams), a
 * promise of it for what must be read or hashed first (Blob, File, FormData,
 * streams, large buffers hashed by WebCrypto). A body refused is thrown at once.
 * `digests` are fed the bytes sent, chunk by chunk as SHA-256 gets them: a
 * body with a declared hash is then read all the same, and a stream is
 * buffered (within maxBufferedBodyBytes, past which `bufferRemedy` says what
 * to do) since its checksum goes before it.
 * @param {BodyInit | null | undefined} body
 * @param {{ declaredHash?: string, maxBufferedBodyBytes?: number, onHashProgress?: (done: number, total?: number) => void, signal?: AbortSignal, digests?: Digest[], bufferRemedy?: string }} [options]
 * @returns {PreparedBody | Promise<PreparedBody>}
 */
export function prepareBody(body, { declaredHash, maxBufferedBodyBytes = DEFAULT_MAX_BUFFERED_BODY_BYTES, onHashProgress, signal, digests, bufferRemedy } = {}) {
  if (declaredHash && digests) {
    // Read for the digests only: the declared hash stays what is signed.
    return whenReady(prepareBody(body, { maxBufferedBodyBytes, onHashProgress, signal, digests, bufferRemedy }),
      ({ body, contentType }) => ({ body, payloadHash: declaredHash, replayable: true, contentType }))
  }
  if (declaredHash) {
    if (!isStream(body)) return { body: body ?? null, payloadHash: declaredHash, replayable: true }
    refuseLocked(body)
    if (fetchSendsStreams) return { body, payloadHash: declaredHash, replayable: false }
    return bufferStream(body, maxBufferedBodyBytes, onHashProgress, signal,
      'this browser cannot send a stream as a request body, so it is buffered even with its hash declared: raise maxBufferedBodyBytes, or send a Blob')
      .then((bytes) => ({ body: bytes, payloadHash: declaredHash, replayable: true }))
  }
  if (body == null) return contiguous(null, new Uint8Array(0), digests)
  // At most 3 UTF-8 bytes per UTF-16 unit, so under WebCrypto's threshold: the
  // core encodes it into its own memory, with no copy of the bytes made here.
  if (typeof body === 'string' && body.length * 3 < WEBCRYPTO_MIN_BYTES && !digests) return { body, text: body, replayable: true }
  if (typeof body === 'string' || ArrayBuffer.isView(body) || Object.prototype.toString.call(body) === '[object ArrayBuffer]') {
    const bytes = toBytes(body)
    if (bytes.buffer.resizable || bytes.buffer.growable) {
      throw new IamFetchError('ERR_UNSUPPORTED_BODY', 'fetch does not send a resizable ArrayBuffer: send a fixed copy, buffer.slice()')
    }
    return contiguous(body, bytes, digests)
  }
  if (body instanceof URLSearchParams) {
    // fetch sends exactly toString(), with its own form content-type.
    return contiguous(body, toBytes(body.toString()), digests)
  }
  if (typeof FormData !== 'undefined' && body instanceof FormData) return prepareForm(body, onHashProgress, signal, digests)
  if (typeof Blob !== 'undefined' && body instanceof Blob) {
    return hashBlob(body, onHashProgress, signal, digests).then((payloadHash) => ({ body, payloadHash, replayable: true }))
  }
  if (isStream(body)) {
    refuseLocked(body)
    return bufferStream(body, maxBufferedBodyBytes, onHashProgress, signal, bufferRemedy)
      .then((bytes) => contiguous(bytes, bytes, digests))
  }
  throw new IamFetchError('ERR_UNSUPPORTED_BODY', `cannot send a body of type ${Object.prototype.toString.call(body)}`)
}

/** Serialized once: the bytes hashed are the bytes sent, boundary included. */
async function prepareForm(form, onHashProgress, signal, digests) {
  const serialized = new Response(form)
  const contentType = serialized.headers.get('content-type')
  const blob = await serialized.blob()
  return { body: blob, payloadHash: await hashBlob(blob, onHashProgress, signal, digests), replayable: true, contentType }
}

export function refuseLocked(stream) {
  if (stream.locked) throw new IamFetchError('ERR_UNSUPPORTED_BODY', 'the body stream is locked: a reader already holds it, so it cannot be read or sent')
}

export function isStream(body) {
  return typeof ReadableStream !== 'undefined' && body instanceof ReadableStream
}

/** A contiguous body prepared: a small one's bytes go to the core with the signing call, with no await here. */
function contiguous(body, bytes, digests) {
  if (digests) feed(digests, bytes)
  if (bytes.byteLength >= WEBCRYPTO_MIN_BYTES && globalThis.crypto?.subtle && !(bytes.buffer instanceof SharedArrayBufferOrNone)) {
    return crypto.subtle.digest('SHA-256', bytes).then((digest) => ({ body, payloadHash: toHex(digest), replayable: true }))
  }
  return { body, bytes, replayable: true }
}

// WebCrypto refuses views of SharedArrayBuffer; such bodies take the wasm path.
const SharedArrayBufferOrNone = globalThis.SharedArrayBuffer ?? class {}

function toHex(buffer) {
  return Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, '0')).join('')
}

/** Blobs and streams are hashed this many bytes at a time: small enough for bounded memory, large enough to amortize the JS→wasm crossing. */
const CHUNK_BYTES = 1 << 20
/** Blobs up to this size are read whole and hashed by WebCrypto: bounded memory, 4x the speed. */
const WEBCRYPTO_MAX_BLOB_BYTES = 8 * 1024 * 1024

/**
 * Feeds `bytes` to each digest a chunk at a time: V8 tiers a wasm function up
 * between calls, not during one long call (see hashBlob's chunks).
 */
function feed(digests, bytes) {
  for (let offset = 0; offset < bytes.byteLength; offset += CHUNK_BYTES) {
    const chunk = bytes.subarray(offset, offset + CHUNK_BYTES)
    for (const digest of digests) digest.update(chunk)
  }
}

/**
 * Hashes a Blob a chunk at a time: a 1 GiB file never sits in memory. An
 * abort stops it between chunks. `digests` get the same chunks, in the same pass.
 */
export async function hashBlob(blob, onHashProgress, signal, digests) {
  // The only body preparation that hashes in wasm here (the others hash in the signing call).
  if (!currentBindings()) await init()
  if (blob.size >= WEBCRYPTO_MIN_BYTES && blob.size <= WEBCRYPTO_MAX_BLOB_BYTES && globalThis.crypto?.subtle) {
    const bytes = new Uint8Array(await blob.arrayBuffer())
    if (digests) feed(digests, bytes)
    const hash = toHex(await crypto.subtle.digest('SHA-256', bytes))
    onHashProgress?.(blob.size, blob.size)
    return hash
  }
  // Sha256 refuses to go on if a trap elsewhere, between two chunks, replaced its instance.
  const hasher = new Sha256()
  try {
    for (let offset = 0; offset < blob.size; offset += CHUNK_BYTES) {
      signal?.throwIfAborted()
      const chunk = new Uint8Array(await blob.slice(offset, offset + CHUNK_BYTES).arrayBuffer())
      hasher.update(chunk)
      if (digests) feed(digests, chunk)
      onHashProgress?.(Math.min(offset + CHUNK_BYTES, blob.size), blob.size)
    }
    if (blob.size === 0) onHashProgress?.(0, 0)
    return hasher.digest()
  } finally {
    hasher.free()
  }
}

/**
 * A Request's body as a Blob, or null: read as fetch would send it, so its
 * stream must yield Uint8Array chunks and must not have been read already.
 * `keep` reads a clone, leaving the caller's Request unread. An abort stops
 * the reading with the signal's reason.
 * @param {Request} request
 * @param {{ signal?: AbortSignal, keep?: boolean }} [options]
 */
export async function readRequestBody(request, { signal, keep = false } = {}) {
  if (request.body == null) return null
  if (request.bodyUsed || request.body.locked) {
    throw new IamFetchError('ERR_UNSUPPORTED_BODY', "the Request's body was already read: pass a fresh Request, or clone() it before reading it")
  }
  const stream = keep ? request.clone().body : request.body
  return new Blob([await readUpTo(stream, Infinity, undefined, signal, requestChunk)])
}

/** fetch sends a Request's stream only if it yields Uint8Array chunks (by tag: another realm's are bytes too). */
function requestChunk(value) {
  const tag = Object.prototype.toString.call(value)
  if (tag !== '[object Uint8Array]') {
    throw new IamFetchError('ERR_UNSUPPORTED_BODY', `the Request's body stream yielded a ${tag.slice(8, -1)} chunk: fetch sends only Uint8Array chunks`)
  }
  return toBytes(value)
}

/** Reads a stream into one buffer, refusing to go past `limit` bytes. */
async function bufferStream(stream, limit, onHashProgress, signal,
  remedy = 'declare its hash in x-amz-content-sha256 to send it unbuffered, or raise maxBufferedBodyBytes') {
  const bytes = await readUpTo(stream, limit, (size) => onHashProgress?.(size, undefined), signal)
  if (bytes === undefined) {
    throw new IamFetchError('ERR_BODY_TOO_LARGE', `the stream body passed ${limit} bytes: ${remedy}`)
  }
  return bytes
}

/**
 * A stream's bytes in one buffer, or undefined (and the stream cancelled) once
 * they pass `limit`. `onChunk(sizeSoFar)` follows the reading. By default
 * (`toChunk`) chunks may be any BufferSource or string (UTF-8), as the
 * caller's stream produced them; anything else is refused. An abort cancels
 * the stream, even mid-read of a stalled one, and rejects with the signal's reason.
 */
export async function readUpTo(stream, limit, onChunk, signal, toChunk = toBytes) {
  signal?.throwIfAborted()
  const chunks = []
  let size = 0
  const reader = stream.getReader()
  // Cancelling settles a pending read at once, however long the source stalls.
  const onAbort = () => reader.cancel(signal.reason).catch(() => {})
  signal?.addEventListener('abort', onAbort, { once: true })
  try {
    for (;;) {
      const { done, value } = await reader.read()
      signal?.throwIfAborted()
      if (done) break
      const chunk = toChunk(value)
      size += chunk.byteLength
      if (size > limit) {
        reader.cancel().catch(() => {})
        return undefined
      }
      chunks.push(chunk)
      onChunk?.(size)
    }
  } catch (error) {
    // A chunk that is not bytes, or a progress callback that threw: the source learns why and is released.
    reader.cancel(error).catch(() => {})
    throw error
  } finally {
    signal?.removeEventListener('abort', onAbort)
  }
  return concatBytes(chunks, size)
}
