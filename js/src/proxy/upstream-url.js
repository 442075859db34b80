// The one upstream the proxy forwards to, and the URL of each request there:
// nothing a viewer sends can leave the upstream's origin or its base path.
import { invalidOptions } from '../options.js'

/** The `upstream` option: an http(s) origin, optionally with a base path; nothing else. */
export function upstreamBase(upstream) {
  let url
  try {
    url = new URL(String(upstream))
  } catch {
    throw invalidOptions('upstream must be an absolute http(s) URL, e.g. https://abc.lambda-url.eu-west-1.on.aws')
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalidOptions('upstream must be an http(s) URL')
  if (url.username || url.password || url.search || url.hash) throw invalidOptions('upstream cannot carry credentials, a query or a fragment')
  return { origin: url.origin, basePath: url.pathname.replace(/\/+$/, '') }
}

/**
 * The viewer's path and query appended to the upstream, or undefined. The
 * path comes from the parsed request URL (dot segments already resolved), and
 * the result must keep the upstream's origin and base path: `//host`, `@host`
 * or encoded tricks cannot reach anywhere else.
 */
export function upstreamUrl({ origin, basePath }, requestUrl) {
  let target
  try {
    target = new URL(`${origin}${basePath}${requestUrl.pathname}${requestUrl.search}`)
  } catch {
    return undefined
  }
  if (target.origin !== origin) return undefined
  if (basePath && target.pathname !== basePath && !target.pathname.startsWith(`${basePath}/`)) return undefined
  return target.href
}
