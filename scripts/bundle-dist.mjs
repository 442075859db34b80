// Builds js/dist's JavaScript from js/src: every module the package exports
// (js/package.json "exports"), bundled by esbuild in one run with code
// splitting, so that an entry is a few modules instead of thirty (Node's
// loader pays for each module at a cold start) and the entries still share
// one copy of each module's state (core.js's builds, the credentials caches,
// IamFetchError's class).
//
// esbuild makes one chunk per set of entries that reach a module: with a
// dozen entries reaching different parts of the API, that is a dozen small
// chunks. So every entry is built as `import SHARED; export * from <entry>`:
// the public API and the build glue (SHARED) are then reached by every entry,
// one chunk. Apart from it stay what is not for every runtime or not for the
// first load: each runtime's wasm loader (load.*.js), the proxy, the Node
// credential chain, and explain.js (explainFailure's diagnosis, imported on
// first use, its own entry so it keeps its name). The wasm glue and .wasm
// files in dist/wasm/ are left as they are written (`./wasm/…`, resolved next
// to the chunk naming them). The type declarations are copied. dist/wasm/
// itself is scripts/build.sh's.
//   node scripts/bundle-dist.mjs     (after editing js/src)
import { build } from 'esbuild'
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const js = fileURLToPath(new URL('../js/', import.meta.url))
const src = join(js, 'src')
const dist = join(js, 'dist')

/** Every ./dist/*.js target of the exports map, by its path under dist/. */
function exportedModules() {
  const { exports } = JSON.parse(readFileSync(join(js, 'package.json'), 'utf8'))
  const targets = Object.values(exports).flatMap((entry) => (typeof entry === 'string' ? [entry] : Object.values(entry)))
  return [...new Set(targets.filter((target) => /^\.\/dist\/.+\.js$/.test(target)).map((target) => target.slice('./dist/'.length)))]
}

/**
 * Besides the exports: explain.js, imported on explainFailure's first call,
 * keeps its name; and the modules the tests and the bench import from dist
 * directly stay importable (as entries, they share their chunk, and so their
 * state, with the package's own entries).
 */
const ALSO_ENTRIES = ['explain.js', 'http-rules.js', 'core.js', 'options.js', 'wire.js']

/** The modules every entry shares: the API and the glue of each build (none of them names a runtime's file or builtin). */
const SHARED = ['api.js', 'builds.js']

const files = (dir) => readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? files(join(dir, name)) : [join(dir, name)]))

mkdirSync(dist, { recursive: true })
for (const name of readdirSync(dist)) if (name !== 'wasm') rmSync(join(dist, name), { recursive: true, force: true })

const entries = [...new Set([...exportedModules(), ...ALSO_ENTRIES])].sort()
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
  // js/package.json's sideEffects names dist/ files: esbuild would read it as "src/ has none" and drop `import './load.node.js'`.
  ignoreAnnotations: true,
  charset: 'utf8',
  // Node parses every byte of a module it loads: without whitespace the first load parsed in two thirds
  // of the time. Names are kept, so that stack traces and class names read as in js/src.
  minifyWhitespace: true,
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
