// Credentials from a Cognito identity pool, for guests and signed-in users.
// Enhanced flow: GetId, then GetCredentialsForIdentity. Basic flow on request:
// GetId, GetOpenIdToken, then STS AssumeRoleWithWebIdentity.
import { IamFetchError } from '../errors.js'
import { awsCall, parseJson } from './aws-call.js'
import { onDeviceClock, parseCognitoCredentials } from './answers.js'
import { defaultStorage } from './storage.js'
import { assumeRoleWithWebIdentity } from './sts.js'
import { checkEndpointUrl } from './endpoint-url.js'

const POOL_ID = /^([a-z]{2}(?:-[a-z]+)+-\d+):[0-9a-f-]{36}$/
const IDENTITY_ID = /^[a-z]{2}(?:-[a-z]+)+-\d+:[0-9a-f-]{36}$/
const MAX_LOGINS = 10

/**
 * @param {object} options
 * @param {string} options.identityPoolId `<region>:<guid>`
 * @param {string} [options.region] default: the pool id's region
 * @param {Record<string, string | (() => string | Promise<string>)>} [options.logins] provider key → token, or a function returning a fresh token
 * @param {string} [options.customRoleArn]
 * @param {string} [options.accountId]
 * @param {{ get, set, remove }} [options.storage] where the identity id is cached
 * @param {string} [options.endpoint] default https://cognito-identity.<region>.amazonaws.com/
 * @param {typeof fetch} [options.fetch]
 * @param {'enhanced' | 'basic'} [options.flow] default enhanced
 * @param {string} [options.roleArn] the role to assume in the basic flow
 * @param {string} [options.stsEndpoint] STS endpoint for the basic flow
 * @param {number} [options.timeoutMs] how long one Cognito or STS attempt may take (default 10000)
 */
export function fromCognitoIdentityPool({
  identityPoolId, region, logins, customRoleArn, accountId, storage, endpoint, fetch,
  flow = 'enhanced', roleArn, stsEndpoint, roleSessionName, timeoutMs,
}) {
  const poolMatch = POOL_ID.exec(identityPoolId ?? '')
  if (!poolMatch) throw new IamFetchError('ERR_INVALID_OPTIONS', 'identityPoolId must look like <region>:<guid>')
  if (flow !== 'enhanced' && flow !== 'basic') throw new IamFetchError('ERR_INVALID_OPTIONS', "flow must be 'enhanced' or 'basic'")
  if (flow === 'basic' && !roleArn) throw new IamFetchError('ERR_INVALID_OPTIONS', 'the basic flow needs roleArn')
  region ??= poolMatch[1]
  const url = endpoint == null ? `https://cognito-identity.${region}.amazonaws.com/` : checkEndpointUrl(endpoint, 'the Cognito endpoint').href
  if (stsEndpoint != null) checkEndpointUrl(stsEndpoint, 'stsEndpoint')
  const store = storage ?? defaultStorage()

  return async () => {
    const loginTokens = await resolveLogins(logins)
    const call = (operation, input) => cognitoCall({ url, fetch, operation, input, secrets: Object.values(loginTokens), timeoutMs })
    const withLogins = Object.keys(loginTokens).length ? { Logins: loginTokens } : {}
    const key = cacheKey(identityPoolId, Object.keys(loginTokens))
    // A guest who signs in brings the guest identity along, so Cognito links it.
    const cachedId = (await readId(store, key)) ?? (withLogins.Logins ? await readId(store, cacheKey(identityPoolId, [])) : null)

    const newIdentity = async () => (await call('GetId', { IdentityPoolId: identityPoolId, AccountId: accountId, ...withLogins })).answer.IdentityId
    const credentialsFor = async (identityId) => {
      if (flow === 'basic') {
        const { IdentityId, Token } = (await call('GetOpenIdToken', { IdentityId: identityId, ...withLogins })).answer
        const credentials = await assumeRoleWithWebIdentity({ roleArn, token: Token, roleSessionName, region, endpoint: stsEndpoint, fetch, timeoutMs })
        return { identityId: IdentityId ?? identityId, credentials }
      }
      const { answer, serverClockOffsetMs } = await call('GetCredentialsForIdentity', { IdentityId: identityId, CustomRoleArn: customRoleArn, ...withLogins })
      const { identityId: returnedId, credentials } = parseCognitoCredentials(answer)
      return { identityId: returnedId, credentials: onDeviceClock(credentials, serverClockOffsetMs) }
    }

    let result
    try {
      result = await credentialsFor(cachedId ?? (await newIdentity()))
    } catch (error) {
      if (!cachedId || !isStaleIdentity(error)) throw error
      // The cached id is gone or belongs to someone else now: start over, once.
      await ignoreStorageFailure(() => store.remove(key))
      result = await credentialsFor(await newIdentity())
    }
    // Cognito may answer with another id (a guest who signed in, a merge): keep the one it returned.
    await ignoreStorageFailure(() => store.set(key, result.identityId))
    return { ...result.credentials, identityId: result.identityId }
  }
}

async function cognitoCall({ url, fetch, operation, input, secrets, timeoutMs }) {
  const body = JSON.stringify(input)
  const { body: text, serverClockOffsetMs } = await awsCall({
    timeoutMs,
    service: 'cognito-identity',
    operation: `Cognito ${operation}`,
    fetch,
    secrets,
    request: async () => new Request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSCognitoIdentityService.${operation}` },
      body,
    }),
  })
  const parsed = parseJson(text, `Cognito ${operation}`)
  if (operation !== 'GetCredentialsForIdentity' && typeof parsed?.IdentityId !== 'string') {
    throw new IamFetchError('ERR_INVALID_CREDENTIALS_RESPONSE', `Cognito ${operation} answered without an IdentityId`)
  }
  if (operation === 'GetOpenIdToken' && typeof parsed.Token !== 'string') {
    throw new IamFetchError('ERR_INVALID_CREDENTIALS_RESPONSE', 'Cognito GetOpenIdToken answered without a Token')
  }
  return { answer: parsed, serverClockOffsetMs }
}

/** Login tokens, each resolved now (a function is called for a fresh token). */
async function resolveLogins(logins) {
  const entries = Object.entries(logins ?? {})
  if (entries.length > MAX_LOGINS) throw new IamFetchError('ERR_INVALID_OPTIONS', `Cognito accepts at most ${MAX_LOGINS} logins`)
  const resolved = {}
  for (const [provider, token] of entries) {
    const value = typeof token === 'function' ? await token() : token
    if (typeof value !== 'string' || !value) {
      throw new IamFetchError('ERR_INVALID_OPTIONS', `the login token for ${provider} is not a non-empty string`)
    }
    resolved[provider] = value
  }
  return resolved
}

/** One identity id per pool and set of login providers: a guest and a signed-in user never share one. */
function cacheKey(identityPoolId, providers) {
  return `iamfetch:cognito-identity:${identityPoolId}:${[...providers].sort().join(',')}`
}

/** The cached identity id, or null; garbage in storage counts as nothing cached. */
async function readId(store, key) {
  const value = await ignoreStorageFailure(() => store.get(key))
  if (typeof value === 'string' && IDENTITY_ID.test(value)) return value
  if (value != null) await ignoreStorageFailure(() => store.remove(key))
  return null
}

/** The cache is an optimization: a storage that throws (full, private mode) only costs a GetId. */
async function ignoreStorageFailure(operation) {
  try {
    return await operation()
  } catch {
    return undefined
  }
}

function isStaleIdentity(error) {
  return error?.code === 'ERR_COGNITO_NOT_FOUND' ||
    (error?.code === 'ERR_COGNITO_NOT_AUTHORIZED' && /logins don't match/i.test(error.awsMessage ?? ''))
}
