// Unbuffered S3 uploads with signed chunks (`contentLength` on a stream body):
// the headers, the chunking (every chunk `chunkSize` but the last), the
// trailer checksum, the bad lengths (an IamFetchError, and nothing past
// contentLength on the wire), the options refused, a skew 403, and a 100 MB
// upload's memory. The local stack's S3 checks every chunk signature, the
// trailer, the decoded length, and refuses Transfer-Encoding: chunked (501).
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { execFile, spawn } from 'node:child_process'
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { createServer as createHttpServer, request as httpRequest } from 'node:http'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { basename, extname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import * as esbuild from 'esbuild'
import { distEntry, repoRoot } from './support/paths.mjs'
import { writeWorkerdConfig } from './support/workerd.mjs'
import { ENGINES, openBrowser } from './support/browsers.mjs'
import { rejection } from './support/rejection.mjs'
import { startStack } from '../../stack/src/index.mjs'
import { checksumOf } from '../stack/support/s3-client.mjs'

const { AwsClient, init } = await import(distEntry)

let stack
let user
let bucket
let bucketUrl
before(async () => {
  stack = await startStack()
  user = stack.ids.iamUsers['test-user']
  bucket = stack.ids.s3Buckets[0]
  bucketUrl = `${stack.endpoints.s3}/${bucket}`
  await init()
})
after(() => stack?.stop())

const s3Client = (options = {}) => new AwsClient({ ...user, ...stack.signing.s3, ...options })

/** Bytes that differ from one offset to the next: a chunk sent twice, dropped or reordered changes the object. */
function patterned(size, seed = 0) {
  const bytes = new Uint8Array(size)
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + (i >>> 8) * 7 + seed) & 0xff
  return bytes
}

/** A pull stream giving `bytes` in pieces of the sizes given, cycled (arbitrary cuts, unrelated to chunkSize). */
function streamOf(bytes, pieces = [bytes.length || 1]) {
  let offset = 0
  let index = 0
  let pulls = 0
  const stream = new ReadableStream({
    pull(controller) {
      pulls++
      if (offset >= bytes.length) return controller.close()
      const size = pieces[index++ % pieces.length]
      controller.enqueue(bytes.slice(offset, offset + size))
      offset += size
    },
  }, { highWaterMark: 0 })
  return Object.assign(stream, { pulls: () => pulls })
}

/** The object read back through the client (GET), as bytes. */
async function readBack(key) {
  const response = await s3Client().fetch(`${bucketUrl}/${key}`)
  assert.equal(response.status, 200, `GET ${key}`)
  return new Uint8Array(await response.arrayBuffer())
}

async function upload(key, bytes, { pieces, ...aws } = {}) {
  return s3Client().fetch(`${bucketUrl}/${key}`, { method: 'PUT', body: streamOf(bytes, pieces), aws: { contentLength: bytes.length, ...aws } })
}

async function s3Code(response) {
  const text = await response.text()
  return /<Code>([^<]+)<\/Code>/.exec(text)?.[1] ?? `${response.status} ${text}`
}

test('the request: aws-chunked, the decoded and the encoded length, the streaming payload hash, signed', async () => {
  const request = await s3Client().sign(`${bucketUrl}/head`, { method: 'PUT', body: streamOf(patterned(66_560)), aws: { contentLength: 66_560 } })
  assert.equal(request.headers.get('content-encoding'), 'aws-chunked')
  assert.equal(request.headers.get('x-amz-decoded-content-length'), '66560')
  // AWS's worked example: 66,560 bytes in 64 KiB chunks encode to 66,824.
  assert.equal(request.headers.get('content-length'), '66824')
  assert.equal(request.headers.get('x-amz-content-sha256'), 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD')
  assert.equal(request.headers.get('x-amz-trailer'), null)
  assert.equal(request.headers.get('transfer-encoding'), null)
  const signed = /SignedHeaders=([^,]+)/.exec(request.headers.get('authorization'))[1].split(';')
  for (const name of ['content-encoding', 'x-amz-content-sha256', 'x-amz-decoded-content-length']) assert.ok(signed.includes(name), name)
  await request.body.cancel()

  const trailer = await s3Client({ checksumAlgorithm: 'CRC32C' }).sign(`${bucketUrl}/head`, {
    method: 'PUT', body: streamOf(patterned(66_560)), headers: { 'content-encoding': 'gzip' }, aws: { contentLength: 66_560 },
  })
  // AWS's example with a CRC32C trailer: 66,946 bytes.
  assert.equal(trailer.headers.get('content-length'), '66946')
  assert.equal(trailer.headers.get('x-amz-content-sha256'), 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER')
  assert.equal(trailer.headers.get('x-amz-trailer'), 'x-amz-checksum-crc32c')
  assert.equal(trailer.headers.get('x-amz-checksum-crc32c'), null, 'the checksum goes in the trailer, not in a header')
  // S3 documents a custom encoding after aws-chunked: "aws-chunked,gzip".
  assert.equal(trailer.headers.get('content-encoding'), 'aws-chunked,gzip')
  await trailer.body.cancel()
})

const KiB = 1024
/** [name, length, options]: every chunk is chunkSize but the last; the source cut unrelated to it. */
const UPLOADS = [
  ['a small body in one chunk', 1000, {}],
  ['an empty stream: only the final chunk', 0, {}],
  ['exactly one default chunk', 64 * KiB, {}],
  ['one byte past a chunk', 64 * KiB + 1, {}],
  ['many 8 KiB chunks (the smallest) from 5,000-byte pieces', 200_000, { chunkSize: 8 * KiB, pieces: [5000] }],
  ['exactly three chunks from pieces of 1 and 100,000 bytes', 3 * 16 * KiB, { chunkSize: 16 * KiB, pieces: [1, 100_000] }],
  ['one 1 MiB piece cut into 64 KiB chunks', 1024 * KiB, { pieces: [1024 * KiB] }],
  ['with a CRC32 trailer', 150_000, { checksumAlgorithm: 'CRC32', pieces: [7777] }],
  ['with a CRC64NVME trailer, 8 KiB chunks', 40_000, { checksumAlgorithm: 'CRC64NVME', chunkSize: 8 * KiB }],
  ['with a SHA256 trailer, empty', 0, { checksumAlgorithm: 'SHA256' }],
]

for (const [name, length, options] of UPLOADS) {
  test(`upload: ${name}; S3 checks every signature, and GET returns the same bytes`, async () => {
    const key = `upload/${name.replace(/\W+/g, '-')}`
    const bytes = patterned(length, length)
    const response = await upload(key, bytes, options)
    assert.equal(response.status, 200, await response.clone().text())
    assert.deepEqual(await readBack(key), bytes)
    const stored = stack.s3Object(bucket, key)
    assert.equal(stored.size, length)
    if (options.checksumAlgorithm) {
      const algorithm = options.checksumAlgorithm.toLowerCase()
      assert.deepEqual(stored.checksum, { algorithm, value: await checksumOf(algorithm, bytes) })
    }
  })
}

test("a caller's own checksum header is kept (no trailer then), and S3 checks it against the decoded bytes", async () => {
  const bytes = patterned(30_000)
  const own = await checksumOf('crc32', bytes)
  const request = await s3Client({ checksumAlgorithm: 'CRC32C' }).sign(`${bucketUrl}/own`, { method: 'PUT', body: streamOf(bytes), headers: { 'x-amz-checksum-crc32': own }, aws: { contentLength: bytes.length } })
  assert.equal(request.headers.get('x-amz-content-sha256'), 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD')
  assert.equal(request.headers.get('x-amz-trailer'), null)
  await request.body.cancel()
  const response = await s3Client({ checksumAlgorithm: 'CRC32C' }).fetch(`${bucketUrl}/own`, { method: 'PUT', body: streamOf(bytes), headers: { 'x-amz-checksum-crc32': own }, aws: { contentLength: bytes.length } })
  assert.equal(response.status, 200, await response.clone().text())
  assert.deepEqual(stack.s3Object(bucket, 'own').checksum, { algorithm: 'crc32', value: own })
  const wrong = await s3Client().fetch(`${bucketUrl}/own-wrong`, { method: 'PUT', body: streamOf(bytes), headers: { 'x-amz-checksum-crc32': await checksumOf('crc32', 'other') }, aws: { contentLength: bytes.length } })
  assert.equal(await s3Code(wrong), 'BadDigest')
})

/**
 * A TCP server that keeps every byte a connection sent: what went on the
 * wire, before the client gave up. It answers 200 only once a whole body (its
 * Content-Length) has arrived: a client that sends one does not fail.
 */
async function wireRecorder(t) {
  const connections = []
  const server = createServer((socket) => {
    const received = []
    const ended = new Promise((resolve) => socket.on('close', resolve))
    socket.on('data', (data) => {
      received.push(data)
      const raw = Buffer.concat(received)
      const split = raw.indexOf('\r\n\r\n')
      const declared = /\r\ncontent-length: *(\d+)/i.exec(raw.subarray(0, split).toString('latin1'))
      if (split >= 0 && declared && raw.length - split - 4 >= Number(declared[1])) socket.end('HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n')
    })
    socket.on('error', () => {})
    connections.push({ ended, bytes: () => Buffer.concat(received) })
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.after(() => server.close())
  return { url: `http://127.0.0.1:${server.address().port}`, connections }
}

/** The head and the decoded data of an aws-chunked request as received (chunks may be cut short at the end). */
function parseWire(raw) {
  const split = raw.indexOf('\r\n\r\n')
  const head = raw.subarray(0, split).toString('latin1')
  let at = split + 4
  const data = []
  let finalChunk = false
  while (at < raw.length) {
    const lineEnd = raw.indexOf('\r\n', at)
    if (lineEnd < 0) break
    const size = parseInt(raw.subarray(at, lineEnd).toString('latin1').split(';')[0], 16)
    if (size === 0) {
      finalChunk = true
      break
    }
    data.push(raw.subarray(lineEnd + 2, Math.min(lineEnd + 2 + size, raw.length)))
    at = lineEnd + 2 + size + 2
  }
  return { head, data: Buffer.concat(data), finalChunk }
}

test('a stream longer than contentLength: ERR_BODY_LENGTH_MISMATCH, and nothing past contentLength on the wire, no final chunk', async (t) => {
  const wire = await wireRecorder(t)
  const length = 3 * 8 * KiB
  const bytes = patterned(length + 100)
  const error = await rejection(s3Client().fetch(`${wire.url}/${bucket}/long`, { method: 'PUT', body: streamOf(bytes, [8 * KiB]), aws: { contentLength: length, chunkSize: 8 * KiB } }))
  assert.equal(error.code, 'ERR_BODY_LENGTH_MISMATCH', error.stack)
  assert.match(error.message, /more than contentLength's 24576 bytes/)
  await wire.connections[0].ended
  const { head, data, finalChunk } = parseWire(wire.connections[0].bytes())
  assert.match(head, /\r\ncontent-length: \d+/i)
  assert.doesNotMatch(head, /transfer-encoding/i)
  assert.ok(data.length <= length, `${data.length} bytes of data sent`)
  assert.deepEqual(data, Buffer.from(bytes.subarray(0, data.length)))
  assert.equal(finalChunk, false, 'the body was not ended as if complete')

  // The stack's S3 stores nothing either.
  const refused = await rejection(upload('long', patterned(length + 1), { chunkSize: 8 * KiB, contentLength: length }))
  assert.equal(refused.code, 'ERR_BODY_LENGTH_MISMATCH')
  assert.equal(stack.s3Object(bucket, 'long'), undefined)
})

test('a stream shorter than contentLength: ERR_BODY_LENGTH_MISMATCH, no final chunk, nothing stored', async (t) => {
  const wire = await wireRecorder(t)
  const error = await rejection(s3Client().fetch(`${wire.url}/${bucket}/short`, { method: 'PUT', body: streamOf(patterned(20_000)), aws: { contentLength: 20_010 } }))
  assert.equal(error.code, 'ERR_BODY_LENGTH_MISMATCH')
  assert.match(error.message, /ended after 20000 of contentLength's 20010 bytes/)
  await wire.connections[0].ended
  assert.equal(parseWire(wire.connections[0].bytes()).finalChunk, false)

  const refused = await rejection(upload('short', patterned(100), { contentLength: 101 }))
  assert.equal(refused.code, 'ERR_BODY_LENGTH_MISMATCH')
  assert.equal(stack.s3Object(bucket, 'short'), undefined)
})

test('the source is pulled as the upload goes, not read ahead (a few chunks at most), and no more once aborted', async (t) => {
  const wire = await wireRecorder(t)
  const length = 4 * 1024 * 1024 * KiB
  let pulls = 0
  const piece = patterned(8 * KiB)
  // 4 GiB made on demand: far more than goes out in the time below.
  const source = new ReadableStream({ pull(controller) { pulls++; controller.enqueue(piece.slice()) } }, { highWaterMark: 0 })
  source.pulls = () => pulls
  const controller = new AbortController()
  const sending = s3Client().fetch(`${wire.url}/${bucket}/pull`, { method: 'PUT', body: source, signal: controller.signal, aws: { contentLength: length } })
  // The recorder reads all it gets, so the socket never pushes back: the limit is the client's own pulling.
  await new Promise((resolve) => setTimeout(resolve, 300))
  controller.abort()
  await rejection(sending)
  await wire.connections[0].ended
  const sent = wire.connections[0].bytes().length
  assert.ok(sent > 0)
  // After the abort, nothing goes on reading the source.
  const pulledAtAbort = source.pulls()
  await new Promise((resolve) => setTimeout(resolve, 200))
  assert.equal(source.pulls(), pulledAtAbort)
  t.diagnostic(`${source.pulls()} source pulls for ${sent} bytes on the wire`)
  assert.ok(source.pulls() * 8 * KiB <= sent + 4 * 64 * KiB, `${source.pulls()} pulls of 8 KiB for ${sent} bytes sent`)
})

test('bad options and bodies: ERR_INVALID_OPTIONS (and ERR_UNSUPPORTED_BODY for a locked stream), nothing sent', async () => {
  const url = `${bucketUrl}/refused`
  let sent = 0
  const client = s3Client({ fetch: async () => { sent++; return new Response('') } })
  const cases = [
    [{ contentLength: -1 }, streamOf(patterned(1))],
    [{ contentLength: 1.5 }, streamOf(patterned(1))],
    [{ contentLength: '1' }, streamOf(patterned(1))],
    [{ contentLength: 2 ** 53 }, streamOf(patterned(1))],
    [{ contentLength: 20, chunkSize: 8191 }, streamOf(patterned(20))],
    [{ contentLength: 20, chunkSize: 8192.5 }, streamOf(patterned(20))],
    [{ contentLength: 5 }, 'hello'],
    [{ contentLength: 5 }, new Blob(['hello'])],
    [{ contentLength: 5 }, new Uint8Array(5)],
    [{ contentLength: 5, contentMd5: true }, streamOf(patterned(5))],
    [{ contentLength: 5, service: 'lambda' }, streamOf(patterned(5))],
    [{ contentLength: 5, payloadHash: 'UNSIGNED-PAYLOAD' }, streamOf(patterned(5))],
    // Chunk signatures are SigV4's.
    [{ contentLength: 5, signingAlgorithm: 'sigv4a', regionSet: ['*'] }, streamOf(patterned(5))],
  ]
  for (const [aws, body] of cases) {
    const error = await rejection(client.fetch(url, { method: 'PUT', body, aws }))
    assert.equal(error.code, 'ERR_INVALID_OPTIONS', `${JSON.stringify(aws)}: ${error.message}`)
  }
  const notS3 = await rejection(client.fetch(`${bucketUrl}/x`, { method: 'PUT', body: streamOf(patterned(5)), aws: { contentLength: 5, service: 'lambda' } }))
  assert.match(notS3.message, /only S3 takes; this request is signed for 'lambda'/)
  const oac = await rejection(new AwsClient({ oac: true }).fetch(url, { method: 'PUT', body: streamOf(patterned(5)), aws: { contentLength: 5 } }))
  assert.equal(oac.code, 'ERR_INVALID_OPTIONS')
  assert.throws(() => s3Client({ contentLength: 5 }), { code: 'ERR_INVALID_OPTIONS', message: /unknown option\(s\) contentLength/ })
  const locked = streamOf(patterned(5))
  locked.getReader()
  assert.equal((await rejection(client.fetch(url, { method: 'PUT', body: locked, aws: { contentLength: 5 } }))).code, 'ERR_UNSUPPORTED_BODY')
  assert.equal(sent, 0)
})

test('a null body with contentLength 0 (a relayed empty request) is a plain empty PUT', async () => {
  const response = await s3Client().fetch(`${bucketUrl}/empty-relay`, { method: 'PUT', body: null, aws: { contentLength: 0 } })
  assert.equal(response.status, 200, await response.clone().text())
  assert.equal(stack.s3Object(bucket, 'empty-relay').size, 0)
})

test('a skew 403 on a streamed upload is answered as is (the stream is spent, not re-sent); the offset is learned for the next call', async (t) => {
  stack.setClockOffset(3600)
  t.after(() => stack.setClockOffset(0))
  const client = s3Client()
  let attempts = 0
  const counting = s3Client({ fetch: (request) => { attempts++; return fetch(request) } })
  const skewed = await counting.fetch(`${bucketUrl}/skew`, { method: 'PUT', body: streamOf(patterned(1000)), aws: { contentLength: 1000 } })
  assert.equal(skewed.status, 403)
  assert.equal(await s3Code(skewed), 'RequestTimeTooSkewed')
  assert.equal(attempts, 1)
  assert.ok(Math.abs(counting.clockOffsetMs - 3_600_000) < 5000, `offset ${counting.clockOffsetMs}`)
  const again = await counting.fetch(`${bucketUrl}/skew`, { method: 'PUT', body: streamOf(patterned(1000)), aws: { contentLength: 1000 } })
  assert.equal(again.status, 200, await again.clone().text())
  assert.equal(client.clockOffsetMs, 0)
})

/** The child: uploads `size` bytes made as they are pulled, sampling its RSS. */
const MEMORY_CHILD = `
const [entry, url, credentials, size, mode] = process.argv.slice(1)
const { AwsClient, init } = await import(entry)
await init()
const client = new AwsClient(JSON.parse(credentials))
const total = Number(size)
const piece = new Uint8Array(100_000)
let made = 0
const source = new ReadableStream({
  pull(controller) {
    if (made >= total) return controller.close()
    const n = Math.min(piece.length, total - made)
    piece[0] = made & 0xff
    controller.enqueue(piece.slice(0, n))
    made += n
  },
}, { highWaterMark: 0 })
globalThis.gc()
const baseline = process.memoryUsage().rss
let peak = baseline
const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss) }, 10)
const response = mode === 'unsigned'
  ? await client.fetch(url, { method: 'PUT', body: source, headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', 'content-length': String(total) } })
  : await client.fetch(url, { method: 'PUT', body: source, aws: { contentLength: total, checksumAlgorithm: 'CRC32' } })
clearInterval(timer)
peak = Math.max(peak, process.memoryUsage().rss)
console.log(JSON.stringify({ status: response.status, text: await response.text(), growthBytes: peak - baseline }))
`

/** Runs MEMORY_CHILD: a 100 MiB upload, signed in chunks or (the baseline) streamed as UNSIGNED-PAYLOAD. */
async function uploadInChild(key, mode) {
  const size = 100 * 1024 * 1024
  const args = ['--expose-gc', '--input-type=module', '-e', MEMORY_CHILD, distEntry, `${bucketUrl}/${key}`, JSON.stringify({ ...user, ...stack.signing.s3 }), String(size), mode]
  const started = Date.now()
  const { stdout } = await promisify(execFile)('node', args, { timeout: 240_000 })
  const result = JSON.parse(stdout)
  assert.equal(result.status, 200, result.text)
  assert.equal(stack.s3Object(bucket, key).size, size)
  return { growthMiB: result.growthBytes / 1024 / 1024, ms: Date.now() - started }
}

test('memory: a 100 MB upload grows the process RSS by what Node\'s fetch costs anyway, not by the body', async (t) => {
  const signed = await uploadInChild('memory/signed', 'signed')
  const unsigned = await uploadInChild('memory/unsigned', 'unsigned')
  t.diagnostic(`Node: RSS growth ${signed.growthMiB.toFixed(1)} MiB (${signed.ms} ms) for a 100 MiB signed-chunk upload; ${unsigned.growthMiB.toFixed(1)} MiB (${unsigned.ms} ms) for the same stream sent UNSIGNED-PAYLOAD`)
  // Node 20 here: about 40 MiB signed, 35 unsigned (V8's young generation and undici's buffers); a buffered body would add 100.
  assert.ok(signed.growthMiB < 64, `RSS grew by ${signed.growthMiB.toFixed(1)} MiB`)
})

// ---- The same uploads in Bun, Deno and workerd (tests/runtimes/s3-upload.mjs) ----

const runtimeModule = new URL('../runtimes/s3-upload.mjs', import.meta.url).href
const bin = (name) => join(repoRoot, 'node_modules/.bin', name)
const BIG = 100 * 1024 * 1024

/** A script running s3Uploads with the package's entry for that runtime, printing its results. */
const RUNTIME_SCRIPT = (entry, rss) => `
import * as iamfetch from ${JSON.stringify(entry)}
import { s3Uploads } from ${JSON.stringify(runtimeModule)}
const env = JSON.parse(globalThis.Deno ? Deno.args[0] : process.argv[2])
console.log(JSON.stringify(await s3Uploads(iamfetch, env, ${rss})))
`

/** Each checksum of "123456789": the CRC catalogue's check values, and node:crypto's digests. */
const base64OfHex = (hex) => Buffer.from(hex, 'hex').toString('base64')
const CHECK_DIGESTS = {
  CRC32: base64OfHex('cbf43926'),
  CRC32C: base64OfHex('e3069283'),
  CRC64NVME: base64OfHex('ae8b14860a799888'),
  ...Object.fromEntries(['SHA1', 'SHA256', 'MD5'].map((algorithm) => [algorithm, createHash(algorithm.toLowerCase()).update('123456789').digest('base64')])),
}

/** The checksum part of s3Uploads: each header as known, each PUT and the DeleteObjects with Content-MD5 accepted by the stack, and without refused. */
function assertChecksumResults(runtime, results) {
  for (const [algorithm, digest] of Object.entries(CHECK_DIGESTS)) {
    const { header, status, text } = results.checksums[algorithm]
    assert.equal(header, digest, `${runtime}: ${algorithm} of "123456789"`)
    assert.equal(status, 200, `${runtime}: the stack takes the ${algorithm} header: ${text}`)
  }
  assert.equal(results.deleteWithoutMd5.status, 400, `${runtime}: DeleteObjects without Content-MD5`)
  assert.match(results.deleteWithoutMd5.text, /Content-MD5 OR x-amz-checksum-\*/)
  assert.equal(results.deleteWithMd5.status, 200, `${runtime}: DeleteObjects with Content-MD5: ${results.deleteWithMd5.text}`)
  assert.equal(stack.s3Object(bucket, `${runtime}/sum-CRC32`), undefined, `${runtime}: DeleteObjects deleted the object`)
}

function assertRuntimeResults(t, runtime, results) {
  assertChecksumResults(runtime, results)
  assert.deepEqual(results.trailer, { status: 200, text: '' }, `${runtime}: a 150 KB upload with a CRC32C trailer`)
  assert.equal(results.readBackEqual, true)
  assert.deepEqual(results.empty, { status: 200, text: '' })
  assert.equal(results.tooLong.code, 'ERR_BODY_LENGTH_MISMATCH', JSON.stringify(results.tooLong))
  assert.equal(results.tooShort.code, 'ERR_BODY_LENGTH_MISMATCH', JSON.stringify(results.tooShort))
  assert.equal(stack.s3Object(bucket, `${runtime}/long`), undefined)
  assert.equal(stack.s3Object(bucket, `${runtime}/short`), undefined)
  assert.equal(results.big.status, 200, results.big.text)
  assert.equal(stack.s3Object(bucket, `${runtime}/big`).size, BIG)
  const growthMiB = results.big.growthBytes / 1024 / 1024
  t.diagnostic(`${runtime}: RSS growth ${growthMiB.toFixed(1)} MiB for a 100 MiB signed-chunk upload`)
  assert.ok(growthMiB < 64, `${runtime}: RSS grew by ${growthMiB.toFixed(1)} MiB`)
}

function runtimeEnv(name) {
  return JSON.stringify({ bucketUrl, credentials: { ...user, ...stack.signing.s3 }, name, bigSize: BIG })
}

test('Bun: the uploads, the lengths refused, and 100 MB with flat memory (its fetch keeps the Content-Length of a stream)', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'iamfetch-s3-bun-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  writeFileSync(join(dir, 'run.mjs'), RUNTIME_SCRIPT(distEntry, '() => process.memoryUsage().rss'))
  const { stdout } = await promisify(execFile)(bin('bun'), [join(dir, 'run.mjs'), runtimeEnv('bun')], { timeout: 240_000 })
  assertRuntimeResults(t, 'bun', JSON.parse(stdout.trim().split('\n').pop()))
})

test("Deno: the same, sent through its node:http (its fetch would drop the Content-Length and send chunked)", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'iamfetch-s3-deno-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  // Deno takes the package's browser entry (the exports map's "deno" condition).
  writeFileSync(join(dir, 'run.mjs'), RUNTIME_SCRIPT(new URL('../../js/dist/index.browser.js', import.meta.url).href, '() => Deno.memoryUsage().rss'))
  const { stdout } = await promisify(execFile)(bin('deno'), ['run', '--v8-flags=--expose-gc', '--allow-net', '--allow-read', '--allow-env', join(dir, 'run.mjs'), runtimeEnv('deno')], {
    timeout: 240_000, env: { ...process.env, DENO_NO_UPDATE_CHECK: '1' },
  })
  assertRuntimeResults(t, 'deno', JSON.parse(stdout.trim().split('\n').pop()))
})

/** A Worker relaying the body of its request to S3 as it arrives; the upload's settings in a header (a test's shortcut). */
const RELAY_WORKER = `
import * as iamfetch from 'iamfetch'
import 'iamfetch/s3'
import { s3Uploads } from './s3-upload.mjs'
// The baseline: the body read chunk by chunk in JS and sent on as it is, with no signing.
function readInJs(body, length) {
  const fixed = new FixedLengthStream(length)
  const writer = fixed.writable.getWriter()
  const reader = body.getReader()
  ;(async () => {
    for (let read = await reader.read(); !read.done; read = await reader.read()) await writer.write(read.value)
    await writer.close()
  })()
  return fixed.readable
}
export default {
  async fetch(request) {
    if (!request.headers.has('x-relay')) return new Response('relay')
    const { target, credentials, env, baseline } = JSON.parse(request.headers.get('x-relay'))
    if (env) return Response.json(await s3Uploads(iamfetch, env))
    const client = new iamfetch.AwsClient(credentials)
    const length = Number(request.headers.get('content-length'))
    try {
      const response = baseline
        ? await client.fetch(target, { method: 'PUT', body: readInJs(request.body, length), headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } })
        : await client.fetch(target, { method: 'PUT', body: request.body, aws: { contentLength: length, checksumAlgorithm: 'CRC32' } })
      return Response.json({ status: response.status, text: response.status === 200 ? '' : await response.text() })
    } catch (error) {
      return Response.json({ code: error.code, message: error.message })
    }
  },
}
`

/** Bundles the relay Worker as Wrangler does (each .wasm an imported module) and serves it with workerd. */
async function startRelayWorker(t) {
  const dir = mkdtempSync(join(tmpdir(), 'iamfetch-s3-workerd-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  mkdirSync(join(dir, 'node_modules'))
  mkdirSync(join(dir, 'out'))
  symlinkSync(join(repoRoot, 'js'), join(dir, 'node_modules/iamfetch'))
  copyFileSync(fileURLToPath(runtimeModule), join(dir, 's3-upload.mjs'))
  writeFileSync(join(dir, 'worker.mjs'), RELAY_WORKER)
  const wasm = new Set()
  await esbuild.build({
    entryPoints: [join(dir, 'worker.mjs')], bundle: true, format: 'esm', platform: 'browser', logLevel: 'error',
    conditions: ['workerd', 'worker', 'browser'], outfile: join(dir, 'out/worker.js'), preserveSymlinks: true,
    plugins: [{
      name: 'wasm-module',
      setup(build) {
        build.onResolve({ filter: /\.wasm$/ }, (args) => {
          const file = basename(args.path)
          wasm.add(file)
          copyFileSync(join(args.resolveDir, args.path), join(dir, 'out', file))
          return { path: `./${file}`, external: true }
        })
      },
    }],
  })
  const port = await freePort()
  writeWorkerdConfig(join(dir, 'out/config.capnp'), [{
    name: 'relay', port, outbound: true,
    modules: [['worker.js', 'esModule', 'worker.js'], ...[...wasm].map((file) => [file, 'wasm', file])],
  }])
  const workerd = spawn(bin('workerd'), ['serve', join(dir, 'out/config.capnp')], { cwd: join(dir, 'out'), stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  workerd.stderr.on('data', (d) => { stderr += d })
  t.after(() => workerd.kill('SIGTERM'))
  const url = `http://127.0.0.1:${port}/`
  for (let i = 0; ; i++) {
    try {
      await fetch(url, { method: 'HEAD' })
      break
    } catch (error) {
      if (i > 100) throw new Error(`workerd did not start: ${stderr}`, { cause: error })
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
  return { url, pid: workerd.pid, wasm: [...wasm].sort(), stderr: () => stderr }
}

const freePort = () => new Promise((resolve) => {
  const server = createServer().listen(0, '127.0.0.1', () => {
    const { port } = server.address()
    server.close(() => resolve(port))
  })
})

/** A process's resident memory, from /proc. */
function rssOf(pid) {
  return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) * 1024
}

/** PUTs `size` generated bytes to the relay with a Content-Length, as a client uploading to the Worker would. */
function relay(worker, target, size, { baseline = false } = {}) {
  return new Promise((resolve, reject) => {
    const request = httpRequest(worker.url, {
      method: 'PUT',
      headers: { 'content-length': size, 'x-relay': JSON.stringify({ target, baseline, credentials: { ...user, ...stack.signing.s3 } }) },
    }, (response) => {
      let text = ''
      response.on('data', (d) => { text += d })
      response.on('end', () => resolve(JSON.parse(text)))
    })
    // The Worker may answer before it has read the whole body (a refusal): that answer wins over the broken pipe.
    request.on('error', (error) => setTimeout(() => reject(error), 500))
    const piece = Buffer.alloc(256 * 1024)
    let sent = 0
    const write = () => {
      while (sent < size) {
        const n = Math.min(piece.length, size - sent)
        piece.writeUInt32BE(sent, 0)
        sent += n
        if (!request.write(n === piece.length ? piece : piece.subarray(0, n))) return request.once('drain', write)
      }
      request.end()
    }
    write()
  })
}

test('workerd: a Worker relays 100 MB uploads from its request body to S3 in signed chunks (FixedLengthStream), the workerd process memory flat', async (t) => {
  const worker = await startRelayWorker(t)
  assert.ok(worker.wasm.some((file) => file.includes('_s3_')), `the S3 build is bundled by import 'iamfetch/s3': ${worker.wasm}`)
  // The same checks as Bun's and Deno's, inside the Worker (no RSS there: measured from outside below).
  const inWorker = await (await fetch(worker.url, { headers: { 'x-relay': JSON.stringify({ env: { bucketUrl, credentials: { ...user, ...stack.signing.s3 }, name: 'workerd', bigSize: 0 } }) } })).json()
  assertChecksumResults('workerd', inWorker)
  assert.deepEqual(inWorker.trailer, { status: 200, text: '' })
  assert.equal(inWorker.readBackEqual, true)
  assert.deepEqual(inWorker.empty, { status: 200, text: '' })
  assert.equal(inWorker.tooLong.code, 'ERR_BODY_LENGTH_MISMATCH', JSON.stringify(inWorker.tooLong))
  assert.equal(inWorker.tooShort.code, 'ERR_BODY_LENGTH_MISMATCH', JSON.stringify(inWorker.tooShort))

  // Warmed up (the S3 build instantiated).
  assert.deepEqual(await relay(worker, `${bucketUrl}/workerd/warm`, 1024 * 1024), { status: 200, text: '' })
  // Any Worker that reads 100 MB of its body in JS first grows by what V8 leaves
  // uncollected (about 100 MiB here, the same with or without signing): measured
  // first, so that the signed relays are measured at that steady state.
  const measure = async (send) => {
    const baseline = rssOf(worker.pid)
    let peak = baseline
    const timer = setInterval(() => { peak = Math.max(peak, rssOf(worker.pid)) }, 20)
    const started = Date.now()
    try {
      return { result: await send(), growthMiB: (Math.max(peak, rssOf(worker.pid)) - baseline) / 1024 / 1024, ms: Date.now() - started }
    } finally {
      clearInterval(timer)
    }
  }
  const plain = await measure(() => relay(worker, `${bucketUrl}/workerd/plain`, BIG, { baseline: true }))
  assert.deepEqual(plain.result, { status: 200, text: '' })
  t.diagnostic(`workerd: read in JS and sent UNSIGNED-PAYLOAD first: RSS growth ${plain.growthMiB.toFixed(1)} MiB, ${plain.ms} ms`)
  // Three in a row: memory that followed the body would grow by 300 MiB.
  const signed = await measure(async () => [
    await relay(worker, `${bucketUrl}/workerd/relayed-1`, BIG),
    await relay(worker, `${bucketUrl}/workerd/relayed-2`, BIG),
    await relay(worker, `${bucketUrl}/workerd/relayed-3`, BIG),
  ])
  assert.deepEqual(signed.result, Array(3).fill({ status: 200, text: '' }), worker.stderr())
  assert.equal(stack.s3Object(bucket, 'workerd/relayed-3').size, BIG)
  t.diagnostic(`workerd: then three signed-chunk relays of 100 MiB: RSS growth ${signed.growthMiB.toFixed(1)} MiB, ${signed.ms} ms`)
  // With one buffer for every frame about 18 MiB; a fresh buffer per frame left about 45 for V8 to collect late.
  assert.ok(signed.growthMiB < 32, `workerd RSS grew by ${signed.growthMiB.toFixed(1)} MiB over 300 MiB relayed`)
})

// ---- Browsers: a stream upload is refused; a Blob is sent whole, with its checksum ----

const BROWSER_PAGE = `<!doctype html><meta charset="utf-8"><title>s3 upload</title>
<script type="importmap">{ "imports": { "iamfetch": "/dist/index.browser.js" } }</script>
<script type="module">
  import { AwsClient } from 'iamfetch'
  window.uploadResult = (async () => {
    const env = await (await fetch('/env.json')).json()
    const client = new AwsClient(env.credentials)
    const result = {}
    const stream = new ReadableStream({ pull(controller) { controller.enqueue(new Uint8Array(5)); controller.close() } })
    try {
      const response = await client.fetch(env.url + '/browser/stream', { method: 'PUT', body: stream, aws: { contentLength: 5 } })
      result.stream = { status: response.status }
    } catch (error) {
      result.stream = { code: error.code, message: error.message }
    }
    const blob = await client.fetch(env.url + '/browser/blob', { method: 'PUT', body: new Blob(['hello']), aws: { checksumAlgorithm: 'CRC32' } })
    result.blob = { status: blob.status, text: blob.status === 200 ? '' : await blob.text() }
    return result
  })()
</script>`

/** Serves js/ (the built package) and the page, at localhost: the stack's S3 CORS allows localhost origins. */
async function servePackage(t, env) {
  const types = { '.js': 'text/javascript', '.wasm': 'application/wasm' }
  const server = createHttpServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname
    if (path === '/') return res.writeHead(200, { 'content-type': 'text/html' }).end(BROWSER_PAGE)
    if (path === '/env.json') return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(env))
    if (!path.startsWith('/dist/') || path.includes('..')) return res.writeHead(404).end()
    try {
      res.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream' }).end(readFileSync(join(repoRoot, 'js', path)))
    } catch {
      res.writeHead(404).end()
    }
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.after(() => server.close())
  return `http://localhost:${server.address().port}/`
}

for (const engine of ENGINES) {
  test(`browser: ${engine} refuses a stream upload with ERR_UNSUPPORTED_RUNTIME, and sends a Blob whole with its checksum`, async (t) => {
    const pageUrl = await servePackage(t, { url: bucketUrl, credentials: { ...user, ...stack.signing.s3 } })
    const page = await openBrowser(engine)
    t.after(() => page.close())
    t.diagnostic(page.version)
    await page.goto(pageUrl)
    await page.waitForFunction(() => window.uploadResult !== undefined)
    const result = await page.evaluate(() => window.uploadResult)
    assert.equal(result.stream.code, 'ERR_UNSUPPORTED_RUNTIME', JSON.stringify(result.stream))
    assert.match(result.stream.message, /HTTP\/2 or later, and S3 speaks HTTP\/1\.1/)
    assert.equal(stack.s3Object(bucket, 'browser/stream'), undefined)
    assert.deepEqual(result.blob, { status: 200, text: '' })
    assert.deepEqual(stack.s3Object(bucket, 'browser/blob').checksum, { algorithm: 'crc32', value: await checksumOf('crc32', Buffer.from('hello')) })
  })
}
