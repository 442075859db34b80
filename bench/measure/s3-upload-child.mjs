// The uploading process of measure/s3-upload.mjs, forked with IPC and
// --expose-gc: it is told { mode, bucketUrl, region, credentials, bytes, key }
// and answers with one upload's time and its own peak RSS growth. The keys
// come over IPC, never on the command line.
//
// Modes, all the same `bytes` from the same pull stream of reused random
// 64 KiB chunks (nothing near the upload's size is ever allocated):
//   unsigned   a plain fetch PUT signed over UNSIGNED-PAYLOAD: the transport alone
//   signed     aws-chunked with every chunk signed (STREAMING-AWS4-HMAC-SHA256-PAYLOAD),
//              the chunk signatures from the S3 build (newChunkSigner), framed here
//   sign-only  the same chunk signatures over the same bytes with no transport:
//              the signing stage (wasm SHA-256 of each chunk + its HMAC) alone
import * as iamfetch from 'iamfetch'
import { encodedLength, loadS3Build, newChunkSigner } from '../../js/dist/s3/s3-build.js'
import { procField, resetPeak } from '../proc-sampling.mjs'

const CHUNK = 64 * 1024
const POOL_CHUNKS = 16
const WARMUP_BYTES = 8 * CHUNK * POOL_CHUNKS // 8 MiB, through the same path, before the measured upload
const encoder = new TextEncoder()
const CRLF = encoder.encode('\r\n')

// Random, so that nothing on the way (TCP, the stack's hashing) sees a pattern;
// reused, so that the source holds 1 MiB whatever the upload's size.
const pool = Array.from({ length: POOL_CHUNKS }, () => crypto.getRandomValues(new Uint8Array(CHUNK)))

/**
 * `total` bytes as a pull stream of pool chunks; each is handed to `frame`,
 * which enqueues what goes on the wire, and then null for the end.
 */
function pullStream(total, frame = (controller, chunk) => chunk && controller.enqueue(chunk)) {
  let sent = 0
  let i = 0
  return new ReadableStream({
    pull(controller) {
      if (sent >= total) {
        frame(controller, null)
        controller.close()
        return
      }
      const n = Math.min(CHUNK, total - sent)
      const chunk = pool[i++ % POOL_CHUNKS].subarray(0, n)
      sent += n
      frame(controller, chunk)
    },
  }, { highWaterMark: 0 })
}

/** 'YYYYMMDDTHHMMSSZ' → epoch ms. */
const epochMs = (amzDate) => Date.UTC(+amzDate.slice(0, 4), +amzDate.slice(4, 6) - 1, +amzDate.slice(6, 8), +amzDate.slice(9, 11), +amzDate.slice(11, 13), +amzDate.slice(13, 15))

/** The aws-chunked framing around each chunk, its signature from `signer`; `timer.ms` sums the time spent signing. */
function chunkedFrame(signer, timer) {
  return (controller, chunk) => {
    const t0 = performance.now()
    if (!chunk) {
      const tail = signer.finish()
      timer.ms += performance.now() - t0
      controller.enqueue(encoder.encode(tail))
      return
    }
    const header = signer.chunkHeader(chunk)
    timer.ms += performance.now() - t0
    controller.enqueue(encoder.encode(header))
    controller.enqueue(chunk)
    controller.enqueue(CRLF)
  }
}

async function put(url, headers, body) {
  const res = await fetch(url, { method: 'PUT', headers, body, duplex: 'half' })
  const text = await res.text()
  if (res.status !== 200) throw new Error(`PUT answered ${res.status}: ${text.slice(0, 300)}`)
}

/** One upload (or signing pass) of `bytes` in `mode`: { signMs? }. */
async function run({ mode, bucketUrl, region, credentials, bytes, key }) {
  const url = `${bucketUrl}/${key}`
  const client = new iamfetch.AwsClient({ ...credentials, service: 's3', region })
  if (mode === 'unsigned') {
    const signed = await client.sign(url, { method: 'PUT', headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', 'content-length': String(bytes) } })
    await put(url, signed.headers, pullStream(bytes))
    return {}
  }
  const head = {
    'content-encoding': 'aws-chunked',
    'content-length': String(encodedLength(bytes, CHUNK)),
    'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
    'x-amz-decoded-content-length': String(bytes),
  }
  const signed = await client.sign(url, { method: 'PUT', headers: head })
  const seed = /Signature=([0-9a-f]{64})/.exec(signed.headers.get('authorization'))[1]
  const signer = newChunkSigner({ credentials, region, service: 's3', datetime: epochMs(signed.headers.get('x-amz-date')), signature: seed })
  const timer = { ms: 0 }
  const frame = chunkedFrame(signer, timer)
  if (mode === 'sign-only') {
    // The same frames, read and dropped: what signing costs without the socket.
    const reader = pullStream(bytes, frame).getReader()
    while (!(await reader.read()).done);
    return { signMs: timer.ms }
  }
  if (mode !== 'signed') throw new Error(`unknown mode ${mode}`)
  await put(url, signed.headers, pullStream(bytes, frame))
  return { signMs: timer.ms }
}

process.once('message', async (job) => {
  try {
    await iamfetch.init()
    await loadS3Build()
    // Loads what the first upload loads (undici's fetch, the S3 build's tiers), so that
    // the growth measured is the upload's, not the process's start.
    await run({ ...job, bytes: WARMUP_BYTES, key: `${job.key}-warmup` })
    globalThis.gc()
    globalThis.gc()
    resetPeak(process.pid)
    const rssBefore = procField(process.pid, 'VmRSS')
    const t0 = performance.now()
    const r = await run(job)
    const ms = performance.now() - t0
    const peak = procField(process.pid, 'VmHWM')
    process.send({ ok: true, ms, bytes: job.bytes, rssBefore, peakGrowth: peak - rssBefore, ...r })
  } catch (error) {
    // fetch's own message is "fetch failed": the reason is its cause.
    const why = [error, error?.cause].filter(Boolean).map((e) => e.message ?? e).join(': ')
    process.send({ ok: false, error: why.slice(0, 300) })
  }
  process.exit(0)
})
