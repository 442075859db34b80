// The proxy's CORS: it answers browser preflights itself (without a token,
// which a preflight never carries) and puts its own CORS headers on every
// answer, the upstream's and its own refusals alike.
import { invalidOptions, rejectUnknownOptions } from '../options.js'

/** The `cors` option, checked, with its defaults. */
export function corsConfig(cors) {
  rejectUnknownOptions(cors, ['allowOrigins', 'allowHeaders', 'exposeHeaders', 'maxAge', 'allowCredentials'], 'cors')
  const { allowOrigins, allowHeaders, exposeHeaders, maxAge = 600, allowCredentials = false } = cors
  if (allowOrigins !== '*' && !Array.isArray(allowOrigins)) throw invalidOptions("cors.allowOrigins must be '*' or an array of origins")
  if (allowOrigins === '*' && allowCredentials) throw invalidOptions("cors: allowCredentials cannot go with allowOrigins '*'")
  return {
    origins: allowOrigins === '*' ? '*' : new Set(allowOrigins.map((o) => String(o).replace(/\/$/, '').toLowerCase())),
    allowHeaders: (allowHeaders ?? ['authorization', 'content-type', 'x-amz-content-sha256']).map((h) => h.toLowerCase()),
    exposeHeaders: exposeHeaders ?? ['date', 'x-amzn-requestid', 'x-amzn-errortype', 'x-iamfetch-proxy-error'],
    maxAge,
    allowCredentials,
  }
}

/** Whether a request is a browser's preflight (an OPTIONS asking about another method). */
export function isPreflight(method, headers) {
  return method === 'OPTIONS' && headers.has('access-control-request-method')
}

/** The upstream's own CORS headers: replaced by the proxy's, which are the ones its viewers are allowed by. */
export function isCorsHeader(name) {
  return name.startsWith('access-control-')
}

function allowedOrigin(policy, origin) {
  if (!origin) return undefined
  if (policy.origins === '*') return '*'
  return policy.origins.has(origin.toLowerCase()) ? origin : undefined
}

/** Adds the CORS headers of an answer to `origin`. */
export function addCorsHeaders(headers, policy, origin) {
  const allowed = allowedOrigin(policy, origin)
  headers.append('vary', 'Origin')
  if (!allowed) return
  headers.set('access-control-allow-origin', allowed)
  if (policy.exposeHeaders.length) headers.set('access-control-expose-headers', policy.exposeHeaders.join(', '))
  if (policy.allowCredentials) headers.set('access-control-allow-credentials', 'true')
}

/** The answer to a preflight: 204 with what is allowed, or 403 for an origin that is not. */
export function preflight(policy, origin, methods) {
  const headers = new Headers({ 'cache-control': 'no-store' })
  const allowed = allowedOrigin(policy, origin)
  headers.set('vary', 'Origin')
  if (!allowed) return new Response(null, { status: 403, headers })
  headers.set('access-control-allow-origin', allowed)
  headers.set('access-control-allow-methods', [...methods].join(', '))
  headers.set('access-control-allow-headers', policy.allowHeaders.join(', '))
  headers.set('access-control-max-age', String(policy.maxAge))
  if (policy.allowCredentials) headers.set('access-control-allow-credentials', 'true')
  return new Response(null, { status: 204, headers })
}
