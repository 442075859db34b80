// AwsClient.presignPost against the local stack's S3, which checks POST forms
// as S3 does and independently of iamfetch (stack/src/s3-post.mjs: the
// signature with node:crypto, expiry, every condition, extra fields, the
// size range). Each rule has a case the stack must refuse; the options each a
// stable IamFetchError code. The policy signature against AWS's own POST
// example is checked in tests/aws_chunked.rs.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { startStack } from '../../stack/src/index.mjs'
import { distEntry } from './support/paths.mjs'
import { runRecorded } from './support/load-recorder.mjs'
import { BUILDS } from '../../js/src/build-list.js'
import { xmlText } from '../../js/src/credentials/xml.js'

const { AwsClient, IamFetchError, fromCognitoIdentityPool } = await import(distEntry)

const BUCKET = 'iamfetch-local'
let stack, bucketUrl, user, client
before(async () => {
  // The guest role may write to the bucket here, so that a form signed with Cognito's temporary credentials is accepted.
  stack = await startStack({ config: (cfg) => { cfg.s3.invokers.push(`arn:aws:iam::${cfg.accountId}:role/demo-guest`); return cfg } })
  bucketUrl = `${stack.endpoints.s3}/${BUCKET}`
  user = stack.ids.iamUsers['test-user']
  client = new AwsClient({ ...user, region: 'us-east-1' })
})
after(() => stack?.stop())

/** Posts the form as a browser would: the fields, then the file. */
async function upload({ url, fields }, { bytes = 'hello, form', filename = 'note.txt', extra = {}, replace = {} } = {}) {
  const form = new FormData()
  for (const [name, value] of Object.entries({ ...fields, ...extra, ...replace })) form.append(name, value)
  form.append('file', new Blob([bytes]), filename)
  const response = await fetch(url, { method: 'POST', body: form })
  const text = await response.text()
  const code = xmlText(text, 'Code')
  const message = xmlText(text, 'Message')
  return { status: response.status, text, code, message }
}

const decodePolicy = (fields) => JSON.parse(Buffer.from(fields.policy, 'base64').toString('utf8'))
const CAPPED = { key: 'uploads/${filename}', conditions: [['content-length-range', 1, 1024]] }

test('an upload within the policy is stored and reads back; the form holds what the SDK returns', async () => {
  const datetime = Date.now()
  const post = await client.presignPost(bucketUrl, {
    ...CAPPED,
    conditions: [...CAPPED.conditions, ['starts-with', '$Content-Type', 'text/']],
    fields: { success_action_status: '201' },
    aws: { datetime },
  })
  assert.equal(post.url, bucketUrl)
  assert.deepEqual(Object.keys(post.fields), ['success_action_status', 'key', 'x-amz-algorithm', 'x-amz-credential', 'x-amz-date', 'policy', 'x-amz-signature'])
  assert.equal(post.fields.key, 'uploads/${filename}')
  assert.match(post.fields['x-amz-credential'], /^AKIAIAMFETCHTESTUSER\/\d{8}\/us-east-1\/s3\/aws4_request$/)
  assert.match(post.fields['x-amz-signature'], /^[0-9a-f]{64}$/)
  const policy = decodePolicy(post.fields)
  assert.equal(policy.expiration, new Date(Math.floor(datetime / 1000) * 1000 + 3_600_000).toISOString().replace('.000Z', 'Z'), 'one hour from the signing time, without milliseconds')
  assert.deepEqual(policy.conditions, [
    { bucket: BUCKET },
    ['content-length-range', 1, 1024],
    ['starts-with', '$Content-Type', 'text/'],
    { success_action_status: '201' },
    { 'x-amz-algorithm': 'AWS4-HMAC-SHA256' },
    { 'x-amz-credential': post.fields['x-amz-credential'] },
    { 'x-amz-date': post.fields['x-amz-date'] },
    ['starts-with', '$key', 'uploads/'],
  ])

  const stored = await upload(post, { extra: { 'Content-Type': 'text/plain' } })
  assert.equal(stored.status, 201, stored.text)
  assert.match(stored.text, /<Key>uploads\/note\.txt<\/Key>/)
  assert.equal(stack.s3Object(BUCKET, 'uploads/note.txt').contentType, 'text/plain')
  const back = await new AwsClient({ ...user, ...stack.signing.s3 }).fetch(`${bucketUrl}/uploads/note.txt`)
  assert.equal(await back.text(), 'hello, form')
})

test('over the size cap is 400 EntityTooLarge, and nothing is stored', async () => {
  const post = await client.presignPost(bucketUrl, CAPPED)
  const refused = await upload(post, { bytes: new Uint8Array(1025), filename: 'big.bin' })
  assert.equal(refused.status, 400, refused.text)
  assert.equal(refused.code, 'EntityTooLarge')
  assert.match(refused.text, /<MaxSizeAllowed>1024<\/MaxSizeAllowed>/)
  assert.equal(stack.s3Object(BUCKET, 'uploads/big.bin'), undefined)
  assert.equal((await upload(post, { bytes: new Uint8Array(1024), filename: 'edge.bin' })).status, 204, 'the cap itself is allowed')
})

test('a key outside the prefix is 403; a fixed key allows no other', async () => {
  const prefixed = await upload(await client.presignPost(bucketUrl, CAPPED), { replace: { key: 'elsewhere/note.txt' } })
  assert.equal(prefixed.status, 403, prefixed.text)
  assert.equal(prefixed.message, 'Invalid according to Policy: Policy Condition failed: ["starts-with", "$key", "uploads/"]')

  const fixed = await client.presignPost(bucketUrl, { key: 'avatars/42.png' })
  assert.equal((await upload(fixed, { replace: { key: 'avatars/43.png' } })).status, 403)
  assert.equal((await upload(fixed)).status, 204)
  assert.equal(stack.s3Object(BUCKET, 'avatars/42.png').size, 11)
})

test('a field the policy does not cover is 403 Extra input fields', async () => {
  const refused = await upload(await client.presignPost(bucketUrl, CAPPED), { extra: { 'x-amz-meta-owner': 'mallory' } })
  assert.equal(refused.status, 403, refused.text)
  assert.equal(refused.message, 'Invalid according to Policy: Extra input fields: x-amz-meta-owner')
})

test('a caller field is fixed: the browser cannot change it', async () => {
  const post = await client.presignPost(bucketUrl, { ...CAPPED, fields: { 'Content-Type': 'image/png' } })
  assert.equal((await upload(post, { replace: { 'Content-Type': 'text/html' } })).status, 403)
  assert.equal((await upload(post, { filename: 'pic.png' })).status, 204)
  assert.equal(stack.s3Object(BUCKET, 'uploads/pic.png').contentType, 'image/png')
})

test('an expired policy is 403; so is a tampered signature or policy', async () => {
  const stale = await client.presignPost(bucketUrl, { ...CAPPED, expiresIn: 60, aws: { datetime: new Date(Date.now() - 61_000) } })
  const expired = await upload(stale)
  assert.equal(expired.status, 403, expired.text)
  assert.equal(expired.message, 'Invalid according to Policy: Policy expired.')

  const post = await client.presignPost(bucketUrl, CAPPED)
  const flipped = post.fields['x-amz-signature'].replace(/^./, (c) => (c === '0' ? '1' : '0'))
  const forged = await upload(post, { replace: { 'x-amz-signature': flipped } })
  assert.equal(forged.status, 403)
  assert.equal(forged.code, 'SignatureDoesNotMatch')
  // A wider policy with the original signature: the signature covers the policy.
  const widened = Buffer.from(JSON.stringify({ ...decodePolicy(post.fields), conditions: [['starts-with', '$key', '']] })).toString('base64')
  assert.equal((await upload(post, { replace: { policy: widened } })).code, 'SignatureDoesNotMatch')
})

test("the client's clock offset, learned from S3's skew answer, dates the policy", async () => {
  stack.setClockOffset(7200)
  try {
    const skewed = new AwsClient({ ...user, ...stack.signing.s3 })
    await (await skewed.fetch(`${bucketUrl}/missing`)).body?.cancel()
    assert.ok(Math.abs(skewed.clockOffsetMs - 7_200_000) < 60_000, `offset learned: ${skewed.clockOffsetMs}`)
    const post = await skewed.presignPost(bucketUrl, { ...CAPPED, expiresIn: 60 })
    const stored = await upload(post, { filename: 'skewed.txt' })
    assert.equal(stored.status, 204, stored.text)
    // The same policy dated by this machine's clock expired an hour before S3's now.
    const naive = await upload(await client.presignPost(bucketUrl, { ...CAPPED, expiresIn: 60 }))
    assert.equal(naive.message, 'Invalid according to Policy: Policy expired.')
  } finally {
    stack.setClockOffset(0)
  }
})

test("Cognito guest credentials: the session token is a field and a condition, and the stack accepts the form", async () => {
  const cognito = fromCognitoIdentityPool({ identityPoolId: stack.ids.identityPoolId, endpoint: stack.endpoints.cognitoIdentity })
  let given
  const guest = new AwsClient({ credentials: async (signal) => (given = await cognito(signal)), region: 'us-east-1' })
  const post = await guest.presignPost(bucketUrl, { ...CAPPED, key: 'guests/${filename}' })
  const { sessionToken, accessKeyId } = given
  // Compared without printing: a failure would show the token.
  assert.ok(sessionToken && post.fields['x-amz-security-token'] === sessionToken, 'the token is the field')
  assert.ok(post.fields['x-amz-credential'].startsWith(`${accessKeyId}/`))
  assert.ok(decodePolicy(post.fields).conditions.some((c) => c['x-amz-security-token'] === sessionToken))
  const stored = await upload(post, { filename: 'guest.txt' })
  assert.equal(stored.status, 204, stored.text)
  assert.equal(stack.s3Object(BUCKET, 'guests/guest.txt').size, 11)
  const { 'x-amz-security-token': _, ...withoutToken } = post.fields
  assert.equal((await upload({ url: post.url, fields: withoutToken })).code, 'InvalidAccessKeyId')
})

test('the bucket: from a virtual-hosted AWS URL (dots kept, region read from the host), a path, or `bucket`', async () => {
  const keys = new AwsClient({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' })
  const hosted = await keys.presignPost('https://my.s3.photos.s3.eu-west-1.amazonaws.com/', { key: 'a' })
  assert.equal(hosted.url, 'https://my.s3.photos.s3.eu-west-1.amazonaws.com/')
  assert.deepEqual(decodePolicy(hosted.fields).conditions[0], { bucket: 'my.s3.photos' })
  assert.match(hosted.fields['x-amz-credential'], /^AKIDEXAMPLE\/\d{8}\/eu-west-1\/s3\/aws4_request$/)
  const dualstack = await keys.presignPost('https://b1.s3.dualstack.ap-south-1.amazonaws.com', { key: 'a' })
  assert.deepEqual(decodePolicy(dualstack.fields).conditions[0], { bucket: 'b1' })
  const pathStyle = await keys.presignPost(new URL('https://s3.us-west-2.amazonaws.com/logs-2026/'), { key: 'a' })
  assert.deepEqual(decodePolicy(pathStyle.fields).conditions[0], { bucket: 'logs-2026' })
  const custom = await keys.presignPost('https://uploads.example.com/', { key: 'a', bucket: 'uploads.example.com', aws: { region: 'us-east-1' } })
  assert.deepEqual(decodePolicy(custom.fields).conditions[0], { bucket: 'uploads.example.com' })
})

test('bad options: a stable code each, checked before credentials are fetched, with no secret in any message', async () => {
  let fetched = 0
  const secretAccessKey = 'local-only/secret/must-never-be-quoted'
  const sessionToken = 'IQoJb3JpZ2luX2VjEXAMPLE-session-token-never-quoted'
  const counting = new AwsClient({ region: 'us-east-1', credentials: async () => { fetched++; return { accessKeyId: 'AKIDEXAMPLE', secretAccessKey, sessionToken } } })
  const cases = [
    [bucketUrl, undefined, 'ERR_INVALID_OPTIONS', /options object with at least `key`/],
    [bucketUrl, {}, 'ERR_INVALID_OPTIONS', /needs `key`/],
    [bucketUrl, { key: 'x'.repeat(1025) }, 'ERR_INVALID_OPTIONS', /over 1024 bytes/],
    [bucketUrl, { key: 'a', expires: 60 }, 'ERR_INVALID_OPTIONS', /unknown option\(s\) expires/],
    [bucketUrl, { key: 'a', aws: { signQuery: true } }, 'ERR_INVALID_OPTIONS', /unknown option\(s\) signQuery/],
    [bucketUrl, { key: 'a', expiresIn: 0 }, 'ERR_EXPIRES_RANGE', /1\.\.604800/],
    [bucketUrl, { key: 'a', expiresIn: 604_801 }, 'ERR_EXPIRES_RANGE', /1\.\.604800/],
    [bucketUrl, { key: 'a', expiresIn: 1.5 }, 'ERR_EXPIRES_RANGE', /whole number/],
    [bucketUrl, { key: 'a', expiresIn: '60' }, 'ERR_EXPIRES_RANGE', /whole number/],
    [bucketUrl, { key: 'a', conditions: { key: 'a' } }, 'ERR_INVALID_OPTIONS', /conditions must be an array/],
    [bucketUrl, { key: 'a', conditions: [['content-length-range', 1.5, 10]] }, 'ERR_INVALID_OPTIONS', /conditions\[0\]: content-length-range takes two whole numbers/],
    [bucketUrl, { key: 'a', conditions: [['content-length-range', 10, 1]] }, 'ERR_INVALID_OPTIONS', /min <= max/],
    [bucketUrl, { key: 'a', conditions: [['content-length-range', 0, 9], ['content-length-range', 0, 8]] }, 'ERR_INVALID_OPTIONS', /conditions\[1\]: a policy has one content-length-range/],
    [bucketUrl, { key: 'a', conditions: [['eq', 'key', 'a']] }, 'ERR_INVALID_OPTIONS', /conditions\[0\]: the field must be a string that starts with \$/],
    [bucketUrl, { key: 'a', conditions: [['lt', '$key', 'a']] }, 'ERR_INVALID_OPTIONS', /the operator must be/],
    [bucketUrl, { key: 'a', conditions: [['eq', '$acl', 5]] }, 'ERR_INVALID_OPTIONS', /must be a string/],
    [bucketUrl, { key: 'a', conditions: [{ acl: 'private', key: 'a' }] }, 'ERR_INVALID_OPTIONS', /one \{ field: 'value' \} pair/],
    [bucketUrl, { key: 'a', conditions: ['acl'] }, 'ERR_INVALID_OPTIONS', /conditions\[0\] must be/],
    [bucketUrl, { key: 'a', fields: { Policy: 'x' } }, 'ERR_INVALID_OPTIONS', /Policy is set by presignPost/],
    [bucketUrl, { key: 'a', fields: { bucket: 'x' } }, 'ERR_INVALID_OPTIONS', /the `bucket` option/],
    [bucketUrl, { key: 'a', fields: { acl: 1 } }, 'ERR_INVALID_OPTIONS', /value of acl must be a string/],
    [bucketUrl, { key: 'a', fields: { acl: 'private', ACL: 'public-read' } }, 'ERR_INVALID_OPTIONS', /given twice/],
    [bucketUrl, { key: 'uploads/a', conditions: [['starts-with', '$key', 'images/']] }, 'ERR_INVALID_OPTIONS', /the key given can never meet conditions\[0\]/],
    [bucketUrl, { key: 'uploads/${filename}', conditions: [['starts-with', '$key', 'images/']] }, 'ERR_INVALID_OPTIONS', /the key given can never meet/],
    [bucketUrl, { key: 'a', fields: { 'Content-Type': 'text/html' }, conditions: [['starts-with', '$content-type', 'image/']] }, 'ERR_INVALID_OPTIONS', /the content-type given can never meet conditions\[0\]/],
    [bucketUrl, { key: 'a', conditions: [{ bucket: 'another' }] }, 'ERR_INVALID_OPTIONS', /the bucket given can never meet/],
    [`${bucketUrl}/uploads/a.txt`, { key: 'a' }, 'ERR_INVALID_URL', /bucket's URL/],
    [stack.endpoints.s3, { key: 'a' }, 'ERR_INVALID_URL', /pass `bucket`/],
    ['https://b.s3.us-east-1.amazonaws.com/photo.jpg', { key: 'a' }, 'ERR_INVALID_URL', /not to an object's/],
    [`${stack.endpoints.s3}/%E0`, { key: 'a' }, 'ERR_INVALID_URL', /percent-encoded/],
    ['ftp://example.com/b', { key: 'a' }, 'ERR_INVALID_URL', /http\(s\) URL/],
    ['not a url', { key: 'a' }, 'ERR_INVALID_URL', /absolute URL/],
    [42, { key: 'a' }, 'ERR_INVALID_URL', /a string or a URL/],
    [bucketUrl, { key: 'a', aws: { datetime: 'yesterday' } }, 'ERR_INVALID_DATETIME', /datetime must be/],
    [bucketUrl, { key: 'a', aws: { datetime: Number.NaN } }, 'ERR_INVALID_DATETIME', /between 1970 and 9999/],
    [bucketUrl, { key: 'a', aws: { region: 5 } }, 'ERR_INVALID_REGION', /region must be a string/],
  ]
  for (const [url, options, code, message] of cases) {
    const error = await counting.presignPost(url, options).then(() => assert.fail(`${JSON.stringify(options)} was accepted`), (e) => e)
    assert.ok(error instanceof IamFetchError, `${JSON.stringify(options)}: ${error}`)
    assert.equal(error.code, code, `${JSON.stringify(options)}: ${error.message}`)
    assert.match(error.message, message)
  }
  assert.equal(fetched, 0, 'no credentials were fetched for options that could never sign')

  const noRegion = new AwsClient({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey })
  await assert.rejects(noRegion.presignPost(bucketUrl, { key: 'a' }), { code: 'ERR_MISSING_REGION' })
  await assert.rejects(new AwsClient({ oac: true, region: 'us-east-1' }).presignPost(bucketUrl, { key: 'a' }), { code: 'ERR_MISSING_CREDENTIALS' })
  const badKeys = new AwsClient({ region: 'us-east-1', accessKeyId: 'AKID EXAMPLE\n', secretAccessKey })
  const refused = await badKeys.presignPost(bucketUrl, { key: 'a' }).catch((e) => e)
  assert.equal(refused.code, 'ERR_INVALID_CREDENTIALS')
  const badRegion = await counting.presignPost(bucketUrl, { key: 'a', aws: { region: 'us east 1' } }).catch((e) => e)
  assert.equal(badRegion.code, 'ERR_INVALID_REGION', badRegion.message)
  assert.equal(fetched, 1, 'the scope is checked by the wasm, once the credentials are there')
  for (const error of [refused, badRegion]) {
    assert.ok(!error.message.includes(secretAccessKey) && !error.message.includes(sessionToken), error.message)
  }
})

test("the default signing path loads none of presignPost's code nor the S3 build; the first presignPost loads both", async () => {
  const APP = `
import { appendFileSync } from 'node:fs'
const { AwsClient } = await import(process.argv[2])
const log = (line) => appendFileSync(process.env.IAMFETCH_LOG, line + '\\n')
const client = new AwsClient({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', region: 'us-east-1' })
const signed = await client.sign('https://b.s3.us-east-1.amazonaws.com/k', { method: 'PUT', body: 'x' })
log('signed ' + signed.headers.get('authorization').split(' ')[0])
const post = await client.presignPost('https://b.s3.us-east-1.amazonaws.com', { key: 'k' })
log('posted ' + post.fields['x-amz-signature'].length)
`
  const lines = await runRecorded(APP, { under: '/dist/', args: [distEntry], reads: true })
  const signed = lines.indexOf('signed AWS4-HMAC-SHA256')
  const posted = lines.indexOf('posted 64')
  assert.ok(signed !== -1 && posted > signed, `signed, then presigned a POST: ${lines}`)
  const presignPostCode = 'function checkFixedValues('
  const holding = (from, to) => lines.slice(from, to).filter((line) => line.startsWith('import file:') && readFileSync(new URL(line.slice('import '.length)), 'utf8').includes(presignPostCode))
  const s3Files = (from, to) => lines.slice(from, to).filter((line) => line.includes(BUILDS.s3.glue) || line.includes(BUILDS.s3.wasm))
  assert.deepEqual(holding(0, signed), [], 'presignPost code is not loaded to sign')
  assert.deepEqual(s3Files(0, signed), [], 'nor the S3 build')
  assert.ok(holding(signed, posted).length > 0, `presignPost loads its code: ${lines}`)
  assert.ok(s3Files(signed, posted).length > 0, `and the S3 build: ${lines}`)
})
