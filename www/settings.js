// Settings. Two modes, never mixed:
// - the local stack: no resource named in the query string; everything comes
//   from /demo-config.json (written by scripts/demo-server.mjs);
// - your own AWS account: the query string names at least one resource; then
//   only the query counts, and what it leaves out is derived from AWS's
//   defaults (region from the ids and hosts, Cognito's regional endpoints) or
//   reported as missing.
import { $ } from './page.js'

const RESOURCE_KEYS = ['identityPoolId', 'userPoolId', 'userPoolClientId', 'functionUrl', 'cloudfrontUrl', 'apiUrl']
const SETTING_KEYS = ['region', ...RESOURCE_KEYS, 'cognitoIdentityEndpoint', 'cognitoIdpEndpoint']
const URL_KEYS = ['functionUrl', 'cloudfrontUrl', 'apiUrl', 'cognitoIdentityEndpoint', 'cognitoIdpEndpoint']
const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d+$/
const IDENTITY_POOL_ID = /^([a-z]{2}(?:-[a-z]+)+-\d+):[0-9a-f-]{36}$/

export const settings = {}
export let demoConfig = null
export let stackFaults = false // the local stack answers x-iamfetch-fault: the clock mistakes can be simulated exactly
/** What keeps the page from starting a session, in words; '' when nothing does. */
export let settingsProblem = ''

/** The region an id or an AWS host names: eu-west-1:…, eu-west-1_…, ….lambda-url.eu-west-1.on.aws, ….execute-api.eu-west-1.amazonaws.com. */
function regionNamedBy(value) {
  return /^([a-z]{2}(?:-[a-z]+)+-\d+)[:_]/.exec(value)?.[1]
    ?? /\.(?:lambda-url|execute-api)\.([a-z0-9-]+)\.(?:on\.aws|amazonaws\.com)(?::\d+)?(?:\/|$)/.exec(value)?.[1]
}

/** The Cognito endpoints: the ones set, else AWS's in the region of the pool they serve. */
export const cognitoIdentityEndpoint = () => settings.cognitoIdentityEndpoint || `https://cognito-identity.${regionNamedBy(settings.identityPoolId) ?? settings.region}.amazonaws.com/`
export const cognitoIdpEndpoint = () => settings.cognitoIdpEndpoint || `https://cognito-idp.${regionNamedBy(settings.userPoolId) ?? settings.region}.amazonaws.com/`

function problemsOf(values) {
  const problems = []
  const missing = ['identityPoolId', 'functionUrl'].filter((key) => !values[key])
  if (missing.length) problems.push(`Set ${missing.join(' and ')} in the settings below first.`)
  if (values.identityPoolId && !IDENTITY_POOL_ID.test(values.identityPoolId)) problems.push(`identityPoolId '${values.identityPoolId}' does not look like <region>:<guid>.`)
  if (!values.region) problems.push('region is not set, and none of the ids or URLs names one.')
  else if (!REGION.test(values.region)) problems.push(`region '${values.region}' is not an AWS region name (like eu-west-1).`)
  for (const key of URL_KEYS) {
    if (values[key] && !isHttpUrl(values[key])) problems.push(`${key} '${values[key]}' is not an http(s) URL.`)
  }
  return problems
}

export async function loadSettings() {
  try {
    const response = await fetch('./demo-config.json', { cache: 'no-store' })
    if (response.ok) demoConfig = await response.json()
  } catch {
    demoConfig = null // hosted without the demo server: settings come from the query string
  }
  const query = new URLSearchParams(location.search)
  const given = Object.fromEntries(SETTING_KEYS.map((key) => [key, (query.get(key) ?? '').trim()]))
  const localSettings = demoConfig?.local ? demoConfig.settings : null
  const ownAccount = !localSettings || RESOURCE_KEYS.some((key) => given[key])
  const ignored = ownAccount ? [] : SETTING_KEYS.filter((key) => given[key]).map((key) => `${key}=${given[key]}`)
  Object.assign(settings, ownAccount ? given : localSettings)
  settings.region ||= RESOURCE_KEYS.map((key) => regionNamedBy(settings[key])).find(Boolean) ?? ''
  stackFaults = Boolean(localSettings) && settings.functionUrl === localSettings.functionUrl

  const mode = $('mode')
  if (!ownAccount) {
    mode.textContent = `Local AWS stack on this machine · region ${settings.region} · credentials last ${demoConfig.credentialsLifetimeSeconds} s`
      + (ignored.length ? ` · ${ignored.join(', ')} in the address ignored: it names none of your resources` : '')
    mode.className = 'mode local'
  } else {
    mode.textContent = `Your AWS resources · region ${settings.region || 'not set'}`
    mode.className = 'mode aws'
  }
  // The form holds what the address gave, nothing else: Apply copies it back.
  for (const key of SETTING_KEYS) {
    const input = $(`s-${key}`)
    if (input) input.value = given[key]
  }
  if (ownAccount) {
    if (!given.region && settings.region) $('s-region').placeholder = settings.region
    if (settings.region) {
      $('s-cognitoIdentityEndpoint').placeholder = cognitoIdentityEndpoint()
      $('s-cognitoIdpEndpoint').placeholder = cognitoIdpEndpoint()
    }
  }
  const problems = problemsOf(settings)
  settingsProblem = problems.join(' ')
  if (problems.length) {
    $('settings').open = true
    $('guest').disabled = true
    $('signin-button').disabled = true
    $('setup-error').textContent = settingsProblem
  }
  if (!settings.userPoolId || !settings.userPoolClientId) {
    for (const el of $('signin').querySelectorAll('input, button')) el.disabled = true
    $('demo-user-hint').hidden = false
    $('demo-user-hint').textContent = 'Signing in needs a user pool id and app client id in the settings.'
  } else if (demoConfig?.demoUser && !ownAccount) {
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

export function applySettings(event) {
  event.preventDefault()
  const query = new URLSearchParams()
  for (const key of SETTING_KEYS) {
    const value = $(`s-${key}`).value.trim()
    if (value) query.set(key, value)
  }
  location.search = query.toString()
}

export function baseUrlOf(target) {
  return { function: settings.functionUrl, cloudfront: settings.cloudfrontUrl, api: settings.apiUrl }[target] ?? ''
}

/** AWS hosts name their service and region; anything else (the local stack, custom domains) needs them spelled out. */
export function signingFor(target) {
  const host = safeHost(baseUrlOf(target))
  if (/\.on\.aws$|\.amazonaws\.com$/.test(host)) return {}
  return { service: target === 'api' ? 'execute-api' : 'lambda', region: settings.region }
}

export function regionOf(target) {
  const host = safeHost(baseUrlOf(target))
  return /\.lambda-url\.([a-z0-9-]+)\.on\.aws$/.exec(host)?.[1] ?? /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com$/.exec(host)?.[1] ?? settings.region
}

function isHttpUrl(value) {
  try {
    return /^https?:$/.test(new URL(value).protocol)
  } catch {
    return false
  }
}

function safeHost(url) {
  try {
    return new URL(url).hostname
  } catch {
    return ''
  }
}

export function urlFor(target, path) {
  const base = baseUrlOf(target).replace(/\/+$/, '')
  if (!base) throw new Error(`no URL is configured for this target: set it in the settings`)
  return base + (path.startsWith('/') ? path : `/${path}`)
}
