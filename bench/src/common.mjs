// What every runtime measures, written once: the requests, the signers, the
// hashers and the timing loop. Each runtime entry (node.mjs, browser.mjs,
// worker.mjs) imports its libraries statically and hands them in, so bundles
// stay plain and nothing here depends on where it runs.

// Made-up keys, the same as examples/bench_native.rs: nothing here is a secret.
export const ACCESS_KEY_ID = 'AKIDBENCHMARKEXAMPLE'
export const SECRET_ACCESS_KEY = 'bench/secret/not-a-real-key/0123456789abcdef'
// 2025-11-21T04:40:00Z, as in bench_native.rs, so every signer signs the same string.
export const SIGNING_TIME_MS = 1_763_700_000_000
export const AMZ_DATE = new Date(SIGNING_TIME_MS).toISOString().replace(/[:-]|\.\d{3}/g, '')
const HOST = 'abcdefghijklmnopqrstuvwxyz012345.lambda-url.us-east-1.on.aws'

/** Deterministic bytes (xorshift32 from seed 1), the same as bench_native.rs. */
export function bytes(len) {
  const out = new Uint8Array(len)
  let x = 1
  for (let i = 0; i < len; i++) {
    x ^= x << 13; x >>>= 0
    x ^= x >>> 17
    x ^= x << 5; x >>>= 0
    out[i] = x & 0xff
  }
  return out
}

/** `{"items":"xxx...x"}`, exactly `len` bytes. */
export function jsonBody(len) {
  return `{"items":"${'x'.repeat(len - 12)}"}`
}

/** A session token as long as a Cognito identity pool's (1 KB). */
export function sessionToken() {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
  let s = ''
  for (let i = 0; i < 1024; i++) s += alphabet[(i * 7 + 3) % 64]
  return s
}

/** The three requests of the signing benchmark. */
export function signingCases() {
  return [
    { name: 'get', label: 'GET, no body', method: 'GET', url: `https://${HOST}/orders?limit=10&cursor=abc`, headers: {}, body: undefined },
    {
      name: 'post1k', label: 'POST 1 KB JSON + session token', method: 'POST', url: `https://${HOST}/orders`,
      headers: { 'content-type': 'application/json' }, body: jsonBody(1024), sessionToken: sessionToken(),
    },
    {
      name: 'post1m', label: 'POST 1 MB body', method: 'POST', url: `https://${HOST}/orders`,
      headers: { 'content-type': 'application/octet-stream' }, body: bytes(1 << 20),
    },
  ]
}

/** The rows of bench/src/stages.mjs: iamfetch's wrapper, stage by stage, on the 1 KB POST. */
export const STAGES = [
  'stage: encode the call (encodeSigningCall)',
  'stage: bare wasm call (call built once)',
  'stage: decode the answer (decodeAnswer)',
  'stage: new Request(url, init) alone',
]

/** The 1 KB POST with a session token: the cold-start and SigV4a rows sign it. */
export const POST_1K = () => signingCases()[1]

export const credentialsOf = (c) => ({ accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY, sessionToken: c.sessionToken })

/** iamfetch's and aws4fetch's AwsV4Signer options for one case, with `extra` (datetime, cache, SigV4a's settings). */
export const signerOptions = (c, extra) => ({
  method: c.method, url: c.url, headers: c.headers, body: c.body, ...credentialsOf(c),
  service: 'lambda', region: 'us-east-1', ...extra,
})

/** A case as @smithy/signature-v4(a) takes it: an HttpRequest-shaped object. */
export const smithyRequest = (c) => {
  const u = new URL(c.url)
  return {
    method: c.method, protocol: u.protocol, hostname: u.hostname, path: u.pathname,
    query: Object.fromEntries(u.searchParams), headers: { host: u.host, ...c.headers }, body: c.body,
  }
}

/** Amplify v6's `signRequest`, exported by `@aws-amplify/core/internals/aws-client-utils` but not documented. */
export const AMPLIFY_SIGNER = 'Amplify v6 signRequest (internal export)'

/**
 * The signers, each `(case) => Promise<signature hex>`. `libs` holds what the
 * runtime entry imported: iamfetch, aws4fetch, SignatureV4, Sha256Js, WebCryptoSha256,
 * amplifySignRequest. Every signer keeps what its library keeps between calls in
 * real use: aws4fetch's signing-key cache, one SignatureV4 instance (which caches
 * keys too), one client. Amplify's signRequest keeps nothing: it derives the
 * signing key on every call.
 */
export function makeSigners(libs) {
  const { iamfetch, aws4fetch, SignatureV4, Sha256Js, WebCryptoSha256, amplifySignRequest } = libs
  const signatureOf = (authorization) => /Signature=([0-9a-f]{64})/.exec(authorization)[1]
  const authSignature = (headers) => signatureOf(headers.get('authorization'))

  const iamCache = new Map()
  const a4fCache = new Map()
  const clients = new Map()
  const clientFor = (lib, c) => {
    const key = `${lib === iamfetch ? 'iam' : 'a4f'}:${c.name}`
    if (!clients.has(key)) clients.set(key, new lib.AwsClient({ ...credentialsOf(c), service: 'lambda', region: 'us-east-1' }))
    return clients.get(key)
  }
  const smithy = (sha256) => {
    const bySession = new Map()
    return async (c) => {
      const key = c.sessionToken ?? ''
      if (!bySession.has(key)) {
        bySession.set(key, new SignatureV4({ credentials: credentialsOf(c), service: 'lambda', region: 'us-east-1', sha256, applyChecksum: false }))
      }
      const signed = await bySession.get(key).sign(smithyRequest(c), { signingDate: new Date(SIGNING_TIME_MS) })
      return signatureOf(signed.headers.authorization)
    }
  }
  return {
    'iamfetch AwsV4Signer': async (c) => authSignature((await new iamfetch.AwsV4Signer(signerOptions(c, { datetime: AMZ_DATE, cache: iamCache })).sign()).headers),
    'iamfetch AwsClient.sign': async (c) => authSignature((await clientFor(iamfetch, c).sign(c.url, {
      method: c.method, headers: c.headers, body: c.body, aws: { datetime: AMZ_DATE },
    })).headers),
    'aws4fetch AwsV4Signer': async (c) => authSignature((await new aws4fetch.AwsV4Signer(signerOptions(c, { datetime: AMZ_DATE, cache: a4fCache })).sign()).headers),
    'aws4fetch AwsClient.sign': async (c) => authSignature((await clientFor(aws4fetch, c).sign(c.url, {
      method: c.method, headers: c.headers, body: c.body, aws: { datetime: AMZ_DATE },
    })).headers),
    'smithy SignatureV4 + sha256-js': smithy(Sha256Js),
    'smithy SignatureV4 + WebCrypto': smithy(WebCryptoSha256),
    // Amplify v6's signer: synchronous, sha256-js, credentials passed in as its
    // REST client passes those of fetchAuthSession().
    [AMPLIFY_SIGNER]: async (c) => signatureOf(amplifySignRequest(
      { url: new URL(c.url), method: c.method, headers: { ...c.headers }, body: c.body },
      { credentials: credentialsOf(c), signingDate: new Date(SIGNING_TIME_MS), signingRegion: 'us-east-1', signingService: 'lambda' },
    ).headers.authorization),
  }
}

/** SigV4a as the SigV4a rows sign: for S3 (its use: Multi-Region Access Points), valid in every region. */
export const SIGV4A = { signingAlgorithm: 'sigv4a', regionSet: ['*'], service: 's3' }
export const SIGV4A_ALGORITHM = 'AWS4-ECDSA-P256-SHA256'
export const SIGV4A_IMPLS = ['iamfetch AwsV4Signer (SigV4a)', 'smithy SignatureV4a + sha256-js']

/**
 * The SigV4a signers, each `(case) => Promise<signed headers>` (a plain object,
 * lowercase names), which measure/sigv4a.mjs checks with a verifier: the two
 * signers' ECDSA signatures are both valid but need not be the same bytes.
 * One SignatureV4a instance, as one SigV4 SignatureV4 above; `region` is its region set.
 */
export function makeSigV4aSigners({ iamfetch, SignatureV4a, Sha256Js }) {
  const iamCache = new Map()
  let smithy
  return {
    [SIGV4A_IMPLS[0]]: async (c) => Object.fromEntries((await new iamfetch.AwsV4Signer(signerOptions(c, { ...SIGV4A, datetime: AMZ_DATE, cache: iamCache })).sign()).headers),
    [SIGV4A_IMPLS[1]]: async (c) => {
      smithy ??= new SignatureV4a({ credentials: credentialsOf(c), service: SIGV4A.service, region: SIGV4A.regionSet.join(','), sha256: Sha256Js })
      return (await smithy.sign(smithyRequest(c), { signingDate: new Date(SIGNING_TIME_MS) })).headers
    },
  }
}

/**
 * The first SigV4a signature in a process or page where iamfetch has already
 * signed with SigV4 (its core loaded): the SigV4a build loads then. `lib` is
 * iamfetch, or any module exporting its AwsV4Signer.
 */
export async function firstSigV4a(lib, now) {
  const c = POST_1K()
  await new lib.AwsV4Signer(signerOptions(c)).sign()
  const t0 = now()
  const signed = await new lib.AwsV4Signer(signerOptions(c, SIGV4A)).sign()
  return { ms: now() - t0, signed: signed.headers.get('authorization').startsWith(`${SIGV4A_ALGORITHM} `) }
}

/** The hashers, each `{ run(bytes) -> hex | Promise<hex>, sync }`, prepared (wasm loaded) before timing. */
export async function makeHashers(libs, { only } = {}) {
  const { iamfetch, hashWasm } = libs
  const want = (name) => !only || only === name
  const hashers = {}
  const hex = (buf) => Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, '0')).join('')
  if (want('iamfetch sha256Hex') || want('iamfetch Sha256, 64 KiB chunks') || want('iamfetch AwsClient.sign (POST body)')) await iamfetch.init()
  if (want('iamfetch sha256Hex')) hashers['iamfetch sha256Hex'] = { sync: true, run: (data) => iamfetch.sha256Hex(data) }
  if (want('iamfetch Sha256, 64 KiB chunks')) {
    hashers['iamfetch Sha256, 64 KiB chunks'] = {
      sync: true,
      run: (data) => {
        const h = new iamfetch.Sha256()
        for (let off = 0; off < data.length; off += 65536) h.update(data.subarray(off, off + 65536))
        const out = h.digest()
        h.free?.()
        return out
      },
    }
  }
  if (want('iamfetch AwsClient.sign (POST body)')) {
    const client = new iamfetch.AwsClient({ accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY, service: 'lambda', region: 'us-east-1' })
    hashers['iamfetch AwsClient.sign (POST body)'] = {
      sync: false,
      run: async (data) => (await client.sign(`https://${HOST}/upload`, { method: 'POST', body: data })).headers.get('authorization'),
    }
  }
  if (want('crypto.subtle.digest')) hashers['crypto.subtle.digest'] = { sync: false, run: async (data) => hex(await crypto.subtle.digest('SHA-256', data)) }
  if (want('hash-wasm createSHA256') && hashWasm) {
    const h = await hashWasm.createSHA256()
    hashers['hash-wasm createSHA256'] = { sync: true, run: (data) => h.init().update(data).digest('hex') }
  }
  return hashers
}

export const HASH_SIZES = [
  { name: '1KB', label: '1 KB', bytes: 1024 },
  { name: '64KB', label: '64 KB', bytes: 65536 },
  { name: '16MB', label: '16 MB', bytes: 16 << 20 },
]

/** The clock's resolution in ms, as observed (browsers coarsen it, workerd ticks in ms). */
export function clockResolution(now) {
  let smallest = Infinity
  for (let i = 0; i < 50; i++) {
    const a = now()
    let b = now()
    const deadline = a + 50
    while (b === a && b < deadline) b = now()
    if (b > a) smallest = Math.min(smallest, b - a)
  }
  return smallest
}

const sleep0 = () => new Promise((resolve) => setTimeout(resolve, 0))

/**
 * Times each function in `fns` ({ name: { run, sync } }) on `arg`. Each sample is
 * a batch of k calls, with k chosen so a batch lasts at least `minBatchMs`
 * (1 call where the clock is fine). Competitors are interleaved: `rounds`
 * rounds, each giving every function budgetMs/rounds, in rotating order.
 * Returns { name: { median, p99, n, k, calls } } in ms per call.
 */
export async function measure(fns, arg, { now, minBatchMs = 0, budgetMs = 1000, rounds = 5, warmupMs = 200, minSamples = 5 }) {
  const names = Object.keys(fns)
  const state = {}
  for (const name of names) {
    const { run, sync } = fns[name]
    let calls = 0
    const t0 = now()
    do {
      if (sync) run(arg); else await run(arg)
      calls++
    } while (now() - t0 < warmupMs || calls < 2)
    const perCall = Math.max((now() - t0) / calls, 1e-6)
    state[name] = { k: Math.max(1, Math.ceil(minBatchMs / perCall)), samples: [], calls: 0 }
  }
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(i + r) % names.length]
      const { run, sync } = fns[name]
      const s = state[name]
      const start = now()
      let taken = 0
      while (taken < Math.ceil(minSamples / rounds) || now() - start < budgetMs / rounds) {
        const t = now()
        if (sync) for (let j = 0; j < s.k; j++) run(arg)
        else for (let j = 0; j < s.k; j++) await run(arg)
        s.samples.push((now() - t) / s.k)
        s.calls += s.k
        taken++
      }
      await sleep0()
    }
  }
  const out = {}
  for (const name of names) {
    const { samples, k, calls } = state[name]
    samples.sort((a, b) => a - b)
    out[name] = { median: quantile(samples, 0.5), p99: quantile(samples, 0.99), n: samples.length, k, calls }
  }
  return out
}

export function quantile(sorted, q) {
  if (!sorted.length) return NaN
  return sorted[Math.min(sorted.length - 1, Math.round((sorted.length - 1) * q))]
}

/** Signing latency of every signer on every case; also checks they all agree. */
export async function runSigning(libs, opts) {
  const signers = makeSigners(libs)
  const results = {}
  for (const c of signingCases()) {
    const sigs = {}
    for (const [name, sign] of Object.entries(signers)) sigs[name] = await sign(c)
    // The wrapper's stages, apart, on the reference case (bench/src/stages.mjs).
    const fns = { ...asyncFns(signers), ...(c.name === 'post1k' && libs.stagesOf ? await libs.stagesOf(libs.iamfetch, c) : {}) }
    const big = c.name === 'post1m'
    results[c.name] = {
      // aws4fetch never signs content-type (iamfetch, the SDK and aws-sigv4 do), so it is left out here.
      agree: new Set(Object.entries(sigs).filter(([n]) => !n.startsWith('aws4fetch')).map(([, s]) => s)).size === 1,
      signatures: sigs,
      timings: await measure(fns, c, { ...opts, budgetMs: (opts.budgetMs ?? 1000) * (big ? 1.5 : 1) }),
    }
  }
  return results
}

/** SigV4a signing latency of the 1 KB POST, iamfetch against the SDK, and each signer's headers for measure/sigv4a.mjs to verify. */
export async function runSigV4a(libs, opts) {
  const c = POST_1K()
  const signers = makeSigV4aSigners(libs)
  const signed = {}
  for (const [name, sign] of Object.entries(signers)) signed[name] = await sign(c)
  return { signed, timings: await measure(asyncFns(signers), c, opts) }
}

const asyncFns = (fns) => Object.fromEntries(Object.entries(fns).map(([name, run]) => [name, { sync: false, run }]))

/** Warm hashing throughput (after warm-up, so after tier-up) per size. */
export async function runHashWarm(libs, opts) {
  const hashers = await makeHashers(libs)
  const results = {}
  for (const size of HASH_SIZES) {
    const data = bytes(size.bytes)
    const agree = new Set()
    for (const [name, h] of Object.entries(hashers)) if (!name.includes('AwsClient')) agree.add(await h.run(data))
    const timings = await measure(hashers, data, { ...opts, warmupMs: size.bytes > 1e6 ? 600 : 250 })
    results[size.name] = { agree: agree.size === 1, timings }
  }
  return results
}

/** The first call of one hasher on one size, right after loading it: the cold number. */
export async function runHashCold(libs, impl, sizeName, now) {
  const size = HASH_SIZES.find((s) => s.name === sizeName)
  const data = bytes(size.bytes)
  const hashers = await makeHashers(libs, { only: impl })
  const h = hashers[impl]
  if (!h) throw new Error(`no hasher ${impl}`)
  const t0 = now()
  if (h.sync) h.run(data); else await h.run(data)
  return { ms: now() - t0 }
}

/**
 * Hashes a Blob incrementally where the API allows it (stream chunks into an
 * incremental hasher); crypto.subtle.digest and the client need the whole body.
 */
export async function hashBlob(libs, impl, blob) {
  const { iamfetch, hashWasm } = libs
  const streamInto = async (update) => {
    const reader = blob.stream().getReader()
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      update(value)
    }
  }
  if (impl === 'read the stream only, no hashing (baseline)') {
    let n = 0
    await streamInto((chunk) => { n += chunk.length })
    return String(n)
  }
  if (impl === 'iamfetch Sha256, stream chunks') {
    await iamfetch.init()
    const h = new iamfetch.Sha256()
    await streamInto((chunk) => h.update(chunk))
    return h.digest()
  }
  if (impl === 'hash-wasm createSHA256, stream chunks') {
    const h = await hashWasm.createSHA256()
    h.init()
    await streamInto((chunk) => h.update(chunk))
    return h.digest('hex')
  }
  if (impl === 'crypto.subtle.digest (whole Blob)') {
    const digest = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer())
    return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('')
  }
  if (impl === 'iamfetch AwsClient.sign (Blob body)') {
    const client = new iamfetch.AwsClient({ accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY, service: 'lambda', region: 'us-east-1' })
    const signed = await client.sign(`https://${HOST}/upload`, { method: 'POST', body: blob })
    return signed.headers.get('authorization') ? 'signed' : 'unsigned'
  }
  throw new Error(`no blob hasher ${impl}`)
}

export const BLOB_IMPLS = [
  'read the stream only, no hashing (baseline)',
  'iamfetch Sha256, stream chunks',
  'hash-wasm createSHA256, stream chunks',
  'crypto.subtle.digest (whole Blob)',
  'iamfetch AwsClient.sign (Blob body)',
]
