// The AWS signing test suite, as the native Rust test loads it (same parser,
// same deviations): exported by `cargo run --example export_signing_suite`.
// 'v4' is the SigV4 suite; 'v4a' the SigV4a one (each case also has
// signingAlgorithm 'sigv4a' and its publicKey { X, Y } in hex; region is the region set).
import { execFileSync } from 'node:child_process'
import { repoRoot } from './paths.mjs'

export function loadSigningSuite(which = 'v4') {
  const json = execFileSync('cargo', ['run', '--quiet', '--example', 'export_signing_suite', which], {
    cwd: repoRoot,
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  })
  return JSON.parse(json)
}

/** The suite case's settings in the JS API's option names. */
export function jsOptions(testCase, signQuery) {
  return {
    accessKeyId: testCase.accessKeyId,
    secretAccessKey: testCase.secretAccessKey,
    sessionToken: testCase.sessionToken ?? undefined,
    region: testCase.region,
    service: testCase.service,
    datetime: testCase.datetime,
    signQuery,
    expiresIn: signQuery ? testCase.expiresIn : undefined,
    singleEncode: testCase.uriEncoding === 'single',
    appendSessionToken: testCase.sessionTokenPlacement === 'appended',
    allHeaders: testCase.headerSelection === 'all',
    contentHashHeader: testCase.contentHashHeader,
  }
}
