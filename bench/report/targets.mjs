// The targets table: each target of bench/targets.mjs with its metric read
// from this run's results, [target, compared, measured, verdict].
import { HASH_SIZES } from '../src/common.mjs'
import { TARGETS } from '../targets.mjs'
import { fmtMbps, fmtUs, kib, ratio, signMedian, sigv4aMedian, startMedian, warmMbps } from './format.mjs'
import { S3_METRICS } from './s3.mjs'

const SYMBOLS = { '>=': '≥', '<=': '≤', '<': '<' }
const PASSES = { '>=': (v, t) => v >= t, '<=': (v, t) => v <= t, '<': (v, t) => v < t }

/** PASS, or by how much it misses: the factor the measure must improve by to meet the threshold. */
export function verdict(value, compare, threshold) {
  if (!Number.isFinite(value)) return 'not measured'
  if (PASSES[compare](value, threshold)) return 'PASS'
  const factor = compare === '>=' ? threshold / value : value / threshold
  // A threshold of 0 (none of it allowed) has no factor to name.
  return Number.isFinite(factor) ? `MISS (needs ${factor.toFixed(2)}× better)` : `MISS (must be ${threshold})`
}

export const targetLabel = (t) => `${t.name} ${SYMBOLS[t.compare]} ${t.threshold}${t.unit === '×' ? '×' : ` ${t.unit}`}${t.qualifier ? ` ${t.qualifier}` : ''}`

/** A ratio of two medians, competitor ÷ iamfetch: { value, compared, measured }. */
function medianRatio(a, b, compared, fmt) {
  const value = a / b
  return { value, compared, measured: Number.isFinite(value) ? `${fmt(a)} ÷ ${fmt(b)} = ${ratio(value)}` : 'not measured' }
}

const bundleLabel = (results, key) => results.size?.bundles?.[key]?.label ?? key

/** How this run's sizes were counted: results.json from before code splitting counted one whole bundle. */
export const sizeMethod = (results) => (results.size?.splitting
  ? 'esbuild --bundle --minify --splitting (esm, browser): first-load chunks of a code-splitting bundle, each gzip -9'
  : 'esbuild --bundle --minify (esm, browser), no splitting: the whole bundle, gzip -9')

/** A bundle's counted JS: its first-load chunks, and any lazy chunk signing fetched. */
export function bundleJsText(b) {
  const n = b.chunks?.filter((c) => c.firstLoad).length
  const lazy = b.lazyLoaded?.length ? ` + lazy chunks fetched to sign ${kib(b.lazyLoadedGzip)} (${b.lazyLoaded.join(', ')})` : ''
  return `JS ${kib(b.jsGzip)}${n ? ` in ${n} first-load chunk${n === 1 ? '' : 's'}` : ''}${lazy}`
}

/** Each metric kind: (results, metric) → { value, compared, measured, verdict? }. */
const METRICS = {
  bundleKiB(results, { bundle }) {
    const compared = `${sizeMethod(results)}: JS + every .wasm fetched to sign one request`
    const b = results.size?.bundles?.[bundle]
    if (!b) return { value: NaN, compared, measured: 'not measured' }
    const broken = b.works === true ? '' : ` — BROKEN: ${b.works}`
    const wasm = b.wasmCounted.map((f) => `${f} ${kib(results.size.wasm[f]?.gzip ?? 0)}`).join(' + ') || 'no wasm'
    const uncounted = (b.lazyJsGzip ?? 0) - (b.lazyLoadedGzip ?? 0)
    const lazy = uncounted ? `; not counted: lazily loaded chunks ${kib(uncounted)}` : ''
    return { value: b.total / 1024, compared, measured: `${kib(b.total)} (${bundleJsText(b)} + ${wasm}${lazy})${broken}`, verdict: broken ? 'MISS (broken bundle)' : undefined }
  },
  bundleJsKiB(results, { bundle }) {
    const b = results.size?.bundles?.[bundle]
    const compared = `${sizeMethod(results)}: the JS alone, the .wasm not counted`
    if (!b) return { value: NaN, compared, measured: 'not measured' }
    const js = b.jsGzip + (b.lazyLoadedGzip ?? 0)
    return { value: js / 1024, compared, measured: bundleJsText(b) }
  },
  bundleRatio(results, { bundle, against }) {
    const compared = `${bundleLabel(results, bundle)} ÷ ${bundleLabel(results, against)}, totals counted alike (${sizeMethod(results)}, + .wasm fetched to sign)`
    const [a, b] = [bundle, against].map((key) => results.size?.bundles?.[key]?.total)
    const value = a / b
    return { value, compared, measured: Number.isFinite(value) ? `${kib(a)} ÷ ${kib(b)} = ${ratio(value)}` : 'not measured' }
  },
  signRatio: (results, { runtime, competitor, iamfetch }) => medianRatio(signMedian(results, runtime, competitor), signMedian(results, runtime, iamfetch),
    `${competitor} ÷ ${iamfetch}, µs median`, fmtUs),
  sigv4aRatio: (results, { runtime, competitor, iamfetch }) => medianRatio(sigv4aMedian(results, runtime, competitor), sigv4aMedian(results, runtime, iamfetch),
    `${competitor} ÷ ${iamfetch}, µs median`, fmtUs),
  startRatio: (results, { runtime, competitor, iamfetch }) => medianRatio(startMedian(results, `${runtime}:${competitor}`), startMedian(results, `${runtime}:${iamfetch}`),
    `${competitor} ÷ ${iamfetch}, ms median of fresh processes`, (ms) => ms.toFixed(1)),
  hashMBps(results, { runtime, impl, sizes }) {
    const rates = sizes.map((size) => warmMbps(results, runtime, size, impl))
    const labels = sizes.map((size) => HASH_SIZES.find((s) => s.name === size).label)
    return {
      value: Math.min(...rates),
      compared: `${impl}, warm, the worse of: ${labels.join(' · ')}`,
      measured: rates.some(Number.isFinite) ? `${rates.map(fmtMbps).join(' · ')} MB/s` : 'not measured',
    }
  },
  ...S3_METRICS,
}

/** The targets' rows, or those of one `group` of bench/targets.mjs. */
export function targetRows(results, group) {
  return TARGETS.filter((t) => !group || t.group === group).map((t) => {
    const m = METRICS[t.metric.kind](results, t.metric)
    return [targetLabel(t), m.compared, m.measured, m.verdict ?? verdict(m.value, t.compare, t.threshold)]
  })
}
