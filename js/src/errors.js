/**
 * The one error class of iamfetch. Branch on `code`, which is stable;
 * messages are for people and may change. No message ever contains a
 * secret access key, a session token or a login token.
 */
export class IamFetchError extends Error {
  /**
   * @param {string} code stable machine code, e.g. ERR_INVALID_URL
   * @param {string} message
   * @param {{ cause?: unknown }} [options]
   */
  constructor(code, message, options) {
    super(message, options)
    this.name = 'IamFetchError'
    this.code = code
  }
}

/**
 * Turns what a call into wasm throws into an IamFetchError. The core returns
 * its errors as values (src/wire.rs), so anything else thrown is a trap or a
 * glue failure.
 */
export function fromWasmError(error) {
  if (error instanceof IamFetchError) return error
  return new IamFetchError('ERR_INTERNAL', `iamfetch's signing core failed: ${error?.message ?? error}`, { cause: error })
}

/** Secrets shorter than this are not scrubbed: replacing every "a" would mangle the text and hide nothing. */
const MIN_SCRUBBED_LENGTH = 8

/** What a secret is replaced by wherever it would be printed. */
export const REDACTED = '** redacted **'

/** Removes every secret value (token, key) from a text that may quote one back. */
export function scrub(text, secrets) {
  let out = text
  for (const secret of secrets) {
    if (typeof secret === 'string' && secret.length >= MIN_SCRUBBED_LENGTH) out = out.split(secret).join(REDACTED)
  }
  return out
}

/**
 * A text with any `scheme://user:password@` cut to `scheme://`: for messages
 * that quote a URL. As URL parsing reads it: after http, https, ws, wss or
 * ftp the slashes may be missing (`https:user:pw@host`), and the userinfo may
 * hold spaces, so it runs to the `@` before any `/`, `?`, `#` or line break.
 */
export function withoutUserinfo(text) {
  return String(text).replace(/(\b(?:https?|wss?|ftp):\/*|\b[a-z][a-z0-9+.-]*:\/\/)[^/?#@\r\n]*@/gi, '$1')
}
