// The proxy's connections under hostile viewers, through the Node adapter
// (@hono/node-server, as examples/node serves it), over raw sockets: a body
// the proxy will not read (an unauthenticated GET's, a 408'd one) does not keep
// its connection, and the answer says so (Connection: close); a streamed body
// whose deadline passes after the upstream has answered aborts the answer and
// tells onError; the viewer's signal keeps no listener once a request is done,
// with or without AbortSignal.any.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { Agent, createServer, request as httpRequest } from 'node:http'
import { once, getEventListeners } from 'node:events'
import { execFileSync } from 'node:child_process'
import { serve } from '@hono/node-server'
import { rawExchange } from './support/raw-exchange.mjs'

const proxyEntry = new URL('../../js/dist/proxy/index.node.js', import.meta.url).href
const { createSigningProxy } = await import(proxyEntry)
const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'local-only/proxy-connections-secret-9e2a' }

let upstream
before(async () => {
  // /early answers at once, then reads the body; anything else reads the body, then answers.
  upstream = createServer(async (req, res) => {
    // An upstream that cuts its answer off: right after the head, or after its first chunk.
    if (req.url.startsWith('/cut-')) {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '1000' })
      if (req.url === '/cut-after-first') res.write('first chunk\n')
      res.flushHeaders()
      setTimeout(() => res.socket.destroy(), 5)
      return
    }
    if (req.url.startsWith('/early')) {
      res.writeHead(200, { 'content-type': 'text/plain' })
      res.write('started\n')
      try {
        for await (const chunk of req) res.write(`got ${chunk.length}\n`)
      } catch { /* cut off */ }
      res.end('done\n')
      return
    }
    let bytes = 0
    for await (const chunk of req) bytes += chunk.length
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ bytes }))
  })
  upstream.listen(0, '127.0.0.1')
  await once(upstream, 'listening')
})
after(() => upstream.close())

async function servedProxy(t, options = {}) {
  const logged = []
  const proxy = createSigningProxy({
    upstream: `http://127.0.0.1:${upstream.address().port}`,
    credentials,
    service: 'lambda',
    region: 'us-east-1',
    verify: async () => ({ sub: 'viewer' }),
    retries: 0,
    onError: (error, info) => logged.push(`${info.status} ${info.code}`),
    ...options,
  })
  const server = serve({ fetch: proxy, port: 0, hostname: '127.0.0.1', overrideGlobalObjects: false })
  await once(server, 'listening')
  t.after(() => {
    server.closeAllConnections()
    server.close()
  })
  return { port: server.address().port, logged }
}

/** Sends `head`, then drips `drip` one byte every `everyMs` while the socket is open. */
const dripped = (port, head, { drip = '', everyMs = 1000, waitMs = 8000 } = {}) => rawExchange(port, head, { parts: [...drip], everyMs, waitMs })

test('an unauthenticated GET with a dripped 1 MB body gets 401 and its connection is closed within bodyTimeoutMs', async (t) => {
  const BODY_TIMEOUT_MS = 2000
  const { port } = await servedProxy(t, { bodyTimeoutMs: BODY_TIMEOUT_MS })
  for (const method of ['GET', 'HEAD']) {
    const result = await dripped(port, `${method} /x HTTP/1.1\r\nhost: p\r\ncontent-length: 1000000\r\n\r\n`, { drip: 'a'.repeat(60), everyMs: 1000, waitMs: BODY_TIMEOUT_MS + 4000 })
    assert.equal(result.status, 401, `${method}: ${result.headText}`)
    assert.match(result.headText, /\r\nconnection: close\r\n/i, `${method}: the answer says the connection ends`)
    assert.ok(result.closedAfterMs !== undefined && result.closedAfterMs < BODY_TIMEOUT_MS, `${method}: connection closed after ${result.closedAfterMs} ms`)
    t.diagnostic(`${method}: 401 after ${result.answeredAfterMs} ms, closed after ${result.closedAfterMs} ms`)
  }
})

test('an authenticated GET with a dripped body is answered and its connection closed, not held', async (t) => {
  const { port } = await servedProxy(t, { bodyTimeoutMs: 2000 })
  const result = await dripped(port, 'GET /x HTTP/1.1\r\nhost: p\r\nauthorization: Bearer abc.def.ghi\r\ncontent-length: 1000000\r\n\r\n', { drip: 'a'.repeat(60), everyMs: 1000, waitMs: 6000 })
  assert.equal(result.status, 200, result.headText)
  assert.match(result.headText, /\r\nconnection: close\r\n/i)
  assert.ok(result.closedAfterMs !== undefined && result.closedAfterMs < 2000, `closed after ${result.closedAfterMs} ms`)
})

test('a 408 says Connection: close, and the connection closes with it', async (t) => {
  const BODY_TIMEOUT_MS = 1000
  const { port, logged } = await servedProxy(t, { bodyTimeoutMs: BODY_TIMEOUT_MS })
  const result = await dripped(port, 'POST /x HTTP/1.1\r\nhost: p\r\nauthorization: Bearer abc.def.ghi\r\ncontent-length: 100\r\n\r\n', { drip: 'a'.repeat(100), everyMs: 200, waitMs: 6000 })
  assert.equal(result.status, 408, result.headText)
  assert.match(result.headText, /\r\nconnection: close\r\n/i, 'not keep-alive')
  assert.doesNotMatch(result.headText, /keep-alive/i)
  assert.ok(result.closedAfterMs - result.answeredAfterMs < 250, `closed ${result.closedAfterMs - result.answeredAfterMs} ms after the 408`)
  assert.deepEqual(logged, ['408 ERR_BODY_TIMEOUT'])
  // A request whose body was read whole keeps its connection.
  const ok = await dripped(port, 'POST /x HTTP/1.1\r\nhost: p\r\nauthorization: Bearer abc.def.ghi\r\ncontent-length: 2\r\n\r\nab', { waitMs: 1000 })
  assert.equal(ok.status, 200, ok.headText)
  assert.doesNotMatch(ok.headText, /connection: close/i)
})

test('a streamed body whose deadline passes after the upstream has answered: the answer is aborted, not ended, and onError is told', async (t) => {
  const BODY_TIMEOUT_MS = 1000
  const { port, logged } = await servedProxy(t, { bodyTimeoutMs: BODY_TIMEOUT_MS })
  const result = await dripped(port, `POST /early HTTP/1.1\r\nhost: p\r\nauthorization: Bearer abc.def.ghi\r\nx-amz-content-sha256: ${'a'.repeat(64)}\r\ncontent-length: 100\r\n\r\n`, { drip: 'a'.repeat(100), everyMs: 200, waitMs: 6000 })
  assert.equal(result.status, 200, result.headText)
  assert.match(result.text, /started/)
  assert.ok(result.closedAfterMs !== undefined && result.closedAfterMs < BODY_TIMEOUT_MS + 1000, `closed after ${result.closedAfterMs} ms`)
  assert.doesNotMatch(result.text, /\r\n0\r\n\r\n$/, 'no last chunk: the viewer cannot take the cut answer for a whole one')
  assert.doesNotMatch(result.text, /done/)
  assert.doesNotMatch(result.text, /did not arrive|ProxyFailure|at /, 'an adapter that writes the stream error to the viewer writes no detail')
  await new Promise((r) => setTimeout(r, 100))
  assert.deepEqual(logged, ['408 ERR_BODY_TIMEOUT'])
})

const LISTENER_CHECK = `
  const { getEventListeners } = await import('node:events')
  const { createSigningProxy } = await import(${JSON.stringify(proxyEntry)})
  const proxy = createSigningProxy({
    upstream: 'https://upstream.example', credentials: ${JSON.stringify(credentials)}, service: 'lambda', region: 'us-east-1',
    verify: false, allowedMethods: ['GET', 'HEAD', 'POST'], fetch: async () => new Response('ok'), onError: () => {},
  })
  const shared = new AbortController()
  for (let i = 0; i < 30; i++) {
    const request = new Request('https://proxy.example/p' + i, { method: i % 2 ? 'POST' : 'GET', body: i % 2 ? 'x' : undefined })
    Object.defineProperty(request, 'signal', { value: shared.signal })
    const response = await proxy(request)
    await response.text()
  }
  // The 405 and a body-less answer too.
  for (const method of ['DELETE', 'HEAD']) {
    const request = new Request('https://proxy.example/q', { method })
    Object.defineProperty(request, 'signal', { value: shared.signal })
    await (await proxy(request)).arrayBuffer()
  }
  process.stdout.write(String(getEventListeners(shared.signal, 'abort').length))
`

test("the caller's signal keeps no listener once each request is done, with AbortSignal.any and without", () => {
  for (const prelude of ['', 'delete AbortSignal.any;']) {
    const listeners = execFileSync(process.execPath, ['--input-type=module', '-e', prelude + LISTENER_CHECK], { encoding: 'utf8' })
    assert.equal(listeners, '0', `${prelude || 'with AbortSignal.any'}: ${listeners} listeners left on the caller's signal`)
  }
})

/** GET `path` on a kept-alive connection (one socket): the status, the body or the error, and whether the socket was reused. */
function getOnAgent(agent, port, path) {
  return new Promise((resolve) => {
    const req = httpRequest({ port, host: '127.0.0.1', path, agent, headers: { authorization: 'Bearer viewer-token' } }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk) => { body += chunk })
      res.on('end', () => resolve({ status: res.statusCode, body, reused: req.reusedSocket }))
      res.on('error', (error) => resolve({ status: res.statusCode, body, cut: error.code ?? error.message, reused: req.reusedSocket }))
    })
    req.on('error', (error) => resolve({ error: error.code ?? error.message, reused: req.reusedSocket }))
    req.end()
  })
}

test('an upstream answer cut off before its first byte is the proxy\'s whole 502, and the kept-alive connection serves the next request', async (t) => {
  const { port, logged } = await servedProxy(t)
  const agent = new Agent({ keepAlive: true, maxSockets: 1 })
  t.after(() => agent.destroy())
  const cut = await getOnAgent(agent, port, '/cut-before-body')
  assert.equal(cut.status, 502, JSON.stringify(cut))
  assert.equal(JSON.parse(cut.body).code, 'ERR_UPSTREAM_UNREACHABLE')
  const next = await getOnAgent(agent, port, '/ok')
  assert.deepEqual(next, { status: 200, body: '{"bytes":0}', reused: true })
  assert.deepEqual(logged, ['502 ERR_UPSTREAM_UNREACHABLE'])
})

test('an upstream answer cut off after its head went out ends the connection mid-answer, never with the adapter\'s keep-alive 500', async (t) => {
  const { port, logged } = await servedProxy(t)
  const agent = new Agent({ keepAlive: true, maxSockets: 1 })
  t.after(() => agent.destroy())
  const cut = await getOnAgent(agent, port, '/cut-after-first')
  assert.equal(cut.status, 200, JSON.stringify(cut))
  assert.ok(cut.cut, `the viewer sees the answer cut short: ${JSON.stringify(cut)}`)
  assert.ok(!cut.body.includes('Error'), `no error text is appended to the answer: ${JSON.stringify(cut.body)}`)
  const next = await getOnAgent(agent, port, '/ok')
  assert.equal(next.status, 200, `the next request is answered, on a new connection: ${JSON.stringify(next)}`)
  assert.deepEqual(logged, ['502 ERR_UPSTREAM_UNREACHABLE'])
})
