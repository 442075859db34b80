// signCloudFrontOriginRequest: an origin-request event aimed at the local
// function URL is signed, then exactly what the returned request describes is
// sent on (as CloudFront would, with its own via and x-amz-cf-id), and the
// function URL, which checks SigV4 with the AWS SDK's signer, accepts it.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { startStack } from '../../stack/src/index.mjs'
import { originRequestEvent, includedBody, forwardAsCloudFront } from './support/cloudfront-events.mjs'

const { signCloudFrontOriginRequest } = await import(new URL('../../js/dist/proxy/index.node.js', import.meta.url).href)
const { IamFetchError } = await import(new URL('../../js/dist/index.node.js', import.meta.url).href)

let stack
let credentials
const local = { service: 'lambda', region: 'us-east-1' }

before(async () => {
  stack = await startStack()
  const user = stack.ids.iamUsers['test-user']
  credentials = { accessKeyId: user.accessKeyId, secretAccessKey: user.secretAccessKey }
})
after(() => stack?.stop())

const sha256 = (data) => createHash('sha256').update(data).digest('hex')
const rejectsWith = (promise, code) => assert.rejects(promise, (error) => {
  assert.ok(error instanceof IamFetchError, String(error))
  assert.equal(error.code, code, error.message)
  return true
})

test('a signed POST with an included body is accepted by the function URL, via and CloudFront hop headers aside', async () => {
  const body = JSON.stringify({ item: 'book', note: 'naïve ☕' })
  const event = originRequestEvent(stack.endpoints.functionUrl, {
    method: 'POST',
    uri: '/orders/7',
    querystring: 'id=7&q=a%20b&empty=',
    headers: { 'Content-Type': 'application/json', Authorization: 'Bearer viewer-token', 'X-Amz-Meta-Trace': 't-1' },
    body: includedBody(Buffer.from(body)),
  })
  const before = JSON.stringify(event)
  const signed = await signCloudFrontOriginRequest(event, { credentials, ...local })
  assert.equal(JSON.stringify(event), before, 'the event is not modified')

  const authorization = signed.headers.authorization[0].value
  assert.match(authorization, /^AWS4-HMAC-SHA256 Credential=AKIAIAMFETCHTESTUSER\/\d{8}\/us-east-1\/lambda\/aws4_request/)
  const signedNames = /SignedHeaders=([^,]+)/.exec(authorization)[1].split(';')
  assert.deepEqual(signedNames, ['content-type', 'host', 'x-amz-content-sha256', 'x-amz-date', 'x-amz-meta-trace'])
  assert.equal(signed.headers['x-amz-content-sha256'][0].value, sha256(body))
  assert.equal(signed.headers.authorization.length, 1, "the viewer's Authorization is replaced")
  assert.equal(signed.headers.via[0].value, event.Records[0].cf.request.headers.via[0].value, 'via is passed through, unsigned')
  assert.deepEqual(signed.body, event.Records[0].cf.request.body, 'the body goes on unchanged (read-only)')

  const response = await forwardAsCloudFront(signed)
  assert.equal(response.status, 200, await response.clone().text())
  const echoed = await response.json()
  assert.equal(echoed.rawPath, '/orders/7')
  assert.equal(echoed.rawQueryString, 'id=7&q=a%20b&empty=')
  assert.equal(echoed.body, body)
  assert.match(echoed.requestContext.authorizer.iam.userArn, /:user\/test-user$/)
  assert.equal(echoed.headers.via, '1.1 7c5a2a1b9d0e.cloudfront.net (CloudFront)', 'CloudFront replaced via after signing')
})

test('tampering after signing is refused by the function URL (the check can fail)', async () => {
  const event = originRequestEvent(stack.endpoints.functionUrl, { method: 'PUT', uri: '/items/1', body: includedBody(Buffer.from('original')) })
  const signed = await signCloudFrontOriginRequest(event, { credentials, ...local })
  const otherBody = await forwardAsCloudFront(signed, { fullBody: Buffer.from('tampered') })
  assert.equal(otherBody.status, 403)
  const otherPath = await forwardAsCloudFront({ ...signed, uri: '/items/2' })
  assert.equal(otherPath.status, 403)
  assert.equal(otherPath.headers.get('x-amzn-errortype'), 'InvalidSignatureException')
})

test('a text-encoded body and an origin path', async () => {
  const event = originRequestEvent(stack.endpoints.functionUrl, {
    method: 'POST',
    uri: '/orders',
    originPath: '/prod',
    headers: { 'content-type': 'text/plain;charset=utf-8' },
    body: { inputTruncated: false, action: 'read-only', encoding: 'text', data: 'plain text ✓' },
  })
  const signed = await signCloudFrontOriginRequest(event, { credentials, ...local })
  assert.equal(signed.uri, '/orders', 'CloudFront prepends the origin path itself')
  const response = await forwardAsCloudFront(signed)
  assert.equal(response.status, 200, await response.clone().text())
  const echoed = await response.json()
  assert.equal(echoed.rawPath, '/prod/orders')
  assert.equal(echoed.body, 'plain text ✓')
})

test('a truncated body is refused unless the viewer declared its hash; then the whole body is accepted', async () => {
  const whole = Buffer.alloc(1024 * 1024 + 4096, 7) // over includeBody's 1 MB
  const truncated = includedBody(whole.subarray(0, 1024 * 1024), { inputTruncated: true })
  const undeclared = originRequestEvent(stack.endpoints.functionUrl, { method: 'PUT', uri: '/big', body: truncated })
  await rejectsWith(signCloudFrontOriginRequest(undeclared, { credentials, ...local }), 'ERR_BODY_TOO_LARGE')
  await signCloudFrontOriginRequest(undeclared, { credentials, ...local }).catch((error) => {
    assert.match(error.message, /x-amz-content-sha256/)
  })

  const declared = originRequestEvent(stack.endpoints.functionUrl, { method: 'PUT', uri: '/big', headers: { 'x-amz-content-sha256': sha256(whole) }, body: truncated })
  const signed = await signCloudFrontOriginRequest(declared, { credentials, ...local })
  assert.equal(signed.headers['x-amz-content-sha256'][0].value, sha256(whole))
  const response = await forwardAsCloudFront(signed, { fullBody: whole })
  assert.equal(response.status, 200, await response.clone().text())
  assert.equal(Buffer.from((await response.json()).body, 'base64').length, whole.length)
})

test("a viewer's hash that does not match the included body is refused", async () => {
  const event = originRequestEvent(stack.endpoints.functionUrl, { method: 'POST', headers: { 'x-amz-content-sha256': sha256('other') }, body: includedBody(Buffer.from('body')) })
  await rejectsWith(signCloudFrontOriginRequest(event, { credentials, ...local }), 'ERR_INVALID_PAYLOAD_HASH')
  const malformed = originRequestEvent(stack.endpoints.functionUrl, { method: 'POST', headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' }, body: includedBody(Buffer.from('body')) })
  await rejectsWith(signCloudFrontOriginRequest(malformed, { credentials, ...local }), 'ERR_INVALID_PAYLOAD_HASH')
})

test('a declared hash in upper case is signed in the lower case the core takes, as the proxy does, included body or truncated', async () => {
  const body = Buffer.from('hash declared in upper case')
  const included = originRequestEvent(stack.endpoints.functionUrl, { method: 'POST', headers: { 'x-amz-content-sha256': sha256(body).toUpperCase() }, body: includedBody(body) })
  const signed = await signCloudFrontOriginRequest(included, { credentials, ...local })
  assert.equal(signed.headers['x-amz-content-sha256'][0].value, sha256(body))
  assert.equal((await forwardAsCloudFront(signed)).status, 200)

  const whole = Buffer.alloc(1024 * 1024 + 16, 3)
  const truncated = originRequestEvent(stack.endpoints.functionUrl, {
    method: 'PUT', headers: { 'x-amz-content-sha256': ` ${sha256(whole).toUpperCase()} ` }, body: includedBody(whole.subarray(0, 1024 * 1024), { inputTruncated: true }),
  })
  const signedTruncated = await signCloudFrontOriginRequest(truncated, { credentials, ...local })
  assert.equal(signedTruncated.headers['x-amz-content-sha256'][0].value, sha256(whole))
  const response = await forwardAsCloudFront(signedTruncated, { fullBody: whole })
  assert.equal(response.status, 200, await response.clone().text())
})

test("the viewer's values of the headers the signer sets are dropped, not sent beside the signer's", async () => {
  const event = originRequestEvent(stack.endpoints.functionUrl, {
    uri: '/replaced',
    headers: { 'X-Amz-Date': '20000101T000000Z', 'X-Amz-Security-Token': 'viewer-session-token', Authorization: 'Bearer viewer-token' },
  })
  const signed = await signCloudFrontOriginRequest(event, { credentials, ...local })
  for (const name of ['x-amz-date', 'authorization', 'host']) assert.equal(signed.headers[name].length, 1, name)
  assert.notEqual(signed.headers['x-amz-date'][0].value, '20000101T000000Z')
  assert.equal(signed.headers['x-amz-security-token'], undefined, 'long-term keys sign no token: the viewer\'s is dropped')
  assert.equal(signed.headers.host[0].value, new URL(stack.endpoints.functionUrl).host, 'the origin\'s host, not CloudFront\'s')
  assert.equal((await forwardAsCloudFront(signed)).status, 200)
})

test('GET without a body field is signed with the empty hash; a POST without one is refused', async () => {
  const get = await signCloudFrontOriginRequest(originRequestEvent(stack.endpoints.functionUrl, { uri: '/hello', querystring: 'x=1' }), { credentials, ...local })
  const response = await forwardAsCloudFront(get)
  assert.equal(response.status, 200, await response.clone().text())
  const post = originRequestEvent(stack.endpoints.functionUrl, { method: 'POST' })
  await rejectsWith(signCloudFrontOriginRequest(post, { credentials, ...local }), 'ERR_INVALID_EVENT')
})

test('temporary credentials add a signed x-amz-security-token; a function URL host names service and region', async () => {
  const event = originRequestEvent('https://abcdefghijklmnopqrstuvwxyz012345.lambda-url.eu-west-1.on.aws', { uri: '/x' })
  const signed = await signCloudFrontOriginRequest(event, {
    credentials: { accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'local-only/edge', sessionToken: 'session-token-value' },
    datetime: Date.UTC(2026, 0, 2, 3, 4, 5),
  })
  assert.equal(signed.headers.host[0].value, 'abcdefghijklmnopqrstuvwxyz012345.lambda-url.eu-west-1.on.aws')
  assert.equal(signed.headers['x-amz-security-token'][0].value, 'session-token-value')
  assert.equal(signed.headers['x-amz-date'][0].value, '20260102T030405Z')
  const authorization = signed.headers.authorization[0].value
  assert.match(authorization, /Credential=ASIAEXAMPLE\/20260102\/eu-west-1\/lambda\/aws4_request/)
  assert.match(authorization, /SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token,/)
  assert.ok(!JSON.stringify(signed).includes('local-only/edge'), 'the secret is not in the returned request')
})

test('a credentials provider is called once across invocations (cached)', async () => {
  let calls = 0
  const provider = async () => {
    calls++
    return { ...credentials, expiration: new Date(Date.now() + 3600_000) }
  }
  for (let i = 0; i < 3; i++) {
    const signed = await signCloudFrontOriginRequest(originRequestEvent(stack.endpoints.functionUrl, { uri: `/n/${i}` }), { credentials: provider, ...local })
    assert.equal((await forwardAsCloudFront(signed)).status, 200)
  }
  assert.equal(calls, 1)
})

test('events and options it cannot sign are refused with stable codes', async () => {
  await rejectsWith(signCloudFrontOriginRequest({}, { credentials, ...local }), 'ERR_INVALID_EVENT')
  const viewer = originRequestEvent(stack.endpoints.functionUrl, { eventType: 'viewer-request' })
  await rejectsWith(signCloudFrontOriginRequest(viewer, { credentials, ...local }), 'ERR_INVALID_EVENT')
  const noOrigin = originRequestEvent(stack.endpoints.functionUrl)
  delete noOrigin.Records[0].cf.request.origin
  noOrigin.Records[0].cf.config.eventType = undefined
  await rejectsWith(signCloudFrontOriginRequest(noOrigin, { credentials, ...local }), 'ERR_INVALID_EVENT')
  const badName = originRequestEvent(stack.endpoints.functionUrl)
  badName.Records[0].cf.request.headers['x amz meta'] = [{ key: 'X Amz Meta', value: 'v' }]
  await rejectsWith(signCloudFrontOriginRequest(badName, { credentials, ...local }), 'ERR_INVALID_EVENT')
  await rejectsWith(signCloudFrontOriginRequest(originRequestEvent(stack.endpoints.functionUrl), { ...local }), 'ERR_MISSING_CREDENTIALS')
  await rejectsWith(signCloudFrontOriginRequest(originRequestEvent(stack.endpoints.functionUrl), { credentials, region: 'us-east-1' }), 'ERR_MISSING_SERVICE')
  await rejectsWith(signCloudFrontOriginRequest(originRequestEvent(stack.endpoints.functionUrl), { credentials, ...local, includeBody: true }), 'ERR_INVALID_OPTIONS')
})
