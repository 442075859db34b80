// The first-load JS of the iamfetch Cognito bundle, by module: what each module
// costs (its minified bytes, its estimated gzip share) and what it does (its
// header comment in js/src), from measure/sizes.mjs' record of the bundle, with
// the caption saying where those figures come from.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT } from '../paths.mjs'
import { mdTable } from './format.mjs'

export const JS_MODULES_BUNDLE = 'iam-cognito'
// A module's description is read from its source; a generated one (the wasm glue) exists only in js/dist.
const SOURCE_ROOTS = [join(ROOT, 'js/src'), join(ROOT, 'js/dist')]
const MAX_DESCRIPTION = 140

/**
 * The first sentence of a file's header comment (the `//` lines or the block
 * comment it starts with), on one line; undefined when it starts with code,
 * as a later comment describes a part of the module, not the module.
 */
export function headerSentence(text) {
  const lines = text.replace(/^#!.*\n/, '').split('\n')
  let i = 0
  while (i < lines.length && !lines[i].trim()) i++
  const first = lines[i]?.trim() ?? ''
  const comment = []
  if (first.startsWith('//')) {
    for (; i < lines.length && lines[i].trim().startsWith('//'); i++) comment.push(lines[i].trim().replace(/^\/\/+\s?/, ''))
  } else if (first.startsWith('/*')) {
    for (; i < lines.length; i++) {
      const line = lines[i].trim()
      comment.push(line.replace(/^\/\*+\s?/, '').replace(/\*+\/$/, '').replace(/^\*\s?/, ''))
      if (line.endsWith('*/')) break
    }
  } else return undefined
  const prose = comment.join(' ').replace(/\s+/g, ' ').trim()
  // A sentence ends at a full stop followed by a space, or at the end.
  const sentence = prose.match(/^.*?\.(?=\s|$)/)?.[0] ?? prose
  if (sentence.length <= MAX_DESCRIPTION) return sentence || undefined
  return `${sentence.slice(0, MAX_DESCRIPTION).replace(/\s+\S*$/, '')} …`
}

/** What a module does, from the first of `roots` that has its file; for a package or a missing file, what it is. */
export function describeModule(module, roots = SOURCE_ROOTS) {
  const root = roots.find((r) => existsSync(join(r, module)))
  if (!root) return module.endsWith('.js') ? '(source not found)' : 'npm package'
  return headerSentence(readFileSync(join(root, module), 'utf8')) ?? `(no header comment in ${module})`
}

const kib2 = (bytes) => (bytes / 1024).toFixed(2)
const thousands = (n) => n.toLocaleString('en-US')

/** How the table is made, after it: the published dist's chunks name no module, so the modules are the sources'. */
function caption(bundle) {
  return `The iamfetch Cognito bundle's first-load JS, module by module. The published
js/dist is pre-bundled into chunks, which name no module: **the attribution comes
from a bundle of the package's sources** (js/src, and the wasm glue from
js/dist/wasm) of the same entry with the same flags. Minified bytes are esbuild's
there (\`bytesInOutput\` in its metafile); they sum to ${thousands(bundle.sourcesRaw)} bytes, against
${thousands(bundle.jsRaw)} for the published dist's first load. **The gzip column is an
estimate**: gzip is not additive, and the sources' bundle is not what users get,
so each module is given its share of the sources' first-load minified bytes × the
real first load's gzip -9 size; the total row is the real first-load chunks' gzip
-9 sizes summed (the first-load JS above). "What it does" is the first sentence of
the module's header comment in js/src.`
}

/**
 * The table of one bundle's first-load modules, largest first: each module's
 * minified bytes, its estimated gzip KiB and what it does; the glue as one
 * row; a total row equal to the first-load chunks' gzip -9 sum; then the caption.
 */
export function jsModulesTable(results, { key = JS_MODULES_BUNDLE, roots = SOURCE_ROOTS } = {}) {
  const bundle = results.size?.bundles?.[key]
  if (!bundle) return '_not measured in this run (`--only` left out size)._'
  if (bundle.modulesFrom !== 'js/src') return '_this results.json records no modules of the package\'s sources: re-run the size measure._'
  const byModule = new Map()
  for (const m of bundle.modules) {
    const row = byModule.get(m.module) ?? byModule.set(m.module, { name: m.module, glue: m.glue, bytes: 0, gzip: 0 }).get(m.module)
    row.bytes += m.bytes
    row.gzip += m.gzipEstimate
  }
  const rows = [...byModule.values()].sort((a, b) => b.bytes - a.bytes || a.name.localeCompare(b.name)).map((m) => [
    m.glue ? m.name : `\`${m.name}\``, thousands(m.bytes), kib2(m.gzip),
    m.glue ? 'imports and exports between chunks, and esbuild\'s helpers: in no module' : describeModule(m.name, roots),
  ])
  const chunks = bundle.chunks.filter((c) => c.firstLoad)
  rows.push([`**total: ${chunks.length} first-load chunk${chunks.length === 1 ? '' : 's'}, each gzip -9**`,
    `**${thousands(chunks.reduce((n, c) => n + c.raw, 0))}**`, `**${kib2(chunks.reduce((n, c) => n + c.gzip, 0))}**`, ''])
  return `${mdTable(['module (under js/src)', 'minified bytes', 'est. gzip KiB', 'what it does'], rows)}\n\n${caption(bundle)}`
}
