// STS over the Query protocol: signed AssumeRole and GetCallerIdentity,
// unsigned AssumeRoleWithWebIdentity, and AWS's XML errors.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, sign, signedFetch, assertSkewMessage, staticUser, signIn, amzDate } from './helpers.mjs';

const MISMATCH = 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

let stack;
let sts;
let signing;
before(async () => {
  stack = await startStack();
  sts = stack.endpoints.sts;
  signing = stack.signing.sts;
});
after(() => stack.stop());

const xmlValue = (xml, tag) => new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml)?.[1];

function stsRequest(params, credentials, extra = {}) {
  return {
    ...signing,
    credentials,
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body: new URLSearchParams({ Version: '2011-06-15', ...params }).toString(),
    ...extra,
  };
}

async function call(params, credentials, extra) {
  const res = await signedFetch(sts, stsRequest(params, credentials, extra));
  return { res, xml: await res.text() };
}

async function assertStsError(promise, status, code, message) {
  const { res, xml } = await promise;
  assert.equal(res.status, status, xml);
  assert.match(xml, /^<ErrorResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/">/);
  assert.equal(xmlValue(xml, 'Code'), code);
  const text = xmlValue(xml, 'Message').replace(/&apos;/g, "'");
  if (message instanceof RegExp) assert.match(text, message);
  else assert.equal(text, message);
  assert.ok(xmlValue(xml, 'RequestId'));
  return text;
}

const assumeRole = (credentials, params = {}) => call({ Action: 'AssumeRole', RoleArn: stack.ids.roles['test-invoker'], RoleSessionName: 'tests', ...params }, credentials);

function credentialsFrom(xml) {
  return {
    accessKeyId: xmlValue(xml, 'AccessKeyId'),
    secretAccessKey: xmlValue(xml, 'SecretAccessKey'),
    sessionToken: xmlValue(xml, 'SessionToken'),
    expiration: xmlValue(xml, 'Expiration'),
  };
}

test('sts signs as sts in the config region', () => {
  assert.deepEqual(signing, { service: 'sts', region: 'us-east-1' });
});

test('GetCallerIdentity, signed by a static IAM user', async () => {
  const { res, xml } = await call({ Action: 'GetCallerIdentity' }, staticUser(stack));
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'text/xml');
  assert.equal(xmlValue(xml, 'Arn'), 'arn:aws:iam::123456789012:user/test-user');
  assert.equal(xmlValue(xml, 'Account'), '123456789012');
});

test('AssumeRole returns credentials in AWS XML that the function URL accepts', async () => {
  const { res, xml } = await assumeRole(staticUser(stack), { DurationSeconds: '7200' });
  assert.equal(res.status, 200, xml);
  assert.match(xml, /^<AssumeRoleResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/">\n  <AssumeRoleResult>/);
  const credentials = credentialsFrom(xml);
  assert.match(credentials.expiration, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.ok(Math.abs(Date.parse(credentials.expiration) - Date.now() - 7200_000) < 60_000);
  assert.equal(xmlValue(xml, 'Arn'), 'arn:aws:sts::123456789012:assumed-role/test-invoker/tests');

  const fn = await signedFetch(`${stack.endpoints.functionUrl}/`, { ...stack.signing.functionUrl, credentials });
  assert.equal(fn.status, 200);
  assert.equal((await fn.json()).requestContext.authorizer.iam.userArn, 'arn:aws:sts::123456789012:assumed-role/test-invoker/tests');
});

test('DurationSeconds limits: 900..43200, the role maximum, and 1 hour when chaining', async () => {
  const user = staticUser(stack);
  await assertStsError(assumeRole(user, { DurationSeconds: '899' }), 400, 'ValidationError',
    "1 validation error detected: Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900");
  await assertStsError(assumeRole(user, { DurationSeconds: '43201' }), 400, 'ValidationError',
    "1 validation error detected: Value '43201' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200");
  assert.equal((await assumeRole(user, { DurationSeconds: '43200' })).res.status, 200);

  const first = credentialsFrom((await assumeRole(user)).xml);
  await assertStsError(assumeRole(first, { DurationSeconds: '3601' }), 400, 'ValidationError',
    'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.');
  const other = await startStack({ config: (cfg) => { cfg.roles.find((r) => r.name === 'test-invoker').maxSessionDuration = 3600; return cfg; } });
  try {
    const res = await signedFetch(other.endpoints.sts, { ...stsRequest({ Action: 'AssumeRole', RoleArn: other.ids.roles['test-invoker'], RoleSessionName: 'max-check', DurationSeconds: '7200' }, staticUser(other)) });
    assert.equal(xmlValue(await res.text(), 'Message'), 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
  } finally {
    await other.stop();
  }
});

test('a principal the trust policy does not name: 403 AccessDenied', async () => {
  await assertStsError(assumeRole(staticUser(stack, 'outsider')), 403, 'AccessDenied',
    'User: arn:aws:iam::123456789012:user/outsider is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::123456789012:role/test-invoker');
});

test('RoleSessionName and RoleArn are validated', async () => {
  await assertStsError(assumeRole(staticUser(stack), { RoleSessionName: 'x' }), 400, 'ValidationError',
    "1 validation error detected: Value 'x' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2");
  await assertStsError(call({ Action: 'AssumeRole', RoleSessionName: 'abc' }, staticUser(stack)), 400, 'ValidationError',
    "1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null");
});

test('signature failures come back as STS XML errors', async () => {
  const user = staticUser(stack);
  await assertStsError(call({ Action: 'GetCallerIdentity' }, { ...user, secretAccessKey: 'wrong' }), 403, 'SignatureDoesNotMatch', MISMATCH);
  const { url, init } = await sign(sts, stsRequest({ Action: 'GetCallerIdentity' }, user));
  await assertStsError(fetch(url, { ...init, body: `${init.body}&Extra=1` }).then(async (res) => ({ res, xml: await res.text() })),
    403, 'SignatureDoesNotMatch', MISMATCH);
  await assertStsError(fetch(`${url}?Action=GetCallerIdentity`, init).then(async (res) => ({ res, xml: await res.text() })),
    403, 'SignatureDoesNotMatch', MISMATCH);
  await assertStsError(call({ Action: 'GetCallerIdentity' }, user, { region: 'eu-central-1' }), 403, 'SignatureDoesNotMatch',
    'Credential should be scoped to a valid region.');
  await assertStsError(call({ Action: 'GetCallerIdentity' }, user, { service: 'lambda' }), 403, 'SignatureDoesNotMatch',
    "Credential should be scoped to correct service: 'sts'.");
  await assertStsError(call({ Action: 'GetCallerIdentity' }, { accessKeyId: 'AKIANOBODY0000000000', secretAccessKey: 'x' }), 403, 'InvalidClientTokenId',
    'The security token included in the request is invalid.');
  const unsigned = await fetch(sts, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'Action=GetCallerIdentity&Version=2011-06-15' });
  await assertStsError(Promise.resolve({ res: unsigned, xml: await unsigned.text() }), 403, 'MissingAuthenticationToken', 'Request is missing Authentication Token');
});

test('STS allows 15 minutes of clock skew either way', async () => {
  const user = staticUser(stack);
  for (const offset of [-14 * 60_000, 14 * 60_000]) {
    assert.equal((await call({ Action: 'GetCallerIdentity' }, user, { signingDate: new Date(Date.now() + offset) })).res.status, 200);
  }
  for (const [offset, direction] of [[-16 * 60_000, 'past'], [16 * 60_000, 'future']]) {
    const date = new Date(Date.now() + offset);
    const message = await assertStsError(call({ Action: 'GetCallerIdentity' }, user, { signingDate: date }), 403, 'SignatureDoesNotMatch', /^Signature/);
    assertSkewMessage(message, amzDate(date.getTime()), direction, '15 min.', 900_000);
  }
});

test('temporary credentials: a missing token, and an expired one', async () => {
  const { sessionToken, ...noToken } = credentialsFrom((await assumeRole(staticUser(stack))).xml);
  await assertStsError(call({ Action: 'GetCallerIdentity' }, noToken), 403, 'InvalidClientTokenId', 'The security token included in the request is invalid.');

  const credentials = credentialsFrom((await assumeRole(staticUser(stack), { DurationSeconds: '900' })).xml);
  // 1000 s later on the server's clock; the client's clock follows so that only the token has expired.
  stack.setFault('sts', 'clock=+1000', { times: 1 });
  await assertStsError(call({ Action: 'GetCallerIdentity' }, credentials, { signingDate: new Date(Date.now() + 1000_000) }), 400, 'ExpiredToken',
    'The security token included in the request is expired');
});

test('AssumeRoleWithWebIdentity with a user-pool ID token, unsigned', async () => {
  const { body } = await signIn(stack);
  const form = new URLSearchParams({
    Action: 'AssumeRoleWithWebIdentity', Version: '2011-06-15', RoleArn: stack.ids.roles['test-invoker'], RoleSessionName: 'demo', WebIdentityToken: body.AuthenticationResult.IdToken,
  });
  const res = await fetch(sts, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form });
  const xml = await res.text();
  assert.equal(res.status, 200, xml);
  assert.equal(xmlValue(xml, 'SubjectFromWebIdentityToken'), '5f3c0a8e-2d4b-4c1a-9e7f-6b5a4c3d2e1f');
  assert.equal(xmlValue(xml, 'Audience'), stack.ids.userPoolClientId);

  form.set('RoleArn', stack.ids.roles['demo-guest']);
  const denied = await fetch(sts, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form });
  await assertStsError(Promise.resolve({ res: denied, xml: await denied.text() }), 403, 'AccessDenied', 'Not authorized to perform sts:AssumeRoleWithWebIdentity');

  form.set('RoleArn', stack.ids.roles['test-invoker']);
  form.set('WebIdentityToken', 'garbage');
  const bad = await fetch(sts, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form });
  await assertStsError(Promise.resolve({ res: bad, xml: await bad.text() }), 400, 'InvalidIdentityToken', /not a valid JWT/);
});
