// A reference SigV4 client signer for tests and other suites: the AWS SDK's
// (@smithy/signature-v4), never iamfetch's, so it can serve as an oracle for
// iamfetch's own signatures and sign requests while iamfetch is being built.
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '@aws-crypto/sha256-js';

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
  const u = new URL(url);
  const { method = 'GET', headers = {}, body, credentials, service, region, signingDate = new Date(), applyChecksum = false } = opts;
  const signer = new SignatureV4({ credentials, service, region, sha256: Sha256, applyChecksum });
  const request = {
    method,
    protocol: u.protocol,
    hostname: u.hostname,
    port: Number(u.port),
    path: u.pathname,
    query: queryOf(u),
    headers: { host: u.host, ...headers },
    body,
  };
  if (opts.presign) {
    const presigned = await signer.presign(request, { signingDate, expiresIn: opts.expiresIn ?? 300 });
    const out = new URL(u.origin + u.pathname);
    for (const [k, v] of Object.entries(presigned.query)) for (const value of [].concat(v)) out.searchParams.append(k, value);
    const { host, ...sendHeaders } = presigned.headers;
    return { url: out.toString(), init: { method, headers: sendHeaders, body } };
  }
  const signed = await signer.sign(request, { signingDate });
  const { host, ...sendHeaders } = signed.headers;
  return { url: u.toString(), init: { method, headers: sendHeaders, body } };
}
