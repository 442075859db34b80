// A Cognito user pool, enough to sign in and to check tokens: InitiateAuth
// (USER_PASSWORD_AUTH, REFRESH_TOKEN_AUTH) issuing RS256 ID and access tokens
// with Cognito's claims, and each pool's JWKS at /<poolId>/.well-known/jwks.json.
import { randomBytes, randomUUID } from 'node:crypto';
import { AwsJsonError, jsonRpcHandler, renderJsonFault } from './aws-json.mjs';
import { setOpenCorsHeaders } from './cors.mjs';
import { createSigningKey, signJwt } from './jwt.mjs';

const CORAL = 'com.amazonaws.cognito.identity.idp.model';

export function cognitoIdpEndpoint(config) {
  const keys = new Map(config.userPools.map((pool) => [pool.id, createSigningKey()]));
  const refreshTokens = new Map(); // token -> { pool, client, user }

  function clientById(clientId) {
    for (const pool of config.userPools) {
      const client = pool.clients.find((c) => c.id === clientId);
      if (client) return { pool, client };
    }
    throw new AwsJsonError('ResourceNotFoundException', `User pool client ${clientId} does not exist.`);
  }

  function issueTokens(pool, client, user, nowMs) {
    const now = Math.floor(nowMs / 1000);
    const common = { sub: user.sub, iss: pool.issuer, origin_jti: randomUUID(), event_id: randomUUID(), auth_time: now, iat: now };
    const key = keys.get(pool.id);
    const idToken = signJwt({
      ...common,
      ...(user.email && { email: user.email, email_verified: true }),
      'cognito:username': user.username,
      aud: client.id,
      token_use: 'id',
      exp: now + client.idTokenValiditySeconds,
      jti: randomUUID(),
    }, key);
    const accessToken = signJwt({
      ...common,
      client_id: client.id,
      token_use: 'access',
      scope: 'aws.cognito.signin.user.admin',
      exp: now + client.accessTokenValiditySeconds,
      jti: randomUUID(),
      username: user.username,
    }, key);
    return { AccessToken: accessToken, ExpiresIn: client.accessTokenValiditySeconds, IdToken: idToken, TokenType: 'Bearer' };
  }

  function required(params, name) {
    if (!params?.[name]) throw new AwsJsonError('InvalidParameterException', `Missing required parameter ${name}`);
    return params[name];
  }

  async function InitiateAuth(input, ctx) {
    const { pool, client } = clientById(input.ClientId);
    const params = input.AuthParameters;
    if (input.AuthFlow === 'USER_PASSWORD_AUTH') {
      const username = required(params, 'USERNAME');
      const password = required(params, 'PASSWORD');
      const user = pool.users.find((u) => u.username === username);
      // Same answer for an unknown user, as with PreventUserExistenceErrors (the default).
      if (!user || user.password !== password) throw new AwsJsonError('NotAuthorizedException', 'Incorrect username or password.');
      const refreshToken = randomBytes(96).toString('base64url');
      refreshTokens.set(refreshToken, { pool, client, user });
      return { AuthenticationResult: { ...issueTokens(pool, client, user, ctx.now()), RefreshToken: refreshToken }, ChallengeParameters: {} };
    }
    if (input.AuthFlow === 'REFRESH_TOKEN_AUTH' || input.AuthFlow === 'REFRESH_TOKEN') {
      const session = refreshTokens.get(required(params, 'REFRESH_TOKEN'));
      if (!session || session.client !== client) throw new AwsJsonError('NotAuthorizedException', 'Invalid Refresh Token');
      return { AuthenticationResult: issueTokens(pool, client, session.user, ctx.now()), ChallengeParameters: {} };
    }
    throw new AwsJsonError('InvalidParameterException', `Initiate Auth method not supported.`);
  }

  const get = Object.fromEntries(config.userPools.map((pool) => [`/${pool.id}/.well-known/jwks.json`, () => keys.get(pool.id).jwks]));
  return {
    name: 'cognitoIdp',
    signing: null,
    handle: jsonRpcHandler({ targetPrefix: 'AWSCognitoIdentityProviderService', coralNamespace: CORAL, operations: { InitiateAuth }, get }),
    renderFault: renderJsonFault(CORAL),
    prepare: setOpenCorsHeaders,
    /** issuer URL -> JWKS getter, for Cognito Identity and STS to check tokens against. */
    issuers: new Map(config.userPools.map((pool) => [pool.issuer, { jwks: () => keys.get(pool.id).jwks }])),
  };
}
