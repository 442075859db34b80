// A Lambda@Edge origin-request handler that signs the origin request with the
// function's own role and returns it: CloudFront forwards it to the function
// URL (AuthType AWS_IAM). Associate it with the cache behavior as an
// origin-request trigger with "Include body" checked.
//
// Lambda@Edge has no user-defined environment variables, but the runtime
// still provides the execution role's keys as AWS_ACCESS_KEY_ID,
// AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN: fromEnv() reads them. The
// role needs lambda:InvokeFunctionUrl and lambda:InvokeFunction on the origin.
import { fromEnv } from 'iamfetch'
import { signCloudFrontOriginRequest } from 'iamfetch/proxy'

const credentials = fromEnv()

export const handler = async (event) => {
  // Checking the viewer (a Cognito token, say) belongs in a viewer-request
  // trigger, before CloudFront's cache.
  return signCloudFrontOriginRequest(event, { credentials })
}
