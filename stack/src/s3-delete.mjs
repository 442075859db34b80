// DeleteObjects: POST /<bucket>?delete with <Delete><Object><Key>…</Key></Object>…
// <Quiet>…</Quiet></Delete>. S3 refuses it without Content-MD5 or an
// x-amz-checksum-* header ("Missing required header for this request:
// Content-MD5 OR x-amz-checksum-*", versity/versitygw#1040), checks the one
// sent against the body, deletes, and lists what it deleted unless Quiet.
// At most 1000 keys, as S3 (API_DeleteObjects).
import { HEX_SHA256, readBodyUpTo, xmlEscape } from './http-util.mjs';
import { BodyDigests, checkIntegrity, integrityRequest } from './s3-checksums.mjs';
import { S3Error } from './s3-errors.mjs';

const BODY_LIMIT = 2 * 1024 * 1024;
const MAX_KEYS = 1000;
const S3_NAMESPACE = 'http://s3.amazonaws.com/doc/2006-03-01/';

const malformedXml = () => new S3Error(400, 'MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema');

function unescapeXml(text) {
  return text.replace(/&(lt|gt|amp|apos|quot|#x[0-9a-fA-F]+|#\d+);/g, (_, entity) => {
    if (entity[0] === '#') return String.fromCodePoint(entity[1] === 'x' ? parseInt(entity.slice(2), 16) : Number(entity.slice(1)));
    return { lt: '<', gt: '>', amp: '&', apos: "'", quot: '"' }[entity];
  });
}

/**
 * The keys and Quiet flag of a Delete document. The shape is small and fixed,
 * so it is read with patterns rather than a general XML parser.
 */
export function parseDeleteRequest(xml) {
  const body = /^\s*(?:<\?xml[^>]*\?>\s*)?<Delete(?:\s+xmlns="[^"]*")?\s*>([\s\S]*)<\/Delete>\s*$/.exec(xml)?.[1];
  if (body === undefined) throw malformedXml();
  const keys = [];
  const rest = body.replace(/<Object>\s*<Key>([^<]*)<\/Key>(?:\s*<VersionId>[^<]*<\/VersionId>)?\s*<\/Object>/g, (_, key) => {
    keys.push(unescapeXml(key));
    return '';
  });
  const quiet = /^\s*(?:<Quiet>(true|false)<\/Quiet>)?\s*$/.exec(rest);
  if (!quiet || keys.length === 0 || keys.length > MAX_KEYS) throw malformedXml();
  return { keys, quiet: quiet[1] === 'true' };
}

/** Reads, checks and carries out a DeleteObjects request; answers its XML. */
export async function deleteObjects(ctx, { store, bucket }) {
  const integrity = integrityRequest(ctx.headers, { required: true });
  const { body, tooLarge } = await readBodyUpTo(ctx.req, BODY_LIMIT);
  if (tooLarge) throw new S3Error(400, 'MaxMessageLengthExceeded', 'Your request was too big.');
  const declared = ctx.headers['x-amz-content-sha256'];
  const digests = new BodyDigests({ checksumAlgorithm: integrity.checksum?.algorithm, sha256: HEX_SHA256.test(declared ?? '') });
  digests.update(body);
  const received = await digests.finish();
  if (received.sha256Hex !== undefined && received.sha256Hex !== declared) {
    throw new S3Error(400, 'XAmzContentSHA256Mismatch', "The provided 'x-amz-content-sha256' header does not match what was computed.", {
      ClientComputedContentSHA256: declared,
      S3ComputedContentSHA256: received.sha256Hex,
    });
  }
  checkIntegrity(integrity, received);
  const { keys, quiet } = parseDeleteRequest(body.toString('utf8'));
  // S3 reports a key as deleted whether or not it existed.
  for (const key of keys) store.delete(bucket, key);
  const deleted = quiet ? '' : keys.map((key) => `<Deleted><Key>${xmlEscape(key)}</Key></Deleted>`).join('');
  ctx.send(200, { 'content-type': 'application/xml' }, `<?xml version="1.0" encoding="UTF-8"?>\n<DeleteResult xmlns="${S3_NAMESPACE}">${deleted}</DeleteResult>`);
}
