// The results table (one row per measure and implementation, one column per
// runtime) and the bundle sizes table.
import { AMPLIFY_SIGNER, BLOB_IMPLS, HASH_SIZES, POST_1K, SIGV4A, SIGV4A_ALGORITHM, SIGV4A_IMPLS, STAGES, signingCases } from '../src/common.mjs'
import { BUILDS, LAZY_BUILDS, glueOf } from '../builds.mjs'
import { HASH_IMPLS } from '../measure/hash.mjs'
import { RUNTIME_NAMES, RUNTIMES } from '../runtimes/names.mjs'
import { fmtLatency, fmtMbps, kib, mbps, mdTable, median, mib } from './format.mjs'
import { lazyBuildSize, probeText } from './info.mjs'
import { s3BuildSize, s3ProbeText } from './s3.mjs'

export function buildSizes(results) {
  if (!results.size?.bundles) return '_not measured in this run (`--only` left out size)._'
  const split = results.size.splitting
  const rows = Object.values(results.size.bundles).map((s) => {
    const n = s.chunks?.filter((c) => c.firstLoad).length
    const fetchedToSign = s.lazyLoaded?.length ? ` + ${kib(s.lazyLoadedGzip)} lazy, fetched to sign (${s.lazyLoaded.join(', ')})` : ''
    // The lazy chunks signing fetched are counted above, so not here.
    const uncounted = s.chunks?.filter((c) => !c.firstLoad && !s.lazyLoaded?.includes(c.file)) ?? []
    const lazy = s.chunks ? (uncounted.length ? `${kib(uncounted.reduce((sum, c) => sum + c.gzip, 0))} in ${uncounted.length}` : 'none') : '—'
    return [
      s.label, `${kib(s.jsGzip)}${n ? ` (${n} chunk${n === 1 ? '' : 's'})` : ''}${fetchedToSign}`,
      s.wasmCounted.length ? s.wasmCounted.map((f) => `${kib(results.size.wasm[f]?.gzip ?? 0)} (${f})`).join(' + ') : '—',
      kib(s.total), lazy, s.works === true ? 'signs' : `BROKEN: ${s.works}`,
    ]
  })
  for (const [f, w] of Object.entries(results.size.wasm)) {
    if (f === BUILDS.core.wasm) continue
    const s3 = f === BUILDS.s3.wasm && s3BuildSize(results)
    if (s3) {
      // Its loader counts too: js/src/s3/ is off the first load (report/s3.mjs checks it), so an app fetches it with the build.
      rows.push([`iamfetch, loaded lazily by the first S3 checksum, signed-chunk upload or POST policy: ${f} + ${glueOf(f)} glue as shipped + the loader, s3/s3-build.js with what the first load lacks, minified (raw ${s3.raw} bytes)`,
        `${kib(s3.glue.gzip + s3.loader.gzip)} (glue ${kib(s3.glue.gzip)} + loader ${kib(s3.loader.gzip)})`, kib(w.gzip), kib(s3.gzip), '—', s3ProbeText(results)])
      continue
    }
    const lazy = LAZY_BUILDS[f]
    const both = lazyBuildSize(results, f)
    if (!lazy || !both) { rows.push([`${f} (shipped, not on the default path)`, '—', kib(w.gzip), '—', '—', '—']); continue }
    rows.push([`iamfetch, loaded lazily by ${lazy.loadedBy}: ${f} + ${glueOf(f)} glue as shipped (raw ${w.raw} + ${both.glue.raw} bytes)`,
      `${kib(both.glue.gzip)} (the glue as shipped)`, kib(w.gzip), kib(both.gzip), '—', `fetched: ${probeText(results, lazy.probe)}`])
  }
  const jsHeader = split ? 'first-load JS (chunks of a code-splitting bundle, each gzip -9)' : 'JS gzip -9 (one bundle, no splitting)'
  return mdTable(['bundle', jsHeader, 'wasm gzip -9 (fetched to sign one request)', 'total', 'lazily loaded JS chunks, gzip -9 (not counted)', 'in Chromium'], rows)
}

const SIGN_IMPLS = ['iamfetch AwsV4Signer', 'iamfetch AwsClient.sign', ...STAGES, 'aws4fetch AwsV4Signer', 'aws4fetch AwsClient.sign', 'smithy SignatureV4 + sha256-js', 'smithy SignatureV4 + WebCrypto', AMPLIFY_SIGNER]
const NATIVE_IMPLS = ['iamfetch::sign', 'aws-sigv4']

// Each group of rows below, (results, row, settings), appends its rows through
// row(measure, implementation, [a cell per runtime, native]); a group this run
// did not measure appends none.

function signingRows(results, row) {
  const sign = results.sign
  // Only the parts this run measured.
  const signed = Object.keys(sign).length > 0 || results.native
  for (const c of signed ? signingCases() : []) {
    let first = `1. sign ${c.label}: µs per signature, median / p99`
    // The stages are timed on the 1 KB POST only.
    for (const impl of SIGN_IMPLS.filter((impl) => c.name === 'post1k' || !STAGES.includes(impl))) {
      row(first, impl, [...RUNTIMES.map((rt) => fmtLatency(sign[rt]?.[c.name]?.timings?.[impl])), '—'])
      first = ''
    }
    for (const impl of NATIVE_IMPLS) {
      row('', `native ${impl} (floor)`, [...RUNTIMES.map(() => '—'), fmtLatency(results.native?.[c.name]?.[impl])])
    }
  }
}

function hashRows(results, row, { coldReps }) {
  const warm = results.hashWarm
  const cold = results.hashCold
  const hashed = Object.keys(warm).length > 0 || Object.keys(cold).length > 0
  for (const size of hashed ? HASH_SIZES : []) {
    let first = `2. hash ${size.label}: MB/s, cold (first call in a fresh instance, median of ${coldReps}) / warm (median)`
    for (const impl of HASH_IMPLS) {
      const cells = RUNTIMES.map((rt) => {
        const w = warm[rt]?.[size.name]?.timings?.[impl]
        const c = cold[rt]?.[size.name]?.[impl]
        if (!w && !c) return rt === 'workerd' && impl.startsWith('hash-wasm') ? 'n/a (no run-time wasm compile)' : '—'
        const coldMs = c ? median(c) : NaN
        // workerd's clock ticks in whole ms: a first call under a few ticks has no useful rate.
        const coldText = !c ? '—' : rt === 'workerd' && coldMs < 3 ? `≤${Math.max(1, coldMs)} ms` : fmtMbps(mbps(size.bytes, coldMs))
        return `${coldText} / ${w ? fmtMbps(mbps(size.bytes, w.median)) : '—'}`
      })
      row(first, impl, [...cells, '—'])
      first = ''
    }
  }
  if (Object.keys(results.blob).length) {
    let first = `2. hash a ${results.blobMiB} MiB Blob: MB/s, peak extra memory`
    for (const impl of BLOB_IMPLS) {
      const cell = (rt) => {
        const r = results.blob[`${rt}:${impl}`]
        if (!r) return rt === 'node' || rt === 'chromium' ? '—' : 'not measured'
        if (r.error) return `failed: ${r.error.slice(0, 60)}`
        return `${fmtMbps(mbps(r.bytes, r.ms))} MB/s, +${mib(r.peakExtraBytes)}`
      }
      row(first, impl, [...RUNTIMES.map(cell), '—'])
      first = ''
    }
  }
}

function coldStartRows(results, row) {
  const st = results.start
  if (!Object.keys(st).length) return
  const nodeCell = (key) => {
    const runs = st[`node:${key}`]
    if (!runs) return '—'
    const m = median(runs.map((r) => r.ms))
    const p = runs[0].parts?.import !== undefined && key.startsWith('iamfetch')
      ? ` (import ${median(runs.map((r) => r.parts.import)).toFixed(1)} + wasm init ${median(runs.map((r) => r.parts.init)).toFixed(1)} + first sign ${median(runs.map((r) => r.parts.firstSign)).toFixed(1)})`
      : ''
    return `${m.toFixed(1)} ms${p}`
  }
  const wdCell = (lib) => {
    const runs = st[`workerd:${lib}`]
    const noop = st['workerd:noop']
    if (!runs || !noop) return '—'
    const extra = median(runs.map((r) => r.rtt)) - median(noop.map((r) => r.rtt))
    return `${extra.toFixed(1)} ms (first-request RTT over a no-op worker's; in-isolate clock ${median(runs.map((r) => r.inside)).toFixed(0)} ms)`
  }
  const n = st['node:iamfetch']?.length ?? st['workerd:iamfetch']?.length ?? 0
  const cells = (nodeText, wdText) => RUNTIMES.map((rt) => (rt === 'node' ? nodeText : rt === 'workerd' ? wdText : '—')).concat('—')
  row(`4. cold start: import → first signature (1 KB POST), median of ${n} fresh processes`, 'iamfetch', cells(nodeCell('iamfetch'), wdCell('iamfetch')))
  row('', 'aws4fetch', cells(nodeCell('aws4fetch'), wdCell('aws4fetch')))
  row('', 'smithy SignatureV4 + sha256-js', cells(nodeCell('smithy'), '—'))
  row('', 'iamfetch, Node fetch globals already loaded', cells(nodeCell('iamfetch:preload'), '—'))
  row('', 'aws4fetch, Node fetch globals already loaded', cells(nodeCell('aws4fetch:preload'), '—'))
}

function proxyRows(results, row) {
  if (!results.proxy) return
  let first = '5. edge proxy: 1 KB POST to the local function URL; latency ms median / p99, workerd CPU per request'
  for (const [name, p] of Object.entries(results.proxy)) {
    const cpu = name.startsWith('direct') ? '' : `, workerd CPU ${(p.cpuPerRequest * 1000).toFixed(0)} µs/req`
    const text = `${p.median.toFixed(2)} / ${p.p99.toFixed(2)} ms${cpu}`
    row(first, name + (p.non200 ? ` (${p.non200} non-200!)` : ''), [...RUNTIMES.map((rt) => (rt === 'workerd' ? text : '—')), '—'])
    first = ''
  }
}

function sigv4aRows(results, row) {
  const v4a = results.sigv4a
  if (v4a && Object.keys(v4a.sign).length) {
    let first = `6. sign SigV4a (${SIGV4A_ALGORITHM}), ${POST_1K().label}, service ${SIGV4A.service}, region set ${SIGV4A.regionSet.join(',')}: µs per signature, median / p99`
    for (const impl of SIGV4A_IMPLS) {
      row(first, impl, [...RUNTIMES.map((rt) => fmtLatency(v4a.sign[rt]?.timings?.[impl])), '—'])
      first = ''
    }
    // examples/bench_native.rs signs the same POST with SigV4a (without x-amz-content-sha256).
    for (const impl of NATIVE_IMPLS) {
      row('', `native ${impl} (floor)`, [...RUNTIMES.map(() => '—'), fmtLatency(results.native?.['post1k-sigv4a']?.[impl])])
    }
  }
  if (v4a && Object.keys(v4a.cold).length) {
    const cell = (key, extra) => {
      const runs = v4a.cold[key]
      if (!runs) return '—'
      const unsigned = runs.filter((r) => !r.signed).length
      return `${median(runs.map((r) => r.ms)).toFixed(1)} ms${extra ? extra(runs) : ''}${unsigned ? ` (${unsigned} did not sign!)` : ''}`
    }
    const inside = (runs) => ` (request RTT over a warm no-op request's; in-isolate clock ${median(runs.map((r) => r.inside)).toFixed(0)} ms)`
    const n = Math.max(0, ...Object.values(v4a.cold).map((runs) => runs.length))
    row(`6. first SigV4a signature where SigV4 already signs (loads the SigV4a build), median of ${n} fresh processes or pages`, 'iamfetch',
      [...RUNTIMES.map((rt) => cell(`${rt}:iamfetch`, rt === 'workerd' ? inside : undefined)), '—'])
    row('', 'smithy: import @smithy/signature-v4a + first signature, SignatureV4 already signing', [...RUNTIMES.map((rt) => cell(`${rt}:smithy`)), '—'])
  }
}

export function buildTable(results, settings) {
  const rows = []
  const row = (measure, impl, cells) => rows.push([measure, impl, ...cells])
  for (const group of [signingRows, hashRows, coldStartRows, proxyRows, sigv4aRows]) group(results, row, settings)
  return mdTable(['measure', 'implementation', ...RUNTIMES.map((rt) => RUNTIME_NAMES[rt]), 'native Rust'], rows)
}
