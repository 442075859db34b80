// The request composer: method, target, path, headers and a JSON body, sent
// signed (or through CloudFront OAC, unsigned with the body's hash).
import { client, ensureSession, oacClient } from './identity.js'
import { $, describeError } from './page.js'
import { perform } from './result.js'
import { baseUrlOf, signingFor, urlFor } from './settings.js'
// The package's header-name rule: not in the 'iamfetch' entry, so its module, served with the package at ./iamfetch/.
import { isHeaderName } from './iamfetch/http-rules.js'

const DEFAULT_PATHS = { function: '/hello?from=demo', cloudfront: '/via-cloudfront', api: '/echo' }

function parseHeaders(text) {
  const headers = new Headers()
  for (const [index, raw] of text.split('\n').entries()) {
    const line = raw.trim()
    if (!line) continue
    const colon = line.indexOf(':')
    if (colon < 1) throw new Error(`header line ${index + 1} needs the form name: value`)
    const name = line.slice(0, colon).trim()
    const value = line.slice(colon + 1).trim()
    // Said here in words: the browser's own refusal reads "Failed to execute 'append' on 'Headers'".
    if (!isHeaderName(name)) throw new Error(`header line ${index + 1}: '${name}' is not a valid header name: ASCII letters, digits and !#$%&'*+-.^_\`|~ only`)
    if (/[^\t\x20-\x7e\x80-\xff]/.test(value)) throw new Error(`header line ${index + 1}: the value of ${name} holds characters a header cannot carry (only Latin-1 text)`)
    headers.append(name, value)
  }
  return headers
}

export async function sendComposed(event) {
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
    hint: target === 'api' ? (explanation) => unknownRouteHint(url, explanation) : undefined,
    send: async () => {
      const init = { method, headers, body }
      if (oac) return { response: await oacClient.fetch(url, init), oac }
      return { response: await client.fetch(url, { ...init, aws: signingFor(target) }) }
    },
  })
  showCaller()
}

/** API Gateway answers a path that is no route without CORS headers: the browser sees only a network failure. */
function unknownRouteHint(url, explanation) {
  if (explanation.cause !== 'cors-or-network') return ''
  return `If ${new URL(url).pathname} is not a route of the API, API Gateway answers 403 Missing Authentication Token (REST API) or 404 Not Found (HTTP API) without CORS headers, which the browser reports as this same network failure. Check the path against the API's routes (the demo's is ANY /echo).`
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

export function onMethodOrTarget() {
  const method = $('method').value
  const noBody = method === 'GET' || method === 'HEAD'
  $('body').disabled = noBody
  const path = $('path')
  if (Object.values(DEFAULT_PATHS).includes(path.value)) path.value = DEFAULT_PATHS[$('target').value]
  const target = $('target').value
  const signing = signingFor(target)
  $('target-url').textContent = `${baseUrlOf(target) || '(not configured)'}${target === 'cloudfront' ? ' · unsigned, with x-amz-content-sha256 on PUT and POST' : signing.service ? ` · signed for ${signing.service} in ${signing.region}` : ' · service and region read from the host'}`
}
