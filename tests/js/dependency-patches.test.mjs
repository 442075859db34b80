// scripts/build.sh patches three dependencies of the wasm builds
// (scripts/patches/<crate>.patch, about 13 KB gzip off the core): a patch
// that stops applying, or a build that stops using it, would only show as a
// larger core. This holds each patch to the version Cargo.lock pins, and the
// built wasm to the patched sources.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { BUILDS } from '../../js/src/build-list.js'
import { repoRoot } from './support/paths.mjs'

const patchDir = join(repoRoot, 'scripts/patches')
const lock = readFileSync(join(repoRoot, 'Cargo.lock'), 'utf8')
const patches = readdirSync(patchDir).filter((f) => f.endsWith('.patch')).map((file) => {
  const crate = file.slice(0, -'.patch'.length)
  const entries = [...lock.matchAll(/\[\[package\]\]\nname = "([^"]+)"\nversion = "([^"]+)"\n(source = "[^"]*")?/g)].filter((m) => m[1] === crate)
  return { file: join(patchDir, file), crate, entries, version: entries[0]?.[2] }
})
// scripts/build.sh's target dir of each build.
const targetOf = (build) => join(repoRoot, 'target', build === 'core' ? 'wasm-default' : `wasm-${build}`)

/** `patch` run on a crate source, its exit status and output. */
function patch(args, dir, file) {
  const r = spawnSync('patch', ['-p1', '--batch', '--forward', ...args, '-d', dir, '-i', file], { encoding: 'utf8' })
  return { ok: r.status === 0, output: r.stdout + r.stderr }
}

test('there are the three patches, each for a crate Cargo.lock pins once, from the registry', () => {
  assert.deepEqual(patches.map((p) => p.crate).sort(), ['aws-sigv4', 'aws-smithy-runtime-api', 'http'])
  for (const p of patches) {
    assert.equal(p.entries.length, 1, `Cargo.lock pins ${p.entries.length} versions of ${p.crate}`)
    // A path entry would mean a patched build rewrote Cargo.lock.
    assert.match(p.entries[0][3] ?? '', /^source = "registry\+/, `Cargo.lock's ${p.crate} is not the registry's`)
  }
})

test('each patch says what it changes, why it is exact and what it saves, before its diff', () => {
  for (const p of patches) {
    const text = readFileSync(p.file, 'utf8')
    const header = text.slice(0, Math.max(0, text.search(/^--- a\//m)))
    assert.ok(header.split('\n').length >= 5, `${p.crate}.patch has no header comment`)
    assert.match(header, /gzip/, `${p.crate}.patch's header does not give the bytes it saves`)
  }
})

test('each patch applies cleanly to the registry source of the version Cargo.lock pins', () => {
  execFileSync('cargo', ['fetch', '--locked', '--quiet'], { cwd: repoRoot, stdio: 'inherit' })
  const registry = join(process.env.CARGO_HOME ?? join(homedir(), '.cargo'), 'registry/src')
  for (const p of patches) {
    const source = readdirSync(registry).map((index) => join(registry, index, `${p.crate}-${p.version}`)).find(existsSync)
    assert.ok(source, `no registry source of ${p.crate} ${p.version}`)
    const r = patch(['--dry-run'], source, p.file)
    assert.ok(r.ok && !/fuzz|offset/i.test(r.output), `${p.crate}.patch does not apply cleanly to ${p.crate} ${p.version}:\n${r.output}`)
  }
})

test('every wasm build was compiled from the patched copies, never the pristine crates', () => {
  for (const build of Object.keys(BUILDS)) {
    // Cargo's dep-info of the wasm: the sources it was compiled from, path
    // dependencies included, registry crates left out.
    const depInfo = join(targetOf(build), 'wasm32-unknown-unknown/release/iamfetch.d')
    assert.ok(existsSync(depInfo), `no ${depInfo}: run scripts/build.sh`)
    const sources = readFileSync(depInfo, 'utf8').split(/(?<!\\)\s+/)
    for (const p of patches) {
      const copy = join(repoRoot, 'target/patched', `${p.crate}-${p.version}`)
      assert.ok(sources.some((s) => s.startsWith(`${copy}/src/`)), `the ${build} build was not compiled from ${copy} (but from the registry's ${p.crate})`)
      // The copy holds the patch: it reverses cleanly.
      assert.ok(patch(['--dry-run', '--reverse'], copy, p.file).ok, `${copy} does not hold ${p.crate}.patch`)
    }
  }
})

test("the shipped core holds none of the credentials' Debug text (what aws-smithy-runtime-api.patch removes)", () => {
  const core = readFileSync(join(repoRoot, 'js/dist/wasm', BUILDS.core.wasm))
  assert.equal(core.indexOf('secret_access_key'), -1)
})
