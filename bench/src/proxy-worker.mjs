// The edge-proxy measurement: a minimal worker that signs with AwsClient and
// forwards to the local stack (MODE=sign), or forwards a request the client
// already signed, unchanged (MODE=pass), to price the extra hop alone.
// Not iamfetch/proxy's createSigningProxy, which does not exist yet.
import { AwsClient } from 'iamfetch'

let client
export default {
  async fetch(request, env) {
    const url = new URL(request.url)
    const target = env.UPSTREAM + url.pathname + url.search
    if (env.MODE === 'pass') return fetch(target, request)
    client ??= new AwsClient({
      accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
      service: env.SERVICE, region: env.REGION, retries: 0,
    })
    const headers = new Headers(request.headers)
    headers.delete('host')
    return client.fetch(target, { method: request.method, headers, body: request.body == null ? undefined : await request.arrayBuffer() })
  },
}
