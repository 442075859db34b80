// Loading the wasm: `init(source)` with every kind of source, idempotent, and
// the ERR_WASM_LOAD a user sees when a bundler or server delivered something
// else (what was tried, what came back, where the README helps); the
// `iamfetch/inline` entry, which needs no .wasm file at all. Each case runs in
// a fresh Node process, since a loaded build stays loaded.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { createServer } from 'node:http'
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { pathToFileURL } from 'node:url'
import { repoRoot } from './support/paths.mjs'

const dist = join(repoRoot, 'js/dist')
const wasmPath = (name) => join(dist, 'wasm', name)
const HELP = 'https://www.npmjs.com/package/iamfetch#bundlers-and-frameworks'
const KEYS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' }
const SIGV4 = { url: 'https://abc.lambda-url.eu-west-1.on.aws/x', ...KEYS, datetime: '20261121T101010Z' }

let server, origin
const work = mkdtempSync(join(tmpdir(), 'iamfetch-wasm-load-'))
before(async () => {
  // Serves the core .wasm, an app's HTML fallback for anything unknown (as a
  // single-page app's server does), the glue as a bundler's wrong mapping, and 404s.
  server = createServer((req, res) => {
    if (req.url === '/iamfetch_bg.wasm') return res.writeHead(200, { 'content-type': 'application/wasm' }).end(readFileSync(wasmPath('iamfetch_bg.wasm')))
    if (req.url === '/octet/iamfetch_bg.wasm') return res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(readFileSync(wasmPath('iamfetch_bg.wasm')))
    if (req.url === '/glue.wasm') return res.writeHead(200, { 'content-type': 'application/wasm' }).end(readFileSync(wasmPath('iamfetch.js')))
    if (req.url.startsWith('/app/')) return res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>My app</title><div id="root"></div>')
    res.writeHead(404, { 'content-type': 'text/plain' }).end('no such thing')
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  origin = `http://127.0.0.1:${server.address().port}`
})
after(() => {
  server?.close()
  rmSync(work, { recursive: true, force: true })
})

/**
 * Runs `body` (an async function's text, given `iamfetch`, `paths`, `origin`,
 * `SIGV4`) in a fresh Node process importing `entry`, and returns what it returns.
 */
async function inFreshProcess(body, entry = pathToFileURL(join(dist, 'index.node.js')).href) {
  const script = `
    const iamfetch = await import(${JSON.stringify(entry)})
    const paths = ${JSON.stringify({ core: wasmPath('iamfetch_bg.wasm'), v4a: wasmPath('iamfetch_v4a_bg.wasm'), glue: wasmPath('iamfetch.js') })}
    const origin = ${JSON.stringify(origin)}
    const SIGV4 = ${JSON.stringify(SIGV4)}
    const { readFile } = await import('node:fs/promises')
    const settle = (promise) => promise.then((value) => ({ value: value ?? null }), (error) => ({ error: { name: error?.name, code: error?.code, message: error?.message } }))
    const signs = async () => (await new iamfetch.AwsV4Signer(SIGV4).authHeader()).split(',')[0]
    const result = await (async () => { ${body} })()
    console.log(JSON.stringify(result))
  `
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { timeout: 60_000 })
  return JSON.parse(stdout)
}

const SIGNED = 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261121/eu-west-1/lambda/aws4_request'

test('init() takes every kind of source: a file URL, a path, an http URL, a Response, a promise of one, bytes, a WebAssembly.Module', async () => {
  const sources = {
    fileUrl: 'new URL("file://" + paths.core)',
    path: 'paths.core',
    httpUrl: 'new URL(origin + "/iamfetch_bg.wasm")',
    httpString: 'origin + "/octet/iamfetch_bg.wasm"',
    response: 'new Response(await readFile(paths.core))',
    fetchPromise: 'fetch(origin + "/iamfetch_bg.wasm")',
    bytes: 'await readFile(paths.core)',
    arrayBuffer: '(await readFile(paths.core)).buffer.slice(0)',
    module: 'await WebAssembly.compile(await readFile(paths.core))',
    perBuild: '{ core: await readFile(paths.core) }',
  }
  const results = await Promise.all(Object.entries(sources).map(async ([kind, source]) => [kind, await inFreshProcess(`
    await iamfetch.init(${source})
    return { header: await signs(), hash: iamfetch.sha256Hex('abc') }
  `)]))
  for (const [kind, result] of results) {
    assert.deepEqual(result, { header: SIGNED, hash: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad' }, kind)
  }
})

test('init() is idempotent: a second call, with any source or none, is a no-op and never an error', async () => {
  const result = await inFreshProcess(`
    await iamfetch.init(await readFile(paths.core))
    return {
      again: await settle(iamfetch.init(await readFile(paths.core))),
      none: await settle(iamfetch.init()),
      // A source that could not load is ignored once the core is loaded.
      broken: await settle(iamfetch.init(origin + '/missing.wasm')),
      concurrent: await settle(Promise.all([iamfetch.init(), iamfetch.init(paths.core)])),
      header: await signs(),
    }
  `)
  assert.deepEqual(result, { again: { value: null }, none: { value: null }, broken: { value: null }, concurrent: { value: [null, null] }, header: SIGNED })
})

test('init({ sigv4a, diagnostics }) sets the lazily loaded builds\' sources, still loaded only when first used', async () => {
  const result = await inFreshProcess(`
    await iamfetch.init({ sigv4a: new Response(await readFile(paths.v4a)), diagnostics: origin + '/missing-diag.wasm' })
    const sigv4a = await new iamfetch.AwsV4Signer({ ...SIGV4, url: 'https://b.s3.us-east-1.amazonaws.com/k', signingAlgorithm: 'sigv4a', regionSet: ['*'] }).authHeader()
    const diagnostics = await settle(iamfetch.signRequest({ url: SIGV4.url }, { accessKeyId: SIGV4.accessKeyId, secretAccessKey: SIGV4.secretAccessKey }))
    return { sigv4a: sigv4a.split(' ')[0], diagnostics }
  `)
  assert.equal(result.sigv4a, 'AWS4-ECDSA-P256-SHA256')
  // The diagnostics source given is the one tried, at first use.
  assert.equal(result.diagnostics.error.code, 'ERR_WASM_LOAD')
  assert.match(result.diagnostics.error.message, /diagnostics build/)
  assert.ok(result.diagnostics.error.message.includes(`${origin}/missing-diag.wasm: 404 Not Found`), result.diagnostics.error.message)
})

test('init() with something that is no source is ERR_INVALID_OPTIONS, and loads nothing', async () => {
  const result = await inFreshProcess(`
    const out = {}
    const revoked = Proxy.revocable({}, {})
    revoked.revoke()
    const throwing = { get core() { throw new TypeError('no') } }
    for (const [name, source] of Object.entries({ number: 42, nullish: null, unknownBuild: { core: paths.core, sigv4: paths.core }, inherited: { __proto__: { core: paths.core }, toString: paths.core }, badValue: { core: 7 }, bare: Object.create(null), fn: () => 1, revoked: revoked.proxy, throwing })) {
      out[name] = (await settle(iamfetch.init(source))).error?.code ?? 'resolved'
    }
    out.after = await signs()
    return out
  `)
  // Object.create(null) has no keys: no source given, so the default loader runs.
  assert.deepEqual(result, { number: 'ERR_INVALID_OPTIONS', nullish: 'ERR_INVALID_OPTIONS', unknownBuild: 'ERR_INVALID_OPTIONS', inherited: 'ERR_INVALID_OPTIONS', badValue: 'ERR_INVALID_OPTIONS', bare: 'resolved', fn: 'ERR_INVALID_OPTIONS', revoked: 'ERR_INVALID_OPTIONS', throwing: 'ERR_INVALID_OPTIONS', after: SIGNED })
})

/** Asserts an ERR_WASM_LOAD naming what was tried, what came back, and the README's section. */
function assertLoadError(error, ...parts) {
  assert.equal(error?.code, 'ERR_WASM_LOAD', JSON.stringify(error))
  assert.equal(error.name, 'IamFetchError')
  for (const part of [...parts, HELP]) assert.ok(error.message.includes(part), `"${part}" in: ${error.message}`)
}

test('ERR_WASM_LOAD says what was tried and what came back: a status, HTML, JavaScript, no file; and the next call tries again', async () => {
  const result = await inFreshProcess(`
    const failures = {
      notFound: await settle(iamfetch.init(origin + '/wasm/iamfetch_bg.wasm')),
      html: await settle(iamfetch.init(origin + '/app/wasm/iamfetch_bg.wasm')),
      script: await settle(iamfetch.init(origin + '/glue.wasm')),
      noFile: await settle(iamfetch.init(new URL('file:///nowhere/iamfetch_bg.wasm'))),
      refused: await settle(iamfetch.init('http://127.0.0.1:1/iamfetch_bg.wasm')),
      emptyBytes: await settle(iamfetch.init(new Uint8Array(0))),
      notWasmBytes: await settle(iamfetch.init(new TextEncoder().encode('{"error":"nope"}'))),
      truncated: await settle(iamfetch.init((await readFile(paths.core)).subarray(0, 100))),
    }
    // Failures leave nothing half-loaded: the same init with a good source then works.
    await iamfetch.init(paths.core)
    return { failures, header: await signs() }
  `)
  const { failures } = result
  assertLoadError(failures.notFound.error, `${origin}/wasm/iamfetch_bg.wasm: 404 Not Found`, 'wasm core')
  assertLoadError(failures.html.error, `${origin}/app/wasm/iamfetch_bg.wasm: not wasm`, '3c 21 64 6f', "HTML: your server's fallback page")
  assertLoadError(failures.script.error, `${origin}/glue.wasm: not wasm`, 'JavaScript')
  assertLoadError(failures.noFile.error, '/nowhere/iamfetch_bg.wasm: no such file')
  assertLoadError(failures.refused.error, 'http://127.0.0.1:1/iamfetch_bg.wasm: the fetch failed')
  assertLoadError(failures.emptyBytes.error, 'the bytes given: not wasm: it is empty')
  assertLoadError(failures.notWasmBytes.error, 'the bytes given: not wasm', 'JSON')
  assertLoadError(failures.truncated.error, 'the bytes given: ')
  assert.equal(result.header, SIGNED)
})

test('the Node entry\'s own loader names the file it looked for when a bundle left the .wasm behind', async () => {
  // A copy of dist without its .wasm files, as a server bundle that did not copy them would be.
  const copy = join(work, 'no-wasm')
  cpSync(dist, copy, { recursive: true, filter: (source) => !source.endsWith('.wasm') })
  const result = await inFreshProcess('return { signed: await settle(signs()) }', pathToFileURL(join(copy, 'index.node.js')).href)
  assertLoadError(result.signed.error, `${join(copy, 'wasm/iamfetch_bg.wasm')}: no such file`)
})

test('iamfetch/inline needs no .wasm file: the core is embedded, SigV4a and the diagnostics build once their subpaths are imported', async () => {
  const copy = join(work, 'inline-only')
  cpSync(dist, copy, { recursive: true, filter: (source) => !source.endsWith('.wasm') })
  const sigv4a = "new iamfetch.AwsV4Signer({ ...SIGV4, url: 'https://b.s3.us-east-1.amazonaws.com/k', signingAlgorithm: 'sigv4a', regionSet: ['*'] }).authHeader()"
  const inspect = "iamfetch.signRequest({ url: SIGV4.url, method: 'GET' }, { accessKeyId: SIGV4.accessKeyId, secretAccessKey: SIGV4.secretAccessKey, datetime: SIGV4.datetime })"
  const result = await inFreshProcess(`
    const before = { sigv4a: await settle(${sigv4a}), inspected: await settle(${inspect}) }
    await import(${JSON.stringify(pathToFileURL(join(copy, 'sigv4a.inline.js')).href)})
    await import(${JSON.stringify(pathToFileURL(join(copy, 'diagnostics.inline.js')).href)})
    const after = { sigv4a: (await ${sigv4a}).split(' ')[0], canonicalMethod: (await ${inspect}).canonicalRequest.split('\\n')[0] }
    return { header: await signs(), before, after }
  `, pathToFileURL(join(copy, 'index.inline.js')).href)
  assert.equal(result.header, SIGNED)
  assertLoadError(result.before.sigv4a.error, "SigV4a build: this bundle leaves it out: add `import 'iamfetch/inline/sigv4a'`, or give init({ sigv4a }) its .wasm")
  assertLoadError(result.before.inspected.error, "diagnostics build: this bundle leaves it out: add `import 'iamfetch/inline/diagnostics'`")
  assert.deepEqual(result.after, { sigv4a: 'AWS4-ECDSA-P256-SHA256', canonicalMethod: 'GET' })
})

test('a password in a URL given to init() is in no message, stack, cause or inspect output', async () => {
  const result = await inFreshProcess(`
    const { inspect } = await import('node:util')
    const shown = {}
    for (const [name, source] of Object.entries({
      unreachable: 'http://user:s3cret-wasm-pass@127.0.0.1:1/iamfetch_bg.wasm',
      missing: origin.replace('http://', 'http://user:s3cret-wasm-pass@') + '/missing.wasm',
      response: Object.defineProperty(new Response('<!doctype html>', { status: 200 }), 'url', { value: 'https://user:s3cret-wasm-pass@cdn.example/iamfetch_bg.wasm' }),
    })) {
      const error = await iamfetch.init(source).then(() => undefined, (caught) => caught)
      shown[name] = { code: error?.code, text: [error?.message, error?.stack, inspect(error, { depth: 5 }), JSON.stringify(error)].join('\\n') }
    }
    return shown
  `)
  for (const [name, { code, text }] of Object.entries(result)) {
    assert.equal(code, 'ERR_WASM_LOAD', name)
    assert.ok(!text.includes('s3cret-wasm-pass'), `${name}: ${text}`)
    assert.ok(!text.includes('user:'), `${name}: ${text}`)
  }
})
