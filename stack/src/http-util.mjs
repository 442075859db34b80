// Plumbing shared by every endpoint: reading requests as they came off the
// wire, and writing answers in the three shapes AWS uses (REST-JSON with
// x-amzn-ErrorType, JSON 1.1 with __type, Query-protocol XML).
import { createHash, randomUUID } from 'node:crypto';

/** A payload hash as x-amz-content-sha256 carries it. */
export const HEX_SHA256 = /^[0-9a-f]{64}$/;

export function sha256Hex(bytes) {
  return createHash('sha256').update(bytes).digest('hex');
}

export function newRequestId() {
  return randomUUID();
}

/** YYYYMMDDTHHMMSSZ, the SigV4 timestamp format. */
export function amzDate(ms) {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** Parses YYYYMMDDTHHMMSSZ; returns NaN when malformed. */
export function parseAmzDate(text) {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text ?? '');
  if (!m) return NaN;
  return Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
}

/**
 * Headers exactly as received: lower-cased names, repeated headers joined with
 * ',' in arrival order (SigV4's rule), built from rawHeaders because node's
 * req.headers drops or re-joins some duplicates.
 */
export function receivedHeaders(req) {
  const headers = {};
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i].toLowerCase();
    const value = req.rawHeaders[i + 1];
    headers[name] = name in headers ? `${headers[name]},${value}` : value;
  }
  return headers;
}

/** Splits the request target as sent, without decoding or normalizing it. */
export function splitTarget(url) {
  const q = url.indexOf('?');
  return q === -1 ? { rawPath: url, rawQuery: '' } : { rawPath: url.slice(0, q), rawQuery: url.slice(q + 1) };
}

function decodeComponent(text) {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text; // a stray '%' stays literal, as lenient AWS front ends do
  }
}

/**
 * Query string as name -> value | value[] (form-urlencoded decoding, '+' is a
 * space), the shape @smithy/signature-v4 canonicalizes.
 */
export function parseQuery(rawQuery) {
  const query = {};
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = decodeComponent(eq === -1 ? part : part.slice(0, eq));
    const value = eq === -1 ? '' : decodeComponent(part.slice(eq + 1));
    if (!Object.hasOwn(query, name)) query[name] = value;
    else query[name] = [].concat(query[name], value);
  }
  return query;
}

export function firstValue(value) {
  return Array.isArray(value) ? value[0] : value;
}

export async function readBody(req, limit) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > limit) throw Object.assign(new Error('body too large'), { code: 'BODY_TOO_LARGE' });
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * Reads a request to its end, handing each piece to `onPiece` (awaited, for
 * backpressure) until it throws; the rest is read and dropped, so that the
 * answer follows a complete request, as clients that are still sending expect.
 * @returns {Promise<Error | undefined>} what onPiece threw
 */
export async function consumeBody(req, onPiece) {
  let failure;
  // No break out of the loop: that would destroy the request and its socket.
  for await (const piece of req) {
    if (failure) continue;
    try {
      await onPiece(piece);
    } catch (err) {
      failure = err;
    }
  }
  return failure;
}

/** The body up to `limit` bytes; past it, tooLarge and the rest dropped. */
export async function readBodyUpTo(req, limit) {
  const pieces = [];
  let size = 0;
  const failure = await consumeBody(req, (piece) => {
    size += piece.length;
    if (size > limit) throw new Error('too large');
    pieces.push(piece);
  });
  return { body: Buffer.concat(pieces), size, tooLarge: failure !== undefined };
}

/** REST-JSON error: status, x-amzn-ErrorType header and a JSON body. */
export function sendJsonError(ctx, status, type, body) {
  ctx.errorType = type;
  ctx.send(status, { 'content-type': 'application/json', 'x-amzn-ErrorType': type }, JSON.stringify(body));
}

export function sendJson(ctx, status, value, contentType = 'application/json') {
  ctx.send(status, { 'content-type': contentType }, JSON.stringify(value));
}

export function xmlEscape(text) {
  return String(text).replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]);
}
