// The client soak's report (soak.mjs runSoak) as text, for scripts/soak.mjs
// and tests/stack/soak.test.mjs.
import { mib } from './soak-memory.mjs'

/** The report as a few plain-text tables. */
export function formatReport(report) {
  const lines = []
  const pct = (n) => `${((100 * n) / report.sent).toFixed(2)}%`
  lines.push(`soak: ${report.requests} requests, concurrency ${report.concurrency}, fault rate ${report.faultRate}, ` +
    `${(report.durationMs / 1000).toFixed(1)} s, ${Math.round(report.requestsPerSecond)} requests/s; ` +
    `CPU: client ${(report.cpu.clientMs / 1000).toFixed(1)} s, stack ${report.cpu.stackMs === undefined ? '?' : (report.cpu.stackMs / 1000).toFixed(1)} s`)
  lines.push(`sent ${report.sent}  ok ${report.ok} (${pct(report.ok)})  failed-allowed ${report.failedAllowed}  cut ${report.cut}  LOST ${report.lost}`)
  lines.push('', 'fault        requests  recovered  failed-allowed  cut  lost')
  for (const [name, row] of Object.entries(report.perFault)) {
    lines.push(`${name.padEnd(12)} ${String(row.requests).padStart(8)}  ${String(row.recovered).padStart(9)}  ${String(row.failedAllowed).padStart(14)}  ${String(row.cut).padStart(3)}  ${String(row.lost).padStart(4)}`)
  }
  lines.push('', 'request kind          sent      ok  failed-allowed  cut  lost')
  for (const [name, row] of Object.entries(report.perKind)) {
    lines.push(`${name.padEnd(20)} ${String(row.sent).padStart(6)}  ${String(row.ok).padStart(6)}  ${String(row.failedAllowed).padStart(14)}  ${String(row.cut).padStart(3)}  ${String(row.lost).padStart(4)}`)
  }
  lines.push('', 'requests   elapsed   rss MiB  heapUsed MiB  external MiB  sockets  timers   (after a full GC)')
  for (const s of report.samples) {
    lines.push(`${String(s.requests).padStart(8)}  ${(s.elapsedMs / 1000).toFixed(1).padStart(7)} s  ${mib(s.rss).padStart(8)}  ${mib(s.heapUsed).padStart(12)}  ${mib(s.external).padStart(12)}  ${String(s.resources.TCPSocketWrap ?? 0).padStart(7)}  ${String(s.resources.Timeout ?? 0).padStart(6)}`)
  }
  const m = report.memory
  lines.push(`memory bound from ${m.baseline} requests on: heapUsed <= ${mib(m.heapLimit)} MiB, rss <= ${mib(m.rssLimit)} MiB: ${m.flat ? 'flat' : 'GREW'}`)
  lines.push('', 'why requests did not end ok:')
  for (const [reason, n] of Object.entries(report.reasons).sort((a, b) => b[1] - a[1])) lines.push(`  ${String(n).padStart(6)}  ${reason}`)
  lines.push('', 'the stack\'s own log, answers other than 200:')
  for (const [key, n] of Object.entries(report.stackLog).filter(([k]) => !/ 200 -$/.test(k)).sort()) lines.push(`  ${String(n).padStart(6)}  ${key}`)
  if (report.stackErrors.length) lines.push('', 'stack stderr:', ...report.stackErrors)
  if (report.lostExamples.length) lines.push('', 'lost, first ones:', ...report.lostExamples.map((e) => `  ${JSON.stringify(e)}`))
  lines.push('', report.passed ? 'PASS' : `FAIL: ${report.problems.join('; ')}`)
  return lines.join('\n')
}
