// The functions behind the URLs. Buffered handlers return Lambda's response
// object ({statusCode, headers, body, isBase64Encoded}); a RESPONSE_STREAM
// handler writes to the stream itself, as with awslambda.streamifyResponse.
import { setTimeout as delay } from 'node:timers/promises';

const json = (value) => ({ statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(value) });

/** Returns the event it was invoked with. */
async function echo(event) {
  return json(event);
}

/** Waits ?ms= milliseconds (default: the function's delayMs), then echoes. */
async function slow(event, { fn, signal }) {
  const ms = Number(event.queryStringParameters?.ms ?? fn.delayMs ?? 2000);
  await delay(ms, undefined, { signal });
  return json(event);
}

/**
 * NDJSON over a streamed response: first the event, then ?chunks= lines
 * (default 5) ?intervalMs= apart (default 50).
 */
async function stream(event, { stream: out, signal }) {
  const chunks = Number(event.queryStringParameters?.chunks ?? 5);
  const intervalMs = Number(event.queryStringParameters?.intervalMs ?? 50);
  out.writeHead(200, { 'content-type': 'application/x-ndjson' });
  out.write(`${JSON.stringify(event)}\n`);
  for (let i = 1; i <= chunks; i++) {
    await delay(intervalMs, undefined, { signal });
    out.write(`${JSON.stringify({ chunk: i, of: chunks })}\n`);
  }
  out.end();
}

export const handlers = { echo, slow, stream };
