// The conformance suite (tests/runtimes/conformance.mjs) in every runtime:
// Node, Bun, Deno, workerd, and Chromium, Firefox and WebKit (one launch of
// each, support/browsers.mjs). Each imports the packed
// package by its bare name, resolved through the exports map as a user's
// project would resolve it, and talks to the local AWS stack.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFile, execFileSync, spawn } from 'node:child_process'
import { promisify } from 'node:util'
import { createServer } from 'node:http'
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { extname, join, normalize } from 'node:path'
import * as esbuild from 'esbuild'
import { repoRoot } from './support/paths.mjs'
import { jsOptions, loadSuite, notExpressibleThroughFetch } from './support/aws-suite.mjs'
import { ENGINES, freePort, launchChromium, openBrowser } from './support/browsers.mjs'
import { writeWorkerdConfig } from './support/workerd.mjs'
import { startStack } from '../../stack/src/index.mjs'
import { BUILDS } from '../../js/src/build-list.js'

/** The default build and the lazily loaded SigV4a and diagnostics builds. */
const WASM_FILES = Object.values(BUILDS).map(({ wasm }) => wasm)
const run = promisify(execFile)
const bin = (name) => join(repoRoot, 'node_modules/.bin', name)

let stack, project, server, envUrl

const RUNNER = `
import * as iamfetch from 'iamfetch'
import { conformance } from './conformance.mjs'
const envUrl = globalThis.Deno?.args[0] ?? globalThis.process?.argv[2]
const env = await (await fetch(envUrl)).json()
console.log(JSON.stringify(await conformance(iamfetch, env)))
`

// A Worker bundles each lazily loaded build it uses by importing its subpath.
const WORKER = `
import * as iamfetch from 'iamfetch'
import 'iamfetch/sigv4a'
import 'iamfetch/diagnostics'
import 'iamfetch/s3'
import { conformance } from './conformance.mjs'
export default {
  async fetch(request) {
    const env = await (await fetch(new URL(request.url).searchParams.get('env'))).json()
    return Response.json(await conformance(iamfetch, env))
  },
}
`

/** A project that installed the packed tarball, as a user's would. */
function makeProject() {
  const dir = mkdtempSync(join(tmpdir(), 'iamfetch-runtimes-'))
  execFileSync('npm', ['pack', '--pack-destination', dir, '--silent'], { cwd: join(repoRoot, 'js') })
  const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'))
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'runtimes', private: true, type: 'module' }))
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--silent', join(dir, tarball)], { cwd: dir })
  copyFileSync(join(repoRoot, 'tests/runtimes/conformance.mjs'), join(dir, 'conformance.mjs'))
  writeFileSync(join(dir, 'runner.mjs'), RUNNER)
  writeFileSync(join(dir, 'worker.mjs'), WORKER)
  return dir
}

/** The browser entry, read from the installed package's exports map. */
function browserEntry() {
  const manifest = JSON.parse(readFileSync(join(project, 'node_modules/iamfetch/package.json'), 'utf8'))
  return `/node_modules/iamfetch/${manifest.exports['.'].browser.replace(/^\.\//, '')}`
}

/** Serves the project's files and the suite's environment (stack description and vectors). */
async function serve(env) {
  const types = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.html': 'text/html' }
  const page = `<!doctype html><meta charset="utf-8"><title>conformance</title>
<script type="importmap">${JSON.stringify({ imports: { iamfetch: browserEntry() } })}</script>
<script type="module">
  import * as iamfetch from 'iamfetch'
  import { conformance } from '/conformance.mjs'
  window.conformanceResult = conformance(iamfetch, await (await fetch('/env.json')).json())
</script>`
  const http = createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname))
    if (path === '/env.json') return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(env))
    if (path === '/') return res.writeHead(200, { 'content-type': 'text/html' }).end(page)
    if (path.includes('..')) return res.writeHead(404).end()
    let body
    try {
      body = await readFile(join(project, path))
    } catch {
      return res.writeHead(404).end()
    }
    res.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream' }).end(body)
  })
  await new Promise((resolve) => http.listen(0, '127.0.0.1', resolve))
  return http
}

/**
 * A signing suite's cases as conformance.mjs takes them: each with its
 * settings in the JS API's option names for both modes, and why fetch cannot
 * express it, if it cannot.
 */
const forConformance = (cases) => cases.map((c) => ({
  ...c,
  options: { header: jsOptions(c, false), query: jsOptions(c, true) },
  notExpressibleThroughFetch: notExpressibleThroughFetch(c),
}))

before(async () => {
  stack = await startStack()
  project = makeProject()
  server = await serve({
    stack: { endpoints: stack.endpoints, signing: stack.signing, ids: stack.ids },
    cases: forConformance(loadSuite('v4')),
    v4aCases: forConformance(loadSuite('v4a')),
  })
  envUrl = `http://127.0.0.1:${server.address().port}/env.json`
})
after(async () => {
  await new Promise((resolve) => server?.close(resolve))
  await stack?.stop()
  if (project) rmSync(project, { recursive: true, force: true })
})

/**
 * How each runtime sends a ReadableStream whose hash is declared in
 * x-amz-content-sha256, which the README promises to send unbuffered:
 * - Chromium sends a stream only over HTTP/2 or HTTP/3: to the local stack,
 *   which speaks HTTP/1.1, its fetch refuses it as a network failure.
 * - Firefox and WebKit (Safari) cannot send a stream at all (Firefox would send
 *   the text "[object ReadableStream]", WebKit throws NotSupportedError): the
 *   client buffers it, within maxBufferedBodyBytes, and sends it whole under the
 *   declared hash.
 */
const DECLARED_HASH_STREAM = {
  node: 'streamed', bun: 'streamed', deno: 'streamed', workerd: 'streamed',
  chromium: 'refused: TypeError', firefox: 'buffered', webkit: 'buffered',
}

function assertAllPassed(runtime, outcome) {
  const failed = outcome.results.filter((r) => !r.ok)
  assert.equal(outcome.results.length, 16, `${runtime} ran the whole suite`)
  assert.deepEqual(failed, [], `${runtime}: ${failed.map((f) => `${f.name}: ${f.detail}`).join('; ')}`)
  assert.equal(outcome.observed.declaredHashStream, DECLARED_HASH_STREAM[runtime], `${runtime}: a stream with its hash declared`)
}

const lastLine = (stdout) => JSON.parse(stdout.trim().split('\n').pop())

test('Node', async () => {
  const { stdout } = await run('node', ['runner.mjs', envUrl], { cwd: project, timeout: 120_000 })
  assertAllPassed('node', lastLine(stdout))
})

test('Bun', async () => {
  const { stdout } = await run(bin('bun'), ['runner.mjs', envUrl], { cwd: project, timeout: 120_000 })
  assertAllPassed('bun', lastLine(stdout))
})

test('Deno', async () => {
  const { stdout } = await run(bin('deno'), ['run', '--allow-net', '--allow-read', '--allow-env', 'runner.mjs', envUrl], { cwd: project, timeout: 120_000, env: { ...process.env, DENO_NO_UPDATE_CHECK: '1' } })
  assertAllPassed('deno', lastLine(stdout))
})

for (const engine of ENGINES) {
  test(`browser: ${engine}`, async (t) => {
    const page = await openBrowser(engine)
    t.after(() => page.close())
    t.diagnostic(page.version)
    // localhost, not 127.0.0.1: the stack's CORS config allows localhost origins.
    await page.goto(`http://localhost:${server.address().port}/`)
    await page.waitForFunction(() => window.conformanceResult !== undefined)
    assertAllPassed(engine, await page.evaluate(() => window.conformanceResult))
  })
}

/**
 * Bundles `entry` as Wrangler does (esbuild with the workerd and worker
 * conditions, each .wasm an imported module) and serves it with workerd,
 * binding exactly the .wasm files the bundle imports. Returns their names and
 * the worker's origin.
 */
async function startWorker(t, name, entry) {
  const out = join(project, name)
  mkdirSync(join(out, 'wasm'), { recursive: true })
  const imported = new Set()
  await esbuild.build({
    entryPoints: [entry], bundle: true, format: 'esm', platform: 'browser', logLevel: 'error',
    conditions: ['workerd', 'worker', 'browser'], outfile: join(out, 'worker.js'),
    plugins: [{
      name: 'wasm-module',
      setup(build) {
        build.onResolve({ filter: /\.wasm$/ }, async (args) => {
          if (args.pluginData === 'raw') return undefined // the build.resolve below: esbuild's own resolution
          // Resolved as Wrangler does, through the package's exports for a bare specifier.
          const resolved = args.path.startsWith('.') ? join(args.resolveDir, args.path) : (await build.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, pluginData: 'raw' })).path
          const file = resolved.slice(resolved.lastIndexOf('/') + 1)
          imported.add(file)
          copyFileSync(resolved, join(out, 'wasm', file))
          return { path: `./wasm/${file}`, external: true }
        })
      },
    }],
  })
  const port = await freePort()
  writeWorkerdConfig(join(out, 'config.capnp'), [{
    name: 'main',
    port,
    modules: [['worker.js', 'esModule', 'worker.js'], ...[...imported].map((file) => [`wasm/${file}`, 'wasm', `wasm/${file}`])],
    outbound: true,
  }])
  const workerd = spawn(bin('workerd'), ['serve', join(out, 'config.capnp')], { cwd: out, stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  workerd.stderr.on('data', (d) => { stderr += d })
  t.after(() => workerd.kill('SIGTERM'))
  return { wasm: [...imported].sort(), get: (path) => untilListening(`http://127.0.0.1:${port}${path}`, () => stderr) }
}

test('workerd (the .wasm imported as a module, bundled as Wrangler does)', async (t) => {
  const worker = await startWorker(t, 'workerd', join(project, 'worker.mjs'))
  assert.deepEqual(worker.wasm, [...WASM_FILES].sort(), 'the core, and every build the Worker imports')
  const response = await worker.get(`/run?env=${encodeURIComponent(envUrl)}`)
  assertAllPassed('workerd', await response.json())
})

const CORE_ONLY_WORKER = `
import { AwsClient, AwsV4Signer, explainFailure, init, signRequest } from 'iamfetch'
import sigv4aModule from 'iamfetch/wasm/${BUILDS.sigv4a.wasm}'
const settle = (promise) => promise.then((value) => ({ value }), (error) => ({ code: error.code, message: error.message }))
const KEYS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', datetime: '20261121T101010Z' }
const SIGV4A = { url: 'https://b.s3.us-east-1.amazonaws.com/k', ...KEYS, signingAlgorithm: 'sigv4a', regionSet: ['*'] }
export default {
  async fetch(request) {
    const { url, accessKeyId, service, region } = JSON.parse(new URL(request.url).searchParams.get('call'))
    const sigv4 = await new AwsV4Signer({ url: 'https://abc.lambda-url.eu-west-1.on.aws/', ...KEYS }).authHeader()
    const sigv4aBefore = await settle(new AwsV4Signer(SIGV4A).authHeader())
    // The diagnostics build is not bundled, and bytes are no way in: Workers compile no wasm from bytes.
    const emptyWasm = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00])
    await init({ diagnostics: emptyWasm })
    const diagnostics = await settle(signRequest({ url: 'https://abc.lambda-url.eu-west-1.on.aws/' }, KEYS))
    // A refused call is still explained, without the canonical request.
    const refused = await new AwsClient({ accessKeyId, secretAccessKey: 'not-the-secret', service, region }).fetch(url, { method: 'POST', body: '{}' })
    const explained = await explainFailure(refused)
    // The SigV4a build, given as the Module the package's exported .wasm imports as; twice (idempotent).
    await init({ sigv4a: sigv4aModule })
    await init({ sigv4a: sigv4aModule })
    const sigv4aAfter = (await new AwsV4Signer(SIGV4A).authHeader()).split(' ')[0]
    return Response.json({ sigv4: sigv4.split(',')[0], sigv4aBefore, diagnostics, refused: refused.status, explained, sigv4aAfter })
  },
}
`

test('workerd: a Worker bundles only the core unless it imports more; a missing build is an ERR_WASM_LOAD naming the import, and init() takes the imported Module', async (t) => {
  writeFileSync(join(project, 'core-only-worker.mjs'), CORE_ONLY_WORKER)
  const worker = await startWorker(t, 'workerd-core-only', join(project, 'core-only-worker.mjs'))
  assert.deepEqual(worker.wasm, [BUILDS.core.wasm, BUILDS.sigv4a.wasm].sort(), 'the core, and the SigV4a .wasm the Worker imports itself; no diagnostics build')
  const user = stack.ids.iamUsers['test-user']
  const call = { url: stack.endpoints.functionUrl, accessKeyId: user.accessKeyId, ...stack.signing.functionUrl }
  const result = await (await worker.get(`/?call=${encodeURIComponent(JSON.stringify(call))}`)).json()

  assert.equal(result.sigv4, 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261121/eu-west-1/lambda/aws4_request')
  assert.equal(result.sigv4aBefore.code, 'ERR_WASM_LOAD', JSON.stringify(result.sigv4aBefore))
  assert.match(result.sigv4aBefore.message, /SigV4a build: this bundle leaves it out: add `import 'iamfetch\/sigv4a'`, or give init\(\{ sigv4a \}\) its .wasm/)
  assert.equal(result.diagnostics.code, 'ERR_WASM_LOAD', JSON.stringify(result.diagnostics))
  assert.match(result.diagnostics.message, /diagnostics build: the bytes given: this runtime compiles no wasm from bytes; give init\(\) the WebAssembly.Module/)
  assert.equal(result.refused, 403)
  assert.equal(result.explained.cause, 'signature-mismatch', JSON.stringify(result.explained))
  assert.equal(result.explained.canonicalRequest, undefined)
  assert.ok(result.explained.evidence.some((line) => line.startsWith('the canonical request could not be rebuilt: ') && line.includes('diagnostics build')), JSON.stringify(result.explained.evidence))
  assert.equal(result.sigv4aAfter, 'AWS4-ECDSA-P256-SHA256')
})

test('a browser bundle of named imports (esbuild) keeps the wasm loader and signs in Chromium', async (t) => {
  const out = join(project, 'bundle')
  mkdirSync(join(out, 'wasm'), { recursive: true })
  writeFileSync(join(project, 'app.mjs'), `
import { AwsV4Signer } from 'iamfetch'
const signer = new AwsV4Signer({ url: 'https://abc.lambda-url.eu-west-1.on.aws/', accessKeyId: 'AKID', secretAccessKey: 'secret', datetime: '20261121T101010Z' })
window.bundleResult = signer.authHeader().then((header) => ({ header }), (error) => ({ error: String(error?.code ?? error) }))
`)
  await esbuild.build({ entryPoints: [join(project, 'app.mjs')], bundle: true, format: 'esm', platform: 'browser', minify: true, logLevel: 'error', outfile: join(out, 'app.js') })
  for (const file of WASM_FILES) copyFileSync(join(project, 'node_modules/iamfetch/dist/wasm', file), join(out, 'wasm', file))
  writeFileSync(join(out, 'index.html'), '<!doctype html><meta charset="utf-8"><script type="module" src="app.js"></script>')
  const browser = await launchChromium()
  t.after(() => browser.close())
  const page = await browser.newPage()
  await page.goto(`http://localhost:${server.address().port}/bundle/index.html`)
  await page.waitForFunction(() => window.bundleResult !== undefined)
  const result = await page.evaluate(() => window.bundleResult)
  assert.match(result.header ?? result.error, /^AWS4-HMAC-SHA256 Credential=AKID\/20261121\/eu-west-1\/lambda\/aws4_request/)
})

/** Retries the first request until workerd listens (bounded: 100 tries). */
async function untilListening(url, stderr) {
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      return await fetch(url)
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
  throw new Error(`workerd did not start: ${stderr().slice(-500)}`)
}
