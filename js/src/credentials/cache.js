// Turns any credentials source into a provider that caches until shortly
// before expiry and lets concurrent callers share one refresh.
import { IamFetchError } from '../errors.js'
import { backoffDelayMs } from '../backoff.js'

/** The default margin before expiry at which credentials are refreshed. */
export const DEFAULT_REFRESH_MARGIN_MS = 5 * 60 * 1000
/** A provider that has not answered by then has failed: a refresh that never settles would hold every caller forever. */
export const DEFAULT_PROVIDER_TIMEOUT_MS = 30_000
/** After a refresh fails while the cached credentials still serve, the next try waits 1 s, 2 s, 4 s … up to this. */
const MAX_RETRY_DELAY_MS = 60_000

/**
 * @param {Function | object} source a provider `() => Promise<credentials>`, or credentials
 * @param {{ refreshMarginMs?: number, timeoutMs?: number, now?: () => number }} [options]
 * @returns {((signal?: AbortSignal) => Promise<Credentials>) & { cached: () => Credentials | undefined }}
 *   a caller's signal ends its own wait; the shared refresh goes on for the others,
 *   and when every waiter has aborted, the next call starts a new one. `cached()`
 *   gives the credentials the provider would answer at once, or undefined when it
 *   would refresh: the signing path then takes no await.
 * @typedef {{ accessKeyId: string, secretAccessKey: string, sessionToken?: string, expiration?: Date }} Credentials
 */
export function cachedProvider(source, { refreshMarginMs = DEFAULT_REFRESH_MARGIN_MS, timeoutMs = DEFAULT_PROVIDER_TIMEOUT_MS, now = Date.now } = {}) {
  if (typeof source !== 'function') {
    const fixed = checkCredentials(source)
    const valid = () => refuseExpired(fixed, now(), 'the credentials given')
    return Object.assign(async () => valid(), { cached: valid })
  }
  let current
  let currentFetchedAt = -Infinity
  let freshUntil = 0
  // { promise, waiters }: the refresh new callers join, until every waiter of it has aborted.
  let refreshing
  let failures = 0
  let retryAt = 0

  const stillValid = () => current && (!current.expiration || now() < current.expiration.getTime())

  function refresh() {
    const attempt = { waiters: 0 }
    attempt.promise = (async () => {
      let timer
      try {
        const fetchedAt = now()
        // 0: no limit.
        const timeout = new Promise((resolve, reject) => {
          if (timeoutMs) timer = setTimeout(() => reject(new IamFetchError('ERR_CREDENTIALS_TIMEOUT', `the credentials provider did not answer within ${timeoutMs} ms`)), timeoutMs)
        })
        // Expired ones are not cached: the next call asks again.
        const fresh = refuseExpired(checkCredentials(await Promise.race([source(), timeout])), now(), 'the credentials provider returned credentials that')
        // An abandoned refresh that answers late may still be used, unless a later one has answered already.
        if (fetchedAt >= currentFetchedAt) {
          current = fresh
          currentFetchedAt = fetchedAt
          // Credentials that live shorter than twice the margin are used for half their life.
          const lifetime = fresh.expiration ? fresh.expiration.getTime() - fetchedAt : Infinity
          freshUntil = fetchedAt + Math.max(lifetime - refreshMarginMs, lifetime / 2)
          failures = 0
        }
        return fresh
      } catch (error) {
        // Credentials that are still valid serve while the refresh is retried with backoff.
        if (stillValid()) {
          // Jitter in the upper half: a retry never follows at once.
          retryAt = now() + backoffDelayMs(failures++, 1000, MAX_RETRY_DELAY_MS, 0.5 + Math.random() / 2)
          return current
        }
        throw error
      } finally {
        // A failed or timed-out refresh leaves nothing behind: the next call tries again.
        clearTimeout(timer)
        if (refreshing === attempt) refreshing = undefined
      }
    })()
    return attempt
  }

  const cached = () => (current && (now() < freshUntil || (now() < retryAt && stillValid())) ? current : undefined)

  return Object.assign(function credentials(signal) {
    if (cached()) return Promise.resolve(current)
    refreshing ??= refresh()
    const attempt = refreshing
    attempt.waiters++
    if (!signal) return attempt.promise
    return untilAborted(attempt.promise, signal, () => {
      // The last waiter gone: nobody waits on it, so the next call must not join it.
      if (--attempt.waiters === 0 && refreshing === attempt) refreshing = undefined
    })
  }, { cached })
}

/** Signing with expired credentials would only earn AWS's ExpiredToken. */
function refuseExpired(credentials, nowMs, whose) {
  if (credentials.expiration && credentials.expiration.getTime() <= nowMs) {
    throw new IamFetchError('ERR_CREDENTIALS_EXPIRED', `${whose} expired at ${credentials.expiration.toISOString()}`)
  }
  return credentials
}

function checkCredentials(credentials) {
  const { accessKeyId, secretAccessKey, sessionToken, expiration } = credentials ?? {}
  if (typeof accessKeyId !== 'string' || !accessKeyId || typeof secretAccessKey !== 'string' || !secretAccessKey) {
    throw new IamFetchError('ERR_MISSING_CREDENTIALS', 'credentials need a non-empty accessKeyId and secretAccessKey')
  }
  if (sessionToken != null && typeof sessionToken !== 'string') {
    throw new IamFetchError('ERR_MISSING_CREDENTIALS', 'sessionToken must be a string')
  }
  const expires = expiration == null ? undefined : new Date(expiration)
  if (expires && Number.isNaN(expires.getTime())) {
    throw new IamFetchError('ERR_MISSING_CREDENTIALS', 'expiration must be a Date or epoch milliseconds')
  }
  return { accessKeyId, secretAccessKey, sessionToken: sessionToken || undefined, expiration: expires }
}

/** `promise`, or the signal's reason as soon as it aborts (then `whenAborted` is called). */
export function untilAborted(promise, signal, whenAborted = () => {}) {
  if (signal.aborted) {
    whenAborted()
    return Promise.reject(signal.reason)
  }
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      whenAborted()
      reject(signal.reason)
    }
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
  })
}
