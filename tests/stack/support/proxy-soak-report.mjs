// The proxy soak's tally and report (proxy-soak.mjs): each request's outcome
// counted, the checks that fail the run, and the report as plain-text tables.
import { HOSTILE_KINDS, UPSTREAM_FAULTS } from './proxy-soak-plan.mjs'
import { memoryVerdict, mib } from './soak.mjs'

export function count(tally, plan, record) {
  tally.sent++
  tally[plan.valid ? 'valid' : 'hostile']++
  const group = plan.valid ? `${plan.kind}${plan.fault ? ` +${plan.fault.name}` : ''}` : plan.kind
  const row = (tally.outcomes[group] ??= {})
  row[record.outcome] = (row[record.outcome] ?? 0) + 1
  let problem
  if (plan.valid) {
    if (record.verdict === 'lost') problem = 'lost'
    else if (record.verdict === 'misrouted') problem = 'misrouted'
    else if (record.verdict !== 'ok' && !(plan.fault && UPSTREAM_FAULTS[plan.fault.name].mayFail)) problem = 'failed without a fault that excuses it'
    else if (record.verdict === 'cut' && plan.fault?.name !== 'cut') problem = 'failed without a fault that excuses it'
  } else if (record.held) {
    problem = 'held'
  } else if (record.verdict === 'unexpected') {
    problem = 'hostile answered unexpectedly'
  }
  if (problem) {
    tally.problems[problem] = (tally.problems[problem] ?? 0) + 1
    if (tally.examples.length < 20) tally.examples.push({ problem, id: plan.id, kind: plan.kind, fault: plan.fault, size: plan.size, outcome: record.outcome, reason: record.reason })
  }
}

/** The problems that fail the run, with their counts. */
export const CHECKS = {
  reachedWithoutToken: 'a request without a valid token reached the upstream',
  lost: 'a valid request was lost without an error answer',
  misrouted: 'an upstream answer went to the wrong client',
  memory: 'the proxy\'s memory grew past the bound',
  failedUnexcused: 'a valid request failed without a fault that may fail it',
  badSignature: 'the upstream refused a signature',
  incompleteForwarded: 'an incomplete buffered body reached the upstream',
  held: 'a body the proxy did not use held a hostile connection past bodyTimeoutMs',
  hostileUnexpected: 'a hostile request got an unexpected answer',
  cutShort: 'the run hit its time limit',
}

export function summarize({ requests, concurrency, faultRate, durationMs, cpu, cutShort, tally, samples, upstream, proxyErrors, childErrors }) {
  const memory = samples.length ? memoryVerdict(samples, requests) : { flat: false }
  const withoutToken = Object.entries(upstream.reached).filter(([kind]) => !HOSTILE_KINDS[kind].token).reduce((n, [, v]) => n + v, 0)
  const incomplete = Object.entries(upstream.reached).filter(([kind]) => HOSTILE_KINDS[kind].token).reduce((n, [, v]) => n + v, 0)
  const failed = {
    reachedWithoutToken: withoutToken + upstream.unknown.length,
    lost: tally.problems.lost ?? 0,
    misrouted: tally.problems.misrouted ?? 0,
    memory: memory.flat ? 0 : 1,
    failedUnexcused: tally.problems['failed without a fault that excuses it'] ?? 0,
    badSignature: upstream.badSignature,
    incompleteForwarded: incomplete + upstream.incompleteBody,
    held: tally.problems.held ?? 0,
    hostileUnexpected: tally.problems['hostile answered unexpectedly'] ?? 0,
    cutShort: cutShort ? 1 : 0,
  }
  const problems = Object.entries(failed).filter(([, n]) => n > 0).map(([check, n]) => `${CHECKS[check]} (${check === 'memory' ? 'see the samples' : n})`)
  return {
    requests, concurrency, faultRate, durationMs, requestsPerSecond: tally.sent / (durationMs / 1000), cpu,
    sent: tally.sent, valid: tally.valid, hostile: tally.hostile, outcomes: tally.outcomes, examples: tally.examples,
    samples, memory, upstream, proxyErrors, childErrors, failed, problems, passed: problems.length === 0,
  }
}

/** The report as plain-text tables. */
export function formatProxyReport(report) {
  const lines = []
  lines.push(`proxy soak: ${report.sent} of ${report.requests} requests (${report.valid} valid, ${report.hostile} hostile), concurrency ${report.concurrency}, ` +
    `upstream fault rate ${report.faultRate}, ${(report.durationMs / 1000).toFixed(1)} s, ${Math.round(report.requestsPerSecond)} requests/s; ` +
    `CPU: proxy ${(report.cpu.proxyMs / 1000).toFixed(1)} s, viewers + upstream + stack ${(report.cpu.driverMs / 1000).toFixed(1)} s`)
  lines.push('', 'what became of each request (kind [+upstream fault]: answer):')
  for (const [group, row] of Object.entries(report.outcomes).sort(([a], [b]) => a.localeCompare(b))) {
    const total = Object.values(row).reduce((a, b) => a + b, 0)
    lines.push(`  ${group.padEnd(26)} ${String(total).padStart(6)}   ${Object.entries(row).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} × ${n}`).join(', ')}`)
  }
  const u = report.upstream
  lines.push('', `upstream: ${u.received} received, ${u.verified} signatures verified, ${u.badSignature} refused, ${u.incompleteBody} incomplete bodies; ` +
    `faults applied: ${Object.entries(u.faults).map(([k, n]) => `${k} × ${n}`).join(', ') || 'none'}`)
  lines.push(`  hostile requests that reached it: ${JSON.stringify(u.reached)}; untagged or unknown: ${u.unknown.length}`)
  if (u.badSignatures.length) lines.push(...u.badSignatures.map((s) => `  refused: ${s}`))
  lines.push('', `proxy onError: ${Object.entries(report.proxyErrors.counts).map(([k, n]) => `${k} × ${n}`).join(', ') || 'none'}`)
  lines.push('', 'requests   elapsed   rss MiB  heapUsed MiB  external MiB  connections  sockets   (the proxy process, after a full GC, nothing in flight)')
  for (const s of report.samples) {
    lines.push(`${String(s.requests).padStart(8)}  ${(s.elapsedMs / 1000).toFixed(1).padStart(7)} s  ${mib(s.rss).padStart(8)}  ${mib(s.heapUsed).padStart(12)}  ${mib(s.external).padStart(12)}  ${String(s.connections).padStart(11)}  ${String(s.resources.TCPSocketWrap ?? 0).padStart(7)}`)
  }
  const m = report.memory
  if (m.baseline !== undefined) lines.push(`memory bound from ${m.baseline} requests on: heapUsed <= ${mib(m.heapLimit)} MiB, rss <= ${mib(m.rssLimit)} MiB: ${m.flat ? 'flat' : 'GREW'}`)
  lines.push('', 'checks:')
  for (const [check, text] of Object.entries(CHECKS)) lines.push(`  ${report.failed[check] ? 'FAIL' : 'ok  '}  ${text}${report.failed[check] ? ` (${report.failed[check]})` : ''}`)
  if (report.examples.length) lines.push('', 'first problems:', ...report.examples.map((e) => `  ${JSON.stringify(e)}`))
  if (report.childErrors.length) lines.push('', 'proxy stderr:', ...report.childErrors)
  lines.push('', report.passed ? 'PASS' : `FAIL: ${report.problems.join('; ')}`)
  return lines.join('\n')
}
