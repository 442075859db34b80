export { AwsV4Signer } from 'iamfetch'
// workerd: the SigV4a build is bundled only when imported (the first-SigV4a-signature row needs it).
import 'iamfetch/sigv4a'
