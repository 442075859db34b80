// iamfetch/proxy for Node and Bun. It registers the wasm loader itself, as
// the main entry does, so that importing only 'iamfetch/proxy' works.
import { readFile } from 'node:fs/promises'
import * as bindings from '../wasm/iamfetch.js'
import { setWasmLoader } from '../core.js'

setWasmLoader(async () => {
  const bytes = await readFile(new URL('../wasm/iamfetch_bg.wasm', import.meta.url))
  bindings.initSync({ module: await WebAssembly.compile(bytes) })
  return bindings
})

export { createSigningProxy } from './signing-proxy.js'
export { signCloudFrontOriginRequest } from './lambda-edge.js'
