// SigV4a (AWS4-ECDSA-P256-SHA256) in the stack. The key derivation and ECDSA
// check are the stack's own (stack/src/sigv4a-verify.mjs, node:crypto only):
// first held against the aws-sigv4 crate's SigV4a test vectors, then driven
// end to end with the AWS SDK's signer (@smithy/signature-v4a) against the S3
// Multi-Region Access Point stand-in (mrap) and S3 itself.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deriveSigV4aPublicKey, verifySigV4aSignature } from '../../stack/src/index.mjs';
import { caseNames, pinnedVersion, suiteDir } from '../js/support/aws-suite.mjs';
import { startStack, staticUser, sign, signV4a } from './helpers.mjs';

// The raw files, not the parsed cases: the stack's verifier is held to AWS's
// own signatures, both of each mode, independently of iamfetch's parsing.
const SUITE = suiteDir('v4a');
const CASES = caseNames('v4a');

test(`the SigV4a vectors of aws-sigv4 ${pinnedVersion()} (Cargo.lock) are on disk`, () => {
  assert.ok(CASES.length >= 38, `${CASES.length} cases in ${SUITE}`);
});

const changed = (text) => text.slice(0, -1) + (text.endsWith('0') ? '1' : '0');

for (const name of CASES) {
  test(`vector ${name}: the stack derives its public key and verifies its signatures`, () => {
    const read = (file) => readFileSync(join(SUITE, name, file), 'utf8');
    const { credentials } = JSON.parse(read('context.json'));
    const keys = { accessKeyId: credentials.access_key_id, secretAccessKey: credentials.secret_access_key };
    const expected = JSON.parse(read('public-key.json'));
    assert.deepEqual(deriveSigV4aPublicKey(keys), { x: expected.X.toLowerCase(), y: expected.Y.toLowerCase() });

    for (const mode of ['header', 'query']) {
      const stringToSign = read(`${mode}-string-to-sign.txt`);
      // ECDSA signatures are randomized: the vector carries two for each mode.
      const signed = read(`${mode}-signed-request.txt`);
      const signatures = [read(`${mode}-signature.txt`).trim(), /Signature=([0-9a-f]+)/.exec(signed)[1]];
      for (const signature of signatures) {
        assert.ok(verifySigV4aSignature(keys, stringToSign, signature), `${mode} ${signature}`);
        assert.ok(!verifySigV4aSignature(keys, changed(stringToSign), signature), `${mode}: a changed string to sign`);
        assert.ok(!verifySigV4aSignature(keys, stringToSign, changed(signature)), `${mode}: a changed signature`);
      }
    }
  });
}

let stack;
let credentials;
let mrap;
before(async () => {
  stack = await startStack();
  credentials = staticUser(stack);
  mrap = stack.endpoints.mrap;
});
after(() => stack?.stop());

const signed = (url, opts = {}) => signV4a(url, { ...stack.signing.mrap, credentials, applyChecksum: !opts.presign, ...opts });

async function send(url, opts) {
  const { url: target, init } = await signed(url, opts);
  return fetch(target, init);
}

const unescape = (text) => text.replace(/&(lt|gt|amp|apos|quot);/g, (_, e) => ({ lt: '<', gt: '>', amp: '&', apos: "'", quot: '"' })[e]);

/** Asserts an S3 XML error and returns its fields, unescaped. */
async function assertS3Error(res, status, code, message) {
  const text = await res.text();
  assert.equal(res.status, status, text);
  const fields = Object.fromEntries([...text.matchAll(/<(\w+)>([^<]*)<\/\1>/g)].map(([, k, v]) => [k, unescape(v)]));
  assert.equal(fields.Code, code, text);
  if (message !== undefined) assert.equal(fields.Message, message);
  return fields;
}

test('the stack exposes mrap: SigV4a for s3 over the region set *', () => {
  assert.match(mrap, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.deepEqual(stack.signing.mrap, { service: 's3', region: '*' });
  assert.ok(stack.endpointNames.includes('mrap'));
});

test('mrap round trip: PUT signed in headers, GET signed in headers and presigned; the objects are the bucket’s', async () => {
  const put = await send(`${mrap}/notes/a b.txt`, { method: 'PUT', body: 'hello mrap', headers: { 'content-type': 'text/plain' } });
  assert.equal(put.status, 200, await put.text());
  assert.equal(decodeURIComponent(put.headers.get('x-iamfetch-s3-key')), 'notes/a b.txt');

  for (const regionSet of ['*', 'us-east-1', 'eu-west-1,us-east-1']) {
    const get = await send(`${mrap}/notes/a b.txt`, { region: regionSet });
    assert.equal(get.status, 200, `${regionSet}: ${await get.clone().text()}`);
    assert.equal(await get.text(), 'hello mrap');
  }
  const presigned = await signed(`${mrap}/notes/a b.txt`, { presign: true, expiresIn: 60 });
  assert.equal(new URL(presigned.url).searchParams.get('X-Amz-Algorithm'), 'AWS4-ECDSA-P256-SHA256');
  const get = await fetch(presigned.url);
  assert.equal(get.status, 200, await get.clone().text());
  assert.equal(await get.text(), 'hello mrap');

  // Behind the access point is the first bucket: S3 serves the same objects, to SigV4a as to SigV4.
  const bucket = `${stack.endpoints.s3}/${stack.ids.s3Buckets[0]}`;
  const viaS3 = await send(`${bucket}/notes/a b.txt`, { ...stack.signing.s3 });
  assert.equal(await viaS3.text(), 'hello mrap');
  // (A plain key for SigV4: the reference SigV4 signer encodes paths twice, as for services other than S3.)
  assert.equal((await send(`${mrap}/notes/plain.txt`, { method: 'PUT', body: 'plain' })).status, 200);
  const { url, init } = await sign(`${bucket}/notes/plain.txt`, { ...stack.signing.s3, credentials, applyChecksum: true });
  assert.equal(await (await fetch(url, init)).text(), 'plain');
});

test('a tampered request gets 403 SignatureDoesNotMatch with the canonical request the stack expected', async () => {
  const mismatch = 'The request signature we calculated does not match the signature you provided. Check your key and signing method.';

  const path = await signed(`${mrap}/signed-path`);
  const otherPath = await assertS3Error(await fetch(path.url.replace('signed-path', 'other-path'), path.init), 403, 'SignatureDoesNotMatch', mismatch);
  assert.match(otherPath.CanonicalRequest, /^GET\n\/other-path\n\n/);
  assert.match(otherPath.StringToSign, /^AWS4-ECDSA-P256-SHA256\n\d{8}T\d{6}Z\n\d{8}\/s3\/aws4_request\n[0-9a-f]{64}$/);
  assert.equal(otherPath.AWSAccessKeyId, credentials.accessKeyId);

  // A body and the hash declared for it, both swapped: the signed hash no longer matches.
  const body = await signed(`${mrap}/body`, { method: 'PUT', body: 'signed body' });
  const otherHash = createHash('sha256').update('other body').digest('hex');
  const swapped = { ...body.init, body: 'other body', headers: { ...body.init.headers, 'x-amz-content-sha256': otherHash } };
  const otherBody = await assertS3Error(await fetch(body.url, swapped), 403, 'SignatureDoesNotMatch', mismatch);
  assert.ok(otherBody.CanonicalRequest.endsWith(`\n${otherHash}`), otherBody.CanonicalRequest);
  // The body alone swapped: S3 first checks it against the declared hash.
  await assertS3Error(await fetch(body.url, { ...body.init, body: 'other body' }), 400, 'XAmzContentSHA256Mismatch');

  // The region set is signed: narrowing it to the region that serves still breaks the signature.
  const header = await signed(`${mrap}/signed-path`);
  const narrowed = { ...header.init, headers: { ...header.init.headers, 'x-amz-region-set': 'us-east-1' } };
  const otherHeader = await assertS3Error(await fetch(header.url, narrowed), 403, 'SignatureDoesNotMatch', mismatch);
  assert.match(otherHeader.CanonicalRequest, /\nx-amz-region-set:us-east-1\n/);

  const query = await signed(`${mrap}/signed-path`, { presign: true });
  await assertS3Error(await fetch(query.url.replace('X-Amz-Expires=300', 'X-Amz-Expires=301')), 403, 'SignatureDoesNotMatch', mismatch);
});

test('a region set without the serving region is refused as S3 refuses a scope for another region', async () => {
  const header = await assertS3Error(await send(`${mrap}/x`, { region: 'eu-west-1,ap-south-1' }), 400, 'AuthorizationHeaderMalformed',
    "The authorization header is malformed; the region 'eu-west-1,ap-south-1' is wrong; expecting 'us-east-1'");
  assert.equal(header.Region, 'us-east-1');

  const { url } = await signed(`${mrap}/x`, { region: 'eu-west-1', presign: true });
  const query = await assertS3Error(await fetch(url), 400, 'AuthorizationQueryParametersError',
    "Error parsing the X-Amz-Credential parameter; the region 'eu-west-1' is wrong; expecting 'us-east-1'");
  assert.equal(query.Region, 'us-east-1');

  await assertS3Error(await send(`${stack.endpoints.s3}/${stack.ids.s3Buckets[0]}/x`, { region: 'eu-west-1' }), 400, 'AuthorizationHeaderMalformed',
    "The authorization header is malformed; the region 'eu-west-1' is wrong; expecting 'us-east-1'");
});

test('an unsigned region set is refused', async () => {
  const { url, init } = await signed(`${mrap}/x`);
  const authorization = init.headers.authorization.replace(';x-amz-region-set', '');
  await assertS3Error(await fetch(url, { ...init, headers: { ...init.headers, authorization } }), 400, 'AuthorizationHeaderMalformed',
    "'X-Amz-Region-Set' must be a 'SignedHeader' in the AWS Authorization.");
});

test('SigV4 (HMAC) at the Multi-Region Access Point is refused as S3 does', async () => {
  const hmac = (region, opts = {}) => sign(`${mrap}/x`, { service: 's3', region, credentials, applyChecksum: true, ...opts });

  // Scoped to the region that serves: the signature version is not taken there.
  const served = await hmac('us-east-1');
  await assertS3Error(await fetch(served.url, served.init), 400, 'InvalidRequest',
    'The authorization mechanism you have provided is not supported. Please use AWS4-ECDSA-P256-SHA256.');

  // Scoped to another region: S3 names the region first (github.com/boto/boto3/issues/4627).
  const other = await hmac('ap-south-1', { presign: true });
  const fields = await assertS3Error(await fetch(other.url), 400, 'AuthorizationQueryParametersError',
    "Error parsing the X-Amz-Credential parameter; the region 'ap-south-1' is wrong; expecting 'us-east-1'");
  assert.equal(fields.Region, 'us-east-1');
});

test('the clock, expiry and credentials checks are SigV4’s', async () => {
  const skewed = await send(`${mrap}/x`, { signingDate: new Date(Date.now() - 20 * 60_000) });
  await assertS3Error(skewed, 403, 'RequestTimeTooSkewed', 'The difference between the request time and the current time is too large.');
  const ahead = await send(`${mrap}/x`, { signingDate: new Date(Date.now() + 20 * 60_000) });
  await assertS3Error(ahead, 403, 'RequestTimeTooSkewed');

  const { url } = await signed(`${mrap}/x`, { presign: true, expiresIn: 60, signingDate: new Date(Date.now() - 2 * 60_000) });
  await assertS3Error(await fetch(url), 403, 'AccessDenied', 'Request has expired');

  const unknown = await send(`${mrap}/x`, { credentials: { accessKeyId: 'AKIAUNKNOWNKEY000000', secretAccessKey: 'x' } });
  await assertS3Error(unknown, 403, 'InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.');
  const token = await send(`${mrap}/x`, { credentials: { ...credentials, sessionToken: 'not-a-token' } });
  await assertS3Error(token, 403, 'InvalidAccessKeyId');
  const wrongSecret = await send(`${mrap}/x`, { credentials: { ...credentials, secretAccessKey: 'wrong' } });
  await assertS3Error(wrongSecret, 403, 'SignatureDoesNotMatch');
});

test('services other than S3 still take SigV4 only', async () => {
  const { url, init } = await signV4a(`${stack.endpoints.functionUrl}/`, { ...stack.signing.functionUrl, credentials, region: '*' });
  const res = await fetch(url, init);
  assert.equal(res.status, 400);
  assert.equal(res.headers.get('x-amzn-errortype'), 'IncompleteSignatureException');
  assert.deepEqual(await res.json(), { message: "Unsupported AWS 'algorithm': 'AWS4-ECDSA-P256-SHA256'" });
});
