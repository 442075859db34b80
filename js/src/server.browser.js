// iamfetch/server where there is no file system or process environment
// (browsers, workerd): importing it fails at once, with the reason, rather
// than when credentials are first needed.
import { IamFetchError } from './errors.js'

const message = 'iamfetch/server is for Node, Bun and Deno: in a browser or a worker, use fromCognitoIdentityPool, fromWebIdentity or fromEnv(env) from iamfetch'

/** Kept so that bundlers resolving the named import still build; it throws like the import does. */
export function fromNodeProviderChain() {
  throw new IamFetchError('ERR_UNSUPPORTED_RUNTIME', message)
}

throw new IamFetchError('ERR_UNSUPPORTED_RUNTIME', message)
