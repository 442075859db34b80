/** Stable error codes: branch on `error.code`. */
// Generated from error-codes.json by scripts/error-codes.mjs: edit the table, then run it.
export type IamFetchErrorCode =
  | 'ERR_INVALID_URL'
  | 'ERR_INVALID_METHOD'
  | 'ERR_INVALID_HEADER'
  | 'ERR_MISSING_CREDENTIALS'
  | 'ERR_INVALID_CREDENTIALS'
  | 'ERR_MISSING_REGION'
  | 'ERR_INVALID_REGION'
  | 'ERR_MISSING_SERVICE'
  | 'ERR_INVALID_SERVICE'
  | 'ERR_INVALID_REGION_SET'
  | 'ERR_EXPIRES_RANGE'
  | 'ERR_INVALID_DATETIME'
  | 'ERR_INVALID_PAYLOAD_HASH'
  | 'ERR_UNSIGNED_PAYLOAD'
  | 'ERR_INVALID_OPTIONS'
  | 'ERR_SIGNING_FAILED'
  | 'ERR_UNSUPPORTED_BY_BUILD'
  | 'ERR_INVALID_REQUEST'
  | 'ERR_UNSUPPORTED_BODY'
  | 'ERR_BODY_TOO_LARGE'
  | 'ERR_BODY_NOT_REPLAYABLE'
  | 'ERR_BODY_LENGTH_MISMATCH'
  | 'ERR_REQUEST_TIMEOUT'
  | 'ERR_UNSUPPORTED_RUNTIME'
  | 'ERR_NOT_INITIALIZED'
  | 'ERR_WASM_LOAD'
  | 'ERR_INTERNAL'
  | 'ERR_INVALID_EVENT'
  | `ERR_AUTH_${string}`
  | 'ERR_CREDENTIALS_EXPIRED'
  | 'ERR_CREDENTIALS_TIMEOUT'
  | 'ERR_NO_CREDENTIAL_SOURCE'
  | 'ERR_INVALID_CREDENTIALS_RESPONSE'
  | 'ERR_UNEXPECTED_RESPONSE'
  | 'ERR_SERVICE_UNAVAILABLE'
  | 'ERR_NETWORK'
  | 'ERR_COGNITO_NOT_AUTHORIZED'
  | 'ERR_COGNITO_NOT_FOUND'
  | 'ERR_COGNITO_THROTTLED'
  | 'ERR_COGNITO_INVALID_PARAMETER'
  | 'ERR_COGNITO_POOL_CONFIGURATION'
  | 'ERR_COGNITO_CONFLICT'
  | 'ERR_COGNITO_LIMIT_EXCEEDED'
  | 'ERR_COGNITO_EXTERNAL_SERVICE'
  | 'ERR_COGNITO_SERVICE'
  | 'ERR_COGNITO_ERROR'
  | 'ERR_STS_ACCESS_DENIED'
  | 'ERR_STS_EXPIRED_TOKEN'
  | 'ERR_STS_INVALID_IDENTITY_TOKEN'
  | 'ERR_STS_IDP_REJECTED_CLAIM'
  | 'ERR_STS_IDP_COMMUNICATION'
  | 'ERR_STS_REGION_DISABLED'
  | 'ERR_STS_MALFORMED_POLICY'
  | 'ERR_STS_POLICY_TOO_LARGE'
  | 'ERR_STS_VALIDATION'
  | 'ERR_STS_SIGNATURE'
  | 'ERR_STS_THROTTLED'
  | 'ERR_STS_SERVICE'
  | 'ERR_STS_ERROR'

/** The one error class of iamfetch. Messages never contain secrets or tokens. */
export class IamFetchError extends Error {
  constructor(code: IamFetchErrorCode, message: string, options?: { cause?: unknown })
  readonly name: 'IamFetchError'
  readonly code: IamFetchErrorCode
  /** For AWS error answers: AWS's error type, e.g. NotAuthorizedException. */
  awsErrorType?: string
  /** For AWS error answers: AWS's message (tokens scrubbed). */
  awsMessage?: string
  /** For AWS error answers: the HTTP status. */
  status?: number
  /** For AWS error answers: x-amzn-RequestId. */
  requestId?: string
  /** With throwOnAuthError: why AWS refused the request. */
  explanation?: FailureExplanation
  /** With throwOnAuthError: the refused Response. */
  response?: Response
}

/** What explainFailure found. */
export interface FailureExplanation {
  cause:
    | 'clock-skew' | 'expired-credentials' | 'invalid-credentials' | 'wrong-scope' | 'missing-body-hash'
    | 'signature-mismatch' | 'access-denied' | 'missing-authentication' | 'throttled' | 'service-error'
    | 'error-type-hidden' | 'cors-or-network' | 'aborted' | 'unknown'
    | 'wrong-region-set' | 'needs-sigv4a' | 'sigv4a-unsupported'
  summary: string
  evidence: string[]
  clockOffsetMs?: number
  canonicalRequest?: string
  stringToSign?: string
  expectedCanonicalRequest?: string
  expectedStringToSign?: string
}

/** Names the likely cause of a failed call (a Response of any status, or what fetch threw). */
export function explainFailure(failure: Response | unknown, signedRequest?: Request): Promise<FailureExplanation>

/** CloudFront OAC: sends unsigned, adding x-amz-content-sha256 for bodies. */
export function oacFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response>

export interface Credentials {
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string
}

/**
 * Signing settings, in aws4fetch's names plus iamfetch's own. Every API that
 * takes them refuses a key it does not know with ERR_INVALID_OPTIONS naming it.
 */
export interface SigningOptions {
  /** Signing name (lambda, execute-api, s3, ...); read from AWS hosts when absent. */
  service?: string
  /** Region; read from AWS hosts when absent. With SigV4a and no regionSet, the one region signed for. */
  region?: string
  /**
   * 'sigv4' (AWS4-HMAC-SHA256, the default) or 'sigv4a' (AWS4-ECDSA-P256-SHA256,
   * valid in a set of regions: S3 Multi-Region Access Points, EventBridge global
   * endpoints, CloudFront KeyValueStore). Multi-Region Access Point hosts
   * (`<alias>.mrap.accesspoint.s3-global.amazonaws.com`) select 'sigv4a' with
   * regionSet ['*'] and service s3 when this is absent. SigV4a is signed by a
   * second wasm module, loaded the first time it is used.
   */
  signingAlgorithm?: 'sigv4' | 'sigv4a'
  /** SigV4a only: the regions the signature is valid in, e.g. ['*'] or ['us-east-1', 'eu-west-1']. */
  regionSet?: string[]
  /** Presign: put the signature in the query string. */
  signQuery?: boolean
  /** Presigned URL lifetime, 1..604800 s (default 86400, or X-Amz-Expires in the URL). */
  expiresIn?: number
  /** Add the session token after signing (AWS IoT). */
  appendSessionToken?: boolean
  /** Sign every header but authorization. */
  allHeaders?: boolean
  /** S3 rules: no path normalization, single encoding (default for s3). */
  singleEncode?: boolean
  /** Header names never to sign, on top of the defaults. */
  excludedHeaders?: string[]
  /** Send and sign x-amz-content-sha256 (default: for s3, or when the request carries it). */
  contentHashHeader?: 'include' | 'omit'
  /** A hex SHA-256 of the body hashed elsewhere, or UNSIGNED-PAYLOAD (S3 only). */
  payloadHash?: string
  /** Signing time: a Date, epoch ms or YYYYMMDDTHHMMSSZ. Defaults to now. */
  datetime?: Date | number | string
  /** Accepted for aws4fetch compatibility and ignored: aws-sigv4 derives the signing key itself. */
  cache?: Map<string, ArrayBuffer>
}

/**
 * Where a build's .wasm comes from: its URL (fetched; in Node and Bun a file:
 * URL or path is read from disk), a Response or a promise of one, its bytes,
 * or a compiled `WebAssembly.Module` (the only kind Cloudflare Workers accept).
 */
export type WasmSource = string | URL | Request | Response | PromiseLike<Response | WebAssembly.Module | BufferSource> | BufferSource | WebAssembly.Module

/**
 * Loads the wasm core; needed before the synchronous APIs. Pass a source where
 * no bundler recipe covers your setup: the core's, or one per build
 * (`sigv4a` and `diagnostics` are still loaded only when first used).
 * Idempotent: a build already loading or loaded keeps its source.
 */
export function init(source?: WasmSource | { core?: WasmSource; sigv4a?: WasmSource; diagnostics?: WasmSource; s3?: WasmSource }): Promise<void>

/** Hex SHA-256 of a string (UTF-8) or bytes. Call `await init()` first. */
export function sha256Hex(data: string | ArrayBuffer | ArrayBufferView): string

/** Incremental SHA-256. Call `await init()` first. */
export class Sha256 {
  constructor()
  update(chunk: string | ArrayBuffer | ArrayBufferView): this
  digest(): string
  free(): void
}

export interface SignedRequest {
  url: string
  headers: Headers
  canonicalRequest: string
  stringToSign: string
  signature: string
  signedHeaders: string[]
  payloadHash: string
  service: string
  /** The region of SigV4's scope; empty for SigV4a, whose scope names none. */
  region: string
  /** SigV4a's region set, comma-joined as signed (x-amz-region-set); empty for SigV4. */
  regionSet: string
}

/** Signs a request and returns the signed headers and URL with the SigV4 intermediate values. */
export function signRequest(
  request: Request | { method?: string; url: string | URL; headers?: HeadersInit; body?: BodyInit | null },
  options: Credentials & SigningOptions,
): Promise<SignedRequest>

/** aws4fetch's signer, backed by aws-sigv4. */
export class AwsV4Signer {
  constructor(options: {
    method?: string
    url: string | URL
    headers?: HeadersInit
    body?: BodyInit | null
    accessKeyId: string
    secretAccessKey: string
    sessionToken?: string
  } & SigningOptions)
  method: string
  /** The URL; a presigned one once signed with signQuery. */
  url: URL
  /** The request's headers; the signature's are set on it by sign(), as aws4fetch does. */
  headers: Headers
  body?: BodyInit | null
  accessKeyId: string
  /** Read from the host when not given, once signed. */
  service?: string
  region?: string
  /** Accepted for aws4fetch compatibility and ignored: aws-sigv4 derives the signing key itself. */
  cache: Map<string, ArrayBuffer>
  /** As given, or now as YYYYMMDDTHHMMSSZ. */
  datetime: string | number | Date
  signQuery?: boolean
  appendSessionToken?: boolean
  allHeaders?: boolean
  singleEncode?: boolean
  /** aws4fetch's fields, set once signed: e.g. "content-type;host;x-amz-date". */
  signedHeaders?: string
  /** e.g. "20261121/us-east-1/lambda/aws4_request", once signed; SigV4a's ("20261121/s3/aws4_request") names no region. */
  credentialString?: string
  /** Set once canonicalString() or stringToSign() has run (they load the diagnostics build); canonicalHeaders is a getter, so serializing the signer never shows the session token in it. */
  encodedPath?: string
  encodedSearch?: string
  readonly canonicalHeaders?: string
  /** Signs; the secret access key and session token stay private to the signer. */
  sign(): Promise<{ method: string; url: URL; headers: Headers; body?: BodyInit | null }>
  authHeader(): Promise<string>
  signature(): Promise<string>
  stringToSign(): Promise<string>
  canonicalString(): Promise<string>
  hexBodyHash(): Promise<string>
}

/** Temporary credentials. `expiration` drives caching and refresh; from Cognito and STS it is on this device's clock (AWS's expiry shifted by the offset of the answer's Date header, when over a minute, never to more than 12 hours from now), so a skewed device neither refuses fresh credentials nor uses them past their end. */
export interface AwsCredentials extends Credentials {
  expiration?: Date
}

/** Anything that yields credentials, called again when they near expiry. */
export type CredentialProvider = () => Promise<AwsCredentials>

/** Where identity ids are cached: localStorage by default, else memory. */
export interface IdentityStorage {
  get(key: string): string | null | undefined | Promise<string | null | undefined>
  set(key: string, value: string): void | Promise<void>
  remove(key: string): void | Promise<void>
}

/** Cognito identity pool credentials (enhanced flow; basic flow with `flow: 'basic'` and `roleArn`). */
export function fromCognitoIdentityPool(options: {
  identityPoolId: string
  region?: string
  /** Provider key (e.g. cognito-idp.<region>.amazonaws.com/<userPoolId>) → token, or a function returning a fresh one. */
  logins?: Record<string, string | (() => string | Promise<string>)>
  customRoleArn?: string
  accountId?: string
  storage?: IdentityStorage
  endpoint?: string
  fetch?: typeof fetch
  flow?: 'enhanced' | 'basic'
  roleArn?: string
  stsEndpoint?: string
  roleSessionName?: string
  /** How long one Cognito (or STS) attempt may take, in ms (default 10000); a timed-out attempt is retried like a network failure. */
  timeoutMs?: number
}): () => Promise<AwsCredentials & { identityId: string }>

/** STS AssumeRole, signed with `credentials`. */
export function fromAssumeRole(options: {
  credentials: Credentials | CredentialProvider
  roleArn: string
  roleSessionName?: string
  durationSeconds?: number
  externalId?: string
  region?: string
  endpoint?: string
  fetch?: typeof fetch
  /** How long one STS attempt may take, in ms (default 10000). */
  timeoutMs?: number
}): CredentialProvider

/** STS AssumeRoleWithWebIdentity (unsigned) with an OIDC token. */
export function fromWebIdentity(options: {
  roleArn: string
  webIdentityToken: string | (() => string | Promise<string>)
  roleSessionName?: string
  providerId?: string
  policy?: string
  durationSeconds?: number
  region?: string
  endpoint?: string
  fetch?: typeof fetch
  /** How long one STS attempt may take, in ms (default 10000). */
  timeoutMs?: number
}): CredentialProvider

/** Fixed credentials. */
export function fromStatic(credentials: AwsCredentials): CredentialProvider

/** AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN from `env` (a Worker's env) or process.env. */
export function fromEnv(env?: Record<string, string | undefined>): CredentialProvider

/** S3's checksum algorithms (`x-amz-checksum-<algorithm in lower case>`). */
export type ChecksumAlgorithm = 'CRC32' | 'CRC32C' | 'CRC64NVME' | 'SHA1' | 'SHA256'

/** S3 uploads, per client or per call (`init.aws`); never applied to presigned URLs. Nothing is added unless asked. */
export interface S3UploadOptions {
  /**
   * Adds `x-amz-checksum-<algorithm>` (base64), computed in wasm over the exact bytes sent, and signs it;
   * with `contentLength` it is sent as a signed trailer. A checksum header of the caller's own is kept as given.
   */
  checksumAlgorithm?: ChecksumAlgorithm
  /** Adds `content-md5` (DeleteObjects needs it, or a checksum). Not with `contentLength`. */
  contentMd5?: boolean
  /**
   * Per call only: the byte length of a ReadableStream body, sent unbuffered to S3 in signed aws-chunked chunks
   * (Node, Bun, Deno, workerd; refused in browsers). A stream of another length fails with ERR_BODY_LENGTH_MISMATCH.
   */
  contentLength?: number
  /** aws-chunked chunk size in bytes (default 65536, at least 8192). */
  chunkSize?: number
}

export interface AwsClientOptions extends Partial<Credentials>, Omit<SigningOptions, 'datetime'>, Omit<S3UploadOptions, 'contentLength'> {
  /** Credentials, or a provider of them; cached until `refreshMarginMs` before expiry, one refresh shared by concurrent calls (a new one once every call waiting on it has aborted); a failed refresh while the cached credentials are valid serves them and is retried after a backoff. */
  credentials?: AwsCredentials | CredentialProvider
  /** How long before expiry credentials are refreshed (default 300000). */
  refreshMarginMs?: number
  /** A provider that has not answered by then fails with ERR_CREDENTIALS_TIMEOUT, and the next call asks again (default 30000). Each call's AbortSignal also ends its own wait. */
  credentialsTimeoutMs?: number
  /** Retries of 429 and 5xx answers (default 10). */
  retries?: number
  /** First backoff delay in ms (default 50), doubled per attempt, with full jitter. */
  initRetryMs?: number
  /** Also retry POST and PATCH (default false: they may not be idempotent). */
  retryNonIdempotent?: boolean
  /** The fetch to send with (default globalThis.fetch). */
  fetch?: typeof fetch
  /** Longest backoff between retries in ms (default 20000). */
  maxRetryDelayMs?: number
  /** CloudFront OAC: sign nothing, add x-amz-content-sha256 to bodies. */
  oac?: boolean
  /** Throw an IamFetchError with the explanation on 401 and 403. */
  throwOnAuthError?: boolean
  /** Streams without a declared hash are buffered up to this size (default 16 MiB); in Firefox and Safari, which cannot send a stream, every stream is. */
  maxBufferedBodyBytes?: number
  /** A fetch() call (credentials, attempts, backoff) that has no answer headers by then rejects with ERR_REQUEST_TIMEOUT (default 0: none). */
  timeoutMs?: number
  /**
   * The redirect mode of the calls that do not set their own (default 'follow'). Blob and stream
   * bodies get 'error' whatever this says ('manual' in workerd). workerd has no 'error': asking for it there is ERR_INVALID_OPTIONS.
   */
  redirect?: 'follow' | 'manual' | 'error'
  /** Progress of hashing Blobs and streams. */
  onHashProgress?: (bytesDone: number, bytesTotal?: number) => void
}

/** aws4fetch's client: signs and sends fetch-compatible requests. */
export class AwsClient {
  constructor(options: AwsClientOptions)
  sign(input: RequestInfo | URL, init?: RequestInit & { aws?: Partial<Credentials> & SigningOptions & S3UploadOptions }): Promise<Request>
  fetch(input: RequestInfo | URL, init?: RequestInit & { aws?: Partial<Credentials> & SigningOptions & S3UploadOptions }): Promise<Response>
  /** A presigned URL (http(s), ws or wss) valid for expiresIn seconds (default 86400). */
  presign(url: string | URL, options?: { expiresIn?: number; method?: string; headers?: HeadersInit; aws?: Partial<Credentials> & SigningOptions }): Promise<string>
  /** Server time minus this device's time, learned from clock-skew answers (ms). */
  readonly clockOffsetMs: number
  /**
   * A presigned POST: the bucket URL and the form fields a browser posts with its file (S3's POST Object),
   * signed with the client's credentials (a provider's included) at the client's clock offset.
   * Region: the client's, else the host's (AWS URLs); service 's3' unless the client sets one.
   * Loads the S3 build on first use (in a Cloudflare Worker, `import 'iamfetch/s3'` bundles it).
   */
  presignPost(url: string | URL, options: PresignPostOptions): Promise<PresignedPost>
}

/**
 * A POST policy condition, in S3's shapes. Field names are read without regard
 * to case; `$`-prefixed in the array forms.
 * - `{ field: 'value' }` or `['eq', '$field', 'value']`: exactly this value;
 * - `['starts-with', '$field', 'prefix']`: any value with this start (`''`: any value);
 * - `['content-length-range', min, max]`: the file's size in bytes, at most one per policy.
 */
export type PostPolicyCondition =
  | Record<string, string>
  | ['eq' | 'starts-with', `$${string}`, string]
  | ['content-length-range', number, number]

export interface PresignPostOptions {
  /**
   * The object key. `${filename}` in it is replaced by S3 with the uploaded
   * file's name; the policy then allows any key that starts with the text
   * before it (as the SDK does). Any other key is the only one allowed.
   */
  key: string
  /**
   * What else the form must meet. Every field the browser adds needs one
   * (else S3 answers 403 "Extra input fields"), except `x-ignore-*` fields.
   * A condition that `key`, the bucket or a field of `fields` can never meet is ERR_INVALID_OPTIONS.
   */
  conditions?: PostPolicyCondition[]
  /**
   * Fields returned with the form, each also an exact-match condition, such as
   * `{ 'Content-Type': 'image/png', success_action_status: '201' }`. Those
   * presignPost sets (key, bucket, policy, x-amz-*) are ERR_INVALID_OPTIONS.
   */
  fields?: Record<string, string>
  /** Seconds the policy is valid from the signing time (1..604800, default 3600), else ERR_EXPIRES_RANGE. */
  expiresIn?: number
  /**
   * The bucket named in the policy's `{ bucket }` condition. By default it is
   * read from `url`: the labels before `.s3` of an AWS virtual-hosted URL
   * (`https://bucket.s3.us-east-1.amazonaws.com`), else the path's one segment
   * (`http://127.0.0.1:9000/bucket`). Needed for a custom domain.
   */
  bucket?: string
  /** Overrides of the client's credentials, region, service and signing time (`datetime`), for this call. */
  aws?: Partial<Credentials> & Pick<SigningOptions, 'region' | 'service' | 'datetime'>
}

/** A presigned POST: the form goes to `url` as multipart/form-data, `fields` first, then the file as `file`. */
export interface PresignedPost {
  /** The bucket URL, as given. */
  url: string
  /**
   * `fields`, then key, x-amz-algorithm, x-amz-credential, x-amz-date,
   * x-amz-security-token (temporary credentials, such as Cognito's), policy
   * (base64 JSON) and x-amz-signature.
   */
  fields: Record<string, string>
}
