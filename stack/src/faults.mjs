// Fault injection and the server clock. Tests switch a fault on for one
// request with the header `x-iamfetch-fault`, or for an endpoint (optionally
// for the next N requests) through the admin API or stack.setFault().
//
// Fault spec: comma-separated items
//   throttle      answer as the endpoint's throttling error (429/400 + its type)
//   500 | 503     answer as the endpoint's internal error / service unavailable
//   slow=MS       wait MS milliseconds before handling
//   drop          destroy the connection without an answer, before reading the body
//   reset         read the whole request, then reset the connection (TCP RST) without an answer
//   reset=mid     handle the request, send the answer's head and half its body, then reset
//   clock=+S|-S   shift this endpoint's clock by S seconds (Date header, skew
//                 checks, token expiry and issued expirations all follow it)

export const FAULT_HEADER = 'x-iamfetch-fault';

export class FaultSpecError extends Error {}

export function parseFaultSpec(text) {
  const spec = {};
  for (const item of String(text).split(',').map((s) => s.trim()).filter(Boolean)) {
    const [name, value] = item.split('=');
    if (name === 'throttle' || name === 'drop') spec[name] = true;
    else if (name === 'reset' && (value === undefined || value === 'mid')) spec.reset = value === 'mid' ? 'mid-answer' : 'before-answer';
    else if (name === '500' || name === '503') spec.status = Number(name);
    else if (name === 'slow' && /^\d+$/.test(value ?? '')) spec.slowMs = Number(value);
    else if (name === 'clock' && /^[+-]?\d+$/.test(value ?? '')) spec.clockOffsetMs = Number(value) * 1000;
    else throw new FaultSpecError(`unknown fault '${item}'; expected throttle, 500, 503, slow=MS, drop, reset, reset=mid or clock=±S`);
  }
  return spec;
}

export class Faults {
  #clockOffsetMs = 0;
  /** endpoint name or '*' -> { text, spec, remaining } */
  #rules = new Map();

  setClockOffset(seconds) {
    this.#clockOffsetMs = seconds * 1000;
  }

  /** Applies `text` to `endpoint` ('*' = all) for `times` requests (default: until cleared). */
  set(endpoint, text, times) {
    this.#rules.set(endpoint, { text, spec: parseFaultSpec(text), remaining: times ?? Infinity });
  }

  clear(endpoint) {
    if (endpoint === undefined) this.#rules.clear();
    else this.#rules.delete(endpoint);
  }

  describe() {
    const endpoints = {};
    for (const [name, rule] of this.#rules) {
      endpoints[name] = { fault: rule.text, remaining: rule.remaining === Infinity ? null : rule.remaining };
    }
    return { clockOffsetSeconds: this.#clockOffsetMs / 1000, endpoints };
  }

  /**
   * The fault for one request: its header wins over the endpoint's rule, and a
   * counted rule is used up here.
   * @returns {{ spec, now: () => number }}
   */
  forRequest(endpoint, headerValue) {
    let spec = {};
    if (headerValue !== undefined) {
      spec = parseFaultSpec(headerValue);
    } else {
      const key = this.#rules.has(endpoint) ? endpoint : '*';
      const rule = this.#rules.get(key);
      if (rule) {
        spec = rule.spec;
        if (--rule.remaining <= 0) this.#rules.delete(key);
      }
    }
    const offset = this.#clockOffsetMs + (spec.clockOffsetMs ?? 0);
    return { spec, now: () => Date.now() + offset };
  }
}
