// CORS as AWS front ends answer it. A config uses the function URL's field
// names: { AllowOrigins, AllowMethods, AllowHeaders, ExposeHeaders, MaxAge,
// AllowCredentials }. Origins may contain '*' as a wildcard ("http://localhost:*")
// so that the default config admits any local dev server.

/** Cognito Identity and STS answer any origin, as the real services do. */
export const OPEN_CORS = Object.freeze({
  AllowOrigins: ['*'],
  AllowMethods: ['GET', 'POST'],
  // '*' never covers authorization, so it is listed for browser-signed STS calls.
  AllowHeaders: ['*', 'authorization'],
  ExposeHeaders: ['x-amzn-RequestId', 'x-amzn-ErrorType', 'x-amzn-ErrorMessage', 'Date'],
  MaxAge: 172800,
  AllowCredentials: false,
});

function originAllowed(cors, origin) {
  return (cors.AllowOrigins ?? []).some((pattern) => {
    if (pattern === '*') return true;
    const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i');
    return re.test(origin);
  });
}

function headerAllowed(cors, name) {
  const allowed = (cors.AllowHeaders ?? []).map((h) => h.toLowerCase());
  // The wildcard does not cover Authorization (Fetch spec, and AWS follows it).
  return allowed.includes(name) || (allowed.includes('*') && name !== 'authorization');
}

function originHeaders(cors, origin) {
  const wildcard = cors.AllowOrigins.includes('*') && !cors.AllowCredentials;
  const headers = { 'access-control-allow-origin': wildcard ? '*' : origin };
  if (!wildcard) headers.vary = 'Origin';
  if (cors.AllowCredentials) headers['access-control-allow-credentials'] = 'true';
  return headers;
}

/** Headers added to every non-preflight answer to an allowed origin. */
export function corsResponseHeaders(cors, requestHeaders) {
  const origin = requestHeaders.origin;
  if (!cors || origin === undefined || !originAllowed(cors, origin)) return {};
  const headers = originHeaders(cors, origin);
  if (cors.ExposeHeaders?.length) headers['access-control-expose-headers'] = cors.ExposeHeaders.join(',');
  return headers;
}

/** For the always-open services (Cognito, STS): CORS headers on every answer. */
export function setOpenCorsHeaders(ctx) {
  ctx.responseHeaders = corsResponseHeaders(OPEN_CORS, ctx.headers);
}

export function isPreflight(ctx) {
  return ctx.method === 'OPTIONS' && ctx.headers['access-control-request-method'] !== undefined;
}

/**
 * Answers an unsigned preflight. A disallowed one still gets 200, without
 * CORS headers, so the browser refuses the real request.
 */
export function answerPreflight(ctx, cors) {
  const { origin } = ctx.headers;
  const method = ctx.headers['access-control-request-method'];
  const requested = (ctx.headers['access-control-request-headers'] ?? '')
    .split(',').map((h) => h.trim().toLowerCase()).filter(Boolean);
  const methods = (cors?.AllowMethods ?? []).map((m) => m.toUpperCase());
  const ok = cors && origin !== undefined && originAllowed(cors, origin)
    && (methods.includes('*') || methods.includes(method.toUpperCase()))
    && requested.every((h) => headerAllowed(cors, h));
  if (!ok) {
    ctx.responseHeaders = {};
    return ctx.send(200, { 'content-length': '0' });
  }
  const headers = {
    ...originHeaders(cors, origin),
    'access-control-allow-methods': method.toUpperCase(),
    'content-length': '0',
  };
  if (requested.length) headers['access-control-allow-headers'] = requested.join(',');
  if (cors.MaxAge) headers['access-control-max-age'] = String(cors.MaxAge);
  ctx.send(200, headers);
}

/**
 * The endpoint answering CORS per `cors` (null: none, as without it): unsigned
 * preflights, and CORS headers on every other answer, faults included. Its
 * handler adds its own response headers to ctx.responseHeaders.
 */
export function withCors(endpoint, cors) {
  return {
    ...endpoint,
    prepare: (ctx) => { ctx.responseHeaders = corsResponseHeaders(cors, ctx.headers); },
    handle: (ctx) => (isPreflight(ctx) ? answerPreflight(ctx, cors) : endpoint.handle(ctx)),
  };
}
