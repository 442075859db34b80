// Cognito user pool sign-in and identity pools (enhanced and basic flows).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, verify } from 'node:crypto';
import { startStack, cognito, assertCognitoError, signIn, signedFetch, toCredentials } from './helpers.mjs';

let stack;
let identityUrl;
let provider;
before(async () => {
  stack = await startStack();
  identityUrl = stack.endpoints.cognitoIdentity;
  provider = `cognito-idp.us-east-1.amazonaws.com/${stack.ids.userPoolId}`;
});
after(() => stack.stop());

const identityCall = (op, input, headers) => cognito(identityUrl, `AWSCognitoIdentityService.${op}`, input, headers);
const claimsOf = (token) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url'));

async function idToken() {
  const { body } = await signIn(stack);
  return body.AuthenticationResult.IdToken;
}

test('InitiateAuth USER_PASSWORD_AUTH returns RS256 ID and access tokens with Cognito claims, verifiable via JWKS', async () => {
  const { res, body } = await signIn(stack);
  assert.equal(res.status, 200);
  const { IdToken, AccessToken, RefreshToken, ExpiresIn, TokenType } = body.AuthenticationResult;
  assert.equal(TokenType, 'Bearer');
  assert.equal(ExpiresIn, 3600);
  assert.ok(RefreshToken);
  const id = claimsOf(IdToken);
  assert.equal(id.iss, `https://cognito-idp.us-east-1.amazonaws.com/${stack.ids.userPoolId}`);
  assert.equal(id.aud, stack.ids.userPoolClientId);
  assert.equal(id.token_use, 'id');
  assert.equal(id['cognito:username'], 'demo');
  assert.equal(id.sub, '5f3c0a8e-2d4b-4c1a-9e7f-6b5a4c3d2e1f');
  assert.equal(id.exp - id.iat, 3600);
  const access = claimsOf(AccessToken);
  assert.equal(access.token_use, 'access');
  assert.equal(access.client_id, stack.ids.userPoolClientId);
  assert.equal(access.aud, undefined);

  const jwks = await (await fetch(`${stack.endpoints.cognitoIdp}/${stack.ids.userPoolId}/.well-known/jwks.json`)).json();
  for (const token of [IdToken, AccessToken]) {
    const [h, p, s] = token.split('.');
    const header = JSON.parse(Buffer.from(h, 'base64url'));
    assert.equal(header.alg, 'RS256');
    const jwk = jwks.keys.find((k) => k.kid === header.kid);
    assert.ok(verify('sha256', Buffer.from(`${h}.${p}`), createPublicKey({ key: jwk, format: 'jwk' }), Buffer.from(s, 'base64url')));
  }
});

test('InitiateAuth refuses a wrong password and an unknown client; REFRESH_TOKEN_AUTH renews', async () => {
  const target = 'AWSCognitoIdentityProviderService.InitiateAuth';
  await assertCognitoError(signIn(stack, 'demo', 'nope'), 'NotAuthorizedException', 'Incorrect username or password.');
  await assertCognitoError(signIn(stack, 'ghost', 'x'), 'NotAuthorizedException', 'Incorrect username or password.');
  await assertCognitoError(cognito(stack.endpoints.cognitoIdp, target, { AuthFlow: 'USER_PASSWORD_AUTH', ClientId: 'nope', AuthParameters: {} }),
    'ResourceNotFoundException', 'User pool client nope does not exist.');
  const { body } = await signIn(stack);
  const { res, body: refreshed } = await cognito(stack.endpoints.cognitoIdp, target, {
    AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: stack.ids.userPoolClientId, AuthParameters: { REFRESH_TOKEN: body.AuthenticationResult.RefreshToken },
  });
  assert.equal(res.status, 200);
  assert.equal(claimsOf(refreshed.AuthenticationResult.IdToken).token_use, 'id');
});

test('guest flow: GetId then GetCredentialsForIdentity, with AWS field names', async () => {
  const { res, body } = await identityCall('GetId', { IdentityPoolId: stack.ids.identityPoolId });
  assert.equal(res.status, 200);
  assert.match(body.IdentityId, /^us-east-1:[0-9a-f-]{36}$/);
  const before = Date.now() / 1000;
  const { body: creds } = await identityCall('GetCredentialsForIdentity', { IdentityId: body.IdentityId });
  assert.equal(creds.IdentityId, body.IdentityId);
  assert.deepEqual(Object.keys(creds.Credentials).sort(), ['AccessKeyId', 'Expiration', 'SecretKey', 'SessionToken']);
  assert.match(creds.Credentials.AccessKeyId, /^ASIA/);
  assert.equal(typeof creds.Credentials.Expiration, 'number');
  assert.ok(Math.abs(creds.Credentials.Expiration - before - 3600) < 60);
});

test('signed-in flow: the ID token in Logins gets authenticated-role credentials that the function URL accepts', async () => {
  const token = await idToken();
  const { body } = await identityCall('GetId', { IdentityPoolId: stack.ids.identityPoolId, Logins: { [provider]: token } });
  const { body: again } = await identityCall('GetId', { IdentityPoolId: stack.ids.identityPoolId, Logins: { [provider]: token } });
  assert.equal(again.IdentityId, body.IdentityId, 'the same login maps to the same identity');
  const { body: creds } = await identityCall('GetCredentialsForIdentity', { IdentityId: body.IdentityId, Logins: { [provider]: token } });
  const res = await signedFetch(`${stack.endpoints.functionUrl}/`, { ...stack.signing.functionUrl, credentials: toCredentials(creds.Credentials) });
  assert.equal(res.status, 200);
  const iam = (await res.json()).requestContext.authorizer.iam;
  assert.equal(iam.userArn, 'arn:aws:sts::123456789012:assumed-role/demo-authenticated/CognitoIdentityCredentials');
  assert.deepEqual(iam.cognitoIdentity.amr, ['authenticated', provider, `${provider}:CognitoSignIn:5f3c0a8e-2d4b-4c1a-9e7f-6b5a4c3d2e1f`]);

  await assertCognitoError(identityCall('GetCredentialsForIdentity', { IdentityId: body.IdentityId }), 'NotAuthorizedException',
    "Logins don't match. Please include at least one valid login for this identity or identity pool.");
});

test('a guest who signs in keeps the identity; once linked, the login wins over another identity', async () => {
  // A stack of its own, so that no other test has linked the demo login yet.
  const fresh = await startStack();
  try {
    const p = `cognito-idp.us-east-1.amazonaws.com/${fresh.ids.userPoolId}`;
    const call = (op, input) => cognito(fresh.endpoints.cognitoIdentity, `AWSCognitoIdentityService.${op}`, input);
    const { body: tokens } = await signIn(fresh);
    const Logins = { [p]: tokens.AuthenticationResult.IdToken };
    const { body: g } = await call('GetId', { IdentityPoolId: fresh.ids.identityPoolId });
    const { body: linked } = await call('GetCredentialsForIdentity', { IdentityId: g.IdentityId, Logins });
    assert.equal(linked.IdentityId, g.IdentityId);
    const { body: g2 } = await call('GetId', { IdentityPoolId: fresh.ids.identityPoolId });
    const { body: merged } = await call('GetCredentialsForIdentity', { IdentityId: g2.IdentityId, Logins });
    assert.equal(merged.IdentityId, g.IdentityId, 'Cognito answers with the identity the login belongs to');
  } finally {
    await fresh.stop();
  }
});

test('a pool without guest access refuses unauthenticated identities', async () => {
  await assertCognitoError(identityCall('GetId', { IdentityPoolId: stack.ids.guestlessIdentityPoolId }), 'NotAuthorizedException',
    'Unauthenticated access is not supported for this identity pool.');
});

test('logins are validated: provider, issuer, signature, audience, token kind, expiry', async () => {
  const token = await idToken();
  const pool = stack.ids.identityPoolId;
  const [h, p, s] = token.split('.');
  const withClaims = (patch) => `${h}.${Buffer.from(JSON.stringify({ ...claimsOf(token), ...patch })).toString('base64url')}.${s}`;
  await assertCognitoError(identityCall('GetId', { IdentityPoolId: pool, Logins: { 'accounts.google.com': token } }), 'NotAuthorizedException',
    'Token is not from a supported provider of this identity pool.');
  await assertCognitoError(identityCall('GetId', { IdentityPoolId: pool, Logins: { [provider]: 'not-a-jwt' } }), 'NotAuthorizedException',
    'Invalid login token. Not a valid OpenId Connect identity token.');
  await assertCognitoError(identityCall('GetId', { IdentityPoolId: pool, Logins: { [provider]: withClaims({ iss: 'https://evil.example' }) } }), 'NotAuthorizedException',
    "Invalid login token. Issuer doesn't match providerName");
  await assertCognitoError(identityCall('GetId', { IdentityPoolId: pool, Logins: { [provider]: withClaims({ sub: 'someone-else' }) } }), 'NotAuthorizedException',
    'Invalid login token. Invalid signature.');
  const { body } = await signIn(stack);
  await assertCognitoError(identityCall('GetId', { IdentityPoolId: pool, Logins: { [provider]: body.AuthenticationResult.AccessToken } }), 'NotAuthorizedException',
    'Invalid login token. Missing a required claim: aud');

  stack.setFault('cognitoIdentity', 'clock=+7200', { times: 1 });
  await assertCognitoError(identityCall('GetId', { IdentityPoolId: pool, Logins: { [provider]: token } }), 'NotAuthorizedException',
    new RegExp(`^Invalid login token\\. Token expired: \\d+ >= ${claimsOf(token).exp}$`));
});

test('a token for another app client: Incorrect token audience', async () => {
  const other = await startStack({ config: (cfg) => { cfg.identityPools[0].providers[0].clientIds = ['some-other-client']; return cfg; } });
  try {
    const { body } = await signIn(other);
    const p = `cognito-idp.us-east-1.amazonaws.com/${other.ids.userPoolId}`;
    await assertCognitoError(cognito(other.endpoints.cognitoIdentity, 'AWSCognitoIdentityService.GetId',
      { IdentityPoolId: other.ids.identityPoolId, Logins: { [p]: body.AuthenticationResult.IdToken } }),
    'NotAuthorizedException', 'Invalid login token. Incorrect token audience.');
  } finally {
    await other.stop();
  }
});

test('unknown pools and identities: ResourceNotFoundException; unknown operations and bad JSON', async () => {
  await assertCognitoError(identityCall('GetId', { IdentityPoolId: 'us-east-1:00000000-0000-0000-0000-000000000000' }), 'ResourceNotFoundException',
    "IdentityPool 'us-east-1:00000000-0000-0000-0000-000000000000' not found.");
  await assertCognitoError(identityCall('GetCredentialsForIdentity', { IdentityId: 'us-east-1:nobody' }), 'ResourceNotFoundException',
    "Identity 'us-east-1:nobody' not found.");
  await assertCognitoError(identityCall('DeleteIdentities', {}), 'UnknownOperationException', '');
});

test('basic flow: GetOpenIdToken then STS AssumeRoleWithWebIdentity; off where AllowClassicFlow is false', async () => {
  const { body: id } = await identityCall('GetId', { IdentityPoolId: stack.ids.identityPoolId });
  const { res, body } = await identityCall('GetOpenIdToken', { IdentityId: id.IdentityId });
  assert.equal(res.status, 200);
  const claims = claimsOf(body.Token);
  assert.equal(claims.iss, 'https://cognito-identity.amazonaws.com');
  assert.equal(claims.aud, stack.ids.identityPoolId);
  assert.equal(claims.sub, id.IdentityId);
  assert.equal(claims.exp - claims.iat, 600);

  const form = new URLSearchParams({
    Action: 'AssumeRoleWithWebIdentity', Version: '2011-06-15', RoleArn: stack.ids.roles['demo-guest'], RoleSessionName: 'web', WebIdentityToken: body.Token,
  });
  const sts = await fetch(stack.endpoints.sts, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form });
  const xml = await sts.text();
  assert.equal(sts.status, 200, xml);
  assert.match(xml, /<Arn>arn:aws:sts::123456789012:assumed-role\/demo-guest\/web<\/Arn>/);
  assert.match(xml, /<Provider>cognito-identity\.amazonaws\.com<\/Provider>/);

  const { body: signedIn } = await identityCall('GetId', { IdentityPoolId: stack.ids.guestlessIdentityPoolId, Logins: { [provider]: await idToken() } });
  await assertCognitoError(identityCall('GetOpenIdToken', { IdentityId: signedIn.IdentityId }), 'InvalidParameterException',
    'Basic (classic) flow is not enabled, please use enhanced flow.');
});

test('a pool whose role does not trust it: InvalidIdentityPoolConfigurationException', async () => {
  const other = await startStack({ config: (cfg) => { cfg.roles.find((r) => r.name === 'demo-guest').trust.federated = []; return cfg; } });
  try {
    const call = (op, input) => cognito(other.endpoints.cognitoIdentity, `AWSCognitoIdentityService.${op}`, input);
    const { body } = await call('GetId', { IdentityPoolId: other.ids.identityPoolId });
    await assertCognitoError(call('GetCredentialsForIdentity', { IdentityId: body.IdentityId }), 'InvalidIdentityPoolConfigurationException',
      'Invalid identity pool configuration. Check assigned IAM roles for this pool.');
  } finally {
    await other.stop();
  }
});

test('Cognito answers CORS for any origin and exposes its diagnostic headers', async () => {
  const pre = await fetch(identityUrl, {
    method: 'OPTIONS',
    headers: { origin: 'https://app.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-amz-target,x-amz-user-agent' },
  });
  assert.equal(pre.status, 200);
  assert.equal(pre.headers.get('access-control-allow-origin'), '*');
  assert.equal(pre.headers.get('access-control-allow-headers'), 'content-type,x-amz-target,x-amz-user-agent');
  const { res } = await identityCall('GetId', { IdentityPoolId: 'us-east-1:missing' }, { origin: 'https://app.example' });
  assert.equal(res.headers.get('access-control-allow-origin'), '*');
  assert.match(res.headers.get('access-control-expose-headers'), /x-amzn-ErrorType/);
  assert.match(res.headers.get('x-amzn-errortype'), /^ResourceNotFoundException:/);
});
