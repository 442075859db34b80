/**
 * `then(value)` at once when `value` is no promise, else once it resolves.
 * Once the core is loaded and the body is at hand, signing is synchronous:
 * each await would cost a microtask (about 2 µs in Firefox, several per
 * signature), so the steps of the signing path hand each other values, and
 * promises only where something must be read, loaded or fetched.
 */
export function whenReady(value, then) {
  return value instanceof Promise ? value.then(then) : then(value)
}
