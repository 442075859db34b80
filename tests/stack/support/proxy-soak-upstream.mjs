// The proxy soak's upstream (proxy-soak.mjs): it verifies each request's SigV4
// signature with the stack's verifier (no iamfetch code), notes which requests
// reached it, injects the fault a viewer asked for, and echoes the tag.
import { once } from 'node:events'
import { createServer } from 'node:http'
import { CredentialsStore } from '../../../stack/src/credentials-store.mjs'
import { verifySigV4 } from '../../../stack/src/sigv4-verify.mjs'
import { parseQuery, readBody, receivedHeaders, splitTarget } from '../../../stack/src/http-util.mjs'
import { FAULT_HEADER, ID_HEADER, MAX_BODY, SIGNING, sha256 } from './proxy-soak-plan.mjs'

/**
 * The upstream: verifies each request's signature independently, notes what
 * reached it, applies the fault asked for, and echoes the tag.
 */
export async function startUpstream() {
  const store = new CredentialsStore('000000000000', [{ name: 'soak-proxy', userId: 'AIDASOAKPROXY', accessKeyId: SIGNING.accessKeyId, secretAccessKey: SIGNING.secretAccessKey }])
  const hostile = new Map() // id -> kind, for hostile requests
  const valid = new Set() // tags of valid requests, sent or being sent
  const attempts = new Map() // id -> attempts seen, for valid requests in flight
  const counts = { received: 0, verified: 0, badSignature: 0, incompleteBody: 0, faults: {} }
  const reached = {} // hostile kind -> requests of it the upstream saw
  const unknown = [] // tags that are no request's
  const badSignatures = []
  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy())
  })
  async function handle(req, res) {
    counts.received++
    const headers = receivedHeaders(req)
    const id = headers[ID_HEADER]
    if (hostile.has(id)) {
      const kind = hostile.get(id)
      reached[kind] = (reached[kind] ?? 0) + 1
    } else if (!valid.has(id) && unknown.length < 20) {
      unknown.push(String(id))
    }
    const attempt = (attempts.get(id) ?? 0) + 1
    if (valid.has(id)) attempts.set(id, attempt)
    let body
    try {
      body = await readBody(req, 2 * MAX_BODY)
    } catch {
      counts.incompleteBody++
      res.destroy()
      return
    }
    const { rawPath, rawQuery } = splitTarget(req.url)
    const query = parseQuery(rawQuery)
    try {
      await verifySigV4({ method: req.method, rawPath, query, headers, body, now: () => Date.now() }, { service: SIGNING.service, region: SIGNING.region, store })
      counts.verified++
    } catch (error) {
      counts.badSignature++
      if (badSignatures.length < 10) badSignatures.push(`${id}: ${error.message}`)
      res.writeHead(403, { 'content-type': 'application/json' }).end(JSON.stringify({ id, queryId: query.id, fault: 'bad signature' }))
      return
    }
    const [faultName, times] = (headers[FAULT_HEADER] ?? '').split(':')
    const fault = faultName && attempt <= Number(times) ? faultName : undefined
    if (fault) counts.faults[fault] = (counts.faults[fault] ?? 0) + 1
    if (fault === '500' || fault === '503') {
      res.writeHead(Number(fault), { 'content-type': 'application/json', 'x-amzn-errortype': 'ServiceException' })
      res.end(JSON.stringify({ id, queryId: query.id, fault }))
      return
    }
    if (fault === 'reset') {
      res.socket.resetAndDestroy()
      return
    }
    if (fault === 'slow-head') await new Promise((r) => setTimeout(r, 500))
    const echo = Buffer.from(JSON.stringify({
      pad: 'x'.repeat(Math.min(Number(query.answer) || 0, 256 * 1024)), method: req.method, bytes: body.length, sha256: sha256(body), attempt, id, queryId: query.id,
    }))
    if (res.destroyed) return
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': echo.length })
    if (fault === 'cut') {
      res.write(echo.subarray(0, echo.length >> 1), () => res.socket?.resetAndDestroy())
      return
    }
    if (fault === 'slow-body') {
      const step = Math.ceil(echo.length / 10)
      for (let at = 0; at < echo.length; at += step) {
        if (res.destroyed) return
        res.write(echo.subarray(at, at + step))
        await new Promise((r) => setTimeout(r, 100))
      }
      res.end()
      return
    }
    res.end(echo)
  }
  // Longer than any pause, as the proxy child's: a race on a kept-alive connection would be no fault of the proxy's.
  server.keepAliveTimeout = 120_000
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    hostile,
    valid: {
      add: (id) => valid.add(id),
      // The tag stays known (a late attempt is still a valid viewer's); its attempt count goes.
      done: (id) => attempts.delete(id),
    },
    report: () => ({ ...counts, reached, unknown, badSignatures }),
    async stop() {
      server.closeAllConnections()
      server.close()
    },
  }
}
