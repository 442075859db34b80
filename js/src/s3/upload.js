// A request that asks for S3's checksums or an aws-chunked upload: its options
// checked, then its body prepared by the module for either, each imported (and
// the S3 build loaded) only when asked for. client.js imports this only then.
import { prepareBody } from '../body.js'
import { detectEndpoint } from '../endpoint.js'
import { invalidOptions } from '../options.js'
import { s3UploadOptions } from './upload-options.js'

/**
 * The body prepared (body.js's PreparedBody), with the S3 headers it needs set
 * in `headers`. `options` are prepareBody's.
 */
export function prepareS3Body({ url, settings, oac }, headers, body, options) {
  // A checksum in a presigned PUT URL would fix the body before it exists (client.js applies the client's options to no presigned URL).
  if (settings.signQuery) {
    throw invalidOptions('a presigned URL carries no checksum and no body: checksumAlgorithm, contentMd5, contentLength and chunkSize are for requests sent by fetch()')
  }
  const s3 = s3UploadOptions(settings)
  if (!s3) return prepareBody(body, options)
  // A relay's empty request has a null body and a content-length of 0: nothing to stream.
  if (s3.contentLength === undefined || (body == null && s3.contentLength === 0)) {
    return import('./checksums.js').then(({ prepareChecksummedBody }) => prepareChecksummedBody(body, headers, s3, options))
  }
  if (oac) throw invalidOptions('contentLength signs each chunk with the request\'s signature, and through OAC CloudFront signs: send the stream to S3 directly, or a Blob through OAC')
  // The service the request is signed for, as options.js encodeSigningCall decides it.
  const service = settings.service || detectEndpoint(url.hostname)?.service
  return import('./aws-chunked.js').then(({ prepareChunkedUpload }) => prepareChunkedUpload(body, headers, s3, { declaredHash: options.declaredHash, service }))
}
