#!/usr/bin/env node
// The soak test, at full length (outside CI; tests/stack/soak.test.mjs
// runs a short one):
//   node scripts/soak.mjs [--requests N] [--concurrency C] [--fault-rate R] [--seed S] [--json FILE]
// Sends N signed requests (default 100,000) through the packaged AwsClient
// (js/dist) to the local stack, started as a child process, with faults
// injected; prints the counts and memory samples. Exits 1 if a replayable
// request was lost, any request hung (30 s) or came back corrupt, or memory
// grew past the bound (tests/stack/support/soak.mjs states it).
import { writeFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import { formatReport, runSoak } from '../tests/stack/support/soak.mjs'

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '100000' },
    concurrency: { type: 'string', default: '32' },
    'fault-rate': { type: 'string', default: '0.12' },
    seed: { type: 'string', default: '12' },
    json: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
})
if (values.help) {
  process.stdout.write('usage: node scripts/soak.mjs [--requests N] [--concurrency C] [--fault-rate R] [--seed S] [--json FILE]\n')
  process.exit(0)
}
const numbers = { requests: Number(values.requests), concurrency: Number(values.concurrency), faultRate: Number(values['fault-rate']), seed: Number(values.seed) }
for (const [name, value] of Object.entries(numbers)) {
  if (!Number.isFinite(value) || value < 0 || (name !== 'faultRate' && !Number.isInteger(value)) || (name === 'faultRate' && value > 1)) {
    process.stderr.write(`soak: bad --${name} ${value}\n`)
    process.exit(2)
  }
}

const report = await runSoak({ ...numbers, log: (line) => process.stderr.write(`${line}\n`) })
process.stdout.write(`${formatReport(report)}\n`)
if (values.json) await writeFile(values.json, `${JSON.stringify(report, null, 2)}\n`)
process.exit(report.passed ? 0 : 1)
