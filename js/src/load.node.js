// Wasm loaders for Node and Bun: read the .wasm next to this file. The
// diagnostics build is read only the first time it is asked for.
import { readFile } from 'node:fs/promises'
import * as core from './wasm/iamfetch.js'
import { setWasmLoaders } from './core.js'

async function instantiate(bindings, file) {
  const bytes = await readFile(new URL(`./wasm/${file}`, import.meta.url))
  bindings.initSync({ module: await WebAssembly.compile(bytes) })
  return bindings
}

setWasmLoaders({
  core: () => instantiate(core, 'iamfetch_bg.wasm'),
  diagnostics: async () => instantiate(await import('./wasm/iamfetch_diag.js'), 'iamfetch_diag_bg.wasm'),
})
