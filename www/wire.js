// What went on the wire: the fetch the clients send with records each attempt
// of the current call, for the result panel.

let attempts = null // what went on the wire during the current call

/** Starts recording the attempts of one call. */
export function recordAttempts() {
  attempts = []
  return attempts
}

export function stopRecording() {
  attempts = null
}

/** An attempt sent without wireFetch (XMLHttpRequest), recorded all the same. */
export function addAttempt(entry) {
  attempts?.push(entry)
}

/** The fetch the clients send with: it records each attempt for the page. */
export async function wireFetch(input, init) {
  const request = input instanceof Request ? input : new Request(input, init)
  const entry = { method: request.method, url: request.url, headers: [...request.headers] }
  attempts?.push(entry)
  try {
    const response = await fetch(request)
    entry.status = response.status
    entry.errorType = response.headers.get('x-amzn-errortype')
    if (!response.ok) entry.refused = response.clone()
    return response
  } catch (error) {
    entry.error = `${error?.name ?? 'Error'}: ${error?.message ?? error}`
    throw error
  }
}

