// Function URL with AuthType AWS_IAM: what it accepts, and how it refuses
// every kind of tampering, in Lambda's own words.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  startStack, sign, signedFetch, assertJsonError, assertSkewMessage, staticUser, guestCredentials, amzDate, cognito, toCredentials,
} from './helpers.mjs';

const MISMATCH = 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
const FORBIDDEN = 'Forbidden. For troubleshooting Function URL authorization issues, see: https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html';

let stack;
let url;
let signing;
before(async () => {
  stack = await startStack();
  url = stack.endpoints.functionUrl;
  signing = stack.signing.functionUrl;
});
after(() => stack.stop());

const asUser = (extra = {}) => ({ ...signing, credentials: staticUser(stack), ...extra });

test('signing service and region are lambda / the config region', () => {
  assert.deepEqual(signing, { service: 'lambda', region: 'us-east-1' });
});

test('a signed GET is accepted and the echo event names the IAM user', async () => {
  const res = await signedFetch(`${url}/hello/world?b=2&a=1&a=0`, asUser());
  assert.equal(res.status, 200);
  assert.ok(res.headers.get('date'));
  assert.ok(res.headers.get('x-amzn-requestid'));
  const event = await res.json();
  assert.equal(event.version, '2.0');
  assert.equal(event.rawPath, '/hello/world');
  assert.equal(event.rawQueryString, 'b=2&a=1&a=0');
  assert.deepEqual(event.queryStringParameters, { b: '2', a: '1,0' });
  assert.equal(event.requestContext.http.method, 'GET');
  assert.equal(event.isBase64Encoded, false);
  assert.equal(event.body, undefined);
  assert.deepEqual(event.requestContext.authorizer.iam, {
    accessKey: 'AKIAIAMFETCHTESTUSER',
    accountId: '123456789012',
    callerId: event.requestContext.authorizer.iam.userId,
    cognitoIdentity: null,
    principalOrgId: null,
    userArn: 'arn:aws:iam::123456789012:user/test-user',
    userId: event.requestContext.authorizer.iam.userId,
  });
  assert.match(event.requestContext.authorizer.iam.userId, /^AIDA[0-9A-F]{17}$/);
});

test('a signed POST with a JSON body is accepted, with or without a signed x-amz-content-sha256', async () => {
  for (const applyChecksum of [false, true]) {
    const body = JSON.stringify({ hello: 'world', applyChecksum });
    const res = await signedFetch(`${url}/items`, asUser({ method: 'POST', body, headers: { 'content-type': 'application/json' }, applyChecksum }));
    assert.equal(res.status, 200);
    const event = await res.json();
    assert.equal(event.body, body);
    assert.equal(event.isBase64Encoded, false);
  }
});

test('a binary body reaches the function base64-encoded', async () => {
  const body = new Uint8Array([0, 1, 2, 250, 251, 252]);
  const res = await signedFetch(`${url}/upload`, asUser({ method: 'PUT', body, headers: { 'content-type': 'application/octet-stream' } }));
  assert.equal(res.status, 200);
  const event = await res.json();
  assert.equal(event.isBase64Encoded, true);
  assert.deepEqual([...Buffer.from(event.body, 'base64')], [...body]);
});

test('paths with reserved and encoded characters verify (double-encoded canonical path)', async () => {
  const res = await signedFetch(`${url}/a%20b/c%2Fd/%E2%82%AC/x=y`, asUser());
  assert.equal(res.status, 200, await res.clone().text());
  assert.equal((await res.json()).rawPath, '/a%20b/c%2Fd/%E2%82%AC/x=y');
});

test('a presigned (query-string) request is accepted, and refused once expired', async () => {
  const ok = await sign(`${url}/presigned?x=1`, asUser({ presign: true, expiresIn: 60 }));
  assert.match(ok.url, /X-Amz-Signature=/);
  assert.equal((await fetch(ok.url, ok.init)).status, 200);

  const old = new Date(Date.now() - 120_000);
  const stale = await sign(`${url}/presigned`, asUser({ presign: true, expiresIn: 60, signingDate: old }));
  const res = await fetch(stale.url, stale.init);
  const body = await assertJsonError(res, 403, 'InvalidSignatureException', /^Signature expired: /);
  assertSkewMessage(body.message, amzDate(old.getTime()), 'past', '60 sec.', 60_000);
});

test('Cognito guest credentials are accepted and the event carries cognitoIdentity', async () => {
  const credentials = await guestCredentials(stack);
  const res = await signedFetch(`${url}/me`, { ...signing, credentials });
  assert.equal(res.status, 200);
  const iam = (await res.json()).requestContext.authorizer.iam;
  assert.equal(iam.userArn, 'arn:aws:sts::123456789012:assumed-role/demo-guest/CognitoIdentityCredentials');
  assert.equal(iam.accessKey, credentials.accessKeyId);
  assert.deepEqual(iam.cognitoIdentity, { amr: ['unauthenticated'], identityId: credentials.identityId, identityPoolId: stack.ids.identityPoolId });
});

test('the streaming function streams NDJSON chunks', async () => {
  const res = await signedFetch(`${stack.endpoints.functionUrls.stream}/s?chunks=3&intervalMs=1`, { ...signing, credentials: staticUser(stack) });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/x-ndjson');
  const lines = (await res.text()).trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(lines[0].requestContext.authorizer.iam.userArn, 'arn:aws:iam::123456789012:user/test-user');
  assert.deepEqual(lines.slice(1), [{ chunk: 1, of: 3 }, { chunk: 2, of: 3 }, { chunk: 3, of: 3 }]);
});

test('the slow function answers after ?ms=', async () => {
  const res = await signedFetch(`${stack.endpoints.functionUrls.slow}/?ms=20`, { ...signing, credentials: staticUser(stack) });
  assert.equal(res.status, 200);
  assert.equal((await res.json()).queryStringParameters.ms, '20');
});

// --- refusals -------------------------------------------------------------

test('no signature at all: 403 AccessDeniedException Forbidden', async () => {
  await assertJsonError(await fetch(`${url}/`), 403, 'AccessDeniedException', FORBIDDEN, 'Message');
});

test('a wrong secret: 403 InvalidSignatureException', async () => {
  const credentials = { ...staticUser(stack), secretAccessKey: 'wrong-secret' };
  await assertJsonError(await signedFetch(`${url}/`, { ...signing, credentials }), 403, 'InvalidSignatureException', MISMATCH);
});

test('a changed body: 403 InvalidSignatureException', async () => {
  const { url: u, init } = await sign(`${url}/`, asUser({ method: 'POST', body: '{"amount":1}', headers: { 'content-type': 'application/json' } }));
  await assertJsonError(await fetch(u, { ...init, body: '{"amount":9}' }), 403, 'InvalidSignatureException', MISMATCH);
});

test('a signed x-amz-content-sha256 that does not match the body: 403 InvalidSignatureException', async () => {
  const wrongHash = createHash('sha256').update('something else').digest('hex');
  const res = await signedFetch(`${url}/`, asUser({ method: 'POST', body: 'payload', headers: { 'x-amz-content-sha256': wrongHash } }));
  await assertJsonError(res, 403, 'InvalidSignatureException', MISMATCH);
});

test('UNSIGNED-PAYLOAD is refused: 403 InvalidSignatureException', async () => {
  const res = await signedFetch(`${url}/`, asUser({ method: 'POST', body: 'payload', headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } }));
  await assertJsonError(res, 403, 'InvalidSignatureException', MISMATCH);
});

test('a changed signed header: 403 InvalidSignatureException', async () => {
  const { url: u, init } = await sign(`${url}/`, asUser({ headers: { 'x-custom': 'one' } }));
  await assertJsonError(await fetch(u, { ...init, headers: { ...init.headers, 'x-custom': 'two' } }), 403, 'InvalidSignatureException', MISMATCH);
});

test('an unsigned header may be added freely', async () => {
  const { url: u, init } = await sign(`${url}/`, asUser());
  assert.equal((await fetch(u, { ...init, headers: { ...init.headers, 'x-unsigned': 'fine' } })).status, 200);
});

test('an added query parameter: 403 InvalidSignatureException', async () => {
  const { url: u, init } = await sign(`${url}/search?q=a`, asUser());
  await assertJsonError(await fetch(`${u}&admin=true`, init), 403, 'InvalidSignatureException', MISMATCH);
});

test('a clock 10 minutes slow: 403 "Signature expired" with the 5-minute window', async () => {
  const date = new Date(Date.now() - 10 * 60_000);
  const res = await signedFetch(`${url}/`, asUser({ signingDate: date }));
  const body = await assertJsonError(res, 403, 'InvalidSignatureException', /^Signature expired: /);
  assertSkewMessage(body.message, amzDate(date.getTime()), 'past', '5 min.', 300_000);
});

test('a clock 10 minutes fast: 403 "Signature not yet current"', async () => {
  const date = new Date(Date.now() + 10 * 60_000);
  const res = await signedFetch(`${url}/`, asUser({ signingDate: date }));
  const body = await assertJsonError(res, 403, 'InvalidSignatureException', /^Signature not yet current: /);
  assertSkewMessage(body.message, amzDate(date.getTime()), 'future', '5 min.', 300_000);
});

test('a clock 4 minutes off either way is accepted', async () => {
  for (const offset of [-4 * 60_000, 4 * 60_000]) {
    assert.equal((await signedFetch(`${url}/`, asUser({ signingDate: new Date(Date.now() + offset) }))).status, 200);
  }
});

test('the wrong region: 403 InvalidSignatureException', async () => {
  await assertJsonError(await signedFetch(`${url}/`, asUser({ region: 'eu-west-1' })), 403, 'InvalidSignatureException',
    'Credential should be scoped to a valid region.');
});

test('the wrong service: 403 InvalidSignatureException', async () => {
  await assertJsonError(await signedFetch(`${url}/`, asUser({ service: 'execute-api' })), 403, 'InvalidSignatureException',
    "Credential should be scoped to correct service: 'lambda'.");
});

test('an unknown access key: 403 UnrecognizedClientException', async () => {
  const credentials = { accessKeyId: 'AKIAUNKNOWNUNKNOWN00', secretAccessKey: 'x' };
  await assertJsonError(await signedFetch(`${url}/`, { ...signing, credentials }), 403, 'UnrecognizedClientException',
    'The security token included in the request is invalid.');
});

test('temporary credentials without their security token: 403 UnrecognizedClientException', async () => {
  const { sessionToken, ...withoutToken } = await guestCredentials(stack);
  await assertJsonError(await signedFetch(`${url}/`, { ...signing, credentials: withoutToken }), 403, 'UnrecognizedClientException',
    'The security token included in the request is invalid.');
});

test('a security token that is not the one issued with the key: 403 UnrecognizedClientException', async () => {
  const mine = await guestCredentials(stack);
  const other = await guestCredentials(stack);
  await assertJsonError(await signedFetch(`${url}/`, { ...signing, credentials: { ...mine, sessionToken: other.sessionToken } }),
    403, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
});

test('expired temporary credentials: 403 ExpiredTokenException', async () => {
  const short = await startStack({ config: (cfg) => { cfg.identityPools[0].credentialsLifetimeSeconds = 60; return cfg; } });
  try {
    const { body: id } = await cognito(short.endpoints.cognitoIdentity, 'AWSCognitoIdentityService.GetId', { IdentityPoolId: short.ids.identityPoolId });
    const { body } = await cognito(short.endpoints.cognitoIdentity, 'AWSCognitoIdentityService.GetCredentialsForIdentity', { IdentityId: id.IdentityId });
    const credentials = toCredentials(body.Credentials);
    assert.ok(body.Credentials.Expiration * 1000 - Date.now() <= 60_000);
    // Two minutes later on the server's clock, signed with the client's clock moved alike.
    short.setClockOffset(120);
    const res = await signedFetch(`${short.endpoints.functionUrl}/`, { ...short.signing.functionUrl, credentials, signingDate: new Date(Date.now() + 120_000) });
    await assertJsonError(res, 403, 'ExpiredTokenException', 'The security token included in the request is expired');
  } finally {
    await short.stop();
  }
});

test('a caller outside the resource policy: 403 AccessDeniedException', async () => {
  const res = await signedFetch(`${url}/`, { ...signing, credentials: staticUser(stack, 'outsider') });
  await assertJsonError(res, 403, 'AccessDeniedException', FORBIDDEN, 'Message');
});

test('a malformed Authorization header: 400 IncompleteSignatureException', async () => {
  const res = await fetch(`${url}/`, { headers: { authorization: 'AWS4-HMAC-SHA256 Credential=AKIAIAMFETCHTESTUSER/20260101/us-east-1/lambda/aws4_request' } });
  await assertJsonError(res, 400, 'IncompleteSignatureException',
    "Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter.");
});

// --- CORS ------------------------------------------------------------------

test('an unsigned preflight from a localhost origin is answered per the CORS config', async () => {
  const res = await fetch(`${url}/items`, {
    method: 'OPTIONS',
    headers: {
      origin: 'http://localhost:5173',
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization,x-amz-date,x-amz-security-token,x-amz-content-sha256,content-type',
    },
  });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('access-control-allow-origin'), 'http://localhost:5173');
  assert.equal(res.headers.get('access-control-allow-methods'), 'POST');
  assert.equal(res.headers.get('access-control-allow-headers'), 'authorization,x-amz-date,x-amz-security-token,x-amz-content-sha256,content-type');
  assert.equal(res.headers.get('access-control-max-age'), '300');
});

test('a preflight from a foreign origin or for an unlisted header gets no CORS headers', async () => {
  for (const headers of [
    { origin: 'https://evil.example', 'access-control-request-method': 'GET' },
    { origin: 'http://localhost:3000', 'access-control-request-method': 'GET', 'access-control-request-headers': 'x-not-allowed' },
  ]) {
    const res = await fetch(`${url}/`, { method: 'OPTIONS', headers });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('access-control-allow-origin'), null);
  }
});

test('answers, errors included, expose date, x-amzn-errortype and x-amzn-requestid to allowed origins', async () => {
  for (const res of [
    await signedFetch(`${url}/`, asUser({ headers: { origin: 'http://127.0.0.1:8080' } })),
    await fetch(`${url}/`, { headers: { origin: 'http://127.0.0.1:8080' } }),
  ]) {
    assert.equal(res.headers.get('access-control-allow-origin'), 'http://127.0.0.1:8080');
    assert.equal(res.headers.get('access-control-expose-headers'), 'date,x-amzn-errortype,x-amzn-requestid');
  }
});
