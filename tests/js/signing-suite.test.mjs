// The AWS SigV4 test suite through the JS API: JS → wasm → JS, in header and query mode.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { loadSigningSuite, jsOptions } from './support/signing-suite.mjs'
import { distEntry } from './support/paths.mjs'

const { signRequest } = await import(distEntry)
const cases = loadSigningSuite()

/**
 * Vectors fetch cannot express, each with the reason. The reason is checked
 * below, so an entry cannot hide a case that would in fact pass.
 */
const NOT_EXPRESSIBLE_THROUGH_FETCH = {
  'get-relative-unnormalized': 'WHATWG URL resolves the dot segments, so /example/.. is sent as /',
  'get-relative-relative-unnormalized': 'WHATWG URL resolves the dot segments, so /example1/example2/../.. is sent as /',
  'get-slash-dot-slash-unnormalized': 'WHATWG URL resolves the dot segment, so /./ is sent as /',
  'get-slash-pointless-dot-unnormalized': 'WHATWG URL resolves the dot segment, so /./example is sent as /example',
  'get-header-key-duplicate': "fetch's Headers sends a repeated header once, its values joined by ', '; the vector expects separate lines joined by ','",
  'get-header-value-order': "fetch's Headers sends a repeated header once, its values joined by ', '; the vector expects separate lines joined by ','",
}

function whyNotExpressible(testCase) {
  const reason = NOT_EXPRESSIBLE_THROUGH_FETCH[testCase.name]
  if (!reason) return undefined
  const rawPath = testCase.url.replace(/^https:\/\/[^/]+/, '').split('?')[0]
  const sentPath = new URL(testCase.url).pathname
  const names = testCase.headers.map(([name]) => name.toLowerCase())
  const repeatsHeader = new Set(names).size !== names.length
  assert.ok(sentPath !== rawPath || repeatsHeader, `${testCase.name} is listed as not expressible, but fetch sends it as is`)
  return reason
}

test('the suite has 40 cases', () => {
  assert.equal(cases.length, 40)
})

for (const testCase of cases) {
  for (const [mode, expected] of [['header', testCase.header], ['query', testCase.query]]) {
    const reason = whyNotExpressible(testCase)
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
