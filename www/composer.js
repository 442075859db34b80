// The request composer: method, target, path, headers and a JSON body, sent
// signed (or through CloudFront OAC, unsigned with the body's hash).
import { client, ensureSession, oacClient } from './identity.js'
import { $, describeError } from './page.js'
import { perform } from './result.js'
import { baseUrlOf, signingFor, urlFor } from './settings.js'

const DEFAULT_PATHS = { function: '/hello?from=demo', cloudfront: '/via-cloudfront', api: '/echo' }

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
