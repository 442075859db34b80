// A streaming multipart/form-data reader (RFC 7578) for S3's POST uploads:
// the fields before the file are collected, the file's bytes are handed on as
// they arrive, and whatever follows the file is skipped, as S3 ignores it. It
// holds at most one boundary's length of the file at a time.
import { S3Error } from './s3-errors.mjs';

const malformed = () => new S3Error(400, 'MalformedPOSTRequest', 'The body of your POST request is not well-formed multipart/form-data.');
const HEADERS_LIMIT = 16 * 1024;
const CRLF2 = Buffer.from('\r\n\r\n');

/** The boundary of a multipart/form-data Content-Type, or undefined. */
export function boundaryOf(contentType) {
  const m = /^multipart\/form-data\s*;(?:.*;)?\s*boundary=(?:"([^"]+)"|([^\s;]+))/i.exec(contentType ?? '');
  return m ? m[1] ?? m[2] : undefined;
}

function partOf(headerText) {
  const disposition = /^content-disposition:\s*form-data\s*;(.*)$/im.exec(headerText)?.[1];
  if (disposition === undefined) throw malformed();
  const param = (key) => {
    const m = new RegExp(`(?:^|;)\\s*${key}=(?:"((?:[^"\\\\]|\\\\.)*)"|([^;\\s]*))`, 'i').exec(disposition);
    // Browsers and fetch write '"', CR and LF in names as %22, %0D and %0A (HTML's form encoding).
    return m ? (m[1] ?? m[2]).replace(/\\(.)/g, '$1').replace(/%(22|0D|0A)/gi, (_, hex) => String.fromCharCode(parseInt(hex, 16))) : undefined;
  };
  const name = param('name');
  if (name === undefined) throw malformed();
  return { name, filename: param('filename'), contentType: /^content-type:\s*(.*)$/im.exec(headerText)?.[1]?.trim() };
}

/**
 * new MultipartReader(boundary, { fieldsLimit, onFile(fields, file), onFileData(bytes) })
 *   write(bytes) as the body arrives; end() at its end. onFile gets the fields
 *   before the file ([{ name, value }], in order) and { name, filename,
 *   contentType }, and may throw to refuse the upload. Throws S3Error.
 */
export class MultipartReader {
  #delimiter;
  #fieldsLimit;
  #onFile;
  #onFileData;
  #pending = Buffer.alloc(0);
  #state = 'preamble';
  #part;
  #value = [];
  #fieldsSize = 0;
  #fields = [];
  fileSize = 0;

  constructor(boundary, { fieldsLimit, onFile, onFileData }) {
    this.#delimiter = Buffer.from(`\r\n--${boundary}`);
    this.#fieldsLimit = fieldsLimit;
    this.#onFile = onFile;
    this.#onFileData = onFileData;
    // The first delimiter may open the body without the CRLF before it.
    this.#pending = Buffer.from('\r\n');
  }

  get fields() {
    return this.#fields;
  }

  write(bytes) {
    if (this.#state === 'skip') return;
    this.#pending = this.#pending.length ? Buffer.concat([this.#pending, bytes]) : bytes;
    while (this.#step());
  }

  /** @returns {boolean} whether the file was there, complete */
  end() {
    if (this.#state !== 'skip' && this.#state !== 'done') throw malformed();
    return this.#state === 'skip';
  }

  /** One move of the state machine; false when it needs more bytes. */
  #step() {
    const buf = this.#pending;
    switch (this.#state) {
      case 'preamble': {
        const at = buf.indexOf(this.#delimiter);
        if (at === -1) {
          this.#pending = buf.subarray(Math.max(0, buf.length - this.#delimiter.length + 1));
          return false;
        }
        this.#pending = buf.subarray(at + this.#delimiter.length);
        this.#state = 'after-delimiter';
        return true;
      }
      case 'after-delimiter': {
        if (buf.length < 2) return false;
        const next = buf.subarray(0, 2).toString('latin1');
        this.#pending = buf.subarray(2);
        if (next === '--') {
          this.#state = 'done';
          return false;
        }
        if (next !== '\r\n') throw malformed();
        this.#state = 'headers';
        return true;
      }
      case 'headers': {
        const at = buf.indexOf(CRLF2);
        if (at === -1) {
          if (buf.length > HEADERS_LIMIT) throw malformed();
          return false;
        }
        this.#part = partOf(buf.subarray(0, at).toString('utf8'));
        this.#pending = buf.subarray(at + 4);
        if (this.#part.name.toLowerCase() === 'file') {
          this.#onFile(this.#fields, this.#part);
          this.#state = 'file';
        } else {
          this.#value = [];
          this.#state = 'field';
        }
        return true;
      }
      case 'field':
      case 'file': {
        const at = buf.indexOf(this.#delimiter);
        // Up to the delimiter, or all but what could be its start.
        const end = at === -1 ? Math.max(0, buf.length - this.#delimiter.length + 1) : at;
        if (end > 0) this.#content(buf.subarray(0, end));
        this.#pending = buf.subarray(at === -1 ? end : at + this.#delimiter.length);
        if (at === -1) return false;
        if (this.#state === 'file') {
          this.#state = 'skip';
          return false;
        }
        this.#fields.push({ name: this.#part.name, value: Buffer.concat(this.#value).toString('utf8') });
        this.#state = 'after-delimiter';
        return true;
      }
      default:
        return false;
    }
  }

  #content(bytes) {
    if (this.#state === 'file') {
      this.fileSize += bytes.length;
      this.#onFileData(bytes);
      return;
    }
    this.#fieldsSize += bytes.length;
    if (this.#fieldsSize > this.#fieldsLimit) {
      throw new S3Error(400, 'MaxPostPreDataLengthExceededError', 'Your POST request fields preceding the upload file were too large.');
    }
    this.#value.push(bytes);
  }
}
