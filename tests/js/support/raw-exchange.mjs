// One HTTP/1.1 exchange over a plain socket, for viewers fetch cannot play:
// a body dripped byte by byte, headers sent in pieces, a hang-up mid-body.
import { connect } from 'node:net'

/** What is kept of the server's bytes: any head and the small bodies these tests read. */
const KEPT_BYTES = 64 * 1024

/**
 * Sends `head` at once, then each of `parts` every `everyMs` while the socket
 * is open; if `hangUp`, hangs up `hangUpAfterMs` after the last part. Resolves
 * once the server has closed the socket, the viewer has hung up, or `waitMs`
 * has passed (the viewer then hangs up), with:
 * - `status`, `headText`, `text` (all that came, latin1) and `json` (the body, when it is JSON);
 * - `answeredAfterMs`: when the first byte came, if any;
 * - `closedAfterMs`: when the server closed the socket, undefined if it did not first;
 * - `hungUp`: whether the viewer hung up on purpose.
 */
export function rawExchange(port, head, { parts = [], everyMs = 0, hangUp = false, hangUpAfterMs = 200, waitMs = 5000 } = {}) {
  return new Promise((resolve) => {
    const started = Date.now()
    const socket = connect(port, '127.0.0.1')
    let text = ''
    let answeredAfterMs
    let closedAfterMs
    let hungUp = false
    let settled = false
    const finish = () => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      socket.destroy()
      const [headText = '', bodyText = ''] = text.split('\r\n\r\n')
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(headText)?.[1]) || undefined
      let json
      try {
        json = JSON.parse(bodyText)
      } catch { /* not JSON, or no answer */ }
      resolve({ status, json, headText, text, answeredAfterMs, closedAfterMs, hungUp })
    }
    const timer = setTimeout(finish, waitMs)
    socket.setEncoding('latin1')
    socket.on('data', (data) => {
      answeredAfterMs ??= Date.now() - started
      if (text.length < KEPT_BYTES) text += data
    })
    socket.on('error', () => {})
    socket.on('close', () => {
      closedAfterMs ??= Date.now() - started
      finish()
    })
    socket.write(head)
    ;(async () => {
      for (const part of parts) {
        if (everyMs) await new Promise((r) => setTimeout(r, everyMs))
        if (socket.destroyed || settled) return
        socket.write(part)
      }
      if (!hangUp) return
      await new Promise((r) => setTimeout(r, hangUpAfterMs))
      if (settled) return
      hungUp = true
      finish()
    })()
  })
}
