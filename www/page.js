// Small DOM helpers shared by every part of the page.

export const $ = (id) => document.getElementById(id)

export function describeError(error) {
  if (!error) return 'unknown error'
  if (error.code) return `${error.code}: ${error.message}`
  // A plain Error's message says it all; a named one (TypeError, NotAuthorizedException) keeps its name.
  if (!error.name || error.name === 'Error') return String(error.message ?? error)
  return `${error.name}: ${error.message}`
}

export function setBusy(busy) {
  for (const button of document.querySelectorAll('#request-form button, #mistakes button, #upload-button, #guest, #signin-button, #signout')) {
    if (busy) {
      button.dataset.wasDisabled = String(button.disabled)
      button.disabled = true
    } else if (button.dataset.wasDisabled !== undefined) {
      button.disabled = button.dataset.wasDisabled === 'true'
      delete button.dataset.wasDisabled
    }
  }
  document.body.setAttribute('aria-busy', String(busy))
}


export function formatDuration(ms) {
  if (!Number.isFinite(ms)) return 'indefinitely'
  const total = Math.max(0, Math.round(ms / 1000))
  const minutes = Math.floor(total / 60)
  return `${minutes}:${String(total % 60).padStart(2, '0')}`
}
