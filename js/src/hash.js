// SHA-256 in the wasm core: one-shot (sha256Hex) and incremental (Sha256), and the bytes of any body.
import { callWasm, currentBindings } from './core.js'
import { IamFetchError } from './errors.js'

const encoder = new TextEncoder()

/** Bytes of a string (UTF-8) or of any ArrayBuffer / view, without copying views. */
export function toBytes(data) {
  if (typeof data === 'string') return encoder.encode(data)
  const buffer = ArrayBuffer.isView(data) ? data.buffer : data
  // By tag, not instanceof: bytes from another realm (an iframe, a vm context, jsdom) are bytes too.
  const tag = Object.prototype.toString.call(buffer)
  if (tag !== '[object ArrayBuffer]' && tag !== '[object SharedArrayBuffer]') {
    throw new IamFetchError('ERR_UNSUPPORTED_BODY', `expected a string, an ArrayBuffer or an ArrayBuffer view, not ${Object.prototype.toString.call(data)}`)
  }
  // A detached view reads as empty: hashing it would sign zero bytes.
  if (isDetached(buffer)) throw new IamFetchError('ERR_UNSUPPORTED_BODY', 'the ArrayBuffer is detached (transferred): it has no bytes to hash or send')
  if (data instanceof Uint8Array) return data
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
  return new Uint8Array(data)
}

/** ES2024's `detached`, or, where it is missing (Node 20), the one thing a detached buffer refuses. */
function isDetached(buffer) {
  if (typeof buffer.detached === 'boolean') return buffer.detached
  if (buffer.byteLength !== 0 || Object.prototype.toString.call(buffer) !== '[object ArrayBuffer]') return false
  try {
    new Uint8Array(buffer)
    return false
  } catch {
    return true
  }
}

/**
 * Hex SHA-256 of a string (UTF-8) or bytes. Synchronous: `await init()` first.
 * @param {string | ArrayBuffer | ArrayBufferView} data
 */
export function sha256Hex(data) {
  const bytes = toBytes(data)
  return callWasm((w) => w.sha256Hex(bytes))
}

/** Incremental SHA-256: `update()` any number of times, then `digest()` (hex). `await init()` first. */
export class Sha256 {
  #hasher
  /** The instance that holds this hasher's state: after a trap, callWasm replaces it, and the state is gone. */
  #bindings
  constructor() {
    this.#hasher = callWasm((bindings) => {
      this.#bindings = bindings
      return new bindings.Sha256()
    })
  }

  /** @param {string | ArrayBuffer | ArrayBufferView} chunk */
  update(chunk) {
    const bytes = toBytes(chunk)
    const hasher = this.#live()
    callWasm(() => hasher.update(bytes))
    return this
  }

  /** Hex digest of everything so far; the hasher then starts over. */
  digest() {
    const hasher = this.#live()
    return callWasm(() => hasher.digest())
  }

  /** Frees the wasm memory now rather than at garbage collection; a second call does nothing. */
  free() {
    // A trapped instance is not called into again: it goes whole, with its memory, once unreferenced.
    if (this.#stale()) this.#hasher?.__destroy_into_raw?.()
    else this.#hasher?.free()
    this.#hasher = undefined
  }

  /**
   * A freed hasher is refused here: in wasm it would read as a failed instance,
   * and cost a fresh one. So is one whose instance trapped since: its memory
   * may be inconsistent, and a digest from it could be silently wrong.
   */
  #live() {
    if (!this.#hasher) throw new IamFetchError('ERR_NOT_INITIALIZED', 'this Sha256 was freed: create a new one')
    if (this.#stale()) {
      throw new IamFetchError('ERR_INTERNAL', "this Sha256's state was lost: iamfetch's wasm instance failed since it was created, and was replaced. Create a new Sha256 and hash the data again")
    }
    return this.#hasher
  }

  #stale() {
    return this.#bindings !== currentBindings()
  }
}
