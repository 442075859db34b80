// Validation of Cognito and STS credential answers, straight from the pure
// module (no wasm). A malformed answer must be a clear error that never
// quotes a secret.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parseCognitoCredentials, parseStsCredentials, parseIso8601Utc } from '../../js/src/credentials/answers.js'
import { IamFetchError } from '../../js/src/errors.js'

const STS_ANSWER = '<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><AssumedRoleUser><AssumedRoleId>AROA:s</AssumedRoleId><Arn>arn:aws:sts::1:assumed-role/r/s</Arn></AssumedRoleUser><Credentials><AccessKeyId>ASIAEXAMPLE</AccessKeyId><SecretAccessKey>s3cr3t/+=</SecretAccessKey><SessionToken>tok&amp;en</SessionToken><Expiration>2026-11-21T11:10:10Z</Expiration></Credentials></AssumeRoleResult></AssumeRoleResponse>'

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'
const TOKEN = 'IQoJb3JpZ2luX2VjEXAMPLETOKEN'

function cognitoAnswer(credentials = {}, identityId = 'us-east-1:abc') {
  return { IdentityId: identityId, Credentials: { AccessKeyId: 'ASIA', SecretKey: SECRET, SessionToken: TOKEN, Expiration: 1_795_259_410.5, ...credentials } }
}

/** Asserts an ERR_INVALID_CREDENTIALS_RESPONSE whose message matches `pattern` and quotes no secret. */
function assertInvalid(parse, pattern) {
  assert.throws(parse, (error) => {
    assert.ok(error instanceof IamFetchError)
    assert.equal(error.code, 'ERR_INVALID_CREDENTIALS_RESPONSE')
    assert.match(error.message, pattern)
    for (const secret of [SECRET, TOKEN, 's3cr3t', 'tok&en', 'tok&amp;en']) {
      assert.ok(!error.message.includes(secret), `${error.message} quotes a secret`)
    }
    return true
  })
}

test('STS credentials are read and decoded', () => {
  assert.deepEqual(parseStsCredentials(STS_ANSWER), {
    accessKeyId: 'ASIAEXAMPLE',
    secretAccessKey: 's3cr3t/+=',
    sessionToken: 'tok&en',
    expiration: new Date(1_795_259_410_000),
  })
  const padded = STS_ANSWER.replace('<AccessKeyId>ASIAEXAMPLE<', '<AccessKeyId>\n  ASIAEXAMPLE\n<')
  assert.equal(parseStsCredentials(padded).accessKeyId, 'ASIAEXAMPLE', 'whitespace around a value is not part of it')
})

test('incomplete STS answers name what is missing, and not the secrets', () => {
  assertInvalid(() => parseStsCredentials(STS_ANSWER.replace('<SessionToken>tok&amp;en</SessionToken>', '')), /without a Credentials\/SessionToken$/)
  assertInvalid(() => parseStsCredentials(STS_ANSWER.replace('<SecretAccessKey>s3cr3t/+=</SecretAccessKey>', '<SecretAccessKey>  </SecretAccessKey>')), /Credentials\/SecretAccessKey/)
  assertInvalid(() => parseStsCredentials(STS_ANSWER.replace('<AccessKeyId>ASIAEXAMPLE</AccessKeyId>', '<AccessKeyId>ASIAEXAMPLE')), /Credentials\/AccessKeyId/)
  assertInvalid(() => parseStsCredentials(STS_ANSWER.replace('2026-11-21T11:10:10Z', 'tomorrow')), /an ISO-8601 Credentials\/Expiration/)
  assertInvalid(() => parseStsCredentials(STS_ANSWER.replace('2026-11-21T11:10:10Z', '2026-11-21T11:10:10+01:00')), /Expiration/)
  assertInvalid(() => parseStsCredentials(STS_ANSWER.replace(/<Expiration>.*<\/Expiration>/, '')), /Credentials\/Expiration/)
  for (const garbage of ['<html>oops</html>', '', 'not xml', '<Credentials>', '<CredentialsX><AccessKeyId>a</AccessKeyId></CredentialsX>', undefined]) {
    assertInvalid(() => parseStsCredentials(garbage), /^STS answered without a Credentials element$/)
  }
})

test('Cognito answers are validated', () => {
  assert.deepEqual(parseCognitoCredentials(cognitoAnswer()), {
    identityId: 'us-east-1:abc',
    credentials: { accessKeyId: 'ASIA', secretAccessKey: SECRET, sessionToken: TOKEN, expiration: new Date(1_795_259_410_500) },
  })
  assert.equal(parseCognitoCredentials(cognitoAnswer({ Expiration: 1_795_259_410 })).credentials.expiration.getTime(), 1_795_259_410_000)
  assertInvalid(() => parseCognitoCredentials(cognitoAnswer({ SecretKey: '' })), /an empty Credentials\.SecretKey$/)
  assertInvalid(() => parseCognitoCredentials(cognitoAnswer({ AccessKeyId: '' })), /an empty Credentials\.AccessKeyId$/)
  assertInvalid(() => parseCognitoCredentials(cognitoAnswer({}, '')), /an empty IdentityId$/)
  for (const expiration of [Number.NaN, Infinity, 0, -5, 1e300, '1795259410', null, undefined]) {
    assertInvalid(() => parseCognitoCredentials(cognitoAnswer({ Expiration: expiration })), /a Credentials\.Expiration that is not epoch seconds$/)
  }
})

test('wrongly typed Cognito fields are named, and their values never quoted', () => {
  // A secret in the wrong shape is still a secret.
  assertInvalid(() => parseCognitoCredentials(cognitoAnswer({ SecretKey: [SECRET] })), /with an array as Credentials\.SecretKey, not a string$/)
  assertInvalid(() => parseCognitoCredentials(cognitoAnswer({ SecretKey: { value: SECRET } })), /with an object as Credentials\.SecretKey, not a string$/)
  assertInvalid(() => parseCognitoCredentials(cognitoAnswer({ SessionToken: { token: TOKEN, toString: () => TOKEN } })), /an object as Credentials\.SessionToken/)
  assertInvalid(() => parseCognitoCredentials(cognitoAnswer({ SessionToken: 12345 })), /a number as Credentials\.SessionToken/)
  assertInvalid(() => parseCognitoCredentials(cognitoAnswer({ AccessKeyId: null })), /null as Credentials\.AccessKeyId/)
  assertInvalid(() => parseCognitoCredentials(cognitoAnswer({ SecretKey: undefined })), /with no Credentials\.SecretKey$/)
  assertInvalid(() => parseCognitoCredentials({ ...cognitoAnswer(), IdentityId: [SECRET] }), /an array as IdentityId, not a string$/)
  assertInvalid(() => parseCognitoCredentials({ IdentityId: 'us-east-1:abc' }), /with no Credentials$/)
  assertInvalid(() => parseCognitoCredentials({ IdentityId: 'us-east-1:abc', Credentials: [SECRET, TOKEN] }), /an array as Credentials, not an object$/)
  assertInvalid(() => parseCognitoCredentials({ IdentityId: 'us-east-1:abc', Credentials: SECRET }), /a string as Credentials, not an object$/)
  for (const answer of [null, undefined, SECRET, [cognitoAnswer()], 42]) {
    assertInvalid(() => parseCognitoCredentials(answer), /not a JSON object$/)
  }
})

test('ISO-8601 expirations as STS writes them', () => {
  assert.equal(parseIso8601Utc('1970-01-01T00:00:00Z'), 0)
  assert.equal(parseIso8601Utc('2015-08-30T12:36:00Z'), 1_440_938_160_000)
  assert.equal(parseIso8601Utc('2026-11-21T10:10:10.5Z'), 1_795_255_810_500)
  assert.equal(parseIso8601Utc('2024-02-29T23:59:59.123456Z'), 1_709_251_199_123)
  assert.equal(parseIso8601Utc('0050-01-01T00:00:00Z'), Date.parse('0050-01-01T00:00:00Z'), 'years below 100 are not read as 19xx')
})

test('other timestamp forms are refused', () => {
  for (const bad of ['', '2026-11-21', '2026-11-21T10:10:10', '2026-11-21T10:10:10+01:00', '2026-13-01T00:00:00Z', '2026-00-01T00:00:00Z',
    '2026-11-00T00:00:00Z', '2026-11-32T00:00:00Z', '2026-11-21T24:00:00Z', '2026-11-21T10:60:00Z', '2026-11-21T10:10:61Z',
    '20261121T101010Z', '2026-11-21T10:10:10.Z', '2026-1x-21T10:10:10Z', '2026-11-21t10:10:10z', ' 2026-11-21T10:10:10Z',
    '+02026-11-21T10:10:10Z', '2026-11-21T10:10:10Z\n', 'Sat, 21 Nov 2026 10:10:10 GMT']) {
    assert.equal(parseIso8601Utc(bad), undefined, JSON.stringify(bad))
  }
})
