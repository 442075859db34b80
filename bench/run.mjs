// The benchmark orchestrator, run by scripts/bench.sh: builds the browser and
// workerd bundles, runs every measurement in Node, headless Chromium, Firefox,
// WebKit and workerd in one go, and prints the targets and one table, which it
// also writes to BENCHMARKS.md, and the README's measured comparison (README.md
// between its comparison markers) from the same results.
//
//   node bench/run.mjs [--quick] [--only size,native,sign,sigv4a,hash,blob,start,proxy,worker,checksum,upload]
//                      [--runtimes node,chromium,firefox,webkit,workerd] [--no-write]
//   node bench/run.mjs --report-only    # re-render from bench/.out/results.json
//
// Each part is a module under bench/measure/ (the Worker's is bench/worker.mjs);
// the targets are bench/targets.mjs; the report is bench/report/.
// Environment: BENCH_NATIVE (path of the built bench_native example),
// BENCH_TWIGGY_WASM (a wasm with names to give twiggy instead of finding the
// cargo output that matches the shipped wasm), BENCH_BUDGET_MS, and
// BENCH_WORKER_MODULES (bench/worker.mjs).
import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { buildBundles, waitForDist } from './bundle.mjs'
import { log } from './log.mjs'
import { measureBlob } from './measure/blob.mjs'
import { measureColdStart } from './measure/cold-start.mjs'
import { measureHashCold, measureHashWarm } from './measure/hash.mjs'
import { measureNative } from './measure/native.mjs'
import { measureProxy } from './measure/proxy.mjs'
import { measureS3Checksums } from './measure/s3-checksum.mjs'
import { measureS3Size } from './measure/s3-size.mjs'
import { measureS3Upload } from './measure/s3-upload.mjs'
import { measureSigV4a } from './measure/sigv4a.mjs'
import { measureSigning } from './measure/signing.mjs'
import { measureSizes } from './measure/sizes.mjs'
import { measureTwiggy } from './measure/twiggy.mjs'
import { RESULTS_FILE, ROOT } from './paths.mjs'
import { renderReport } from './report/document.mjs'
import { renderReadme } from './report/readme.mjs'
import { RUNTIMES } from './runtimes/names.mjs'
// A Cloudflare Worker's size and startup, built by Wrangler (tests/bundlers' pinned install).
import { measureWorker } from './worker.mjs'

const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean' }, only: { type: 'string' }, runtimes: { type: 'string' },
    'no-write': { type: 'boolean' }, 'report-only': { type: 'boolean' },
  },
})
const only = flags.only ? new Set(flags.only.split(',')) : null
const want = (part) => !only || only.has(part)
const onlyRuntimes = flags.runtimes ? new Set(flags.runtimes.split(',')) : null
for (const rt of onlyRuntimes ?? []) if (!RUNTIMES.includes(rt)) throw new Error(`unknown runtime ${rt}: one of ${RUNTIMES.join(', ')}`)

/** What every part is handed: results.json as it fills, this run's settings, and which runtimes to measure. */
const ctx = {
  results: {
    sign: {}, sigv4a: { sign: {}, cold: {} }, hashWarm: {}, hashCold: {}, blob: {}, start: {}, proxy: null, worker: null, size: null, twiggy: null, native: null, s3: {},
    versions: {}, clocks: {}, notes: [],
  },
  quick: !!flags.quick,
  budgetMs: Number(process.env.BENCH_BUDGET_MS ?? (flags.quick ? 250 : 1000)),
  coldReps: flags.quick ? 1 : 3,
  startRuns: flags.quick ? 5 : 20,
  wantRt: (rt) => !onlyRuntimes || onlyRuntimes.has(rt),
}
const { results, wantRt } = ctx

/** The parts, in the order they run: [name for --only, run]. */
const PARTS = [
  ['size', async () => { await measureSizes(ctx); await measureS3Size(ctx); await measureTwiggy(ctx) }],
  ['native', () => measureNative(ctx)],
  ['sign', () => measureSigning(ctx)],
  ['sigv4a', () => measureSigV4a(ctx)],
  ['hash', async () => { await measureHashWarm(ctx); await measureHashCold(ctx) }],
  ['blob', () => measureBlob(ctx)],
  ['start', () => measureColdStart(ctx)],
  ['proxy', () => wantRt('workerd') && measureProxy(ctx)],
  ['worker', async () => {
    if (!wantRt('workerd')) return
    results.worker = await measureWorker({ runs: flags.quick ? 5 : 20, profiles: flags.quick ? 2 : 5, log })
      .catch((error) => { results.notes.push(`Cloudflare Worker size and startup not measured: ${error.message}`); return null })
  }],
  // S3 from the edge: checksum throughput (Node, Chromium), a 1 GiB signed-chunk upload to the stack (Node, workerd).
  ['checksum', () => measureS3Checksums(ctx)],
  ['upload', () => measureS3Upload(ctx)],
]

const t0 = Date.now()
if (flags['report-only']) {
  // Re-renders the last run's results through the template.
  Object.assign(results, JSON.parse(readFileSync(RESULTS_FILE, 'utf8')))
} else {
  await waitForDist()
  // The build measured: the commit, whether the tree had changes, and what this run left out.
  const git = (...args) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim()
  results.commit = git('rev-parse', '--short', 'HEAD')
  results.dirty = git('status', '--porcelain') !== ''
  results.scope = only || onlyRuntimes || ctx.quick ? { only: only && [...only], runtimes: onlyRuntimes && [...onlyRuntimes], quick: ctx.quick } : null
  await buildBundles()
  for (const [part, run] of PARTS) if (want(part)) await run()
  results.minutes = ((Date.now() - t0) / 60000).toFixed(1)
  results.date = new Date().toISOString().replace(/\.\d+Z$/, 'Z')
  writeFileSync(RESULTS_FILE, JSON.stringify(results, null, 2))
}
const { summary, document } = renderReport(results, ctx)
process.stdout.write(summary)
if (!flags['no-write']) {
  // Rendered before either is written: a README without its markers leaves both as they were.
  const readme = join(ROOT, 'README.md')
  const readmeText = renderReadme(readFileSync(readme, 'utf8'), results)
  writeFileSync(join(ROOT, 'BENCHMARKS.md'), document)
  writeFileSync(readme, readmeText)
  log(`wrote BENCHMARKS.md and README.md's comparison (${results.minutes ?? '?'} min)`)
}
