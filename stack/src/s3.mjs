// S3, path style (`/<bucket>/<key>`: the host is 127.0.0.1): PUT (any size,
// read as a stream: s3-put.mjs), GET, HEAD and DELETE of single objects,
// DeleteObjects (s3-delete.mjs) and browser form uploads (s3-post.mjs), the
// objects in s3-objects.mjs. Its signature check is
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
import { withCors } from './cors.mjs';
import { resourcePolicyAllows } from './lambda-url.mjs';
import { HEX_SHA256, sha256Hex } from './http-util.mjs';
import { CHECKSUM_ALGORITHMS, checksumHeaders } from './s3-checksums.mjs';
import { deleteObjects } from './s3-delete.mjs';
import { S3Error, S3_SIGNATURE_MISMATCH, sendError, sendS3Error } from './s3-errors.mjs';
import { ObjectStore } from './s3-objects.mjs';
import { postObject } from './s3-post.mjs';
import { checkPutFraming, putObject } from './s3-put.mjs';
import { decodeS3Path, verifySigV4, SigV4Error, SIGV4_ALGORITHM } from './sigv4-verify.mjs';
import { SIGV4A_ALGORITHM } from './sigv4a-verify.mjs';

const CHECKSUM_NAMES = Object.keys(CHECKSUM_ALGORITHMS).map((a) => `x-amz-checksum-${a}`);
// What a browser sends and reads beyond the function URL's list: the
// integrity and aws-chunked request headers, and the answers' ETag, Location
// (POST) and checksums.
const S3_CORS_REQUEST_HEADERS = ['content-md5', 'content-encoding', 'x-amz-sdk-checksum-algorithm', 'x-amz-trailer', 'x-amz-decoded-content-length', 'x-amz-checksum-mode', ...CHECKSUM_NAMES];
const S3_CORS_EXPOSED_HEADERS = ['etag', 'location', 'x-amz-request-id', 'x-amz-version-id', ...CHECKSUM_NAMES];

/** The config's CORS with the S3 headers added to the lists it gives. */
function s3Cors(cors) {
  if (!cors) return cors;
  const add = (list, extra) => (list.includes('*') ? list : [...new Set([...list, ...extra])]);
  return {
    ...cors,
    AllowHeaders: add(cors.AllowHeaders ?? [], S3_CORS_REQUEST_HEADERS),
    ExposeHeaders: add(cors.ExposeHeaders ?? [], S3_CORS_EXPOSED_HEADERS),
  };
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
        return sendError(ctx, 403, 'SignatureDoesNotMatch', S3_SIGNATURE_MISMATCH, {
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
 * @param s3 { buckets: string[], invokers: principal ARNs, cors, memoryLimitBytes?, storeLimitBytes? }
 */
export function s3Endpoints(s3, config, store) {
  const objects = new ObjectStore(s3.buckets, { memoryLimit: s3.memoryLimitBytes, storeLimit: s3.storeLimitBytes });
  const shared = { policy: s3.invokers.map((principal) => ({ principal })), cors: s3Cors(s3.cors), objects, config, store };
  const regional = objectEndpoint({
    ...shared,
    name: 's3',
    signing: { service: 's3', region: config.region },
    algorithms: [SIGV4_ALGORITHM, SIGV4A_ALGORITHM],
    locate: bucketAndKey,
    forms: true,
  });
  // The temporary files go when the stack stops.
  regional.stop = () => objects.stop();
  regional.objects = objects;
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

/**
 * S3 wants every x-amz-* header signed; the integrity ones matter here, since
 * an unsigned one could be swapped on the way (x-amz-sdk-checksum-algorithm
 * included, as the S3 user guide says).
 */
function checkIntegrityHeadersSigned(headers, signedHeaderNames) {
  const names = [...checksumHeaders(headers).map(({ algorithm }) => `x-amz-checksum-${algorithm}`), 'x-amz-sdk-checksum-algorithm', 'x-amz-trailer'];
  const unsigned = names.filter((name) => headers[name] !== undefined && !signedHeaderNames.includes(name));
  if (unsigned.length) {
    throw new S3Error(403, 'AccessDenied', 'There were headers present in the request which were not signed', { HeadersNotSigned: unsigned.join(', ') });
  }
}

function objectEndpoint({ name, signing, algorithms, locate, policy, cors, objects, config, store, forms = false }) {
  const authorize = (principal, headers) => resourcePolicyAllows(policy, principal, headers);

  async function route(ctx) {
    const decoded = decodeS3Path(ctx.rawPath);
    if (!decoded) return sendError(ctx, 400, 'InvalidURI', "Couldn't parse the specified URI.", { URI: ctx.rawPath });
    const { bucketName, key } = locate(decoded.key);
    // A browser form upload carries its authority in the form, not in headers.
    if (forms && ctx.method === 'POST' && !key && ctx.query.delete === undefined && ctx.headers.authorization === undefined) {
      if (!objects.hasBucket(bucketName)) return sendError(ctx, 404, 'NoSuchBucket', 'The specified bucket does not exist', { BucketName: bucketName });
      return postObject(ctx, { bucket: bucketName, store: objects, credentialsStore: store, region: config.region, authorize: (principal) => authorize(principal, ctx.headers) });
    }
    if (ctx.method === 'PUT') checkPutFraming(ctx.headers);
    const presigned = ctx.headers.authorization === undefined;
    const declared = ctx.headers['x-amz-content-sha256'];
    if (!presigned && declared === undefined) {
      return sendError(ctx, 400, 'InvalidRequest', 'Missing required header for this request: x-amz-content-sha256');
    }
    const caller = await verifySigV4(ctx, { service: 's3', region: config.region, store, skewMinutes: 15, s3: true, algorithms });
    checkIntegrityHeadersSigned(ctx.headers, caller.signedHeaderNames);
    if (!authorize(caller.principal, ctx.headers)) return sendError(ctx, 403, 'AccessDenied', 'Access Denied');
    // Streamed bodies (PUT, POST) are hashed as they are read.
    if (!ctx.streamed && declared !== undefined && HEX_SHA256.test(declared) && declared !== sha256Hex(ctx.body)) {
      return sendError(ctx, 400, 'XAmzContentSHA256Mismatch', "The provided 'x-amz-content-sha256' header does not match what was computed.", {
        ClientComputedContentSHA256: declared,
        S3ComputedContentSHA256: sha256Hex(ctx.body),
      });
    }

    if (!objects.hasBucket(bucketName)) return sendError(ctx, 404, 'NoSuchBucket', 'The specified bucket does not exist', { BucketName: bucketName });
    if (!key) {
      if (ctx.method === 'POST' && ctx.query.delete !== undefined) return deleteObjects(ctx, { store: objects, bucket: bucketName });
      return sendError(ctx, 405, 'MethodNotAllowed', 'This stack serves single objects and DeleteObjects only.');
    }
    ctx.responseHeaders = { ...ctx.responseHeaders, 'x-iamfetch-s3-key': encodeURIComponent(key) };

    switch (ctx.method) {
      case 'PUT': {
        const headers = await putObject(ctx, { caller, secretOf: (id) => store.lookup(id).secretAccessKey, store: objects, bucket: bucketName, key });
        return ctx.send(200, headers, '');
      }
      case 'GET':
      case 'HEAD':
        return getObject(ctx, objects, bucketName, key);
      case 'DELETE':
        objects.delete(bucketName, key);
        return ctx.send(204, {}, '');
      default:
        return sendError(ctx, 405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.');
    }
  }

  async function handle(ctx) {
    try {
      await route(ctx);
    } catch (err) {
      if (err instanceof SigV4Error) return renderSigV4Error(ctx, err, ctx.headers.authorization === undefined);
      if (err instanceof S3Error) return sendS3Error(ctx, err);
      throw err;
    }
  }

  return withCors({
    name,
    signing,
    handle,
    renderFault,
    requestIdHeader: 'x-amz-request-id',
    // Object uploads, whatever their size, and POST forms are read as streams.
    streamBody: (ctx) => ctx.method === 'PUT' || ctx.method === 'POST',
  }, cors);
}

/** GET and HEAD; with x-amz-checksum-mode: ENABLED, the stored checksum too (as S3). */
function getObject(ctx, objects, bucket, key) {
  const object = objects.get(bucket, key);
  if (!object) return sendError(ctx, 404, 'NoSuchKey', 'The specified key does not exist.', { Key: key });
  const headers = { etag: object.etag, 'content-type': object.contentType, 'content-length': object.size };
  if (object.checksum && ctx.headers['x-amz-checksum-mode']?.toUpperCase() === 'ENABLED') {
    headers[`x-amz-checksum-${object.checksum.algorithm}`] = object.checksum.value;
  }
  if (ctx.method === 'HEAD') return ctx.send(200, headers);
  if (object.storage === 'memory') return ctx.send(200, headers, object.body);
  if (object.storage === 'metadata') {
    return sendError(ctx, 501, 'NotImplemented', `The local stack kept only the length, ETag and checksum of this object: it is over ${objects.storeLimit} bytes.`);
  }
  const res = ctx.writeHead(200, headers);
  objects.read(object).on('error', () => res.destroy()).pipe(res);
}
