// S3 keys with reserved characters. S3 signs the key it
// decodes from the path ('+' read as a space), every byte but '/' and the
// unreserved ones encoded again. iamfetch sends the path re-encoded that way,
// so what it signs is what it sends; aws4fetch signs the same canonical URI and
// sends the path unchanged. The stack's S3 endpoint canonicalizes as S3 does.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { AwsClient as Aws4fetchClient, AwsV4Signer as Aws4fetchSigner } from 'aws4fetch';
import { startStack, staticUser, sign } from './helpers.mjs';
import { decodeS3Path } from '../../stack/src/sigv4-verify.mjs';
import { distEntry } from '../js/support/paths.mjs';

const { AwsClient, AwsV4Signer, signRequest } = await import(distEntry);

const BUCKET = 'iamfetch-local';
const REAL_S3 = `https://${BUCKET}.s3.us-east-1.amazonaws.com`;
const encodeKey = (key) => key.split('/').map(encodeURIComponent).join('/');

// [path after the bucket, as written in the URL; the key S3 reads from it].
// Dot segments are left out: fetch's URL parser removes them before any signer sees them.
const CASES = [
  ["reserved!'()*@/a+b c", "reserved!'()*@/a b c"],
  ['libstdc++', 'libstdc  '],
  [encodeKey('libstdc++'), 'libstdc++'],
  ['a=b', 'a=b'],
  [encodeKey('a=b&c;d,e$f:g'), 'a=b&c;d,e$f:g'],
  ['sub-delims/[x]{y}|z^`"<>', 'sub-delims/[x]{y}|z^`"<>'],
  ['~tilde_-.txt', '~tilde_-.txt'],
  ['café/€😀 naïve', 'café/€😀 naïve'],
  [encodeKey('café/€😀'), 'café/€😀'],
  ['caf%c3%a9', 'café'],
  ['a%2Fb', 'a/b'],
  ['already%20encoded', 'already encoded'],
  ['%2520', '%20'],
  ['a%2Bb+c', 'a+b c'],
  ['empty//segments/', 'empty//segments/'],
];

let stack;
let s3;
let credentials;
before(async () => {
  stack = await startStack();
  s3 = `${stack.endpoints.s3}/${BUCKET}`;
  credentials = staticUser(stack);
});
after(() => stack.stop());

async function aws4fetchCanonicalUri(url, options = {}) {
  const signer = new Aws4fetchSigner({ url, ...credentials, service: 's3', region: 'us-east-1', ...options });
  return (await signer.canonicalString()).split('\n')[1];
}

async function iamfetchCanonicalUri(url, options = {}) {
  const signer = new AwsV4Signer({ url, ...credentials, ...options });
  return (await signer.canonicalString()).split('\n')[1];
}

test('the stack signs S3 paths as s3 in the config region, path style', () => {
  assert.deepEqual(stack.signing.s3, { service: 's3', region: 'us-east-1' });
  assert.deepEqual(stack.ids.s3Buckets, [BUCKET]);
});

test("iamfetch's canonical URI is aws4fetch's and the stack's, on S3 hosts and with service s3", async () => {
  for (const [path, key] of CASES) {
    const onS3 = `${REAL_S3}/${path}`;
    const expected = await aws4fetchCanonicalUri(onS3);
    assert.equal(await iamfetchCanonicalUri(onS3), expected, path);
    assert.equal(decodeS3Path(new URL(onS3).pathname).canonicalPath, expected, path);
    assert.equal(decodeS3Path(new URL(onS3).pathname).key, `/${key}`, path);

    const onStack = `${s3}/${path}`;
    assert.equal(await iamfetchCanonicalUri(onStack, stack.signing.s3), await aws4fetchCanonicalUri(onStack), path);
  }
  assert.equal(await iamfetchCanonicalUri(`${REAL_S3}/reserved!'()*@/a+b c`), '/reserved%21%27%28%29%2A%40/a%20b%20c');
  assert.equal(await iamfetchCanonicalUri(`${REAL_S3}/libstdc++`), '/libstdc%20%20');
});

test('what iamfetch signs is the path it sends: AwsV4Signer, signRequest, presign', async () => {
  const url = `${REAL_S3}/reserved!'()*@/a+b c?x=a+b&y=%2F`;
  const sent = `${REAL_S3}/reserved%21%27%28%29%2A%40/a%20b%20c?x=a+b&y=%2F`;
  const signer = new AwsV4Signer({ url, ...credentials });
  const signed = await signer.sign();
  assert.equal(signed.url.href, sent);
  assert.equal(signer.url.href, sent);
  assert.equal((await signer.canonicalString()).split('\n')[1], new URL(sent).pathname);

  const viaSignRequest = await signRequest({ url }, credentials);
  assert.equal(viaSignRequest.url, sent);
  assert.equal(viaSignRequest.canonicalRequest.split('\n')[1], new URL(sent).pathname);

  const presigned = new URL(await new AwsClient(credentials).presign(url, { expiresIn: 60 }));
  assert.equal(presigned.pathname, new URL(sent).pathname);
  assert.equal(presigned.searchParams.get('x'), 'a b', 'the query is left as sent');
  assert.equal(presigned.searchParams.get('y'), '/');
});

test('every key goes through AwsClient to the S3 endpoint and back: PUT signed in headers, GET presigned', async () => {
  const client = new AwsClient({ ...credentials, ...stack.signing.s3 });
  for (const [index, [path, key]] of CASES.entries()) {
    const body = `object ${index}: ${key}`;
    const put = await client.fetch(`${s3}/${path}`, { method: 'PUT', body, headers: { 'content-type': 'text/plain' } });
    assert.equal(put.status, 200, `${path}: ${await put.text()}`);
    assert.equal(decodeURIComponent(put.headers.get('x-iamfetch-s3-key')), key, path);

    const presigned = await client.presign(`${s3}/${path}`, { expiresIn: 60 });
    const get = await fetch(presigned);
    assert.equal(get.status, 200, `${path}: ${await get.clone().text()}`);
    assert.equal(decodeURIComponent(get.headers.get('x-iamfetch-s3-key')), key, path);
    assert.equal(await get.text(), body, path);
  }
});

test('aws4fetch, which signs the same canonical URI but sends the path unchanged, reads the same objects', async () => {
  const client = new AwsClient({ ...credentials, ...stack.signing.s3 });
  const aws4fetch = new Aws4fetchClient({ ...credentials, ...stack.signing.s3 });
  for (const [path, key] of CASES) {
    assert.equal((await client.fetch(`${s3}/${path}`, { method: 'PUT', body: key })).status, 200, path);
    const res = await aws4fetch.fetch(`${s3}/${path}`);
    assert.equal(res.status, 200, `${path}: ${await res.clone().text()}`);
    assert.equal(await res.text(), key, path);
  }
});

test('the stack answers a path signed as sent with SignatureDoesNotMatch and the canonical request it expected', async () => {
  // The AWS SDK's signer over the raw path, double-encoded as for every service but S3.
  const { url, init } = await sign(`${s3}/reserved!'()*@/a+b c`, { ...stack.signing.s3, credentials, applyChecksum: true });
  const res = await fetch(url, init);
  const text = await res.text();
  assert.equal(res.status, 403, text);
  assert.match(text, /<Code>SignatureDoesNotMatch<\/Code>/);
  assert.match(text, /<CanonicalRequest>GET\n\/iamfetch-local\/reserved%21%27%28%29%2A%40\/a%20b%20c\n/);
  assert.match(text, /<AWSAccessKeyId>AKIAIAMFETCHTESTUSER<\/AWSAccessKeyId>/);
});

test("a '%' without two hex digits is ERR_INVALID_URL before anything is sent; the stack answers it InvalidURI", async () => {
  let sent = 0;
  const client = new AwsClient({ ...credentials, ...stack.signing.s3, fetch: () => { sent++; } });
  for (const path of ['100%', 'a%zz', 'a%2', '%', '%%41']) {
    for (const url of [`${s3}/${path}`, `${REAL_S3}/${path}`]) {
      await assert.rejects(client.fetch(url), { name: 'IamFetchError', code: 'ERR_INVALID_URL' }, url);
      await assert.rejects(client.presign(url), { name: 'IamFetchError', code: 'ERR_INVALID_URL' }, url);
      await assert.rejects(new AwsV4Signer({ url, ...credentials, ...stack.signing.s3 }).sign(), { code: 'ERR_INVALID_URL' }, url);
    }
  }
  assert.equal(sent, 0);
  // Only S3 reads the path: other services sign it as sent.
  const lambda = new AwsV4Signer({ url: 'https://abcdefghij.lambda-url.us-east-1.on.aws/100%', ...credentials });
  assert.equal((await lambda.sign()).url.pathname, '/100%');

  const res = await fetch(`${s3}/100%`);
  assert.equal(res.status, 400);
  assert.match(await res.text(), /<Code>InvalidURI<\/Code>/);
});

test('the S3 endpoint checks the declared payload hash and answers S3 errors', async () => {
  const aws4fetch = new Aws4fetchClient({ ...credentials, ...stack.signing.s3 });
  // aws4fetch sends UNSIGNED-PAYLOAD for S3: accepted.
  assert.equal((await aws4fetch.fetch(`${s3}/unsigned`, { method: 'PUT', body: 'x' })).status, 200);
  const lying = await new AwsClient({ ...credentials, ...stack.signing.s3 }).fetch(`${s3}/lying`, {
    method: 'PUT', body: 'x', headers: { 'x-amz-content-sha256': 'a'.repeat(64) },
  });
  assert.equal(lying.status, 400);
  assert.match(await lying.text(), /<Code>XAmzContentSHA256Mismatch<\/Code>/);
  const missing = await new AwsClient({ ...credentials, ...stack.signing.s3 }).fetch(`${s3}/never-put`);
  assert.equal(missing.status, 404);
  assert.match(await missing.text(), /<Code>NoSuchKey<\/Code><Message>The specified key does not exist.<\/Message><Key>never-put<\/Key>/);
  const outsider = await new AwsClient({ ...staticUser(stack, 'outsider'), ...stack.signing.s3 }).fetch(`${s3}/x`);
  assert.equal(outsider.status, 403);
  assert.match(await outsider.text(), /<Code>AccessDenied<\/Code>/);
  assert.equal((await fetch(`${s3}/x`)).status, 403);
});
