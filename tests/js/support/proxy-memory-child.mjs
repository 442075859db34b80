// Child process: runs createSigningProxy behind @hono/node-server, as
// examples/node does, and reports the peak growth of its own resident memory
// while a large upload streams through it (GET /__memory, answered here, not by the proxy).
import { createServer } from 'node:http'
import { getRequestListener } from '@hono/node-server'

const [proxyEntry, optionsJson] = process.argv.slice(2)
const { createSigningProxy } = await import(proxyEntry)
const proxy = getRequestListener(createSigningProxy(JSON.parse(optionsJson)), { overrideGlobalObjects: false })

let baseline = 0
let peak = 0
const sample = () => { peak = Math.max(peak, process.memoryUsage().rss) }
setInterval(sample, 5).unref()

const server = createServer((req, res) => {
  if (req.url === '/__memory/reset') {
    globalThis.gc?.()
    baseline = process.memoryUsage().rss
    peak = baseline
    res.end('{}')
    return
  }
  if (req.url === '/__memory') {
    sample()
    res.end(JSON.stringify({ baseline, peak, growthBytes: peak - baseline }))
    return
  }
  proxy(req, res)
})
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port })))
process.on('SIGTERM', () => server.close(() => process.exit(0)))
