// What the proxy forwards, and where, with a stand-in upstream (no stack):
// no path trick leaves the upstream; bad configurations are refused up front;
// the viewer's credentials, hop-by-hop headers and unlisted headers are
// stripped, and the never-forwarded set is the named lists of http-rules.js
// plus the proxy's own; a declared hash of either case goes on as the core
// signs it; each of the proxy's answers has its code's status in the
// error-code table (error-codes.json).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { errorCodes } from '../../scripts/error-codes.mjs'

const { createSigningProxy } = await import(new URL('../../js/dist/proxy/index.node.js', import.meta.url).href)
const { IamFetchError } = await import(new URL('../../js/dist/index.node.js', import.meta.url).href)

test('not an open proxy: no path trick leaves the upstream origin or its base path', async () => {
  const seen = []
  const proxy = createSigningProxy({
    upstream: 'https://abc123.lambda-url.us-east-1.on.aws/base/',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'local-only/open-proxy-test' },
    verify: false,
    fetch: async (request) => {
      seen.push(request.url)
      return new Response('ok')
    },
  })
  const tricks = [
    'https://proxy.example//evil.example/x',
    'https://proxy.example/%2F%2Fevil.example/x',
    'https://proxy.example/@evil.example/x',
    'https://proxy.example/..%2F..%2Fadmin',
    'https://proxy.example/%2e%2e/%2e%2e/admin',
    'https://proxy.example/a/../../../admin',
    'https://proxy.example/\\\\evil.example/x',
    'https://proxy.example/http://evil.example/x',
    'https://proxy.example/x?url=https://evil.example/',
  ]
  for (const url of tricks) {
    const response = await proxy(new Request(url))
    assert.ok(response.status === 200 || response.status === 400, `${url}: ${response.status}`)
  }
  assert.ok(seen.length >= tricks.length - 2)
  for (const url of seen) {
    const parsed = new URL(url)
    assert.equal(parsed.origin, 'https://abc123.lambda-url.us-east-1.on.aws', url)
    assert.ok(parsed.pathname.startsWith('/base/'), url)
  }
})

test('bad configurations are refused up front with IamFetchError codes', () => {
  const base = { upstream: 'https://abc123.lambda-url.us-east-1.on.aws', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'x' }, verify: false }
  const refused = (options, code) => {
    assert.throws(() => createSigningProxy(options), (error) => error instanceof IamFetchError && error.code === code, JSON.stringify(Object.keys(options)))
  }
  refused({ ...base, verify: undefined }, 'ERR_INVALID_OPTIONS')
  refused({ ...base, upstream: 'https://x.example/?target=y' }, 'ERR_INVALID_OPTIONS')
  refused({ ...base, upstream: 'https://user:pw@x.example/' }, 'ERR_INVALID_OPTIONS')
  refused({ ...base, upstream: 'file:///etc/passwd' }, 'ERR_INVALID_OPTIONS')
  refused({ ...base, forwardHeaders: ['content-type', 'Authorization'] }, 'ERR_INVALID_OPTIONS')
  refused({ ...base, forwardHeaders: ['connection'] }, 'ERR_INVALID_OPTIONS')
  refused({ ...base, verfy: false }, 'ERR_INVALID_OPTIONS')
  refused({ ...base, verify: { userPoolId: 'us-east-1_x' } }, 'ERR_INVALID_OPTIONS')
  refused({ ...base, verify: { userPoolId: 'not a pool id', clientId: 'c' } }, 'ERR_INVALID_OPTIONS')
  refused({ ...base, credentials: undefined }, 'ERR_MISSING_CREDENTIALS')
  refused({ ...base, credentials: { accessKeyId: 'AKIDEXAMPLE' } }, 'ERR_MISSING_CREDENTIALS')
})

test('the viewer\'s Authorization, hop-by-hop and unlisted headers are stripped; listed ones are forwarded', async () => {
  let upstreamRequest
  const proxy = createSigningProxy({
    upstream: 'https://abc123.lambda-url.us-east-1.on.aws',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'local-only/header-test' },
    verify: () => ({ sub: 'u' }),
    forwardHeaders: ['content-type', 'x-request-id', 'x-hop'],
    addHeaders: () => ({ authorization: 'Bearer from-claims', 'x-amz-security-token': 'nope', 'x-from-claims': 'u' }),
    fetch: async (request) => {
      upstreamRequest = request
      return new Response('ok', { headers: { connection: 'x-upstream-hop', 'x-upstream-hop': '1', 'keep-alive': 'timeout=5', 'x-kept': 'yes' } })
    },
  })
  const response = await proxy(new Request('https://proxy.example/h', {
    method: 'PUT',
    headers: {
      authorization: 'Bearer opaque-viewer-token', connection: 'x-hop', 'x-hop': 'hop', 'keep-alive': 'timeout=5', te: 'trailers',
      'proxy-authorization': 'Basic abc', cookie: 'a=b', 'x-request-id': 'r-1', 'content-type': 'text/plain',
      'x-amz-security-token': 'viewer-token', 'x-amz-date': '20000101T000000Z', 'x-unlisted': '1',
    },
    body: 'hello',
  }))
  assert.equal(response.status, 200)
  assert.equal(response.headers.get('x-kept'), 'yes')
  assert.equal(response.headers.get('x-upstream-hop'), null, 'headers the upstream named in Connection are dropped')
  assert.equal(response.headers.get('keep-alive'), null)
  const sent = Object.fromEntries(upstreamRequest.headers)
  assert.equal(sent['x-request-id'], 'r-1')
  assert.equal(sent['x-from-claims'], 'u')
  assert.equal(sent['content-type'], 'text/plain')
  for (const name of ['x-hop', 'keep-alive', 'te', 'proxy-authorization', 'cookie', 'x-unlisted', 'x-amz-security-token']) {
    assert.equal(sent[name], undefined, name)
  }
  assert.match(sent.authorization, /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\//)
  assert.notEqual(sent['x-amz-date'], '20000101T000000Z')
  assert.equal(await upstreamRequest.text(), 'hello')
})

test('the never-forwarded headers are the hop-by-hop and signer-set lists plus the proxy\'s own; headers only left unsigned can be forwarded', async () => {
  const { HOP_BY_HOP, NEVER_SIGNED, SET_BY_SIGNER } = await import(new URL('../../js/dist/http-rules.js', import.meta.url).href)
  const base = { upstream: 'https://abc123.lambda-url.us-east-1.on.aws', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'local-only/never-forwarded' }, verify: false }
  for (const name of [...HOP_BY_HOP, ...SET_BY_SIGNER, 'authorization', 'cookie', 'content-length', 'expect', 'via']) {
    assert.throws(() => createSigningProxy({ ...base, forwardHeaders: [name] }), (error) => error.code === 'ERR_INVALID_OPTIONS' && error.message.includes(name), name)
  }
  // Never signed, yet the proxy's to forward when asked: a Range request is one an upstream may serve.
  const forwardable = NEVER_SIGNED.filter((name) => !HOP_BY_HOP.includes(name) && !['authorization', 'content-length', 'expect', 'via'].includes(name))
  assert.deepEqual(forwardable.sort(), ['presigned-expires', 'range', 'user-agent', 'x-amzn-trace-id'])
  let sent
  const proxy = createSigningProxy({ ...base, forwardHeaders: forwardable, fetch: async (request) => { sent = request; return new Response('ok') } })
  const response = await proxy(new Request('https://proxy.example/r', { headers: { range: 'bytes=0-9', 'user-agent': 'viewer/1', 'x-amzn-trace-id': 'Root=1-abc' } }))
  assert.equal(response.status, 200)
  assert.equal(sent.headers.get('range'), 'bytes=0-9')
  assert.equal(sent.headers.get('user-agent'), 'viewer/1')
  assert.doesNotMatch(sent.headers.get('authorization'), /range|user-agent|x-amzn-trace-id/, 'forwarded, not signed')
})

test('a declared hash in upper case goes upstream in the lower case the core signs', async () => {
  const body = 'declared in upper case'
  const hash = createHash('sha256').update(body).digest('hex')
  let sent
  const proxy = createSigningProxy({
    upstream: 'https://abc123.lambda-url.us-east-1.on.aws',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'local-only/upper-case-hash' },
    verify: false,
    fetch: async (request) => {
      sent = { headers: request.headers, body: await request.text() }
      return new Response('ok')
    },
  })
  const response = await proxy(new Request('https://proxy.example/u', { method: 'PUT', headers: { 'x-amz-content-sha256': ` ${hash.toUpperCase()} ` }, body }))
  assert.equal(response.status, 200, await response.clone().text())
  assert.equal(sent.headers.get('x-amz-content-sha256'), hash)
  assert.match(sent.headers.get('authorization'), /SignedHeaders=[^,]*x-amz-content-sha256/)
  assert.equal(sent.body, body)
  for (const bad of ['UNSIGNED-PAYLOAD', hash.slice(2), `${hash.slice(1)}g`]) {
    const refused = await proxy(new Request('https://proxy.example/u', { method: 'PUT', headers: { 'x-amz-content-sha256': bad }, body }))
    assert.equal(refused.status, 400, bad)
    assert.equal((await refused.json()).code, 'ERR_INVALID_PAYLOAD_HASH', bad)
  }
})

test("every answer of the proxy's own has its code's status in the error-code table, and onError is told that status", async () => {
  const ERROR_CODES = errorCodes()
  const base = { upstream: 'https://abc123.lambda-url.us-east-1.on.aws', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'local-only/statuses' }, retries: 0 }
  // Answers after 2 s unless its signal aborts first (the proxy's timeoutMs).
  const late = (request) => new Promise((resolve, reject) => {
    const timer = setTimeout(() => resolve(new Response('late')), 2000)
    request.signal.addEventListener('abort', () => {
      clearTimeout(timer)
      reject(request.signal.reason)
    }, { once: true })
  })
  const cases = [
    ['ERR_METHOD_NOT_ALLOWED', { verify: false, allowedMethods: ['GET'] }, { method: 'DELETE' }],
    ['ERR_TOKEN_MISSING', { verify: () => ({}) }, {}],
    ['ERR_TOKEN_INVALID', { verify: () => false }, { headers: { authorization: 'Bearer abc.def.ghi' } }],
    ['ERR_INVALID_PAYLOAD_HASH', { verify: false }, { method: 'PUT', headers: { 'x-amz-content-sha256': 'nope' }, body: 'x' }],
    ['ERR_BODY_TOO_LARGE', { verify: false, maxBodyBytes: 4 }, { method: 'POST', body: 'too large' }],
    ['ERR_UPSTREAM_UNREACHABLE', { verify: false, fetch: async () => { throw new TypeError('fetch failed') } }, {}],
    ['ERR_PROXY_FAILED', { verify: false, fetch: async () => { throw new Error('something else') } }, {}],
    ['ERR_CREDENTIALS_UNAVAILABLE', { verify: false, credentials: async () => { throw new Error('no') } }, {}],
    ['ERR_UPSTREAM_TIMEOUT', { verify: false, timeoutMs: 50, fetch: late }, {}],
  ]
  for (const [code, options, init] of cases) {
    const told = []
    const proxy = createSigningProxy({ ...base, ...options, onError: (error, info) => told.push(info) })
    const response = await proxy(new Request('https://proxy.example/s', init))
    const status = ERROR_CODES[code].status
    assert.equal(response.headers.get('x-iamfetch-proxy-error'), code, code)
    assert.equal(response.status, status, code)
    assert.equal((await response.json()).code, code)
    if (status >= 500) assert.deepEqual(told.map((info) => [info.code, info.status]), [[code, status]], code)
  }
})
