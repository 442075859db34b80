// One upload of measure/s3-upload.mjs, the same code in Node
// (s3-upload-child.mjs) and workerd (s3-upload-worker.mjs): the body, its
// framing and signing. Each runtime hands in its libraries and `send`, its
// way of sending a stream body with a fixed Content-Length.
//
// Modes, all the same `bytes` from the same pull stream of reused random
// 64 KiB chunks (nothing near the upload's size is ever allocated):
//   unsigned   a PUT signed over UNSIGNED-PAYLOAD: the transport alone
//   signed     AwsClient.fetch(url, { method: 'PUT', body: stream, aws: { contentLength } }):
//              aws-chunked with every chunk signed (STREAMING-AWS4-HMAC-SHA256-PAYLOAD),
//              framed and sent as the package does it in this runtime
//   framed     the same upload framed here, each chunk signed by the S3 build's
//              newChunkSigner, sent as `unsigned` is: the primitive without the
//              client's framing and transport, so a regression shows which moved
//   sign-only  those chunk signatures with no transport: the signing stage (wasm
//              SHA-256 of each chunk + its HMAC) alone

export const UPLOAD_CHUNK_BYTES = 64 * 1024
const POOL_CHUNKS = 16
/** Sent the same way before the measured upload, so that what the first upload loads is loaded. */
export const WARMUP_BYTES = 8 * 1024 * 1024
const encoder = new TextEncoder()
const CRLF = encoder.encode('\r\n')

// Random, so that nothing on the way (TCP, the stack's hashing) sees a pattern;
// reused, so that the source holds 1 MiB whatever the upload's size.
let pool
const chunkPool = () => (pool ??= Array.from({ length: POOL_CHUNKS }, () => crypto.getRandomValues(new Uint8Array(UPLOAD_CHUNK_BYTES))))

/**
 * `total` bytes as a pull stream of pool chunks; each is handed to `frame`,
 * which enqueues what goes on the wire, and then null for the end.
 */
function pullStream(total, frame = (controller, chunk) => chunk && controller.enqueue(chunk)) {
  const chunks = chunkPool()
  let sent = 0
  let i = 0
  return new ReadableStream({
    pull(controller) {
      if (sent >= total) {
        frame(controller, null)
        controller.close()
        return
      }
      const n = Math.min(UPLOAD_CHUNK_BYTES, total - sent)
      const chunk = chunks[i++ % POOL_CHUNKS].subarray(0, n)
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

/**
 * One upload (or signing pass) of `bytes` in `mode` to `bucketUrl/key`.
 * `libs`: { iamfetch, s3 (js/dist/s3/s3-build.js), send(url, headers, body, length) }
 * where `send` sends the unsigned PUT's stream with its fixed length and
 * resolves once it answered 200 (and throws otherwise).
 * @returns {Promise<{ signMs?: number }>} the time spent signing chunks, where the bench signs them
 */
export async function runUpload({ iamfetch, s3, send }, { mode, bucketUrl, region, credentials, bytes, key }) {
  const url = `${bucketUrl}/${key}`
  const client = new iamfetch.AwsClient({ ...credentials, service: 's3', region })
  if (mode === 'unsigned') {
    const signed = await client.sign(url, { method: 'PUT', headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', 'content-length': String(bytes) } })
    await send(url, signed.headers, pullStream(bytes), bytes)
    return {}
  }
  if (mode === 'signed') {
    await checkAnswer(await client.fetch(url, { method: 'PUT', body: pullStream(bytes), aws: { contentLength: bytes, chunkSize: UPLOAD_CHUNK_BYTES } }))
    return {}
  }
  if (mode !== 'sign-only' && mode !== 'framed') throw new Error(`unknown mode ${mode}`)
  const length = s3.encodedLength(bytes, UPLOAD_CHUNK_BYTES)
  const head = {
    'content-encoding': 'aws-chunked',
    'content-length': String(length),
    'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
    'x-amz-decoded-content-length': String(bytes),
  }
  const signed = await client.sign(url, { method: 'PUT', headers: head })
  const seed = /Signature=([0-9a-f]{64})/.exec(signed.headers.get('authorization'))[1]
  const signer = s3.newChunkSigner({ credentials, region, service: 's3', datetime: epochMs(signed.headers.get('x-amz-date')), signature: seed })
  const timer = { ms: 0 }
  const body = pullStream(bytes, chunkedFrame(signer, timer))
  if (mode === 'framed') {
    await send(url, signed.headers, body, length)
    return { signMs: timer.ms }
  }
  // The frames, read and dropped: what signing costs without the socket.
  const reader = body.getReader()
  while (!(await reader.read()).done);
  return { signMs: timer.ms }
}

/** Throws unless a PUT's answer is 200, with the start of S3's error text. */
export async function checkAnswer(res) {
  const text = await res.text()
  if (res.status !== 200) throw new Error(`PUT answered ${res.status}: ${text.slice(0, 300)}`)
}

/** An error's message and, for fetch's bare "fetch failed", its cause's. */
export const errorText = (error) => [error, error?.cause].filter(Boolean).map((e) => e.message ?? e).join(': ').slice(0, 300)
