// The bench's first-load JS by module (bench/report/js-modules.mjs): rendered
// from a results fixture and a fixture source tree, sorted by size, each
// module described by its header comment, the total row the chunks' gzip sum;
// and the modules the bench records for the real iamfetch bundle, from the
// bundle of js/src that bench/bundle.mjs builds beside it.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describeModule, headerSentence, jsModulesTable } from '../../bench/report/js-modules.mjs'

function sourceTree() {
  const root = mkdtempSync(join(tmpdir(), 'iamfetch-js-modules-'))
  mkdirSync(join(root, 'credentials'))
  writeFileSync(join(root, 'client.js'), "\n// The client: signs and sends. It retries\n// what may heal.\nimport { x } from './x.js'\n")
  writeFileSync(join(root, 'credentials/cognito.js'), '/**\n * Credentials from a Cognito identity pool.\n * Enhanced flow.\n */\nexport const a = 1\n')
  writeFileSync(join(root, 'hash.js'), "import { y } from './y.js'\n\n/** Bytes of a string. */\nexport const b = 2\n")
  return root
}

/**
 * A bundle of two first-load chunks and one lazy chunk, in measure/sizes.mjs'
 * shape: its modules from a bundle of the sources whose first load is 1,500
 * minified bytes, sharing out the real first load's 800 bytes gzip.
 */
function fixture() {
  const chunks = [
    { file: 'stdin.js', firstLoad: true, raw: 1000, gzip: 500 },
    { file: 'chunk-A.js', firstLoad: true, raw: 400, gzip: 300 },
    { file: 'lazy-B.js', firstLoad: false, raw: 9000, gzip: 4000 },
  ]
  const mod = (module, bytes, glue) => ({ module, ...(glue && { glue: true }), bytes, share: bytes / 1500, gzipEstimate: (bytes / 1500) * 800 })
  return {
    size: {
      bundles: {
        'iam-cognito': {
          chunks, jsRaw: 1400, jsGzip: 800, modulesFrom: 'js/src', sourcesRaw: 1500,
          modules: [mod('hash.js', 200), mod('client.js', 700), mod('credentials/cognito.js', 380), mod('esbuild chunk glue', 220, true)],
        },
      },
    },
  }
}

const bodyRows = (table) => table.split('\n').filter((line) => line.startsWith('| ')).slice(1).map((line) => line.slice(2, -2).split(' | '))

test('the modules table: largest first, described by their header comment, a total equal to the first-load chunks\' gzip sum', () => {
  const root = sourceTree()
  try {
    const table = jsModulesTable(fixture(), { roots: [root] })
    const rows = bodyRows(table)
    const total = rows.pop()
    assert.deepEqual(rows.map((r) => r[0]), ['`client.js`', '`credentials/cognito.js`', 'esbuild chunk glue', '`hash.js`'])
    assert.deepEqual(rows.map((r) => Number(r[1].replace(/,/g, ''))), [700, 380, 220, 200], 'sorted by minified bytes')
    assert.equal(rows[0][3], 'The client: signs and sends.', 'the first sentence of the leading // comment')
    assert.equal(rows[1][3], 'Credentials from a Cognito identity pool.', 'the first sentence of the leading /** comment')
    assert.equal(rows[3][3], '(no header comment in hash.js)', 'a comment after the first code describes a part, not the module')
    // The lazy chunk is not in the first load: 500 + 300 bytes gzip, 1000 + 400 minified (the published dist's, not the sources').
    assert.deepEqual(total.slice(0, 3), ['**total: 2 first-load chunks, each gzip -9**', '**1,400**', `**${(800 / 1024).toFixed(2)}**`])
    const estimates = rows.map((r) => Number(r[2]))
    assert.ok(Math.abs(estimates.reduce((a, b) => a + b, 0) - 800 / 1024) <= 0.005 * estimates.length, 'the estimates share out the gzip total, each rounded')
    assert.equal(rows[0][2], ((700 / 1500) * 800 / 1024).toFixed(2), 'a module\'s estimate is its share of the sources\' first load × the real first load\'s gzip')
    assert.match(table, /attribution comes\sfrom a bundle of the package's sources/, 'the caption says where the modules come from')
    assert.match(table, /sum to 1,500 bytes, against\s1,400 for the published dist's first load/)
    assert.match(jsModulesTable({ size: { bundles: { 'iam-cognito': { ...fixture().size.bundles['iam-cognito'], modulesFrom: undefined } } } }), /re-run the size measure/,
      'a record of js/dist\'s modules is not shown as the sources\'')
  } finally {
    rmSync(root, { recursive: true, force: true })
  }
})

test('a header comment gives one sentence on one line, cut at a word when long', () => {
  assert.equal(headerSentence('#!/usr/bin/env node\n// Runs it. Then more.\n'), 'Runs it.')
  assert.equal(headerSentence('/** One line only */\n'), 'One line only')
  assert.equal(headerSentence("'use strict'\n// later\n"), undefined)
  const long = headerSentence(`// ${'word '.repeat(60)}end.\n`)
  assert.ok(long.length <= 142 && long.endsWith(' …') && !long.includes('wo …'), long)
  assert.equal(describeModule('@smithy/signature-v4', []), 'npm package')
})

test('the real iamfetch bundle\'s first load is recorded by module of js/src, sharing out its real gzip', async () => {
  // The bench's esbuild, installed as scripts/bench.sh installs it.
  const bench = new URL('../../bench/', import.meta.url).pathname
  if (!existsSync(join(bench, 'node_modules/esbuild'))) execFileSync('npm', ['ci', '--prefix', bench, '--no-audit', '--no-fund', '--loglevel=error'], { stdio: 'inherit' })
  const { bundleEntry } = await import('../../bench/bundle.mjs')
  const { recordJs } = await import('../../bench/measure/sizes.mjs')
  const js = new URL('../../js/', import.meta.url).pathname
  const out = mkdtempSync(join(tmpdir(), 'iamfetch-js-modules-out-'))
  try {
    const bundle = await bundleEntry("export { AwsClient, fromCognitoIdentityPool } from 'iamfetch'", out)
    // What is measured is the published package: its chunks hold js/dist's files, and they alone are written.
    const distFiles = bundle.chunks.flatMap((c) => c.modules.map((m) => m.module))
    assert.ok(distFiles.length > 0)
    for (const name of distFiles) assert.ok(existsSync(join(js, 'dist', name)), `${name} is no file of js/dist`)
    assert.deepEqual(readdirSync(out).sort(), bundle.chunks.map((c) => c.file).sort())
    const record = recordJs(bundle)
    assert.equal(record.modulesFrom, 'js/src')
    const modules = record.modules.filter((m) => !m.glue)
    const names = modules.map((m) => m.module)
    // The API's modules, the wasm glue, and the loader: imported for its side effect only, which a bundle that read
    // js/package.json's sideEffects (it names dist/ files only) would drop.
    for (const name of ['client.js', 'signer.js', 'credentials/cognito.js', 'wasm/iamfetch.js', 'load.browser.js', 'builds.js']) assert.ok(names.includes(name), `${name} in ${names}`)
    // Every module is a file of js/src, the generated wasm glue one of js/dist/wasm: none is a chunk of the published dist.
    for (const name of names) assert.ok(existsSync(join(js, name.startsWith('wasm/') ? 'dist' : 'src', name)), `${name} is no file of js/src`)
    for (const name of names.filter((n) => !n.startsWith('wasm/'))) assert.notEqual(describeModule(name), '(source not found)', name)
    const glue = record.modules.filter((m) => m.glue)
    assert.equal(glue.length, 1)
    assert.ok(glue[0].bytes >= 0 && glue[0].bytes < 0.1 * record.sourcesRaw, `glue ${glue[0].bytes} of ${record.sourcesRaw}`)
    assert.equal(record.modules.reduce((n, m) => n + m.bytes, 0), record.sourcesRaw, 'the modules and the glue make up the sources\' first load')
    assert.ok(Math.abs(record.modules.reduce((n, m) => n + m.share, 0) - 1) < 1e-9, 'the shares sum to 1')
    const realGzip = record.chunks.filter((c) => c.firstLoad).reduce((n, c) => n + c.gzip, 0)
    assert.equal(record.jsGzip, realGzip)
    assert.ok(Math.abs(record.modules.reduce((n, m) => n + m.gzipEstimate, 0) - realGzip) < 1e-6, 'the estimates share out the real first load\'s gzip')
    // The sources' bundle is the same code: within a fifth of the published first load.
    assert.ok(Math.abs(record.sourcesRaw - record.jsRaw) < 0.2 * record.jsRaw, `sources ${record.sourcesRaw} vs dist ${record.jsRaw} bytes`)
  } finally {
    rmSync(out, { recursive: true, force: true })
  }
})
