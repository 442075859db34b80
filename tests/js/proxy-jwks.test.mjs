// The proxy against a hostile or broken JWKS endpoint: fetches are
// single-flight, a failure gets a 10 s cool-down, the body is capped at 1 MiB
// with one deadline, and every JWKS failure (500, garbage, a malformed key, a
// stall mid-body, 50 MB) is the proxy's 503 with onError called, never a 401
// blamed on the viewer. A token from another issuer is ERR_TOKEN_WRONG_ISSUER
// and costs no fetch. Credentials in a configured URL are refused, never echoed.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import { once } from 'node:events'
import { inspect } from 'node:util'
import { createSigningKey, signJwt } from '../../stack/src/jwt.mjs'

const { createSigningProxy } = await import(new URL('../../js/dist/proxy/index.node.js', import.meta.url).href)

const CLIENT = 'jwks-client'

/** A JWKS endpoint answering with `handler`; `fetches` counts its requests. */
async function idp(t, handler) {
  const state = { fetches: 0 }
  const server = createServer((req, res) => {
    state.fetches++
    handler(req, res)
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  t.after(() => {
    server.closeAllConnections()
    server.close()
  })
  state.issuer = `http://127.0.0.1:${server.address().port}/us-east-1_hostile`
  return state
}

function proxyFor(issuer, extra = {}) {
  const errors = []
  const upstreamCalls = []
  const proxy = createSigningProxy({
    upstream: 'https://upstream.example',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'local-only/proxy-jwks-secret-31f0' },
    service: 'lambda',
    region: 'us-east-1',
    verify: { issuer, clientId: CLIENT, jwksTimeoutMs: 1000, ...extra },
    fetch: async (input, init) => {
      const url = String(input.url ?? input)
      if (!url.startsWith('https://upstream.example/')) return fetch(input, init) // the JWKS
      upstreamCalls.push(url)
      return new Response('upstream')
    },
    onError: (error, info) => errors.push({ code: info.code, status: info.status, error }),
  })
  const call = async (token) => {
    const response = await proxy(new Request('https://proxy.example/r', { headers: { authorization: `Bearer ${token}` } }))
    const text = await response.text()
    return response.status === 200 ? 200 : `${response.status} ${JSON.parse(text).code}`
  }
  return { call, errors, upstreamCalls }
}

const FORGER = createSigningKey()
let forged = 0
/** A token signed by `key`, or by a forger's key under a fresh unknown kid. */
const tokenFor = (issuer, key = { ...FORGER, kid: `forged-${forged++}` }) => {
  const now = Math.floor(Date.now() / 1000)
  return signJwt({ sub: 'u', iss: issuer, aud: CLIENT, token_use: 'id', iat: now, exp: now + 600 }, key)
}

for (const [label, answer] of [
  ['500', (req, res) => res.writeHead(500).end('no')],
  ['garbage', (req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('<html>not json')],
]) {
  test(`a JWKS answering ${label}: 503 with onError, at most a couple of fetches for 200 forged kids, one for 20 concurrent`, async (t) => {
    const jwks = await idp(t, answer)
    const { call, errors, upstreamCalls } = proxyFor(jwks.issuer)
    const concurrent = await Promise.all(Array.from({ length: 20 }, () => call(tokenFor(jwks.issuer))))
    assert.deepEqual(new Set(concurrent), new Set(['503 ERR_JWKS_UNAVAILABLE']))
    assert.equal(jwks.fetches, 1, '20 concurrent requests share one fetch')
    for (let i = 0; i < 200; i++) assert.equal(await call(tokenFor(jwks.issuer)), '503 ERR_JWKS_UNAVAILABLE')
    assert.ok(jwks.fetches <= 2, `${jwks.fetches} fetches for 220 requests`)
    assert.equal(errors.length, 220)
    assert.ok(errors.every((e) => e.status === 503 && e.code === 'ERR_JWKS_UNAVAILABLE'))
    assert.equal(upstreamCalls.length, 0)
  })
}

test('a JWKS with a malformed key for the token\'s kid is 503, not 401', async (t) => {
  const key = createSigningKey()
  const broken = { ...key.jwks.keys[0], n: 'AAAA' }
  const jwks = await idp(t, (req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [broken] })))
  const { call, errors } = proxyFor(jwks.issuer)
  assert.equal(await call(tokenFor(jwks.issuer, key)), '503 ERR_JWKS_UNAVAILABLE')
  assert.deepEqual(errors.map((e) => e.code), ['ERR_JWKS_UNAVAILABLE'])
})

test('a JWKS that stalls mid-body is 503 within jwksTimeoutMs, not 401', async (t) => {
  const key = createSigningKey()
  const body = JSON.stringify(key.jwks)
  const jwks = await idp(t, (req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length })
    res.write(body.slice(0, 20)) // and never the rest
  })
  const { call, errors } = proxyFor(jwks.issuer)
  const started = Date.now()
  assert.equal(await call(tokenFor(jwks.issuer, key)), '503 ERR_JWKS_UNAVAILABLE')
  assert.ok(Date.now() - started < 2500, `answered after ${Date.now() - started} ms`)
  assert.deepEqual(errors.map((e) => e.code), ['ERR_JWKS_UNAVAILABLE'])
})

test('a 50 MB JWKS is refused without being buffered (cap 1 MiB), with or without content-length', async (t) => {
  for (const declared of [true, false]) {
    let written = 0
    const jwks = await idp(t, (req, res) => {
      const chunk = Buffer.alloc(64 * 1024, 0x20)
      res.writeHead(200, declared ? { 'content-type': 'application/json', 'content-length': 50 * 1024 * 1024 } : { 'content-type': 'application/json' })
      const pump = () => {
        while (written < 50 * 1024 * 1024 && !res.destroyed) {
          written += chunk.length
          if (!res.write(chunk)) return res.once('drain', pump)
        }
        res.end()
      }
      res.on('close', () => {})
      pump()
    })
    const { call, errors } = proxyFor(jwks.issuer)
    assert.equal(await call(tokenFor(jwks.issuer)), '503 ERR_JWKS_UNAVAILABLE')
    await new Promise((r) => setTimeout(r, 200))
    assert.ok(written < 16 * 1024 * 1024, `${declared ? 'declared' : 'chunked'}: the JWKS server got to write ${written} bytes`)
    assert.match(errors[0].error.cause?.message ?? errors[0].error.message, /1048576 bytes|JWKS/)
  }
})

test('while the JWKS fails, a key already cached keeps verifying', async (t) => {
  const key = createSigningKey()
  let healthy = true
  const jwks = await idp(t, (req, res) => {
    if (healthy) res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(key.jwks))
    else res.writeHead(500).end()
  })
  const { call } = proxyFor(jwks.issuer)
  assert.equal(await call(tokenFor(jwks.issuer, key)), 200)
  healthy = false
  assert.equal(await call(tokenFor(jwks.issuer)), '503 ERR_JWKS_UNAVAILABLE', 'an unknown kid while the JWKS fails')
  assert.equal(await call(tokenFor(jwks.issuer, key)), 200, 'the cached key still verifies')
})

test('a token from another issuer is ERR_TOKEN_WRONG_ISSUER and costs no JWKS fetch', async (t) => {
  const key = createSigningKey()
  const jwks = await idp(t, (req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(key.jwks)))
  const { call } = proxyFor(jwks.issuer)
  assert.equal(await call(tokenFor('https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other')), '401 ERR_TOKEN_WRONG_ISSUER')
  assert.equal(await call(tokenFor('https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other', key)), '401 ERR_TOKEN_WRONG_ISSUER')
  assert.equal(jwks.fetches, 0)
  assert.equal(await call(tokenFor(jwks.issuer, key)), 200)
})

test('a password in a configured URL (upstream, issuer, jwksUri) is refused up front and never echoed', () => {
  const PASSWORD = 'pa55w0rdInUrl7x'
  const base = {
    upstream: 'https://upstream.example',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'local-only/proxy-jwks-secret-31f0' },
    verify: { issuer: 'https://idp.example/pool', clientId: CLIENT },
  }
  for (const options of [
    { ...base, upstream: `https://user:${PASSWORD}@upstream.example` },
    { ...base, verify: { ...base.verify, issuer: `https://user:${PASSWORD}@idp.example/pool` } },
    { ...base, verify: { ...base.verify, jwksUri: `https://user:${PASSWORD}@idp.example/jwks.json` } },
  ]) {
    let caught
    try {
      createSigningProxy(options)
    } catch (error) {
      caught = error
    }
    assert.equal(caught?.code, 'ERR_INVALID_OPTIONS', `refused: ${JSON.stringify(options.verify)} ${options.upstream}`)
    for (const rendering of [caught.message, caught.stack, inspect(caught, { depth: 5 }), JSON.stringify(caught)]) {
      assert.ok(!rendering.includes(PASSWORD), rendering)
    }
  }
})
