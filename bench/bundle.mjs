// The bundles the runtimes load, built into bench/.out afresh each run: the
// page bundle (bench/src/browser.mjs) and the workerd workers, each with every
// shipped .wasm next to it.
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { basename, join, relative, resolve } from 'node:path'
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

// A module as the size report names it: iamfetch's by its path under js/dist,
// a dependency by its package (its files summed), anything else by its path
// from bench/. `shown` is the name a list of chunks gives it.
const DIST = `${relative(BENCH, join(ROOT, 'js/dist'))}/`
const packageOf = (input) => input.match(/(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)/)?.[1]
function moduleName(input) {
  const pkg = packageOf(input)
  if (pkg) return { module: pkg, shown: pkg }
  return input.startsWith(DIST) ? { module: input.slice(DIST.length), shown: `iamfetch/${input.slice(DIST.length)}` } : { module: input, shown: input }
}

/** One chunk's modules with each one's minified bytes in it, largest first; a module that put nothing there is left out. */
function modulesOf(inputs, name = moduleName) {
  const byName = new Map()
  for (const [path, i] of Object.entries(inputs)) {
    if (!i.bytesInOutput) continue
    const { module, shown } = name(path)
    const m = byName.get(module) ?? byName.set(module, { module, shown, bytes: 0 }).get(module)
    m.bytes += i.bytesInOutput
  }
  return [...byName.values()].sort((x, y) => y.bytes - x.bytes || x.module.localeCompare(y.module))
}

// How a code-splitting bundler (Vite, webpack) builds an app's entry: no
// plugins, each dynamic import() its own chunk.
const bundlerOptions = (code, outdir) => ({
  stdin: { contents: code, resolveDir: BENCH, loader: 'js' }, bundle: true, minify: true, format: 'esm', splitting: true,
  platform: 'browser', outdir, metafile: true, absWorkingDir: BENCH, logLevel: 'error', define: { 'process.env.NODE_ENV': '"production"' },
})

/**
 * The first load: the entry chunk and every chunk it reaches through static
 * imports, which the browser fetches before the entry runs; a chunk reached
 * only through a dynamic import() is fetched when that import runs.
 */
function firstLoadOf(outputs) {
  const entry = Object.keys(outputs).find((f) => outputs[f].entryPoint === '<stdin>')
  if (!entry) throw new Error('esbuild wrote no entry chunk')
  const firstLoad = new Set()
  for (const todo = [entry]; todo.length;) {
    const f = todo.pop()
    if (firstLoad.has(f)) continue
    firstLoad.add(f)
    for (const i of outputs[f].imports) if (i.kind === 'import-statement' && outputs[i.path]) todo.push(i.path)
  }
  return { entry, firstLoad }
}

// The package's sources, which js/dist bundles into chunks: `iamfetch` and
// `iamfetch/…` resolve to the js/src file js/package.json's exports name for
// a browser (its ./dist/ read as ./src/), and js/src's `./wasm/…` to the glue
// generated in js/dist/wasm. Every relative import from js/src is resolved
// here, not by esbuild: js/package.json's sideEffects names dist/ files, so
// esbuild would take js/src's modules as free of side effects and drop the
// import of the wasm loader (`import './load.browser.js'`).
const PACKAGE = join(ROOT, 'js')
const SOURCES = join(PACKAGE, 'src')
const SOURCES_PREFIX = `${relative(BENCH, SOURCES)}/`
const DIST_WASM_PREFIX = `${DIST}wasm/`
const BROWSER_CONDITIONS = new Set(['browser', 'import', 'module', 'default'])
/** The file an exports target names for a browser: the first key, in the package's order, among a browser bundler's conditions. */
const browserTarget = (target) => (typeof target === 'string' || !target ? target
  : Object.entries(target).filter(([condition]) => BROWSER_CONDITIONS.has(condition)).map(([, t]) => browserTarget(t)).find(Boolean))
const fromSources = {
  name: 'iamfetch-from-sources',
  setup(build) {
    const { exports } = JSON.parse(readFileSync(join(PACKAGE, 'package.json'), 'utf8'))
    build.onResolve({ filter: /^iamfetch(\/|$)/ }, ({ path }) => {
      const subpath = `.${path.slice('iamfetch'.length)}`
      const target = browserTarget(exports[subpath])
      if (!target?.startsWith('./dist/')) return { errors: [{ text: `js/package.json exports no browser file under ./dist/ for ${path}` }] }
      return { path: join(SOURCES, target.slice('./dist/'.length)) }
    })
    build.onResolve({ filter: /^\.\.?\// }, ({ path, importer, resolveDir }) => {
      if (!importer.startsWith(`${SOURCES}/`)) return undefined
      const module = relative(SOURCES, resolve(resolveDir, path))
      return { path: join(PACKAGE, module.startsWith('wasm/') ? 'dist' : 'src', module) }
    })
  },
}

// A module of the sources' bundle by its path under js/src (the wasm glue as
// js/src names it, wasm/…); a dependency by its package.
function sourceName(input) {
  const pkg = packageOf(input)
  if (pkg) return { module: pkg, shown: pkg }
  if (input.startsWith(SOURCES_PREFIX)) return { module: input.slice(SOURCES_PREFIX.length), shown: input.slice(SOURCES_PREFIX.length) }
  if (input.startsWith(DIST_WASM_PREFIX)) return { module: input.slice(DIST.length), shown: input.slice(DIST.length) }
  throw new Error(`the sources' bundle took ${input} from outside js/src and js/dist/wasm: the attribution would not be by source module`)
}

/**
 * The same entry bundled with the same options against the package's sources
 * (not written): the first load's minified bytes (`raw`) and its modules, each
 * with the minified bytes it put there, largest first. js/dist is pre-bundled
 * into chunks, so its own bundle can say which chunk costs what, not which module.
 */
async function bundleSources(code, outdir) {
  const { metafile: { outputs } } = await esbuild.build({ ...bundlerOptions(code, outdir), write: false, plugins: [fromSources] })
  const { firstLoad } = firstLoadOf(outputs)
  const inputs = {}
  for (const f of firstLoad) {
    for (const [path, i] of Object.entries(outputs[f].inputs)) inputs[path] = { bytesInOutput: (inputs[path]?.bytesInOutput ?? 0) + i.bytesInOutput }
  }
  return { raw: [...firstLoad].reduce((n, f) => n + outputs[f].bytes, 0), modules: modulesOf(inputs, sourceName) }
}

/**
 * One entry's code bundled as a code-splitting bundler would, written to `outdir`.
 * @returns {Promise<{ entry: string, chunks: { file: string, bytes: Uint8Array, firstLoad: boolean, modules: { module: string, shown: string, bytes: number }[] }[], sources?: { raw: number, modules: { module: string, shown: string, bytes: number }[] } }>}
 *   the entry chunk's file name and every chunk (file names relative to `outdir`), the entry first;
 *   each chunk's modules with the minified bytes each put in it (esbuild's `bytesInOutput`), largest first;
 *   when the entry bundles iamfetch, `sources`: its first load bundled from js/src (see bundleSources)
 */
export async function bundleEntry(code, outdir) {
  rmSync(outdir, { recursive: true, force: true })
  const r = await esbuild.build({ ...bundlerOptions(code, outdir), write: true })
  const outputs = r.metafile.outputs
  const { entry, firstLoad } = firstLoadOf(outputs)
  const files = [entry, ...Object.keys(outputs).filter((f) => f !== entry)]
  const bundlesPackage = Object.keys(r.metafile.inputs).some((input) => input.startsWith(DIST))
  return {
    entry: relative(outdir, join(BENCH, entry)),
    chunks: files.map((f) => ({ file: relative(outdir, join(BENCH, f)), bytes: readFileSync(join(BENCH, f)), firstLoad: firstLoad.has(f), modules: modulesOf(outputs[f].inputs) })),
    ...(bundlesPackage && { sources: await bundleSources(code, outdir) }),
  }
}
