// AWS error answers → stable codes, straight from the pure module (no wasm).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { classifyAwsError, parseErrorBody, shortErrorType } from '../../js/src/credentials/aws-error.js'
import { xmlElement, xmlText } from '../../js/src/credentials/xml.js'

test('Cognito JSON errors, with the type in the header or the body', () => {
  const body = '{"__type":"NotAuthorizedException","message":"Invalid login token. Token expired: 1700000000 >= 1699999999"}'
  const error = classifyAwsError('cognito-identity', 400, 'NotAuthorizedException:', body)
  assert.equal(error.code, 'ERR_COGNITO_NOT_AUTHORIZED')
  assert.equal(error.errorType, 'NotAuthorizedException')
  assert.match(error.message, /^Invalid login token\. Token expired/)
  assert.equal(error.retryable, false)

  const notFound = classifyAwsError('cognito-identity', 404, undefined, '{"__type":"com.amazonaws.cognito.identity.model#ResourceNotFoundException","message":"Identity \'x\' not found."}')
  assert.deepEqual([notFound.code, notFound.errorType], ['ERR_COGNITO_NOT_FOUND', 'ResourceNotFoundException'])

  const throttled = classifyAwsError('cognito-identity', 400, 'TooManyRequestsException', '{"Message":"Rate exceeded"}')
  assert.deepEqual(throttled, { code: 'ERR_COGNITO_THROTTLED', errorType: 'TooManyRequestsException', message: 'Rate exceeded', retryable: true })
})

test('every Cognito type has its code; unknown types fall back by status', () => {
  const cases = {
    InvalidParameterException: 'ERR_COGNITO_INVALID_PARAMETER',
    InvalidIdentityPoolConfigurationException: 'ERR_COGNITO_POOL_CONFIGURATION',
    ResourceConflictException: 'ERR_COGNITO_CONFLICT',
    LimitExceededException: 'ERR_COGNITO_LIMIT_EXCEEDED',
    ExternalServiceException: 'ERR_COGNITO_EXTERNAL_SERVICE',
    InternalErrorException: 'ERR_COGNITO_SERVICE',
    SomethingNew: 'ERR_COGNITO_ERROR',
  }
  for (const [type, code] of Object.entries(cases)) {
    assert.equal(classifyAwsError('cognito-identity', 400, type, '{}').code, code, type)
  }
  assert.equal(classifyAwsError('cognito-identity', 503, 'SomethingNew', '{}').code, 'ERR_COGNITO_SERVICE')
  // An inherited property name is not an error type with a code.
  assert.equal(classifyAwsError('cognito-identity', 400, 'constructor', '{}').code, 'ERR_COGNITO_ERROR')
})

test('STS XML errors, entities decoded', () => {
  const body = '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User: arn:aws:iam::1:user/u is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::1:role/r &amp; more</Message></Error><RequestId>r</RequestId></ErrorResponse>'
  const error = classifyAwsError('sts', 403, undefined, body)
  assert.equal(error.code, 'ERR_STS_ACCESS_DENIED')
  assert.equal(error.errorType, 'AccessDenied')
  assert.ok(error.message.endsWith('arn:aws:iam::1:role/r & more'), error.message)
  assert.equal(error.retryable, false)
  const throttled = classifyAwsError('sts', 400, undefined, '<ErrorResponse><Error><Code>Throttling</Code><Message>Rate exceeded</Message></Error></ErrorResponse>')
  assert.deepEqual([throttled.code, throttled.retryable], ['ERR_STS_THROTTLED', true])
  const cases = {
    ExpiredToken: 'ERR_STS_EXPIRED_TOKEN',
    InvalidIdentityToken: 'ERR_STS_INVALID_IDENTITY_TOKEN',
    IDPRejectedClaim: 'ERR_STS_IDP_REJECTED_CLAIM',
    IDPCommunicationError: 'ERR_STS_IDP_COMMUNICATION',
    RegionDisabledException: 'ERR_STS_REGION_DISABLED',
    MalformedPolicyDocument: 'ERR_STS_MALFORMED_POLICY',
    PackedPolicyTooLarge: 'ERR_STS_POLICY_TOO_LARGE',
    ValidationError: 'ERR_STS_VALIDATION',
    SignatureDoesNotMatch: 'ERR_STS_SIGNATURE',
    RequestLimitExceeded: 'ERR_STS_THROTTLED',
    SomethingNew: 'ERR_STS_ERROR',
  }
  for (const [type, code] of Object.entries(cases)) {
    assert.equal(classifyAwsError('sts', 400, undefined, `<ErrorResponse><Error><Code>${type}</Code></Error></ErrorResponse>`).code, code, type)
  }
  const internal = classifyAwsError('sts', 500, undefined, '<ErrorResponse><Error><Code>InternalFailure</Code></Error></ErrorResponse>')
  assert.deepEqual([internal.code, internal.retryable, internal.message], ['ERR_STS_SERVICE', true, 'HTTP 500'])
})

test('answers that are not AWS errors', () => {
  const html = '<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>'
  assert.deepEqual(classifyAwsError('sts', 502, undefined, html), {
    code: 'ERR_SERVICE_UNAVAILABLE', errorType: '', message: 'HTTP 502 without an AWS error in the answer', retryable: true,
  })
  // A lowercase doctype after whitespace is HTML too, even if it holds a <Code>.
  assert.equal(classifyAwsError('sts', 400, undefined, '\n  <!doctype html><Code>AccessDenied</Code>').code, 'ERR_UNEXPECTED_RESPONSE')
  const text = classifyAwsError('cognito-identity', 400, undefined, 'not json at all')
  assert.deepEqual([text.code, text.retryable], ['ERR_UNEXPECTED_RESPONSE', false])
  assert.equal(classifyAwsError('cognito-identity', 400, undefined, '{"__type": "Bro').code, 'ERR_UNEXPECTED_RESPONSE')
  assert.equal(classifyAwsError('cognito-identity', 400, undefined, '{"__type": "SomethingNew"}').code, 'ERR_COGNITO_ERROR')
  assert.equal(classifyAwsError('cognito-identity', 429, undefined, '').code, 'ERR_SERVICE_UNAVAILABLE')
  assert.equal(classifyAwsError('cognito-identity', 400, '', '').code, 'ERR_UNEXPECTED_RESPONSE', 'an empty header is no type')
  // Garbage XML: unclosed, or no Error at all.
  assert.equal(classifyAwsError('sts', 400, undefined, '<ErrorResponse><Error><Code>AccessDenied').code, 'ERR_UNEXPECTED_RESPONSE')
  assert.equal(classifyAwsError('sts', 400, undefined, '<<<>>>&&&;').code, 'ERR_UNEXPECTED_RESPONSE')
  for (const body of [undefined, null, '   ', '[1,2]', '{"__type": 42, "message": {"nested": true}}']) {
    assert.equal(classifyAwsError('sts', 400, undefined, body).code, 'ERR_UNEXPECTED_RESPONSE', String(body))
  }
})

test('error types are shortened from the header forms AWS uses', () => {
  assert.equal(shortErrorType('aws.protocoltests#NotAuthorizedException:http://internal.amazon.com/coral/com.amazon.coral.validate/'), 'NotAuthorizedException')
  assert.equal(shortErrorType('ResourceNotFoundException,AnotherOne'), 'ResourceNotFoundException')
  assert.equal(shortErrorType(' AccessDeniedException '), 'AccessDeniedException')
  assert.equal(shortErrorType(undefined), '')
  assert.equal(shortErrorType(null), '')
})

test('parseErrorBody: one reading of JSON and XML bodies, the header winning for the type', () => {
  assert.deepEqual(parseErrorBody('{"__type":"a#B","message":"x\\"y\\u0041\\n"}'), { errorType: 'B', message: 'x"yA\n' })
  assert.deepEqual(parseErrorBody('{"Message":"M"}', 'T:http://x'), { errorType: 'T', message: 'M' })
  assert.deepEqual(parseErrorBody('{"__type":"FromBody"}', ''), { errorType: 'FromBody', message: undefined })
  assert.deepEqual(parseErrorBody('<Error><Code>C</Code><Message></Message></Error>'), { errorType: 'C', message: '' })
  assert.deepEqual(parseErrorBody('{"message": "unterminated'), { errorType: '', message: undefined })
  assert.deepEqual(parseErrorBody('plain'), { errorType: '', message: undefined })
})

test('XML: the named element only, entities decoded, unclosed elements absent', () => {
  const xml = '<R xmlns="x"><CodeName>no</CodeName><Code attr="1">A&amp;B &lt;&#65;&#x42;&gt; &bogus; &</Code></R>'
  assert.equal(xmlText(xml, 'Code'), 'A&B <AB> &bogus; &')
  assert.equal(xmlText(xml, 'Missing'), undefined)
  assert.equal(xmlElement('<A><B>1</B></A>', 'A'), '<B>1</B>')
  assert.equal(xmlElement('<A>unclosed', 'A'), undefined)
  assert.equal(xmlElement('<A attr="never closed', 'A'), undefined)
  assert.equal(xmlElement('<A\n  attr="1">x</A>', 'A'), 'x')
  assert.equal(xmlText('<A>&&amp;&;&#xD800;&#1114112;&#X41;&quot;&apos;</A>', 'A'), '&&&;&#xD800;&#1114112;&#X41;"\'', 'what is not an XML entity stays as written')
  assert.equal(xmlText('<A>&#128512;</A>', 'A'), '😀')
  assert.equal(xmlText('<A>&#00000065;&#000000065;</A>', 'A'), 'A&#000000065;', 'an entity is at most 9 characters between & and ;')
})
