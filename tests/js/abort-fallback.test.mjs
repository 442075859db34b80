// Where AbortSignal.any is missing (browsers before 2024), a client with a
// timeoutMs combines the caller's signal with its deadline by hand: the
// caller's signal must still abort a call, and a long-lived caller's signal must not collect one
// listener per call. Run in a child process with AbortSignal.any deleted.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { distEntry } from './support/paths.mjs'

const CHILD = `
import { createServer } from 'node:http'
import { getEventListeners } from 'node:events'
delete AbortSignal.any
const { AwsClient } = await import(${JSON.stringify(distEntry)})
const server = createServer((req, res) => { if (req.url !== '/hang') res.end('ok') })
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
const url = 'http://127.0.0.1:' + server.address().port
const client = new AwsClient({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'local-only/abort-fallback-secret', service: 'lambda', region: 'us-east-1', retries: 0, timeoutMs: 30_000 })
const caller = new AbortController()
for (let i = 0; i < 200; i++) await (await client.fetch(url + '/ok', { signal: caller.signal })).text()
const afterCalls = getEventListeners(caller.signal, 'abort').length
for (let i = 0; i < 5 && getEventListeners(caller.signal, 'abort').length > 0; i++) {
  globalThis.gc()
  await new Promise((resolve) => setTimeout(resolve, 20))
}
const afterCollection = getEventListeners(caller.signal, 'abort').length
const hanging = client.fetch(url + '/hang', { signal: caller.signal }).then(() => 'answered', (error) => error.name)
setTimeout(() => caller.abort(), 100)
const aborted = await hanging
server.closeAllConnections()
server.close()
console.log(JSON.stringify({ anyMissing: typeof AbortSignal.any, afterCalls, afterCollection, aborted }))
`

test('without AbortSignal.any, the caller\'s signal still aborts a call and keeps no listener per call once they are collected', async () => {
  const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', '--input-type=module', '-e', CHILD], { timeout: 60_000 })
  const result = JSON.parse(stdout)
  assert.equal(result.anyMissing, 'undefined', 'the fallback is what ran')
  assert.ok(result.afterCollection < 10, `listeners left on the caller's signal after 200 calls and a collection: ${result.afterCollection} (right after the calls: ${result.afterCalls})`)
  assert.equal(result.aborted, 'AbortError')
})
