// js/src/http-rules.js against what it describes: NEVER_SIGNED is what the
// wasm core leaves out of a signature (signed through AwsV4Signer, and read
// from src/*.rs), SET_BY_SIGNER is what the signer writes, isHeaderName is the
// token grammar fetch's Headers enforces, and declaredBodyHash gives the form
// the core signs.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { createHash } from 'node:crypto'
import { repoRoot } from './support/paths.mjs'

const { AwsV4Signer, IamFetchError } = await import(new URL('../../js/dist/index.node.js', import.meta.url).href)
const { HOP_BY_HOP, NEVER_SIGNED, SET_BY_SIGNER, declaredBodyHash, isHeaderName } = await import(new URL('../../js/dist/http-rules.js', import.meta.url).href)

const KEYS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'local-only/http-rules-secret-4b7e', service: 'lambda', region: 'us-east-1' }
/** A valid value for each header that has a grammar of its own. */
const VALUES = {
  'content-length': '0', expect: '100-continue', range: 'bytes=0-9', connection: 'close', te: 'trailers', 'transfer-encoding': 'chunked',
  upgrade: 'websocket', via: '1.1 edge', 'presigned-expires': '60', authorization: 'Bearer viewer-token', 'x-amzn-trace-id': 'Root=1-5759e988-bd862e3fe1be46a994272793',
}
/** Headers no list names: each must be signed. */
const ORDINARY = [
  'accept', 'accept-encoding', 'cache-control', 'content-md5', 'content-type', 'cookie', 'date', 'forwarded', 'if-match', 'origin', 'referer',
  'x-amz-meta-note', 'x-amz-target', 'x-amz-user-agent', 'x-amzn-requestid', 'x-custom', 'x-forwarded-for',
]

/** The names in the Authorization header's SignedHeaders when `name` is sent. */
async function signedWith(name, extra = {}) {
  const signer = new AwsV4Signer({ ...KEYS, ...extra, url: 'https://abc.lambda-url.us-east-1.on.aws/x', method: 'GET', headers: { [name]: VALUES[name] ?? 'v' } })
  const { headers } = await signer.sign()
  return /SignedHeaders=([^,]+)/.exec(headers.get('authorization'))[1].split(';')
}

test('the core signs none of NEVER_SIGNED, and every other header sent', async () => {
  for (const name of NEVER_SIGNED) assert.ok(!(await signedWith(name)).includes(name), `${name} is in NEVER_SIGNED but the core signed it`)
  for (const name of ORDINARY) assert.ok((await signedWith(name)).includes(name), `${name} is in no list but the core did not sign it`)
})

test("NEVER_SIGNED is the core's DEFAULT_EXCLUDED_HEADERS, name for name", () => {
  const sources = readdirSync(join(repoRoot, 'src')).filter((file) => file.endsWith('.rs')).map((file) => readFileSync(join(repoRoot, 'src', file), 'utf8'))
  const declaration = sources.map((text) => /DEFAULT_EXCLUDED_HEADERS: &\[&str\] = &\[([^\]]*)\]/.exec(text)?.[1]).find(Boolean)
  assert.ok(declaration, 'DEFAULT_EXCLUDED_HEADERS is declared in src/*.rs')
  const core = [...declaration.matchAll(/"([^"]+)"/g)].map(([, name]) => name)
  assert.deepEqual([...NEVER_SIGNED].sort(), core.sort())
})

test('the signer writes SET_BY_SIGNER (host through the URL), and nothing else', async () => {
  const signer = new AwsV4Signer({ ...KEYS, service: 's3', sessionToken: 'session-token-for-http-rules', url: 'https://bucket.s3.us-east-1.amazonaws.com/k', method: 'GET' })
  const { headers } = await signer.sign()
  assert.deepEqual([...headers.keys(), 'host'].sort(), [...SET_BY_SIGNER].sort())
  assert.ok(signer.signedHeaders.split(';').includes('host'))
})

test('the hop-by-hop headers are never signed either: no proxy can break a signature by dropping them', () => {
  for (const name of HOP_BY_HOP) assert.ok(NEVER_SIGNED.includes(name), name)
})

test("isHeaderName is RFC 9110's token, as fetch's Headers takes it", () => {
  const candidates = ['content-type', 'X-Amz-Meta-A', "!#$%&'*+-.^_`|~", 'a1', '', 'a b', 'naïve', 'x(y)', 'x:y', 'x/y', 'x"y', 'x@y', 'x{y}', 'x\ty']
  for (let code = 0; code < 256; code++) candidates.push(`x${String.fromCharCode(code)}`)
  for (const name of candidates) {
    let accepted = true
    try {
      new Headers().append(name, 'v')
    } catch {
      accepted = false
    }
    assert.equal(isHeaderName(name), accepted, JSON.stringify(name))
  }
  assert.equal(isHeaderName(undefined), false)
  assert.equal(isHeaderName(42), false)
})

test('declaredBodyHash gives the form the core signs: it refuses an upper-case hash, and takes its lower-case form', async () => {
  const hash = createHash('sha256').update('body').digest('hex')
  const sign = (declared) => new AwsV4Signer({ ...KEYS, url: 'https://abc.lambda-url.us-east-1.on.aws/x', method: 'PUT', headers: { 'x-amz-content-sha256': declared }, body: 'body' }).sign()
  await assert.rejects(sign(hash.toUpperCase()), (error) => error instanceof IamFetchError && error.code === 'ERR_INVALID_PAYLOAD_HASH')
  assert.equal(declaredBodyHash(hash.toUpperCase()), hash)
  assert.equal(declaredBodyHash(` ${hash}\t`), hash)
  const { headers } = await sign(declaredBodyHash(hash.toUpperCase()))
  assert.equal(headers.get('x-amz-content-sha256'), hash)
  for (const bad of ['UNSIGNED-PAYLOAD', hash.slice(1), `${hash}0`, `${hash.slice(1)}g`, '', undefined, 42]) assert.equal(declaredBodyHash(bad), undefined, String(bad))
})
