// STS: AssumeRole (signed with the core) and AssumeRoleWithWebIdentity (unsigned).
import { init } from '../core.js'
import { IamFetchError } from '../errors.js'
import { signPrepared } from '../signer.js'
import { prepareBody } from '../body.js'
import { awsCall } from './aws-call.js'
import { onDeviceClock, parseStsCredentials } from './answers.js'
import { randomHex } from '../backoff.js'
import { cachedProvider } from './cache.js'
import { checkEndpointUrl } from './endpoint-url.js'

const FORM = 'application/x-www-form-urlencoded'

/**
 * Credentials of a role, assumed with other credentials (an IAM user's keys, say).
 * @param {object} options
 * @param {Function | object} options.credentials the caller's credentials, or a provider of them
 * @param {string} options.roleArn
 * @param {string} [options.roleSessionName] default `iamfetch-<random>`
 * @param {number} [options.durationSeconds] 900..43200 (default: STS's, 3600)
 * @param {string} [options.externalId]
 * @param {string} [options.region] default us-east-1
 * @param {string} [options.endpoint] default https://sts.<region>.amazonaws.com/
 * @param {typeof fetch} [options.fetch]
 * @param {number} [options.timeoutMs] how long one STS attempt may take (default 10000)
 */
export function fromAssumeRole({ credentials, roleArn, roleSessionName, durationSeconds, externalId, region = 'us-east-1', endpoint, fetch, timeoutMs }) {
  requireRoleArn(roleArn)
  checkDuration(durationSeconds)
  const caller = cachedProvider(credentials)
  const url = stsUrl(endpoint, region)
  // Learned from STS's clock-skew refusals, kept for this provider's later calls.
  const clock = { offsetMs: 0 }
  return async () => {
    await init()
    const callerCredentials = await caller()
    const body = stsForm('AssumeRole', roleArn, roleSessionName, { DurationSeconds: durationSeconds, ExternalId: externalId })
    const { body: answer, serverClockOffsetMs } = await awsCall({
      timeoutMs,
      service: 'sts',
      operation: 'STS AssumeRole',
      fetch,
      secrets: [callerCredentials.secretAccessKey, callerCredentials.sessionToken],
      clock,
      request: async (datetime) => {
        const signed = await signPrepared({
          method: 'POST',
          url,
          headers: { 'content-type': FORM },
          payload: await prepareBody(body),
          credentials: callerCredentials,
          options: { service: 'sts', region, datetime },
        })
        const headers = new Headers({ 'content-type': FORM })
        for (const [name, value] of signed.headers) headers.set(name, value)
        return new Request(signed.url, { method: 'POST', headers, body })
      },
    })
    return onDeviceClock(parseStsCredentials(answer), serverClockOffsetMs)
  }
}

/** The form body of an STS role call: its action, the API version, the role and a session name. */
function stsForm(action, roleArn, roleSessionName, fields) {
  return form({ Action: action, Version: '2011-06-15', RoleArn: roleArn, RoleSessionName: roleSessionName ?? sessionName(), ...fields })
}

/**
 * Credentials of a role, assumed with an OIDC token (AssumeRoleWithWebIdentity, unsigned).
 * @param {object} options
 * @param {string} options.roleArn
 * @param {string | (() => string | Promise<string>)} options.webIdentityToken a token, or a function that returns a fresh one
 * @param {string} [options.roleSessionName]
 * @param {string} [options.providerId]
 * @param {string} [options.policy]
 * @param {number} [options.durationSeconds]
 * @param {string} [options.region]
 * @param {string} [options.endpoint]
 * @param {typeof fetch} [options.fetch]
 * @param {number} [options.timeoutMs] how long one STS attempt may take (default 10000)
 */
export function fromWebIdentity({ roleArn, webIdentityToken, roleSessionName, providerId, policy, durationSeconds, region = 'us-east-1', endpoint, fetch, timeoutMs }) {
  requireRoleArn(roleArn)
  checkDuration(durationSeconds)
  if (!webIdentityToken) throw new IamFetchError('ERR_INVALID_OPTIONS', 'webIdentityToken is required')
  stsUrl(endpoint, region)
  const clock = { offsetMs: 0 }
  return async () => {
    const token = typeof webIdentityToken === 'function' ? await webIdentityToken() : webIdentityToken
    return assumeRoleWithWebIdentity({ roleArn, token, roleSessionName, providerId, policy, durationSeconds, region, endpoint, fetch, timeoutMs, clock })
  }
}

/**
 * One AssumeRoleWithWebIdentity call; also the second step of Cognito's basic
 * flow. It is unsigned, so STS has no signature time to refuse; `clock` is
 * passed through all the same, so that a skew answer is read by the same rule.
 */
export async function assumeRoleWithWebIdentity({ roleArn, token, roleSessionName, providerId, policy, durationSeconds, region = 'us-east-1', endpoint, fetch, timeoutMs, clock }) {
  const url = stsUrl(endpoint, region)
  const body = stsForm('AssumeRoleWithWebIdentity', roleArn, roleSessionName, {
    WebIdentityToken: token,
    ProviderId: providerId,
    Policy: policy,
    DurationSeconds: durationSeconds,
  })
  const { body: answer, serverClockOffsetMs } = await awsCall({
    timeoutMs,
    service: 'sts',
    operation: 'STS AssumeRoleWithWebIdentity',
    fetch,
    secrets: [token],
    clock,
    request: async () => new Request(url, { method: 'POST', headers: { 'content-type': FORM }, body }),
  })
  return onDeviceClock(parseStsCredentials(answer), serverClockOffsetMs)
}

/** The STS endpoint: given (without userinfo), or the region's. */
function stsUrl(endpoint, region) {
  return endpoint == null ? `https://sts.${region}.amazonaws.com/` : checkEndpointUrl(endpoint, 'the STS endpoint').href
}

function form(fields) {
  const params = new URLSearchParams()
  for (const [name, value] of Object.entries(fields)) {
    if (value !== undefined && value !== null) params.set(name, String(value))
  }
  return params.toString()
}

function sessionName() {
  return `iamfetch-${randomHex(8)}`
}

function requireRoleArn(roleArn) {
  if (typeof roleArn !== 'string' || !roleArn.startsWith('arn:')) {
    throw new IamFetchError('ERR_INVALID_OPTIONS', 'roleArn must be a role ARN (arn:aws:iam::<account>:role/<name>)')
  }
}

function checkDuration(durationSeconds) {
  if (durationSeconds !== undefined && !(Number.isInteger(durationSeconds) && durationSeconds >= 900 && durationSeconds <= 43200)) {
    throw new IamFetchError('ERR_INVALID_OPTIONS', 'durationSeconds must be a whole number of seconds in 900..43200')
  }
}
