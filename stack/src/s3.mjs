// S3, path style (`/<bucket>/<key>`: the host is 127.0.0.1), objects kept in
// memory: PUT, GET, HEAD and DELETE of single objects. Its signature check is
// S3's own (sigv4-verify.mjs, option s3): the canonical URI is built from the
// decoded key, not from the path as sent, and the payload hash is the one the
// client declared. Errors are S3's XML. Every answer past the signature check
// carries the key as this endpoint decoded it, URI-encoded, in x-iamfetch-s3-key,
// so tests can see which object a path named. Like S3's regional endpoints it
// takes SigV4 and SigV4a.
//
// Beside it, a Multi-Region Access Point (`mrap`) in front of the first bucket:
// in AWS its alias is the host, so the path is the key alone (`/<key>`), and
// the objects are the bucket's. It takes SigV4a only, with the config region
// as the one that serves it.
import { createHash } from 'node:crypto';
import { withCors } from './cors.mjs';
import { resourcePolicyAllows } from './lambda-url.mjs';
import { sha256Hex, xmlEscape } from './http-util.mjs';
import { decodeS3Path, verifySigV4, SigV4Error, SIGV4_ALGORITHM } from './sigv4-verify.mjs';
import { SIGV4A_ALGORITHM } from './sigv4a-verify.mjs';

const SIGNATURE_MISMATCH = 'The request signature we calculated does not match the signature you provided. Check your key and signing method.';
const HASH = /^[0-9a-f]{64}$/;

function sendError(ctx, status, code, message, fields = {}) {
  ctx.errorType = code;
  const extra = Object.entries(fields).map(([name, value]) => `<${name}>${xmlEscape(value)}</${name}>`).join('');
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${xmlEscape(message)}</Message>${extra}<RequestId>${ctx.requestId}</RequestId></Error>`;
  // A HEAD answer has no body: S3 then says it only with the status.
  ctx.send(status, { 'content-type': 'application/xml' }, ctx.method === 'HEAD' ? '' : body);
}

function renderFault(ctx, fault) {
  if (fault === 'throttle') return sendError(ctx, 503, 'SlowDown', 'Please reduce your request rate.');
  if (fault === 503) return sendError(ctx, 503, 'ServiceUnavailable', 'Service is unable to handle request.');
  return sendError(ctx, 500, 'InternalError', 'We encountered an internal error. Please try again.');
}

function renderSigV4Error(ctx, err, presigned) {
  switch (err.reason) {
    case 'missing':
      return sendError(ctx, 403, 'AccessDenied', 'Access Denied');
    case 'invalid-token':
      return sendError(ctx, 403, 'InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.');
    case 'expired-token':
      return sendError(ctx, 400, 'ExpiredToken', 'The provided token has expired.');
    case 'incomplete':
      if (err.supportedAlgorithms) {
        // S3's answer to a signature version a host does not take (SigV2 where
        // only SigV4 is), here to SigV4 at the Multi-Region Access Point.
        return sendError(ctx, 400, 'InvalidRequest', `The authorization mechanism you have provided is not supported. Please use ${err.supportedAlgorithms.join(' or ')}.`);
      }
      return malformed(ctx, presigned, err.message);
    default:
      if (err.canonicalRequest) {
        return sendError(ctx, 403, 'SignatureDoesNotMatch', SIGNATURE_MISMATCH, {
          AWSAccessKeyId: err.accessKeyId,
          StringToSign: err.stringToSign,
          SignatureProvided: err.signatureProvided,
          CanonicalRequest: err.canonicalRequest,
        });
      }
      if (err.expectedRegion) {
        // S3 names both regions (presigned: github.com/aws/aws-cli/issues/4338,
        // and for SigV4 at an MRAP served from another region,
        // github.com/boto/boto3/issues/4627). No source shows a SigV4a region
        // set that leaves the region out: answered the same way, set as sent.
        const message = presigned
          ? `Error parsing the X-Amz-Credential parameter; the region '${err.signedRegion}' is wrong; expecting '${err.expectedRegion}'`
          : `The authorization header is malformed; the region '${err.signedRegion}' is wrong; expecting '${err.expectedRegion}'`;
        return malformed(ctx, presigned, message, { Region: err.expectedRegion });
      }
      if (/^Signature (expired|not yet current)/.test(err.message)) {
        return presigned
          ? sendError(ctx, 403, 'AccessDenied', 'Request has expired')
          : sendError(ctx, 403, 'RequestTimeTooSkewed', 'The difference between the request time and the current time is too large.');
      }
      return malformed(ctx, presigned, err.message);
  }
}

function malformed(ctx, presigned, message, fields) {
  return sendError(ctx, 400, presigned ? 'AuthorizationQueryParametersError' : 'AuthorizationHeaderMalformed', message, fields);
}

/** The bucket name and key a regional path names: `/<bucket>/<key>`. */
function bucketAndKey(path) {
  const slash = path.indexOf('/', 1);
  return { bucketName: path.slice(1, slash === -1 ? undefined : slash), key: slash === -1 ? '' : path.slice(slash + 1) };
}

/**
 * The S3 endpoint and, when there is a bucket, the Multi-Region Access Point
 * in front of the first one, sharing its objects.
 * @param s3 { buckets: string[], invokers: principal ARNs }
 */
export function s3Endpoints(s3, config, store) {
  const buckets = new Map(s3.buckets.map((name) => [name, new Map()]));
  const shared = { policy: s3.invokers.map((principal) => ({ principal })), cors: s3.cors, buckets, config, store };
  const regional = objectEndpoint({
    ...shared,
    name: 's3',
    signing: { service: 's3', region: config.region },
    algorithms: [SIGV4_ALGORITHM, SIGV4A_ALGORITHM],
    locate: bucketAndKey,
  });
  if (!s3.buckets.length) return [regional];
  const multiRegion = objectEndpoint({
    ...shared,
    name: 'mrap',
    // SigV4a signs for a region set; '*' is what the SDKs send to an MRAP.
    signing: { service: 's3', region: '*' },
    algorithms: [SIGV4A_ALGORITHM],
    locate: (path) => ({ bucketName: s3.buckets[0], key: path.slice(1) }),
  });
  return [regional, multiRegion];
}

function objectEndpoint({ name, signing, algorithms, locate, policy, cors, buckets, config, store }) {
  async function handle(ctx) {
    const decoded = decodeS3Path(ctx.rawPath);
    if (!decoded) return sendError(ctx, 400, 'InvalidURI', "Couldn't parse the specified URI.", { URI: ctx.rawPath });
    const presigned = ctx.headers.authorization === undefined;
    const declared = ctx.headers['x-amz-content-sha256'];
    if (!presigned && declared === undefined) {
      return sendError(ctx, 400, 'InvalidRequest', 'Missing required header for this request: x-amz-content-sha256');
    }
    let caller;
    try {
      caller = await verifySigV4(ctx, { service: 's3', region: config.region, store, skewMinutes: 15, s3: true, algorithms });
    } catch (err) {
      if (err instanceof SigV4Error) return renderSigV4Error(ctx, err, presigned);
      throw err;
    }
    if (!resourcePolicyAllows(policy, caller.principal, ctx.headers)) return sendError(ctx, 403, 'AccessDenied', 'Access Denied');
    if (declared !== undefined && HASH.test(declared) && declared !== sha256Hex(ctx.body)) {
      return sendError(ctx, 400, 'XAmzContentSHA256Mismatch', "The provided 'x-amz-content-sha256' header does not match what was computed.", {
        ClientComputedContentSHA256: declared,
        S3ComputedContentSHA256: sha256Hex(ctx.body),
      });
    }

    const { bucketName, key } = locate(decoded.key);
    const objects = buckets.get(bucketName);
    if (!objects) return sendError(ctx, 404, 'NoSuchBucket', 'The specified bucket does not exist', { BucketName: bucketName });
    if (!key) return sendError(ctx, 405, 'MethodNotAllowed', 'This stack serves single objects only.');
    ctx.responseHeaders = { ...ctx.responseHeaders, 'x-iamfetch-s3-key': encodeURIComponent(key) };

    const object = objects.get(key);
    switch (ctx.method) {
      case 'PUT': {
        const etag = `"${createHash('md5').update(ctx.body).digest('hex')}"`;
        objects.set(key, { body: ctx.body, etag, contentType: ctx.headers['content-type'] ?? 'binary/octet-stream' });
        return ctx.send(200, { etag }, '');
      }
      case 'GET':
      case 'HEAD':
        if (!object) return sendError(ctx, 404, 'NoSuchKey', 'The specified key does not exist.', { Key: key });
        return ctx.send(200, { etag: object.etag, 'content-type': object.contentType, 'content-length': object.body.length }, ctx.method === 'HEAD' ? undefined : object.body);
      case 'DELETE':
        objects.delete(key);
        return ctx.send(204, {}, '');
      default:
        return sendError(ctx, 405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.');
    }
  }

  return withCors({ name, signing, handle, renderFault, requestIdHeader: 'x-amz-request-id' }, cors);
}
