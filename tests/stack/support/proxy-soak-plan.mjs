// What the proxy soak (proxy-soak.mjs) sends: the kinds of viewers, valid and
// hostile, the faults the upstream injects, and each request's plan, drawn
// from the seeded stream. Shared by the viewers, the upstream and the report.
import { createHash } from 'node:crypto'
import { pickWeighted, seededBytes } from './soak.mjs'

/** The request's tag, forwarded and signed by the proxy: the upstream attributes what reaches it by it. */
export const ID_HEADER = 'x-soak-id'
/** The fault a valid viewer asks the upstream for, forwarded and signed like the tag. */
export const FAULT_HEADER = 'x-soak-fault'
/** A second app client of the user pool: its tokens are the wrong audience. */
export const OTHER_CLIENT = 'iamfetchsoakotherclient1'
/** The proxy's signing key, known to the upstream alone. */
export const SIGNING = { accessKeyId: 'AKIDSOAKPROXY0000001', secretAccessKey: 'local-only/proxy-soak-secret-9e2f', region: 'us-east-1', service: 'lambda' }
/** The proxy's body deadline: short, so that slowloris viewers are cut off in seconds, yet long enough for 1 MiB from a valid viewer on a loaded machine (2 s was not). */
export const BODY_TIMEOUT_MS = 4000
/** A hostile connection still open this long after bodyTimeoutMs is held. */
export const HOLD_GRACE_MS = 5000
export const MAX_BODY = 1024 * 1024

/** What valid viewers send (weights in percent of all requests). */
export const VALID_KINDS = {
  get: { weight: 40 },
  post: { weight: 35 },
  // x-amz-content-sha256: the proxy streams the body through unbuffered.
  'put-streamed': { weight: 8 },
}
/**
 * Hostile viewers. `token`: whether the token is valid (else nothing of it may
 * reach the upstream); `expect`: the answers that are right (a status, or
 * 'none' where the viewer hangs up first).
 */
export const HOSTILE_KINDS = {
  'no-token': { weight: 1.5, token: false, expect: ['401 ERR_TOKEN_MISSING'] },
  'garbage-token': { weight: 1.5, token: false, expect: ['401 ERR_TOKEN_INVALID'] },
  'tampered-token': { weight: 1.5, token: false, expect: ['401 ERR_TOKEN_INVALID'] },
  'forged-token': { weight: 1, token: false, expect: ['401 ERR_TOKEN_INVALID'] },
  // A kid the JWKS does not have: the proxy may fetch the JWKS again, at most once per cool-down.
  'unknown-kid': { weight: 0.5, token: false, expect: ['401 ERR_TOKEN_INVALID'] },
  'expired-token': { weight: 1.5, token: false, expect: ['401 ERR_TOKEN_EXPIRED'] },
  'wrong-audience': { weight: 1.5, token: false, expect: ['401 ERR_TOKEN_WRONG_CLIENT'] },
  // 64 KiB of headers: Node's own 431 (its limit is 16 KiB), before the proxy sees anything.
  'oversized-headers': { weight: 1, token: false, expect: ['431', 'closed'] },
  // Headers dripped over ~1 s, then completed with a bad token.
  'slow-headers': { weight: 0.3, token: false, expect: ['401 ERR_TOKEN_INVALID'] },
  // Headers dripped for ~1 s, then the viewer hangs up.
  'slow-headers-abandoned': { weight: 0.2, token: false, expect: ['none'] },
  // A GET or POST with a bad token and a declared body dripped at 10 B / 200 ms:
  // answered 401 at once, and the body it will not use must not hold the connection.
  'slow-body-bad-token': { weight: 0.3, token: false, expect: ['401 ERR_TOKEN_INVALID'] },
  // A valid token and a body dripped slower than bodyTimeoutMs: 408, connection closed.
  'slow-body': { weight: 0.3, token: true, expect: ['408 ERR_BODY_TIMEOUT'] },
  // A valid token, half of a declared body, then the viewer hangs up: nothing reaches the upstream.
  'aborted-upload': { weight: 1, token: true, expect: ['none', '499 ERR_CLIENT_CLOSED'] },
}
/**
 * Faults at the upstream, asked for by the viewer in x-soak-fault (forwarded
 * and signed by the proxy) and applied to the first `times` attempts of that
 * request. `mayFail`: whether the viewer may then get an error answer (or, for
 * 'cut', a body that breaks off).
 */
export const UPSTREAM_FAULTS = {
  500: { maxTimes: 3, mayFail: true },
  503: { maxTimes: 3, mayFail: true },
  // The whole request read, then a TCP reset and no answer.
  reset: { maxTimes: 3, mayFail: true },
  // Answer headers after 500 ms.
  'slow-head': { maxTimes: 1, mayFail: false },
  // The answer dripped in 10 pieces over ~1 s.
  'slow-body': { maxTimes: 1, mayFail: false },
  // The head and half the answer, then a reset: the viewer's body must break off, never end short.
  cut: { maxTimes: 1, mayFail: true },
}

/** One request, from the seeded stream: kind, tag, body size, answer size, fault. */
export function planRequest(index, random, faultRate, kinds) {
  const id = `p${index}-${Math.floor(random() * 2 ** 32).toString(36)}`
  const kind = pickWeighted(kinds, random)
  const valid = kind.name in VALID_KINDS
  // Bodies: mostly small, a quarter up to 64 KiB, one in twenty up to 1 MiB.
  const roll = random()
  const size = roll < 0.05 ? 64 * 1024 + Math.floor(random() * (MAX_BODY - 64 * 1024 + 1))
    : roll < 0.3 ? 4096 + Math.floor(random() * 60 * 1024) : Math.floor(random() * 4096)
  const answer = kind.name === 'get' ? Math.floor(random() * (random() < 0.1 ? 256 * 1024 : 4096)) : Math.floor(random() * 256)
  let fault
  if (valid && random() < faultRate) {
    const names = Object.keys(UPSTREAM_FAULTS)
    const name = names[Math.floor(random() * names.length)]
    fault = { name, times: 1 + Math.floor(random() * UPSTREAM_FAULTS[name].maxTimes) }
  }
  return { index, id, kind: kind.name, valid, size, answer, fault, method: random() < 0.5 ? 'GET' : 'POST', seed: Math.floor(random() * 2 ** 32) }
}

export const bodyOf = (plan) => seededBytes(plan.seed)(plan.size)
export const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex')
