// The public API, shared by every runtime entry. Keep it small: nothing else is exported.
export { init } from './core.js'
export { IamFetchError } from './errors.js'
export { sha256Hex, Sha256 } from './hash.js'
export { AwsV4Signer, signRequest } from './signer.js'
export { AwsClient } from './client.js'
export { fromCognitoIdentityPool } from './credentials/cognito.js'
export { fromAssumeRole, fromWebIdentity } from './credentials/sts.js'
export { fromStatic, fromEnv } from './credentials/static.js'
