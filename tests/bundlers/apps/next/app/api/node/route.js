// A Route Handler on the Node.js runtime that signs its upstream call.
// The test POSTs the stack's URL and credentials; the handler answers with the upstream's status and echo.
import { AwsClient } from 'iamfetch'

export const runtime = 'nodejs'

export async function POST(request) {
  const { url, accessKeyId, secretAccessKey, service, region } = await request.json()
  try {
    const client = new AwsClient({ accessKeyId, secretAccessKey, service, region })
    const response = await client.fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"from":"next-node"}' })
    return Response.json({ status: response.status, event: await response.json() })
  } catch (error) {
    return Response.json({ error: `${error.code ?? error.name}: ${error.message}` })
  }
}
