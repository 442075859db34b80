// SigV4a (AWS4-ECDSA-P256-SHA256) through the JS API in Node: the aws-sigv4
// v4a vectors, the hosts that select it, bad input, and the local stack's
// independent verifier (its own key derivation and node:crypto ECDSA), with
// explainFailure on each kind of refusal. The same checks run in every other
// runtime through tests/runtimes/conformance.mjs.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { inspect } from 'node:util'
import { startStack, verifySigV4aSignature } from '../../stack/src/index.mjs'
import { distEntry } from './support/paths.mjs'
import { jsOptions, loadSuite, notExpressibleThroughFetch } from './support/aws-suite.mjs'
import { originRequestEvent, forwardAsCloudFront } from './support/cloudfront-events.mjs'

const { AwsClient, AwsV4Signer, signRequest, explainFailure, IamFetchError } = await import(distEntry)
const { createSigningProxy, signCloudFrontOriginRequest } = await import(new URL('../../js/dist/proxy/index.node.js', import.meta.url).href)

const cases = loadSuite('v4a')

const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY'
const TOKEN = 'IQoJb3JpZ2luX2VjEXAMPLETOKEN/with+base64=='
const KEYS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: SECRET, sessionToken: TOKEN }
const MRAP = 'https://mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com/photos/cat.jpg'

let stack, user
before(async () => {
  stack = await startStack()
  user = stack.ids.iamUsers['test-user']
})
after(() => stack?.stop())

test('the v4a suite has 38 cases, all with a public key', () => {
  assert.equal(cases.length, 38)
  assert.ok(cases.every((c) => c.signingAlgorithm === 'sigv4a' && c.publicKey))
})

for (const testCase of cases) {
  for (const [mode, expected] of [['header', testCase.header], ['query', testCase.query]]) {
    const skip = notExpressibleThroughFetch(testCase)
    test(`v4a ${testCase.name} (${mode}): canonical request and string to sign verbatim, signatures verify independently`, { skip }, async () => {
      const request = { method: testCase.method, url: testCase.url, headers: testCase.headers, body: testCase.body || undefined }
      const options = { ...jsOptions(testCase, mode === 'query'), signingAlgorithm: 'sigv4a', regionSet: testCase.region.split(',') }
      const credentials = { accessKeyId: testCase.accessKeyId, secretAccessKey: testCase.secretAccessKey }
      // signRequest: the diagnostics build.
      const signed = await signRequest(request, options)
      assert.equal(signed.canonicalRequest, expected.canonicalRequest, 'canonical request')
      assert.equal(signed.stringToSign, expected.stringToSign, 'string to sign')
      assert.ok(verifySigV4aSignature(credentials, expected.stringToSign, signed.signature), 'the diagnostics build signature verifies')
      // AwsV4Signer: the lazily loaded SigV4a build, which returns no string to sign: its signature must verify over the vector's.
      const { sessionToken, ...signerOptions } = options
      const signer = new AwsV4Signer({ ...request, ...signerOptions, sessionToken })
      const sent = await signer.sign()
      const signature = mode === 'query'
        ? sent.url.searchParams.get('X-Amz-Signature')
        : /Signature=([0-9a-f]+)$/.exec(sent.headers.get('authorization'))[1]
      assert.ok(verifySigV4aSignature(credentials, expected.stringToSign, signature), 'the SigV4a build signature verifies')
      assert.ok(!verifySigV4aSignature(credentials, expected.stringToSign.replace('20150830T', '20150831T'), signature), 'not over another string')
    })
  }
}

test('SigV4a-only hosts select SigV4a, region set * and their signing name; an explicit signingAlgorithm wins', async () => {
  for (const [url, service] of [
    [MRAP, 's3'],
    ['https://abcde.xyz.endpoint.events.amazonaws.com/', 'events'],
    ['https://123456789012.cloudfront-kvs.global.api.aws/key-value-stores/arn', 'cloudfront-keyvaluestore'],
  ]) {
    const { headers } = await new AwsV4Signer({ url, ...KEYS }).sign()
    assert.match(headers.get('authorization'), new RegExp(`^AWS4-ECDSA-P256-SHA256 Credential=AKIDEXAMPLE/\\d{8}/${service}/aws4_request, SignedHeaders=[a-z0-9;-]*x-amz-region-set`), url)
    assert.equal(headers.get('x-amz-region-set'), '*', url)
  }
  const { headers } = await new AwsV4Signer({ url: MRAP, ...KEYS, signingAlgorithm: 'sigv4', service: 's3', region: 'us-east-1' }).sign()
  assert.match(headers.get('authorization'), /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/us-east-1\/s3\/aws4_request/)
  assert.equal(headers.get('x-amz-region-set'), null)
  const explicit = await new AwsV4Signer({ url: MRAP, ...KEYS, regionSet: ['us-east-1', 'eu-*'] }).sign()
  assert.equal(explicit.headers.get('x-amz-region-set'), 'us-east-1,eu-*')
})

test('SigV4a without a region set signs for the region given or read from the host', async () => {
  const fromHost = await new AwsV4Signer({ url: 'https://events.eu-west-1.amazonaws.com/', ...KEYS, signingAlgorithm: 'sigv4a' }).sign()
  assert.equal(fromHost.headers.get('x-amz-region-set'), 'eu-west-1')
  const given = await new AwsV4Signer({ url: 'https://example.com/', ...KEYS, service: 'execute-api', region: 'ap-south-1', signingAlgorithm: 'sigv4a' }).sign()
  assert.equal(given.headers.get('x-amz-region-set'), 'ap-south-1')
})

test('a presigned SigV4a URL carries the region set and no region in its scope', async () => {
  const { url } = await new AwsV4Signer({ url: MRAP, ...KEYS, signQuery: true, expiresIn: 300 }).sign()
  assert.equal(url.searchParams.get('X-Amz-Algorithm'), 'AWS4-ECDSA-P256-SHA256')
  assert.equal(url.searchParams.get('X-Amz-Region-Set'), '*')
  assert.match(url.searchParams.get('X-Amz-Credential'), /^AKIDEXAMPLE\/\d{8}\/s3\/aws4_request$/)
  assert.equal(url.searchParams.get('X-Amz-Expires'), '300')
})

test('bad SigV4a input is a typed IamFetchError that never quotes a secret', async () => {
  const refused = [
    [{ signingAlgorithm: 'sigv4a', regionSet: [] }, 'ERR_INVALID_REGION_SET'],
    [{ signingAlgorithm: 'sigv4a', regionSet: [''] }, 'ERR_INVALID_REGION_SET'],
    [{ signingAlgorithm: 'sigv4a', regionSet: 'us-east-1' }, 'ERR_INVALID_REGION_SET'],
    [{ signingAlgorithm: 'sigv4a', regionSet: ['us-east-1', 7] }, 'ERR_INVALID_REGION_SET'],
    [{ signingAlgorithm: 'sigv4a', regionSet: ['us-east-1\nx'] }, 'ERR_INVALID_REGION_SET'],
    // Checked by the core: a region name or a wildcard.
    [{ signingAlgorithm: 'sigv4a', regionSet: ['us-east-1', 'eu/west'] }, 'ERR_INVALID_REGION_SET'],
    // No region set and no region to fall back on.
    [{ signingAlgorithm: 'sigv4a', service: 's3' }, 'ERR_INVALID_REGION_SET'],
    [{ signingAlgorithm: 'sigv4A', regionSet: ['*'] }, 'ERR_INVALID_OPTIONS'],
    [{ regionSet: ['*'] }, 'ERR_INVALID_OPTIONS'],
    // SigV4a derives its key pair from the secret: credentials without one cannot sign it.
    [{ signingAlgorithm: 'sigv4a', regionSet: ['*'], secretAccessKey: '' }, 'ERR_MISSING_CREDENTIALS'],
  ]
  for (const [options, code] of refused) {
    for (const sign of [
      async () => new AwsV4Signer({ url: 'https://example.com/x', service: 's3', ...KEYS, ...options }).sign(),
      async () => signRequest({ url: 'https://example.com/x' }, { service: 's3', ...KEYS, ...options }),
      async () => new AwsClient({ ...KEYS, service: 's3', ...options }).sign('https://example.com/x'),
    ]) {
      const error = await sign().then(() => assert.fail(`accepted ${inspect(options)}`), (e) => e)
      assert.ok(error instanceof IamFetchError, `${inspect(options)}: ${error}`)
      assert.equal(error.code, code, `${inspect(options)}: ${error.message}`)
      const seen = `${error.message} ${error.stack} ${JSON.stringify(error)} ${inspect(error, { showHidden: true })}`
      assert.ok(!seen.includes(SECRET) && !seen.includes(TOKEN), 'no secret in the error')
    }
  }
})

test('SigV4a to the stack: PUT and GET through a Multi-Region Access Point, presigned GET, region sets', async () => {
  const client = new AwsClient({ ...user, service: 's3', signingAlgorithm: 'sigv4a', regionSet: ['*'] })
  const url = `${stack.endpoints.mrap}/sigv4a/hello world.txt`
  const put = await client.fetch(url, { method: 'PUT', body: 'signed once, valid in every region' })
  assert.equal(put.status, 200, await put.text())
  const get = await client.fetch(url)
  assert.equal(await get.text(), 'signed once, valid in every region')
  const presigned = await client.sign(url, { aws: { signQuery: true, expiresIn: 60 } })
  const viaUrl = await fetch(presigned.url)
  assert.equal(viaUrl.status, 200)
  assert.equal(await viaUrl.text(), 'signed once, valid in every region')
  for (const regionSet of [['us-east-1'], ['eu-west-1', 'us-east-1']]) {
    const listed = await client.fetch(url, { aws: { regionSet } })
    assert.equal(listed.status, 200, `${regionSet}: ${await listed.text()}`)
  }
})

test('explainFailure names SigV4a refusals: a region set without the region, a mismatch, SigV4 where only SigV4a is taken', async () => {
  const url = `${stack.endpoints.mrap}/sigv4a/explained.txt`
  const base = { ...user, service: 's3', signingAlgorithm: 'sigv4a' }

  const elsewhere = await new AwsClient({ ...base, regionSet: ['eu-west-1', 'ap-south-1'] }).fetch(url)
  assert.equal(elsewhere.status, 400)
  const wrongSet = await explainFailure(elsewhere)
  assert.equal(wrongSet.cause, 'wrong-region-set', wrongSet.summary)
  assert.match(wrongSet.summary, /us-east-1/)
  assert.ok(wrongSet.evidence.some((line) => line.includes("'eu-west-1,ap-south-1'")), wrongSet.evidence.join('\n'))

  const wrongSecret = await new AwsClient({ ...base, regionSet: ['*'], secretAccessKey: `${user.secretAccessKey}x` }).fetch(url)
  assert.equal(wrongSecret.status, 403)
  const mismatch = await explainFailure(wrongSecret)
  assert.equal(mismatch.cause, 'signature-mismatch')
  assert.match(mismatch.stringToSign, /^AWS4-ECDSA-P256-SHA256\n/)
  assert.equal(mismatch.expectedCanonicalRequest, mismatch.canonicalRequest, 'S3 quotes the canonical request it computed')
  assert.ok(mismatch.evidence.includes('the canonical requests are the same: the secret access key must differ'), mismatch.evidence.join('\n'))

  // Changed after signing: S3's canonical request differs from ours on the path line.
  const signed = await new AwsClient({ ...base, regionSet: ['*'] }).sign(url)
  const tampered = await fetch(url.replace('explained', 'tampered'), { headers: signed.headers })
  assert.equal(tampered.status, 403)
  const changed = await explainFailure(tampered, signed)
  assert.equal(changed.cause, 'signature-mismatch')
  assert.ok(changed.evidence.some((line) => /^line 2: AWS `\/sigv4a\/tampered.txt` \/ ours `\/sigv4a\/explained.txt`$/.test(line)), changed.evidence.join('\n'))

  const hmac = await new AwsClient({ ...user, service: 's3', region: 'us-east-1' }).fetch(url)
  assert.equal(hmac.status, 400)
  assert.equal((await explainFailure(hmac)).cause, 'needs-sigv4a')

  // A service that takes only SigV4 (the stack's function URL answers as API Gateway and Lambda do for an unknown algorithm).
  const onlySigV4 = await new AwsClient({ ...user, ...stack.signing.functionUrl, signingAlgorithm: 'sigv4a' }).fetch(`${stack.endpoints.functionUrl}/x`)
  assert.ok(onlySigV4.status >= 400 && onlySigV4.status < 500)
  assert.equal((await explainFailure(onlySigV4)).cause, 'sigv4a-unsupported')
})

test('the signing proxy and the Lambda@Edge signer sign SigV4a for their upstream, which the stack accepts', async () => {
  const credentials = { accessKeyId: user.accessKeyId, secretAccessKey: user.secretAccessKey }
  const proxy = createSigningProxy({ upstream: stack.endpoints.mrap, credentials, service: 's3', signingAlgorithm: 'sigv4a', regionSet: ['*'], verify: false })
  const put = await proxy(new Request('http://proxy.local/edge/from-proxy.txt', { method: 'PUT', body: 'through the proxy' }))
  assert.equal(put.status, 200, await put.text())
  const got = await proxy(new Request('http://proxy.local/edge/from-proxy.txt'))
  assert.equal(await got.text(), 'through the proxy')

  const event = originRequestEvent(stack.endpoints.mrap, { uri: '/edge/from-proxy.txt' })
  const signed = await signCloudFrontOriginRequest(event, { credentials, service: 's3', signingAlgorithm: 'sigv4a', regionSet: ['us-east-1'] })
  assert.match(signed.headers.authorization[0].value, /^AWS4-ECDSA-P256-SHA256 /)
  assert.deepEqual(signed.headers['x-amz-region-set'], [{ key: 'X-Amz-Region-Set', value: 'us-east-1' }])
  const viaEdge = await forwardAsCloudFront(signed)
  assert.equal(await viaEdge.text(), 'through the proxy')
})

test("a skewed clock is learned from S3's RequestTimeTooSkewed and the SigV4a request signed again", async (t) => {
  stack.setClockOffset(20 * 60)
  t.after(() => stack.setClockOffset(0))
  const client = new AwsClient({ ...user, service: 's3', signingAlgorithm: 'sigv4a', regionSet: ['*'] })
  const response = await client.fetch(`${stack.endpoints.mrap}/sigv4a/skewed.txt`, { method: 'PUT', body: 'late' })
  assert.equal(response.status, 200, await response.text())
  assert.ok(Math.abs(client.clockOffsetMs - 20 * 60_000) < 3000, `offset ${client.clockOffsetMs}`)

  const skewed = await new AwsClient({ ...user, service: 's3', signingAlgorithm: 'sigv4a', regionSet: ['*'], retries: 0 }).sign(`${stack.endpoints.mrap}/sigv4a/skewed.txt`)
  const refused = await fetch(skewed)
  assert.equal(refused.status, 403)
  assert.equal((await explainFailure(refused, skewed)).cause, 'clock-skew')
})
