#!/usr/bin/env node
// The proxy soak, at full length (outside CI;
// tests/stack/proxy-soak.test.mjs runs a short one):
//   node scripts/soak-proxy.mjs [--requests N] [--concurrency C] [--fault-rate R] [--seed S] [--max-minutes M] [--json FILE]
// Sends N requests (default 100,000) through createSigningProxy from the
// packaged js/dist, served by its Node adapter (@hono/node-server) in a child
// process: valid viewers with tokens from the local stack's user pool, GET and
// POST with bodies up to 1 MiB, some with faults at the upstream (5xx, resets,
// slow and cut answers), and hostile viewers (bad, expired and wrong-audience
// tokens, oversized headers, slowloris headers and bodies, aborted uploads).
// Prints what became of each request and the proxy's memory at 1k, 10k, 50k
// and 100k. Exits 1 if a request without a valid token reached the upstream, a
// valid request was lost without an error answer, an answer went to the wrong
// client, the proxy's memory grew, or another check failed
// (tests/stack/support/proxy-soak.mjs states them all).
import { writeFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import { formatProxyReport, runProxySoak } from '../tests/stack/support/proxy-soak.mjs'

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '100000' },
    concurrency: { type: 'string', default: '32' },
    'fault-rate': { type: 'string', default: '0.15' },
    seed: { type: 'string', default: '21' },
    'max-minutes': { type: 'string', default: '120' },
    json: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
})
if (values.help) {
  process.stdout.write('usage: node scripts/soak-proxy.mjs [--requests N] [--concurrency C] [--fault-rate R] [--seed S] [--max-minutes M] [--json FILE]\n')
  process.exit(0)
}
const numbers = {
  requests: Number(values.requests), concurrency: Number(values.concurrency), faultRate: Number(values['fault-rate']),
  seed: Number(values.seed), maxMinutes: Number(values['max-minutes']),
}
for (const [name, value] of Object.entries(numbers)) {
  const integer = name !== 'faultRate' && name !== 'maxMinutes'
  if (!Number.isFinite(value) || value < 0 || (integer && !Number.isInteger(value)) || (name === 'faultRate' && value > 1) ||
    ((name === 'requests' || name === 'concurrency' || name === 'maxMinutes') && value <= 0)) {
    process.stderr.write(`soak-proxy: bad --${name} ${value}\n`)
    process.exit(2)
  }
}

const report = await runProxySoak({ ...numbers, log: (line) => process.stderr.write(`${line}\n`) })
process.stdout.write(`${formatProxyReport(report)}\n`)
if (values.json) await writeFile(values.json, `${JSON.stringify(report, null, 2)}\n`)
process.exit(report.passed ? 0 : 1)
