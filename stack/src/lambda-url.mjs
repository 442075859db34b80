// A Lambda function URL with AuthType AWS_IAM (signing service `lambda`):
// CORS first (preflights are never signed), then SigV4, then the function's
// resource policy, then the handler with a payload-format-2.0 event.
import { answerPreflight, corsResponseHeaders, isPreflight } from './cors.mjs';
import { handlers } from './handlers.mjs';
import { buildEventV2 } from './lambda-event.mjs';
import { sendJsonError } from './http-util.mjs';
import { verifySigV4, SigV4Error } from './sigv4-verify.mjs';

const FORBIDDEN = 'Forbidden. For troubleshooting Function URL authorization issues, see: https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html';
const BUFFERED_REQUEST_LIMIT = 6 * 1024 * 1024;

/** Lambda's answer to each SigV4 failure reason. */
function renderSigV4Error(ctx, err) {
  switch (err.reason) {
    case 'missing':
      return sendJsonError(ctx, 403, 'AccessDeniedException', { Message: FORBIDDEN });
    case 'incomplete':
      return sendJsonError(ctx, 400, 'IncompleteSignatureException', { message: err.message });
    case 'invalid-token':
      return sendJsonError(ctx, 403, 'UnrecognizedClientException', { message: err.message });
    case 'expired-token':
      return sendJsonError(ctx, 403, 'ExpiredTokenException', { message: err.message });
    default:
      return sendJsonError(ctx, 403, 'InvalidSignatureException', { message: err.message });
  }
}

function renderFault(ctx, fault) {
  if (fault === 'throttle') {
    return sendJsonError(ctx, 429, 'TooManyRequestsException', {
      Reason: 'ReservedFunctionConcurrentInvocationLimitExceeded', Type: 'User', message: 'Rate Exceeded.',
    });
  }
  if (fault === 503) return sendJsonError(ctx, 503, 'ServiceUnavailableException', { Message: 'Service Unavailable' });
  return sendJsonError(ctx, 500, 'ServiceException', { Message: 'Lambda encountered an internal error.' });
}

/**
 * Does the function's resource policy let this caller invoke it? A statement
 * names a role or user ARN, an account (id or :root ARN), '*', or a service
 * principal such as cloudfront.amazonaws.com with an optional AWS:SourceArn,
 * which for OAC arrives as the signed x-amz-source-arn header.
 */
export function resourcePolicyAllows(policy, principal, headers) {
  return policy.some((statement) => {
    const p = statement.principal;
    if (p === '*') return true;
    if (principal.kind === 'service') {
      return p === principal.service && (!statement.sourceArn || statement.sourceArn === headers['x-amz-source-arn']);
    }
    if (p === principal.accountId || p === `arn:aws:iam::${principal.accountId}:root`) return true;
    return p === (principal.roleArn ?? principal.arn);
  });
}

function writeBuffered(ctx, result) {
  // A handler may return a bare value: Lambda then answers 200 with it as JSON.
  const response = typeof result === 'object' && result !== null && 'statusCode' in result
    ? result
    : { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(result) };
  const headers = { ...response.headers };
  if (response.cookies?.length) headers['set-cookie'] = response.cookies;
  const body = response.body === undefined ? '' : Buffer.from(response.body, response.isBase64Encoded ? 'base64' : 'utf8');
  ctx.send(response.statusCode, headers, body);
}

/**
 * @param fn      a normalized function config entry
 * @param config  the normalized stack config
 * @param store   the CredentialsStore
 */
export function functionUrlEndpoint(fn, config, store) {
  const signing = { service: 'lambda', region: config.region };
  const handler = handlers[fn.handler];
  if (!handler) throw new Error(`function ${fn.name}: unknown handler '${fn.handler}'`);

  async function handle(ctx) {
    if (isPreflight(ctx)) return answerPreflight(ctx, fn.cors);
    if (fn.invokeMode === 'BUFFERED' && ctx.body.length > BUFFERED_REQUEST_LIMIT) {
      return sendJsonError(ctx, 413, 'RequestEntityTooLargeException', {
        Message: `Request must be smaller than ${BUFFERED_REQUEST_LIMIT} bytes for the InvokeFunction operation`,
      });
    }
    let caller;
    try {
      caller = await verifySigV4(ctx, { ...signing, store });
    } catch (err) {
      if (err instanceof SigV4Error) return renderSigV4Error(ctx, err);
      throw err;
    }
    if (!resourcePolicyAllows(fn.resourcePolicy, caller.principal, ctx.headers)) {
      return sendJsonError(ctx, 403, 'AccessDeniedException', { Message: FORBIDDEN });
    }

    const event = buildEventV2(ctx, {
      accountId: config.accountId,
      apiId: fn.urlId,
      domainName: `${fn.urlId}.lambda-url.${config.region}.on.aws`,
      caller,
    });
    const aborted = new AbortController();
    ctx.res.on('close', () => aborted.abort());
    try {
      if (fn.invokeMode === 'RESPONSE_STREAM') {
        const stream = {
          writeHead: (status, headers) => ctx.writeHead(status, headers),
          write: (chunk) => ctx.res.write(chunk),
          end: () => ctx.res.end(),
        };
        return await handler(event, { fn, stream, signal: aborted.signal });
      }
      writeBuffered(ctx, await handler(event, { fn, signal: aborted.signal }));
    } catch (err) {
      if (aborted.signal.aborted) return; // the caller went away; nobody to answer
      process.stderr.write(`iamfetch-stack: function ${fn.name} failed: ${err.message}\n`);
      if (ctx.res.headersSent) return ctx.res.destroy();
      // What a function URL answers when the function itself fails.
      ctx.errorType = 'FunctionError';
      ctx.send(502, { 'content-type': 'text/plain' }, 'Internal Server Error');
    }
  }

  return {
    name: `function:${fn.name}`,
    signing,
    handle,
    renderFault,
    prepare: (ctx) => { ctx.responseHeaders = corsResponseHeaders(fn.cors, ctx.headers); },
  };
}
