import assert from 'node:assert/strict'

/** The error a promise rejects with; fails the test if it fulfils. */
export async function rejection(promise) {
  try {
    await promise
  } catch (error) {
    return error
  }
  assert.fail('expected a rejection')
}
