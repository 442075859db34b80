// One call to an AWS credentials API (Cognito Identity, STS) over fetch:
// retries with jittered backoff on throttling, 5xx and network failures, and
// turns AWS's error answers into IamFetchErrors with a stable code.
import { IamFetchError, scrub, withoutUserinfo } from '../errors.js'
import { backoffDelayMs } from '../backoff.js'
import { classifyAwsError } from './aws-error.js'
import { serverClockOffsetMs, skewOffsetMs } from '../clock-skew.js'
import { timeoutSignal } from '../options.js'
import { bodyDeadlineMs, readCappedText } from '../read-capped.js'

/** Cognito and STS answer in well under a second: an attempt that takes longer than this is given up and retried. */
const DEFAULT_CALL_TIMEOUT_MS = 10_000
/**
 * The largest answer read. STS and Cognito answer a few KB (a session token is
 * about 1 KB, AWS says to allow for growth); 1 MiB leaves room for that growth
 * and an error page, and bounds what one attempt can make us hold.
 */
export const MAX_ANSWER_BYTES = 1024 * 1024

/**
 * @param {object} call
 * @param {'cognito-identity' | 'sts'} call.service which error vocabulary applies
 * @param {string} call.operation e.g. "Cognito GetId", for messages
 * @param {(datetimeMs: number) => Promise<Request>} call.request builds the request for a signing time (again for each attempt: signatures carry a time)
 * @param {typeof fetch} [call.fetch]
 * @param {string[]} [call.secrets] values never to show in a message (login tokens, keys)
 * @param {number} [call.retries] attempts after the first (default 3)
 * @param {number} [call.timeoutMs] how long one attempt may take (default 10000), its whole body included; a timeout is retried as a network failure
 * @param {{ offsetMs: number }} [call.clock] the server's clock minus this device's: \`request\` signs at
 *   Date.now() + offsetMs; a clock-skew refusal updates it (the client's rule) and the call is signed again once
 * @returns {Promise<{ body: string, serverClockOffsetMs: number }>} the answer body, and the
 *   server's clock minus this device's, from the answer's Date header (0 without one)
 */
export async function awsCall({ service, operation, request, fetch: send = globalThis.fetch, secrets = [], retries = 3, timeoutMs = DEFAULT_CALL_TIMEOUT_MS, clock = { offsetMs: 0 } }) {
  let skewCorrected = false
  for (let attempt = 0; ; attempt++) {
    let response, body
    try {
      const started = Date.now()
      response = await send(await request(Date.now() + clock.offsetMs), { signal: timeoutSignal(timeoutMs) })
      // Inside the try: an answer cut off or timed out mid-body is a network failure too.
      // The body has what is left of the attempt's time; with no limit, the default one.
      const deadlineMs = bodyDeadlineMs(started, timeoutMs, DEFAULT_CALL_TIMEOUT_MS)
      body = await readCappedText(response, { maxBytes: MAX_ANSWER_BYTES, deadlineMs, what: operation })
    } catch (cause) {
      if (cause instanceof IamFetchError) throw cause
      if (attempt >= retries) {
        throw new IamFetchError('ERR_NETWORK', `${operation} failed: ${withoutUserinfo(scrub(String(cause?.message ?? cause), secrets))}`)
      }
      await pause(attempt)
      continue
    }
    if (response.ok) return { body, serverClockOffsetMs: serverClockOffsetMs(response) ?? 0 }
    if (!skewCorrected) {
      const offsetMs = await skewOffsetMs(response, () => body)
      if (offsetMs !== undefined) {
        // Signed again at once with the server's time; not counted as a retry.
        skewCorrected = true
        clock.offsetMs = offsetMs
        attempt--
        continue
      }
    }
    const error = classifyAwsError(service, response.status, response.headers.get('x-amzn-errortype'), body)
    if (error.retryable && attempt < retries) {
      await pause(attempt)
      continue
    }
    const detail = error.errorType ? `${error.errorType}: ${error.message}` : error.message
    const failure = new IamFetchError(error.code, scrub(`${operation} failed: ${detail}`, secrets))
    failure.awsErrorType = error.errorType || undefined
    failure.awsMessage = scrub(error.message, secrets)
    failure.status = response.status
    failure.requestId = response.headers.get('x-amzn-requestid') ?? undefined
    throw failure
  }
}

function pause(attempt) {
  const delay = backoffDelayMs(attempt, 100, 5000)
  return new Promise((resolve) => setTimeout(resolve, delay))
}

/** Parses an answer that should be JSON; anything else is a clear error. */
export function parseJson(body, operation) {
  try {
    return JSON.parse(body)
  } catch {
    throw new IamFetchError('ERR_UNEXPECTED_RESPONSE', `${operation} answered with something that is not JSON`)
  }
}
