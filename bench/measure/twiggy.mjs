// What takes the default wasm's bytes: twiggy on the cargo build behind the
// shipped iamfetch_bg.wasm, names kept, each item attributed to a crate.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { basename, dirname, join, relative, resolve } from 'node:path'
import { BUILDS, CORE_WASM } from '../builds.mjs'
import { log } from '../log.mjs'
import { ROOT } from '../paths.mjs'

/** Export names of a wasm binary, read from its export section. */
function wasmExports(bytes) {
  let pos = 8
  const leb = () => {
    let value = 0
    let shift = 0
    for (;;) {
      const b = bytes[pos++]
      value += (b & 0x7f) * 2 ** shift
      shift += 7
      if (b < 0x80) return value
    }
  }
  while (pos < bytes.length) {
    const id = bytes[pos++]
    const size = leb()
    const end = pos + size
    if (id === 7) {
      const names = []
      for (let n = leb(); n > 0; n--) {
        const len = leb()
        names.push(Buffer.from(bytes.subarray(pos, pos + len)).toString('utf8'))
        pos += len + 1
        leb()
      }
      return names
    }
    pos = end
  }
  return []
}

/**
 * The API a wasm exports, without wasm-bindgen's own plumbing (`__wbindgen_*`,
 * `__wbg_*`, ...) and without the hash suffix the macro gives each export
 * before wasm-bindgen (the CLI) renames it.
 */
const apiExports = (file) => [...new Set(wasmExports(readFileSync(file)).map((n) => n.replace(/_[0-9a-f]{16}$/, '')))]
  .filter((n) => !n.startsWith('__') && n !== 'memory').sort().join(',')

function which(cmd) {
  try { return execFileSync('sh', ['-c', `command -v ${cmd}`]).toString().trim() || null } catch { return null }
}

/**
 * twiggy on the cargo build behind the shipped default wasm, with its names
 * kept: a wasm32 cargo output under target/ whose exports are the shipped
 * core wasm's (the diagnostics build exports more), through wasm-bindgen and
 * `wasm-opt -Oz -g`. BENCH_TWIGGY_WASM names that build instead.
 */
export async function measureTwiggy({ results }) {
  const tools = { twiggy: which('twiggy'), 'wasm-bindgen': which('wasm-bindgen'), 'wasm-opt': [join(ROOT, 'node_modules/.bin/wasm-opt')].find(existsSync) }
  const missing = Object.entries(tools).filter(([, p]) => !p).map(([n]) => n)
  if (missing.length) { results.notes.push(`twiggy: not run, ${missing.join(' and ')} missing (scripts/bench.sh installs twiggy; scripts/build.sh the others).`); return }
  log('what takes the wasm\'s bytes: twiggy')
  const shipped = apiExports(CORE_WASM)
  let candidates
  if (process.env.BENCH_TWIGGY_WASM) candidates = [resolve(process.env.BENCH_TWIGGY_WASM)]
  else {
    const found = execFileSync('find', [join(ROOT, 'target'), '-name', '*.wasm', '-path', '*/wasm32*', '-not', '-path', '*/deps/*', '-not', '-path', '*/bench-twiggy/*'])
      .toString().split('\n').filter(Boolean)
      // <target dir>/<wasm32 triple>/<profile>/<crate>.wasm, as cargo writes them.
      .filter((f) => basename(dirname(dirname(f))).startsWith('wasm32'))
    candidates = found.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)
  }
  if (!candidates.length) { results.notes.push('twiggy: not run, no wasm32 cargo output under target/.'); return }
  // Several may match (an experiment's build, a stale one): the build script's
  // default build first, then the newest built before the shipped file.
  const matching = candidates.filter((f) => apiExports(f) === shipped)
  const shippedAt = statSync(CORE_WASM).mtimeMs
  const input = matching.find((f) => f.includes('/wasm-default/')) ?? matching.find((f) => statSync(f).mtimeMs <= shippedAt) ?? matching[0]
  const chosen = input ?? candidates[0]
  if (!input) results.notes.push(`twiggy: no cargo output under target/ exports what js/dist/wasm/${BUILDS.core.wasm} does; the table is of ${relative(ROOT, chosen)}, the newest.`)
  const optimized = namedWasm(tools, chosen)
  const items = JSON.parse(execFileSync(tools.twiggy, ['top', '-n', '1000000', '-f', 'json', optimized], { maxBuffer: 1 << 28 }).toString())
    // The names section is there only for twiggy; the shipped .wasm has none.
    .filter((i) => !/names" subsection|^"name"|custom section/.test(i.name))
  const total = items.reduce((a, i) => a + i.shallow_size, 0)
  const exported = new Set(wasmExports(readFileSync(optimized)))
  const byCrate = new Map()
  for (const i of items) {
    const crate = crateOf(i.name, exported)
    const slot = byCrate.get(crate) ?? { bytes: 0, items: 0 }
    slot.bytes += i.shallow_size
    slot.items++
    byCrate.set(crate, slot)
  }
  results.twiggy = {
    input: relative(ROOT, chosen), matched: !!input, total, namedRaw: statSync(optimized).size,
    top: items.slice(0, 20).map((i) => ({ name: cleanSymbol(i.name), bytes: i.shallow_size })),
    crates: [...byCrate].map(([crate, s]) => ({ crate, ...s })).sort((a, b) => b.bytes - a.bytes),
  }
}

/** The cargo output through wasm-bindgen (unless it already went through it) and wasm-opt, names kept: its path. */
function namedWasm(tools, chosen) {
  const dir = join(ROOT, 'target/bench-twiggy')
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  let named = chosen
  if (!/_bg\.wasm$/.test(chosen)) {
    execFileSync(tools['wasm-bindgen'], ['--target', 'web', '--out-dir', dir, '--out-name', 'twiggy', chosen])
    named = join(dir, 'twiggy_bg.wasm')
  }
  // Inlining off: with it, wasm-opt folds most of the signing code into the
  // exported function's wasm-bindgen shim, and twiggy could no longer tell
  // which crate it came from (it costs a few % of size, shown in the text).
  const optimized = join(dir, 'named.wasm')
  const optimize = ['--no-inline=*', '-Oz', '-g', '--strip-producers', named, '-o', optimized]
  try {
    execFileSync(tools['wasm-opt'], optimize, { stdio: ['ignore', 'ignore', 'pipe'] })
  } catch {
    // A build without its target_features section: let wasm-opt accept every feature.
    execFileSync(tools['wasm-opt'], ['--all-features', ...optimize])
  }
  return optimized
}

/** A demangled symbol without its hashes (`::h0123…` legacy, `[0123…]` v0, whose leading zeros are dropped). */
const cleanSymbol = (name) => name.replace(/\[[0-9a-f]{1,16}\]/g, '').replace(/::h[0-9a-f]{16}$/, '')

const EXPORTS_GROUP = 'iamfetch exports (wasm-bindgen wrappers and shims, with what is inlined into them)'
const FMT_GROUP = 'core::fmt (with float-to-decimal)'

/**
 * The crate a twiggy item belongs to, from its demangled symbol: the first path
 * segment (core::fmt apart from the rest of core). Drop glue counts for the
 * dropped type's crate; `<T as Trait>::f` for T's, or the trait's when T has no
 * path (a generic parameter); a primitive's own methods for core. The exported
 * functions are wasm-bindgen's wrappers around iamfetch's: a group of their own.
 */
function crateOf(rawName, exported = new Set()) {
  let n = cleanSymbol(rawName).trim()
  if (/^data\[\d+\]$|^data segment/.test(n)) return 'data segments (strings, tables)'
  if (exported.has(n) && !n.startsWith('__')) return EXPORTS_GROUP
  if (/ shim$/.test(n)) return exported.has(n.split(' ')[0]) || !n.startsWith('__') ? EXPORTS_GROUP : 'wasm_bindgen'
  if (/^(__wbg|__wbindgen|__externref)/.test(n)) return 'wasm_bindgen'
  if (/^(mem(cpy|set|move|cmp)|__[a-z]+[0-9]+[a-z]*[0-9]*)$/.test(n)) return 'compiler_builtins'
  const primitive = /^<(?:char|bool|str|[iuf](?:8|16|32|64|128|size)|\[[^\]]*\])>::(\w+)/.exec(n)
  if (primitive) return /fmt|debug|display/i.test(primitive[1]) ? FMT_GROUP : 'core (not fmt)'
  const drop = /^core::ptr::drop_in_place<(.+)>$/.exec(n)
  if (drop) n = drop[1]
  const fmtTrait = / as core::fmt::/.test(n)
  for (let guard = 0; guard < 4; guard++) {
    n = n.replace(/^(?:[<&*(\[ ]|mut |const |dyn |impl )+/, '')
    const path = /^([A-Za-z_][A-Za-z0-9_]*)::([A-Za-z_][A-Za-z0-9_]*)?(?:::([A-Za-z_][A-Za-z0-9_]*))?/.exec(n)
    if (path) {
      if (path[1] === 'core' && (path[2] === 'fmt' || (path[2] === 'num' && /^(flt2dec|fmt)$/.test(path[3] ?? '')))) return FMT_GROUP
      if (path[1] === 'core') return fmtTrait ? FMT_GROUP : 'core (not fmt)'
      if (path[1] === '__rustc') return 'alloc'
      return path[1]
    }
    const as = n.indexOf(' as ')
    if (as < 0) break
    n = n.slice(as + 4)
  }
  return 'other (unnamed code, imports, tables, types)'
}
