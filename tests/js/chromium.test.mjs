// The package in headless Chromium, imported through an import map as a page
// would, calling the local function URL across origins (CORS).
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startStack } from '../../stack/src/index.mjs'
import { launchChromium, serveRepo } from './support/chromium.mjs'

let stack, site, browser, page
before(async () => {
  stack = await startStack()
  site = await serveRepo()
  browser = await launchChromium()
  page = await browser.newPage()
  await page.goto(`${site.origin}/tests/browser/client.html`)
  await page.waitForFunction(() => document.title === 'ready')
})
after(async () => {
  await browser?.close()
  await site?.close()
  await stack?.stop()
})

test('headers the browser forbids or rewrites are never signed: the function URL accepts the call', async () => {
  const result = await page.evaluate(async ({ url, credentials, signing }) => {
    const client = new window.iamfetch.AwsClient({ ...credentials, ...signing })
    const response = await client.fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        // Browsers drop these (forbidden headers); signing them would break the signature.
        'content-length': '999',
        connection: 'close',
        'keep-alive': 'timeout=1',
      },
      body: JSON.stringify({ from: 'chromium' }),
    })
    const event = await response.json()
    return { status: response.status, signed: event.headers.authorization, body: event.body, origin: event.headers.origin }
  }, { url: `${stack.endpoints.functionUrl}/browser`, credentials: stack.ids.iamUsers['test-user'], signing: stack.signing.functionUrl })
  assert.equal(result.status, 200, JSON.stringify(result))
  assert.match(result.signed, /SignedHeaders=content-type;host;x-amz-date,/)
  assert.equal(result.body, '{"from":"chromium"}')
  assert.equal(result.origin, site.origin, 'a real cross-origin call')
})

test('a Blob upload with hash progress, and explainFailure on a refused call, in the browser', async () => {
  const result = await page.evaluate(async ({ url, credentials, signing }) => {
    const progress = []
    const client = new window.iamfetch.AwsClient({ ...credentials, ...signing, onHashProgress: (done) => progress.push(done) })
    const blob = new Blob([new Uint8Array(3 * 1024 * 1024 + 5).fill(1)])
    // 3 MiB: under the function URL's 6 MB limit; hashed whole by WebCrypto (chunks start above 8 MiB).
    const upload = await client.fetch(url, { method: 'PUT', body: blob })
    const wrong = new window.iamfetch.AwsClient({ ...credentials, ...signing, region: 'eu-west-1' })
    const refused = await wrong.fetch(url)
    const explanation = await window.iamfetch.explainFailure(refused)
    return { status: upload.status, progress, refused: refused.status, cause: explanation.cause }
  }, { url: `${stack.endpoints.functionUrl}/upload`, credentials: stack.ids.iamUsers['test-user'], signing: stack.signing.functionUrl })
  assert.equal(result.status, 200)
  assert.deepEqual(result.progress, [3 * 1024 * 1024 + 5])
  assert.equal(result.refused, 403)
  assert.equal(result.cause, 'wrong-scope', 'the error type and message were readable across origins (ExposeHeaders)')
})

test('a header the CORS config does not allow: fetch fails, and explainFailure says what to allow', async () => {
  const result = await page.evaluate(async ({ url, credentials, signing }) => {
    const client = new window.iamfetch.AwsClient({ ...credentials, ...signing, retries: 0 })
    try {
      await client.fetch(url, { headers: { 'x-amz-meta-note': 'not in AllowHeaders' } })
      return { threw: false }
    } catch (error) {
      const explanation = await window.iamfetch.explainFailure(error)
      return { threw: true, name: error.name, cause: explanation.cause, evidence: explanation.evidence }
    }
  }, { url: `${stack.endpoints.functionUrl}/cors`, credentials: stack.ids.iamUsers['test-user'], signing: stack.signing.functionUrl })
  assert.equal(result.threw, true)
  assert.equal(result.name, 'TypeError')
  assert.equal(result.cause, 'cors-or-network')
  assert.ok(result.evidence.some((line) => /AllowHeaders must list: .*x-amz-meta-note/.test(line) && line.includes('authorization')), result.evidence.join('\n'))
})
