// A reference SigV4 and SigV4a client signer for tests and other suites: the
// AWS SDK's (@smithy/signature-v4, @smithy/signature-v4a), never iamfetch's, so
// it can serve as an oracle for iamfetch's own signatures and sign requests
// while iamfetch is being built.
import { SignatureV4, ALGORITHM_IDENTIFIER_V4A } from '@smithy/signature-v4';
import { SignatureV4a } from '@smithy/signature-v4a';
import { Sha256 } from '@aws-crypto/sha256-js';
import { amzDate } from './http-util.mjs';

/** Query object as smithy canonicalizes it, from a URL's search params. */
function queryOf(url) {
  const query = {};
  for (const [k, v] of url.searchParams) query[k] = Object.hasOwn(query, k) ? [].concat(query[k], v) : v;
  return query;
}

/**
 * Signs a request for `url` and returns { url, init } ready for fetch.
 * @param {string} url
 * @param {object} opts
 *   credentials  { accessKeyId, secretAccessKey, sessionToken? }
 *   service, region   e.g. stack.signing.functionUrl
 *   method, headers, body (string | Uint8Array)
 *   signingDate  Date (default now)
 *   presign      true: query-string signature, expiresIn seconds (default 300)
 *   applyChecksum true: also send and sign x-amz-content-sha256
 */
export async function referenceSign(url, opts) {
  const { credentials, service, region, applyChecksum = false, signingDate = new Date() } = opts;
  const signer = new SignatureV4({ credentials, service, region, sha256: Sha256, applyChecksum });
  const request = requestFor(url, opts);
  if (opts.presign) {
    const presigned = await signer.presign(request, { signingDate, expiresIn: opts.expiresIn ?? 300 });
    return toFetch(withQuery(url, presigned.query), presigned, opts);
  }
  return toFetch(url, await signer.sign(request, { signingDate }), opts);
}

/**
 * referenceSign for SigV4a (AWS4-ECDSA-P256-SHA256), with the same options;
 * `region` is the region set, e.g. '*' or 'us-east-1,eu-west-1'. S3 paths are
 * signed as the S3 client signs them (not encoded twice).
 */
export async function referenceSignV4a(url, opts) {
  const { credentials, service, region, applyChecksum = false, signingDate = new Date() } = opts;
  const signer = new SignatureV4a({ credentials, service, region, sha256: Sha256, applyChecksum, uriEscapePath: service !== 's3' });
  const request = requestFor(url, opts);
  if (!opts.presign) return toFetch(url, await signer.sign(request, { signingDate }), opts);
  // @smithy/signature-v4a cannot presign: put the X-Amz-* parameters in the
  // query and let it sign the request with no header but host signed, the
  // payload UNSIGNED-PAYLOAD (S3's presigned rule); its signature then goes
  // in the query, and the headers it added are dropped.
  const longDate = amzDate(signingDate.getTime());
  Object.assign(request.query, {
    'X-Amz-Algorithm': ALGORITHM_IDENTIFIER_V4A,
    'X-Amz-Credential': `${credentials.accessKeyId}/${longDate.slice(0, 8)}/${service}/aws4_request`,
    'X-Amz-Date': longDate,
    'X-Amz-Expires': String(opts.expiresIn ?? 300),
    'X-Amz-Region-Set': region,
    'X-Amz-SignedHeaders': 'host',
    ...(credentials.sessionToken && { 'X-Amz-Security-Token': credentials.sessionToken }),
  });
  request.headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
  const unsignableHeaders = new Set([
    ...Object.keys(request.headers).map((name) => name.toLowerCase()).filter((name) => name !== 'host'),
    'x-amz-date', 'x-amz-region-set', 'x-amz-security-token',
  ]);
  const signed = await signer.sign(request, { signingDate, unsignableHeaders });
  const signature = /Signature=([0-9a-f]+)$/.exec(signed.headers.authorization)[1];
  return toFetch(withQuery(url, { ...request.query, 'X-Amz-Signature': signature }), { headers: opts.headers ?? {} }, opts);
}

function requestFor(url, { method = 'GET', headers = {}, body }) {
  const u = new URL(url);
  return {
    method,
    protocol: u.protocol,
    hostname: u.hostname,
    port: Number(u.port),
    path: u.pathname,
    query: queryOf(u),
    headers: { host: u.host, ...headers },
    body,
  };
}

/** `url` with its query replaced by a presigned one. */
function withQuery(url, query) {
  const u = new URL(url);
  const out = new URL(u.origin + u.pathname);
  for (const [k, v] of Object.entries(query)) for (const value of [].concat(v)) out.searchParams.append(k, value);
  return out.toString();
}

/** { url, init } for fetch: every signed header but host, which fetch sets. */
function toFetch(url, signed, { method = 'GET', body }) {
  const { host, ...sendHeaders } = signed.headers;
  return { url, init: { method, headers: sendHeaders, body } };
}
