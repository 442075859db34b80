// The client side of the stack's S3 tests, written here with node:crypto and
// the AWS SDK's signer (for the seed), never with the stack's own verifier or
// with iamfetch: aws-chunked encoding with chunk and trailer signatures,
// checksums, POST policies.
import { createHash, createHmac } from 'node:crypto';
import http from 'node:http';
import { createRequire } from 'node:module';
import { referenceSign } from '../../../stack/src/index.mjs';

// The CRCs are the AWS SDK's packages, installed with the stack (stack/package.json).
const fromStack = createRequire(new URL('../../../stack/package.json', import.meta.url));
const { AwsCrc32 } = fromStack('@aws-crypto/crc32');
const { AwsCrc32c } = fromStack('@aws-crypto/crc32c');
const { Crc64Nvme } = fromStack('@aws-sdk/crc64-nvme');

const EMPTY_SHA256 = createHash('sha256').digest('hex');
const hmac = (key, text) => createHmac('sha256', key).update(text).digest();
const sha256Hex = (bytes) => createHash('sha256').update(bytes).digest('hex');

export function signingKey(secret, date, region = 'us-east-1', service = 's3') {
  return hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), 'aws4_request');
}

/** base64 of each algorithm's digest of `bytes`, big-endian, as S3 takes it. */
export async function checksumOf(algorithm, bytes) {
  if (algorithm === 'sha1' || algorithm === 'sha256' || algorithm === 'md5') return createHash(algorithm).update(bytes).digest('base64');
  const Checksum = { crc32: AwsCrc32, crc32c: AwsCrc32c, crc64nvme: Crc64Nvme }[algorithm];
  const checksum = new Checksum();
  checksum.update(bytes);
  return Buffer.from(await checksum.digest()).toString('base64');
}

/** Every framed piece of an aws-chunked body (chunks: any iterable of non-empty Buffers), signed from `seed`, in order. */
export function* chunkedPieces({ chunks, key, amzDate, scope, seed, trailer }) {
  let previous = seed;
  const sign = (kind, hash) => {
    const stringToSign = kind === 'chunk'
      ? `AWS4-HMAC-SHA256-PAYLOAD\n${amzDate}\n${scope}\n${previous}\n${EMPTY_SHA256}\n${hash}`
      : `AWS4-HMAC-SHA256-TRAILER\n${amzDate}\n${scope}\n${previous}\n${hash}`;
    previous = createHmac('sha256', key).update(stringToSign).digest('hex');
    return previous;
  };
  const header = (chunk) => Buffer.from(`${chunk.length.toString(16)}${key ? `;chunk-signature=${sign('chunk', sha256Hex(chunk))}` : ''}\r\n`);
  // Any iterable, so that a large body can be made as it is sent.
  for (const chunk of chunks) {
    yield header(chunk);
    yield chunk;
    yield Buffer.from('\r\n');
  }
  yield header(Buffer.alloc(0));
  if (!trailer) {
    yield Buffer.from('\r\n');
    return;
  }
  const lines = `${trailer.name}:${trailer.value}\n`;
  const signatureLine = key ? `x-amz-trailer-signature:${sign('trailer', sha256Hex(lines))}\r\n` : '';
  yield Buffer.from(`${trailer.name}:${trailer.value}\r\n${signatureLine}\r\n`);
}

/** The encoded length of an aws-chunked body, for Content-Length. */
export function chunkedLength({ sizes, signed, trailer }) {
  const header = (size) => size.toString(16).length + (signed ? 17 + 64 : 0) + 2;
  let length = 0;
  for (const size of sizes) length += header(size) + size + 2;
  length += header(0);
  if (!trailer) return length + 2;
  return length + trailer.name.length + 1 + trailer.value.length + 2 + (signed ? 24 + 64 + 2 : 0) + 2;
}

/**
 * Signs the head of an aws-chunked PUT with the AWS SDK's signer and returns
 * what the body needs: { headers, seed, key, amzDate, scope }.
 */
export async function signChunkedPut(url, { credentials, region, sizes, payload = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD', trailer, headers = {} }) {
  const signed = payload !== 'STREAMING-UNSIGNED-PAYLOAD-TRAILER';
  const decoded = sizes.reduce((a, b) => a + b, 0);
  const head = {
    'content-encoding': 'aws-chunked',
    'content-length': String(chunkedLength({ sizes, signed, trailer })),
    'x-amz-content-sha256': payload,
    'x-amz-decoded-content-length': String(decoded),
    ...(trailer && { 'x-amz-trailer': trailer.name }),
    ...headers,
  };
  const { init } = await referenceSign(url, { credentials, service: 's3', region, method: 'PUT', headers: head });
  const auth = /Credential=[^/]+\/([^,]+), SignedHeaders=[^,]+, Signature=([0-9a-f]{64})/.exec(init.headers.authorization);
  const amzDate = init.headers['x-amz-date'];
  return {
    headers: init.headers,
    seed: auth[2],
    scope: auth[1],
    amzDate,
    key: signed ? signingKey(credentials.secretAccessKey, amzDate.slice(0, 8), region) : null,
  };
}

/**
 * Sends a request with node:http, the body written piece by piece with
 * backpressure (fetch would buffer or re-frame it). Resolves { status, headers, text }.
 */
export function send(url, { method = 'PUT', headers, pieces }) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers }, (res) => {
      const parts = [];
      res.on('data', (part) => parts.push(part));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text: Buffer.concat(parts).toString() }));
    });
    req.on('error', reject);
    const iterator = pieces[Symbol.iterator]();
    const pump = () => {
      for (let next = iterator.next(); !next.done; next = iterator.next()) {
        if (!req.write(next.value)) return req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}

/**
 * The signing fields of a POST form and its policy, signed: { fields, policy }.
 * `conditions(signingFields)` gives the policy's conditions.
 */
export function signPostPolicy({ credentials, conditions, expiresIn = 300, now = Date.now() }) {
  const date = new Date(now).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const signingFields = {
    'x-amz-algorithm': 'AWS4-HMAC-SHA256',
    'x-amz-credential': `${credentials.accessKeyId}/${date.slice(0, 8)}/us-east-1/s3/aws4_request`,
    'x-amz-date': date,
    ...(credentials.sessionToken && { 'x-amz-security-token': credentials.sessionToken }),
  };
  const policy = Buffer.from(JSON.stringify({
    expiration: new Date(now + expiresIn * 1000).toISOString(),
    conditions: conditions(signingFields),
  })).toString('base64');
  const signature = createHmac('sha256', signingKey(credentials.secretAccessKey, date.slice(0, 8))).update(policy).digest('hex');
  return { ...signingFields, policy, 'x-amz-signature': signature };
}

/** S3's error Code and Message from an XML body. */
export function s3Error(text) {
  const element = (name) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(text)?.[1]?.replace(/&(lt|gt|quot|apos|amp);/g, (_, entity) => XML_ENTITIES[entity]);
  return { code: element('Code'), message: element('Message') };
}

const XML_ENTITIES = { lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' };
