// Where the bench reads and writes: the repository, js/dist's wasm, and
// bench/.out (the bundles each run builds afresh, and results.json).
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const BENCH = dirname(fileURLToPath(import.meta.url))
export const ROOT = resolve(BENCH, '..')
export const OUT = join(BENCH, '.out')
export const RESULTS_FILE = join(OUT, 'results.json')
export const WASM_DIR = join(ROOT, 'js/dist/wasm')
