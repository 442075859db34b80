// A Worker that signs with SigV4a: the SigV4a build is opted into by its own import.
import { AwsV4Signer } from 'iamfetch'
import 'iamfetch/sigv4a'

export default {
  async fetch(request) {
    const { url, accessKeyId, secretAccessKey } = await request.json()
    try {
      const signer = new AwsV4Signer({ url, accessKeyId, secretAccessKey, service: 's3', signingAlgorithm: 'sigv4a', regionSet: ['*'] })
      return Response.json({ authorization: await signer.authHeader() })
    } catch (error) {
      return Response.json({ error: `${error.code ?? error.name}: ${error.message}` })
    }
  },
}
