// The bundles the runtimes load, built into bench/.out afresh each run: the
// page bundle (bench/src/browser.mjs) and the workerd workers, each with every
// shipped .wasm next to it.
import { copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import * as esbuild from 'esbuild'
import { CORE_WASM, wasmFiles } from './builds.mjs'
import { log, sleep } from './log.mjs'
import { BENCH, OUT, ROOT, WASM_DIR } from './paths.mjs'

/** scripts/build.sh starts with `rm -rf js/dist`: wait for a build in progress to finish. */
export async function waitForDist() {
  const deadline = Date.now() + 10 * 60_000
  let said = false
  while (!existsSync(CORE_WASM) || !existsSync(join(ROOT, 'js/dist/index.browser.js'))) {
    if (Date.now() > deadline) throw new Error('js/dist is missing: run scripts/build.sh (scripts/bench.sh does)')
    if (!said) { log('js/dist is missing (a build in progress?): waiting for it'); said = true }
    await sleep(2000)
  }
  if (said) await sleep(3000)
}

// The workerd bundles keep each .wasm as an imported module, as Wrangler does;
// whatever directory the package imports it from, it lands in the worker's wasm/.
const wasmAsModule = {
  name: 'wasm-as-module',
  setup(build) {
    build.onResolve({ filter: /\.wasm$/ }, (args) => ({ path: `./wasm/${basename(args.path)}`, external: true }))
  },
}

const WORKERD_ENTRIES = [['src/worker.mjs', 'worker.js'], ['src/cold-worker.mjs', 'cold-worker.js'], ['src/proxy-worker.mjs', 'proxy.js'],
  ['src/lib-iamfetch.mjs', 'lib-iamfetch.js'], ['src/lib-aws4fetch.mjs', 'lib-aws4fetch.js']]

export async function buildBundles() {
  rmSync(OUT, { recursive: true, force: true })
  mkdirSync(join(OUT, 'browser/wasm'), { recursive: true })
  mkdirSync(join(OUT, 'workerd/wasm'), { recursive: true })
  const common = { bundle: true, format: 'esm', logLevel: 'error', absWorkingDir: BENCH, define: { 'process.env.NODE_ENV': '"production"' } }
  await esbuild.build({ ...common, entryPoints: ['src/browser.mjs'], platform: 'browser', outfile: join(OUT, 'browser/bench.js') })
  writeFileSync(join(OUT, 'browser/index.html'), '<!doctype html><meta charset="utf-8"><title>iamfetch bench</title><input type="file" id="blobfile"><script type="module" src="bench.js"></script>\n')
  const workerd = { ...common, platform: 'browser', conditions: ['workerd', 'worker'], external: ['./lib-*.js'], plugins: [wasmAsModule] }
  for (const [entry, file] of WORKERD_ENTRIES) {
    await esbuild.build({ ...workerd, entryPoints: [entry], outfile: join(OUT, 'workerd', file) })
  }
  for (const f of wasmFiles()) {
    copyFileSync(join(WASM_DIR, f), join(OUT, 'browser/wasm', f))
    copyFileSync(join(WASM_DIR, f), join(OUT, 'workerd/wasm', f))
  }
}

/**
 * One entry's code bundled as a user's bundler would: no plugins, no splitting
 * (a dynamic import() of a lazy build's glue is inlined, and counts as JS).
 * @returns {Promise<Uint8Array>} the minified JS
 */
export async function bundleEntry(code) {
  const r = await esbuild.build({
    stdin: { contents: code, resolveDir: BENCH, loader: 'js' }, bundle: true, minify: true, format: 'esm',
    platform: 'browser', write: false, logLevel: 'error', define: { 'process.env.NODE_ENV': '"production"' },
  })
  if (r.outputFiles.length !== 1) throw new Error(`esbuild wrote ${r.outputFiles.length} files`)
  return r.outputFiles[0].contents
}
