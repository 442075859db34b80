// BENCHMARKS.md: bench/BENCHMARKS.template.md with each {{placeholder}} filled
// from results.json, and the part of it printed on stdout.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { join } from 'node:path'
import { HASH_SIZES, signingCases } from '../src/common.mjs'
import { BUILDS } from '../builds.mjs'
import { BENCH } from '../paths.mjs'
import { RUNTIME_NAMES, RUNTIMES } from '../runtimes/names.mjs'
import { workerdVersion } from '../runtimes/workerd.mjs'
import { mdTable } from './format.mjs'
import { infoRows } from './info.mjs'
import { jsModulesTable } from './js-modules.mjs'
import { s3Section } from './s3.mjs'
import { buildSizes, buildTable } from './table.mjs'
import { targetRows } from './targets.mjs'

function buildTargets(results) {
  const targets = mdTable(['target', 'compared (same run)', 'measured', 'verdict'], targetRows(results))
  const info = mdTable(['measure', 'compared (same run)', 'measured'], infoRows(results))
  return `${targets}\n\nInformational, no target:\n\n${info}`
}

function machine(results, { budgetMs, quick }) {
  const cpu = readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/)?.[1] ?? cpus()[0]?.model
  const rustc = (() => { try { return execFileSync('rustc', ['--version']).toString().trim() } catch { return 'n/a' } })()
  const v = results.versions
  const clock = (rt) => {
    const c = results.clocks[rt]
    if (!c) return null
    return `${RUNTIME_NAMES[rt]} ${c.resolution >= 1 ? `${c.resolution} ms` : `${(c.resolution * 1000).toFixed(0)} µs`} resolution${c.crossOriginIsolated !== undefined ? `, crossOriginIsolated=${c.crossOriginIsolated}` : ''}`
  }
  const clocks = ['chromium', 'firefox', 'webkit', 'workerd'].map(clock).filter(Boolean)
  const wasm = results.size?.wasm
  return [
    `- date: ${results.date ?? new Date().toISOString().replace(/\.\d+Z$/, 'Z')}`,
    `- CPU: ${cpu}, ${cpus().length} cores (shared, noisy); memory ${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    `- Node ${process.version}; ${[v.chromium && `${v.chromium} (headless, playwright-core)`, v.firefox && `${v.firefox} (headless, puppeteer-core over WebDriver BiDi)`, v.webkit && `${v.webkit} under Xvfb, selenium-webdriver`].filter(Boolean).join('; ')}; ${workerdVersion()}; ${rustc}`,
    `- clocks: Node performance.now() (per-call samples)${clocks.length ? `; ${clocks.join('; ')}` : ''}. Browser samples are batches of ≥ 40 ticks, workerd's of ≥ 20 ms.`,
    `- iamfetch wasm: ${wasm ? Object.entries(wasm).map(([f, w]) => `${f} ${w.raw} bytes raw`).join(', ') : 'sizes not measured'}; ${budgetMs} ms per measured (case, implementation) in ${quick ? 'quick' : 'full'} mode`,
  ].join('\n')
}

function agreement(results) {
  const lines = []
  for (const rt of RUNTIMES) {
    for (const c of signingCases()) {
      const r = results.sign[rt]?.[c.name]
      if (r && !r.agree) lines.push(`- ${rt}, ${c.name}: signers disagree: ${JSON.stringify(r.signatures)}`)
    }
    for (const size of HASH_SIZES) {
      const r = results.hashWarm[rt]?.[size.name]
      if (r && !r.agree) lines.push(`- ${rt}, hash ${size.name}: hashers disagree`)
    }
  }
  if (!lines.length) lines.push('- every signer produced the same signature per request (aws4fetch aside: it never signs content-type), and every hasher the same digest, in every runtime measured.')
  const v4a = Object.entries(results.sigv4a?.sign ?? {})
  const refused = v4a.flatMap(([rt, r]) => Object.entries(r.verified ?? {}).filter(([, ok]) => ok !== true)
    .map(([impl, why]) => `- ${RUNTIME_NAMES[rt]}, SigV4a: the stack's verifier refused ${impl}'s signature: ${why}`))
  if (refused.length) lines.push(...refused)
  else if (v4a.length) {
    lines.push(`- SigV4a: the local stack's verifier (stack/src/sigv4-verify.mjs: the canonical request rebuilt from the request as sent, the body hashed, the ECDSA signature checked with node:crypto against the key it derives itself) accepted iamfetch's and @smithy/signature-v4a's signatures of the 1 KB POST from every runtime measured (${v4a.map(([rt]) => RUNTIME_NAMES[rt]).join(', ')}), checked once outside the timed loop. The two are not compared byte for byte: both take RFC 6979 nonces, but @smithy/signature-v4a gives the low s of the pair (s, n − s) and aws-sigv4 does not normalize it; ECDSA accepts both.`)
  }
  return lines.join('\n')
}

function notes(results) {
  const n = [...results.notes]
  const hw = results.hashWarm.workerd?.hashWasmError
  if (hw) n.push(`hash-wasm does not run in workerd: it compiles its wasm from bytes at run time, and workerd answers \`${hw.slice(0, 120)}\`.`)
  for (const [name, p] of Object.entries(results.proxy ?? {})) if (p.non200) n.push(`edge proxy, ${name}: ${p.non200} answers were not 200; the last: \`${p.lastBad}\`.`)
  return n.length ? n.map((x) => `- ${x}`).join('\n') : '- none'
}

function twiggySection(results) {
  const t = results.twiggy
  if (!t) return '_twiggy was not run in this run (scripts/bench.sh installs it; `--only` may have left out size)._'
  const pct = (n) => `${((100 * n) / t.total).toFixed(1)}%`
  const top = t.top.map((i) => [i.bytes, pct(i.bytes), `\`${i.name.slice(0, 110)}\``])
  const crates = t.crates.map((c) => [c.crate, (c.bytes / 1024).toFixed(1), pct(c.bytes), c.items])
  const core = BUILDS.core.wasm
  const shipped = results.size?.wasm?.[core]?.raw
  return [
    `\`twiggy top\` of ${t.input} (the cargo build ${t.matched ? 'whose exports match' : 'that should match, but whose exports differ from'} the shipped ${core}) through wasm-bindgen and \`wasm-opt --no-inline=* -Oz -g\`: names kept, and inlining off so that each function keeps its own name and crate (with inlining, most of the signing code lands in the exported function's wasm-bindgen shim). ${t.total} bytes without the names section; the shipped .wasm, inlined and stripped by the build's own wasm-opt settings, is ${shipped ?? '?'} bytes.`,
    '', 'By crate, from the demangled symbol of each function (its first path segment; core::fmt apart from the rest of core; drop glue counts for the dropped type\'s crate, a trait method for its type\'s crate). Raw bytes, before gzip; code inlined into another crate\'s function counts for that function\'s crate:',
    '', mdTable(['crate', 'KiB', '%', 'items'], crates),
    '', 'The 20 largest items:',
    '', mdTable(['shallow bytes', '%', 'item'], top),
  ].join('\n')
}

/**
 * The report of one run's results. `settings` are this invocation's
 * (budgetMs, quick, coldReps), as the machine line and the hash rows state them.
 * @returns {{ summary: string, document: string }} what stdout shows, and BENCHMARKS.md
 */
export function renderReport(results, settings) {
  const targets = buildTargets(results)
  const table = buildTable(results, settings)
  const sizes = buildSizes(results)
  const fill = {
    machine: machine(results, settings), targets, table, sizes, jsModules: jsModulesTable(results), agreement: agreement(results), twiggy: twiggySection(results), notes: notes(results),
    s3: s3Section(results, mdTable(['target', 'compared (same run)', 'measured', 'verdict'], targetRows(results, 's3'))),
    minutes: results.minutes ?? '?',
  }
  const document = readFileSync(join(BENCH, 'BENCHMARKS.template.md'), 'utf8').replace(/\{\{(\w+)\}\}/g, (m, key) => fill[key] ?? m)
  return { summary: `${targets}\n\n${table}\n\n${sizes}\n`, document }
}
