// Browser form uploads (PostObject) against a POST policy, the form built here
// by hand: policy JSON in base64, signed with a SigV4 signing key derived with
// node:crypto. Each rule S3 applies has a case that breaks it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, staticUser, guestCredentials } from './helpers.mjs';
import { s3Error, signPostPolicy } from './support/s3-client.mjs';

let stack;
let bucketUrl;
let credentials;
before(async () => {
  stack = await startStack();
  bucketUrl = `${stack.endpoints.s3}/${stack.ids.s3Buckets[0]}`;
  credentials = staticUser(stack);
});
after(() => stack.stop());

const BUCKET = 'iamfetch-local';

/**
 * A signed form: the policy's conditions cover the signing fields, the bucket,
 * a key prefix and a size range unless `conditions` replaces them.
 */
function form({ key = 'uploads/photo.jpg', file = Buffer.from('hello form'), filename = 'photo.jpg', conditions, fields = {}, expiresIn = 300, creds = credentials, tamper = (f) => f } = {}) {
  const signed = signPostPolicy({
    credentials: creds,
    expiresIn,
    conditions: (signingFields) => conditions ?? [
      { bucket: BUCKET },
      ['starts-with', '$key', 'uploads/'],
      ['content-length-range', 1, 1024],
      ...Object.entries(signingFields).map(([name, value]) => ({ [name]: value })),
      ...Object.keys(fields).map((name) => ['starts-with', `$${name}`, '']),
    ],
  });
  const entries = tamper({ key, ...fields, ...signed });
  const body = new FormData();
  for (const [name, value] of Object.entries(entries)) body.append(name, value);
  body.append('file', new Blob([file]), filename);
  return body;
}

async function post(body, headers = {}) {
  const res = await fetch(bucketUrl, { method: 'POST', body, headers });
  return { res, text: await res.text() };
}

test('a form within its policy is stored; 204 by default, with ETag and Location', async () => {
  const { res, text } = await post(form());
  assert.equal(res.status, 204, text);
  assert.equal(res.headers.get('location'), `${bucketUrl}/uploads/photo.jpg`);
  const object = stack.s3Object(BUCKET, 'uploads/photo.jpg');
  assert.equal(object.size, 10);
  assert.equal(res.headers.get('etag'), object.etag);
});

test('success_action_status 201 answers PostResponse XML; a page on another origin can read it (CORS)', async () => {
  const origin = 'http://127.0.0.1:5173';
  const { res, text } = await post(form({ key: 'uploads/${filename}', filename: 'cat.png', fields: { success_action_status: '201', 'Content-Type': 'image/png' } }), { origin });
  assert.equal(res.status, 201, text);
  assert.match(text, /<PostResponse><Location>http:\/\/127\.0\.0\.1:\d+\/iamfetch-local\/uploads\/cat\.png<\/Location><Bucket>iamfetch-local<\/Bucket><Key>uploads\/cat\.png<\/Key><ETag>&quot;[0-9a-f]{32}&quot;<\/ETag><\/PostResponse>/);
  assert.equal(res.headers.get('access-control-allow-origin'), origin);
  const exposed = res.headers.get('access-control-expose-headers').split(',');
  for (const name of ['etag', 'location', 'x-amz-checksum-crc32']) assert.ok(exposed.includes(name), name);
  assert.equal(stack.s3Object(BUCKET, 'uploads/cat.png').contentType, 'image/png');
});

test('over content-length-range is EntityTooLarge, under it EntityTooSmall, with the sizes', async () => {
  const large = await post(form({ key: 'uploads/large', file: Buffer.alloc(1025) }));
  assert.equal(large.res.status, 400);
  assert.match(large.text, /<Code>EntityTooLarge<\/Code><Message>Your proposed upload exceeds the maximum allowed size<\/Message><ProposedSize>1025<\/ProposedSize><MaxSizeAllowed>1024<\/MaxSizeAllowed>/);
  const small = await post(form({ key: 'uploads/small', file: Buffer.alloc(0) }));
  assert.equal(small.res.status, 400);
  assert.match(small.text, /<Code>EntityTooSmall<\/Code>.*<ProposedSize>0<\/ProposedSize><MinSizeAllowed>1<\/MinSizeAllowed>/);
  assert.equal(stack.s3Object(BUCKET, 'uploads/large'), undefined);
});

test('a key outside the policy is 403 with the failed condition, as S3 prints it', async () => {
  const { res, text } = await post(form({ key: 'elsewhere/photo.jpg' }));
  assert.equal(res.status, 403);
  assert.deepEqual(s3Error(text), { code: 'AccessDenied', message: 'Invalid according to Policy: Policy Condition failed: ["starts-with", "$key", "uploads/"]' });
  const otherBucket = await post(form({ conditions: [{ bucket: 'someone-else' }] }));
  assert.equal(s3Error(otherBucket.text).message, 'Invalid according to Policy: Policy Condition failed: ["eq", "$bucket", "someone-else"]');
});

test('an expired policy, a wrong signature, a field no condition covers: each refused', async () => {
  const expired = await post(form({ expiresIn: -1 }));
  assert.equal(expired.res.status, 403);
  assert.deepEqual(s3Error(expired.text), { code: 'AccessDenied', message: 'Invalid according to Policy: Policy expired.' });

  const forged = await post(form({ tamper: (f) => ({ ...f, 'x-amz-signature': f['x-amz-signature'].replace(/^./, (c) => (c === 'a' ? 'b' : 'a')) }) }));
  assert.equal(forged.res.status, 403);
  assert.equal(s3Error(forged.text).code, 'SignatureDoesNotMatch');

  // The policy signed with another key: the signature is over the policy only.
  const otherPolicy = form({ conditions: [['starts-with', '$key', '']] });
  const swapped = await post(form({ tamper: (f) => ({ ...f, policy: otherPolicy.get('policy') }) }));
  assert.equal(s3Error(swapped.text).code, 'SignatureDoesNotMatch');

  const extra = await post(form({ tamper: (f) => ({ ...f, 'x-amz-meta-color': 'red' }) }));
  assert.equal(extra.res.status, 403);
  assert.deepEqual(s3Error(extra.text), { code: 'AccessDenied', message: 'Invalid according to Policy: Extra input fields: x-amz-meta-color' });
  // x-ignore-* fields need no condition.
  assert.equal((await post(form({ tamper: (f) => ({ ...f, 'x-ignore-note': 'n' }) }))).res.status, 204);
});

test('temporary credentials need their token in the form; the principal must be one the bucket allows', async () => {
  const guest = await guestCredentials(stack);
  const withoutToken = await post(form({ creds: { ...guest, sessionToken: undefined } }));
  assert.equal(withoutToken.res.status, 403);
  assert.equal(s3Error(withoutToken.text).code, 'InvalidAccessKeyId');
  const guestForm = await post(form({ creds: guest }));
  assert.equal(guestForm.res.status, 403, guestForm.text);
  assert.deepEqual(s3Error(guestForm.text), { code: 'AccessDenied', message: 'Access Denied' });
  assert.doesNotMatch(guestForm.text + withoutToken.text, new RegExp(guest.sessionToken.slice(0, 20).replace(/[+/]/g, '\\$&')));
});

test('a form without key, without a file, or not multipart is refused as S3 refuses it', async () => {
  const noKey = form();
  noKey.delete('key');
  assert.equal(s3Error((await post(noKey)).text).code, 'InvalidArgument');
  const noFile = form();
  noFile.delete('file');
  assert.match((await post(noFile)).text, /POST requires exactly one file upload per request/);
  const urlEncoded = await fetch(bucketUrl, { method: 'POST', body: new URLSearchParams({ key: 'x' }) });
  assert.equal(urlEncoded.status, 412);
});

// AWS's POST example ("Example: Browser-Based Upload using HTTP POST (Using AWS
// Signature Version 4)", sigv4-post-example in the S3 API reference): its
// policy, base64 as published, and signature 8afdbf40… with the example
// credentials on 20151229, posted to a stack whose clock is set to that day.
const AWS_EXAMPLE_POLICY = 'eyAiZXhwaXJhdGlvbiI6ICIyMDE1LTEyLTMwVDEyOjAwOjAwLjAwMFoiLA0KICAiY29uZGl0aW9ucyI6IFsNCiAgICB7ImJ1Y2tldCI6ICJzaWd2NGV4YW1wbGVidWNrZXQifSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRrZXkiLCAidXNlci91c2VyMS8iXSwNCiAgICB7ImFjbCI6ICJwdWJsaWMtcmVhZCJ9LA0KICAgIHsic3VjY2Vzc19hY3Rpb25fcmVkaXJlY3QiOiAiaHR0cDovL3NpZ3Y0ZXhhbXBsZWJ1Y2tldC5zMy5hbWF6b25hd3MuY29tL3N1Y2Nlc3NmdWxfdXBsb2FkLmh0bWwifSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRDb250ZW50LVR5cGUiLCAiaW1hZ2UvIl0sDQogICAgeyJ4LWFtei1tZXRhLXV1aWQiOiAiMTQzNjUxMjM2NTEyNzQifSwNCiAgICB7IngtYW16LXNlcnZlci1zaWRlLWVuY3J5cHRpb24iOiAiQUVTMjU2In0sDQogICAgWyJzdGFydHMtd2l0aCIsICIkeC1hbXotbWV0YS10YWciLCAiIl0sDQoNCiAgICB7IngtYW16LWNyZWRlbnRpYWwiOiAiQUtJQUlPU0ZPRE5ON0VYQU1QTEUvMjAxNTEyMjkvdXMtZWFzdC0xL3MzL2F3czRfcmVxdWVzdCJ9LA0KICAgIHsieC1hbXotYWxnb3JpdGhtIjogIkFXUzQtSE1BQy1TSEEyNTYifSwNCiAgICB7IngtYW16LWRhdGUiOiAiMjAxNTEyMjlUMDAwMDAwWiIgfQ0KICBdDQp9';
const AWS_EXAMPLE_SIGNATURE = '8afdbf4008c03f22c2cd3cdb72e4afbb1f6a588f3255ac628749a66d7f09699e';

test("AWS's POST example form is accepted as published, and refused once a byte of its policy changes", async () => {
  const example = await startStack({
    config: (cfg) => {
      cfg.iamUsers.push({ name: 'example', accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' });
      cfg.s3.buckets.push('sigv4examplebucket');
      cfg.s3.invokers.push('arn:aws:iam::123456789012:user/example');
      return cfg;
    },
  });
  try {
    example.setClockOffset((Date.UTC(2015, 11, 29, 0, 0, 0) - Date.now()) / 1000);
    const exampleForm = (policy) => {
      const body = new FormData();
      for (const [name, value] of Object.entries({
        key: 'user/user1/${filename}',
        acl: 'public-read',
        success_action_redirect: 'http://sigv4examplebucket.s3.amazonaws.com/successful_upload.html',
        'Content-Type': 'image/jpeg',
        'x-amz-meta-uuid': '14365123651274',
        'x-amz-server-side-encryption': 'AES256',
        'X-Amz-Credential': 'AKIAIOSFODNN7EXAMPLE/20151229/us-east-1/s3/aws4_request',
        'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
        'X-Amz-Date': '20151229T000000Z',
        'x-amz-meta-tag': '',
        Policy: policy,
        'X-Amz-Signature': AWS_EXAMPLE_SIGNATURE,
      })) body.append(name, value);
      body.append('file', new Blob(['a jpeg, in spirit']), 'photo.jpg');
      return body;
    };
    const url = `${example.endpoints.s3}/sigv4examplebucket`;
    const res = await fetch(url, { method: 'POST', body: exampleForm(AWS_EXAMPLE_POLICY), redirect: 'manual' });
    assert.equal(res.status, 303, await res.clone().text());
    const location = new URL(res.headers.get('location'));
    assert.equal(location.origin + location.pathname, 'http://sigv4examplebucket.s3.amazonaws.com/successful_upload.html');
    assert.equal(location.searchParams.get('key'), 'user/user1/photo.jpg');
    assert.equal(example.s3Object('sigv4examplebucket', 'user/user1/photo.jpg').contentType, 'image/jpeg');

    const changed = AWS_EXAMPLE_POLICY.replace('MTQzNjUx', 'MTQzNjUy'); // x-amz-meta-uuid 143651 -> 143652
    const forged = await fetch(url, { method: 'POST', body: exampleForm(changed), redirect: 'manual' });
    assert.equal(forged.status, 403);
    assert.equal(s3Error(await forged.text()).code, 'SignatureDoesNotMatch');
  } finally {
    await example.stop();
  }
});
