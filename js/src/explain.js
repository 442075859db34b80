// explainFailure: why AWS refused a request, with the evidence. The reasoning
// is in diagnosis.js; this file gathers what it needs.
import { diagnose } from './diagnosis.js'
import { detectEndpoint } from './endpoint.js'
import { scrub } from './errors.js'
import { signingOf } from './signings.js'

/** Headers a browser sends without a CORS preflight (with safelisted values). */
const CORS_SAFELISTED = new Set(['accept', 'accept-language', 'content-language', 'content-type'])

/**
 * Names the likely cause of a failed call: clock skew, expired or unknown
 * credentials, wrong region or service, a missing body hash through OAC, a
 * signature mismatch (diffed against API Gateway's canonical request when it
 * sends one), missing permission, or CORS.
 *
 * @param {Response | Error} failure the Response of a call (any status), or what fetch threw
 * @param {Request} [signedRequest] the Request from `client.sign()`, when the call was not made by `client.fetch()`
 * @returns {Promise<{ cause: string, summary: string, evidence: string[], clockOffsetMs?: number, canonicalRequest?: string, stringToSign?: string, expectedCanonicalRequest?: string, expectedStringToSign?: string }>}
 */
export async function explainFailure(failure, signedRequest) {
  // Anything else given as the signed Request is ignored, as if not given.
  if (!(signedRequest instanceof Request)) signedRequest = undefined
  const context = signingOf(failure) ?? (signedRequest && signingOf(signedRequest))
  if (!(failure instanceof Response)) return explainThrown(failure, signedRequest, context)
  const body = failure.bodyUsed ? '' : await failure.clone().text()
  const unavailable = []
  const signed = context ? await withoutDiagnostics(context.diagnostics(), {}, unavailable) : {}
  const diagnosis = diagnose(
    {
      status: failure.status,
      errorType: failure.headers.get('x-amzn-errortype') ?? undefined,
      body,
      serverDateMs: dateOf(failure),
      localTimeMs: context?.receivedAt ?? Date.now(),
    },
    {
      host: context?.host ?? '',
      method: context?.method ?? '',
      service: signed.service ?? context?.service ?? '',
      region: signed.region ?? context?.region ?? '',
      regionSet: signed.regionSet ?? context?.regionSet ?? '',
      canonicalRequest: signed.canonicalRequest ?? '',
      stringToSign: signed.stringToSign ?? '',
      // The request as finally sent, if given: it may have been changed after signing.
      sentContentHash: signedRequest?.headers.has('x-amz-content-sha256') ?? context?.sentContentHash ?? false,
      throughOac: context?.throughOac ?? false,
      credentialsExpirationMs: context?.credentialsExpirationMs,
      appliedOffsetMs: context?.appliedOffsetMs ?? 0,
      // What the host implies, read by the same code that fills in a missing service and region when signing.
      hostEndpoint: detectEndpoint(context?.host),
    },
  )
  const evidence = [...diagnosis.evidence, ...new Set(unavailable)]
  return withoutSecrets({ ...diagnosis, evidence, canonicalRequest: signed.canonicalRequest, stringToSign: signed.stringToSign }, context?.secrets ?? [])
}

/**
 * A Worker that bundles no diagnostics build (no `import 'iamfetch/diagnostics'`)
 * still gets an explanation, without the canonical request, and is told why.
 */
async function withoutDiagnostics(promise, fallback, unavailable) {
  try {
    return await promise
  } catch (error) {
    if (error?.code !== 'ERR_WASM_LOAD') throw error
    unavailable.push(`the canonical request could not be rebuilt: ${error.message}`)
    return fallback
  }
}

/**
 * The canonical requests (ours, and API Gateway's in its answer) carry the
 * session token: an explanation is logged and serialized (it rides on
 * throwOnAuthError's error), so the token and key never stay in it.
 */
function withoutSecrets(explanation, secrets) {
  const clean = (value) => (typeof value === 'string' ? scrub(value, secrets) : value)
  const out = {}
  for (const [key, value] of Object.entries(explanation)) out[key] = Array.isArray(value) ? value.map(clean) : clean(value)
  return out
}

function dateOf(response) {
  const date = Date.parse(response.headers.get('date') ?? '')
  return Number.isFinite(date) ? date : undefined
}

/** fetch threw: in a browser, a CORS refusal looks exactly like a network failure. */
function explainThrown(error, signedRequest, context) {
  if (error?.name === 'AbortError') {
    return { cause: 'aborted', summary: 'The request was aborted.', evidence: [describe(error)] }
  }
  const request = signedRequest ?? context?.request
  const needsAllowing = request
    ? [...request.headers.keys()].filter((name) => !CORS_SAFELISTED.has(name) || (name === 'content-type' && !isSafelistedContentType(request.headers.get(name))))
    : ['authorization', 'x-amz-date', 'x-amz-security-token', 'x-amz-content-sha256', 'content-type']
  return {
    cause: 'cors-or-network',
    summary: 'The request never got an answer: the network failed, or (in a browser) CORS refused it.',
    evidence: [
      `fetch threw: ${describe(error)}`,
      `the endpoint's CORS AllowHeaders must list: ${needsAllowing.join(', ')}`,
      `its AllowOrigins must include this page's origin, and AllowMethods ${context?.method ?? request?.method ?? 'the method'}`,
      'ExposeHeaders should list date, x-amzn-errortype and x-amzn-requestid, so that failures can be explained',
    ],
  }
}

/** What was thrown, as text: anything may be thrown, even a value String() refuses. */
function describe(error) {
  try {
    return String(error?.message ?? error)
  } catch {
    return 'a value with no text'
  }
}

function isSafelistedContentType(value) {
  const type = (value ?? '').split(';')[0].trim().toLowerCase()
  return type === 'text/plain' || type === 'multipart/form-data' || type === 'application/x-www-form-urlencoded'
}
