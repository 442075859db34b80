// Loads the wasm builds (builds.js) from the sources the runtime entry
// registered (Node reads the file, browsers fetch it, workerd imports it as a
// module) or that init() was given, and makes the one call per signature.
import { IamFetchError, fromWasmError, withoutUserinfo } from './errors.js'
import { BUNDLERS_HELP, SourceError, compileWasm, isWasmSource } from './wasm-source.js'
import { decodeAnswer } from './wire.js'
import { BUILDS } from './build-list.js'

/**
 * Per build: `glue` (() => Promise of the glue's createBindings) and `source`
 * (() => a source compileWasm takes), registered by the runtime entry or given
 * to init(); then, once loaded, the compiled module, its glue factory and the
 * live instance's bindings.
 */
const builds = Object.fromEntries(Object.keys(BUILDS).map((which) => [which, {}]))
/** How this runtime reads a file: URL (Node and Bun); elsewhere file URLs are fetched. */
let readFile

/**
 * Called by the runtime entries and subpath modules: `{ core, sigv4a, diagnostics, s3 }`,
 * each `{ glue, source, addedBy }` (any may be left out; `addedBy` is the
 * import that bundles a build the entry leaves out). A source already set, by
 * init() or an earlier registration, is kept.
 */
export function registerBuilds(registered, { fileReader } = {}) {
  for (const [which, { glue, source, addedBy }] of Object.entries(registered)) {
    builds[which].glue ??= glue
    builds[which].source ??= source
    builds[which].addedBy ??= addedBy
  }
  readFile ??= fileReader
}

function load(which) {
  const build = builds[which]
  // Loading and the first instance fail alike: ERR_WASM_LOAD, and the next call tries again.
  build.loading ??= loadBuild(build, which).catch((error) => {
    build.loading = undefined
    // A URL given to init() may carry a password: no message, and no cause quoting one, shows it.
    const message = `could not load iamfetch's wasm ${BUILDS[which].label}: ${withoutUserinfo(error?.message ?? error)}. See ${BUNDLERS_HELP}`
    const cause = error instanceof SourceError ? error : undefined
    throw new IamFetchError('ERR_WASM_LOAD', message, { cause })
  })
  return build.loading
}

async function loadBuild(build, which) {
  if (!build.source) {
    throw new SourceError(`this bundle leaves it out: add \`import '${build.addedBy}'\`, or give init({ ${which} }) its .wasm`)
  }
  // A module compiled before (its instance lost to a trap) is reused: a Response source cannot be read twice.
  const [createBindings, module] = await Promise.all([build.glue(), build.module ?? compileWasm(build.source(), readFile)])
  build.createBindings = createBindings
  build.module = module
  instantiate(build)
}

/** A new instance of the compiled module, with its own glue; synchronous. */
function instantiate(build) {
  const bindings = build.createBindings()
  bindings.initSync({ module: build.module })
  build.bindings = bindings
}

/**
 * Loads and instantiates the wasm core. Async APIs call it themselves; call it
 * yourself before using the synchronous ones (`sha256Hex`, `new Sha256()`), or
 * to say where the .wasm is when no bundler recipe covers your setup.
 *
 * `source` is the core's .wasm as a URL, a Response (or a promise of one),
 * bytes or a WebAssembly.Module; or `{ core, sigv4a, diagnostics, s3 }` with one
 * per build, the others still loaded only when first used. Idempotent: once
 * a build is loading or loaded, a source given for it again is ignored.
 * @param {unknown} [source]
 * @returns {Promise<void>}
 */
export function init(source) {
  if (source !== undefined) {
    const perBuild = sourcesByBuild(source)
    if (!perBuild) {
      return Promise.reject(new IamFetchError('ERR_INVALID_OPTIONS', 'init() takes a URL, a Response, bytes or a WebAssembly.Module, or an object of them keyed core, sigv4a, diagnostics and s3'))
    }
    for (const [which, given] of perBuild) {
      if (!builds[which].loading) builds[which].source = () => given
    }
  }
  return load('core')
}

/** `[build, source]` pairs from what init() was given, or undefined if it is no source. */
function sourcesByBuild(source) {
  try {
    if (isWasmSource(source)) return [['core', source]]
    const pairs = source !== null && typeof source === 'object' ? Object.entries(source) : undefined
    return pairs?.every(([which, given]) => Object.hasOwn(builds, which) && isWasmSource(given)) ? pairs : undefined
  } catch {
    return undefined // a revoked Proxy, a throwing getter: no source either
  }
}

/**
 * Loads a lazily loaded build (build-list.js) the first time it is asked for;
 * resolves once its bindings are live. ERR_WASM_LOAD when it cannot be had.
 */
export function ready(which) {
  return builds[which].bindings ? Promise.resolve() : load(which)
}

/** The loaded core's bindings; throws if `init()` has not finished. */
export function wasm() {
  return loaded('core')
}

/** The core's live instance's bindings, or undefined: what callWasm would call now. */
export function currentBindings(which = 'core') {
  return builds[which].bindings
}

function loaded(which) {
  const { bindings } = builds[which]
  if (!bindings) {
    throw new IamFetchError('ERR_NOT_INITIALIZED', 'iamfetch is not initialized: `await init()` before synchronous calls')
  }
  return bindings
}

/**
 * Runs a call into wasm, mapping its errors to IamFetchError. The core returns
 * its errors as values, so anything thrown is a trap (a Rust panic, which
 * should never happen, or a stack overflow) or a glue failure: either may leave
 * the instance's memory or stack pointer inconsistent, so the next call gets a
 * fresh instance of the already compiled module.
 */
export function callWasm(fn, which = 'core') {
  const build = builds[which]
  const bindings = loaded(which)
  try {
    return fn(bindings)
  } catch (error) {
    if (!(error instanceof IamFetchError) && build.bindings === bindings) {
      try {
        instantiate(build)
      } catch {
        // No fresh instance (out of memory?): the next call loads the build again.
        Object.assign(build, { bindings: undefined, loading: undefined })
      }
    }
    throw fromWasmError(error)
  }
}

/**
 * Signs one call (its text, wire.js `encodeCall`) with the body the core
 * hashes (bytes, or text it hashes as UTF-8), by the build named (`core`, `sigv4a` or `diagnostics`), and returns
 * the answer's fields (wire.js `decodeAnswer`). The diagnostics build's answer
 * also holds the canonical request and string to sign. Returns the answer,
 * or a promise of it while the build loads; a refusal is thrown as it is.
 */
export function signWithBuild(call, body, which) {
  // Loaded (every call but the first): no promise, no await; the callers await the result either way.
  if (!builds[which].bindings) return load(which).then(() => signLoaded(call, body, which))
  return signLoaded(call, body, which)
}

function signLoaded(call, body, which) {
  const answer = decodeAnswer(callWasm((w) => (writesInPlace ? signRaw(w.rawExports(), call, body) : w.sign(call, typeof body === 'string' ? encoder.encode(body) : body)), which))
  if (answer.error) throw new IamFetchError(answer.error.code, answer.error.message)
  return answer
}

const encoder = new TextEncoder()
const writesInPlace = typeof encoder.encodeInto === 'function'
let decoder = new TextDecoder('utf-8', { ignoreBOM: true })
let decodedBytes = 0
/** Safari's TextDecoder fails once it has decoded about 2 GiB in all: the glue replaces it before then, and so does signRaw. */
const MAX_DECODED_BYTES = 2_146_435_072

/**
 * The glue's `sign`, the same exports called with the same ownership (the
 * core takes and frees both inputs; the answer is freed here), but with the
 * call's text written by encodeInto: the glue copies an ASCII string one
 * character at a time in JS, a sixth of the bare call for a 1.2 KB call in Node.
 * A body given as text (body.js keeps short strings so) is written the same way.
 */
function signRaw(raw, call, body) {
  const [callAt, callSize] = writeText(raw, call)
  const [bodyAt, bodySize] = typeof body === 'string' ? writeText(raw, body) : writeBytes(raw, body)
  const [answerAt, answerSize] = raw.sign(callAt, callSize, bodyAt, bodySize)
  try {
    decodedBytes += answerSize
    if (decodedBytes >= MAX_DECODED_BYTES) {
      decoder = new TextDecoder('utf-8', { ignoreBOM: true })
      decodedBytes = answerSize
    }
    return decoder.decode(new Uint8Array(raw.memory.buffer, answerAt >>> 0, answerSize))
  } finally {
    raw.__wbindgen_free(answerAt, answerSize, 1)
  }
}

/** A string's UTF-8 in the core's memory, allocated to its exact size: [address, size]. */
function writeText(raw, text) {
  const units = text.length
  let at = raw.__wbindgen_malloc(units, 1) >>> 0
  let { read, written } = encoder.encodeInto(text, new Uint8Array(raw.memory.buffer, at, units))
  if (read < units) {
    // Past ASCII: room for 3 bytes per UTF-16 unit left, then shrunk to the bytes written, the size the core frees.
    const rest = text.slice(read)
    const room = written + rest.length * 3
    at = raw.__wbindgen_realloc(at, units, room, 1) >>> 0
    written += encoder.encodeInto(rest, new Uint8Array(raw.memory.buffer, at + written, room - written)).written
    at = raw.__wbindgen_realloc(at, room, written, 1) >>> 0
  }
  return [at, written]
}

function writeBytes(raw, bytes) {
  const at = raw.__wbindgen_malloc(bytes.length, 1) >>> 0
  new Uint8Array(raw.memory.buffer).set(bytes, at)
  return [at, bytes.length]
}
