// iamfetch/inline with SigV4a: the SigV4a build is embedded by importing its subpath.
import { AwsV4Signer } from 'iamfetch/inline'
import 'iamfetch/inline/sigv4a'

window.run = async ({ accessKeyId, secretAccessKey }) => {
  try {
    const signer = new AwsV4Signer({ url: 'https://b.s3.us-east-1.amazonaws.com/k', accessKeyId, secretAccessKey, signingAlgorithm: 'sigv4a', regionSet: ['*'] })
    return { authorization: await signer.authHeader() }
  } catch (error) {
    return { error: `${error.code ?? error.name}: ${error.message}` }
  }
}
