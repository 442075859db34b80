// The viewer's side of one proxied request: its signal (the viewer went away,
// or its body is late), its body on the way in, and the upstream's answer on
// the way out.
import { IamFetchError } from '../errors.js'
import { readUpTo } from '../body.js'
import { ProxyFailure } from './problems.js'

/** How long a relayed answer's failure waits: past the few ticks in which an adapter reads chunks before writing the head (relayedAnswer). */
const HEAD_WRITTEN_MS = 20

/** Whether the request says a body follows (a length above 0, or chunks). */
export function bodyDeclared(headers) {
  return headers.has('transfer-encoding') || Number(headers.get('content-length')) > 0
}

/**
 * One request's viewer side. `signal` aborts, with the failure to answer, when
 * the viewer goes away or its body has not all arrived `bodyTimeoutMs` after
 * the request; it is the signal of the upstream call too.
 */
export function viewerSide(request, bodyTimeoutMs) {
  const controller = new AbortController()
  const fail = (failure) => {
    if (!controller.signal.aborted) controller.abort(failure)
  }
  const gone = (cause) => fail(new ProxyFailure('ERR_CLIENT_CLOSED', 'the viewer went away', cause))
  const viewerSignal = request.signal
  const onViewerAbort = () => gone(viewerSignal.reason)
  if (viewerSignal?.aborted) gone(viewerSignal.reason)
  // Removed by release(): a caller's signal may outlive many requests (one per server, say).
  else viewerSignal?.addEventListener('abort', onViewerAbort, { once: true })
  const timer = bodyTimeoutMs
    ? setTimeout(() => fail(new ProxyFailure('ERR_BODY_TIMEOUT', `the request body did not arrive within ${bodyTimeoutMs} ms`)), bodyTimeoutMs)
    : undefined
  const bodyEnded = () => clearTimeout(timer)
  return {
    signal: controller.signal,
    gone,
    bodyEnded,
    release() {
      bodyEnded()
      viewerSignal?.removeEventListener('abort', onViewerAbort)
    },
    streaming: false,
    bodyConsumed: false,
  }
}

/**
 * The upstream's answer body, relayed as the viewer reads it; `first` is its
 * first read, done before the head went out. A failure later (the upstream
 * cut it off) is reported, and reaches the viewer a little later than it
 * happened: @hono/node-server reads the chunks already there before writing
 * the head, and answers a failure among them with its own 500 that says
 * keep-alive and then destroys the socket, so the viewer lost that answer or
 * the next request it sent on the connection. Once the head is out, a failure
 * ends the connection mid-answer, which the viewer cannot take for a whole one.
 */
export function relayedAnswer(reader, first, viewer, report) {
  let done = false
  let pending = first
  const finish = () => {
    done = true
    viewer.release()
  }
  return new ReadableStream({
    async pull(controller) {
      let chunk
      try {
        chunk = pending ?? await reader.read()
        pending = undefined
      } catch (caught) {
        const error = viewer.signal.aborted ? viewer.signal.reason : caught
        finish()
        const { code } = report(error)
        await new Promise((resolve) => setTimeout(resolve, HEAD_WRITTEN_MS))
        // Adapters print this, and some write its message to the viewer
        // (@hono/node-server does): it says what happened and nothing else.
        controller.error(new Error(`iamfetch proxy: the answer was cut off (${code})`))
        return
      }
      if (chunk.done) {
        finish()
        controller.close()
      } else {
        controller.enqueue(chunk.value)
      }
    },
    cancel(reason) {
      if (!done) finish()
      return reader.cancel(reason)
    },
  }, { highWaterMark: 0 })
}

/**
 * The viewer's body, passed on as the upstream call pulls it (nothing is read
 * ahead). Its end stops the body deadline; a failure to read it means the viewer went away.
 */
export function streamedBody(body, viewer) {
  viewer.streaming = true
  const reader = body.getReader()
  return new ReadableStream({
    async pull(controller) {
      let chunk
      try {
        chunk = await reader.read()
      } catch (error) {
        viewer.gone(error)
        throw viewer.signal.reason
      }
      if (chunk.done) {
        viewer.bodyEnded()
        viewer.bodyConsumed = true
        controller.close()
      } else {
        controller.enqueue(chunk.value)
      }
    },
    cancel(reason) {
      viewer.bodyEnded()
      return reader.cancel(reason)
    },
  }, { highWaterMark: 0 })
}

export const TOO_LARGE = Symbol('too large')

/** The body, up to `limit` bytes; TOO_LARGE beyond (decided from content-length when it is there). */
export async function readLimited(request, limit, viewer) {
  const declaredLength = Number(request.headers.get('content-length'))
  if (Number.isFinite(declaredLength) && declaredLength > limit) {
    await request.body?.cancel().catch(() => {})
    return TOO_LARGE
  }
  if (!request.body) return null
  try {
    const body = await readUpTo(request.body, limit, undefined, viewer.signal)
    if (body === undefined) return TOO_LARGE
    viewer.bodyConsumed = true
    return body
  } catch (error) {
    // A body that cannot be read any more is a viewer that went away; a chunk that is not bytes is not.
    if (!(error instanceof IamFetchError)) viewer.gone(error)
    throw viewer.signal.aborted ? viewer.signal.reason : error
  }
}
