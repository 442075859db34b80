// SHA-256 throughput: warm (after a warm-up, every runtime) and cold (the
// first call in a fresh Node process, Chromium context or workerd process).
import { HASH_SIZES } from '../src/common.mjs'
import { log } from '../log.mjs'
import { node } from '../processes.mjs'
import { withBrowser } from '../runtimes/browsers.mjs'
import { inEveryRuntime } from '../runtimes/every-runtime.mjs'
import { withBenchWorker } from '../runtimes/workerd.mjs'

export const HASH_IMPLS = ['iamfetch sha256Hex', 'iamfetch Sha256, 64 KiB chunks', 'iamfetch AwsClient.sign (POST body)', 'crypto.subtle.digest', 'hash-wasm createSHA256']

export async function measureHashWarm(ctx) {
  await inEveryRuntime(ctx, 'hashing, warm', { mode: 'hash-warm', page: 'hashWarm' }, (runtime, r) => { ctx.results.hashWarm[runtime] = r })
}

export async function measureHashCold({ results, coldReps, wantRt }) {
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
    await withBrowser(results, 'chromium', async ({ open }) => {
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
