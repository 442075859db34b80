// S3 checksum throughput (s3-checksum-run.mjs) in Node, in a fresh process,
// and in Chromium, in a fresh page of its own bundle.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import * as esbuild from 'esbuild'
import { log } from '../log.mjs'
import { BENCH, OUT } from '../paths.mjs'
import { node } from '../processes.mjs'
import { withBrowser } from '../runtimes/browsers.mjs'

const PAGE = 's3-checksum.html'

/** The page and its bundle, beside the page bundle in .out/browser (its wasm/ is shared). */
async function buildPage() {
  await esbuild.build({
    entryPoints: ['measure/s3-checksum-page.mjs'], bundle: true, format: 'esm', platform: 'browser', logLevel: 'error',
    absWorkingDir: BENCH, define: { 'process.env.NODE_ENV': '"production"' }, outfile: join(OUT, 'browser/s3-checksum.js'),
  })
  writeFileSync(join(OUT, 'browser', PAGE), '<!doctype html><meta charset="utf-8"><title>iamfetch S3 checksums</title><script type="module" src="s3-checksum.js"></script>\n')
}

export async function measureS3Checksums({ results, budgetMs, wantRt }) {
  const checksum = ((results.s3 ??= {}).checksum ??= {})
  if (wantRt('node')) {
    log('S3 checksums: Node')
    checksum.node = await node(['measure/s3-checksum-node.mjs'], { env: { BENCH_BUDGET_MS: budgetMs } })
  }
  if (!wantRt('chromium')) return
  log('S3 checksums: Chromium')
  await buildPage()
  await withBrowser(results, 'chromium', async ({ open }) => {
    const p = await open(PAGE)
    results.clocks.chromium ??= await p.call('clock')
    results.s3.probe = await p.call('probe')
    checksum.chromium = await p.call('checksums', budgetMs)
    await p.close()
  })
}
