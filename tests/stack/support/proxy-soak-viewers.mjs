// The proxy soak's viewers (proxy-soak.mjs): valid ones through fetch, as a
// browser would call the proxy, and hostile ones, most over a plain socket, and
// the verdict on each answer.
import { createSigningKey, signJwt } from '../../../stack/src/jwt.mjs'
import { rawExchange } from '../../js/support/raw-exchange.mjs'
import { signIn } from '../../js/support/user-pool.mjs'
import { BODY_TIMEOUT_MS, FAULT_HEADER, HOLD_GRACE_MS, HOSTILE_KINDS, ID_HEADER, OTHER_CLIENT, bodyOf, sha256 } from './proxy-soak-plan.mjs'

/** The tokens viewers send, from the stack's user pool. Valid ones are minted again every 15 minutes (they last an hour). */
export async function tokenSource(stack) {
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

/**
 * A valid viewer's request through fetch (kept-alive connections, as a browser's).
 * @returns {{ outcome: string, verdict: 'ok' | 'error-answer' | 'cut' | 'lost' | 'misrouted', reason?: string }}
 */
export async function sendValid(proxyUrl, plan, token, requestTimeoutMs) {
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
export async function sendHostile(proxy, plan, tokens) {
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
 * A plain-socket exchange (rawExchange), told as an answer: "<status>
 * <x-iamfetch-proxy-error>", the status alone, 'closed' (closed without an
 * answer) or 'none' (nothing before the viewer hung up).
 */
async function exchange(port, head, options) {
  const result = await rawExchange(port, head, options)
  const code = /\r\nx-iamfetch-proxy-error: ([^\r]+)/i.exec(result.headText)?.[1]
  const answer = result.status ? (code ? `${result.status} ${code}` : String(result.status)) : result.hungUp || result.closedAfterMs === undefined ? 'none' : 'closed'
  return { answer, closedAfterMs: result.closedAfterMs }
}
