// Compiles a .wasm from whatever a runtime entry or `init(source)` gives: a
// URL, a Response, bytes or an already compiled WebAssembly.Module. When that
// fails, the error names what was tried and what came back, because the usual
// cause is a bundler or server that delivered something else: a 404, the
// app's index.html, or a script in place of the .wasm.
import { withoutUserinfo } from './errors.js'

/** Where the README explains each bundler's and framework's setup. */
export const BUNDLERS_HELP = 'https://www.npmjs.com/package/iamfetch#bundlers-and-frameworks'

const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d]

/** A failure to load one source: its message names the source (never its URL's user name or password) and what came back. */
class SourceError extends Error {
  constructor(message) {
    super(withoutUserinfo(message))
  }
}

/**
 * A compiled module, also from another realm: Next.js's Edge sandbox is a
 * node:vm context whose `?module` imports are compiled outside it.
 */
const isWasmModule = (value) => value instanceof WebAssembly.Module || Object.prototype.toString.call(value) === '[object WebAssembly.Module]'

/** Whether `source` is something `compileWasm` takes (checked before anything is fetched). */
export function isWasmSource(source) {
  return (
    typeof source === 'string' ||
    source instanceof URL ||
    isWasmModule(source) ||
    source instanceof ArrayBuffer ||
    ArrayBuffer.isView(source) ||
    (typeof Response === 'function' && source instanceof Response) ||
    (typeof Request === 'function' && source instanceof Request) ||
    typeof source?.then === 'function'
  )
}

/**
 * @param {unknown} source URL or string (fetched, or read from disk with `readFile` for file: URLs), Response, promise of one, bytes, or a WebAssembly.Module
 * @param {(url: URL) => Promise<Uint8Array>} [readFile] how this runtime reads a file: URL (Node, Bun)
 * @returns {Promise<WebAssembly.Module>}
 */
export async function compileWasm(source, readFile) {
  let resolved = source
  if (typeof source?.then === 'function') {
    try {
      resolved = await source
    } catch (error) {
      throw new SourceError(`the promise given for it rejected: ${error?.message ?? error}`)
    }
  }
  if (isWasmModule(resolved)) return resolved
  if (resolved instanceof ArrayBuffer || ArrayBuffer.isView(resolved)) return compileBytes(asBytes(resolved), 'the bytes given')
  // URLs first: Node loads its fetch on the first read of the Response or Request global (about
  // 18 ms), and reading the .wasm from disk needs neither.
  if (typeof resolved === 'string' || resolved instanceof URL) return compileUrl(resolved, resolved, readFile)
  if (typeof Request === 'function' && resolved instanceof Request) return compileUrl(resolved, resolved.url, readFile)
  if (typeof Response === 'function' && resolved instanceof Response) return compileResponse(resolved, resolved.url || 'the Response given')
  throw new SourceError(`not a source iamfetch can compile (${describeType(resolved)})`)
}

/** `source`, a URL, string or Request for `url`: read from disk when it is a file: URL and the runtime reads files, else fetched. */
async function compileUrl(source, url, readFile) {
  if (readFile && new URL(url, 'file:///').protocol === 'file:') return compileFile(new URL(url, 'file:///'), readFile)
  let response
  try {
    response = await fetch(source)
  } catch (error) {
    throw new SourceError(`${String(url)}: the fetch failed (${[error?.message, error?.cause?.message].filter(Boolean).join(': ') || error})`)
  }
  return compileResponse(response, String(url))
}

async function compileFile(url, readFile) {
  const path = decodeURIComponent(url.pathname)
  let bytes
  try {
    bytes = await readFile(url)
  } catch (error) {
    throw new SourceError(error?.code === 'ENOENT' ? `${path}: no such file` : `${path}: ${error?.message ?? error}`)
  }
  return compileBytes(asBytes(bytes), path)
}

async function compileResponse(response, where) {
  if (!response.ok) throw new SourceError(`${where}: ${response.status} ${response.statusText}`.trimEnd())
  if (typeof WebAssembly.compileStreaming === 'function' && response.headers.get('content-type')?.split(';')[0].trim() === 'application/wasm') {
    // Compiles while downloading; the spare copy is read only to say why it failed.
    const spare = response.clone()
    try {
      const module = await WebAssembly.compileStreaming(response)
      spare.body?.cancel().catch(() => {})
      return module
    } catch {
      return compileBytes(new Uint8Array(await spare.arrayBuffer()), where)
    }
  }
  return compileBytes(new Uint8Array(await response.arrayBuffer()), where)
}

async function compileBytes(bytes, where) {
  if (!WASM_MAGIC.every((byte, i) => bytes[i] === byte)) {
    throw new SourceError(`${where}: not wasm: ${describeContent(bytes)}`)
  }
  try {
    return await WebAssembly.compile(bytes)
  } catch (error) {
    const message = String(error?.message ?? error)
    if (/code generation disallowed|disallowed by embedder/i.test(message)) {
      // Cloudflare Workers (and Next.js's Edge sandbox) compile wasm only from modules bundled with the code.
      throw new SourceError(`${where}: this runtime compiles no wasm from bytes; give init() the WebAssembly.Module that importing the .wasm gives`)
    }
    if (/Content.Security.Policy|unsafe-eval/i.test(message)) {
      throw new SourceError(`${where}: the page's Content-Security-Policy forbids compiling wasm; its script-src must allow 'wasm-unsafe-eval' (${message})`)
    }
    throw new SourceError(`${where}: ${message}`)
  }
}

function asBytes(view) {
  return view instanceof Uint8Array ? view : ArrayBuffer.isView(view) ? new Uint8Array(view.buffer, view.byteOffset, view.byteLength) : new Uint8Array(view)
}

/** What the first bytes of something that should have been wasm say it is. */
export function describeContent(bytes) {
  if (bytes.length === 0) return 'it is empty'
  const head = [...bytes.subarray(0, 4)].map((byte) => byte.toString(16).padStart(2, '0')).join(' ')
  const text = new TextDecoder().decode(bytes.subarray(0, 200)).replace(/^\uFEFF/, '').trimStart()
  let kind
  if (text.startsWith('<')) kind = "HTML: your server's fallback page (often a single-page app's index.html) or an error page was served in place of the .wasm"
  else if (/^(\/\/|\/\*|#!|["']use strict["']|(import|export|var|let|const|function|async|class)\b|\(\s*function|!function)/.test(text)) kind = "JavaScript: the bundler mapped the .wasm's URL to a script"
  else if (/^[{[]/.test(text)) kind = 'JSON'
  else if (bytes[0] === 0x1f && bytes[1] === 0x8b) kind = 'gzip data: the server compressed the .wasm without saying so (Content-Encoding)'
  else kind = 'not a known format'
  return `it starts with ${head}, ${kind}`
}

function describeType(value) {
  if (value === null) return 'null'
  if (typeof value !== 'object') return typeof value
  return Object.prototype.toString.call(value).slice(8, -1)
}

export { SourceError }
