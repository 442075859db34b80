// Every error code iamfetch gives, in one table: what it means, which part
// gives it, and for the signing proxy's own answers the HTTP status. The Rust
// core's enum (src/error_code.rs), the unions of the .d.ts files and the
// README's list are generated from it by scripts/error-codes.mjs, and
// tests/js/error-codes.test.mjs fails when they are not current. A code, once
// published, never changes meaning.
//
// - `rust`: the core's enum variant; the core returns this code.
// - `status`: the proxy answers with this code and status (SigningProxyErrorCode).
// - `proxyOnly`: only the proxy gives it (not an IamFetchErrorCode).
// - `prefix`: a family of codes, the key followed by a cause (ERR_AUTH_SIGNATURE_MISMATCH).
// Only the proxy imports this module at run time: the client never needs it.

export const ERROR_CODES = {
  // Input the signing core refuses.
  ERR_INVALID_URL: { rust: 'InvalidUrl', meaning: 'The URL is not an absolute http(s) URL that can be signed as sent.' },
  ERR_INVALID_METHOD: { rust: 'InvalidMethod', meaning: 'The HTTP method is empty or not an RFC 9110 token.' },
  ERR_INVALID_HEADER: { rust: 'InvalidHeader', status: 400, meaning: 'A header name is not a token, or a header value holds CR, LF or NUL.' },
  ERR_MISSING_CREDENTIALS: { rust: 'MissingCredentials', meaning: 'The access key id or the secret access key is missing or empty, or no credentials were given.' },
  ERR_INVALID_CREDENTIALS: { rust: 'InvalidCredentials', meaning: 'A credential holds a character AWS never issues in one, or is not a string.' },
  ERR_MISSING_REGION: { rust: 'MissingRegion', meaning: 'No region was given and none could be read from the host.' },
  ERR_INVALID_REGION: { rust: 'InvalidRegion', meaning: 'The region holds characters other than letters, digits, - and _.' },
  ERR_MISSING_SERVICE: { rust: 'MissingService', meaning: 'No service was given and none could be read from the host.' },
  ERR_INVALID_SERVICE: { rust: 'InvalidService', meaning: 'The service holds characters other than letters, digits, - and _.' },
  ERR_INVALID_REGION_SET: { rust: 'InvalidRegionSet', meaning: "SigV4a's region set is empty, holds an invalid entry, or cannot be told." },
  ERR_EXPIRES_RANGE: { rust: 'ExpiresRange', meaning: 'expiresIn of a presigned URL is not a whole number of seconds in 1..604800.' },
  ERR_INVALID_DATETIME: { rust: 'InvalidDatetime', meaning: 'The signing time is not a valid instant between 1970 and 9999.' },
  ERR_INVALID_PAYLOAD_HASH: { rust: 'InvalidPayloadHash', status: 400, meaning: 'A declared payload hash is not 64 lower-case hex digits or UNSIGNED-PAYLOAD.' },
  ERR_UNSIGNED_PAYLOAD: { rust: 'UnsignedPayload', meaning: 'UNSIGNED-PAYLOAD was asked for a service other than S3.' },
  ERR_INVALID_OPTIONS: { rust: 'InvalidOptions', meaning: 'An option is unknown, misspelled or of the wrong type.' },
  ERR_SIGNING_FAILED: { rust: 'SigningFailed', meaning: 'aws-sigv4 refused the request for another reason.' },
  ERR_UNSUPPORTED_BY_BUILD: { rust: 'UnsupportedByBuild', meaning: 'The wasm build called lacks SigV4a or diagnostics; iamfetch sends such calls to the build that has them.' },

  // The package around the core.
  ERR_INVALID_REQUEST: { meaning: 'fetch refuses to build the request: a GET or HEAD with a body, a forbidden method, or a RequestInit member it rejects.' },
  ERR_UNSUPPORTED_BODY: { meaning: 'The body is of a type that cannot be hashed or sent.' },
  ERR_BODY_TOO_LARGE: { status: 413, meaning: 'The body is larger than the buffer allowed for it.' },
  ERR_BODY_NOT_REPLAYABLE: { meaning: 'A streamed body cannot be sent again for a retry or a redirect.' },
  ERR_REQUEST_TIMEOUT: { meaning: 'The fetch() call had no answer headers within timeoutMs.' },
  ERR_UNSUPPORTED_RUNTIME: { meaning: 'This runtime lacks what the API needs (a file system, a subpath meant for servers).' },
  ERR_NOT_INITIALIZED: { meaning: 'A synchronous API was called before init() finished.' },
  ERR_WASM_LOAD: { meaning: "The wasm core could not be fetched, read or compiled: the message names the source and what came back." },
  ERR_INTERNAL: { meaning: 'The wasm core trapped; the next call gets a fresh instance.' },
  ERR_INVALID_EVENT: { meaning: 'A Lambda@Edge event is not a CloudFront origin request that can be signed.' },
  ERR_AUTH_: { prefix: true, meaning: 'throwOnAuthError: AWS answered 401 or 403; the suffix is the diagnosed cause, and `.explanation` has the details.' },

  // Getting credentials.
  ERR_CREDENTIALS_EXPIRED: { meaning: 'The credentials expired and could not be refreshed.' },
  ERR_CREDENTIALS_TIMEOUT: { meaning: 'The credential provider did not answer within credentialsTimeoutMs.' },
  ERR_NO_CREDENTIAL_SOURCE: { meaning: 'No source in the credential chain had credentials; the message says why, for each.' },
  ERR_INVALID_CREDENTIALS_RESPONSE: { meaning: 'A credential source answered, but not with usable credentials.' },
  ERR_UNEXPECTED_RESPONSE: { meaning: 'An AWS endpoint answered with something that is not an AWS answer.' },
  ERR_SERVICE_UNAVAILABLE: { meaning: 'An AWS endpoint kept failing in a way a retry may fix (5xx, throttling).' },
  ERR_NETWORK: { meaning: 'An AWS endpoint could not be reached.' },
  ERR_COGNITO_NOT_AUTHORIZED: { meaning: 'Cognito: NotAuthorizedException (guest access off, or a login token refused).' },
  ERR_COGNITO_NOT_FOUND: { meaning: 'Cognito: ResourceNotFoundException (no such identity pool or identity).' },
  ERR_COGNITO_THROTTLED: { meaning: 'Cognito: TooManyRequestsException.' },
  ERR_COGNITO_INVALID_PARAMETER: { meaning: 'Cognito: InvalidParameterException.' },
  ERR_COGNITO_POOL_CONFIGURATION: { meaning: 'Cognito: InvalidIdentityPoolConfigurationException (the pool has no usable role).' },
  ERR_COGNITO_CONFLICT: { meaning: 'Cognito: ResourceConflictException.' },
  ERR_COGNITO_LIMIT_EXCEEDED: { meaning: 'Cognito: LimitExceededException.' },
  ERR_COGNITO_EXTERNAL_SERVICE: { meaning: 'Cognito: ExternalServiceException (the identity provider failed).' },
  ERR_COGNITO_SERVICE: { meaning: 'Cognito answered with a server error.' },
  ERR_COGNITO_ERROR: { meaning: 'Cognito answered with an error type iamfetch does not map.' },
  ERR_STS_ACCESS_DENIED: { meaning: 'STS: AccessDenied.' },
  ERR_STS_EXPIRED_TOKEN: { meaning: 'STS: ExpiredToken.' },
  ERR_STS_INVALID_IDENTITY_TOKEN: { meaning: 'STS: InvalidIdentityToken.' },
  ERR_STS_IDP_REJECTED_CLAIM: { meaning: 'STS: IDPRejectedClaim.' },
  ERR_STS_IDP_COMMUNICATION: { meaning: 'STS: IDPCommunicationError.' },
  ERR_STS_REGION_DISABLED: { meaning: 'STS: RegionDisabledException.' },
  ERR_STS_MALFORMED_POLICY: { meaning: 'STS: MalformedPolicyDocument.' },
  ERR_STS_POLICY_TOO_LARGE: { meaning: 'STS: PackedPolicyTooLarge.' },
  ERR_STS_VALIDATION: { meaning: 'STS: ValidationError.' },
  ERR_STS_SIGNATURE: { meaning: "STS refused the call's signature or access key (InvalidClientTokenId, SignatureDoesNotMatch, IncompleteSignature)." },
  ERR_STS_THROTTLED: { meaning: 'STS: Throttling.' },
  ERR_STS_SERVICE: { meaning: 'STS answered with a server error.' },
  ERR_STS_ERROR: { meaning: 'STS answered with an error type iamfetch does not map.' },

  // The signing proxy's own answers.
  ERR_TOKEN_MISSING: { proxyOnly: true, status: 401, meaning: 'No bearer token.' },
  ERR_TOKEN_INVALID: { proxyOnly: true, status: 401, meaning: 'The token is malformed, its signature is bad, or its key is unknown.' },
  ERR_TOKEN_EXPIRED: { proxyOnly: true, status: 401, meaning: 'The token has expired.' },
  ERR_TOKEN_NOT_YET_VALID: { proxyOnly: true, status: 401, meaning: 'The token is not valid yet.' },
  ERR_TOKEN_WRONG_CLIENT: { proxyOnly: true, status: 401, meaning: 'The token was issued to another app client.' },
  ERR_TOKEN_WRONG_USE: { proxyOnly: true, status: 401, meaning: 'An access token where an ID token is expected, or the reverse.' },
  ERR_TOKEN_WRONG_ISSUER: { proxyOnly: true, status: 401, meaning: 'The token comes from another user pool.' },
  ERR_TOKEN_FORBIDDEN: { proxyOnly: true, status: 403, meaning: 'The token lacks a required group or scope.' },
  ERR_INVALID_PATH: { proxyOnly: true, status: 400, meaning: 'The path would leave the upstream base path.' },
  ERR_METHOD_NOT_ALLOWED: { proxyOnly: true, status: 405, meaning: 'The method is not in allowedMethods.' },
  ERR_BODY_TIMEOUT: { proxyOnly: true, status: 408, meaning: 'The body did not all arrive within bodyTimeoutMs.' },
  ERR_CLIENT_CLOSED: { proxyOnly: true, status: 499, meaning: 'The viewer went away: it hung up, or its body broke off.' },
  ERR_PROXY_FAILED: { proxyOnly: true, status: 500, meaning: 'The proxy failed in a way no other code names.' },
  ERR_UPSTREAM_UNREACHABLE: { proxyOnly: true, status: 502, meaning: 'The upstream could not be reached, or its answer broke off.' },
  ERR_CREDENTIALS_UNAVAILABLE: { proxyOnly: true, status: 503, meaning: "The proxy's own credentials could not be had." },
  ERR_JWKS_UNAVAILABLE: { proxyOnly: true, status: 503, meaning: "The user pool's JWKS could not be fetched or read." },
  ERR_UPSTREAM_TIMEOUT: { proxyOnly: true, status: 504, meaning: 'The upstream sent no answer headers within timeoutMs.' },
}
