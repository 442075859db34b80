// The S3 build's exports (build-list.js `s3`), loaded beside the core the
// first time a request asks for a checksum, an aws-chunked upload or a POST
// policy: the default download carries none of it. Each call goes through
// callWasm; the build throws its refusals as `<code>\n<message>`, turned here
// into IamFetchError (thrown inside callWasm, so no fresh instance is made).
import { callWasm, ready } from '../core.js'
import { IamFetchError } from '../errors.js'

/** Loads the S3 build; resolves once it can be called. */
export function loadS3Build() {
  return ready('s3')
}

function callS3(fn) {
  return callWasm((w) => {
    try {
      return fn(w)
    } catch (error) {
      if (typeof error !== 'string') throw error
      const newline = error.indexOf('\n')
      throw new IamFetchError(error.slice(0, newline), error.slice(newline + 1))
    }
  }, 's3')
}

/**
 * An incremental checksum: `update(bytes)` per chunk, then `digest()`, the
 * base64 S3 takes in `x-amz-checksum-<algorithm>` (or `Content-MD5` for 'MD5').
 * The S3 build must be loaded. Its wasm memory is freed by `digest()`.
 */
export function newChecksum(algorithm) {
  const checksum = callS3((w) => new w.Checksum(algorithm))
  return {
    update: (bytes) => callS3(() => checksum.update(bytes)),
    digest: () => spend(checksum, () => checksum.digest()),
  }
}

/**
 * The chunk signatures of one aws-chunked upload, continuing from the
 * request's seed `signature`, made at `datetime` (epoch ms) for `region` and
 * `service`; `trailer` is the checksum algorithm sent after the last chunk, or
 * ''. `chunkHeader(bytes)` gives the framing line before each chunk (which is
 * then followed by CRLF); `finish()` everything after the last.
 */
export function newChunkSigner({ credentials, region, service, datetime, signature, trailer = '' }) {
  const signer = callS3((w) => new w.ChunkSigner(credentials.accessKeyId, credentials.secretAccessKey, region, service, datetime, signature, trailer))
  return {
    chunkHeader: (bytes) => callS3(() => signer.chunkHeader(bytes)),
    finish: () => spend(signer, () => signer.finish()),
  }
}

/** Makes the last call on a wasm object, then frees its memory; a second last call is refused. */
function spend(object, lastCall) {
  if (object.spent) throw new IamFetchError('ERR_INVALID_OPTIONS', 'this checksum or chunk signer has already finished')
  try {
    return callS3(lastCall)
  } finally {
    object.spent = true
    object.free()
  }
}

/** The Content-Length of an aws-chunked body of `decodedLength` bytes in `chunkSize` chunks, with `trailer` ('' or an algorithm). */
export function encodedLength(decodedLength, chunkSize, trailer = '') {
  return callS3((w) => w.encodedLength(decodedLength, chunkSize, trailer))
}

/** The hex signature of a POST policy's base64, made at `datetime` (epoch ms). */
export function signPolicy({ credentials, region, service, datetime, policy }) {
  return callS3((w) => w.signPolicy(credentials.accessKeyId, credentials.secretAccessKey, region, service, datetime, policy))
}
