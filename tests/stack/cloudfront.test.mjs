// CloudFront with Origin Access Control in front of the echo function URL:
// viewers send unsigned requests, CloudFront signs them for the origin.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { startStack, assertJsonError } from './helpers.mjs';

const MISMATCH = 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
const sha256 = (text) => createHash('sha256').update(text).digest('hex');

let stack;
let cf;
before(async () => {
  stack = await startStack();
  cf = stack.endpoints.cloudfront;
});
after(() => stack.stop());

test('cloudfront is unsigned for viewers', () => {
  assert.equal(stack.signing.cloudfront, null);
});

test('an unsigned GET is signed by CloudFront and accepted by the origin', async () => {
  const res = await fetch(`${cf}/path/to?x=1&y=%20z`, { headers: { via: '1.1 viewer-proxy' } });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('x-cache'), 'Miss from cloudfront');
  assert.match(res.headers.get('via'), /cloudfront\.net \(CloudFront\)$/);
  assert.ok(res.headers.get('x-amz-cf-id'));
  assert.ok(res.headers.get('date'));
  const event = await res.json();
  const { headers } = event;
  assert.equal(event.rawPath, '/path/to');
  assert.equal(headers['x-amz-source-arn'], stack.ids.distributionArn);
  assert.equal(headers['x-amz-source-account'], '123456789012');
  assert.equal(headers['user-agent'], 'Amazon CloudFront');
  assert.ok(headers['x-amz-security-token']);
  assert.ok(headers['x-amz-cf-id']);
  // The viewer's via is gone; CloudFront's own is added after signing, unsigned.
  assert.match(headers.via, /^1\.1 [0-9a-f]{32}\.cloudfront\.net \(CloudFront\)$/);
  assert.doesNotMatch(headers.authorization, /via/);
  assert.equal(headers.host, new URL(stack.endpoints.functionUrl).host);
  assert.equal(event.requestContext.authorizer.iam.userId, 'cloudfront.amazonaws.com');
});

test("the viewer's own Authorization is replaced (signing behaviour always)", async () => {
  const res = await fetch(`${cf}/`, { headers: { authorization: 'AWS4-HMAC-SHA256 Credential=garbage', 'x-amz-date': '20000101T000000Z' } });
  assert.equal(res.status, 200);
  const { headers } = await res.json();
  assert.match(headers.authorization, /^AWS4-HMAC-SHA256 Credential=ASIA\w+\/\d{8}\/us-east-1\/lambda\/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token;x-amz-source-account;x-amz-source-arn, Signature=[0-9a-f]{64}$/);
  assert.notEqual(headers['x-amz-date'], '20000101T000000Z');
});

test('a POST with the body hash in x-amz-content-sha256 is accepted', async () => {
  const body = JSON.stringify({ order: 42 });
  const res = await fetch(`${cf}/orders`, {
    method: 'POST', body, headers: { 'content-type': 'application/json', 'x-amz-content-sha256': sha256(body) },
  });
  assert.equal(res.status, 200);
  assert.equal((await res.json()).body, body);
});

test('a PUT with the body hash is accepted', async () => {
  const body = 'plain text';
  const res = await fetch(`${cf}/doc`, { method: 'PUT', body, headers: { 'content-type': 'text/plain', 'x-amz-content-sha256': sha256(body) } });
  assert.equal(res.status, 200);
});

test('a POST without x-amz-content-sha256: 403 InvalidSignatureException from the origin', async () => {
  const res = await fetch(`${cf}/orders`, { method: 'POST', body: '{"order":42}', headers: { 'content-type': 'application/json' } });
  assert.equal(res.headers.get('x-cache'), 'Error from cloudfront');
  await assertJsonError(res, 403, 'InvalidSignatureException', MISMATCH);
});

test('a POST with a wrong x-amz-content-sha256: 403 InvalidSignatureException', async () => {
  const res = await fetch(`${cf}/orders`, { method: 'POST', body: '{"order":42}', headers: { 'x-amz-content-sha256': sha256('{"order":43}') } });
  await assertJsonError(res, 403, 'InvalidSignatureException', MISMATCH);
});

test('preflights pass through to the function URL CORS config', async () => {
  const res = await fetch(`${cf}/orders`, {
    method: 'OPTIONS',
    headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-amz-content-sha256,content-type' },
  });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('access-control-allow-origin'), 'http://localhost:5173');
});

test('a function whose resource policy omits CloudFront refuses it: 403 AccessDeniedException', async () => {
  const other = await startStack({ config: (cfg) => { cfg.distribution.origin = 'stream'; return cfg; } });
  try {
    const res = await fetch(`${other.endpoints.cloudfront}/`);
    await assertJsonError(res, 403, 'AccessDeniedException', /^Forbidden\./, 'Message');
  } finally {
    await other.stop();
  }
});

test('CloudFront signs with its own clock: skewed, the origin refuses it', async () => {
  stack.setFault('cloudfront', 'clock=-900', { times: 1 });
  const res = await fetch(`${cf}/`);
  await assertJsonError(res, 403, 'InvalidSignatureException', /^Signature expired: /);
});
