// The short soak: 2,000 signed requests through the packaged
// AwsClient with every fault kind injected. The full 100,000 run is
// `node scripts/soak.mjs`; both run tests/stack/support/soak.mjs.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { FAULT_KINDS, formatReport, runSoak } from './support/soak.mjs'

test('2,000 requests under faults: none replayable lost, every fault kind met and recovered, memory flat', { timeout: 120_000 }, async (t) => {
  const report = await runSoak({ requests: 2000, concurrency: 32, faultRate: 0.15 })
  for (const line of formatReport(report).split('\n')) t.diagnostic(line)
  assert.equal(report.lost, 0, 'no request the client may replay was lost')
  assert.deepEqual(report.problems, [])
  for (const kind of FAULT_KINDS) {
    const row = report.perFault[kind]
    assert.ok(row.requests > 0, `${kind} was injected`)
    // A cut answer is the caller's already: it must surface as an error, never as a whole body.
    if (kind === 'reset-mid') assert.ok(row.cut > 0, 'a cut answer surfaced as an error')
    else assert.ok(row.recovered > 0, `AwsClient recovered from ${kind}`)
  }
  // The stack's own log confirms the faults reached it.
  const answered = (errorType) => Object.entries(report.stackLog).filter(([key]) => key.endsWith(` ${errorType}`)).reduce((n, [, v]) => n + v, 0)
  for (const errorType of ['drop', 'reset', 'reset-mid', 'TooManyRequestsException', 'ServiceUnavailableException', 'InvalidSignatureException']) {
    assert.ok(answered(errorType) > 0, `the stack answered ${errorType}`)
  }
  assert.ok(report.memory.flat, 'memory stayed within the bound')
})
