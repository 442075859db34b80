// The AWS SigV4 test suite through the JS API: JS → wasm → JS, in header and query mode.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { jsOptions, loadSuite, notExpressibleThroughFetch } from './support/aws-suite.mjs'
import { distEntry } from './support/paths.mjs'

const { signRequest } = await import(distEntry)
const cases = loadSuite('v4')

test('the suite has 40 cases', () => {
  assert.equal(cases.length, 40)
})

for (const testCase of cases) {
  for (const [mode, expected] of [['header', testCase.header], ['query', testCase.query]]) {
    const reason = notExpressibleThroughFetch(testCase)
    const name = `${testCase.name} (${mode})${testCase.deviation ? ` [${testCase.deviation}]` : ''}`
    if (!expected) {
      test(name, { skip: 'the suite ships no expected values for this mode' }, () => {})
      continue
    }
    test(name, { skip: reason }, async () => {
      const signed = await signRequest(
        { method: testCase.method, url: testCase.url, headers: testCase.headers, body: testCase.body || undefined },
        jsOptions(testCase, mode === 'query'),
      )
      if (expected.canonicalRequest != null) {
        const actual = expected.canonicalRequestDateQuirk
          ? signed.canonicalRequest.replace(/^x-amz-date:.*$/m, expected.canonicalRequestDateQuirk)
          : signed.canonicalRequest
        assert.equal(actual, expected.canonicalRequest, 'canonical request')
      }
      if (expected.stringToSign != null) assert.equal(signed.stringToSign, expected.stringToSign, 'string to sign')
      if (expected.signature != null) assert.equal(signed.signature, expected.signature, 'signature')
    })
  }
}
