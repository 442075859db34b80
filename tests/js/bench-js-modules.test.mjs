// The bench's first-load JS by module (bench/report/js-modules.mjs): rendered
// from a results fixture and a fixture source tree, sorted by size, each
// module described by its header comment, the total row the chunks' gzip sum;
// and the modules bench/bundle.mjs records for the real iamfetch bundle.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
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

/** A bundle of two first-load chunks and one lazy chunk, in measure/sizes.mjs' shape. */
function fixture() {
  const chunks = [
    { file: 'stdin.js', firstLoad: true, raw: 1000, gzip: 500 },
    { file: 'chunk-A.js', firstLoad: true, raw: 400, gzip: 300 },
    { file: 'lazy-B.js', firstLoad: false, raw: 9000, gzip: 4000 },
  ]
  const mod = (module, chunk, bytes, glue) => {
    const c = chunks.find((x) => x.file === chunk)
    return { module, ...(glue && { glue: true }), chunk, bytes, share: bytes / c.raw, gzipEstimate: (bytes / c.raw) * c.gzip }
  }
  return {
    size: {
      bundles: {
        'iam-cognito': {
          chunks, jsRaw: 1400, jsGzip: 800,
          modules: [mod('hash.js', 'stdin.js', 200), mod('client.js', 'stdin.js', 700), mod('esbuild chunk glue', 'stdin.js', 100, true),
            mod('credentials/cognito.js', 'chunk-A.js', 380), mod('esbuild chunk glue', 'chunk-A.js', 20, true)],
        },
      },
    },
  }
}

const bodyRows = (table) => table.split('\n').slice(2).map((line) => line.slice(2, -2).split(' | '))

test('the modules table: largest first, described by their header comment, a total equal to the first-load chunks\' gzip sum', () => {
  const root = sourceTree()
  try {
    const rows = bodyRows(jsModulesTable(fixture(), { roots: [root] }))
    const total = rows.pop()
    assert.deepEqual(rows.map((r) => r[0]), ['`client.js`', '`credentials/cognito.js`', '`hash.js`', 'esbuild chunk glue'])
    assert.deepEqual(rows.map((r) => Number(r[1].replace(/,/g, ''))), [700, 380, 200, 120], 'sorted by minified bytes, the glue of both chunks in one row')
    assert.equal(rows[0][3], 'The client: signs and sends.', 'the first sentence of the leading // comment')
    assert.equal(rows[1][3], 'Credentials from a Cognito identity pool.', 'the first sentence of the leading /** comment')
    assert.equal(rows[2][3], '(no header comment in hash.js)', 'a comment after the first code describes a part, not the module')
    // The lazy chunk is not in the first load: 500 + 300 bytes gzip, 1000 + 400 minified.
    assert.deepEqual(total.slice(0, 3), ['**total: 2 first-load chunks, each gzip -9**', '**1,400**', `**${(800 / 1024).toFixed(2)}**`])
    const estimates = rows.map((r) => Number(r[2]))
    assert.ok(Math.abs(estimates.reduce((a, b) => a + b, 0) - 800 / 1024) < 0.01, 'the estimates share out the gzip total')
    assert.equal(rows[0][2], ((700 / 1000) * 500 / 1024).toFixed(2), 'a module\'s estimate is its share of its chunk × the chunk\'s gzip')
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

test('bench/bundle.mjs records every module of each chunk of the real iamfetch bundle, named under js/dist', async () => {
  // The bench's esbuild, installed as scripts/bench.sh installs it.
  const bench = new URL('../../bench/', import.meta.url).pathname
  if (!existsSync(join(bench, 'node_modules/esbuild'))) execFileSync('npm', ['ci', '--prefix', bench, '--no-audit', '--no-fund', '--loglevel=error'], { stdio: 'inherit' })
  const { bundleEntry } = await import('../../bench/bundle.mjs')
  const out = mkdtempSync(join(tmpdir(), 'iamfetch-js-modules-out-'))
  try {
    const { chunks } = await bundleEntry("export { AwsClient, fromCognitoIdentityPool } from 'iamfetch'", out)
    const first = chunks.filter((c) => c.firstLoad)
    const names = first.flatMap((c) => c.modules.map((m) => m.module))
    for (const name of ['client.js', 'signer.js', 'credentials/cognito.js', 'wasm/iamfetch.js']) assert.ok(names.includes(name), `${name} in ${names}`)
    for (const c of chunks) {
      const sum = c.modules.reduce((n, m) => n + m.bytes, 0)
      assert.ok(sum > 0.9 * c.bytes.length && sum <= c.bytes.length, `${c.file}: modules ${sum} of ${c.bytes.length} bytes`)
      assert.deepEqual(c.modules.map((m) => m.bytes), c.modules.map((m) => m.bytes).sort((a, b) => b - a))
    }
    // Every iamfetch module has a source file the report can describe, the generated wasm glue aside.
    for (const name of names.filter((n) => !n.startsWith('wasm/'))) assert.notEqual(describeModule(name), '(source not found)', name)
  } finally {
    rmSync(out, { recursive: true, force: true })
  }
})
