// PutObject with its body read as a stream, whatever its size: a hex
// x-amz-content-sha256 is hashed as it arrives, aws-chunked bodies are decoded
// and their chunk signatures checked (s3-chunked.mjs), and the checksums the
// request declared are computed on the decoded bytes (s3-checksums.mjs).
// Nothing is stored unless every check passes.
// Sources: 501 NotImplemented for Transfer-Encoding (Automattic/knox#43,
// aws/aws-sdk-js-v3#3403); the x-amz-content-sha256 InvalidArgument text
// (irods/irods_resource_plugin_s3#1833).
import { HEX_SHA256, consumeBody } from './http-util.mjs';
import { AwsChunkedDecoder, deriveSigningKey } from './s3-chunked.mjs';
import { BodyDigests, checkIntegrity, integrityRequest } from './s3-checksums.mjs';
import { S3Error } from './s3-errors.mjs';
import { SIGV4_ALGORITHM } from './sigv4-verify.mjs';

/** How the body is framed and signed, from x-amz-content-sha256. */
const PAYLOADS = {
  'UNSIGNED-PAYLOAD': { chunked: false },
  'STREAMING-AWS4-HMAC-SHA256-PAYLOAD': { chunked: true, signed: true, trailer: false },
  'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER': { chunked: true, signed: true, trailer: true },
  'STREAMING-UNSIGNED-PAYLOAD-TRAILER': { chunked: true, signed: false, trailer: true },
};

function payloadOf(declared) {
  if (HEX_SHA256.test(declared)) return { chunked: false, sha256: declared };
  const payload = PAYLOADS[declared];
  if (!payload) {
    throw new S3Error(400, 'InvalidArgument', 'x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, or a valid sha256 value.', {
      ArgumentName: 'x-amz-content-sha256',
      ArgumentValue: declared,
    });
  }
  return payload;
}

/** Transfer-Encoding and a missing Content-Length, refused before anything is read. */
export function checkPutFraming(headers) {
  const transferEncoding = headers['transfer-encoding'];
  if (transferEncoding !== undefined && transferEncoding.toLowerCase() !== 'identity') {
    throw new S3Error(501, 'NotImplemented', 'A header you provided implies functionality that is not implemented', { Header: 'Transfer-Encoding' });
  }
  if (headers['content-length'] === undefined) {
    throw new S3Error(411, 'MissingContentLength', 'You must provide the Content-Length HTTP header.');
  }
}

function decodedLengthOf(headers) {
  const text = headers['x-amz-decoded-content-length'];
  if (text === undefined) throw new S3Error(411, 'MissingContentLength', 'You must provide the Content-Length HTTP header.');
  if (!/^\d{1,16}$/.test(text)) {
    throw new S3Error(400, 'InvalidArgument', 'x-amz-decoded-content-length must be a non-negative integer.', { ArgumentName: 'x-amz-decoded-content-length', ArgumentValue: text });
  }
  return Number(text);
}

/**
 * Receives a PUT body and stores the object.
 * @param ctx       the request (server.mjs), body not read yet
 * @param caller    what verifySigV4 returned
 * @param secretOf  (accessKeyId) => secret, to derive the chunk signing key
 * @param store     ObjectStore, bucket and key
 * @returns {Promise<object>} response headers (etag, x-amz-checksum-*)
 */
export async function putObject(ctx, { caller, secretOf, store, bucket, key }) {
  const { headers } = ctx;
  const declared = headers['x-amz-content-sha256'] ?? 'UNSIGNED-PAYLOAD';
  const payload = payloadOf(declared);
  const trailer = payload.trailer ? headers['x-amz-trailer']?.trim().toLowerCase() : undefined;
  if (payload.trailer && !trailer) throw new S3Error(400, 'MalformedTrailerError', 'The request contained trailing data that was not well-formed or did not conform to our published schema.');
  const integrity = integrityRequest(headers, { trailer });
  const digests = new BodyDigests({ checksumAlgorithm: integrity.checksum?.algorithm, sha256: payload.sha256 !== undefined });
  const upload = store.newUpload();
  const onData = (data) => {
    digests.update(data);
    upload.push(data);
  };

  let decoder;
  if (payload.chunked) {
    if (payload.signed && (caller.presigned || caller.algorithm !== SIGV4_ALGORITHM)) {
      throw new S3Error(400, 'InvalidArgument', `${declared} needs a SigV4 Authorization header.`, { ArgumentName: 'x-amz-content-sha256', ArgumentValue: declared });
    }
    const signing = payload.signed && {
      signingKey: deriveSigningKey(secretOf(caller.accessKeyId), caller.longDate.slice(0, 8), ...caller.scope.split('/').slice(1, 3)),
      amzDate: caller.longDate,
      scope: caller.scope,
      seedSignature: caller.signature,
    };
    // Equal chunks are iamfetch's promise for signed chunks; the SDKs' unsigned
    // trailers send chunks as their streams give them, which S3 takes.
    decoder = new AwsChunkedDecoder({ signing: signing || null, trailer, decodedLength: decodedLengthOf(headers), onData, equalChunks: payload.signed });
  }

  try {
    const failure = await consumeBody(ctx.req, async (piece) => {
      if (decoder) decoder.write(piece);
      else onData(piece);
      await upload.flushed();
    });
    if (failure) throw failure;
    const trailers = decoder ? decoder.end().trailers : {};
    const received = await digests.finish();
    if (payload.sha256 !== undefined && received.sha256Hex !== payload.sha256) {
      throw new S3Error(400, 'XAmzContentSHA256Mismatch', "The provided 'x-amz-content-sha256' header does not match what was computed.", {
        ClientComputedContentSHA256: payload.sha256,
        S3ComputedContentSHA256: received.sha256Hex,
      });
    }
    checkIntegrity(integrity, received, trailer && trailers[trailer]?.trim());
    const etag = `"${received.md5.toString('hex')}"`;
    store.put(bucket, key, await upload.commit({
      etag,
      contentType: headers['content-type'] ?? 'binary/octet-stream',
      checksum: received.checksum,
    }));
    const answer = { etag };
    if (received.checksum) answer[`x-amz-checksum-${received.checksum.algorithm}`] = received.checksum.value;
    return answer;
  } catch (err) {
    upload.abort();
    throw err;
  }
}
