// What the signer hashes of a body. The full range of body types (Blob,
// FormData, streams) arrives with the client issue; until then they need a
// declared X-Amz-Content-Sha256.
import { IamFetchError } from './errors.js'
import { toBytes } from './hash.js'

/**
 * The bytes to hash, or null for no body.
 * @returns {Uint8Array | null}
 */
export function bodyBytes(body) {
  if (body == null) return null
  if (body instanceof URLSearchParams) return toBytes(body.toString())
  if (typeof body === 'string' || ArrayBuffer.isView(body) || body instanceof ArrayBuffer) return toBytes(body)
  throw new IamFetchError(
    'ERR_UNSUPPORTED_BODY',
    'this body type cannot be hashed here yet: pass a string or bytes, or set the X-Amz-Content-Sha256 header to its hex SHA-256',
  )
}
