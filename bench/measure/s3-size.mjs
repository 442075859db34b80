// The S3 build's own JS beside its .wasm and wasm-bindgen glue (which
// sizes.mjs records with every lazy build): js/dist/s3/s3-build.js, the module
// that loads the build and wraps its exports, minified by esbuild with the
// package's shared chunks left out (the first load has them already), gzip -9.
import { join } from 'node:path'
import * as esbuild from 'esbuild'
import { gzipLength } from '../builds.mjs'
import { log } from '../log.mjs'
import { ROOT } from '../paths.mjs'

export const S3_LOADER = 'js/dist/s3/s3-build.js'

export async function measureS3Size({ results }) {
  log(`S3 build: ${S3_LOADER} minified, gzip -9`)
  const { outputFiles: [out] } = await esbuild.build({
    entryPoints: [join(ROOT, S3_LOADER)], bundle: true, minify: true, format: 'esm', platform: 'browser', write: false, logLevel: 'error',
    // Its imports are the package's shared chunk (the core's loader, errors), on the first load already.
    plugins: [{ name: 'shared-chunks-external', setup: (build) => build.onResolve({ filter: /^\.\.?\/chunk-/ }, ({ path }) => ({ path, external: true })) }],
  })
  ;(results.s3 ??= {}).loader = { raw: out.contents.length, gzip: gzipLength(out.contents) }
}
