// How each runtime sends a stream body of known length, as S3 needs it: with
// Content-Length, never Transfer-Encoding: chunked (S3 answers 501).
// - Node (undici) and Bun: fetch with `duplex: 'half'` and the content-length
//   header given keep the length (checked on the wire, tests/js/s3-upload.test.mjs).
// - workerd: fetch keeps the length only of a FixedLengthStream.
// - Deno: fetch drops the content-length of a stream body and sends it
//   chunked; its node:http keeps it, so the upload goes through node:http.
// - Browsers stream a request body only over HTTP/2 or later, and S3 speaks
//   HTTP/1.1: refused.
import { IamFetchError } from '../errors.js'

/**
 * This runtime's way: `body(framesOf, length, onError)` makes the request
 * body of an upload from its frames (`framesOf(reuse)`: s3/aws-chunked.js
 * chunkFrames), as this runtime's fetch keeps its length; a failure of
 * the frames (a bad length, the source's own error) is told to `onError`.
 * `send(request)`, where fetch cannot be used, stands for it. Thrown
 * (ERR_UNSUPPORTED_RUNTIME) where no way is known: browsers.
 */
export function uploadTransport() {
  if (typeof Deno !== 'undefined') return { body: pulledStream, send: sendWithNodeHttp }
  if (typeof FixedLengthStream === 'function') return { body: fixedLengthStream }
  if (typeof Bun !== 'undefined' || typeof globalThis.process?.versions?.node === 'string') return { body: pulledStream }
  throw new IamFetchError('ERR_UNSUPPORTED_RUNTIME', 'browsers send a stream body only over HTTP/2 or later, and S3 speaks HTTP/1.1, so a stream cannot be uploaded from here: upload a Blob or File (sent whole, hashed in chunks), or sign the upload on a server')
}

/**
 * The frames as a ReadableStream pulled one at a time, each in a buffer of
 * its own (fetch may still hold one while it asks for the next).
 */
function pulledStream(framesOf, _length, onError) {
  const frames = framesOf(false)
  return new ReadableStream({
    async pull(controller) {
      try {
        const { done, value } = await frames.next()
        if (done) controller.close()
        else controller.enqueue(value)
      } catch (error) {
        onError(error)
        controller.error(error)
      }
    },
    cancel(reason) {
      return frames.throw(reason).catch(() => {})
    },
  }, { highWaterMark: 1 })
}

/**
 * workerd sends a Content-Length only for a FixedLengthStream (and errors if
 * the bytes differ from it). Each frame is written once the previous write
 * resolved, which workerd does once fetch has taken the bytes: so one buffer
 * serves every frame. Measured relaying 3 × 100 MiB after a warm-up: the
 * process RSS grew 16-18 MiB so, 43-47 MiB with a fresh buffer per frame (garbage
 * that V8 collects late).
 */
function fixedLengthStream(framesOf, length, onError) {
  // eslint-disable-next-line no-undef
  const fixed = new FixedLengthStream(length)
  writeEach(framesOf(true), fixed.writable.getWriter(), onError)
  return fixed.readable
}

async function writeEach(frames, writer, onError) {
  for (;;) {
    let next
    try {
      next = await frames.next()
    } catch (error) {
      onError(error)
      // fetch learns of it through the aborted stream.
      return writer.abort(error).catch(() => {})
    }
    try {
      if (next.done) return await writer.close()
      await writer.write(next.value)
    } catch (error) {
      // fetch stopped reading (an abort, a refused connection): the source is cancelled.
      return frames.throw(error).catch(() => {})
    }
  }
}

/** Statuses whose answers have no body: a Response refuses one. */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304])

/**
 * `request` sent through Deno's node:http, which keeps its Content-Length,
 * and answered as fetch would: a Response streaming the answer's body. Taken
 * with process.getBuiltinModule, not import(): bundlers for browsers would
 * try to resolve node:http.
 * @param {Request} request
 */
function sendWithNodeHttp(request) {
  const url = new URL(request.url)
  const http = globalThis.process.getBuiltinModule(url.protocol === 'https:' ? 'node:https' : 'node:http')
  const { Readable } = globalThis.process.getBuiltinModule('node:stream')
  return new Promise((resolve, reject) => {
    const headers = {}
    request.headers.forEach((value, name) => { headers[name] = value })
    const outgoing = http.request(url, { method: request.method, headers, signal: request.signal }, (answer) => {
      const answerHeaders = new Headers()
      for (let i = 0; i < answer.rawHeaders.length; i += 2) answerHeaders.append(answer.rawHeaders[i], answer.rawHeaders[i + 1])
      const empty = NULL_BODY_STATUSES.has(answer.statusCode) || request.method === 'HEAD'
      if (empty) answer.resume()
      resolve(new Response(empty ? null : Readable.toWeb(answer), { status: answer.statusCode, statusText: answer.statusMessage, headers: answerHeaders }))
    })
    outgoing.on('error', reject)
    pump(request.body, outgoing).catch((error) => outgoing.destroy(error))
  })
}

/** Writes the stream to the outgoing request, waiting for it to drain: one chunk in flight at a time. */
async function pump(body, outgoing) {
  if (!body) return outgoing.end()
  const reader = body.getReader()
  for (;;) {
    if (outgoing.destroyed) return reader.cancel(new Error('the connection closed before the upload ended'))
    const { done, value } = await reader.read()
    if (done) return outgoing.end()
    if (!outgoing.write(value)) await drained(outgoing)
  }
}

function drained(outgoing) {
  return new Promise((resolve) => {
    const done = () => {
      outgoing.off('drain', done)
      outgoing.off('close', done)
      resolve()
    }
    outgoing.on('drain', done)
    outgoing.on('close', done)
  })
}
