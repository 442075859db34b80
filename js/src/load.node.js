// Wasm loaders for Node and Bun: read and compile the .wasm next to this file.
// The SigV4a and diagnostics builds are read only the first time they are asked for.
import { readFile } from 'node:fs/promises'
import { createBindings } from './wasm/iamfetch.js'
import { setWasmLoaders } from './core.js'

const compile = async (file) => WebAssembly.compile(await readFile(new URL(`./wasm/${file}`, import.meta.url)))

setWasmLoaders({
  core: async () => ({ createBindings, module: await compile('iamfetch_bg.wasm') }),
  sigv4a: async () => ({
    createBindings: (await import('./wasm/iamfetch_v4a.js')).createBindings,
    module: await compile('iamfetch_v4a_bg.wasm'),
  }),
  diagnostics: async () => ({
    createBindings: (await import('./wasm/iamfetch_diag.js')).createBindings,
    module: await compile('iamfetch_diag_bg.wasm'),
  }),
})
