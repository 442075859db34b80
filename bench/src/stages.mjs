// The stages of one iamfetch signature, timed apart beside the whole calls so
// that a cost in the wrapper shows where it is: building the call's text, the
// bare wasm call, reading the answer, and the Request the client builds. They
// import the package's own modules (the same instances `iamfetch` loads),
// which no user imports. Measured on the 1 KB POST, the reference case.
import { encodeSigningCall } from '../../js/dist/options.js'
import { currentBindings } from '../../js/dist/core.js'
import { decodeAnswer } from '../../js/dist/wire.js'
import { AMZ_DATE, STAGES, credentialsOf } from './common.mjs'

/** The stages of signing case `c`, as measure() takes them ({ name: { run, sync } }). */
export async function stagesOf(iamfetch, c) {
  await iamfetch.init()
  const url = new URL(c.url)
  const bytes = c.body === undefined ? new Uint8Array(0) : typeof c.body === 'string' ? new TextEncoder().encode(c.body) : c.body
  const input = {
    method: c.method, url: url.href, host: url.hostname, headers: Object.entries(c.headers), credentials: credentialsOf(c),
    settings: { service: 'lambda', region: 'us-east-1', datetime: AMZ_DATE }, payload: { bytes }, declaresHash: false, diagnostics: false,
  }
  const { call } = encodeSigningCall(input)
  const core = currentBindings('core')
  const answer = core.sign(call, bytes)
  if (decodeAnswer(answer).error) throw new Error(`the stage's call is refused: ${answer}`)
  const init = { method: c.method, headers: c.headers, body: c.body }
  const stage = (run) => ({ sync: true, run })
  return {
    [STAGES[0]]: stage(() => encodeSigningCall(input).call),
    [STAGES[1]]: stage(() => core.sign(call, bytes)),
    [STAGES[2]]: stage(() => decodeAnswer(answer)),
    [STAGES[3]]: stage(() => new Request(c.url, init)),
  }
}
