// Entry for Cloudflare workerd, which forbids compiling wasm from bytes at run
// time: the .wasm is imported as a module, as Wrangler does.
import wasmModule from './wasm/iamfetch_bg.wasm'
import * as bindings from './wasm/iamfetch.js'
import { setWasmLoader } from './core.js'

setWasmLoader(async () => {
  bindings.initSync({ module: wasmModule })
  return bindings
})

export * from './api.js'
