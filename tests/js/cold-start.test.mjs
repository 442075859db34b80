// What a cold start in Node costs, held in place: an entry is a few modules
// (Node's loader pays for each one; js/dist is bundled by
// scripts/bundle-dist.mjs), every module the package exports, or the tests
// and the bench import from dist, shares one copy of the package's state, and
// loading the core reads its .wasm without loading Node's fetch.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { distEntry } from './support/paths.mjs'
import { runRecorded } from './support/load-recorder.mjs'

/** The entry (with Node's wasm loader), the .wasm URLs, the shared chunk and the core's glue. */
const MAX_MODULES_TO_SIGN = 4

const APP = `
import { appendFileSync } from 'node:fs'
const { AwsV4Signer } = await import(process.argv[2])
const signed = await new AwsV4Signer({ url: 'https://abc.lambda-url.us-east-1.on.aws/x', method: 'POST', body: '{}', accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', service: 'lambda', region: 'us-east-1' }).sign()
appendFileSync(process.env.IAMFETCH_LOG, 'signed ' + signed.headers.get('authorization').split(' ')[0] + '\\n')
`

test(`a cold signature in Node loads at most ${MAX_MODULES_TO_SIGN} of the package's modules`, async () => {
  const lines = await runRecorded(APP, { under: '/dist/', args: [distEntry] })
  assert.equal(lines.at(-1), 'signed AWS4-HMAC-SHA256')
  const modules = lines.filter((line) => line.startsWith('import ') && !line.endsWith('.wasm'))
  assert.ok(modules.some((line) => line.endsWith('/dist/index.node.js')), `module loads are recorded (the hooks work): ${lines}`)
  assert.ok(modules.length <= MAX_MODULES_TO_SIGN, `${modules.length} modules loaded to sign: ${modules.join(', ')}`)
})

test('the entries and the modules imported from dist share one state: one core, one IamFetchError', async () => {
  const dist = (file) => new URL(file, distEntry).href
  const [main, core, proxy] = await Promise.all([import(distEntry), import(dist('core.js')), import(dist('proxy/index.node.js'))])
  await main.init()
  assert.ok(core.currentBindings(), "dist/core.js sees the core that the entry's init() loaded")
  assert.throws(() => proxy.createSigningProxy(null), (error) => error instanceof main.IamFetchError, "the proxy's refusal is the entry's IamFetchError")
})

test("init() reads the core's .wasm from disk without loading Node's fetch (Response, Request: about 18 ms)", async () => {
  const app = `
const { init, sha256Hex } = await import(${JSON.stringify(distEntry)})
await init()
console.log(JSON.stringify({ fetchLoaded: process.moduleLoadList.includes('NativeModule internal/deps/undici/undici'), hash: sha256Hex('abc') }))
`
  const { stdout } = await promisify(execFile)('node', ['--input-type=module', '-e', app], { timeout: 60_000 })
  assert.deepEqual(JSON.parse(stdout), { fetchLoaded: false, hash: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad' })
})
