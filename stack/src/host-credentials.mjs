// The credential endpoints a host provides, for iamfetch/server's chain:
// - the container credentials endpoint (ECS, EKS Pod Identity's agent at
//   169.254.170.23/v1/credentials), which wants its authorization token in the
//   Authorization header, as is (no scheme);
// - EC2's instance metadata service, IMDSv2 only: a session token from
//   PUT /latest/api/token, then GETs carrying X-aws-ec2-metadata-token.
// Both hand out temporary credentials of a configured role, issued by the
// store, so STS and the signed endpoints accept them.
import { randomBytes } from 'node:crypto';
import { findRole } from './config.mjs';
import { assumedRolePrincipal } from './credentials-store.mjs';

const MAX_IMDS_TOKEN_TTL_S = 21600;

/** AWS writes these expirations without milliseconds. */
const isoSeconds = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function requireRole(config, ref, what) {
  const role = findRole(config, ref);
  if (!role) throw new Error(`${what}: role '${ref}' is not configured`);
  return role;
}

function sendJson(ctx, status, value) {
  ctx.send(status, { 'content-type': 'application/json' }, JSON.stringify(value));
}

/**
 * @param {{ role: string, path?: string, authorizationTokens: string[], credentialsLifetimeSeconds?: number }} settings
 */
export function containerCredentialsEndpoint(settings, config, store) {
  const role = requireRole(config, settings.role, 'containerCredentials');
  const path = settings.path ?? '/v1/credentials';
  const tokens = new Set(settings.authorizationTokens ?? []);
  const lifetimeMs = (settings.credentialsLifetimeSeconds ?? 3600) * 1000;

  function renderFault(ctx, fault) {
    ctx.errorType = fault === 'throttle' ? 'Throttling' : `HTTP${fault}`;
    if (fault === 'throttle') return sendJson(ctx, 429, { code: 'Throttling', message: 'Rate exceeded' });
    sendJson(ctx, fault, { code: fault === 503 ? 'ServiceUnavailable' : 'InternalError', message: 'the credentials agent failed' });
  }

  async function handle(ctx) {
    if (ctx.method !== 'GET' || ctx.rawPath !== path) {
      ctx.errorType = 'NotFound';
      return sendJson(ctx, 404, { code: 'NotFound', message: 'not found' });
    }
    const token = ctx.headers.authorization;
    if (!token) {
      ctx.errorType = 'MissingAuthorization';
      return sendJson(ctx, 401, { code: 'AccessDeniedException', message: 'Authorization header is missing' });
    }
    if (!tokens.has(token)) {
      ctx.errorType = 'InvalidAuthorization';
      return sendJson(ctx, 403, { code: 'AccessDeniedException', message: 'the authorization token is not valid' });
    }
    const sessionName = `eks-pod-${randomBytes(4).toString('hex')}`;
    const credentials = store.issue(assumedRolePrincipal(role, sessionName), ctx.now() + lifetimeMs);
    sendJson(ctx, 200, {
      AccessKeyId: credentials.accessKeyId,
      SecretAccessKey: credentials.secretAccessKey,
      Token: credentials.sessionToken,
      AccountId: config.accountId,
      Expiration: isoSeconds(credentials.expiresAt),
    });
  }

  return { name: 'containerCredentials', handle, renderFault, signing: null, requestIdHeader: null };
}

/**
 * @param {{ role: string, credentialsLifetimeSeconds?: number }} settings
 */
export function instanceMetadataEndpoint(settings, config, store) {
  const role = requireRole(config, settings.role, 'instanceMetadata');
  const lifetimeMs = (settings.credentialsLifetimeSeconds ?? 3600) * 1000;
  const sessions = new Map(); // token -> expiresAt (ms, on the stack's clock)
  const listPath = '/latest/meta-data/iam/security-credentials/';

  const text = (ctx, status, body) => ctx.send(status, { 'content-type': 'text/plain' }, body);

  function renderFault(ctx, fault) {
    ctx.errorType = fault === 'throttle' ? 'Throttling' : `HTTP${fault}`;
    text(ctx, fault === 'throttle' ? 429 : fault, fault === 'throttle' ? 'Too Many Requests' : 'Internal Server Error');
  }

  function createToken(ctx) {
    const ttl = Number(ctx.headers['x-aws-ec2-metadata-token-ttl-seconds']);
    if (!Number.isInteger(ttl) || ttl < 1 || ttl > MAX_IMDS_TOKEN_TTL_S) {
      ctx.errorType = 'InvalidTokenTtl';
      return text(ctx, 400, 'Bad Request');
    }
    const token = randomBytes(42).toString('base64');
    sessions.set(token, ctx.now() + ttl * 1000);
    ctx.send(200, { 'content-type': 'text/plain', 'x-aws-ec2-metadata-token-ttl-seconds': String(ttl) }, token);
  }

  async function handle(ctx) {
    if (ctx.rawPath === '/latest/api/token') {
      if (ctx.method !== 'PUT') {
        ctx.errorType = 'MethodNotAllowed';
        return text(ctx, 405, 'Method Not Allowed');
      }
      return createToken(ctx);
    }
    if (ctx.method !== 'GET') {
      ctx.errorType = 'MethodNotAllowed';
      return text(ctx, 405, 'Method Not Allowed');
    }
    // IMDSv2 required: a GET without a live session token is 401, as on an instance with HttpTokens=required.
    const expiresAt = sessions.get(ctx.headers['x-aws-ec2-metadata-token']);
    if (expiresAt === undefined || expiresAt <= ctx.now()) {
      ctx.errorType = 'Unauthorized';
      return text(ctx, 401, 'Unauthorized');
    }
    if (ctx.rawPath === listPath) return text(ctx, 200, role.name);
    if (ctx.rawPath !== `${listPath}${role.name}`) {
      ctx.errorType = 'NotFound';
      return text(ctx, 404, 'Not Found');
    }
    const issuedAt = ctx.now();
    const credentials = store.issue(assumedRolePrincipal(role, `i-${randomBytes(8).toString('hex').slice(0, 17)}`), issuedAt + lifetimeMs);
    sendJson(ctx, 200, {
      Code: 'Success',
      LastUpdated: isoSeconds(issuedAt),
      Type: 'AWS-HMAC',
      AccessKeyId: credentials.accessKeyId,
      SecretAccessKey: credentials.secretAccessKey,
      Token: credentials.sessionToken,
      Expiration: isoSeconds(credentials.expiresAt),
    });
  }

  return { name: 'imds', handle, renderFault, signing: null, requestIdHeader: null };
}
