// The signing call crosses into wasm by core.js's own writer (encodeInto into
// the core's memory), not the glue's: both must hand the core the same bytes
// and read back the same answer, past ASCII and past the memory's size too.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { distEntry } from './support/paths.mjs'

const { init } = await import(distEntry)
// The same module instances the package uses (same URLs).
const { currentBindings, signWithBuild } = await import(new URL('core.js', distEntry).href)
const { encodeSigningCall } = await import(new URL('options.js', distEntry).href)
const { decodeAnswer } = await import(new URL('wire.js', distEntry).href)

function callOf({ headers = [['content-type', 'application/json']], sessionToken = 'token' } = {}) {
  return encodeSigningCall({
    method: 'POST',
    url: 'https://abcdefghij.lambda-url.eu-west-1.on.aws/x',
    host: 'abcdefghij.lambda-url.eu-west-1.on.aws',
    headers,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', sessionToken },
    settings: { service: 'lambda', region: 'eu-west-1', datetime: '20261121T101010Z' },
    payload: {},
    declaresHash: false,
    diagnostics: false,
  }).call
}

const body = new TextEncoder().encode('{"a":1}')

for (const [what, call] of [
  ['an ASCII call', callOf()],
  ['a call with Latin-1 header values', callOf({ headers: [['x-name', 'Zoë café'], ['x-other', 'ÿ']] })],
  ['a call whose first character past ASCII is its last', callOf({ headers: [['x-last', 'abcé']] })],
  ['a call with characters of 3 and 4 UTF-8 bytes (a refusal, as the glue answers it)', callOf({ sessionToken: '€😀' })],
  ['a call of 8 MB, past the memory the instance had', callOf({ headers: [['x-big', 'é'.repeat(4 << 20)]] })],
]) {
  test(`${what}: the same answer as the glue's sign`, async () => {
    await init()
    const glue = currentBindings('core').sign(call, body)
    let answer
    try {
      answer = await signWithBuild(call, body, 'core')
    } catch (error) {
      assert.ok(!glue.startsWith('ok\n'), `the glue signed what signWithBuild refused: ${error.message}`)
      assert.equal(error.code, glue.split('\n')[0])
      return
    }
    assert.deepEqual(answer, decodeAnswer(glue))
  })
}

// body.js hands short string bodies over as text, which the core receives as UTF-8.
for (const [what, text] of [
  ['an ASCII text body', '{"a":1}'],
  ['a text body past ASCII', '{"name":"Zoë","emoji":"😀","euro":"€"}'],
  ['a text body with a lone surrogate (UTF-8 replaces it, as TextEncoder does)', 'a\uD800b'],
  ['an empty text body', ''],
]) {
  test(`${what}: the same answer as the glue's sign of its UTF-8`, async () => {
    await init()
    const call = callOf()
    assert.deepEqual(await signWithBuild(call, text, 'core'), decodeAnswer(currentBindings('core').sign(call, new TextEncoder().encode(text))))
  })
}
