// Cognito identity pools: GetId, GetCredentialsForIdentity (enhanced flow) and
// GetOpenIdToken (basic flow, followed by STS AssumeRoleWithWebIdentity).
// Logins are checked as Cognito checks them: the provider must be one of the
// pool's, and the token's signature (JWKS), iss, aud and exp must hold.
import { randomUUID } from 'node:crypto';
import { AwsJsonError, jsonRpcHandler, renderJsonFault } from './aws-json.mjs';
import { setOpenCorsHeaders } from './cors.mjs';
import { findRole } from './config.mjs';
import { assumedRolePrincipal } from './credentials-store.mjs';
import { createSigningKey, decodeJwt, signJwt, verifyJwtSignature } from './jwt.mjs';
import { trustAllowsWebIdentity } from './trust-policy.mjs';

const CORAL = 'com.amazonaws.cognito.identity.model';
export const COGNITO_IDENTITY_ISSUER = 'https://cognito-identity.amazonaws.com';
const OPENID_TOKEN_LIFETIME_S = 600;

const notAuthorized = (message) => new AwsJsonError('NotAuthorizedException', message);
const badConfig = () => new AwsJsonError('InvalidIdentityPoolConfigurationException',
  'Invalid identity pool configuration. Check assigned IAM roles for this pool.');

/**
 * @param config  normalized config
 * @param store   CredentialsStore
 * @param issuers issuer URL -> { jwks() } for the pools' login providers
 */
export function cognitoIdentityEndpoint(config, store, issuers) {
  const openIdKey = createSigningKey();
  const identities = new Map(); // identityId -> { id, pool, logins: Map(provider -> sub) }
  const byLogin = new Map(); // `${poolId} ${provider} ${sub}` -> identityId

  function poolById(id) {
    const pool = config.identityPools.find((p) => p.id === id);
    if (!pool) throw new AwsJsonError('ResourceNotFoundException', `IdentityPool '${id}' not found.`);
    return pool;
  }

  function identityById(id) {
    const identity = identities.get(id);
    if (!identity) throw new AwsJsonError('ResourceNotFoundException', `Identity '${id}' not found.`);
    return identity;
  }

  /** Validates every entry of Logins; returns [{ provider, sub }]. */
  function validateLogins(pool, logins = {}, nowMs) {
    return Object.entries(logins).map(([provider, token]) => {
      const configured = pool.providers.find((p) => p.name === provider);
      if (!configured) throw notAuthorized('Token is not from a supported provider of this identity pool.');
      let claims;
      try {
        claims = decodeJwt(token).payload;
      } catch {
        throw notAuthorized('Invalid login token. Not a valid OpenId Connect identity token.');
      }
      if (claims.iss !== `https://${provider}`) throw notAuthorized("Invalid login token. Issuer doesn't match providerName");
      try {
        verifyJwtSignature(token, issuers.get(claims.iss).jwks());
      } catch {
        throw notAuthorized('Invalid login token. Invalid signature.');
      }
      if (claims.aud === undefined) throw notAuthorized('Invalid login token. Missing a required claim: aud');
      if (!configured.clientIds.includes(claims.aud)) throw notAuthorized('Invalid login token. Incorrect token audience.');
      const now = Math.floor(nowMs / 1000);
      if (now >= claims.exp) throw notAuthorized(`Invalid login token. Token expired: ${now} >= ${claims.exp}`);
      return { provider, sub: claims.sub };
    });
  }

  function createIdentity(pool) {
    const identity = { id: `${config.region}:${randomUUID()}`, pool, logins: new Map() };
    identities.set(identity.id, identity);
    return identity;
  }

  function link(identity, { provider, sub }) {
    identity.logins.set(provider, sub);
    byLogin.set(`${identity.pool.id} ${provider} ${sub}`, identity.id);
  }

  /**
   * The identity these logins belong to. A login already linked elsewhere wins
   * (Cognito answers with that other IdentityId); an unlinked one is linked to
   * `identity`, which is how a guest becomes a signed-in user.
   */
  function resolve(identity, logins) {
    for (const login of logins) {
      const linked = byLogin.get(`${identity.pool.id} ${login.provider} ${login.sub}`);
      if (linked) return identities.get(linked);
    }
    for (const login of logins) link(identity, login);
    return identity;
  }

  /** Checks the request's logins against the identity and returns the amr. */
  function authenticate(identity, logins) {
    if (logins.length) {
      return ['authenticated', ...logins.flatMap(({ provider, sub }) => [provider, `${provider}:CognitoSignIn:${sub}`])];
    }
    if (identity.logins.size) {
      throw notAuthorized("Logins don't match. Please include at least one valid login for this identity or identity pool.");
    }
    if (!identity.pool.allowUnauthenticated) throw notAuthorized('Unauthenticated access is not supported for this identity pool.');
    return ['unauthenticated'];
  }

  async function GetId(input, ctx) {
    const pool = poolById(input.IdentityPoolId);
    const logins = validateLogins(pool, input.Logins, ctx.now());
    if (!logins.length) {
      if (!pool.allowUnauthenticated) throw notAuthorized('Unauthenticated access is not supported for this identity pool.');
      return { IdentityId: createIdentity(pool).id };
    }
    for (const login of logins) {
      const linked = byLogin.get(`${pool.id} ${login.provider} ${login.sub}`);
      if (linked) return { IdentityId: linked };
    }
    const identity = createIdentity(pool);
    for (const login of logins) link(identity, login);
    return { IdentityId: identity.id };
  }

  async function GetCredentialsForIdentity(input, ctx) {
    const requested = identityById(input.IdentityId);
    const logins = validateLogins(requested.pool, input.Logins, ctx.now());
    const identity = resolve(requested, logins);
    const pool = identity.pool;
    const amr = authenticate(identity, logins);
    const role = findRole(config, amr[0] === 'authenticated' ? pool.roles?.authenticated : pool.roles?.unauthenticated);
    if (!role || !trustAllowsWebIdentity(role, { provider: 'cognito-identity.amazonaws.com', aud: pool.id, amr })) throw badConfig();
    const principal = assumedRolePrincipal(role, 'CognitoIdentityCredentials', {
      cognitoIdentity: { amr, identityId: identity.id, identityPoolId: pool.id },
    });
    const credentials = store.issue(principal, ctx.now() + pool.credentialsLifetimeSeconds * 1000);
    return {
      IdentityId: identity.id,
      Credentials: {
        AccessKeyId: credentials.accessKeyId,
        SecretKey: credentials.secretAccessKey,
        SessionToken: credentials.sessionToken,
        Expiration: credentials.expiresAt / 1000,
      },
    };
  }

  async function GetOpenIdToken(input, ctx) {
    const requested = identityById(input.IdentityId);
    if (!requested.pool.allowClassicFlow) {
      throw new AwsJsonError('InvalidParameterException', 'Basic (classic) flow is not enabled, please use enhanced flow.');
    }
    const logins = validateLogins(requested.pool, input.Logins, ctx.now());
    const identity = resolve(requested, logins);
    const amr = authenticate(identity, logins);
    const now = Math.floor(ctx.now() / 1000);
    const token = signJwt({
      sub: identity.id,
      aud: identity.pool.id,
      amr,
      iss: COGNITO_IDENTITY_ISSUER,
      iat: now,
      exp: now + OPENID_TOKEN_LIFETIME_S,
    }, openIdKey);
    return { IdentityId: identity.id, Token: token };
  }

  return {
    name: 'cognitoIdentity',
    signing: null,
    handle: jsonRpcHandler({
      targetPrefix: 'AWSCognitoIdentityService',
      coralNamespace: CORAL,
      operations: { GetId, GetCredentialsForIdentity, GetOpenIdToken },
      get: { '/.well-known/jwks_uri': () => openIdKey.jwks },
    }),
    renderFault: renderJsonFault(CORAL),
    prepare: setOpenCorsHeaders,
    issuers: new Map([[COGNITO_IDENTITY_ISSUER, { jwks: () => openIdKey.jwks }]]),
  };
}
