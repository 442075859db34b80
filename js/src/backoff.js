// The retry schedule (exponential backoff with full jitter) and random names.
// crypto.getRandomValues exists in every runtime iamfetch targets (Node 20+,
// Deno, Bun, browsers, workerd), so no fallback is needed.

/**
 * Delay before retry number `attempt` (0-based): uniformly random in
 * `[0, min(capMs, baseMs * 2^attempt))`, so that many clients retrying at once
 * spread out instead of hitting AWS together again.
 * @param {number} attempt
 * @param {number} baseMs
 * @param {number} capMs
 * @param {number} [unit] the random draw in [0, 1); given by tests
 * @returns {number} milliseconds
 */
export function backoffDelayMs(attempt, baseMs, capMs, unit = randomUnit()) {
  // 2^62 already exceeds any cap; a larger power would make 0 * Infinity = NaN.
  const ceiling = Math.min(Math.max(baseMs, 0) * 2 ** Math.min(attempt, 62), Math.max(capMs, 0))
  return ceiling * Math.min(Math.max(unit, 0), 1)
}

/**
 * `bytes` random bytes as lowercase hex, e.g. for STS role session names.
 * @param {number} bytes
 * @returns {string}
 */
export function randomHex(bytes) {
  const random = crypto.getRandomValues(new Uint8Array(bytes))
  return Array.from(random, (byte) => byte.toString(16).padStart(2, '0')).join('')
}

/** A random number in [0, 1). */
function randomUnit() {
  return crypto.getRandomValues(new Uint32Array(1))[0] / 2 ** 32
}
