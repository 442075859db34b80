// PostObject: a browser form (multipart/form-data) posted to /<bucket>, its
// authority a POST policy the form carries (base64 JSON {expiration,
// conditions}) signed with the SigV4 signing key: x-amz-signature = hex
// HMAC-SHA256(signing key, policy as sent). Checked as S3 does: signature,
// credentials, expiry, every condition, no field outside the conditions, then
// the size against content-length-range.
// Sources: "Creating a POST policy" (sigv4-HTTPPOSTConstructPolicy) and
// "POST Object" (RESTObjectPOST) in the S3 API reference; S3's answers quoted
// in issues: "Invalid according to Policy: Policy Condition failed: [...]"
// (waynehoover/s3_direct_upload#107, tj/node-s3-policy#8), "Extra input fields:
// bucket" (aws/aws-sdk-php#3292), EntityTooLarge with ProposedSize and
// MaxSizeAllowed (infinitered/apisauce#245), sivchari/kumo#935 and #936.
// The form is read as a stream (multipart.mjs): the policy is checked when the
// file part begins, and the file goes to the object store as it arrives.
import { consumeBody, xmlEscape } from './http-util.mjs';
import { MultipartReader, boundaryOf } from './multipart.mjs';
import { deriveSigningKey, signString } from './s3-chunked.mjs';
import { BodyDigests } from './s3-checksums.mjs';
import { S3Error, S3_SIGNATURE_MISMATCH } from './s3-errors.mjs';
import { SIGV4_ALGORITHM, checkCredentials } from './sigv4-verify.mjs';

// S3 takes up to 20 KB of fields before the file (RESTObjectPOST).
const FIELDS_LIMIT = 20 * 1024;
const NOT_CHECKED = new Set(['policy', 'x-amz-signature', 'file']);
const SIGNING_FIELDS = ['x-amz-algorithm', 'x-amz-credential', 'x-amz-date', 'x-amz-signature'];

const missingField = (name) => new S3Error(400, 'InvalidArgument', `Bucket POST must contain a field named '${name}'.  If it is specified, please check the order of the fields.`, { ArgumentName: name, ArgumentValue: '' });
const denied = (why) => new S3Error(403, 'AccessDenied', `Invalid according to Policy: ${why}`);
const invalidPolicy = (why) => new S3Error(400, 'InvalidPolicyDocument', `Invalid Policy: ${why}`);

/** A condition as S3 prints it: ["starts-with", "$key", "uploads/"]. */
const render = (items) => `[${items.map((item) => JSON.stringify(item)).join(', ')}]`;

/** The principal whose signature the form carries, once the signature holds. */
function verifyFormSignature(fields, { credentialsStore, region, now }) {
  for (const name of SIGNING_FIELDS) if (!fields.has(name)) throw missingField(name);
  const value = (name) => fields.get(name)?.value;
  if (value('x-amz-algorithm') !== SIGV4_ALGORITHM) {
    throw new S3Error(400, 'InvalidArgument', `Unsupported x-amz-algorithm: '${value('x-amz-algorithm')}'`, { ArgumentName: 'x-amz-algorithm', ArgumentValue: value('x-amz-algorithm') });
  }
  const [accessKeyId, date, scopeRegion, service, terminator, ...extra] = value('x-amz-credential').split('/');
  const longDate = value('x-amz-date');
  if (extra.length || terminator !== 'aws4_request' || service !== 's3' || scopeRegion !== region || date !== longDate.slice(0, 8)) {
    throw new S3Error(400, 'InvalidArgument', `Invalid x-amz-credential: the scope must be <date of x-amz-date>/${region}/s3/aws4_request.`, { ArgumentName: 'x-amz-credential' });
  }
  const record = checkCredentials(credentialsStore, accessKeyId, value('x-amz-security-token'), now);
  const policy = value('policy');
  const expected = signString(deriveSigningKey(record.secretAccessKey, date, region, 's3'), policy);
  if (expected !== value('x-amz-signature')) {
    throw new S3Error(403, 'SignatureDoesNotMatch', S3_SIGNATURE_MISMATCH, { AWSAccessKeyId: accessKeyId, StringToSign: policy, SignatureProvided: value('x-amz-signature') });
  }
  return record.principal;
}

function decodePolicy(text, now) {
  let policy;
  try {
    policy = JSON.parse(Buffer.from(text, 'base64').toString('utf8'));
  } catch {
    throw invalidPolicy('Invalid JSON.');
  }
  const expiration = Date.parse(policy?.expiration);
  if (typeof policy?.expiration !== 'string' || Number.isNaN(expiration)) throw invalidPolicy('Policy missing expiration.');
  if (!Array.isArray(policy.conditions)) throw invalidPolicy('Policy missing conditions.');
  if (now >= expiration) throw denied('Policy expired.');
  return policy.conditions;
}

/**
 * Checks each condition in order; returns the size bounds and the names the
 * conditions cover. `valueOf(name)` is a field's value ('' when absent).
 */
function checkConditions(conditions, valueOf) {
  const covered = new Set();
  let range;
  for (const condition of conditions) {
    let op;
    let field;
    let expected;
    if (condition && typeof condition === 'object' && !Array.isArray(condition) && Object.keys(condition).length === 1) {
      [[field, expected]] = Object.entries(condition);
      op = 'eq';
      field = `$${field}`;
    } else if (Array.isArray(condition) && String(condition[0]).toLowerCase() === 'content-length-range'
      && condition.length === 3 && Number.isInteger(condition[1]) && Number.isInteger(condition[2])) {
      range = { min: condition[1], max: condition[2] };
      continue;
    } else if (Array.isArray(condition) && condition.length === 3) {
      [op, field, expected] = condition;
    }
    const name = typeof field === 'string' && field.startsWith('$') ? field.slice(1).toLowerCase() : undefined;
    const kind = String(op).toLowerCase();
    const shown = Array.isArray(condition) ? condition : [op, field, expected];
    if (!name || typeof expected !== 'string' || (kind !== 'eq' && kind !== 'starts-with')) {
      throw denied(`Policy Condition failed: ${render(shown)}`);
    }
    const actual = valueOf(name);
    // A Content-Type may list several types; each must have the prefix.
    const values = kind === 'starts-with' && name === 'content-type' ? actual.split(',').map((v) => v.trim()) : [actual];
    const holds = values.every((v) => (kind === 'eq' ? v === expected : v.startsWith(expected)));
    if (!holds) throw denied(`Policy Condition failed: ${render(shown)}`);
    covered.add(name);
  }
  return { covered, range };
}

const notMultipart = () => new S3Error(412, 'PreconditionFailed', 'Bucket POST must be of the enclosure-type multipart/form-data.', { Condition: 'Bucket POST must be of the enclosure-type multipart/form-data' });
const noFile = () => new S3Error(400, 'InvalidArgument', 'POST requires exactly one file upload per request.', { ArgumentName: 'file', ArgumentValue: 0 });

/**
 * Everything S3 checks before the file's bytes, once the fields before it are
 * known: the signature, the principal, the policy and its conditions.
 * @returns {{ key, range?, contentType?, fields: Map }}
 */
function acceptForm(list, filename, { bucket, credentialsStore, region, authorize, now }) {
  const fields = new Map();
  for (const { name, value } of list) if (!fields.has(name.toLowerCase())) fields.set(name.toLowerCase(), { name, value });
  if (!fields.has('key')) throw missingField('key');
  if (!fields.has('policy')) throw new S3Error(403, 'AccessDenied', 'Access Denied');
  const principal = verifyFormSignature(fields, { credentialsStore, region, now });
  if (!authorize(principal)) throw new S3Error(403, 'AccessDenied', 'Access Denied');
  const conditions = decodePolicy(fields.get('policy').value, now);

  const key = fields.get('key').value.replaceAll('${filename}', filename ?? '');
  const valueOf = (name) => {
    if (name === 'bucket') return bucket;
    if (name === 'key') return key;
    return fields.get(name)?.value ?? '';
  };
  const { covered, range } = checkConditions(conditions, valueOf);
  const extra = [...fields.values()].filter(({ name }) => {
    const lower = name.toLowerCase();
    return !NOT_CHECKED.has(lower) && !lower.startsWith('x-ignore-') && !covered.has(lower);
  });
  if (extra.length) throw denied(`Extra input fields: ${extra.map(({ name }) => name).join(', ')}`);
  return { key, range, fields };
}

/**
 * Receives a POST form upload and stores the object.
 * @param o.bucket, o.store       where it goes (ObjectStore)
 * @param o.credentialsStore, o.region
 * @param o.authorize   (principal) => boolean, the bucket's policy
 */
export async function postObject(ctx, { bucket, store, credentialsStore, region, authorize }) {
  const boundary = boundaryOf(ctx.headers['content-type']);
  if (!boundary) throw notMultipart();
  const now = ctx.now();
  let form;
  let tooLarge = false;
  const digests = new BodyDigests();
  const upload = store.newUpload();
  const reader = new MultipartReader(boundary, {
    fieldsLimit: FIELDS_LIMIT,
    onFile: (fields, file) => {
      form = acceptForm(fields, file.filename, { bucket, credentialsStore, region, authorize, now });
    },
    onFileData: (bytes) => {
      // Past the range the bytes are counted, for ProposedSize, and dropped.
      if (tooLarge) return;
      if (form.range && reader.fileSize > form.range.max) {
        tooLarge = true;
        upload.abort();
        return;
      }
      digests.update(bytes);
      upload.push(bytes);
    },
  });
  try {
    const failure = await consumeBody(ctx.req, async (piece) => {
      reader.write(piece);
      await upload.flushed();
    });
    if (failure) throw failure;
    if (!reader.end()) {
      if (!reader.fields.some(({ name }) => name.toLowerCase() === 'key')) throw missingField('key');
      throw noFile();
    }
    const size = reader.fileSize;
    if (tooLarge) {
      throw new S3Error(400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size', { ProposedSize: size, MaxSizeAllowed: form.range.max });
    }
    if (form.range && size < form.range.min) {
      throw new S3Error(400, 'EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed size', { ProposedSize: size, MinSizeAllowed: form.range.min });
    }
    const etag = `"${(await digests.finish()).md5.toString('hex')}"`;
    store.put(bucket, form.key, await upload.commit({ etag, contentType: form.fields.get('content-type')?.value ?? 'binary/octet-stream' }));
    return answer(ctx, { bucket, key: form.key, etag, fields: form.fields });
  } catch (err) {
    upload.abort();
    throw err;
  }
}

/** S3's answer to a stored form upload: a redirect, 201 with XML, 200 or 204. */
function answer(ctx, { bucket, key, etag, fields }) {
  const location = `http://${ctx.headers.host}/${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;
  // success_action_redirect (or the older redirect) wins over the status: a
  // 303 to it with the bucket, key and ETag in the query.
  const redirect = (fields.get('success_action_redirect') ?? fields.get('redirect'))?.value;
  if (redirect && URL.canParse(redirect)) {
    const target = new URL(redirect);
    for (const [name, value] of Object.entries({ bucket, key, etag })) target.searchParams.append(name, value);
    return ctx.send(303, { etag, location: target.href }, '');
  }
  const headers = { etag, location };
  const status = fields.get('success_action_status')?.value;
  if (status === '201') {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<PostResponse><Location>${xmlEscape(location)}</Location><Bucket>${xmlEscape(bucket)}</Bucket><Key>${xmlEscape(key)}</Key><ETag>${xmlEscape(etag)}</ETag></PostResponse>`;
    return ctx.send(201, { ...headers, 'content-type': 'application/xml' }, xml);
  }
  return ctx.send(status === '200' ? 200 : 204, headers, '');
}
