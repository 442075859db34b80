// The seed scenario end to end, in Node, Bun and Deno: a project installs the
// packed tarball, and support/chain-app.mjs runs with the environment EKS sets
// (IRSA: AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE; Pod Identity:
// AWS_CONTAINER_CREDENTIALS_FULL_URI + AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE),
// AWS_ENDPOINT_URL_STS at the stack and the app's AWS_ROLE_TO_ASSUME:
// chain → AssumeRole → a signed API Gateway call, accepted as the second role.
// Also: browser and workerd bundles of iamfetch/server get the throwing entry.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFile, execFileSync } from 'node:child_process'
import { promisify } from 'node:util'
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as esbuild from 'esbuild'
import { startStack } from '../../stack/src/index.mjs'

const repoRoot = fileURLToPath(new URL('../../', import.meta.url))
const run = promisify(execFile)
const bin = (name) => join(repoRoot, 'node_modules/.bin', name)
const RUNTIMES = {
  node: ['node', ['app.mjs']],
  bun: [bin('bun'), ['app.mjs']],
  deno: [bin('deno'), ['run', '--allow-net', '--allow-read', '--allow-env', 'app.mjs']],
}

let stack, project

before(async () => {
  stack = await startStack()
  project = mkdtempSync(join(tmpdir(), 'iamfetch-chain-e2e-'))
  execFileSync('npm', ['pack', '--pack-destination', project, '--silent'], { cwd: join(repoRoot, 'js') })
  const tarball = readdirSync(project).find((f) => f.endsWith('.tgz'))
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'chain-e2e', private: true, type: 'module' }))
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--silent', join(project, tarball)], { cwd: project })
  copyFileSync(join(repoRoot, 'tests/stack/support/chain-app.mjs'), join(project, 'app.mjs'))
})
after(async () => {
  await stack?.stop()
  if (project) rmSync(project, { recursive: true, force: true })
})

async function idToken() {
  const response = await fetch(stack.endpoints.cognitoIdp, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityProviderService.InitiateAuth' },
    body: JSON.stringify({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: stack.ids.userPoolClientId, AuthParameters: { USERNAME: 'demo', PASSWORD: 'demo-password' } }),
  })
  return (await response.json()).AuthenticationResult.IdToken
}

/** The parent's environment without any AWS_ variable, plus the scenario's. */
function scenarioEnv(scenario) {
  const base = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_')))
  return {
    ...base,
    DENO_NO_UPDATE_CHECK: '1',
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL_STS: stack.endpoints.sts,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ROLE_TO_ASSUME: stack.ids.roles['api-caller'],
    API_URL: `${stack.endpoints.apiRest}/${stack.ids.restApiStage}/echo`,
    ...scenario,
  }
}

const SCENARIOS = {
  'IRSA (web identity token file)': async () => ({
    AWS_ROLE_ARN: stack.ids.roles.workload,
    AWS_WEB_IDENTITY_TOKEN_FILE: writeToken('irsa-token', await idToken()),
    AWS_ROLE_SESSION_NAME: 'eks-irsa-pod',
  }),
  'EKS Pod Identity (container endpoint)': async () => ({
    AWS_CONTAINER_CREDENTIALS_FULL_URI: `${stack.endpoints.containerCredentials}${stack.ids.containerCredentialsPath}`,
    AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: writeToken('pod-identity-token', stack.ids.containerAuthorizationTokens[0]),
  }),
}

function writeToken(name, token) {
  const path = join(project, name)
  writeFileSync(path, token)
  return path
}

for (const [runtime, [command, args]] of Object.entries(RUNTIMES)) {
  for (const [scenario, makeEnv] of Object.entries(SCENARIOS)) {
    test(`${runtime}: ${scenario} → AssumeRole AWS_ROLE_TO_ASSUME → API Gateway IAM route`, async () => {
      const { stdout } = await run(command, args, { cwd: project, env: scenarioEnv(await makeEnv()), timeout: 120_000 })
      const outcome = JSON.parse(stdout.trim().split('\n').pop())
      assert.equal(outcome.status, 200, outcome.body)
      assert.match(outcome.userArn, /^arn:aws:sts::123456789012:assumed-role\/api-caller\/iamfetch-[0-9a-f]+$/)
    })
  }
}

test('without any source, each runtime fails with ERR_NO_CREDENTIAL_SOURCE naming the sources', async () => {
  for (const [runtime, [command, args]] of Object.entries(RUNTIMES)) {
    const error = await run(command, args, { cwd: project, env: scenarioEnv({}), timeout: 120_000 }).then(() => assert.fail(`${runtime} succeeded`), (e) => e)
    assert.match(error.stderr, /ERR_NO_CREDENTIAL_SOURCE/, runtime)
    assert.match(error.stderr, /web identity token file: skipped/, runtime)
  }
})

test('browser and workerd bundles of iamfetch/server get the entry that throws, with no file or process access', async () => {
  writeFileSync(join(project, 'bundle-entry.mjs'), "import { fromNodeProviderChain } from 'iamfetch/server'\nexport const chain = fromNodeProviderChain\n")
  const manifest = JSON.parse(readFileSync(join(project, 'node_modules/iamfetch/package.json'), 'utf8'))
  for (const [name, conditions] of [['browser', ['browser']], ['workerd', ['workerd', 'worker', 'browser']]]) {
    const result = await esbuild.build({
      entryPoints: [join(project, 'bundle-entry.mjs')], bundle: true, format: 'esm', platform: 'browser', write: false, logLevel: 'silent', conditions, metafile: true,
    })
    const inputs = Object.keys(result.metafile.inputs)
    assert.ok(inputs.some((path) => path.endsWith('dist/server.browser.js')), `${name}: ${inputs.join(', ')}`)
    assert.ok(!inputs.some((path) => /node-chain|metadata\.js/.test(path)), `${name} bundles the server chain`)
    assert.doesNotMatch(result.outputFiles[0].text, /node:fs|process\.env/, name)
  }
  assert.equal(manifest.exports['./server'].default, './dist/server.browser.js')
  for (const condition of ['node', 'bun', 'deno']) assert.equal(manifest.exports['./server'][condition], './dist/server.node.js')
})
