// Shared by the stack's tests. Requests are signed with @smithy/signature-v4
// and @smithy/signature-v4a (the AWS SDK's signers), never with iamfetch,
// which is being built alongside.
import assert from 'node:assert/strict';
import { referenceSign, referenceSignV4a } from '../../stack/src/index.mjs';

export { startStack } from '../../stack/src/index.mjs';
export const sign = referenceSign;
export const signV4a = referenceSignV4a;

export async function signedFetch(url, opts) {
  const { url: target, init } = await sign(url, opts);
  return fetch(target, init);
}

/** Asserts an AWS REST-JSON error: status, x-amzn-ErrorType, and the message field. */
export async function assertJsonError(res, status, type, message, field = 'message') {
  const text = await res.text();
  assert.equal(res.status, status, text);
  assert.equal(res.headers.get('x-amzn-errortype'), type);
  const body = JSON.parse(text);
  if (message instanceof RegExp) assert.match(body[field], message);
  else assert.equal(body[field], message);
  return body;
}

/** Cognito's JSON 1.1 calls. */
export async function cognito(endpoint, target, input, headers = {}) {
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target, ...headers },
    body: JSON.stringify(input),
  });
  return { res, body: await res.json() };
}

export async function assertCognitoError(call, type, message) {
  const { res, body } = await call;
  assert.equal(res.status, 400, JSON.stringify(body));
  assert.equal(res.headers.get('x-amzn-errortype').split(':')[0], type);
  assert.equal(body.__type, type);
  if (message instanceof RegExp) assert.match(body.message, message);
  else assert.equal(body.message, message);
}

/** Guest credentials from the default config's guest-enabled identity pool, as smithy credentials. */
export async function guestCredentials(stack) {
  const { body: id } = await cognito(stack.endpoints.cognitoIdentity, 'AWSCognitoIdentityService.GetId', { IdentityPoolId: stack.ids.identityPoolId });
  const { body } = await cognito(stack.endpoints.cognitoIdentity, 'AWSCognitoIdentityService.GetCredentialsForIdentity', { IdentityId: id.IdentityId });
  return toCredentials(body.Credentials, body.IdentityId);
}

export function toCredentials(c, identityId) {
  return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretKey, sessionToken: c.SessionToken, expiration: c.Expiration, identityId };
}

export async function signIn(stack, username = 'demo', password = 'demo-password') {
  return cognito(stack.endpoints.cognitoIdp, 'AWSCognitoIdentityProviderService.InitiateAuth', {
    AuthFlow: 'USER_PASSWORD_AUTH',
    ClientId: stack.ids.userPoolClientId,
    AuthParameters: { USERNAME: username, PASSWORD: password },
  });
}

export const staticUser = (stack, name = 'test-user') => stack.ids.iamUsers[name];

/** YYYYMMDDTHHMMSSZ -> ms */
export function parseAmzDate(text) {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  return Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
}

export function amzDate(ms) {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/**
 * Checks AWS's skew wording and its arithmetic:
 * "Signature expired: R is now earlier than B (N - 5 min.)" with B = N - window.
 */
export function assertSkewMessage(message, requestDate, direction, windowText, windowMs) {
  const re = direction === 'past'
    ? /^Signature expired: (\d{8}T\d{6}Z) is now earlier than (\d{8}T\d{6}Z) \((\d{8}T\d{6}Z) - (.+)\)$/
    : /^Signature not yet current: (\d{8}T\d{6}Z) is still later than (\d{8}T\d{6}Z) \((\d{8}T\d{6}Z) \+ (.+)\)$/;
  const m = re.exec(message);
  assert.ok(m, `unexpected skew message: ${message}`);
  assert.equal(m[1], requestDate);
  assert.equal(m[4], windowText);
  const bound = parseAmzDate(m[2]);
  const now = parseAmzDate(m[3]);
  assert.equal(direction === 'past' ? now - bound : bound - now, windowMs);
}
