// The benchmark orchestrator, run by scripts/bench.sh: builds the browser and
// workerd bundles, runs every measurement in Node, headless Chromium and workerd
// in one go, and prints one table, which it also writes to BENCHMARKS.md.
//
//   node bench/run.mjs [--quick] [--only sign,hash,cold,blob,start,proxy,size]
//
// Environment: BENCH_NATIVE (path of the built bench_native example),
// BENCH_TWIGGY (path of a `twiggy top` JSON report), BENCH_BUDGET_MS.
import { spawn, execFileSync } from 'node:child_process'
import { gzipSync } from 'node:zlib'
import { createServer } from 'node:http'
import { connect } from 'node:net'
import { cpus, totalmem } from 'node:os'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, copyFileSync, openSync, writeSync, closeSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, extname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import * as esbuild from 'esbuild'
import { BLOB_IMPLS, HASH_SIZES, signingCases } from './src/common.mjs'

const bench = dirname(fileURLToPath(import.meta.url))
const root = resolve(bench, '..')
const out = join(bench, '.out')
const { values: flags } = parseArgs({ options: { quick: { type: 'boolean' }, only: { type: 'string' }, 'no-write': { type: 'boolean' }, 'report-only': { type: 'boolean' } } })
const only = flags.only ? new Set(flags.only.split(',')) : null
const want = (part) => !only || only.has(part)
const budgetMs = Number(process.env.BENCH_BUDGET_MS ?? (flags.quick ? 250 : 1000))
const coldReps = flags.quick ? 1 : 3
const startRuns = flags.quick ? 5 : 20
const log = (...a) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${a.join(' ')}\n`)
const results = { sign: {}, hashWarm: {}, hashCold: {}, blob: {}, start: {}, proxy: null, size: null, native: null, notes: [] }

// ---------------------------------------------------------------- bundles
const WASM = join(root, 'js/dist/wasm/iamfetch_bg.wasm')

// js/package.json declares "sideEffects": false, so a bundler that is handed
// `import { AwsClient } from 'iamfetch'` drops the runtime entry's
// setWasmLoader(...) call and the bundle fails at its first signature
// ("loadBindings is not a function"). Until the package says otherwise, mark
// the entry file (only it) as having side effects. measureSizes() checks both.
const keepIamfetchEntry = {
  name: 'keep-iamfetch-entry',
  setup(build) {
    build.onResolve({ filter: /^iamfetch$/ }, async (args) => {
      if (args.pluginData === 'inner') return undefined
      const r = await build.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: 'inner' })
      if (r.errors.length) return { errors: r.errors }
      return { path: r.path, namespace: r.namespace, external: r.external, sideEffects: true }
    })
  },
}

async function buildBundles() {
  rmSync(out, { recursive: true, force: true })
  mkdirSync(join(out, 'browser/wasm'), { recursive: true })
  mkdirSync(join(out, 'workerd/wasm'), { recursive: true })
  const common = { bundle: true, format: 'esm', logLevel: 'error', absWorkingDir: bench, define: { 'process.env.NODE_ENV': '"production"' }, plugins: [keepIamfetchEntry] }
  await esbuild.build({ ...common, entryPoints: ['src/browser.mjs'], platform: 'browser', outfile: join(out, 'browser/bench.js') })
  copyFileSync(WASM, join(out, 'browser/wasm/iamfetch_bg.wasm'))
  writeFileSync(join(out, 'browser/index.html'), '<!doctype html><meta charset="utf-8"><title>iamfetch bench</title><input type="file" id="blobfile"><script type="module" src="bench.js"></script>\n')
  const workerd = { ...common, platform: 'browser', conditions: ['workerd', 'worker'], external: ['*.wasm', './lib-*.js'] }
  for (const [entry, file] of [['src/worker.mjs', 'worker.js'], ['src/cold-worker.mjs', 'cold-worker.js'], ['src/proxy-worker.mjs', 'proxy.js'],
    ['src/lib-iamfetch.mjs', 'lib-iamfetch.js'], ['src/lib-aws4fetch.mjs', 'lib-aws4fetch.js']]) {
    await esbuild.build({ ...workerd, entryPoints: [entry], outfile: join(out, 'workerd', file) })
  }
  copyFileSync(WASM, join(out, 'workerd/wasm/iamfetch_bg.wasm'))
}

// ---------------------------------------------------------------- processes
function runJson(cmd, args, { env, cwd = bench, timeoutMs = 600_000 } = {}) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.stdout.on('data', (d) => { stdout += d })
    child.stderr.on('data', (d) => { stderr += d })
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      const line = stdout.trim().split('\n').pop()
      if (code === 0 && line) {
        try { return resolvePromise(JSON.parse(line)) } catch {}
      }
      reject(new Error(`${cmd} ${args.join(' ')} exited ${code ?? signal}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`))
    })
  })
}

const node = (args, opts) => runJson(process.execPath, args, opts)
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

function waitForPort(port, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs
  return new Promise((resolvePromise, reject) => {
    const attempt = () => {
      const socket = connect(port, '127.0.0.1')
      socket.once('connect', () => { socket.destroy(); resolvePromise() })
      socket.once('error', () => {
        socket.destroy()
        if (Date.now() > deadline) reject(new Error(`port ${port} never opened`))
        else setTimeout(attempt, 10)
      })
    }
    attempt()
  })
}

async function freePort() {
  const srv = createServer()
  await new Promise((r) => srv.listen(0, '127.0.0.1', r))
  const { port } = srv.address()
  await new Promise((r) => srv.close(r))
  return port
}

// ---------------------------------------------------------------- workerd
const WORKERD = join(bench, 'node_modules/.bin/workerd')
const COMPAT = 'compatibilityDate = "2025-09-01", compatibilityFlags = ["nodejs_compat"]'

function workerdConfig(workers, dir) {
  // workers: [{ name, port, modules: [[name, kind, file]], bindings: [[name, text]], outbound }]
  const svc = workers.map((w) => `(name = "${w.name}", worker = .${w.name})`)
  const sockets = workers.filter((w) => w.port).map((w) => `(name = "${w.name}-http", address = "127.0.0.1:${w.port}", http = (), service = "${w.name}")`)
  const defs = workers.map((w) => {
    const modules = w.modules.map(([name, kind, file]) => `(name = "${name}", ${kind} = embed "${file}")`).join(', ')
    const bindings = (w.bindings ?? []).map(([name, text]) => `(name = "${name}", text = ${JSON.stringify(text)})`).join(', ')
    return `const ${w.name} :Workerd.Worker = (modules = [${modules}], bindings = [${bindings}], ${COMPAT}${w.outbound ? ', globalOutbound = "internet"' : ''});`
  })
  const text = `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [${[...svc, '(name = "internet", network = (allow = ["public", "local", "private"]))'].join(', ')}],
  sockets = [${sockets.join(', ')}],
);
${defs.join('\n')}
`
  const file = join(dir, `config-${workers[0].name}.capnp`)
  writeFileSync(file, text, { mode: 0o600 })
  return file
}

async function startWorkerd(configFile, ports) {
  const child = spawn(WORKERD, ['serve', configFile], { cwd: dirname(configFile), stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', (d) => { stderr += d })
  const exited = new Promise((r) => child.once('exit', r))
  try {
    await Promise.race([Promise.all(ports.map((p) => waitForPort(p))), exited.then(() => { throw new Error(`workerd exited: ${stderr.slice(-500)}`) })])
  } catch (error) {
    child.kill('SIGKILL')
    throw error
  }
  return { child, stop: async () => { child.kill('SIGTERM'); await exited } }
}

const benchModules = [['worker.js', 'esModule', 'worker.js'], ['wasm/iamfetch_bg.wasm', 'wasm', 'wasm/iamfetch_bg.wasm']]

async function withBenchWorker(fn) {
  const port = await freePort()
  const config = workerdConfig([{ name: 'bench', port, modules: benchModules }], join(out, 'workerd'))
  const wd = await startWorkerd(config, [port])
  try {
    return await fn(async (path) => {
      const res = await fetch(`http://127.0.0.1:${port}${path}`)
      const body = await res.json()
      if (body?.error && res.status !== 200) throw new Error(body.error)
      return body
    })
  } finally {
    await wd.stop()
  }
}

// ---------------------------------------------------------------- chromium
const CONTENT_TYPES = { '.js': 'text/javascript', '.html': 'text/html', '.wasm': 'application/wasm' }

async function startStaticServer(dir) {
  const server = createServer((req, res) => {
    const path = join(dir, new URL(req.url, 'http://x').pathname)
    if (!path.startsWith(dir) || !existsSync(path) || statSync(path).isDirectory()) { res.writeHead(404).end(); return }
    res.writeHead(200, {
      'content-type': CONTENT_TYPES[extname(path)] ?? 'application/octet-stream',
      'cache-control': 'no-store',
      // Cross-origin isolation gives performance.now() 5 µs resolution instead of 100 µs.
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-embedder-policy': 'require-corp',
      'cross-origin-resource-policy': 'same-origin',
    })
    res.end(readFileSync(path))
  })
  await new Promise((r) => server.listen(0, '127.0.0.1', r))
  return { url: `http://127.0.0.1:${server.address().port}/`, close: () => new Promise((r) => server.close(r)) }
}

async function withChromium(fn) {
  const { chromium } = await import('playwright-core')
  const server = await startStaticServer(join(out, 'browser'))
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  })
  results.chromiumVersion = browser.version()
  const cdp = await browser.newBrowserCDPSession()
  const page = async () => {
    const context = await browser.newContext()
    const p = await context.newPage()
    p.on('pageerror', (e) => log('page error:', e.message))
    await p.goto(server.url + 'index.html')
    await p.waitForFunction('window.benchReady === true', null, { timeout: 30_000 })
    return { page: p, close: () => context.close() }
  }
  const renderers = async () => (await cdp.send('SystemInfo.getProcessInfo')).processInfo.filter((p) => p.type === 'renderer').map((p) => p.id)
  try {
    return await fn({ page, renderers })
  } finally {
    await browser.close()
    await server.close()
  }
}

// ---------------------------------------------------------------- /proc
const procField = (pid, field) => {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith(`${field}:`))
    return Number(/(\d+)/.exec(line)[1]) * 1024
  } catch { return NaN }
}
const resetPeak = (pid) => { try { writeFileSync(`/proc/${pid}/clear_refs`, '5') } catch {} }
/** CPU time of all of a process's threads, in ms, from schedstat (ns resolution). */
function cpuMs(pid) {
  let ns = 0
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try { ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]) } catch {}
  }
  return ns / 1e6
}

// ---------------------------------------------------------------- measurements
async function measureSigning() {
  log('signing latency: Node')
  results.sign.node = await node(['src/node.mjs', 'sign'], { env: { BENCH_BUDGET_MS: budgetMs } })
  log('signing latency: Chromium')
  await withChromium(async ({ page }) => {
    const { page: p, close } = await page()
    results.chromiumClock = await p.evaluate(() => window.bench.clock())
    results.sign.chromium = await p.evaluate((b) => window.bench.sign(b), budgetMs)
    await close()
  })
  log('signing latency: workerd')
  await withBenchWorker(async (get) => {
    results.workerdClock = await get('/clock')
    results.sign.workerd = await get(`/sign?budget=${budgetMs}`)
  })
}

async function measureHashWarm() {
  log('hashing, warm: Node')
  results.hashWarm.node = await node(['src/node.mjs', 'hash-warm'], { env: { BENCH_BUDGET_MS: budgetMs } })
  log('hashing, warm: Chromium')
  await withChromium(async ({ page }) => {
    const { page: p, close } = await page()
    results.hashWarm.chromium = await p.evaluate((b) => window.bench.hashWarm(b), budgetMs)
    await close()
  })
  log('hashing, warm: workerd')
  await withBenchWorker(async (get) => { results.hashWarm.workerd = await get(`/hash-warm?budget=${budgetMs}`) })
}

const HASH_IMPLS = ['iamfetch sha256Hex', 'iamfetch Sha256, 64 KiB chunks', 'iamfetch AwsClient.sign (POST body)', 'crypto.subtle.digest', 'hash-wasm createSHA256']

async function measureHashCold() {
  // Each cold number is the first call in a fresh process, browser context or workerd process.
  const jobs = []
  for (let rep = 0; rep < coldReps; rep++) for (const size of HASH_SIZES) for (const impl of HASH_IMPLS) jobs.push({ impl, size: size.name })
  const record = (rt, job, ms) => {
    const slot = ((results.hashCold[rt] ??= {})[job.size] ??= {})
    ;(slot[job.impl] ??= []).push(ms)
  }
  log(`hashing, cold: Node (${jobs.length} fresh processes)`)
  for (const job of jobs) record('node', job, (await node(['src/node.mjs', 'hash-cold', job.impl, job.size])).ms)
  log(`hashing, cold: Chromium (${jobs.length} fresh contexts)`)
  await withChromium(async ({ page }) => {
    for (const job of jobs) {
      const { page: p, close } = await page()
      record('chromium', job, (await p.evaluate(([i, s]) => window.bench.hashCold(i, s), [job.impl, job.size])).ms)
      await close()
    }
  })
  log(`hashing, cold: workerd (${jobs.length} fresh processes)`)
  for (const job of jobs) {
    await withBenchWorker(async (get) => {
      const r = await get(`/hash-cold?impl=${encodeURIComponent(job.impl)}&size=${job.size}`)
      if (r.error) results.hashColdErrors = { ...results.hashColdErrors, [job.impl]: r.error }
      else record('workerd', job, r.ms)
    })
  }
}

const BLOB_FILE = join(tmpdir(), 'iamfetch-bench-1gib.bin')
const BLOB_MIB = 1024

async function measureBlob() {
  const mib = flags.quick ? 256 : BLOB_MIB
  results.blobMiB = mib
  if (!existsSync(BLOB_FILE) || statSync(BLOB_FILE).size !== mib << 20) {
    log(`writing a ${mib} MiB file (Node's file-backed Blob, Chromium's <input type=file>)`)
    const { bytes } = await import('./src/common.mjs')
    const part = bytes(1 << 20)
    const fd = openSync(BLOB_FILE, 'w')
    for (let i = 0; i < mib; i++) writeSync(fd, part)
    closeSync(fd)
  }
  for (const impl of BLOB_IMPLS) {
    log(`${mib} MiB Blob, Node: ${impl}`)
    try {
      results.blob[`node:${impl}`] = await node(['--expose-gc', 'src/node.mjs', 'blob', impl, BLOB_FILE], { timeoutMs: 180_000 })
    } catch (error) {
      results.blob[`node:${impl}`] = { error: error.message.slice(0, 200) }
    }
  }
  await withChromium(async ({ page, renderers }) => {
    for (const impl of BLOB_IMPLS) {
      log(`${mib} MiB Blob, Chromium: ${impl}`)
      const { page: p, close } = await page()
      try {
        await p.setInputFiles('#blobfile', BLOB_FILE)
        await p.evaluate(() => window.bench.pickFile())
        await sleep(200)
        const pids = await renderers()
        const base = Object.fromEntries(pids.map((pid) => { resetPeak(pid); return [pid, procField(pid, 'VmRSS')] }))
        const r = await p.evaluate((i) => window.bench.hashBlob(i), impl)
        const extra = Math.max(...pids.map((pid) => procField(pid, 'VmHWM') - base[pid]))
        results.blob[`chromium:${impl}`] = { ...r, peakExtraBytes: extra }
      } catch (error) {
        results.blob[`chromium:${impl}`] = { error: error.message.split('\n')[0].slice(0, 200) }
      }
      await close().catch(() => {})
    }
  })
  rmSync(BLOB_FILE, { force: true })
}

async function measureColdStart() {
  const variants = [['iamfetch'], ['aws4fetch'], ['smithy'], ['iamfetch', 'preload'], ['aws4fetch', 'preload']]
  log(`cold start: Node (${startRuns} fresh processes per library, interleaved)`)
  for (let i = 0; i < startRuns; i++) {
    for (const v of variants) {
      const r = await node(['src/cold-node.mjs', ...v])
      ;(results.start[`node:${v.join(':')}`] ??= []).push(r)
    }
  }
  log(`cold start: workerd (${startRuns} fresh processes per variant, interleaved)`)
  const dir = join(out, 'workerd')
  for (let i = 0; i < startRuns; i++) {
    for (const lib of ['noop', 'iamfetch', 'aws4fetch']) {
      const port = await freePort()
      const config = workerdConfig([{
        name: 'cold', port,
        modules: [['cold-worker.js', 'esModule', 'cold-worker.js'], ['lib-iamfetch.js', 'esModule', 'lib-iamfetch.js'],
          ['lib-aws4fetch.js', 'esModule', 'lib-aws4fetch.js'], ['wasm/iamfetch_bg.wasm', 'wasm', 'wasm/iamfetch_bg.wasm']],
      }], dir)
      const wd = await startWorkerd(config, [port])
      try {
        const t0 = performance.now()
        const res = await fetch(`http://127.0.0.1:${port}/${lib === 'noop' ? '' : `?lib=${lib}`}`)
        const body = await res.text()
        const rtt = performance.now() - t0
        const inside = lib === 'noop' ? null : JSON.parse(body).ms
        ;(results.start[`workerd:${lib}`] ??= []).push({ rtt, inside })
      } finally {
        await wd.stop()
      }
    }
  }
}

async function measureProxy() {
  if (!existsSync(join(root, 'stack/node_modules'))) {
    log('installing the local stack (npm ci --prefix stack)')
    execFileSync('npm', ['ci', '--prefix', join(root, 'stack'), '--no-audit', '--no-fund', '--loglevel=error'], { stdio: 'inherit' })
  }
  log('edge proxy: local stack + workerd')
  const stack = spawn(process.execPath, [join(bench, 'src/stack-child.mjs')], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] })
  const info = await new Promise((r, j) => { stack.once('message', r); stack.once('exit', (c) => j(new Error(`stack exited ${c}`))) })
  const dir = mkdtempSync(join(tmpdir(), 'iamfetch-bench-proxy-'))
  try {
    for (const f of ['proxy.js', 'wasm']) execFileSync('cp', ['-r', join(out, 'workerd', f), dir])
    const [signPort, passPort] = [await freePort(), await freePort()]
    const modules = [['proxy.js', 'esModule', 'proxy.js'], ['wasm/iamfetch_bg.wasm', 'wasm', 'wasm/iamfetch_bg.wasm']]
    const env = (mode) => [['MODE', mode], ['UPSTREAM', info.echo], ['SERVICE', info.signing.service], ['REGION', info.signing.region],
      ['AWS_ACCESS_KEY_ID', info.credentials.accessKeyId], ['AWS_SECRET_ACCESS_KEY', info.credentials.secretAccessKey]]
    const config = workerdConfig([
      { name: 'signproxy', port: signPort, modules, bindings: env('sign'), outbound: true },
      { name: 'passproxy', port: passPort, modules, bindings: env('pass'), outbound: true },
    ], dir)
    const wd = await startWorkerd(config, [signPort, passPort])
    try {
      const { AwsClient } = await import('iamfetch')
      const client = new AwsClient({ ...info.credentials, ...info.signing, retries: 0 })
      const body = JSON.stringify({ items: 'x'.repeat(1024 - 12) })
      const headers = { 'content-type': 'application/json' }
      const path = '/bench/orders'
      const variants = {
        'direct: client signs (iamfetch in Node), calls the stack': () => client.fetch(info.echo + path, { method: 'POST', headers, body }),
        'via workerd, pass-through (client signs)': async () => {
          const signed = await client.sign(info.echo + path, { method: 'POST', headers, body })
          return fetch(`http://127.0.0.1:${passPort}${path}`, { method: 'POST', headers: signed.headers, body })
        },
        'via workerd, worker signs with AwsClient': () => fetch(`http://127.0.0.1:${signPort}${path}`, { method: 'POST', headers, body }),
      }
      const stats = Object.fromEntries(Object.keys(variants).map((k) => [k, { lat: [], cpu: 0, n: 0, bad: 0 }]))
      const once = async (fn, s) => {
        const t0 = performance.now()
        const res = await fn()
        const text = await res.text()
        if (!s) return
        s.lat.push(performance.now() - t0)
        if (res.status !== 200) {
          s.bad++
          // The stack's and iamfetch's error texts never hold a key or a token.
          s.lastBad = `${res.status} ${res.headers.get('x-amzn-errortype') ?? ''} ${text.slice(0, 160)}`
        }
      }
      for (const fn of Object.values(variants)) for (let i = 0; i < 50; i++) await once(fn)
      const rounds = flags.quick ? 4 : 10
      const block = 40
      for (let r = 0; r < rounds; r++) {
        for (const [name, fn] of Object.entries(variants)) {
          const s = stats[name]
          const c0 = cpuMs(wd.child.pid)
          for (let i = 0; i < block; i++) await once(fn, s)
          s.cpu += cpuMs(wd.child.pid) - c0
          s.n += block
        }
      }
      results.proxy = Object.fromEntries(Object.entries(stats).map(([k, s]) => {
        s.lat.sort((a, b) => a - b)
        return [k, { median: s.lat[Math.floor(s.lat.length / 2)], p99: s.lat[Math.floor(s.lat.length * 0.99)], cpuPerRequest: s.cpu / s.n, n: s.n, non200: s.bad, lastBad: s.lastBad }]
      }))
    } finally {
      await wd.stop()
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
    stack.send('stop')
    await new Promise((r) => stack.once('exit', r))
  }
}

async function measureSizes() {
  log('bundle sizes (esbuild --bundle --minify --format=esm, gzip -9), each checked in Chromium')
  const iam = await import('iamfetch')
  const hasCognito = typeof iam.fromCognitoIdentityPool === 'function'
  const wasmGzip = gzipSync(readFileSync(WASM), { level: 9 }).length
  const entries = [
    { key: 'iam-signer', label: 'iamfetch: AwsV4Signer (signer alone)', code: "export { AwsV4Signer } from 'iamfetch'", wasm: true, check: 'signer' },
    hasCognito
      ? { key: 'iam-cognito', label: 'iamfetch: AwsClient + fromCognitoIdentityPool', code: "export { AwsClient, fromCognitoIdentityPool } from 'iamfetch'", wasm: true, check: 'client' }
      : { key: 'iam-cognito', label: 'iamfetch: AwsClient (fromCognitoIdentityPool not exported yet)', code: "export { AwsClient } from 'iamfetch'", wasm: true, pending: true, check: 'client' },
    { key: 'a4f-signer', label: 'aws4fetch: AwsV4Signer', code: "export { AwsV4Signer } from 'aws4fetch'", check: 'signer' },
    { key: 'a4f-client', label: 'aws4fetch: AwsClient (it has no credential provider)', code: "export { AwsClient } from 'aws4fetch'", check: 'client' },
    { key: 'sdk-signer', label: 'AWS SDK v3: SignatureV4 + sha256-js', code: "export { SignatureV4 } from '@smithy/signature-v4'; export { Sha256 } from '@aws-crypto/sha256-js'", check: 'sdk' },
    {
      key: 'sdk-cognito', label: 'AWS SDK v3: SignatureV4 + sha256-js + Cognito provider + client', check: 'sdk',
      code: "export { SignatureV4 } from '@smithy/signature-v4'; export { Sha256 } from '@aws-crypto/sha256-js'; export { fromCognitoIdentityPool } from '@aws-sdk/credential-provider-cognito-identity'; export { CognitoIdentityClient } from '@aws-sdk/client-cognito-identity'",
    },
    // What a bundler makes of iamfetch as published today (see keepIamfetchEntry): checked, not listed.
    { key: 'iam-signer-plain', code: "export { AwsV4Signer } from 'iamfetch'", wasm: true, check: 'signer', plain: true },
  ]
  const dir = join(out, 'browser/size')
  mkdirSync(join(dir, 'wasm'), { recursive: true })
  copyFileSync(WASM, join(dir, 'wasm/iamfetch_bg.wasm'))
  results.size = {}
  for (const e of entries) {
    const r = await esbuild.build({
      stdin: { contents: e.code, resolveDir: bench, loader: 'js' }, bundle: true, minify: true, format: 'esm',
      platform: 'browser', write: false, logLevel: 'error', define: { 'process.env.NODE_ENV': '"production"' },
      plugins: e.plain ? [] : [keepIamfetchEntry],
    })
    const js = r.outputFiles[0].contents
    writeFileSync(join(dir, `${e.key}.js`), js)
    const jsGzip = gzipSync(js, { level: 9 }).length
    results.size[e.key] = { label: e.label, pending: !!e.pending, jsRaw: js.length, jsGzip, wasmGzip: e.wasm ? wasmGzip : 0, total: jsGzip + (e.wasm ? wasmGzip : 0), check: e.check }
  }
  results.size.wasmRaw = statSync(WASM).size
  // Each bundle must sign a request in the browser, or its size means nothing.
  await withChromium(async ({ page }) => {
    const { page: p, close } = await page()
    for (const [key, s] of Object.entries(results.size)) {
      if (!s.check) continue
      s.works = await p.evaluate(async ([key, check]) => {
        try {
          const m = await import(`./size/${key}.js`)
          const creds = { accessKeyId: 'AKIDBENCHMARKEXAMPLE', secretAccessKey: 'bench/secret/not-a-real-key' }
          const url = 'https://abcdefghij.lambda-url.us-east-1.on.aws/x'
          if (check === 'signer') return (await new m.AwsV4Signer({ url, ...creds, service: 'lambda', region: 'us-east-1' }).sign()).headers.has('authorization') || 'no authorization'
          if (check === 'client') return (await new m.AwsClient({ ...creds, service: 'lambda', region: 'us-east-1' }).sign(url)).headers.has('authorization') || 'no authorization'
          const signed = await new m.SignatureV4({ credentials: creds, service: 'lambda', region: 'us-east-1', sha256: m.Sha256 })
            .sign({ method: 'GET', protocol: 'https:', hostname: 'abcdefghij.lambda-url.us-east-1.on.aws', path: '/x', query: {}, headers: { host: 'abcdefghij.lambda-url.us-east-1.on.aws' } })
          return 'authorization' in signed.headers || 'no authorization'
        } catch (error) {
          return String(error?.message ?? error).slice(0, 120)
        }
      }, [key, s.check])
    }
    await close()
  })
  const plain = results.size['iam-signer-plain']
  if (plain.works !== true) {
    results.notes.push(`A plain esbuild bundle of \`import { AwsV4Signer } from 'iamfetch'\` does not work (\`${plain.works}\`): js/package.json's \`"sideEffects": false\` lets the bundler drop the runtime entry's \`setWasmLoader(...)\` call. The sizes above mark only that entry file as side-effectful (bench/run.mjs, keepIamfetchEntry); the plain bundle is ${kib(plain.total)}.`)
  }
}

// ---------------------------------------------------------------- native
async function measureNative() {
  const bin = process.env.BENCH_NATIVE
  if (!bin || !existsSync(bin)) { results.notes.push('native: bench_native was not built (run through scripts/bench.sh)'); return }
  log('native Rust: iamfetch::sign and aws-sigv4')
  const rows = await runJson(bin, ['--budget-ms', String(Math.round(budgetMs * 1.5))], { cwd: root })
  results.native = {}
  for (const r of rows) (results.native[r.case] ??= {})[r.impl] = { median: r.median / 1000, p99: r.p99 / 1000, n: r.n }
}

// ---------------------------------------------------------------- report
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.floor((s.length - 1) / 2)] : NaN }
const fmtUs = (ms) => {
  const us = ms * 1000
  if (!Number.isFinite(us)) return 'n/a'
  if (us >= 10000) return `${(us / 1000).toFixed(1)} ms`
  return us >= 100 ? `${us.toFixed(0)}` : `${us.toFixed(1)}`
}
const fmtLatency = (t, unit) => (t ? `${fmtUs(t.median)} / ${fmtUs(t.p99)}${unit ?? ''}` : '—')
const mbps = (bytes, ms) => bytes / 1e6 / (ms / 1000)
const fmtMbps = (v) => (Number.isFinite(v) ? (v >= 100 ? v.toFixed(0) : v >= 1 ? v.toFixed(1) : v.toPrecision(1)) : 'n/a')
const kib = (b) => `${(b / 1024).toFixed(1)} KiB`
const mib = (b) => `${(b / 1048576).toFixed(0)} MiB`
const ratio = (x) => (x >= 10 ? `${x.toFixed(0)}×` : `${x.toFixed(2)}×`)

const RUNTIMES = ['node', 'chromium', 'workerd']

function verdict(value, target, higherIsBetter) {
  if (!Number.isFinite(value)) return 'n/a'
  const pass = higherIsBetter ? value >= target : value <= target
  if (pass) return `PASS`
  // By how much: the factor the measure must improve by to meet the target.
  const factor = higherIsBetter ? target / value : value / target
  return `MISS (needs ${factor.toFixed(2)}× better)`
}

function buildTable() {
  const rows = []
  const row = (measure, impl, cells) => rows.push([measure, impl, ...cells])
  const sign = results.sign
  const sigImpls = ['iamfetch AwsV4Signer', 'iamfetch AwsClient.sign', 'aws4fetch AwsV4Signer', 'aws4fetch AwsClient.sign', 'smithy SignatureV4 + sha256-js', 'smithy SignatureV4 + WebCrypto']
  for (const c of signingCases()) {
    let first = `1. sign ${c.label}: µs per signature, median / p99`
    for (const impl of sigImpls) {
      row(first, impl, [...RUNTIMES.map((rt) => fmtLatency(sign[rt]?.[c.name]?.timings?.[impl])), '—'])
      first = ''
    }
    for (const impl of ['iamfetch::sign', 'aws-sigv4']) {
      row('', `native ${impl} (floor)`, ['—', '—', '—', fmtLatency(results.native?.[c.name]?.[impl])])
    }
  }
  const warm = results.hashWarm
  const cold = results.hashCold
  for (const size of HASH_SIZES) {
    let first = `2. hash ${size.label}: MB/s, cold (first call in a fresh instance, median of ${coldReps}) / warm (median)`
    for (const impl of HASH_IMPLS) {
      const cells = RUNTIMES.map((rt) => {
        const w = warm[rt]?.[size.name]?.timings?.[impl]
        const c = cold[rt]?.[size.name]?.[impl]
        if (!w && !c) return rt === 'workerd' && impl.startsWith('hash-wasm') ? 'n/a (no run-time wasm compile)' : '—'
        const coldMs = c ? median(c) : NaN
        // workerd's clock ticks in whole ms: a first call under a few ticks has no useful rate.
        const coldText = !c ? '—' : rt === 'workerd' && coldMs < 3 ? `≤${Math.max(1, coldMs)} ms` : fmtMbps(mbps(size.bytes, coldMs))
        return `${coldText} / ${w ? fmtMbps(mbps(size.bytes, w.median)) : '—'}`
      })
      row(first, impl, [...cells, '—'])
      first = ''
    }
  }
  if (Object.keys(results.blob).length) {
    let first = `2. hash a ${results.blobMiB} MiB Blob: MB/s, peak extra memory`
    for (const impl of BLOB_IMPLS) {
      const cell = (rt) => {
        const r = results.blob[`${rt}:${impl}`]
        if (!r) return '—'
        if (r.error) return `failed: ${r.error.slice(0, 60)}`
        return `${fmtMbps(mbps(r.bytes, r.ms))} MB/s, +${mib(r.peakExtraBytes)}`
      }
      row(first, impl, [cell('node'), cell('chromium'), 'not measured', '—'])
      first = ''
    }
  }
  if (results.size) {
    let first = '3. bundle, gzip -9 (esbuild --bundle --minify --format=esm): JS + wasm'
    for (const key of ['iam-signer', 'iam-cognito', 'a4f-signer', 'a4f-client', 'sdk-signer', 'sdk-cognito']) {
      const s = results.size[key]
      const text = (s.wasmGzip ? `${kib(s.total)} (JS ${kib(s.jsGzip)} + wasm ${kib(s.wasmGzip)})` : kib(s.total)) + (s.works === true || s.works === undefined ? '' : ` — BROKEN: ${s.works}`)
      row(first, s.label + (s.pending ? ' [Cognito: pending]' : ''), ['—', text, '—', '—'])
      first = ''
    }
  }
  const st = results.start
  if (Object.keys(st).length) {
    const nodeCell = (key) => {
      const runs = st[`node:${key}`]
      if (!runs) return '—'
      const m = median(runs.map((r) => r.ms))
      const p = runs[0].parts?.import !== undefined && key.startsWith('iamfetch')
        ? ` (import ${median(runs.map((r) => r.parts.import)).toFixed(1)} + wasm init ${median(runs.map((r) => r.parts.init)).toFixed(1)} + first sign ${median(runs.map((r) => r.parts.firstSign)).toFixed(1)})`
        : ''
      return `${m.toFixed(1)} ms${p}`
    }
    const wdCell = (lib) => {
      const runs = st[`workerd:${lib}`]
      const noop = st['workerd:noop']
      if (!runs || !noop) return '—'
      const extra = median(runs.map((r) => r.rtt)) - median(noop.map((r) => r.rtt))
      return `${extra.toFixed(1)} ms (first-request RTT over a no-op worker's; in-isolate clock ${median(runs.map((r) => r.inside)).toFixed(0)} ms)`
    }
    const n = st['node:iamfetch']?.length ?? 0
    row(`4. cold start: import → first signature (1 KB POST), median of ${n} fresh processes`, 'iamfetch', [nodeCell('iamfetch'), '—', wdCell('iamfetch'), '—'])
    row('', 'aws4fetch', [nodeCell('aws4fetch'), '—', wdCell('aws4fetch'), '—'])
    row('', 'smithy SignatureV4 + sha256-js', [nodeCell('smithy'), '—', '—', '—'])
    row('', 'iamfetch, Node fetch globals already loaded', [nodeCell('iamfetch:preload'), '—', '—', '—'])
    row('', 'aws4fetch, Node fetch globals already loaded', [nodeCell('aws4fetch:preload'), '—', '—', '—'])
  }
  if (results.proxy) {
    let first = '5. edge proxy (a minimal AwsClient worker, NOT iamfetch/proxy, which does not exist yet): 1 KB POST to the local function URL; latency ms median / p99, workerd CPU per request'
    for (const [name, p] of Object.entries(results.proxy)) {
      const cpu = name.startsWith('direct') ? '' : `, workerd CPU ${(p.cpuPerRequest * 1000).toFixed(0)} µs/req`
      row(first, name + (p.non200 ? ` (${p.non200} non-200!)` : ''), ['—', '—', `${p.median.toFixed(2)} / ${p.p99.toFixed(2)} ms${cpu}`, '—'])
      first = ''
    }
  }
  // ------------------------------------------------------------ targets
  const t = (rt, cname, impl) => sign[rt]?.[cname]?.timings?.[impl]?.median
  const nativeSigv4 = results.native?.post1k?.['aws-sigv4']?.median
  const targets = []
  targets.push(['signing a 1 KB POST ≤ 1.5× native aws-sigv4', 'iamfetch AwsV4Signer ÷ native aws-sigv4',
    RUNTIMES.map((rt) => { const r = t(rt, 'post1k', 'iamfetch AwsV4Signer') / nativeSigv4; return Number.isFinite(r) ? `${ratio(r)} ${verdict(r, 1.5, false)}` : 'n/a' })])
  targets.push(['signing a 1 KB POST ≥ 5× faster than aws4fetch (Chromium)', 'aws4fetch AwsV4Signer ÷ iamfetch AwsV4Signer',
    RUNTIMES.map((rt) => { const r = t(rt, 'post1k', 'aws4fetch AwsV4Signer') / t(rt, 'post1k', 'iamfetch AwsV4Signer'); return `${ratio(r)} ${rt === 'chromium' ? verdict(r, 5, true) : '(info)'}` })])
  targets.push(['signing a 1 KB POST ≥ 3× faster than @smithy/signature-v4', 'faster smithy variant ÷ iamfetch AwsV4Signer',
    RUNTIMES.map((rt) => {
      const best = Math.min(t(rt, 'post1k', 'smithy SignatureV4 + sha256-js'), t(rt, 'post1k', 'smithy SignatureV4 + WebCrypto'))
      const r = best / t(rt, 'post1k', 'iamfetch AwsV4Signer')
      return `${ratio(r)} ${verdict(r, 3, true)}`
    })])
  targets.push(['hashing contiguous bodies through the client ≥ 0.8× crypto.subtle.digest', 'AwsClient.sign(POST body) ÷ subtle.digest, warm throughput 64 KB · 16 MB',
    RUNTIMES.map((rt) => {
      const rs = ['64KB', '16MB'].map((s) => {
        const w = warm[rt]?.[s]?.timings
        return w ? w['crypto.subtle.digest'].median / w['iamfetch AwsClient.sign (POST body)'].median : NaN
      })
      const worst = Math.min(...rs)
      return `${rs.map(ratio).join(' · ')} ${verdict(worst, 0.8, true)}`
    })])
  const blobCell = (rt) => {
    const a = results.blob[`${rt}:iamfetch Sha256, stream chunks`]
    const b = results.blob[`${rt}:iamfetch AwsClient.sign (Blob body)`]
    if (!a && !b) return 'not measured'
    const part = (r, label) => (r?.error ? `${label}: failed` : r ? `${label}: ${mib(r.peakExtraBytes)} ${verdict(r.peakExtraBytes / 1048576, 32, false)}` : '')
    return [part(a, 'Sha256 stream'), part(b, 'AwsClient')].filter(Boolean).join('; ')
  }
  targets.push([`hashing a ${results.blobMiB ?? 1024} MiB Blob ≤ 32 MiB extra memory`, 'peak extra memory', [blobCell('node'), blobCell('chromium'), 'not measured']])
  if (results.size) {
    const iamC = results.size['iam-cognito']
    const sdkC = results.size['sdk-cognito']
    const label = iamC.pending ? ' (AwsClient only: Cognito pending)' : ''
    targets.push(['AwsClient + Cognito bundle ≤ 64 KiB gzip and smaller than the SDK', 'iamfetch total; ÷ SDK equivalent',
      ['—', `${kib(iamC.total)} ${verdict(iamC.total / 1024, 64, false)}; ${ratio(iamC.total / sdkC.total)} of SDK ${iamC.total < sdkC.total ? 'PASS' : 'MISS'}${label}`, '—']])
  }
  if (st['node:iamfetch']) {
    const m = median(st['node:iamfetch'].map((r) => r.ms))
    const pre = median(st['node:iamfetch:preload'].map((r) => r.ms))
    targets.push(['cold start in Node ≤ 5 ms', 'import → first signature', [`${m.toFixed(1)} ms ${verdict(m, 5, false)} (fetch globals preloaded: ${pre.toFixed(1)} ms ${verdict(pre, 5, false)})`, '—', '—']])
  }
  for (const [measure, impl, cells] of targets) row(`target: ${measure}`, impl, [...cells, '—'])
  const header = ['measure', 'implementation', 'Node', 'Chromium', 'workerd', 'native Rust']
  const esc = (s) => String(s).replace(/\|/g, '\\|')
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`)].join('\n')
}

function machine() {
  const cpu = readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/)?.[1] ?? cpus()[0]?.model
  const wd = (() => { try { return execFileSync(WORKERD, ['--version']).toString().trim() } catch { return 'n/a' } })()
  const rustc = (() => { try { return execFileSync('rustc', ['--version']).toString().trim() } catch { return 'n/a' } })()
  return [
    `- date: ${results.date ?? new Date().toISOString().replace(/\.\d+Z$/, 'Z')}`,
    `- CPU: ${cpu}, ${cpus().length} cores (shared, noisy); memory ${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    `- Node ${process.version}; Chromium ${results.chromiumVersion ?? 'n/a'} (headless, playwright-core); ${wd}; ${rustc}`,
    `- clocks: Node performance.now() (per-call samples); Chromium ${results.chromiumClock ? `${(results.chromiumClock.resolution * 1000).toFixed(0)} µs resolution, crossOriginIsolated=${results.chromiumClock.crossOriginIsolated}` : 'n/a'} (samples are batches of ≥ 40 ticks); workerd ${results.workerdClock ? `${results.workerdClock.resolution} ms resolution` : 'n/a'} (batches of ≥ 20 ms)`,
    `- iamfetch wasm ${results.size ? `${results.size.wasmRaw} bytes raw` : ''}, ${budgetMs} ms per measured (case, implementation) in ${flags.quick ? 'quick' : 'full'} mode`,
  ].join('\n')
}

function agreement() {
  const lines = []
  for (const rt of RUNTIMES) {
    for (const c of signingCases()) {
      const r = results.sign[rt]?.[c.name]
      if (r && !r.agree) lines.push(`- ${rt}, ${c.name}: signers disagree: ${JSON.stringify(r.signatures)}`)
    }
    for (const size of HASH_SIZES) {
      const r = results.hashWarm[rt]?.[size.name]
      if (r && !r.agree) lines.push(`- ${rt}, hash ${size.name}: hashers disagree`)
    }
  }
  return lines.length ? lines.join('\n') : '- every signer produced the same signature per request (aws4fetch aside: it never signs content-type), and every hasher the same digest, in every runtime.'
}

function notes() {
  const n = [...results.notes]
  const hw = results.hashWarm.workerd?.hashWasmError
  if (hw) n.push(`hash-wasm does not run in workerd: it compiles its wasm from bytes at run time, and workerd answers \`${hw.slice(0, 120)}\`.`)
  return n.length ? n.map((x) => `- ${x}`).join('\n') : '- none'
}

function twiggySection() {
  const file = process.env.BENCH_TWIGGY
  if (!file || !existsSync(file)) return '_twiggy was not run (scripts/bench.sh runs it)._'
  const all = JSON.parse(readFileSync(file, 'utf8'))
  // The names section is there only for twiggy; the shipped .wasm has none.
  const items = all.filter((i) => !/names" subsection|^"name"|custom section/.test(i.name))
  const total = items.reduce((a, i) => a + i.shallow_size, 0)
  const pct = (n) => `${((100 * n) / total).toFixed(1)}%`
  const clean = (name) => name.replace(/\[[0-9a-f]{16}\]/g, '').replace(/::h[0-9a-f]{16}$/, '')
  const top = items.slice(0, 20).map((i) => `| ${i.shallow_size} | ${pct(i.shallow_size)} | \`${clean(i.name).replace(/\|/g, '\\|').slice(0, 110)}\` |`)
  // Group by the crate in each (demangled) symbol: the first path segment.
  const byCrate = new Map()
  for (const i of items) {
    const n = clean(i.name).replace(/^[<&]+(?:impl |mut |dyn )?/, '')
    let crate = /^([A-Za-z_][A-Za-z0-9_]*)::/.exec(n)?.[1]
    if (!crate) crate = n.startsWith('data segment') ? 'data segments (tables, strings, messages)' : /shim|^__wbg|^__wbindgen|externref/.test(n) ? 'wasm-bindgen shims' : 'other (unnamed, types, imports, table)'
    byCrate.set(crate, (byCrate.get(crate) ?? 0) + i.shallow_size)
  }
  const crates = [...byCrate].sort((a, b) => b[1] - a[1]).slice(0, 16).map(([c, s]) => `| ${c} | ${s} | ${pct(s)} |`)
  return [
    `\`twiggy top\` of the same build with its names kept (wasm-bindgen, then \`wasm-opt -Oz -g\`): ${total} bytes without the names section; the shipped .wasm is ${results.size?.wasmRaw ?? '?'} bytes.`,
    '', '| shallow bytes | % | item |', '|---|---|---|', ...top,
    '', 'Grouped by the crate named in each symbol (shallow bytes; code inlined into another crate\'s function counts for that function\'s crate):',
    '', '| crate | bytes | % |', '|---|---|---|', ...crates,
  ].join('\n')
}

// ---------------------------------------------------------------- main
const t0 = Date.now()
if (flags['report-only']) {
  // Re-renders the last run's results (bench/.out/results.json) through the template.
  Object.assign(results, JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')))
} else {
  await buildBundles()
  if (want('size')) await measureSizes()
  if (want('native')) await measureNative()
  if (want('sign')) await measureSigning()
  if (want('hash')) { await measureHashWarm(); await measureHashCold() }
  if (want('blob')) await measureBlob()
  if (want('start')) await measureColdStart()
  if (want('proxy')) await measureProxy()
  results.minutes = ((Date.now() - t0) / 60000).toFixed(1)
  results.date = new Date().toISOString().replace(/\.\d+Z$/, 'Z')
  writeFileSync(join(out, 'results.json'), JSON.stringify(results, null, 2))
}
const table = buildTable()
const minutes = results.minutes ?? '?'
process.stdout.write(`${table}\n`)
if (!flags['no-write']) {
  const doc = readFileSync(join(bench, 'BENCHMARKS.template.md'), 'utf8')
    .replace('{{machine}}', machine())
    .replace('{{table}}', table)
    .replace('{{agreement}}', agreement())
    .replace('{{twiggy}}', twiggySection())
    .replace('{{notes}}', notes())
    .replace('{{minutes}}', minutes)
  writeFileSync(join(root, 'BENCHMARKS.md'), doc)
  log(`wrote BENCHMARKS.md (${minutes} min)`)
}
