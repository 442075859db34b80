// Every read behind the credential providers (token file, container
// endpoint, IMDS, STS, Cognito) is hardened: token files that are not regular
// files are refused without blocking a libuv thread; every read is capped in
// size and bounded in time; a URL's userinfo is never printed; a host-local
// answer's Date does not move expirations; expirations are parsed strictly;
// and the client's clock-skew check reads a 403's body within the same bounds.
// (Refreshes abandoned or failing: credentials-refresh-hardening.test.mjs.)
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { closeSync, constants, openSync, unlinkSync, mkdirSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { lookup } from 'node:dns/promises'
import { join } from 'node:path'
import { inspect } from 'node:util'
import { distEntry } from './support/paths.mjs'
import { rejection } from './support/rejection.mjs'
import { KEYS, containerJson, scratchFiles, serve, stsXml, within } from './support/credential-stubs.mjs'

const { AwsClient, IamFetchError, fromAssumeRole, fromCognitoIdentityPool } = await import(distEntry)
const { fromNodeProviderChain } = await import(new URL('server.node.js', distEntry).href)

const fifos = []
// Registered before scratchFiles' cleanup, so that it runs first: a reader
// left blocked in open() on a FIFO is released only by a writer's open of it.
after(() => {
  for (const path of fifos) {
    try { closeSync(openSync(path, constants.O_WRONLY | constants.O_NONBLOCK)) } catch {}
  }
})
const { dir, file } = scratchFiles('iamfetch-hardening-')

/** Everything printable about an error and its causes. */
function printed(error) {
  const parts = []
  for (let e = error; e; e = e.cause) parts.push(String(e.message), String(e.stack), inspect(e, { depth: 6 }), JSON.stringify(e))
  return parts.join('\n')
}

// Token files that are not regular files.

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

// Caps and deadlines.

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

// Userinfo in configured URLs.

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

// A host-local answer's Date.

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

// Strict expirations.

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
