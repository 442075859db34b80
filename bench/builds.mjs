// The wasm builds js/dist ships, as the bench reads them: each build's files
// (the package's own list, js/src/build-list.js), and which call loads a lazy build.
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { BUILDS } from '../js/src/build-list.js'
import { WASM_DIR } from './paths.mjs'

export { BUILDS }

/** The wasm every signature needs. */
export const CORE_WASM = join(WASM_DIR, BUILDS.core.wasm)

/**
 * The lazily loaded builds, by .wasm file: the size probe that
 * loads it (sizes.mjs) and, for the report, what loads it in an app.
 */
export const LAZY_BUILDS = {
  [BUILDS.sigv4a.wasm]: { probe: 'sigv4a', loadedBy: 'the first SigV4a signature' },
  [BUILDS.diagnostics.wasm]: { probe: 'diag', loadedBy: 'canonicalString(), stringToSign(), signRequest(), explainFailure()' },
}

/** A build's wasm-bindgen glue, from its .wasm file name (undefined for a file no build names). */
export const glueOf = (wasmFile) => Object.values(BUILDS).find((b) => b.wasm === wasmFile)?.glue

/** Every .wasm the package ships, whichever path loads it. */
export const wasmFiles = () => readdirSync(WASM_DIR).filter((f) => f.endsWith('.wasm')).sort()

/** Every shipped .wasm as a workerd module, [name, kind, file]. */
export const wasmModules = () => wasmFiles().map((f) => [`wasm/${f}`, 'wasm', `wasm/${f}`])

export const gzipLength = (bytes) => gzipSync(bytes, { level: 9 }).length
