// The stack's aws-chunked verifier against AWS's worked examples, then over
// HTTP with a client built here (node:crypto; the AWS SDK's signer for the
// seed): signed chunks, signed trailers, and what S3 refuses.
// The examples are from the S3 API reference: "Signature Calculations for the
// Authorization Header: Transferring Payload in Multiple Chunks" (sigv4-streaming)
// and "... Including Trailing Headers" (sigv4-streaming-trailers): 66,560 bytes
// of 'a' in a 64 KiB chunk and a 1 KiB chunk, secret
// wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY, 20130524T000000Z, us-east-1/s3.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { AwsChunkedDecoder, deriveSigningKey } from '../../stack/src/s3-chunked.mjs';
import { verifySigV4 } from '../../stack/src/sigv4-verify.mjs';
import { S3Error } from '../../stack/src/s3-errors.mjs';
import { startStack, staticUser } from './helpers.mjs';
import { checksumOf, chunkedPieces, s3Error, send, signChunkedPut } from './support/s3-client.mjs';

const EXAMPLE = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  amzDate: '20130524T000000Z',
  scope: '20130524/us-east-1/s3/aws4_request',
};
const PLAIN = {
  seed: '4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9',
  chunks: [
    'ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648',
    '0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497',
    'b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9',
  ],
  signedHeaders: 'content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class',
  payload: 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
  contentLength: 66824,
};
const TRAILER = {
  seed: '106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e',
  chunks: [
    'b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2',
    '1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7',
    '2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992',
  ],
  trailer: 'x-amz-checksum-crc32c:sOO8/Q==',
  trailerSignature: 'd81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435',
  signedHeaders: 'content-encoding;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class;x-amz-trailer',
  payload: 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER',
  contentLength: 66946,
};

/** The example body, byte for byte as the documentation lays it out. */
function exampleBody({ chunks, trailer, trailerSignature }, change = {}) {
  const a = (n) => Buffer.alloc(n, 'a');
  const data = [a(65536), a(1024)];
  if (change.byte !== undefined) data[1][change.byte] = 0x62;
  const tail = trailer ? `${change.trailer ?? trailer}\r\nx-amz-trailer-signature:${trailerSignature}\r\n\r\n` : '\r\n';
  return Buffer.concat([
    Buffer.from(`10000;chunk-signature=${chunks[0]}\r\n`), data[0],
    Buffer.from(`\r\n400;chunk-signature=${chunks[1]}\r\n`), data[1],
    Buffer.from(`\r\n0;chunk-signature=${chunks[2]}\r\n${tail}`),
  ]);
}

/** The example request head, checked by the stack's SigV4 verifier at the example's time. */
async function verifyExampleSeed(example, signature = example.seed) {
  const headers = {
    host: 's3.amazonaws.com',
    'x-amz-date': EXAMPLE.amzDate,
    'x-amz-storage-class': 'REDUCED_REDUNDANCY',
    authorization: `AWS4-HMAC-SHA256 Credential=${EXAMPLE.accessKeyId}/${EXAMPLE.scope},SignedHeaders=${example.signedHeaders},Signature=${signature}`,
    'x-amz-content-sha256': example.payload,
    'content-encoding': 'aws-chunked',
    'x-amz-decoded-content-length': '66560',
    ...(example === PLAIN ? { 'content-length': String(example.contentLength) } : { 'x-amz-trailer': 'x-amz-checksum-crc32c' }),
  };
  const ctx = { method: 'PUT', rawPath: '/examplebucket/chunkObject.txt', query: {}, headers, body: Buffer.alloc(0), now: () => Date.UTC(2013, 4, 24) };
  const store = { lookup: (id) => (id === EXAMPLE.accessKeyId ? { secretAccessKey: EXAMPLE.secretAccessKey, principal: { kind: 'user' } } : undefined) };
  return verifySigV4(ctx, { service: 's3', region: 'us-east-1', store, skewMinutes: 15, s3: true });
}

function decode(example, body, { pieceSize = body.length, trailer } = {}) {
  let decoded = 0;
  const decoder = new AwsChunkedDecoder({
    signing: { signingKey: deriveSigningKey(EXAMPLE.secretAccessKey, '20130524', 'us-east-1', 's3'), amzDate: EXAMPLE.amzDate, scope: EXAMPLE.scope, seedSignature: example.seed },
    trailer,
    decodedLength: 66560,
    onData: (data) => {
      decoded += data.length;
    },
  });
  for (let at = 0; at < body.length; at += pieceSize) decoder.write(body.subarray(at, at + pieceSize));
  return { ...decoder.end(), decoded };
}

test("AWS's chunked example: the seed signature, each of the three chunk signatures, the encoded length", async () => {
  const caller = await verifyExampleSeed(PLAIN);
  assert.equal(caller.signature, PLAIN.seed);
  assert.equal(caller.scope, EXAMPLE.scope);
  await assert.rejects(verifyExampleSeed(PLAIN, PLAIN.seed.replace(/^4/, '5')), { reason: 'signature' });

  const body = exampleBody(PLAIN);
  assert.equal(body.length, PLAIN.contentLength);
  // Fed whole, in odd pieces, and byte by byte: framing split anywhere still decodes.
  for (const pieceSize of [body.length, 777, 1]) {
    assert.deepEqual(decode(PLAIN, body, { pieceSize }), { trailers: {}, decodedLength: 66560, decoded: 66560 });
  }
  // Each chunk signature is checked, the final (empty) one included.
  for (const index of [0, 1, 2]) {
    const chunks = PLAIN.chunks.map((sig, i) => (i === index ? sig.replace(/.$/, (c) => (c === '0' ? '1' : '0')) : sig));
    assert.throws(() => decode(PLAIN, exampleBody({ ...PLAIN, chunks })), { code: 'SignatureDoesNotMatch', status: 403 }, `chunk ${index}`);
  }
  assert.throws(() => decode(PLAIN, exampleBody(PLAIN, { byte: 10 })), (err) => {
    assert.ok(err instanceof S3Error);
    assert.equal(err.code, 'SignatureDoesNotMatch');
    assert.match(err.fields.StringToSign, /^AWS4-HMAC-SHA256-PAYLOAD\n20130524T000000Z\n20130524\/us-east-1\/s3\/aws4_request\nad80c730/);
    return true;
  });
});

test("AWS's trailer example: seed, chunk signatures, the CRC32C trailer and its signature", async () => {
  assert.equal((await verifyExampleSeed(TRAILER)).signature, TRAILER.seed);
  const body = exampleBody(TRAILER);
  assert.equal(body.length, TRAILER.contentLength);
  const result = decode(TRAILER, body, { pieceSize: 1000, trailer: 'x-amz-checksum-crc32c' });
  assert.deepEqual(result.trailers, { 'x-amz-checksum-crc32c': 'sOO8/Q==' });
  assert.equal(await checksumOf('crc32c', Buffer.alloc(66560, 'a')), 'sOO8/Q==');
  assert.throws(() => decode(TRAILER, exampleBody(TRAILER, { trailer: 'x-amz-checksum-crc32c:AAAAAA==' }), { trailer: 'x-amz-checksum-crc32c' }), { code: 'SignatureDoesNotMatch' });
  // A trailer other than the one x-amz-trailer declared.
  assert.throws(() => decode(TRAILER, body, { trailer: 'x-amz-checksum-crc32' }), { code: 'MalformedTrailerError' });
});

test('the decoder holds S3 to its framing rules: chunk sizes, decoded length, truncation', () => {
  const key = deriveSigningKey('secret', '20260101', 'us-east-1', 's3');
  const signing = { signingKey: key, amzDate: '20260101T000000Z', scope: '20260101/us-east-1/s3/aws4_request', seedSignature: 'f'.repeat(64) };
  const run = (sizes, { decodedLength = sizes.reduce((a, b) => a + b, 0), cut = 0 } = {}) => {
    const chunks = sizes.map((n) => Buffer.alloc(n, 1));
    let body = Buffer.concat([...chunkedPieces({ chunks, key, amzDate: signing.amzDate, scope: signing.scope, seed: signing.seedSignature })]);
    body = body.subarray(0, body.length - cut);
    const decoder = new AwsChunkedDecoder({ signing, decodedLength, onData: () => {} });
    decoder.write(body);
    return decoder.end();
  };
  assert.equal(run([8192, 8192, 5]).decodedLength, 16389);
  assert.equal(run([5]).decodedLength, 5);
  assert.throws(() => run([3, 2]), (err) => err.code === 'InvalidChunkSizeError' && err.fields.Chunk === 2 && err.fields.BadChunkSize === 3
    && err.message === 'Only the last chunk is allowed to have a size less than 8192 bytes');
  assert.throws(() => run([8192, 9000, 5]), { code: 'InvalidChunkSizeError' });
  assert.throws(() => run([8192, 5], { decodedLength: 8196 }), (err) => err.code === 'IncompleteBody' && err.fields.NumberBytesExpected === 8196 && err.fields.NumberBytesProvided === 8197);
  assert.throws(() => run([8192, 5], { decodedLength: 9000 }), { code: 'IncompleteBody' });
  assert.throws(() => run([8192, 5], { cut: 1 }), { code: 'IncompleteBody', message: 'The request body terminated unexpectedly' });
});

let stack;
let url;
let credentials;
before(async () => {
  stack = await startStack();
  url = `${stack.endpoints.s3}/${stack.ids.s3Buckets[0]}`;
  credentials = staticUser(stack);
});
after(() => stack.stop());

/** A chunked PUT through the stack, chunks built from `data` in `chunkSize` pieces. */
async function chunkedPut(key, data, { chunkSize = 8192, trailer, payload, tamper, headers } = {}) {
  const chunks = [];
  for (let at = 0; at < data.length; at += chunkSize) chunks.push(data.subarray(at, at + chunkSize));
  const sizes = chunks.map((c) => c.length);
  const signed = await signChunkedPut(`${url}/${key}`, { credentials, region: 'us-east-1', sizes, payload, trailer, headers });
  const pieces = [...chunkedPieces({ chunks, ...signed, trailer })];
  if (tamper) tamper(pieces);
  return send(`${url}/${key}`, { headers: signed.headers, pieces });
}

test('a signed-chunk PUT is stored decoded; GET returns the bytes', async () => {
  const data = Buffer.from(Array.from({ length: 50_000 }, (_, i) => i % 251));
  const res = await chunkedPut('chunked/plain', data);
  assert.equal(res.status, 200, res.text);
  assert.equal(stack.s3Object('iamfetch-local', 'chunked/plain').size, 50_000);
  const { url: getUrl, init } = await (await import('./helpers.mjs')).sign(`${url}/chunked/plain`, { credentials, ...stack.signing.s3, applyChecksum: true });
  const get = await fetch(getUrl, init);
  assert.equal(get.status, 200, await get.clone().text());
  assert.deepEqual(Buffer.from(await get.arrayBuffer()), data);
});

test('a tampered chunk, or one chunk signature replayed, is 403 SignatureDoesNotMatch and nothing is stored', async () => {
  const data = Buffer.alloc(30_000, 7);
  const flipped = await chunkedPut('chunked/tampered', data, { tamper: (pieces) => { pieces[4] = Buffer.from(pieces[4]); pieces[4][100] ^= 1; } });
  assert.equal(flipped.status, 403, flipped.text);
  assert.equal(s3Error(flipped.text).code, 'SignatureDoesNotMatch');
  const replayed = await chunkedPut('chunked/tampered', data, { tamper: (pieces) => { pieces[3] = pieces[0]; } });
  assert.equal(replayed.status, 403, replayed.text);
  assert.equal(stack.s3Object('iamfetch-local', 'chunked/tampered'), undefined);
});

test('a signed trailer carries the checksum: checked against the decoded bytes, echoed; a wrong one is BadDigest', async () => {
  const data = Buffer.alloc(20_000, 3);
  const value = await checksumOf('crc32c', data);
  const ok = await chunkedPut('chunked/trailer', data, { payload: 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER', trailer: { name: 'x-amz-checksum-crc32c', value } });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.headers['x-amz-checksum-crc32c'], value);
  assert.deepEqual(stack.s3Object('iamfetch-local', 'chunked/trailer').checksum, { algorithm: 'crc32c', value });

  const wrong = await chunkedPut('chunked/trailer-wrong', data, { payload: 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER', trailer: { name: 'x-amz-checksum-crc32c', value: 'AAAAAA==' } });
  assert.equal(wrong.status, 400, wrong.text);
  assert.deepEqual(s3Error(wrong.text), { code: 'BadDigest', message: 'The CRC32C you specified did not match the calculated checksum.' });

  const unsigned = await chunkedPut('chunked/unsigned-trailer', data, { payload: 'STREAMING-UNSIGNED-PAYLOAD-TRAILER', trailer: { name: 'x-amz-checksum-crc32', value: await checksumOf('crc32', data) } });
  assert.equal(unsigned.status, 200, unsigned.text);
});

test('x-amz-decoded-content-length that the chunks do not add up to is IncompleteBody', async () => {
  const res = await chunkedPut('chunked/length', Buffer.alloc(10_000), { headers: { 'x-amz-decoded-content-length': '9999' } });
  assert.equal(res.status, 400, res.text);
  assert.match(res.text, /<Code>IncompleteBody<\/Code>.*<NumberBytesExpected>9999<\/NumberBytesExpected>/s);
});

test('chunks under 8 KiB before the last are InvalidChunkSizeError', async () => {
  const res = await chunkedPut('chunked/small', Buffer.alloc(10_000), { chunkSize: 4000 });
  assert.equal(res.status, 400, res.text);
  assert.match(res.text, /<Code>InvalidChunkSizeError<\/Code><Message>Only the last chunk is allowed to have a size less than 8192 bytes<\/Message><Chunk>2<\/Chunk><BadChunkSize>4000<\/BadChunkSize>/);
});

test('Transfer-Encoding: chunked on a PUT is 501 NotImplemented, as S3 answers it', async () => {
  const { url: target, init } = await (await import('./helpers.mjs')).sign(`${url}/te`, { credentials, ...stack.signing.s3, method: 'PUT', headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } });
  const res = await send(target, { headers: { ...init.headers, 'transfer-encoding': 'chunked' }, pieces: [Buffer.from('hello')] });
  assert.equal(res.status, 501, res.text);
  assert.match(res.text, /<Code>NotImplemented<\/Code><Message>A header you provided implies functionality that is not implemented<\/Message><Header>Transfer-Encoding<\/Header>/);
});
