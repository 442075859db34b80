// Each example in examples/ runs in its runtime against the local AWS stack:
// the Cloudflare Worker in workerd (bundled as Wrangler does), Deno, Bun and
// Node, each importing `iamfetch` and `iamfetch/proxy` by their bare names
// from a project where iamfetch is this repository's built package. A viewer
// signs in through the user pool and calls the proxy; the function URL
// accepts what the proxy signed. The Lambda@Edge handler's output is sent on
// and accepted too, and a TypeScript consumer type-checks against the types.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { createHash } from 'node:crypto'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { startStack } from '../../stack/src/index.mjs'
import { signIn, jwksUrl } from './support/user-pool.mjs'
import { exampleProject, startServer, bin } from './support/example-runner.mjs'
import { originRequestEvent, includedBody, forwardAsCloudFront } from './support/cloudfront-events.mjs'
import { COMPATIBILITY_DATE, writeWorkerdConfig } from './support/workerd.mjs'
import { repoRoot } from './support/paths.mjs'
import { BUILDS } from '../../js/src/build-list.js'

let stack
let tokens
let project
let env

before(async () => {
  stack = await startStack()
  tokens = await signIn(stack)
  project = exampleProject()
  const user = stack.ids.iamUsers['test-user']
  env = {
    UPSTREAM_URL: stack.endpoints.functionUrl,
    UPSTREAM_SERVICE: 'lambda',
    UPSTREAM_REGION: 'us-east-1',
    COGNITO_USER_POOL_ID: stack.ids.userPoolId,
    COGNITO_CLIENT_ID: stack.ids.userPoolClientId,
    COGNITO_JWKS_URI: jwksUrl(stack),
    AWS_ACCESS_KEY_ID: user.accessKeyId,
    AWS_SECRET_ACCESS_KEY: user.secretAccessKey,
    PORT: '0',
  }
})
after(async () => {
  await stack?.stop()
  project?.remove()
})

/** What every runtime's proxy must do: sign for a signed-in viewer, refuse the rest, stream a declared-hash body. */
async function exercise(proxyUrl, runtime) {
  const sub = JSON.parse(Buffer.from(tokens.idToken.split('.')[1], 'base64url')).sub
  const ok = await fetch(`${proxyUrl}/hello?from=${runtime}`, { headers: { authorization: `Bearer ${tokens.idToken}` } })
  assert.equal(ok.status, 200, `${runtime}: ${await ok.clone().text()}`)
  const event = await ok.json()
  assert.equal(event.rawPath, '/hello')
  assert.equal(event.rawQueryString, `from=${runtime}`)
  assert.match(event.requestContext.authorizer.iam.userArn, /:user\/test-user$/)
  assert.equal(event.headers['x-user-sub'], sub, `${runtime}: the claims reach the upstream, signed`)

  const missing = await fetch(`${proxyUrl}/hello`)
  assert.equal(missing.status, 401, runtime)
  assert.equal((await missing.json()).code, 'ERR_TOKEN_MISSING', runtime)
  assert.match(missing.headers.get('www-authenticate'), /^Bearer/, runtime)

  const access = await fetch(`${proxyUrl}/hello`, { headers: { authorization: `Bearer ${tokens.accessToken}` } })
  assert.equal(access.status, 401, runtime)
  assert.equal((await access.json()).code, 'ERR_TOKEN_WRONG_USE', runtime)

  const bytes = Buffer.alloc(256 * 1024).map((_, i) => (i * 7) % 256)
  const hash = createHash('sha256').update(bytes).digest('hex')
  let sent = 0
  const body = new ReadableStream({
    pull(controller) {
      if (sent >= bytes.length) return controller.close()
      controller.enqueue(new Uint8Array(bytes.subarray(sent, sent + 32 * 1024)))
      sent += 32 * 1024
    },
  })
  const upload = await fetch(`${proxyUrl}/upload`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${tokens.idToken}`, 'x-amz-content-sha256': hash, 'content-type': 'application/octet-stream' },
    body,
    duplex: 'half',
  })
  assert.equal(upload.status, 200, `${runtime}: ${await upload.clone().text()}`)
  const uploaded = await upload.json()
  assert.equal(createHash('sha256').update(Buffer.from(uploaded.body, 'base64')).digest('hex'), hash, runtime)
}

test('Node: examples/node/server.mjs', async (t) => {
  const server = await startServer(process.execPath, ['server.mjs'], { cwd: join(project.dir, 'node'), env })
  t.after(() => server.stop())
  await exercise(server.url, 'node')
})

test('Deno: examples/deno/main.ts', async (t) => {
  // The example's deno.json maps iamfetch to npm (for users); here Deno resolves
  // it from the project's package.json and node_modules instead.
  rmSync(join(project.dir, 'deno', 'deno.json'))
  const server = await startServer(bin('deno'), ['run', '--allow-net', '--allow-env', '--allow-read', '--no-prompt', 'deno/main.ts'], {
    cwd: project.dir,
    env: { ...env, DENO_NO_UPDATE_CHECK: '1', DENO_DIR: join(project.dir, '.deno') },
  })
  t.after(() => server.stop())
  await exercise(server.url, 'deno')
})

test('Bun: examples/bun/server.ts', async (t) => {
  const server = await startServer(bin('bun'), ['--no-install', 'run', 'server.ts'], { cwd: join(project.dir, 'bun'), env: { ...env, BUN_RUNTIME_TRANSPILER_CACHE_PATH: '0' } })
  t.after(() => server.stop())
  await exercise(server.url, 'bun')
})

/**
 * A date before workerd's 2025-05-05 compatibility date, from which on it has
 * FinalizationRegistry and WeakRef: deliberately old, because a Worker that
 * keeps an older date in its wrangler.toml must still start and sign.
 */
const BEFORE_WEAK_REFS = '2025-01-01'

/** The compatibility date examples/cloudflare-worker/wrangler.toml gives the Worker users copy. */
const wranglerDate = () => /^compatibility_date\s*=\s*"([^"]+)"\s*$/m.exec(readFileSync(join(repoRoot, 'examples/cloudflare-worker/wrangler.toml'), 'utf8'))?.[1]

test("the Worker example's wrangler.toml names the compatibility date every Worker in the tests runs at", () => {
  assert.equal(wranglerDate(), COMPATIBILITY_DATE)
})

/** examples/cloudflare-worker bundled as Wrangler does, into its dist/ (once). */
let bundled
function bundleWorkerExample() {
  bundled ??= (async () => {
    const esbuild = await import('esbuild')
    const workerDir = join(project.dir, 'cloudflare-worker')
    const out = join(workerDir, 'dist')
    mkdirSync(out, { recursive: true })
    // Wrangler's bundling: the workerd/worker/browser export conditions, .wasm imported as a compiled module.
    await esbuild.build({
      entryPoints: [join(workerDir, 'src', 'index.js')],
      absWorkingDir: workerDir,
      bundle: true,
      format: 'esm',
      platform: 'neutral',
      conditions: ['workerd', 'worker', 'browser'],
      mainFields: ['module', 'main'],
      outfile: join(out, 'worker.js'),
      logLevel: 'silent',
      plugins: [{
        name: 'wasm-module',
        setup(build) {
          build.onResolve({ filter: /\.wasm$/ }, (args) => ({ path: `./${basename(args.path)}`, external: true }))
        },
      }],
    })
    return out
  })()
  return bundled
}

for (const [when, compatibilityDate] of [["at wrangler.toml's compatibility date", wranglerDate()], [`at ${BEFORE_WEAK_REFS}, before FinalizationRegistry`, BEFORE_WEAK_REFS]]) {
  test(`Cloudflare Worker: examples/cloudflare-worker bundled as Wrangler does, run in workerd ${when}`, async (t) => {
    const out = await bundleWorkerExample()
    const bindings = Object.entries({ ...env, PORT: undefined }).filter(([, v]) => v !== undefined)
    const config = `config-${compatibilityDate}.capnp`
    writeWorkerdConfig(join(out, config), [{
      name: 'main',
      port: 0,
      modules: [['worker.js', 'esModule', 'worker.js'], [BUILDS.core.wasm, 'wasm', `../../node_modules/iamfetch/dist/wasm/${BUILDS.core.wasm}`]],
      bindings,
      outbound: true,
    }], { compatibilityDate })
    const server = await startServer(bin('workerd'), ['serve', config, '--control-fd=3'], { cwd: out, env: {}, controlFd: true })
    t.after(() => server.stop())
    await exercise(server.url, 'workerd').catch((error) => {
      error.message += `\nworkerd output:\n${server.output().slice(-2000)}`
      throw error
    })
  })
}

test('Lambda@Edge: examples/lambda-edge signs an origin request the function URL accepts', async (t) => {
  const saved = { ...process.env }
  t.after(() => {
    for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']) {
      if (saved[name] === undefined) delete process.env[name]
      else process.env[name] = saved[name]
    }
  })
  // What the Lambda runtime provides: the execution role's keys.
  process.env.AWS_ACCESS_KEY_ID = env.AWS_ACCESS_KEY_ID
  process.env.AWS_SECRET_ACCESS_KEY = env.AWS_SECRET_ACCESS_KEY
  delete process.env.AWS_SESSION_TOKEN
  const { handler } = await import(pathToFileURL(join(project.dir, 'lambda-edge', 'index.mjs')).href)
  // The origin is a function URL host (service and region come from it); the
  // request goes to the local function URL with that Host, as DNS would send it.
  const functionHost = `${stack.ids.functionUrlIds.echo}.lambda-url.us-east-1.on.aws`
  const event = originRequestEvent(`https://${functionHost}`, {
    method: 'POST',
    uri: '/orders',
    querystring: 'id=7',
    headers: { 'content-type': 'application/json' },
    body: includedBody(Buffer.from('{"item":"book"}')),
  })
  const signed = await handler(event)
  assert.match(signed.headers.authorization[0].value, /\/us-east-1\/lambda\/aws4_request/)
  const response = await forwardAsCloudFront(signed, { connectTo: stack.endpoints.functionUrl })
  assert.equal(response.status, 200, await response.clone().text())
  const echoed = await response.json()
  assert.equal(echoed.body, '{"item":"book"}')
  assert.equal(echoed.headers.host, functionHost)
  const tampered = await forwardAsCloudFront({ ...signed, querystring: 'id=8' }, { connectTo: stack.endpoints.functionUrl })
  assert.equal(tampered.status, 403)
})

test('TypeScript: a consumer of iamfetch/proxy type-checks against the package declarations', async () => {
  writeFileSync(join(project.dir, 'consumer.ts'), `
import { fromEnv } from 'iamfetch'
import { createSigningProxy, signCloudFrontOriginRequest, type SigningProxyErrorCode, type CloudFrontRequestEvent } from 'iamfetch/proxy'
const proxy: (request: Request) => Promise<Response> = createSigningProxy({
  upstream: 'https://abc.lambda-url.eu-west-1.on.aws',
  credentials: fromEnv({}),
  verify: { userPoolId: 'eu-west-1_AbCdE', clientId: 'client', tokenUse: 'id' },
  addHeaders: (claims) => ({ 'x-user-sub': String(claims.sub) }),
  cors: { allowOrigins: ['https://app.example.com'] },
})
const code: SigningProxyErrorCode = 'ERR_TOKEN_EXPIRED'
export async function handler(event: CloudFrontRequestEvent) {
  const request = await signCloudFrontOriginRequest(event, { credentials: { accessKeyId: 'a', secretAccessKey: 'b' } })
  return request.headers.authorization?.[0].value
}
// @ts-expect-error verify is required
createSigningProxy({ upstream: 'https://x', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } })
export { proxy, code }
`)
  writeFileSync(join(project.dir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', lib: ['es2022', 'dom'], strict: true, noEmit: true, types: [], skipLibCheck: false },
    files: ['consumer.ts'],
  }))
  const result = await promisify(execFile)(bin('tsc'), ['-p', 'tsconfig.json'], { cwd: project.dir }).catch((error) => error)
  assert.equal(result.code ?? 0, 0, `${result.stdout ?? ''}${result.stderr ?? ''}`)
})
