// Who you are: a guest or a user pool user, the identity pool's credentials
// for them, their countdown and the client's automatic refresh.
import { AwsClient, fromCognitoIdentityPool } from 'iamfetch'
import { keepSecret, log } from './log.js'
import { $, describeError, formatDuration, setBusy } from './page.js'
import { cognitoIdentityEndpoint, cognitoIdpEndpoint, settings, settingsProblem, signingFor } from './settings.js'
import { wireFetch } from './wire.js'

/** Passed to the client, and mirrored here to show when it will refresh. */
const REFRESH_MARGIN_MS = 5 * 60_000

export let client = null // signs with the session's credentials
export let oacClient = null // signs nothing: CloudFront does
let session = null // { kind: 'guest' | 'user', username?, idToken?, refreshToken?, idTokenExp? }
let sessionGeneration = 0
let current = null // { accessKeyId, secretAccessKey, sessionToken, expiration, identityId }: never rendered
export let timing = null // { fetchedAt, expiresAt, refreshAt }
let refreshCount = 0
let refreshInFlight = null
let nextRefreshTry = 0
/** Every credential set received, by access key id: the inspector recomputes signatures with them. */
export const credentialsByKey = new Map()

const loginKey = () => `cognito-idp.${settings.userPoolId.split('_')[0]}.amazonaws.com/${settings.userPoolId}`

/** A Cognito user pool call (unsigned JSON 1.1), as the Amplify libraries make it. */
async function userPoolCall(operation, input) {
  const response = await fetch(cognitoIdpEndpoint(), {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSCognitoIdentityProviderService.${operation}` },
    body: JSON.stringify(input),
  })
  const answer = await response.json().catch(() => ({}))
  if (!response.ok) {
    const type = String(answer.__type ?? response.headers.get('x-amzn-errortype') ?? `HTTP ${response.status}`).split(/[#:]/).pop()
    throw Object.assign(new Error(answer.message ?? answer.Message ?? 'the user pool refused'), { name: type })
  }
  return answer
}

function jwtExpiry(token) {
  const payload = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')
  return JSON.parse(atob(payload + '='.repeat((4 - (payload.length % 4)) % 4))).exp * 1000
}

function keepTokens(result) {
  keepSecret(result.IdToken, '‹ID token hidden›')
  keepSecret(result.AccessToken, '‹access token hidden›')
  keepSecret(result.RefreshToken, '‹refresh token hidden›')
  session.idToken = result.IdToken
  session.idTokenExp = jwtExpiry(result.IdToken)
  if (result.RefreshToken) session.refreshToken = result.RefreshToken
}

/** The ID token for Logins, refreshed with the refresh token when it is about to expire. */
async function freshIdToken() {
  if (session.idTokenExp - Date.now() < 2 * 60_000) {
    const answer = await userPoolCall('InitiateAuth', {
      AuthFlow: 'REFRESH_TOKEN_AUTH',
      ClientId: settings.userPoolClientId,
      AuthParameters: { REFRESH_TOKEN: session.refreshToken },
    })
    keepTokens(answer.AuthenticationResult)
    log('ID token refreshed with the refresh token')
  }
  return session.idToken
}

async function startSession(kind, user = {}) {
  const generation = ++sessionGeneration
  session = { kind, ...user }
  current = null
  timing = null
  refreshCount = 0
  const provider = fromCognitoIdentityPool({
    identityPoolId: settings.identityPoolId,
    endpoint: cognitoIdentityEndpoint(),
    logins: kind === 'user' ? { [loginKey()]: () => freshIdToken() } : undefined,
  })
  // The client calls this whenever its cached credentials are due: we only watch.
  const watched = async () => {
    const fetchedAt = Date.now()
    const credentials = await provider()
    if (generation === sessionGeneration) onCredentials(credentials, fetchedAt)
    return credentials
  }
  const signing = new AwsClient({ credentials: watched, refreshMarginMs: REFRESH_MARGIN_MS, retries: 2, maxRetryDelayMs: 2000, fetch: wireFetch })
  try {
    await signing.sign(settings.functionUrl, { aws: signingFor('function') })
  } catch (error) {
    // No half-built session: the next call starts one again.
    const received = current !== null
    if (generation === sessionGeneration) endSession()
    if (received) error.message = `credentials arrived, but signing a request with them failed: ${error.message}`
    throw error
  }
  // Only a session that could sign is kept.
  client = signing
  oacClient = new AwsClient({ oac: true, retries: 2, maxRetryDelayMs: 2000, fetch: wireFetch })
}

function endSession() {
  sessionGeneration++
  session = null
  client = null
  oacClient = null
  current = null
  timing = null
}

function onCredentials(credentials, fetchedAt) {
  const first = current === null
  keepSecret(credentials.secretAccessKey, '‹secret access key hidden›')
  keepSecret(credentials.sessionToken, '‹session token hidden›')
  credentialsByKey.set(credentials.accessKeyId, credentials)
  current = credentials
  const expiresAt = credentials.expiration?.getTime() ?? Infinity
  const lifetime = expiresAt - fetchedAt
  // The same rule as the client's cache: refreshMarginMs before expiry, or half-way for short-lived credentials.
  timing = { fetchedAt, expiresAt, refreshAt: fetchedAt + Math.max(lifetime - REFRESH_MARGIN_MS, lifetime / 2) }
  $('identity-id').textContent = credentials.identityId ?? '—'
  $('access-key-id').textContent = credentials.accessKeyId
  $('expires-at').textContent = Number.isFinite(expiresAt) ? `(at ${new Date(expiresAt).toLocaleTimeString([], { hour12: false })})` : ''
  if (first) {
    log(`Credentials from the identity pool: identity ${credentials.identityId}, access key ${credentials.accessKeyId}, valid ${formatDuration(lifetime)}`)
  } else {
    refreshCount++
    const note = `Refreshed automatically at ${new Date().toLocaleTimeString([], { hour12: false })}: new access key ${credentials.accessKeyId}, valid ${formatDuration(lifetime)}.`
    $('refresh-note').textContent = note
    $('refresh-count').textContent = `${refreshCount} refresh${refreshCount === 1 ? '' : 'es'}`
    $('refresh-count').dataset.count = String(refreshCount)
    const box = $('session')
    box.classList.remove('refreshed')
    void box.offsetWidth // restarts the highlight
    box.classList.add('refreshed')
    log(note)
  }
  tick()
}

/** Every second: the countdown, and when the refresh is due, a sign() that lets the client refresh. */
export function tick() {
  if (!timing) return
  const now = Date.now()
  const left = timing.expiresAt - now
  $('expires-in').textContent = left > 0 ? formatDuration(left) : 'expired'
  $('refresh-in').textContent = now < timing.refreshAt ? formatDuration(timing.refreshAt - now) : 'now'
  $('lifetime').value = Number.isFinite(left) ? Math.max(0, left / (timing.expiresAt - timing.fetchedAt)) : 1
  if (now >= timing.refreshAt && !refreshInFlight && now >= nextRefreshTry && client) {
    // Signing needs credentials: the client sees its cache is due and refreshes, as it would before a call.
    refreshInFlight = client.sign(settings.functionUrl, { aws: signingFor('function') })
      .catch((error) => {
        nextRefreshTry = Date.now() + 5000
        log(`Refreshing credentials failed: ${error.code ?? error.name}: ${error.message}`, 'bad')
      })
      .finally(() => { refreshInFlight = null })
  }
}

function showSession() {
  $('start').hidden = true
  $('session').hidden = false
  $('who').textContent = session.kind === 'guest' ? 'Guest (the identity pool\'s unauthenticated role)' : `${session.username} (user pool; authenticated role)`
  $('refresh-note').textContent = ''
  $('refresh-count').textContent = '0 refreshes'
  $('refresh-count').dataset.count = '0'
}

export async function continueAsGuest() {
  $('guest-error').textContent = ''
  setBusy(true)
  try {
    await startSession('guest')
    showSession()
    log('Continuing as a guest')
    $('signout').focus()
  } catch (error) {
    $('guest-error').textContent = describeError(error)
    log(`Continuing as a guest failed: ${describeError(error)}`, 'bad')
  } finally {
    setBusy(false)
  }
}

export async function signIn(event) {
  event.preventDefault()
  const username = $('username').value.trim()
  const password = $('password').value
  $('signin-error').textContent = ''
  if (!username || !password) {
    $('signin-error').textContent = 'Enter a username and a password.'
    return
  }
  setBusy(true)
  try {
    const answer = await userPoolCall('InitiateAuth', {
      AuthFlow: 'USER_PASSWORD_AUTH',
      ClientId: settings.userPoolClientId,
      AuthParameters: { USERNAME: username, PASSWORD: password },
    })
    if (!answer.AuthenticationResult) throw new Error(`the user pool asks for ${answer.ChallengeName ?? 'a challenge'}, which this demo does not handle`)
    session = { kind: 'user', username }
    keepTokens(answer.AuthenticationResult)
    const tokens = { idToken: session.idToken, idTokenExp: session.idTokenExp, refreshToken: session.refreshToken }
    log(`Signed in to the user pool as ${username}`)
    await startSession('user', { username, ...tokens })
    showSession()
    $('signout').focus()
  } catch (error) {
    $('signin-error').textContent = describeError(error)
    log(`Sign-in failed: ${describeError(error)}`, 'bad')
  } finally {
    setBusy(false)
  }
}

export function signOut() {
  endSession()
  $('session').hidden = true
  $('start').hidden = false
  log('Signed out')
  $('guest').focus()
}

export async function ensureSession() {
  if (settingsProblem) throw new Error(settingsProblem)
  if (!client) {
    log('No session yet: continuing as a guest')
    await startSession('guest')
    showSession()
  }
}

/** The current credentials as a fixed set, for one-off clients (no refresh, no expiry known). */
export async function currentCredentials() {
  await client.sign(settings.functionUrl, { aws: signingFor('function') })
  const { accessKeyId, secretAccessKey, sessionToken } = current
  return { accessKeyId, secretAccessKey, sessionToken }
}
