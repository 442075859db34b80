// API Gateway REST and HTTP APIs with AWS_IAM routes (service execute-api).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  startStack, sign, signedFetch, assertJsonError, assertSkewMessage, staticUser, guestCredentials, amzDate,
} from './helpers.mjs';

const MISMATCH = 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

let stack;
let rest;
let http;
let signing;
before(async () => {
  stack = await startStack();
  rest = `${stack.endpoints.apiRest}/${stack.ids.restApiStage}`;
  http = stack.endpoints.apiHttp;
  signing = stack.signing.apiRest;
});
after(() => stack.stop());

const asUser = (extra = {}) => ({ ...signing, credentials: staticUser(stack), ...extra });

test('both APIs sign as execute-api in the config region', () => {
  assert.deepEqual(stack.signing.apiRest, { service: 'execute-api', region: 'us-east-1' });
  assert.deepEqual(stack.signing.apiHttp, { service: 'execute-api', region: 'us-east-1' });
});

test('REST: a signed request is accepted; the v1 event names the caller', async () => {
  const res = await signedFetch(`${rest}/items/42?color=red`, asUser());
  assert.equal(res.status, 200, await res.clone().text());
  const event = await res.json();
  assert.equal(event.resource, '/items/{id}');
  assert.equal(event.path, '/items/42');
  assert.deepEqual(event.pathParameters, { id: '42' });
  assert.deepEqual(event.queryStringParameters, { color: 'red' });
  assert.equal(event.requestContext.path, '/dev/items/42');
  assert.equal(event.requestContext.stage, 'dev');
  assert.equal(event.requestContext.identity.userArn, 'arn:aws:iam::123456789012:user/test-user');
  assert.equal(event.requestContext.identity.accessKey, 'AKIAIAMFETCHTESTUSER');
});

test('REST: Cognito guest credentials show up as an unauthenticated Cognito identity', async () => {
  const credentials = await guestCredentials(stack);
  const res = await signedFetch(`${rest}/echo`, { ...signing, credentials, method: 'POST', body: '{"a":1}', headers: { 'content-type': 'application/json' } });
  assert.equal(res.status, 200);
  const { identity } = (await res.json()).requestContext;
  assert.equal(identity.cognitoIdentityId, credentials.identityId);
  assert.equal(identity.cognitoAuthenticationType, 'unauthenticated');
});

test('HTTP: a signed request is accepted; the v2 event carries authorizer.iam', async () => {
  const res = await signedFetch(`${http}/items/7`, asUser());
  assert.equal(res.status, 200);
  const event = await res.json();
  assert.equal(event.routeKey, 'GET /items/{id}');
  assert.deepEqual(event.pathParameters, { id: '7' });
  assert.equal(event.requestContext.authorizer.iam.userArn, 'arn:aws:iam::123456789012:user/test-user');
});

test('routes with authorization NONE need no signature', async () => {
  assert.equal((await fetch(`${rest}/public`)).status, 200);
  assert.equal((await fetch(`${http}/public`)).status, 200);
});

test('REST: no signature: 403 Missing Authentication Token', async () => {
  await assertJsonError(await fetch(`${rest}/echo`), 403, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
});

test('REST: an unknown path or stage is also "Missing Authentication Token", even when signed', async () => {
  await assertJsonError(await signedFetch(`${rest}/nope`, asUser()), 403, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
  await assertJsonError(await signedFetch(`${stack.endpoints.apiRest}/prod/echo`, asUser()), 403, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
});

test('HTTP: an unknown route is 404 Not Found; no signature is 403 Forbidden', async () => {
  await assertJsonError(await fetch(`${http}/nope`), 404, 'NotFoundException', 'Not Found');
  await assertJsonError(await fetch(`${http}/echo`), 403, 'ForbiddenException', 'Forbidden');
});

test('REST: a wrong secret yields the mismatch message with the canonical string and string-to-sign', async () => {
  const date = new Date();
  const res = await signedFetch(`${rest}/echo?b=2&a=1`, { ...signing, credentials: { ...staticUser(stack), secretAccessKey: 'wrong' }, signingDate: date });
  const { message } = await assertJsonError(res, 403, 'InvalidSignatureException', /^The request signature we calculated/);
  const host = new URL(rest).host;
  const longDate = amzDate(date.getTime());
  const canonical = `GET\n/dev/echo\na=1&b=2\nhost:${host}\nx-amz-date:${longDate}\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855`;
  const stringToSign = `AWS4-HMAC-SHA256\n${longDate}\n${longDate.slice(0, 8)}/us-east-1/execute-api/aws4_request\n${createHash('sha256').update(canonical).digest('hex')}`;
  assert.equal(message, `${MISMATCH}\n\nThe Canonical String for this request should have been\n'${canonical}'\n\nThe String-to-Sign should have been\n'${stringToSign}'\n`);
});

test('HTTP: a wrong secret yields the plain mismatch message', async () => {
  const res = await signedFetch(`${http}/echo`, { ...signing, credentials: { ...staticUser(stack), secretAccessKey: 'wrong' } });
  await assertJsonError(res, 403, 'InvalidSignatureException', MISMATCH);
});

test('a changed body, a changed signed header, an added query parameter: 403 InvalidSignatureException', async () => {
  const post = await sign(`${rest}/echo`, asUser({ method: 'POST', body: 'a', headers: { 'x-custom': '1' } }));
  for (const [u, init] of [
    [post.url, { ...post.init, body: 'b' }],
    [post.url, { ...post.init, headers: { ...post.init.headers, 'x-custom': '2' } }],
    [`${post.url}?extra=1`, post.init],
  ]) {
    await assertJsonError(await fetch(u, init), 403, 'InvalidSignatureException', /^The request signature we calculated does not match/);
  }
});

test('the security token: unknown, missing or expired', async () => {
  await assertJsonError(await signedFetch(`${rest}/echo`, { ...signing, credentials: { accessKeyId: 'AKIANOBODY0000000000', secretAccessKey: 'x' } }),
    403, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
  const { sessionToken, ...noToken } = await guestCredentials(stack);
  await assertJsonError(await signedFetch(`${http}/echo`, { ...signing, credentials: noToken }),
    403, 'UnrecognizedClientException', 'The security token included in the request is invalid.');

  const credentials = await guestCredentials(stack);
  stack.setClockOffset(2 * 3600);
  try {
    const res = await signedFetch(`${rest}/echo`, { ...signing, credentials, signingDate: new Date(Date.now() + 2 * 3600_000) });
    await assertJsonError(res, 403, 'ExpiredTokenException', 'The security token included in the request is expired');
  } finally {
    stack.setClockOffset(0);
  }
});

test('a skewed clock both ways: 403 InvalidSignatureException with the skew message', async () => {
  for (const [offset, direction] of [[-6 * 60_000, 'past'], [6 * 60_000, 'future']]) {
    const date = new Date(Date.now() + offset);
    const { message } = await assertJsonError(await signedFetch(`${rest}/echo`, asUser({ signingDate: date })), 403, 'InvalidSignatureException', /^Signature/);
    assertSkewMessage(message, amzDate(date.getTime()), direction, '5 min.', 300_000);
  }
});

test('the wrong service or region: 403 InvalidSignatureException', async () => {
  await assertJsonError(await signedFetch(`${rest}/echo`, asUser({ service: 'lambda' })), 403, 'InvalidSignatureException',
    "Credential should be scoped to correct service: 'execute-api'.");
  await assertJsonError(await signedFetch(`${http}/echo`, asUser({ region: 'us-west-2' })), 403, 'InvalidSignatureException',
    'Credential should be scoped to a valid region.');
});

test('a caller with no invoke permission: REST 403 AccessDeniedException naming user and resource; HTTP 403 Forbidden', async () => {
  const outsider = { ...signing, credentials: staticUser(stack, 'outsider') };
  await assertJsonError(await signedFetch(`${rest}/items/9`, outsider), 403, 'AccessDeniedException',
    'User: arn:aws:iam::123456789012:user/outsider is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:123456789012:iamfrest01/dev/GET/items/9',
    'Message');
  await assertJsonError(await signedFetch(`${http}/echo`, outsider), 403, 'ForbiddenException', 'Forbidden');
});

test('preflights are answered without a signature, and 4XX answers carry CORS headers', async () => {
  for (const base of [rest, http]) {
    const res = await fetch(`${base}/echo`, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:4000', 'access-control-request-method': 'PUT', 'access-control-request-headers': 'authorization,x-amz-date' },
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('access-control-allow-origin'), 'http://localhost:4000');
    const denied = await fetch(`${base}/echo`, { headers: { origin: 'http://localhost:4000' } });
    assert.equal(denied.status, 403);
    assert.equal(denied.headers.get('access-control-allow-origin'), 'http://localhost:4000');
  }
});

test('HTTP: a $default route catches what no other route matches', async () => {
  const other = await startStack({ config: (cfg) => { cfg.httpApi.routes.push({ routeKey: '$default', authorization: 'NONE' }); return cfg; } });
  try {
    assert.equal((await (await fetch(`${other.endpoints.apiHttp}/anything/else`)).json()).routeKey, '$default');
    assert.equal((await (await fetch(`${other.endpoints.apiHttp}/public`)).json()).routeKey, 'GET /public');
  } finally {
    await other.stop();
  }
});
