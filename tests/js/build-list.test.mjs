// The runtime entries name each build's files as literals, because bundlers
// follow only literals: this holds every one of them to js/src/build-list.js.
// Each entry of the package's exports map is imported from js/src, for each
// export condition, with its `./wasm/…` imports and core.js's registerBuilds
// replaced (a module resolve hook): every build's source and glue must then
// resolve to exactly the list's file for that build, and the entries a
// runtime gets (`iamfetch`, `iamfetch/sigv4a`, `iamfetch/diagnostics`, `iamfetch/s3`, and
// their iamfetch/inline forms) must between them register every build.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { register } from 'node:module'
import { BUILDS } from '../../js/src/build-list.js'

const SRC = new URL('../../js/src/', import.meta.url)
const manifest = JSON.parse(readFileSync(new URL('../../js/package.json', import.meta.url), 'utf8'))

// In place of a loader's `./wasm/<file>` import, a module whose exports name
// the file; in place of the core.js and base64-wasm.js it imports, a
// registerBuilds that records what it is given and an inflate that passes the
// file's stand-in through. Other modules (api.js, body.js…) are the real ones.
const HOOKS = `
const stub = (source) => ({ url: 'data:text/javascript,' + encodeURIComponent(source), shortCircuit: true })
let src
export function initialize(data) { src = data.src }
export async function resolve(specifier, context, next) {
  const parent = context.parentURL ?? ''
  if (!parent.startsWith(src)) return next(specifier, context)
  const wasm = /^\\.\\/wasm\\/([^?]+)(\\?.*)?$/.exec(specifier)
  if (wasm) {
    const standIn = JSON.stringify({ file: wasm[1], importedBy: parent.slice(src.length) })
    return stub('export default ' + standIn + '; export const createBindings = ' + standIn)
  }
  const loader = /^(load\\.[^/]+|[^/.]+\\.(workerd|inline))\\.js$/.test(parent.slice(src.length))
  if (loader && specifier === './core.js') return stub('export function registerBuilds(builds) { globalThis.registeredBuilds.push(builds) }')
  if (loader && specifier === './base64-wasm.js') return stub('export async function inflate(standIn) { return standIn }')
  return next(specifier, context)
}
`
register(`data:text/javascript,${encodeURIComponent(HOOKS)}`, import.meta.url, { data: { src: SRC.href } })

/** What importing one module registered, each module imported once. */
const registeredBy = new Map()
async function registrations(file) {
  if (!registeredBy.has(file)) {
    globalThis.registeredBuilds = []
    await import(new URL(file, SRC).href)
    registeredBy.set(file, globalThis.registeredBuilds)
  }
  return registeredBy.get(file)
}

/** The file an exports-map target under ./dist/ is built from. */
const sourceOf = (target) => target.replace(/^\.\/dist\//, '')

/** The target a runtime with one export condition (and `default`) gets for `subpath`, as Node resolves it. */
function targetFor(subpath, condition) {
  const entry = manifest.exports[subpath]
  if (typeof entry === 'string') return entry
  const key = Object.keys(entry).find((name) => name === condition || name === 'default')
  return entry[key]
}

/** The name a build's source or glue resolves to: a stand-in's file, or a URL's last segment (checked to be in ./wasm/). */
async function fileOf(value, what) {
  const resolved = await value
  if (resolved instanceof URL) {
    assert.equal(new URL('.', resolved).href, new URL('wasm/', SRC).href, `${what}: ${resolved} is not in the package's wasm/`)
    return resolved.pathname.split('/').pop()
  }
  assert.equal(typeof resolved?.file, 'string', `${what} resolved to ${resolved}, neither a URL nor an imported file`)
  return resolved.file
}

/** Every registration made by the files a runtime with `condition` gets for `subpaths`, checked build by build. */
async function checkRuntime(condition, subpaths) {
  const files = [...new Set(subpaths.map((subpath) => sourceOf(targetFor(subpath, condition))))]
  const sources = new Set()
  const glues = new Set()
  for (const file of files) {
    for (const builds of await registrations(file)) {
      for (const [which, { source, glue }] of Object.entries(builds)) {
        const build = BUILDS[which]
        assert.ok(build, `${file} registers a build build-list.js does not name: ${which}`)
        if (source !== undefined) {
          const name = await fileOf(source(), `${file}: the ${which} source`)
          assert.ok(name === build.wasm || name === build.inline, `${file}: the ${which} build's source is ${name}, not ${build.wasm} or ${build.inline}`)
          sources.add(which)
        }
        if (glue !== undefined) {
          assert.equal(await fileOf(glue(), `${file}: the ${which} glue`), build.glue, `${file}: the ${which} build's glue`)
          glues.add(which)
        }
      }
    }
  }
  const all = Object.keys(BUILDS)
  assert.deepEqual([...sources].sort(), [...all].sort(), `${condition} (${files.join(', ')}): a source for every build`)
  assert.deepEqual([...glues].sort(), [...all].sort(), `${condition} (${files.join(', ')}): glue for every build`)
}

/** The export conditions a subpath lists, besides its types. */
const conditionsOf = (subpath) => Object.keys(manifest.exports[subpath]).filter((name) => name !== 'types')

test('build-list.js names, for each build, a .wasm, its glue, its inline module and a label, no file twice', () => {
  assert.deepEqual(Object.keys(BUILDS), ['core', 'sigv4a', 'diagnostics', 's3'])
  const files = Object.values(BUILDS).flatMap(({ wasm, glue, inline }) => [wasm, glue, inline])
  assert.equal(new Set(files).size, files.length, files.join(', '))
  for (const [which, build] of Object.entries(BUILDS)) {
    assert.match(build.wasm, /^[\w-]+\.wasm$/, which)
    assert.match(build.glue, /^[\w-]+\.js$/, which)
    assert.equal(build.inline, build.wasm.replace(/\.wasm$/, '.base64.js'), which)
    assert.equal(typeof build.label, 'string', which)
  }
})

for (const condition of conditionsOf('.')) {
  test(`iamfetch, iamfetch/sigv4a, iamfetch/diagnostics and iamfetch/s3 under the ${condition} condition register every build, each from the list's files`, async () => {
    await checkRuntime(condition, ['.', './sigv4a', './diagnostics', './s3'])
  })
}

for (const condition of conditionsOf('./inline')) {
  test(`iamfetch/inline and its /sigv4a, /diagnostics and /s3 under the ${condition} condition register every build, each from the list's files`, async () => {
    await checkRuntime(condition, ['./inline', './inline/sigv4a', './inline/diagnostics', './inline/s3'])
  })
}

test("the package exports each build's .wasm, and only those", () => {
  const exported = Object.keys(manifest.exports).filter((subpath) => subpath.endsWith('.wasm'))
  const expected = Object.values(BUILDS).map(({ wasm }) => `./wasm/${wasm}`)
  assert.deepEqual(exported.sort(), expected.sort())
  for (const subpath of exported) assert.equal(manifest.exports[subpath], `./dist${subpath.slice(1)}`)
})
