// Writes, beside each build's .wasm in the given folder, the module whose
// default export is that .wasm gzipped and in base64 (each build's `inline`
// file in js/src/build-list.js): what the `iamfetch/inline` entry imports
// (js/src/load.inline.js), for bundlers that emit no .wasm asset. Gzipped
// first, the string is 43% of the plain base64's length, and served with gzip
// it weighs what the .wasm does (the core: 70.9 KB, against 69.8 for the .wasm
// and 93.1 for the plain base64).
//
//   node scripts/inline-wasm.mjs <dir>   (reads <dir>/<wasm>, writes <dir>/<inline>, for each build)
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { BUILDS } from '../js/src/build-list.js'

const dir = process.argv[2]
if (!dir) throw new Error('usage: node scripts/inline-wasm.mjs <dir with the built .wasm files>')
for (const { wasm, inline } of Object.values(BUILDS)) {
  const base64 = gzipSync(readFileSync(join(dir, wasm)), { level: 9 }).toString('base64')
  writeFileSync(join(dir, inline), `// ${wasm}, gzipped, in base64; written by scripts/inline-wasm.mjs.\nexport default '${base64}'\n`)
}
