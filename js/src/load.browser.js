// Wasm loaders for browsers and Deno: fetch and compile the .wasm relative to
// this module (bundlers follow the URL). The SigV4a and diagnostics builds are
// fetched only the first time they are asked for, and a bundler that splits
// chunks keeps their glue apart.
import { createBindings } from './wasm/iamfetch.js'
import { setWasmLoaders } from './core.js'
import { setFetchSendsStreams } from './body.js'

// The browsers that can send a stream body (Chromium) implement Request's
// `duplex`, as the Fetch standard asks; Firefox would send the text
// "[object ReadableStream]" and Safari throws NotSupportedError. Deno, which
// also loads this entry, streams without implementing it.
setFetchSendsStreams(typeof Deno !== 'undefined' || 'duplex' in Request.prototype)

async function compile(url) {
  const response = await fetch(url)
  if (!response.ok) throw new Error(`${response.status} ${response.statusText} fetching ${url}`)
  if (typeof WebAssembly.compileStreaming === 'function' && response.headers.get('content-type') === 'application/wasm') {
    return WebAssembly.compileStreaming(response)
  }
  // Served with another type (some dev servers), or no streaming compile (older Safari).
  return WebAssembly.compile(await response.arrayBuffer())
}

setWasmLoaders({
  core: async () => ({ createBindings, module: await compile(new URL('./wasm/iamfetch_bg.wasm', import.meta.url)) }),
  sigv4a: async () => ({
    createBindings: (await import('./wasm/iamfetch_v4a.js')).createBindings,
    module: await compile(new URL('./wasm/iamfetch_v4a_bg.wasm', import.meta.url)),
  }),
  diagnostics: async () => ({
    createBindings: (await import('./wasm/iamfetch_diag.js')).createBindings,
    module: await compile(new URL('./wasm/iamfetch_diag_bg.wasm', import.meta.url)),
  }),
})
