// Wasm loaders for Cloudflare workerd, which forbids compiling wasm from bytes
// at run time: each .wasm is imported as a module, as Wrangler does. The
// diagnostics build is instantiated only the first time it is asked for.
import coreModule from './wasm/iamfetch_bg.wasm'
import diagnosticsModule from './wasm/iamfetch_diag_bg.wasm'
import * as core from './wasm/iamfetch.js'
import { setWasmLoaders } from './core.js'

setWasmLoaders({
  core: async () => {
    core.initSync({ module: coreModule })
    return core
  },
  diagnostics: async () => {
    const diagnostics = await import('./wasm/iamfetch_diag.js')
    diagnostics.initSync({ module: diagnosticsModule })
    return diagnostics
  },
})
