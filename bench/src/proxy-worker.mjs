// The edge-proxy measurement, one worker in three modes:
//   MODE=proxy  iamfetch/proxy's createSigningProxy (no viewer token check) signs and forwards;
//   MODE=sign   a minimal worker that signs with AwsClient and forwards (the floor
//               for any signing proxy built on iamfetch);
//   MODE=pass   forwards a request the client already signed, unchanged, to price
//               the extra hop alone.
import { AwsClient } from 'iamfetch'
import { createSigningProxy } from 'iamfetch/proxy'

let client
let proxy
export default {
  async fetch(request, env) {
    const url = new URL(request.url)
    const target = env.UPSTREAM + url.pathname + url.search
    if (env.MODE === 'pass') return fetch(target, request)
    if (env.MODE === 'proxy') {
      proxy ??= createSigningProxy({
        upstream: env.UPSTREAM, verify: false, region: env.REGION, service: env.SERVICE, retries: 0,
        credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY },
      })
      return proxy(request)
    }
    client ??= new AwsClient({
      accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
      service: env.SERVICE, region: env.REGION, retries: 0,
    })
    // Forward only what describes the body: the client's own hop headers
    // (accept-encoding, connection, ...) are not the upstream's business.
    const headers = {}
    for (const name of ['content-type']) if (request.headers.has(name)) headers[name] = request.headers.get(name)
    try {
      return await client.fetch(target, { method: request.method, headers, body: request.body == null ? undefined : await request.arrayBuffer() })
    } catch (error) {
      // iamfetch's messages never hold a secret or a token.
      return new Response(`${error?.code ?? ''} ${error?.message ?? error}`, { status: 502 })
    }
  },
}
