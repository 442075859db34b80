// S3's error answer: the status, and an XML body with Code, Message, the
// extra elements each error carries (ProposedSize, ExpectedDigest, ...) and
// the request id. The S3 modules throw S3Error and the endpoint renders it.
import { xmlEscape } from './http-util.mjs';

/** S3's wording, which differs from the other services'. */
export const S3_SIGNATURE_MISMATCH = 'The request signature we calculated does not match the signature you provided. Check your key and signing method.';

export class S3Error extends Error {
  /**
   * @param {number} status
   * @param {string} code      S3's Code
   * @param {string} message   S3's Message
   * @param {object} [fields]  further elements, in order
   */
  constructor(status, code, message, fields = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.fields = fields;
  }
}

export function sendError(ctx, status, code, message, fields = {}) {
  ctx.errorType = code;
  const extra = Object.entries(fields).map(([name, value]) => `<${name}>${xmlEscape(value)}</${name}>`).join('');
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${xmlEscape(message)}</Message>${extra}<RequestId>${ctx.requestId}</RequestId></Error>`;
  // A HEAD answer has no body: S3 then says it only with the status.
  ctx.send(status, { 'content-type': 'application/xml' }, ctx.method === 'HEAD' ? '' : body);
}

export function sendS3Error(ctx, err) {
  return sendError(ctx, err.status, err.code, err.message, err.fields);
}
