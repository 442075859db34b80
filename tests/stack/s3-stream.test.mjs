// Uploads larger than the stack would want to hold: a 100 MB aws-chunked PUT
// with every chunk signed, and a 20 MB PUT with a hex x-amz-content-sha256,
// both read as streams. The stack runs in this process, so its RSS is watched
// while the upload goes through; the body is made as it is sent.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import http from 'node:http';
import { startStack, staticUser, sign } from './helpers.mjs';
import { chunkedPieces, s3Error, send, signChunkedPut, signPostPolicy } from './support/s3-client.mjs';

const MiB = 1024 * 1024;
let stack;
let bucketUrl;
let credentials;
before(async () => {
  stack = await startStack();
  bucketUrl = `${stack.endpoints.s3}/${stack.ids.s3Buckets[0]}`;
  credentials = staticUser(stack);
});
after(() => stack.stop());

/** `count` chunks of `size` bytes, each different, made one at a time; hashed as they go. */
function* generated(count, size, hash) {
  for (let i = 0; i < count; i++) {
    const chunk = Buffer.alloc(size, i % 256);
    chunk.writeUInt32BE(i, 0);
    hash.update(chunk);
    yield chunk;
  }
}

async function sha256OfGet(url) {
  const { url: target, init } = await sign(url, { credentials, ...stack.signing.s3, applyChecksum: true });
  return new Promise((resolve, reject) => {
    http.get(target, { headers: init.headers }, (res) => {
      const hash = createHash('sha256');
      let size = 0;
      res.on('data', (part) => { hash.update(part); size += part.length; });
      res.on('end', () => resolve({ status: res.statusCode, size, sha256: hash.digest('hex') }));
    }).on('error', reject);
  });
}

test('a 100 MB signed-chunk PUT goes through with the RSS flat, and GET returns the same bytes', async () => {
  const chunkSize = 64 * 1024;
  const count = 1600; // 100 MiB + 0: 1600 × 64 KiB = 104,857,600 bytes
  const url = `${bucketUrl}/stream/100mb`;
  const signed = await signChunkedPut(url, { credentials, region: 'us-east-1', sizes: Array(count).fill(chunkSize) });
  const sent = createHash('sha256');
  global.gc?.();
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 20);
  const res = await send(url, { headers: signed.headers, pieces: chunkedPieces({ chunks: generated(count, chunkSize, sent), ...signed }) });
  clearInterval(timer);
  assert.equal(res.status, 200, res.text);
  const growth = (peak - baseline) / MiB;
  console.log(`100 MB signed-chunk PUT: RSS grew by ${growth.toFixed(1)} MiB`);
  assert.ok(growth < 64, `RSS grew by ${growth.toFixed(1)} MiB`);
  const object = stack.s3Object('iamfetch-local', 'stream/100mb');
  assert.equal(object.size, count * chunkSize);
  assert.equal(object.storage, 'file');
  const got = await sha256OfGet(url);
  assert.deepEqual(got, { status: 200, size: count * chunkSize, sha256: sent.digest('hex') });
});

test('a 20 MB PUT with a hex x-amz-content-sha256 is hashed as it streams: a wrong hash is XAmzContentSHA256Mismatch', async () => {
  const count = 20;
  const hash = createHash('sha256');
  for (const _ of generated(count, MiB, hash));
  const digest = hash.digest('hex');
  const put = async (key, declared) => {
    const { url, init } = await sign(`${bucketUrl}/${key}`, { credentials, ...stack.signing.s3, method: 'PUT', headers: { 'x-amz-content-sha256': declared, 'content-length': String(count * MiB) } });
    return send(url, { headers: init.headers, pieces: generated(count, MiB, createHash('sha256')) });
  };
  const wrong = await put('stream/hex-wrong', 'a'.repeat(64));
  assert.equal(wrong.status, 400, wrong.text);
  assert.equal(s3Error(wrong.text).code, 'XAmzContentSHA256Mismatch');
  assert.match(wrong.text, new RegExp(`<S3ComputedContentSHA256>${digest}</S3ComputedContentSHA256>`));
  assert.equal(stack.s3Object('iamfetch-local', 'stream/hex-wrong'), undefined);

  const ok = await put('stream/hex', digest);
  assert.equal(ok.status, 200, ok.text);
  assert.equal(stack.s3Object('iamfetch-local', 'stream/hex').size, count * MiB);
  assert.equal((await sha256OfGet(`${bucketUrl}/stream/hex`)).sha256, digest);
});

test('past the store limit only the metadata is kept: the upload is still checked in full', async () => {
  const small = await startStack({ config: (cfg) => { cfg.s3.storeLimitBytes = 4 * MiB; cfg.s3.memoryLimitBytes = MiB; return cfg; } });
  try {
    const url = `${small.endpoints.s3}/iamfetch-local/big`;
    const signed = await signChunkedPut(url, { credentials, region: 'us-east-1', sizes: Array(100).fill(64 * 1024) });
    const res = await send(url, { headers: signed.headers, pieces: chunkedPieces({ chunks: generated(100, 64 * 1024, createHash('sha256')), ...signed }) });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual({ ...small.s3Object('iamfetch-local', 'big'), etag: undefined }, { size: 6553600, etag: undefined, contentType: 'binary/octet-stream', checksum: undefined, storage: 'metadata' });
    const signedHead = await sign(url, { credentials, ...small.signing.s3, method: 'HEAD', applyChecksum: true });
    const head = await fetch(signedHead.url, signedHead.init);
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('content-length'), '6553600');
    const { url: target, init } = await sign(url, { credentials, ...small.signing.s3, applyChecksum: true });
    const get = await fetch(target, init);
    assert.equal(get.status, 501);
    assert.equal(s3Error(await get.text()).code, 'NotImplemented');
  } finally {
    await small.stop();
  }
});

/** A POST form's pieces: the fields, then the file made as it is sent. */
function* formPieces(boundary, fields, fileChunks) {
  let head = '';
  for (const [name, value] of Object.entries(fields)) head += `--${boundary}\r\ncontent-disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
  yield Buffer.from(`${head}--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="big.bin"\r\ncontent-type: application/octet-stream\r\n\r\n`);
  yield* fileChunks;
  yield Buffer.from(`\r\n--${boundary}--\r\n`);
}

test('a 40 MB POST form is read as a stream: over its range it is EntityTooLarge with the full size, within it stored', async () => {
  const boundary = 'stack-test-boundary';
  const size = 40 * MiB;
  const post = (key, max) => {
    const fields = {
      key,
      ...signPostPolicy({ credentials, conditions: (signing) => [{ bucket: 'iamfetch-local' }, { key }, ['content-length-range', 0, max], ...Object.entries(signing).map(([n, v]) => ({ [n]: v }))] }),
    };
    const pieces = [...formPieces(boundary, fields, [])];
    const length = pieces.reduce((n, p) => n + p.length, 0) + size;
    const sent = createHash('sha256');
    const res = send(bucketUrl, {
      method: 'POST',
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(length) },
      pieces: formPieces(boundary, fields, generated(size / MiB, MiB, sent)),
    });
    return { res, sent };
  };
  const over = await post('post/over', MiB).res;
  assert.equal(over.status, 400, over.text);
  assert.match(over.text, new RegExp(`<Code>EntityTooLarge</Code>.*<ProposedSize>${size}</ProposedSize><MaxSizeAllowed>${MiB}</MaxSizeAllowed>`));
  assert.equal(stack.s3Object('iamfetch-local', 'post/over'), undefined);

  const within = post('post/within', size);
  assert.equal((await within.res).status, 204, (await within.res).text);
  assert.equal(stack.s3Object('iamfetch-local', 'post/within').storage, 'file');
  assert.equal((await sha256OfGet(`${bucketUrl}/post/within`)).sha256, within.sent.digest('hex'));
});
