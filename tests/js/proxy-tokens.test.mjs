// The proxy's token checks against the local stack's user pool: missing,
// tampered, expired, wrong-client, foreign-key and access tokens get 401 and
// nothing reaches the upstream; tokenUse and groups; the JWKS cached and
// fetched again on a key rotation; an unreachable JWKS is the proxy's 503.
// A hostile or broken JWKS endpoint: proxy-jwks.test.mjs.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import { once } from 'node:events'
import { createSigningKey, signJwt } from '../../stack/src/jwt.mjs'
import { signIn, localPoolVerify } from './support/user-pool.mjs'
import { bearer, echoStack } from './support/echo-proxy.mjs'

const OTHER_CLIENT = 'iamfetchotherappclient02'
let stack
let tokens
let echoProxy
let upstreamCalls

before(async () => {
  ({ stack, tokens, echoProxy, upstreamCalls } = await echoStack({ extraClients: [OTHER_CLIENT] }))
})
after(() => stack?.stop())

test('missing, tampered, expired, wrong-client, foreign-key and access tokens get 401, and nothing reaches the upstream', async (t) => {
  const { proxy, calls } = echoProxy()
  const [header, payload, signature] = tokens.idToken.split('.')
  const claims = JSON.parse(Buffer.from(payload, 'base64url'))
  const tampered = `${header}.${Buffer.from(JSON.stringify({ ...claims, sub: 'someone-else' })).toString('base64url')}.${signature}`
  const foreignKey = { ...createSigningKey(), kid: JSON.parse(Buffer.from(header, 'base64url')).kid }
  const forged = signJwt(claims, foreignKey)
  const otherClient = (await signIn(stack, { clientId: OTHER_CLIENT })).idToken
  stack.setClockOffset(-2 * 3600) // tokens issued two hours ago, valid for one
  t.after(() => stack.setClockOffset(0))
  const expired = (await signIn(stack)).idToken
  stack.setClockOffset(0)

  const cases = [
    ['no Authorization', {}, 'ERR_TOKEN_MISSING'],
    ['Basic instead of Bearer', { authorization: 'Basic ZGVtbzpkZW1vLXBhc3N3b3Jk' }, 'ERR_TOKEN_MISSING'],
    ['not a JWT', bearer('not.a.jwt'), 'ERR_TOKEN_INVALID'],
    ['tampered payload', bearer(tampered), 'ERR_TOKEN_INVALID'],
    ['signed with another key under the same kid', bearer(forged), 'ERR_TOKEN_INVALID'],
    ['expired', bearer(expired), 'ERR_TOKEN_EXPIRED'],
    ['issued to another app client', bearer(otherClient), 'ERR_TOKEN_WRONG_CLIENT'],
    ['an access token', bearer(tokens.accessToken), 'ERR_TOKEN_WRONG_USE'],
  ]
  for (const [name, headers, code] of cases) {
    const response = await proxy(new Request('https://proxy.example/orders', { method: 'POST', headers, body: 'x' }))
    const text = await response.text()
    assert.equal(response.status, 401, `${name}: ${text}`)
    assert.match(response.headers.get('www-authenticate') ?? '', /^Bearer realm="iamfetch"/, name)
    assert.equal(response.headers.get('content-type'), 'application/json', name)
    const body = JSON.parse(text)
    assert.equal(body.code, code, name)
    assert.equal(response.headers.get('x-iamfetch-proxy-error'), code, name)
    assert.ok(body.message.length > 10, name)
    const shown = text + JSON.stringify([...response.headers])
    for (const token of [tampered, forged, expired, otherClient, tokens.accessToken]) {
      for (const part of token.split('.')) assert.ok(!shown.includes(part), `${name}: the answer quotes no token part`)
    }
  }
  assert.deepEqual(upstreamCalls(calls), [], 'no refused request reached the upstream')
})

test('tokenUse access accepts access tokens and refuses ID tokens; groups are checked (403)', async () => {
  const { proxy } = echoProxy({ verify: localPoolVerify(stack, { tokenUse: 'access' }) })
  assert.equal((await proxy(new Request('https://proxy.example/a', { headers: bearer(tokens.accessToken) }))).status, 200)
  const refused = await proxy(new Request('https://proxy.example/a', { headers: bearer(tokens.idToken) }))
  assert.equal(refused.status, 401)
  assert.equal((await refused.json()).code, 'ERR_TOKEN_WRONG_USE')
  const { proxy: admins } = echoProxy({ verify: localPoolVerify(stack, { groups: 'admins' }) })
  const forbidden = await admins(new Request('https://proxy.example/a', { headers: bearer(tokens.idToken) }))
  assert.equal(forbidden.status, 403)
  assert.equal((await forbidden.json()).code, 'ERR_TOKEN_FORBIDDEN')
  assert.match(forbidden.headers.get('www-authenticate'), /insufficient_scope/)
})

test('JWKS: fetched once and cached, fetched again on a key rotation, not refetched for every unknown kid; issuer checked', async (t) => {
  let keys = [createSigningKey()]
  let jwksFetches = 0
  const idp = createServer((req, res) => {
    jwksFetches++
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: keys.flatMap((k) => k.jwks.keys) }))
  })
  idp.listen(0, '127.0.0.1')
  await once(idp, 'listening')
  t.after(() => idp.close())
  const issuer = `http://127.0.0.1:${idp.address().port}/us-east-1_rotating`
  const now = Math.floor(Date.now() / 1000)
  const claims = { sub: 'u-1', iss: issuer, aud: 'rotating-client', token_use: 'id', iat: now, exp: now + 600 }
  const { proxy } = echoProxy({ verify: { issuer, clientId: 'rotating-client' } })
  const call = async (token) => {
    const response = await proxy(new Request('https://proxy.example/r', { headers: bearer(token) }))
    const body = await response.json()
    return response.status === 200 ? 200 : `${response.status} ${body.code}`
  }

  const first = keys[0]
  for (let i = 0; i < 3; i++) assert.equal(await call(signJwt(claims, first)), 200)
  assert.equal(jwksFetches, 1, 'one JWKS fetch for three tokens')

  keys = [createSigningKey()] // rotation: the old key is gone, a new kid appears
  assert.equal(await call(signJwt(claims, keys[0])), 200, 'a token with the new kid is accepted')
  assert.equal(jwksFetches, 2, 'the unknown kid made one more fetch')
  assert.equal(await call(signJwt(claims, keys[0])), 200)
  assert.equal(jwksFetches, 2)

  assert.equal(await call(signJwt(claims, first)), '401 ERR_TOKEN_INVALID', 'the retired key no longer verifies')
  const fetchesAfterMiss = jwksFetches
  for (let i = 0; i < 5; i++) {
    assert.equal(await call(signJwt(claims, { ...createSigningKey(), kid: `made-up-${i}` })), '401 ERR_TOKEN_INVALID')
  }
  assert.equal(jwksFetches, fetchesAfterMiss, 'made-up kids do not hammer the JWKS endpoint')

  assert.equal(await call(signJwt({ ...claims, iss: 'https://evil.example/pool' }, keys[0])), '401 ERR_TOKEN_WRONG_ISSUER')
  assert.equal(await call(signJwt({ ...claims, aud: 'someone-else' }, keys[0])), '401 ERR_TOKEN_WRONG_CLIENT')
  assert.equal(await call(signJwt({ ...claims, nbf: now + 3600 }, keys[0])), '401 ERR_TOKEN_NOT_YET_VALID')
})

test('an unreachable JWKS is the proxy\'s failure: 503, not 401', async () => {
  const errors = []
  const { proxy } = echoProxy({ verify: localPoolVerify(stack, { jwksUri: 'http://127.0.0.1:9/none/.well-known/jwks.json' }), onError: (e, info) => errors.push(info.code) })
  const response = await proxy(new Request('https://proxy.example/a', { headers: bearer(tokens.idToken) }))
  assert.equal(response.status, 503)
  assert.equal((await response.json()).code, 'ERR_JWKS_UNAVAILABLE')
  assert.deepEqual(errors, ['ERR_JWKS_UNAVAILABLE'])
})
