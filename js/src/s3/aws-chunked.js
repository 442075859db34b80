// aws-chunked uploads with signed chunks (S3's STREAMING-AWS4-HMAC-SHA256-PAYLOAD):
// the caller's stream of a known length, re-cut into `chunkSize` chunks,
// each framed and signed by the S3 build over the previous signature,
// starting from the request's own. Pulled one chunk at a time, so memory
// stays at a few chunks whatever the length. Imported, and the S3 build
// loaded, only when a request gives `contentLength`.
import { isStream, refuseLocked } from '../body.js'
import { IamFetchError } from '../errors.js'
import { toBytes } from '../hash.js'
import { invalidOptions, toEpochMs } from '../options.js'
import { checksumHeader, hasOwnChecksum } from './checksums.js'
import { encodedLength, loadS3Build, newChunkSigner } from './s3-build.js'
import { uploadTransport } from './upload-transport.js'

/**
 * The stream body prepared as an aws-chunked upload, its headers set in
 * `headers` (signed with it, but content-length, which is sent unsigned):
 * `content-encoding: aws-chunked` (before any encoding of the caller's, as S3
 * documents `aws-chunked,gzip`), `x-amz-decoded-content-length`, the encoded
 * `content-length` and, with `checksumAlgorithm`, `x-amz-trailer`. The
 * prepared body's `encode(credentials, signed, signal)` makes the bytes to send once
 * the request is signed; its `send`, when set, stands for fetch.
 */
export async function prepareChunkedUpload(body, headers, { checksumAlgorithm, contentMd5, contentLength, chunkSize }, { declaredHash, service }) {
  if (service !== 's3') throw invalidOptions(`contentLength sends a stream in signed aws-chunked chunks, which only S3 takes; this request is signed for ${service ? `'${service}'` : 'no service'}`)
  if (contentMd5 && !headers.has('content-md5')) {
    throw invalidOptions('contentMd5 needs the whole body before the first byte is sent: with contentLength, use checksumAlgorithm (sent as a signed trailer), or give content-md5 yourself')
  }
  const transport = uploadTransport()
  const trailer = checksumAlgorithm && !hasOwnChecksum(headers) ? checksumAlgorithm : ''
  const payload = prepareChunkedBody(body, { declaredHash, decodedLength: contentLength, chunkSize, trailer })
  await loadS3Build()
  const length = encodedLength(contentLength, chunkSize, trailer)
  const encoding = headers.get('content-encoding')
  headers.set('content-encoding', encoding ? `aws-chunked,${encoding}` : 'aws-chunked')
  headers.set('x-amz-decoded-content-length', String(contentLength))
  headers.set('content-length', String(length))
  if (trailer) headers.set('x-amz-trailer', checksumHeader(trailer))
  payload.encode = (credentials, signed, signal) => {
    if (signed.regionSet) throw invalidOptions('signed aws-chunked uploads are SigV4 only: this request is signed with SigV4a')
    const signer = newChunkSigner({ credentials, region: signed.region, service: signed.service, datetime: toEpochMs(signed.amzDate), signature: signed.signature, trailer })
    const onError = (error) => { payload.failure ??= error }
    return transport.body((reuse) => chunkFrames(body, { signer, decodedLength: contentLength, chunkSize, signal, reuse }), length, onError)
  }
  if (transport.send) payload.send = transport.send
  return payload
}

/** S3's payload hashes for aws-chunked bodies with signed chunks, without and with a signed trailer. */
const STREAMING_PAYLOAD = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD'
const STREAMING_PAYLOAD_TRAILER = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER'

/**
 * An aws-chunked upload of a stream of `decodedLength` bytes, signed chunk by
 * chunk: its payload hash is decided here (every other one in body.js). `trailer`
 * names the checksum algorithm sent after the last chunk, or is ''. Nothing is
 * read: the stream is encoded once the request's seed signature is known.
 * @returns {PreparedBody}
 */
function prepareChunkedBody(body, { declaredHash, decodedLength, chunkSize, trailer }) {
  if (!isStream(body)) {
    throw invalidOptions('contentLength is for a ReadableStream body, sent in signed aws-chunked chunks: a string, bytes, Blob or File has its own length, so drop contentLength')
  }
  if (declaredHash) {
    throw invalidOptions(`contentLength sends the stream with signed chunks, whose payload hash is ${STREAMING_PAYLOAD}: drop the declared x-amz-content-sha256 or payloadHash`)
  }
  refuseLocked(body)
  return { body, payloadHash: trailer ? STREAMING_PAYLOAD_TRAILER : STREAMING_PAYLOAD, replayable: false, chunked: { decodedLength, chunkSize, trailer } }
}

const CRLF = [13, 10]
/** `;chunk-signature=`, 64 hex digits and CRLF: the framing line but for the size's hex digits. */
const HEADER_FIXED_BYTES = 17 + 64 + 2
const encoder = new TextEncoder()

/**
 * The aws-chunked frames of `source`, in order: each data chunk (exactly
 * `chunkSize` bytes, only the last shorter) framed and signed in a buffer of
 * its own, then the signer's tail. Each is read from the source only when
 * asked for. With `reuse`, every frame is written into one buffer: the caller
 * must be done with a frame before asking for the next, and no garbage is
 * left per chunk. A source that gives more or fewer than `decodedLength` bytes
 * throws ERR_BODY_LENGTH_MISMATCH before anything past `decodedLength`, or
 * the final chunk, is given out; the source is cancelled on any failure,
 * and on an abort of `signal`.
 */
export async function* chunkFrames(source, { signer, decodedLength, chunkSize, signal, reuse = false }) {
  const input = sourceReader(source, decodedLength)
  // An abort ends the reading even while the source stalls, or while fetch
  // goes on pulling: Node's fetch was seen to drain a body after an abort, without cancelling it.
  const onAbort = () => input.cancel(signal.reason)
  signal?.addEventListener('abort', onAbort, { once: true })
  const frameBytes = (size) => size.toString(16).length + HEADER_FIXED_BYTES + size + CRLF.length
  const shared = reuse ? new Uint8Array(frameBytes(Math.min(chunkSize, decodedLength))) : undefined
  try {
    for (let left = decodedLength; left > 0;) {
      signal?.throwIfAborted()
      const size = Math.min(chunkSize, left)
      const headerBytes = frameBytes(size) - size - CRLF.length
      const frame = shared ? shared.subarray(0, frameBytes(size)) : new Uint8Array(frameBytes(size))
      await input.fill(frame, headerBytes, size)
      left -= size
      if (left === 0) await input.expectEnd()
      encoder.encodeInto(signer.chunkHeader(frame.subarray(headerBytes, headerBytes + size)), frame)
      frame.set(CRLF, headerBytes + size)
      yield frame
    }
    if (decodedLength === 0) await input.expectEnd()
    yield encoder.encode(signer.finish())
  } catch (error) {
    input.cancel(error)
    throw signal?.aborted ? signal.reason : error
  } finally {
    signal?.removeEventListener('abort', onAbort)
  }
}

/** Reads the source chunk by chunk into the frames, a chunk's rest kept for the next; counts against `decodedLength`. */
function sourceReader(source, decodedLength) {
  const reader = source.getReader()
  let total = 0
  let rest
  const next = async () => {
    const { done, value } = await reader.read()
    return done ? undefined : toBytes(value)
  }
  return {
    /** Copies the next `size` source bytes into `frame` from `offset`. */
    async fill(frame, offset, size) {
      let filled = 0
      while (filled < size) {
        rest ??= await next()
        if (rest === undefined) break
        const taken = Math.min(rest.byteLength, size - filled)
        frame.set(taken === rest.byteLength ? rest : rest.subarray(0, taken), offset + filled)
        rest = taken === rest.byteLength ? undefined : rest.subarray(taken)
        filled += taken
      }
      total += filled
      if (filled < size) throw mismatch(`the body stream ended after ${total} of contentLength's ${decodedLength} bytes`)
    },
    /** After the last byte expected: the source must end there. */
    async expectEnd() {
      for (;;) {
        rest ??= await next()
        if (rest === undefined) return
        if (rest.byteLength) throw mismatch(`the body stream gave more than contentLength's ${decodedLength} bytes`)
        rest = undefined
      }
    },
    cancel(reason) {
      reader.cancel(reason).catch(() => {})
    },
  }
}

function mismatch(message) {
  return new IamFetchError('ERR_BODY_LENGTH_MISMATCH', `${message}: nothing past them was sent, and the upload was abandoned`)
}
