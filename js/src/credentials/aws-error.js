// Reads AWS error answers (JSON 1.1 and Query-protocol XML) into a type, a
// message, a stable iamfetch code and whether a retry may help. The failure
// diagnosis reads answers through parseErrorBody too, so both agree on them.
import { xmlElement, xmlText } from './xml.js'

const THROTTLING = new Set(['TooManyRequestsException', 'Throttling', 'ThrottlingException', 'RequestLimitExceeded', 'SlowDown'])

export const COGNITO_CODES = {
  NotAuthorizedException: 'ERR_COGNITO_NOT_AUTHORIZED',
  ResourceNotFoundException: 'ERR_COGNITO_NOT_FOUND',
  TooManyRequestsException: 'ERR_COGNITO_THROTTLED',
  InvalidParameterException: 'ERR_COGNITO_INVALID_PARAMETER',
  InvalidIdentityPoolConfigurationException: 'ERR_COGNITO_POOL_CONFIGURATION',
  ResourceConflictException: 'ERR_COGNITO_CONFLICT',
  LimitExceededException: 'ERR_COGNITO_LIMIT_EXCEEDED',
  ExternalServiceException: 'ERR_COGNITO_EXTERNAL_SERVICE',
}

export const STS_CODES = {
  AccessDenied: 'ERR_STS_ACCESS_DENIED',
  AccessDeniedException: 'ERR_STS_ACCESS_DENIED',
  ExpiredTokenException: 'ERR_STS_EXPIRED_TOKEN',
  ExpiredToken: 'ERR_STS_EXPIRED_TOKEN',
  InvalidIdentityToken: 'ERR_STS_INVALID_IDENTITY_TOKEN',
  IDPRejectedClaim: 'ERR_STS_IDP_REJECTED_CLAIM',
  IDPCommunicationError: 'ERR_STS_IDP_COMMUNICATION',
  RegionDisabledException: 'ERR_STS_REGION_DISABLED',
  MalformedPolicyDocument: 'ERR_STS_MALFORMED_POLICY',
  PackedPolicyTooLarge: 'ERR_STS_POLICY_TOO_LARGE',
  ValidationError: 'ERR_STS_VALIDATION',
  InvalidClientTokenId: 'ERR_STS_SIGNATURE',
  SignatureDoesNotMatch: 'ERR_STS_SIGNATURE',
  IncompleteSignature: 'ERR_STS_SIGNATURE',
}

/**
 * Classifies a non-2xx answer of Cognito Identity or STS. Never throws: an
 * HTML error page becomes ERR_UNEXPECTED_RESPONSE (or ERR_SERVICE_UNAVAILABLE
 * when a retry may help).
 * @param {'cognito-identity' | 'sts'} service whose error vocabulary applies
 * @param {number} status
 * @param {string | null | undefined} errorTypeHeader the `x-amzn-ErrorType` header
 * @param {string} body
 * @returns {{ code: string, errorType: string, message: string, retryable: boolean }}
 *   `errorType` is AWS's short type (e.g. NotAuthorizedException), '' when the answer is not AWS's
 */
export function classifyAwsError(service, status, errorTypeHeader, body) {
  const { errorType, message } = parseErrorBody(body, errorTypeHeader)
  const retryable = status === 429 || status >= 500 || THROTTLING.has(errorType)
  if (!errorType) {
    return {
      code: retryable ? 'ERR_SERVICE_UNAVAILABLE' : 'ERR_UNEXPECTED_RESPONSE',
      errorType,
      message: `HTTP ${status} without an AWS error in the answer`,
      retryable,
    }
  }
  return { code: codeFor(service, errorType, status), errorType, message: message ?? `HTTP ${status}`, retryable }
}

/**
 * The error type and message of an AWS error answer: JSON (`__type`,
 * `message` or `Message`) or XML (`<Error><Code>`, `<Message>`). The type comes
 * from the `x-amzn-ErrorType` header when one is given and readable.
 * @param {string} body
 * @param {string | null} [errorTypeHeader]
 * @returns {{ errorType: string, message: string | undefined }} errorType is short, '' when unknown
 */
export function parseErrorBody(body, errorTypeHeader) {
  const { type, message } = readBody(String(body ?? ''))
  return { errorType: shortErrorType(errorTypeHeader) || shortErrorType(type), message }
}

/**
 * `aws.protocoltests#NotAuthorizedException:http://...` → `NotAuthorizedException`:
 * what precedes the first `:` or `,`, after the last `#`.
 * @param {string | null | undefined} raw
 * @returns {string}
 */
export function shortErrorType(raw) {
  return (raw ?? '').split(/[:,]/)[0].trim().split('#').pop()
}

function readBody(body) {
  const trimmed = body.trimStart()
  if (trimmed.startsWith('{')) {
    const json = parseJsonObject(trimmed)
    return { type: stringField(json, '__type'), message: stringField(json, 'message') ?? stringField(json, 'Message') }
  }
  // A proxy's or CloudFront's HTML error page is not an AWS error.
  if (trimmed.startsWith('<') && !/^<!doctype html/i.test(trimmed)) {
    const error = xmlElement(trimmed, 'Error') ?? trimmed
    return { type: xmlText(error, 'Code'), message: xmlText(error, 'Message') }
  }
  return { type: undefined, message: undefined }
}

function parseJsonObject(text) {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/** A string field of an AWS error body; anything else (absent, a number, an object) counts as absent. */
function stringField(json, key) {
  const value = json != null && Object.hasOwn(json, key) ? json[key] : undefined
  return typeof value === 'string' ? value : undefined
}

function codeFor(service, errorType, status) {
  if (service === 'sts') {
    if (Object.hasOwn(STS_CODES, errorType)) return STS_CODES[errorType]
    if (THROTTLING.has(errorType)) return 'ERR_STS_THROTTLED'
    return status >= 500 ? 'ERR_STS_SERVICE' : 'ERR_STS_ERROR'
  }
  if (Object.hasOwn(COGNITO_CODES, errorType)) return COGNITO_CODES[errorType]
  return status >= 500 || errorType === 'InternalErrorException' ? 'ERR_COGNITO_SERVICE' : 'ERR_COGNITO_ERROR'
}
