// A trap leaves a wasm instance unusable (its memory and stack pointer are
// wherever the trap left them): the next call must get a fresh instance.
// The trap is forced through a test-only path: the raw `sign` export called
// with a pointer past the end of memory, which traps on the first read.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { distEntry } from './support/paths.mjs'

const { AwsV4Signer, Sha256, IamFetchError, init, sha256Hex, signRequest } = await import(distEntry)
// The same module instance the package uses (same URL).
const { callWasm } = await import(new URL('core.js', distEntry).href)

const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
const ABC_SHA256 = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'
const signing = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  datetime: '20261121T101010Z',
}
const request = {
  method: 'POST',
  url: 'https://abcdefghij.lambda-url.eu-west-1.on.aws/x',
  headers: { 'content-type': 'application/json' },
  body: '{"a":1}',
  ...signing,
}

function forceTrap() {
  let raw
  const error = (() => {
    try {
      callWasm((bindings) => {
        raw = bindings.rawExports()
        return raw.sign(0xffff_fff0, 64, 0, 0)
      })
    } catch (caught) {
      return caught
    }
  })()
  assert.ok(error instanceof IamFetchError, `a trap is an IamFetchError, got ${error}`)
  assert.equal(error.code, 'ERR_INTERNAL')
  assert.ok(error.cause instanceof WebAssembly.RuntimeError, 'the cause is the trap itself')
  return raw
}

test('after a trap, the next call runs on a fresh instance, and the next 1,000 calls all succeed', async () => {
  await init()
  const expected = (await new AwsV4Signer(request).sign()).headers.get('authorization')
  const trapped = forceTrap()
  const fresh = callWasm((bindings) => bindings.rawExports())
  assert.notEqual(fresh, trapped, 'a new instance replaced the trapped one')
  assert.notEqual(fresh.memory, trapped.memory, 'with its own memory')

  for (let i = 0; i < 1000; i++) {
    assert.equal(sha256Hex('abc'), ABC_SHA256)
    const hasher = new Sha256()
    assert.equal(hasher.update('a').update('bc').digest(), ABC_SHA256)
    hasher.free()
    if (i % 100 === 0) {
      assert.equal((await new AwsV4Signer(request).sign()).headers.get('authorization'), expected)
      assert.equal((await signRequest({ method: 'GET', url: request.url }, signing)).payloadHash, EMPTY_SHA256)
    }
  }
  assert.equal(callWasm((bindings) => bindings.rawExports()), fresh, 'no further instance was needed')
})

test('1,000 traps in a row leak nothing that breaks later calls', async () => {
  await init()
  // wasm-bindgen's single instance ran out of shadow stack after ~300 traps.
  for (let i = 0; i < 1000; i++) forceTrap()
  assert.equal(sha256Hex(''), EMPTY_SHA256)
  const signed = await new AwsV4Signer(request).sign()
  assert.match(signed.headers.get('authorization'), /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\//)
})
