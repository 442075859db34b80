// Entry for Node and Bun: read the .wasm next to this file.
import { readFile } from 'node:fs/promises'
import * as bindings from './wasm/iamfetch.js'
import { setWasmLoader } from './core.js'

setWasmLoader(async () => {
  const bytes = await readFile(new URL('./wasm/iamfetch_bg.wasm', import.meta.url))
  bindings.initSync({ module: await WebAssembly.compile(bytes) })
  return bindings
})

export * from './api.js'
