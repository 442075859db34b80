// A Sha256 created before a wasm trap holds state in the instance the trap
// left behind, which callWasm has replaced: its memory may be inconsistent, so
// a digest from it could be silently wrong. It refuses with a typed error
// instead, and a new Sha256 works.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { distEntry } from './support/paths.mjs'

const { Sha256, IamFetchError, init, sha256Hex } = await import(distEntry)
const { callWasm } = await import(new URL('core.js', distEntry).href)

const ABC_SHA256 = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'

function forceTrap() {
  assert.throws(
    () => callWasm((bindings) => bindings.rawExports().sign(0xffff_fff0, 64, 0, 0)),
    (error) => error instanceof IamFetchError && error.code === 'ERR_INTERNAL',
  )
}

test('a Sha256 from before a trap refuses update() and digest() with ERR_INTERNAL; a new one works', async () => {
  await init()
  const before = new Sha256().update('a')
  const idle = new Sha256()
  forceTrap()
  for (const [what, call] of [['update', () => before.update('bc')], ['digest', () => before.digest()], ['an unused one', () => idle.update('abc')]]) {
    assert.throws(call, (error) => {
      assert.ok(error instanceof IamFetchError, `${what}: ${error?.constructor?.name}: ${error?.message}`)
      assert.equal(error.code, 'ERR_INTERNAL')
      assert.match(error.message, /new Sha256/)
      return true
    })
  }
  // Freeing it costs nothing and throws nothing.
  before.free()
  before.free()
  idle.free()
  const after = new Sha256()
  assert.equal(after.update('a').update('bc').digest(), ABC_SHA256)
  assert.equal(sha256Hex('abc'), ABC_SHA256)
})

test('a Sha256 used only after the trap, and hashers made after it, are unaffected', async () => {
  await init()
  forceTrap()
  const hashers = Array.from({ length: 10 }, () => new Sha256())
  for (const hasher of hashers) assert.equal(hasher.update('abc').digest(), ABC_SHA256)
})
