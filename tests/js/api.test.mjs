// The JS API: aws4fetch compatibility, errors, hashing, presigning, the client.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import { AwsV4Signer as Aws4fetchSigner } from 'aws4fetch'
import { distEntry } from './support/paths.mjs'
import { rejection } from './support/rejection.mjs'

const iamfetch = await import(distEntry)
const { AwsV4Signer, AwsClient, signRequest, sha256Hex, Sha256, IamFetchError, init } = iamfetch

const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY'
const TOKEN = 'IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKENxyz'
const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: SECRET, sessionToken: TOKEN }
const FUNCTION_URL = 'https://abcdefghij.lambda-url.eu-west-1.on.aws'

function assertNoSecrets(text) {
  assert.ok(!text.includes(SECRET), `secret leaked: ${text}`)
  assert.ok(!text.includes(TOKEN), `session token leaked: ${text}`)
}

test('exports exactly the public API', () => {
  assert.deepEqual(Object.keys(iamfetch).sort(), [
    'AwsClient', 'AwsV4Signer', 'IamFetchError', 'Sha256', 'explainFailure',
    'fromAssumeRole', 'fromCognitoIdentityPool', 'fromEnv', 'fromStatic', 'fromWebIdentity',
    'init', 'oacFetch', 'sha256Hex', 'signRequest',
  ])
})

test('AwsV4Signer signs as aws4fetch does, for requests aws4fetch and iamfetch sign alike', async () => {
  const requests = [
    { method: 'GET', url: `${FUNCTION_URL}/items?b=2&a=1&a=0&sp=a%20b` },
    { method: 'POST', url: `${FUNCTION_URL}/a%20path/x`, body: '{"hello":"world"}', headers: { 'x-amz-meta-tag': ' two  spaces ' } },
    { method: 'PUT', url: 'https://dynamodb.us-west-2.amazonaws.com/', body: new TextEncoder().encode('bytes') },
    { method: 'GET', url: 'https://bucket.s3.eu-west-1.amazonaws.com/key%20name', signQuery: true },
  ]
  for (const request of requests) {
    const options = { ...request, ...credentials, datetime: '20261121T101010Z' }
    const ours = new AwsV4Signer(options)
    const theirs = new Aws4fetchSigner(options)
    if (!request.signQuery && options.url.includes('s3')) continue
    assert.equal(await ours.canonicalString(), await theirs.canonicalString(), `${request.method} ${request.url}`)
    assert.equal(await ours.stringToSign(), await theirs.stringToSign())
    assert.equal(await ours.signature(), await theirs.signature())
    const [a, b] = [await ours.sign(), await theirs.sign()]
    // The same parameters, in another order.
    assert.equal(a.url.origin + a.url.pathname, b.url.origin + b.url.pathname)
    assert.deepEqual([...a.url.searchParams].sort(), [...b.url.searchParams].sort())
    assert.equal(a.headers.get('authorization'), b.headers.get('authorization'))
    assert.equal(ours.service, theirs.service)
    assert.equal(ours.region, theirs.region)
  }
})

test('AwsV4Signer signs content-type the caller set, which aws4fetch leaves out', async () => {
  const signer = new AwsV4Signer({ url: FUNCTION_URL, body: '{}', headers: { 'Content-Type': 'application/json' }, ...credentials })
  assert.match(await signer.authHeader(), /SignedHeaders=content-type;host;x-amz-date;x-amz-security-token,/)
})

test('presigned URLs always expire (aws4fetch leaves X-Amz-Expires out for non-S3 services)', async () => {
  const options = { url: 'https://a1b2c3.execute-api.ap-south-1.amazonaws.com/prod/x', signQuery: true, ...credentials }
  const ours = await new AwsV4Signer(options).sign()
  const theirs = await new Aws4fetchSigner(options).sign()
  assert.equal(ours.url.searchParams.get('X-Amz-Expires'), '86400')
  assert.equal(theirs.url.searchParams.get('X-Amz-Expires'), null)
})

test('X-Amz-Expires in the URL sets the presigned lifetime, as in aws4fetch', async () => {
  const signed = await new AwsV4Signer({ url: `${FUNCTION_URL}/?X-Amz-Expires=120`, signQuery: true, ...credentials }).sign()
  assert.equal(signed.url.searchParams.getAll('X-Amz-Expires').join(), '120')
  assert.equal(signed.url.searchParams.get('X-Amz-Security-Token'), TOKEN)
  assert.equal(signed.headers.get('authorization'), null)
})

test('signRequest returns headers, canonical request, string to sign, signature and signed headers', async () => {
  const signed = await signRequest(
    { method: 'POST', url: `${FUNCTION_URL}/orders`, headers: { 'content-type': 'application/json' }, body: '{"n":1}' },
    { ...credentials, datetime: Date.UTC(2026, 10, 21, 10, 10, 10) },
  )
  assert.equal(signed.headers.get('x-amz-date'), '20261121T101010Z')
  assert.equal(signed.headers.get('x-amz-security-token'), TOKEN)
  assert.deepEqual(signed.signedHeaders, ['content-type', 'host', 'x-amz-date', 'x-amz-security-token'])
  assert.ok(signed.canonicalRequest.startsWith('POST\n/orders\n\ncontent-type:application/json\n'))
  assert.ok(signed.canonicalRequest.endsWith(`\n${signed.payloadHash}`))
  assert.equal(signed.payloadHash, sha256Hex('{"n":1}'))
  assert.ok(signed.stringToSign.startsWith('AWS4-HMAC-SHA256\n20261121T101010Z\n20261121/eu-west-1/lambda/aws4_request\n'))
  assert.match(signed.headers.get('authorization'), new RegExp(`Signature=${signed.signature}$`))
  assert.equal(signed.service, 'lambda')
  assert.equal(signed.region, 'eu-west-1')
})

test('presign expiry must be 1..604800 seconds', async () => {
  for (const expiresIn of [1, 604800]) {
    const signed = await signRequest({ url: FUNCTION_URL }, { ...credentials, signQuery: true, expiresIn })
    assert.equal(new URL(signed.url).searchParams.get('X-Amz-Expires'), String(expiresIn))
  }
  for (const expiresIn of [0, 604801, 1.5, -1]) {
    const error = await rejection(signRequest({ url: FUNCTION_URL }, { ...credentials, signQuery: true, expiresIn }))
    assert.ok(error instanceof IamFetchError)
    assert.equal(error.code, 'ERR_EXPIRES_RANGE', String(expiresIn))
  }
})

test('bad input rejects with an IamFetchError carrying a stable code and no secret', async () => {
  const cases = [
    ['ERR_INVALID_URL', { url: 'not a url' }, credentials],
    ['ERR_INVALID_URL', { url: 'ftp://example.com/' }, credentials],
    ['ERR_INVALID_METHOD', { method: 'GE T', url: FUNCTION_URL }, credentials],
    ['ERR_INVALID_HEADER', { url: FUNCTION_URL, headers: [['bad name', 'v']] }, credentials],
    ['ERR_INVALID_HEADER', { url: FUNCTION_URL, headers: [['x-token', `${TOKEN}\nmore`]] }, credentials],
    ['ERR_MISSING_CREDENTIALS', { url: FUNCTION_URL }, { accessKeyId: 'AKID' }],
    ['ERR_INVALID_CREDENTIALS', { url: FUNCTION_URL }, { ...credentials, sessionToken: `${TOKEN} ` }],
    ['ERR_INVALID_CREDENTIALS', { url: FUNCTION_URL }, { ...credentials, sessionToken: `${TOKEN}\n${TOKEN}` }],
    ['ERR_INVALID_CREDENTIALS', { url: FUNCTION_URL }, { ...credentials, secretAccessKey: `${SECRET}\n` }],
    ['ERR_INVALID_CREDENTIALS', { url: FUNCTION_URL }, { ...credentials, accessKeyId: 'AKID\u00e9' }],
    ['ERR_MISSING_SERVICE', { url: 'https://d111111abcdef8.cloudfront.net/' }, credentials],
    ['ERR_INVALID_SERVICE', { url: FUNCTION_URL }, { ...credentials, service: 'lam bda' }],
    ['ERR_INVALID_SERVICE', { url: FUNCTION_URL }, { ...credentials, service: 'lambda\nx' }],
    ['ERR_MISSING_REGION', { url: 'https://d111111abcdef8.cloudfront.net/' }, { ...credentials, service: 'lambda' }],
    ['ERR_INVALID_REGION', { url: FUNCTION_URL }, { ...credentials, region: 'us/east-1' }],
    ['ERR_INVALID_REGION', { url: FUNCTION_URL }, { ...credentials, region: 42 }],
    ['ERR_INVALID_PAYLOAD_HASH', { url: FUNCTION_URL }, { ...credentials, payloadHash: SECRET }],
    ['ERR_UNSIGNED_PAYLOAD', { url: FUNCTION_URL }, { ...credentials, payloadHash: 'UNSIGNED-PAYLOAD' }],
    ['ERR_INVALID_DATETIME', { url: FUNCTION_URL }, { ...credentials, datetime: 'yesterday' }],
    ['ERR_INVALID_DATETIME', { url: FUNCTION_URL }, { ...credentials, datetime: -5 }],
    ['ERR_INVALID_CREDENTIALS', { url: FUNCTION_URL }, { ...credentials, accessKeyId: 7 }],
    ['ERR_INVALID_OPTIONS', { url: FUNCTION_URL }, { ...credentials, contentHashHeader: 'sometimes' }],
    ['ERR_UNSUPPORTED_BODY', { method: 'POST', url: FUNCTION_URL, body: { not: 'a body' } }, credentials],
  ]
  for (const [code, request, options] of cases) {
    const error = await rejection(signRequest(request, options))
    assert.ok(error instanceof IamFetchError, `${code}: ${error}`)
    assert.equal(error.code, code, `${code}: ${error.message}`)
    assert.equal(error.name, 'IamFetchError')
    assertNoSecrets(`${error.message} ${error.stack} ${JSON.stringify(error)}`)
  }
})

test('a secret passed in the wrong field is scrubbed from the options error', async () => {
  const error = await rejection(signRequest({ url: FUNCTION_URL }, { ...credentials, region: 42, expiresIn: undefined, datetime: SECRET }))
  assert.equal(error.code, 'ERR_INVALID_DATETIME')
  const wrongType = await rejection(signRequest({ url: FUNCTION_URL }, { ...credentials, service: { secret: SECRET } }))
  assertNoSecrets(wrongType.message)
})

test('a signer printed or serialized shows no secret', () => {
  const signer = new AwsV4Signer({ url: FUNCTION_URL, ...credentials })
  const client = new AwsClient(credentials)
  for (const object of [signer, client]) {
    assertNoSecrets(JSON.stringify(object))
    assertNoSecrets(String(Object.values(object)))
  }
})

test('sha256Hex and Sha256 match NIST vectors, chunked equals one-shot', async () => {
  await init()
  assert.equal(sha256Hex(''), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')
  assert.equal(sha256Hex('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
  assert.equal(
    sha256Hex('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'),
    '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
  )
  const million = new Sha256()
  const chunk = new Uint8Array(1000).fill(0x61)
  for (let i = 0; i < 1000; i++) million.update(chunk)
  assert.equal(million.digest(), 'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0')
  const data = new Uint8Array(70_000).map((_, i) => (i * 31) % 256)
  const whole = sha256Hex(data)
  for (const size of [1, 63, 64, 65, 4096, 65536]) {
    const hasher = new Sha256()
    for (let at = 0; at < data.length; at += size) hasher.update(data.subarray(at, at + size))
    assert.equal(hasher.digest(), whole, `chunks of ${size}`)
  }
  assert.equal(sha256Hex(new DataView(data.buffer, 5, 100)), sha256Hex(data.slice(5, 105)))
  assert.throws(() => sha256Hex(42), (e) => e instanceof IamFetchError && e.code === 'ERR_UNSUPPORTED_BODY')
})

test('AwsClient signs and sends string and byte bodies; init.aws overrides per call', async (t) => {
  const seen = []
  const server = createServer((req, res) => {
    const chunks = []
    req.on('data', (c) => chunks.push(c))
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks) })
      res.end('ok')
    })
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.after(() => server.close())
  const base = `http://127.0.0.1:${server.address().port}`
  const client = new AwsClient({ ...credentials, service: 'lambda', region: 'us-east-1' })
  await client.fetch(`${base}/text`, { method: 'POST', body: 'héllo' })
  await client.fetch(new Request(`${base}/bytes`, { method: 'PUT', body: new Uint8Array([1, 2, 3]) }))
  await client.fetch(`${base}/other`, { aws: { region: 'eu-west-2', service: 'execute-api' } })
  assert.equal(seen.length, 3)
  assert.equal(seen[0].body.toString(), 'héllo')
  assert.deepEqual([...seen[1].body], [1, 2, 3])
  for (const request of seen) {
    assert.match(request.headers.authorization, /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\//)
    assert.equal(request.headers['x-amz-security-token'], TOKEN)
  }
  assert.match(seen[0].headers.authorization, /\/us-east-1\/lambda\/aws4_request/)
  assert.match(seen[2].headers.authorization, /\/eu-west-2\/execute-api\/aws4_request/)
})

test('AwsClient retries 5xx and 429 for idempotent methods only, re-signing each attempt', async (t) => {
  let calls = 0
  const server = createServer((req, res) => {
    calls++
    res.statusCode = calls < 3 ? (calls === 1 ? 503 : 429) : 200
    res.end()
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.after(() => server.close())
  const url = `http://127.0.0.1:${server.address().port}/`
  const client = new AwsClient({ ...credentials, service: 'lambda', region: 'us-east-1', initRetryMs: 1 })
  assert.equal((await client.fetch(url)).status, 200)
  assert.equal(calls, 3)
  calls = 0
  assert.equal((await client.fetch(url, { method: 'POST', body: 'x' })).status, 503)
  assert.equal(calls, 1)
})

test('an unknown option is ERR_INVALID_OPTIONS naming the key, in every API that takes options', async () => {
  const proxy = await import(distEntry.replace(/index\.node\.js$/, 'proxy/index.node.js'))
  const refusals = [
    () => new AwsClient({ ...credentials, singleEncoding: true }),
    () => new AwsV4Signer({ url: FUNCTION_URL, ...credentials, singleEncoding: true }),
    () => signRequest({ url: FUNCTION_URL }, { ...credentials, singleEncoding: true }),
    () => new AwsClient(credentials).sign(FUNCTION_URL, { aws: { singleEncoding: true } }),
    () => new AwsClient(credentials).fetch(FUNCTION_URL, { aws: { singleEncoding: true } }),
    () => proxy.createSigningProxy({ upstream: FUNCTION_URL, credentials, verify: false, singleEncoding: true }),
    () => proxy.createSigningProxy({ upstream: FUNCTION_URL, credentials, verify: false, cors: { allowOrigins: '*', singleEncoding: true } }),
    () => proxy.signCloudFrontOriginRequest({}, { credentials, singleEncoding: true }),
  ]
  for (const refuse of refusals) {
    const error = await rejection((async () => refuse())())
    assert.equal(error.code, 'ERR_INVALID_OPTIONS', `${refuse}: ${error.message}`)
    assert.match(error.message, /singleEncoding/, String(refuse))
    assertNoSecrets(`${error.message} ${JSON.stringify(error)}`)
  }
  // The fields a credentials provider returns ride along without complaint.
  assert.ok(new AwsClient({ ...credentials, expiration: new Date(), identityId: 'us-east-1:x', service: 'lambda' }))
})

test("AwsV4Signer exposes aws4fetch's public fields once signed, the same values aws4fetch computes", async () => {
  const options = { method: 'POST', url: `${FUNCTION_URL}/a%20b?z=1&a=2`, headers: { 'x-amz-meta-tag': 'v' }, body: '{}', ...credentials, datetime: '20261121T101010Z' }
  const ours = new AwsV4Signer(options)
  const theirs = new Aws4fetchSigner(options)
  const signed = await ours.sign()
  await theirs.sign()
  assert.equal(ours.signedHeaders, theirs.signedHeaders)
  assert.equal(ours.credentialString, theirs.credentialString)
  assert.equal(ours.accessKeyId, credentials.accessKeyId)
  assert.equal(signed.headers, ours.headers, 'as aws4fetch does, sign() sets the signature on the signer\'s own Headers')
  assert.equal(signed.headers.get('authorization'), await theirs.authHeader())
  assert.equal(ours.encodedPath, undefined, 'the canonical parts come from the diagnostics build, only when asked')
  await ours.canonicalString()
  assert.equal(ours.encodedPath, theirs.encodedPath)
  assert.equal(ours.encodedSearch, theirs.encodedSearch)
  assert.equal(ours.canonicalHeaders, theirs.canonicalHeaders)
  assert.equal(await ours.signature(), await theirs.signature())
  assertNoSecrets(JSON.stringify(ours))
})

test('inputs past aws-sigv4 limits are errors, not traps: the core keeps signing afterwards', async () => {
  const presign = (options, url = FUNCTION_URL) => signRequest({ url }, { ...credentials, signQuery: true, ...options })
  const cases = [
    ['ERR_INVALID_URL', presign({}, `${FUNCTION_URL}/?q=${'a'.repeat(70_000)}`)],
    ['ERR_INVALID_URL', presign({ accessKeyId: 'A'.repeat(70_000) })],
    ['ERR_INVALID_URL', presign({ sessionToken: 'T'.repeat(70_000) })],
    ['ERR_INVALID_URL', signRequest({ url: `${FUNCTION_URL}/?q=${'!'.repeat(21_844)}` }, credentials)],
    ['ERR_INVALID_HEADER', signRequest({ url: FUNCTION_URL, headers: Array.from({ length: 24_600 }, (_, i) => [`x-h${i}`, 'v']) }, credentials)],
  ]
  for (const [code, signing] of cases) {
    const error = await rejection(signing)
    assert.equal(error.code, code, error.message)
    assertNoSecrets(error.message)
    const after = await new AwsV4Signer({ url: FUNCTION_URL, ...credentials }).sign()
    assert.match(after.headers.get('authorization'), /^AWS4-HMAC-SHA256 /, 'the instance still signs')
  }
})

test('requests fetch itself refuses are ERR_INVALID_REQUEST, not a bare TypeError', async () => {
  const client = new AwsClient({ ...credentials, service: 'lambda', region: 'us-east-1' })
  for (const init of [{ method: 'GET', body: 'x' }, { method: 'HEAD', body: 'x' }, { method: 'TRACE' }, { method: 'CONNECT' }]) {
    const error = await rejection(client.sign(FUNCTION_URL, init))
    assert.ok(error instanceof IamFetchError, `${init.method}: ${error}`)
    assert.equal(error.code, 'ERR_INVALID_REQUEST')
    assertNoSecrets(`${error.message} ${JSON.stringify(error)}`)
  }
  const method = await rejection(signRequest({ method: 42, url: FUNCTION_URL }, credentials))
  assert.equal(method.code, 'ERR_INVALID_METHOD')
  assert.equal((await rejection(signRequest(null, credentials))).code, 'ERR_INVALID_OPTIONS')
})
