// Every error code iamfetch gives is in one table, error-codes.json: grouped
// by what gives it (`core`: the Rust core returns it; `package`: the JS around
// it; `credentials`: the credential providers; `proxy`: only the signing
// proxy's own answers), each with what it means and, for an answer of the
// proxy, its HTTP `status`. A key ending in `_` is a family of codes, the key
// followed by a cause (ERR_AUTH_SIGNATURE_MISMATCH). A code, once published,
// never changes meaning.
//
// This script writes every form of the table: the core's enum
// (src/error_code.rs), the proxy's statuses (js/src/proxy/status-by-code.js),
// the unions of js/src/index.d.ts and js/src/proxy/index.d.ts, and the
// README's list. `--check` writes nothing and fails, naming them, if any is
// not current (tests/js/error-codes.test.mjs runs it).
//
//   node scripts/error-codes.mjs [--check]
import { readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const GENERATED = 'Generated from error-codes.json by scripts/error-codes.mjs: edit the table, then run it.'

/**
 * The table, one entry per code: `{ group, meaning, status?, rust?, prefix }`,
 * where `rust` is the core's enum variant (ERR_INVALID_URL: InvalidUrl).
 * @returns {Record<string, { group: string, meaning: string, status?: number, rust?: string, prefix: boolean }>}
 */
export function errorCodes() {
  const groups = JSON.parse(readFileSync(join(root, 'error-codes.json'), 'utf8'))
  const table = {}
  for (const [group, codes] of Object.entries(groups)) {
    for (const [code, entry] of Object.entries(codes)) {
      const rust = group === 'core' ? code.slice(4).toLowerCase().split('_').map((word) => word[0].toUpperCase() + word.slice(1)).join('') : undefined
      table[code] = { group, ...entry, rust, prefix: code.endsWith('_') }
    }
  }
  return table
}

const entries = Object.entries(errorCodes())

/** The core's enum and its codes as JS sees them. */
function rustEnum() {
  const core = entries.filter(([, entry]) => entry.rust)
  return [
    `// ${GENERATED}`,
    '',
    '/// Stable error codes. JS callers branch on these through `IamFetchError.code`,',
    '/// so a code, once published, never changes meaning.',
    '#[derive(Clone, Copy, Debug, PartialEq, Eq)]',
    '#[non_exhaustive]',
    'pub enum ErrorCode {',
    ...core.flatMap(([, { rust, meaning }]) => [`    /// ${meaning}`, `    ${rust},`]),
    '}',
    '',
    'impl ErrorCode {',
    '    /// The code as JS sees it, e.g. `ERR_INVALID_URL`.',
    '    pub fn as_str(self) -> &\'static str {',
    '        match self {',
    ...core.map(([code, { rust }]) => `            ErrorCode::${rust} => "${code}",`),
    '        }',
    '    }',
    '}',
    '',
  ].join('\n')
}

const member = (code, { prefix }) => (prefix ? `\`${code}\${string}\`` : `'${code}'`)

/** `export type <name> =` and its members, up to the blank line after it, replaced. */
function withUnion(dts, name, lines) {
  const pattern = new RegExp(`(?:// Generated [^\\n]*\\n)?export type ${name} =\\n[^]*?\\n\\n`)
  if (!pattern.test(dts)) throw new Error(`no union ${name}`)
  return dts.replace(pattern, () => `// ${GENERATED}\nexport type ${name} =\n${lines.join('\n')}\n\n`)
}

function packageTypes(dts) {
  const lines = entries.filter(([, entry]) => entry.group !== 'proxy').map(([code, entry]) => `  | ${member(code, entry)}`)
  return withUnion(dts, 'IamFetchErrorCode', lines)
}

function proxyTypes(dts) {
  const lines = entries.filter(([, entry]) => entry.status).map(([code, entry]) => `  | ${member(code, entry)} // ${entry.status}: ${entry.meaning}`)
  return withUnion(dts, 'SigningProxyErrorCode', lines)
}

const START = '<!-- error codes: start -->'
const END = '<!-- error codes: end -->'

function readmeList(readme) {
  const at = readme.indexOf(START)
  const end = readme.indexOf(END)
  if (at < 0 || end < at) throw new Error(`README.md has no ${START} … ${END} section`)
  const rows = entries.map(([code, entry]) => `| \`${entry.prefix ? `${code}<CAUSE>` : code}\` | ${entry.status ?? ''} | ${entry.meaning.replaceAll('|', '\\|')} |`)
  const table = [`<!-- ${GENERATED} -->`, '', '| code | proxy status | meaning |', '|---|---|---|', ...rows].join('\n')
  return `${readme.slice(0, at + START.length)}\n${table}\n${readme.slice(end)}`
}

/** The status of each code the proxy answers with, on one line: the proxy reads it at run time. */
function proxyStatuses() {
  const statuses = Object.fromEntries(entries.filter(([, entry]) => entry.status).map(([code, entry]) => [code, entry.status]))
  return `// ${GENERATED}\n// The HTTP status of each code the signing proxy answers with.\nexport const STATUS_BY_CODE = ${JSON.stringify(statuses)}\n`
}

const TARGETS = [
  ['src/error_code.rs', () => rustEnum()],
  ['js/src/proxy/status-by-code.js', () => proxyStatuses()],
  ['js/src/index.d.ts', packageTypes],
  ['js/src/proxy/index.d.ts', proxyTypes],
  ['README.md', readmeList],
]

/** Each generated file whose text differs from what the table gives, with that text. */
export function staleFiles() {
  const stale = []
  for (const [path, render] of TARGETS) {
    const file = join(root, path)
    let current = ''
    try {
      current = readFileSync(file, 'utf8')
    } catch {
      // not written yet
    }
    const wanted = render(current)
    if (wanted !== current) stale.push([path, file, wanted])
  }
  return stale
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const stale = staleFiles()
  if (process.argv.includes('--check')) {
    if (stale.length) {
      console.error(`not generated from error-codes.json: ${stale.map(([path]) => path).join(', ')} (run node scripts/error-codes.mjs)`)
      process.exit(1)
    }
  } else {
    for (const [path, file, text] of stale) {
      writeFileSync(file, text)
      console.log(`wrote ${path}`)
    }
  }
}
