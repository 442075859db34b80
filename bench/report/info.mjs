// The informational table: ratios with no target, [measure, compared, measured].
import { AMPLIFY_SIGNER, SIGV4A_IMPLS } from '../src/common.mjs'
import { BUILDS } from '../builds.mjs'
import { RUNTIME_NAMES, RUNTIMES } from '../runtimes/names.mjs'
import { workerRows } from '../worker.mjs'
import { fmtUs, kib, mib, ratio, signMedian, sigv4aColdMedian, sigv4aMedian, startMedian, warmMbps } from './format.mjs'

/** What one lazy build's first caller fetched in Chromium (measure/sizes.mjs' probes). */
export const probeText = (results, step) => {
  const probe = results.size?.probes?.[step]
  if (!probe) return 'not probed'
  const fetched = [...probe.loaded, ...(probe.chunks ?? []).map((f) => `chunk ${f}`)]
  return probe.works === true ? fetched.join(', ') || 'nothing fetched' : `failed: ${probe.works}`
}

/** A bundle's lazily loaded chunks (reached only through a dynamic import()), each with its size and largest input. */
export const lazyChunksText = (b) => b.chunks?.filter((c) => !c.firstLoad)
  .map((c) => `${c.file} ${kib(c.gzip)}${c.inputs?.[0] ? ` (${c.inputs[0]}${c.inputs.length > 1 ? ', …' : ''})` : ''}`).join(', ')

/** A lazily loaded build's .wasm and glue together, raw and gzip -9 (each file apart). */
export const lazyBuildSize = (results, wasmFile) => {
  const w = results.size?.wasm?.[wasmFile]
  const g = results.size?.glue?.[wasmFile]
  return w && g ? { raw: w.raw + g.raw, gzip: w.gzip + g.gzip, wasm: w, glue: g } : undefined
}

export function infoRows(results) {
  const rows = []
  const signMed = (rt, impl) => signMedian(results, rt, impl)
  const v4aMed = (rt, impl) => sigv4aMedian(results, rt, impl)
  const diag = results.size?.wasm?.[BUILDS.diagnostics.wasm]
  if (diag) {
    const def = results.size.bundles['iam-cognito']?.wasmLoaded ?? []
    rows.push(['Diagnostics wasm, loaded lazily (canonicalString, stringToSign, signRequest, explainFailure)', `${BUILDS.diagnostics.wasm}, gzip -9 (not in the size target)`,
      `${kib(diag.gzip)} (${diag.raw} bytes raw); loaded by canonicalString(): ${probeText(results, 'diag')}; AwsClient.sign() fetched: ${def.join(', ') || 'nothing'}`])
  }
  const v4a = lazyBuildSize(results, BUILDS.sigv4a.wasm)
  const sdkV4a = results.size?.bundles?.['sdk-v4a']
  if (v4a && sdkV4a) {
    rows.push(['SigV4a code, fetched the first time SigV4a signs', `${BUILDS.sigv4a.wasm} + ${BUILDS.sigv4a.glue} glue ÷ SignatureV4a + sha256-js bundle, gzip -9`,
      `${kib(v4a.gzip)} ÷ ${kib(sdkV4a.total)} = ${ratio(v4a.gzip / sdkV4a.total)} (the SDK's is ${kib(sdkV4a.total - (results.size.bundles['sdk-signer']?.total ?? NaN))} more than SignatureV4 + sha256-js); the first SigV4a signature fetched: ${probeText(results, 'sigv4a')}`])
  }
  const native = results.native?.post1k?.['aws-sigv4']?.median
  if (native) {
    rows.push(['Signing vs the native floor', 'iamfetch AwsV4Signer (Node) ÷ native aws-sigv4 (opt-level 3)',
      `${fmtUs(signMed('node', 'iamfetch AwsV4Signer'))} ÷ ${fmtUs(native)} = ${ratio(signMed('node', 'iamfetch AwsV4Signer') / native)}`])
  }
  const nativeV4a = results.native?.['post1k-sigv4a']?.['aws-sigv4']?.median
  if (nativeV4a) {
    // Bounds what any signer built on aws-sigv4's P-256 code can reach, wasm or not.
    rows.push(['SigV4a: the SDK against the native floor', `${SIGV4A_IMPLS[1]} (Node) ÷ native aws-sigv4 SigV4a (opt-level 3)`,
      `${fmtUs(v4aMed('node', SIGV4A_IMPLS[1]))} ÷ ${fmtUs(nativeV4a)} = ${ratio(v4aMed('node', SIGV4A_IMPLS[1]) / nativeV4a)}; iamfetch (Node) ÷ native: ${ratio(v4aMed('node', SIGV4A_IMPLS[0]) / nativeV4a)}`])
  }
  const per = (f) => RUNTIMES.map((rt) => { const r = f(rt); return Number.isFinite(r) ? `${RUNTIME_NAMES[rt]} ${ratio(r)}` : null }).filter(Boolean).join(' · ') || 'not measured'
  rows.push(['Signer alone, every runtime', 'aws4fetch AwsV4Signer ÷ iamfetch AwsV4Signer', per((rt) => signMed(rt, 'aws4fetch AwsV4Signer') / signMed(rt, 'iamfetch AwsV4Signer'))])
  rows.push(['Client, every runtime', 'aws4fetch AwsClient.sign ÷ iamfetch AwsClient.sign', per((rt) => signMed(rt, 'aws4fetch AwsClient.sign') / signMed(rt, 'iamfetch AwsClient.sign'))])
  rows.push(['Against the SDK, every runtime', 'smithy SignatureV4 + sha256-js ÷ iamfetch AwsV4Signer', per((rt) => signMed(rt, 'smithy SignatureV4 + sha256-js') / signMed(rt, 'iamfetch AwsV4Signer'))])
  rows.push(['SigV4a against the SDK, every runtime', `${SIGV4A_IMPLS[1]} ÷ ${SIGV4A_IMPLS[0]}`, per((rt) => v4aMed(rt, SIGV4A_IMPLS[1]) / v4aMed(rt, SIGV4A_IMPLS[0]))])
  const firstV4a = ['node', 'chromium', 'workerd'].map((rt) => [rt, sigv4aColdMedian(results, `${rt}:iamfetch`)]).filter(([, ms]) => Number.isFinite(ms))
  if (firstV4a.length) {
    const sdk = sigv4aColdMedian(results, 'node:smithy')
    rows.push(['First SigV4a signature, iamfetch already signing SigV4 (loads the SigV4a build)', 'ms, median of fresh processes or pages',
      `${firstV4a.map(([rt, ms]) => `${RUNTIME_NAMES[rt]} ${ms.toFixed(1)}`).join(' · ')}${Number.isFinite(sdk) ? `; the SDK in Node (import @smithy/signature-v4a + first signature): ${sdk.toFixed(1)}` : ''}`])
  }
  rows.push(['Against Amplify v6, every runtime', `${AMPLIFY_SIGNER} ÷ iamfetch AwsV4Signer`, per((rt) => signMed(rt, AMPLIFY_SIGNER) / signMed(rt, 'iamfetch AwsV4Signer'))])
  // What a code-splitting bundler keeps off the first load: fetched only when a dynamic import() runs.
  for (const b of Object.values(results.size?.bundles ?? {}).filter((b) => b.lazyJsGzip)) {
    rows.push([`Lazily loaded JS chunks: ${b.label}`, 'chunks reached only through a dynamic import(), each gzip -9 (not in the size targets unless signing fetched one)',
      `${kib(b.lazyJsGzip)}: ${lazyChunksText(b)}${b.lazyLoaded?.length ? `; fetched to sign one request, so counted: ${b.lazyLoaded.join(', ')}` : ''}`])
  }
  const amplify = results.size?.bundles?.['amplify-cognito']
  const iamClient = results.size?.bundles?.['iam-cognito']
  if (amplify && iamClient) {
    rows.push(['Size against Amplify v6 (identity pool credentials + signing)', `iamfetch AwsClient + fromCognitoIdentityPool ÷ Amplify.configure + fetchAuthSession + signRequest, ${results.size.splitting ? 'first-load chunks each gzip -9 + .wasm fetched to sign' : 'gzip -9'}`,
      `${kib(iamClient.total)} ÷ ${kib(amplify.total)} = ${ratio(iamClient.total / amplify.total)}${amplify.works === true ? '' : ` — Amplify bundle BROKEN: ${amplify.works}`}`])
  }
  const pre = startMedian(results, 'node:iamfetch:preload')
  if (Number.isFinite(pre)) {
    const a4f = startMedian(results, 'node:aws4fetch:preload')
    rows.push(['Cold start in Node, fetch globals already loaded', 'aws4fetch ÷ iamfetch', `${a4f.toFixed(1)} ÷ ${pre.toFixed(1)} ms = ${ratio(a4f / pre)}`])
  }
  const throughClient = RUNTIMES.map((rt) => {
    const rs = ['64KB', '16MB'].map((s) => warmMbps(results, rt, s, 'iamfetch AwsClient.sign (POST body)') / warmMbps(results, rt, s, 'crypto.subtle.digest'))
    return rs.every(Number.isFinite) ? `${RUNTIME_NAMES[rt]} ${rs.map(ratio).join(' · ')}` : null
  }).filter(Boolean)
  rows.push(...workerRows(results.worker))
  rows.push(['Hashing a body through the client', 'AwsClient.sign(POST body) ÷ crypto.subtle.digest, warm throughput, 64 KB · 16 MB', throughClient.join('; ') || 'not measured'])
  const blobCell = (rt) => {
    const part = (impl, label) => {
      const r = results.blob[`${rt}:${impl}`]
      return r?.error ? `${label} failed` : r ? `${label} +${mib(r.peakExtraBytes)}` : null
    }
    const parts = [part('read the stream only, no hashing (baseline)', 'read only'), part('iamfetch Sha256, stream chunks', 'Sha256 stream'), part('iamfetch AwsClient.sign (Blob body)', 'AwsClient')].filter(Boolean)
    return parts.length ? `${RUNTIME_NAMES[rt]}: ${parts.join(', ')}` : null
  }
  const blob = ['node', 'chromium'].map(blobCell).filter(Boolean)
  if (blob.length) rows.push([`Hashing a ${results.blobMiB} MiB Blob`, 'peak extra memory', blob.join('; ')])
  return rows
}
