// Which headers cross the proxy: the viewer's that go to the upstream (and
// are signed there), and the upstream's that come back to the viewer.
import { invalidOptions } from '../options.js'
import { HOP_BY_HOP, SET_BY_SIGNER, isHeaderName } from '../http-rules.js'

/** Viewer headers forwarded (and signed) unless `forwardHeaders` says otherwise. */
export const DEFAULT_FORWARD_HEADERS = [
  'accept', 'accept-language', 'cache-control', 'content-disposition', 'content-encoding', 'content-language',
  'content-type', 'if-match', 'if-modified-since', 'if-none-match', 'if-unmodified-since',
]

/** Never taken from the viewer or from addHeaders, and refused in forwardHeaders. */
export const NEVER_FORWARDED = new Set([
  // They describe the viewer's connection; the upstream connection has its own.
  ...HOP_BY_HOP,
  // The signature's own: the signer writes them for the upstream (host is the upstream's).
  ...SET_BY_SIGNER,
  // The viewer's credentials, which are for the proxy and not the upstream: its Bearer token and its cookies.
  'authorization', 'cookie',
  // The viewer's framing and hop trace: fetch frames the body it sends itself, and the upstream hop is the proxy's.
  'content-length', 'expect', 'via',
])

/** The `forwardHeaders` option as a set of lower-case names; a name that is none, or is never forwarded, is refused. */
export function forwardedHeaderNames(names) {
  if (!Array.isArray(names)) throw invalidOptions('forwardHeaders must be an array of header names')
  const forwarded = new Set(names.map((name) => {
    if (!isHeaderName(name)) throw invalidOptions(`forwardHeaders: ${JSON.stringify(name)} is not a header name`)
    return name.toLowerCase()
  }))
  const refused = [...forwarded].filter((name) => NEVER_FORWARDED.has(name))
  if (refused.length) throw invalidOptions(`forwardHeaders cannot include ${refused.join(', ')}: the proxy strips or sets these itself`)
  return forwarded
}

/** Headers that a Connection header declares hop-by-hop. */
function listedInConnection(headers) {
  return new Set((headers.get('connection') ?? '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean))
}

/** The headers of the upstream request: the viewer's that are forwarded, and what the proxy adds to every request. */
export function upstreamHeaders(viewerHeaders, forwarded) {
  const headers = new Headers()
  const connectionListed = listedInConnection(viewerHeaders)
  for (const [name, value] of viewerHeaders) {
    if (forwarded.has(name) && !connectionListed.has(name)) headers.append(name, value)
  }
  // The runtime's fetch would decode a compressed answer but keep its content-encoding.
  headers.set('accept-encoding', 'identity')
  return headers
}

/** Adds the headers addHeaders returned; they win over the viewer's, and cannot be the signature's or hop-by-hop ones. */
export function addClaimHeaders(headers, added) {
  for (const [name, value] of new Headers(added)) {
    if (!NEVER_FORWARDED.has(name)) headers.set(name, value)
  }
}

/** The headers of the answer relayed to the viewer: the upstream's, without hop-by-hop ones and those `dropped(name)` says. */
export function relayedHeaders(upstream, dropped = () => false) {
  const headers = new Headers()
  const connectionListed = listedInConnection(upstream)
  for (const [name, value] of upstream) {
    if (HOP_BY_HOP.includes(name) || connectionListed.has(name) || dropped(name)) continue
    headers.append(name, value)
  }
  return headers
}
