// The demo's defects found by trying it as a new user would,
// each with the test that found it: your own AWS account, phone and desktop
// widths, the inspector, where errors show, the log, and smaller ones.
// Headless Chromium against the local stack, served as scripts/demo.sh serves it.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startDemo } from '../../scripts/demo-server.mjs'
import { launchChromium } from './support/browsers.mjs'
import { fillRequestForm, runAndWait, untilSignedIn } from './support/demo-flows.mjs'

let demo, browser, local
before(async () => {
  demo = await startDemo()
  browser = await launchChromium()
  local = (await (await fetch(new URL('demo-config.json', demo.url))).json()).settings
})
after(async () => {
  await browser?.close()
  await demo?.stop()
})

const PHONE = { width: 390, height: 844 }
const DESKTOP = { width: 1280, height: 900 }

/** The README's query string for your own resources, in eu-west-1. */
const OWN_ACCOUNT = {
  identityPoolId: 'eu-west-1:0c1d2e3f-0000-4000-8000-000000000000',
  userPoolId: 'eu-west-1_AbC',
  userPoolClientId: 'democlientid',
  functionUrl: 'https://abcdefghij.lambda-url.eu-west-1.on.aws',
  cloudfrontUrl: 'https://d1234.cloudfront.net',
  apiUrl: 'https://abc.execute-api.eu-west-1.amazonaws.com',
}

/** A fresh page on the demo, with `query` as its query string; the page's own errors are kept. */
async function open(t, { query, viewport = DESKTOP } = {}) {
  const context = await browser.newContext({ viewport })
  t.after(() => context.close())
  const page = await context.newPage()
  const pageErrors = []
  page.on('pageerror', (error) => pageErrors.push(error.message))
  await page.goto(query ? `${demo.url}?${new URLSearchParams(query)}` : demo.url)
  await page.waitForSelector('body[data-ready="true"]')
  return { page, pageErrors }
}

/** Answers every call to `pattern` with an AWS JSON error, recording the calls' URLs and x-amz-target. */
async function refuse(page, pattern, { when = () => true } = {}) {
  const calls = []
  await page.route(pattern, (route) => {
    const request = route.request()
    if (request.method() === 'OPTIONS' || !when(request)) return route.continue()
    calls.push({ url: request.url(), target: request.headers()['x-amz-target'] ?? '' })
    return route.fulfill({
      status: 400,
      headers: { 'content-type': 'application/x-amz-json-1.1', 'access-control-allow-origin': '*', 'access-control-expose-headers': 'x-amzn-errortype' },
      body: JSON.stringify({ __type: 'ResourceNotFoundException', message: 'refused by the test' }),
    })
  })
  return calls
}

/** An element's text, or null when the page has no such element (instead of waiting for it). */
function textOf(page, id) {
  return page.evaluate((id) => document.getElementById(id)?.textContent ?? null, id)
}

/** Waits until one of the page's error boxes shows a message: which one, and what it says. */
async function untilError(page) {
  await page.waitForFunction(() => [...document.querySelectorAll('.error')].some((el) => el.textContent))
  return page.evaluate(() => [...document.querySelectorAll('.error')].filter((el) => el.textContent).map((el) => ({ id: el.id, text: el.textContent })))
}

async function startAsGuest(page) {
  await page.click('#guest')
  await untilSignedIn(page)
}

function send(page, fields) {
  return runAndWait(page, async () => {
    await page.evaluate(fillRequestForm, fields)
    await page.click('#send')
  })
}

/** What, inside the boxes of `selectors`, sticks out of its card, and how wide the page is. */
function overflowing(page, selectors) {
  return page.evaluate((selectors) => {
    const out = { pageWidth: document.documentElement.scrollWidth, viewport: innerWidth, elements: [] }
    for (const selector of selectors) {
      const el = document.querySelector(selector)
      const card = el.closest('.card').getBoundingClientRect()
      const box = el.getBoundingClientRect()
      if (el.scrollWidth > el.clientWidth + 1 || box.right > card.right + 0.5) {
        out.elements.push(`${selector}: ${Math.round(el.scrollWidth)} px of content in ${el.clientWidth} px, right edge ${Math.round(box.right)} > card ${Math.round(card.right)}`)
      }
    }
    return out
  }, selectors)
}

/** The inspector's headings that are shown, each with whether something non-empty is shown under it. */
function inspectorHeadings(page) {
  return page.evaluate(() => [...document.querySelectorAll('#inspector h4')]
    .filter((h) => h.checkVisibility())
    .map((h) => {
      const content = h.nextElementSibling
      return { heading: h.textContent, content: content?.checkVisibility() ? content.textContent.trim() : '' }
    }))
}

// ---------- 1. your own AWS account ----------

test('own account: the README query string sends GetId and InitiateAuth to AWS in its region, never to the local stack', async (t) => {
  const { page, pageErrors } = await open(t, { query: OWN_ACCOUNT })
  const cognito = await refuse(page, 'https://cognito-*.eu-west-1.amazonaws.com/**')
  const localCalls = []
  page.on('request', (request) => {
    if (request.url().startsWith(local.cognitoIdentityEndpoint) || request.url().startsWith(local.cognitoIdpEndpoint)) localCalls.push(request.url())
  })
  assert.match(await page.textContent('#mode'), /^Your AWS resources · region eu-west-1/)
  await page.click('#guest')
  await untilError(page)
  await page.fill('#username', 'someone')
  await page.fill('#password', 'a-password')
  await page.click('#signin-button')
  await page.waitForFunction(() => document.getElementById('signin-error').textContent)
  assert.deepEqual(cognito.map(({ url, target }) => `${url} ${target}`), [
    'https://cognito-identity.eu-west-1.amazonaws.com/ AWSCognitoIdentityService.GetId',
    'https://cognito-idp.eu-west-1.amazonaws.com/ AWSCognitoIdentityProviderService.InitiateAuth',
  ])
  assert.deepEqual(localCalls, [])
  // Nothing local shows through in the form either: the endpoints are AWS's, derived from the region.
  assert.equal(await page.inputValue('#s-cognitoIdentityEndpoint'), '')
  assert.equal(await page.getAttribute('#s-cognitoIdentityEndpoint', 'placeholder'), 'https://cognito-identity.eu-west-1.amazonaws.com/')
  assert.deepEqual(pageErrors, [])
})

test('own account: Apply puts only what was entered in the address, never the local endpoints', async (t) => {
  const { page } = await open(t)
  await page.locator('#settings summary').first().click()
  await page.fill('#s-identityPoolId', OWN_ACCOUNT.identityPoolId)
  await page.fill('#s-functionUrl', OWN_ACCOUNT.functionUrl)
  await Promise.all([page.waitForURL(/identityPoolId=/), page.getByRole('button', { name: 'Apply' }).click()])
  const query = Object.fromEntries(new URL(page.url()).searchParams)
  assert.deepEqual(query, { identityPoolId: OWN_ACCOUNT.identityPoolId, functionUrl: OWN_ACCOUNT.functionUrl })
  await page.waitForSelector('body[data-ready="true"]')
  assert.match(await page.textContent('#mode'), /^Your AWS resources · region eu-west-1/)
})

test('own account: ?region=eu-west-1 alone names none of your resources, so the page stays on the local stack and says so', async (t) => {
  const { page } = await open(t, { query: { region: 'eu-west-1' } })
  const mode = await page.textContent('#mode')
  assert.match(mode, /^Local AWS stack on this machine · region us-east-1/)
  assert.match(mode, /region=eu-west-1 .*ignored/)
  await startAsGuest(page)
  const call = await send(page, { target: 'function', method: 'GET', path: '/region-alone' })
  assert.equal(call.status, '200', call.statusText)
  assert.match(call.stringToSign, /\/us-east-1\/lambda\/aws4_request\n/)
})

// ---------- 2. phone width, 6. inspector text ----------

for (const viewport of [PHONE, DESKTOP]) {
  test(`${viewport.width} px: the OAC hash and the caller ARN stay inside their cards`, async (t) => {
    const { page } = await open(t, { viewport })
    await startAsGuest(page)
    const oac = await send(page, { target: 'cloudfront', method: 'POST', path: '/oac', body: '{ "wide": "hash" }' })
    assert.match(oac.inspectorNote, /[0-9a-f]{64}/)
    let found = await overflowing(page, ['#inspector-note', '#status-line', '#call-title'])
    assert.deepEqual(found.elements, [])
    assert.ok(found.pageWidth <= viewport.width, `the page is ${found.pageWidth} px wide on a ${viewport.width} px screen`)
    const direct = await send(page, { target: 'function', method: 'POST', path: '/caller', body: '{}' })
    assert.match(direct.statusText, /caller arn:aws:sts::/)
    found = await overflowing(page, ['#inspector-note', '#status-line', '#call-title'])
    assert.deepEqual(found.elements, [])
    assert.ok(found.pageWidth <= viewport.width, `the page is ${found.pageWidth} px wide on a ${viewport.width} px screen`)
  })
}

test('390 px: the canonical request and string to sign keep their lines (they scroll instead of wrapping mid-token)', async (t) => {
  const { page } = await open(t, { viewport: PHONE })
  await startAsGuest(page)
  await send(page, { target: 'function', method: 'POST', path: '/a/rather/long/path/that/would/wrap?with=a&query=string', body: '{}' })
  for (const id of ['canonical-request', 'string-to-sign']) {
    const shown = await page.evaluate((id) => {
      const pre = document.getElementById(id)
      const range = document.createRange()
      range.selectNodeContents(pre)
      const tops = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)))
      // An empty line (before the signed headers) has no box.
      return { lines: pre.textContent.split('\n').filter(Boolean).length, rendered: tops.size, scrolls: pre.scrollWidth > pre.clientWidth }
    }, id)
    assert.equal(shown.rendered, shown.lines, `#${id}: ${shown.lines} lines rendered as ${shown.rendered}`)
    assert.equal(shown.scrolls, true, `#${id} scrolls sideways`)
  }
  const width = await page.evaluate(() => document.documentElement.scrollWidth)
  assert.ok(width <= PHONE.width, `the page is ${width} px wide`)
})

// ---------- 3. empty inspector ----------

test('the inspector shows no empty headings: an OAC result, and a call where nothing was sent', async (t) => {
  const { page } = await open(t)
  await startAsGuest(page)
  await send(page, { target: 'cloudfront', method: 'POST', path: '/oac', body: '{}' })
  assert.deepEqual((await inspectorHeadings(page)).filter((h) => !h.content), [])

  // A URL longer than a signed URL can be: the signer refuses it before anything goes out.
  const nothing = await send(page, { target: 'function', method: 'GET', path: `/long?q=${'a'.repeat(70_000)}` })
  assert.equal(nothing.inspectorNote, 'Nothing was sent.')
  assert.deepEqual(nothing.attempts, [])
  assert.deepEqual(await inspectorHeadings(page), [])
})

// ---------- 4. errors in the wrong place ----------

test('errors where they belong: a guest error under the guest button, missing settings in the settings notice, not under Sign in', async (t) => {
  // Your own account without an identity pool: nothing to fall back on.
  const { page } = await open(t, { query: { functionUrl: OWN_ACCOUNT.functionUrl } })
  assert.equal(await page.textContent('#signin-error'), '')
  assert.match(await textOf(page, 'setup-error') ?? '(no #setup-error)', /identityPoolId/)
  assert.equal(await page.isVisible('#setup-error'), true)

  const { page: guest } = await open(t, { query: OWN_ACCOUNT })
  await refuse(guest, 'https://cognito-identity.eu-west-1.amazonaws.com/**')
  await guest.click('#guest')
  const [shown] = await untilError(guest)
  assert.equal(shown.id, 'guest-error', `the guest's error shows in #${shown.id}`)
  assert.match(shown.text, /ResourceNotFoundException/)
  assert.equal(await guest.isVisible('#guest-error'), true)
  assert.equal(await guest.textContent('#signin-error'), '')
})

test('an invalid region is reported as such, before any credentials are fetched, and Send does not go out', async (t) => {
  const { page } = await open(t, { query: { ...local, region: 'Europe West' } })
  assert.match(await textOf(page, 'setup-error') ?? '(no #setup-error)', /region 'Europe West' is not an AWS region/)
  assert.equal(await page.isDisabled('#guest'), true)
  const sent = []
  page.on('request', (request) => sent.push(request.url()))
  await page.click('#send')
  await page.waitForFunction(() => document.getElementById('composer-error').textContent)
  assert.match(await page.textContent('#composer-error'), /region 'Europe West' is not an AWS region/)
  assert.equal(await page.getAttribute('#result', 'data-calls'), null, 'no call was made')
  assert.deepEqual(sent, [])
  const logged = await page.locator('#log li').allTextContents()
  assert.ok(!logged.some((line) => /Credentials from the identity pool|ERR_MISSING_REGION/.test(line)), logged.join('\n'))
})

test('after a failed start, no half-built client: Send starts a session again instead of sending with it', async (t) => {
  const { page } = await open(t)
  const refused = await refuse(page, `${local.cognitoIdentityEndpoint}**`, { when: (r) => /GetCredentialsForIdentity/.test(r.headers()['x-amz-target'] ?? '') })
  await page.click('#guest')
  await untilError(page)
  const logged = await page.locator('#log li').allTextContents()
  assert.ok(!logged.some((line) => /Credentials from the identity pool/.test(line)), logged.join('\n'))
  await page.click('#send')
  // Either the page says why it cannot send, or it sent.
  await page.waitForFunction(() => document.getElementById('composer-error').textContent || document.getElementById('result').dataset.calls)
  assert.equal(await page.getAttribute('#result', 'data-calls'), null, 'no call went out')
  assert.match(await page.textContent('#composer-error'), /ResourceNotFoundException/)
  assert.equal(refused.length, 2, 'Send tried to start a session again')
})

// ---------- 5. the log and the diagnosis box ----------

test('failed log entries look failed', async (t) => {
  const { page } = await open(t)
  await page.fill('#password', 'not-the-password')
  await page.click('#signin-button')
  await page.locator('#log li.bad').first().waitFor()
  const [bad, plain] = await page.evaluate(() => ['#log li.bad', '#log li:not(.bad)'].map((s) => {
    const style = getComputedStyle(document.querySelector(s))
    return `${style.color} ${style.borderLeftStyle} ${style.backgroundColor}`
  }))
  assert.notEqual(bad, plain, 'a failed entry is styled apart from the others')
})

test('a clock skew the client recovered from is not headed "Why it failed" over its 200', async (t) => {
  const { page } = await open(t)
  await startAsGuest(page)
  const skew = await runAndWait(page, () => page.click('[data-mistake="clock-skew"]'))
  assert.equal(skew.status, '200')
  const heading = await page.textContent('#diagnosis h3')
  assert.doesNotMatch(heading, /Why it failed/)
  assert.match(heading, /recovered/i)
})

// ---------- 7. smaller defects ----------

test('a 0-byte upload ends at 100% sent', async (t) => {
  const { page } = await open(t)
  await startAsGuest(page)
  await page.setInputFiles('#file', { name: 'empty.txt', mimeType: 'text/plain', buffer: Buffer.alloc(0) })
  await runAndWait(page, () => page.click('#upload-button'))
  await page.waitForSelector('#upload-status[data-phases]')
  assert.match(await page.textContent('#upload-status'), /^200: /)
  assert.equal(await page.textContent('#hash-pct'), '100%')
  assert.equal(await page.textContent('#send-pct'), '100%')
})

test('the sign-in error names the user pool error, without "Error:"', async (t) => {
  const { page } = await open(t)
  await page.fill('#password', 'not-the-password')
  await page.click('#signin-button')
  await page.waitForFunction(() => document.getElementById('signin-error').textContent)
  assert.match(await page.textContent('#signin-error'), /^NotAuthorizedException: Incorrect username or password/)
})

test('a non-ASCII header name is refused in words, not with the browser\'s raw message', async (t) => {
  const { page } = await open(t)
  await page.evaluate(fillRequestForm, { headers: 'content-type: application/json\nnaïve: yes' })
  await page.click('#send')
  await page.waitForFunction(() => document.getElementById('composer-error').textContent)
  const error = await page.textContent('#composer-error')
  assert.doesNotMatch(error, /Failed to execute|Invalid name/)
  assert.match(error, /header line 2: 'naïve' is not a valid header name/)
})

test('an unknown API Gateway path: the network failure comes with the hint that the route may not exist', async (t) => {
  const { page } = await open(t)
  await startAsGuest(page)
  const result = await send(page, { target: 'api', method: 'GET', path: '/no-such-route' })
  assert.equal(result.status, 'error')
  assert.equal(result.cause, 'cors-or-network')
  const diagnosis = await page.textContent('#diagnosis')
  assert.match(diagnosis, /\/no-such-route/)
  assert.match(diagnosis, /not a route/)
})

for (const viewport of [PHONE, DESKTOP]) {
  test(`${viewport.width} px: the result panel follows the request form`, async (t) => {
    const { page } = await open(t, { viewport })
    await startAsGuest(page)
    await send(page, { target: 'function', method: 'GET', path: '/where' })
    const gap = await page.evaluate(() => document.getElementById('result').getBoundingClientRect().top
      - document.getElementById('composer').getBoundingClientRect().bottom)
    assert.ok(gap >= 0 && gap <= 40, `the result starts ${Math.round(gap)} px below the request form`)
  })
}
