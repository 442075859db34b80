// Browser uploads with a presigned POST, in Chromium, Firefox and WebKit: a
// page served from another origin than the stack's S3 (localhost against
// 127.0.0.1) posts a FormData with the fields and a File through fetch (CORS),
// and reads the answer. Two ways a form is made: in Node, as an app's server
// would, and in the page by iamfetch itself with Cognito guest credentials
// (which loads the S3 wasm build in that engine). The stack checks the forms
// independently (stack/src/s3-post.mjs). One page load per engine.
import { describe, test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startStack } from '../../stack/src/index.mjs'
import { serveRepo } from './support/chromium.mjs'
import { ENGINES, openBrowser } from './support/browsers.mjs'
import { distEntry } from './support/paths.mjs'

const { AwsClient } = await import(distEntry)

const BUCKET = 'iamfetch-local'
const CAP = 1024
let stack, site, bucketUrl, server, reader
before(async () => {
  // The guest role may write to the bucket here: the page signs with Cognito guest credentials.
  stack = await startStack({ config: (cfg) => { cfg.s3.invokers.push(`arn:aws:iam::${cfg.accountId}:role/demo-guest`); return cfg } })
  site = await serveRepo()
  bucketUrl = `${stack.endpoints.s3}/${BUCKET}`
  server = new AwsClient({ ...stack.ids.iamUsers['test-user'], region: 'us-east-1' })
  reader = new AwsClient({ ...stack.ids.iamUsers['test-user'], ...stack.signing.s3 })
})
after(async () => {
  await site?.close()
  await stack?.stop()
})

/** The stored object's bytes, read back with a signed GET. */
async function storedBytes(key) {
  const response = await reader.fetch(`${bucketUrl}/${key}`)
  assert.equal(response.status, 200, `GET ${key}`)
  return new Uint8Array(await response.arrayBuffer())
}

for (const engine of ENGINES) {
  describe(engine, () => {
    let page
    before(async () => {
      page = await openBrowser(engine)
      await page.goto(`${site.origin}/tests/browser/presign-post.html`)
      await page.waitForFunction(() => document.title === 'ready')
    })
    after(() => page?.close())

    test('a form presigned in Node: the page uploads a File across origins and reads the 201 answer', async () => {
      const post = await server.presignPost(bucketUrl, {
        key: `browser/${engine}/\${filename}`,
        conditions: [['content-length-range', 1, CAP], ['starts-with', '$Content-Type', 'text/']],
        fields: { success_action_status: '201' },
      })
      // The page adds Content-Type itself: the starts-with condition covers it.
      const withType = { ...post, fields: { ...post.fields, 'Content-Type': 'text/plain' } }
      const result = await page.evaluate(([form, file]) => window.postForm(form, file), [withType, { name: 'hello.txt', size: 300, fill: 104 }])
      assert.notEqual(result.pageOrigin, new URL(bucketUrl).origin, 'a cross-origin upload')
      assert.equal(result.status, 201, result.text)
      const key = `browser/${engine}/hello.txt`
      assert.match(result.text, new RegExp(`<Key>${key}</Key>`))
      assert.equal(result.location, `${bucketUrl}/${key}`, 'Location is exposed to the page')
      assert.equal(result.etag, stack.s3Object(BUCKET, key).etag, 'ETag is exposed to the page')
      assert.equal(stack.s3Object(BUCKET, key).contentType, 'text/plain')
      assert.deepEqual(await storedBytes(key), new Uint8Array(300).fill(104))
    })

    test('a form presigned in the page with Cognito guest credentials: within the cap stored, over it EntityTooLarge', async () => {
      const result = await page.evaluate(async ({ bucketUrl, identityPoolId, endpoint, key, cap }) => {
        const { AwsClient, fromCognitoIdentityPool } = window.iamfetch
        const client = new AwsClient({ credentials: fromCognitoIdentityPool({ identityPoolId, endpoint }), region: 'us-east-1' })
        const post = await client.presignPost(bucketUrl, { key, conditions: [['content-length-range', 1, cap]] })
        const fits = await window.postForm(post, { name: 'fits.bin', size: cap, fill: 7 })
        const tooLarge = await window.postForm(post, { name: 'large.bin', size: cap + 1, fill: 7 })
        return { fieldNames: Object.keys(post.fields), fits, tooLarge }
      }, { bucketUrl, identityPoolId: stack.ids.identityPoolId, endpoint: stack.endpoints.cognitoIdentity, key: `guests/${engine}/\${filename}`, cap: CAP })
      assert.ok(result.fieldNames.includes('x-amz-security-token'), `temporary credentials carry their token: ${result.fieldNames}`)
      assert.equal(result.fits.status, 204, result.fits.text)
      assert.deepEqual(await storedBytes(`guests/${engine}/fits.bin`), new Uint8Array(CAP).fill(7))
      assert.equal(result.tooLarge.status, 400, result.tooLarge.text)
      assert.equal(result.tooLarge.code, 'EntityTooLarge', 'the refusal is readable by the page (CORS on errors)')
      assert.match(result.tooLarge.text, new RegExp(`<MaxSizeAllowed>${CAP}</MaxSizeAllowed>`))
      assert.equal(stack.s3Object(BUCKET, `guests/${engine}/large.bin`), undefined)
    })
  })
}
