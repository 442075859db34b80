// Wasm loaders for browsers and Deno: fetch the .wasm relative to this module
// (bundlers follow the URL). The diagnostics build is fetched only the first
// time it is asked for, and a bundler that splits chunks keeps its glue apart.
import * as core from './wasm/iamfetch.js'
import { setWasmLoaders } from './core.js'

setWasmLoaders({
  core: async () => {
    await core.default({ module_or_path: new URL('./wasm/iamfetch_bg.wasm', import.meta.url) })
    return core
  },
  diagnostics: async () => {
    const diagnostics = await import('./wasm/iamfetch_diag.js')
    await diagnostics.default({ module_or_path: new URL('./wasm/iamfetch_diag_bg.wasm', import.meta.url) })
    return diagnostics
  },
})
