// Why AWS refused a signed request, from its answer and from what was signed:
// the reasoning behind explainFailure, kept free of I/O and of the wasm core
// so that it can be tested on its own.
import { parseErrorBody } from './credentials/aws-error.js'
import { xmlText } from './credentials/xml.js'
import { isSkewMessage } from './clock-skew.js'

const WRONG_SCOPE = 'The request was signed for the wrong region or service.'
const SIGV4A = 'AWS4-ECDSA-P256-SHA256'

/**
 * Names the likely cause of a refused request.
 * @param {object} answer what AWS answered
 * @param {number} answer.status
 * @param {string} [answer.errorType] the `x-amzn-ErrorType` header, when readable (CORS may hide it)
 * @param {string} [answer.body]
 * @param {number} [answer.serverDateMs] the `Date` header in epoch ms, when readable
 * @param {number} answer.localTimeMs the local clock when the answer arrived, uncorrected
 * @param {object} sent what was signed and sent
 * @param {string} [sent.host]
 * @param {string} [sent.method]
 * @param {string} [sent.service] the signing name used
 * @param {string} [sent.region] the region used (SigV4)
 * @param {string} [sent.regionSet] SigV4a's region set, comma-joined
 * @param {string} [sent.stringToSign] ours, when captured: its first line names the algorithm
 * @param {string} [sent.canonicalRequest] ours, when captured
 * @param {boolean} [sent.sentContentHash] whether x-amz-content-sha256 was sent
 * @param {boolean} [sent.throughOac] whether the request went to CloudFront with OAC
 * @param {number} [sent.credentialsExpirationMs]
 * @param {number} [sent.appliedOffsetMs] the clock offset already applied when signing
 * @param {{ service: string, region: string }} [sent.hostEndpoint] what the host's name says to sign for, when it is an AWS endpoint
 * @returns {{ cause: string, summary: string, evidence: string[], clockOffsetMs: number | undefined, expectedCanonicalRequest: string | undefined, expectedStringToSign: string | undefined }}
 */
export function diagnose(answer, sent) {
  const { status, errorType: errorTypeHeader, body = '', serverDateMs, localTimeMs } = answer
  const { service = '', region = '', credentialsExpirationMs, appliedOffsetMs = 0 } = sent
  const { errorType, message: bodyMessage } = parseErrorBody(body, errorTypeHeader)
  const message = bodyMessage ?? ''
  const evidence = [`HTTP ${status}${errorType ? ` ${errorType}` : ''}${message ? `: ${message}` : ''}`]

  if (isSkewMessage(message)) {
    const offset = serverDateMs == null ? undefined : serverDateMs - localTimeMs
    evidence.push(offset === undefined
      ? 'no readable Date header: expose `date` in the CORS config to measure the offset'
      : `the server's Date header is ${signedSeconds(offset)} s from this machine's clock (offset already applied: ${signedSeconds(appliedOffsetMs)} s)`)
    return { ...found('clock-skew', "This device's clock is off by more than AWS's 5-minute window.", evidence), clockOffsetMs: offset }
  }
  if (errorType === 'ExpiredTokenException' || message.includes('security token included in the request is expired')) {
    if (credentialsExpirationMs != null) {
      evidence.push(`the credentials expired ${((localTimeMs + appliedOffsetMs - credentialsExpirationMs) / 1000).toFixed(0)} s before this answer`)
    }
    return found('expired-credentials', 'The temporary credentials have expired: fetch new ones.', evidence)
  }
  if (errorType === 'UnrecognizedClientException' || errorType === 'InvalidClientTokenId' ||
    message.includes('security token included in the request is invalid')) {
    return found('invalid-credentials', 'AWS does not know these credentials: a wrong access key, or a session token that is missing or belongs to other keys.', evidence)
  }
  // S3 names the region it expected, for SigV4 scopes and SigV4a region sets alike.
  const wrongRegion = /the region '([^']*)' is wrong; expecting '([^']*)'/.exec(message)
  if (wrongRegion && isSigV4a(sent)) {
    evidence.push(`signed with SigV4a for the region set '${region}', which does not include ${wrongRegion[2]}`)
    return found('wrong-region-set', `The SigV4a region set does not include the region that received the request (${wrongRegion[2]}): add it to regionSet, or sign for ['*'].`, evidence)
  }
  if (wrongRegion || message.includes('Credential should be scoped')) {
    evidence.push(`signed for service '${service}' in region '${region}'`)
    return found('wrong-scope', WRONG_SCOPE, evidence)
  }
  if (message.includes(`Unsupported AWS 'algorithm': '${SIGV4A}'`)) {
    evidence.push('signed with SigV4a')
    return found('sigv4a-unsupported', "This endpoint does not take SigV4a: sign it with SigV4 (signingAlgorithm: 'sigv4', and its region).", evidence)
  }
  if (message.includes(`Please use ${SIGV4A}`)) {
    return found('needs-sigv4a', "This endpoint takes only SigV4a: sign with signingAlgorithm: 'sigv4a' (Multi-Region Access Point hosts select it by themselves).", evidence)
  }
  if (errorType === 'InvalidSignatureException' || errorType === 'SignatureDoesNotMatch' ||
    message.includes('signature we calculated does not match')) {
    return diagnoseMismatch(sent, message, body, evidence)
  }
  if (message.startsWith('Missing Authentication Token')) {
    evidence.push('API Gateway says this for an unsigned request, and also for a path or stage that does not exist')
    return found('missing-authentication', 'The request carried no signature, or the path or stage does not exist.', evidence)
  }
  if (errorType.startsWith('AccessDenied') || message.includes('not authorized to perform') || errorType === 'ForbiddenException') {
    return found('access-denied', "The signature is valid but the caller has no permission: check the resource policy or the role's policy (function URLs since October 2025 need lambda:InvokeFunctionUrl and lambda:InvokeFunction).", evidence)
  }
  if (status === 429 || errorType.includes('Throttl') || errorType === 'TooManyRequestsException') {
    return found('throttled', 'AWS is throttling: retry later with backoff.', evidence)
  }
  if (status >= 500) return found('service-error', 'AWS or the function failed on its side.', evidence)
  if ((status === 401 || status === 403) && errorTypeHeader == null && !body.trim()) {
    evidence.push('no x-amzn-errortype header and no body were readable')
    return found('error-type-hidden', 'AWS refused the request but its reason is not readable here: in a browser, add x-amzn-errortype (and date) to the CORS ExposeHeaders.', evidence)
  }
  return found('unknown', 'No known cause matches this answer.', evidence)
}

function found(cause, summary, evidence) {
  return { cause, summary, evidence, clockOffsetMs: undefined, expectedCanonicalRequest: undefined, expectedStringToSign: undefined }
}

/** Seconds with their sign, as in "+900" or "-12". */
function signedSeconds(ms) {
  const text = (ms / 1000).toFixed(0)
  return text.startsWith('-') ? text : `+${text}`
}

function isSigV4a(sent) {
  return (sent.stringToSign ?? '').startsWith(`${SIGV4A}\n`)
}

/** Whether a SigV4a region set (comma-joined) covers a region: by name, `*`, or a wildcard such as `us-*`. */
function regionSetCovers(regionSet, region) {
  return regionSet.split(',').some((entry) => new RegExp(`^${entry.replace(/[^a-z0-9*-]/gi, '').replaceAll('*', '.*')}$`).test(region))
}

/** A signature mismatch: a missing OAC body hash, a scope the host contradicts, or a canonical request AWS disagrees with. */
function diagnoseMismatch(sent, message, body, evidence) {
  const { host = '', method = '', service = '', region = '', regionSet = '', canonicalRequest = '', sentContentHash = false, throughOac = false, hostEndpoint } = sent
  if (throughOac && ['POST', 'PUT', 'PATCH'].includes(method) && !sentContentHash) {
    evidence.push(`${method} through CloudFront OAC without x-amz-content-sha256`)
    return found('missing-body-hash', 'CloudFront OAC needs the viewer to send x-amz-content-sha256 (the hex SHA-256 of the body) on PUT and POST.', evidence)
  }
  const sigv4a = isSigV4a(sent)
  if (hostEndpoint && sigv4a && !regionSetCovers(regionSet, hostEndpoint.region)) {
    evidence.push(`host ${host} is in ${hostEndpoint.region}, but the SigV4a region set is '${regionSet}'`)
    return found('wrong-region-set', `The SigV4a region set does not include the region of the host (${hostEndpoint.region}): add it to regionSet, or sign for ['*'].`, evidence)
  }
  if (hostEndpoint && (hostEndpoint.service !== service || (!sigv4a && hostEndpoint.region !== region))) {
    evidence.push(`host ${host} is ${hostEndpoint.service} in ${hostEndpoint.region}, but the request was signed for ${service} in ${region}`)
    return found('wrong-scope', WRONG_SCOPE, evidence)
  }
  // API Gateway quotes what it signed in its message, S3 in its XML error; other services only say that it differs.
  const expectedCanonicalRequest = between(message, "The Canonical String for this request should have been\n'", "'\n") ?? xmlText(body, 'CanonicalRequest')
  const expectedStringToSign = between(message, "The String-to-Sign should have been\n'", "'") ?? xmlText(body, 'StringToSign')
  let diagnosis
  if (expectedCanonicalRequest !== undefined && canonicalRequest) {
    evidence.push(...lineDiff(expectedCanonicalRequest, canonicalRequest))
    diagnosis = found('signature-mismatch', "AWS computed a different canonical request: the lines below differ (AWS's first, ours second).", evidence)
  } else {
    evidence.push('a wrong secret access key, a body or signed header changed after signing, or a proxy rewriting the path or query')
    if (canonicalRequest) evidence.push(`our canonical request:\n${canonicalRequest}`)
    diagnosis = found('signature-mismatch', 'AWS computed a different signature.', evidence)
  }
  return { ...diagnosis, expectedCanonicalRequest, expectedStringToSign }
}

function between(text, start, end) {
  const from = text.indexOf(start)
  if (from < 0) return undefined
  const to = text.indexOf(end, from + start.length)
  return to < 0 ? undefined : text.slice(from + start.length, to)
}

/** The lines that differ, as "line N: AWS `…` / ours `…`". */
function lineDiff(theirs, ours) {
  const [a, b] = [lines(theirs), lines(ours)]
  const differing = []
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) differing.push(`line ${i + 1}: AWS \`${a[i] ?? ''}\` / ours \`${b[i] ?? ''}\``)
  }
  return differing.length ? differing : ['the canonical requests are the same: the secret access key must differ']
}

/** Lines ended by \n or \r\n; a final newline ends the last line, it does not start an empty one. */
function lines(text) {
  const split = text.split(/\r?\n/)
  if (split.at(-1) === '') split.pop()
  return split
}
