// Number formats and Markdown tables, and the medians the report reads from
// results.json.
import { HASH_SIZES } from '../src/common.mjs'

export const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.floor((s.length - 1) / 2)] : NaN }
/** ms as µs (whole or one decimal), or as ms from 10 ms up. */
export const fmtUs = (ms) => {
  const us = ms * 1000
  if (!Number.isFinite(us)) return 'n/a'
  if (us >= 10000) return `${(us / 1000).toFixed(1)} ms`
  return us >= 100 ? `${us.toFixed(0)}` : `${us.toFixed(1)}`
}
export const fmtLatency = (t, unit) => (t ? `${fmtUs(t.median)} / ${fmtUs(t.p99)}${unit ?? ''}` : '—')
export const mbps = (bytes, ms) => bytes / 1e6 / (ms / 1000)
export const fmtMbps = (v) => (Number.isFinite(v) ? (v >= 100 ? v.toFixed(0) : v >= 1 ? v.toFixed(1) : v.toPrecision(1)) : 'n/a')
export const kib = (b) => `${(b / 1024).toFixed(1)} KiB`
export const mib = (b) => `${(b / 1048576).toFixed(0)} MiB`
export const ratio = (x) => (x >= 10 ? `${x.toFixed(0)}×` : `${x.toFixed(2)}×`)
const esc = (s) => String(s).replace(/\|/g, '\\|')
export const mdTable = (header, rows) => [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`)].join('\n')

/** Median µs-as-ms of one signer on one request in one runtime. */
export const signMedian = (results, rt, impl, c = 'post1k') => results.sign[rt]?.[c]?.timings?.[impl]?.median
export const sigv4aMedian = (results, rt, impl) => results.sigv4a?.sign[rt]?.timings?.[impl]?.median
/** Median ms of the first SigV4a signatures, in fresh processes or pages. */
export const sigv4aColdMedian = (results, key) => { const runs = results.sigv4a?.cold[key]; return runs ? median(runs.map((r) => r.ms)) : NaN }
export const startMedian = (results, key) => { const runs = results.start[key]; return runs ? median(runs.map((r) => r.ms)) : NaN }
/** Warm MB/s of one hasher on one size in one runtime. */
export const warmMbps = (results, rt, size, impl) => {
  const t = results.hashWarm[rt]?.[size]?.timings?.[impl]
  return t ? mbps(HASH_SIZES.find((s) => s.name === size).bytes, t.median) : NaN
}
