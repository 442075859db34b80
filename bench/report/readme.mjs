// The README's measured comparison: the block of README.md between START and
// END, rendered from the same results.json as BENCHMARKS.md. It holds the
// measured rows beside the alternatives, the sentence naming the run, where
// the others are ahead (every measured comparison iamfetch loses), and the
// targets with their verdicts. The feature rows stay hand-written above START.
import { BUILDS } from '../builds.mjs'
import { AMPLIFY_SIGNER, POST_1K, SIGV4A_IMPLS } from '../src/common.mjs'
import { RUNTIME_NAMES, RUNTIMES } from '../runtimes/names.mjs'
import { fmtMbps, fmtUs, mdTable, ratio, signMedian, sigv4aMedian, startMedian } from './format.mjs'
import { lazyBuildSize } from './info.mjs'
import { CHECKSUM_RUNTIMES, checksumMbps, s3BuildSize, uploadFigures } from './s3.mjs'
import { SDK_CRCS, iamfetchChecksum } from '../measure/s3-checksum-run.mjs'
import { targetRows } from './targets.mjs'

export const START = '<!-- comparison: start -->'
export const END = '<!-- comparison: end -->'
// The block's first line: which run it shows, read back by the README test.
const STAMP = /^<!-- rendered by bench\/report\/readme\.mjs from the run of (\S+) at (\S+); edit the renderer, not this block -->$/m

/** The libraries compared, in column order: the signer, client and bundle each is measured by. */
const LIBS = [
  { name: 'iamfetch', signer: 'iamfetch AwsV4Signer', client: 'iamfetch AwsClient.sign', bundle: 'iam-cognito', start: 'iamfetch', checksums: iamfetchChecksum },
  { name: 'aws4fetch', signer: 'aws4fetch AwsV4Signer', client: 'aws4fetch AwsClient.sign', bundle: 'a4f-client', start: 'aws4fetch', note: 'no credentials' },
  { name: 'AWS SDK v3', signer: 'smithy SignatureV4 + sha256-js', bundle: 'sdk-cognito', start: 'smithy', v4aBundle: 'sdk-v4a', v4aSigner: SIGV4A_IMPLS[1], checksums: (algorithm) => SDK_CRCS[algorithm] },
  { name: 'Amplify v6', signer: AMPLIFY_SIGNER, bundle: 'amplify-cognito' },
]
const [IAM] = LIBS
const KiB = (bytes) => (bytes / 1024).toFixed(1)
const kibText = (bytes) => `${KiB(bytes)} KiB`
/** µs, or ms from 10 ms up (fmtUs), with its unit. */
const usText = (ms) => { const t = fmtUs(ms); return t.endsWith('ms') ? t : `${t} µs` }
const msText = (ms) => `${ms.toFixed(1)} ms`
const engines = (rts) => rts.map((rt) => RUNTIME_NAMES[rt]).join(' · ')

/**
 * Every figure the block shows, once, as numbers (bytes, ms; NaN where not
 * measured, undefined where a library has no such figure): the table and the
 * paragraph both read them from here.
 */
export function comparisonFigures(results) {
  const bundles = results.size?.bundles ?? {}
  const bundle = (key) => {
    const b = bundles[key]
    if (!b) return undefined
    return { total: b.total, js: b.jsGzip + (b.lazyLoadedGzip ?? 0), wasm: b.wasmGzip, broken: b.works !== true }
  }
  const v4aRuntimes = RUNTIMES.filter((rt) => results.sigv4a?.sign?.[rt])
  const v4aCode = lazyBuildSize(results, BUILDS.sigv4a.wasm)
  return LIBS.map((lib) => ({
    lib,
    bundle: bundle(lib.bundle),
    sign: Object.fromEntries(RUNTIMES.map((rt) => [rt, signMedian(results, rt, lib.signer)])),
    client: lib.client && Object.fromEntries(RUNTIMES.map((rt) => [rt, signMedian(results, rt, lib.client)])),
    start: lib.start && startMedian(results, `node:${lib.start}`),
    v4aCode: lib === IAM ? v4aCode?.gzip : lib.v4aBundle && bundles[lib.v4aBundle]?.total,
    v4a: (lib === IAM || lib.v4aSigner) && Object.fromEntries(v4aRuntimes.map((rt) => [rt, sigv4aMedian(results, rt, lib === IAM ? SIGV4A_IMPLS[0] : lib.v4aSigner)])),
    // S3: MB/s per engine and CRC (the SDK's are its JS checksums), the S3 build's size, the signed-chunk upload.
    checksums: lib.checksums && Object.fromEntries(CHECKSUM_RUNTIMES.map((rt) => [rt, Object.fromEntries(Object.keys(SDK_CRCS).map((a) => [a, checksumMbps(results, rt, a, lib.checksums(a))]))])),
    s3Code: lib === IAM ? s3BuildSize(results)?.gzip : undefined,
    upload: lib === IAM ? uploadFigures(results) : undefined,
  }))
}

const us = (ms) => (Number.isFinite(ms) ? fmtUs(ms) : '—')

function measuredTable(results, figs) {
  const rows = []
  const row = (label, cell) => rows.push([label, ...figs.map((f) => cell(f) ?? '—')])
  const method = !results.size ? '' : results.size.splitting ? ': first-load chunks of esbuild --splitting + the .wasm fetched to sign' : ': one esbuild --minify bundle'
  row(`**Bundle, gzip** (credentials + signing${method})`, ({ lib, bundle: b }) => {
    if (!b) return undefined
    const split = lib === IAM ? ` (${KiB(b.js)} JS + ${KiB(b.wasm)} wasm)` : lib.note ? ` (${lib.note})` : ''
    return `**${KiB(b.total)} KiB**${split}${b.broken ? ' (bundle broken: does not sign)' : ''}`
  })
  RUNTIMES.forEach((rt, i) => {
    const label = i === 0 ? `**µs per signature**, ${POST_1K().label}, median: ${RUNTIME_NAMES[rt]}` : RUNTIME_NAMES[rt]
    row(label, (f) => us(f.sign[rt]))
  })
  const clientRts = RUNTIMES.filter((rt) => figs.filter((f) => f.client).every((f) => Number.isFinite(f.client[rt])))
  if (clientRts.length) row(`\`AwsClient.sign()\`: µs per signature, ${engines(clientRts)}`, (f) => f.client && clientRts.map((rt) => us(f.client[rt])).join(' · '))
  if (figs.some((f) => Number.isFinite(f.start))) {
    const n = results.start['node:iamfetch']?.length ?? 0
    row(`Cold start in Node: import → first signature, ms, median of ${n} fresh processes`, (f) => f.lib.start && (Number.isFinite(f.start) ? f.start.toFixed(1) : '—'))
  }
  row('SigV4a: code fetched on first use, gzip', (f) => (f.v4aCode ? `${kibText(f.v4aCode)} ${f.lib === IAM ? '(wasm + glue)' : '(`SignatureV4a` + sha256-js)'}` : undefined))
  const v4aRts = Object.keys(figs[0].v4a)
  if (v4aRts.length) row(`SigV4a: µs per signature, ${engines(v4aRts)}`, (f) => f.v4a && v4aRts.map((rt) => us(f.v4a[rt])).join(' · '))
  const crcRts = CHECKSUM_RUNTIMES.filter((rt) => Object.values(figs[0].checksums[rt]).some(Number.isFinite))
  if (crcRts.length) {
    row(`S3 checksums, MB/s, ${Object.keys(SDK_CRCS).join(' · ')} (64 KiB updates): ${engines(crcRts)}`,
      (f) => f.checksums && crcRts.map((rt) => `${RUNTIME_NAMES[rt]} ${Object.values(f.checksums[rt]).map(fmtMbps).join(' · ')}`).join('; '))
  }
  row('S3: code fetched on first use (checksums, signed chunks, POST policies), gzip', (f) => (f.s3Code ? `${kibText(f.s3Code)} (wasm + glue + loader)` : undefined))
  const up = figs[0].upload
  if (up?.modes.signed) {
    row(`S3 upload, ${up.mib} MiB with signed chunks, Node: MB/s, RSS growth`, (f) => f.upload && `${fmtMbps(f.upload.modes.signed.mbps)} MB/s (unsigned ${fmtMbps(f.upload.modes.unsigned?.mbps)}), +${(f.upload.modes.signed.peakGrowth / 1048576).toFixed(1)} MiB`)
  }
  return mdTable(['', ...LIBS.map((l) => l.name)], rows)
}

/** Each measured comparison iamfetch loses, as a phrase: smaller is better for every figure here. */
function othersAhead(figs) {
  const [iam, ...others] = figs
  const ahead = []
  const compare = (what, mine, theirs, fmt) => {
    if (Number.isFinite(mine) && Number.isFinite(theirs) && theirs < mine) ahead.push(`${what}: ${fmt(theirs)} against ${fmt(mine)} (${ratio(mine / theirs)})`)
  }
  for (const f of others) {
    const { name } = f.lib
    if (iam.bundle && f.bundle && !iam.bundle.broken && !f.bundle.broken) compare(`${name} is smaller${f.lib.note ? ` (${f.lib.note})` : ''}`, iam.bundle.total, f.bundle.total, kibText)
    for (const rt of RUNTIMES) compare(`${name}'s signer is faster in ${RUNTIME_NAMES[rt]}`, iam.sign[rt], f.sign[rt], usText)
    for (const rt of f.client ? RUNTIMES : []) compare(`${name}'s \`AwsClient.sign()\` is faster in ${RUNTIME_NAMES[rt]}`, iam.client[rt], f.client[rt], usText)
    compare(`${name} starts faster in Node`, iam.start, f.start, msText)
    compare(`${name}'s SigV4a code is smaller`, iam.v4aCode, f.v4aCode, kibText)
    for (const rt of Object.keys(f.v4a || {})) compare(`${name} signs SigV4a faster in ${RUNTIME_NAMES[rt]}`, iam.v4a[rt], f.v4a[rt], usText)
    // Throughput: more is better, so the seconds per MB are compared.
    for (const [rt, byAlgorithm] of Object.entries(f.checksums || {})) {
      for (const [a, mbps] of Object.entries(byAlgorithm)) compare(`${name}'s ${a} is faster in ${RUNTIME_NAMES[rt]}`, 1 / iam.checksums[rt][a], 1 / mbps, (spm) => `${fmtMbps(1 / spm)} MB/s`)
    }
  }
  return ahead
}

/** Which run this is: its date, its commit and whether the tree had changes, and what it left out. */
function runText(results) {
  const commit = results.commit ? `commit \`${results.commit}\`${results.dirty ? ' with uncommitted changes in the tree' : ''}` : 'a commit it did not record'
  const s = results.scope
  const parts = [s?.only && `--only ${s.only.join(',')}`, s?.runtimes && `--runtimes ${s.runtimes.join(',')}`, s?.quick && '--quick'].filter(Boolean)
  const scope = parts.length ? `a partial run (${parts.join(' ')}) of` : 'one run of'
  return `Every figure here is from ${scope} \`bash scripts/bench.sh\` on ${results.date ?? 'an unrecorded date'} at ${commit}, on a shared machine ([BENCHMARKS.md](BENCHMARKS.md) has the machine and every measure)`
}

/** The text between START and END for one run's results. */
export function renderComparison(results) {
  const figs = comparisonFigures(results)
  const ahead = othersAhead(figs)
  const targets = targetRows(results).map(([label, , measured, verdict]) => [label, measured, verdict])
  return [
    `<!-- rendered by bench/report/readme.mjs from the run of ${results.date ?? 'unknown'} at ${results.commit ?? 'unknown'}; edit the renderer, not this block -->`,
    '',
    measuredTable(results, figs),
    '',
    `${runText(results)}. The signers compared are iamfetch's \`AwsV4Signer\`, aws4fetch's, the SDK's \`SignatureV4\` (and \`SignatureV4a\`) with \`@aws-crypto/sha256-js\`, and Amplify's internal \`signRequest\`.`,
    `**Where the others are ahead** (theirs against iamfetch's, and how many times smaller or faster)**:** ${ahead.length ? `${ahead.join('; ')}.` : 'in none of this run\'s measured comparisons.'}`,
    '',
    'Targets, from the same run ([bench/targets.mjs](bench/targets.mjs)):',
    '',
    mdTable(['target', 'measured', 'verdict'], targets),
  ].join('\n')
}

function blockBounds(readme) {
  const start = readme.indexOf(START)
  const end = readme.indexOf(END)
  const once = (marker, at) => at >= 0 && readme.indexOf(marker, at + marker.length) < 0
  if (!once(START, start) || !once(END, end) || end < start) {
    throw new Error(`README.md must hold ${START} and then ${END}, each once, around the measured comparison; found ${[START, END].map((m) => `${m} ${readme.split(m).length - 1} time(s)`).join(', ')}${end >= 0 && end < start ? ', end before start' : ''}`)
  }
  return { from: start + START.length, to: end }
}

/** What README.md holds between the markers, without the surrounding newlines. */
export const readmeBlock = (readme) => { const { from, to } = blockBounds(readme); return readme.slice(from, to).trim() }

/** Which run README.md's block was rendered from, or null if it was not rendered. */
export function renderedRun(readme) {
  const m = STAMP.exec(readmeBlock(readme))
  return m && { date: m[1], commit: m[2] }
}

/** README.md with the block between the markers rendered from `results`. */
export function renderReadme(readme, results) {
  const { from, to } = blockBounds(readme)
  // A blank line before END, so the last table or paragraph ends before the marker.
  return `${readme.slice(0, from)}\n${renderComparison(results)}\n\n${readme.slice(to)}`
}
