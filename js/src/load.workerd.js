// Wasm loaders for Cloudflare workerd, which forbids compiling wasm from bytes
// at run time: each .wasm is imported as a module, as Wrangler does. The
// SigV4a and diagnostics builds are instantiated, and their glue imported,
// only the first time they are asked for.
import coreModule from './wasm/iamfetch_bg.wasm'
import diagnosticsModule from './wasm/iamfetch_diag_bg.wasm'
import sigv4aModule from './wasm/iamfetch_v4a_bg.wasm'
import { createBindings } from './wasm/iamfetch.js'
import { setWasmLoaders } from './core.js'

setWasmLoaders({
  core: async () => ({ createBindings, module: coreModule }),
  sigv4a: async () => ({
    createBindings: (await import('./wasm/iamfetch_v4a.js')).createBindings,
    module: sigv4aModule,
  }),
  diagnostics: async () => ({
    createBindings: (await import('./wasm/iamfetch_diag.js')).createBindings,
    module: diagnosticsModule,
  }),
})
