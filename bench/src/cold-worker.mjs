// workerd cold start: the library is a separate module, imported on the first
// request, so the time from import to the first signature is measurable inside
// the isolate. The bench (runtimes/workerd.mjs) starts a fresh workerd process
// (so a fresh isolate) per sample.
//   /?lib=iamfetch|aws4fetch   import and sign (SigV4)
//   /?lib=iamfetch&alg=sigv4a  the same with SigV4a: after a SigV4 request, its first SigV4a signature
import { POST_1K, SIGV4A, signerOptions } from './common.mjs'

export default {
  async fetch(request) {
    const params = new URL(request.url).searchParams
    const lib = params.get('lib')
    if (!lib) return new Response('noop')
    const t0 = performance.now()
    const m = lib === 'iamfetch' ? await import('./lib-iamfetch.js') : await import('./lib-aws4fetch.js')
    const signed = await new m.AwsV4Signer(signerOptions(POST_1K(), params.get('alg') === 'sigv4a' ? SIGV4A : {})).sign()
    const ms = performance.now() - t0
    return Response.json({ ms, signed: signed.headers.has('authorization') })
  },
}
