// The AWS signing test suites (SigV4 'v4' and SigV4a 'v4a') that the aws-sigv4
// crate ships in its package, for every JS test: found for the aws-sigv4
// version Cargo.lock pins (the one the crate is built and tested with, never
// merely the newest in the cargo registry), and parsed by the native tests'
// own loader (tests/common/suite.rs, through `cargo run --example
// export_signing_suite`), so that JS signs exactly the cases, with the same
// deviations, that the Rust tests sign.
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { repoRoot } from './paths.mjs'

/** The aws-sigv4 version Cargo.lock pins. */
export function pinnedVersion() {
  const lock = readFileSync(join(repoRoot, 'Cargo.lock'), 'utf8')
  const versions = lock.split(/^\[\[package\]\]$/m)
    .map((block) => /^name = "aws-sigv4"$/m.test(block) && /^version = "([^"]+)"$/m.exec(block)?.[1])
    .filter(Boolean)
  if (versions.length !== 1) throw new Error(`Cargo.lock pins ${versions.length ? versions.join(' and ') : 'no version of'} aws-sigv4: expected one`)
  return versions[0]
}

/** The pinned aws-sigv4 package's source in the cargo registry, if it is there. */
function findPackage(version) {
  const registry = join(process.env.CARGO_HOME ?? join(homedir(), '.cargo'), 'registry', 'src')
  if (!existsSync(registry)) return undefined
  return readdirSync(registry).sort().map((index) => join(registry, index, `aws-sigv4-${version}`)).find((dir) => existsSync(dir))
}

let packageDir
/** The folder of one suite, `aws-signing-test-suite/<v4|v4a>` in the pinned aws-sigv4 package (fetched by cargo when missing). */
export function suiteDir(which) {
  if (which !== 'v4' && which !== 'v4a') throw new Error(`no suite named ${which}: v4 or v4a`)
  if (!packageDir) {
    const version = pinnedVersion()
    packageDir = findPackage(version)
    if (!packageDir) {
      // The crate depends on aws-sigv4: fetching its dependencies brings the package.
      execFileSync('cargo', ['fetch'], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'] })
      packageDir = findPackage(version)
    }
    if (!packageDir) throw new Error(`aws-sigv4-${version} (pinned in Cargo.lock) is not in the cargo registry, even after cargo fetch`)
  }
  return join(packageDir, 'aws-signing-test-suite', which)
}

/** The names of a suite's cases (one folder each), sorted. */
export function caseNames(which) {
  const dir = suiteDir(which)
  return readdirSync(dir).filter((name) => statSync(join(dir, name)).isDirectory()).sort()
}

/**
 * Every case of a suite, as the native tests parse it: the request as fetch
 * sends it, the settings to sign it with, and the expected canonical request,
 * string to sign and signature of each mode (header, query) the suite gives.
 * A v4a case also has signingAlgorithm 'sigv4a', its publicKey { X, Y } in
 * hex, and its region set as `region`.
 */
export function loadSuite(which) {
  const json = execFileSync('cargo', ['run', '--quiet', '--example', 'export_signing_suite', which], {
    cwd: repoRoot,
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  })
  const cases = JSON.parse(json)
  // The native loader finds the package by the same rule: the same pinned version, so the same cases.
  const exported = cases.map((c) => c.name).sort()
  const onDisk = caseNames(which)
  if (exported.join('\n') !== onDisk.join('\n')) {
    throw new Error(`the native loader's ${which} cases are not those of ${suiteDir(which)}: ${exported.length} against ${onDisk.length}`)
  }
  return cases
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

const REPEATED_HEADER = "fetch's Headers sends a repeated header once, its values joined by ', '; the vector expects separate lines joined by ','"

/**
 * The cases (of both suites: they share these names) that fetch cannot send
 * as written, each with the reason; the native tests sign them.
 */
export const NOT_EXPRESSIBLE_THROUGH_FETCH = {
  'get-relative-unnormalized': 'WHATWG URL resolves the dot segments, so /example/.. is sent as /',
  'get-relative-relative-unnormalized': 'WHATWG URL resolves the dot segments, so /example1/example2/../.. is sent as /',
  'get-slash-dot-slash-unnormalized': 'WHATWG URL resolves the dot segment, so /./ is sent as /',
  'get-slash-pointless-dot-unnormalized': 'WHATWG URL resolves the dot segment, so /./example is sent as /example',
  'get-header-key-duplicate': REPEATED_HEADER,
  'get-header-value-order': REPEATED_HEADER,
}

/**
 * Why fetch cannot send `testCase` as written, or undefined when it can. A
 * case listed whose path fetch keeps and whose headers are all distinct
 * throws: the list must not hide a case that would in fact pass.
 */
export function notExpressibleThroughFetch(testCase) {
  const reason = NOT_EXPRESSIBLE_THROUGH_FETCH[testCase.name]
  if (!reason) return undefined
  const rawPath = testCase.url.replace(/^https:\/\/[^/]+/, '').split('?')[0]
  const sentPath = new URL(testCase.url).pathname
  const names = testCase.headers.map(([name]) => name.toLowerCase())
  const repeatsHeader = new Set(names).size !== names.length
  if (sentPath === rawPath && !repeatsHeader) throw new Error(`${testCase.name} is listed as not expressible through fetch, but fetch sends it as is`)
  return reason
}
