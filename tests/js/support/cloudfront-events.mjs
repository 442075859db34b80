// CloudFront origin-request events (Lambda@Edge's shape) aimed at a local
// origin, and a stand-in for CloudFront that sends on exactly what the
// function returned, adding what CloudFront adds after the function.
import { request as httpRequest } from 'node:http'

/** An origin-request event for `originUrl` (e.g. the stack's function URL). */
export function originRequestEvent(originUrl, { method = 'GET', uri = '/', querystring = '', headers = {}, body, originPath = '', eventType = 'origin-request' } = {}) {
  const origin = new URL(originUrl)
  const cfHeaders = {
    host: [{ key: 'Host', value: 'd111111abcdef8.cloudfront.net' }],
    via: [{ key: 'Via', value: '2.0 2afae0d44e2540f472c0635ab62c232b.cloudfront.net (CloudFront)' }],
    'x-forwarded-for': [{ key: 'X-Forwarded-For', value: '203.0.113.178' }],
    'user-agent': [{ key: 'User-Agent', value: 'Amazon CloudFront' }],
    'accept-encoding': [{ key: 'Accept-Encoding', value: 'gzip' }],
  }
  for (const [name, value] of Object.entries(headers)) {
    cfHeaders[name.toLowerCase()] = (Array.isArray(value) ? value : [value]).map((v) => ({ key: name, value: v }))
  }
  return {
    Records: [{
      cf: {
        config: { distributionDomainName: 'd111111abcdef8.cloudfront.net', distributionId: 'EDFDVBD6EXAMPLE', eventType, requestId: '4TyzHTaYWb1GX1qTfsHhEqV6HUDd_BzoBZnwfnvQc_1oF26ClkoUSEQ==' },
        request: {
          clientIp: '203.0.113.178',
          method,
          uri,
          querystring,
          headers: cfHeaders,
          ...(body === undefined ? {} : { body }),
          origin: {
            custom: {
              customHeaders: {},
              domainName: origin.hostname,
              keepaliveTimeout: 5,
              path: originPath,
              port: Number(origin.port || (origin.protocol === 'https:' ? 443 : 80)),
              protocol: origin.protocol.replace(':', ''),
              readTimeout: 30,
              sslProtocols: ['TLSv1.2'],
            },
          },
        },
      },
    }],
  }
}

/** A body as includeBody delivers it. */
export function includedBody(bytes, { inputTruncated = false } = {}) {
  return { inputTruncated, action: 'read-only', encoding: 'base64', data: Buffer.from(bytes).toString('base64') }
}

/**
 * Sends what a returned cf.request describes, as CloudFront would: to the
 * origin's protocol, host, port and path, with the request's headers and
 * body, plus CloudFront's own per-hop headers (a new via, x-amz-cf-id).
 * `fullBody` replaces a truncated body (CloudFront forwards the whole one).
 * `connectTo` (http://127.0.0.1:PORT) sends to a local server instead of the
 * origin's address, with the origin's Host header, as DNS would resolve it.
 */
export async function forwardAsCloudFront(request, { fullBody, extraHeaders = {}, connectTo } = {}) {
  const origin = request.origin.custom
  const defaultPort = origin.protocol === 'https' ? 443 : 80
  const host = Number(origin.port) === defaultPort ? origin.domainName : `${origin.domainName}:${origin.port}`
  const url = `${origin.protocol}://${host}${origin.path ?? ''}${request.uri}${request.querystring ? `?${request.querystring}` : ''}`
  const hostHeader = request.headers.host?.[0]?.value
  if (hostHeader !== host) throw new Error(`the returned Host header is ${hostHeader}, the origin is ${host}`)
  const headers = new Headers()
  for (const [name, entries] of Object.entries(request.headers)) {
    if (name === 'host') continue
    for (const { value } of entries) headers.append(name, value)
  }
  headers.set('via', '1.1 7c5a2a1b9d0e.cloudfront.net (CloudFront)')
  headers.set('x-amz-cf-id', 'Vt1aQWy7lB5bQ2wGk1u6s0Vq2k7Ve7Xv0Y9zQ9x4lQ2m5y1q0ZJ8rQ==')
  for (const [name, value] of Object.entries(extraHeaders)) headers.set(name, value)
  const body = fullBody ?? (request.body?.data ? Buffer.from(request.body.data, request.body.encoding === 'text' ? 'utf8' : 'base64') : undefined)
  const sentBody = ['GET', 'HEAD'].includes(request.method) ? undefined : body
  if (!connectTo) return fetch(url, { method: request.method, headers, body: sentBody })
  const target = new URL(connectTo)
  const answer = await new Promise((resolve, reject) => {
    const outgoing = httpRequest({
      host: target.hostname,
      port: target.port,
      method: request.method,
      path: url.slice(url.indexOf('/', url.indexOf('//') + 2)),
      headers: { ...Object.fromEntries(headers), host },
    }, resolve)
    outgoing.on('error', reject)
    outgoing.end(sentBody)
  })
  const chunks = []
  for await (const chunk of answer) chunks.push(chunk)
  return new Response(Buffer.concat(chunks), { status: answer.statusCode, headers: answer.headers })
}
