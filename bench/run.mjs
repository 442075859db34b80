// The benchmark orchestrator, run by scripts/bench.sh: builds the browser and
// workerd bundles, runs every measurement in Node, headless Chromium, Firefox,
// WebKit and workerd in one go, and prints the targets and one table, which it
// also writes to BENCHMARKS.md.
//
//   node bench/run.mjs [--quick] [--only size,native,sign,sigv4a,hash,blob,start,proxy,worker]
//                      [--runtimes node,chromium,firefox,webkit,workerd]
//   node bench/run.mjs --report-only    # re-render from bench/.out/results.json
//
// Environment: BENCH_NATIVE (path of the built bench_native example),
// BENCH_TWIGGY_WASM (a wasm with names to give twiggy instead of finding the
// cargo output that matches the shipped wasm), BENCH_BUDGET_MS.
import { spawn, execFileSync } from 'node:child_process'
import { gzipSync } from 'node:zlib'
import { createServer } from 'node:http'
import { cpus, totalmem } from 'node:os'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, copyFileSync, openSync, writeSync, closeSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, dirname, extname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import * as esbuild from 'esbuild'
import { AMPLIFY_SIGNER, BLOB_IMPLS, HASH_SIZES, POST_1K, SIGNING_TIME_MS, SIGV4A, SIGV4A_ALGORITHM, SIGV4A_IMPLS, credentialsOf, signingCases } from './src/common.mjs'
// The tests launch the three browser engines the same way.
import { freePort, launchChromium as startChromium, launchFirefox as startFirefox, launchWebKit as startWebKit, waitForPort } from '../tests/js/support/browsers.mjs'
// A Cloudflare Worker's size and startup, built by Wrangler (tests/bundlers' pinned install).
import { measureWorker, workerRows } from './worker.mjs'

const bench = dirname(fileURLToPath(import.meta.url))
const root = resolve(bench, '..')
const out = join(bench, '.out')
const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean' }, only: { type: 'string' }, runtimes: { type: 'string' },
    'no-write': { type: 'boolean' }, 'report-only': { type: 'boolean' },
  },
})
const only = flags.only ? new Set(flags.only.split(',')) : null
const want = (part) => !only || only.has(part)
const RUNTIMES = ['node', 'chromium', 'firefox', 'webkit', 'workerd']
const BROWSERS = ['chromium', 'firefox', 'webkit']
const onlyRuntimes = flags.runtimes ? new Set(flags.runtimes.split(',')) : null
for (const rt of onlyRuntimes ?? []) if (!RUNTIMES.includes(rt)) throw new Error(`unknown runtime ${rt}: one of ${RUNTIMES.join(', ')}`)
const wantRt = (rt) => !onlyRuntimes || onlyRuntimes.has(rt)
const budgetMs = Number(process.env.BENCH_BUDGET_MS ?? (flags.quick ? 250 : 1000))
const coldReps = flags.quick ? 1 : 3
const startRuns = flags.quick ? 5 : 20
const log = (...a) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${a.join(' ')}\n`)
const results = {
  sign: {}, sigv4a: { sign: {}, cold: {} }, hashWarm: {}, hashCold: {}, blob: {}, start: {}, proxy: null, worker: null, size: null, twiggy: null, native: null,
  versions: {}, clocks: {}, notes: [],
}

// ---------------------------------------------------------------- bundles
const WASM_DIR = join(root, 'js/dist/wasm')
/** The wasm every signature needs. */
const WASM = join(WASM_DIR, 'iamfetch_bg.wasm')
/** The lazily loaded builds' .wasm, and what loads each. */
const LAZY_BUILDS = {
  'iamfetch_v4a_bg.wasm': { probe: 'sigv4a', loadedBy: 'the first SigV4a signature' },
  'iamfetch_diag_bg.wasm': { probe: 'diag', loadedBy: 'canonicalString(), stringToSign(), signRequest(), explainFailure()' },
}
/** A build's wasm-bindgen glue, next to its .wasm. */
const glueOf = (wasmFile) => wasmFile.replace(/_bg\.wasm$/, '.js')
/** Every .wasm the package ships, whichever path loads it. */
const wasmFiles = () => readdirSync(WASM_DIR).filter((f) => f.endsWith('.wasm')).sort()
const wasmModules = () => wasmFiles().map((f) => [`wasm/${f}`, 'wasm', `wasm/${f}`])
const gzipLength = (bytes) => gzipSync(bytes, { level: 9 }).length

/** scripts/build.sh starts with `rm -rf js/dist`: wait for a build in progress to finish. */
async function waitForDist() {
  const deadline = Date.now() + 10 * 60_000
  let said = false
  while (!existsSync(WASM) || !existsSync(join(root, 'js/dist/index.browser.js'))) {
    if (Date.now() > deadline) throw new Error('js/dist is missing: run scripts/build.sh (scripts/bench.sh does)')
    if (!said) { log('js/dist is missing (a build in progress?): waiting for it'); said = true }
    await sleep(2000)
  }
  if (said) await sleep(3000)
}

// The workerd bundles keep each .wasm as an imported module, as Wrangler does;
// whatever directory the package imports it from, it lands in the worker's wasm/.
const wasmAsModule = {
  name: 'wasm-as-module',
  setup(build) {
    build.onResolve({ filter: /\.wasm$/ }, (args) => ({ path: `./wasm/${basename(args.path)}`, external: true }))
  },
}

async function buildBundles() {
  rmSync(out, { recursive: true, force: true })
  mkdirSync(join(out, 'browser/wasm'), { recursive: true })
  mkdirSync(join(out, 'workerd/wasm'), { recursive: true })
  const common = { bundle: true, format: 'esm', logLevel: 'error', absWorkingDir: bench, define: { 'process.env.NODE_ENV': '"production"' } }
  await esbuild.build({ ...common, entryPoints: ['src/browser.mjs'], platform: 'browser', outfile: join(out, 'browser/bench.js') })
  writeFileSync(join(out, 'browser/index.html'), '<!doctype html><meta charset="utf-8"><title>iamfetch bench</title><input type="file" id="blobfile"><script type="module" src="bench.js"></script>\n')
  const workerd = { ...common, platform: 'browser', conditions: ['workerd', 'worker'], external: ['./lib-*.js'], plugins: [wasmAsModule] }
  for (const [entry, file] of [['src/worker.mjs', 'worker.js'], ['src/cold-worker.mjs', 'cold-worker.js'], ['src/proxy-worker.mjs', 'proxy.js'],
    ['src/lib-iamfetch.mjs', 'lib-iamfetch.js'], ['src/lib-aws4fetch.mjs', 'lib-aws4fetch.js']]) {
    await esbuild.build({ ...workerd, entryPoints: [entry], outfile: join(out, 'workerd', file) })
  }
  for (const f of wasmFiles()) {
    copyFileSync(join(WASM_DIR, f), join(out, 'browser/wasm', f))
    copyFileSync(join(WASM_DIR, f), join(out, 'workerd/wasm', f))
  }
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

const benchModules = () => [['worker.js', 'esModule', 'worker.js'], ...wasmModules()]

async function withBenchWorker(fn) {
  const port = await freePort()
  const config = workerdConfig([{ name: 'bench', port, modules: benchModules() }], join(out, 'workerd'))
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

// ---------------------------------------------------------------- browsers
const CONTENT_TYPES = { '.js': 'text/javascript', '.html': 'text/html', '.wasm': 'application/wasm' }

async function startStaticServer(dir) {
  const server = createServer((req, res) => {
    const path = join(dir, new URL(req.url, 'http://x').pathname)
    if (!path.startsWith(dir) || !existsSync(path) || statSync(path).isDirectory()) { res.writeHead(404).end(); return }
    res.writeHead(200, {
      'content-type': CONTENT_TYPES[extname(path)] ?? 'application/octet-stream',
      'cache-control': 'no-store',
      // Cross-origin isolation gives a finer performance.now() where the browser allows it.
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-embedder-policy': 'require-corp',
      'cross-origin-resource-policy': 'same-origin',
    })
    res.end(readFileSync(path))
  })
  await new Promise((r) => server.listen(0, '127.0.0.1', r))
  return { url: `http://127.0.0.1:${server.address().port}/`, close: () => new Promise((r) => server.close(r)) }
}

const waitReady = 'window.benchReady === true'

// Each launcher returns { version, open(url, { ready }), renderers?, close }; open()
// gives { call(mode, ...args), close, page? }, where call runs window.bench[mode]
// in the page and returns its result.
async function launchChromium() {
  const browser = await startChromium()
  const cdp = await browser.newBrowserCDPSession()
  return {
    version: `Chromium ${browser.version()}`,
    async open(url, { ready = true } = {}) {
      const context = await browser.newContext()
      const page = await context.newPage()
      page.on('pageerror', (e) => log('chromium page error:', e.message))
      await page.goto(url)
      if (ready) await page.waitForFunction(waitReady, null, { timeout: 30_000 })
      return {
        page,
        call: async (mode, ...args) => JSON.parse(await page.evaluate(([m, a]) => window.benchCall(m, a), [mode, args])),
        close: () => context.close(),
      }
    },
    renderers: async () => (await cdp.send('SystemInfo.getProcessInfo')).processInfo.filter((p) => p.type === 'renderer').map((p) => p.id),
    close: () => browser.close(),
  }
}

// Firefox over WebDriver BiDi (puppeteer-core drives it directly: no geckodriver).
async function launchFirefox() {
  const browser = await startFirefox({ protocolTimeout: 900_000 })
  return {
    version: `Firefox ${(await browser.version()).replace(/^firefox\//, '')}`,
    async open(url, { ready = true } = {}) {
      const page = await browser.newPage()
      page.on('pageerror', (e) => log('firefox page error:', e.message))
      await page.goto(url)
      if (ready) await page.waitForFunction(waitReady, { timeout: 30_000 })
      return {
        page,
        call: async (mode, ...args) => JSON.parse(await page.evaluate((m, a) => window.benchCall(m, a), mode, args)),
        close: () => page.close(),
      }
    },
    close: () => browser.close(),
  }
}

// WebKitGTK's MiniBrowser (JavaScriptCore, Safari's engine) on its own Xvfb display.
async function launchWebKit() {
  const { driver, version, close } = await startWebKit({ scriptTimeoutMs: 900_000 })
  return {
    version,
    async open(url, { ready = true } = {}) {
      // One window: each open() navigates it afresh.
      await driver.get(url)
      if (ready) await driver.wait(() => driver.executeScript(`return ${waitReady}`), 30_000)
      return {
        call: async (mode, ...args) => JSON.parse(await driver.executeScript('return window.benchCall(arguments[0], arguments[1])', mode, args)),
        close: () => driver.get('about:blank'),
      }
    },
    close,
  }
}

const LAUNCHERS = { chromium: launchChromium, firefox: launchFirefox, webkit: launchWebKit }

/**
 * Serves .out/browser, starts one browser and hands `fn` { open(path, opts), renderers }.
 * A browser that cannot start or run is left out with a note (Chromium, which
 * the size checks need, fails the run).
 */
async function withBrowser(name, fn) {
  const server = await startStaticServer(join(out, 'browser'))
  let browser
  try {
    browser = await LAUNCHERS[name]()
    results.versions[name] = browser.version
    return await fn({ open: (path = 'index.html', opts) => browser.open(server.url + path, opts), renderers: browser.renderers })
  } catch (error) {
    if (name === 'chromium') throw error
    const message = String(error?.message ?? error).split('\n')[0].slice(0, 200)
    log(`${name} failed: ${message}`)
    results.notes.push(`${name}: a measurement failed and is missing (${message}).`)
    return undefined
  } finally {
    await browser?.close().catch(() => {})
    await server.close()
  }
}

/** Runs window.bench[mode](...args) in a fresh page of each wanted browser, in turn. */
async function inBrowsers(what, mode, args, store) {
  for (const name of BROWSERS) {
    if (!wantRt(name)) continue
    log(`${what}: ${name}`)
    await withBrowser(name, async ({ open }) => {
      const p = await open()
      results.clocks[name] ??= await p.call('clock')
      store(name, await p.call(mode, ...args))
      await p.close()
    })
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
  if (wantRt('node')) {
    log('signing latency: Node')
    results.sign.node = await node(['src/node.mjs', 'sign'], { env: { BENCH_BUDGET_MS: budgetMs } })
  }
  await inBrowsers('signing latency', 'sign', [budgetMs], (name, r) => { results.sign[name] = r })
  if (wantRt('workerd')) {
    log('signing latency: workerd')
    await withBenchWorker(async (get) => {
      results.clocks.workerd = await get('/clock')
      results.sign.workerd = await get(`/sign?budget=${budgetMs}`)
    })
  }
}

/**
 * SigV4a: signing latency of the 1 KB POST, iamfetch against @smithy/signature-v4a,
 * in every runtime (each signer's headers then checked by the local stack's
 * verifier); and the first SigV4a signature where iamfetch already signs SigV4,
 * in fresh Node processes, Chromium pages and workerd processes.
 */
async function measureSigV4a() {
  const sign = results.sigv4a.sign
  if (wantRt('node')) {
    log('SigV4a signing latency: Node')
    sign.node = await node(['src/node.mjs', 'sigv4a'], { env: { BENCH_BUDGET_MS: budgetMs } })
  }
  await inBrowsers('SigV4a signing latency', 'sigv4a', [budgetMs], (name, r) => { sign[name] = r })
  if (wantRt('workerd')) {
    log('SigV4a signing latency: workerd')
    await withBenchWorker(async (get) => {
      results.clocks.workerd ??= await get('/clock')
      sign.workerd = await get(`/sigv4a?budget=${budgetMs}`)
    })
  }
  for (const r of Object.values(sign)) {
    r.verified = await verifySigV4a(r.signed)
    delete r.signed
  }

  const cold = results.sigv4a.cold
  const record = (key, r) => (cold[key] ??= []).push(r)
  if (wantRt('node')) {
    log(`first SigV4a signature: Node (${startRuns} fresh processes per library, interleaved)`)
    for (let i = 0; i < startRuns; i++) for (const lib of ['iamfetch', 'smithy']) record(`node:${lib}`, await node(['src/cold-node.mjs', lib, 'sigv4a']))
  }
  if (wantRt('chromium')) {
    log(`first SigV4a signature: Chromium (${startRuns} fresh contexts)`)
    await withBrowser('chromium', async ({ open }) => {
      for (let i = 0; i < startRuns; i++) {
        const p = await open()
        record('chromium:iamfetch', await p.call('sigv4aCold'))
        await p.close()
      }
    })
  }
  if (wantRt('workerd')) {
    // The first request loads iamfetch and signs SigV4; a no-op request then
    // gives the warm worker's round trip, which the SigV4a request's is compared with.
    log(`first SigV4a signature: workerd (${startRuns} fresh processes)`)
    for (let i = 0; i < startRuns; i++) {
      await withColdWorker(async (get) => {
        await get('/?lib=iamfetch')
        const noop = await get('/')
        const first = await get('/?lib=iamfetch&alg=sigv4a')
        const { ms: inside, signed } = JSON.parse(first.body)
        record('workerd:iamfetch', { ms: first.rtt - noop.rtt, inside, signed })
      })
    }
  }
}

/**
 * Each SigV4a signer's headers checked, outside any timing, by the local stack's
 * verifier (stack/src/sigv4-verify.mjs): it rebuilds the canonical request from
 * the request as sent, hashes the body itself, and checks the ECDSA signature
 * with node:crypto against the key it derives from the secret on its own.
 * @returns {{ [impl]: true | string }} true, or why it refused
 */
async function verifySigV4a(signed) {
  ensureStack()
  const { verifySigV4 } = await import('../stack/src/sigv4-verify.mjs')
  const c = POST_1K()
  const credentials = credentialsOf(c)
  const store = { lookup: (id) => (id === credentials.accessKeyId ? { ...credentials, principal: 'bench' } : undefined) }
  const u = new URL(c.url)
  const verified = {}
  for (const [impl, headers] of Object.entries(signed)) {
    const ctx = { method: c.method, rawPath: u.pathname, query: {}, headers: { host: u.host, ...headers }, body: Buffer.from(c.body), now: () => SIGNING_TIME_MS }
    try {
      await verifySigV4(ctx, { service: SIGV4A.service, region: 'us-east-1', store, algorithms: [SIGV4A_ALGORITHM] })
      verified[impl] = true
    } catch (error) {
      verified[impl] = `${error.reason ?? 'error'}: ${error.message}`.slice(0, 200)
    }
  }
  return verified
}

async function measureHashWarm() {
  if (wantRt('node')) {
    log('hashing, warm: Node')
    results.hashWarm.node = await node(['src/node.mjs', 'hash-warm'], { env: { BENCH_BUDGET_MS: budgetMs } })
  }
  await inBrowsers('hashing, warm', 'hashWarm', [budgetMs], (name, r) => { results.hashWarm[name] = r })
  if (wantRt('workerd')) {
    log('hashing, warm: workerd')
    await withBenchWorker(async (get) => { results.hashWarm.workerd = await get(`/hash-warm?budget=${budgetMs}`) })
  }
}

const HASH_IMPLS = ['iamfetch sha256Hex', 'iamfetch Sha256, 64 KiB chunks', 'iamfetch AwsClient.sign (POST body)', 'crypto.subtle.digest', 'hash-wasm createSHA256']

async function measureHashCold() {
  // Each cold number is the first call in a fresh process, browser context or
  // workerd process. Node, Chromium and workerd only: the warm numbers are the targets'.
  const jobs = []
  for (let rep = 0; rep < coldReps; rep++) for (const size of HASH_SIZES) for (const impl of HASH_IMPLS) jobs.push({ impl, size: size.name })
  const record = (rt, job, ms) => {
    const slot = ((results.hashCold[rt] ??= {})[job.size] ??= {})
    ;(slot[job.impl] ??= []).push(ms)
  }
  if (wantRt('node')) {
    log(`hashing, cold: Node (${jobs.length} fresh processes)`)
    for (const job of jobs) record('node', job, (await node(['src/node.mjs', 'hash-cold', job.impl, job.size])).ms)
  }
  if (wantRt('chromium')) {
    log(`hashing, cold: Chromium (${jobs.length} fresh contexts)`)
    await withBrowser('chromium', async ({ open }) => {
      for (const job of jobs) {
        const p = await open()
        record('chromium', job, (await p.call('hashCold', job.impl, job.size)).ms)
        await p.close()
      }
    })
  }
  if (wantRt('workerd')) {
    log(`hashing, cold: workerd (${jobs.length} fresh processes)`)
    for (const job of jobs) {
      await withBenchWorker(async (get) => {
        const r = await get(`/hash-cold?impl=${encodeURIComponent(job.impl)}&size=${job.size}`)
        if (r.error) results.hashColdErrors = { ...results.hashColdErrors, [job.impl]: r.error }
        else record('workerd', job, r.ms)
      })
    }
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
  for (const impl of wantRt('node') ? BLOB_IMPLS : []) {
    log(`${mib} MiB Blob, Node: ${impl}`)
    try {
      results.blob[`node:${impl}`] = await node(['--expose-gc', 'src/node.mjs', 'blob', impl, BLOB_FILE], { timeoutMs: 180_000 })
    } catch (error) {
      results.blob[`node:${impl}`] = { error: error.message.slice(0, 200) }
    }
  }
  if (!wantRt('chromium')) return rmSync(BLOB_FILE, { force: true })
  await withBrowser('chromium', async ({ open, renderers }) => {
    for (const impl of BLOB_IMPLS) {
      log(`${mib} MiB Blob, Chromium: ${impl}`)
      const { page: p, close } = await open()
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
  if (wantRt('node')) log(`cold start: Node (${startRuns} fresh processes per library, interleaved)`)
  for (let i = 0; i < (wantRt('node') ? startRuns : 0); i++) {
    for (const v of variants) {
      const r = await node(['src/cold-node.mjs', ...v])
      ;(results.start[`node:${v.join(':')}`] ??= []).push(r)
    }
  }
  if (wantRt('workerd')) log(`cold start: workerd (${startRuns} fresh processes per variant, interleaved)`)
  for (let i = 0; i < (wantRt('workerd') ? startRuns : 0); i++) {
    for (const lib of ['noop', 'iamfetch', 'aws4fetch']) {
      await withColdWorker(async (get) => {
        const { rtt, body } = await get(lib === 'noop' ? '/' : `/?lib=${lib}`)
        ;(results.start[`workerd:${lib}`] ??= []).push({ rtt, inside: lib === 'noop' ? null : JSON.parse(body).ms })
      })
    }
  }
}

/** A fresh workerd process running cold-worker.js: `fn(get)`, where get(path) gives { rtt, body } of one request. */
async function withColdWorker(fn) {
  const port = await freePort()
  const config = workerdConfig([{
    name: 'cold', port,
    modules: [['cold-worker.js', 'esModule', 'cold-worker.js'], ['lib-iamfetch.js', 'esModule', 'lib-iamfetch.js'],
      ['lib-aws4fetch.js', 'esModule', 'lib-aws4fetch.js'], ...wasmModules()],
  }], join(out, 'workerd'))
  const wd = await startWorkerd(config, [port])
  try {
    return await fn(async (path) => {
      const t0 = performance.now()
      const res = await fetch(`http://127.0.0.1:${port}${path}`)
      const body = await res.text()
      return { rtt: performance.now() - t0, body }
    })
  } finally {
    await wd.stop()
  }
}

/** The local stack's packages, which the proxy measurement and the SigV4a verifier need. */
function ensureStack() {
  if (existsSync(join(root, 'stack/node_modules'))) return
  log('installing the local stack (npm ci --prefix stack)')
  execFileSync('npm', ['ci', '--prefix', join(root, 'stack'), '--no-audit', '--no-fund', '--loglevel=error'], { stdio: 'inherit' })
}

async function measureProxy() {
  ensureStack()
  log('edge proxy: local stack + workerd')
  const stack = spawn(process.execPath, [join(bench, 'src/stack-child.mjs')], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] })
  const info = await new Promise((r, j) => { stack.once('message', r); stack.once('exit', (c) => j(new Error(`stack exited ${c}`))) })
  const dir = mkdtempSync(join(tmpdir(), 'iamfetch-bench-proxy-'))
  try {
    for (const f of ['proxy.js', 'wasm']) execFileSync('cp', ['-r', join(out, 'workerd', f), dir])
    const [proxyPort, signPort, passPort] = [await freePort(), await freePort(), await freePort()]
    const modules = [['proxy.js', 'esModule', 'proxy.js'], ...wasmModules()]
    const env = (mode) => [['MODE', mode], ['UPSTREAM', info.echo], ['SERVICE', info.signing.service], ['REGION', info.signing.region],
      ['AWS_ACCESS_KEY_ID', info.credentials.accessKeyId], ['AWS_SECRET_ACCESS_KEY', info.credentials.secretAccessKey]]
    const config = workerdConfig([
      { name: 'iamproxy', port: proxyPort, modules, bindings: env('proxy'), outbound: true },
      { name: 'signproxy', port: signPort, modules, bindings: env('sign'), outbound: true },
      { name: 'passproxy', port: passPort, modules, bindings: env('pass'), outbound: true },
    ], dir)
    const wd = await startWorkerd(config, [proxyPort, signPort, passPort])
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
        'via workerd, iamfetch/proxy createSigningProxy signs': () => fetch(`http://127.0.0.1:${proxyPort}${path}`, { method: 'POST', headers, body }),
        'via workerd, a minimal worker signs with AwsClient': () => fetch(`http://127.0.0.1:${signPort}${path}`, { method: 'POST', headers, body }),
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

// ---------------------------------------------------------------- sizes
const SIZE_ENTRIES = [
  { key: 'iam-signer', label: 'iamfetch: AwsV4Signer (signer alone)', code: "export { AwsV4Signer } from 'iamfetch'", check: 'signer' },
  { key: 'iam-cognito', label: 'iamfetch: AwsClient + fromCognitoIdentityPool', code: "export { AwsClient, fromCognitoIdentityPool } from 'iamfetch'", check: 'client' },
  { key: 'a4f-signer', label: 'aws4fetch: AwsV4Signer', code: "export { AwsV4Signer } from 'aws4fetch'", check: 'signer' },
  { key: 'a4f-client', label: 'aws4fetch: AwsClient (it has no credential provider)', code: "export { AwsClient } from 'aws4fetch'", check: 'client' },
  { key: 'sdk-signer', label: 'AWS SDK v3: SignatureV4 + sha256-js', code: "export { SignatureV4 } from '@smithy/signature-v4'; export { Sha256 } from '@aws-crypto/sha256-js'", check: 'sdk' },
  { key: 'sdk-v4a', label: 'AWS SDK v3: SignatureV4a + sha256-js (SigV4a)', code: "export { SignatureV4a } from '@smithy/signature-v4a'; export { Sha256 } from '@aws-crypto/sha256-js'", check: 'sdk-v4a' },
  {
    key: 'sdk-cognito', label: 'AWS SDK v3: SignatureV4 + sha256-js + Cognito provider + client', check: 'sdk',
    code: "export { SignatureV4 } from '@smithy/signature-v4'; export { Sha256 } from '@aws-crypto/sha256-js'; export { fromCognitoIdentityPool } from '@aws-sdk/credential-provider-cognito-identity'; export { CognitoIdentityClient } from '@aws-sdk/client-cognito-identity'",
  },
  {
    // v6 dropped v5's documented Signer: signRequest is exported under internals/ only.
    key: 'amplify-cognito', label: 'Amplify v6: Amplify.configure + fetchAuthSession (identity pool) + signRequest (internal export; v6 documents no standalone signing)', check: 'amplify',
    code: "export { Amplify } from 'aws-amplify'; export { fetchAuthSession } from 'aws-amplify/auth'; export { signRequest } from '@aws-amplify/core/internals/aws-client-utils'",
  },
]

// The Cognito identity pool the Amplify bundle gets its credentials from, faked
// in the page (playwright routes): GetId, then GetCredentialsForIdentity.
const FAKE_IDENTITY_ID = 'us-east-1:00000000-0000-4000-8000-000000000000'
async function fakeCognitoIdentity(route) {
  const cors = { 'access-control-allow-origin': '*', 'access-control-allow-headers': '*', 'access-control-allow-methods': 'POST', 'access-control-expose-headers': '*' }
  if (route.request().method() === 'OPTIONS') return route.fulfill({ status: 200, headers: cors })
  const target = route.request().headers()['x-amz-target'] ?? ''
  const body = target.endsWith('.GetId') ? { IdentityId: FAKE_IDENTITY_ID } : {
    IdentityId: FAKE_IDENTITY_ID,
    Credentials: { AccessKeyId: 'ASIABENCHMARKEXAMPLE', SecretKey: 'bench/secret/not-a-real-key', SessionToken: 'FwoGZXIvYXdzEXAMPLE'.repeat(50), Expiration: Math.floor(Date.now() / 1000) + 3600 },
  }
  return route.fulfill({ status: 200, headers: { ...cors, 'content-type': 'application/x-amz-json-1.1' }, body: JSON.stringify(body) })
}

// Runs in the page: imports one measured bundle and signs with it as an app
// would (the client: a 1 KB JSON POST with a session token). `sigv4a` then signs
// with SigV4a, which the SigV4a build signs; `diag` asks the signer for its
// canonical request, which only the diagnostics build knows.
async function checkBundle([key, check, step]) {
  try {
    const m = await import(`./${key}.js`)
    const creds = { accessKeyId: 'AKIDBENCHMARKEXAMPLE', secretAccessKey: 'bench/secret/not-a-real-key', sessionToken: 'FwoGZXIvYXdzEXAMPLE'.repeat(50) }
    const host = 'abcdefghij.lambda-url.us-east-1.on.aws'
    const url = `https://${host}/x`
    const body = `{"items":"${'x'.repeat(1012)}"}`
    if (check === 'amplify') {
      // As an app does: credentials from the identity pool (faked by the route), then a signed fetch's headers.
      m.Amplify.configure({ Auth: { Cognito: { identityPoolId: 'us-east-1:00000000-0000-4000-8000-00000000beef', allowGuestAccess: true } } })
      const { credentials } = await m.fetchAuthSession()
      if (!credentials?.sessionToken) return 'fetchAuthSession gave no credentials'
      const signed = m.signRequest({ url: new URL(url), method: 'POST', headers: { 'content-type': 'application/json' }, body },
        { credentials, signingRegion: 'us-east-1', signingService: 'lambda' })
      return /Signature=[0-9a-f]{64}$/.test(signed.headers.authorization) || 'no authorization'
    }
    if (step === 'sigv4a') {
      const signed = await new m.AwsV4Signer({ url, method: 'POST', body, ...creds, service: 's3', region: 'us-east-1', signingAlgorithm: 'sigv4a', regionSet: ['*'] }).sign()
      return signed.headers.get('authorization').startsWith('AWS4-ECDSA-P256-SHA256 ') || 'no SigV4a authorization'
    }
    if (step === 'diag') {
      const text = await new m.AwsV4Signer({ url, method: 'POST', body, ...creds, service: 'lambda', region: 'us-east-1' }).canonicalString()
      return (typeof text === 'string' && text.startsWith('POST\n')) || `canonicalString() gave ${String(text).slice(0, 40)}`
    }
    if (check === 'signer') return (await new m.AwsV4Signer({ url, method: 'POST', body, ...creds, service: 'lambda', region: 'us-east-1' }).sign()).headers.has('authorization') || 'no authorization'
    if (check === 'client') {
      if (key.startsWith('iam') && typeof m.fromCognitoIdentityPool !== 'function') return 'fromCognitoIdentityPool missing'
      const signed = await new m.AwsClient({ ...creds, service: 'lambda', region: 'us-east-1' }).sign(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
      return signed.headers.has('authorization') || 'no authorization'
    }
    // The SDK: SignatureV4, or SignatureV4a for every region.
    const v4a = check === 'sdk-v4a'
    const signer = v4a ? new m.SignatureV4a({ credentials: creds, service: 's3', region: '*', sha256: m.Sha256 })
      : new m.SignatureV4({ credentials: creds, service: 'lambda', region: 'us-east-1', sha256: m.Sha256 })
    const signed = await signer.sign({ method: 'POST', protocol: 'https:', hostname: host, path: '/x', query: {}, headers: { host, 'content-type': 'application/json' }, body })
    return (signed.headers.authorization ?? '').startsWith(v4a ? 'AWS4-ECDSA-P256-SHA256 ' : 'AWS4-HMAC-SHA256 ') || 'no authorization'
  } catch (error) {
    return String(error?.message ?? error).slice(0, 120)
  }
}

async function measureSizes() {
  log('bundle sizes (esbuild --bundle --minify, esm, browser; gzip -9), each loaded and checked in Chromium')
  const dir = join(out, 'browser/size')
  mkdirSync(join(dir, 'wasm'), { recursive: true })
  for (const f of wasmFiles()) copyFileSync(join(WASM_DIR, f), join(dir, 'wasm', f))
  writeFileSync(join(dir, 'index.html'), '<!doctype html><meta charset="utf-8"><title>sizes</title>\n')
  const wasmGzip = Object.fromEntries(wasmFiles().map((f) => [f, gzipLength(readFileSync(join(WASM_DIR, f)))]))
  results.size = { bundles: {}, probes: {}, wasm: Object.fromEntries(wasmFiles().map((f) => [f, { raw: statSync(join(WASM_DIR, f)).size, gzip: wasmGzip[f] }])) }
  // The glue of each lazily loaded build, as shipped (a bundler inlines it, or splits it out as a chunk).
  results.size.glue = Object.fromEntries(wasmFiles().filter((f) => f !== basename(WASM)).map((f) => {
    const glue = readFileSync(join(WASM_DIR, glueOf(f)))
    return [f, { raw: glue.length, gzip: gzipLength(glue) }]
  }))
  for (const e of SIZE_ENTRIES) {
    // What a user's bundler makes of it: no plugins, no splitting (a dynamic
    // import() of the diagnostics glue is inlined, and counts as JS).
    const r = await esbuild.build({
      stdin: { contents: e.code, resolveDir: bench, loader: 'js' }, bundle: true, minify: true, format: 'esm',
      platform: 'browser', write: false, logLevel: 'error', define: { 'process.env.NODE_ENV': '"production"' },
    })
    if (r.outputFiles.length !== 1) throw new Error(`${e.key}: esbuild wrote ${r.outputFiles.length} files`)
    const js = r.outputFiles[0].contents
    writeFileSync(join(dir, `${e.key}.js`), js)
    results.size.bundles[e.key] = { label: e.label, check: e.check, jsRaw: js.length, jsGzip: gzipLength(js) }
  }
  // Each bundle must sign a request in a fresh page, or its size means nothing;
  // the .wasm files the page fetches meanwhile are the ones the default path loads.
  await withBrowser('chromium', async ({ open }) => {
    for (const [key, s] of Object.entries(results.size.bundles)) {
      const p = await open('size/index.html', { ready: false })
      const fetched = []
      p.page.on('request', (req) => {
        const path = new URL(req.url()).pathname
        if (path.endsWith('.wasm')) fetched.push(basename(path))
      })
      if (s.check === 'amplify') await p.page.route(/^https:\/\/cognito-identity\.us-east-1\.amazonaws\.com\//, fakeCognitoIdentity)
      s.works = await p.page.evaluate(checkBundle, [key, s.check, 'sign'])
      s.wasmLoaded = [...new Set(fetched)]
      // Then what the lazily loaded builds' first callers fetch.
      for (const step of key === 'iam-signer' ? ['sigv4a', 'diag'] : []) {
        const before = new Set(fetched)
        const works = await p.page.evaluate(checkBundle, [key, s.check, step])
        results.size.probes[step] = { works, loaded: [...new Set(fetched)].filter((f) => !before.has(f)) }
      }
      await p.close()
      // A broken bundle loads nothing: count the default wasm rather than none.
      s.wasmCounted = s.wasmLoaded.length || !key.startsWith('iam') ? s.wasmLoaded : ['iamfetch_bg.wasm']
      s.wasmGzip = s.wasmCounted.reduce((sum, f) => sum + (wasmGzip[f] ?? 0), 0)
      s.total = s.jsGzip + s.wasmGzip
    }
  })
}

// ---------------------------------------------------------------- twiggy
/** Export names of a wasm binary, read from its export section. */
function wasmExports(bytes) {
  let pos = 8
  const leb = () => {
    let value = 0
    let shift = 0
    for (;;) {
      const b = bytes[pos++]
      value += (b & 0x7f) * 2 ** shift
      shift += 7
      if (b < 0x80) return value
    }
  }
  while (pos < bytes.length) {
    const id = bytes[pos++]
    const size = leb()
    const end = pos + size
    if (id === 7) {
      const names = []
      for (let n = leb(); n > 0; n--) {
        const len = leb()
        names.push(Buffer.from(bytes.subarray(pos, pos + len)).toString('utf8'))
        pos += len + 1
        leb()
      }
      return names
    }
    pos = end
  }
  return []
}

/**
 * The API a wasm exports, without wasm-bindgen's own plumbing (`__wbindgen_*`,
 * `__wbg_*`, ...) and without the hash suffix the macro gives each export
 * before wasm-bindgen (the CLI) renames it.
 */
const apiExports = (file) => [...new Set(wasmExports(readFileSync(file)).map((n) => n.replace(/_[0-9a-f]{16}$/, '')))]
  .filter((n) => !n.startsWith('__') && n !== 'memory').sort().join(',')

function which(cmd) {
  try { return execFileSync('sh', ['-c', `command -v ${cmd}`]).toString().trim() || null } catch { return null }
}

/**
 * twiggy on the cargo build behind the shipped default wasm, with its names
 * kept: a wasm32 cargo output under target/ whose exports are the shipped
 * iamfetch_bg.wasm's (the diagnostics build exports more), through wasm-bindgen
 * and `wasm-opt -Oz -g`.
 */
async function measureTwiggy() {
  const tools = { twiggy: which('twiggy'), 'wasm-bindgen': which('wasm-bindgen'), 'wasm-opt': [join(root, 'node_modules/.bin/wasm-opt')].find(existsSync) }
  const missing = Object.entries(tools).filter(([, p]) => !p).map(([n]) => n)
  if (missing.length) { results.notes.push(`twiggy: not run, ${missing.join(' and ')} missing (scripts/bench.sh installs twiggy; scripts/build.sh the others).`); return }
  log('what takes the wasm\'s bytes: twiggy')
  const shipped = apiExports(WASM)
  let candidates
  if (process.env.BENCH_TWIGGY_WASM) candidates = [resolve(process.env.BENCH_TWIGGY_WASM)]
  else {
    const found = execFileSync('find', [join(root, 'target'), '-name', '*.wasm', '-path', '*/wasm32*', '-not', '-path', '*/deps/*', '-not', '-path', '*/bench-twiggy/*'])
      .toString().split('\n').filter(Boolean)
      // <target dir>/<wasm32 triple>/<profile>/<crate>.wasm, as cargo writes them.
      .filter((f) => basename(dirname(dirname(f))).startsWith('wasm32'))
    candidates = found.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)
  }
  if (!candidates.length) { results.notes.push('twiggy: not run, no wasm32 cargo output under target/.'); return }
  // Several may match (an experiment's build, a stale one): the build script's
  // default build first, then the newest built before the shipped file.
  const matching = candidates.filter((f) => apiExports(f) === shipped)
  const shippedAt = statSync(WASM).mtimeMs
  const input = matching.find((f) => f.includes('/wasm-default/')) ?? matching.find((f) => statSync(f).mtimeMs <= shippedAt) ?? matching[0]
  const chosen = input ?? candidates[0]
  if (!input) results.notes.push(`twiggy: no cargo output under target/ exports what js/dist/wasm/iamfetch_bg.wasm does; the table is of ${relative(root, chosen)}, the newest.`)
  const dir = join(root, 'target/bench-twiggy')
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  let named = chosen
  if (!/_bg\.wasm$/.test(chosen)) {
    execFileSync(tools['wasm-bindgen'], ['--target', 'web', '--out-dir', dir, '--out-name', 'twiggy', chosen])
    named = join(dir, 'twiggy_bg.wasm')
  }
  // Inlining off: with it, wasm-opt folds most of the signing code into the
  // exported function's wasm-bindgen shim, and twiggy could no longer tell
  // which crate it came from (it costs a few % of size, shown in the text).
  const optimized = join(dir, 'named.wasm')
  const optimize = ['--no-inline=*', '-Oz', '-g', '--strip-producers', named, '-o', optimized]
  try {
    execFileSync(tools['wasm-opt'], optimize, { stdio: ['ignore', 'ignore', 'pipe'] })
  } catch {
    // A build without its target_features section: let wasm-opt accept every feature.
    execFileSync(tools['wasm-opt'], ['--all-features', ...optimize])
  }
  const items = JSON.parse(execFileSync(tools.twiggy, ['top', '-n', '1000000', '-f', 'json', optimized], { maxBuffer: 1 << 28 }).toString())
    // The names section is there only for twiggy; the shipped .wasm has none.
    .filter((i) => !/names" subsection|^"name"|custom section/.test(i.name))
  const total = items.reduce((a, i) => a + i.shallow_size, 0)
  const exported = new Set(wasmExports(readFileSync(optimized)))
  const byCrate = new Map()
  for (const i of items) {
    const crate = crateOf(i.name, exported)
    const slot = byCrate.get(crate) ?? { bytes: 0, items: 0 }
    slot.bytes += i.shallow_size
    slot.items++
    byCrate.set(crate, slot)
  }
  results.twiggy = {
    input: relative(root, chosen), matched: !!input, total, namedRaw: statSync(optimized).size,
    top: items.slice(0, 20).map((i) => ({ name: cleanSymbol(i.name), bytes: i.shallow_size })),
    crates: [...byCrate].map(([crate, s]) => ({ crate, ...s })).sort((a, b) => b.bytes - a.bytes),
  }
}

/** A demangled symbol without its hashes (`::h0123…` legacy, `[0123…]` v0). */
const cleanSymbol = (name) => name.replace(/\[[0-9a-f]{16}\]/g, '').replace(/::h[0-9a-f]{16}$/, '')

const EXPORTS_GROUP = 'iamfetch exports (wasm-bindgen wrappers and shims, with what is inlined into them)'
const FMT_GROUP = 'core::fmt (with float-to-decimal)'

/**
 * The crate a twiggy item belongs to, from its demangled symbol: the first path
 * segment (core::fmt apart from the rest of core). Drop glue counts for the
 * dropped type's crate; `<T as Trait>::f` for T's, or the trait's when T has no
 * path (a generic parameter); a primitive's own methods for core. The exported
 * functions are wasm-bindgen's wrappers around iamfetch's: a group of their own.
 */
function crateOf(rawName, exported = new Set()) {
  let n = cleanSymbol(rawName).trim()
  if (/^data\[\d+\]$|^data segment/.test(n)) return 'data segments (strings, tables)'
  if (exported.has(n) && !n.startsWith('__')) return EXPORTS_GROUP
  if (/ shim$/.test(n)) return exported.has(n.split(' ')[0]) || !n.startsWith('__') ? EXPORTS_GROUP : 'wasm_bindgen'
  if (/^(__wbg|__wbindgen|__externref)/.test(n)) return 'wasm_bindgen'
  if (/^(mem(cpy|set|move|cmp)|__[a-z]+[0-9]+[a-z]*[0-9]*)$/.test(n)) return 'compiler_builtins'
  const primitive = /^<(?:char|bool|str|[iuf](?:8|16|32|64|128|size)|\[[^\]]*\])>::(\w+)/.exec(n)
  if (primitive) return /fmt|debug|display/i.test(primitive[1]) ? FMT_GROUP : 'core (not fmt)'
  const drop = /^core::ptr::drop_in_place<(.+)>$/.exec(n)
  if (drop) n = drop[1]
  const fmtTrait = / as core::fmt::/.test(n)
  for (let guard = 0; guard < 4; guard++) {
    n = n.replace(/^(?:[<&*(\[ ]|mut |const |dyn |impl )+/, '')
    const path = /^([A-Za-z_][A-Za-z0-9_]*)::([A-Za-z_][A-Za-z0-9_]*)?(?:::([A-Za-z_][A-Za-z0-9_]*))?/.exec(n)
    if (path) {
      if (path[1] === 'core' && (path[2] === 'fmt' || (path[2] === 'num' && /^(flt2dec|fmt)$/.test(path[3] ?? '')))) return FMT_GROUP
      if (path[1] === 'core') return fmtTrait ? FMT_GROUP : 'core (not fmt)'
      if (path[1] === '__rustc') return 'alloc'
      return path[1]
    }
    const as = n.indexOf(' as ')
    if (as < 0) break
    n = n.slice(as + 4)
  }
  return 'other (unnamed code, imports, tables, types)'
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
const RUNTIME_NAMES = { node: 'Node', chromium: 'Chromium', firefox: 'Firefox', webkit: 'WebKit', workerd: 'workerd' }
const esc = (s) => String(s).replace(/\|/g, '\\|')
const mdTable = (header, rows) => [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`)].join('\n')

function verdict(value, target, higherIsBetter) {
  if (!Number.isFinite(value)) return 'not measured'
  const pass = higherIsBetter ? value >= target : value <= target
  if (pass) return 'PASS'
  // By how much: the factor the measure must improve by to meet the target.
  const factor = higherIsBetter ? target / value : value / target
  return `MISS (needs ${factor.toFixed(2)}× better)`
}

const signMedian = (rt, impl, c = 'post1k') => results.sign[rt]?.[c]?.timings?.[impl]?.median
const sigv4aMedian = (rt, impl) => results.sigv4a?.sign[rt]?.timings?.[impl]?.median
/** Median ms of the first SigV4a signatures, in fresh processes or pages. */
const sigv4aColdMedian = (key) => { const runs = results.sigv4a?.cold[key]; return runs ? median(runs.map((r) => r.ms)) : NaN }
const startMedian = (key) => { const runs = results.start[key]; return runs ? median(runs.map((r) => r.ms)) : NaN }
/** Warm MB/s of one hasher on one size in one runtime. */
const warmMbps = (rt, size, impl) => {
  const t = results.hashWarm[rt]?.[size]?.timings?.[impl]
  return t ? mbps(HASH_SIZES.find((s) => s.name === size).bytes, t.median) : NaN
}

/** Issue 11's targets, each with the ratio from this run: [target, compared, measured, verdict]. */
function targetRows() {
  const rows = []
  const size = results.size?.bundles
  if (size) {
    const iam = size['iam-cognito']
    const sdk = size['sdk-cognito']
    const broken = iam.works === true ? '' : ` — BROKEN: ${iam.works}`
    const wasm = iam.wasmCounted.map((f) => `${f} ${kib(results.size.wasm[f]?.gzip ?? 0)}`).join(' + ') || 'no wasm'
    rows.push(['Size: AwsClient + fromCognitoIdentityPool ≤ 56 KiB', 'esbuild --bundle --minify (esm, browser), gzip -9: JS + every .wasm the default path loads',
      `${kib(iam.total)} (JS ${kib(iam.jsGzip)} + ${wasm})${broken}`, broken ? 'MISS (broken bundle)' : verdict(iam.total / 1024, 56, false)])
    const r = iam.total / sdk.total
    rows.push(['Size: smaller than the AWS SDK v3 equivalent', 'iamfetch ÷ SignatureV4 + sha256-js + Cognito provider + client',
      `${kib(iam.total)} ÷ ${kib(sdk.total)} = ${ratio(r)}`, r < 1 ? 'PASS' : `MISS (needs ${r.toFixed(2)}× smaller)`])
  } else {
    rows.push(['Size: AwsClient + fromCognitoIdentityPool ≤ 56 KiB', 'esbuild --bundle --minify (esm, browser), gzip -9: JS + every .wasm the default path loads', 'not measured', 'not measured'])
    rows.push(['Size: smaller than the AWS SDK v3 equivalent', 'iamfetch ÷ SignatureV4 + sha256-js + Cognito provider + client', 'not measured', 'not measured'])
  }
  const speed = (label, rt, competitor, iam, target, medianOf = signMedian) => {
    const a = medianOf(rt, competitor)
    const b = medianOf(rt, iam)
    const r = a / b
    rows.push([label, `${competitor} ÷ ${iam}, µs median`, Number.isFinite(r) ? `${fmtUs(a)} ÷ ${fmtUs(b)} = ${ratio(r)}` : 'not measured', verdict(r, target, true)])
  }
  speed('Node signing: ≥ 2× faster than @smithy/signature-v4 + @aws-crypto/sha256-js', 'node', 'smithy SignatureV4 + sha256-js', 'iamfetch AwsV4Signer', 2)
  speed('Node signing: ≥ 5× faster than aws4fetch (shared signing-key cache)', 'node', 'aws4fetch AwsV4Signer', 'iamfetch AwsV4Signer', 5)
  for (const [rt, target] of [['chromium', 1.3], ['firefox', 5], ['webkit', 5]]) {
    speed(`${RUNTIME_NAMES[rt]} AwsClient.sign(): ≥ ${target}× faster than aws4fetch's`, rt, 'aws4fetch AwsClient.sign', 'iamfetch AwsClient.sign', target)
  }
  for (const rt of ['node', 'chromium', 'workerd']) {
    speed(`${RUNTIME_NAMES[rt]} SigV4a signing: ≥ 10× faster than @smithy/signature-v4a + @aws-crypto/sha256-js`, rt, SIGV4A_IMPLS[1], SIGV4A_IMPLS[0], 10, sigv4aMedian)
  }
  const iamStart = startMedian('node:iamfetch')
  const a4fStart = startMedian('node:aws4fetch')
  rows.push(['Cold start in Node (import → first signature): no slower than aws4fetch', 'aws4fetch ÷ iamfetch, ms median of fresh processes',
    Number.isFinite(iamStart) ? `${a4fStart.toFixed(1)} ÷ ${iamStart.toFixed(1)} = ${ratio(a4fStart / iamStart)}` : 'not measured', verdict(a4fStart / iamStart, 1, true)])
  const hashRows = rows.length
  for (const rt of RUNTIMES) {
    const impl = 'iamfetch Sha256, 64 KiB chunks'
    const one = warmMbps(rt, '64KB', impl)
    const many = warmMbps(rt, '16MB', impl)
    if (!Number.isFinite(one) && !Number.isFinite(many)) continue
    rows.push([`Hashing in ${RUNTIME_NAMES[rt]}: SHA-256 in wasm ≥ 450 MB/s warm, 64 KiB chunks`, `${impl}: one 64 KB chunk · 16 MB in 64 KiB chunks`,
      `${fmtMbps(one)} · ${fmtMbps(many)} MB/s`, verdict(Math.min(one, many), 450, true)])
  }
  if (rows.length === hashRows) rows.push(['Hashing: SHA-256 in wasm ≥ 450 MB/s warm, 64 KiB chunks', 'iamfetch Sha256, 64 KiB chunks', 'not measured', 'not measured'])
  return rows
}

/** What one lazy build's first caller fetched in Chromium (measureSizes' probes). */
const probeText = (step) => {
  const probe = results.size?.probes?.[step]
  if (!probe) return 'not probed'
  return probe.works === true ? probe.loaded.join(', ') || 'nothing fetched' : `failed: ${probe.works}`
}
/** A lazily loaded build's .wasm and glue together, raw and gzip -9 (each file apart). */
const lazyBuildSize = (wasmFile) => {
  const w = results.size?.wasm?.[wasmFile]
  const g = results.size?.glue?.[wasmFile]
  return w && g ? { raw: w.raw + g.raw, gzip: w.gzip + g.gzip, wasm: w, glue: g } : undefined
}

/** Ratios with no target: what the targets leave out. [measure, compared, value]. */
function infoRows() {
  const rows = []
  const diag = results.size?.wasm?.['iamfetch_diag_bg.wasm']
  if (diag) {
    const def = results.size.bundles['iam-cognito']?.wasmLoaded ?? []
    rows.push(['Diagnostics wasm, loaded lazily (canonicalString, stringToSign, signRequest, explainFailure)', 'iamfetch_diag_bg.wasm, gzip -9 (not in the size target)',
      `${kib(diag.gzip)} (${diag.raw} bytes raw); loaded by canonicalString(): ${probeText('diag')}; AwsClient.sign() fetched: ${def.join(', ') || 'nothing'}`])
  }
  const v4a = lazyBuildSize('iamfetch_v4a_bg.wasm')
  const sdkV4a = results.size?.bundles?.['sdk-v4a']
  if (v4a && sdkV4a) {
    rows.push(['SigV4a code, fetched the first time SigV4a signs', 'iamfetch_v4a_bg.wasm + iamfetch_v4a.js glue ÷ SignatureV4a + sha256-js bundle, gzip -9',
      `${kib(v4a.gzip)} ÷ ${kib(sdkV4a.total)} = ${ratio(v4a.gzip / sdkV4a.total)} (the SDK's is ${kib(sdkV4a.total - (results.size.bundles['sdk-signer']?.total ?? NaN))} more than SignatureV4 + sha256-js); the first SigV4a signature fetched: ${probeText('sigv4a')}`])
  }
  const native = results.native?.post1k?.['aws-sigv4']?.median
  if (native) {
    rows.push(['Signing vs the native floor', 'iamfetch AwsV4Signer (Node) ÷ native aws-sigv4 (opt-level 3)',
      `${fmtUs(signMedian('node', 'iamfetch AwsV4Signer'))} ÷ ${fmtUs(native)} = ${ratio(signMedian('node', 'iamfetch AwsV4Signer') / native)}`])
  }
  const nativeV4a = results.native?.['post1k-sigv4a']?.['aws-sigv4']?.median
  if (nativeV4a) {
    // Bounds what any signer built on aws-sigv4's P-256 code can reach, wasm or not.
    rows.push(['SigV4a: the SDK against the native floor', `${SIGV4A_IMPLS[1]} (Node) ÷ native aws-sigv4 SigV4a (opt-level 3)`,
      `${fmtUs(sigv4aMedian('node', SIGV4A_IMPLS[1]))} ÷ ${fmtUs(nativeV4a)} = ${ratio(sigv4aMedian('node', SIGV4A_IMPLS[1]) / nativeV4a)}; iamfetch (Node) ÷ native: ${ratio(sigv4aMedian('node', SIGV4A_IMPLS[0]) / nativeV4a)}`])
  }
  const per = (f) => RUNTIMES.map((rt) => { const r = f(rt); return Number.isFinite(r) ? `${RUNTIME_NAMES[rt]} ${ratio(r)}` : null }).filter(Boolean).join(' · ') || 'not measured'
  rows.push(['Signer alone, every runtime', 'aws4fetch AwsV4Signer ÷ iamfetch AwsV4Signer', per((rt) => signMedian(rt, 'aws4fetch AwsV4Signer') / signMedian(rt, 'iamfetch AwsV4Signer'))])
  rows.push(['Client, every runtime', 'aws4fetch AwsClient.sign ÷ iamfetch AwsClient.sign', per((rt) => signMedian(rt, 'aws4fetch AwsClient.sign') / signMedian(rt, 'iamfetch AwsClient.sign'))])
  rows.push(['Against the SDK, every runtime', 'smithy SignatureV4 + sha256-js ÷ iamfetch AwsV4Signer', per((rt) => signMedian(rt, 'smithy SignatureV4 + sha256-js') / signMedian(rt, 'iamfetch AwsV4Signer'))])
  rows.push(['SigV4a against the SDK, every runtime', `${SIGV4A_IMPLS[1]} ÷ ${SIGV4A_IMPLS[0]}`, per((rt) => sigv4aMedian(rt, SIGV4A_IMPLS[1]) / sigv4aMedian(rt, SIGV4A_IMPLS[0]))])
  const firstV4a = ['node', 'chromium', 'workerd'].map((rt) => [rt, sigv4aColdMedian(`${rt}:iamfetch`)]).filter(([, ms]) => Number.isFinite(ms))
  if (firstV4a.length) {
    const sdk = sigv4aColdMedian('node:smithy')
    rows.push(['First SigV4a signature, iamfetch already signing SigV4 (loads the SigV4a build)', 'ms, median of fresh processes or pages',
      `${firstV4a.map(([rt, ms]) => `${RUNTIME_NAMES[rt]} ${ms.toFixed(1)}`).join(' · ')}${Number.isFinite(sdk) ? `; the SDK in Node (import @smithy/signature-v4a + first signature): ${sdk.toFixed(1)}` : ''}`])
  }
  rows.push(['Against Amplify v6, every runtime', `${AMPLIFY_SIGNER} ÷ iamfetch AwsV4Signer`, per((rt) => signMedian(rt, AMPLIFY_SIGNER) / signMedian(rt, 'iamfetch AwsV4Signer'))])
  const amplify = results.size?.bundles?.['amplify-cognito']
  const iamClient = results.size?.bundles?.['iam-cognito']
  if (amplify && iamClient) {
    rows.push(['Size against Amplify v6 (identity pool credentials + signing)', 'iamfetch AwsClient + fromCognitoIdentityPool ÷ Amplify.configure + fetchAuthSession + signRequest, gzip -9',
      `${kib(iamClient.total)} ÷ ${kib(amplify.total)} = ${ratio(iamClient.total / amplify.total)}${amplify.works === true ? '' : ` — Amplify bundle BROKEN: ${amplify.works}`}`])
  }
  const pre = startMedian('node:iamfetch:preload')
  if (Number.isFinite(pre)) {
    rows.push(['Cold start in Node, fetch globals already loaded', 'aws4fetch ÷ iamfetch', `${startMedian('node:aws4fetch:preload').toFixed(1)} ÷ ${pre.toFixed(1)} ms = ${ratio(startMedian('node:aws4fetch:preload') / pre)}`])
  }
  const throughClient = RUNTIMES.map((rt) => {
    const rs = ['64KB', '16MB'].map((s) => warmMbps(rt, s, 'iamfetch AwsClient.sign (POST body)') / warmMbps(rt, s, 'crypto.subtle.digest'))
    return rs.every(Number.isFinite) ? `${RUNTIME_NAMES[rt]} ${rs.map(ratio).join(' · ')}` : null
  }).filter(Boolean)
  rows.push(...workerRows(results.worker))
  rows.push(['Hashing a body through the client', 'AwsClient.sign(POST body) ÷ crypto.subtle.digest, warm throughput, 64 KB · 16 MB', throughClient.join('; ') || 'not measured'])
  const blobCell = (rt) => {
    const part = (impl, label) => {
      const r = results.blob[`${rt}:${impl}`]
      return r?.error ? `${label} failed` : r ? `${label} +${mib(r.peakExtraBytes)}` : null
    }
    const parts = [part('read the stream only, no hashing (baseline)', 'read only'), part('iamfetch Sha256, stream chunks', 'Sha256 stream'), part('iamfetch AwsClient.sign (Blob body)', 'AwsClient')].filter(Boolean)
    return parts.length ? `${RUNTIME_NAMES[rt]}: ${parts.join(', ')}` : null
  }
  const blob = ['node', 'chromium'].map(blobCell).filter(Boolean)
  if (blob.length) rows.push([`Hashing a ${results.blobMiB} MiB Blob`, 'peak extra memory', blob.join('; ')])
  return rows
}

function buildTargets() {
  const targets = mdTable(['target', 'compared (same run)', 'measured', 'verdict'], targetRows())
  const info = mdTable(['measure', 'compared (same run)', 'measured'], infoRows())
  return `${targets}\n\nInformational, no target:\n\n${info}`
}

function buildSizes() {
  if (!results.size?.bundles) return '_not measured in this run (`--only` left out size)._'
  const rows = Object.values(results.size.bundles).map((s) => [
    s.label, kib(s.jsGzip), s.wasmCounted.length ? s.wasmCounted.map((f) => `${kib(results.size.wasm[f]?.gzip ?? 0)} (${f})`).join(' + ') : '—',
    kib(s.total), s.works === true ? 'signs' : `BROKEN: ${s.works}`,
  ])
  for (const [f, w] of Object.entries(results.size.wasm)) {
    if (f === basename(WASM)) continue
    const lazy = LAZY_BUILDS[f]
    const both = lazyBuildSize(f)
    if (!lazy || !both) { rows.push([`${f} (shipped, not on the default path)`, '—', kib(w.gzip), '—', '—']); continue }
    rows.push([`iamfetch, loaded lazily by ${lazy.loadedBy}: ${f} + ${glueOf(f)} glue as shipped (raw ${w.raw} + ${both.glue.raw} bytes)`,
      kib(both.glue.gzip), kib(w.gzip), kib(both.gzip), `fetched: ${probeText(lazy.probe)}`])
  }
  return mdTable(['bundle', 'JS gzip -9', 'wasm gzip -9 (fetched by the default path)', 'total', 'in Chromium'], rows)
}

function buildTable() {
  const rows = []
  const row = (measure, impl, cells) => rows.push([measure, impl, ...cells])
  const sign = results.sign
  const sigImpls = ['iamfetch AwsV4Signer', 'iamfetch AwsClient.sign', 'aws4fetch AwsV4Signer', 'aws4fetch AwsClient.sign', 'smithy SignatureV4 + sha256-js', 'smithy SignatureV4 + WebCrypto', AMPLIFY_SIGNER]
  // Only the parts this run measured.
  const signed = Object.keys(sign).length > 0 || results.native
  for (const c of signed ? signingCases() : []) {
    let first = `1. sign ${c.label}: µs per signature, median / p99`
    for (const impl of sigImpls) {
      row(first, impl, [...RUNTIMES.map((rt) => fmtLatency(sign[rt]?.[c.name]?.timings?.[impl])), '—'])
      first = ''
    }
    for (const impl of ['iamfetch::sign', 'aws-sigv4']) {
      row('', `native ${impl} (floor)`, [...RUNTIMES.map(() => '—'), fmtLatency(results.native?.[c.name]?.[impl])])
    }
  }
  const warm = results.hashWarm
  const cold = results.hashCold
  const hashed = Object.keys(warm).length > 0 || Object.keys(cold).length > 0
  for (const size of hashed ? HASH_SIZES : []) {
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
        if (!r) return rt === 'node' || rt === 'chromium' ? '—' : 'not measured'
        if (r.error) return `failed: ${r.error.slice(0, 60)}`
        return `${fmtMbps(mbps(r.bytes, r.ms))} MB/s, +${mib(r.peakExtraBytes)}`
      }
      row(first, impl, [...RUNTIMES.map(cell), '—'])
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
    const n = st['node:iamfetch']?.length ?? st['workerd:iamfetch']?.length ?? 0
    const cells = (nodeText, wdText) => RUNTIMES.map((rt) => (rt === 'node' ? nodeText : rt === 'workerd' ? wdText : '—')).concat('—')
    row(`4. cold start: import → first signature (1 KB POST), median of ${n} fresh processes`, 'iamfetch', cells(nodeCell('iamfetch'), wdCell('iamfetch')))
    row('', 'aws4fetch', cells(nodeCell('aws4fetch'), wdCell('aws4fetch')))
    row('', 'smithy SignatureV4 + sha256-js', cells(nodeCell('smithy'), '—'))
    row('', 'iamfetch, Node fetch globals already loaded', cells(nodeCell('iamfetch:preload'), '—'))
    row('', 'aws4fetch, Node fetch globals already loaded', cells(nodeCell('aws4fetch:preload'), '—'))
  }
  if (results.proxy) {
    let first = '5. edge proxy: 1 KB POST to the local function URL; latency ms median / p99, workerd CPU per request'
    for (const [name, p] of Object.entries(results.proxy)) {
      const cpu = name.startsWith('direct') ? '' : `, workerd CPU ${(p.cpuPerRequest * 1000).toFixed(0)} µs/req`
      const text = `${p.median.toFixed(2)} / ${p.p99.toFixed(2)} ms${cpu}`
      row(first, name + (p.non200 ? ` (${p.non200} non-200!)` : ''), [...RUNTIMES.map((rt) => (rt === 'workerd' ? text : '—')), '—'])
      first = ''
    }
  }
  const v4a = results.sigv4a
  if (v4a && Object.keys(v4a.sign).length) {
    let first = `6. sign SigV4a (${SIGV4A_ALGORITHM}), ${POST_1K().label}, service ${SIGV4A.service}, region set ${SIGV4A.regionSet.join(',')}: µs per signature, median / p99`
    for (const impl of SIGV4A_IMPLS) {
      row(first, impl, [...RUNTIMES.map((rt) => fmtLatency(v4a.sign[rt]?.timings?.[impl])), '—'])
      first = ''
    }
    // examples/bench_native.rs signs the same POST with SigV4a (without x-amz-content-sha256).
    for (const impl of ['iamfetch::sign', 'aws-sigv4']) {
      row('', `native ${impl} (floor)`, [...RUNTIMES.map(() => '—'), fmtLatency(results.native?.['post1k-sigv4a']?.[impl])])
    }
  }
  if (v4a && Object.keys(v4a.cold).length) {
    const cell = (key, extra) => {
      const runs = v4a.cold[key]
      if (!runs) return '—'
      const unsigned = runs.filter((r) => !r.signed).length
      return `${median(runs.map((r) => r.ms)).toFixed(1)} ms${extra ? extra(runs) : ''}${unsigned ? ` (${unsigned} did not sign!)` : ''}`
    }
    const inside = (runs) => ` (request RTT over a warm no-op request's; in-isolate clock ${median(runs.map((r) => r.inside)).toFixed(0)} ms)`
    const n = Math.max(0, ...Object.values(v4a.cold).map((runs) => runs.length))
    row(`6. first SigV4a signature where SigV4 already signs (loads the SigV4a build), median of ${n} fresh processes or pages`, 'iamfetch',
      [...RUNTIMES.map((rt) => cell(`${rt}:iamfetch`, rt === 'workerd' ? inside : undefined)), '—'])
    row('', 'smithy: import @smithy/signature-v4a + first signature, SignatureV4 already signing', [...RUNTIMES.map((rt) => cell(`${rt}:smithy`)), '—'])
  }
  return mdTable(['measure', 'implementation', ...RUNTIMES.map((rt) => RUNTIME_NAMES[rt]), 'native Rust'], rows)
}

function machine() {
  const cpu = readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/)?.[1] ?? cpus()[0]?.model
  const wd = (() => { try { return execFileSync(WORKERD, ['--version']).toString().trim() } catch { return 'n/a' } })()
  const rustc = (() => { try { return execFileSync('rustc', ['--version']).toString().trim() } catch { return 'n/a' } })()
  const v = results.versions
  const clock = (rt) => {
    const c = results.clocks[rt]
    if (!c) return null
    return `${RUNTIME_NAMES[rt]} ${c.resolution >= 1 ? `${c.resolution} ms` : `${(c.resolution * 1000).toFixed(0)} µs`} resolution${c.crossOriginIsolated !== undefined ? `, crossOriginIsolated=${c.crossOriginIsolated}` : ''}`
  }
  const clocks = ['chromium', 'firefox', 'webkit', 'workerd'].map(clock).filter(Boolean)
  const wasm = results.size?.wasm
  return [
    `- date: ${results.date ?? new Date().toISOString().replace(/\.\d+Z$/, 'Z')}`,
    `- CPU: ${cpu}, ${cpus().length} cores (shared, noisy); memory ${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    `- Node ${process.version}; ${[v.chromium && `${v.chromium} (headless, playwright-core)`, v.firefox && `${v.firefox} (headless, puppeteer-core over WebDriver BiDi)`, v.webkit && `${v.webkit} under Xvfb, selenium-webdriver`].filter(Boolean).join('; ')}; ${wd}; ${rustc}`,
    `- clocks: Node performance.now() (per-call samples)${clocks.length ? `; ${clocks.join('; ')}` : ''}. Browser samples are batches of ≥ 40 ticks, workerd's of ≥ 20 ms.`,
    `- iamfetch wasm: ${wasm ? Object.entries(wasm).map(([f, w]) => `${f} ${w.raw} bytes raw`).join(', ') : 'sizes not measured'}; ${budgetMs} ms per measured (case, implementation) in ${flags.quick ? 'quick' : 'full'} mode`,
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
  if (!lines.length) lines.push('- every signer produced the same signature per request (aws4fetch aside: it never signs content-type), and every hasher the same digest, in every runtime measured.')
  const v4a = Object.entries(results.sigv4a?.sign ?? {})
  const refused = v4a.flatMap(([rt, r]) => Object.entries(r.verified ?? {}).filter(([, ok]) => ok !== true)
    .map(([impl, why]) => `- ${RUNTIME_NAMES[rt]}, SigV4a: the stack's verifier refused ${impl}'s signature: ${why}`))
  if (refused.length) lines.push(...refused)
  else if (v4a.length) {
    lines.push(`- SigV4a: the local stack's verifier (stack/src/sigv4-verify.mjs: the canonical request rebuilt from the request as sent, the body hashed, the ECDSA signature checked with node:crypto against the key it derives itself) accepted iamfetch's and @smithy/signature-v4a's signatures of the 1 KB POST from every runtime measured (${v4a.map(([rt]) => RUNTIME_NAMES[rt]).join(', ')}), checked once outside the timed loop. The two are not compared byte for byte: both take RFC 6979 nonces, but @smithy/signature-v4a gives the low s of the pair (s, n − s) and aws-sigv4 does not normalize it; ECDSA accepts both.`)
  }
  return lines.join('\n')
}

function notes() {
  const n = [...results.notes]
  const hw = results.hashWarm.workerd?.hashWasmError
  if (hw) n.push(`hash-wasm does not run in workerd: it compiles its wasm from bytes at run time, and workerd answers \`${hw.slice(0, 120)}\`.`)
  for (const [name, p] of Object.entries(results.proxy ?? {})) if (p.non200) n.push(`edge proxy, ${name}: ${p.non200} answers were not 200; the last: \`${p.lastBad}\`.`)
  return n.length ? n.map((x) => `- ${x}`).join('\n') : '- none'
}

function twiggySection() {
  const t = results.twiggy
  if (!t) return '_twiggy was not run in this run (scripts/bench.sh installs it; `--only` may have left out size)._'
  const pct = (n) => `${((100 * n) / t.total).toFixed(1)}%`
  const top = t.top.map((i) => [i.bytes, pct(i.bytes), `\`${i.name.slice(0, 110)}\``])
  const crates = t.crates.map((c) => [c.crate, (c.bytes / 1024).toFixed(1), pct(c.bytes), c.items])
  const shipped = results.size?.wasm?.['iamfetch_bg.wasm']?.raw
  return [
    `\`twiggy top\` of ${t.input} (the cargo build ${t.matched ? 'whose exports match' : 'that should match, but whose exports differ from'} the shipped iamfetch_bg.wasm) through wasm-bindgen and \`wasm-opt --no-inline=* -Oz -g\`: names kept, and inlining off so that each function keeps its own name and crate (with inlining, most of the signing code lands in the exported function's wasm-bindgen shim). ${t.total} bytes without the names section; the shipped .wasm, inlined and stripped by the build's own wasm-opt settings, is ${shipped ?? '?'} bytes.`,
    '', 'By crate, from the demangled symbol of each function (its first path segment; core::fmt apart from the rest of core; drop glue counts for the dropped type\'s crate, a trait method for its type\'s crate). Raw bytes, before gzip; code inlined into another crate\'s function counts for that function\'s crate:',
    '', mdTable(['crate', 'KiB', '%', 'items'], crates),
    '', 'The 20 largest items:',
    '', mdTable(['shallow bytes', '%', 'item'], top),
  ].join('\n')
}

// ---------------------------------------------------------------- main
const t0 = Date.now()
if (flags['report-only']) {
  // Re-renders the last run's results (bench/.out/results.json) through the template.
  Object.assign(results, JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')))
} else {
  await waitForDist()
  await buildBundles()
  if (want('size')) { await measureSizes(); await measureTwiggy() }
  if (want('native')) await measureNative()
  if (want('sign')) await measureSigning()
  if (want('sigv4a')) await measureSigV4a()
  if (want('hash')) { await measureHashWarm(); await measureHashCold() }
  if (want('blob')) await measureBlob()
  if (want('start')) await measureColdStart()
  if (want('proxy') && wantRt('workerd')) await measureProxy()
  if (want('worker') && wantRt('workerd')) {
    results.worker = await measureWorker({ runs: flags.quick ? 5 : 20, profiles: flags.quick ? 2 : 5, log })
      .catch((error) => { results.notes.push(`Cloudflare Worker size and startup not measured: ${error.message}`); return null })
  }
  results.minutes = ((Date.now() - t0) / 60000).toFixed(1)
  results.date = new Date().toISOString().replace(/\.\d+Z$/, 'Z')
  writeFileSync(join(out, 'results.json'), JSON.stringify(results, null, 2))
}
const targets = buildTargets()
const table = buildTable()
const sizes = buildSizes()
const minutes = results.minutes ?? '?'
process.stdout.write(`${targets}\n\n${table}\n\n${sizes}\n`)
if (!flags['no-write']) {
  const fill = { machine: machine(), targets, table, sizes, agreement: agreement(), twiggy: twiggySection(), notes: notes(), minutes }
  const doc = readFileSync(join(bench, 'BENCHMARKS.template.md'), 'utf8').replace(/\{\{(\w+)\}\}/g, (m, key) => fill[key] ?? m)
  writeFileSync(join(root, 'BENCHMARKS.md'), doc)
  log(`wrote BENCHMARKS.md (${minutes} min)`)
}
