// Signs one POST with iamfetch, shows the signature's parts, and sends it to
// the local stack's function URL, which checks it with the AWS SDK's signer.
import { startStack } from '../stack/src/index.mjs'
import { AwsClient, signRequest } from '../js/dist/index.node.js'

const stack = await startStack()
try {
  const user = stack.ids.iamUsers['test-user']
  const url = `${stack.endpoints.functionUrl}/hello?from=iamfetch`
  const request = { method: 'POST', url, headers: { 'content-type': 'application/json' }, body: '{"hello":"world"}' }
  const options = { accessKeyId: user.accessKeyId, secretAccessKey: user.secretAccessKey, ...stack.signing.functionUrl }

  const signed = await signRequest(request, options)
  console.log(`POST ${url}\n`)
  console.log('Headers added by iamfetch:')
  for (const name of ['authorization', 'x-amz-date']) console.log(`  ${name}: ${signed.headers.get(name)}`)
  console.log(`\nCanonical request:\n${signed.canonicalRequest}\n\nString to sign:\n${signed.stringToSign}\n`)

  const response = await new AwsClient(options).fetch(url, request)
  const event = await response.json()
  console.log(`The local function URL answered ${response.status}; caller: ${event.requestContext?.authorizer?.iam?.userArn}`)
  if (!response.ok) process.exitCode = 1
} finally {
  await stack.stop()
}
