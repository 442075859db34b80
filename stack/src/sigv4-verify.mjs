// SigV4 verification as an AWS front end does it, recomputed with the AWS SDK
// for JavaScript's signer (@smithy/signature-v4) over the request exactly as
// received: headers as sent, the path and query as they were on the wire, and
// the SHA-256 of the body actually received. It shares no code with iamfetch,
// so a bug in iamfetch's canonicalization cannot cancel out here.
//
// Both algorithms go through the same parsing, scope, clock, credentials and
// canonical request; they differ in the scope's region part (SigV4's one
// region; SigV4a's region set, sent in x-amz-region-set or X-Amz-Region-Set)
// and in the signature check (HMAC here, ECDSA in sigv4a-verify.mjs).
import { SignatureV4, getCanonicalHeaders, ALGORITHM_IDENTIFIER } from '@smithy/signature-v4';
import { Sha256 } from '@aws-crypto/sha256-js';
import { amzDate, parseAmzDate, firstValue, sha256Hex } from './http-util.mjs';
import { SIGV4A_ALGORITHM, regionSetIncludes, verifySigV4aSignature } from './sigv4a-verify.mjs';

export const SIGV4_ALGORITHM = ALGORITHM_IDENTIFIER;
const KNOWN_ALGORITHMS = [SIGV4_ALGORITHM, SIGV4A_ALGORITHM];

export const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. ' +
  'Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
const TOKEN_INVALID = 'The security token included in the request is invalid.';
const TOKEN_EXPIRED = 'The security token included in the request is expired';

/**
 * A failed check. `reason` is one of missing | incomplete | signature |
 * invalid-token | expired-token; each endpoint renders it in its own AWS shape.
 * A signature mismatch also carries the canonical request and string to sign
 * the server expected (API Gateway REST prints them); a scope for another
 * region carries signedRegion and expectedRegion (S3 names both); an algorithm
 * the endpoint does not take carries supportedAlgorithms (S3 names them).
 */
export class SigV4Error extends Error {
  constructor(reason, message, details = {}) {
    super(message);
    this.reason = reason;
    Object.assign(this, details);
  }
}

function parseAuthorizationHeader(value) {
  const space = value.indexOf(' ');
  const algorithm = space === -1 ? value : value.slice(0, space);
  const params = {};
  for (const part of (space === -1 ? '' : value.slice(space + 1)).split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) params[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  const missing = ['Credential', 'Signature', 'SignedHeaders'].filter((p) => !params[p]);
  if (missing.length) {
    throw new SigV4Error('incomplete', missing.map((p) => `Authorization header requires '${p}' parameter.`).join(' '));
  }
  checkAlgorithmKnown(algorithm);
  return { algorithm, credential: params.Credential, signedHeaders: params.SignedHeaders, signature: params.Signature };
}

function checkAlgorithmKnown(algorithm) {
  if (!KNOWN_ALGORITHMS.includes(algorithm)) throw new SigV4Error('incomplete', `Unsupported AWS 'algorithm': '${algorithm}'`);
}

const PRESIGN_PARAMS = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature', 'X-Amz-Date', 'X-Amz-SignedHeaders'];

function parsePresignedQuery(query) {
  const algorithm = firstValue(query['X-Amz-Algorithm']);
  const required = algorithm === SIGV4A_ALGORITHM ? [...PRESIGN_PARAMS, 'X-Amz-Region-Set'] : PRESIGN_PARAMS;
  if (required.some((p) => query[p] === undefined)) {
    throw new SigV4Error('incomplete', `AWS query-string parameters must include ${required.map((p) => `'${p}'`).join(', ')}. Re-examine the query-string parameters.`);
  }
  checkAlgorithmKnown(algorithm);
  const expires = Number(firstValue(query['X-Amz-Expires'] ?? '604800'));
  if (!Number.isInteger(expires) || expires < 1 || expires > 604800) {
    throw new SigV4Error('incomplete', 'X-Amz-Expires must be between 1 and 604800 seconds.');
  }
  return {
    algorithm,
    regionSet: firstValue(query['X-Amz-Region-Set']),
    credential: firstValue(query['X-Amz-Credential']),
    signedHeaders: firstValue(query['X-Amz-SignedHeaders']),
    signature: firstValue(query['X-Amz-Signature']),
    longDate: firstValue(query['X-Amz-Date']),
    sessionToken: firstValue(query['X-Amz-Security-Token']),
    expires,
  };
}

/**
 * SigV4's scope is <key>/<date>/<region>/<service>/aws4_request; SigV4a's has
 * no region (<key>/<date>/<service>/aws4_request): its region set comes with
 * the request instead, and it passes when it names the endpoint's region or '*'.
 */
function checkScope(auth, headers, longDate, { service, region }) {
  const sigv4a = auth.algorithm === SIGV4A_ALGORITHM;
  const parts = auth.credential.split('/');
  const length = sigv4a ? 4 : 5;
  if (parts.length !== length) {
    throw new SigV4Error('incomplete', `Credential should have ${length} slash-separated parts, not ${parts.length}.`);
  }
  const [accessKeyId, scopeDate] = parts;
  const [scopeService, terminator] = parts.slice(-2);
  const signedRegion = sigv4a ? auth.regionSet ?? headers['x-amz-region-set'] : parts[2];
  if (signedRegion === undefined) {
    throw new SigV4Error('incomplete', "Authorization header requires existence of a 'X-Amz-Region-Set' header.");
  }
  if (terminator !== 'aws4_request') {
    throw new SigV4Error('signature', `Credential should be scoped with a valid terminator: 'aws4_request', not '${terminator}'.`);
  }
  if (scopeService !== service) {
    throw new SigV4Error('signature', `Credential should be scoped to correct service: '${service}'.`);
  }
  if (sigv4a ? !regionSetIncludes(signedRegion, region) : signedRegion !== region) {
    throw new SigV4Error('signature', 'Credential should be scoped to a valid region.', { signedRegion, expectedRegion: region });
  }
  if (scopeDate !== longDate.slice(0, 8)) {
    throw new SigV4Error('signature', `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scopeDate}' != '${longDate.slice(0, 8)}', from '${longDate}'.`);
  }
  return { accessKeyId, scope: parts.slice(1).join('/') };
}

/** AWS's clock-window wording; the texts name the window, e.g. "5 min.". */
function checkClock(longDate, requestMs, now, pastMs, futureMs, pastText, futureText) {
  if (requestMs < now - pastMs) {
    throw new SigV4Error('signature', `Signature expired: ${longDate} is now earlier than ${amzDate(now - pastMs)} (${amzDate(now)} - ${pastText})`);
  }
  if (requestMs > now + futureMs) {
    throw new SigV4Error('signature', `Signature not yet current: ${longDate} is still later than ${amzDate(now + futureMs)} (${amzDate(now)} + ${futureText})`);
  }
}

export function checkCredentials(store, accessKeyId, sessionToken, now) {
  const record = store.lookup(accessKeyId);
  // A long-term key with a token, a temporary key without its own token, or an
  // unknown key all get the same answer from AWS.
  if (!record || (record.sessionToken ?? undefined) !== (sessionToken ?? undefined)) {
    throw new SigV4Error('invalid-token', TOKEN_INVALID);
  }
  if (record.expiresAt !== undefined && now >= record.expiresAt) {
    throw new SigV4Error('expired-token', TOKEN_EXPIRED);
  }
  return record;
}

const S3_UNRESERVED = /[A-Za-z0-9\-_.~/]/;

/**
 * S3's path rule: the key is the path percent-decoded, '+' read as a space,
 * and the canonical URI is that key with every byte but '/' and the unreserved
 * ones encoded again (uppercase hex), nothing normalized. Returns null for a
 * '%' without two hex digits or a key that is not UTF-8, which S3 refuses.
 * @returns {{ key: string, canonicalPath: string } | null}
 */
export function decodeS3Path(rawPath) {
  const bytes = [];
  for (let i = 0; i < rawPath.length; i++) {
    const c = rawPath[i];
    if (c === '%') {
      const hex = rawPath.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return null;
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(c === '+' ? ' ' : c, 'latin1'));
    }
  }
  let key;
  try {
    key = new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(bytes));
  } catch {
    return null;
  }
  const canonicalPath = bytes.map((b) => {
    const c = String.fromCharCode(b);
    return S3_UNRESERVED.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }).join('');
  return { key, canonicalPath };
}

/**
 * Verifies the request in `ctx` (see server.mjs) for one endpoint.
 * @param {object} opts { service, region, store, skewMinutes, s3, algorithms }
 *   s3: S3's rules instead of the other services': the canonical URI from the
 *   decoded key (decodeS3Path; the caller has refused paths it returns null
 *   for), and the payload hash the client declared in x-amz-content-sha256,
 *   UNSIGNED-PAYLOAD when none (the caller checks the body against it).
 *   algorithms: those the endpoint takes, SigV4's alone by default. Another
 *   one is refused after the scope check, so that a scope for the wrong region
 *   is named first, as an S3 Multi-Region Access Point does.
 * @returns {Promise<{ principal, accessKeyId, algorithm, signature, longDate, scope, signedHeaderNames, presigned }>}
 *   (scope without the key id: date/region/service/aws4_request) or throws SigV4Error
 */
export async function verifySigV4(ctx, { service, region, store, skewMinutes = 5, s3 = false, algorithms = [SIGV4_ALGORITHM] }) {
  const { headers, query } = ctx;
  const presigned = headers.authorization === undefined && query['X-Amz-Credential'] !== undefined;
  if (headers.authorization === undefined && !presigned) {
    throw new SigV4Error('missing', 'Missing Authentication Token');
  }
  const auth = presigned ? parsePresignedQuery(query) : parseAuthorizationHeader(headers.authorization);

  let longDate = auth.longDate ?? headers['x-amz-date'];
  if (longDate === undefined && headers.date !== undefined) {
    const ms = Date.parse(headers.date);
    if (!Number.isNaN(ms)) longDate = amzDate(ms);
  }
  const requestMs = parseAmzDate(longDate);
  if (Number.isNaN(requestMs)) {
    throw new SigV4Error('incomplete', "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  }

  const { accessKeyId, scope } = checkScope(auth, headers, longDate, { service, region });
  if (!algorithms.includes(auth.algorithm)) {
    throw new SigV4Error('incomplete', `Unsupported AWS 'algorithm': '${auth.algorithm}'`, { supportedAlgorithms: algorithms });
  }
  const now = ctx.now();
  const skewMs = skewMinutes * 60_000;
  if (presigned) {
    checkClock(longDate, requestMs, now, auth.expires * 1000, skewMs, `${auth.expires} sec.`, `${skewMinutes} min.`);
  } else {
    checkClock(longDate, requestMs, now, skewMs, skewMs, `${skewMinutes} min.`, `${skewMinutes} min.`);
  }

  const sessionToken = presigned ? auth.sessionToken : headers['x-amz-security-token'];
  const record = checkCredentials(store, accessKeyId, sessionToken, now);

  const signedHeaderNames = auth.signedHeaders.split(';');
  if (!signedHeaderNames.includes('host')) {
    throw new SigV4Error('signature', "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  }
  // The region set decides where the signature is good: unsigned, anyone could widen it.
  if (auth.algorithm === SIGV4A_ALGORITHM && !presigned && !signedHeaderNames.includes('x-amz-region-set')) {
    throw new SigV4Error('signature', "'X-Amz-Region-Set' must be a 'SignedHeader' in the AWS Authorization.");
  }
  const signedHeaders = {};
  for (const name of signedHeaderNames) if (headers[name] !== undefined) signedHeaders[name] = headers[name];

  const credentials = { accessKeyId, secretAccessKey: record.secretAccessKey };
  const signer = new SignatureV4({
    credentials,
    region,
    service,
    sha256: Sha256,
    uriEscapePath: !s3,
  });
  const path = s3 ? decodeS3Path(ctx.rawPath)?.canonicalPath ?? ctx.rawPath : ctx.rawPath;
  const request = { method: ctx.method, path, query, headers: signedHeaders };
  // signableHeaders overrides smithy's never-sign list, so that whatever the
  // client listed (even user-agent) is checked as the client signed it.
  const canonicalHeaders = getCanonicalHeaders(request, undefined, new Set(signedHeaderNames));
  // The payload hash is always that of the body received: a signed
  // x-amz-content-sha256 that lies, or UNSIGNED-PAYLOAD, yields a mismatch, as
  // on Lambda, API Gateway and STS. S3 signs the hash the client declared.
  const payloadHash = s3 ? headers['x-amz-content-sha256'] ?? 'UNSIGNED-PAYLOAD' : sha256Hex(ctx.body);
  const canonicalRequest = signer.createCanonicalRequest(request, canonicalHeaders, payloadHash);
  // The string to sign has the same shape for both: algorithm, date, scope, hash.
  const stringToSign = await signer.createStringToSign(longDate, scope, canonicalRequest, auth.algorithm);
  const matches = auth.algorithm === SIGV4A_ALGORITHM
    ? verifySigV4aSignature(credentials, stringToSign, auth.signature)
    : auth.signature === await signer.getSignature(longDate, scope, signer.getSigningKey(credentials, region, longDate.slice(0, 8), service), canonicalRequest);
  if (!matches) {
    throw new SigV4Error('signature', SIGNATURE_MISMATCH, { canonicalRequest, stringToSign, accessKeyId, signatureProvided: auth.signature });
  }
  // What S3 needs past the check: the seed of a chunk-signature chain, and
  // which headers were signed.
  return { principal: record.principal, accessKeyId, algorithm: auth.algorithm, signature: auth.signature, longDate, scope, signedHeaderNames, presigned };
}
