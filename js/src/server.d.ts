// Types for `iamfetch/server` (Node, Bun and Deno only).
import type { AwsCredentials } from './index.js'

export interface NodeProviderChainOptions {
  /** Where the variables are read: default process.env (Deno.env.toObject() where there is no process). */
  env?: Record<string, string | undefined>
  /** STS region for the web identity source; default AWS_REGION, then AWS_DEFAULT_REGION, then us-east-1. */
  region?: string
  /** STS endpoint; default AWS_ENDPOINT_URL_STS, then AWS_ENDPOINT_URL, then https://sts.<region>.amazonaws.com/. */
  stsEndpoint?: string
  /** Session name when AWS_ROLE_SESSION_NAME is not set (default iamfetch-<random>). */
  roleSessionName?: string
  /** Web identity session length, 900..43200 s (default STS's, 3600). */
  durationSeconds?: number
  /** `false` turns IMDS off, as AWS_EC2_METADATA_DISABLED (any value) does. */
  imds?: boolean
  /** IMDS base URL; default AWS_EC2_METADATA_SERVICE_ENDPOINT, then http://169.254.169.254 ([fd00:ec2::254] with AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE=IPv6). */
  imdsEndpoint?: string
  /** Time limit of one request to the container endpoint or IMDS, its whole answer included (default 1000 ms); at most 64 KiB of an answer is read. */
  metadataTimeoutMs?: number
  /** Time limit of one STS attempt, its whole answer included (default 10000 ms); at most 1 MiB of an answer is read. */
  stsTimeoutMs?: number
  /** Time limit of one whole resolution; past it, ERR_CREDENTIALS_TIMEOUT (default 30000 ms). */
  timeoutMs?: number
  /** How long before expiry credentials are fetched again (default 300000 ms). */
  refreshMarginMs?: number
  fetch?: typeof fetch
}

/**
 * Credentials where the AWS SDK's default chain finds them, in its order:
 * 1. environment keys (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN);
 * 2. the web identity token file (AWS_ROLE_ARN, AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_SESSION_NAME: EKS IRSA), read again at every refresh;
 * 3. the container endpoint (AWS_CONTAINER_CREDENTIALS_FULL_URI or _RELATIVE_URI, with AWS_CONTAINER_AUTHORIZATION_TOKEN or _TOKEN_FILE: ECS, EKS Pod Identity);
 * 4. IMDSv2 (EC2).
 * The first configured source answers; if it fails, the chain stops with ERR_NO_CREDENTIAL_SOURCE,
 * whose message says what became of each source and whose `cause` is the failure.
 * Cached until `refreshMarginMs` before expiry, one refresh shared by concurrent callers;
 * a caller's AbortSignal ends its own wait, and once every waiter has aborted the next
 * call starts a new refresh. A refresh that fails while the cached credentials are
 * still valid returns them, and is tried again after a backoff. Token files must be
 * regular files of at most 64 KiB; configured URLs may not carry user:password@.
 */
export function fromNodeProviderChain(options?: NodeProviderChainOptions): (signal?: AbortSignal) => Promise<AwsCredentials>
