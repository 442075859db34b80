// Builds js/dist's JavaScript from js/src, bundled by esbuild in one run with
// code splitting: an entry is a few modules instead of thirty (Node's loader
// pays for each module at a cold start), and every entry shares one copy of
// the package's state (core.js's builds, the credentials caches,
// IamFetchError's class).
//
// esbuild makes one chunk per set of entries that reach a module: with many
// entries reaching different parts of the API, that is many small chunks. So
// every entry is built as `import SHARED; export * from <entry>`: the public
// API and the build glue (SHARED) are then reached by every entry, one chunk.
// Apart from it stay what is not for every runtime or not for the first load:
// the runtimes' wasm loaders, the proxy, the Node credential chain, and
// explain.js (imported on explainFailure's first call). The wasm glue and
// .wasm files in dist/wasm/ are left as they are written (`./wasm/…`,
// resolved next to the chunk naming them). The type declarations are copied.
// dist/wasm/ itself is scripts/build.sh's.
//   node scripts/bundle-dist.mjs     (after editing js/src)
import { build } from 'esbuild'
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const js = fileURLToPath(new URL('../js/', import.meta.url))
const src = join(js, 'src')
const dist = join(js, 'dist')

/**
 * Every module of js/src keeps its path in dist, as a module that re-exports
 * it from the chunk holding it: the exports map's targets, explain.js (which
 * core code imports on first use, so by that name), and the modules tests and
 * the bench import from dist (sharing the package's state, not a copy). The
 * runtimes' wasm loaders (load.*.js) are the exception: each lands in the one
 * entry that imports it (see the plugin below), which an entry of its own
 * would split into a chunk.
 */
const isLoader = (module) => /^load\.[a-z]+\.js$/.test(module)

/** The modules every entry shares: the API and the glue of each build (none of them names a runtime's file or builtin). */
const SHARED = ['api.js', 'builds.js']

const files = (dir) => readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? files(join(dir, name)) : [join(dir, name)]))

mkdirSync(dist, { recursive: true })
for (const name of readdirSync(dist)) if (name !== 'wasm') rmSync(join(dist, name), { recursive: true, force: true })

const entries = files(src).map((file) => relative(src, file)).filter((module) => module.endsWith('.js') && !isLoader(module)).sort()
const { metafile } = await build({
  entryPoints: entries.map((entry) => ({ in: `entry:${entry}`, out: entry.replace(/\.js$/, '') })),
  outdir: dist,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'neutral',
  // The glue and .wasm stay files of their own; node: builtins and dependencies stay imports.
  external: ['./wasm/*', 'node:*'],
  packages: 'external',
  charset: 'utf8',
  // Whitespace is kept: minifying it drops every /* @__PURE__ */, which users' bundlers need to leave
  // out what an app does not use (AwsV4Signer, beside AwsClient alone). Measured here, the import of
  // index.node.js took the same time either way (5.0-6.6 ms against 5.5-6.0, 6 fresh processes each).
  // Names are kept, so that stack traces and class names read as in js/src.
  minifyWhitespace: false,
  minifySyntax: true,
  chunkNames: 'chunk-[hash]',
  metafile: true,
  plugins: [{
    name: 'shared-first',
    setup(build) {
      build.onResolve({ filter: /^entry:/ }, ({ path }) => ({ path: path.slice('entry:'.length), namespace: 'entry' }))
      // iamfetch/proxy's runtime entries register the wasm loaders by importing the main entry of their
      // runtime (`../index.node.js` for `../load.node.js`): each loader is then reached by one entry and
      // lands in it, instead of a chunk of its own that the main entry would load too.
      build.onResolve({ filter: /^\.\.\/load\.[a-z]+\.js$/ }, ({ path, importer }) => (
        relative(src, importer).startsWith('proxy/') ? { path: path.replace('/load.', '/index.'), external: true } : undefined
      ))
      // A module imported on first use that is also an entry (explain.js) is loaded as the entry, so that it is one chunk, by its name.
      build.onResolve({ filter: /^\./ }, ({ path, kind, resolveDir }) => {
        const entry = relative(src, join(resolveDir, path))
        return kind === 'dynamic-import' && entries.includes(entry) ? { path: entry, namespace: 'entry' } : undefined
      })
      // Last, for the imports the rules above leave: js/package.json's sideEffects names dist/ files, so
      // esbuild would read it as "src/ has none" and drop `import './load.node.js'`. Every source module
      // counts as having side effects here; the /* @__PURE__ */ annotations are kept (ignoring them would
      // also drop them from dist, where users' bundlers read them).
      build.onResolve({ filter: /^[./]/ }, async ({ path, importer, resolveDir, kind, pluginData }) => {
        if (pluginData?.sideEffectsResolved || kind === 'entry-point') return undefined
        const resolved = await build.resolve(path, { importer, resolveDir, kind, pluginData: { sideEffectsResolved: true } })
        return resolved.errors.length || resolved.external ? undefined : { ...resolved, sideEffects: true }
      })
      build.onLoad({ filter: /.*/, namespace: 'entry' }, ({ path }) => ({
        contents: [...SHARED.map((module) => `import ${JSON.stringify(join(src, module))}`), `export * from ${JSON.stringify(join(src, path))}`].join('\n'),
        resolveDir: src,
      }))
    },
  }],
  logLevel: 'warning',
})

// `./wasm/…` resolves against the file naming it: only files directly in dist/ may name one.
for (const output of Object.keys(metafile.outputs)) {
  const file = join(process.cwd(), output)
  if (dirname(file) !== dist && /["']\.\/wasm\//.test(readFileSync(file, 'utf8'))) {
    throw new Error(`scripts/bundle-dist.mjs: ${relative(js, file)} names a ./wasm/ file but is not in dist/: that path would resolve beside it`)
  }
}

for (const file of files(src).filter((path) => !path.endsWith('.js'))) cpSync(file, join(dist, relative(src, file)))

const { exports } = JSON.parse(readFileSync(join(js, 'package.json'), 'utf8'))
const targets = Object.values(exports).flatMap((entry) => (typeof entry === 'string' ? [entry] : Object.values(entry)))
const missing = targets.filter((target) => !target.startsWith('./dist/wasm/') && !existsSync(join(js, target)))
if (missing.length) throw new Error(`scripts/bundle-dist.mjs: js/package.json exports ${missing.join(', ')}, which the bundle does not have`)
