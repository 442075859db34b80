// The iamfetch demo page: plain DOM, one module. Everything AWS-specific comes
// from settings: the query string, else /demo-config.json (the local stack's
// defaults, written by scripts/demo-server.mjs). Secrets and tokens are kept
// in memory only and masked in everything the page shows.
import { AwsClient, explainFailure, fromCognitoIdentityPool, init, sha256Hex, signRequest } from 'iamfetch'

const SETTING_KEYS = ['region', 'identityPoolId', 'userPoolId', 'userPoolClientId', 'functionUrl', 'cloudfrontUrl', 'apiUrl', 'cognitoIdentityEndpoint', 'cognitoIdpEndpoint']
/** Passed to the client, and mirrored here to show when it will refresh. */
const REFRESH_MARGIN_MS = 5 * 60_000
/** A function URL in BUFFERED mode refuses larger requests (413). */
const UPLOAD_LIMIT_BYTES = 6 * 1024 * 1024
const SHOWN_BODY_CHARS = 12_000
const DEFAULT_PATHS = { function: '/hello?from=demo', cloudfront: '/via-cloudfront', api: '/echo' }

const $ = (id) => document.getElementById(id)

let settings = {}
let demoConfig = null
let stackFaults = false // the local stack answers x-iamfetch-fault: the clock mistakes can be simulated exactly

let client = null // signs with the session's credentials
let oacClient = null // signs nothing: CloudFront does
let session = null // { kind: 'guest' | 'user', username?, idToken?, refreshToken?, idTokenExp? }
let sessionGeneration = 0
let current = null // { accessKeyId, secretAccessKey, sessionToken, expiration, identityId }: never rendered
let timing = null // { fetchedAt, expiresAt, refreshAt }
let refreshCount = 0
let refreshInFlight = null
let nextRefreshTry = 0
/** Every credential set received, by access key id: the inspector recomputes signatures with them. */
const credentialsByKey = new Map()
/** Values never to show, with what to show instead. */
const secrets = new Map()
let attempts = null // what went on the wire during the current call
let callCount = 0

// ---------- settings ----------

async function loadSettings() {
  try {
    const response = await fetch('./demo-config.json', { cache: 'no-store' })
    if (response.ok) demoConfig = await response.json()
  } catch {
    demoConfig = null // hosted without the demo server: settings come from the query string
  }
  const query = new URLSearchParams(location.search)
  for (const key of SETTING_KEYS) settings[key] = (query.get(key) ?? demoConfig?.settings?.[key] ?? '').trim()
  settings.region ||= /^([a-z]{2}(?:-[a-z]+)+-\d+):/.exec(settings.identityPoolId)?.[1] ?? ''
  const localSettings = demoConfig?.local ? demoConfig.settings : null
  stackFaults = Boolean(localSettings) && settings.functionUrl === localSettings.functionUrl
  const allLocal = Boolean(localSettings) && SETTING_KEYS.every((key) => !query.has(key) || query.get(key) === localSettings[key])

  const mode = $('mode')
  if (allLocal) {
    mode.textContent = `Local AWS stack on this machine · region ${settings.region} · credentials last ${demoConfig.credentialsLifetimeSeconds} s`
    mode.className = 'mode local'
  } else {
    mode.textContent = `Your AWS resources · region ${settings.region || 'not set'}`
    mode.className = 'mode aws'
  }
  for (const key of SETTING_KEYS) {
    const input = $(`s-${key}`)
    if (input) input.value = settings[key]
  }
  const missing = ['identityPoolId', 'functionUrl'].filter((key) => !settings[key])
  if (missing.length) {
    $('settings').open = true
    $('guest').disabled = true
    $('signin-button').disabled = true
    $('signin-error').textContent = `Set ${missing.join(' and ')} in the settings below first.`
  }
  if (!settings.userPoolId || !settings.userPoolClientId) {
    for (const el of $('signin').querySelectorAll('input, button')) el.disabled = true
    $('demo-user-hint').hidden = false
    $('demo-user-hint').textContent = 'Signing in needs a user pool id and app client id in the settings.'
  } else if (demoConfig?.demoUser && allLocal) {
    $('username').value = demoConfig.demoUser.username
    $('password').value = demoConfig.demoUser.password
    $('demo-user-hint').hidden = false
    $('demo-user-hint').textContent = `The local user pool's demo user is filled in: ${demoConfig.demoUser.username} / ${demoConfig.demoUser.password}.`
  }
  for (const option of $('target').options) {
    const configured = Boolean(baseUrlOf(option.value))
    option.disabled = !configured
    if (!configured) option.textContent += ' (not configured)'
  }
  if (!stackFaults) {
    $('skew-text').innerHTML = 'signs with a time 15 minutes in the past · expect <code>clock-skew</code>'
    $('expired-text').innerHTML = 'signs with a credential set that has expired (the page keeps them) · expect <code>expired-credentials</code>'
  }
}

function applySettings(event) {
  event.preventDefault()
  const query = new URLSearchParams()
  for (const key of SETTING_KEYS) {
    const value = $(`s-${key}`).value.trim()
    if (value) query.set(key, value)
  }
  location.search = query.toString()
}

// ---------- masking ----------

function keepSecret(value, label) {
  if (typeof value === 'string' && value.length >= 8) secrets.set(value, label)
}

/** Masks every secret and token the page has held, and any security token it never held. */
function redact(text) {
  let out = String(text)
  for (const [value, label] of secrets) out = out.split(value).join(label)
  return out
    .replace(/("x-amz-security-token"\s*:\s*")[^"]+/gi, '$1‹session token hidden›')
    .replace(/(x-amz-security-token:)[^\s‹]+/gi, '$1‹session token hidden›')
    .replace(/(X-Amz-Security-Token=)[^&\s‹]+/g, '$1‹session token hidden›')
}

// ---------- activity log ----------

function log(text, kind = '') {
  const item = document.createElement('li')
  if (kind) item.className = kind
  const time = document.createElement('time')
  const now = new Date()
  time.dateTime = now.toISOString()
  time.textContent = now.toLocaleTimeString([], { hour12: false })
  item.append(time, document.createTextNode(redact(text)))
  const list = $('log')
  list.append(item)
  list.scrollTop = list.scrollHeight // the list scrolls, never the page
}

// ---------- credentials ----------

const loginKey = () => `cognito-idp.${settings.userPoolId.split('_')[0]}.amazonaws.com/${settings.userPoolId}`
const idpEndpoint = () => settings.cognitoIdpEndpoint || `https://cognito-idp.${settings.userPoolId.split('_')[0]}.amazonaws.com/`

/** A Cognito user pool call (unsigned JSON 1.1), as the Amplify libraries make it. */
async function userPoolCall(operation, input) {
  const response = await fetch(idpEndpoint(), {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSCognitoIdentityProviderService.${operation}` },
    body: JSON.stringify(input),
  })
  const answer = await response.json().catch(() => ({}))
  if (!response.ok) {
    const type = String(answer.__type ?? response.headers.get('x-amzn-errortype') ?? `HTTP ${response.status}`).split(/[#:]/).pop()
    throw new Error(`${type}: ${answer.message ?? answer.Message ?? 'the user pool refused'}`)
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
    endpoint: settings.cognitoIdentityEndpoint || undefined,
    logins: kind === 'user' ? { [loginKey()]: () => freshIdToken() } : undefined,
  })
  // The client calls this whenever its cached credentials are due: we only watch.
  const watched = async () => {
    const fetchedAt = Date.now()
    const credentials = await provider()
    if (generation === sessionGeneration) onCredentials(credentials, fetchedAt)
    return credentials
  }
  client = new AwsClient({ credentials: watched, refreshMarginMs: REFRESH_MARGIN_MS, retries: 2, maxRetryDelayMs: 2000, fetch: wireFetch })
  oacClient = new AwsClient({ oac: true, retries: 2, maxRetryDelayMs: 2000, fetch: wireFetch })
  await client.sign(settings.functionUrl, { aws: signingFor('function') })
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

function formatDuration(ms) {
  if (!Number.isFinite(ms)) return 'indefinitely'
  const total = Math.max(0, Math.round(ms / 1000))
  const minutes = Math.floor(total / 60)
  return `${minutes}:${String(total % 60).padStart(2, '0')}`
}

/** Every second: the countdown, and when the refresh is due, a sign() that lets the client refresh. */
function tick() {
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

async function continueAsGuest() {
  setBusy(true)
  try {
    await startSession('guest')
    showSession()
    log('Continuing as a guest')
    $('signout').focus()
  } catch (error) {
    $('signin-error').textContent = describeError(error)
    log(`Guest credentials failed: ${describeError(error)}`, 'bad')
  } finally {
    setBusy(false)
  }
}

async function signIn(event) {
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

function signOut() {
  sessionGeneration++
  session = null
  client = null
  oacClient = null
  current = null
  timing = null
  $('session').hidden = true
  $('start').hidden = false
  log('Signed out')
  $('guest').focus()
}

async function ensureSession() {
  if (!client) {
    log('No session yet: continuing as a guest')
    await startSession('guest')
    showSession()
  }
}

/** The current credentials as a fixed set, for one-off clients (no refresh, no expiry known). */
async function currentCredentials() {
  await client.sign(settings.functionUrl, { aws: signingFor('function') })
  const { accessKeyId, secretAccessKey, sessionToken } = current
  return { accessKeyId, secretAccessKey, sessionToken }
}

// ---------- targets ----------

function baseUrlOf(target) {
  return { function: settings.functionUrl, cloudfront: settings.cloudfrontUrl, api: settings.apiUrl }[target] ?? ''
}

/** AWS hosts name their service and region; anything else (the local stack, custom domains) needs them spelled out. */
function signingFor(target) {
  const host = safeHost(baseUrlOf(target))
  if (/\.on\.aws$|\.amazonaws\.com$/.test(host)) return {}
  return { service: target === 'api' ? 'execute-api' : 'lambda', region: settings.region }
}

function regionOf(target) {
  const host = safeHost(baseUrlOf(target))
  return /\.lambda-url\.([a-z0-9-]+)\.on\.aws$/.exec(host)?.[1] ?? /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com$/.exec(host)?.[1] ?? settings.region
}

function safeHost(url) {
  try {
    return new URL(url).hostname
  } catch {
    return ''
  }
}

function urlFor(target, path) {
  const base = baseUrlOf(target).replace(/\/+$/, '')
  if (!base) throw new Error(`no URL is configured for this target: set it in the settings`)
  return base + (path.startsWith('/') ? path : `/${path}`)
}

// ---------- calls ----------

/** The fetch the clients send with: it records each attempt for the page. */
async function wireFetch(input, init) {
  const request = input instanceof Request ? input : new Request(input, init)
  const entry = { method: request.method, url: request.url, headers: [...request.headers] }
  attempts?.push(entry)
  try {
    const response = await fetch(request)
    entry.status = response.status
    entry.errorType = response.headers.get('x-amzn-errortype')
    if (!response.ok) entry.refused = response.clone()
    return response
  } catch (error) {
    entry.error = `${error?.name ?? 'Error'}: ${error?.message ?? error}`
    throw error
  }
}

/**
 * Runs one call and shows everything about it.
 * @param {{ title: string, expect?: string, body?: BodyInit | null, send: () => Promise<{ response?: Response, signedRequest?: Request, oac?: boolean, recoveryNote?: (explanation) => string }> }} call
 */
async function perform({ title, expect, body = null, send }) {
  setBusy(true)
  attempts = []
  const startedAt = performance.now()
  let outcome = {}
  let error
  try {
    outcome = await send()
  } catch (thrown) {
    error = thrown
  }
  const elapsedMs = performance.now() - startedAt
  const wire = attempts
  attempts = null
  try {
    let explanation = null
    let recovered = false
    const { response } = outcome
    const signedRequest = outcome.signedRequest ?? error?.signedRequest
    if (error && error.name === 'IamFetchError') {
      explanation = null
    } else if (error) {
      explanation = await explainFailure(error, signedRequest)
    } else if (response && !response.ok) {
      explanation = await explainFailure(response, signedRequest)
    } else if (response && wire.some((entry) => entry.refused)) {
      // Refused at first, then recovered by the client: explain the refusal it recovered from.
      explanation = await explainFailure(wire.find((entry) => entry.refused).refused)
      recovered = true
    }
    const responseText = response ? await response.text() : ''
    renderResult({ title, expect, elapsedMs, wire, response, responseText, error, explanation, recovered, recoveryNote: outcome.recoveryNote })
    const signed = await renderInspector({ wire, oac: outcome.oac, body, explanation })
    // Last: tests (and anyone watching) read the result once this changes.
    $('result').dataset.calls = String(++callCount)
    const cause = explanation?.cause
    log(`${title} → ${response ? response.status : error ? (error.code ?? error.name) : '?'}${cause ? ` · explainFailure: ${cause}${recovered ? ' (recovered)' : ''}` : ''} · ${Math.round(elapsedMs)} ms`, cause && !recovered ? 'bad' : '')
    return { response, responseText, explanation, error, signed }
  } finally {
    setBusy(false)
  }
}

function renderResult({ title, expect, elapsedMs, wire, response, responseText, error, explanation, recovered, recoveryNote }) {
  $('result').hidden = false
  $('call-title').textContent = redact(title)
  const status = $('status-line')
  if (response) {
    status.textContent = `${response.status} ${response.statusText || ''} · ${Math.round(elapsedMs)} ms · ${wire.length} attempt${wire.length === 1 ? '' : 's'}`.replace('  ', ' ')
    status.className = `status-line ${response.ok ? 'ok' : 'bad'}`
  } else {
    status.textContent = `No answer: ${describeError(error)} · ${Math.round(elapsedMs)} ms`
    status.className = 'status-line bad'
  }
  status.dataset.status = response ? String(response.status) : 'error'
  $('attempts').replaceChildren(...wire.map((entry) => {
    const item = document.createElement('li')
    const outcome = entry.status ? `${entry.status}${entry.errorType ? ` ${entry.errorType}` : ''}` : entry.error ?? 'sending…'
    item.textContent = redact(`${entry.method} ${entry.url} → ${outcome}`)
    return item
  }))
  $('response-parts').hidden = !response
  $('response-headers').textContent = response
    ? redact([...response.headers].map(([name, value]) => `${name}: ${value}`).join('\n')) + '\n(only the headers the CORS config exposes are readable here)'
    : ''
  $('response-body').textContent = response ? redact(presentBody(responseText, response.headers.get('content-type'))) : ''

  const box = $('diagnosis')
  box.hidden = !explanation
  box.classList.toggle('recovered', recovered)
  if (explanation) {
    $('cause').textContent = explanation.cause
    box.dataset.cause = explanation.cause
    $('summary').textContent = redact(explanation.summary)
    $('evidence').replaceChildren(...explanation.evidence.map((line) => {
      const item = document.createElement('li')
      item.textContent = redact(line)
      return item
    }))
    const check = $('expect-check')
    if (expect) {
      const ok = explanation.cause === expect
      check.textContent = ok ? '✓ as expected' : `✗ expected ${expect}`
      check.className = ok ? 'check-ok' : 'check-bad'
    } else {
      check.textContent = ''
    }
    const note = recovered ? (recoveryNote?.(explanation) ?? 'The client recovered from this refusal by itself: the last attempt succeeded.') : ''
    $('recovery').hidden = !note
    $('recovery').textContent = note
  } else {
    delete box.dataset.cause
  }
  $('result').scrollIntoView?.({ block: 'start', behavior: 'smooth' })
}

/** Pretty JSON, without the echo function's copy of a large body. */
function presentBody(text, contentType) {
  if (!text) return '(empty)'
  let shown = text
  if (/json/i.test(contentType ?? '') || /^\s*[{[]/.test(text)) {
    try {
      const value = JSON.parse(text)
      if (value && typeof value.body === 'string' && value.body.length > 2000) {
        value.body = `‹${value.body.length} characters${value.isBase64Encoded ? ' of base64' : ''}, not shown›`
      }
      shown = JSON.stringify(value, null, 2)
    } catch {
      shown = text
    }
  }
  return shown.length > SHOWN_BODY_CHARS ? `${shown.slice(0, SHOWN_BODY_CHARS)}\n… (${shown.length - SHOWN_BODY_CHARS} more characters)` : shown
}

/**
 * The signature's parts for the last attempt: signRequest() on the request as
 * sent (same x-amz-date, same credentials), checked against its Authorization.
 */
async function renderInspector({ wire, oac, body, explanation }) {
  const last = wire.at(-1)
  const note = $('inspector-note')
  const fill = (signedHeaders, canonical, stringToSign, check = '', checkClass = '') => {
    $('signed-headers').textContent = signedHeaders
    $('canonical-request').textContent = redact(canonical)
    $('string-to-sign').textContent = redact(stringToSign)
    $('signature-check').textContent = check
    $('signature-check').className = `small ${checkClass}`
  }
  if (!last) {
    note.textContent = 'Nothing was sent.'
    return fill('', '', '')
  }
  const sent = new Headers(last.headers)
  if (oac) {
    const hash = sent.get('x-amz-content-sha256')
    note.textContent = hash
      ? `Not signed in the browser: CloudFront signs the origin request with OAC. iamfetch sent only the body's hash, x-amz-content-sha256: ${hash}`
      : 'Not signed in the browser: CloudFront signs the origin request with OAC. No x-amz-content-sha256 was sent' + (/^(POST|PUT)$/.test(last.method) ? ', which a POST or PUT needs.' : ' (a GET needs none).')
    return fill('(none: CloudFront signs)', '', '')
  }
  const authorization = sent.get('authorization') ?? ''
  const parts = /Credential=([^/]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]+)/.exec(authorization)
  const credentials = parts && credentialsByKey.get(parts[1])
  if (!parts || !credentials) {
    note.textContent = 'The request carried no signature.'
    return fill('', explanation?.canonicalRequest ?? '', explanation?.stringToSign ?? '')
  }
  const [, , region, service, signedHeaders, signature] = parts
  const headers = new Headers(sent)
  for (const name of ['authorization', 'x-amz-date', 'x-amz-security-token']) headers.delete(name)
  try {
    const again = await signRequest(
      { method: last.method, url: last.url, headers, body },
      { ...credentials, service, region, datetime: sent.get('x-amz-date') },
    )
    note.textContent = `Signed for ${service} in ${region} at ${sent.get('x-amz-date')} with ${parts[1]}.`
    const same = again.signature === signature
    fill(
      signedHeaders.split(';').join(', '),
      again.canonicalRequest,
      again.stringToSign,
      same
        ? `✓ signRequest() on the request as sent gives the same signature as its Authorization header (${signature.slice(0, 16)}…).`
        : `✗ signRequest() gives ${again.signature.slice(0, 16)}…, the request carried ${signature.slice(0, 16)}…`,
      same ? 'check-ok' : 'check-bad',
    )
    return again
  } catch (error) {
    note.textContent = `Could not recompute the signature: ${describeError(error)}`
    return fill(signedHeaders, explanation?.canonicalRequest ?? '', explanation?.stringToSign ?? '')
  }
}

function describeError(error) {
  if (!error) return 'unknown error'
  return error.code ? `${error.code}: ${error.message}` : `${error.name ?? 'Error'}: ${error.message ?? error}`
}

function setBusy(busy) {
  for (const button of document.querySelectorAll('#request-form button, #mistakes button, #upload-button, #guest, #signin-button, #signout')) {
    if (busy) {
      button.dataset.wasDisabled = String(button.disabled)
      button.disabled = true
    } else if (button.dataset.wasDisabled !== undefined) {
      button.disabled = button.dataset.wasDisabled === 'true'
      delete button.dataset.wasDisabled
    }
  }
  document.body.setAttribute('aria-busy', String(busy))
}

// ---------- the composer ----------

function parseHeaders(text) {
  const headers = new Headers()
  for (const [index, raw] of text.split('\n').entries()) {
    const line = raw.trim()
    if (!line) continue
    const colon = line.indexOf(':')
    if (colon < 1) throw new Error(`header line ${index + 1} needs the form name: value`)
    headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim())
  }
  return headers
}

async function sendComposed(event) {
  event.preventDefault()
  $('composer-error').textContent = ''
  const method = $('method').value
  const target = $('target').value
  let url, headers, body
  try {
    url = urlFor(target, $('path').value.trim() || '/')
    headers = parseHeaders($('headers').value)
    const text = $('body').value.trim()
    if (text && method !== 'GET' && method !== 'HEAD') {
      try {
        JSON.parse(text)
      } catch (error) {
        throw new Error(`the body is not JSON: ${error.message}`)
      }
      body = text
      if (!headers.has('content-type')) headers.set('content-type', 'application/json')
    }
  } catch (error) {
    $('composer-error').textContent = error.message
    return
  }
  try {
    await ensureSession()
  } catch (error) {
    $('composer-error').textContent = describeError(error)
    return
  }
  const oac = target === 'cloudfront'
  await perform({
    title: `${method} ${url}${oac ? ' (through CloudFront OAC)' : ''}`,
    body: body ?? null,
    send: async () => {
      const init = { method, headers, body }
      if (oac) return { response: await oacClient.fetch(url, init), oac }
      return { response: await client.fetch(url, { ...init, aws: signingFor(target) }) }
    },
  })
  showCaller()
}

/** What the function saw: the caller's ARN from the echo event, when it is there. */
function showCaller() {
  try {
    const event = JSON.parse($('response-body').textContent)
    // The local echo returns the whole event; the README's function returns { caller }.
    const arn = event?.requestContext?.authorizer?.iam?.userArn ?? event?.requestContext?.identity?.userArn ?? event?.caller?.userArn
    if (arn) $('status-line').textContent += ` · caller ${arn}`
  } catch {
    // not an echo event
  }
}

function onMethodOrTarget() {
  const method = $('method').value
  const noBody = method === 'GET' || method === 'HEAD'
  $('body').disabled = noBody
  const path = $('path')
  if (Object.values(DEFAULT_PATHS).includes(path.value)) path.value = DEFAULT_PATHS[$('target').value]
  const target = $('target').value
  const signing = signingFor(target)
  $('target-url').textContent = `${baseUrlOf(target) || '(not configured)'}${target === 'cloudfront' ? ' · unsigned, with x-amz-content-sha256 on PUT and POST' : signing.service ? ` · signed for ${signing.service} in ${signing.region}` : ' · service and region read from the host'}`
}

// ---------- classic mistakes ----------

const MISTAKES = {
  'wrong-region': async () => {
    const right = regionOf('function')
    const wrong = right === 'eu-west-1' ? 'us-west-2' : 'eu-west-1'
    const url = urlFor('function', '/mistake/wrong-region')
    return perform({
      title: `GET ${url} signed for ${wrong}, but the function URL is in ${right}`,
      expect: 'wrong-scope',
      send: async () => ({ response: await client.fetch(url, { aws: { service: 'lambda', region: wrong } }) }),
    })
  },

  'clock-skew': async () => {
    const url = urlFor('function', '/mistake/clock-skew')
    if (stackFaults) {
      // The local stack runs this request 15 minutes behind: as if this device's clock were 15 minutes ahead.
      // (Ahead, not behind: the server's later clock would also put the 2-minute local credentials past their expiry.)
      const skewed = new AwsClient({ credentials: await currentCredentials(), ...signingFor('function'), retries: 0, fetch: wireFetch })
      return perform({
        title: `GET ${url} with this device's clock 15 minutes ahead of the server's (x-iamfetch-fault: clock=-900)`,
        expect: 'clock-skew',
        send: async () => ({
          response: await skewed.fetch(url, { headers: { 'x-iamfetch-fault': 'clock=-900' } }),
          recoveryNote: () => `AWS refused the first attempt; iamfetch then read the server's time from the Date header, signed again and the call went through. The client keeps the offset for later calls: clockOffsetMs = ${Math.round(skewed.clockOffsetMs / 1000)} s.`,
        }),
      })
    }
    // AWS's clock cannot be moved: sign with a time 15 minutes in the past instead. A pinned datetime is not corrected.
    return perform({
      title: `GET ${url} signed with a time 15 minutes in the past`,
      expect: 'clock-skew',
      send: async () => ({ response: await client.fetch(url, { aws: { ...signingFor('function'), datetime: Date.now() - 15 * 60_000 } }) }),
    })
  },

  'missing-body-hash': async () => {
    const url = urlFor('cloudfront', '/mistake/missing-body-hash')
    const body = JSON.stringify({ mistake: 'no body hash' })
    return perform({
      title: `POST ${url} through CloudFront OAC without x-amz-content-sha256`,
      expect: 'missing-body-hash',
      body,
      send: async () => {
        // Prepared as oacFetch would, then the hash taken out: what a plain fetch() sends.
        const signedRequest = await oacClient.sign(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
        signedRequest.headers.delete('x-amz-content-sha256')
        return { response: await wireFetch(signedRequest), signedRequest, oac: true }
      },
    })
  },

  'expired-credentials': async () => {
    const url = urlFor('function', '/mistake/expired-credentials')
    if (stackFaults) {
      const credentials = await currentCredentials()
      // Past the credentials' expiry by a minute: the stack's clock for this request, and the signing time, both move there.
      const shiftSeconds = Math.ceil((timing.expiresAt - Date.now()) / 1000) + 60
      const late = new AwsClient({ credentials, ...signingFor('function'), retries: 0, fetch: wireFetch })
      return perform({
        title: `GET ${url} signed ${formatDuration(shiftSeconds * 1000)} from now, a minute after the credentials expire (x-iamfetch-fault: clock=+${shiftSeconds})`,
        expect: 'expired-credentials',
        send: async () => ({
          response: await late.fetch(url, { headers: { 'x-iamfetch-fault': `clock=+${shiftSeconds}` }, aws: { datetime: Date.now() + shiftSeconds * 1000 } }),
        }),
      })
    }
    const expired = [...credentialsByKey.values()].find((set) => set.expiration && set.expiration.getTime() < Date.now())
    if (!expired) {
      const first = Math.min(...[...credentialsByKey.values()].map((set) => set.expiration?.getTime() ?? Infinity))
      log(`No credential set has expired yet: the first one the page received expires at ${Number.isFinite(first) ? new Date(first).toLocaleTimeString([], { hour12: false }) : 'an unknown time'}. Try again then.`, 'bad')
      return undefined
    }
    const stale = new AwsClient({ credentials: { accessKeyId: expired.accessKeyId, secretAccessKey: expired.secretAccessKey, sessionToken: expired.sessionToken }, ...signingFor('function'), retries: 0, fetch: wireFetch })
    return perform({
      title: `GET ${url} with credentials that expired at ${expired.expiration.toLocaleTimeString([], { hour12: false })}`,
      expect: 'expired-credentials',
      send: async () => ({ response: await stale.fetch(url) }),
    })
  },

  'cors-or-network': async () => {
    const url = urlFor('function', '/mistake/cors')
    const strict = new AwsClient({ credentials: await currentCredentials(), ...signingFor('function'), retries: 0, fetch: wireFetch })
    return perform({
      title: `GET ${url} with x-amz-meta-note, a header the function URL's CORS AllowHeaders does not list`,
      expect: 'cors-or-network',
      send: async () => ({ response: await strict.fetch(url, { headers: { 'x-amz-meta-note': 'not allowed by CORS' } }) }),
    })
  },
}

async function runMistake(event) {
  const button = event.target.closest('button[data-mistake]')
  if (!button) return
  try {
    await ensureSession()
    await MISTAKES[button.dataset.mistake]()
  } catch (error) {
    log(`${button.textContent}: ${describeError(error)}`, 'bad')
  }
}

// ---------- upload ----------

function setProgress(kind, fraction) {
  const value = Math.max(0, Math.min(1, fraction))
  $(`${kind}-progress`).value = value
  $(`${kind}-pct`).textContent = `${Math.round(value * 100)}%`
}

async function upload() {
  const file = $('file').files[0]
  const status = $('upload-status')
  if (!file) {
    status.textContent = 'Choose a file first.'
    return
  }
  if (file.size > UPLOAD_LIMIT_BYTES) {
    status.textContent = `${file.name} is ${file.size.toLocaleString()} bytes: a function URL takes at most 6 MB (${UPLOAD_LIMIT_BYTES.toLocaleString()} bytes) per request. For larger files, upload to S3 with a presigned URL.`
    return
  }
  try {
    await ensureSession()
  } catch (error) {
    status.textContent = describeError(error)
    return
  }
  setProgress('hash', 0)
  setProgress('send', 0)
  const url = urlFor('function', `/upload?name=${encodeURIComponent(file.name)}`)
  const contentType = file.type || 'application/octet-stream'
  status.textContent = `Hashing ${file.size.toLocaleString()} bytes…`
  const phases = []
  const result = await perform({
    title: `PUT ${url} (${file.size.toLocaleString()} bytes, signed by client.sign(), sent with XMLHttpRequest)`,
    body: file,
    send: async () => {
      const signedRequest = await client.sign(url, {
        method: 'PUT',
        headers: { 'content-type': contentType },
        body: file,
        aws: {
          ...signingFor('function'),
          onHashProgress: (done, total) => {
            setProgress('hash', total ? done / total : 1)
            phases.push(`hashed ${done}`)
          },
        },
      })
      setProgress('hash', 1)
      status.textContent = `Sending ${file.size.toLocaleString()} bytes…`
      const entry = { method: 'PUT', url: signedRequest.url, headers: [...signedRequest.headers] }
      attempts.push(entry)
      const response = await sendWithProgress(signedRequest, file, (fraction) => {
        setProgress('send', fraction)
        phases.push(`sent ${Math.round(fraction * 100)}%`)
      }).catch((error) => {
        entry.error = `${error.name}: ${error.message}`
        error.signedRequest = signedRequest
        throw error
      })
      entry.status = response.status
      entry.errorType = response.headers.get('x-amzn-errortype')
      return { response, signedRequest }
    },
  })
  if (!result?.response) {
    status.textContent = `The upload failed: ${result?.explanation?.summary ?? describeError(result?.error)}`
    return
  }
  if (!result.response.ok) {
    status.textContent = `The function URL answered ${result.response.status}: ${result.explanation?.summary ?? ''}`
    return
  }
  // The echo function returns what it received: check it is exactly what was signed.
  const signedHash = result.signed?.payloadHash ?? ''
  const received = await receivedBody(result.responseText)
  if (received) {
    const same = received.sha256 === signedHash
    status.textContent = `${result.response.status}: the function received ${received.bytes.toLocaleString()} bytes with SHA-256 ${received.sha256.slice(0, 16)}…, ${same ? 'the hash the request was signed with ✓' : `not the signed hash ${signedHash.slice(0, 16)}… ✗`}`
    status.dataset.verified = String(same)
  } else {
    status.textContent = `${result.response.status}: uploaded ${file.size.toLocaleString()} bytes.`
  }
  status.dataset.phases = phases.join(',')
}

/** XMLHttpRequest, for its upload progress events; the signed headers are copied over. */
function sendWithProgress(signedRequest, body, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open(signedRequest.method, signedRequest.url)
    signedRequest.headers.forEach((value, name) => xhr.setRequestHeader(name, value))
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total) onProgress(event.loaded / event.total)
    }
    xhr.upload.onload = () => onProgress(1)
    xhr.onload = () => {
      const headers = new Headers()
      for (const line of xhr.getAllResponseHeaders().trim().split(/\r?\n/)) {
        const colon = line.indexOf(':')
        if (colon > 0) headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim())
      }
      resolve(new Response(xhr.status === 204 ? null : xhr.responseText, { status: xhr.status, statusText: xhr.statusText, headers }))
    }
    xhr.onerror = () => reject(new TypeError('XMLHttpRequest failed: the network failed, or CORS refused the request'))
    xhr.send(body)
  })
}

/** The echo event's body (base64 for binary types), or a function's own { bodyBytes, bodySha256 } summary. */
async function receivedBody(text) {
  let event
  try {
    event = JSON.parse(text)
  } catch {
    return null
  }
  if (typeof event?.bodySha256 === 'string') return { bytes: event.bodyBytes, sha256: event.bodySha256 }
  if (typeof event?.body !== 'string') return null
  let bytes
  if (event.isBase64Encoded) {
    const binary = atob(event.body)
    bytes = new Uint8Array(binary.length)
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  } else {
    bytes = new TextEncoder().encode(event.body)
  }
  await init()
  return { bytes: bytes.byteLength, sha256: sha256Hex(bytes) }
}

// ---------- start ----------

async function main() {
  await loadSettings()
  $('guest').addEventListener('click', continueAsGuest)
  $('signin').addEventListener('submit', signIn)
  $('signout').addEventListener('click', signOut)
  $('request-form').addEventListener('submit', sendComposed)
  $('method').addEventListener('change', onMethodOrTarget)
  $('target').addEventListener('change', onMethodOrTarget)
  $('mistakes').addEventListener('click', runMistake)
  $('upload-button').addEventListener('click', upload)
  $('file').addEventListener('change', () => {
    setProgress('hash', 0)
    setProgress('send', 0)
    $('upload-status').textContent = ''
  })
  $('settings-form').addEventListener('submit', applySettings)
  onMethodOrTarget()
  setInterval(tick, 1000)
  await init()
  document.body.dataset.ready = 'true'
  log('Ready: iamfetch loaded. Continue as a guest or sign in.')
}

main().catch((error) => {
  $('mode').textContent = `The page failed to start: ${describeError(error)}`
  $('mode').className = 'mode'
})
