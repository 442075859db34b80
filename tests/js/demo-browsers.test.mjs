// The demo's core flows in Chromium, Firefox and WebKit: guest credentials, a
// signed call to the function URL, an OAC POST and the signature inspector, on
// the local stack as scripts/demo.sh serves it. One browser launch per engine;
// its flows run in order on one page. The rest of the demo's tests (keyboard,
// secrets never shown, refresh, upload, phone width) are in demo.test.mjs.
import { describe, test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startDemo } from '../../scripts/demo-server.mjs'
import { ENGINES, openBrowser } from './support/browsers.mjs'
import {
  FUNCTION_URL_POST, assertOacPost, assertSignedFunctionCall, assertWrongRegion, fillRequestForm, runAndWait, untilSignedIn,
} from './support/demo-flows.mjs'

let demo
before(async () => {
  demo = await startDemo()
})
after(() => demo?.stop())

/** What each engine's fetch says when CORS (or the network) refuses a call: a TypeError in all three. */
const FETCH_FAILURE = { chromium: 'Failed to fetch', firefox: 'NetworkError when attempting to fetch resource.', webkit: 'Load failed' }

/** Runs in the page: keeps what it throws from now on. */
function collectPageErrors() {
  window.pageErrors = []
  addEventListener('error', (event) => window.pageErrors.push(event.message))
  addEventListener('unhandledrejection', (event) => window.pageErrors.push(String(event.reason?.message ?? event.reason)))
}

for (const engine of ENGINES) {
  describe(engine, () => {
    let page
    before(async () => {
      page = await openBrowser(engine)
      await page.goto(demo.url)
      await page.waitForFunction(() => document.body.dataset.ready === 'true')
      await page.evaluate(collectPageErrors)
    })
    after(() => page?.close())

    const send = (fields) => runAndWait(page, async () => {
      await page.evaluate(fillRequestForm, fields)
      await page.click('#send')
    })

    test('guest credentials from the Cognito identity pool', async () => {
      await page.click('#guest')
      await untilSignedIn(page)
      const session = await page.evaluate(() => Object.fromEntries(['who', 'identity-id', 'expires-in'].map((id) => [id, document.getElementById(id).textContent])))
      assert.match(session.who, /Guest/)
      assert.match(session['identity-id'], /^us-east-1:[0-9a-f-]{36}$/)
      assert.match(session['expires-in'], /^\d+:\d\d$/)
    })

    test('a signed call to the function URL, and the signature inspector on it', async () => {
      assertSignedFunctionCall(assert, await send(FUNCTION_URL_POST))
    })

    test('a POST through CloudFront OAC', async () => {
      const body = `{ "through": "cloudfront", "from": "${engine}" }`
      assertOacPost(assert, await send({ target: 'cloudfront', method: 'POST', path: '/oac-post', body }), { body })
    })

    test('the signature inspector on a refused call (signed for the wrong region)', async () => {
      const result = await runAndWait(page, () => page.click('[data-mistake="wrong-region"]'))
      assertWrongRegion(assert, result)
      assert.equal(result.diagnosisShown, true)
      assert.match(result.canonicalRequest, /^[A-Z]+\n\//)
    })

    test('a header CORS does not allow: each engine words the failure its own way, the diagnosis is the same', async () => {
      const result = await runAndWait(page, () => page.click('[data-mistake="cors-or-network"]'))
      assert.equal(result.status, 'error')
      assert.equal(result.cause, 'cors-or-network')
      assert.ok(result.attempts[0].endsWith(` → TypeError: ${FETCH_FAILURE[engine]}`), result.attempts[0])
      assert.ok(result.evidence.some((line) => /AllowHeaders must list: .*x-amz-meta-note/.test(line)), result.evidence.join('\n'))
    })

    test('the page threw nothing', async () => {
      assert.deepEqual(await page.evaluate(() => window.pageErrors), [])
    })
  })
}
