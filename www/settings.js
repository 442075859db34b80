// Settings: the query string, else /demo-config.json (the local stack's
// defaults, written by scripts/demo-server.mjs), and the targets they name.
import { $ } from './page.js'

const SETTING_KEYS = ['region', 'identityPoolId', 'userPoolId', 'userPoolClientId', 'functionUrl', 'cloudfrontUrl', 'apiUrl', 'cognitoIdentityEndpoint', 'cognitoIdpEndpoint']

export const settings = {}
export let demoConfig = null
export let stackFaults = false // the local stack answers x-iamfetch-fault: the clock mistakes can be simulated exactly

export async function loadSettings() {
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
