// A static server for the built package and test pages on 127.0.0.1, and
// headless Chromium (support/browsers.mjs launches each engine).
import { createServer } from 'node:http'
import { readFile } from 'node:fs/promises'
import { extname, join, normalize } from 'node:path'
import { repoRoot } from './paths.mjs'

export { launchChromium } from './browsers.mjs'

const TYPES = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.html': 'text/html', '.wasm': 'application/wasm', '.json': 'application/json' }

/** Serves the repo read-only: /js/dist/... for the package, /tests/browser/... for pages. */
export async function serveRepo() {
  const server = createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '')
    if (!/^\/(js\/dist|tests\/browser)\//.test(path)) return res.writeHead(404).end()
    try {
      const body = await readFile(join(repoRoot, path))
      res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' }).end(body)
    } catch {
      res.writeHead(404).end()
    }
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { origin: `http://localhost:${server.address().port}`, close: () => new Promise((resolve) => server.close(resolve)) }
}
