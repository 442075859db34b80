// Refreshes that callers abandon or that fail: no caller waits on a refresh
// every waiter abandoned, one refresh serves every waiter that stays, and a
// failed refresh while the cached credentials are valid fails no call and is
// retried only after a backoff. (The reads behind the providers:
// credentials-hardening.test.mjs.)
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { unlinkSync } from 'node:fs'
import { distEntry } from './support/paths.mjs'
import { rejection } from './support/rejection.mjs'
import { KEYS, LAMBDA_URL, scratchFiles, stsXml, within } from './support/credential-stubs.mjs'

const { AwsClient, IamFetchError } = await import(distEntry)
const { fromNodeProviderChain } = await import(new URL('server.node.js', distEntry).href)

const { file } = scratchFiles('iamfetch-refresh-')

test('the last waiter of a refresh aborts: the next call starts a fresh refresh and succeeds promptly (two provider calls)', async () => {
  let calls = 0
  let hang = true
  const provider = () => {
    calls++
    return hang ? new Promise(() => {}) : Promise.resolve(KEYS)
  }
  const client = new AwsClient({ credentials: provider, service: 'lambda', region: 'us-east-1', fetch: async () => new Response('ok') })
  const started = Date.now()
  const aborted = await rejection(client.fetch(LAMBDA_URL, { signal: AbortSignal.timeout(500) }))
  assert.equal(aborted.name, 'TimeoutError', String(aborted))
  assert.ok(Date.now() - started < 1500, `the abort took ${Date.now() - started} ms`)
  hang = false
  const response = await within(client.fetch(LAMBDA_URL), 1000, 'the call after the abort')
  assert.equal(await response.text(), 'ok')
  assert.equal(calls, 2)
})

test('an abandoned refresh that answers late is still used', async () => {
  const resolvers = []
  const provider = () => new Promise((resolve) => resolvers.push(resolve))
  const client = new AwsClient({ credentials: provider, service: 'lambda', region: 'us-east-1' })
  await rejection(client.sign(LAMBDA_URL, { signal: AbortSignal.timeout(100) }))
  const second = client.sign(LAMBDA_URL, { signal: AbortSignal.timeout(2000) })
  await new Promise((resolve) => setTimeout(resolve, 20))
  assert.equal(resolvers.length, 2, 'the second call started its own refresh')
  resolvers[0]({ ...KEYS, accessKeyId: 'AKIDLATEANSWER' })
  await new Promise((resolve) => setTimeout(resolve, 20))
  const third = await within(client.sign(LAMBDA_URL), 500, 'a call after the late answer')
  assert.match(third.headers.get('authorization'), /Credential=AKIDLATEANSWER\//)
  assert.equal(resolvers.length, 2)
  resolvers[1](KEYS)
  await second
})

test('waiters that do not abort keep the shared refresh: 1000 parallel calls on a cold client make one provider call', async () => {
  let calls = 0
  const provider = async () => {
    calls++
    await new Promise((resolve) => setTimeout(resolve, 50))
    return KEYS
  }
  const client = new AwsClient({ credentials: provider, service: 'lambda', region: 'us-east-1' })
  // Half with signals that never fire, half without: one refresh for all.
  await Promise.all(Array.from({ length: 1000 }, (_, i) => client.sign(LAMBDA_URL, i % 2 ? { signal: new AbortController().signal } : {})))
  assert.equal(calls, 1)
  // One waiter of two aborts: the other still shares the first refresh.
  let release
  const slow = () => { calls++; return new Promise((resolve) => { release = () => resolve(KEYS) }) }
  const second = new AwsClient({ credentials: slow, service: 'lambda', region: 'us-east-1' })
  calls = 0
  const controller = new AbortController()
  const a = second.sign(LAMBDA_URL, { signal: controller.signal })
  const b = second.sign(LAMBDA_URL, { signal: new AbortController().signal })
  await new Promise((resolve) => setTimeout(resolve, 20))
  controller.abort()
  await rejection(a)
  const c = second.sign(LAMBDA_URL)
  await new Promise((resolve) => setTimeout(resolve, 20))
  release()
  await Promise.all([b, c])
  assert.equal(calls, 1, 'a waiter remained: the refresh was not abandoned')
})

test('a token file deleted while the cached credentials are valid: the next calls still sign, the refresh is retried with backoff', async () => {
  const tokenFile = file('irsa-token', 'a-web-identity-token')
  let stsCalls = 0
  const stub = async () => {
    stsCalls++
    return new Response(stsXml(new Date(Date.now() + 8000).toISOString()), { headers: { 'content-type': 'text/xml' } })
  }
  const env = { AWS_ROLE_ARN: 'arn:aws:iam::123456789012:role/x', AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile, AWS_EC2_METADATA_DISABLED: '1' }
  const chain = fromNodeProviderChain({ env, fetch: stub })
  const client = new AwsClient({ credentials: chain, service: 'lambda', region: 'us-east-1' })
  await client.sign(LAMBDA_URL)
  assert.equal(stsCalls, 1)
  unlinkSync(tokenFile)
  // Fresh for half their 8 s life; then refreshed, and the refresh fails.
  await new Promise((resolve) => setTimeout(resolve, 4200))
  const signed = await client.sign(LAMBDA_URL)
  assert.match(signed.headers.get('authorization'), /Credential=ASIASTSSTUBKEY\//)
  await client.sign(LAMBDA_URL)
  assert.equal(stsCalls, 1)
})

test('a provider that fails while its cached credentials are valid is asked again only after a backoff', async () => {
  let calls = 0
  const provider = async () => {
    calls++
    if (calls > 1) throw new IamFetchError('ERR_NETWORK', 'down')
    return { ...KEYS, expiration: new Date(Date.now() + 3000) }
  }
  const client = new AwsClient({ credentials: provider, service: 'lambda', region: 'us-east-1' })
  await client.sign(LAMBDA_URL)
  await new Promise((resolve) => setTimeout(resolve, 1600))
  await client.sign(LAMBDA_URL)
  assert.equal(calls, 2)
  // The first retry waits at least 500 ms: 20 calls at once make none.
  await Promise.all(Array.from({ length: 20 }, () => client.sign(LAMBDA_URL)))
  assert.equal(calls, 2, 'no refresh per call while backing off')
  // Once they have expired, a failed refresh fails the call.
  await new Promise((resolve) => setTimeout(resolve, 1600))
  const error = await rejection(client.sign(LAMBDA_URL))
  assert.equal(error.code, 'ERR_NETWORK')
})
