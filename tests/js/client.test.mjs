// AwsClient against the local stack: every body kind directly and through
// CloudFront OAC, retries and abort, clock-skew recovery, presigned URLs,
// explainFailure for each injected fault, and streamed responses.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { distEntry } from './support/paths.mjs'
import { rejection } from './support/rejection.mjs'
import { startStack } from '../../stack/src/index.mjs'

const { AwsClient, oacFetch, explainFailure, IamFetchError, fromCognitoIdentityPool, fromStatic, init, sha256Hex } = await import(distEntry)

let stack
let user
before(async () => {
  stack = await startStack()
  user = stack.ids.iamUsers['test-user']
  await init()
})
after(() => stack?.stop())

const client = (options = {}) => new AwsClient({ ...user, ...stack.signing.functionUrl, ...options })
const fnUrl = (path = '/') => `${stack.endpoints.functionUrl}${path}`

/** A fetch that counts what it sends. */
function counting(impl = fetch) {
  const sent = []
  const send = async (request) => {
    sent.push(request)
    return impl(request)
  }
  return { send, sent }
}

function eventBody(event) {
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body ?? '', 'utf8')
}

const TEXT = 'héllo wörld ✓'
const BYTES = new TextEncoder().encode(TEXT)

/** Each body kind with the bytes the function must receive. */
function bodies() {
  const stream = () => new ReadableStream({
    start(controller) {
      controller.enqueue(BYTES.slice(0, 5))
      controller.enqueue(BYTES.slice(5))
      controller.close()
    },
  })
  const form = new FormData()
  form.append('field', 'value')
  form.append('file', new File(['file contents'], 'a.txt', { type: 'text/plain' }))
  return [
    ['string', () => ({ body: TEXT }), BYTES],
    ['ArrayBuffer', () => ({ body: BYTES.slice().buffer }), BYTES],
    ['Uint8Array', () => ({ body: BYTES.slice() }), BYTES],
    ['DataView of part of a buffer', () => ({ body: new DataView(BYTES.buffer, 2, 5) }), BYTES.slice(2, 7)],
    ['Blob', () => ({ body: new Blob([BYTES]) }), BYTES],
    ['File', () => ({ body: new File([BYTES], 'x.bin') }), BYTES],
    ['URLSearchParams', () => ({ body: new URLSearchParams({ a: '1 2', b: 'ü' }) }), new TextEncoder().encode('a=1+2&b=%C3%BC')],
    ['FormData', () => ({ body: form }), null],
    ['ReadableStream (buffered)', () => ({ body: stream() }), BYTES],
    ['ReadableStream with a declared hash', () => ({ body: stream(), headers: { 'x-amz-content-sha256': createHash('sha256').update(BYTES).digest('hex') } }), BYTES],
  ]
}

function checkReceived(name, event, expected) {
  const received = eventBody(event)
  if (expected) {
    assert.deepEqual([...received], [...expected], name)
    return
  }
  // FormData: sent as serialized once, its boundary in the content-type.
  const boundary = /boundary=(.+)$/.exec(event.headers['content-type'])[1]
  const text = received.toString('utf8')
  assert.ok(text.startsWith(`--${boundary}`) && text.includes('name="field"') && text.includes('file contents'), text)
}

test('every body kind is accepted by the function URL', async () => {
  for (const [name, makeInit, expected] of bodies()) {
    const response = await client().fetch(fnUrl('/upload'), { method: 'POST', ...makeInit() })
    assert.equal(response.status, 200, `${name}: ${await response.clone().text()}`)
    checkReceived(name, await response.json(), expected)
  }
  const request = new Request(fnUrl('/upload'), { method: 'PUT', body: TEXT, headers: { 'content-type': 'text/plain' } })
  const response = await client().fetch(request)
  assert.equal(response.status, 200, 'the body of a Request')
  checkReceived('Request', await response.json(), BYTES)
})

test('every body kind is accepted through CloudFront OAC, which needs only the body hash', async () => {
  for (const [name, makeInit, expected] of bodies()) {
    const response = await oacFetch(`${stack.endpoints.cloudfront}/upload`, { method: 'POST', ...makeInit() })
    assert.equal(response.status, 200, `${name}: ${await response.clone().text()}`)
    checkReceived(name, await response.json(), expected)
  }
  const { send, sent } = counting()
  const viaClient = new AwsClient({ oac: true, fetch: send })
  assert.equal((await viaClient.fetch(`${stack.endpoints.cloudfront}/x`, { method: 'PUT', body: 'put' })).status, 200)
  assert.equal(sent[0].headers.get('authorization'), null)
  assert.equal(sent[0].headers.get('x-amz-content-sha256'), sha256Hex('put'))
  assert.equal((await viaClient.fetch(`${stack.endpoints.cloudfront}/x`)).status, 200, 'GET needs nothing')
  assert.equal(sent[1].headers.get('x-amz-content-sha256'), null)
  // PUT and POST without a body still need the hash (of the empty body), or CloudFront signs UNSIGNED-PAYLOAD and Lambda refuses.
  for (const method of ['POST', 'PUT']) {
    const response = await oacFetch(`${stack.endpoints.cloudfront}/empty`, { method })
    assert.equal(response.status, 200, `${method} with no body: ${await response.text()}`)
    const empty = await viaClient.fetch(`${stack.endpoints.cloudfront}/empty`, { method })
    assert.equal(empty.status, 200)
    assert.equal(sent.at(-1).headers.get('x-amz-content-sha256'), sha256Hex(''))
  }
})

test('content-type is signed only when the caller set it; runtime headers never', async () => {
  const { send, sent } = counting()
  const c = client({ fetch: send })
  assert.equal((await c.fetch(fnUrl(), { method: 'POST', body: 'x', headers: { 'user-agent': 'mine', 'x-amz-meta-tag': 'v' } })).status, 200)
  assert.match(sent[0].headers.get('authorization'), /SignedHeaders=host;x-amz-date;x-amz-meta-tag,/)
  assert.equal((await c.fetch(fnUrl(), { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } })).status, 200)
  assert.match(sent[1].headers.get('authorization'), /SignedHeaders=content-type;host;x-amz-date,/)
})

test('Blob hashing reports progress and a stream past the buffer cap is a clear error', async () => {
  const progress = []
  const blob = new Blob([new Uint8Array(8.5 * 1024 * 1024).fill(7)])
  const c = client({ onHashProgress: (done, total) => progress.push([done, total]) })
  const signed = await c.sign(fnUrl(), { method: 'POST', body: blob })
  assert.deepEqual(progress.map(([done]) => done), [1, 2, 3, 4, 5, 6, 7, 8, 8.5].map((mib) => mib * 1048576), 'a report per 1 MiB chunk')
  assert.ok(progress.every(([, total]) => total === blob.size))
  assert.match(signed.headers.get('authorization'), /^AWS4-HMAC-SHA256 /)
  const big = new ReadableStream({ pull: (controller) => controller.enqueue(new Uint8Array(4096)) })
  const error = await rejection(client({ maxBufferedBodyBytes: 64 * 1024 }).fetch(fnUrl(), { method: 'POST', body: big }))
  assert.equal(error.code, 'ERR_BODY_TOO_LARGE')
})

test('429 and 5xx are retried for idempotent methods only, each attempt signed afresh', async (t) => {
  t.after(() => stack.clearFaults())
  const { send, sent } = counting()
  stack.setFault('function:echo', '503', { times: 2 })
  assert.equal((await client({ fetch: send, initRetryMs: 1 }).fetch(fnUrl('/get'))).status, 200)
  assert.equal(sent.length, 3)
  assert.notEqual(sent[0], sent[2])
  stack.setFault('function:echo', 'throttle', { times: 1 })
  const post = counting()
  assert.equal((await client({ fetch: post.send, initRetryMs: 1 }).fetch(fnUrl(), { method: 'POST', body: 'x' })).status, 429)
  assert.equal(post.sent.length, 1, 'POST is not retried by default')
  stack.setFault('function:echo', '500', { times: 1 })
  const optIn = counting()
  assert.equal((await client({ fetch: optIn.send, initRetryMs: 1, retryNonIdempotent: true }).fetch(fnUrl(), { method: 'POST', body: 'x' })).status, 200)
  assert.equal(optIn.sent.length, 2)
})

test('network failures are retried; a consumed stream body is not, and the error says so', async (t) => {
  t.after(() => stack.clearFaults())
  stack.setFault('function:echo', 'drop', { times: 1 })
  assert.equal((await client({ initRetryMs: 1 }).fetch(fnUrl())).status, 200)
  stack.setFault('function:echo', 'drop', { times: 1 })
  const stream = new ReadableStream({ start: (c) => { c.enqueue(BYTES); c.close() } })
  const hash = createHash('sha256').update(BYTES).digest('hex')
  const error = await rejection(client({ initRetryMs: 1 }).fetch(fnUrl(), { method: 'PUT', body: stream, headers: { 'x-amz-content-sha256': hash } }))
  assert.equal(error.code, 'ERR_BODY_NOT_REPLAYABLE')
  assert.match(error.message, /stream/)
  // A failure that never heals (in a browser, a CORS refusal) surfaces after two retries, not ten.
  stack.setFault('function:echo', 'drop')
  const { send, sent } = counting()
  await rejection(client({ fetch: send, initRetryMs: 1 }).fetch(fnUrl()))
  assert.equal(sent.length, 3)
})

test('an AbortSignal stops a request in flight and a backoff at once', async (t) => {
  t.after(() => stack.clearFaults())
  const inFlight = new AbortController()
  const slow = client().fetch(fnUrl(), { signal: inFlight.signal, headers: { 'x-iamfetch-fault': 'slow=30000' } })
  setTimeout(() => inFlight.abort(), 50)
  assert.equal((await rejection(slow)).name, 'AbortError')

  stack.setFault('function:echo', '503')
  const duringBackoff = new AbortController()
  const { send, sent } = counting(async (request) => {
    const response = await fetch(request)
    duringBackoff.abort()
    return response
  })
  // A 60 s first backoff: the test would time out unless the abort cuts it short.
  const error = await rejection(client({ fetch: send, initRetryMs: 60_000, maxRetryDelayMs: 60_000 }).fetch(fnUrl(), { signal: duringBackoff.signal }))
  assert.equal(error.name, 'AbortError')
  assert.equal(sent.length, 1)
})

for (const skewSeconds of [900, -900]) {
  test(`server clock ${skewSeconds > 0 ? '+' : ''}${skewSeconds / 60} min: one 403, then success, then no more 403s`, async (t) => {
    stack.setClockOffset(skewSeconds)
    t.after(() => stack.setClockOffset(0))
    const { send, sent } = counting()
    const c = client({ fetch: send })
    assert.equal((await c.fetch(fnUrl('/1'))).status, 200)
    assert.equal(sent.length, 2, 'one refused attempt, then the corrected one')
    assert.ok(Math.abs(c.clockOffsetMs - skewSeconds * 1000) < 3000, `offset ${c.clockOffsetMs}`)
    assert.equal((await c.fetch(fnUrl('/2'), { method: 'POST', body: 'x' })).status, 200)
    assert.equal(sent.length, 3, 'later requests use the learned offset')
  })
}

test('presigned URLs are accepted, refused once expired, and work for WebSocket URLs', async () => {
  const c = client()
  const url = await c.presign(fnUrl('/shared?x=1'), { expiresIn: 60 })
  assert.match(url, /X-Amz-Expires=60&/)
  assert.equal((await fetch(url)).status, 200)
  const old = await c.presign(fnUrl('/old'), { expiresIn: 60, aws: { datetime: Date.now() - 120_000 } })
  const refused = await fetch(old)
  assert.equal(refused.status, 403)
  assert.match((await refused.json()).message, /expired/i)
  const socket = await c.presign(fnUrl('/socket').replace('http:', 'ws:'), { expiresIn: 30 })
  assert.ok(socket.startsWith('ws://'))
  assert.equal((await fetch(socket.replace('ws:', 'http:'))).status, 200, 'the signature covers host and path, not the scheme')
  assert.equal((await rejection(c.presign(fnUrl(), { expiresIn: 604801 }))).code, 'ERR_EXPIRES_RANGE')
})

test('explainFailure names the cause of each injected fault', async (t) => {
  t.after(() => stack.clearFaults())
  const explain = async (response, signed) => (await explainFailure(response, signed)).cause

  const skewed = await client().fetch(fnUrl(), { aws: { datetime: Date.now() - 15 * 60_000 } })
  const skew = await explainFailure(skewed)
  assert.equal(skew.cause, 'clock-skew')
  assert.ok(Math.abs(skew.clockOffsetMs) < 3000, 'the device clock itself is right: the offset was in the signature time')

  assert.equal(await explain(await client({ region: 'eu-west-1' }).fetch(fnUrl())), 'wrong-scope')
  assert.equal(await explain(await client({ service: 'execute-api' }).fetch(fnUrl())), 'wrong-scope')
  assert.equal(await explain(await client({ secretAccessKey: 'wrong' }).fetch(fnUrl())), 'signature-mismatch')
  assert.equal(await explain(await client(stack.ids.iamUsers.outsider).fetch(fnUrl())), 'access-denied')

  const guest = await fromCognitoIdentityPool({ identityPoolId: stack.ids.identityPoolId, endpoint: stack.endpoints.cognitoIdentity })()
  assert.equal(await explain(await client({ ...guest, sessionToken: undefined }).fetch(fnUrl())), 'invalid-credentials')

  const shortLived = await startStack({ config: (cfg) => { cfg.identityPools[0].credentialsLifetimeSeconds = 1; return cfg } })
  t.after(() => shortLived.stop())
  const expiring = await fromCognitoIdentityPool({ identityPoolId: shortLived.ids.identityPoolId, endpoint: shortLived.endpoints.cognitoIdentity })()
  await new Promise((resolve) => setTimeout(resolve, 1500))
  // Given with their expiration the client refuses them itself (ERR_CREDENTIALS_EXPIRED); without it, AWS does.
  const expired = await new AwsClient({ credentials: { ...expiring, expiration: undefined }, ...shortLived.signing.functionUrl }).fetch(`${shortLived.endpoints.functionUrl}/x`)
  assert.equal(await explain(expired), 'expired-credentials')

  const oac = new AwsClient({ oac: true })
  const unhashed = await oac.sign(`${stack.endpoints.cloudfront}/x`, { method: 'POST', body: 'no hash' })
  unhashed.headers.delete('x-amz-content-sha256')
  assert.equal(await explain(await fetch(unhashed), unhashed), 'missing-body-hash')

  const api = new AwsClient({ ...user, ...stack.signing.apiRest })
  const tampered = await api.sign(`${stack.endpoints.apiRest}/${stack.ids.restApiStage}/echo`, { headers: { 'x-amz-meta-note': 'signed' } })
  tampered.headers.set('x-amz-meta-note', 'changed')
  const mismatch = await explainFailure(await fetch(tampered), tampered)
  assert.equal(mismatch.cause, 'signature-mismatch')
  assert.ok(mismatch.evidence.some((line) => line.includes('x-amz-meta-note:changed') && line.includes('x-amz-meta-note:signed')), mismatch.evidence.join('\n'))
  assert.ok(mismatch.expectedCanonicalRequest.includes('x-amz-meta-note:changed'))

  stack.setFault('function:echo', 'throttle', { times: 1 })
  assert.equal(await explain(await client({ retries: 0 }).fetch(fnUrl())), 'throttled')
  stack.setFault('function:echo', '500', { times: 1 })
  assert.equal(await explain(await client({ retries: 0 }).fetch(fnUrl())), 'service-error')

  const cors = await explainFailure(new TypeError('Failed to fetch'), await client().sign(fnUrl(), { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } }))
  assert.equal(cors.cause, 'cors-or-network')
  assert.ok(cors.evidence.some((line) => line.includes('authorization') && line.includes('content-type') && line.includes('x-amz-date')))
})

test('throwOnAuthError throws an IamFetchError carrying the explanation', async () => {
  const error = await rejection(client({ ...stack.ids.iamUsers.outsider, throwOnAuthError: true }).fetch(fnUrl()))
  assert.ok(error instanceof IamFetchError)
  assert.equal(error.code, 'ERR_AUTH_ACCESS_DENIED')
  assert.equal(error.explanation.cause, 'access-denied')
  assert.equal(error.response.status, 403)
  assert.ok(!error.message.includes(stack.ids.iamUsers.outsider.secretAccessKey))
})

test('explanations never carry the session token or the secret, not even serialized or inspected', async () => {
  const guest = await fromCognitoIdentityPool({ identityPoolId: stack.ids.identityPoolId, endpoint: stack.endpoints.cognitoIdentity })()
  const wrongSecret = `${guest.secretAccessKey.slice(0, -4)}XXXX`
  const api = new AwsClient({ credentials: { ...guest, secretAccessKey: wrongSecret }, ...stack.signing.apiRest, throwOnAuthError: true })
  const error = await rejection(api.fetch(`${stack.endpoints.apiRest}/${stack.ids.restApiStage}/echo`))
  assert.equal(error.code, 'ERR_AUTH_SIGNATURE_MISMATCH')
  assert.match(error.explanation.canonicalRequest, /^x-amz-security-token:\*\* redacted \*\*$/m)
  assert.ok(error.explanation.expectedCanonicalRequest, 'API Gateway sent its canonical string, token included')
  const { inspect } = await import('node:util')
  for (const text of [JSON.stringify(error), inspect(error, { depth: 8 }), JSON.stringify(await explainFailure(error.response))]) {
    for (const secret of [guest.sessionToken, wrongSecret]) assert.ok(!text.includes(secret), 'a secret in the explanation')
  }
})

test('a streamed response (RESPONSE_STREAM) arrives chunk by chunk', async () => {
  const c = new AwsClient({ ...user, ...stack.signing.functionUrl })
  const response = await c.fetch(`${stack.endpoints.functionUrls.stream}/s?chunks=4&intervalMs=150`)
  assert.equal(response.status, 200)
  const reader = response.body.getReader()
  const decoder = new TextDecoder()
  const reads = []
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    reads.push(decoder.decode(value))
  }
  const lines = reads.join('').trim().split('\n')
  assert.equal(lines.length, 5, 'the event, then 4 chunks')
  assert.ok(reads.length >= 3, `arrived in ${reads.length} reads`)
  assert.ok(!reads[0].includes('"chunk":3'), 'the first read came before the last chunk existed')
})

test('a 403 whose body is cut off is returned as fetch returns it, not a raw TypeError from the skew check', async (t) => {
  const { createServer } = await import('node:http')
  const server = createServer((req, res) => {
    res.writeHead(403, { 'content-type': 'application/json', 'content-length': '200', date: new Date().toUTCString() })
    res.write('{"message":"Signature exp')
    setTimeout(() => res.destroy(), 20)
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.after(() => server.close())
  const response = await new AwsClient({ ...user, service: 'lambda', region: 'us-east-1', retries: 0 }).fetch(`http://127.0.0.1:${server.address().port}/cut`)
  assert.equal(response.status, 403)
  await assert.rejects(response.text(), 'reading the cut body fails for the caller, as with fetch')
})

test('credentialsTimeoutMs is validated like every time limit, and 0 means no limit', async () => {
  for (const bad of [-1, 'abc', NaN, Infinity]) {
    assert.equal((await rejection(Promise.resolve().then(() => new AwsClient({ credentials: fromStatic(user), credentialsTimeoutMs: bad })))).code, 'ERR_INVALID_OPTIONS')
  }
  // A provider taking 50 ms is no timeout at 0 (before, 0 failed every provider that was not instant).
  const slow = async () => { await new Promise((resolve) => setTimeout(resolve, 50)); return user }
  const signed = await new AwsClient({ credentials: slow, credentialsTimeoutMs: 0, ...stack.signing.functionUrl }).sign(fnUrl())
  assert.match(signed.headers.get('authorization'), new RegExp(`Credential=${user.accessKeyId}/`))
})

test("a Request input's default redirect gives way to the client's redirect policy, and Blob bodies still get 'error'", async () => {
  const seen = []
  const capture = async (request) => {
    seen.push(request.redirect)
    return new Response('ok')
  }
  const c = new AwsClient({ ...user, ...stack.signing.functionUrl, redirect: 'manual', fetch: capture })
  await c.fetch(fnUrl())
  await c.fetch(new Request(fnUrl()))
  await c.fetch(new Request(fnUrl(), { method: 'POST', body: new Blob(['x']) }))
  await c.fetch(new Request(fnUrl(), { redirect: 'error' }))
  assert.deepEqual(seen, ['manual', 'manual', 'error', 'error'])
})
