// iamfetch/proxy for Cloudflare workerd: the .wasm is imported as a module, as Wrangler does.
import wasmModule from '../wasm/iamfetch_bg.wasm'
import * as bindings from '../wasm/iamfetch.js'
import { setWasmLoader } from '../core.js'

setWasmLoader(async () => {
  bindings.initSync({ module: wasmModule })
  return bindings
})

export { createSigningProxy } from './signing-proxy.js'
export { signCloudFrontOriginRequest } from './lambda-edge.js'
