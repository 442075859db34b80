// Wasm sources embedded in the JS, for bundlers that emit no file for
// `new URL('./x.wasm', import.meta.url)`: Rollup, esbuild, Bun.build. Each
// build's .wasm is a base64 string in a module of its own (written by
// scripts/build.sh), imported the first time the build is needed, so a
// bundler that splits chunks keeps SigV4a and diagnostics out of the first load.
import { createBindings } from './wasm/iamfetch.js'
import { registerBuilds } from './core.js'
import { fetchSendsStreamsHere, setFetchSendsStreams } from './body.js'

setFetchSendsStreams(fetchSendsStreamsHere())

/** A .wasm from its module: base64 of the gzipped bytes (scripts/inline-wasm.mjs). */
async function inflate(imported) {
  const base64 = (await imported).default
  let gzipped
  if (typeof Uint8Array.fromBase64 === 'function') {
    gzipped = Uint8Array.fromBase64(base64)
  } else {
    const binary = atob(base64)
    gzipped = new Uint8Array(binary.length)
    for (let i = 0; i < binary.length; i++) gzipped[i] = binary.charCodeAt(i)
  }
  const stream = new Blob([gzipped]).stream().pipeThrough(new DecompressionStream('gzip'))
  return new Uint8Array(await new Response(stream).arrayBuffer())
}

registerBuilds({
  core: { glue: async () => createBindings, source: () => inflate(import('./wasm/iamfetch_bg.base64.js')) },
  sigv4a: {
    glue: async () => (await import('./wasm/iamfetch_v4a.js')).createBindings,
    source: () => inflate(import('./wasm/iamfetch_v4a_bg.base64.js')),
  },
  diagnostics: {
    glue: async () => (await import('./wasm/iamfetch_diag.js')).createBindings,
    source: () => inflate(import('./wasm/iamfetch_diag_bg.base64.js')),
  },
})
