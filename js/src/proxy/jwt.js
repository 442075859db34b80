// The viewer's Cognito user-pool token, checked with aws-jwt-verify (AWS's
// library for exactly this): signature against the pool's JWKS (cached, and
// fetched again when an unknown kid shows up after a key rotation, at most
// once per 10 s), iss, exp/nbf, token_use, and aud (ID tokens) or client_id
// (access tokens).
import { CognitoJwtVerifier, validateCognitoJwtFields } from 'aws-jwt-verify/cognito-verifier'
import { JwtVerifier } from 'aws-jwt-verify/jwt-verifier'
import { SimpleJwksCache, assertIsJwks, assertIsSignatureJwk } from 'aws-jwt-verify/jwk'
import { decomposeUnverifiedJwt } from 'aws-jwt-verify/jwt'
import { safeJsonParse } from 'aws-jwt-verify/safe-json-parse'
import {
  CognitoJwtInvalidClientIdError, CognitoJwtInvalidGroupError, CognitoJwtInvalidTokenUseError, FetchError,
  JwkValidationError, JwksNotAvailableInCacheError, JwksValidationError, JwtBaseError, JwtExpiredError, JwtInvalidAudienceError,
  JwtInvalidIssuerError, JwtInvalidScopeError, JwtNotBeforeError, WaitPeriodNotYetEndedJwkError,
} from 'aws-jwt-verify/error'
import { IamFetchError, withoutUserinfo } from '../errors.js'
import { checkEndpointUrl } from '../credentials/endpoint-url.js'
import { readCapped } from '../read-capped.js'
import { timeoutSignal } from '../options.js'

/** A user pool's JWKS is a few KiB; anything near this is not one. */
const JWKS_MAX_BYTES = 1024 * 1024
/**
 * After a failed JWKS fetch, no other for this long: the answer is 503 at once.
 * The same period as aws-jwt-verify's penalty box for unknown kids, so that
 * forged tokens cannot make the proxy hammer a failing endpoint either.
 */
const JWKS_COOL_DOWN_MS = 10_000

const VERIFY_KEYS = new Set(['userPoolId', 'clientId', 'tokenUse', 'issuer', 'jwksUri', 'jwks', 'groups', 'scope', 'graceSeconds', 'jwksTimeoutMs', 'customJwtCheck'])

/** Why a token was refused: a stable code (its status is ERROR_CODES's) and a message that never quotes the token. */
export class TokenRefusal extends Error {
  constructor(code, message, cause) {
    super(message, { cause })
    this.code = code
  }
}

/**
 * @param {object | Function} verify the proxy's `verify` option
 * @param {typeof fetch} [fetchImpl]
 * @returns {(token: string, request: Request) => Promise<object>} resolves to the claims, or throws TokenRefusal
 */
export function tokenVerifier(verify, fetchImpl) {
  if (typeof verify === 'function') {
    return async (token, request) => {
      let claims
      try {
        claims = await verify(token, request)
      } catch (error) {
        if (error instanceof TokenRefusal) throw error
        throw new TokenRefusal('ERR_TOKEN_INVALID', 'the token was refused', error)
      }
      if (claims == null || claims === false) throw new TokenRefusal('ERR_TOKEN_INVALID', 'the token was refused')
      return claims === true ? {} : claims
    }
  }
  if (typeof verify !== 'object' || verify === null) {
    throw new IamFetchError('ERR_INVALID_OPTIONS', 'verify must be a Cognito user pool config ({ userPoolId, clientId }), a function (token, request) => claims, or false')
  }
  const unknown = Object.keys(verify).filter((key) => !VERIFY_KEYS.has(key))
  if (unknown.length) throw new IamFetchError('ERR_INVALID_OPTIONS', `unknown verify option(s): ${unknown.join(', ')}`)
  const { userPoolId, clientId, tokenUse = 'id', issuer, jwksUri, jwks, groups, scope, graceSeconds, jwksTimeoutMs = 5000, customJwtCheck } = verify
  if (clientId === undefined) {
    throw new IamFetchError('ERR_INVALID_OPTIONS', 'verify.clientId is required: the app client id(s) whose tokens are accepted (null accepts any client, on purpose only)')
  }
  if (tokenUse !== 'id' && tokenUse !== 'access' && tokenUse !== null) {
    throw new IamFetchError('ERR_INVALID_OPTIONS', "verify.tokenUse must be 'id' (the default), 'access' or null")
  }
  if (!issuer && !userPoolId) throw new IamFetchError('ERR_INVALID_OPTIONS', 'verify needs userPoolId (or, for a user pool served elsewhere, issuer and jwksUri)')
  for (const [name, value] of [['issuer', issuer], ['jwksUri', jwksUri]]) {
    if (value === undefined) continue
    if (!isHttpUrl(value)) throw new IamFetchError('ERR_INVALID_OPTIONS', `verify.${name} must be an http(s) URL`)
    // Neither is a secret, and both end up in error messages: a password in one is refused, never echoed.
    checkEndpointUrl(value, `verify.${name}`)
  }
  if (jwksTimeoutMs !== undefined && (!Number.isFinite(jwksTimeoutMs) || jwksTimeoutMs <= 0)) {
    throw new IamFetchError('ERR_INVALID_OPTIONS', 'verify.jwksTimeoutMs must be a positive number of milliseconds')
  }

  // The JWKS comes over the runtime's fetch (workerd has no node:https, the
  // local user pool is plain http), from jwksUri when given. The cache key
  // stays the URI the verifier derives from the issuer. The cache handles
  // unknown kids (its penalty box); the loader handles failures: one fetch at
  // a time, a cool-down after a failure, a capped body with one deadline.
  const loader = jwksLoader((uri) => (jwksUri ? String(jwksUri) : uri), fetchImpl, jwksTimeoutMs)
  const jwksCache = new SimpleJwksCache({ fetcher: { fetch: loader }, jwksParser: (jwks) => jwks })
  const checks = { clientId, tokenUse, groups: groups ?? null }
  let verifier
  try {
    verifier = issuer
      ? JwtVerifier.create({
        issuer: String(issuer),
        jwksUri: jwksUri ? String(jwksUri) : `${String(issuer).replace(/\/$/, '')}/.well-known/jwks.json`,
        audience: null,
        scope,
        graceSeconds,
        customJwtCheck: async (props) => {
          validateCognitoJwtFields(props.payload, checks)
          await customJwtCheck?.(props)
        },
      }, { jwksCache })
      : CognitoJwtVerifier.create({ userPoolId, ...checks, scope, graceSeconds, customJwtCheck }, { jwksCache })
  } catch (error) {
    throw new IamFetchError('ERR_INVALID_OPTIONS', `verify: ${error?.message ?? error}`, { cause: error })
  }
  // A JWKS given up front (e.g. bundled with the worker) saves the first fetch;
  // a kid it lacks is still fetched.
  if (jwks) {
    for (const config of verifier.issuersConfig.values()) jwksCache.addJwks(config.jwksUri, jwks)
  }

  const issuers = new Set(verifier.issuersConfig.keys())

  return async (token) => {
    // A token from another issuer is refused for that, before its key is
    // looked up: it is not "invalid", and its unknown kid must not cost a JWKS fetch.
    let iss
    try {
      iss = decomposeUnverifiedJwt(token).payload.iss
    } catch { /* malformed: verify() says so */ }
    if (typeof iss === 'string' && !issuers.has(iss)) {
      throw new TokenRefusal('ERR_TOKEN_WRONG_ISSUER', 'the token comes from another issuer')
    }
    try {
      return await verifier.verify(token)
    } catch (error) {
      throw refusalFor(error)
    }
  }
}

/** The JWKS could not be had: the proxy's problem (503), never the viewer's. Its message names no URL credentials. */
class JwksUnavailable extends Error {
  constructor(message) {
    super(message)
    this.name = 'JwksUnavailable'
  }
}

/**
 * `(uri) => Promise<Jwks>`: fetches, caps and parses a JWKS, checking that
 * each signing key imports. Concurrent calls share one fetch; after a failure,
 * calls within JWKS_COOL_DOWN_MS fail at once with the same error.
 */
function jwksLoader(targetOf, fetchImpl, timeoutMs) {
  let inFlight
  let failure
  let failedAt = -Infinity
  const load = async (uri) => {
    const target = targetOf(uri)
    const where = withoutUserinfo(target)
    let response
    try {
      response = await (fetchImpl ?? globalThis.fetch)(target, { headers: { accept: 'application/json' }, signal: timeoutSignal(timeoutMs) })
    } catch (error) {
      throw new JwksUnavailable(`the JWKS at ${where} could not be fetched: ${error?.name === 'TimeoutError' || error?.name === 'AbortError' ? `no answer within ${timeoutMs} ms` : 'network error'}`)
    }
    if (response.status !== 200) {
      await response.body?.cancel().catch(() => {})
      throw new JwksUnavailable(`the JWKS at ${where} answered ${response.status}, expected 200`)
    }
    let jwks
    try {
      const bytes = await readCapped(response, { maxBytes: JWKS_MAX_BYTES, deadlineMs: timeoutMs, what: `the JWKS at ${where}` })
      jwks = safeJsonParse(new TextDecoder().decode(bytes))
      assertIsJwks(jwks)
    } catch (error) {
      const why = error instanceof IamFetchError || error?.name === 'TimeoutError' ? error.message
        : error?.name === 'AbortError' ? `the JWKS at ${where}: the answer's body did not arrive within ${timeoutMs} ms`
          : `the JWKS at ${where} is not a JWKS`
      throw new JwksUnavailable(why)
    }
    for (const jwk of jwks.keys) {
      if (jwk.use !== undefined && jwk.use !== 'sig') continue
      if (!(await importable(jwk))) throw new JwksUnavailable(`the JWKS at ${where} holds a malformed signing key (kid ${JSON.stringify(String(jwk.kid)).slice(0, 80)})`)
    }
    return jwks
  }
  return (uri) => {
    if (inFlight) return inFlight
    if (failure && Date.now() - failedAt < JWKS_COOL_DOWN_MS) return Promise.reject(failure)
    inFlight = load(uri).then(
      (jwks) => {
        failure = undefined
        return jwks
      },
      (error) => {
        failure = error instanceof JwksUnavailable ? error : new JwksUnavailable('the JWKS could not be loaded')
        failedAt = Date.now()
        throw failure
      },
    ).finally(() => {
      inFlight = undefined
    })
    return inFlight
  }
}

/** Whether WebCrypto takes the key as a signature key of its type (a malformed modulus or point does not). */
async function importable(jwk) {
  try {
    assertIsSignatureJwk(jwk)
    const subtle = globalThis.crypto?.subtle
    if (!subtle) return true
    if (jwk.kty === 'RSA') {
      // WebCrypto takes any modulus, even a few bytes of zeros; a signing key under 2048 bits is not a real one.
      if (!/^[A-Za-z0-9_-]+$/.test(jwk.n) || Math.floor(jwk.n.replace(/^A+/, '').length * 6 / 8) < 255) return false
      await subtle.importKey('jwk', { kty: 'RSA', n: jwk.n, e: jwk.e }, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['verify'])
    } else if (jwk.kty === 'EC') {
      await subtle.importKey('jwk', { kty: 'EC', crv: jwk.crv, x: jwk.x, y: jwk.y }, { name: 'ECDSA', namedCurve: jwk.crv }, false, ['verify'])
    }
    return true
  } catch {
    return false
  }
}

/** Maps aws-jwt-verify's errors to answers. Its messages can quote claims, so they are never shown. */
function refusalFor(error) {
  const refusal = (code, message) => new TokenRefusal(code, message, error)
  if (error instanceof JwtExpiredError) return refusal('ERR_TOKEN_EXPIRED', 'the token has expired')
  if (error instanceof JwtNotBeforeError) return refusal('ERR_TOKEN_NOT_YET_VALID', 'the token is not valid yet')
  if (error instanceof CognitoJwtInvalidClientIdError || error instanceof JwtInvalidAudienceError) {
    return refusal('ERR_TOKEN_WRONG_CLIENT', 'the token was issued to another app client')
  }
  if (error instanceof CognitoJwtInvalidTokenUseError) return refusal('ERR_TOKEN_WRONG_USE', 'the token has the wrong token_use (an access token where an ID token is expected, or the reverse)')
  if (error instanceof JwtInvalidIssuerError) return refusal('ERR_TOKEN_WRONG_ISSUER', 'the token comes from another issuer')
  if (error instanceof CognitoJwtInvalidGroupError || error instanceof JwtInvalidScopeError) {
    return refusal('ERR_TOKEN_FORBIDDEN', 'the token lacks a required group or scope')
  }
  // The JWKS could not be had, or holds a key that is not one: the proxy's problem, not the viewer's.
  if (error instanceof JwksUnavailable || error instanceof FetchError || error instanceof JwksValidationError
    || error instanceof JwkValidationError || error instanceof JwksNotAvailableInCacheError) {
    return refusal('ERR_JWKS_UNAVAILABLE', "the user pool's signing keys (JWKS) could not be fetched")
  }
  // An unknown kid right after a refetch: a forged key id, or a rotation still propagating.
  if (error instanceof WaitPeriodNotYetEndedJwkError) return refusal('ERR_TOKEN_INVALID', 'the token is signed with an unknown key')
  if (error instanceof JwtBaseError) return refusal('ERR_TOKEN_INVALID', 'the token is malformed or its signature is invalid')
  return refusal('ERR_TOKEN_INVALID', 'the token was refused')
}

/** The token of `Authorization: Bearer <token>`, or undefined. */
export function bearerToken(authorization) {
  const match = /^\s*bearer\s+([A-Za-z0-9\-._~+/]+=*)\s*$/i.exec(authorization ?? '')
  return match?.[1]
}

function isHttpUrl(value) {
  try {
    const url = new URL(String(value))
    return url.protocol === 'https:' || url.protocol === 'http:'
  } catch {
    return false
  }
}
