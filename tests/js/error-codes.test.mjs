// The error codes are kept by hand in three places: the Rust core's enum
// (src/error.rs), the JS literals, and the unions in the .d.ts files. This
// test keeps them from drifting apart: every code the code can throw is in a
// union, and every union member is thrown somewhere.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { repoRoot } from './support/paths.mjs'

const read = (path) => readFileSync(join(repoRoot, path), 'utf8')
const sources = (dir, ext) => readdirSync(join(repoRoot, dir)).filter((name) => name.endsWith(ext)).map((name) => read(join(dir, name)))

/** Codes written in source text; a code followed by `${` is a prefix (`ERR_AUTH_${cause}`), kept with its trailing `_`. */
function codesIn(texts) {
  const codes = new Set()
  for (const text of texts) {
    for (const [, code] of text.matchAll(/\b(ERR_[A-Z0-9_]*[A-Z0-9_])(?=\$\{|[^A-Z0-9_$])/g)) codes.add(code)
  }
  return codes
}

/** Members of `export type <name> = | 'A' | 'B' | `P_${string}``. */
function union(dts, name) {
  const body = new RegExp(`export type ${name} =([^]*?)\\n\\n`).exec(dts)?.[1]
  assert.ok(body, `no union ${name}`)
  const members = new Set()
  for (const [, literal, prefix] of body.matchAll(/\|\s*(?:'(ERR_[A-Z0-9_]+)'|`(ERR_[A-Z0-9_]+_)\$\{string\}`)/g)) members.add(literal ?? prefix)
  return members
}

const covers = (members, code) => members.has(code) || [...members].some((member) => member.endsWith('_') && code.startsWith(member) && !code.endsWith('_'))

const packageCodes = codesIn([...sources('js/src', '.js'), ...sources('js/src/credentials', '.js'), read('src/error.rs')])
const proxyCodes = codesIn(sources('js/src/proxy', '.js'))
const packageUnion = union(read('js/src/index.d.ts'), 'IamFetchErrorCode')
const proxyUnion = union(read('js/src/proxy/index.d.ts'), 'SigningProxyErrorCode')

test('every code the package and the Rust core can throw is in IamFetchErrorCode', () => {
  assert.ok(packageCodes.size > 40, `found ${packageCodes.size} codes: the scan itself works`)
  const missing = [...packageCodes].filter((code) => !covers(packageUnion, code))
  assert.deepEqual(missing, [], 'codes thrown but not in the .d.ts union')
})

test("every code the proxy answers with or throws is in SigningProxyErrorCode or IamFetchErrorCode", () => {
  const missing = [...proxyCodes].filter((code) => !covers(proxyUnion, code) && !covers(packageUnion, code))
  assert.deepEqual(missing, [], "codes the proxy uses but no union lists")
})

test('every member of each union is thrown somewhere: no stale codes', () => {
  const thrown = new Set([...packageCodes, ...proxyCodes])
  assert.deepEqual([...packageUnion].filter((code) => !thrown.has(code)), [], 'IamFetchErrorCode members nothing throws')
  assert.deepEqual([...proxyUnion].filter((code) => !proxyCodes.has(code)), [], 'SigningProxyErrorCode members the proxy never uses')
})
