// The short proxy soak: 2,000 requests through createSigningProxy
// behind its Node adapter, from valid and hostile viewers, with faults at the
// upstream. The full 100,000 run is `node scripts/soak-proxy.mjs`; both run
// tests/stack/support/proxy-soak.mjs, which states the checks. One soak, then
// one test per check, so that each failure is named on its own.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { formatProxyReport, runProxySoak } from './support/proxy-soak.mjs'
import { HOSTILE_KINDS, UPSTREAM_FAULTS } from './support/proxy-soak-plan.mjs'

let report

test('2,000 requests through the proxy, valid and hostile, with upstream faults', { timeout: 180_000 }, async (t) => {
  report = await runProxySoak({ requests: 2000, concurrency: 32, faultRate: 0.2, maxMinutes: 2.5 })
  for (const line of formatProxyReport(report).split('\n')) t.diagnostic(line)
  assert.equal(report.failed.cutShort, 0, 'the run finished within its time limit')
  assert.equal(report.sent, 2000)
  // Every kind of viewer and fault was met.
  const groups = Object.keys(report.outcomes)
  for (const kind of Object.keys(HOSTILE_KINDS)) assert.ok(groups.includes(kind), `a ${kind} viewer was sent`)
  for (const fault of Object.keys(UPSTREAM_FAULTS)) assert.ok(report.upstream.faults[fault] > 0, `the upstream applied ${fault}`)
  assert.ok(report.upstream.verified > 1000, 'most requests reached the upstream, signed')
})

test('no request without a valid token reached the upstream', () => {
  assert.equal(report.failed.reachedWithoutToken, 0, JSON.stringify(report.upstream.reached))
})

test('no valid request was lost without an error answer', () => {
  assert.equal(report.failed.lost, 0)
})

test('no upstream answer went to the wrong client', () => {
  assert.equal(report.failed.misrouted, 0)
})

test('the proxy\'s memory stayed within the bound', () => {
  assert.ok(report.memory.flat, JSON.stringify(report.memory))
})

test('no valid request failed without a fault that may fail it, and the upstream verified every signature', () => {
  assert.equal(report.failed.failedUnexcused, 0)
  assert.equal(report.failed.badSignature, 0)
})

test('no incomplete buffered body reached the upstream', () => {
  assert.equal(report.failed.incompleteForwarded, 0)
})

test('no body the proxy did not use held a hostile connection past bodyTimeoutMs', () => {
  assert.equal(report.failed.held, 0)
})

test('every hostile request got the answer expected for it', () => {
  assert.equal(report.failed.hostileUnexpected, 0, JSON.stringify(report.examples.filter((e) => e.problem === 'hostile answered unexpectedly')))
})
