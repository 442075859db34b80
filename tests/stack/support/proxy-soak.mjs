// The proxy soak: many requests through createSigningProxy behind
// its Node adapter (@hono/node-server), from valid viewers and hostile ones,
// to an upstream that injects faults and verifies every signature it gets.
// scripts/soak-proxy.mjs runs it at full length; tests/stack/proxy-soak.test.mjs
// runs a short version in CI. The seeded randomness, the memory sample's shape
// and the memory bound are the client soak's (soak.mjs).
//
// Three parties, all on 127.0.0.1:
// - the proxy, a child process (proxy-soak-child.mjs), so that the memory
//   sampled is its own; it checks tokens against the local stack's Cognito
//   user pool (its JWKS) and signs with a key only the upstream knows;
// - the upstream, in this process: it verifies each request's SigV4 signature
//   with the stack's verifier (@smithy/signature-v4, no iamfetch code), notes
//   the request's tag (x-soak-id, forwarded by the proxy), injects the fault the
//   viewer asked for in x-soak-fault (also forwarded), and echoes the tag, the
//   body's length and SHA-256 inside a JSON answer that any truncation breaks;
// - the viewers, in this process: valid ones (a token from the user pool) and
//   hostile ones (bad tokens, oversized headers, slowloris headers and bodies,
//   aborted uploads), each request tagged uniquely.
//
// The checks (report.problems, any one fails the run):
// - reached upstream: a hostile request without a valid token reached the
//   upstream, or a request the upstream cannot attribute to a valid viewer did;
// - lost: a valid request ended without an error answer: no answer at all, a
//   hang, an answer cut without a fault that cuts, or a truncated one read as whole;
// - misrouted: an echo (200 or an upstream error) carried another request's tag;
// - memory: the proxy's heap or RSS after a full GC grew past soak.mjs's
//   MEMORY_BOUND between the sample at a tenth of the run and the end (the
//   samples are taken with no request in flight);
// - also: a valid request failed though its fault (if any) must not fail it,
//   a signature the upstream refused, an incomplete buffered body forwarded,
//   a hostile connection held open past bodyTimeoutMs + HOLD_GRACE_MS, a
//   hostile request answered otherwise than expected.
//
// The parts: proxy-soak-plan.mjs (what is sent), proxy-soak-viewers.mjs,
// proxy-soak-upstream.mjs, proxy-soak-report.mjs (the tally and the checks).
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { startStack } from '../../../stack/src/index.mjs'
import { localPoolVerify } from '../../js/support/user-pool.mjs'
import { BODY_TIMEOUT_MS, FAULT_HEADER, HOSTILE_KINDS, ID_HEADER, OTHER_CLIENT, SIGNING, VALID_KINDS, planRequest } from './proxy-soak-plan.mjs'
import { count, summarize } from './proxy-soak-report.mjs'
import { startUpstream } from './proxy-soak-upstream.mjs'
import { sendHostile, sendValid, tokenSource } from './proxy-soak-viewers.mjs'
import { mib, seededRandom } from './soak.mjs'

export { formatProxyReport } from './proxy-soak-report.mjs'

const CHILD = fileURLToPath(new URL('./proxy-soak-child.mjs', import.meta.url))
const PROXY_ENTRY = new URL('../../../js/dist/proxy/index.node.js', import.meta.url).href

/**
 * @param {object} [o]
 * @param {number} [o.requests]     how many requests (default 100,000)
 * @param {number} [o.concurrency]  viewers at once (default 32)
 * @param {number} [o.faultRate]    share of valid requests given an upstream fault (default 0.15)
 * @param {number} [o.seed]
 * @param {number} [o.requestTimeoutMs]  a valid request still unsettled then is hung (default 60 s)
 * @param {number} [o.maxMinutes]   no new request is started after this (default 120); the run then fails
 * @param {(line: string) => void} [o.log]
 */
export async function runProxySoak({
  requests = 100_000, concurrency = 32, faultRate = 0.15, seed = 21, requestTimeoutMs = 60_000, maxMinutes = 120, log = () => {},
} = {}) {
  const stack = await startStack({
    config: (config) => {
      config.userPools[0].clients.push({ id: OTHER_CLIENT, name: 'soak-other', idTokenValiditySeconds: 3600, accessTokenValiditySeconds: 3600 })
      return config
    },
  })
  const cleanup = [() => stack.stop()]
  try {
    const tokens = await tokenSource(stack)
    const upstream = await startUpstream()
    cleanup.unshift(() => upstream.stop())
    const proxy = await startProxyChild({
      upstream: upstream.url,
      credentials: { accessKeyId: SIGNING.accessKeyId, secretAccessKey: SIGNING.secretAccessKey },
      service: SIGNING.service,
      region: SIGNING.region,
      verify: localPoolVerify(stack),
      forwardHeaders: ['accept', 'content-type', ID_HEADER, FAULT_HEADER],
      bodyTimeoutMs: BODY_TIMEOUT_MS,
      timeoutMs: 10_000,
    })
    cleanup.unshift(() => proxy.stop())

    const random = seededRandom(seed)
    const kinds = { ...VALID_KINDS, ...HOSTILE_KINDS }
    const tally = { outcomes: {}, problems: {}, examples: [], sent: 0, valid: 0, hostile: 0 }
    const checkpoints = [...new Set([1000, 10_000, requests / 10, requests / 2, requests].map(Math.floor))]
      .filter((n) => n > 0 && n <= requests).sort((a, b) => a - b)
    const samples = []
    const startedAt = performance.now()
    const deadline = Date.now() + maxMinutes * 60_000
    let next = 0
    let cutShort = false

    // Segments up to each checkpoint; the memory is sampled between them, with nothing in flight.
    for (const checkpoint of checkpoints) {
      const worker = async () => {
        while (next < checkpoint) {
          if (Date.now() > deadline) {
            cutShort = true
            return
          }
          const index = next++
          const plan = planRequest(index, random, faultRate, kinds)
          if (!plan.valid) upstream.hostile.set(plan.id, plan.kind)
          else upstream.valid.add(plan.id)
          const record = plan.valid
            ? await sendValid(proxy.url, plan, await tokens.valid(), requestTimeoutMs)
            : await sendHostile(proxy, plan, tokens)
          if (plan.valid) upstream.valid.done(plan.id)
          count(tally, plan, record)
        }
      }
      await Promise.all(Array.from({ length: concurrency }, worker))
      if (cutShort) break
      const sample = { requests: tally.sent, elapsedMs: performance.now() - startedAt, ...await proxy.memory() }
      samples.push(sample)
      log(`${sample.requests} requests, ${Math.round(sample.requests / (sample.elapsedMs / 1000))}/s, proxy rss ${mib(sample.rss)} MiB, heap ${mib(sample.heapUsed)} MiB, connections ${sample.connections}`)
    }
    const durationMs = performance.now() - startedAt
    const { user, system } = process.cpuUsage()
    const cpu = { driverMs: (user + system) / 1000, proxyMs: await proxy.cpuMs() }
    return summarize({ requests, concurrency, faultRate, durationMs, cpu, cutShort, tally, samples, upstream: upstream.report(), proxyErrors: await proxy.errors(), childErrors: proxy.stderr })
  } finally {
    for (const stop of cleanup) await stop().catch(() => {})
  }
}

/** The proxy in its own process (proxy-soak-child.mjs), with a full GC on demand. */
async function startProxyChild(options) {
  const child = spawn(process.execPath, ['--expose-gc', CHILD, PROXY_ENTRY, JSON.stringify(options)], { stdio: ['ignore', 'pipe', 'pipe'] })
  const stderr = []
  child.stderr.setEncoding('utf8').on('data', (text) => { if (stderr.length < 50) stderr.push(text) })
  const ready = await new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the proxy child exited (${code}) before it was ready: ${stderr.join('')}`)))
    createInterface({ input: child.stdout }).once('line', (line) => resolve(JSON.parse(line)))
  })
  const admin = async (path) => {
    const response = await fetch(`http://127.0.0.1:${ready.adminPort}${path}`, { signal: AbortSignal.timeout(30_000) })
    return response.json()
  }
  return {
    port: ready.port,
    url: `http://127.0.0.1:${ready.port}`,
    stderr,
    memory: () => admin('/memory'),
    errors: () => admin('/errors'),
    cpuMs: async () => (await admin('/cpu')).cpuMs,
    async stop() {
      if (child.exitCode !== null) return
      child.kill('SIGTERM')
      await once(child, 'exit')
    },
  }
}
