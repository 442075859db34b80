// The S3 build's own JS beside its .wasm and wasm-bindgen glue (which
// sizes.mjs records with every lazy build): js/dist/s3/s3-build.js, the module
// that loads the build and wraps its exports, with whatever it imports that
// the default first load does not, minified by esbuild, gzip -9. The modules
// the browser entry imports statically (js/dist/index.browser.js and its
// static imports, the first load) are left out: an app has them already.
import { join, relative, resolve } from 'node:path'
import * as esbuild from 'esbuild'
import { gzipLength } from '../builds.mjs'
import { log } from '../log.mjs'
import { ROOT } from '../paths.mjs'

export const S3_LOADER = 'js/dist/s3/s3-build.js'
const BROWSER_ENTRY = 'js/dist/index.browser.js'

/** The files (relative to the repository) that `entry` reaches through static imports, itself included. */
async function staticClosure(entry) {
  const { metafile } = await esbuild.build({ entryPoints: [entry], bundle: true, write: false, metafile: true, format: 'esm', platform: 'browser', absWorkingDir: ROOT, logLevel: 'silent' })
  const reached = new Set()
  for (const todo = [entry]; todo.length;) {
    const f = todo.pop()
    if (reached.has(f) || !metafile.inputs[f]) continue
    reached.add(f)
    for (const i of metafile.inputs[f].imports) if (i.kind === 'import-statement') todo.push(i.path)
  }
  return reached
}

export async function measureS3Size({ results }) {
  log(`S3 build: ${S3_LOADER} and what it adds to the first load, minified, gzip -9`)
  const firstLoad = await staticClosure(BROWSER_ENTRY)
  const { outputFiles: [out] } = await esbuild.build({
    entryPoints: [S3_LOADER], bundle: true, minify: true, format: 'esm', platform: 'browser', write: false, absWorkingDir: ROOT, logLevel: 'error',
    plugins: [{
      name: 'first-load-external',
      setup: (build) => build.onResolve({ filter: /^\.\.?\// }, ({ path, resolveDir }) => {
        const file = relative(ROOT, resolve(resolveDir, path))
        return firstLoad.has(file) ? { path: join(ROOT, file), external: true } : undefined
      }),
    }],
  })
  ;(results.s3 ??= {}).loader = { raw: out.contents.length, gzip: gzipLength(out.contents), firstLoadFiles: firstLoad.size }
}
