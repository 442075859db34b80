// Wasm sources for Node and Bun: each .wasm is read from disk next to the
// package's modules, the SigV4a and diagnostics builds only the first time
// they are asked for.
import { readFile } from 'node:fs/promises'
import { withGlue } from './builds.js'
import { registerBuilds } from './core.js'
import { WASM_FILES } from './wasm-files.js'

registerBuilds(withGlue(WASM_FILES), { fileReader: readFile })
