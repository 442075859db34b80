// explainFailure's diagnosis is not needed to sign: the code that words it
// (js/src/explain.js, diagnosis.js) loads the first time explainFailure is
// called, so that a code-splitting bundler keeps it out of the first load.
// Seen from a fresh Node process whose module loads are recorded; dist is
// bundled (scripts/bundle-dist.mjs), so that code is found in the modules
// loaded by a function only each of those two source modules defines.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { distEntry } from './support/paths.mjs'
import { runRecorded } from './support/load-recorder.mjs'

/** A function only js/src/explain.js defines, and one only diagnosis.js does. */
const DIAGNOSIS_CODE = ['function explainThrown(', 'function diagnoseMismatch(']

const APP = `
import { appendFileSync } from 'node:fs'
const { AwsClient, explainFailure } = await import(process.argv[2])
const log = (line) => appendFileSync(process.env.IAMFETCH_LOG, line + '\\n')
const client = new AwsClient({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', service: 'lambda', region: 'us-east-1' })
const signed = await client.sign('https://abc.lambda-url.us-east-1.on.aws/x', { method: 'POST', body: '{}' })
log('signed ' + signed.headers.get('authorization').split(' ')[0])
const explanation = await explainFailure(new Response('{"message":"Signature expired"}', { status: 403, headers: { date: new Date(Date.now() + 3_600_000).toUTCString() } }))
log('explained ' + explanation.cause)
`

test('signing loads none of the diagnosis modules; the first explainFailure loads them and explains', async () => {
  const lines = await runRecorded(APP, { under: '/dist/', args: [distEntry] })
  const signed = lines.indexOf('signed AWS4-HMAC-SHA256')
  const explained = lines.indexOf('explained clock-skew')
  assert.ok(signed !== -1 && explained > signed, `signed, then explained as clock skew: ${lines}`)
  assert.ok(lines.slice(0, signed).some((line) => line.endsWith('/dist/index.node.js')), `module loads are recorded (the hooks work): ${lines}`)
  const holding = (code, from, to) => lines.slice(from, to).filter((line) => line.startsWith('import file:') && readFileSync(new URL(line.slice('import '.length)), 'utf8').includes(code))
  for (const code of DIAGNOSIS_CODE) {
    assert.deepEqual(holding(code, 0, signed), [], `\`${code}…\` is not loaded to sign`)
    assert.ok(holding(code, signed, explained).length > 0, `\`${code}…\` is loaded by explainFailure: ${lines}`)
  }
})
