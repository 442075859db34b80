// Wasm sources for browsers and Deno: each .wasm is fetched next to this
// module. The URLs are literals, one per build, because that is what bundlers
// (webpack, Vite, Parcel, Next.js) follow to emit the file. The SigV4a and
// diagnostics builds are fetched only the first time they are asked for, and
// a bundler that splits chunks keeps their glue apart.
import { createBindings } from './wasm/iamfetch.js'
import { registerBuilds } from './core.js'
import { fetchSendsStreamsHere, setFetchSendsStreams } from './body.js'

setFetchSendsStreams(fetchSendsStreamsHere())

registerBuilds({
  core: { glue: async () => createBindings, source: () => new URL('./wasm/iamfetch_bg.wasm', import.meta.url) },
  sigv4a: {
    glue: async () => (await import('./wasm/iamfetch_v4a.js')).createBindings,
    source: () => new URL('./wasm/iamfetch_v4a_bg.wasm', import.meta.url),
  },
  diagnostics: {
    glue: async () => (await import('./wasm/iamfetch_diag.js')).createBindings,
    source: () => new URL('./wasm/iamfetch_diag_bg.wasm', import.meta.url),
  },
})
