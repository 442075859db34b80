// The demo page (www/) in headless Chromium against the local stack, served by
// scripts/demo-server.mjs exactly as `bash scripts/demo.sh` serves it.
// Screenshots go to test-artifacts/demo/.
import { test, before, after } from 'node:test'
import { createHash } from 'node:crypto'
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { join } from 'node:path'
import { startDemo } from '../../scripts/demo-server.mjs'
import { launchChromium } from './support/browsers.mjs'
import { FUNCTION_URL_POST, assertOacPost, assertSignedFunctionCall, assertWrongRegion, runAndWait, untilSignedIn } from './support/demo-flows.mjs'
import { repoRoot } from './support/paths.mjs'
import { secretSafeAssert } from './support/secret-safe-assert.mjs'

const ARTIFACTS = join(repoRoot, 'test-artifacts', 'demo')
// Short-lived credentials, so that the automatic refresh happens during the test.
const CREDENTIALS_LIFETIME_SECONDS = 16
const REFRESH_WAIT_MS = 60_000

let demo, browser

/** node:assert, whose failures never show a secret or token any page received (each added with hideSecret). */
const { assert, hideSecret } = secretSafeAssert()

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true })
  demo = await startDemo({ credentialsLifetimeSeconds: CREDENTIALS_LIFETIME_SECONDS })
  browser = await launchChromium()
})
after(async () => {
  await browser?.close()
  await demo?.stop()
})

/**
 * A fresh page (empty storage) on the demo. Collects every secret the page
 * receives from Cognito, so that the test can check none is ever shown.
 */
async function openDemo(t, viewport = { width: 1280, height: 900 }) {
  const context = await browser.newContext({ viewport })
  t.after(() => context.close())
  const page = await context.newPage()
  const secrets = new Set()
  const pageErrors = []
  page.on('pageerror', (error) => pageErrors.push(error.message))
  page.on('response', async (response) => {
    const target = response.request().headers()['x-amz-target'] ?? ''
    if (!/GetCredentialsForIdentity|InitiateAuth/.test(target)) return
    const answer = await response.json().catch(() => ({}))
    for (const value of [answer.Credentials?.SecretKey, answer.Credentials?.SessionToken, answer.AuthenticationResult?.IdToken,
      answer.AuthenticationResult?.AccessToken, answer.AuthenticationResult?.RefreshToken]) {
      if (!value) continue
      secrets.add(value)
      hideSecret(value)
    }
  })
  await page.goto(demo.url)
  await page.waitForSelector('body[data-ready="true"]')
  return { page, secrets, pageErrors }
}

/** Everything the page shows, form values included, holds none of the secrets it received. */
async function assertNoSecretsShown(page, secrets) {
  assert.ok(secrets.size >= 2, 'the test saw the credentials Cognito issued')
  const shown = await page.evaluate(() => [
    document.documentElement.outerHTML,
    document.body.innerText,
    ...[...document.querySelectorAll('input:not([type=password]):not([type=file]), textarea')].map((el) => el.value),
  ].join('\n'))
  // Only a count on failure: the secrets themselves must not reach the test output either.
  const leaked = [...secrets].filter((secret) => shown.includes(secret)).length
  assert.equal(leaked, 0, `${leaked} secret(s) or token(s) appear on the page`)
}

/** Visible text whose contrast with its background is under WCAG AA (4.5:1, or 3:1 for large text). */
function lowContrastText(page) {
  return page.evaluate(() => {
    const rgba = (text) => (text.match(/[\d.]+/g) ?? []).map(Number)
    const luminance = ([r, g, b]) => {
      const channel = (v) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4)
      return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    }
    const background = (el) => {
      for (let node = el; node; node = node.parentElement) {
        const color = rgba(getComputedStyle(node).backgroundColor)
        if (color.length === 3 || color[3] > 0) return color.slice(0, 3)
      }
      return [255, 255, 255]
    }
    const failures = []
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT)
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const el = node.parentElement
      if (!node.textContent.trim() || !el.checkVisibility?.() || el.closest(':disabled, .skip')) continue
      const style = getComputedStyle(el)
      const [l1, l2] = [luminance(rgba(style.color)), luminance(background(el))].sort((a, b) => b - a)
      const ratio = (l1 + 0.05) / (l2 + 0.05)
      const size = parseFloat(style.fontSize)
      const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700)
      if (ratio < (large ? 3 : 4.5)) failures.push(`${ratio.toFixed(2)}: ${node.textContent.trim().slice(0, 40)}`)
    }
    return [...new Set(failures)]
  })
}

async function startAsGuest(page) {
  // By keyboard: the button is reachable and works with Enter.
  await page.getByRole('button', { name: 'Continue as guest' }).focus()
  await page.keyboard.press('Enter')
  await untilSignedIn(page)
}

async function compose(page, { method, target, path, headers, body }) {
  if (target) await page.getByLabel('Target').selectOption(target)
  if (method) await page.getByLabel('Method').selectOption(method)
  if (path !== undefined) await page.getByLabel('Path and query').fill(path)
  if (headers !== undefined) await page.getByLabel(/^Headers/).fill(headers)
  if (body !== undefined) await page.getByLabel('JSON body').fill(body)
  return runAndWait(page, () => page.getByRole('button', { name: 'Send', exact: true }).click())
}

test('guest flow: identity id, credentials counting down and refreshed automatically, signed calls to the function URL and API Gateway', async (t) => {
  const { page, secrets, pageErrors } = await openDemo(t)
  assert.match(await page.textContent('#mode'), /Local AWS stack/)
  await startAsGuest(page)
  assert.match(await page.textContent('#who'), /Guest/)
  assert.match(await page.textContent('#identity-id'), /^us-east-1:[0-9a-f-]{36}$/)
  assert.match(await page.textContent('#expires-in'), /^0:\d\d$/)
  const firstKey = await page.textContent('#access-key-id')

  assertSignedFunctionCall(assert, await compose(page, FUNCTION_URL_POST))
  await page.screenshot({ path: join(ARTIFACTS, 'guest-function-url.png'), fullPage: true })

  const api = await compose(page, { target: 'api', method: 'GET', path: '/echo?via=api' })
  assert.equal(api.status, '200', api.statusText)
  assert.match(api.stringToSign, /\/us-east-1\/execute-api\/aws4_request\n/)
  assert.match(api.body, /assumed-role\/demo-guest\//)

  // The client refreshes before expiry; the page shows it when it happens.
  await page.waitForSelector('#refresh-count:not([data-count="0"])', { timeout: REFRESH_WAIT_MS })
  assert.match(await page.textContent('#refresh-note'), /^Refreshed automatically at .*: new access key ASIA/)
  const secondKey = await page.textContent('#access-key-id')
  assert.notEqual(secondKey, firstKey, 'new credentials after the refresh')
  assert.ok((await page.locator('#log li', { hasText: 'Refreshed automatically' }).count()) >= 1)
  const again = await compose(page, { target: 'function', method: 'GET', path: '/after-refresh' })
  assert.equal(again.status, '200', again.statusText)
  assert.ok(again.inspectorNote.includes(secondKey) || !again.inspectorNote.includes(firstKey), 'signed with the refreshed credentials')
  await page.screenshot({ path: join(ARTIFACTS, 'guest-refreshed.png'), fullPage: true })

  await assertNoSecretsShown(page, secrets)
  assert.deepEqual(pageErrors, [])
})

test('sign-in flow: a wrong password is refused, the demo user signs in and calls API Gateway with the authenticated role', async (t) => {
  const { page, secrets, pageErrors } = await openDemo(t)
  assert.match(await page.textContent('#demo-user-hint'), /demo \/ demo-password/)
  assert.equal(await page.getByLabel('Username', { exact: true }).inputValue(), 'demo')

  await page.getByLabel('Password', { exact: true }).fill('not-the-password')
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.waitForFunction(() => document.getElementById('signin-error').textContent !== '')
  assert.match(await page.textContent('#signin-error'), /NotAuthorizedException: Incorrect username or password/)
  assert.equal(await page.isVisible('#session'), false)

  await page.getByLabel('Password', { exact: true }).fill('demo-password')
  await page.getByLabel('Password', { exact: true }).press('Enter')
  await untilSignedIn(page)
  assert.match(await page.textContent('#who'), /^demo \(user pool; authenticated role\)/)
  assert.match(await page.textContent('#identity-id'), /^us-east-1:[0-9a-f-]{36}$/)

  const result = await compose(page, { target: 'api', method: 'POST', path: '/echo', body: '{ "signed": "in" }' })
  assert.equal(result.status, '200', result.statusText)
  assert.match(result.body, /demo-authenticated/)
  assert.match(result.signatureCheck, /^✓/)
  await page.screenshot({ path: join(ARTIFACTS, 'signed-in-api-gateway.png'), fullPage: true })

  await page.getByRole('button', { name: 'Sign out' }).click()
  assert.equal(await page.isVisible('#start'), true)
  await assertNoSecretsShown(page, secrets)
  assert.deepEqual(pageErrors, [])
})

test('a POST through CloudFront OAC: unsigned in the browser, the body hash sent, the function URL behind it answers', async (t) => {
  const { page, pageErrors } = await openDemo(t)
  await startAsGuest(page)
  const body = '{ "through": "cloudfront" }'
  assertOacPost(assert, await compose(page, { target: 'cloudfront', method: 'POST', path: '/oac-post', body }), { body })
  await page.screenshot({ path: join(ARTIFACTS, 'oac-post.png'), fullPage: true })
  assert.deepEqual(pageErrors, [])
})

const MISTAKES = [
  {
    name: 'wrong-region', button: 'Wrong region', cause: 'wrong-scope',
    check: (r) => assertWrongRegion(assert, r),
  },
  {
    name: 'clock-skew', button: 'Skewed clock', cause: 'clock-skew',
    check: (r) => {
      // Refused, then recovered by the client with the server's time.
      assert.equal(r.status, '200')
      assert.equal(r.attempts.length, 2, r.attempts.join('\n'))
      assert.match(r.attempts[0], /→ 403 InvalidSignatureException$/)
      assert.match(r.attempts[1], /→ 200$/)
      assert.ok(r.evidence.some((line) => /Signature not yet current/.test(line)), r.evidence.join('\n'))
      assert.ok(r.evidence.some((line) => /-9\d\d s from this machine's clock/.test(line)), r.evidence.join('\n'))
      assert.match(r.recovery, /clockOffsetMs = -9\d\d s/)
    },
  },
  {
    name: 'missing-body-hash', button: 'POST through OAC without the hash', cause: 'missing-body-hash',
    check: (r) => {
      assert.equal(r.status, '403')
      assert.ok(r.evidence.some((line) => line.includes('POST through CloudFront OAC without x-amz-content-sha256')), r.evidence.join('\n'))
      assert.match(r.inspectorNote, /No x-amz-content-sha256 was sent, which a POST or PUT needs/)
    },
  },
  {
    name: 'expired-credentials', button: 'Expired credentials', cause: 'expired-credentials',
    check: (r) => {
      assert.equal(r.status, '403')
      assert.ok(r.evidence.some((line) => /ExpiredTokenException/.test(line)), r.evidence.join('\n'))
    },
  },
  {
    name: 'cors-or-network', button: 'Header not allowed by CORS', cause: 'cors-or-network',
    check: (r) => {
      assert.equal(r.status, 'error')
      assert.ok(r.evidence.some((line) => /AllowHeaders must list: .*x-amz-meta-note/.test(line)), r.evidence.join('\n'))
      assert.match(r.signedHeaders, /x-amz-meta-note/)
    },
  },
]

test('each classic mistake shows the diagnosis expected', async (t) => {
  const { page, secrets, pageErrors } = await openDemo(t)
  await startAsGuest(page)
  for (const mistake of MISTAKES) {
    await t.test(mistake.name, async () => {
      const result = await runAndWait(page, () => page.getByRole('button', { name: mistake.button }).click())
      assert.equal(result.diagnosisShown, true)
      assert.equal(result.cause, mistake.cause, `${result.statusText}\n${result.evidence.join('\n')}`)
      assert.equal(result.expectCheck, '✓ as expected')
      mistake.check(result)
      await page.locator('#result').screenshot({ path: join(ARTIFACTS, `mistake-${mistake.name}.png`) })
    })
  }
  // After the mistakes, a plain call still works.
  const after = await compose(page, { target: 'function', method: 'GET', path: '/after-mistakes' })
  assert.equal(after.status, '200', after.statusText)
  await assertNoSecretsShown(page, secrets)
  assert.deepEqual(pageErrors, [])
})

test('a file upload to the function URL: hashed, then sent, with progress; what arrived is what was signed', async (t) => {
  const { page, pageErrors } = await openDemo(t)
  await startAsGuest(page)
  const bytes = Buffer.alloc(3 * 1024 * 1024 + 17)
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31 + (i >> 8)) & 0xff
  await page.getByLabel('File (up to 6 MB)').setInputFiles({ name: 'sample.bin', mimeType: 'application/octet-stream', buffer: bytes })
  assert.equal(await page.$eval('#hash-progress', (el) => el.value), 0, 'no progress before the upload')
  await runAndWait(page, () => page.getByRole('button', { name: 'Upload' }).click())
  await page.waitForSelector('#upload-status[data-verified]')
  const status = await page.textContent('#upload-status')
  assert.equal(await page.getAttribute('#upload-status', 'data-verified'), 'true', status)
  const sha = createHash('sha256').update(bytes).digest('hex')
  assert.ok(status.startsWith(`200: the function received ${bytes.length.toLocaleString('en-US')} bytes with SHA-256 ${sha.slice(0, 16)}`), status)
  assert.equal(await page.$eval('#hash-progress', (el) => el.value), 1)
  assert.equal(await page.$eval('#send-progress', (el) => el.value), 1)
  assert.equal(await page.textContent('#hash-pct'), '100%')
  assert.equal(await page.textContent('#send-pct'), '100%')
  // Hashing finished before sending started.
  const phases = (await page.getAttribute('#upload-status', 'data-phases')).split(',')
  assert.equal(phases[0], `hashed ${bytes.length}`)
  assert.ok(phases.length >= 2 && phases.slice(1).every((phase) => phase.startsWith('sent ')), phases.join(','))
  assert.equal(phases.at(-1), 'sent 100%')
  assert.match(await page.textContent('#canonical-request'), new RegExp(`^PUT\\n/upload\\nname=sample.bin\\n[^]*\\n${sha}$`))
  await page.screenshot({ path: join(ARTIFACTS, 'upload.png'), fullPage: true })

  // Over the function URL's 6 MB: refused before anything is sent.
  await page.getByLabel('File (up to 6 MB)').setInputFiles({ name: 'big.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(6 * 1024 * 1024 + 1) })
  const calls = await page.getAttribute('#result', 'data-calls')
  await page.getByRole('button', { name: 'Upload' }).click()
  await page.waitForFunction(() => /at most 6 MB/.test(document.getElementById('upload-status').textContent))
  assert.equal(await page.getAttribute('#result', 'data-calls'), calls, 'nothing was sent')
  assert.deepEqual(pageErrors, [])
})

test('accessible and phone-sized: every control labelled, nothing wider than a 390 px screen', async (t) => {
  const { page, pageErrors } = await openDemo(t, { width: 390, height: 844 })
  const unlabelled = await page.evaluate(() => [...document.querySelectorAll('input, select, textarea, progress, meter')]
    .filter((el) => !(el.labels?.length || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby')))
    .map((el) => el.id || el.outerHTML))
  assert.deepEqual(unlabelled, [])
  const unnamedButtons = await page.evaluate(() => [...document.querySelectorAll('button')].filter((b) => !b.textContent.trim()).length)
  assert.equal(unnamedButtons, 0)
  assert.deepEqual(await lowContrastText(page), [], 'text below WCAG AA contrast')
  await startAsGuest(page)
  const result = await compose(page, { target: 'function', method: 'POST', path: '/from-a-phone', body: '{ "screen": "small" }' })
  assert.equal(result.status, '200', result.statusText)
  await runAndWait(page, () => page.getByRole('button', { name: 'Wrong region' }).click())
  assert.deepEqual(await lowContrastText(page), [], 'text below WCAG AA contrast, with results shown')
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
  assert.ok(overflow <= 0, `the page is ${overflow} px wider than the screen`)
  await page.screenshot({ path: join(ARTIFACTS, 'phone.png'), fullPage: true })
  assert.deepEqual(pageErrors, [])
})

test('settings from the query string: no local shortcuts; the skew is a signing time off, the expired set is one the page kept', async (t) => {
  const local = await (await fetch(new URL('demo-config.json', demo.url))).json()
  // The same stack under another name, as a real deployment would be: the page cannot use the stack's fault header then.
  const settings = { ...local.settings, functionUrl: local.settings.functionUrl.replace('127.0.0.1', 'localhost') }
  const context = await browser.newContext()
  t.after(() => context.close())
  const page = await context.newPage()
  await page.goto(`${demo.url}?${new URLSearchParams(settings)}`)
  await page.waitForSelector('body[data-ready="true"]')
  assert.match(await page.textContent('#mode'), /^Your AWS resources · region us-east-1/)
  assert.equal(await page.inputValue('#s-functionUrl'), settings.functionUrl)
  assert.equal(await page.isVisible('#demo-user-hint'), false, 'the local demo user is offered only on the local defaults')
  await startAsGuest(page)
  const firstKey = await page.textContent('#access-key-id')
  const firstExpiredBy = Date.now() + CREDENTIALS_LIFETIME_SECONDS * 1000

  const call = await compose(page, { target: 'function', method: 'GET', path: '/configured' })
  assert.equal(call.status, '200', call.statusText)
  assert.match(call.attempts[0], /^GET http:\/\/localhost:\d+\/configured → 200$/)

  const skew = await runAndWait(page, () => page.getByRole('button', { name: 'Skewed clock' }).click())
  assert.equal(skew.cause, 'clock-skew', skew.evidence.join('\n'))
  assert.equal(skew.status, '403')
  assert.ok(!skew.canonicalRequest.includes('x-iamfetch-fault'), 'no fault header outside the local stack')

  // Until a credential set has expired, the page says when one will.
  await page.getByRole('button', { name: 'Expired credentials' }).click()
  await page.locator('#log li', { hasText: 'No credential set has expired yet' }).waitFor()
  // The first set expires CREDENTIALS_LIFETIME_SECONDS after it was issued; the client has refreshed by then.
  await page.waitForFunction((key) => document.getElementById('access-key-id').textContent !== key, firstKey, { timeout: REFRESH_WAIT_MS })
  await page.waitForFunction((by) => Date.now() > by, firstExpiredBy, { timeout: REFRESH_WAIT_MS })
  const expired = await runAndWait(page, () => page.getByRole('button', { name: 'Expired credentials' }).click())
  assert.equal(expired.cause, 'expired-credentials', expired.evidence.join('\n'))
  assert.equal(expired.expectCheck, '✓ as expected')
  assert.ok(expired.inspectorNote.includes(firstKey), 'signed with the first, expired, credential set')

  // Applying the settings form puts them in the address.
  await page.locator('#settings summary').first().click()
  await page.getByLabel('API Gateway URL, with the stage').fill(`${local.settings.apiUrl}/`)
  await Promise.all([page.waitForURL(/apiUrl=/), page.getByRole('button', { name: 'Apply' }).click()])
  assert.equal(new URL(page.url()).searchParams.get('apiUrl'), `${local.settings.apiUrl}/`)
})

test('page weight: what a first visit downloads, written to test-artifacts/demo/page-weight.json', async (t) => {
  const context = await browser.newContext()
  t.after(() => context.close())
  const page = await context.newPage()
  const pending = []
  page.on('response', (response) => {
    if (!response.url().startsWith(demo.url)) return
    pending.push(response.body().then((body) => ({ path: new URL(response.url()).pathname, raw: body.length, gzip: gzipSync(body, { level: 9 }).length })))
  })
  await page.goto(demo.url)
  await page.waitForSelector('body[data-ready="true"]')
  const files = (await Promise.all(pending)).filter((file) => file.path !== '/demo-config.json')
  const sum = (list, key) => list.reduce((total, file) => total + file[key], 0)
  const own = files.filter((file) => !file.path.startsWith('/iamfetch/'))
  const library = files.filter((file) => file.path.startsWith('/iamfetch/'))
  const weight = {
    requests: files.length,
    page: { raw: sum(own, 'raw'), gzip: sum(own, 'gzip') },
    iamfetch: { raw: sum(library, 'raw'), gzip: sum(library, 'gzip') },
    total: { raw: sum(files, 'raw'), gzip: sum(files, 'gzip') },
    files,
  }
  writeFileSync(join(ARTIFACTS, 'page-weight.json'), JSON.stringify(weight, null, 2) + '\n')
  assert.ok(files.some((file) => file.path.endsWith('.wasm')), 'the wasm core was loaded')
  // The page's own files: its HTML, its CSS and its modules (www/*.js), nothing else.
  const modules = readdirSync(join(repoRoot, 'www')).filter((name) => name.endsWith('.js')).map((name) => `/${name}`)
  assert.deepEqual(own.map((file) => file.path).sort(), ['/', '/style.css', ...modules].sort())
  // The page itself, without the library: no framework, and it stays small.
  assert.ok(weight.page.gzip < 30_000, `the page's own HTML, CSS and JS weigh ${weight.page.gzip} bytes gzipped`)
})
