// The S3 upload options of one request (`checksumAlgorithm`, `contentMd5`,
// `contentLength`, `chunkSize`), checked. Imported only when a request asks
// for one of them (client.js), so the default bundle carries none of it.
import { invalidOptions } from '../options.js'

/**
 * S3's checksum algorithms, as `checksumAlgorithm` spells them (src/settings.rs
 * `ChecksumAlgorithm`, less MD5, which is `contentMd5`).
 */
export const CHECKSUM_ALGORITHMS = ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256']
/** aws-chunked's default chunk, and the smallest S3 takes (but for the last one). */
const DEFAULT_CHUNK_SIZE = 64 * 1024
const MIN_CHUNK_SIZE = 8 * 1024
/** The wasm takes the chunk size as a u32; S3's chunks are far smaller anyway. */
const MAX_CHUNK_SIZE = 2 ** 31

/**
 * The S3 upload options of one call (the client's with `init.aws`'s), checked;
 * undefined when they ask for nothing (`chunkSize` alone, `contentMd5: false`):
 * the request then takes the usual path.
 * @returns {{ checksumAlgorithm?: string, contentMd5: boolean, contentLength?: number, chunkSize: number } | undefined}
 */
export function s3UploadOptions({ checksumAlgorithm, contentMd5, contentLength, chunkSize }) {
  if (checksumAlgorithm != null && !CHECKSUM_ALGORITHMS.includes(checksumAlgorithm)) {
    throw invalidOptions(`checksumAlgorithm must be one of '${CHECKSUM_ALGORITHMS.join("', '")}'`)
  }
  if (contentMd5 != null && typeof contentMd5 !== 'boolean') throw invalidOptions('contentMd5 must be true or false')
  if (contentLength != null && !(Number.isSafeInteger(contentLength) && contentLength >= 0)) {
    throw invalidOptions('contentLength must be the body stream\'s length in bytes: a non-negative safe integer')
  }
  if (chunkSize != null && !(Number.isSafeInteger(chunkSize) && chunkSize >= MIN_CHUNK_SIZE && chunkSize <= MAX_CHUNK_SIZE)) {
    throw invalidOptions(`chunkSize must be a whole number of bytes from ${MIN_CHUNK_SIZE} (S3's smallest chunk) to ${MAX_CHUNK_SIZE}`)
  }
  if (checksumAlgorithm == null && !contentMd5 && contentLength == null) return undefined
  return { checksumAlgorithm: checksumAlgorithm ?? undefined, contentMd5: contentMd5 ?? false, contentLength: contentLength ?? undefined, chunkSize: chunkSize ?? DEFAULT_CHUNK_SIZE }
}
