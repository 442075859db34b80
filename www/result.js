// One call at a time: run it, then show its response, attempts and diagnosis.
import { explainFailure } from 'iamfetch'
import { renderInspector } from './inspector.js'
import { log, redact } from './log.js'
import { $, describeError, setBusy } from './page.js'
import { recordAttempts, stopRecording } from './wire.js'

const SHOWN_BODY_CHARS = 12_000
let callCount = 0

/**
 * Runs one call and shows everything about it.
 * @param {{ title: string, expect?: string, body?: BodyInit | null, send: () => Promise<{ response?: Response, signedRequest?: Request, oac?: boolean, recoveryNote?: (explanation) => string }>, hint?: (explanation) => string }} call
 *   hint: what the page knows of this call that explainFailure cannot (shown under the diagnosis)
 */
export async function perform({ title, expect, body = null, send, hint }) {
  setBusy(true)
  const wire = recordAttempts()
  const startedAt = performance.now()
  let outcome = {}
  let error
  try {
    outcome = await send()
  } catch (thrown) {
    error = thrown
  }
  const elapsedMs = performance.now() - startedAt
  stopRecording()
  try {
    let explanation = null
    let recovered = false
    const { response } = outcome
    const signedRequest = outcome.signedRequest ?? error?.signedRequest
    if (error && error.name === 'IamFetchError') {
      explanation = null
    } else if (error) {
      explanation = await explainFailure(error, signedRequest)
    } else if (response && !response.ok) {
      explanation = await explainFailure(response, signedRequest)
    } else if (response && wire.some((entry) => entry.refused)) {
      // Refused at first, then recovered by the client: explain the refusal it recovered from.
      explanation = await explainFailure(wire.find((entry) => entry.refused).refused)
      recovered = true
    }
    const responseText = response ? await response.text() : ''
    renderResult({ title, expect, elapsedMs, wire, response, responseText, error, explanation, recovered, recoveryNote: outcome.recoveryNote, hint })
    const signed = await renderInspector({ wire, oac: outcome.oac, body, explanation })
    // Last: tests (and anyone watching) read the result once this changes.
    $('result').dataset.calls = String(++callCount)
    const cause = explanation?.cause
    log(`${title} → ${response ? response.status : error ? (error.code ?? error.name) : '?'}${cause ? ` · explainFailure: ${cause}${recovered ? ' (recovered)' : ''}` : ''} · ${Math.round(elapsedMs)} ms`, cause && !recovered ? 'bad' : '')
    return { response, responseText, explanation, error, signed }
  } finally {
    setBusy(false)
  }
}

function renderResult({ title, expect, elapsedMs, wire, response, responseText, error, explanation, recovered, recoveryNote, hint }) {
  $('result').hidden = false
  $('call-title').textContent = redact(title)
  const status = $('status-line')
  if (response) {
    status.textContent = `${response.status} ${response.statusText || ''} · ${Math.round(elapsedMs)} ms · ${wire.length} attempt${wire.length === 1 ? '' : 's'}`.replace('  ', ' ')
    status.className = `status-line ${response.ok ? 'ok' : 'bad'}`
  } else {
    status.textContent = `No answer: ${describeError(error)} · ${Math.round(elapsedMs)} ms`
    status.className = 'status-line bad'
  }
  status.dataset.status = response ? String(response.status) : 'error'
  $('attempts').replaceChildren(...wire.map((entry) => {
    const item = document.createElement('li')
    const outcome = entry.status ? `${entry.status}${entry.errorType ? ` ${entry.errorType}` : ''}` : entry.error ?? 'sending…'
    item.textContent = redact(`${entry.method} ${entry.url} → ${outcome}`)
    return item
  }))
  $('response-parts').hidden = !response
  $('response-headers').textContent = response
    ? redact([...response.headers].map(([name, value]) => `${name}: ${value}`).join('\n')) + '\n(only the headers the CORS config exposes are readable here)'
    : ''
  $('response-body').textContent = response ? redact(presentBody(responseText, response.headers.get('content-type'))) : ''

  const box = $('diagnosis')
  box.hidden = !explanation
  box.classList.toggle('recovered', recovered)
  if (explanation) {
    // A refusal the client recovered from did not fail: the call's answer is the last attempt's.
    $('diagnosis-heading').textContent = recovered ? 'Refused at first, then recovered:' : 'Why it failed:'
    $('cause').textContent = explanation.cause
    box.dataset.cause = explanation.cause
    $('summary').textContent = redact(explanation.summary)
    $('evidence').replaceChildren(...explanation.evidence.map((line) => {
      const item = document.createElement('li')
      item.textContent = redact(line)
      return item
    }))
    const check = $('expect-check')
    if (expect) {
      const ok = explanation.cause === expect
      check.textContent = ok ? '✓ as expected' : `✗ expected ${expect}`
      check.className = ok ? 'check-ok' : 'check-bad'
    } else {
      check.textContent = ''
    }
    const note = recovered ? (recoveryNote?.(explanation) ?? 'The client recovered from this refusal by itself: the last attempt succeeded.') : ''
    $('recovery').hidden = !note
    $('recovery').textContent = note
    const hinted = hint?.(explanation) ?? ''
    $('diagnosis-hint').hidden = !hinted
    $('diagnosis-hint').textContent = redact(hinted)
  } else {
    delete box.dataset.cause
  }
  $('result').scrollIntoView?.({ block: 'start', behavior: 'smooth' })
}

/** Pretty JSON, without the echo function's copy of a large body. */
function presentBody(text, contentType) {
  if (!text) return '(empty)'
  let shown = text
  if (/json/i.test(contentType ?? '') || /^\s*[{[]/.test(text)) {
    try {
      const value = JSON.parse(text)
      if (value && typeof value.body === 'string' && value.body.length > 2000) {
        value.body = `‹${value.body.length} characters${value.isBase64Encoded ? ' of base64' : ''}, not shown›`
      }
      shown = JSON.stringify(value, null, 2)
    } catch {
      shown = text
    }
  }
  return shown.length > SHOWN_BODY_CHARS ? `${shown.slice(0, SHOWN_BODY_CHARS)}\n… (${shown.length - SHOWN_BODY_CHARS} more characters)` : shown
}
