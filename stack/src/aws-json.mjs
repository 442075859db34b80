// The AWS JSON 1.1 protocol used by Cognito: POST / with
// X-Amz-Target: <Service>.<Operation>, unsigned, CORS-open, errors as
// {"__type", "message"} plus x-amzn-ErrorType in Coral's long form
// ("Type:http://internal.amazon.com/coral/..."), which clients must split.
import { answerPreflight, isPreflight, OPEN_CORS } from './cors.mjs';
import { sendJson } from './http-util.mjs';

/** A modelled error; Cognito answers 400 for every client error, whatever the model says. */
export class AwsJsonError extends Error {
  constructor(type, message, status = 400) {
    super(message);
    this.type = type;
    this.status = status;
  }
}

export function sendAwsJsonError(ctx, err, coralNamespace) {
  ctx.errorType = err.type;
  ctx.send(err.status, {
    'content-type': 'application/x-amz-json-1.1',
    'x-amzn-ErrorType': `${err.type}:http://internal.amazon.com/coral/${coralNamespace}/`,
    // Header values must be printable ASCII; echoed ids may not be.
    'x-amzn-ErrorMessage': err.message.replace(/[^\x20-\x7e]/g, '?'),
  }, JSON.stringify({ __type: err.type, message: err.message }));
}

export function renderJsonFault(coralNamespace) {
  return (ctx, fault) => sendAwsJsonError(ctx, {
    throttle: new AwsJsonError('TooManyRequestsException', 'Rate exceeded'),
    500: new AwsJsonError('InternalErrorException', 'Internal error', 500),
    503: new AwsJsonError('ServiceUnavailableException', 'Service Unavailable', 503),
  }[fault], coralNamespace);
}

/**
 * @param o.targetPrefix  e.g. 'AWSCognitoIdentityService'
 * @param o.coralNamespace e.g. 'com.amazonaws.cognito.identity.model'
 * @param o.operations    { Name: async (input, ctx) => output }
 * @param o.get           optional { path: () => value } for GET documents (JWKS)
 */
export function jsonRpcHandler({ targetPrefix, coralNamespace, operations, get = {} }) {
  return async function handle(ctx) {
    if (isPreflight(ctx)) return answerPreflight(ctx, OPEN_CORS);
    if (ctx.method === 'GET' && Object.hasOwn(get, ctx.rawPath)) return sendJson(ctx, 200, get[ctx.rawPath]());
    const fail = (err) => sendAwsJsonError(ctx, err, coralNamespace);
    const target = ctx.headers['x-amz-target'] ?? '';
    const [prefix, operation] = target.split('.');
    if (ctx.method !== 'POST' || prefix !== targetPrefix || !Object.hasOwn(operations, operation)) {
      return fail(new AwsJsonError('UnknownOperationException', ''));
    }
    let input;
    try {
      input = JSON.parse(ctx.body.length ? ctx.body : '{}');
    } catch {
      return fail(new AwsJsonError('SerializationException', 'Start of structure or map found where not expected.'));
    }
    try {
      sendJson(ctx, 200, await operations[operation](input, ctx), 'application/x-amz-json-1.1');
    } catch (err) {
      if (err instanceof AwsJsonError) return fail(err);
      throw err;
    }
  };
}
