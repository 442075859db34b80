// The seed scenario's application, as a user writes it: credentials from the
// host (IRSA token file or Pod Identity's container endpoint) through
// iamfetch/server's chain, then the app's own role (AWS_ROLE_TO_ASSUME, read
// here: the chain gives it no meaning), then a signed call to API Gateway.
// Run by Node, Bun and Deno with the environment set; prints one JSON line.
import { AwsClient, fromAssumeRole } from 'iamfetch'
import { fromNodeProviderChain } from 'iamfetch/server'

const env = globalThis.process?.env ?? globalThis.Deno.env.toObject()
const credentials = fromAssumeRole({
  roleArn: env.AWS_ROLE_TO_ASSUME,
  credentials: fromNodeProviderChain(),
  region: env.AWS_REGION,
  endpoint: env.AWS_ENDPOINT_URL_STS,
})
const client = new AwsClient({ credentials, service: 'execute-api', region: env.AWS_REGION })
let response
try {
  response = await client.fetch(env.API_URL, { method: 'POST', body: '{"from":"pod"}', headers: { 'content-type': 'application/json' } })
} catch (error) {
  console.error(`${error.code}: ${error.message}`)
  globalThis.process?.exit(1) ?? globalThis.Deno.exit(1)
}
const text = await response.text()
let userArn
try {
  userArn = JSON.parse(text).requestContext?.identity?.userArn
} catch {}
console.log(JSON.stringify({ status: response.status, userArn, body: response.ok ? undefined : text }))
