// The README's measured comparison (bench/report/readme.mjs) rendered from a
// results fixture built here: every target with its ratio and verdict, the
// figures the fixture holds, where the others are ahead, the markers it needs;
// and README.md's block against bench/.out/results.json when the block was
// rendered from that run.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { AMPLIFY_SIGNER, SIGV4A_IMPLS, STAGES } from '../../bench/src/common.mjs'
import { RESULTS_FILE } from '../../bench/paths.mjs'
import { END, START, readmeBlock, renderComparison, renderReadme, renderedRun } from '../../bench/report/readme.mjs'
import { targetLabel, targetRows } from '../../bench/report/targets.mjs'
import { TARGETS } from '../../bench/targets.mjs'

const README = new URL('../../README.md', import.meta.url)

/** Medians in µs, as results.json holds them (ms). */
const timings = (us) => Object.fromEntries(Object.entries(us).map(([impl, v]) => [impl, { median: v / 1000, p99: (2 * v) / 1000 }]))
const bundle = (label, jsGzip, wasmGzip, wasmCounted = []) => ({ label, jsGzip, lazyLoadedGzip: 0, wasmGzip, wasmCounted, chunks: [], works: true, total: jsGzip + wasmGzip })

/** A run of size, sign (Node and workerd), start and sigv4a (Node), in results.json's shape (bench/run.mjs). */
function fixture() {
  return {
    date: '2026-12-07T10:00:00Z', commit: 'abc1234', dirty: false, scope: { only: ['size', 'sign', 'start', 'sigv4a'], runtimes: ['node', 'workerd'], quick: false },
    size: {
      splitting: true,
      wasm: { 'iamfetch_bg.wasm': { raw: 150000, gzip: 60 * 1024 }, 'iamfetch_v4a_bg.wasm': { raw: 250000, gzip: 100 * 1024 } },
      glue: { 'iamfetch_v4a_bg.wasm': { raw: 9000, gzip: 4 * 1024 } },
      bundles: {
        'iam-cognito': bundle('iamfetch', 9 * 1024, 60 * 1024, ['iamfetch_bg.wasm']),
        'a4f-client': bundle('aws4fetch', 3 * 1024, 0),
        'sdk-cognito': bundle('sdk', 56 * 1024, 0),
        'sdk-v4a': bundle('sdk v4a', 20 * 1024, 0),
        'amplify-cognito': bundle('amplify', 27 * 1024, 0),
      },
    },
    sign: {
      node: { post1k: { timings: timings({ 'iamfetch AwsV4Signer': 100, 'iamfetch AwsClient.sign': 120, [STAGES[1]]: 80, 'aws4fetch AwsV4Signer': 400, 'aws4fetch AwsClient.sign': 420, 'smithy SignatureV4 + sha256-js': 300, [AMPLIFY_SIGNER]: 150 }) } },
      workerd: { post1k: { timings: timings({ 'iamfetch AwsV4Signer': 100, 'iamfetch AwsClient.sign': 130, [STAGES[1]]: 90, 'aws4fetch AwsV4Signer': 90, 'aws4fetch AwsClient.sign': 110, 'smithy SignatureV4 + sha256-js': 210 }) } },
    },
    sigv4a: { sign: { node: { timings: timings({ [SIGV4A_IMPLS[0]]: 500, [SIGV4A_IMPLS[1]]: 1000 }) } }, cold: {} },
    start: { 'node:iamfetch': [{ ms: 100 }, { ms: 104 }, { ms: 98 }], 'node:aws4fetch': [{ ms: 60 }, { ms: 62 }, { ms: 61 }], 'node:smithy': [{ ms: 150 }] },
    hashWarm: {}, hashCold: {}, blob: {}, proxy: null, worker: null, twiggy: null, native: null, versions: {}, clocks: {}, notes: [],
  }
}

/** The cells of the table row whose first cell is `label`. */
const rowOf = (text, label) => text.split('\n').find((l) => l.startsWith(`| ${label} |`))?.split(' | ').slice(1).map((c) => c.replace(/ \|$/, ''))

test('every target appears with its ratio and verdict', () => {
  const text = renderComparison(fixture())
  const rows = targetRows(fixture())
  assert.equal(rows.length, TARGETS.length)
  TARGETS.forEach((t, i) => assert.deepEqual(rowOf(text, targetLabel(t)), [rows[i][2], rows[i][3]], `the target ${targetLabel(t)}`))
  const node = TARGETS.filter((t) => t.name === 'Node signing:')
  assert.deepEqual(node.map((t) => rowOf(text, targetLabel(t))), [
    ['300 ÷ 100 = 3.00×', 'PASS'],
    ['400 ÷ 100 = 4.00×', 'MISS (needs 2.00× better)'],
  ])
  const wrapper = TARGETS.find((t) => t.metric.kind === 'signRatio' && t.metric.runtime === 'workerd' && t.metric.iamfetch === STAGES[1])
  assert.deepEqual(rowOf(text, targetLabel(wrapper)), ['100 ÷ 90.0 = 1.11×', 'PASS'])
  const firefoxClient = TARGETS.find((t) => t.metric.kind === 'signRatio' && t.metric.runtime === 'firefox' && t.metric.competitor === 'aws4fetch AwsClient.sign')
  assert.deepEqual(rowOf(text, targetLabel(firefoxClient)), ['not measured', 'not measured'])
})

test('the figures are the fixture\'s', () => {
  const results = fixture()
  const text = renderComparison(results)
  assert.deepEqual(rowOf(text, '**Bundle, gzip** (credentials + signing: first-load chunks of esbuild --splitting + the .wasm fetched to sign)'),
    ['**69.0 KiB** (9.0 JS + 60.0 wasm)', '**3.0 KiB** (no credentials)', '**56.0 KiB**', '**27.0 KiB**'])
  assert.deepEqual(rowOf(text, '**µs per signature**, POST 1 KB JSON + session token, median: Node'), ['100', '400', '300', '150'])
  assert.deepEqual(rowOf(text, 'Firefox'), ['—', '—', '—', '—'])
  assert.deepEqual(rowOf(text, 'workerd'), ['100', '90.0', '210', '—'])
  assert.deepEqual(rowOf(text, '`AwsClient.sign()`: µs per signature, Node · workerd'), ['120 · 130', '420 · 110', '—', '—'])
  assert.deepEqual(rowOf(text, 'Cold start in Node: import → first signature, ms, median of 3 fresh processes'), ['100.0', '61.0', '150.0', '—'])
  assert.deepEqual(rowOf(text, 'SigV4a: code fetched on first use, gzip'), ['104.0 KiB (wasm + glue)', '—', '20.0 KiB (`SignatureV4a` + sha256-js)', '—'])
  assert.deepEqual(rowOf(text, 'SigV4a: µs per signature, Node'), ['500', '—', '1000', '—'])
  assert.match(text, /a partial run \(--only size,sign,start,sigv4a --runtimes node,workerd\) of `bash scripts\/bench.sh` on 2026-12-07T10:00:00Z at commit `abc1234`,/)

  results.sign.node.post1k.timings['iamfetch AwsV4Signer'].median = 0.2
  results.dirty = true
  const changed = renderComparison(results)
  assert.deepEqual(rowOf(changed, '**µs per signature**, POST 1 KB JSON + session token, median: Node'), ['200', '400', '300', '150'])
  assert.match(changed, /commit `abc1234` with uncommitted changes in the tree/)
})

test('where the others are ahead lists every measured comparison iamfetch loses, and only those', () => {
  const ahead = (results) => renderComparison(results).match(/\*\*Where the others are ahead\*\* .*\*\*:\*\* (.*)/)[1]
  assert.equal(ahead(fixture()), [
    'aws4fetch is smaller (no credentials): 3.0 KiB against 69.0 KiB (23×)',
    "aws4fetch's signer is faster in workerd: 90.0 µs against 100 µs (1.11×)",
    "aws4fetch's `AwsClient.sign()` is faster in workerd: 110 µs against 130 µs (1.18×)",
    'aws4fetch starts faster in Node: 61.0 ms against 100.0 ms (1.64×)',
    'AWS SDK v3 is smaller: 56.0 KiB against 69.0 KiB (1.23×)',
    "AWS SDK v3's SigV4a code is smaller: 20.0 KiB against 104.0 KiB (5.20×)",
    'Amplify v6 is smaller: 27.0 KiB against 69.0 KiB (2.56×)',
  ].join('; ') + '.')
  const results = fixture()
  results.sign.node.post1k.timings['iamfetch AwsV4Signer'].median = 0.2
  assert.match(ahead(results), /Amplify v6's signer is faster in Node: 150 µs against 200 µs \(1\.33×\)/)
  // A bundle that does not sign has no size to compare.
  results.size.bundles['a4f-client'].works = 'no authorization'
  assert.doesNotMatch(ahead(results), /aws4fetch is smaller/)
})

test('the block is rendered between the markers, and missing markers are an error that names them', () => {
  const readme = `# title\n\nbefore\n${START}\nold figures\n${END}\nafter\n`
  const out = renderReadme(readme, fixture())
  assert.ok(out.startsWith(`# title\n\nbefore\n${START}\n<!-- rendered by bench/report/readme.mjs from the run of 2026-12-07T10:00:00Z at abc1234;`))
  assert.ok(out.endsWith(`\n\n${END}\nafter\n`))
  assert.doesNotMatch(out, /old figures/)
  assert.deepEqual(renderedRun(out), { date: '2026-12-07T10:00:00Z', commit: 'abc1234' })
  assert.equal(renderedRun(readme), null)
  assert.equal(renderReadme(out, fixture()), out)
  const markers = /must hold <!-- comparison: start --> and then <!-- comparison: end -->, each once/
  assert.throws(() => renderReadme('# no markers\n', fixture()), markers)
  assert.throws(() => renderReadme(`${START}\nno end\n`, fixture()), markers)
  assert.throws(() => renderReadme(`${END}\n${START}\n`, fixture()), /end before start/)
  assert.throws(() => renderReadme(`${START}\n${END}\n${START}\n${END}\n`, fixture()), /2 time\(s\)/)
})

test('README.md holds what the renderer makes of the run it names', (t) => {
  const readme = readFileSync(README, 'utf8')
  const run = renderedRun(readme)
  if (!existsSync(RESULTS_FILE)) return t.skip('no bench/.out/results.json on this machine')
  const results = JSON.parse(readFileSync(RESULTS_FILE, 'utf8'))
  // Only the run the block was rendered from can be compared with it; a later partial run with --no-write is not that run.
  if (run?.date !== results.date) return t.skip(`README.md's block is from ${run ? `the run of ${run.date}` : 'no rendered run'}; results.json from ${results.date}`)
  assert.equal(readmeBlock(readme), renderComparison(results))
})
