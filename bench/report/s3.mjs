// S3 from the edge: the figures of bench/measure/s3-*.mjs read once, for the
// targets (S3_METRICS), the size table's S3 row, the README's rows and the
// "S3 from the edge" section of BENCHMARKS.md.
import { BUILDS } from '../builds.mjs'
import { HASHES, SDK_CRCS, iamfetchChecksum } from '../measure/s3-checksum-run.mjs'
import { S3_LOADER } from '../measure/s3-size.mjs'
import { UPLOAD_MODES } from '../measure/s3-upload.mjs'
import { RUNTIME_NAMES } from '../runtimes/names.mjs'
import { fmtMbps, kib, mbps, mdTable, median, ratio } from './format.mjs'

/** The engines the checksum rows measure. */
export const CHECKSUM_RUNTIMES = ['node', 'chromium']
const MiB = 1024 * 1024

/** Warm MB/s of one checksum implementation over 64 KiB chunks in one engine (NaN if not measured). */
export function checksumMbps(results, runtime, algorithm, impl) {
  const r = results.s3?.checksum?.[runtime]
  const t = r?.algorithms?.[algorithm]?.timings?.[impl]
  return t ? mbps(r.passBytes, t.median) : NaN
}

/** iamfetch's and the SDK's MB/s for one CRC in one engine, and iamfetch's ÷ the SDK's. */
export function checksumRatio(results, runtime, algorithm) {
  const iam = checksumMbps(results, runtime, algorithm, iamfetchChecksum(algorithm))
  const sdk = checksumMbps(results, runtime, algorithm, SDK_CRCS[algorithm])
  return { iam, sdk, value: iam / sdk }
}

/** The runtimes the upload runs in (measure/s3-upload.mjs); the targets read Node's. */
export const UPLOAD_RUNTIMES = ['node', 'workerd']

/**
 * Each upload mode's runs in `runtime`: the median time (the lower middle of
 * an even count), its MB/s, the largest peak RSS growth and the median
 * signing time; and the signed median ÷ the unsigned one. undefined if not measured.
 */
export function uploadFigures(results, runtime = 'node') {
  const u = results.s3?.upload
  const r = u?.[runtime]
  if (!r?.runs) return undefined
  const modes = Object.fromEntries(UPLOAD_MODES.filter((m) => r.runs[m]?.length).map((mode) => {
    const runs = r.runs[mode]
    const ms = median(runs.map((x) => x.ms))
    return [mode, {
      n: runs.length, ms, mbps: mbps(runs[0].bytes, ms),
      peakGrowth: Math.max(...runs.map((x) => x.peakGrowth)),
      signMs: runs[0].signMs === undefined ? NaN : median(runs.map((x) => x.signMs)),
    }]
  }))
  return { mib: u.mib, error: r.error, modes, ratio: modes.signed?.ms / modes.unsigned?.ms }
}

/** The S3 build as an app fetches it on first use: .wasm, glue as shipped, and the loader minified; raw and gzip -9. */
export function s3BuildSize(results) {
  const f = BUILDS.s3.wasm
  const wasm = results.size?.wasm?.[f]
  const glue = results.size?.glue?.[f]
  const loader = results.s3?.loader
  if (!wasm || !glue || !loader) return undefined
  return { wasm, glue, loader, raw: wasm.raw + glue.raw + loader.raw, gzip: wasm.gzip + glue.gzip + loader.gzip }
}

/** S3 code the default first load (AwsClient + fromCognitoIdentityPool) carries, gzip bytes: its .wasm if fetched, and its modules' share of the first-load JS. */
export function s3OnFirstLoad(results) {
  const b = results.size?.bundles?.['iam-cognito']
  if (!b) return undefined
  const wasm = b.wasmCounted.includes(BUILDS.s3.wasm) ? results.size.wasm[BUILDS.s3.wasm].gzip : 0
  const modules = (b.modules ?? []).filter((m) => m.module.startsWith('s3/') || m.module.includes('iamfetch_s3'))
  return { gzip: wasm + modules.reduce((n, m) => n + m.gzipEstimate, 0), wasm, modules: modules.map((m) => m.module), firstLoad: b.total, modulesKnown: Boolean(b.modules) }
}

const notMeasured = (compared) => ({ value: NaN, compared, measured: 'not measured' })

/** The metric kinds of the S3 targets (bench/targets.mjs), as report/targets.mjs reads them. */
export const S3_METRICS = {
  checksumRatio(results, { runtime, algorithm }) {
    const { iam, sdk, value } = checksumRatio(results, runtime, algorithm)
    const compared = `${iamfetchChecksum(algorithm)} ÷ ${SDK_CRCS[algorithm]}, MB/s, warm, 4 MiB per pass`
    if (!Number.isFinite(value)) return notMeasured(compared)
    // A fast wrong checksum is no checksum: the speed counts only if every implementation gave the same digest.
    const agree = results.s3.checksum[runtime].algorithms[algorithm].agree
    return { value, compared, measured: `${fmtMbps(iam)} ÷ ${fmtMbps(sdk)} MB/s = ${ratio(value)}`, ...(!agree && { verdict: 'MISS (the digests disagree)' }) }
  },
  uploadRssMiB(results) {
    const u = uploadFigures(results)
    const compared = 'peak RSS (VmHWM) of the uploading process over its RSS before the upload, the largest of the runs'
    const signed = u?.modes.signed
    if (!signed) return notMeasured(u?.error ? `${compared}; failed: ${u.error}` : compared)
    return { value: signed.peakGrowth / MiB, compared, measured: `+${(signed.peakGrowth / MiB).toFixed(1)} MiB over ${u.mib} MiB (${signed.n} run${signed.n === 1 ? '' : 's'})` }
  },
  uploadRatio(results) {
    const u = uploadFigures(results)
    const compared = 'UNSIGNED-PAYLOAD MB/s ÷ signed-chunk MB/s, the same bytes, median of the runs'
    if (!Number.isFinite(u?.ratio)) return notMeasured(u?.error ? `${compared}; failed: ${u.error}` : compared)
    return { value: u.ratio, compared, measured: `${fmtMbps(u.modes.unsigned.mbps)} ÷ ${fmtMbps(u.modes.signed.mbps)} MB/s = ${ratio(u.ratio)}` }
  },
  s3FirstLoadKiB(results) {
    const s = s3OnFirstLoad(results)
    const compared = `${BUILDS.s3.wasm} if fetched to sign, + the first-load share of js/src/s3/ and the S3 glue (gzip -9 estimate)`
    if (!s?.modulesKnown) return notMeasured(compared)
    const what = [s.wasm && BUILDS.s3.wasm, ...s.modules].filter(Boolean)
    return { value: s.gzip / 1024, compared, measured: `${kib(s.gzip)}${what.length ? ` (${what.join(', ')})` : ''}, of a first load of ${kib(s.firstLoad)}` }
  },
}

/** What the first S3 call fetched in a fresh Chromium page where iamfetch had signed (measure/s3-checksum.mjs' probe). */
export const s3ProbeText = (results) => {
  const p = results.s3?.probe
  return p ? `the core's init() fetched ${p.core.join(', ') || 'nothing'}; the S3 build's first load then fetched ${p.s3.join(', ') || 'nothing'}` : 'not probed'
}

function checksumTable(results) {
  const rts = CHECKSUM_RUNTIMES.filter((rt) => results.s3?.checksum?.[rt])
  if (!rts.length) return '_Checksums not measured in this run (`--only checksum`)._'
  const rows = []
  for (const algorithm of [...Object.keys(SDK_CRCS), ...HASHES]) {
    const iamImpl = iamfetchChecksum(algorithm)
    const impls = new Set(rts.flatMap((rt) => Object.keys(results.s3.checksum[rt].algorithms?.[algorithm]?.timings ?? {})))
    let first = SDK_CRCS[algorithm] ? algorithm : `${algorithm} (informational)`
    for (const impl of [iamImpl, ...[...impls].filter((i) => i !== iamImpl)]) {
      rows.push([first, impl, ...rts.map((rt) => {
        const v = checksumMbps(results, rt, algorithm, impl)
        if (!Number.isFinite(v)) return '—'
        const agree = results.s3.checksum[rt].algorithms[algorithm].agree ? '' : ' (digests disagree!)'
        return impl === iamImpl ? `${fmtMbps(v)}${agree}` : `${fmtMbps(v)} (iamfetch ${ratio(checksumMbps(results, rt, algorithm, iamImpl) / v)})`
      })])
      first = ''
    }
  }
  return mdTable(['algorithm', 'implementation', ...rts.map((rt) => `${RUNTIME_NAMES[rt]}, MB/s (iamfetch ÷ this)`)], rows)
}

const UPLOAD_LABELS = {
  unsigned: 'fetch PUT, `UNSIGNED-PAYLOAD` (transport alone)',
  signed: '`AwsClient.fetch()` with `contentLength`: aws-chunked, every chunk signed (`STREAMING-AWS4-HMAC-SHA256-PAYLOAD`)',
  framed: 'the same aws-chunked body framed by the bench from `newChunkSigner()`, sent as the unsigned PUT (no client)',
  'sign-only': 'chunk signing alone, no transport (wasm SHA-256 + HMAC per chunk)',
}

function uploadTable(results) {
  const rows = []
  const errors = []
  let mib
  for (const rt of UPLOAD_RUNTIMES) {
    const u = uploadFigures(results, rt)
    if (!u) continue
    mib = u.mib
    if (u.error) errors.push(`${RUNTIME_NAMES[rt]}: ${u.error}`)
    for (const [mode, m] of Object.entries(u.modes)) {
      rows.push([RUNTIME_NAMES[rt], UPLOAD_LABELS[mode], m.n, `${(m.ms / 1000).toFixed(2)} s`, fmtMbps(m.mbps), `+${(m.peakGrowth / MiB).toFixed(1)} MiB`,
        Number.isFinite(m.signMs) ? `${(m.signMs / 1000).toFixed(2)} s (${Math.round((100 * m.signMs) / m.ms)}%)` : '—'])
    }
  }
  if (!rows.length) return '_The upload was not measured in this run (`--only upload`)._'
  const table = mdTable(['runtime', `${mib} MiB`, 'runs', 'time, median (of an even count, the lower middle)', 'MB/s', 'peak RSS growth, largest', 'time in chunk signing'], rows)
  return errors.length ? `${table}\n\nFailed: ${errors.join('; ')}` : table
}

function sizeTable(results) {
  const s = s3BuildSize(results)
  if (!s) return '_Sizes not measured in this run (`--only size`)._'
  const first = s3OnFirstLoad(results)
  const rows = [
    [BUILDS.s3.wasm, s.wasm.raw, kib(s.wasm.gzip)],
    [`${BUILDS.s3.glue} (wasm-bindgen glue, as shipped)`, s.glue.raw, kib(s.glue.gzip)],
    [`${S3_LOADER} (the loader and wrappers) with what it imports beyond the first load, minified`, s.loader.raw, kib(s.loader.gzip)],
    ['**fetched on the first S3 call**', s.raw, `**${kib(s.gzip)}**`],
  ]
  if (first) rows.push(['the default first load (AwsClient + fromCognitoIdentityPool), beside it', '—', `${kib(first.firstLoad)}, of which S3 code ${kib(first.gzip)}`])
  return `${mdTable(['file', 'raw bytes', 'gzip -9'], rows)}\n\nIn Chromium, ${s3ProbeText(results)}.`
}

/** The "S3 from the edge" section's measured part: its targets, then checksums, the upload and the sizes. */
export function s3Section(results, targetTable) {
  return [targetTable, '', '**Checksums**, warm, 4 MiB per timed pass in 64 KiB updates:', '', checksumTable(results),
    '', '**Upload** to the local stack\'s S3 (its own process, every chunk signature checked):', '', uploadTable(results),
    '', '**The lazily loaded S3 build**:', '', sizeTable(results)].join('\n')
}
