// The package in headless Chromium, imported through an import map as a page
// would, calling the local function URL across origins (CORS).
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startStack } from '../../stack/src/index.mjs'
import { launchChromium, serveRepo } from './support/chromium.mjs'
import { BUILDS } from '../../js/src/build-list.js'

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

test('the default signing path never downloads the diagnostics build; canonicalString() fetches it once, on first use', async () => {
  const context = await browser.newContext()
  const fresh = await context.newPage()
  const fetched = []
  fresh.on('request', (request) => fetched.push(new URL(request.url()).pathname.split('/').pop()))
  await fresh.goto(`${site.origin}/tests/browser/client.html`)
  await fresh.waitForFunction(() => document.title === 'ready')
  const signOnly = await fresh.evaluate(async ({ url, credentials, signing }) => {
    const { AwsClient, AwsV4Signer, sha256Hex } = window.iamfetch
    const request = await new AwsClient({ ...credentials, ...signing }).sign(url, { method: 'POST', body: '{"a":1}' })
    const signer = new AwsV4Signer({ url, method: 'POST', body: 'x', ...credentials, ...signing })
    await signer.sign()
    return { authorization: request.headers.get('authorization'), hash: sha256Hex('abc'), signedHeaders: signer.signedHeaders }
  }, { url: `${stack.endpoints.functionUrl}/lazy`, credentials: stack.ids.iamUsers['test-user'], signing: stack.signing.functionUrl })
  assert.match(signOnly.authorization, /^AWS4-HMAC-SHA256 Credential=/)
  assert.equal(signOnly.signedHeaders, 'host;x-amz-date')
  assert.ok(fetched.includes(BUILDS.core.wasm), fetched.join(', '))
  const diagnosticsFiles = [BUILDS.diagnostics.glue, BUILDS.diagnostics.wasm].sort()
  assert.deepEqual(fetched.filter((file) => diagnosticsFiles.includes(file)), [], 'nothing of the diagnostics build before it is asked for')

  const canonical = await fresh.evaluate(async ({ url, credentials, signing }) => {
    const signer = new window.iamfetch.AwsV4Signer({ url, ...credentials, ...signing, datetime: '20261121T101010Z' })
    return [await signer.canonicalString(), await new window.iamfetch.AwsV4Signer({ url, ...credentials, ...signing }).stringToSign()]
  }, { url: `${stack.endpoints.functionUrl}/lazy`, credentials: stack.ids.iamUsers['test-user'], signing: stack.signing.functionUrl })
  assert.match(canonical[0], /^GET\n\/lazy\n\nhost:[^\n]+\nx-amz-date:20261121T101010Z\n\nhost;x-amz-date\ne3b0c442/)
  assert.match(canonical[1], /^AWS4-HMAC-SHA256\n\d{8}T\d{6}Z\n/)
  assert.deepEqual(fetched.filter((file) => diagnosticsFiles.includes(file)).sort(), diagnosticsFiles, 'fetched once, on first use')
  await context.close()
})

test("a page's Content-Security-Policy: 'wasm-unsafe-eval' in script-src is all wasm needs; without it, ERR_WASM_LOAD says so", async () => {
  const signedUnder = async (policy) => {
    const tab = await browser.newPage()
    try {
      await tab.goto(`${site.origin}/tests/browser/csp-${policy}.html`)
      await tab.waitForFunction(() => window.signed !== undefined)
      return await tab.evaluate(() => window.signed)
    } finally {
      await tab.close()
    }
  }
  const allowed = await signedUnder('allowed')
  assert.match(allowed.header ?? JSON.stringify(allowed), /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20261121\/eu-west-1\/lambda\/aws4_request/)
  const refused = await signedUnder('refused')
  assert.equal(refused.code, 'ERR_WASM_LOAD', JSON.stringify(refused))
  assert.match(refused.message, /\/js\/dist\/wasm\/iamfetch_bg\.wasm: the page's Content-Security-Policy forbids compiling wasm; its script-src must allow 'wasm-unsafe-eval'/)
})
