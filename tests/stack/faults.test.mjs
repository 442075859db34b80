// Fault injection per request (x-iamfetch-fault) and per endpoint (admin API,
// stack.setFault), and the server clock offset.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, signedFetch, assertJsonError, staticUser, cognito, assertCognitoError } from './helpers.mjs';

let stack;
before(async () => { stack = await startStack(); });
after(() => stack.stop());

const fault = (spec) => ({ 'x-iamfetch-fault': spec });
const asUser = (extra = {}) => ({ ...stack.signing.functionUrl, credentials: staticUser(stack), ...extra });

test('throttle, per request, in each endpoint\'s own shape', async () => {
  await assertJsonError(await signedFetch(`${stack.endpoints.functionUrl}/`, asUser({ headers: fault('throttle') })), 429, 'TooManyRequestsException', 'Rate Exceeded.');
  await assertJsonError(await fetch(`${stack.endpoints.apiRest}/dev/echo`, { headers: fault('throttle') }), 429, 'TooManyRequestsException', 'Too Many Requests');
  await assertCognitoError(cognito(stack.endpoints.cognitoIdentity, 'AWSCognitoIdentityService.GetId', { IdentityPoolId: stack.ids.identityPoolId }, fault('throttle')),
    'TooManyRequestsException', 'Rate exceeded');
  const sts = await fetch(stack.endpoints.sts, { method: 'POST', headers: fault('throttle') });
  assert.equal(sts.status, 400);
  assert.match(await sts.text(), /<Code>Throttling<\/Code>\s*<Message>Rate exceeded<\/Message>/);
  const cf = await fetch(stack.endpoints.cloudfront, { headers: fault('throttle') });
  assert.equal(cf.status, 429);
  assert.equal(cf.headers.get('x-cache'), 'Error from cloudfront');
});

test('500 and 503', async () => {
  await assertJsonError(await fetch(`${stack.endpoints.functionUrl}/`, { headers: fault('500') }), 500, 'ServiceException', 'Lambda encountered an internal error.', 'Message');
  await assertJsonError(await fetch(`${stack.endpoints.functionUrl}/`, { headers: fault('503') }), 503, 'ServiceUnavailableException', 'Service Unavailable', 'Message');
  const { res, body } = await cognito(stack.endpoints.cognitoIdp, 'AWSCognitoIdentityProviderService.InitiateAuth', {}, fault('500'));
  assert.equal(res.status, 500);
  assert.equal(body.__type, 'InternalErrorException');
});

test('drop closes the connection without an answer', async () => {
  await assert.rejects(fetch(`${stack.endpoints.functionUrl}/`, { headers: fault('drop') }), TypeError);
});

test('reset reads the request, then resets the connection; reset=mid cuts the answer after its head', async () => {
  const reset = await fetch(`${stack.endpoints.functionUrl}/`, { method: 'POST', body: 'abc', headers: fault('reset') }).catch((err) => err);
  assert.equal(reset.cause?.code, 'ECONNRESET');
  const cut = await signedFetch(`${stack.endpoints.functionUrl}/`, asUser({ headers: fault('reset=mid') }));
  assert.equal(cut.status, 200);
  assert.equal((await cut.text().catch((err) => err)).cause?.code, 'ECONNRESET');
  assert.equal((await signedFetch(`${stack.endpoints.functionUrl}/`, asUser())).status, 200);
});

test('slow delays, then answers normally', async () => {
  assert.equal((await signedFetch(`${stack.endpoints.functionUrl}/`, asUser({ headers: fault('slow=30') }))).status, 200);
});

test('an unknown fault is a 400 from the stack itself', async () => {
  const res = await fetch(`${stack.endpoints.sts}/`, { headers: fault('explode') });
  assert.equal(res.status, 400);
  assert.match((await res.json()).message, /unknown fault 'explode'/);
});

test('clock=+600 shifts the Date header, and a correctly-timed signature is then 10 minutes behind', async () => {
  const res = await signedFetch(`${stack.endpoints.functionUrl}/`, asUser({ headers: fault('clock=+600') }));
  const shift = Date.parse(res.headers.get('date')) - Date.now();
  assert.ok(shift > 540_000 && shift < 660_000, `Date header shifted by ${shift} ms`);
  await assertJsonError(res, 403, 'InvalidSignatureException', /^Signature expired: /);
});

test('per-endpoint faults through the admin API, used up after `times`', async () => {
  const admin = `${stack.endpoints.apiHttp}/__admin/faults`;
  const set = await fetch(admin, { method: 'POST', body: JSON.stringify({ fault: '503', times: 2 }) });
  assert.deepEqual((await set.json()).endpoints.apiHttp, { fault: '503', remaining: 2 });
  assert.equal((await fetch(`${stack.endpoints.apiHttp}/public`)).status, 503);
  assert.equal((await fetch(`${stack.endpoints.apiHttp}/public`)).status, 503);
  assert.equal((await fetch(`${stack.endpoints.apiHttp}/public`)).status, 200);

  await fetch(admin, { method: 'POST', body: JSON.stringify({ fault: 'throttle', endpoint: 'apiRest' }) });
  assert.equal((await fetch(`${stack.endpoints.apiRest}/dev/public`)).status, 429);
  assert.equal((await fetch(`${stack.endpoints.apiRest}/dev/public`)).status, 429);
  const cleared = await fetch(`${admin}?endpoint=apiRest`, { method: 'DELETE' });
  assert.deepEqual((await cleared.json()).endpoints, {});
  assert.equal((await fetch(`${stack.endpoints.apiRest}/dev/public`)).status, 200);
});

test("'*' applies a fault to every endpoint; the admin clock shifts the whole stack", async () => {
  stack.setFault('*', '500', { times: 2 });
  assert.equal((await fetch(`${stack.endpoints.cognitoIdentity}/`)).status, 500);
  assert.equal((await fetch(`${stack.endpoints.sts}/`)).status, 500);
  stack.clearFaults();

  const clock = await fetch(`${stack.endpoints.sts}/__admin/clock`, { method: 'POST', body: JSON.stringify({ offsetSeconds: -3600 }) });
  assert.equal((await clock.json()).clockOffsetSeconds, -3600);
  try {
    const res = await fetch(`${stack.endpoints.functionUrl}/`);
    const shift = Date.parse(res.headers.get('date')) - Date.now();
    assert.ok(shift < -3_500_000 && shift > -3_700_000);
  } finally {
    stack.setClockOffset(0);
  }
});
