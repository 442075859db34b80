// RS256 JSON Web Tokens with node:crypto: enough to issue Cognito's tokens and
// to check login tokens the way Cognito and STS do (key from a JWKS by kid).
import { createPublicKey, generateKeyPairSync, randomUUID, sign, verify } from 'node:crypto';

const b64url = (data) => Buffer.from(data).toString('base64url');

/** A fresh RSA key; `jwks` is what /.well-known/jwks.json publishes. */
export function createSigningKey() {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = randomUUID();
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' };
  return { kid, privateKey, jwks: { keys: [jwk] } };
}

export function signJwt(claims, key) {
  const header = b64url(JSON.stringify({ kid: key.kid, alg: 'RS256' }));
  const payload = b64url(JSON.stringify(claims));
  const signature = sign('sha256', Buffer.from(`${header}.${payload}`), key.privateKey);
  return `${header}.${payload}.${b64url(signature)}`;
}

export class JwtError extends Error {}

/** Reads a token's claims without trusting them (to pick the issuer). */
export function decodeJwt(token) {
  const parts = typeof token === 'string' ? token.split('.') : [];
  if (parts.length !== 3) throw new JwtError('not a JWT');
  try {
    return {
      header: JSON.parse(Buffer.from(parts[0], 'base64url')),
      payload: JSON.parse(Buffer.from(parts[1], 'base64url')),
    };
  } catch {
    throw new JwtError('not a JWT');
  }
}

/** Checks the RS256 signature against the JWKS key named by `kid`; claims are the caller's job. */
export function verifyJwtSignature(token, jwks) {
  const { header, payload } = decodeJwt(token);
  const jwk = jwks.keys.find((k) => k.kid === header.kid);
  if (header.alg !== 'RS256' || !jwk) throw new JwtError('no matching key');
  const [h, p, s] = token.split('.');
  const ok = verify('sha256', Buffer.from(`${h}.${p}`), createPublicKey({ key: jwk, format: 'jwk' }), Buffer.from(s, 'base64url'));
  if (!ok) throw new JwtError('bad signature');
  return payload;
}
