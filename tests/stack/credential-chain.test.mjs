// iamfetch/server's fromNodeProviderChain against the local stack (STS, the
// container endpoint, IMDSv2) and against recording fetch stubs: the order and
// skipping, the token files read again, the container host allow-list, IMDS's
// token PUT and its switch, timeouts, single-flight caching, and errors that
// name every source and hold no secret.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { inspect } from 'node:util'
import { startStack } from '../../stack/src/index.mjs'

const dist = new URL('../../js/dist/', import.meta.url)
const { fromNodeProviderChain } = await import(new URL('server.node.js', dist))
const { AwsClient, fromAssumeRole, IamFetchError } = await import(new URL('index.node.js', dist))

let stack, dir, idToken
const file = (name, content) => {
  const path = join(dir, name)
  writeFileSync(path, content)
  return path
}

before(async () => {
  stack = await startStack()
  dir = mkdtempSync(join(tmpdir(), 'iamfetch-chain-'))
  const response = await fetch(stack.endpoints.cognitoIdp, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityProviderService.InitiateAuth' },
    body: JSON.stringify({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: stack.ids.userPoolClientId, AuthParameters: { USERNAME: 'demo', PASSWORD: 'demo-password' } }),
  })
  idToken = (await response.json()).AuthenticationResult.IdToken
})
after(async () => {
  await stack?.stop()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

/** A fetch that records each call, then answers with `answer(url, init)` or passes to the real fetch. */
function recordingFetch(answer) {
  const calls = []
  const stub = async (input, init = {}) => {
    const request = input instanceof Request ? input.clone() : new Request(input, init)
    const body = request.body ? await request.text() : undefined
    calls.push({ url: request.url, method: request.method, headers: Object.fromEntries(request.headers), body })
    return (await answer?.(request.url, { ...init, method: request.method, body })) ?? fetch(input, init)
  }
  stub.calls = calls
  return stub
}

const endpointJson = (expiresInMs = 3_600_000) => Response.json({
  AccessKeyId: 'ASIASTUBCONTAINERKEY', SecretAccessKey: 'stub-container-secret-value', Token: 'stub-container-session-token',
  Expiration: new Date(Date.now() + expiresInMs).toISOString(),
})

const irsaEnv = (tokenFile, extra = {}) => ({
  AWS_ROLE_ARN: stack.ids.roles.workload,
  AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile,
  AWS_REGION: 'us-east-1',
  AWS_ENDPOINT_URL_STS: stack.endpoints.sts,
  AWS_EC2_METADATA_DISABLED: 'true',
  ...extra,
})

/** Asserts nothing printable about `error` contains any of `secrets`. */
function assertNoSecret(error, secrets) {
  const printed = [error.message, error.stack, inspect(error, { depth: 5 }), JSON.stringify(error), String(error.cause?.message ?? '')].join('\n')
  for (const secret of secrets) assert.ok(!printed.includes(secret), `a secret is printed: ${secret.slice(0, 12)}…`)
}

/** Who the stack's API Gateway says signed: a REST call signed with `credentials`. */
async function callerArn(credentials) {
  const client = new AwsClient({ credentials, service: 'execute-api', region: 'us-east-1' })
  const response = await client.fetch(`${stack.endpoints.apiRest}/${stack.ids.restApiStage}/echo`)
  const text = await response.text()
  assert.equal(response.status, 200, text)
  return JSON.parse(text).requestContext.identity.userArn
}

test('environment keys win: no file is read and nothing is fetched', async () => {
  const stub = recordingFetch()
  const env = { ...irsaEnv('/nonexistent/token'), AWS_ACCESS_KEY_ID: 'AKIAENVIRONMENTKEY1', AWS_SECRET_ACCESS_KEY: 'environment-secret-value', AWS_SESSION_TOKEN: 'environment-session-token', AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://127.0.0.1:1/x' }
  const credentials = await fromNodeProviderChain({ env, fetch: stub })()
  assert.deepEqual(credentials, { accessKeyId: 'AKIAENVIRONMENTKEY1', secretAccessKey: 'environment-secret-value', sessionToken: 'environment-session-token', expiration: undefined })
  assert.equal(stub.calls.length, 0)
})

test('nothing configured: one ERR_NO_CREDENTIAL_SOURCE naming each source and why it was skipped', async () => {
  const stub = recordingFetch()
  const error = await fromNodeProviderChain({ env: { AWS_EC2_METADATA_DISABLED: 'true' }, fetch: stub })().then(() => assert.fail('resolved'), (e) => e)
  assert.ok(error instanceof IamFetchError)
  assert.equal(error.code, 'ERR_NO_CREDENTIAL_SOURCE')
  assert.match(error.message, /environment: skipped \(AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not both set\)/)
  assert.match(error.message, /web identity token file: skipped \(AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE are not both set\)/)
  assert.match(error.message, /container endpoint: skipped \(AWS_CONTAINER_CREDENTIALS_FULL_URI and _RELATIVE_URI are not set\)/)
  assert.match(error.message, /EC2 instance metadata \(IMDSv2\): skipped \(AWS_EC2_METADATA_DISABLED is set\)/)
  assert.equal(stub.calls.length, 0, 'IMDS is not asked when disabled')
  const off = await fromNodeProviderChain({ env: {}, imds: false, fetch: stub })().catch((e) => e)
  assert.match(off.message, /IMDSv2\): skipped \(turned off by the imds option\)/)
  assert.equal(stub.calls.length, 0)
})

test('IRSA: the web identity token file, through the stack STS, with AWS_ROLE_SESSION_NAME', async () => {
  const env = irsaEnv(file('irsa-token', `${idToken}\n`), { AWS_ROLE_SESSION_NAME: 'pod-session-1' })
  const credentials = await fromNodeProviderChain({ env })()
  assert.match(credentials.accessKeyId, /^ASIA/)
  assert.ok(credentials.expiration > new Date())
  // The workload role may not call the API: chaining to api-caller is the app's step.
  const chained = fromAssumeRole({ roleArn: stack.ids.roles['api-caller'], credentials: fromNodeProviderChain({ env }), endpoint: stack.endpoints.sts })
  assert.match(await callerArn(chained), /assumed-role\/api-caller\/iamfetch-/)
})

test('AWS_ROLE_TO_ASSUME means nothing to the chain', async () => {
  const stub = recordingFetch()
  const env = irsaEnv(file('irsa-token-2', idToken), { AWS_ROLE_TO_ASSUME: stack.ids.roles['api-caller'] })
  await fromNodeProviderChain({ env, fetch: stub })()
  assert.equal(stub.calls.length, 1)
  assert.equal(new URLSearchParams(stub.calls[0].body).get('RoleArn'), stack.ids.roles.workload)
})

test('the web identity token file is read again at every refresh (it rotates)', async () => {
  const tokenFile = file('rotating-token', 'first-rotating-token-value')
  const seen = []
  const stub = recordingFetch((url, init) => {
    seen.push(new URLSearchParams(String(init.body)).get('WebIdentityToken'))
    const expiration = new Date(Date.now() + 1200).toISOString().replace(/\.\d+Z$/, 'Z')
    return new Response(`<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult><Credentials><AccessKeyId>ASIAROTATED${seen.length}</AccessKeyId><SecretAccessKey>rotated-secret</SecretAccessKey><SessionToken>rotated-session</SessionToken><Expiration>${expiration}</Expiration></Credentials></AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>`, { headers: { 'content-type': 'text/xml' } })
  })
  const provider = fromNodeProviderChain({ env: irsaEnv(tokenFile), fetch: stub })
  const first = await provider()
  assert.equal((await provider()).accessKeyId, first.accessKeyId, 'cached while fresh')
  writeFileSync(tokenFile, 'second-rotating-token-value')
  await new Promise((resolve) => setTimeout(resolve, 700)) // past half of the short lifetime
  const second = await provider()
  assert.notEqual(second.accessKeyId, first.accessKeyId)
  assert.deepEqual(seen, ['first-rotating-token-value', 'second-rotating-token-value'])
})

test('a configured source that fails stops the chain; its reason, and no token, in the error', async () => {
  const token = 'not-a-jwt-but-a-secret-looking-token-value'
  const env = irsaEnv(file('bad-token', token), { AWS_CONTAINER_CREDENTIALS_FULL_URI: `${stack.endpoints.containerCredentials}/v1/credentials` })
  const error = await fromNodeProviderChain({ env })().catch((e) => e)
  assert.equal(error.code, 'ERR_NO_CREDENTIAL_SOURCE')
  assert.match(error.message, /environment: skipped/)
  assert.match(error.message, /web identity token file: failed \(ERR_STS_INVALID_IDENTITY_TOKEN: STS AssumeRoleWithWebIdentity failed: InvalidIdentityToken/)
  assert.match(error.message, /container endpoint: not tried/)
  assert.equal(error.cause.code, 'ERR_STS_INVALID_IDENTITY_TOKEN')
  assertNoSecret(error, [token])
  const missing = await fromNodeProviderChain({ env: irsaEnv(join(dir, 'no-such-file')) })().catch((e) => e)
  assert.match(missing.message, /web identity token file: failed \(ERR_MISSING_CREDENTIALS: AWS_WEB_IDENTITY_TOKEN_FILE: cannot read .*no-such-file \(ENOENT\)\)/)
})

test('Pod Identity: the container endpoint with its token file, read at every call', async () => {
  const tokenFile = file('pod-token', 'a-wrong-pod-identity-token')
  const env = { AWS_CONTAINER_CREDENTIALS_FULL_URI: `${stack.endpoints.containerCredentials}/v1/credentials`, AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: tokenFile }
  const provider = fromNodeProviderChain({ env })
  const refused = await provider().catch((e) => e)
  assert.equal(refused.code, 'ERR_NO_CREDENTIAL_SOURCE')
  assert.match(refused.message, /container endpoint: failed \(ERR_UNEXPECTED_RESPONSE: the container credentials endpoint answered HTTP 403\)/)
  assert.match(refused.message, /IMDSv2\): not tried/)
  assertNoSecret(refused, ['a-wrong-pod-identity-token'])
  writeFileSync(tokenFile, stack.ids.containerAuthorizationTokens[1])
  const credentials = await provider()
  assert.match(credentials.accessKeyId, /^ASIA/)
  const chained = fromAssumeRole({ roleArn: stack.ids.roles['api-caller'], credentials: provider, endpoint: stack.endpoints.sts })
  assert.match(await callerArn(chained), /assumed-role\/api-caller\//)
  // Without a token: 401. AWS_CONTAINER_AUTHORIZATION_TOKEN wins over the file.
  const without = await fromNodeProviderChain({ env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: env.AWS_CONTAINER_CREDENTIALS_FULL_URI } })().catch((e) => e)
  assert.match(without.message, /answered HTTP 401/)
  const stub = recordingFetch(() => endpointJson())
  await fromNodeProviderChain({ env: { ...env, AWS_CONTAINER_AUTHORIZATION_TOKEN: 'token-from-the-variable' }, fetch: stub })()
  assert.equal(stub.calls[0].headers.authorization, 'token-from-the-variable')
})

test('the container endpoint: retried after a 503, its faults injected by the stack', async () => {
  stack.setFault('containerCredentials', '503', { times: 1 })
  const env = { AWS_CONTAINER_CREDENTIALS_FULL_URI: `${stack.endpoints.containerCredentials}/v1/credentials`, AWS_CONTAINER_AUTHORIZATION_TOKEN: stack.ids.containerAuthorizationTokens[0] }
  assert.match((await fromNodeProviderChain({ env })()).accessKeyId, /^ASIA/)
})

test('container host allow-list: the SDK checkUrl rule', async () => {
  const allowed = [
    'http://127.0.0.1:8080/creds', 'http://127.1.2.3/creds', 'http://localhost/creds', 'http://[::1]:9/creds',
    'http://169.254.170.2/v2/credentials/x', 'http://169.254.170.23/v1/credentials', 'http://[fd00:ec2::23]/v1/credentials',
    'https://credentials.example.com/creds', 'https://10.0.0.1/creds',
  ]
  for (const url of allowed) {
    const stub = recordingFetch(() => endpointJson())
    await fromNodeProviderChain({ env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: url }, fetch: stub })()
    assert.equal(stub.calls[0].url, new URL(url).href, url)
  }
  const relative = recordingFetch(() => endpointJson())
  await fromNodeProviderChain({ env: { AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v2/credentials/abc' }, fetch: relative })()
  assert.equal(relative.calls[0].url, 'http://169.254.170.2/v2/credentials/abc')
  const refused = [
    'http://credentials.example.com/creds', 'http://169.254.169.254/latest', 'http://10.0.0.1/creds', 'http://[::2]/creds',
    'http://127.example.com/creds', 'http://128.0.0.1/creds', 'ftp://127.0.0.1/creds', 'http://169.254.170.3/creds', 'not a url',
  ]
  for (const url of refused) {
    const stub = recordingFetch(() => endpointJson())
    const error = await fromNodeProviderChain({ env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: url }, fetch: stub })().catch((e) => e)
    assert.equal(error.code, 'ERR_NO_CREDENTIAL_SOURCE', url)
    assert.match(error.message, /container endpoint: failed \(ERR_INVALID_OPTIONS: AWS_CONTAINER_CREDENTIALS_FULL_URI(: .* is not allowed| is not a URL)/, url)
    assert.equal(stub.calls.length, 0, `${url}: nothing sent`)
  }
})

test('IMDSv2 from the stack: the token PUT first, then the role and its credentials', async () => {
  const stub = recordingFetch()
  const credentials = await fromNodeProviderChain({ env: { AWS_EC2_METADATA_SERVICE_ENDPOINT: stack.endpoints.imds }, fetch: stub })()
  assert.match(credentials.accessKeyId, /^ASIA/)
  assert.deepEqual(stub.calls.map((c) => `${c.method} ${new URL(c.url).pathname}`), [
    'PUT /latest/api/token', 'GET /latest/meta-data/iam/security-credentials/', `GET /latest/meta-data/iam/security-credentials/${stack.ids.hostRole}`,
  ])
  assert.equal(stub.calls[0].headers['x-aws-ec2-metadata-token-ttl-seconds'], '21600')
  assert.ok(stub.calls[1].headers['x-aws-ec2-metadata-token'])
  // The imdsEndpoint option does the same; the stack refuses a GET without the session token.
  assert.match((await fromNodeProviderChain({ env: {}, imdsEndpoint: `${stack.endpoints.imds}/` })()).accessKeyId, /^ASIA/)
  assert.equal((await fetch(`${stack.endpoints.imds}/latest/meta-data/iam/security-credentials/`)).status, 401)
})

test('IMDS: no IMDSv1 fallback when the token PUT is refused', async () => {
  const stub = recordingFetch((url, init) => (init.method === 'PUT' ? new Response('', { status: 403 }) : new Response('role')))
  const error = await fromNodeProviderChain({ env: {}, imdsEndpoint: 'http://169.254.169.254', fetch: stub })().catch((e) => e)
  assert.equal(error.code, 'ERR_NO_CREDENTIAL_SOURCE')
  assert.match(error.message, /EC2 instance metadata \(IMDSv2\): failed \(ERR_UNEXPECTED_RESPONSE: IMDS token PUT answered HTTP 403\)/)
  assert.equal(stub.calls.length, 1)
})

test('timeouts: one IMDS request gives up after 1 s; the whole resolution after timeoutMs', async () => {
  stack.setFault('imds', 'slow=3000')
  try {
    const started = Date.now()
    const error = await fromNodeProviderChain({ env: { AWS_EC2_METADATA_SERVICE_ENDPOINT: stack.endpoints.imds } })().catch((e) => e)
    assert.match(error.message, /IMDSv2\): failed \(ERR_NETWORK: IMDS token PUT failed: no answer within 1000 ms\)/)
    assert.ok(Date.now() - started < 2500, `took ${Date.now() - started} ms`)
  } finally {
    stack.clearFaults('imds')
  }
  stack.setFault('containerCredentials', 'slow=2000')
  try {
    const env = { AWS_CONTAINER_CREDENTIALS_FULL_URI: `${stack.endpoints.containerCredentials}/v1/credentials`, AWS_CONTAINER_AUTHORIZATION_TOKEN: stack.ids.containerAuthorizationTokens[0] }
    const error = await fromNodeProviderChain({ env, metadataTimeoutMs: 5000, timeoutMs: 300 })().catch((e) => e)
    assert.equal(error.code, 'ERR_CREDENTIALS_TIMEOUT')
  } finally {
    stack.clearFaults('containerCredentials')
  }
})

test('cached and single-flight: concurrent callers share one resolution; a caller can abort its wait', async () => {
  const stub = recordingFetch(async () => {
    await new Promise((resolve) => setTimeout(resolve, 100))
    return endpointJson()
  })
  const provider = fromNodeProviderChain({ env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://127.0.0.1:1/creds' }, fetch: stub })
  const controller = new AbortController()
  const aborted = provider(controller.signal)
  controller.abort(new Error('caller gave up'))
  await assert.rejects(aborted, /caller gave up/)
  // Its only waiter gone, that refresh is abandoned: the five share a new one.
  const all = await Promise.all(Array.from({ length: 5 }, () => provider()))
  assert.equal(new Set(all.map((c) => c.accessKeyId)).size, 1)
  assert.equal(stub.calls.length, 2)
  await provider()
  assert.equal(stub.calls.length, 2, 'fresh credentials come from the cache')
})

test('unknown options and a non-object env are ERR_INVALID_OPTIONS', () => {
  assert.throws(() => fromNodeProviderChain({ profile: 'x' }), { code: 'ERR_INVALID_OPTIONS', message: /unknown option\(s\) profile/ })
  assert.throws(() => fromNodeProviderChain({ env: 'AWS_REGION=x' }), { code: 'ERR_INVALID_OPTIONS' })
  assert.throws(() => fromNodeProviderChain({ metadataTimeoutMs: -1 }), { code: 'ERR_INVALID_OPTIONS' })
})

test('the browser entry throws a clear IamFetchError on import', async () => {
  const error = await import(new URL(`server.browser.js?${Date.now()}`, dist)).then(() => assert.fail('imported'), (e) => e)
  assert.ok(error instanceof IamFetchError)
  assert.equal(error.code, 'ERR_UNSUPPORTED_RUNTIME')
  assert.match(error.message, /iamfetch\/server is for Node, Bun and Deno/)
})
