// S3 checksums (checksumAlgorithm, contentMd5) computed by the S3 build over
// the exact bytes sent: each algorithm against the CRC catalogue's and
// NIST's check values, every body type against the AWS SDK's own CRCs and
// node:crypto, and against the local stack's S3, which recomputes each
// (400 BadDigest when a header does not match the body).
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { distEntry } from './support/paths.mjs'
import { rejection } from './support/rejection.mjs'
import { runRecorded } from './support/load-recorder.mjs'
import { BUILDS } from '../../js/src/build-list.js'
import { startStack } from '../../stack/src/index.mjs'
import { checksumOf } from '../stack/support/s3-client.mjs'

const { AwsClient, init } = await import(distEntry)

/** The check values of "123456789": the CRC catalogue's (CRC-32/ISO-HDLC, CRC-32/ISCSI, CRC-64/NVME), NIST's hashes, RFC 1321's MD5. */
const CHECK_INPUT = '123456789'
const CHECK_VALUES = {
  CRC32: hexToBase64('cbf43926'),
  CRC32C: hexToBase64('e3069283'),
  CRC64NVME: hexToBase64('ae8b14860a799888'),
  SHA1: hexToBase64('f7c3bc1d808e04732adf679965ccc34ca7ae3441'),
  SHA256: hexToBase64('15e2b0d3c33891ebb0f1ef609ec419420c20e320ce94c65fbc8c3312448eb225'),
}
const CHECK_MD5 = hexToBase64('25f9e794323b453885f5181f1b624d0b')
const ALGORITHMS = Object.keys(CHECK_VALUES)

function hexToBase64(hex) {
  return Buffer.from(hex, 'hex').toString('base64')
}

let stack
let user
let bucketUrl
before(async () => {
  stack = await startStack()
  user = stack.ids.iamUsers['test-user']
  bucketUrl = `${stack.endpoints.s3}/${stack.ids.s3Buckets[0]}`
  await init()
})
after(() => stack?.stop())

const s3Client = (options = {}) => new AwsClient({ ...user, ...stack.signing.s3, ...options })
const signedHeaders = (request) => /SignedHeaders=([^,]+)/.exec(request.headers.get('authorization'))[1].split(';')
const checksumHeadersOf = (request) => [...request.headers.keys()].filter((name) => /^x-amz-checksum-|^content-md5$/.test(name))

async function s3Code(response) {
  const text = await response.text()
  return /<Code>([^<]+)<\/Code>/.exec(text)?.[1] ?? `${response.status} ${text}`
}

/** Signs a plain PUT, then one with a checksum, then an aws-chunked one, logging after each. */
const LAZY_APP = `
import { appendFileSync } from 'node:fs'
const { AwsClient } = await import(process.argv[2])
const client = new AwsClient({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret', service: 's3', region: 'us-east-1' })
const url = 'https://examplebucket.s3.us-east-1.amazonaws.com/key'
const done = (what) => appendFileSync(process.env.IAMFETCH_LOG, 'signed ' + what + '\\n')
await client.sign(url, { method: 'PUT', body: 'plain' })
done('plain')
await client.sign(url, { method: 'PUT', body: 'checked', aws: { checksumAlgorithm: 'CRC32' } })
done('checksum')
const chunked = await client.sign(url, { method: 'PUT', body: new Blob(['x']).stream(), aws: { contentLength: 1 } })
await chunked.body.cancel()
done('chunked')
`

test('lazy: a request that asks for no checksum imports no S3 module and reads no S3 .wasm; a checksum loads the S3 build, contentLength the chunking', async () => {
  const lines = await runRecorded(LAZY_APP, { under: '/dist/', reads: true, args: [distEntry] })
  const at = (what) => lines.indexOf(`signed ${what}`)
  assert.ok(at('plain') > 0 && at('checksum') > at('plain') && at('chunked') > at('checksum'), lines.join('\n'))
  const s3Files = [BUILDS.s3.wasm, BUILDS.s3.glue, '/s3/checksums.js', '/s3/aws-chunked.js', '/s3/upload-transport.js', '/s3/s3-build.js']
  const loaded = (until) => lines.slice(0, until).filter((line) => s3Files.some((file) => line.endsWith(file.startsWith('/') ? file : `/${file}`)))
  assert.deepEqual(loaded(at('plain')), [], 'nothing of S3 for a plain request')
  const forChecksum = loaded(at('checksum'))
  assert.ok(forChecksum.some((line) => line.startsWith('read ') && line.endsWith(`/${BUILDS.s3.wasm}`)), `the S3 .wasm is read for a checksum: ${forChecksum}`)
  assert.ok(!forChecksum.some((line) => line.endsWith('/s3/aws-chunked.js')), `no chunking code for a checksum: ${forChecksum}`)
  assert.ok(loaded(at('chunked')).some((line) => line.endsWith('/s3/aws-chunked.js')), 'the chunking code for contentLength')
})

for (const algorithm of ALGORITHMS) {
  test(`${algorithm}: the check value of "123456789" in x-amz-checksum-${algorithm.toLowerCase()}, signed, and S3 takes it`, async () => {
    const header = `x-amz-checksum-${algorithm.toLowerCase()}`
    const request = await s3Client({ checksumAlgorithm: algorithm }).sign(`${bucketUrl}/check/${algorithm}`, { method: 'PUT', body: CHECK_INPUT })
    assert.equal(request.headers.get(header), CHECK_VALUES[algorithm])
    assert.deepEqual(checksumHeadersOf(request), [header])
    assert.ok(signedHeaders(request).includes(header), 'the checksum header is signed')

    const response = await s3Client().fetch(`${bucketUrl}/check/${algorithm}`, { method: 'PUT', body: CHECK_INPUT, aws: { checksumAlgorithm: algorithm } })
    assert.equal(response.status, 200, await response.clone().text())
    assert.deepEqual(stack.s3Object(stack.ids.s3Buckets[0], `check/${algorithm}`).checksum, { algorithm: algorithm.toLowerCase(), value: CHECK_VALUES[algorithm] })
  })
}

test('contentMd5: the MD5 of "123456789" in content-md5, signed; with a checksumAlgorithm both are sent, and S3 takes them', async () => {
  const request = await s3Client({ contentMd5: true, checksumAlgorithm: 'CRC32C' }).sign(`${bucketUrl}/md5`, { method: 'PUT', body: CHECK_INPUT })
  assert.equal(request.headers.get('content-md5'), CHECK_MD5)
  assert.equal(request.headers.get('x-amz-checksum-crc32c'), CHECK_VALUES.CRC32C)
  assert.ok(signedHeaders(request).includes('content-md5'))
  const response = await s3Client({ contentMd5: true, checksumAlgorithm: 'CRC32C' }).fetch(`${bucketUrl}/md5`, { method: 'PUT', body: CHECK_INPUT })
  assert.equal(response.status, 200, await response.clone().text())
})

/** Bytes that differ from one offset to the next, so that a chunk fed twice, skipped or out of order changes every checksum. */
function patterned(size) {
  const bytes = new Uint8Array(size)
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + (i >>> 8) * 7) & 0xff
  return bytes
}

const MiB = 1024 * 1024
/** Every body type iamfetch hashes, each with the bytes fetch sends for it, and how it is read (body.js). */
const BODIES = [
  ['a short string (hashed in the signing call)', () => 'héllo wörld ✓', () => Buffer.from('héllo wörld ✓')],
  ['a 40 KB string (WebCrypto)', () => 'x'.repeat(40_000), () => Buffer.from('x'.repeat(40_000))],
  ['a Uint8Array view into a larger buffer', () => patterned(3000).subarray(1000, 2500), () => Buffer.from(patterned(3000).subarray(1000, 2500))],
  ['an ArrayBuffer of 2 MiB (WebCrypto, fed in 1 MiB pieces)', () => patterned(2 * MiB + 5).buffer, () => Buffer.from(patterned(2 * MiB + 5))],
  ['URLSearchParams', () => new URLSearchParams({ a: '1 2', b: 'é' }), () => Buffer.from('a=1+2&b=%C3%A9')],
  ['a 100 KB Blob (read whole, WebCrypto)', () => new Blob([patterned(100_000)]), () => Buffer.from(patterned(100_000))],
  ['a 9 MiB Blob (read and hashed in 1 MiB chunks)', () => new Blob([patterned(9 * MiB + 77)]), () => Buffer.from(patterned(9 * MiB + 77))],
  ['a stream (buffered within maxBufferedBodyBytes)', () => new Blob([patterned(200_003)]).stream(), () => Buffer.from(patterned(200_003))],
  ['an empty body', () => null, () => Buffer.alloc(0)],
]

for (const [name, body, bytes] of BODIES) {
  test(`every algorithm over ${name}: the AWS SDK's CRCs and node:crypto agree, and S3 stores it`, async () => {
    const expected = bytes()
    for (const algorithm of ALGORITHMS) {
      const request = await s3Client({ checksumAlgorithm: algorithm, contentMd5: true }).sign(`${bucketUrl}/bodies`, { method: 'PUT', body: body() })
      assert.equal(request.headers.get(`x-amz-checksum-${algorithm.toLowerCase()}`), await checksumOf(algorithm.toLowerCase(), expected), algorithm)
      assert.equal(request.headers.get('content-md5'), await checksumOf('md5', expected), `${algorithm}: content-md5`)
    }
    const response = await s3Client({ checksumAlgorithm: 'CRC64NVME', contentMd5: true }).fetch(`${bucketUrl}/bodies`, { method: 'PUT', body: body() })
    assert.equal(response.status, 200, await response.clone().text())
    assert.equal(stack.s3Object(stack.ids.s3Buckets[0], 'bodies').size, expected.length)
  })
}

test('a stream past maxBufferedBodyBytes is refused (ERR_BODY_TOO_LARGE), pointing to contentLength', async () => {
  const stream = new Blob([patterned(2000)]).stream()
  const error = await rejection(s3Client({ checksumAlgorithm: 'CRC32', maxBufferedBodyBytes: 1000 }).fetch(`${bucketUrl}/big`, {
    method: 'PUT', body: stream, headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
  }))
  assert.equal(error.code, 'ERR_BODY_TOO_LARGE')
  assert.match(error.message, /checksum header goes before it.*contentLength/)
})

test('FormData: the checksum is of the multipart bytes sent, boundary included', async () => {
  const form = new FormData()
  form.append('field', 'value')
  form.append('file', new Blob([patterned(5000)]), 'f.bin')
  const request = await s3Client({ checksumAlgorithm: 'SHA256' }).sign(`${bucketUrl}/form`, { method: 'PUT', body: form })
  const sent = Buffer.from(await request.arrayBuffer())
  assert.match(request.headers.get('content-type'), /^multipart\/form-data; boundary=/)
  assert.equal(request.headers.get('x-amz-checksum-sha256'), await checksumOf('sha256', sent))
})

test('with a declared x-amz-content-sha256 (UNSIGNED-PAYLOAD) the body is still read for its checksum, and the declared hash kept', async () => {
  const request = await s3Client({ checksumAlgorithm: 'CRC32' }).sign(`${bucketUrl}/unsigned`, {
    method: 'PUT', body: CHECK_INPUT, headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
  })
  assert.equal(request.headers.get('x-amz-content-sha256'), 'UNSIGNED-PAYLOAD')
  assert.equal(request.headers.get('x-amz-checksum-crc32'), CHECK_VALUES.CRC32)
  const response = await s3Client({ checksumAlgorithm: 'CRC32' }).fetch(`${bucketUrl}/unsigned`, {
    method: 'PUT', body: CHECK_INPUT, headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
  })
  assert.equal(response.status, 200, await response.clone().text())
})

test("a caller's own checksum header is kept and signed as given, not recomputed: a wrong one is S3's 400 BadDigest", async () => {
  const wrong = CHECK_VALUES.CRC32C
  const client = s3Client({ checksumAlgorithm: 'CRC32', contentMd5: true })
  const request = await client.sign(`${bucketUrl}/own`, { method: 'PUT', body: 'not the check input', headers: { 'x-amz-checksum-crc32c': wrong, 'content-md5': CHECK_MD5 } })
  assert.deepEqual(checksumHeadersOf(request).sort(), ['content-md5', 'x-amz-checksum-crc32c'], 'no second checksum is added beside the caller\'s')
  assert.equal(request.headers.get('x-amz-checksum-crc32c'), wrong)
  assert.ok(signedHeaders(request).includes('x-amz-checksum-crc32c'))
  const md5Wrong = await client.fetch(`${bucketUrl}/own`, { method: 'PUT', body: 'not the check input', headers: { 'content-md5': CHECK_MD5 } })
  assert.equal(await s3Code(md5Wrong), 'BadDigest')
  const crcWrong = await s3Client({ checksumAlgorithm: 'CRC32' }).fetch(`${bucketUrl}/own`, { method: 'PUT', body: 'not the check input', headers: { 'x-amz-checksum-crc32c': wrong } })
  assert.equal(await s3Code(crcWrong), 'BadDigest')
})

test('nothing is added unless asked: no checksum header and no content-md5 by default', async () => {
  const request = await s3Client().sign(`${bucketUrl}/plain`, { method: 'PUT', body: new Blob([patterned(100)]) })
  assert.deepEqual(checksumHeadersOf(request), [])
  const stored = await s3Client().fetch(`${bucketUrl}/plain`, { method: 'PUT', body: 'plain' })
  assert.equal(stored.status, 200)
})

test('presigned URLs never carry a checksum: the client\'s options are not applied, and a call\'s own are refused', async () => {
  const client = s3Client({ checksumAlgorithm: 'CRC32', contentMd5: true })
  const url = new URL(await client.presign(`${bucketUrl}/presigned`, { method: 'PUT' }))
  assert.equal(url.searchParams.get('X-Amz-SignedHeaders'), 'host')
  assert.ok(![...url.searchParams.keys()].some((name) => /checksum|content-md5/i.test(name)), url.search)
  const put = await fetch(url, { method: 'PUT', body: 'uploaded later' })
  assert.equal(put.status, 200, await put.clone().text())
  for (const aws of [{ checksumAlgorithm: 'CRC32' }, { contentMd5: true }, { contentLength: 5 }]) {
    const error = await rejection(client.presign(`${bucketUrl}/presigned`, { method: 'PUT', aws }))
    assert.equal(error.code, 'ERR_INVALID_OPTIONS', JSON.stringify(aws))
    assert.match(error.message, /presigned URL carries no checksum/)
  }
  const signQuery = await client.sign(`${bucketUrl}/presigned`, { method: 'PUT', body: 'x', aws: { signQuery: true } })
  assert.deepEqual(checksumHeadersOf(signQuery), [])
})

const DELETE_XML = '<Delete><Object><Key>bodies</Key></Object><Quiet>true</Quiet></Delete>'

test('DeleteObjects: S3 refuses it without an integrity header, and takes it with contentMd5: true', async () => {
  const without = await s3Client().fetch(`${bucketUrl}?delete`, { method: 'POST', body: DELETE_XML, headers: { 'content-type': 'application/xml' } })
  assert.equal(without.status, 400)
  assert.equal(await s3Code(without), 'InvalidRequest')
  const withMd5 = await s3Client().fetch(`${bucketUrl}?delete`, { method: 'POST', body: DELETE_XML, headers: { 'content-type': 'application/xml' }, aws: { contentMd5: true } })
  assert.equal(withMd5.status, 200, await withMd5.clone().text())
  assert.equal(stack.s3Object(stack.ids.s3Buckets[0], 'bodies'), undefined, 'the object was deleted')
})

test('through CloudFront OAC the checksum header is added too (CloudFront signs it on to S3)', async () => {
  let sent
  const client = new AwsClient({ oac: true, checksumAlgorithm: 'SHA1', fetch: async (request) => { sent = request; return new Response('') } })
  await client.fetch('https://d111111abcdef8.cloudfront.net/key', { method: 'PUT', body: CHECK_INPUT })
  assert.equal(sent.headers.get('x-amz-checksum-sha1'), CHECK_VALUES.SHA1)
  assert.equal(sent.headers.get('authorization'), null)
})

// Checked where their code loads (s3/upload-options.js): at the first call that
// uses them, the client's as a call's, before anything is sent.
test('bad options are ERR_INVALID_OPTIONS, per client and per call', async () => {
  for (const options of [{ checksumAlgorithm: 'crc32' }, { checksumAlgorithm: 'MD5' }, { checksumAlgorithm: 3 }, { contentMd5: 'yes' }, { contentMd5: 1 }, { contentMd5: 0 }]) {
    const fromClient = await rejection(s3Client(options).fetch(`${bucketUrl}/bad`, { method: 'PUT', body: 'x' }))
    assert.equal(fromClient.code, 'ERR_INVALID_OPTIONS', JSON.stringify(options))
    const perCall = await rejection(s3Client().fetch(`${bucketUrl}/bad`, { method: 'PUT', body: 'x', aws: options }))
    assert.equal(perCall.code, 'ERR_INVALID_OPTIONS', JSON.stringify(options))
  }
  assert.equal(stack.s3Object(stack.ids.s3Buckets[0], 'bad'), undefined, 'nothing was sent')
})
