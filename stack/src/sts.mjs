// STS over the Query protocol (form-encoded POST, XML answers, signing service
// `sts`): AssumeRole and GetCallerIdentity are signed and checked like any
// SigV4 call (with STS's 15-minute clock window); AssumeRoleWithWebIdentity is
// unsigned and trusts the web identity token instead.
import { findRole } from './config.mjs';
import { assumedRolePrincipal } from './credentials-store.mjs';
import { COGNITO_IDENTITY_ISSUER } from './cognito-identity.mjs';
import { answerPreflight, isPreflight, OPEN_CORS, setOpenCorsHeaders } from './cors.mjs';
import { firstValue, parseQuery, xmlEscape } from './http-util.mjs';
import { decodeJwt, verifyJwtSignature } from './jwt.mjs';
import { verifySigV4, SigV4Error } from './sigv4-verify.mjs';
import { trustAllowsPrincipal, trustAllowsWebIdentity } from './trust-policy.mjs';

const XMLNS = 'https://sts.amazonaws.com/doc/2011-06-15/';
const CHAINED_MAX_S = 3600;

class StsError extends Error {
  constructor(code, message, status = 400, type = 'Sender') {
    super(message);
    Object.assign(this, { code, status, type });
  }
}

const validation = (message) => new StsError('ValidationError', message);

function sendError(ctx, err) {
  ctx.errorType = err.code;
  ctx.send(err.status, { 'content-type': 'text/xml' },
    `<ErrorResponse xmlns="${XMLNS}">\n  <Error>\n    <Type>${err.type}</Type>\n    <Code>${err.code}</Code>\n` +
    `    <Message>${xmlEscape(err.message)}</Message>\n  </Error>\n  <RequestId>${ctx.requestId}</RequestId>\n</ErrorResponse>\n`);
}

/** Renders a flat or nested object as XML elements. */
function toXml(value, indent) {
  return Object.entries(value).map(([name, v]) => (typeof v === 'object'
    ? `${indent}<${name}>\n${toXml(v, `${indent}  `)}${indent}</${name}>\n`
    : `${indent}<${name}>${xmlEscape(v)}</${name}>\n`)).join('');
}

function sendResult(ctx, action, result) {
  ctx.send(200, { 'content-type': 'text/xml' },
    `<${action}Response xmlns="${XMLNS}">\n  <${action}Result>\n${toXml(result, '    ')}  </${action}Result>\n` +
    `  <ResponseMetadata>\n    <RequestId>${ctx.requestId}</RequestId>\n  </ResponseMetadata>\n</${action}Response>\n`);
}

const SIGV4_ERRORS = {
  missing: ['MissingAuthenticationToken', 403],
  incomplete: ['IncompleteSignature', 400],
  signature: ['SignatureDoesNotMatch', 403],
  'invalid-token': ['InvalidClientTokenId', 403],
  'expired-token': ['ExpiredToken', 400],
};

function renderFault(ctx, fault) {
  sendError(ctx, {
    throttle: new StsError('Throttling', 'Rate exceeded'),
    500: new StsError('InternalFailure', 'An internal error occurred.', 500, 'Receiver'),
    503: new StsError('ServiceUnavailable', 'Service is unavailable.', 503, 'Receiver'),
  }[fault]);
}

function requiredParam(params, name, member) {
  const value = firstValue(params[name]);
  if (value === undefined) throw validation(`1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`);
  return value;
}

function sessionName(params) {
  const name = requiredParam(params, 'RoleSessionName', 'roleSessionName');
  const at = `1 validation error detected: Value '${name}' at 'roleSessionName' failed to satisfy constraint:`;
  if (name.length < 2) throw validation(`${at} Member must have length greater than or equal to 2`);
  if (name.length > 64) throw validation(`${at} Member must have length less than or equal to 64`);
  if (!/^[\w+=,.@-]*$/.test(name)) throw validation(`${at} Member must satisfy regular expression pattern: [\\w+=,.@-]*`);
  return name;
}

/** DurationSeconds with AWS's limits: 900..43200, the role's maximum, 1 hour when chaining. */
function duration(params, role, chained) {
  const raw = firstValue(params.DurationSeconds);
  const seconds = raw === undefined ? 3600 : Number(raw);
  const at = `1 validation error detected: Value '${raw}' at 'durationSeconds' failed to satisfy constraint:`;
  if (!Number.isInteger(seconds)) throw new StsError('MalformedInput', `Invalid value for DurationSeconds: ${raw}`);
  if (seconds < 900) throw validation(`${at} Member must have value greater than or equal to 900`);
  if (seconds > 43200) throw validation(`${at} Member must have value less than or equal to 43200`);
  if (chained && seconds > CHAINED_MAX_S) {
    throw validation('The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.');
  }
  if (seconds > role.maxSessionDuration) throw validation('The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
  return seconds;
}

function credentialsResult(role, name, credentials) {
  return {
    AssumedRoleUser: { AssumedRoleId: `${role.roleId}:${name}`, Arn: `arn:aws:sts::${role.accountId}:assumed-role/${role.name}/${name}` },
    Credentials: {
      AccessKeyId: credentials.accessKeyId,
      SecretAccessKey: credentials.secretAccessKey,
      SessionToken: credentials.sessionToken,
      Expiration: new Date(credentials.expiresAt).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    },
  };
}

/**
 * @param issuers issuer URL -> { jwks() }: the web identity providers STS knows
 */
export function stsEndpoint(config, store, issuers) {
  const signing = { service: 'sts', region: config.region };

  function AssumeRole(params, caller, ctx) {
    const roleArn = requiredParam(params, 'RoleArn', 'roleArn');
    const name = sessionName(params);
    const role = findRole(config, roleArn);
    if (!role || !trustAllowsPrincipal(role, caller.principal)) {
      throw new StsError('AccessDenied', `User: ${caller.principal.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`, 403);
    }
    const seconds = duration(params, role, caller.principal.kind === 'assumed-role');
    const credentials = store.issue(assumedRolePrincipal(role, name), ctx.now() + seconds * 1000);
    return { ...credentialsResult(role, name, credentials), PackedPolicySize: 0 };
  }

  function AssumeRoleWithWebIdentity(params, ctx) {
    const roleArn = requiredParam(params, 'RoleArn', 'roleArn');
    const name = sessionName(params);
    const token = requiredParam(params, 'WebIdentityToken', 'webIdentityToken');
    let claims;
    try {
      claims = decodeJwt(token).payload;
    } catch {
      throw new StsError('InvalidIdentityToken', 'The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)');
    }
    const issuer = issuers.get(claims.iss);
    if (!issuer) throw new StsError('InvalidIdentityToken', `No OpenIDConnect provider found in your account for ${claims.iss}`);
    try {
      verifyJwtSignature(token, issuer.jwks());
    } catch {
      throw new StsError('InvalidIdentityToken', 'Couldn\'t verify the signature of the token.');
    }
    const now = Math.floor(ctx.now() / 1000);
    if (now >= claims.exp) {
      throw new StsError('ExpiredTokenException', `Token expired: current date/time ${now} must be before the expiration date/time ${claims.exp}`);
    }
    const provider = claims.iss.replace(/^https:\/\//, '');
    const role = findRole(config, roleArn);
    if (!role || !trustAllowsWebIdentity(role, { provider, aud: claims.aud, amr: claims.amr })) {
      throw new StsError('AccessDenied', 'Not authorized to perform sts:AssumeRoleWithWebIdentity', 403);
    }
    const seconds = duration(params, role, false);
    const cognitoIdentity = claims.iss === COGNITO_IDENTITY_ISSUER
      ? { amr: claims.amr, identityId: claims.sub, identityPoolId: claims.aud }
      : undefined;
    const credentials = store.issue(assumedRolePrincipal(role, name, cognitoIdentity && { cognitoIdentity }), ctx.now() + seconds * 1000);
    return {
      SubjectFromWebIdentityToken: claims.sub,
      Audience: claims.aud,
      ...credentialsResult(role, name, credentials),
      Provider: provider,
    };
  }

  function GetCallerIdentity(params, caller) {
    return { Arn: caller.principal.arn, UserId: caller.principal.userId, Account: caller.principal.accountId };
  }

  const signed = { AssumeRole, GetCallerIdentity };

  async function handle(ctx) {
    if (isPreflight(ctx)) return answerPreflight(ctx, OPEN_CORS);
    const form = (ctx.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')
      ? parseQuery(ctx.body.toString('utf8'))
      : {};
    const params = { ...ctx.query, ...form };
    const action = firstValue(params.Action);
    try {
      if (action === 'AssumeRoleWithWebIdentity') return sendResult(ctx, action, AssumeRoleWithWebIdentity(params, ctx));
      if (!Object.hasOwn(signed, action)) {
        throw new StsError('InvalidAction', `Could not find operation ${action} for version ${firstValue(params.Version) ?? 'NO_VERSION_SPECIFIED'}`);
      }
      let caller;
      try {
        caller = await verifySigV4(ctx, { ...signing, store, skewMinutes: 15 });
      } catch (err) {
        if (!(err instanceof SigV4Error)) throw err;
        const [code, status] = SIGV4_ERRORS[err.reason];
        const message = err.reason === 'missing' ? 'Request is missing Authentication Token' : err.message;
        throw new StsError(code, message, status);
      }
      sendResult(ctx, action, signed[action](params, caller, ctx));
    } catch (err) {
      if (err instanceof StsError) return sendError(ctx, err);
      throw err;
    }
  }

  return { name: 'sts', signing, handle, renderFault, prepare: setOpenCorsHeaders };
}
