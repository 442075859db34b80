// SigV4a: signing latency of the 1 KB POST, iamfetch against
// @smithy/signature-v4a, in every runtime (each signer's headers then checked
// by the local stack's verifier); and the first SigV4a signature where
// iamfetch already signs SigV4, in fresh Node processes, Chromium pages and
// workerd processes.
import { POST_1K, SIGNING_TIME_MS, SIGV4A, SIGV4A_ALGORITHM, credentialsOf } from '../src/common.mjs'
import { log } from '../log.mjs'
import { node } from '../processes.mjs'
import { withBrowser } from '../runtimes/browsers.mjs'
import { inEveryRuntime } from '../runtimes/every-runtime.mjs'
import { withColdWorker } from '../runtimes/workerd.mjs'
import { ensureStack } from './stack.mjs'

export async function measureSigV4a(ctx) {
  const { results, startRuns, wantRt } = ctx
  const sign = results.sigv4a.sign
  await inEveryRuntime(ctx, 'SigV4a signing latency', { mode: 'sigv4a', page: 'sigv4a' }, (runtime, r) => { sign[runtime] = r })
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
    await withBrowser(results, 'chromium', async ({ open }) => {
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
  const { verifySigV4 } = await import('../../stack/src/sigv4-verify.mjs')
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
