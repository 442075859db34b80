// The proxy soak (issue 21): many requests through createSigningProxy behind
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
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { once } from 'node:events'
import { createServer } from 'node:http'
import { connect } from 'node:net'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { startStack } from '../../../stack/src/index.mjs'
import { CredentialsStore } from '../../../stack/src/credentials-store.mjs'
import { verifySigV4 } from '../../../stack/src/sigv4-verify.mjs'
import { parseQuery, readBody, receivedHeaders, splitTarget } from '../../../stack/src/http-util.mjs'
import { createSigningKey, signJwt } from '../../../stack/src/jwt.mjs'
import { localPoolVerify, signIn } from '../../js/support/user-pool.mjs'
import { memoryVerdict, mib, pickWeighted, seededBytes, seededRandom } from './soak.mjs'

const CHILD = fileURLToPath(new URL('./proxy-soak-child.mjs', import.meta.url))
const PROXY_ENTRY = new URL('../../../js/dist/proxy/index.node.js', import.meta.url).href
const ID_HEADER = 'x-soak-id'
const FAULT_HEADER = 'x-soak-fault'
const OTHER_CLIENT = 'iamfetchsoakotherclient1'
/** The proxy's signing key, known to the upstream alone. */
const SIGNING = { accessKeyId: 'AKIDSOAKPROXY0000001', secretAccessKey: 'local-only/proxy-soak-secret-9e2f', region: 'us-east-1', service: 'lambda' }
/** The proxy's body deadline: short, so that slowloris viewers are cut off in seconds, yet long enough for 1 MiB from a valid viewer on a loaded machine (2 s was not). */
const BODY_TIMEOUT_MS = 4000
/** A hostile connection still open this long after bodyTimeoutMs is held. */
const HOLD_GRACE_MS = 5000
const MAX_BODY = 1024 * 1024

/** What valid viewers send (weights in percent of all requests). */
export const VALID_KINDS = {
  get: { weight: 40 },
  post: { weight: 35 },
  // x-amz-content-sha256: the proxy streams the body through unbuffered.
  'put-streamed': { weight: 8 },
}
/**
 * Hostile viewers. `token`: whether the token is valid (else nothing of it may
 * reach the upstream); `expect`: the answers that are right (a status, or
 * 'none' where the viewer hangs up first).
 */
export const HOSTILE_KINDS = {
  'no-token': { weight: 1.5, token: false, expect: ['401 ERR_TOKEN_MISSING'] },
  'garbage-token': { weight: 1.5, token: false, expect: ['401 ERR_TOKEN_INVALID'] },
  'tampered-token': { weight: 1.5, token: false, expect: ['401 ERR_TOKEN_INVALID'] },
  'forged-token': { weight: 1, token: false, expect: ['401 ERR_TOKEN_INVALID'] },
  // A kid the JWKS does not have: the proxy may fetch the JWKS again, at most once per cool-down.
  'unknown-kid': { weight: 0.5, token: false, expect: ['401 ERR_TOKEN_INVALID'] },
  'expired-token': { weight: 1.5, token: false, expect: ['401 ERR_TOKEN_EXPIRED'] },
  'wrong-audience': { weight: 1.5, token: false, expect: ['401 ERR_TOKEN_WRONG_CLIENT'] },
  // 64 KiB of headers: Node's own 431 (its limit is 16 KiB), before the proxy sees anything.
  'oversized-headers': { weight: 1, token: false, expect: ['431', 'closed'] },
  // Headers dripped over ~1 s, then completed with a bad token.
  'slow-headers': { weight: 0.3, token: false, expect: ['401 ERR_TOKEN_INVALID'] },
  // Headers dripped for ~1 s, then the viewer hangs up.
  'slow-headers-abandoned': { weight: 0.2, token: false, expect: ['none'] },
  // A GET or POST with a bad token and a declared body dripped at 10 B / 200 ms:
  // answered 401 at once, and the body it will not use must not hold the connection.
  'slow-body-bad-token': { weight: 0.3, token: false, expect: ['401 ERR_TOKEN_INVALID'] },
  // A valid token and a body dripped slower than bodyTimeoutMs: 408, connection closed.
  'slow-body': { weight: 0.3, token: true, expect: ['408 ERR_BODY_TIMEOUT'] },
  // A valid token, half of a declared body, then the viewer hangs up: nothing reaches the upstream.
  'aborted-upload': { weight: 1, token: true, expect: ['none', '499 ERR_CLIENT_CLOSED'] },
}
/**
 * Faults at the upstream, asked for by the viewer in x-soak-fault (forwarded
 * and signed by the proxy) and applied to the first `times` attempts of that
 * request. `mayFail`: whether the viewer may then get an error answer (or, for
 * 'cut', a body that breaks off).
 */
export const UPSTREAM_FAULTS = {
  500: { maxTimes: 3, mayFail: true },
  503: { maxTimes: 3, mayFail: true },
  // The whole request read, then a TCP reset and no answer.
  reset: { maxTimes: 3, mayFail: true },
  // Answer headers after 500 ms.
  'slow-head': { maxTimes: 1, mayFail: false },
  // The answer dripped in 10 pieces over ~1 s.
  'slow-body': { maxTimes: 1, mayFail: false },
  // The head and half the answer, then a reset: the viewer's body must break off, never end short.
  cut: { maxTimes: 1, mayFail: true },
}

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

/** The tokens viewers send, from the stack's user pool. Valid ones are minted again every 15 minutes (they last an hour). */
async function tokenSource(stack) {
  const mint = async () => ({ at: Date.now(), valid: (await signIn(stack)).idToken, otherClient: (await signIn(stack, { clientId: OTHER_CLIENT })).idToken })
  let current = await mint()
  let pending
  stack.setClockOffset(-2 * 3600) // issued two hours ago, valid for one
  const expired = (await signIn(stack)).idToken
  stack.setClockOffset(0)
  const [header, payload, signature] = current.valid.split('.')
  const claims = JSON.parse(Buffer.from(payload, 'base64url'))
  const kid = JSON.parse(Buffer.from(header, 'base64url')).kid
  const tampered = `${header}.${Buffer.from(JSON.stringify({ ...claims, sub: 'someone-else' })).toString('base64url')}.${signature}`
  const forged = signJwt(claims, { ...createSigningKey(), kid })
  const unknownKid = signJwt(claims, createSigningKey())
  const refresh = async () => {
    if (Date.now() - current.at > 15 * 60_000) {
      pending ??= mint().then((fresh) => { current = fresh }).finally(() => { pending = undefined })
      await pending
    }
  }
  return {
    async valid() {
      await refresh()
      return current.valid
    },
    async forKind(kind) {
      await refresh()
      switch (kind) {
        case 'garbage-token': return 'not.a.jwt'
        case 'tampered-token': return tampered
        case 'forged-token': return forged
        case 'unknown-kid': return unknownKid
        case 'expired-token': return expired
        case 'wrong-audience': return current.otherClient
        case 'slow-body': case 'aborted-upload': return current.valid
        default: return 'eyJhbGciOiJSUzI1NiJ9.e30.c2ln' // a JWT's shape, no valid signature
      }
    },
  }
}

/** One request, from the seeded stream: kind, tag, body size, answer size, fault. */
function planRequest(index, random, faultRate, kinds) {
  const id = `p${index}-${Math.floor(random() * 2 ** 32).toString(36)}`
  const kind = pickWeighted(kinds, random)
  const valid = kind.name in VALID_KINDS
  // Bodies: mostly small, a quarter up to 64 KiB, one in twenty up to 1 MiB.
  const roll = random()
  const size = roll < 0.05 ? 64 * 1024 + Math.floor(random() * (MAX_BODY - 64 * 1024 + 1))
    : roll < 0.3 ? 4096 + Math.floor(random() * 60 * 1024) : Math.floor(random() * 4096)
  const answer = kind.name === 'get' ? Math.floor(random() * (random() < 0.1 ? 256 * 1024 : 4096)) : Math.floor(random() * 256)
  let fault
  if (valid && random() < faultRate) {
    const names = Object.keys(UPSTREAM_FAULTS)
    const name = names[Math.floor(random() * names.length)]
    fault = { name, times: 1 + Math.floor(random() * UPSTREAM_FAULTS[name].maxTimes) }
  }
  return { index, id, kind: kind.name, valid, size, answer, fault, method: random() < 0.5 ? 'GET' : 'POST', seed: Math.floor(random() * 2 ** 32) }
}

const bodyOf = (plan) => seededBytes(plan.seed)(plan.size)
const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex')

/**
 * A valid viewer's request through fetch (kept-alive connections, as a browser's).
 * @returns {{ outcome: string, verdict: 'ok' | 'error-answer' | 'cut' | 'lost' | 'misrouted', reason?: string }}
 */
async function sendValid(proxyUrl, plan, token, requestTimeoutMs) {
  const method = plan.kind === 'get' ? 'GET' : plan.kind === 'post' ? 'POST' : 'PUT'
  const body = method === 'GET' ? undefined : bodyOf(plan)
  const hash = sha256(body ?? Buffer.alloc(0))
  const headers = { authorization: `Bearer ${token}`, [ID_HEADER]: plan.id, accept: 'application/json' }
  if (plan.fault) headers[FAULT_HEADER] = `${plan.fault.name}:${plan.fault.times}`
  if (body) headers['content-type'] = 'application/octet-stream'
  if (plan.kind === 'put-streamed') headers['x-amz-content-sha256'] = hash
  const signal = AbortSignal.timeout(requestTimeoutMs)
  let response
  try {
    response = await fetch(`${proxyUrl}/soak/${plan.id}?id=${plan.id}&answer=${plan.answer}`, { method, headers, body, signal })
  } catch (error) {
    // The socket's byte counts tell a reused connection closed under the request (nothing read) from an answer cut short.
    const socket = error?.cause?.socket
    const bytes = socket ? ` (${error.cause.message}; connection had written ${socket.bytesWritten}, read ${socket.bytesRead} bytes)` : ''
    return { verdict: 'lost', outcome: signal.aborted ? 'hung: no answer' : `no answer: ${error?.cause?.code ?? error?.message}`, reason: bytes || undefined }
  }
  let text
  try {
    text = await response.text()
  } catch (error) {
    if (signal.aborted) return { verdict: 'lost', outcome: `hung reading a ${response.status} body` }
    return { verdict: 'cut', outcome: `${response.status} body cut: ${error?.cause?.code ?? error?.message}` }
  }
  const proxyError = response.headers.get('x-iamfetch-proxy-error')
  if (proxyError) return { verdict: 'error-answer', outcome: `${response.status} ${proxyError}` }
  let echo
  try {
    echo = JSON.parse(text)
  } catch {
    // @hono/node-server answers 500 "Error: <message>" (text/plain) when the answer's stream fails before it wrote the head.
    if (response.status !== 200) return { verdict: 'error-answer', outcome: `${response.status} from the Node adapter: ${JSON.stringify(text.slice(0, 40))}` }
    // A truncated echo, read as if whole.
    return { verdict: 'lost', outcome: `${response.status} corrupt: not the whole echo (${text.length} bytes)` }
  }
  if (echo.id !== plan.id || echo.queryId !== plan.id) return { verdict: 'misrouted', outcome: `${response.status} another request's echo`, reason: `${plan.id} got ${echo.id}` }
  if (response.status !== 200) return { verdict: 'error-answer', outcome: `${response.status} from the upstream (${echo.fault})` }
  if (echo.method !== method || echo.bytes !== (body?.length ?? 0) || echo.sha256 !== hash) {
    return { verdict: 'lost', outcome: '200 corrupt: the body arrived changed' }
  }
  if (echo.pad.length !== plan.answer) return { verdict: 'lost', outcome: '200 corrupt: the answer arrived changed' }
  return { verdict: 'ok', outcome: '200 ok' }
}

/** A hostile viewer's request. @returns {{ outcome: string, verdict: 'expected' | 'unexpected', held?: boolean }} */
async function sendHostile(proxy, plan, tokens) {
  const spec = HOSTILE_KINDS[plan.kind]
  const token = await tokens.forKind(plan.kind)
  const auth = plan.kind === 'no-token' ? '' : `authorization: Bearer ${token}\r\n`
  const path = `/soak/${plan.id}?id=${plan.id}&answer=0`
  const tag = `${ID_HEADER}: ${plan.id}\r\n`
  let result
  switch (plan.kind) {
    case 'oversized-headers':
      result = await exchange(proxy.port, `GET ${path} HTTP/1.1\r\nhost: proxy.soak\r\n${auth}${tag}x-big: ${'a'.repeat(64 * 1024)}\r\n\r\n`, { waitMs: 5000 })
      break
    case 'slow-headers':
    case 'slow-headers-abandoned': {
      const rest = `${auth}${tag}accept: application/json\r\nx-pad: ${'b'.repeat(60)}\r\n\r\n`
      const pieces = rest.match(/[^]{1,12}/g)
      const abandoned = plan.kind === 'slow-headers-abandoned'
      result = await exchange(proxy.port, `GET ${path} HTTP/1.1\r\nhost: proxy.soak\r\n`, {
        parts: abandoned ? pieces.slice(0, -2) : pieces, everyMs: Math.ceil(1000 / pieces.length), hangUp: abandoned, waitMs: 5000,
      })
      break
    }
    case 'slow-body-bad-token':
    case 'slow-body': {
      const method = plan.kind === 'slow-body' ? 'POST' : plan.method
      // 10 bytes every 200 ms of a declared 100,000: the body would take 2,000 s.
      const parts = Array.from({ length: Math.ceil((BODY_TIMEOUT_MS + HOLD_GRACE_MS + 1000) / 200) }, () => 'c'.repeat(10))
      result = await exchange(proxy.port, `${method} ${path} HTTP/1.1\r\nhost: proxy.soak\r\n${auth}${tag}content-length: 100000\r\n\r\n`, {
        parts, everyMs: 200, waitMs: BODY_TIMEOUT_MS + HOLD_GRACE_MS + 1000,
      })
      // Open after the answer and past bodyTimeoutMs + grace: the body it did not want held the connection.
      result.held = result.closedAfterMs === undefined || result.closedAfterMs > BODY_TIMEOUT_MS + HOLD_GRACE_MS
      break
    }
    case 'aborted-upload': {
      const half = Buffer.from(bodyOf({ ...plan, size: 100_000 })).toString('latin1')
      result = await exchange(proxy.port, `POST ${path} HTTP/1.1\r\nhost: proxy.soak\r\n${auth}${tag}content-type: application/octet-stream\r\ncontent-length: 200000\r\n\r\n`, {
        parts: [half], everyMs: 20, hangUp: true, hangUpAfterMs: 50 + (plan.seed % 200), waitMs: 3000,
      })
      break
    }
    default: {
      // Token refusals: an ordinary client (fetch), GET or POST with a small body.
      const headers = { [ID_HEADER]: plan.id }
      if (plan.kind !== 'no-token') headers.authorization = `Bearer ${token}`
      const body = plan.method === 'POST' ? bodyOf({ ...plan, size: Math.min(plan.size, 8192) }) : undefined
      try {
        const response = await fetch(`${proxy.url}${path}`, { method: plan.method, headers, body, signal: AbortSignal.timeout(30_000) })
        await response.arrayBuffer().catch(() => {})
        const code = response.headers.get('x-iamfetch-proxy-error')
        result = { answer: code ? `${response.status} ${code}` : String(response.status) }
      } catch (error) {
        result = { answer: `no answer: ${error?.cause?.code ?? error?.message}` }
      }
    }
  }
  const ok = spec.expect.includes(result.answer)
  const outcome = result.held ? `${result.answer}, connection HELD` : result.answer
  return { verdict: ok && !result.held ? 'expected' : 'unexpected', outcome, held: result.held }
}

/**
 * One exchange over a plain socket: `head` at once, then each of `parts`
 * every `everyMs` while the socket is open; if `hangUp`, a hang-up
 * `hangUpAfterMs` after the last part. Resolves once the server has closed the
 * socket, or after `waitMs` (the viewer then hangs up). `answer` is
 * "<status> <x-iamfetch-proxy-error>", the status alone, 'closed' (closed
 * without an answer) or 'none' (nothing before the viewer hung up).
 */
function exchange(port, head, { parts = [], everyMs = 0, hangUp = false, hangUpAfterMs = 200, waitMs = 5000 }) {
  return new Promise((resolve) => {
    const started = Date.now()
    const socket = connect(port, '127.0.0.1')
    let text = ''
    let closedAfterMs
    let hungUp = false
    let settled = false
    const finish = () => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      socket.destroy()
      const headText = text.split('\r\n\r\n')[0]
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(headText)?.[1]
      const code = /\r\nx-iamfetch-proxy-error: ([^\r]+)/i.exec(headText)?.[1]
      const answer = status ? (code ? `${status} ${code}` : status) : hungUp || closedAfterMs === undefined ? 'none' : 'closed'
      resolve({ answer, closedAfterMs })
    }
    const timer = setTimeout(finish, waitMs)
    socket.setEncoding('latin1')
    socket.on('data', (data) => {
      if (text.length < 64 * 1024) text += data
    })
    socket.on('error', () => {})
    socket.on('close', () => {
      closedAfterMs ??= Date.now() - started
      finish()
    })
    socket.write(head)
    ;(async () => {
      for (const part of parts) {
        if (everyMs) await new Promise((r) => setTimeout(r, everyMs))
        if (socket.destroyed || settled) return
        socket.write(part)
      }
      if (!hangUp) return
      await new Promise((r) => setTimeout(r, hangUpAfterMs))
      if (settled) return
      hungUp = true
      finish()
    })()
  })
}

/**
 * The upstream: verifies each request's signature independently, notes what
 * reached it, applies the fault asked for, and echoes the tag.
 */
async function startUpstream() {
  const store = new CredentialsStore('000000000000', [{ name: 'soak-proxy', userId: 'AIDASOAKPROXY', accessKeyId: SIGNING.accessKeyId, secretAccessKey: SIGNING.secretAccessKey }])
  const hostile = new Map() // id -> kind, for hostile requests
  const valid = new Set() // tags of valid requests, sent or being sent
  const attempts = new Map() // id -> attempts seen, for valid requests in flight
  const counts = { received: 0, verified: 0, badSignature: 0, incompleteBody: 0, faults: {} }
  const reached = {} // hostile kind -> requests of it the upstream saw
  const unknown = [] // tags that are no request's
  const badSignatures = []
  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy())
  })
  async function handle(req, res) {
    counts.received++
    const headers = receivedHeaders(req)
    const id = headers[ID_HEADER]
    if (hostile.has(id)) {
      const kind = hostile.get(id)
      reached[kind] = (reached[kind] ?? 0) + 1
    } else if (!valid.has(id) && unknown.length < 20) {
      unknown.push(String(id))
    }
    const attempt = (attempts.get(id) ?? 0) + 1
    if (valid.has(id)) attempts.set(id, attempt)
    let body
    try {
      body = await readBody(req, 2 * MAX_BODY)
    } catch {
      counts.incompleteBody++
      res.destroy()
      return
    }
    const { rawPath, rawQuery } = splitTarget(req.url)
    const query = parseQuery(rawQuery)
    try {
      await verifySigV4({ method: req.method, rawPath, query, headers, body, now: () => Date.now() }, { service: SIGNING.service, region: SIGNING.region, store })
      counts.verified++
    } catch (error) {
      counts.badSignature++
      if (badSignatures.length < 10) badSignatures.push(`${id}: ${error.message}`)
      res.writeHead(403, { 'content-type': 'application/json' }).end(JSON.stringify({ id, queryId: query.id, fault: 'bad signature' }))
      return
    }
    const [faultName, times] = (headers[FAULT_HEADER] ?? '').split(':')
    const fault = faultName && attempt <= Number(times) ? faultName : undefined
    if (fault) counts.faults[fault] = (counts.faults[fault] ?? 0) + 1
    if (fault === '500' || fault === '503') {
      res.writeHead(Number(fault), { 'content-type': 'application/json', 'x-amzn-errortype': 'ServiceException' })
      res.end(JSON.stringify({ id, queryId: query.id, fault }))
      return
    }
    if (fault === 'reset') {
      res.socket.resetAndDestroy()
      return
    }
    if (fault === 'slow-head') await new Promise((r) => setTimeout(r, 500))
    const echo = Buffer.from(JSON.stringify({
      pad: 'x'.repeat(Math.min(Number(query.answer) || 0, 256 * 1024)), method: req.method, bytes: body.length, sha256: sha256(body), attempt, id, queryId: query.id,
    }))
    if (res.destroyed) return
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': echo.length })
    if (fault === 'cut') {
      res.write(echo.subarray(0, echo.length >> 1), () => res.socket?.resetAndDestroy())
      return
    }
    if (fault === 'slow-body') {
      const step = Math.ceil(echo.length / 10)
      for (let at = 0; at < echo.length; at += step) {
        if (res.destroyed) return
        res.write(echo.subarray(at, at + step))
        await new Promise((r) => setTimeout(r, 100))
      }
      res.end()
      return
    }
    res.end(echo)
  }
  // Longer than any pause, as the proxy child's: a race on a kept-alive connection would be no fault of the proxy's.
  server.keepAliveTimeout = 120_000
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    hostile,
    valid: {
      add: (id) => valid.add(id),
      // The tag stays known (a late attempt is still a valid viewer's); its attempt count goes.
      done: (id) => attempts.delete(id),
    },
    report: () => ({ ...counts, reached, unknown, badSignatures }),
    async stop() {
      server.closeAllConnections()
      server.close()
    },
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

function count(tally, plan, record) {
  tally.sent++
  tally[plan.valid ? 'valid' : 'hostile']++
  const group = plan.valid ? `${plan.kind}${plan.fault ? ` +${plan.fault.name}` : ''}` : plan.kind
  const row = (tally.outcomes[group] ??= {})
  row[record.outcome] = (row[record.outcome] ?? 0) + 1
  let problem
  if (plan.valid) {
    if (record.verdict === 'lost') problem = 'lost'
    else if (record.verdict === 'misrouted') problem = 'misrouted'
    else if (record.verdict !== 'ok' && !(plan.fault && UPSTREAM_FAULTS[plan.fault.name].mayFail)) problem = 'failed without a fault that excuses it'
    else if (record.verdict === 'cut' && plan.fault?.name !== 'cut') problem = 'failed without a fault that excuses it'
  } else if (record.held) {
    problem = 'held'
  } else if (record.verdict === 'unexpected') {
    problem = 'hostile answered unexpectedly'
  }
  if (problem) {
    tally.problems[problem] = (tally.problems[problem] ?? 0) + 1
    if (tally.examples.length < 20) tally.examples.push({ problem, id: plan.id, kind: plan.kind, fault: plan.fault, size: plan.size, outcome: record.outcome, reason: record.reason })
  }
}

/** The problems that fail the run, with their counts. */
export const CHECKS = {
  reachedWithoutToken: 'a request without a valid token reached the upstream',
  lost: 'a valid request was lost without an error answer',
  misrouted: 'an upstream answer went to the wrong client',
  memory: 'the proxy\'s memory grew past the bound',
  failedUnexcused: 'a valid request failed without a fault that may fail it',
  badSignature: 'the upstream refused a signature',
  incompleteForwarded: 'an incomplete buffered body reached the upstream',
  held: 'a body the proxy did not use held a hostile connection past bodyTimeoutMs',
  hostileUnexpected: 'a hostile request got an unexpected answer',
  cutShort: 'the run hit its time limit',
}

function summarize({ requests, concurrency, faultRate, durationMs, cpu, cutShort, tally, samples, upstream, proxyErrors, childErrors }) {
  const memory = samples.length ? memoryVerdict(samples, requests) : { flat: false }
  const withoutToken = Object.entries(upstream.reached).filter(([kind]) => !HOSTILE_KINDS[kind].token).reduce((n, [, v]) => n + v, 0)
  const incomplete = Object.entries(upstream.reached).filter(([kind]) => HOSTILE_KINDS[kind].token).reduce((n, [, v]) => n + v, 0)
  const failed = {
    reachedWithoutToken: withoutToken + upstream.unknown.length,
    lost: tally.problems.lost ?? 0,
    misrouted: tally.problems.misrouted ?? 0,
    memory: memory.flat ? 0 : 1,
    failedUnexcused: tally.problems['failed without a fault that excuses it'] ?? 0,
    badSignature: upstream.badSignature,
    incompleteForwarded: incomplete + upstream.incompleteBody,
    held: tally.problems.held ?? 0,
    hostileUnexpected: tally.problems['hostile answered unexpectedly'] ?? 0,
    cutShort: cutShort ? 1 : 0,
  }
  const problems = Object.entries(failed).filter(([, n]) => n > 0).map(([check, n]) => `${CHECKS[check]} (${check === 'memory' ? 'see the samples' : n})`)
  return {
    requests, concurrency, faultRate, durationMs, requestsPerSecond: tally.sent / (durationMs / 1000), cpu,
    sent: tally.sent, valid: tally.valid, hostile: tally.hostile, outcomes: tally.outcomes, examples: tally.examples,
    samples, memory, upstream, proxyErrors, childErrors, failed, problems, passed: problems.length === 0,
  }
}

/** The report as plain-text tables. */
export function formatProxyReport(report) {
  const lines = []
  lines.push(`proxy soak: ${report.sent} of ${report.requests} requests (${report.valid} valid, ${report.hostile} hostile), concurrency ${report.concurrency}, ` +
    `upstream fault rate ${report.faultRate}, ${(report.durationMs / 1000).toFixed(1)} s, ${Math.round(report.requestsPerSecond)} requests/s; ` +
    `CPU: proxy ${(report.cpu.proxyMs / 1000).toFixed(1)} s, viewers + upstream + stack ${(report.cpu.driverMs / 1000).toFixed(1)} s`)
  lines.push('', 'what became of each request (kind [+upstream fault]: answer):')
  for (const [group, row] of Object.entries(report.outcomes).sort(([a], [b]) => a.localeCompare(b))) {
    const total = Object.values(row).reduce((a, b) => a + b, 0)
    lines.push(`  ${group.padEnd(26)} ${String(total).padStart(6)}   ${Object.entries(row).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} × ${n}`).join(', ')}`)
  }
  const u = report.upstream
  lines.push('', `upstream: ${u.received} received, ${u.verified} signatures verified, ${u.badSignature} refused, ${u.incompleteBody} incomplete bodies; ` +
    `faults applied: ${Object.entries(u.faults).map(([k, n]) => `${k} × ${n}`).join(', ') || 'none'}`)
  lines.push(`  hostile requests that reached it: ${JSON.stringify(u.reached)}; untagged or unknown: ${u.unknown.length}`)
  if (u.badSignatures.length) lines.push(...u.badSignatures.map((s) => `  refused: ${s}`))
  lines.push('', `proxy onError: ${Object.entries(report.proxyErrors.counts).map(([k, n]) => `${k} × ${n}`).join(', ') || 'none'}`)
  lines.push('', 'requests   elapsed   rss MiB  heapUsed MiB  external MiB  connections  sockets   (the proxy process, after a full GC, nothing in flight)')
  for (const s of report.samples) {
    lines.push(`${String(s.requests).padStart(8)}  ${(s.elapsedMs / 1000).toFixed(1).padStart(7)} s  ${mib(s.rss).padStart(8)}  ${mib(s.heapUsed).padStart(12)}  ${mib(s.external).padStart(12)}  ${String(s.connections).padStart(11)}  ${String(s.resources.TCPSocketWrap ?? 0).padStart(7)}`)
  }
  const m = report.memory
  if (m.baseline !== undefined) lines.push(`memory bound from ${m.baseline} requests on: heapUsed <= ${mib(m.heapLimit)} MiB, rss <= ${mib(m.rssLimit)} MiB: ${m.flat ? 'flat' : 'GREW'}`)
  lines.push('', 'checks:')
  for (const [check, text] of Object.entries(CHECKS)) lines.push(`  ${report.failed[check] ? 'FAIL' : 'ok  '}  ${text}${report.failed[check] ? ` (${report.failed[check]})` : ''}`)
  if (report.examples.length) lines.push('', 'first problems:', ...report.examples.map((e) => `  ${JSON.stringify(e)}`))
  if (report.childErrors.length) lines.push('', 'proxy stderr:', ...report.childErrors)
  lines.push('', report.passed ? 'PASS' : `FAIL: ${report.problems.join('; ')}`)
  return lines.join('\n')
}
