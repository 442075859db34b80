// The edge proxy: workerd workers (bench/src/proxy-worker.mjs) in front of the
// local stack's echo function URL, against the client calling it directly;
// latency seen by a Node client, and the workerd process's CPU per request.
import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from '../../tests/js/support/browsers.mjs'
import { wasmModules } from '../builds.mjs'
import { log } from '../log.mjs'
import { BENCH, OUT } from '../paths.mjs'
import { cpuMs } from '../proc-sampling.mjs'
import { startWorkerd, workerdConfig } from '../runtimes/workerd.mjs'
import { ensureStack } from './stack.mjs'

export async function measureProxy({ results, quick }) {
  ensureStack()
  log('edge proxy: local stack + workerd')
  const stack = spawn(process.execPath, [join(BENCH, 'src/stack-child.mjs')], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] })
  const info = await new Promise((r, j) => { stack.once('message', r); stack.once('exit', (c) => j(new Error(`stack exited ${c}`))) })
  const dir = mkdtempSync(join(tmpdir(), 'iamfetch-bench-proxy-'))
  try {
    for (const f of ['proxy.js', 'wasm']) execFileSync('cp', ['-r', join(OUT, 'workerd', f), dir])
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
      results.proxy = await timeVariants(variants, wd.child.pid, quick ? 4 : 10)
    } finally {
      await wd.stop()
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
    stack.send('stop')
    await new Promise((r) => stack.once('exit', r))
  }
}

/**
 * 50 warm-up requests per variant, then `rounds` rounds of a block of 40
 * sequential requests per variant: latency median / p99, and the CPU time of
 * process `pid` over each block, per request.
 */
async function timeVariants(variants, pid, rounds) {
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
  const block = 40
  for (let r = 0; r < rounds; r++) {
    for (const [name, fn] of Object.entries(variants)) {
      const s = stats[name]
      const c0 = cpuMs(pid)
      for (let i = 0; i < block; i++) await once(fn, s)
      s.cpu += cpuMs(pid) - c0
      s.n += block
    }
  }
  return Object.fromEntries(Object.entries(stats).map(([k, s]) => {
    s.lat.sort((a, b) => a - b)
    return [k, { median: s.lat[Math.floor(s.lat.length / 2)], p99: s.lat[Math.floor(s.lat.length * 0.99)], cpuPerRequest: s.cpu / s.n, n: s.n, non200: s.bad, lastBad: s.lastBad }]
  }))
}
