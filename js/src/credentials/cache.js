// Turns any credentials source into a provider that caches until shortly
// before expiry and lets concurrent callers share one refresh.
import { IamFetchError } from '../errors.js'

/** The default margin before expiry at which credentials are refreshed. */
export const DEFAULT_REFRESH_MARGIN_MS = 5 * 60 * 1000
/** A provider that has not answered by then has failed: a refresh that never settles would hold every caller forever. */
export const DEFAULT_PROVIDER_TIMEOUT_MS = 30_000

/**
 * @param {Function | object} source a provider `() => Promise<credentials>`, or credentials
 * @param {{ refreshMarginMs?: number, timeoutMs?: number, now?: () => number }} [options]
 * @returns {(signal?: AbortSignal) => Promise<{ accessKeyId: string, secretAccessKey: string, sessionToken?: string, expiration?: Date }>}
 *   a caller's signal ends its own wait; the shared refresh goes on for the others
 */
export function cachedProvider(source, { refreshMarginMs = DEFAULT_REFRESH_MARGIN_MS, timeoutMs = DEFAULT_PROVIDER_TIMEOUT_MS, now = Date.now } = {}) {
  if (typeof source !== 'function') {
    const fixed = checkCredentials(source)
    return async () => refuseExpired(fixed, now(), 'the credentials given')
  }
  let current
  let freshUntil = 0
  let refreshing
  return function credentials(signal) {
    if (current && now() < freshUntil) return Promise.resolve(current)
    refreshing ??= (async () => {
      let timer
      try {
        const fetchedAt = now()
        // 0: no limit.
        const timeout = new Promise((resolve, reject) => {
          if (timeoutMs) timer = setTimeout(() => reject(new IamFetchError('ERR_CREDENTIALS_TIMEOUT', `the credentials provider did not answer within ${timeoutMs} ms`)), timeoutMs)
        })
        // Expired ones are not cached: the next call asks again.
        const fresh = refuseExpired(checkCredentials(await Promise.race([source(), timeout])), now(), 'the credentials provider returned credentials that')
        current = fresh
        // Credentials that live shorter than twice the margin are used for half their life.
        const lifetime = fresh.expiration ? fresh.expiration.getTime() - fetchedAt : Infinity
        freshUntil = fetchedAt + Math.max(lifetime - refreshMarginMs, lifetime / 2)
        return fresh
      } finally {
        // A failed or timed-out refresh leaves nothing behind: the next call tries again.
        clearTimeout(timer)
        refreshing = undefined
      }
    })()
    return signal ? untilAborted(refreshing, signal) : refreshing
  }
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

/** `promise`, or the signal's reason as soon as it aborts. */
export function untilAborted(promise, signal) {
  if (signal.aborted) return Promise.reject(signal.reason)
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason)
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
  })
}
