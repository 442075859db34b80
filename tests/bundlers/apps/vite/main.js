// The obvious app: one client, one signed POST. The test calls window.run with the stack's URL and credentials,
// then window.extras, which reaches the two lazily loaded builds (diagnostics and SigV4a), each a chunk of its own.
import { AwsClient, AwsV4Signer, signRequest } from 'iamfetch'

window.run = async ({ url, accessKeyId, secretAccessKey, service, region }) => {
  try {
    const client = new AwsClient({ accessKeyId, secretAccessKey, service, region })
    const response = await client.fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"from":"vite"}' })
    return { status: response.status, event: await response.json() }
  } catch (error) {
    return { error: `${error.code ?? error.name}: ${error.message}` }
  }
}

window.extras = async ({ url, accessKeyId, secretAccessKey, service, region }) => {
  try {
    // The signature inspector's path: the diagnostics build.
    const inspected = await signRequest({ url, method: 'GET' }, { accessKeyId, secretAccessKey, service, region })
    // SigV4a: the SigV4a build.
    const sigv4a = await new AwsV4Signer({ url, accessKeyId, secretAccessKey, service: 's3', signingAlgorithm: 'sigv4a', regionSet: ['*'] }).authHeader()
    return { canonicalMethod: inspected.canonicalRequest.split('\n')[0], sigv4a: sigv4a.split(' ')[0] }
  } catch (error) {
    return { error: `${error.code ?? error.name}: ${error.message}` }
  }
}
