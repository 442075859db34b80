// Credentials the caller already holds: fixed values, or a Worker's or process's environment.
import { IamFetchError } from '../errors.js'

/**
 * @param {{ accessKeyId: string, secretAccessKey: string, sessionToken?: string, expiration?: Date }} credentials
 */
export function fromStatic(given) {
  if (given === null || typeof given !== 'object') {
    throw new IamFetchError('ERR_MISSING_CREDENTIALS', 'fromStatic takes { accessKeyId, secretAccessKey, sessionToken?, expiration? }')
  }
  const { accessKeyId, secretAccessKey, sessionToken, expiration } = given
  const credentials = { accessKeyId, secretAccessKey, sessionToken, expiration }
  return async () => credentials
}

/**
 * Reads AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN from
 * `env` (a Worker's env binding) or, by default, `process.env`.
 * @param {Record<string, string | undefined>} [env]
 */
export function fromEnv(env = globalThis.process?.env) {
  return async () => {
    const accessKeyId = env?.AWS_ACCESS_KEY_ID
    const secretAccessKey = env?.AWS_SECRET_ACCESS_KEY
    if (!accessKeyId || !secretAccessKey) {
      throw new IamFetchError('ERR_MISSING_CREDENTIALS', 'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set in the environment')
    }
    return { accessKeyId, secretAccessKey, sessionToken: env.AWS_SESSION_TOKEN || undefined }
  }
}
