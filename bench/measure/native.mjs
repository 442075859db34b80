// The native floor: examples/bench_native.rs (built by scripts/bench.sh at
// opt-level 3) signs the same requests with iamfetch::sign and aws-sigv4.
import { existsSync } from 'node:fs'
import { log } from '../log.mjs'
import { ROOT } from '../paths.mjs'
import { runJson } from '../processes.mjs'

export async function measureNative({ results, budgetMs }) {
  const bin = process.env.BENCH_NATIVE
  if (!bin || !existsSync(bin)) { results.notes.push('native: bench_native was not built (run through scripts/bench.sh)'); return }
  log('native Rust: iamfetch::sign and aws-sigv4')
  const rows = await runJson(bin, ['--budget-ms', String(Math.round(budgetMs * 1.5))], { cwd: ROOT })
  results.native = {}
  for (const r of rows) (results.native[r.case] ??= {})[r.impl] = { median: r.median / 1000, p99: r.p99 / 1000, n: r.n }
}
