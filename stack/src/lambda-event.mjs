// Lambda events as AWS builds them for a function URL or an HTTP API
// (payload format 2.0), so the echo handler shows exactly what a real
// function would receive.

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "12/Mar/2020:19:03:58 +0000", the requestContext.time format. */
export function requestTime(ms) {
  const d = new Date(ms);
  const pad = (n) => String(n).padStart(2, '0');
  return `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}

const TEXT_TYPES = /^(text\/|application\/(json|javascript|xml|x-www-form-urlencoded|[\w.-]+\+(json|xml))\b)/i;

/** Lambda base64-encodes any body whose content type is not textual. */
export function encodeBody(body, contentType) {
  if (body.length === 0) return {};
  if (contentType && TEXT_TYPES.test(contentType)) return { body: body.toString('utf8'), isBase64Encoded: false };
  return { body: body.toString('base64'), isBase64Encoded: true };
}

/** requestContext.authorizer.iam for a verified caller. */
function iamAuthorizer(principal, accessKeyId) {
  return {
    accessKey: accessKeyId,
    accountId: principal.accountId,
    callerId: principal.userId,
    cognitoIdentity: principal.cognitoIdentity ?? null,
    principalOrgId: null,
    userArn: principal.arn,
    userId: principal.userId,
  };
}

/** Headers as a Lambda sees them: the received ones plus what the front end adds. */
export function eventHeaders(ctx) {
  const headers = { ...ctx.headers };
  delete headers.cookie;
  const port = ctx.req.socket.localPort;
  headers['x-amzn-trace-id'] ??= `Root=1-${Math.floor(ctx.now() / 1000).toString(16)}-${ctx.requestId.replace(/-/g, '').slice(0, 24)}`;
  headers['x-forwarded-for'] = ctx.req.socket.remoteAddress;
  headers['x-forwarded-proto'] = 'http';
  headers['x-forwarded-port'] = String(port);
  return headers;
}

function queryParameters(query) {
  const entries = Object.entries(query);
  if (!entries.length) return undefined;
  return Object.fromEntries(entries.map(([k, v]) => [k, [].concat(v).join(',')]));
}

/**
 * Payload format 2.0.
 * @param ctx     the request (server.mjs)
 * @param o       { accountId (the owner's), apiId, domainName, routeKey, stage, rawPath, pathParameters,
 *                  caller: {principal, accessKeyId} or undefined for an unauthenticated route }
 */
export function buildEventV2(ctx, { accountId, apiId, domainName, routeKey = '$default', stage = '$default', rawPath = ctx.rawPath, pathParameters, caller }) {
  const now = ctx.now();
  const { body, isBase64Encoded = false } = encodeBody(ctx.body, ctx.headers['content-type']);
  const cookies = ctx.headers.cookie?.split(';').map((c) => c.trim()).filter(Boolean);
  return {
    version: '2.0',
    routeKey,
    rawPath,
    rawQueryString: ctx.rawQuery,
    ...(cookies && { cookies }),
    headers: eventHeaders(ctx),
    ...(queryParameters(ctx.query) && { queryStringParameters: queryParameters(ctx.query) }),
    ...(pathParameters && { pathParameters }),
    requestContext: {
      accountId,
      apiId,
      ...(caller && { authorizer: { iam: iamAuthorizer(caller.principal, caller.accessKeyId) } }),
      domainName,
      domainPrefix: domainName.split('.')[0],
      http: {
        method: ctx.method,
        path: rawPath,
        protocol: `HTTP/${ctx.req.httpVersion}`,
        sourceIp: ctx.req.socket.remoteAddress,
        userAgent: ctx.headers['user-agent'] ?? '',
      },
      requestId: ctx.requestId,
      routeKey,
      stage,
      time: requestTime(now),
      timeEpoch: now,
    },
    ...(body !== undefined && { body }),
    isBase64Encoded,
  };
}
