// What an app does not use stays out of its bundle: the package's dist keeps
// the /* @__PURE__ */ marks a bundler needs (scripts/bundle-dist.mjs), so an
// app that uses AwsClient alone gets no AwsV4Signer, whose computed inspect
// keys would otherwise count as a side effect. Bundled by esbuild as an app
// would (--bundle --minify, browser).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { build } from 'esbuild'
import { join } from 'node:path'
import { repoRoot } from './support/paths.mjs'

async function appBundle(exports) {
  const entry = join(repoRoot, 'js/dist/index.browser.js')
  const { outputFiles } = await build({
    stdin: { contents: `export { ${exports} } from ${JSON.stringify(entry)}`, resolveDir: repoRoot, loader: 'js' },
    bundle: true, minify: true, format: 'esm', platform: 'browser', write: false, logLevel: 'error',
    // The .wasm and its glue are fetched, not bundled: only the JS is looked at here.
    external: ['*.wasm'],
  })
  return outputFiles.map((file) => file.text).join('\n')
}

// The signer's own code: its inspect hook's text and its constructor's message.
const SIGNER_CODE = ['Deno.customInspect', 'url is a required option']

test('an app using AwsClient and fromCognitoIdentityPool bundles no AwsV4Signer', async () => {
  const app = await appBundle('AwsClient, fromCognitoIdentityPool')
  assert.match(app, /this client has no credentials/, "the bundle holds AwsClient's code")
  for (const text of SIGNER_CODE) assert.ok(!app.includes(text), `AwsV4Signer's code (${text}) is left out`)
})

test('an app using AwsV4Signer bundles it', async () => {
  const app = await appBundle('AwsV4Signer')
  for (const text of SIGNER_CODE) assert.ok(app.includes(text), `AwsV4Signer's code (${text}) is there`)
})
