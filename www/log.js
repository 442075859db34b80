// The activity log, and the masking every text the page shows goes through:
// secrets and tokens are kept in memory only and never rendered.
import { $ } from './page.js'

/** Values never to show, with what to show instead. */
const secrets = new Map()

export function keepSecret(value, label) {
  if (typeof value === 'string' && value.length >= 8) secrets.set(value, label)
}

/** Masks every secret and token the page has held, and any security token it never held. */
export function redact(text) {
  let out = String(text)
  for (const [value, label] of secrets) out = out.split(value).join(label)
  return out
    .replace(/("x-amz-security-token"\s*:\s*")[^"]+/gi, '$1‹session token hidden›')
    .replace(/(x-amz-security-token:)[^\s‹]+/gi, '$1‹session token hidden›')
    .replace(/(X-Amz-Security-Token=)[^&\s‹]+/g, '$1‹session token hidden›')
}

export function log(text, kind = '') {
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
