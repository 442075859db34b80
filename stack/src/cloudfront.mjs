// A CloudFront distribution whose origin is a function URL, with Origin Access
// Control. Viewers send unsigned requests; CloudFront signs the origin request
// with its own service credentials (principal cloudfront.amazonaws.com) and
// forwards it. Like AWS it takes the payload hash of PUT and POST from the
// viewer's x-amz-content-sha256 and never hashes those bodies itself, so a
// POST without that header reaches Lambda signed over UNSIGNED-PAYLOAD and is
// refused there with InvalidSignatureException.
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '@aws-crypto/sha256-js';
import { sha256Hex } from './http-util.mjs';

// Never forwarded as received: hop-by-hop headers, the ones CloudFront sets
// itself, and the fault header (a fault applies where it is first seen).
const NOT_FORWARDED = new Set([
  'connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'proxy-connection',
  'host', 'via', 'content-length', 'user-agent', 'x-iamfetch-fault',
]);
// The viewer's own signature is dropped whenever CloudFront signs.
const SIGNATURE_HEADERS = ['authorization', 'x-amz-date', 'x-amz-security-token', 'x-amz-content-sha256'];

function renderFault(ctx, fault) {
  const status = fault === 'throttle' ? 429 : fault;
  ctx.errorType = { 429: 'Throttling', 500: 'InternalError', 502: 'OriginError', 503: 'ServiceUnavailable' }[status];
  ctx.send(status, { 'content-type': 'text/html', 'x-cache': 'Error from cloudfront' },
    `<HTML><HEAD><TITLE>ERROR</TITLE></HEAD><BODY><H1>${status} ERROR</H1><H2>The request could not be satisfied.</H2></BODY></HTML>\n`);
}

/**
 * @param distribution  normalized distribution config
 * @param originEndpoint the started function URL endpoint it fronts ({ url })
 * @param store          CredentialsStore (issues CloudFront's OAC credentials)
 */
export function cloudfrontEndpoint(distribution, config, store, originEndpoint) {
  const origin = new URL(originEndpoint.url);
  const domainSuffix = `${distribution.id.toLowerCase()}.cloudfront.net`;
  const credentials = store.issue(
    { kind: 'service', service: 'cloudfront.amazonaws.com', accountId: distribution.accountId, arn: null, userId: 'cloudfront.amazonaws.com' },
    Infinity,
  );
  const signer = new SignatureV4({ credentials, region: config.region, service: 'lambda', sha256: Sha256, applyChecksum: false });
  const agent = new http.Agent({ keepAlive: false });

  async function originHeaders(ctx) {
    const forwarded = {};
    for (const [name, value] of Object.entries(ctx.headers)) if (!NOT_FORWARDED.has(name)) forwarded[name] = value;
    const viewerSigned = ctx.headers.authorization !== undefined;
    if (distribution.signingBehavior === 'never' || (distribution.signingBehavior === 'no-override' && viewerSigned)) {
      return { ...forwarded, host: origin.host };
    }
    for (const name of SIGNATURE_HEADERS) delete forwarded[name];
    const payloadHash = ctx.method === 'POST' || ctx.method === 'PUT'
      ? ctx.headers['x-amz-content-sha256'] ?? 'UNSIGNED-PAYLOAD'
      : sha256Hex(ctx.body);
    const toSign = {
      method: ctx.method,
      protocol: 'http:',
      hostname: origin.hostname,
      port: Number(origin.port),
      path: ctx.rawPath,
      query: ctx.query,
      headers: {
        host: origin.host,
        'x-amz-content-sha256': payloadHash,
        'x-amz-source-arn': distribution.arn,
        'x-amz-source-account': distribution.accountId,
      },
    };
    const signed = await signer.sign(toSign, { signingDate: new Date(ctx.now()) });
    return { ...forwarded, ...signed.headers };
  }

  async function handle(ctx) {
    const cfId = randomBytes(42).toString('base64url').slice(0, 56);
    const headers = {
      ...(await originHeaders(ctx)),
      // Added after signing, as CloudFront does: `via` changes from hop to hop.
      via: `1.1 ${randomBytes(16).toString('hex')}.cloudfront.net (CloudFront)`,
      'x-amz-cf-id': cfId,
      'user-agent': 'Amazon CloudFront',
      'content-length': String(ctx.body.length),
    };
    const edgeHeaders = {
      via: `1.1 ${domainSuffix} (CloudFront)`,
      'x-amz-cf-pop': 'LOCAL1-C1',
      'x-amz-cf-id': cfId,
    };
    await new Promise((resolve) => {
      const upstream = http.request({
        host: origin.hostname, port: origin.port, method: ctx.method, path: ctx.req.url, headers, agent,
      }, (res) => {
        const headersOut = { ...res.headers, ...edgeHeaders };
        delete headersOut.connection;
        delete headersOut['transfer-encoding'];
        headersOut['x-cache'] = res.statusCode >= 400 ? 'Error from cloudfront' : 'Miss from cloudfront';
        ctx.errorType = res.headers['x-amzn-errortype'];
        ctx.writeHead(res.statusCode, headersOut);
        res.pipe(ctx.res);
        res.on('end', resolve);
        res.on('error', () => { ctx.res.destroy(); resolve(); });
      });
      upstream.on('error', () => {
        if (ctx.res.headersSent) ctx.res.destroy();
        else renderFault(ctx, 502);
        resolve();
      });
      ctx.res.on('close', () => upstream.destroy());
      upstream.end(ctx.body);
    });
  }

  return {
    name: 'cloudfront',
    signing: null,
    handle,
    renderFault,
    requestIdHeader: 'x-amz-cf-id',
    stop: () => agent.destroy(),
  };
}
