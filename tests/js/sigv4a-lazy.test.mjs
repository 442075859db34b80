// The SigV4a build (wasm/iamfetch_v4a.js and its iamfetch_v4a_bg.wasm) is
// loaded only when SigV4a is first asked for: a SigV4 signature never fetches,
// reads or imports it. Seen from outside the package: in Chromium by the server
// that serves js/dist, in Node by a child process whose fs calls and module
// loads under dist/wasm are recorded. (In workerd, a Worker bundles the
// SigV4a .wasm only when it imports iamfetch/sigv4a: runtimes.test.mjs checks
// which .wasm a Worker's bundle holds.)
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { distEntry, repoRoot } from './support/paths.mjs'
import { launchChromium } from './support/browsers.mjs'
import { runRecorded } from './support/load-recorder.mjs'
import { BUILDS } from '../../js/src/build-list.js'

const V4A_FILES = [BUILDS.sigv4a.glue, BUILDS.sigv4a.wasm]
const KEYS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' }
/** What each signature signs: the same request, SigV4 then SigV4a. */
const SIGV4 = { url: 'https://examplebucket.s3.us-east-1.amazonaws.com/photo.jpg', ...KEYS, service: 's3', region: 'us-east-1' }
const SIGV4A = { ...SIGV4, signingAlgorithm: 'sigv4a', regionSet: ['*'] }


/** The file names under dist/wasm among what was requested, read or imported. */
const wasmFiles = (entries) => entries.filter((entry) => entry.includes('/wasm/')).map((entry) => entry.slice(entry.lastIndexOf('/') + 1))

/** Asserts the core, and not the SigV4a build, after SigV4; the SigV4a build after the first SigV4a signature. */
function assertLoadedOnFirstUse({ afterSigV4, afterSigV4a }, how) {
  assert.ok(afterSigV4.includes(BUILDS.core.wasm), `the core .wasm is ${how} for SigV4 (the recording works): ${afterSigV4}`)
  for (const file of V4A_FILES) {
    assert.ok(!afterSigV4.includes(file), `${file} is not ${how} for SigV4: ${afterSigV4}`)
    assert.ok(afterSigV4a.includes(file), `${file} is ${how} for the first SigV4a signature: ${afterSigV4a}`)
  }
}

test('Chromium: a SigV4 signature requests no SigV4a file; the first SigV4a signature requests the glue and the .wasm', async (t) => {
  const dist = join(repoRoot, 'js/dist')
  const requested = []
  const page = `<!doctype html><meta charset="utf-8">
<script type="importmap">${JSON.stringify({ imports: { iamfetch: '/index.browser.js' } })}</script>
<script type="module">import * as iamfetch from 'iamfetch'; window.iamfetch = iamfetch; document.title = 'ready'</script>`
  const types = { js: 'text/javascript', wasm: 'application/wasm' }
  const server = createServer(async (req, res) => {
    const path = new URL(req.url, 'http://x').pathname
    requested.push(path)
    if (path === '/') return res.writeHead(200, { 'content-type': 'text/html' }).end(page)
    const body = path.includes('..') ? undefined : await readFile(join(dist, path)).catch(() => undefined)
    if (!body) return res.writeHead(404).end()
    res.writeHead(200, { 'content-type': types[path.split('.').pop()] ?? 'application/octet-stream' }).end(body)
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.after(() => new Promise((resolve) => server.close(resolve)))
  const browser = await launchChromium()
  t.after(() => browser.close())
  const tab = await browser.newPage()
  await tab.goto(`http://localhost:${server.address().port}/`)
  await tab.waitForFunction(() => document.title === 'ready')

  const sign = (options) => tab.evaluate((o) => new window.iamfetch.AwsV4Signer(o).authHeader(), options)
  assert.match(await sign(SIGV4), /^AWS4-HMAC-SHA256 /)
  const afterSigV4 = wasmFiles(requested)
  assert.match(await sign(SIGV4A), /^AWS4-ECDSA-P256-SHA256 /)
  assertLoadedOnFirstUse({ afterSigV4, afterSigV4a: wasmFiles(requested) }, 'requested')
})

const SIGNER = `
import { appendFileSync } from 'node:fs'
const { AwsV4Signer } = await import(process.argv[2])
for (const options of JSON.parse(process.argv[3])) {
  const header = await new AwsV4Signer(options).authHeader()
  appendFileSync(process.env.IAMFETCH_LOG, 'signed ' + header.split(' ')[0] + '\\n')
}
`

test('Node: a SigV4 signature reads and imports no SigV4a file; the first SigV4a signature reads the .wasm and imports the glue', async () => {
  // Records each fs call on a path under dist/wasm (the .wasm files) and each module loaded from there (the glue).
  const lines = await runRecorded(SIGNER, { under: '/dist/wasm/', reads: true, args: [distEntry, JSON.stringify([SIGV4, SIGV4A])] })
  const sigv4 = lines.indexOf('signed AWS4-HMAC-SHA256')
  const sigv4a = lines.indexOf('signed AWS4-ECDSA-P256-SHA256')
  assert.ok(sigv4 !== -1 && sigv4a > sigv4, `both signatures were made, SigV4 first: ${lines}`)
  assert.ok(lines.some((line) => line.startsWith('import ') && line.endsWith('/iamfetch.js')), `the core glue's import is recorded (the hooks work): ${lines}`)
  const afterSigV4 = wasmFiles(lines.slice(0, sigv4))
  assertLoadedOnFirstUse({ afterSigV4, afterSigV4a: wasmFiles(lines.slice(0, sigv4a)) }, 'read or imported')
  // Read is read, and imported is imported: not one standing in for the other.
  assert.ok(lines.slice(sigv4, sigv4a).some((line) => line.startsWith('read ') && line.endsWith(`/${BUILDS.sigv4a.wasm}`)), `the SigV4a .wasm is read: ${lines}`)
  assert.ok(lines.slice(sigv4, sigv4a).some((line) => line.startsWith('import ') && line.endsWith(`/${BUILDS.sigv4a.glue}`)), `the SigV4a glue is imported: ${lines}`)
})
