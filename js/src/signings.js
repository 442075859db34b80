// What iamfetch remembers of each request it signed, for explainFailure: kept
// apart from the diagnosis itself, which loads only when first asked for.

/** Signing context per Request, Response and error iamfetch made; weak, so nothing is kept alive. */
const signings = new WeakMap()

export function rememberSigning(requestOrResponseOrError, context) {
  signings.set(requestOrResponseOrError, context)
}

/** The context remembered for `value`, if any. */
export function signingOf(value) {
  return signings.get(value)
}

/**
 * explainFailure, loaded on first use: the diagnosis and its wording are not
 * needed to sign, so a code-splitting bundler keeps them out of the first load.
 * @type {typeof import('./explain.js').explainFailure}
 */
export async function explainFailure(failure, signedRequest) {
  const { explainFailure: explain } = await import('./explain.js')
  return explain(failure, signedRequest)
}
