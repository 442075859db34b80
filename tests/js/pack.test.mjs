// The package as users get it: `npm pack`, installed into an empty project,
// imported by its bare name through the exports map, signing a request that
// the local stack's function URL verifies with the AWS SDK's own signer.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile, execFileSync } from 'node:child_process'
import { promisify } from 'node:util'
import { mkdtempSync, writeFileSync, rmSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { repoRoot } from './support/paths.mjs'
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
const client = new AwsClient({ accessKeyId: 'a', secretAccessKey: 'b', region: 'us-east-1', retries: 2 })
const request: Promise<Request> = client.sign('https://x.lambda-url.us-east-1.on.aws/', { aws: { signQuery: true, expiresIn: 60 } })
const signer = new AwsV4Signer({ url: 'https://x.lambda-url.us-east-1.on.aws/', accessKeyId: 'a', secretAccessKey: 'b' })
const header: Promise<string> = signer.authHeader()
const signed = signRequest({ url: 'https://x/' }, { accessKeyId: 'a', secretAccessKey: 'b' }).then((s) => s.canonicalRequest.length)
function codeOf(error: unknown): IamFetchErrorCode | undefined {
  return error instanceof IamFetchError ? error.code : undefined
}
export { request, header, signed, codeOf }
`

test('npm pack installs into an empty project where a bare import signs a request the stack accepts', async (t) => {
  const work = mkdtempSync(join(tmpdir(), 'iamfetch-pack-'))
  const stack = await startStack()
  t.after(async () => {
    await stack.stop()
    rmSync(work, { recursive: true, force: true })
  })

  execFileSync('npm', ['pack', '--pack-destination', work, '--silent'], { cwd: join(repoRoot, 'js') })
  const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'))
  assert.ok(tarball, 'npm pack produced a tarball')
  const contents = execFileSync('tar', ['-tzf', join(work, tarball)], { encoding: 'utf8' })
  for (const file of ['package/dist/index.node.js', 'package/dist/index.browser.js', 'package/dist/index.workerd.js', 'package/dist/index.d.ts', 'package/dist/wasm/iamfetch_bg.wasm']) {
    assert.ok(contents.includes(file), `the tarball holds ${file}`)
  }

  const project = join(work, 'app')
  execFileSync('mkdir', ['-p', project])
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }))
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--silent', join(work, tarball)], { cwd: project })
  writeFileSync(join(project, 'main.js'), CONSUMER)

  // The types resolve through the exports map, as a TypeScript user's would.
  writeFileSync(join(project, 'check.ts'), TYPED_CONSUMER)
  writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', lib: ['es2022', 'dom'], strict: true, noEmit: true, skipLibCheck: false },
    files: ['check.ts'],
  }))
  execFileSync(join(repoRoot, 'node_modules/.bin/tsc'), ['-p', project], { encoding: 'utf8' })

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
