// No secret access key, session token or login token in anything a caller can
// print: messages, stacks, JSON.stringify and util.inspect of errors (with
// their causes), explanations, clients, signers and providers. Distinctive
// secrets make any leak, whole, visible; non-string inputs are covered too.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { inspect } from 'node:util'
import { distEntry } from './support/paths.mjs'
import { rejection } from './support/rejection.mjs'
import { signIn } from './support/user-pool.mjs'
import { startStack } from '../../stack/src/index.mjs'

const {
  AwsClient, AwsV4Signer, IamFetchError, explainFailure, fromAssumeRole, fromCognitoIdentityPool, fromEnv, fromStatic,
  fromWebIdentity, init, signRequest,
} = await import(distEntry)

const SECRET = 'SECRETzQ7vX2mK9pL4wR8tY1uI6oE3aS5dF0gH'
const TOKEN = 'TOKENqW3eR5tY7uI9oP1aS3dF5gH7jK9lZ2xC4vB6nM8'
const leaks = [SECRET, TOKEN]

let stack
before(async () => {
  stack = await startStack()
  await init()
})
after(() => stack?.stop())

/** Every way a caller might print `value`. */
function renderings(value) {
  const texts = [inspect(value, { depth: 12, showHidden: true }), String(value?.message ?? ''), String(value?.stack ?? '')]
  try {
    texts.push(JSON.stringify(value) ?? '')
  } catch {
    // Not serializable (a cycle): nothing to leak through JSON.
  }
  for (let cause = value?.cause; cause; cause = cause.cause) texts.push(...renderings(cause))
  return texts
}

function assertNoLeak(label, value, secrets = leaks) {
  for (const text of renderings(value)) {
    for (const secret of secrets) {
      assert.ok(!text.includes(secret), `${label}: a secret in\n${text.slice(0, 2000)}`)
    }
  }
}

const url = 'https://abcdefghij.lambda-url.eu-west-1.on.aws/path'

test('credentials of the wrong type are refused without being quoted, in every API', async () => {
  const badValues = [[SECRET], { value: SECRET }, new String(SECRET), 42, true]
  for (const bad of badValues) {
    for (const [field, credentials] of [
      ['secretAccessKey', { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: bad, sessionToken: TOKEN }],
      ['sessionToken', { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: SECRET, sessionToken: Array.isArray(bad) ? [TOKEN] : { value: TOKEN } }],
      ['accessKeyId', { accessKeyId: bad, secretAccessKey: SECRET, sessionToken: TOKEN }],
    ]) {
      const label = `${field} = ${Object.prototype.toString.call(bad)}`
      const attempts = [
        () => new AwsV4Signer({ url, ...credentials }).sign(),
        () => signRequest({ url }, credentials),
        () => new AwsClient(credentials).sign(url),
        () => new AwsClient({ credentials }).sign(url),
        () => new AwsClient({ credentials: fromStatic(credentials) }).sign(url),
        () => fromAssumeRole({ credentials, roleArn: stack.ids.roles['test-invoker'], endpoint: stack.endpoints.sts })(),
      ]
      for (const attempt of attempts) {
        const error = await rejection(Promise.resolve().then(attempt))
        assert.ok(error instanceof IamFetchError, `${label}: ${error}`)
        assertNoLeak(label, error)
      }
    }
  }
})

test('a line break in a credential is refused without quoting it', async () => {
  for (const credentials of [
    { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: `${SECRET}\n` },
    { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: SECRET, sessionToken: `${TOKEN}\r\nx-evil: 1` },
  ]) {
    const error = await rejection(signRequest({ url }, credentials))
    assert.equal(error.code, 'ERR_INVALID_CREDENTIALS')
    assertNoLeak('line break', error)
  }
})

test('clients, signers and providers print no secret, before and after signing', async () => {
  const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: SECRET, sessionToken: TOKEN }
  const client = new AwsClient({ ...credentials, service: 'lambda', region: 'eu-west-1' })
  const providerClient = new AwsClient({ credentials: fromStatic(credentials), service: 'lambda', region: 'eu-west-1' })
  assertNoLeak('client', client)
  assertNoLeak('client with a provider', providerClient)
  await client.sign(url)
  await providerClient.sign(url)
  assertNoLeak('client after signing', client)
  assertNoLeak('client with a provider after signing', providerClient)

  for (const signQuery of [false, true]) {
    const signer = new AwsV4Signer({ url, method: 'POST', body: 'x', ...credentials, signQuery })
    assertNoLeak(`signer (signQuery ${signQuery})`, signer)
    await signer.sign()
    // The signed request itself carries the token (it must, to be sent); the signer's own printing does not.
    assertNoLeak(`signer after signing (signQuery ${signQuery})`, signer)
    // Diagnosing fills aws4fetch's encodedSearch, which in query mode holds the token.
    const diagnosed = new AwsV4Signer({ url, ...credentials, signQuery })
    await diagnosed.canonicalString()
    assertNoLeak(`signer after canonicalString() (signQuery ${signQuery})`, diagnosed)
  }

  const env = { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: SECRET, AWS_SESSION_TOKEN: TOKEN }
  const login = (await signIn(stack)).idToken
  const providers = {
    fromStatic: fromStatic(credentials),
    fromEnv: fromEnv(env),
    fromCognitoIdentityPool: fromCognitoIdentityPool({
      identityPoolId: stack.ids.identityPoolId,
      endpoint: stack.endpoints.cognitoIdentity,
      logins: { [`cognito-idp.us-east-1.amazonaws.com/${stack.ids.userPoolId}`]: login },
    }),
    fromWebIdentity: fromWebIdentity({ roleArn: stack.ids.roles['test-invoker'], webIdentityToken: login, endpoint: stack.endpoints.sts }),
    fromAssumeRole: fromAssumeRole({ credentials, roleArn: stack.ids.roles['test-invoker'], endpoint: stack.endpoints.sts }),
  }
  for (const [name, provider] of Object.entries(providers)) assertNoLeak(name, provider, [...leaks, login])
})

test('failures from Cognito, STS and AWS print no secret and no login token', async () => {
  const login = (await signIn(stack)).idToken
  const loginKey = `cognito-idp.us-east-1.amazonaws.com/${stack.ids.userPoolId}`
  const secrets = [...leaks, login]
  const failures = {}

  stack.setClockOffset(2 * 3600)
  try {
    failures.expiredLogin = await rejection(fromCognitoIdentityPool({ identityPoolId: stack.ids.identityPoolId, endpoint: stack.endpoints.cognitoIdentity, logins: { [loginKey]: login } })())
  } finally {
    stack.setClockOffset(0)
  }
  failures.forgedLogin = await rejection(fromCognitoIdentityPool({ identityPoolId: stack.ids.identityPoolId, endpoint: stack.endpoints.cognitoIdentity, logins: { [loginKey]: `${login}x` } })())
  failures.webIdentity = await rejection(fromWebIdentity({ roleArn: stack.ids.roles['test-invoker'], webIdentityToken: `${login}x`, endpoint: stack.endpoints.sts })())
  failures.assumeRole = await rejection(fromAssumeRole({ credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: SECRET, sessionToken: TOKEN }, roleArn: stack.ids.roles['test-invoker'], endpoint: stack.endpoints.sts })())
  failures.unreachableSts = await rejection(fromAssumeRole({ credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: SECRET, sessionToken: TOKEN }, roleArn: stack.ids.roles['test-invoker'], endpoint: 'http://127.0.0.1:9/' })())

  const guest = await fromCognitoIdentityPool({ identityPoolId: stack.ids.identityPoolId, endpoint: stack.endpoints.cognitoIdentity })()
  secrets.push(guest.secretAccessKey, guest.sessionToken)
  const wrong = { ...guest, secretAccessKey: `${guest.secretAccessKey.slice(0, -4)}XXXX` }
  secrets.push(wrong.secretAccessKey)
  const api = new AwsClient({ credentials: wrong, ...stack.signing.apiRest, throwOnAuthError: true })
  failures.signatureMismatch = await rejection(api.fetch(`${stack.endpoints.apiRest}/${stack.ids.restApiStage}/echo`))
  failures.explanation = await explainFailure(failures.signatureMismatch.response)
  const expired = new AwsClient({ credentials: { ...guest, expiration: new Date(Date.now() - 1000) }, ...stack.signing.apiRest })
  failures.expiredCredentials = await rejection(expired.fetch(`${stack.endpoints.apiRest}/${stack.ids.restApiStage}/echo`))
  const offline = new AwsClient({ credentials: guest, ...stack.signing.apiRest, retries: 0 })
  failures.network = await rejection(offline.fetch('http://127.0.0.1:9/echo'))
  failures.networkExplanation = await explainFailure(failures.network)

  for (const [name, failure] of Object.entries(failures)) {
    assert.ok(failure, name)
    assertNoLeak(name, failure, secrets)
  }
  assert.match(failures.expiredLogin.code, /^ERR_COGNITO_/)
  assert.match(failures.webIdentity.code, /^ERR_STS_/)
  assert.equal(failures.signatureMismatch.code, 'ERR_AUTH_SIGNATURE_MISMATCH')
  assert.equal(failures.expiredCredentials.code, 'ERR_CREDENTIALS_EXPIRED')
})

test('a password in a URL quoted by a message is cut in every form URL parsing accepts', async () => {
  const { withoutUserinfo } = await import('../../js/src/errors.js')
  for (const [text, kept] of [
    ['fetch https://user:pw-secret-1@c.example/x failed', 'fetch https://c.example/x failed'],
    ['https:user:pw-secret-1@c.example/x', 'https:c.example/x'],
    ['https://us er:pw-secret-1@c.example/', 'https://c.example/'],
    ['WSS:user:pw-secret-1@c.example', 'WSS:c.example'],
  ]) {
    assert.equal(new URL(text.replace(/^fetch | failed$/g, '')).password.length > 0, true, `URL parsing finds a password in ${text}`)
    assert.equal(withoutUserinfo(text), kept)
  }
  assert.equal(withoutUserinfo('http://x.example/a@b'), 'http://x.example/a@b', 'an @ in the path is no userinfo')
  assert.equal(withoutUserinfo('(user:password@) is refused'), '(user:password@) is refused', 'prose that names the form is kept')
})
