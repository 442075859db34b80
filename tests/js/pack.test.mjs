// The package as users get it: `npm pack`, installed into an empty project,
// imported by its bare name through the exports map, signing a request that
// the local stack's function URL verifies with the AWS SDK's own signer.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFile, execFileSync } from 'node:child_process'
import { promisify } from 'node:util'
import { mkdtempSync, writeFileSync, rmSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { repoRoot } from './support/paths.mjs'
import { BUILDS } from '../../js/src/build-list.js'
import { startStack } from '../../stack/src/index.mjs'

const CONSUMER = `
import { AwsClient, IamFetchError } from 'iamfetch'
const { url, accessKeyId, secretAccessKey, region, service } = JSON.parse(process.argv[2])
const client = new AwsClient({ accessKeyId, secretAccessKey, region, service })
const response = await client.fetch(url + '/orders?id=7', {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ item: 'book' }),
})
const refused = await client.fetch(url + '/orders', { method: 'POST', body: 'x', aws: { secretAccessKey: 'wrong' } })
console.log(JSON.stringify({
  status: response.status,
  event: await response.json(),
  refused: { status: refused.status, type: refused.headers.get('x-amzn-errortype') },
  errorClass: typeof IamFetchError,
}))
`

const TYPED_CONSUMER = `
import { AwsClient, AwsV4Signer, signRequest, IamFetchError, type IamFetchErrorCode } from 'iamfetch'
import { createSigningProxy, type SigningProxyErrorCode } from 'iamfetch/proxy'
import { fromNodeProviderChain } from 'iamfetch/server'
import { AwsClient as InlineClient, init } from 'iamfetch/inline'
import 'iamfetch/sigv4a'
import 'iamfetch/diagnostics'
import 'iamfetch/s3'
const loaded: Promise<void>[] = [init(), init(new URL('https://cdn.example/iamfetch_bg.wasm')), init(new Uint8Array(8)), init({ core: fetch('/a.wasm'), sigv4a: '/b.wasm' })]
const inline = new InlineClient({ accessKeyId: 'a', secretAccessKey: 'b' })
const chained = new AwsClient({ credentials: fromNodeProviderChain({ imds: false }), service: 'execute-api', region: 'us-east-1' })
const proxy: (request: Request) => Promise<Response> = createSigningProxy({ upstream: 'https://x.lambda-url.us-east-1.on.aws', credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, verify: { userPoolId: 'us-east-1_x', clientId: 'c' } })
const proxyCode: SigningProxyErrorCode = 'ERR_BODY_TOO_LARGE'
const client = new AwsClient({ accessKeyId: 'a', secretAccessKey: 'b', region: 'us-east-1', retries: 2 })
const request: Promise<Request> = client.sign('https://x.lambda-url.us-east-1.on.aws/', { aws: { signQuery: true, expiresIn: 60 } })
const signer = new AwsV4Signer({ url: 'https://x.lambda-url.us-east-1.on.aws/', accessKeyId: 'a', secretAccessKey: 'b' })
const header: Promise<string> = signer.authHeader()
const signed = signRequest({ url: 'https://x/' }, { accessKeyId: 'a', secretAccessKey: 'b' }).then((s) => s.canonicalRequest.length)
function codeOf(error: unknown): IamFetchErrorCode | undefined {
  return error instanceof IamFetchError ? error.code : undefined
}
export { request, header, signed, codeOf, proxy, proxyCode, chained, loaded, inline }
`

// Packed and installed once, into an empty project, as a user would.
let work, tarball, project, stack
before(async () => {
  work = mkdtempSync(join(tmpdir(), 'iamfetch-pack-'))
  stack = await startStack()
  execFileSync('npm', ['pack', '--pack-destination', work, '--silent'], { cwd: join(repoRoot, 'js') })
  tarball = readdirSync(work).find((f) => f.endsWith('.tgz'))
  project = join(work, 'app')
  execFileSync('mkdir', ['-p', project])
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }))
  if (tarball) execFileSync('npm', ['install', '--no-audit', '--no-fund', '--silent', join(work, tarball)], { cwd: project })
})
after(async () => {
  await stack?.stop()
  if (work) rmSync(work, { recursive: true, force: true })
})

test('the tarball holds every entry, and a bare import in Node signs a request the stack accepts', async () => {
  assert.ok(tarball, 'npm pack produced a tarball')
  const contents = execFileSync('tar', ['-tzf', join(work, tarball)], { encoding: 'utf8' })
  for (const file of ['package/dist/index.node.js', 'package/dist/index.browser.js', 'package/dist/index.workerd.js', 'package/dist/index.d.ts', 'package/dist/wasm/iamfetch_bg.wasm', 'package/proxy.d.ts']) {
    assert.ok(contents.includes(file), `the tarball holds ${file}`)
  }
  writeFileSync(join(project, 'main.js'), CONSUMER)
  const user = stack.ids.iamUsers['test-user']
  const input = { url: stack.endpoints.functionUrl, ...user, ...stack.signing.functionUrl }
  // Async: the stack runs in this process and must keep answering.
  const { stdout } = await promisify(execFile)('node', ['main.js', JSON.stringify(input)], { cwd: project, timeout: 60_000 })
  const output = JSON.parse(stdout)

  assert.equal(output.status, 200)
  assert.equal(output.event.requestContext.http.method, 'POST')
  assert.equal(output.event.rawPath, '/orders')
  assert.equal(output.event.rawQueryString, 'id=7')
  assert.equal(output.event.body, '{"item":"book"}')
  assert.equal(output.event.requestContext.authorizer.iam.accessKey, user.accessKeyId)
  assert.equal(output.refused.status, 403)
  assert.equal(output.refused.type, 'InvalidSignatureException')
  assert.equal(output.errorClass, 'function')
})

test('types check under every module resolution, and publint and arethetypeswrong pass on the tarball', () => {
  // The types resolve through the exports map, as a TypeScript user's would,
  // under each module resolution a project may use (node10: no exports map).
  writeFileSync(join(project, 'check.ts'), TYPED_CONSUMER)
  for (const [module, moduleResolution] of [['nodenext', 'nodenext'], ['node16', 'node16'], ['esnext', 'bundler'], ['commonjs', 'node10']]) {
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { module, moduleResolution, target: 'es2022', lib: ['es2022', 'dom'], strict: true, noEmit: true, skipLibCheck: false },
      files: ['check.ts'],
    }))
    // tsc reports errors on stdout; the assertion shows them.
    try {
      execFileSync(join(repoRoot, 'node_modules/.bin/tsc'), ['-p', project], { encoding: 'utf8' })
    } catch (error) {
      assert.fail(`tsc with moduleResolution ${moduleResolution}:\n${error.stdout}`)
    }
  }

  // Linted as jose lints its own: publint, and arethetypeswrong on the tarball.
  // The one rule ignored: require() of this ESM-only package gives ESM (Node 20.19+ supports that; older CJS must import()).
  const tool = (name) => join(repoRoot, 'node_modules/.bin', name)
  const lint = (command, args) => {
    try {
      execFileSync(tool(command), args, { encoding: 'utf8', cwd: work })
    } catch (error) {
      assert.fail(`${command} failed:\n${error.stdout}\n${error.stderr}`)
    }
  }
  lint('publint', ['run', join(work, tarball), '--strict'])
  // The .wasm files are exported as assets for bundlers to import; they have no types to check.
  const assets = Object.keys(JSON.parse(readFileSync(join(repoRoot, 'js/package.json'), 'utf8')).exports).filter((path) => path.endsWith('.wasm'))
  assert.equal(assets.length, Object.keys(BUILDS).length, `each .wasm is exported: ${assets}`)
  lint('attw', [join(work, tarball), '--ignore-rules', 'cjs-resolves-to-esm', '--exclude-entrypoints', ...assets])
})
