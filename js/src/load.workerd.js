// Wasm loaders for Cloudflare workerd, which forbids compiling wasm from bytes
// at run time: each .wasm is imported as a module, as Wrangler does. The
// diagnostics build's glue is imported only the first time it is asked for.
import coreModule from './wasm/iamfetch_bg.wasm'
import diagnosticsModule from './wasm/iamfetch_diag_bg.wasm'
import { createBindings } from './wasm/iamfetch.js'
import { setWasmLoaders } from './core.js'

setWasmLoaders({
  core: async () => ({ createBindings, module: coreModule }),
  diagnostics: async () => ({
    createBindings: (await import('./wasm/iamfetch_diag.js')).createBindings,
    module: diagnosticsModule,
  }),
})
