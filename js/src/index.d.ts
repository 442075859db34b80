/** Stable error codes: branch on `error.code`. */
export type IamFetchErrorCode =
  | 'ERR_INVALID_URL'
  | 'ERR_INVALID_METHOD'
  | 'ERR_INVALID_HEADER'
  | 'ERR_MISSING_CREDENTIALS'
  | 'ERR_MISSING_REGION'
  | 'ERR_MISSING_SERVICE'
  | 'ERR_EXPIRES_RANGE'
  | 'ERR_INVALID_DATETIME'
  | 'ERR_INVALID_PAYLOAD_HASH'
  | 'ERR_UNSIGNED_PAYLOAD'
  | 'ERR_INVALID_OPTIONS'
  | 'ERR_SIGNING_FAILED'
  | 'ERR_UNSUPPORTED_BODY'
  | 'ERR_NOT_INITIALIZED'
  | 'ERR_WASM_LOAD'
  | 'ERR_INTERNAL'

/** The one error class of iamfetch. Messages never contain secrets or tokens. */
export class IamFetchError extends Error {
  constructor(code: IamFetchErrorCode, message: string, options?: { cause?: unknown })
  readonly name: 'IamFetchError'
  readonly code: IamFetchErrorCode
}

export interface Credentials {
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string
}

/** Signing settings, in aws4fetch's names plus iamfetch's own. */
export interface SigningOptions {
  /** Signing name (lambda, execute-api, s3, ...); read from AWS hosts when absent. */
  service?: string
  /** Region; read from AWS hosts when absent. */
  region?: string
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
}

/** Loads the wasm core; needed before the synchronous APIs. */
export function init(): Promise<void>

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
  region: string
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
    service?: string
    region?: string
    cache?: Map<string, ArrayBuffer>
    datetime?: string
    signQuery?: boolean
    appendSessionToken?: boolean
    allHeaders?: boolean
    singleEncode?: boolean
  })
  method: string
  url: URL
  headers: Headers
  body?: BodyInit | null
  service?: string
  region?: string
  datetime: string
  sign(): Promise<{ method: string; url: URL; headers: Headers; body?: BodyInit | null }>
  authHeader(): Promise<string>
  signature(): Promise<string>
  stringToSign(): Promise<string>
  canonicalString(): Promise<string>
  hexBodyHash(): Promise<string>
}

export interface AwsClientOptions extends Partial<Credentials>, Omit<SigningOptions, 'datetime'> {
  cache?: Map<string, ArrayBuffer>
  /** Retries of 429 and 5xx answers (default 10). */
  retries?: number
  /** First backoff delay in ms (default 50), doubled per attempt, with full jitter. */
  initRetryMs?: number
  /** Also retry POST and PATCH (default false: they may not be idempotent). */
  retryNonIdempotent?: boolean
  /** The fetch to send with (default globalThis.fetch). */
  fetch?: typeof fetch
}

/** aws4fetch's client: signs and sends fetch-compatible requests. */
export class AwsClient {
  constructor(options: AwsClientOptions)
  sign(input: RequestInfo | URL, init?: RequestInit & { aws?: Partial<Credentials> & SigningOptions }): Promise<Request>
  fetch(input: RequestInfo | URL, init?: RequestInit & { aws?: Partial<Credentials> & SigningOptions }): Promise<Response>
}
