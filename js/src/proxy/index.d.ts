// Types for `iamfetch/proxy`.

/** AWS credentials, as every iamfetch API takes them. */
export interface ProxyCredentials {
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string
  expiration?: Date | number
}

/** Credentials, or a provider such as `fromEnv(env)`, `fromAssumeRole(...)`. */
export type ProxyCredentialsSource = ProxyCredentials | (() => Promise<ProxyCredentials>)

/** Verified token claims (Cognito's: sub, aud/client_id, token_use, email, cognito:groups, ...). */
export type TokenClaims = Record<string, unknown>

/**
 * A Cognito user-pool token check, done with aws-jwt-verify: signature against
 * the pool's JWKS (cached; fetched again when a new kid appears after a key
 * rotation, at most once per 10 s), iss, exp and nbf, token_use, and aud (ID
 * tokens) or client_id (access tokens).
 */
export interface CognitoVerifyOptions {
  /** e.g. `eu-west-1_AbCdE`. The issuer and JWKS URL follow from it, unless overridden below. */
  userPoolId?: string
  /** The app client id(s) whose tokens are accepted. `null` accepts any client: on purpose only. */
  clientId: string | string[] | null
  /** Which token the viewer sends: `'id'` (default) or `'access'`; the other kind gets 401. */
  tokenUse?: 'id' | 'access' | null
  /** Another issuer than Cognito's (`https://cognito-idp.<region>.amazonaws.com/<poolId>`), e.g. a local user pool. */
  issuer?: string
  /** Where the JWKS is fetched from, when not `<issuer>/.well-known/jwks.json`. */
  jwksUri?: string
  /** A JWKS to start with (saves the first fetch); a kid it lacks is still fetched. */
  jwks?: { keys: readonly object[] }
  /** At least one of these `cognito:groups`, else 403. */
  groups?: string | string[] | null
  /** At least one of these scopes (access tokens), else 403. */
  scope?: string | string[] | null
  /** Clock tolerance for exp and nbf, in seconds. */
  graceSeconds?: number
  /** Time limit of a JWKS fetch, its whole body included (default 5000 ms). The body is capped at 1 MiB; after a failed fetch none is made for 10 s (503 meanwhile for unknown kids). */
  jwksTimeoutMs?: number
  /** Your own check after the standard ones; throw to refuse (401). */
  customJwtCheck?: (props: { header: Record<string, unknown>; payload: TokenClaims; jwk: Record<string, unknown> }) => void | Promise<void>
}

/** Your own token check: return the claims, or throw (or return false) to answer 401. */
export type VerifyFunction = (token: string, request: Request) => TokenClaims | boolean | Promise<TokenClaims | boolean>

export interface SigningProxyCorsOptions {
  /** Origins allowed to call the proxy from a browser, or `'*'`. */
  allowOrigins: string[] | '*'
  /** Default: authorization, content-type, x-amz-content-sha256. */
  allowHeaders?: string[]
  /** Default: date, x-amzn-requestid, x-amzn-errortype, x-iamfetch-proxy-error. */
  exposeHeaders?: string[]
  /** Preflight cache, seconds (default 600). */
  maxAge?: number
  allowCredentials?: boolean
}

export interface SigningProxyOptions {
  /**
   * The one origin requests go to, optionally with a base path: the viewer's
   * path and query are appended (`https://abc.lambda-url.eu-west-1.on.aws`,
   * `https://a1b2c3.execute-api.eu-west-1.amazonaws.com/prod`). Nothing the
   * viewer sends can change the origin.
   */
  upstream: string | URL
  /** What the proxy signs with. */
  credentials: ProxyCredentialsSource
  /** Needed when the upstream's host does not name them (custom domains, CloudFront, 127.0.0.1). */
  region?: string
  service?: string
  /** SigV4a for the upstream (selected by itself for Multi-Region Access Point hosts), and its region set. */
  signingAlgorithm?: 'sigv4' | 'sigv4a'
  regionSet?: string[]
  /** Required: a Cognito check, your own function, or `false` to let anyone through on purpose. */
  verify: CognitoVerifyOptions | VerifyFunction | false
  /** Bodies without x-amz-content-sha256 are read up to this size (default 6 MiB, Lambda's limit), else 413. */
  maxBodyBytes?: number
  /**
   * Viewer headers forwarded (and signed). Replaces the default list: accept,
   * accept-language, cache-control, content-disposition, content-encoding,
   * content-language, content-type, if-match, if-modified-since,
   * if-none-match, if-unmodified-since. The headers the signer sets
   * (authorization, host, x-amz-date, x-amz-security-token,
   * x-amz-content-sha256), cookie, hop-by-hop headers, content-length, expect
   * and via can never be listed.
   */
  forwardHeaders?: string[]
  /**
   * Headers added to the upstream request from the verified claims, e.g.
   * `(claims) => ({ 'x-user-sub': claims.sub })`. They are signed, so the
   * upstream can trust them; a viewer's header of the same name is never forwarded.
   */
  addHeaders?: (claims: TokenClaims, request: Request) => HeadersInit | Promise<HeadersInit>
  /** Default: GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS; others get 405. */
  allowedMethods?: string[]
  /** Answer browser preflights and add CORS headers (also to the proxy's own 4xx/5xx). */
  cors?: SigningProxyCorsOptions
  /** Until the upstream's answer headers arrive (default 30000; 0: none), then 504. Passed on as AwsClient's `timeoutMs`. */
  timeoutMs?: number
  /**
   * The viewer's whole body must arrive within this, counted from the request
   * (default 30000; 0: none), else 408 `ERR_BODY_TIMEOUT`: a viewer that drips
   * its body cannot hold a connection for as long as it likes. An answer to a
   * request whose body the proxy did not read to its end (GET, HEAD, refusals,
   * 408) carries `Connection: close`.
   */
  bodyTimeoutMs?: number
  /** Retries of 429/5xx/network failures for idempotent requests with replayable bodies (default 2). */
  retries?: number
  fetch?: typeof fetch
  /** Called for the proxy's own 5xx failures, 408 and 499 (the viewer went away) (default: one console.error line, no secrets). */
  onError?: (error: unknown, info: { code: SigningProxyErrorCode; status: number; request: Request }) => void
}

/**
 * `code` in the JSON body (`{ error, code, message }`) and in the
 * `x-iamfetch-proxy-error` header of the proxy's own answers. The upstream's
 * answers pass through unchanged, without that header.
 */
// Generated from error-codes.json by scripts/error-codes.mjs: edit the table, then run it.
export type SigningProxyErrorCode =
  | 'ERR_INVALID_HEADER' // 400: A header name is not a token, or a header value holds CR, LF or NUL.
  | 'ERR_INVALID_PAYLOAD_HASH' // 400: A declared payload hash is not 64 lower-case hex digits, UNSIGNED-PAYLOAD or (in S3 signed headers) an aws-chunked STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER].
  | 'ERR_BODY_TOO_LARGE' // 413: The body is larger than the buffer allowed for it.
  | 'ERR_TOKEN_MISSING' // 401: No bearer token.
  | 'ERR_TOKEN_INVALID' // 401: The token is malformed, its signature is bad, or its key is unknown.
  | 'ERR_TOKEN_EXPIRED' // 401: The token has expired.
  | 'ERR_TOKEN_NOT_YET_VALID' // 401: The token is not valid yet.
  | 'ERR_TOKEN_WRONG_CLIENT' // 401: The token was issued to another app client.
  | 'ERR_TOKEN_WRONG_USE' // 401: An access token where an ID token is expected, or the reverse.
  | 'ERR_TOKEN_WRONG_ISSUER' // 401: The token comes from another user pool.
  | 'ERR_TOKEN_FORBIDDEN' // 403: The token lacks a required group or scope.
  | 'ERR_INVALID_PATH' // 400: The path would leave the upstream base path.
  | 'ERR_METHOD_NOT_ALLOWED' // 405: The method is not in allowedMethods.
  | 'ERR_BODY_TIMEOUT' // 408: The body did not all arrive within bodyTimeoutMs.
  | 'ERR_CLIENT_CLOSED' // 499: The viewer went away: it hung up, or its body broke off.
  | 'ERR_PROXY_FAILED' // 500: The proxy failed in a way no other code names.
  | 'ERR_UPSTREAM_UNREACHABLE' // 502: The upstream could not be reached, or its answer broke off.
  | 'ERR_CREDENTIALS_UNAVAILABLE' // 503: The proxy's own credentials could not be had.
  | 'ERR_JWKS_UNAVAILABLE' // 503: The user pool's JWKS could not be fetched or read.
  | 'ERR_UPSTREAM_TIMEOUT' // 504: The upstream sent no answer headers within timeoutMs.

/**
 * A fetch handler: `export default { fetch: proxy }` in a Worker,
 * `Deno.serve(proxy)`, `Bun.serve({ fetch: proxy })`, or in Node
 * `serve({ fetch: proxy })` from `@hono/node-server` (see examples/node). Throws `IamFetchError` (`ERR_INVALID_OPTIONS`,
 * `ERR_MISSING_CREDENTIALS`) for a bad configuration; at run time it always
 * answers, never throws.
 */
export function createSigningProxy(options: SigningProxyOptions): (request: Request) => Promise<Response>

/** The request of a CloudFront event, in Lambda@Edge's shape. */
export interface CloudFrontRequest {
  clientIp?: string
  method: string
  uri: string
  querystring: string
  headers: Record<string, Array<{ key?: string; value: string }>>
  body?: { inputTruncated: boolean; action: 'read-only' | 'replace'; encoding: 'base64' | 'text'; data: string }
  origin?: {
    custom?: { domainName: string; port?: number; protocol?: 'http' | 'https'; path?: string; customHeaders?: Record<string, Array<{ key?: string; value: string }>>; [key: string]: unknown }
    s3?: { domainName: string; region?: string; path?: string; authMethod?: string; customHeaders?: Record<string, Array<{ key?: string; value: string }>>; [key: string]: unknown }
  }
  [key: string]: unknown
}

export interface CloudFrontRequestEvent {
  Records: Array<{ cf: { config?: { eventType?: string; [key: string]: unknown }; request: CloudFrontRequest } }>
}

/**
 * Signs the origin request of a CloudFront origin-request event (Lambda@Edge)
 * and returns it for the handler to return: CloudFront forwards it. Makes no
 * HTTP call. The body comes from "Include body" (base64-decoded); a body
 * CloudFront truncated is refused with `ERR_BODY_TOO_LARGE` unless the viewer
 * sent `x-amz-content-sha256`. Only host, content-type, content-md5 and
 * x-amz-* are signed: `via` and the other headers CloudFront adds or rewrites
 * after the function are left out. Service and region come from a function
 * URL's or S3 origin's host, else from the options. Throws `IamFetchError`
 * (`ERR_INVALID_EVENT`, `ERR_BODY_TOO_LARGE`, `ERR_INVALID_PAYLOAD_HASH`,
 * `ERR_MISSING_CREDENTIALS`, `ERR_INVALID_OPTIONS`, ...).
 */
export function signCloudFrontOriginRequest(
  event: CloudFrontRequestEvent,
  options: { credentials: ProxyCredentialsSource; region?: string; service?: string; signingAlgorithm?: 'sigv4' | 'sigv4a'; regionSet?: string[]; datetime?: Date | number | string },
): Promise<CloudFrontRequest>
