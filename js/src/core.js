// Loads the wasm core once, through the loader the runtime entry registered
// (Node reads the file, browsers fetch it, workerd imports it as a module).
import { IamFetchError, fromWasmError } from './errors.js'

let loadBindings
let bindings
let loading

/** Called once by each runtime entry (index.node.js, index.browser.js, ...). */
export function setWasmLoader(loader) {
  loadBindings = loader
}

/**
 * Loads and instantiates the wasm core. Async APIs call it themselves; call it
 * yourself before using the synchronous ones (`sha256Hex`, `new Sha256()`).
 * @returns {Promise<void>}
 */
export function init() {
  loading ??= loadBindings().then(
    (loaded) => { bindings = loaded },
    (error) => {
      loading = undefined
      throw new IamFetchError('ERR_WASM_LOAD', `could not load iamfetch's wasm core: ${error?.message ?? error}`, { cause: error })
    },
  )
  return loading
}

/** The loaded bindings; throws if `init()` has not finished. */
export function wasm() {
  if (!bindings) {
    throw new IamFetchError('ERR_NOT_INITIALIZED', 'iamfetch is not initialized: `await init()` before synchronous calls')
  }
  return bindings
}

/**
 * Runs a call into wasm, mapping its errors to IamFetchError. A trap (a Rust
 * panic, which should never happen) leaves the instance unusable, so the next
 * init() starts a fresh one.
 */
export function callWasm(fn) {
  try {
    return fn(wasm())
  } catch (error) {
    if (error instanceof WebAssembly.RuntimeError) {
      bindings = undefined
      loading = undefined
    }
    throw fromWasmError(error)
  }
}
