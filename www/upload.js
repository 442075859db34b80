// Upload a file to the function URL: hashed for the signature with progress,
// then sent with XMLHttpRequest for its upload progress events.
import { init, sha256Hex } from 'iamfetch'
import { client, ensureSession } from './identity.js'
import { $, describeError } from './page.js'
import { perform } from './result.js'
import { signingFor, urlFor } from './settings.js'
import { addAttempt } from './wire.js'

/** A function URL in BUFFERED mode refuses larger requests (413). */
const UPLOAD_LIMIT_BYTES = 6 * 1024 * 1024

export function setProgress(kind, fraction) {
  const value = Math.max(0, Math.min(1, fraction))
  $(`${kind}-progress`).value = value
  $(`${kind}-pct`).textContent = `${Math.round(value * 100)}%`
}

export async function upload() {
  const file = $('file').files[0]
  const status = $('upload-status')
  if (!file) {
    status.textContent = 'Choose a file first.'
    return
  }
  if (file.size > UPLOAD_LIMIT_BYTES) {
    status.textContent = `${file.name} is ${file.size.toLocaleString()} bytes: a function URL takes at most 6 MB (${UPLOAD_LIMIT_BYTES.toLocaleString()} bytes) per request. For larger files, upload to S3 with a presigned URL.`
    return
  }
  try {
    await ensureSession()
  } catch (error) {
    status.textContent = describeError(error)
    return
  }
  setProgress('hash', 0)
  setProgress('send', 0)
  const url = urlFor('function', `/upload?name=${encodeURIComponent(file.name)}`)
  const contentType = file.type || 'application/octet-stream'
  status.textContent = `Hashing ${file.size.toLocaleString()} bytes…`
  const phases = []
  const result = await perform({
    title: `PUT ${url} (${file.size.toLocaleString()} bytes, signed by client.sign(), sent with XMLHttpRequest)`,
    body: file,
    send: async () => {
      const signedRequest = await client.sign(url, {
        method: 'PUT',
        headers: { 'content-type': contentType },
        body: file,
        aws: {
          ...signingFor('function'),
          onHashProgress: (done, total) => {
            setProgress('hash', total ? done / total : 1)
            phases.push(`hashed ${done}`)
          },
        },
      })
      setProgress('hash', 1)
      status.textContent = `Sending ${file.size.toLocaleString()} bytes…`
      const entry = { method: 'PUT', url: signedRequest.url, headers: [...signedRequest.headers] }
      addAttempt(entry)
      const response = await sendWithProgress(signedRequest, file, (fraction) => {
        setProgress('send', fraction)
        phases.push(`sent ${Math.round(fraction * 100)}%`)
      }).catch((error) => {
        entry.error = `${error.name}: ${error.message}`
        error.signedRequest = signedRequest
        throw error
      })
      entry.status = response.status
      entry.errorType = response.headers.get('x-amzn-errortype')
      return { response, signedRequest }
    },
  })
  if (!result?.response) {
    status.textContent = `The upload failed: ${result?.explanation?.summary ?? describeError(result?.error)}`
    return
  }
  if (!result.response.ok) {
    status.textContent = `The function URL answered ${result.response.status}: ${result.explanation?.summary ?? ''}`
    return
  }
  // The echo function returns what it received: check it is exactly what was signed.
  const signedHash = result.signed?.payloadHash ?? ''
  const received = await receivedBody(result.responseText)
  if (received) {
    const same = received.sha256 === signedHash
    status.textContent = `${result.response.status}: the function received ${received.bytes.toLocaleString()} bytes with SHA-256 ${received.sha256.slice(0, 16)}…, ${same ? 'the hash the request was signed with ✓' : `not the signed hash ${signedHash.slice(0, 16)}… ✗`}`
    status.dataset.verified = String(same)
  } else {
    status.textContent = `${result.response.status}: uploaded ${file.size.toLocaleString()} bytes.`
  }
  status.dataset.phases = phases.join(',')
}

/** XMLHttpRequest, for its upload progress events; the signed headers are copied over. */
function sendWithProgress(signedRequest, body, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open(signedRequest.method, signedRequest.url)
    signedRequest.headers.forEach((value, name) => xhr.setRequestHeader(name, value))
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total) onProgress(event.loaded / event.total)
    }
    // An empty body fires no upload events: the answer's arrival says it was all sent.
    let sent = false
    const allSent = () => {
      if (!sent) onProgress(1)
      sent = true
    }
    xhr.upload.onload = allSent
    xhr.onload = () => {
      allSent()
      const headers = new Headers()
      for (const line of xhr.getAllResponseHeaders().trim().split(/\r?\n/)) {
        const colon = line.indexOf(':')
        if (colon > 0) headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim())
      }
      resolve(new Response(xhr.status === 204 ? null : xhr.responseText, { status: xhr.status, statusText: xhr.statusText, headers }))
    }
    xhr.onerror = () => reject(new TypeError('XMLHttpRequest failed: the network failed, or CORS refused the request'))
    xhr.send(body)
  })
}

/** The echo event's body (base64 for binary types), or a function's own { bodyBytes, bodySha256 } summary. */
async function receivedBody(text) {
  let event
  try {
    event = JSON.parse(text)
  } catch {
    return null
  }
  if (typeof event?.bodySha256 === 'string') return { bytes: event.bodyBytes, sha256: event.bodySha256 }
  if (typeof event?.body !== 'string') return null
  let bytes
  if (event.isBase64Encoded) {
    const binary = atob(event.body)
    bytes = new Uint8Array(binary.length)
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  } else {
    bytes = new TextEncoder().encode(event.body)
  }
  await init()
  return { bytes: bytes.byteLength, sha256: sha256Hex(bytes) }
}
