// The credential side of issue 21: no caller waits on a refresh every waiter
// abandoned; token files that are not regular files are refused without
// blocking a libuv thread; every read (token file, container endpoint, IMDS,
// STS, Cognito) is capped in size and bounded in time; a URL's userinfo is
// never printed; a host-local answer's Date does not move expirations; a
// failed refresh with valid cached credentials does not fail the call;
// expirations are parsed strictly.
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import { execFileSync } from 'node:child_process'
import { closeSync, constants, mkdtempSync, openSync, rmSync, unlinkSync, writeFileSync, mkdirSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { lookup } from 'node:dns/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { inspect } from 'node:util'
import { distEntry } from './support/paths.mjs'
import { rejection } from './support/rejection.mjs'

const { AwsClient, IamFetchError, fromAssumeRole, fromCognitoIdentityPool } = await import(distEntry)
const { fromNodeProviderChain } = await import(new URL('server.node.js', distEntry).href)

const dir = mkdtempSync(join(tmpdir(), 'iamfetch-hardening-'))
const fifos = []
after(() => {
  // Today's code leaves libuv threads blocked in open() on these: a writer's open releases them.
  for (const path of fifos) {
    try { closeSync(openSync(path, constants.O_WRONLY | constants.O_NONBLOCK)) } catch {}
  }
  rmSync(dir, { recursive: true, force: true })
})
const file = (name, content) => {
  const path = join(dir, name)
  writeFileSync(path, content)
  return path
}

const KEYS = { accessKeyId: 'AKIDHARDENINGTEST', secretAccessKey: 'hardening-secret-access-key' }
const URL_ = 'https://abc.lambda-url.us-east-1.on.aws/'
const within = (promise, ms, what) => Promise.race([
  promise,
  new Promise((_, reject) => setTimeout(() => reject(new Error(`${what}: still pending after ${ms} ms`)), ms).unref()),
])

/** A loopback server; `handler(req, res)`; closed after the test. */
async function serve(t, handler) {
  const server = createServer(handler)
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.after(() => { server.closeAllConnections(); server.close() })
  return `http://127.0.0.1:${server.address().port}`
}

const containerJson = (expiration, extra = {}) => JSON.stringify({
  AccessKeyId: 'ASIACONTAINERSTUB', SecretAccessKey: 'container-secret-access-key', Token: 'container-session-token-value',
  Expiration: expiration, ...extra,
})

const stsXml = (expiration) => `<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIASTSSTUBKEY</AccessKeyId><SecretAccessKey>sts-stub-secret-access-key</SecretAccessKey><SessionToken>sts-stub-session-token</SessionToken><Expiration>${expiration}</Expiration></Credentials></AssumeRoleResult></AssumeRoleResponse>`

/** Everything printable about an error and its causes. */
function printed(error) {
  const parts = []
  for (let e = error; e; e = e.cause) parts.push(String(e.message), String(e.stack), inspect(e, { depth: 6 }), JSON.stringify(e))
  return parts.join('\n')
}

// Point 2: a frozen client.

test('the last waiter of a refresh aborts: the next call starts a fresh refresh and succeeds promptly (two provider calls)', async () => {
  let calls = 0
  let hang = true
  const provider = () => {
    calls++
    return hang ? new Promise(() => {}) : Promise.resolve(KEYS)
  }
  const client = new AwsClient({ credentials: provider, service: 'lambda', region: 'us-east-1', fetch: async () => new Response('ok') })
  const started = Date.now()
  const aborted = await rejection(client.fetch(URL_, { signal: AbortSignal.timeout(500) }))
  assert.equal(aborted.name, 'TimeoutError', String(aborted))
  assert.ok(Date.now() - started < 1500, `the abort took ${Date.now() - started} ms`)
  hang = false
  const response = await within(client.fetch(URL_), 1000, 'the call after the abort')
  assert.equal(await response.text(), 'ok')
  assert.equal(calls, 2)
})

test('an abandoned refresh that answers late is still used', async () => {
  const resolvers = []
  const provider = () => new Promise((resolve) => resolvers.push(resolve))
  const client = new AwsClient({ credentials: provider, service: 'lambda', region: 'us-east-1' })
  await rejection(client.sign(URL_, { signal: AbortSignal.timeout(100) }))
  const second = client.sign(URL_, { signal: AbortSignal.timeout(2000) })
  await new Promise((resolve) => setTimeout(resolve, 20))
  assert.equal(resolvers.length, 2, 'the second call started its own refresh')
  resolvers[0]({ ...KEYS, accessKeyId: 'AKIDLATEANSWER' })
  await new Promise((resolve) => setTimeout(resolve, 20))
  const third = await within(client.sign(URL_), 500, 'a call after the late answer')
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
  await Promise.all(Array.from({ length: 1000 }, (_, i) => client.sign(URL_, i % 2 ? { signal: new AbortController().signal } : {})))
  assert.equal(calls, 1)
  // One waiter of two aborts: the other still shares the first refresh.
  let release
  const slow = () => { calls++; return new Promise((resolve) => { release = () => resolve(KEYS) }) }
  const second = new AwsClient({ credentials: slow, service: 'lambda', region: 'us-east-1' })
  calls = 0
  const controller = new AbortController()
  const a = second.sign(URL_, { signal: controller.signal })
  const b = second.sign(URL_, { signal: new AbortController().signal })
  await new Promise((resolve) => setTimeout(resolve, 20))
  controller.abort()
  await rejection(a)
  const c = second.sign(URL_)
  await new Promise((resolve) => setTimeout(resolve, 20))
  release()
  await Promise.all([b, c])
  assert.equal(calls, 1, 'a waiter remained: the refresh was not abandoned')
})

// 6.1: token files that are not regular files.

test('a FIFO, a device or a directory as a token file is refused at once, and no libuv thread is left blocked', async (t) => {
  const fifo = join(dir, 'token-fifo')
  execFileSync('mkfifo', [fifo])
  fifos.push(fifo)
  const directory = join(dir, 'token-dir')
  mkdirSync(directory)
  const stub = async () => assert.fail('nothing is fetched')
  for (const path of [fifo, fifo, fifo, fifo, fifo, fifo, '/dev/zero', directory]) {
    const irsa = { AWS_ROLE_ARN: 'arn:aws:iam::123456789012:role/x', AWS_WEB_IDENTITY_TOKEN_FILE: path, AWS_EC2_METADATA_DISABLED: '1' }
    const started = Date.now()
    const error = await rejection(fromNodeProviderChain({ env: irsa, fetch: stub, timeoutMs: 300 })())
    assert.equal(error.code, 'ERR_NO_CREDENTIAL_SOURCE', error.message)
    assert.equal(error.cause?.code, 'ERR_MISSING_CREDENTIALS', error.message)
    assert.match(error.message, /not a regular file/)
    assert.ok(Date.now() - started < 250, `refused after ${Date.now() - started} ms`)
  }
  const container = { AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://127.0.0.1:1/creds', AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: fifo, AWS_EC2_METADATA_DISABLED: '1' }
  const error = await rejection(fromNodeProviderChain({ env: container, fetch: stub, timeoutMs: 300 })())
  assert.match(error.message, /AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: .*not a regular file/)
  // Four blocked threads would fill libuv's pool: these would never complete.
  await within(readFile(new URL(import.meta.url)), 2000, 'fs.readFile')
  await within(lookup('localhost'), 2000, 'dns.lookup')
})

// 6.4: caps and deadlines.

test('a 100 MB token file is refused before anything is sent, with bounded memory', async () => {
  const big = file('big-token', Buffer.alloc(100 * 1024 * 1024, 'a'))
  let fetched = 0
  const stub = async () => { fetched++; return new Response(containerJson(new Date(Date.now() + 3_600_000).toISOString())) }
  for (const env of [
    { AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://127.0.0.1:1/creds', AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: big, AWS_EC2_METADATA_DISABLED: '1' },
    { AWS_ROLE_ARN: 'arn:aws:iam::123456789012:role/x', AWS_WEB_IDENTITY_TOKEN_FILE: big, AWS_EC2_METADATA_DISABLED: '1' },
  ]) {
    const before = process.memoryUsage().rss
    const started = Date.now()
    const error = await rejection(fromNodeProviderChain({ env, fetch: stub })())
    assert.equal(error.cause?.code, 'ERR_MISSING_CREDENTIALS', error.message)
    assert.match(error.message, /larger than 65536 bytes/)
    assert.ok(Date.now() - started < 500, `refused after ${Date.now() - started} ms`)
    assert.ok(process.memoryUsage().rss - before < 20 * 1024 * 1024, 'the file was not read whole')
  }
  assert.equal(fetched, 0)
  unlinkSync(big)
})

test('a 100 MB container answer, declared or chunked, is refused quickly with bounded memory and nothing past the cap buffered', async (t) => {
  const chunk = Buffer.alloc(1024 * 1024, 'x')
  const base = await serve(t, (req, res) => {
    res.writeHead(200, req.url === '/declared' ? { 'content-type': 'application/json', 'content-length': String(100 * chunk.length) } : { 'content-type': 'application/json' })
    let sent = 0
    const more = () => {
      while (sent < 100) {
        sent++
        if (!res.write(chunk)) return res.once('drain', more)
      }
      res.end()
    }
    res.on('error', () => {})
    more()
  })
  for (const path of ['/declared', '/chunked']) {
    const before = process.memoryUsage().rss
    const started = Date.now()
    const error = await rejection(fromNodeProviderChain({ env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: `${base}${path}`, AWS_EC2_METADATA_DISABLED: '1' } })())
    assert.equal(error.cause?.code, 'ERR_UNEXPECTED_RESPONSE', error.message)
    assert.match(error.message, /more than 65536 bytes/)
    assert.ok(Date.now() - started < 1000, `${path}: refused after ${Date.now() - started} ms`)
    assert.ok(process.memoryUsage().rss - before < 40 * 1024 * 1024, `${path}: RSS grew ${(process.memoryUsage().rss - before) >> 20} MB`)
  }
})

test('a dripped container answer is cut off at its deadline and retried as a network failure', async (t) => {
  let requests = 0
  const base = await serve(t, (req, res) => {
    requests++
    res.writeHead(200, { 'content-type': 'application/json' })
    res.write('{')
    const timer = setInterval(() => res.write(' '), 100)
    res.on('close', () => clearInterval(timer))
  })
  const started = Date.now()
  const error = await rejection(fromNodeProviderChain({ env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: `${base}/creds`, AWS_EC2_METADATA_DISABLED: '1' }, metadataTimeoutMs: 400 })())
  assert.equal(error.cause?.code, 'ERR_NETWORK', error.message)
  assert.equal(requests, 4, 'three retries')
  assert.ok(Date.now() - started < 4000, `gave up after ${Date.now() - started} ms`)
})

test('a 100 MB STS or Cognito answer is refused quickly (cap 1 MiB); a dripped one is retried and given up in time', async (t) => {
  const chunk = Buffer.alloc(1024 * 1024, ' ')
  let dripped = 0
  const base = await serve(t, (req, res) => {
    res.on('error', () => {})
    if (req.url === '/drip') {
      dripped++
      res.writeHead(200, { 'content-type': 'text/xml' })
      const timer = setInterval(() => res.write(' '), 50)
      res.on('close', () => clearInterval(timer))
      return
    }
    res.writeHead(200, { 'content-type': req.url === '/cognito' ? 'application/x-amz-json-1.1' : 'text/xml' })
    let sent = 0
    const more = () => {
      while (sent < 100) {
        sent++
        if (!res.write(chunk)) return res.once('drain', more)
      }
      res.end()
    }
    more()
  })
  const before = process.memoryUsage().rss
  let started = Date.now()
  let error = await rejection(fromAssumeRole({ credentials: KEYS, roleArn: 'arn:aws:iam::123456789012:role/x', endpoint: `${base}/sts` })())
  assert.equal(error.code, 'ERR_UNEXPECTED_RESPONSE', error.message)
  assert.ok(Date.now() - started < 2000, `STS: refused after ${Date.now() - started} ms`)
  started = Date.now()
  error = await rejection(fromCognitoIdentityPool({ identityPoolId: 'us-east-1:00000000-0000-0000-0000-000000000000', endpoint: `${base}/cognito`, storage: { get() {}, set() {}, remove() {} } })())
  assert.equal(error.code, 'ERR_UNEXPECTED_RESPONSE', error.message)
  assert.ok(Date.now() - started < 2000, `Cognito: refused after ${Date.now() - started} ms`)
  assert.ok(process.memoryUsage().rss - before < 60 * 1024 * 1024, `RSS grew ${(process.memoryUsage().rss - before) >> 20} MB`)
  started = Date.now()
  error = await rejection(fromAssumeRole({ credentials: KEYS, roleArn: 'arn:aws:iam::123456789012:role/x', endpoint: `${base}/drip`, timeoutMs: 300 })())
  assert.equal(error.code, 'ERR_NETWORK', error.message)
  assert.equal(dripped, 4)
  assert.ok(Date.now() - started < 5000, `gave up after ${Date.now() - started} ms`)
})

// 6.6: userinfo in configured URLs.

test('a user name and password in any configured URL never appear in an error, its stack or its inspect output', async () => {
  const secrets = ['s3cretPassw0rd', 'pw', 'loginname']
  const urls = ['http://loginname:s3cretPassw0rd@127.0.0.1:1/creds', 'http://loginname:pw@127.0.0.1:1/creds']
  const errors = []
  for (const url of urls) {
    errors.push(await rejection(fromNodeProviderChain({ env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: url, AWS_EC2_METADATA_DISABLED: '1' }, metadataTimeoutMs: 200 })()))
    errors.push(await rejection(fromNodeProviderChain({ env: { AWS_EC2_METADATA_DISABLED: '', AWS_EC2_METADATA_SERVICE_ENDPOINT: url }, metadataTimeoutMs: 200 })()))
    errors.push(await rejection(fromNodeProviderChain({ env: { AWS_ROLE_ARN: 'arn:aws:iam::123456789012:role/x', AWS_WEB_IDENTITY_TOKEN_FILE: file('t', 'a-web-identity-token'), AWS_ENDPOINT_URL_STS: url, AWS_EC2_METADATA_DISABLED: '1' }, stsTimeoutMs: 200 })()))
    errors.push(await rejection((async () => fromAssumeRole({ credentials: KEYS, roleArn: 'arn:aws:iam::123456789012:role/x', endpoint: url, timeoutMs: 200 })())()))
    errors.push(await rejection((async () => fromCognitoIdentityPool({ identityPoolId: 'us-east-1:00000000-0000-0000-0000-000000000000', endpoint: url, timeoutMs: 200, storage: { get() {}, set() {}, remove() {} } })())()))
  }
  for (const error of errors) {
    assert.ok(error instanceof IamFetchError, String(error))
    const text = printed(error)
    for (const secret of secrets) assert.ok(!text.includes(`:${secret}@`) && !text.includes(`${secret}:`) && !text.includes('s3cretPassw0rd'), `${error.code}: ${error.message}`)
  }
})

// 6.7: a host-local answer's Date.

test('a container answer dated 1990, expiring in one minute, expires in one minute', async (t) => {
  const base = await serve(t, (req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', date: 'Mon, 01 Jan 1990 00:00:00 GMT' })
    res.end(containerJson(new Date(Date.now() + 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z')))
  })
  const credentials = await fromNodeProviderChain({ env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: `${base}/creds`, AWS_EC2_METADATA_DISABLED: '1' } })()
  const left = credentials.expiration.getTime() - Date.now()
  assert.ok(left > 0 && left <= 61_000, `expires in ${left} ms`)
})

test('an STS answer dated 1990 moves its expiration at most to STS\'s longest session from now', async (t) => {
  const base = await serve(t, (req, res) => {
    res.writeHead(200, { 'content-type': 'text/xml', date: 'Mon, 01 Jan 1990 00:00:00 GMT' })
    res.end(stsXml(new Date(Date.now() + 60_000).toISOString()))
  })
  const credentials = await fromAssumeRole({ credentials: KEYS, roleArn: 'arn:aws:iam::123456789012:role/x', endpoint: base })()
  const left = credentials.expiration.getTime() - Date.now()
  assert.ok(left <= 12 * 3_600_000 + 1000, `expires in ${Math.round(left / 3_600_000)} h`)
})

// 6.8: a failed refresh while the cached credentials are valid.

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
  await client.sign(URL_)
  assert.equal(stsCalls, 1)
  unlinkSync(tokenFile)
  // Fresh for half their 8 s life; then refreshed, and the refresh fails.
  await new Promise((resolve) => setTimeout(resolve, 4200))
  const signed = await client.sign(URL_)
  assert.match(signed.headers.get('authorization'), /Credential=ASIASTSSTUBKEY\//)
  await client.sign(URL_)
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
  await client.sign(URL_)
  await new Promise((resolve) => setTimeout(resolve, 1600))
  await client.sign(URL_)
  assert.equal(calls, 2)
  // The first retry waits at least 500 ms: 20 calls at once make none.
  await Promise.all(Array.from({ length: 20 }, () => client.sign(URL_)))
  assert.equal(calls, 2, 'no refresh per call while backing off')
  // Once they have expired, a failed refresh fails the call.
  await new Promise((resolve) => setTimeout(resolve, 1600))
  const error = await rejection(client.sign(URL_))
  assert.equal(error.code, 'ERR_NETWORK')
})

// 6.9: strict expirations.

test('an Expiration of 2030-02-31 is refused, not read as March 3', async (t) => {
  const base = await serve(t, (req, res) => {
    res.writeHead(200, { 'content-type': req.url === '/sts' ? 'text/xml' : 'application/json' })
    res.end(req.url === '/sts' ? stsXml('2030-02-31T00:00:00Z') : containerJson('2030-02-31T00:00:00Z'))
  })
  const error = await rejection(fromNodeProviderChain({ env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: `${base}/creds`, AWS_EC2_METADATA_DISABLED: '1' } })())
  assert.equal(error.cause?.code, 'ERR_INVALID_CREDENTIALS_RESPONSE', error.message)
  const sts = await rejection(fromAssumeRole({ credentials: KEYS, roleArn: 'arn:aws:iam::123456789012:role/x', endpoint: `${base}/sts` })())
  assert.equal(sts.code, 'ERR_INVALID_CREDENTIALS_RESPONSE', sts.message)
  for (const leap of ['2028-02-29T00:00:00Z', '2030-12-31T23:59:59Z']) {
    const ok = await fromAssumeRole({ credentials: KEYS, roleArn: 'arn:aws:iam::123456789012:role/x', endpoint: base, fetch: async () => new Response(stsXml(leap)) })()
    assert.equal(ok.expiration.toISOString(), leap.replace('Z', '.000Z'))
  }
})

// The client's clock-skew check reads a 403's body: capped and bounded in time.

test('a 403 with a Date whose body drips or runs to 100 MB is not read whole: the caller gets it promptly', async (t) => {
  const chunk = Buffer.alloc(1024 * 1024, ' ')
  let requests = 0
  const base = await serve(t, (req, res) => {
    requests++
    res.on('error', () => {})
    res.writeHead(403, { 'content-type': 'application/json', date: new Date(Date.now() + 1_200_000).toUTCString() })
    res.write('{"message":"Signature expired: 20300101T000000Z is now earlier than 20300101T000500Z"')
    if (req.url === '/drip') {
      const timer = setInterval(() => res.write(' '), 100)
      res.on('close', () => clearInterval(timer))
      return
    }
    let sent = 0
    const more = () => {
      while (sent < 100) {
        sent++
        if (!res.write(chunk)) return res.once('drain', more)
      }
      res.end('}')
    }
    more()
  })
  const client = new AwsClient({ ...KEYS, service: 'lambda', region: 'us-east-1' })
  let started = Date.now()
  const dripped = await client.fetch(`${base}/drip`)
  assert.equal(dripped.status, 403)
  assert.ok(Date.now() - started < 4500, `the dripped 403 came back after ${Date.now() - started} ms`)
  await dripped.body.cancel()
  const before = process.memoryUsage().rss
  started = Date.now()
  const large = await client.fetch(`${base}/large`)
  assert.equal(large.status, 403)
  assert.ok(Date.now() - started < 2000, `the 100 MB 403 came back after ${Date.now() - started} ms`)
  assert.ok(process.memoryUsage().rss - before < 40 * 1024 * 1024, `RSS grew ${(process.memoryUsage().rss - before) >> 20} MB`)
  await large.body.cancel()
  assert.equal(requests, 2, 'neither is taken for a skew refusal: no second attempt')
  assert.equal(client.clockOffsetMs, 0)
})
