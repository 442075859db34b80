// Full-jitter backoff and random names, straight from the pure module (no wasm).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { backoffDelayMs, randomHex } from '../../js/src/backoff.js'

test('the ceiling doubles until the cap; the draw scales it', () => {
  assert.equal(backoffDelayMs(0, 100, 20_000, 0.999999), 99.9999)
  assert.equal(backoffDelayMs(3, 100, 20_000, 0.5), 400)
  assert.equal(backoffDelayMs(20, 100, 20_000, 0.5), 10_000)
  assert.equal(backoffDelayMs(2 ** 32 - 1, 100, 20_000, 1), 20_000)
  assert.equal(backoffDelayMs(2, 100, 20_000, 0), 0)
  assert.equal(backoffDelayMs(5000, 0, 20_000, 0.5), 0, 'a zero base stays zero, never NaN')
  assert.equal(backoffDelayMs(1, -100, 20_000, 0.5), 0)
  assert.equal(backoffDelayMs(1, 100, -1, 0.5), 0)
  assert.equal(backoffDelayMs(1, 100, 20_000, 7), 200, 'a draw above 1 is clamped')
})

test('random draws differ and stay under the ceiling', () => {
  const draws = Array.from({ length: 50 }, () => backoffDelayMs(4, 100, 20_000))
  assert.ok(draws.every((d) => d >= 0 && d < 1600), draws.join(' '))
  assert.ok(draws.some((d) => d !== draws[0]), 'the draws are random')
})

test('randomHex: lowercase hex of the asked number of bytes, different each time', () => {
  const names = Array.from({ length: 20 }, () => randomHex(8))
  assert.ok(names.every((name) => /^[0-9a-f]{16}$/.test(name)), names.join(' '))
  assert.equal(new Set(names).size, names.length)
  assert.equal(randomHex(0), '')
})
