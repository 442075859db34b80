// API Gateway REST and HTTP APIs with AWS_IAM routes (signing service
// `execute-api`). Both answer with AWS's gateway responses; the REST flavour
// also spells out the canonical string and string to sign it expected, which is
// what lets a client diff its own against the server's.
import { answerPreflight, corsResponseHeaders, isPreflight } from './cors.mjs';
import { buildEventV2, encodeBody, eventHeaders, requestTime } from './lambda-event.mjs';
import { resourcePolicyAllows } from './lambda-url.mjs';
import { sendJson, sendJsonError } from './http-util.mjs';
import { verifySigV4, SigV4Error, SIGNATURE_MISMATCH } from './sigv4-verify.mjs';

/** '/items/{id}' or '/{proxy+}' -> matcher returning path parameters or null. */
function compileTemplate(template) {
  const names = [];
  const pattern = template.split('/').map((segment) => {
    const m = /^\{(\w+)(\+?)\}$/.exec(segment);
    if (!m) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    names.push(m[1]);
    return m[2] ? '(.+)' : '([^/]+)';
  }).join('/');
  const re = new RegExp(`^${pattern}$`);
  return (path) => {
    const m = re.exec(path);
    if (!m) return null;
    return Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1])]));
  };
}

function renderFault(ctx, fault) {
  if (fault === 'throttle') return sendJsonError(ctx, 429, 'TooManyRequestsException', { message: 'Too Many Requests' });
  if (fault === 503) return sendJsonError(ctx, 503, 'ServiceUnavailableException', { message: 'Service Unavailable' });
  return sendJsonError(ctx, 500, 'InternalServerErrorException', { message: 'Internal server error' });
}

function renderSigV4Error(ctx, err, flavour) {
  switch (err.reason) {
    case 'missing':
      return flavour === 'rest'
        ? sendJsonError(ctx, 403, 'MissingAuthenticationTokenException', { message: 'Missing Authentication Token' })
        : sendJsonError(ctx, 403, 'ForbiddenException', { message: 'Forbidden' });
    case 'incomplete':
      return sendJsonError(ctx, 403, 'IncompleteSignatureException', { message: err.message });
    case 'invalid-token':
      return sendJsonError(ctx, 403, 'UnrecognizedClientException', { message: err.message });
    case 'expired-token':
      return sendJsonError(ctx, 403, 'ExpiredTokenException', { message: err.message });
    default: {
      let message = err.message;
      if (flavour === 'rest' && err.canonicalRequest) {
        message = `${SIGNATURE_MISMATCH}\n\nThe Canonical String for this request should have been\n'${err.canonicalRequest}'\n\nThe String-to-Sign should have been\n'${err.stringToSign}'\n`;
      }
      return sendJsonError(ctx, 403, 'InvalidSignatureException', { message });
    }
  }
}

/** Payload format 1.0, what a REST API's Lambda proxy integration sends. */
function buildEventV1(ctx, { api, accountId, region, resource, path, pathParameters, caller }) {
  const now = ctx.now();
  const headers = eventHeaders(ctx);
  const multiQuery = Object.keys(ctx.query).length
    ? Object.fromEntries(Object.entries(ctx.query).map(([k, v]) => [k, [].concat(v)]))
    : null;
  const principal = caller?.principal;
  const cognito = principal?.cognitoIdentity;
  const { body = null, isBase64Encoded = false } = encodeBody(ctx.body, ctx.headers['content-type']);
  return {
    resource,
    path,
    httpMethod: ctx.method,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    queryStringParameters: multiQuery && Object.fromEntries(Object.entries(multiQuery).map(([k, v]) => [k, v.at(-1)])),
    multiValueQueryStringParameters: multiQuery,
    pathParameters: Object.keys(pathParameters).length ? pathParameters : null,
    stageVariables: null,
    requestContext: {
      resourcePath: resource,
      httpMethod: ctx.method,
      requestTime: requestTime(now),
      path: ctx.rawPath,
      accountId,
      protocol: `HTTP/${ctx.req.httpVersion}`,
      stage: api.stage,
      domainPrefix: api.id,
      requestTimeEpoch: now,
      requestId: ctx.requestId,
      identity: {
        cognitoIdentityPoolId: cognito?.identityPoolId ?? null,
        accountId: principal?.accountId ?? null,
        cognitoIdentityId: cognito?.identityId ?? null,
        caller: principal?.userId ?? null,
        sourceIp: ctx.req.socket.remoteAddress,
        principalOrgId: null,
        accessKey: caller?.accessKeyId ?? null,
        cognitoAuthenticationType: cognito ? (cognito.amr.includes('authenticated') ? 'authenticated' : 'unauthenticated') : null,
        cognitoAuthenticationProvider: cognito ? cognito.amr.slice(1).join(',') || null : null,
        userArn: principal?.arn ?? null,
        userAgent: ctx.headers['user-agent'] ?? null,
        user: principal?.userId ?? null,
      },
      domainName: `${api.id}.execute-api.${region}.amazonaws.com`,
      apiId: api.id,
    },
    body,
    isBase64Encoded,
  };
}

/**
 * @param flavour 'rest' (stage in the path, resources with methods) or
 *                'http' ($default stage, routeKeys like "GET /items/{id}")
 */
export function apiGatewayEndpoint(flavour, api, config, store) {
  const signing = { service: 'execute-api', region: config.region };
  const invokePolicy = api.invokers.map((principal) => ({ principal }));
  const routes = flavour === 'rest'
    ? api.resources.flatMap((r) => r.methods.map((method) => ({ method, template: r.path, authorization: r.authorization, match: compileTemplate(r.path) })))
    : api.routes.map((r) => {
      // $default catches whatever no other route matches, so it goes last.
      if (r.routeKey === '$default') return { method: 'ANY', template: '$default', authorization: r.authorization, match: () => ({}) };
      const [method, template] = r.routeKey.split(' ');
      return { method, template, authorization: r.authorization, match: compileTemplate(template) };
    }).sort((a, b) => (a.template === '$default') - (b.template === '$default'));

  function findRoute(method, path) {
    let pathExists = false;
    for (const route of routes) {
      const params = route.match(path);
      if (!params) continue;
      pathExists = true;
      if (route.method === 'ANY' || route.method === method) return { route, params, pathExists };
    }
    return { pathExists };
  }

  async function handle(ctx) {
    let path = ctx.rawPath;
    if (flavour === 'rest') {
      const prefix = `/${api.stage}`;
      path = path === prefix ? '/' : path.startsWith(`${prefix}/`) ? path.slice(prefix.length) : null;
    }
    if (path !== null && isPreflight(ctx) && api.cors && findRoute('OPTIONS', path).pathExists) {
      return answerPreflight(ctx, api.cors);
    }
    const found = path === null ? {} : findRoute(ctx.method, path);
    if (!found.route) {
      return flavour === 'rest'
        ? sendJsonError(ctx, 403, 'MissingAuthenticationTokenException', { message: 'Missing Authentication Token' })
        : sendJsonError(ctx, 404, 'NotFoundException', { message: 'Not Found' });
    }
    const { route, params } = found;

    let caller;
    if (route.authorization === 'AWS_IAM') {
      try {
        caller = await verifySigV4(ctx, { ...signing, store });
      } catch (err) {
        if (err instanceof SigV4Error) return renderSigV4Error(ctx, err, flavour);
        throw err;
      }
      if (!resourcePolicyAllows(invokePolicy, caller.principal, ctx.headers)) {
        if (flavour === 'http') return sendJsonError(ctx, 403, 'ForbiddenException', { message: 'Forbidden' });
        const resourceArn = `arn:aws:execute-api:${config.region}:${config.accountId}:${api.id}/${api.stage}/${ctx.method}${path}`;
        return sendJsonError(ctx, 403, 'AccessDeniedException', {
          Message: `User: ${caller.principal.arn ?? caller.principal.userId} is not authorized to perform: execute-api:Invoke on resource: ${resourceArn}`,
        });
      }
    }

    const event = flavour === 'rest'
      ? buildEventV1(ctx, { api, accountId: config.accountId, region: config.region, resource: route.template, path, pathParameters: params, caller })
      : buildEventV2(ctx, {
        accountId: config.accountId,
        apiId: api.id,
        domainName: `${api.id}.execute-api.${config.region}.amazonaws.com`,
        routeKey: route.template === '$default' ? '$default' : `${route.method} ${route.template}`,
        pathParameters: Object.keys(params).length ? params : undefined,
        caller,
      });
    sendJson(ctx, 200, event);
  }

  return {
    name: flavour === 'rest' ? 'apiRest' : 'apiHttp',
    signing,
    handle,
    renderFault,
    prepare: (ctx) => { ctx.responseHeaders = corsResponseHeaders(api.cors, ctx.headers); },
  };
}
