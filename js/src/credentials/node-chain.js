// The server-side default chain: credentials found where the AWS SDK's
// default chain finds them on Lambda, EKS (IRSA and Pod Identity), ECS and EC2.
// Server runtimes only (Node, Bun, Deno): it reads files and the process
// environment, so it is reached through the `iamfetch/server` subpath alone.
import { IamFetchError, scrub } from '../errors.js'
import { checkTimeoutMs, invalidOptions, rejectUnknownOptions } from '../options.js'
import { cachedProvider } from './cache.js'
import { fromEnv } from './static.js'
import { assumeRoleWithWebIdentity } from './sts.js'
import { containerCredentials, containerEndpoint, imdsEndpoint, instanceCredentials, readTokenFile } from './metadata.js'

const OPTIONS = [
  'env', 'region', 'stsEndpoint', 'roleSessionName', 'durationSeconds', 'imds', 'imdsEndpoint',
  'metadataTimeoutMs', 'stsTimeoutMs', 'timeoutMs', 'refreshMarginMs', 'fetch',
]

/**
 * Credentials from, in this order (the AWS SDK's, without its shared-config
 * sources): environment keys; the web identity token file (IRSA); the container
 * endpoint (ECS, EKS Pod Identity); IMDSv2 (EC2). The first source that is
 * configured answers; when it fails, the chain stops there rather than fall
 * through to a source with another identity (a pod's IRSA failing must not
 * quietly sign as the node's instance role). Cached until shortly before expiry.
 * @param {object} [options] see server.d.ts
 */
export function fromNodeProviderChain(options = {}) {
  rejectUnknownOptions(options, OPTIONS, 'fromNodeProviderChain')
  const { env = processEnv(), fetch, imds = true, imdsEndpoint: imdsBase, roleSessionName, durationSeconds, refreshMarginMs, timeoutMs } = options
  if (typeof env !== 'object' || env === null) throw invalidOptions('fromNodeProviderChain: env must be an object of environment variables')
  checkTimeoutMs(options.metadataTimeoutMs, 'metadataTimeoutMs')
  checkTimeoutMs(options.stsTimeoutMs, 'stsTimeoutMs')
  checkTimeoutMs(timeoutMs, 'timeoutMs')
  const { metadataTimeoutMs, stsTimeoutMs } = options
  // What STS's answers teach about its clock, kept across refreshes.
  const stsClock = { offsetMs: 0 }

  const sources = [
    {
      name: 'environment',
      skipped: () => (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY ? undefined : 'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not both set'),
      get: fromEnv(env),
    },
    {
      name: 'web identity token file',
      skipped: () => (env.AWS_ROLE_ARN && env.AWS_WEB_IDENTITY_TOKEN_FILE ? undefined : 'AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE are not both set'),
      // The file is read at every refresh: the kubelet rotates it.
      get: async () => assumeRoleWithWebIdentity({
        roleArn: env.AWS_ROLE_ARN,
        token: await readTokenFile(env.AWS_WEB_IDENTITY_TOKEN_FILE, 'AWS_WEB_IDENTITY_TOKEN_FILE'),
        roleSessionName: env.AWS_ROLE_SESSION_NAME || roleSessionName,
        durationSeconds,
        region: stsRegion(env, options),
        endpoint: stsEndpoint(env, options),
        fetch,
        timeoutMs: stsTimeoutMs,
        clock: stsClock,
      }),
    },
    {
      name: 'container endpoint',
      skipped: () => (env.AWS_CONTAINER_CREDENTIALS_FULL_URI || env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI ? undefined : 'AWS_CONTAINER_CREDENTIALS_FULL_URI and _RELATIVE_URI are not set'),
      get: () => containerCredentials({ url: containerEndpoint(env), env, fetch, timeoutMs: metadataTimeoutMs }),
    },
    {
      name: 'EC2 instance metadata (IMDSv2)',
      skipped: () => {
        if (imds === false) return 'turned off by the imds option'
        // As the JS SDK's remoteProvider: any value turns it off.
        if (env.AWS_EC2_METADATA_DISABLED) return 'AWS_EC2_METADATA_DISABLED is set'
        return undefined
      },
      get: () => instanceCredentials({ base: imdsEndpoint(env, imdsBase), fetch, timeoutMs: metadataTimeoutMs }),
    },
  ]

  async function resolve() {
    const outcomes = []
    for (const [index, source] of sources.entries()) {
      const reason = source.skipped()
      if (reason) {
        outcomes.push(`${source.name}: skipped (${reason})`)
        continue
      }
      try {
        return await source.get()
      } catch (error) {
        outcomes.push(`${source.name}: failed (${describe(error)})`)
        for (const rest of sources.slice(index + 1)) outcomes.push(`${rest.name}: not tried (a source before it is configured)`)
        throw chainError(outcomes, error, env)
      }
    }
    throw chainError(outcomes, undefined, env)
  }

  return cachedProvider(resolve, { refreshMarginMs, timeoutMs })
}

/** Deno exposes its environment as process.env too (Deno 2), else through Deno.env. */
function processEnv() {
  return globalThis.process?.env ?? globalThis.Deno?.env?.toObject() ?? {}
}

function stsRegion(env, options) {
  return options.region ?? (env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1')
}

/** AWS_ENDPOINT_URL_STS, then AWS_ENDPOINT_URL, unless AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true, as in the SDKs. */
function stsEndpoint(env, options) {
  if (options.stsEndpoint) return options.stsEndpoint
  if (String(env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS).toLowerCase() === 'true') return undefined
  return env.AWS_ENDPOINT_URL_STS || env.AWS_ENDPOINT_URL || undefined
}

function describe(error) {
  const code = error?.code ? `${error.code}: ` : ''
  return `${code}${error?.message ?? error}`
}

/** One error naming every source and what became of it; secrets from the environment scrubbed. */
function chainError(outcomes, cause, env) {
  const secrets = [env.AWS_SECRET_ACCESS_KEY, env.AWS_SESSION_TOKEN, env.AWS_CONTAINER_AUTHORIZATION_TOKEN]
  const message = scrub(`no AWS credentials: ${outcomes.join('; ')}`, secrets)
  return new IamFetchError('ERR_NO_CREDENTIAL_SOURCE', message, cause ? { cause } : undefined)
}
