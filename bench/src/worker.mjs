// The workerd side, bundled by bundle.mjs (conditions workerd/worker/browser, the
// .wasm kept as an imported module as Wrangler does). Routes return what node.mjs prints:
//   /clock  /sign?budget=  /sigv4a?budget=  /hash-warm?budget=  /hash-cold?impl=&size=
import * as iamfetch from 'iamfetch'
import { stagesOf } from './stages.mjs'
// The SigV4a rows: a Worker bundles the SigV4a build only when it imports it.
import 'iamfetch/sigv4a'
import * as aws4fetch from 'aws4fetch'
import { SignatureV4 } from '@smithy/signature-v4'
import { SignatureV4a } from '@smithy/signature-v4a'
import { Sha256 as Sha256Js } from '@aws-crypto/sha256-js'
import { WebCryptoSha256 } from '@aws-crypto/sha256-browser'
import { signRequest as amplifySignRequest } from '@aws-amplify/core/internals/aws-client-utils'
import * as hashWasm from 'hash-wasm'
import { clockResolution, runHashCold, runHashWarm, runSigV4a, runSigning } from './common.mjs'

const now = () => performance.now()

// hash-wasm compiles its wasm from bytes at run time, which workerd (like
// Cloudflare) may refuse: find out once and leave it out if so.
let hashWasmError
async function libs() {
  let usable = hashWasm
  try {
    await hashWasm.createSHA256()
  } catch (error) {
    hashWasmError = String(error?.message ?? error)
    usable = null
  }
  return { iamfetch, aws4fetch, SignatureV4, SignatureV4a, Sha256Js, WebCryptoSha256, amplifySignRequest, hashWasm: usable, stagesOf }
}

export default {
  async fetch(request) {
    const url = new URL(request.url)
    const q = (name) => url.searchParams.get(name)
    const resolution = clockResolution(now)
    // workerd's clock ticks in whole milliseconds: batches span at least 20 ticks.
    const timing = { now, budgetMs: Number(q('budget') ?? 1000), minBatchMs: 20 * resolution }
    try {
      let result
      if (url.pathname === '/clock') result = { resolution }
      else if (url.pathname === '/sign') result = await runSigning(await libs(), timing)
      else if (url.pathname === '/sigv4a') result = await runSigV4a(await libs(), timing)
      else if (url.pathname === '/hash-warm') result = { ...(await runHashWarm(await libs(), timing)), hashWasmError }
      else if (url.pathname === '/hash-cold') {
        const l = await libs()
        if (q('impl').startsWith('hash-wasm') && !l.hashWasm) result = { error: hashWasmError }
        else result = await runHashCold(l, q('impl'), q('size'), now)
      } else return new Response('not found', { status: 404 })
      return Response.json(result)
    } catch (error) {
      return Response.json({ error: String(error?.stack ?? error) }, { status: 500 })
    }
  },
}
