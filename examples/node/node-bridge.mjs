// A tiny bridge from node:http to a fetch handler `(Request) => Promise<Response>`,
// such as createSigningProxy(...). Bodies stream both ways with backpressure:
// nothing is buffered here. Copy it into your project.
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'

/** @param {(request: Request) => Promise<Response>} handler */
export function toNodeListener(handler) {
  return async (req, res) => {
    // Only origin-form targets ("/path?query"): an absolute or authority-form
    // target ("http://elsewhere/", "host:443") is a forward-proxy request.
    if (!req.url?.startsWith('/')) {
      res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"invalid_request","message":"expected a path"}')
      return
    }
    const viewerGone = new AbortController()
    res.once('close', () => {
      if (!res.writableFinished) viewerGone.abort()
    })
    const headers = new Headers()
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      try {
        headers.append(req.rawHeaders[i], req.rawHeaders[i + 1])
      } catch {
        // A header fetch refuses (invalid bytes) is dropped, as a Worker would.
      }
    }
    const hasBody = req.method !== 'GET' && req.method !== 'HEAD'
    let response
    try {
      response = await handler(new Request(`http://${hostOf(headers)}${req.url}`, {
        method: req.method,
        headers,
        body: hasBody ? bodyOf(req) : undefined,
        duplex: 'half',
        signal: viewerGone.signal,
      }))
    } catch (error) {
      console.error(`bridge: ${error?.message ?? error}`)
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' })
      res.end('{"error":"proxy_error","message":"the handler failed"}')
      return
    }
    for (const [name, value] of response.headers) res.appendHeader(name, value)
    res.writeHead(response.status, response.statusText)
    if (!response.body) {
      res.end()
      return
    }
    await pipeline(Readable.fromWeb(response.body), res).catch(() => res.destroy())
  }
}

/**
 * The request body as a web stream that reads only when pulled. Node 20's
 * Readable.toWeb() reads further ahead: a 100 MB upload through the proxy
 * grew memory by 38 MiB with it, 12 MiB with this.
 */
function bodyOf(req) {
  const chunks = req[Symbol.asyncIterator]()
  return new ReadableStream({
    async pull(controller) {
      const { value, done } = await chunks.next()
      if (done) controller.close()
      else controller.enqueue(new Uint8Array(value.buffer, value.byteOffset, value.byteLength))
    },
    cancel() {
      req.destroy()
    },
  }, { highWaterMark: 0 })
}

/** The Host header when it is a plain host[:port], so that it cannot bend the URL's path. */
function hostOf(headers) {
  const host = headers.get('host') ?? ''
  return /^[A-Za-z0-9.-]+(:\d+)?$|^\[[0-9A-Fa-f:.]+\](:\d+)?$/.test(host) ? host : 'localhost'
}
