// One table holds every error code (error-codes.json). The core's enum, the
// proxy's statuses, the .d.ts unions and the README's list are generated from
// it; these tests
// fail when a generated form is stale, when code gives a code the table lacks,
// or when the table keeps a code nothing gives.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { repoRoot } from './support/paths.mjs'
import { COGNITO_CODES, STS_CODES, classifyAwsError } from '../../js/src/credentials/aws-error.js'
import { errorCodes, staleFiles } from '../../scripts/error-codes.mjs'

const ERROR_CODES = errorCodes()

const inTable = (code) => Object.hasOwn(ERROR_CODES, code) || Object.entries(ERROR_CODES).some(([prefix, { prefix: isPrefix }]) => isPrefix && code.startsWith(prefix))

test('the Rust enum, the proxy statuses, the .d.ts unions and the README list are generated from the table as it stands', () => {
  assert.deepEqual(staleFiles().map(([path]) => path), [], 'run node scripts/error-codes.mjs')
})

test('every entry says what it means, and a proxy status is an HTTP error status', () => {
  for (const [code, entry] of Object.entries(ERROR_CODES)) {
    assert.match(code, /^ERR_[A-Z0-9_]+$/, code)
    assert.ok(entry.meaning?.length > 10, `${code} has no meaning`)
    if (entry.status !== undefined) assert.ok(Number.isInteger(entry.status) && entry.status >= 400 && entry.status < 600, code)
    if (entry.group === 'proxy') assert.ok(entry.status, `${code} is the proxy's alone, so it needs a status`)
  }
})

test('every code the AWS error maps give, fallbacks included, is in the table', () => {
  const given = [...Object.values(COGNITO_CODES), ...Object.values(STS_CODES)]
  for (const service of ['cognito-identity', 'sts']) {
    for (const [status, type] of [[400, 'SomethingNew'], [500, 'SomethingNew'], [400, 'ThrottlingException'], [502, '']]) {
      given.push(classifyAwsError(service, status, type, '').code)
    }
  }
  assert.deepEqual(given.filter((code) => !inTable(code)), [])
})

// Shipped sources: the codes written in them must be the table's. The table is
// the declaration; this keeps the code that throws from drifting from it.
const read = (path) => readFileSync(join(repoRoot, path), 'utf8')
const sources = (dir) => readdirSync(join(repoRoot, dir)).filter((name) => name.endsWith('.js') && name !== 'status-by-code.js').map((name) => read(join(dir, name)))
const shipped = [...sources('js/src'), ...sources('js/src/credentials'), ...sources('js/src/proxy'), ...sources('js/src/s3')]
const written = new Set(shipped.flatMap((text) => [...text.matchAll(/\b(ERR_[A-Z0-9_]*[A-Z0-9_])(?=\$\{|[^A-Z0-9_$])/g)].map(([, code]) => code)))

test('every code the package writes is in the table', () => {
  assert.ok(written.size > 40, `found ${written.size} codes: the scan itself works`)
  assert.deepEqual([...written].filter((code) => !inTable(code)), [])
})

test('every code in the table is given somewhere: by the core, or by the package', () => {
  const unused = Object.entries(ERROR_CODES).filter(([code, entry]) => !entry.rust && !written.has(code)).map(([code]) => code)
  assert.deepEqual(unused, [])
})
