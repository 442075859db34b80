// Entry for browsers and Deno: fetch the .wasm relative to this module (bundlers follow the URL).
import * as bindings from './wasm/iamfetch.js'
import { setWasmLoader } from './core.js'

setWasmLoader(async () => {
  await bindings.default({ module_or_path: new URL('./wasm/iamfetch_bg.wasm', import.meta.url) })
  return bindings
})

export * from './api.js'
