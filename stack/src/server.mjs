// One HTTP listener per endpoint. Everything that is the same for all of them
// lives here: reading the request as received, the admin API, fault injection,
// the Date and request-id headers (from the possibly shifted server clock), and
// the one-line request log.
import http from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { FAULT_HEADER, FaultSpecError } from './faults.mjs';
import { consumeBody, newRequestId, parseQuery, readBody, receivedHeaders, splitTarget } from './http-util.mjs';

// Large enough for Lambda's 6 MB request limit plus headroom; endpoints
// enforce their own limits below it.
const BODY_LIMIT = 8 * 1024 * 1024;

/**
 * @param {object} o
 * @param {string} o.name          endpoint name used in logs and fault rules
 * @param {number} o.port          0 = ephemeral
 * @param {import('./faults.mjs').Faults} o.faults
 * @param {(line: string) => void} [o.log]
 * @param {(ctx) => Promise<void>} o.handle     answers the request
 * @param {(ctx, fault: 'throttle'|500|503) => void} o.renderFault   the endpoint's own error shape
 * @param {(ctx) => void} [o.prepare]   sets response headers every answer needs, faults included (CORS)
 * @param {string|null} [o.requestIdHeader]     header carrying the request id (null: none)
 * @param {(ctx) => boolean} [o.streamBody]   true: the handler reads ctx.req itself, with no
 *   size limit (S3 uploads), and ctx.body stays empty; an answer then waits until
 *   the rest of the request has arrived (dropped), as a client still sending expects
 */
export async function startEndpoint({ name, port, faults, log, handle, renderFault, prepare, streamBody, requestIdHeader = 'x-amzn-RequestId' }) {
  const server = http.createServer((req, res) => {
    serve(req, res).catch((err) => {
      process.stderr.write(`iamfetch-stack: ${name}: ${err.stack ?? err}\n`);
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  });

  async function serve(req, res) {
    const startedAt = performance.now();
    const { rawPath, rawQuery } = splitTarget(req.url);
    const ctx = {
      endpoint: name,
      req,
      res,
      method: req.method,
      rawPath,
      rawQuery,
      query: parseQuery(rawQuery),
      headers: receivedHeaders(req),
      body: Buffer.alloc(0),
      requestId: newRequestId(),
      now: () => Date.now(),
      errorType: undefined,
      responseHeaders: {},
      /** Starts the answer with the common headers merged in; returns res for streaming. */
      writeHead(status, headers = {}) {
        const common = { date: new Date(ctx.now()).toUTCString() };
        if (requestIdHeader) common[requestIdHeader] = ctx.requestId;
        res.writeHead(status, { ...common, ...ctx.responseHeaders, ...headers });
        return res;
      },
      send(status, headers, body) {
        if (!ctx.streamed || req.complete) return ctx.writeHead(status, headers).end(body);
        req.resume();
        req.once('end', () => ctx.writeHead(status, headers).end(body));
      },
    };
    res.on('close', () => {
      if (!log) return;
      const status = res.headersSent ? res.statusCode : 'dropped';
      const ms = Math.round(performance.now() - startedAt);
      // Path only: a presigned query carries the signature and session token.
      log(`${new Date().toISOString()} ${req.method} ${name} ${rawPath} ${status} ${ctx.errorType ?? '-'} ${ms}ms`);
    });

    if (rawPath.startsWith('/__admin/')) return admin(ctx, faults, name);
    prepare?.(ctx);

    let fault;
    try {
      fault = faults.forRequest(name, ctx.headers[FAULT_HEADER]);
    } catch (err) {
      if (!(err instanceof FaultSpecError)) throw err;
      ctx.errorType = 'InvalidFault';
      return ctx.send(400, { 'content-type': 'application/json' }, JSON.stringify({ message: err.message }));
    }
    ctx.now = fault.now;
    if (fault.spec.drop) {
      ctx.errorType = 'drop';
      req.socket.destroy();
      return;
    }
    if (fault.spec.slowMs) await delay(fault.spec.slowMs);
    if (fault.spec.throttle) return renderFault(ctx, 'throttle');
    if (fault.spec.status) return renderFault(ctx, fault.spec.status);

    ctx.streamed = streamBody?.(ctx) ?? false;
    try {
      if (!ctx.streamed) ctx.body = await readBody(req, BODY_LIMIT);
    } catch (err) {
      if (err.code !== 'BODY_TOO_LARGE') throw err;
      ctx.errorType = 'RequestEntityTooLarge';
      return ctx.send(413, { connection: 'close' }, '');
    }
    if (fault.spec.reset === 'before-answer') {
      if (ctx.streamed) await consumeBody(req, () => {});
      ctx.errorType = 'reset';
      req.socket.resetAndDestroy();
      return;
    }
    if (fault.spec.reset === 'mid-answer') cutAnswerMidway(ctx);
    await handle(ctx);
  }

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return {
    name,
    url: `http://127.0.0.1:${server.address().port}`,
    async stop() {
      const closed = new Promise((resolve) => server.close(resolve));
      server.closeAllConnections();
      await closed;
    },
  };
}

/**
 * Fault reset=mid: the answer's head and the first half of its body go out,
 * then the connection is reset, so the caller's fetch resolves and reading the
 * body fails. A streamed answer is cut where its end() would have been.
 */
function cutAnswerMidway(ctx) {
  const { req, res } = ctx;
  res.end = (chunk) => {
    ctx.errorType = 'reset-mid';
    const body = chunk == null ? Buffer.alloc(0) : Buffer.from(chunk);
    // The delay lets the half-answer reach the client before the RST does.
    res.write(body.subarray(0, body.length >> 1), () => setTimeout(() => req.socket.resetAndDestroy(), 10));
    return res;
  };
}

/**
 * Admin API, answered on every endpoint's port:
 *   GET    /__admin/faults                 current rules and clock offset
 *   POST   /__admin/faults {fault, endpoint?, times?}   endpoint defaults to this one, '*' = all
 *   DELETE /__admin/faults[?endpoint=NAME] clear rules
 *   POST   /__admin/clock {offsetSeconds}  shift the whole stack's clock
 */
async function admin(ctx, faults, name) {
  const reply = (status, value) => ctx.send(status, { 'content-type': 'application/json' }, JSON.stringify(value));
  const body = await readBody(ctx.req, 64 * 1024);
  let input = {};
  try {
    if (body.length) input = JSON.parse(body);
  } catch {
    return reply(400, { message: 'body must be JSON' });
  }
  const route = `${ctx.method} ${ctx.rawPath}`;
  try {
    if (route === 'GET /__admin/faults') return reply(200, faults.describe());
    if (route === 'POST /__admin/faults') {
      faults.set(input.endpoint ?? name, input.fault, input.times);
      return reply(200, faults.describe());
    }
    if (route === 'DELETE /__admin/faults') {
      faults.clear(ctx.query.endpoint);
      return reply(200, faults.describe());
    }
    if (route === 'POST /__admin/clock' && Number.isFinite(input.offsetSeconds)) {
      faults.setClockOffset(input.offsetSeconds);
      return reply(200, faults.describe());
    }
  } catch (err) {
    if (err instanceof FaultSpecError) return reply(400, { message: err.message });
    throw err;
  }
  return reply(404, { message: `no admin route ${route}` });
}
