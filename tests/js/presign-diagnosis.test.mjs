// canonicalString() and stringToSign() diagnose the request as it was signed:
// after sign() in query mode, not the presigned URL sign() left in signer.url.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { distEntry } from './support/paths.mjs'

const { AwsV4Signer } = await import(distEntry)

const options = {
  method: 'GET',
  url: 'https://abcdefghij.lambda-url.eu-west-1.on.aws/path?b=2&a=1',
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  sessionToken: 'session-token-value',
  datetime: '20261121T101010Z',
  signQuery: true,
  expiresIn: 300,
}

for (const mode of ['query', 'headers']) {
  test(`${mode} mode: canonicalString() and stringToSign() after sign() are those of the request signed`, async () => {
    const settings = { ...options, signQuery: mode === 'query' }
    const fresh = new AwsV4Signer(settings)
    const expected = { canonical: await fresh.canonicalString(), stringToSign: await fresh.stringToSign(), signature: await fresh.signature() }

    const signer = new AwsV4Signer(settings)
    const signed = await signer.sign()
    if (mode === 'query') assert.equal(signed.url.searchParams.get('X-Amz-Signature'), expected.signature)
    const canonical = await signer.canonicalString()
    assert.equal(canonical, expected.canonical)
    assert.equal(await signer.stringToSign(), expected.stringToSign)
    assert.doesNotMatch(canonical, /X-Amz-Signature/)
    assert.equal(await signer.signature(), expected.signature)
    // The string to sign's hash is the canonical request's: one request, diagnosed whole.
    const { createHash } = await import('node:crypto')
    assert.equal((await signer.stringToSign()).split('\n')[3], createHash('sha256').update(canonical).digest('hex'))
  })
}

test('diagnosing first, then signing, still signs the same request', async () => {
  const signer = new AwsV4Signer(options)
  const canonical = await signer.canonicalString()
  const signed = await signer.sign()
  const fresh = await new AwsV4Signer(options).sign()
  assert.equal(signed.url.href, fresh.url.href)
  assert.equal(await signer.canonicalString(), canonical)
})
