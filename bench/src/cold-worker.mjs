// workerd cold start: the library is a separate module, imported on the first
// request, so the time from import to the first signature is measurable inside
// the isolate. run.mjs starts a fresh workerd process (so a fresh isolate) per sample.
import { COLD_CASE, ACCESS_KEY_ID, SECRET_ACCESS_KEY } from './common.mjs'

export default {
  async fetch(request) {
    const lib = new URL(request.url).searchParams.get('lib')
    if (!lib) return new Response('noop')
    const c = COLD_CASE()
    const t0 = performance.now()
    const m = lib === 'iamfetch' ? await import('./lib-iamfetch.js') : await import('./lib-aws4fetch.js')
    const signer = new m.AwsV4Signer({
      method: c.method, url: c.url, headers: c.headers, body: c.body,
      accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY, sessionToken: c.sessionToken,
      service: 'lambda', region: 'us-east-1',
    })
    const signed = await signer.sign()
    const ms = performance.now() - t0
    return Response.json({ ms, signed: signed.headers.has('authorization') })
  },
}
