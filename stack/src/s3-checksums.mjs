// S3's integrity headers: Content-MD5 and the five x-amz-checksum-<algorithm>
// values, computed as bytes stream by with implementations that share nothing
// with iamfetch (node:crypto for the hashes, the AWS SDK's own JS CRCs), and
// S3's answers when one is malformed or does not match.
// Sources for the wording: "Checking object integrity" in the S3 user guide and
// S3's answers quoted in issues: BadDigest "The CRC32 you specified did not
// match the calculated checksum." (aws/aws-sdk-ruby#3322), "The Content-MD5 you
// specified did not match what we received." with ExpectedDigest and
// CalculatedDigest (basho/riak_cs#624), InvalidDigest "The Content-MD5 you
// specified was invalid." (anthonycastelli/s3-storage#1), the InvalidRequest
// texts for several or invalid checksum headers (versity/versitygw#1186,
// #1593, #1598, localstack/localstack#12169).
import { createHash } from 'node:crypto';
import { AwsCrc32 } from '@aws-crypto/crc32';
import { AwsCrc32c } from '@aws-crypto/crc32c';
import { Crc64Nvme } from '@aws-sdk/crc64-nvme';
import { S3Error } from './s3-errors.mjs';

const nodeHash = (name) => () => {
  const hash = createHash(name);
  return { update: (bytes) => hash.update(bytes), digest: async () => hash.digest() };
};
const sdkChecksum = (Checksum) => () => {
  const checksum = new Checksum();
  return { update: (bytes) => checksum.update(bytes), digest: async () => Buffer.from(await checksum.digest()) };
};

/** By the lower-case name in x-amz-checksum-<name>: S3's upper-case name, digest length, hasher. */
export const CHECKSUM_ALGORITHMS = Object.freeze({
  crc32: { name: 'CRC32', bytes: 4, create: sdkChecksum(AwsCrc32) },
  crc32c: { name: 'CRC32C', bytes: 4, create: sdkChecksum(AwsCrc32c) },
  crc64nvme: { name: 'CRC64NVME', bytes: 8, create: sdkChecksum(Crc64Nvme) },
  sha1: { name: 'SHA1', bytes: 20, create: nodeHash('sha1') },
  sha256: { name: 'SHA256', bytes: 32, create: nodeHash('sha256') },
});

const CHECKSUM_HEADER = /^x-amz-checksum-(.+)$/;

/** Strict base64 of exactly `bytes` bytes, or null. */
function decodeBase64(value, bytes) {
  if (typeof value !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(value) || value.length % 4 !== 0) return null;
  const decoded = Buffer.from(value, 'base64');
  return decoded.length === bytes && decoded.toString('base64') === value ? decoded : null;
}

/**
 * The x-amz-checksum-<algorithm> value headers of a request. Headers of that
 * family that carry no value (x-amz-checksum-mode, -type, -algorithm) are not
 * counted, as S3 does not count them.
 * @returns {{ algorithm: string, value: string }[]}
 */
export function checksumHeaders(headers) {
  const found = [];
  for (const [name, value] of Object.entries(headers)) {
    const m = CHECKSUM_HEADER.exec(name);
    if (m && Object.hasOwn(CHECKSUM_ALGORITHMS, m[1])) found.push({ algorithm: m[1], value });
  }
  return found;
}

/**
 * What the request asks S3 to check: the checksum (from a header, or named by
 * x-amz-trailer to come after the body) and Content-MD5. Throws S3Error for
 * what S3 refuses before reading the body.
 * @param {object} headers     as received
 * @param {object} o
 * @param {string|undefined} o.trailer   the checksum header x-amz-trailer names, when the payload has a trailer
 * @param {boolean} [o.required]         DeleteObjects: Content-MD5 or a checksum must be there
 * @returns {{ checksum?: { algorithm, expected?: Buffer, value?: string }, md5?: Buffer }}
 */
export function integrityRequest(headers, { trailer, required = false } = {}) {
  const declared = checksumHeaders(headers);
  const trailerAlgorithm = trailer === undefined ? undefined : CHECKSUM_HEADER.exec(trailer)?.[1];
  if (trailer !== undefined && !Object.hasOwn(CHECKSUM_ALGORITHMS, trailerAlgorithm ?? '')) {
    throw new S3Error(400, 'InvalidRequest', `The value specified in the x-amz-trailer header is not supported`);
  }
  if (declared.length + (trailerAlgorithm ? 1 : 0) > 1) {
    throw new S3Error(400, 'InvalidRequest', 'Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.');
  }
  let checksum;
  if (declared.length) {
    const { algorithm, value } = declared[0];
    const expected = decodeBase64(value, CHECKSUM_ALGORITHMS[algorithm].bytes);
    if (!expected) throw new S3Error(400, 'InvalidRequest', `Value for x-amz-checksum-${algorithm} header is invalid.`);
    checksum = { algorithm, expected, value };
  } else if (trailerAlgorithm) {
    checksum = { algorithm: trailerAlgorithm };
  }

  const sdkAlgorithm = headers['x-amz-sdk-checksum-algorithm'];
  if (sdkAlgorithm !== undefined) {
    if (!checksum) {
      throw new S3Error(400, 'InvalidRequest', 'x-amz-sdk-checksum-algorithm specified, but no corresponding x-amz-checksum-* or x-amz-trailer headers were found.');
    }
    if (sdkAlgorithm.toLowerCase() !== checksum.algorithm) {
      throw new S3Error(400, 'InvalidRequest', 'Value for x-amz-sdk-checksum-algorithm header is invalid.');
    }
  }

  let md5;
  const contentMd5 = headers['content-md5'];
  if (contentMd5 !== undefined) {
    md5 = decodeBase64(contentMd5.trim(), 16);
    if (!md5) throw new S3Error(400, 'InvalidDigest', 'The Content-MD5 you specified was invalid.', { 'Content-MD5': contentMd5 });
  }
  if (required && !checksum && !md5) {
    throw new S3Error(400, 'InvalidRequest', 'Missing required header for this request: Content-MD5 OR x-amz-checksum-*');
  }
  return { checksum, md5 };
}

/**
 * Hashes a body as it streams: always MD5 (the ETag and Content-MD5), the
 * requested checksum, and SHA-256 when the client declared a hex payload hash.
 */
export class BodyDigests {
  #md5 = createHash('md5');
  #sha256;
  #checksum;
  #algorithm;
  size = 0;

  constructor({ checksumAlgorithm, sha256 = false } = {}) {
    if (sha256) this.#sha256 = createHash('sha256');
    if (checksumAlgorithm) {
      this.#algorithm = checksumAlgorithm;
      this.#checksum = CHECKSUM_ALGORITHMS[checksumAlgorithm].create();
    }
  }

  update(bytes) {
    this.size += bytes.length;
    this.#md5.update(bytes);
    this.#sha256?.update(bytes);
    this.#checksum?.update(bytes);
  }

  /** @returns {Promise<{ size, md5: Buffer, sha256Hex?: string, checksum?: { algorithm, value } }>} */
  async finish() {
    const result = { size: this.size, md5: this.#md5.digest() };
    if (this.#sha256) result.sha256Hex = this.#sha256.digest('hex');
    if (this.#checksum) result.checksum = { algorithm: this.#algorithm, value: (await this.#checksum.digest()).toString('base64') };
    return result;
  }
}

/**
 * Checks the digests of the body received against what the request declared:
 * Content-MD5, then the checksum (`trailerValue` is the trailer's, already
 * read). Throws S3Error BadDigest / InvalidRequest.
 */
export function checkIntegrity({ checksum, md5 }, digests, trailerValue) {
  if (md5 && !md5.equals(digests.md5)) {
    throw new S3Error(400, 'BadDigest', 'The Content-MD5 you specified did not match what we received.', {
      ExpectedDigest: md5.toString('base64'),
      CalculatedDigest: digests.md5.toString('base64'),
    });
  }
  if (!checksum) return;
  const { name, bytes } = CHECKSUM_ALGORITHMS[checksum.algorithm];
  const expected = checksum.expected ?? decodeBase64(trailerValue, bytes);
  if (!expected) throw new S3Error(400, 'InvalidRequest', `Value for x-amz-checksum-${checksum.algorithm} trailing header is invalid.`);
  if (expected.toString('base64') !== digests.checksum.value) {
    throw new S3Error(400, 'BadDigest', `The ${name} you specified did not match the calculated checksum.`);
  }
}
