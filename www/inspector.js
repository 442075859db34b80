// The signature inspector: the signed headers, canonical request and string to
// sign of the last attempt, recomputed with signRequest() and checked.
import { signRequest } from 'iamfetch'
import { credentialsByKey } from './identity.js'
import { redact } from './log.js'
import { $, describeError } from './page.js'

/**
 * The signature's parts for the last attempt: signRequest() on the request as
 * sent (same x-amz-date, same credentials), checked against its Authorization.
 */
export async function renderInspector({ wire, oac, body, explanation }) {
  const last = wire.at(-1)
  const note = $('inspector-note')
  const fill = (signedHeaders, canonical, stringToSign, check = '', checkClass = '') => {
    $('signed-headers').textContent = signedHeaders
    $('canonical-request').textContent = redact(canonical)
    $('string-to-sign').textContent = redact(stringToSign)
    $('signature-check').textContent = check
    $('signature-check').className = `small ${checkClass}`
    // A heading over nothing reads as something missing: show only the parts there are.
    $('signed-headers-part').hidden = !signedHeaders
    $('canonical-request-part').hidden = !canonical
    $('string-to-sign-part').hidden = !stringToSign
  }
  if (!last) {
    note.textContent = 'Nothing was sent.'
    return fill('', '', '')
  }
  const sent = new Headers(last.headers)
  if (oac) {
    const hash = sent.get('x-amz-content-sha256')
    note.textContent = hash
      ? `Not signed in the browser: CloudFront signs the origin request with OAC. iamfetch sent only the body's hash, x-amz-content-sha256: ${hash}`
      : 'Not signed in the browser: CloudFront signs the origin request with OAC. No x-amz-content-sha256 was sent' + (/^(POST|PUT)$/.test(last.method) ? ', which a POST or PUT needs.' : ' (a GET needs none).')
    return fill('(none: CloudFront signs)', '', '')
  }
  const authorization = sent.get('authorization') ?? ''
  const parts = /Credential=([^/]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]+)/.exec(authorization)
  const credentials = parts && credentialsByKey.get(parts[1])
  if (!parts || !credentials) {
    note.textContent = 'The request carried no signature.'
    return fill('', explanation?.canonicalRequest ?? '', explanation?.stringToSign ?? '')
  }
  const [, , region, service, signedHeaders, signature] = parts
  const headers = new Headers(sent)
  for (const name of ['authorization', 'x-amz-date', 'x-amz-security-token']) headers.delete(name)
  try {
    const again = await signRequest(
      { method: last.method, url: last.url, headers, body },
      { ...credentials, service, region, datetime: sent.get('x-amz-date') },
    )
    note.textContent = `Signed for ${service} in ${region} at ${sent.get('x-amz-date')} with ${parts[1]}.`
    const same = again.signature === signature
    fill(
      signedHeaders.split(';').join(', '),
      again.canonicalRequest,
      again.stringToSign,
      same
        ? `✓ signRequest() on the request as sent gives the same signature as its Authorization header (${signature.slice(0, 16)}…).`
        : `✗ signRequest() gives ${again.signature.slice(0, 16)}…, the request carried ${signature.slice(0, 16)}…`,
      same ? 'check-ok' : 'check-bad',
    )
    return again
  } catch (error) {
    note.textContent = `Could not recompute the signature: ${describeError(error)}`
    return fill(signedHeaders, explanation?.canonicalRequest ?? '', explanation?.stringToSign ?? '')
  }
}
