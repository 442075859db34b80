// Writes, beside each .wasm given, a module whose default export is the .wasm
// gzipped and in base64: what the `iamfetch/inline` entry imports
// (js/src/load.inline.js), for bundlers that emit no .wasm asset. Gzipped
// first, the string is 43% of the plain base64's length, and served with gzip
// it weighs what the .wasm does (the core: 70.9 KB, against 69.8 for the .wasm
// and 93.1 for the plain base64).
//
//   node scripts/inline-wasm.mjs <dir>/<name>_bg.wasm...   (writes <dir>/<name>_bg.base64.js)
import { readFileSync, writeFileSync } from 'node:fs'
import { gzipSync } from 'node:zlib'

for (const file of process.argv.slice(2)) {
  const base64 = gzipSync(readFileSync(file), { level: 9 }).toString('base64')
  writeFileSync(file.replace(/\.wasm$/, '.base64.js'), `// ${file.split('/').pop()}, gzipped, in base64; written by scripts/inline-wasm.mjs.\nexport default '${base64}'\n`)
}
