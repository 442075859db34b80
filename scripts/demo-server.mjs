// The demo: starts the local AWS stack and serves the page (www/) with the
// built package (js/dist, at /iamfetch/) on localhost. scripts/demo.sh builds
// first and runs this; the Playwright tests import startDemo().
//
//   node scripts/demo-server.mjs [--port 8080] [--port-base 9100] [--credentials-lifetime 120] [--verbose]
//
// The page reads /demo-config.json for its local defaults. Credentials last
// 2 minutes here (AWS's are 1 hour) so that the automatic refresh shows.
import { createServer } from 'node:http'
import { readFile, stat } from 'node:fs/promises'
import { extname, join, normalize, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startStack } from '../stack/src/index.mjs'

const repoRoot = fileURLToPath(new URL('../', import.meta.url))
const ROOTS = [
  { prefix: '/iamfetch/', dir: join(repoRoot, 'js', 'dist') },
  { prefix: '/', dir: join(repoRoot, 'www') },
]
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.ts': 'text/plain; charset=utf-8',
}

/**
 * @param {{ port?: number, portBase?: number, credentialsLifetimeSeconds?: number, log?: (line: string) => void }} [options]
 *   port 0 and portBase undefined give ephemeral ports (tests).
 * @returns {Promise<{ url: string, stack: object, stop: () => Promise<void> }>}
 */
export async function startDemo({ port = 0, portBase, credentialsLifetimeSeconds = 120, log } = {}) {
  await stat(join(repoRoot, 'js', 'dist', 'index.browser.js')).catch(() => {
    throw new Error('js/dist is missing: run `bash scripts/build.sh` (scripts/demo.sh does)')
  })
  const config = (cfg) => {
    for (const pool of cfg.identityPools) pool.credentialsLifetimeSeconds = credentialsLifetimeSeconds
    return cfg
  }
  let stack
  try {
    stack = await startStack({ config, portBase, log })
  } catch (error) {
    if (error?.code !== 'EADDRINUSE' || portBase === undefined) throw error
    // Another stack (or anything else) holds the fixed ports: take free ones.
    stack = await startStack({ config, log })
  }
  const demoConfig = JSON.stringify(localDefaults(stack, credentialsLifetimeSeconds), null, 2)

  const handler = async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://localhost').pathname)
    if (req.method !== 'GET' && req.method !== 'HEAD') return res.writeHead(405, { allow: 'GET, HEAD' }).end()
    if (path === '/demo-config.json') return send(res, req, 200, TYPES['.json'], demoConfig)
    const root = ROOTS.find((r) => path.startsWith(r.prefix))
    const file = resolve(root.dir, '.' + normalize(path.slice(root.prefix.length - 1) + (path.endsWith('/') ? 'index.html' : '')))
    if (!file.startsWith(root.dir + sep)) return send(res, req, 404, 'text/plain', 'not found')
    try {
      send(res, req, 200, TYPES[extname(file)] ?? 'application/octet-stream', await readFile(file))
    } catch {
      send(res, req, 404, 'text/plain', 'not found')
    }
  }

  // localhost may resolve to either address: listen on both loopbacks, never beyond.
  const servers = []
  const primary = createServer(handler)
  await listen(primary, port, '127.0.0.1')
  servers.push(primary)
  const actualPort = primary.address().port
  const v6 = createServer(handler)
  if (await listen(v6, actualPort, '::1').then(() => true, () => false)) servers.push(v6)

  let stopping
  return {
    url: `http://localhost:${actualPort}/`,
    stack,
    stop() {
      stopping ??= Promise.all([
        ...servers.map((s) => new Promise((done) => { s.closeAllConnections?.(); s.close(done) })),
        stack.stop(),
      ]).then(() => {})
      return stopping
    },
  }
}

/** What the page needs to talk to the local stack (a real deployment sets these in the page's settings). */
function localDefaults(stack, credentialsLifetimeSeconds) {
  const { endpoints, ids } = stack
  return {
    local: true,
    credentialsLifetimeSeconds,
    settings: {
      region: ids.region,
      identityPoolId: ids.identityPoolId,
      userPoolId: ids.userPoolId,
      userPoolClientId: ids.userPoolClientId,
      functionUrl: endpoints.functionUrl,
      cloudfrontUrl: endpoints.cloudfront,
      apiUrl: `${endpoints.apiRest}/${ids.restApiStage}`,
      cognitoIdentityEndpoint: `${endpoints.cognitoIdentity}/`,
      cognitoIdpEndpoint: `${endpoints.cognitoIdp}/`,
    },
    // The local user pool's demo user, offered on the sign-in form.
    demoUser: ids.users[0] ?? null,
  }
}

function send(res, req, status, type, body) {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' })
  res.end(req.method === 'HEAD' ? undefined : body)
}

function listen(server, port, host) {
  return new Promise((done, fail) => {
    server.once('error', fail)
    server.listen(port, host, () => {
      server.off('error', fail)
      done()
    })
  })
}

function parseArgs(argv) {
  const options = { port: 8080, portBase: 9100, credentialsLifetimeSeconds: 120, verbose: false }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    const number = () => {
      const value = Number(argv[++i])
      if (!Number.isInteger(value) || value < 0) throw new Error(`${arg} needs a whole number`)
      return value
    }
    if (arg === '--port') options.port = number()
    else if (arg === '--port-base') options.portBase = number()
    else if (arg === '--credentials-lifetime') options.credentialsLifetimeSeconds = number()
    else if (arg === '--verbose') options.verbose = true
    else if (arg === '--help' || arg === '-h') {
      console.log('usage: node scripts/demo-server.mjs [--port 8080] [--port-base 9100] [--credentials-lifetime 120] [--verbose]')
      process.exit(0)
    } else throw new Error(`unknown argument ${arg} (try --help)`)
  }
  return options
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const options = parseArgs(process.argv.slice(2))
  const log = options.verbose ? (line) => console.log(`stack  ${line}`) : undefined
  let demo
  try {
    demo = await startDemo({ ...options, log })
  } catch (error) {
    if (error?.code !== 'EADDRINUSE' || options.port === 0) throw error
    console.log(`port ${options.port} is taken: using a free one`)
    demo = await startDemo({ ...options, port: 0, log })
  }
  const { endpoints } = demo.stack
  console.log(`
iamfetch demo: open ${demo.url}

  local AWS stack: function URL ${endpoints.functionUrl}, CloudFront ${endpoints.cloudfront}, API Gateway ${endpoints.apiRest}
  demo user: demo / demo-password; credentials last ${options.credentialsLifetimeSeconds} s, so the refresh shows
  Ctrl-C stops the page and the stack${options.verbose ? '' : ' (--verbose logs every stack request)'}
`)
  let stopping = false
  const stop = async () => {
    if (stopping) return
    stopping = true
    await demo.stop()
    console.log('stopped')
    process.exit(0)
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}
