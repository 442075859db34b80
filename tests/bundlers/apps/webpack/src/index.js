// The obvious app: one client, one signed POST. The test calls window.run with the stack's URL and credentials.
import { AwsClient } from 'iamfetch'

window.run = async ({ url, accessKeyId, secretAccessKey, service, region }) => {
  try {
    const client = new AwsClient({ accessKeyId, secretAccessKey, service, region })
    const response = await client.fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"from":"webpack"}' })
    return { status: response.status, event: await response.json() }
  } catch (error) {
    return { error: `${error.code ?? error.name}: ${error.message}` }
  }
}
