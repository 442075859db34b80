// iamfetch/proxy for Deno (and anything that fetches the .wasm next to the module).
import * as bindings from '../wasm/iamfetch.js'
import { setWasmLoader } from '../core.js'

setWasmLoader(async () => {
  await bindings.default({ module_or_path: new URL('../wasm/iamfetch_bg.wasm', import.meta.url) })
  return bindings
})

export { createSigningProxy } from './signing-proxy.js'
export { signCloudFrontOriginRequest } from './lambda-edge.js'
