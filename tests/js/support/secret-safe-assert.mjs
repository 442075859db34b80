// node:assert for tests that see live secrets (a page's Cognito credentials
// and tokens): a failure's message, actual and expected have every secret
// seen so far replaced, so that none reaches the test output.
import nodeAssert from 'node:assert/strict'

/** `{ assert, hideSecret }`: node:assert/strict whose failures hide each value given to hideSecret(value). */
export function secretSafeAssert() {
  const secrets = new Set()
  const scrub = (text) => {
    let out = String(text)
    for (const secret of secrets) out = out.split(secret).join('‹secret›')
    return out
  }
  const scrubValue = (value) => {
    if (typeof value === 'string') return scrub(value)
    if (value === null || typeof value !== 'object') return value
    try {
      return JSON.parse(scrub(JSON.stringify(value)))
    } catch {
      return '[not shown]'
    }
  }
  const assert = new Proxy(nodeAssert, {
    get(target, name) {
      const member = target[name]
      if (typeof member !== 'function' || name === 'AssertionError') return member
      return (...args) => {
        try {
          return member(...args)
        } catch (error) {
          if (!(error instanceof nodeAssert.AssertionError)) throw error
          throw new nodeAssert.AssertionError({ message: scrub(error.message), actual: scrubValue(error.actual), expected: scrubValue(error.expected), operator: error.operator })
        }
      }
    },
  })
  return { assert, hideSecret: (secret) => secrets.add(secret) }
}
