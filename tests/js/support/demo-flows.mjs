// The demo page's core flows and what they must show, shared by the Playwright
// tests (demo.test.mjs) and the same flows in Chromium, Firefox and WebKit
// (demo-browsers.test.mjs). `page` is a Playwright Page or a page from
// openBrowser() (support/browsers.mjs): both take evaluate(fn, arg) and
// waitForFunction(fn, arg, { timeout }).
import { createHash } from 'node:crypto'

/** Runs in the page: what the result panel shows once a call is complete. */
export function readResult() {
  const byId = (id) => document.getElementById(id)
  const items = (id) => [...byId(id).querySelectorAll('li')].map((li) => li.textContent)
  const diagnosis = byId('diagnosis')
  return {
    status: byId('status-line').getAttribute('data-status'),
    statusText: byId('status-line').textContent,
    cause: diagnosis.getAttribute('data-cause'),
    diagnosisShown: diagnosis.getClientRects().length > 0 && getComputedStyle(diagnosis).visibility !== 'hidden',
    expectCheck: byId('expect-check').textContent,
    evidence: items('evidence'),
    recovery: byId('recovery').textContent,
    body: byId('response-body').textContent,
    canonicalRequest: byId('canonical-request').textContent,
    stringToSign: byId('string-to-sign').textContent,
    signedHeaders: byId('signed-headers').textContent,
    signatureCheck: byId('signature-check').textContent,
    inspectorNote: byId('inspector-note').textContent,
    attempts: items('attempts'),
  }
}

/** Runs one call from the page and waits for its result to be shown (data-calls is set last). */
export async function runAndWait(page, action) {
  const before = await page.evaluate(() => Number(document.getElementById('result').dataset.calls ?? 0))
  await action()
  await page.waitForFunction((n) => Number(document.getElementById('result').dataset.calls ?? 0) > n, before)
  return page.evaluate(readResult)
}

/** Waits until the page holds credentials (after "Continue as guest" or a sign-in). */
export function untilSignedIn(page, timeout = 30_000) {
  return page.waitForFunction(() => !document.getElementById('session').hidden
    && /^ASIA/.test(document.getElementById('access-key-id').textContent), undefined, { timeout })
}

/**
 * Runs in the page: fills the request form as a user would leave it, in the
 * form's order (a new target or method may reset the fields after it).
 */
export function fillRequestForm(fields) {
  for (const [id, value] of Object.entries(fields)) {
    if (value === undefined) continue
    const field = document.getElementById(id)
    field.value = value
    field.dispatchEvent(new Event(field.tagName === 'SELECT' ? 'change' : 'input', { bubbles: true }))
  }
}

/** The request form of the signed call to the function URL, which assertSignedFunctionCall() checks. */
export const FUNCTION_URL_POST = { target: 'function', method: 'POST', path: '/hello?from=test', body: '{ "hello": "from the test" }' }

/** A guest's signed POST to the function URL (FUNCTION_URL_POST), and what the signature inspector shows of it. */
export function assertSignedFunctionCall(assert, result) {
  const { body } = FUNCTION_URL_POST
  assert.equal(result.status, '200', result.statusText)
  assert.equal(result.diagnosisShown, false)
  const event = JSON.parse(result.body)
  assert.equal(event.body, body)
  assert.match(event.requestContext.authorizer.iam.userArn, /assumed-role\/demo-guest\//)
  assert.equal(event.headers['x-amz-security-token'], '‹session token hidden›', 'the echoed session token is masked')
  assert.match(result.canonicalRequest, /^POST\n\/hello\nfrom=test\n/)
  assert.match(result.canonicalRequest, /\nx-amz-security-token:‹session token hidden›\n/)
  assert.match(result.stringToSign, /^AWS4-HMAC-SHA256\n\d{8}T\d{6}Z\n\d{8}\/us-east-1\/lambda\/aws4_request\n[0-9a-f]{64}$/)
  assert.equal(result.signedHeaders, 'content-type, host, x-amz-date, x-amz-security-token')
  assert.match(result.signatureCheck, /^✓ signRequest\(\) on the request as sent gives the same signature/)
}

/** A POST through CloudFront OAC: sent unsigned with its body hash; the function URL behind CloudFront answers. */
export function assertOacPost(assert, result, { body }) {
  assert.equal(result.status, '200', result.statusText)
  const hash = createHash('sha256').update(body).digest('hex')
  assert.ok(result.inspectorNote.includes(`x-amz-content-sha256: ${hash}`), result.inspectorNote)
  assert.equal(result.signedHeaders, '(none: CloudFront signs)')
  const event = JSON.parse(result.body)
  assert.equal(event.body, body)
  assert.equal(event.headers['user-agent'], 'Amazon CloudFront', 'the origin request came from CloudFront')
  assert.equal(event.requestContext.authorizer.iam.userArn, null)
}

/** A call signed for the wrong region: refused, diagnosed, and its canonical request and string to sign shown. */
export function assertWrongRegion(assert, result) {
  assert.equal(result.status, '403')
  assert.equal(result.cause, 'wrong-scope', `${result.statusText}\n${result.evidence.join('\n')}`)
  assert.ok(result.evidence.some((line) => line.includes("region 'eu-west-1'")), result.evidence.join('\n'))
  assert.match(result.stringToSign, /\/eu-west-1\/lambda\/aws4_request/)
}
