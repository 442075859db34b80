// STS and a device clock 20 minutes off: fromAssumeRole,
// chained to fromNodeProviderChain (IRSA through the stack's STS), learns the
// offset from STS's "Signature expired" / "Signature not yet current" answer
// and its Date, by the rule the client uses (js/src/clock-skew.js), signs
// again once, and signs its later calls with the offset from the start.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startStack } from '../../stack/src/index.mjs'

const dist = new URL('../../js/dist/', import.meta.url)
const { fromNodeProviderChain } = await import(new URL('server.node.js', dist))
const { AwsClient, fromAssumeRole } = await import(new URL('index.node.js', dist))

let stack, dir
before(async () => {
  stack = await startStack()
  dir = mkdtempSync(join(tmpdir(), 'iamfetch-sts-skew-'))
})
after(async () => {
  await stack?.stop()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

async function idToken() {
  const response = await fetch(stack.endpoints.cognitoIdp, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityProviderService.InitiateAuth' },
    body: JSON.stringify({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: stack.ids.userPoolClientId, AuthParameters: { USERNAME: 'demo', PASSWORD: 'demo-password' } }),
  })
  return (await response.json()).AuthenticationResult.IdToken
}

/** A fetch that records each STS call's Action and the answer's status. */
function recordingFetch() {
  const calls = []
  const send = async (input, init) => {
    const request = new Request(input, init)
    const action = new URLSearchParams(await request.clone().text()).get('Action')
    const response = await fetch(request)
    calls.push({ action, status: response.status })
    return response
  }
  send.calls = calls
  return send
}

for (const [label, serverAheadSeconds] of [['ahead', 1200], ['behind', -1200]]) {
  test(`the stack's STS clock 20 minutes ${label}: AssumeRole re-signs once with STS's time and keeps the offset`, async (t) => {
    stack.setClockOffset(serverAheadSeconds)
    t.after(() => stack.setClockOffset(0))
    const token = join(dir, `token-${label}`)
    writeFileSync(token, await idToken())
    const env = {
      AWS_ROLE_ARN: stack.ids.roles.workload,
      AWS_WEB_IDENTITY_TOKEN_FILE: token,
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL_STS: stack.endpoints.sts,
      AWS_EC2_METADATA_DISABLED: 'true',
    }
    const send = recordingFetch()
    const provider = fromAssumeRole({ roleArn: stack.ids.roles['api-caller'], credentials: fromNodeProviderChain({ env, fetch: send }), endpoint: stack.endpoints.sts, fetch: send })

    const started = Date.now()
    const first = await provider()
    assert.ok(Date.now() - started < 3000, `took ${Date.now() - started} ms`)
    const assumeRole = () => send.calls.filter((c) => c.action === 'AssumeRole').map((c) => c.status)
    assert.deepEqual(assumeRole(), [403, 200], 'refused for skew once, then signed with STS\'s time')
    // Read on the device clock: an hour from now, not 20 minutes off.
    const lifetime = first.expiration.getTime() - Date.now()
    assert.ok(Math.abs(lifetime - 3_600_000) < 60_000, `expires in ${Math.round(lifetime / 1000)} s on this device`)

    // The provider's next call signs with the learned offset at once.
    await provider()
    assert.deepEqual(assumeRole(), [403, 200, 200])

    // And the role's credentials work for a signed call (the client learns its own offset).
    const client = new AwsClient({ credentials: provider, service: 'execute-api', region: 'us-east-1' })
    const response = await client.fetch(`${stack.endpoints.apiRest}/${stack.ids.restApiStage}/echo`)
    const text = await response.text()
    assert.equal(response.status, 200, text)
    assert.match(JSON.parse(text).requestContext.identity.userArn, /assumed-role\/api-caller\/iamfetch-/)
    assert.ok(Math.abs(client.clockOffsetMs - serverAheadSeconds * 1000) < 5000)
  })
}
