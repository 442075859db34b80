// Random, mostly malformed input to every public signing and hashing API:
// each call either succeeds or fails with an IamFetchError whose code is in
// the error-code table, never a TypeError, a RangeError or a hang. Seeded, so a
// failure names the case that reproduces it (FUZZ_SEED, FUZZ_CASES).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { distEntry } from './support/paths.mjs'
import { errorCodes } from '../../scripts/error-codes.mjs'

const { AwsClient, AwsV4Signer, IamFetchError, Sha256, explainFailure, init, sha256Hex, signRequest } = await import(distEntry)

const CASES = Number(process.env.FUZZ_CASES ?? 1500)
const SEED = Number(process.env.FUZZ_SEED ?? 20261202)
const SOURCE_FAILURE = new Error('the body stream failed')
const codes = new Set(Object.entries(errorCodes()).filter(([, entry]) => entry.group !== 'proxy').map(([code]) => code))

/** mulberry32: small, seeded, good enough to spread cases. */
function prng(seed) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function generators(random) {
  const int = (n) => Math.floor(random() * n)
  const pick = (items) => items[int(items.length)]
  const chars = ['a', 'Z', '0', '-', '_', '.', '~', '/', '?', '#', '&', '=', '%', '%2', '%zz', '+', ' ', '\t', '\n', '\r', '\0', ':', '@', '[', ']', 'é', '\u{1F600}', '\uD800', '"', '\\', '*', '!', ',', ';']
  const text = (max = 24) => Array.from({ length: int(max) }, () => pick(chars)).join('')
  // Objects with no usable primitive value: String() of each throws.
  const noPrimitive = () => pick([Object.create(null), { toString: 1 }, { toString: 1, valueOf: 1 }, { [Symbol.toPrimitive]() { throw new Error('no primitive') } }, { toString() { throw new RangeError('no string') } }])
  const junk = () => pick([undefined, null, 0, -1, 1.5, NaN, Infinity, 2 ** 60, true, '', text(), [], [text()], {}, { toString: () => text() }, Symbol('s'), () => {}, new Date(NaN), 10n, noPrimitive(), noPrimitive()])
  const url = () => pick([
    `https://abc.lambda-url.eu-west-1.on.aws/${text()}`,
    `https://bucket.s3.us-east-1.amazonaws.com/${text()}?${text()}`,
    `https://${text(8)}.execute-api.us-west-2.amazonaws.com/${text()}`,
    `http://127.0.0.1:${int(70000)}/${text()}`,
    `wss://${text(6)}/`,
    text(),
    new URL(`https://example.com/${text()}`),
    junk(),
  ])
  const headers = () => pick([
    undefined,
    Object.fromEntries(Array.from({ length: int(4) }, () => [pick([text(6), 'x-amz-content-sha256', 'host', 'x-amz-date', 'authorization', 'content-type']), pick([text(), junk()])])),
    Array.from({ length: int(3) }, () => pick([[text(5), text()], [text(5)], junk()])),
    junk(),
  ])
  const chunk = () => pick([new Uint8Array([int(256)]), new Uint16Array([int(65536)]).buffer, new DataView(new ArrayBuffer(2)), text(4), junk()])
  const stream = () => new ReadableStream({
    start(controller) {
      for (let i = int(3); i > 0; i--) controller.enqueue(chunk())
      if (random() < 0.8) controller.close()
      else controller.error(SOURCE_FAILURE)
    },
  })
  const body = () => pick([undefined, null, text(), new TextEncoder().encode(text()), new Uint8Array(8).buffer, new Blob([text()]), new URLSearchParams(text()), stream, junk])
  const method = () => pick(['GET', 'POST', 'put', 'HEAD', 'TRACE', 'CONNECT', text(6), junk()])
  const credentials = () => ({
    accessKeyId: pick(['AKIDEXAMPLE', 'AKIDEXAMPLE', text(), junk()]),
    secretAccessKey: pick(['wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', text(), junk()]),
    ...(random() < 0.5 ? { sessionToken: pick(['token-value', text(), junk()]) } : {}),
  })
  const settings = () => {
    const options = {}
    for (const key of ['service', 'region', 'signingAlgorithm', 'regionSet', 'datetime', 'signQuery', 'expiresIn', 'appendSessionToken', 'allHeaders', 'singleEncode', 'excludedHeaders', 'contentHashHeader', 'payloadHash', text(5)]) {
      if (random() < 0.1) options[key] = pick([junk(), text(), 'lambda', 'us-east-1', '20261121T101010Z', 3600, ['x-a'], 'include', 'omit', 'UNSIGNED-PAYLOAD', 'sigv4a', ['*'], [text()]])
    }
    // SigV4a is a second wasm build: reach it often, with sets of every kind.
    if (random() < 0.2) Object.assign(options, { signingAlgorithm: 'sigv4a', regionSet: pick([undefined, ['*'], ['us-east-1', 'eu-*'], [text()], [], junk()]) })
    return options
  }
  // A Request whose stream may yield strings, objects or numbers, which fetch would refuse.
  const request = () => {
    const init = { method: pick(['POST', 'PUT', 'PATCH']), headers: pick([undefined, { 'content-type': 'text/plain' }, { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' }]), duplex: 'half' }
    const requestBody = pick([stream(), stream(), text(), new Blob([text()]), undefined])
    const made = new Request(pick(['https://abc.lambda-url.eu-west-1.on.aws/r', `https://bucket.s3.us-east-1.amazonaws.com/k${int(1000)}`]), { ...init, body: requestBody })
    if (random() < 0.05) made.text().catch(() => {}) // read already: bodyUsed
    return made
  }
  // Client options beyond signing: callbacks and counts, each sometimes junk.
  const clientOptions = () => {
    const options = {}
    if (random() < 0.3) options.onHashProgress = pick([() => {}, junk(), noPrimitive()])
    if (random() < 0.2) options.maxBufferedBodyBytes = pick([1, 1 << 20, Infinity, junk()])
    if (random() < 0.1) options[pick(['retries', 'initRetryMs', 'maxRetryDelayMs', 'refreshMarginMs'])] = pick([0, junk()])
    if (random() < 0.1) options.fetch = junk()
    return options
  }
  const materialize = (value) => (typeof value === 'function' && (value === stream || value === junk) ? value() : value)
  return { int, pick, random, url, headers, body: () => materialize(body()), method, credentials, settings, junk, text, request, clientOptions }
}

/** The calls one case makes, each with a description for the failure message. */
function calls(g) {
  return [
    ['signRequest', () => signRequest({ method: g.method(), url: g.url(), headers: g.headers(), body: g.body() }, { ...g.credentials(), ...g.settings() })],
    ['signRequest(junk)', () => signRequest(g.junk(), g.junk())],
    ['AwsV4Signer', async () => {
      const signer = new AwsV4Signer({ method: g.method(), url: g.url(), headers: g.headers(), body: g.body(), ...g.credentials(), ...g.settings() })
      // Any step, and sometimes a diagnosis after signing (query mode diagnoses the request signed, not the presigned URL).
      await signer[g.pick(['sign', 'sign', 'authHeader', 'signature', 'stringToSign', 'canonicalString', 'hexBodyHash'])]()
      if (g.random() < 0.1) await signer.canonicalString()
    }],
    ['AwsClient.sign', () => new AwsClient({ ...g.credentials(), ...g.settings(), ...g.clientOptions() }).sign(g.url(), g.pick([
      { method: g.method(), headers: g.headers(), body: g.body(), aws: { ...g.settings(), ...g.pick([{}, { onHashProgress: g.junk() }]) } },
      { method: g.method(), headers: g.headers(), body: g.body(), signal: g.pick([undefined, g.junk()]) },
      g.junk(),
    ]))],
    // One of the two per case: a Request with a body costs a clone and a read (about 1 ms each in Node 20).
    g.random() < 0.5
      ? ['signRequest(Request)', () => signRequest(g.request(), { ...g.credentials(), ...g.settings() })]
      : ['AwsClient.sign(Request)', () => new AwsClient({ ...g.credentials(), service: 'lambda', region: 'us-east-1', ...g.clientOptions() }).sign(g.request())],
    ['AwsClient.presign', () => new AwsClient({ ...g.credentials(), service: 'lambda', region: 'us-east-1' }).presign(g.url(), { expiresIn: g.pick([60, -1, 0, 604801, 1.5, g.junk()]), method: g.method(), headers: g.headers() })],
    // Anything a fetch may answer or throw, with anything as the signed Request.
    ['explainFailure', () => explainFailure(
      g.pick([new Response(g.text(), { status: g.pick([400, 403, 500]) }), new Error(g.text()), Object.assign(new Error('aborted'), { name: 'AbortError' }), g.junk()]),
      g.pick([undefined, new Request('https://abc.lambda-url.eu-west-1.on.aws/'), g.junk()]),
    )],
    ['sha256Hex', () => sha256Hex(g.pick([g.text(), g.body(), g.junk()]))],
    ['Sha256', () => new Sha256().update(g.pick([g.text(), g.junk()])).digest()],
    // The core is loaded: a source for it is ignored, anything else is refused. (Not sigv4a or
    // diagnostics: a junk source accepted for them would fail every later signature of that build.)
    ['init', () => init(g.pick([g.junk(), g.text(), { core: g.junk() }, { [g.text(4)]: g.junk() }]))],
  ]
}

test(`${CASES} random cases across the signing and hashing APIs: success or a typed IamFetchError`, async () => {
  await init()
  const random = prng(SEED)
  const g = generators(random)
  const outcomes = { ok: 0 }
  const timings = {}
  for (let n = 0; n < CASES; n++) {
    for (const [name, call] of calls(g)) {
      const started = performance.now()
      try {
        await call()
        outcomes.ok++
      } catch (error) {
        // A body stream's own failure reaches the caller unchanged, as fetch's reader would see it.
        if (error === SOURCE_FAILURE) {
          outcomes.sourceFailure = (outcomes.sourceFailure ?? 0) + 1
          continue
        }
        const where = `case ${n} (FUZZ_SEED=${SEED}) ${name}`
        assert.ok(error instanceof IamFetchError, `${where}: ${error?.constructor?.name}: ${error?.message}\n${error?.stack}`)
        assert.ok(codes.has(error.code), `${where}: code ${error.code} is not in the error-code table`)
        outcomes[error.code] = (outcomes[error.code] ?? 0) + 1
      } finally {
        if (process.env.FUZZ_PROFILE) timings[name] = (timings[name] ?? 0) + performance.now() - started
      }
    }
  }
  // A generator that fails everything up front would prove nothing.
  assert.ok(outcomes.ok > CASES, `only ${outcomes.ok} calls succeeded`)
  const inputs = Object.values(outcomes).reduce((sum, count) => sum + count, 0)
  console.log({ seed: SEED, cases: CASES, inputs, ...outcomes })
  if (process.env.FUZZ_PROFILE) console.log(timings)
})
