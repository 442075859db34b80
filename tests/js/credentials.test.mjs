// Credential providers against the local stack's Cognito and STS, each used
// for a signed call that the local function URL accepts.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { distEntry } from './support/paths.mjs'
import { rejection } from './support/rejection.mjs'
import { startStack } from '../../stack/src/index.mjs'

const {
  AwsClient, IamFetchError, fromCognitoIdentityPool, fromAssumeRole, fromWebIdentity, fromStatic, fromEnv,
} = await import(distEntry)

let stack
// A second stack whose Cognito credentials live 12 s: long enough for a burst of
// 1000 calls on a loaded 2-core machine (5 s seen), short enough to see a refresh.
let shortLived

before(async () => {
  stack = await startStack()
  shortLived = await startStack({ config: (cfg) => { cfg.identityPools[0].credentialsLifetimeSeconds = 12; return cfg } })
})
after(async () => {
  await stack?.stop()
  await shortLived?.stop()
})

/** A fetch that counts Cognito and STS operations by their X-Amz-Target or Action. */
function countingFetch() {
  const counts = {}
  const send = async (request) => {
    const target = request.headers.get('x-amz-target')?.split('.').pop()
    const action = target ?? (request.url.includes(':' + new URL(stack.endpoints.sts).port) ? 'STS' : undefined)
    if (action) counts[action] = (counts[action] ?? 0) + 1
    return fetch(request)
  }
  return { send, counts }
}

function memoryStore(initial = {}) {
  const values = new Map(Object.entries(initial))
  return {
    values,
    get: async (key) => values.get(key) ?? null,
    set: async (key, value) => void values.set(key, value),
    remove: async (key) => void values.delete(key),
  }
}

async function idToken(target = stack) {
  const response = await fetch(target.endpoints.cognitoIdp, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityProviderService.InitiateAuth' },
    body: JSON.stringify({
      AuthFlow: 'USER_PASSWORD_AUTH',
      ClientId: target.ids.userPoolClientId,
      AuthParameters: { USERNAME: 'demo', PASSWORD: 'demo-password' },
    }),
  })
  return (await response.json()).AuthenticationResult.IdToken
}

const loginKey = (target = stack) => `cognito-idp.us-east-1.amazonaws.com/${target.ids.userPoolId}`

function cognitoProvider(options = {}, target = stack) {
  return fromCognitoIdentityPool({
    identityPoolId: target.ids.identityPoolId,
    endpoint: target.endpoints.cognitoIdentity,
    storage: memoryStore(),
    ...options,
  })
}

/** Calls the echo function URL with `credentials` and returns the Lambda event. */
async function echo(credentials, target = stack, init = {}) {
  const client = new AwsClient({ credentials, ...target.signing.functionUrl, ...init })
  const response = await client.fetch(`${target.endpoints.functionUrl}/whoami`)
  assert.equal(response.status, 200, await response.clone().text())
  return response.json()
}

test('a guest gets credentials the function URL accepts, and the identity id is cached', async () => {
  const storage = memoryStore()
  const provider = cognitoProvider({ storage })
  const credentials = await provider()
  assert.match(credentials.accessKeyId, /^ASIA/)
  assert.ok(credentials.expiration instanceof Date && credentials.expiration > new Date())
  assert.equal([...storage.values.values()][0], credentials.identityId)
  const event = await echo(provider)
  assert.equal(event.requestContext.authorizer.iam.cognitoIdentity.identityId, credentials.identityId)
  assert.equal((await provider()).identityId, credentials.identityId, 'the cached id is reused')
})

test('a signed-in user (ID token from the local user pool) gets authenticated credentials', async () => {
  const token = await idToken()
  const provider = cognitoProvider({ logins: { [loginKey()]: async () => token } })
  const event = await echo(provider)
  const identity = event.requestContext.authorizer.iam.cognitoIdentity
  assert.equal(identity.amr[0], 'authenticated')
  assert.match(event.requestContext.authorizer.iam.userArn, /demo-authenticated/)
})

test('a guest who signs in keeps the identity, cached apart from the guest key', async (t) => {
  const fresh = await startStack() // no login linked to any identity yet
  t.after(() => fresh.stop())
  const storage = memoryStore()
  const guest = await cognitoProvider({ storage }, fresh)()
  const signedIn = await cognitoProvider({ storage, logins: { [loginKey(fresh)]: await idToken(fresh) } }, fresh)()
  assert.equal(signedIn.identityId, guest.identityId)
  const keys = [...storage.values.keys()]
  assert.equal(keys.length, 2)
  assert.ok(keys.some((k) => k.endsWith(`:${loginKey(fresh)}`)) && keys.some((k) => k.endsWith(':')))
  // The guest key now names an authenticated identity: it is dropped and a new guest made, once.
  const { send, counts } = countingFetch()
  const guestAgain = await cognitoProvider({ storage, fetch: send }, fresh)()
  assert.notEqual(guestAgain.identityId, guest.identityId)
  assert.deepEqual(counts, { GetCredentialsForIdentity: 2, GetId: 1 })
})

test('when Cognito answers with another identity than the cached one, that one is kept', async (t) => {
  const fresh = await startStack()
  t.after(() => fresh.stop())
  const linked = await cognitoProvider({ logins: { [loginKey(fresh)]: await idToken(fresh) } }, fresh)()
  const storage = memoryStore()
  const guest = await cognitoProvider({ storage }, fresh)()
  // The login is already linked to another identity: Cognito's answer wins over the guest id sent.
  const signedIn = await cognitoProvider({ storage, logins: { [loginKey(fresh)]: await idToken(fresh) } }, fresh)()
  assert.notEqual(guest.identityId, linked.identityId)
  assert.equal(signedIn.identityId, linked.identityId)
  assert.equal(await storage.get(`iamfetch:cognito-identity:${fresh.ids.identityPoolId}:${loginKey(fresh)}`), linked.identityId)
})

test('an expired login token: ERR_COGNITO_NOT_AUTHORIZED with AWS type and message, never the token', async (t) => {
  const token = await idToken()
  stack.setClockOffset(2 * 3600)
  t.after(() => stack.setClockOffset(0))
  const error = await rejection(cognitoProvider({ logins: { [loginKey()]: token } })())
  assert.ok(error instanceof IamFetchError)
  assert.equal(error.code, 'ERR_COGNITO_NOT_AUTHORIZED')
  assert.equal(error.awsErrorType, 'NotAuthorizedException')
  assert.match(error.message, /Invalid login token\. Token expired/)
  for (const text of [error.message, error.stack, JSON.stringify(error)]) assert.ok(!text.includes(token))
})

test('a cached identity Cognito no longer knows is dropped and replaced, once', async () => {
  const deleted = `us-east-1:${randomUUID()}`
  const storage = memoryStore({ [`iamfetch:cognito-identity:${stack.ids.identityPoolId}:`]: deleted })
  const { send, counts } = countingFetch()
  const credentials = await cognitoProvider({ storage, fetch: send })()
  assert.notEqual(credentials.identityId, deleted)
  assert.deepEqual(counts, { GetCredentialsForIdentity: 2, GetId: 1 })
  assert.equal([...storage.values.values()][0], credentials.identityId)
})

test('a pool without guest access and an unknown pool fail with their codes', async () => {
  const noGuests = await rejection(cognitoProvider({ identityPoolId: stack.ids.guestlessIdentityPoolId })())
  assert.equal(noGuests.code, 'ERR_COGNITO_NOT_AUTHORIZED')
  assert.match(noGuests.message, /Unauthenticated access is not supported/)
  const unknown = await rejection(cognitoProvider({ identityPoolId: `us-east-1:${randomUUID()}` })())
  assert.equal(unknown.code, 'ERR_COGNITO_NOT_FOUND')
  assert.equal(unknown.awsErrorType, 'ResourceNotFoundException')
  const malformed = await rejection(Promise.resolve().then(() => cognitoProvider({ identityPoolId: 'nope' })))
  assert.equal(malformed.code, 'ERR_INVALID_OPTIONS')
})

test('garbage in storage counts as no cache, and a throwing storage is survived', async () => {
  for (const garbage of ['not-an-id{', '{"IdentityId":1}', 'us-east-1:../../etc']) {
    const storage = memoryStore({ [`iamfetch:cognito-identity:${stack.ids.identityPoolId}:`]: garbage })
    const { send, counts } = countingFetch()
    const credentials = await cognitoProvider({ storage, fetch: send })()
    assert.deepEqual(counts, { GetCredentialsForIdentity: 1, GetId: 1 }, garbage)
    assert.equal([...storage.values.values()][0], credentials.identityId)
  }
  const broken = { get: () => { throw new Error('disk on fire') }, set: async () => { throw new Error('full') }, remove: async () => {} }
  assert.match((await cognitoProvider({ storage: broken })()).accessKeyId, /^ASIA/)
})

test('1000 concurrent calls on a cold client cause one GetId and one GetCredentialsForIdentity; short-lived credentials are refreshed once under load', async () => {
  const { send, counts } = countingFetch()
  const provider = cognitoProvider({ fetch: send }, shortLived)
  const client = new AwsClient({ credentials: provider, refreshMarginMs: 4000, ...shortLived.signing.functionUrl })
  const burst = async () => {
    const responses = await Promise.all(Array.from({ length: 1000 }, () => client.fetch(`${shortLived.endpoints.functionUrl}/load`)))
    assert.ok(responses.every((r) => r.status === 200), `every call is accepted: ${JSON.stringify(responses.map((r) => r.status).filter((s) => s !== 200).slice(0, 5))} ${await responses.find((r) => r.status !== 200)?.text()}`)
    await Promise.all(responses.map((r) => r.arrayBuffer()))
  }
  await burst()
  assert.deepEqual(counts, { GetId: 1, GetCredentialsForIdentity: 1 })
  // Credentials living 12 s with a 4 s margin are fresh for 8 s (a burst may take 5): wait that out, then load again.
  await new Promise((resolve) => setTimeout(resolve, 8200))
  await burst()
  assert.deepEqual(counts, { GetId: 1, GetCredentialsForIdentity: 2 })
})

test('a failed refresh does not poison the cache: the next call tries again', async (t) => {
  t.after(() => stack.clearFaults())
  const client = new AwsClient({ credentials: cognitoProvider(), ...stack.signing.functionUrl })
  stack.setFault('cognitoIdentity', 'throttle', { times: 4 })
  const error = await rejection(client.fetch(`${stack.endpoints.functionUrl}/x`))
  assert.equal(error.code, 'ERR_COGNITO_THROTTLED')
  assert.equal((await client.fetch(`${stack.endpoints.functionUrl}/x`)).status, 200)
})

test('throttling and 5xx are retried with backoff; non-AWS answers are clear errors', async (t) => {
  t.after(() => stack.clearFaults())
  stack.setFault('cognitoIdentity', '503', { times: 2 })
  assert.match((await cognitoProvider()()).accessKeyId, /^ASIA/)
  const html = async () => new Response('<!DOCTYPE html><html><body>502 Bad Gateway</body></html>', { status: 502 })
  const gateway = await rejection(cognitoProvider({ fetch: html })())
  assert.equal(gateway.code, 'ERR_SERVICE_UNAVAILABLE')
  const notJson = async () => new Response('<html>welcome</html>', { status: 200 })
  assert.equal((await rejection(cognitoProvider({ fetch: notJson })())).code, 'ERR_UNEXPECTED_RESPONSE')
  let calls = 0
  const flaky = async (request) => (++calls < 3 ? Promise.reject(new TypeError('fetch failed')) : fetch(request))
  assert.match((await cognitoProvider({ fetch: flaky })()).accessKeyId, /^ASIA/)
  const down = async () => { throw new TypeError('connect ECONNREFUSED') }
  assert.equal((await rejection(cognitoProvider({ fetch: down })())).code, 'ERR_NETWORK')
})

test('the basic flow: GetOpenIdToken, then STS AssumeRoleWithWebIdentity', async () => {
  const { send, counts } = countingFetch()
  const provider = cognitoProvider({ flow: 'basic', roleArn: stack.ids.roles['demo-guest'], stsEndpoint: stack.endpoints.sts, fetch: send })
  const event = await echo(provider)
  assert.match(event.requestContext.authorizer.iam.userArn, /assumed-role\/demo-guest\//)
  assert.deepEqual(counts, { GetId: 1, GetOpenIdToken: 1, STS: 1 })
})

test('AssumeRole, signed by iamfetch, allowed and denied by the trust policy', async () => {
  const allowed = fromAssumeRole({
    credentials: stack.ids.iamUsers['test-user'],
    roleArn: stack.ids.roles['test-invoker'],
    durationSeconds: 900,
    endpoint: stack.endpoints.sts,
  })
  const event = await echo(allowed)
  assert.match(event.requestContext.authorizer.iam.userArn, /assumed-role\/test-invoker\/iamfetch-[0-9a-f]{16}$/)
  const outsider = stack.ids.iamUsers.outsider
  const denied = await rejection(fromAssumeRole({ credentials: outsider, roleArn: stack.ids.roles['test-invoker'], endpoint: stack.endpoints.sts })())
  assert.equal(denied.code, 'ERR_STS_ACCESS_DENIED')
  assert.equal(denied.awsErrorType, 'AccessDenied')
  assert.ok(!denied.message.includes(outsider.secretAccessKey))
  const tooLong = await rejection(Promise.resolve().then(() => fromAssumeRole({ credentials: outsider, roleArn: 'arn:aws:iam::1:role/r', durationSeconds: 50000 })))
  assert.equal(tooLong.code, 'ERR_INVALID_OPTIONS')
})

test('web identity: a user-pool ID token assumes a role', async () => {
  const token = await idToken()
  const provider = fromWebIdentity({ roleArn: stack.ids.roles['test-invoker'], webIdentityToken: () => token, endpoint: stack.endpoints.sts })
  const event = await echo(provider)
  assert.match(event.requestContext.authorizer.iam.userArn, /assumed-role\/test-invoker\//)
  const bad = await rejection(fromWebIdentity({ roleArn: stack.ids.roles['test-invoker'], webIdentityToken: `${token}x`, endpoint: stack.endpoints.sts })())
  assert.match(bad.code, /^ERR_STS_/)
  assert.ok(!bad.message.includes(token))
})

test('static and environment credentials, and a plain object', async () => {
  const user = stack.ids.iamUsers['test-user']
  for (const credentials of [fromStatic(user), fromEnv({ AWS_ACCESS_KEY_ID: user.accessKeyId, AWS_SECRET_ACCESS_KEY: user.secretAccessKey }), user]) {
    const event = await echo(credentials)
    assert.equal(event.requestContext.authorizer.iam.accessKey, user.accessKeyId)
  }
  const missing = await rejection(fromEnv({})())
  assert.equal(missing.code, 'ERR_MISSING_CREDENTIALS')
  assert.throws(() => new AwsClient({ credentials: { accessKeyId: 'x' } }), (e) => e.code === 'ERR_MISSING_CREDENTIALS')
})

test('a provider that returns already expired credentials: ERR_CREDENTIALS_EXPIRED, nothing sent, nothing cached', async () => {
  let calls = 0
  const provider = async () => {
    calls++
    return { accessKeyId: 'ASIAEXPIRED', secretAccessKey: 'expired-secret-value', sessionToken: 'expired-token-value', expiration: new Date(Date.now() - 1000) }
  }
  let sent = 0
  const client = new AwsClient({ credentials: provider, service: 'lambda', region: 'us-east-1', fetch: async () => { sent++; return new Response('') } })
  for (let i = 1; i <= 2; i++) {
    const error = await client.fetch('https://abc.lambda-url.us-east-1.on.aws/').then(() => undefined, (e) => e)
    assert.ok(error instanceof IamFetchError, String(error))
    assert.equal(error.code, 'ERR_CREDENTIALS_EXPIRED')
    assert.doesNotMatch(`${error.message} ${JSON.stringify(error)}`, /expired-secret-value|expired-token-value/)
    assert.equal(calls, i, 'a refusal is not cached: the provider is asked again')
  }
  assert.equal(sent, 0)
})

test('a provider that never settles: each call ends at its own AbortSignal, an abandoned refresh is not joined, a timed-out one is not kept', async () => {
  let calls = 0
  const never = () => { calls++; return new Promise(() => {}) }
  const client = new AwsClient({ credentials: never, credentialsTimeoutMs: 1500, service: 'lambda', region: 'us-east-1', fetch: async () => new Response('') })
  const started = Date.now()
  const aborted = await client.fetch('https://abc.lambda-url.us-east-1.on.aws/', { signal: AbortSignal.timeout(200) }).then(() => undefined, (e) => e)
  assert.equal(aborted?.name, 'TimeoutError', String(aborted))
  assert.ok(Date.now() - started < 1000, `the abort was honoured after ${Date.now() - started} ms`)
  const timedOut = await client.fetch('https://abc.lambda-url.us-east-1.on.aws/').then(() => undefined, (e) => e)
  assert.equal(timedOut?.code, 'ERR_CREDENTIALS_TIMEOUT', String(timedOut))
  assert.equal(calls, 2, 'the first refresh lost its only waiter: the second call did not join it')
  await client.fetch('https://abc.lambda-url.us-east-1.on.aws/').catch(() => {})
  assert.equal(calls, 3, 'a timed-out refresh is not kept: the next call asks again')
})

test('a stalled Cognito: each attempt times out (timeoutMs) and the provider fails in seconds, not never', async (t) => {
  stack.setFault('cognitoIdentity', 'slow=5000')
  t.after(() => stack.clearFaults())
  const started = Date.now()
  const error = await rejection(fromCognitoIdentityPool({ identityPoolId: stack.ids.identityPoolId, endpoint: stack.endpoints.cognitoIdentity, timeoutMs: 300, storage: memoryStore() })())
  assert.equal(error.code, 'ERR_NETWORK', error.message)
  assert.match(error.message, /Cognito GetId failed: .*(timeout|aborted)/i)
  assert.ok(Date.now() - started < 4500, `gave up after ${Date.now() - started} ms, before one stalled answer would have come`)
})

test('a device clock 20 minutes off either way: credentials expiring in 15 minutes are usable, their expiration read on the device clock', async (t) => {
  const skewed = await startStack({ config: (cfg) => { cfg.identityPools[0].credentialsLifetimeSeconds = 900; return cfg } })
  t.after(() => skewed.stop())
  for (const serverAheadSeconds of [-1200, 1200]) {
    skewed.setClockOffset(serverAheadSeconds)
    const provider = fromCognitoIdentityPool({ identityPoolId: skewed.ids.identityPoolId, endpoint: skewed.endpoints.cognitoIdentity, storage: memoryStore() })
    const credentials = await provider()
    const lifetimeOnDevice = credentials.expiration.getTime() - Date.now()
    assert.ok(Math.abs(lifetimeOnDevice - 900_000) < 10_000, `server ${serverAheadSeconds} s ahead: expires in ${lifetimeOnDevice} ms on this device`)
    // Before, a device 20 minutes ahead refused them as expired (ERR_CREDENTIALS_EXPIRED) before any request.
    const client = new AwsClient({ credentials: provider, ...skewed.signing.functionUrl })
    const response = await client.fetch(`${skewed.endpoints.functionUrl}/skewed`)
    assert.equal(response.status, 200, await response.text())
    assert.ok(Math.abs(client.clockOffsetMs - serverAheadSeconds * 1000) < 5_000, 'the client learned the offset from the skew answer')
  }
})

test('a Cognito answer cut off mid-body is retried as a network failure, not a raw TypeError', async (t) => {
  const { createServer } = await import('node:http')
  let requests = 0
  const server = createServer(async (req, res) => {
    for await (const chunk of req) void chunk
    requests++
    const target = req.headers['x-amz-target']
    const answer = target.endsWith('GetId')
      ? { IdentityId: 'us-east-1:00000000-0000-0000-0000-000000000001' }
      : { IdentityId: 'us-east-1:00000000-0000-0000-0000-000000000001', Credentials: { AccessKeyId: 'ASIAEXAMPLE', SecretKey: 'secret-key-value', SessionToken: 'session-token-value', Expiration: Date.now() / 1000 + 3600 } }
    const text = JSON.stringify(answer)
    res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1', 'content-length': String(text.length) })
    if (requests === 1) {
      res.write(text.slice(0, 10))
      setTimeout(() => res.destroy(), 20)
    } else {
      res.end(text)
    }
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.after(() => server.close())
  const credentials = await fromCognitoIdentityPool({ identityPoolId: 'us-east-1:00000000-0000-0000-0000-00000000000a', endpoint: `http://127.0.0.1:${server.address().port}/`, storage: memoryStore() })()
  assert.equal(credentials.accessKeyId, 'ASIAEXAMPLE')
  assert.equal(requests, 3, 'GetId cut off and asked again, then GetCredentialsForIdentity')
})
