// Bundle sizes: what a code-splitting bundler makes of each library's entry
// (esbuild --bundle --minify --splitting, esm, browser): the chunks the first
// load fetches, each gzip -9, plus the .wasm files the bundle fetches while it
// signs a request in a fresh Chromium page. Chunks only a dynamic import()
// reaches are recorded apart: an app fetches them when that import runs.
import { copyFileSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { basename, join, relative } from 'node:path'
import { BUILDS, LAZY_BUILDS, glueOf, gzipLength, wasmFiles } from '../builds.mjs'
import { bundleEntry } from '../bundle.mjs'
import { log } from '../log.mjs'
import { OUT, WASM_DIR } from '../paths.mjs'
import { withBrowser } from '../runtimes/browsers.mjs'

const SIZE_ENTRIES = [
  { key: 'iam-signer', label: 'iamfetch: AwsV4Signer (signer alone)', code: "export { AwsV4Signer } from 'iamfetch'", check: 'signer' },
  { key: 'iam-cognito', label: 'iamfetch: AwsClient + fromCognitoIdentityPool', code: "export { AwsClient, fromCognitoIdentityPool } from 'iamfetch'", check: 'cognito' },
  { key: 'a4f-signer', label: 'aws4fetch: AwsV4Signer', code: "export { AwsV4Signer } from 'aws4fetch'", check: 'signer' },
  { key: 'a4f-client', label: 'aws4fetch: AwsClient (it has no credential provider)', code: "export { AwsClient } from 'aws4fetch'", check: 'client' },
  { key: 'sdk-signer', label: 'AWS SDK v3: SignatureV4 + sha256-js', code: "export { SignatureV4 } from '@smithy/signature-v4'; export { Sha256 } from '@aws-crypto/sha256-js'", check: 'sdk' },
  { key: 'sdk-v4a', label: 'AWS SDK v3: SignatureV4a + sha256-js (SigV4a)', code: "export { SignatureV4a } from '@smithy/signature-v4a'; export { Sha256 } from '@aws-crypto/sha256-js'", check: 'sdk-v4a' },
  {
    key: 'sdk-cognito', label: 'AWS SDK v3: SignatureV4 + sha256-js + Cognito provider + client', check: 'sdk-cognito',
    code: "export { SignatureV4 } from '@smithy/signature-v4'; export { Sha256 } from '@aws-crypto/sha256-js'; export { fromCognitoIdentityPool } from '@aws-sdk/credential-provider-cognito-identity'; export { CognitoIdentityClient } from '@aws-sdk/client-cognito-identity'",
  },
  {
    // v6 dropped v5's documented Signer: signRequest is exported under internals/ only.
    key: 'amplify-cognito', label: 'Amplify v6: Amplify.configure + fetchAuthSession (identity pool) + signRequest (internal export; v6 documents no standalone signing)', check: 'amplify',
    code: "export { Amplify } from 'aws-amplify'; export { fetchAuthSession } from 'aws-amplify/auth'; export { signRequest } from '@aws-amplify/core/internals/aws-client-utils'",
  },
]

// The Cognito identity pool the Amplify bundle gets its credentials from, faked
// in the page (playwright routes): GetId, then GetCredentialsForIdentity.
const FAKE_IDENTITY_ID = 'us-east-1:00000000-0000-4000-8000-000000000000'
async function fakeCognitoIdentity(route) {
  const cors = { 'access-control-allow-origin': '*', 'access-control-allow-headers': '*', 'access-control-allow-methods': 'POST', 'access-control-expose-headers': '*' }
  if (route.request().method() === 'OPTIONS') return route.fulfill({ status: 200, headers: cors })
  const target = route.request().headers()['x-amz-target'] ?? ''
  const body = target.endsWith('.GetId') ? { IdentityId: FAKE_IDENTITY_ID } : {
    IdentityId: FAKE_IDENTITY_ID,
    Credentials: { AccessKeyId: 'ASIABENCHMARKEXAMPLE', SecretKey: 'bench/secret/not-a-real-key', SessionToken: 'FwoGZXIvYXdzEXAMPLE'.repeat(50), Expiration: Math.floor(Date.now() / 1000) + 3600 },
  }
  return route.fulfill({ status: 200, headers: { ...cors, 'content-type': 'application/x-amz-json-1.1' }, body: JSON.stringify(body) })
}

// Runs in the page: imports one measured bundle and signs with it as an app
// would (the client: a 1 KB JSON POST with a session token). The Cognito
// bundles first get their credentials from the faked identity pool, so that a
// chunk a code-splitting bundler keeps apart for that call is fetched, and
// counted. `sigv4a` then signs with SigV4a, which the SigV4a build signs;
// `diag` asks the signer for its canonical request, which only the
// diagnostics build knows.
async function checkBundle([key, entry, check, step]) {
  try {
    const m = await import(`./${key}/${entry}`)
    const creds = { accessKeyId: 'AKIDBENCHMARKEXAMPLE', secretAccessKey: 'bench/secret/not-a-real-key', sessionToken: 'FwoGZXIvYXdzEXAMPLE'.repeat(50) }
    const host = 'abcdefghij.lambda-url.us-east-1.on.aws'
    const url = `https://${host}/x`
    const body = `{"items":"${'x'.repeat(1012)}"}`
    const identityPoolId = 'us-east-1:00000000-0000-4000-8000-00000000beef'
    if (check === 'cognito') {
      const client = new m.AwsClient({ credentials: m.fromCognitoIdentityPool({ identityPoolId }), service: 'lambda', region: 'us-east-1' })
      const signed = await client.sign(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
      return (signed.headers.get('x-amz-security-token')?.startsWith('FwoG') && signed.headers.has('authorization')) || 'not signed with the identity pool credentials'
    }
    if (check === 'amplify') {
      // As an app does: credentials from the identity pool (faked by the route), then a signed fetch's headers.
      m.Amplify.configure({ Auth: { Cognito: { identityPoolId, allowGuestAccess: true } } })
      const { credentials } = await m.fetchAuthSession()
      if (!credentials?.sessionToken) return 'fetchAuthSession gave no credentials'
      const signed = m.signRequest({ url: new URL(url), method: 'POST', headers: { 'content-type': 'application/json' }, body },
        { credentials, signingRegion: 'us-east-1', signingService: 'lambda' })
      return /Signature=[0-9a-f]{64}$/.test(signed.headers.authorization) || 'no authorization'
    }
    if (step === 'sigv4a') {
      const signed = await new m.AwsV4Signer({ url, method: 'POST', body, ...creds, service: 's3', region: 'us-east-1', signingAlgorithm: 'sigv4a', regionSet: ['*'] }).sign()
      return signed.headers.get('authorization').startsWith('AWS4-ECDSA-P256-SHA256 ') || 'no SigV4a authorization'
    }
    if (step === 'diag') {
      const text = await new m.AwsV4Signer({ url, method: 'POST', body, ...creds, service: 'lambda', region: 'us-east-1' }).canonicalString()
      return (typeof text === 'string' && text.startsWith('POST\n')) || `canonicalString() gave ${String(text).slice(0, 40)}`
    }
    if (check === 'signer') return (await new m.AwsV4Signer({ url, method: 'POST', body, ...creds, service: 'lambda', region: 'us-east-1' }).sign()).headers.has('authorization') || 'no authorization'
    if (check === 'client') {
      const signed = await new m.AwsClient({ ...creds, service: 'lambda', region: 'us-east-1' }).sign(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
      return signed.headers.has('authorization') || 'no authorization'
    }
    // The SDK: SignatureV4, or SignatureV4a for every region; with Cognito, as its documentation
    // pairs them: the provider given a CognitoIdentityClient, its credentials given to the signer.
    const v4a = check === 'sdk-v4a'
    const credentials = check === 'sdk-cognito' ? m.fromCognitoIdentityPool({ client: new m.CognitoIdentityClient({ region: 'us-east-1' }), identityPoolId }) : creds
    const signer = v4a ? new m.SignatureV4a({ credentials, service: 's3', region: '*', sha256: m.Sha256 })
      : new m.SignatureV4({ credentials, service: 'lambda', region: 'us-east-1', sha256: m.Sha256 })
    const signed = await signer.sign({ method: 'POST', protocol: 'https:', hostname: host, path: '/x', query: {}, headers: { host, 'content-type': 'application/json' }, body })
    if (check === 'sdk-cognito' && !signed.headers['x-amz-security-token']?.startsWith('FwoG')) return 'not signed with the identity pool credentials'
    return (signed.headers.authorization ?? '').startsWith(v4a ? 'AWS4-ECDSA-P256-SHA256 ' : 'AWS4-HMAC-SHA256 ') || 'no authorization'
  } catch (error) {
    return String(error?.message ?? error).slice(0, 120)
  }
}

// gzip is not additive (a module's bytes compress against its neighbours'), so
// a module's gzip cost is estimated as its share of the minified bytes × the
// gzip size they share. What esbuild wrote outside every module (imports and
// exports between chunks, its helpers) is one more entry marked `glue`, so the
// shares sum to 1 and the estimates to that gzip size.
const shared = (modules, raw, gzip, fields = {}) => [...modules, { module: 'esbuild chunk glue', glue: true, bytes: raw - modules.reduce((n, m) => n + m.bytes, 0) }]
  .map((m) => ({ module: m.module, ...(m.glue && { glue: true }), ...fields, bytes: m.bytes, share: m.bytes / raw, gzipEstimate: (m.bytes / raw) * gzip }))

/** Every module of the first-load chunks, each estimated within its chunk (its share of the chunk's minified bytes × the chunk's gzip). */
const firstLoadModules = (chunks, measured) => chunks.flatMap((c, i) => (measured[i].firstLoad ? shared(c.modules, measured[i].raw, measured[i].gzip, { chunk: c.file }) : []))

/**
 * What results.json records of a bundle's JS (bundleEntry's result): each
 * chunk's sizes, the first load's and the lazy chunks' sums, and the first
 * load by module. iamfetch's chunks name no module (js/dist is pre-bundled):
 * its modules are those of the bundle of its sources (`sources`), each given
 * its share of that first load's minified bytes × the real first load's gzip.
 */
export function recordJs({ chunks, sources }) {
  const sum = (list, field) => list.reduce((n, c) => n + c[field], 0)
  const measured = chunks.map((c) => ({ file: c.file, firstLoad: c.firstLoad, raw: c.bytes.length, gzip: gzipLength(c.bytes), inputs: c.modules.slice(0, 4).map((m) => m.shown) }))
  const first = measured.filter((c) => c.firstLoad)
  const lazy = measured.filter((c) => !c.firstLoad)
  return {
    // jsRaw and jsGzip are the first load's, as the report has always read them.
    jsRaw: sum(first, 'raw'), jsGzip: sum(first, 'gzip'), lazyJsRaw: sum(lazy, 'raw'), lazyJsGzip: sum(lazy, 'gzip'), chunks: measured,
    ...(sources ? { modulesFrom: 'js/src', sourcesRaw: sources.raw, modules: shared(sources.modules, sources.raw, sum(first, 'gzip')) }
      : { modules: firstLoadModules(chunks, measured) }),
  }
}

export async function measureSizes({ results }) {
  log('bundle sizes (esbuild --bundle --minify --splitting, esm, browser; first-load chunks, each gzip -9), each loaded and checked in Chromium')
  const dir = join(OUT, 'browser/size')
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'index.html'), '<!doctype html><meta charset="utf-8"><title>sizes</title>\n')
  const wasmGzip = Object.fromEntries(wasmFiles().map((f) => [f, gzipLength(readFileSync(join(WASM_DIR, f)))]))
  results.size = {
    bundler: 'esbuild --bundle --minify --splitting --format=esm --platform=browser', splitting: true,
    bundles: {}, probes: {}, wasm: Object.fromEntries(wasmFiles().map((f) => [f, { raw: statSync(join(WASM_DIR, f)).size, gzip: wasmGzip[f] }])),
  }
  // The glue of each lazily loaded build, as shipped (a code-splitting bundler makes it a chunk of its own).
  results.size.glue = Object.fromEntries(wasmFiles().filter((f) => f !== BUILDS.core.wasm && glueOf(f)).map((f) => {
    const glue = readFileSync(join(WASM_DIR, glueOf(f)))
    return [f, { raw: glue.length, gzip: gzipLength(glue) }]
  }))
  for (const e of SIZE_ENTRIES) {
    // Each bundle in its own directory, its chunks beside its entry as a bundler emits them; the
    // package fetches each .wasm from ./wasm/ next to the chunk that holds wasm-files.js.
    const out = join(dir, e.key)
    const bundle = await bundleEntry(e.code, out).catch((error) => { throw new Error(`${e.key}: ${error.message}`) })
    mkdirSync(join(out, 'wasm'), { recursive: true })
    for (const f of wasmFiles()) copyFileSync(join(WASM_DIR, f), join(out, 'wasm', f))
    results.size.bundles[e.key] = { label: e.label, check: e.check, entry: bundle.entry, ...recordJs(bundle) }
  }
  // Each bundle must sign a request in a fresh page, or its size means nothing;
  // the .wasm files and lazy chunks the page fetches meanwhile are the ones the default path loads.
  await withBrowser(results, 'chromium', async ({ open }) => {
    for (const [key, s] of Object.entries(results.size.bundles)) {
      const p = await open('size/index.html', { ready: false })
      const fetched = []
      const chunksFetched = []
      p.page.on('request', (req) => {
        const path = new URL(req.url()).pathname
        if (path.endsWith('.wasm')) fetched.push(basename(path))
        else if (path.startsWith(`/size/${key}/`) && path.endsWith('.js')) chunksFetched.push(relative(`/size/${key}`, path))
      })
      if (['amplify', 'cognito', 'sdk-cognito'].includes(s.check)) await p.page.route(/^https:\/\/cognito-identity\.us-east-1\.amazonaws\.com\//, fakeCognitoIdentity)
      s.works = await p.page.evaluate(checkBundle, [key, s.entry, s.check, 'sign'])
      s.wasmLoaded = [...new Set(fetched)]
      // A lazy chunk that signing one request fetched is delivered to sign it: it counts, as the .wasm does.
      const lazyFiles = new Set(s.chunks.filter((c) => !c.firstLoad).map((c) => c.file))
      s.lazyLoaded = [...new Set(chunksFetched)].filter((f) => lazyFiles.has(f))
      // Then what the lazily loaded builds' first callers fetch.
      for (const step of key === 'iam-signer' ? Object.values(LAZY_BUILDS).map((b) => b.probe) : []) {
        const before = new Set(fetched)
        const chunksBefore = new Set(chunksFetched)
        const works = await p.page.evaluate(checkBundle, [key, s.entry, s.check, step])
        results.size.probes[step] = { works, loaded: [...new Set(fetched)].filter((f) => !before.has(f)), chunks: [...new Set(chunksFetched)].filter((f) => !chunksBefore.has(f)) }
      }
      await p.close()
      // A broken bundle loads nothing: count the default wasm rather than none.
      s.wasmCounted = s.wasmLoaded.length || !key.startsWith('iam') ? s.wasmLoaded : [BUILDS.core.wasm]
      s.wasmGzip = s.wasmCounted.reduce((n, f) => n + (wasmGzip[f] ?? 0), 0)
      s.lazyLoadedGzip = s.chunks.filter((c) => s.lazyLoaded.includes(c.file)).reduce((n, c) => n + c.gzip, 0)
      s.total = s.jsGzip + s.lazyLoadedGzip + s.wasmGzip
    }
  })
}
