// S3's integrity headers for a body sent whole: `x-amz-checksum-<algorithm>`
// and `content-md5`, computed by the S3 build over exactly the bytes sent,
// fed the same chunks as SHA-256 in the same pass (body.js). Imported, and
// the S3 build loaded, only when a request asks for a checksum.
import { prepareBody } from '../body.js'
import { CHECKSUM_ALGORITHMS } from './upload-options.js'
import { loadS3Build, newChecksum } from './s3-build.js'

/** The header that carries `algorithm`'s checksum (lower case, as S3 names it). */
export function checksumHeader(algorithm) {
  return `x-amz-checksum-${algorithm.toLowerCase()}`
}

const CHECKSUM_HEADERS = CHECKSUM_ALGORITHMS.map(checksumHeader)
/** A checksum header goes before the body, so a stream is buffered for it even with its hash declared. */
const CHECKSUMMED_STREAM_REMEDY = 'its checksum header goes before it, so it is buffered: to S3, send it with contentLength (signed chunks, the checksum in a trailer), or raise maxBufferedBodyBytes'

/**
 * Whether the caller sent a checksum of their own. It is kept and signed as
 * given, and no other is added: S3 takes one checksum per request. (Not any
 * `x-amz-checksum-` prefix: `-mode` and `-type` are no checksums.)
 * @param {Headers} headers
 */
export function hasOwnChecksum(headers) {
  return CHECKSUM_HEADERS.some((name) => headers.has(name))
}

/**
 * The body prepared for signing (body.js prepareBody), with the checksums
 * `checksumAlgorithm` and `contentMd5` ask for set in `headers`, where they
 * are signed. A caller's own header is kept, and that checksum not computed.
 * @param {BodyInit | null | undefined} body
 * @param {Headers} headers
 * @param {{ checksumAlgorithm?: string, contentMd5: boolean }} asked
 * @param {object} options prepareBody's
 */
export async function prepareChecksummedBody(body, headers, { checksumAlgorithm, contentMd5 }, options) {
  const wanted = []
  if (checksumAlgorithm && !hasOwnChecksum(headers)) wanted.push([checksumHeader(checksumAlgorithm), checksumAlgorithm])
  if (contentMd5 && !headers.has('content-md5')) wanted.push(['content-md5', 'MD5'])
  if (wanted.length === 0) return prepareBody(body, options)
  await loadS3Build()
  const digests = wanted.map(([, algorithm]) => newChecksum(algorithm))
  const payload = await prepareBody(body, { ...options, digests, bufferRemedy: CHECKSUMMED_STREAM_REMEDY })
  wanted.forEach(([name], i) => headers.set(name, digests[i].digest()))
  return payload
}
