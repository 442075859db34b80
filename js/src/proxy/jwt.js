// The viewer's Cognito user-pool token, checked with aws-jwt-verify (AWS's
// library for exactly this): signature against the pool's JWKS (cached, and
// fetched again when an unknown kid shows up after a key rotation, at most
// once per 10 s), iss, exp/nbf, token_use, and aud (ID tokens) or client_id
// (access tokens).
import { CognitoJwtVerifier, validateCognitoJwtFields } from 'aws-jwt-verify/cognito-verifier'
import { JwtVerifier } from 'aws-jwt-verify/jwt-verifier'
import { SimpleJwksCache } from 'aws-jwt-verify/jwk'
import {
  CognitoJwtInvalidClientIdError, CognitoJwtInvalidGroupError, CognitoJwtInvalidTokenUseError, FetchError,
  JwksNotAvailableInCacheError, JwksValidationError, JwtBaseError, JwtExpiredError, JwtInvalidAudienceError,
  JwtInvalidIssuerError, JwtInvalidScopeError, JwtNotBeforeError, NonRetryableFetchError, WaitPeriodNotYetEndedJwkError,
} from 'aws-jwt-verify/error'
import { IamFetchError } from '../errors.js'

const VERIFY_KEYS = new Set(['userPoolId', 'clientId', 'tokenUse', 'issuer', 'jwksUri', 'jwks', 'groups', 'scope', 'graceSeconds', 'jwksTimeoutMs', 'customJwtCheck'])

/** Why a token was refused: an HTTP status, a stable code and a message that never quotes the token. */
export class TokenRefusal extends Error {
  constructor(status, code, message, cause) {
    super(message, { cause })
    this.status = status
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
        throw new TokenRefusal(401, 'ERR_TOKEN_INVALID', 'the token was refused', error)
      }
      if (claims == null || claims === false) throw new TokenRefusal(401, 'ERR_TOKEN_INVALID', 'the token was refused')
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
    if (value !== undefined && !isHttpUrl(value)) throw new IamFetchError('ERR_INVALID_OPTIONS', `verify.${name} must be an http(s) URL`)
  }

  // The JWKS comes over the runtime's fetch (workerd has no node:https, the
  // local user pool is plain http), from jwksUri when given. The cache key
  // stays the URI the verifier derives from the issuer.
  const fetcher = {
    async fetch(uri) {
      const target = jwksUri ? String(jwksUri) : uri
      let response
      try {
        response = await (fetchImpl ?? globalThis.fetch)(target, { headers: { accept: 'application/json' }, signal: timeoutSignal(jwksTimeoutMs) })
      } catch (error) {
        throw new FetchError(target, error?.message ?? String(error))
      }
      if (response.status !== 200) {
        await response.body?.cancel()
        throw new NonRetryableFetchError(target, `status ${response.status}, expected 200`)
      }
      return response.arrayBuffer()
    },
  }
  const jwksCache = new SimpleJwksCache({ fetcher })
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

  return async (token) => {
    try {
      return await verifier.verify(token)
    } catch (error) {
      throw refusalFor(error)
    }
  }
}

/** Maps aws-jwt-verify's errors to answers. Its messages can quote claims, so they are never shown. */
function refusalFor(error) {
  const refuse = (code, message) => new TokenRefusal(401, code, message, error)
  if (error instanceof JwtExpiredError) return refuse('ERR_TOKEN_EXPIRED', 'the token has expired')
  if (error instanceof JwtNotBeforeError) return refuse('ERR_TOKEN_NOT_YET_VALID', 'the token is not valid yet')
  if (error instanceof CognitoJwtInvalidClientIdError || error instanceof JwtInvalidAudienceError) {
    return refuse('ERR_TOKEN_WRONG_CLIENT', 'the token was issued to another app client')
  }
  if (error instanceof CognitoJwtInvalidTokenUseError) return refuse('ERR_TOKEN_WRONG_USE', 'the token has the wrong token_use (an access token where an ID token is expected, or the reverse)')
  if (error instanceof JwtInvalidIssuerError) return refuse('ERR_TOKEN_WRONG_ISSUER', 'the token comes from another issuer')
  if (error instanceof CognitoJwtInvalidGroupError || error instanceof JwtInvalidScopeError) {
    return new TokenRefusal(403, 'ERR_TOKEN_FORBIDDEN', 'the token lacks a required group or scope', error)
  }
  // The JWKS could not be had: the proxy's problem, not the viewer's.
  if (error instanceof FetchError || error instanceof JwksValidationError || error instanceof JwksNotAvailableInCacheError) {
    return new TokenRefusal(503, 'ERR_JWKS_UNAVAILABLE', "the user pool's signing keys (JWKS) could not be fetched", error)
  }
  // An unknown kid right after a refetch: a forged key id, or a rotation still propagating.
  if (error instanceof WaitPeriodNotYetEndedJwkError) return refuse('ERR_TOKEN_INVALID', 'the token is signed with an unknown key')
  if (error instanceof JwtBaseError) return refuse('ERR_TOKEN_INVALID', 'the token is malformed or its signature is invalid')
  return refuse('ERR_TOKEN_INVALID', 'the token was refused')
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

function timeoutSignal(ms) {
  if (!ms) return undefined
  if (typeof AbortSignal.timeout === 'function') return AbortSignal.timeout(ms)
  const controller = new AbortController()
  setTimeout(() => controller.abort(), ms)
  return controller.signal
}
