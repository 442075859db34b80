// aws-chunked request bodies as S3 decodes them: the framing parsed as bytes
// arrive, every chunk signature and the trailer signature recomputed with a
// signing key derived here (node:crypto's HMAC chain from the secret), and the
// decoded length and chunk sizes held to S3's rules. Pure: no I/O, so a test
// can drive it with AWS's worked examples byte for byte.
//
//   <hex size>;chunk-signature=<sig>\r\n<data>\r\n ... 0;chunk-signature=<sig>\r\n
//   then "\r\n", or trailer lines "name:value\r\n", x-amz-trailer-signature:<sig>\r\n, "\r\n"
//
// Unsigned trailers (STREAMING-UNSIGNED-PAYLOAD-TRAILER) have the same framing
// without the signatures.
// Sources: "Signature Calculations for the Authorization Header: Transferring
// Payload in Multiple Chunks" (docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html)
// and "... Including Trailing Headers" (sigv4-streaming-trailers.html); S3's
// InvalidChunkSizeError with Chunk and BadChunkSize (versity/versitygw#1683),
// IncompleteBody with NumberBytesExpected and NumberBytesProvided
// (versity/versitygw#1684), "The request body terminated unexpectedly"
// (aws/aws-sdk-java-v2#2908).
import { createHash, createHmac } from 'node:crypto';
import { sha256Hex } from './http-util.mjs';
import { S3Error, S3_SIGNATURE_MISMATCH } from './s3-errors.mjs';

export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const MIN_CHUNK_SIZE = 8192;
// A chunk header is a hex size and one 64-character signature: anything much
// longer is not aws-chunked, and must not make the stack buffer without end.
const MAX_LINE = 4096;
const SIGNATURE = /^[0-9a-f]{64}$/;

const hmac = (key, text) => createHmac('sha256', key).update(text).digest();

/** SigV4's signing key: HMAC chain "AWS4"+secret → date → region → service → "aws4_request". */
export function deriveSigningKey(secretAccessKey, date, region, service) {
  return hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, date), region), service), 'aws4_request');
}

/** The string to sign of one chunk (data hashed by the caller). */
export function chunkStringToSign({ amzDate, scope, previousSignature, chunkSha256 }) {
  return `AWS4-HMAC-SHA256-PAYLOAD\n${amzDate}\n${scope}\n${previousSignature}\n${EMPTY_SHA256}\n${chunkSha256}`;
}

/** The string to sign of the trailer: its lines as "name:value\n", hashed. */
export function trailerStringToSign({ amzDate, scope, previousSignature, trailerLines }) {
  return `AWS4-HMAC-SHA256-TRAILER\n${amzDate}\n${scope}\n${previousSignature}\n${sha256Hex(trailerLines)}`;
}

export function signString(signingKey, stringToSign) {
  return createHmac('sha256', signingKey).update(stringToSign).digest('hex');
}

const truncated = () => new S3Error(400, 'IncompleteBody', 'The request body terminated unexpectedly');
// No source gives S3's answer to framing that is not aws-chunked at all; this
// is the stack's own wording.
const malformed = (detail) => new S3Error(400, 'InvalidRequest', `Malformed aws-chunked body: ${detail}`);
const malformedTrailer = () => new S3Error(400, 'MalformedTrailerError', 'The request contained trailing data that was not well-formed or did not conform to our published schema.');
const mismatch = (stringToSign, signatureProvided) => new S3Error(403, 'SignatureDoesNotMatch', S3_SIGNATURE_MISMATCH, { StringToSign: stringToSign, SignatureProvided: signatureProvided });

/**
 * Decodes an aws-chunked body fed in pieces of any size.
 *   const decoder = new AwsChunkedDecoder({ signing, trailer, decodedLength, onData });
 *   decoder.write(bytes) ... ; const { trailers } = decoder.end();
 * Each throws S3Error at the first byte that breaks a rule.
 * @param {object} o
 * @param {{ signingKey: Buffer, amzDate: string, scope: string, seedSignature: string } | null} o.signing
 *   null: unsigned chunks (STREAMING-UNSIGNED-PAYLOAD-TRAILER)
 * @param {string} [o.trailer]   the trailing header x-amz-trailer names (lower case); none: no trailer
 * @param {number} o.decodedLength   x-amz-decoded-content-length
 * @param {(data: Buffer) => void} o.onData   the decoded bytes, in order
 * @param {boolean} [o.equalChunks]   every chunk but the last the same size (default true)
 */
export class AwsChunkedDecoder {
  #signing;
  #trailer;
  #decodedLength;
  #onData;
  #equalChunks;
  #state = 'header';
  #line = [];
  #lineLength = 0;
  #remaining = 0;
  #chunkHash;
  #chunkSignature;
  #previousSignature;
  #chunkIndex = 0;
  #firstSize;
  #previousSize;
  #trailerLines = [];
  #crlf = 0;
  decoded = 0;

  constructor({ signing, trailer, decodedLength, onData, equalChunks = true }) {
    this.#signing = signing;
    this.#trailer = trailer;
    this.#decodedLength = decodedLength;
    this.#onData = onData;
    this.#equalChunks = equalChunks;
    this.#previousSignature = signing?.seedSignature;
  }

  write(bytes) {
    let at = 0;
    while (at < bytes.length) {
      switch (this.#state) {
        case 'data': {
          const take = Math.min(this.#remaining, bytes.length - at);
          const data = bytes.subarray(at, at + take);
          this.#chunkHash?.update(data);
          this.#onData(data);
          this.#remaining -= take;
          at += take;
          if (this.#remaining === 0) this.#state = 'data-end';
          break;
        }
        case 'data-end':
          // The CRLF after a chunk's data, one byte at a time as it may be split.
          if (bytes[at++] !== (this.#crlf === 0 ? 0x0d : 0x0a)) throw malformed('chunk data is not followed by CRLF');
          if (++this.#crlf === 2) {
            this.#crlf = 0;
            this.#verifyChunk(this.#chunkHash?.digest('hex'));
            this.#state = 'header';
          }
          break;
        case 'done':
          throw malformed('data after the end of the body');
        default:
          at = this.#readLine(bytes, at);
      }
    }
  }

  /** @returns {{ trailers: Record<string, string>, decodedLength: number }} */
  end() {
    if (this.#state !== 'done') throw truncated();
    return { trailers: Object.fromEntries(this.#trailerLines), decodedLength: this.decoded };
  }

  /** Collects a CRLF-terminated line (header or trailer), then acts on it. */
  #readLine(bytes, at) {
    const lf = bytes.indexOf(0x0a, at);
    const end = lf === -1 ? bytes.length : lf + 1;
    this.#lineLength += end - at;
    if (this.#lineLength > MAX_LINE) throw this.#state === 'header' ? malformed('chunk header too long') : malformedTrailer();
    this.#line.push(bytes.subarray(at, end));
    if (lf !== -1) {
      const line = Buffer.concat(this.#line).toString('latin1');
      this.#line = [];
      this.#lineLength = 0;
      if (!line.endsWith('\r\n')) throw this.#state === 'header' ? malformed('chunk header does not end with CRLF') : malformedTrailer();
      this.#onLine(line.slice(0, -2));
    }
    return end;
  }

  #onLine(line) {
    if (this.#state === 'header') return this.#onChunkHeader(line);
    if (this.#state === 'last-crlf') {
      if (line !== '') throw malformed('no CRLF after the final chunk');
      this.#state = 'done';
      return;
    }
    // Trailer lines, up to the empty line that ends the body.
    if (line !== '') {
      const colon = line.indexOf(':');
      if (colon <= 0) throw malformedTrailer();
      this.#trailerLines.push([line.slice(0, colon).toLowerCase(), line.slice(colon + 1)]);
      return;
    }
    this.#verifyTrailer();
    this.#state = 'done';
  }

  #onChunkHeader(line) {
    const semicolon = line.indexOf(';');
    const sizeText = semicolon === -1 ? line : line.slice(0, semicolon);
    if (!/^[0-9a-fA-F]{1,16}$/.test(sizeText)) throw malformed('chunk size is not hex');
    const size = parseInt(sizeText, 16);
    if (this.#signing) {
      const m = /^chunk-signature=(.*)$/.exec(semicolon === -1 ? '' : line.slice(semicolon + 1));
      if (!m) throw malformed('chunk without chunk-signature');
      this.#chunkSignature = m[1];
    }
    this.#chunkIndex++;
    if (size > 0) this.#checkSizes(size);
    this.decoded += size;
    if (this.decoded > this.#decodedLength) throw this.#lengthMismatch();
    if (size === 0) {
      this.#verifyChunk(EMPTY_SHA256);
      if (this.decoded !== this.#decodedLength) throw this.#lengthMismatch();
      this.#state = this.#trailer ? 'trailer' : 'last-crlf';
      return;
    }
    this.#remaining = size;
    this.#chunkHash = this.#signing ? createHash('sha256') : undefined;
    this.#state = 'data';
  }

  /**
   * Only the last chunk may be under 8 KiB; S3 names the chunk after the short
   * one, with the short one's size. S3's documentation allows chunks of varying
   * sizes; iamfetch promises equal ones, so the stack also holds it to that.
   */
  #checkSizes(size) {
    const previous = this.#previousSize;
    this.#firstSize ??= size;
    this.#previousSize = size;
    if (previous === undefined) return;
    if (previous < MIN_CHUNK_SIZE) {
      throw new S3Error(400, 'InvalidChunkSizeError', `Only the last chunk is allowed to have a size less than ${MIN_CHUNK_SIZE} bytes`, { Chunk: this.#chunkIndex, BadChunkSize: previous });
    }
    if (this.#equalChunks && previous !== this.#firstSize) {
      throw new S3Error(400, 'InvalidChunkSizeError', 'Every chunk but the last must have the size of the first', { Chunk: this.#chunkIndex, BadChunkSize: previous });
    }
  }

  #lengthMismatch() {
    return new S3Error(400, 'IncompleteBody', 'You did not provide the number of bytes specified by the Content-Length HTTP header', {
      NumberBytesExpected: this.#decodedLength,
      NumberBytesProvided: this.decoded,
    });
  }

  #verifyChunk(chunkSha256) {
    if (!this.#signing) return;
    const { signingKey, amzDate, scope } = this.#signing;
    const stringToSign = chunkStringToSign({ amzDate, scope, previousSignature: this.#previousSignature, chunkSha256 });
    if (!SIGNATURE.test(this.#chunkSignature) || signString(signingKey, stringToSign) !== this.#chunkSignature) {
      throw mismatch(stringToSign, this.#chunkSignature);
    }
    this.#previousSignature = this.#chunkSignature;
  }

  /** The trailer holds the declared header and, when signed, its signature; nothing else. */
  #verifyTrailer() {
    const lines = this.#trailerLines;
    const signatureAt = lines.findIndex(([name]) => name === 'x-amz-trailer-signature');
    const headers = lines.filter((_, i) => i !== signatureAt);
    if (headers.length !== 1 || headers[0][0] !== this.#trailer) throw malformedTrailer();
    if (!this.#signing) {
      if (signatureAt !== -1) throw malformedTrailer();
      this.#trailerLines = headers;
      return;
    }
    if (signatureAt !== lines.length - 1) throw malformedTrailer();
    const { signingKey, amzDate, scope } = this.#signing;
    const trailerLines = headers.map(([name, value]) => `${name}:${value}\n`).join('');
    const stringToSign = trailerStringToSign({ amzDate, scope, previousSignature: this.#previousSignature, trailerLines });
    const provided = lines[signatureAt][1];
    if (!SIGNATURE.test(provided) || signString(signingKey, stringToSign) !== provided) throw mismatch(stringToSign, provided);
    this.#trailerLines = headers;
  }
}
