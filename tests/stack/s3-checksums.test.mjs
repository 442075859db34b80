// The stack's S3 checks integrity headers as S3 does: each x-amz-checksum-*
// algorithm and Content-MD5 on PUT and on DeleteObjects. Known vectors for
// "123456789": CRC32 0xCBF43926, CRC32C 0xE3069283, CRC64NVME
// 0xAE8B14860A799888 (the CRC catalogue's check values). Requests are signed
// with the AWS SDK's signer; the digests here are node:crypto's and the SDK's.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, staticUser, sign } from './helpers.mjs';
import { checksumOf, s3Error } from './support/s3-client.mjs';

const CHECK = Buffer.from('123456789');
const VECTORS = {
  crc32: 'cbf43926',
  crc32c: 'e3069283',
  crc64nvme: 'ae8b14860a799888',
  sha1: 'f7c3bc1d808e04732adf679965ccc34ca7ae3441',
  sha256: '15e2b0d3c33891ebb0f1ef609ec419420c20e320ce94c65fbc8c3312448eb225',
};
const NAMES = { crc32: 'CRC32', crc32c: 'CRC32C', crc64nvme: 'CRC64NVME', sha1: 'SHA1', sha256: 'SHA256' };
const b64 = (hex) => Buffer.from(hex, 'hex').toString('base64');

let stack;
let bucketUrl;
let credentials;
before(async () => {
  stack = await startStack();
  bucketUrl = `${stack.endpoints.s3}/${stack.ids.s3Buckets[0]}`;
  credentials = staticUser(stack);
});
after(() => stack.stop());

/** A request signed with every header given (x-amz-content-sha256 the hex of the body). */
async function signed(path, { method = 'PUT', body = CHECK, headers = {}, unsigned = {} } = {}) {
  const { url, init } = await sign(`${bucketUrl}${path}`, { credentials, ...stack.signing.s3, method, body, headers, applyChecksum: true });
  const res = await fetch(url, { ...init, headers: { ...init.headers, ...unsigned } });
  return { res, text: await res.text() };
}

test('the vectors: the SDK CRCs and node:crypto give the catalogue values', async () => {
  for (const [algorithm, hex] of Object.entries(VECTORS)) assert.equal(await checksumOf(algorithm, CHECK), b64(hex), algorithm);
});

test('each x-amz-checksum-* on PUT: the right value is stored and echoed, a wrong one is BadDigest with S3\'s message', async () => {
  for (const [algorithm, hex] of Object.entries(VECTORS)) {
    const header = `x-amz-checksum-${algorithm}`;
    const ok = await signed(`/sum/${algorithm}`, { headers: { [header]: b64(hex), 'x-amz-sdk-checksum-algorithm': NAMES[algorithm] } });
    assert.equal(ok.res.status, 200, `${algorithm}: ${ok.text}`);
    assert.equal(ok.res.headers.get(header), b64(hex));
    const head = await signed(`/sum/${algorithm}`, { method: 'HEAD', body: null, headers: { 'x-amz-checksum-mode': 'ENABLED' } });
    assert.equal(head.res.headers.get(header), b64(hex), algorithm);

    // The same value for other bytes: the stack computed it, it did not take it on trust.
    const wrong = await signed(`/sum/${algorithm}-wrong`, { body: Buffer.from('123456780'), headers: { [header]: b64(hex) } });
    assert.equal(wrong.res.status, 400, `${algorithm}: ${wrong.text}`);
    assert.deepEqual(s3Error(wrong.text), { code: 'BadDigest', message: `The ${NAMES[algorithm]} you specified did not match the calculated checksum.` });
    assert.equal(stack.s3Object('iamfetch-local', `sum/${algorithm}-wrong`), undefined);
  }
});

test('malformed, several, unsigned or contradicting checksum headers are refused before the body counts', async () => {
  const short = await signed('/sum/short', { headers: { 'x-amz-checksum-crc32': b64('cbf439') } });
  assert.equal(short.res.status, 400);
  assert.deepEqual(s3Error(short.text), { code: 'InvalidRequest', message: 'Value for x-amz-checksum-crc32 header is invalid.' });

  const two = await signed('/sum/two', { headers: { 'x-amz-checksum-crc32': b64(VECTORS.crc32), 'x-amz-checksum-sha1': b64(VECTORS.sha1) } });
  assert.deepEqual(s3Error(two.text), { code: 'InvalidRequest', message: 'Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.' });

  const unsignedSdk = await signed('/sum/unsigned', { headers: { 'x-amz-checksum-crc32': b64(VECTORS.crc32) }, unsigned: { 'x-amz-sdk-checksum-algorithm': 'CRC32' } });
  assert.equal(unsignedSdk.res.status, 403, unsignedSdk.text);
  assert.match(unsignedSdk.text, /<Code>AccessDenied<\/Code><Message>There were headers present in the request which were not signed<\/Message><HeadersNotSigned>x-amz-sdk-checksum-algorithm<\/HeadersNotSigned>/);

  const unsignedValue = await signed('/sum/unsigned', { unsigned: { 'x-amz-checksum-crc32': b64(VECTORS.crc32) } });
  assert.equal(unsignedValue.res.status, 403, unsignedValue.text);

  const other = await signed('/sum/other', { headers: { 'x-amz-checksum-crc32': b64(VECTORS.crc32), 'x-amz-sdk-checksum-algorithm': 'CRC32C' } });
  assert.deepEqual(s3Error(other.text), { code: 'InvalidRequest', message: 'Value for x-amz-sdk-checksum-algorithm header is invalid.' });

  const alone = await signed('/sum/alone', { headers: { 'x-amz-sdk-checksum-algorithm': 'CRC32' } });
  assert.deepEqual(s3Error(alone.text), { code: 'InvalidRequest', message: 'x-amz-sdk-checksum-algorithm specified, but no corresponding x-amz-checksum-* or x-amz-trailer headers were found.' });
});

test('Content-MD5 on PUT: matched, mismatched (BadDigest with both digests), malformed (InvalidDigest)', async () => {
  const md5 = await checksumOf('md5', CHECK);
  assert.equal((await signed('/md5/ok', { headers: { 'content-md5': md5 } })).res.status, 200);
  const wrong = await signed('/md5/wrong', { body: Buffer.from('x'), headers: { 'content-md5': md5 } });
  assert.equal(wrong.res.status, 400);
  assert.match(wrong.text, new RegExp(`<Code>BadDigest</Code><Message>The Content-MD5 you specified did not match what we received.</Message><ExpectedDigest>${md5.replace(/[+/]/g, '\\$&')}</ExpectedDigest><CalculatedDigest>${(await checksumOf('md5', Buffer.from('x'))).replace(/[+/]/g, '\\$&')}</CalculatedDigest>`));
  const invalid = await signed('/md5/invalid', { headers: { 'content-md5': 'not-base64!' } });
  assert.equal(invalid.res.status, 400);
  assert.deepEqual(s3Error(invalid.text), { code: 'InvalidDigest', message: 'The Content-MD5 you specified was invalid.' });
});

const deleteXml = (keys, quiet = false) => `<?xml version="1.0" encoding="UTF-8"?>\n<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${keys.map((k) => `<Object><Key>${k}</Key></Object>`).join('')}${quiet ? '<Quiet>true</Quiet>' : ''}</Delete>`;

test('DeleteObjects needs Content-MD5 or an x-amz-checksum-*, checks it, deletes and lists the keys', async () => {
  for (const key of ['del/a', 'del/b&c']) assert.equal((await signed(`/${key}`)).res.status, 200);

  const body = Buffer.from(deleteXml(['del/a', 'del/b&amp;c']));
  const bare = await signed('?delete', { method: 'POST', body });
  assert.equal(bare.res.status, 400);
  assert.deepEqual(s3Error(bare.text), { code: 'InvalidRequest', message: 'Missing required header for this request: Content-MD5 OR x-amz-checksum-*' });
  assert.ok(stack.s3Object('iamfetch-local', 'del/a'), 'nothing deleted without the header');

  const badMd5 = await signed('?delete', { method: 'POST', body, headers: { 'content-md5': await checksumOf('md5', Buffer.from('other')) } });
  assert.equal(s3Error(badMd5.text).code, 'BadDigest');
  assert.ok(stack.s3Object('iamfetch-local', 'del/a'));

  const ok = await signed('?delete', { method: 'POST', body, headers: { 'content-md5': await checksumOf('md5', body) } });
  assert.equal(ok.res.status, 200, ok.text);
  assert.equal(ok.text, '<?xml version="1.0" encoding="UTF-8"?>\n<DeleteResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Deleted><Key>del/a</Key></Deleted><Deleted><Key>del/b&amp;c</Key></Deleted></DeleteResult>');
  assert.equal(stack.s3Object('iamfetch-local', 'del/a'), undefined);
  assert.equal(stack.s3Object('iamfetch-local', 'del/b&c'), undefined);

  const quietBody = Buffer.from(deleteXml(['del/a'], true));
  const quiet = await signed('?delete', { method: 'POST', body: quietBody, headers: { 'x-amz-checksum-crc32': await checksumOf('crc32', quietBody) } });
  assert.equal(quiet.res.status, 200, quiet.text);
  assert.doesNotMatch(quiet.text, /<Deleted>/);

  const badCrc = await signed('?delete', { method: 'POST', body: quietBody, headers: { 'x-amz-checksum-crc32': b64(VECTORS.crc32) } });
  assert.deepEqual(s3Error(badCrc.text), { code: 'BadDigest', message: 'The CRC32 you specified did not match the calculated checksum.' });

  const notXml = Buffer.from('<Delete><Object><Key>x</Key></Delete>');
  const malformed = await signed('?delete', { method: 'POST', body: notXml, headers: { 'content-md5': await checksumOf('md5', notXml) } });
  assert.equal(s3Error(malformed.text).code, 'MalformedXML');
});

test("a browser's preflight for a PUT with integrity headers is allowed, and the answer exposes them", async () => {
  const origin = 'http://localhost:5173';
  const requested = 'authorization,content-md5,x-amz-checksum-crc32,x-amz-content-sha256,x-amz-date,x-amz-sdk-checksum-algorithm';
  const preflight = await fetch(`${bucketUrl}/cors`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'PUT', 'access-control-request-headers': requested } });
  assert.equal(preflight.headers.get('access-control-allow-origin'), origin);
  assert.equal(preflight.headers.get('access-control-allow-headers'), requested);
  const { res } = await signed('/cors', { headers: { 'x-amz-checksum-crc32': b64(VECTORS.crc32), origin } });
  const exposed = res.headers.get('access-control-expose-headers').split(',');
  for (const name of ['etag', 'x-amz-checksum-crc32', 'x-amz-request-id']) assert.ok(exposed.includes(name), name);
});
