// Wasm sources for Node and Bun: each .wasm is read from disk next to this
// file. The URLs are literals, one per build, because that is what bundlers
// (Next.js's server build among them) follow to emit the file. The SigV4a and
// diagnostics builds are read only the first time they are asked for.
import { readFile } from 'node:fs/promises'
import { createBindings } from './wasm/iamfetch.js'
import { registerBuilds } from './core.js'

registerBuilds(
  {
    core: { glue: async () => createBindings, source: () => new URL('./wasm/iamfetch_bg.wasm', import.meta.url) },
    sigv4a: {
      glue: async () => (await import('./wasm/iamfetch_v4a.js')).createBindings,
      source: () => new URL('./wasm/iamfetch_v4a_bg.wasm', import.meta.url),
    },
    diagnostics: {
      glue: async () => (await import('./wasm/iamfetch_diag.js')).createBindings,
      source: () => new URL('./wasm/iamfetch_diag_bg.wasm', import.meta.url),
    },
  },
  { fileReader: readFile },
)
