// Child process of the proxy soak (proxy-soak.mjs): createSigningProxy from the
// packaged js/dist behind its Node adapter, @hono/node-server's serve(), as
// examples/node runs it. Its own process, so that the memory sampled is the
// proxy's alone. A second port (never the proxy's) answers the soak's
// questions: GET /memory (after a full GC), GET /errors (what onError saw).
//   node --expose-gc proxy-soak-child.mjs <proxy entry URL> <options JSON>
import { createServer } from 'node:http'
import { once } from 'node:events'
import { serve } from '@hono/node-server'

const [proxyEntry, optionsJson] = process.argv.slice(2)
const { createSigningProxy } = await import(proxyEntry)

/** onError's calls, per "status code", with a few messages. */
const errors = { counts: {}, examples: [] }
const proxy = createSigningProxy({
  ...JSON.parse(optionsJson),
  onError: (error, { status, code }) => {
    const key = `${status} ${code}`
    errors.counts[key] = (errors.counts[key] ?? 0) + 1
    if (errors.examples.length < 20) errors.examples.push(`${key}: ${error?.message ?? error}`)
  },
})
const server = serve({ fetch: proxy, port: 0, hostname: '127.0.0.1', overrideGlobalObjects: false })
await once(server, 'listening')
// Node closes a kept-alive connection idle for 5 s; a viewer reusing it at that
// moment gets no answer (HTTP/1.1's keep-alive race, which undici's 1 s margin
// misses on a loaded machine). That is no loss of the proxy's: longer than any
// pause in the soak, so that a viewer left without an answer is the proxy's doing.
server.keepAliveTimeout = 120_000

const connections = () => new Promise((resolve) => server.getConnections((error, n) => resolve(error ? -1 : n)))
const admin = createServer(async (req, res) => {
  if (req.url === '/memory') {
    globalThis.gc?.()
    globalThis.gc?.()
    const { rss, heapUsed, external, arrayBuffers } = process.memoryUsage()
    const resources = {}
    for (const name of process.getActiveResourcesInfo()) resources[name] = (resources[name] ?? 0) + 1
    res.end(JSON.stringify({ rss, heapUsed, external, arrayBuffers, resources, connections: await connections() }))
    return
  }
  if (req.url === '/errors') {
    res.end(JSON.stringify(errors))
    return
  }
  if (req.url === '/cpu') {
    const { user, system } = process.cpuUsage()
    res.end(JSON.stringify({ cpuMs: (user + system) / 1000 }))
    return
  }
  res.writeHead(404).end()
})
admin.listen(0, '127.0.0.1')
await once(admin, 'listening')
process.stdout.write(`${JSON.stringify({ port: server.address().port, adminPort: admin.address().port })}\n`)
process.on('SIGTERM', () => {
  server.closeAllConnections?.()
  server.close()
  admin.close()
  process.exit(0)
})
