// The reasoning behind explainFailure, straight from the pure module (no wasm).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { diagnose } from '../../js/src/diagnosis.js'
import { isClockSkew } from '../../js/src/clock-skew.js'

const answer = (status, errorType, body) => ({ status, errorType, body, serverDateMs: 1_000_900_000, localTimeMs: 1_000_000_000 })
const sent = (overrides = {}) => ({
  host: 'abc.lambda-url.eu-west-1.on.aws',
  method: 'POST',
  service: 'lambda',
  region: 'eu-west-1',
  canonicalRequest: 'POST\n/\n\nhost:h\n\nhost\nabc',
  hostEndpoint: { service: 'lambda', region: 'eu-west-1' },
  ...overrides,
})

const MISMATCH = '{"message":"The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."}'

test('clock skew, with the offset from the Date header', () => {
  const d = diagnose(answer(403, 'InvalidSignatureException', '{"message":"Signature expired: 20261121T101010Z is now earlier than 20261121T101511Z (20261121T102011Z - 5 min.)"}'), sent())
  assert.equal(d.cause, 'clock-skew')
  assert.equal(d.clockOffsetMs, 900_000)
  assert.equal(d.evidence[0], 'HTTP 403 InvalidSignatureException: Signature expired: 20261121T101010Z is now earlier than 20261121T101511Z (20261121T102011Z - 5 min.)')
  assert.equal(d.evidence[1], "the server's Date header is +900 s from this machine's clock (offset already applied: +0 s)")

  const behind = diagnose({ ...answer(403, undefined, '{"message":"Signature not yet current: x is still later than y"}'), serverDateMs: 1_000_000_000 - 960_400 }, sent({ appliedOffsetMs: -3000 }))
  assert.equal(behind.clockOffsetMs, -960_400)
  assert.match(behind.evidence[1], /is -960 s from this machine's clock \(offset already applied: -3 s\)/)

  const noDate = diagnose({ ...answer(403, undefined, '{"message":"Signature expired: x"}'), serverDateMs: undefined }, sent())
  assert.equal(noDate.cause, 'clock-skew')
  assert.equal(noDate.clockOffsetMs, undefined)
  assert.match(noDate.evidence[1], /no readable Date header/)
})

test('isClockSkew reads the message of JSON and XML bodies, or the raw text', () => {
  assert.ok(isClockSkew('{"message":"Signature not yet current: x is still later than y"}'))
  assert.ok(isClockSkew('<ErrorResponse><Error><Code>SignatureDoesNotMatch</Code><Message>Signature expired: a is now earlier than b</Message></Error></ErrorResponse>'))
  assert.ok(isClockSkew('Signature expired: plain text'))
  assert.ok(!isClockSkew('{"message":"Forbidden"}'))
  assert.ok(!isClockSkew('{"__type":"Signature expired","message":"Forbidden"}'), 'the message decides, not the rest of the body')
  assert.ok(!isClockSkew(''))
})

test('each cause is named', () => {
  const cases = [
    [403, 'ExpiredTokenException', '{"message":"The security token included in the request is expired"}', 'expired-credentials'],
    [403, undefined, '<Error><Code>ExpiredToken</Code><Message>The security token included in the request is expired</Message></Error>', 'expired-credentials'],
    [403, 'UnrecognizedClientException', '{"message":"The security token included in the request is invalid."}', 'invalid-credentials'],
    [403, 'InvalidClientTokenId', '', 'invalid-credentials'],
    [403, 'InvalidSignatureException', '{"message":"Credential should be scoped to a valid region."}', 'wrong-scope'],
    [403, 'AccessDeniedException', '{"Message":"Forbidden. For troubleshooting Function URL authorization issues, see: https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html"}', 'access-denied'],
    [403, 'ForbiddenException', '{"message":"Forbidden"}', 'access-denied'],
    [403, undefined, '{"Message":"User: arn:aws:iam::1:user/u is not authorized to perform: execute-api:Invoke"}', 'access-denied'],
    [403, 'MissingAuthenticationTokenException', '{"message":"Missing Authentication Token"}', 'missing-authentication'],
    [429, 'TooManyRequestsException', '{"message":"Rate exceeded"}', 'throttled'],
    [400, 'ThrottlingException', '{}', 'throttled'],
    [502, undefined, '<html>bad gateway</html>', 'service-error'],
    [403, undefined, '', 'error-type-hidden'],
    [401, undefined, '  \n', 'error-type-hidden'],
    [403, 'SomethingElse', '', 'unknown'],
    [418, undefined, 'teapot', 'unknown'],
  ]
  for (const [status, errorType, body, cause] of cases) {
    assert.equal(diagnose(answer(status, errorType, body), sent()).cause, cause, `${status} ${errorType} ${body}`)
  }
})

test('evidence: the answer first, then what points to the cause', () => {
  const scope = diagnose(answer(403, 'InvalidSignatureException', '{"message":"Credential should be scoped to a valid region."}'), sent({ region: 'us-east-1' }))
  assert.deepEqual(scope.evidence, ['HTTP 403 InvalidSignatureException: Credential should be scoped to a valid region.', "signed for service 'lambda' in region 'us-east-1'"])
  assert.equal(scope.summary, 'The request was signed for the wrong region or service.')

  const expired = diagnose(answer(403, 'ExpiredTokenException', '{}'), sent({ credentialsExpirationMs: 1_000_000_000 - 42_000, appliedOffsetMs: 1000 }))
  assert.deepEqual(expired.evidence, ['HTTP 403 ExpiredTokenException', 'the credentials expired 43 s before this answer'])

  const bare = diagnose({ status: 418, localTimeMs: 0 }, {})
  assert.deepEqual(bare, { cause: 'unknown', summary: 'No known cause matches this answer.', evidence: ['HTTP 418'], clockOffsetMs: undefined, expectedCanonicalRequest: undefined, expectedStringToSign: undefined })
})

test('mismatches: through OAC without a hash, a scope the host contradicts, or a plain mismatch', () => {
  assert.equal(diagnose(answer(403, 'InvalidSignatureException', MISMATCH), sent({ throughOac: true })).cause, 'missing-body-hash')
  const oacGet = diagnose(answer(403, 'InvalidSignatureException', MISMATCH), sent({ throughOac: true, method: 'GET' }))
  assert.equal(oacGet.cause, 'signature-mismatch', 'a GET has no body to hash')
  const hashed = diagnose(answer(403, 'SignatureDoesNotMatch', MISMATCH), sent({ throughOac: true, sentContentHash: true }))
  assert.equal(hashed.cause, 'signature-mismatch')
  const oac = diagnose(answer(403, undefined, MISMATCH), sent({ throughOac: true, method: 'PUT' }))
  assert.equal(oac.evidence[1], 'PUT through CloudFront OAC without x-amz-content-sha256')

  const wrongRegion = diagnose(answer(403, 'InvalidSignatureException', MISMATCH), sent({ region: 'us-east-1' }))
  assert.equal(wrongRegion.cause, 'wrong-scope')
  assert.equal(wrongRegion.evidence[1], 'host abc.lambda-url.eu-west-1.on.aws is lambda in eu-west-1, but the request was signed for lambda in us-east-1')
  const wrongService = diagnose(answer(403, 'InvalidSignatureException', MISMATCH), sent({ service: 'execute-api' }))
  assert.equal(wrongService.cause, 'wrong-scope')
  const unknownHost = diagnose(answer(403, 'InvalidSignatureException', MISMATCH), sent({ region: 'us-east-1', hostEndpoint: undefined }))
  assert.equal(unknownHost.cause, 'signature-mismatch', 'a host that is not an AWS endpoint says nothing about the scope')

  const plain = diagnose(answer(403, 'InvalidSignatureException', MISMATCH), sent())
  assert.equal(plain.cause, 'signature-mismatch')
  assert.equal(plain.summary, 'AWS computed a different signature.')
  assert.match(plain.evidence[1], /^a wrong secret access key/)
  assert.equal(plain.evidence[2], 'our canonical request:\nPOST\n/\n\nhost:h\n\nhost\nabc')
  assert.equal(plain.expectedCanonicalRequest, undefined)
  const uncaptured = diagnose(answer(403, 'InvalidSignatureException', MISMATCH), sent({ canonicalRequest: '' }))
  assert.equal(uncaptured.evidence.length, 2, 'no canonical request of ours to show')
})

test("API Gateway's canonical strings are diffed line by line against ours", () => {
  const body = JSON.stringify({ message: "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.\n\nThe Canonical String for this request should have been\n'POST\n/\n\nhost:h\n\nhost\nxyz'\n\nThe String-to-Sign should have been\n'AWS4-HMAC-SHA256\n20261121T101010Z\nscope\nhash'\n" })
  const d = diagnose(answer(403, 'IncompleteSignatureException', body), sent())
  assert.equal(d.cause, 'signature-mismatch')
  assert.equal(d.summary, "AWS computed a different canonical request: the lines below differ (AWS's first, ours second).")
  assert.deepEqual(d.evidence.slice(1), ['line 7: AWS `xyz` / ours `abc`'])
  assert.equal(d.expectedCanonicalRequest, 'POST\n/\n\nhost:h\n\nhost\nxyz')
  assert.equal(d.expectedStringToSign, 'AWS4-HMAC-SHA256\n20261121T101010Z\nscope\nhash')

  const longer = diagnose(answer(403, 'IncompleteSignatureException', body), sent({ canonicalRequest: 'POST\n/\n\nhost:h\n\nhost\nxyz\nextra' }))
  assert.deepEqual(longer.evidence.slice(1), ['line 8: AWS `` / ours `extra`'])
  const same = diagnose(answer(403, 'IncompleteSignatureException', body), sent({ canonicalRequest: 'POST\n/\n\nhost:h\n\nhost\nxyz\n' }))
  assert.deepEqual(same.evidence.slice(1), ['the canonical requests are the same: the secret access key must differ'])
  const notOurs = diagnose(answer(403, 'IncompleteSignatureException', body), sent({ canonicalRequest: '' }))
  assert.equal(notOurs.summary, 'AWS computed a different signature.', 'nothing of ours to diff against')
  assert.equal(notOurs.expectedCanonicalRequest, 'POST\n/\n\nhost:h\n\nhost\nxyz', "AWS's version is still given")
})
