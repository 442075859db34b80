// createSigningProxy in Node behind @hono/node-server (as examples/node runs
// it), driven over real sockets: its own 413, 400 and 405 answers reach a
// viewer that is still sending a body, a viewer hanging up mid-body is logged
// as 499, and a dripped body gets 408 once bodyTimeoutMs has passed, and its
// connection is closed. Also AwsClient's timeoutMs and redirect, which the proxy passes on.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { createServer, request as httpRequest } from 'node:http'
import { once } from 'node:events'
import { serve } from '@hono/node-server'
import { rawExchange } from './support/raw-exchange.mjs'
import { rejection } from './support/rejection.mjs'

const { createSigningProxy } = await import(new URL('../../js/dist/proxy/index.node.js', import.meta.url).href)
const { AwsClient, IamFetchError } = await import(new URL('../../js/dist/index.node.js', import.meta.url).href)

const SECRET = 'local-only/proxy-node-secret-5c1d'
const signing = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: SECRET, service: 'lambda', region: 'us-east-1' }
const HASH = 'a'.repeat(64)

let upstream
/** What the upstream received: one entry per request, once its body has ended or failed. */
const received = []

before(async () => {
  // A stand-in upstream: /slow answers after 2 s, /redirect redirects, anything else echoes.
  upstream = createServer(async (req, res) => {
    if (req.url.startsWith('/slow')) {
      setTimeout(() => res.end('late'), 2000).unref()
      return
    }
    if (req.url.startsWith('/redirect')) {
      res.writeHead(302, { location: '/landed' }).end()
      return
    }
    let bytes = 0
    try {
      for await (const chunk of req) bytes += chunk.length
    } catch {
      received.push({ url: req.url, bytes, complete: false })
      return
    }
    received.push({ url: req.url, bytes, complete: true })
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ url: req.url, method: req.method, bytes }))
  })
  upstream.listen(0, '127.0.0.1')
  await once(upstream, 'listening')
})
after(() => upstream.close())

const upstreamUrl = () => `http://127.0.0.1:${upstream.address().port}`

/** The proxy for the stand-in upstream, served by @hono/node-server on a free port; `logged` collects onError. */
async function servedProxy(t, options = {}) {
  const logged = []
  const proxy = createSigningProxy({
    upstream: upstreamUrl(),
    credentials: { accessKeyId: signing.accessKeyId, secretAccessKey: signing.secretAccessKey },
    service: signing.service,
    region: signing.region,
    verify: false,
    retries: 0,
    onError: (error, info) => logged.push({ status: info.status, code: info.code, message: String(error?.message ?? error) }),
    ...options,
  })
  const server = serve({ fetch: proxy, port: 0, hostname: '127.0.0.1', overrideGlobalObjects: false })
  await once(server, 'listening')
  t.after(() => {
    server.closeAllConnections()
    server.close()
  })
  const { port } = server.address()
  return { port, url: `http://127.0.0.1:${port}`, logged }
}

const until = async (condition, ms = 5000) => {
  for (const end = Date.now() + ms; !condition() && Date.now() < end; ) await new Promise((r) => setTimeout(r, 20))
}

test('the proxy\'s 413 and 400 answers to requests with a body reach the client, with their JSON', async (t) => {
  const { url, port } = await servedProxy(t, { maxBodyBytes: 64 * 1024 })
  const before = received.length
  const big = new Uint8Array(1024 * 1024).fill(97)

  const tooLarge = await fetch(`${url}/u`, { method: 'POST', body: big })
  assert.equal(tooLarge.status, 413)
  assert.equal((await tooLarge.json()).code, 'ERR_BODY_TOO_LARGE')

  let sent = 0
  const chunked = await fetch(`${url}/u`, {
    method: 'POST',
    body: new ReadableStream({
      pull(controller) {
        if (sent >= big.length) return controller.close()
        controller.enqueue(big.slice(sent, sent + 16 * 1024))
        sent += 16 * 1024
      },
    }),
    duplex: 'half',
  })
  assert.equal(chunked.status, 413, 'a chunked body without content-length, refused once past the limit')
  assert.equal((await chunked.json()).code, 'ERR_BODY_TOO_LARGE')

  const badHash = await fetch(`${url}/u`, { method: 'PUT', headers: { 'x-amz-content-sha256': 'not-a-hash' }, body: big })
  assert.equal(badHash.status, 400)
  assert.equal((await badHash.json()).code, 'ERR_INVALID_PAYLOAD_HASH')

  // A viewer still sending: 4 KiB of a declared 10 MiB, then waiting for the answer.
  const early = await rawExchange(port, `POST /u HTTP/1.1\r\nhost: proxy.test\r\ncontent-length: ${10 * 1024 * 1024}\r\n\r\n${'a'.repeat(4096)}`, { waitMs: 3000 })
  assert.equal(early.status, 413, early.headText)
  assert.equal(early.json?.code, 'ERR_BODY_TOO_LARGE')
  assert.equal(received.length, before, 'nothing refused reached the upstream')
})

test('TRACE is answered 405 on the wire', async (t) => {
  const { port } = await servedProxy(t)
  const traced = await rawExchange(port, 'TRACE /x HTTP/1.1\r\nhost: proxy.test\r\n\r\n', { waitMs: 3000 })
  assert.equal(traced.status, 405, traced.headText)
  assert.equal(traced.json?.code, 'ERR_METHOD_NOT_ALLOWED')
  assert.match(traced.headText, /\r\nallow: GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS/i)

  // And through node:http's own client, which (unlike fetch) sends TRACE.
  const status = await new Promise((resolve, reject) => {
    httpRequest({ host: '127.0.0.1', port, method: 'TRACE', path: '/y' }, (res) => {
      res.resume()
      resolve(res.statusCode)
    }).on('error', reject).end()
  })
  assert.equal(status, 405)
})

test('a viewer hanging up mid-body is logged as 499 ERR_CLIENT_CLOSED, buffered or streamed', async (t) => {
  const { port, logged } = await servedProxy(t)
  await rawExchange(port, `POST /buffered HTTP/1.1\r\nhost: proxy.test\r\ncontent-length: 100000\r\n\r\n${'a'.repeat(1000)}`, { hangUp: true, waitMs: 1000 })
  await until(() => logged.length >= 1)
  await rawExchange(port, `PUT /streamed HTTP/1.1\r\nhost: proxy.test\r\ncontent-length: 100000\r\nx-amz-content-sha256: ${HASH}\r\n\r\n`, {
    parts: ['a'.repeat(1000), 'b'.repeat(1000)],
    everyMs: 100,
    hangUp: true,
    waitMs: 1000,
  })
  await until(() => logged.length >= 2)
  assert.deepEqual(logged.map(({ status, code }) => ({ status, code })), [
    { status: 499, code: 'ERR_CLIENT_CLOSED' },
    { status: 499, code: 'ERR_CLIENT_CLOSED' },
  ])
  assert.ok(!JSON.stringify(logged).includes(SECRET))
})

test('a body dripped slower than bodyTimeoutMs gets 408, and the adapter closes the connection', async (t) => {
  const BODY_TIMEOUT_MS = 1000
  const { port, logged } = await servedProxy(t, { bodyTimeoutMs: BODY_TIMEOUT_MS })
  const drip = { parts: Array.from({ length: 60 }, () => 'a'), everyMs: 100, waitMs: 6000 }
  for (const [label, extra] of [['buffered', ''], ['streamed', `x-amz-content-sha256: ${HASH}\r\n`]]) {
    const dripped = await rawExchange(port, `POST /drip HTTP/1.1\r\nhost: proxy.test\r\ncontent-length: 1000\r\n${extra}\r\n`, drip)
    assert.equal(dripped.status, 408, `${label}: ${dripped.headText}`)
    assert.equal(dripped.json?.code, 'ERR_BODY_TIMEOUT', label)
    assert.ok(dripped.answeredAfterMs >= BODY_TIMEOUT_MS - 50 && dripped.answeredAfterMs < BODY_TIMEOUT_MS + 1000, `${label}: answered after ${dripped.answeredAfterMs} ms`)
    // @hono/node-server drains an unread body for up to 500 ms after the answer, then closes.
    assert.ok(dripped.closedAfterMs !== undefined && dripped.closedAfterMs < BODY_TIMEOUT_MS + 1500, `${label}: connection closed after ${dripped.closedAfterMs} ms`)
    t.diagnostic(`${label}: 408 after ${dripped.answeredAfterMs} ms, connection closed after ${dripped.closedAfterMs} ms`)
  }
  assert.deepEqual(logged.map(({ status, code }) => `${status} ${code}`), ['408 ERR_BODY_TIMEOUT', '408 ERR_BODY_TIMEOUT'])

  // A body that arrives in time is not cut: the deadline ends with the body, not with the answer.
  const { url } = await servedProxy(t, { bodyTimeoutMs: 300 })
  const ok = await fetch(`${url}/ok`, { method: 'POST', body: 'x'.repeat(1000) })
  assert.equal(ok.status, 200)
  assert.equal((await ok.json()).bytes, 1000)

  // Nor does it count the upstream's time: a body read at once, an upstream answering after 2 s.
  const slow = await fetch(`${url}/slow`, { method: 'POST', body: 'x' })
  assert.equal(slow.status, 200, 'the body arrived in time; the upstream is what took long')
  assert.equal(await slow.text(), 'late')
})

test('bodyTimeoutMs and timeoutMs are validated like the proxy\'s other options', () => {
  const base = { upstream: 'https://abc123.lambda-url.us-east-1.on.aws', credentials: signing, verify: false }
  for (const name of ['bodyTimeoutMs', 'timeoutMs']) {
    for (const bad of [-1, Number.NaN, Infinity, '1000', null]) {
      assert.throws(() => createSigningProxy({ ...base, [name]: bad }), (error) => error instanceof IamFetchError && error.code === 'ERR_INVALID_OPTIONS' && error.message.includes(name), `${name}: ${bad}`)
    }
    createSigningProxy({ ...base, [name]: 0 })
    createSigningProxy({ ...base, [name]: 2500 })
  }
})

test('AwsClient: timeoutMs rejects with ERR_REQUEST_TIMEOUT, redirect sets the mode; the proxy passes both on', async (t) => {
  const client = (options) => new AwsClient({ ...signing, retries: 0, ...options })
  const started = Date.now()
  const late = await rejection(client({ timeoutMs: 200 }).fetch(`${upstreamUrl()}/slow`))
  assert.ok(late instanceof IamFetchError, String(late))
  assert.equal(late.code, 'ERR_REQUEST_TIMEOUT')
  assert.ok(Date.now() - started < 1500, 'the call ended at its deadline')
  assert.ok(!JSON.stringify(late).includes(SECRET) && !late.message.includes(SECRET))

  // The caller's own signal still ends the call, with its own reason.
  const aborted = await rejection(client({ timeoutMs: 5000 }).fetch(`${upstreamUrl()}/slow`, { signal: AbortSignal.timeout(100) }))
  assert.equal(aborted.name, 'TimeoutError')

  assert.equal((await client({}).fetch(`${upstreamUrl()}/redirect`)).status, 200, "default: 'follow'")
  const manual = await client({ redirect: 'manual' }).fetch(`${upstreamUrl()}/redirect`)
  assert.equal(manual.status, 302)
  assert.equal((await client({ redirect: 'manual' }).fetch(`${upstreamUrl()}/redirect`, { redirect: 'follow' })).status, 200, 'a call\'s own redirect wins')
  await rejection(client({ redirect: 'error' }).fetch(`${upstreamUrl()}/redirect`))
  for (const options of [{ redirect: 'bogus' }, { timeoutMs: -1 }, { timeoutMs: '5' }]) {
    assert.throws(() => client(options), (error) => error instanceof IamFetchError && error.code === 'ERR_INVALID_OPTIONS', JSON.stringify(options))
  }

  const { url, logged } = await servedProxy(t, { timeoutMs: 200 })
  const redirected = await fetch(`${url}/redirect`, { redirect: 'manual' })
  assert.equal(redirected.status, 302, 'the upstream\'s redirect goes back to the viewer, not followed')
  assert.equal(redirected.headers.get('location'), '/landed')
  const slow = await fetch(`${url}/slow`)
  assert.equal(slow.status, 504)
  assert.equal((await slow.json()).code, 'ERR_UPSTREAM_TIMEOUT')
  assert.deepEqual(logged.map(({ status, code }) => `${status} ${code}`), ['504 ERR_UPSTREAM_TIMEOUT'])
})
