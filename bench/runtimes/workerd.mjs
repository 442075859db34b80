// workerd, as the bench runs it: one config file per process (each worker's
// modules, bindings and socket), a process per measurement, and the two
// workers most parts talk to (bench/src/worker.mjs, bench/src/cold-worker.mjs).
import { execFileSync, spawn } from 'node:child_process'
import { dirname, join } from 'node:path'
import { freePort, waitForPort } from '../../tests/js/support/browsers.mjs'
import { writeWorkerdConfig } from '../../tests/js/support/workerd.mjs'
import { wasmModules } from '../builds.mjs'
import { BENCH, OUT } from '../paths.mjs'

export const WORKERD = join(BENCH, 'node_modules/.bin/workerd')

/** `workerd --version`, or 'n/a'. */
export function workerdVersion() {
  try { return execFileSync(WORKERD, ['--version']).toString().trim() } catch { return 'n/a' }
}

/**
 * Writes one workerd config serving `workers` into `dir`, at the tests'
 * compatibility date and flags, as a user's Worker runs (tests/js/support/workerd.mjs
 * describes `workers`); returns its path.
 */
export const workerdConfig = (workers, dir) => writeWorkerdConfig(join(dir, `config-${workers[0].name}.capnp`), workers)

/** A workerd process serving `configFile`, once every port in `ports` is open: { child, stop }. */
export async function startWorkerd(configFile, ports) {
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

/** One worker on a free port in a fresh workerd process: `fn(port)`, then the process stops. */
async function withWorker(name, modules, fn) {
  const port = await freePort()
  const config = workerdConfig([{ name, port, modules }], join(OUT, 'workerd'))
  const wd = await startWorkerd(config, [port])
  try {
    return await fn(port)
  } finally {
    await wd.stop()
  }
}

/** A fresh workerd process running worker.js: `fn(get)`, where get(path) gives one request's JSON answer. */
export const withBenchWorker = (fn) => withWorker('bench', [['worker.js', 'esModule', 'worker.js'], ...wasmModules()], (port) => fn(async (path) => {
  const res = await fetch(`http://127.0.0.1:${port}${path}`)
  const body = await res.json()
  if (body?.error && res.status !== 200) throw new Error(body.error)
  return body
}))

/** A fresh workerd process running cold-worker.js: `fn(get)`, where get(path) gives { rtt, body } of one request. */
export const withColdWorker = (fn) => withWorker('cold', [['cold-worker.js', 'esModule', 'cold-worker.js'], ['lib-iamfetch.js', 'esModule', 'lib-iamfetch.js'],
  ['lib-aws4fetch.js', 'esModule', 'lib-aws4fetch.js'], ...wasmModules()], (port) => fn(async (path) => {
  const t0 = performance.now()
  const res = await fetch(`http://127.0.0.1:${port}${path}`)
  const body = await res.text()
  return { rtt: performance.now() - t0, body }
}))
