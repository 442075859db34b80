// The browser side, bundled by bundle.mjs into .out/browser/bench.js and loaded in
// Chromium (playwright-core), Firefox (puppeteer-core over WebDriver BiDi) and
// WebKit (selenium-webdriver and WebKitWebDriver): window.bench.<mode>(...)
// returns what node.mjs prints; window.benchCall(mode, args) returns it as JSON
// text, which every driver passes back unchanged.
import * as iamfetch from 'iamfetch'
import { stagesOf } from './stages.mjs'
import * as aws4fetch from 'aws4fetch'
import { SignatureV4 } from '@smithy/signature-v4'
import { SignatureV4a } from '@smithy/signature-v4a'
import { Sha256 as Sha256Js } from '@aws-crypto/sha256-js'
import { WebCryptoSha256 } from '@aws-crypto/sha256-browser'
import { signRequest as amplifySignRequest } from '@aws-amplify/core/internals/aws-client-utils'
import * as hashWasm from 'hash-wasm'
import { clockResolution, firstSigV4a, hashBlob, runHashCold, runHashWarm, runSigV4a, runSigning } from './common.mjs'

const libs = { iamfetch, aws4fetch, SignatureV4, SignatureV4a, Sha256Js, WebCryptoSha256, amplifySignRequest, hashWasm, stagesOf }
const now = () => performance.now()
// Browsers coarsen performance.now() (cross-origin isolated, as the server of
// runtimes/browsers.mjs makes the page: Chromium 5 µs, Firefox and WebKit
// 20 µs; coarser otherwise): batch calls so that one batch spans at least 40 ticks.
const resolution = clockResolution(now)
const timing = (budgetMs) => ({ now, budgetMs, minBatchMs: 40 * resolution })

let blob
window.bench = {
  clock: () => ({ resolution, crossOriginIsolated: globalThis.crossOriginIsolated }),
  sign: (budgetMs) => runSigning(libs, timing(budgetMs)),
  sigv4a: (budgetMs) => runSigV4a(libs, timing(budgetMs)),
  // In a fresh page: fetches and compiles the core, signs, then the SigV4a build's first signature.
  sigv4aCold: () => firstSigV4a(iamfetch, now),
  hashWarm: (budgetMs) => runHashWarm(libs, timing(budgetMs)),
  hashCold: (impl, size) => runHashCold(libs, impl, size, now),
  // The Blob is a File the page got from <input type=file> (measure/blob.mjs
  // sets it with playwright's setInputFiles): disk-backed, as a user's upload is. A 1 GiB Blob
  // built in the page from parts cannot be read back in headless Chromium here.
  pickFile: () => {
    blob = document.getElementById('blobfile').files[0]
    return blob.size
  },
  hashBlob: async (impl) => {
    const t0 = now()
    const digest = await hashBlob(libs, impl, blob)
    return { ms: now() - t0, bytes: blob.size, digestPrefix: digest.slice(0, 12) }
  },
}
window.benchCall = async (mode, args) => JSON.stringify(await window.bench[mode](...args))
window.benchReady = true
