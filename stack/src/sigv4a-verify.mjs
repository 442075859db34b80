// SigV4a's asymmetric half, written from the algorithm's description with
// node:crypto alone: the ECDSA P-256 key AWS derives from a secret access key
// (NIST SP 800-108 HMAC-SHA256 in counter mode), and the check of a DER
// signature over the string to sign. It shares no code with aws-sigv4 (what
// iamfetch signs with) or with @smithy/signature-v4a (the tests' signer), so
// a derivation or encoding bug in either cannot cancel out here. The canonical
// request and string to sign are SigV4's; sigv4-verify.mjs builds them for both.
import { createECDH, createHmac, createPublicKey, verify } from 'node:crypto';

export const SIGV4A_ALGORITHM = 'AWS4-ECDSA-P256-SHA256';

// The order of P-256: the private scalar must lie in [1, n-1].
const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const MAX_COUNTER = 254;

const be32 = (value) => {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(value);
  return bytes;
};

/**
 * The private scalar d for a key pair, as AWS derives it: for counter 1, 2, …
 * k0 = HMAC-SHA256("AWS4A" + secret, be32(1) || "AWS4-ECDSA-P256-SHA256" || 0x00
 * || accessKeyId || counter || be32(256)); the first k0 <= n-2 gives d = k0+1.
 * (be32(1) is the KDF's block index, be32(256) the bit length wanted.)
 */
function privateScalar(accessKeyId, secretAccessKey) {
  const inputKey = Buffer.from(`AWS4A${secretAccessKey}`, 'utf8');
  for (let counter = 1; counter <= MAX_COUNTER; counter++) {
    const fixedInput = Buffer.concat([
      Buffer.from(SIGV4A_ALGORITHM, 'utf8'),
      Buffer.from([0]),
      Buffer.from(accessKeyId, 'utf8'),
      Buffer.from([counter]),
      be32(256),
    ]);
    const k0 = BigInt(`0x${createHmac('sha256', inputKey).update(be32(1)).update(fixedInput).digest('hex')}`);
    if (k0 <= N - 2n) return k0 + 1n;
  }
  throw new Error('SigV4a key derivation found no scalar below n-1');
}

/**
 * The public key of the pair SigV4a derives from these credentials.
 * @returns {{ x: string, y: string }} the point's coordinates, 64 hex digits each
 */
export function deriveSigV4aPublicKey({ accessKeyId, secretAccessKey }) {
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(Buffer.from(privateScalar(accessKeyId, secretAccessKey).toString(16).padStart(64, '0'), 'hex'));
  const point = ecdh.getPublicKey(); // 0x04 || X || Y
  return { x: point.subarray(1, 33).toString('hex'), y: point.subarray(33).toString('hex') };
}

/** True when `signatureHex` is a DER ECDSA P-256/SHA-256 signature of `stringToSign` by these credentials' key. */
export function verifySigV4aSignature(credentials, stringToSign, signatureHex) {
  if (!/^([0-9a-f]{2})+$/i.test(signatureHex)) return false;
  const { x, y } = deriveSigV4aPublicKey(credentials);
  const jwk = { kty: 'EC', crv: 'P-256', x: Buffer.from(x, 'hex').toString('base64url'), y: Buffer.from(y, 'hex').toString('base64url') };
  const key = createPublicKey({ key: jwk, format: 'jwk' });
  try {
    return verify('sha256', Buffer.from(stringToSign, 'utf8'), { key, dsaEncoding: 'der' }, Buffer.from(signatureHex, 'hex'));
  } catch {
    return false; // not DER at all: a mismatch like any other
  }
}

/**
 * Whether a SigV4a region set (comma-separated, as in x-amz-region-set) covers
 * `region`. Only exact names and '*' are honoured: the SDKs send those, and
 * no AWS source we found documents partial wildcards such as 'us-*'.
 */
export function regionSetIncludes(regionSet, region) {
  return regionSet.split(',').some((entry) => entry.trim() === '*' || entry.trim() === region);
}
