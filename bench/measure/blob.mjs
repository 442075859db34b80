// Hashing a file-backed Blob (a user's upload): throughput and the peak extra
// memory of the Node process or the Chromium renderers.
import { closeSync, existsSync, openSync, rmSync, statSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { BLOB_IMPLS, bytes } from '../src/common.mjs'
import { log, sleep } from '../log.mjs'
import { procField, resetPeak } from '../proc-sampling.mjs'
import { node } from '../processes.mjs'
import { withBrowser } from '../runtimes/browsers.mjs'

const BLOB_FILE = join(tmpdir(), 'iamfetch-bench-1gib.bin')
const BLOB_MIB = 1024

export async function measureBlob({ results, quick, wantRt }) {
  const mib = quick ? 256 : BLOB_MIB
  results.blobMiB = mib
  if (!existsSync(BLOB_FILE) || statSync(BLOB_FILE).size !== mib << 20) {
    log(`writing a ${mib} MiB file (Node's file-backed Blob, Chromium's <input type=file>)`)
    const part = bytes(1 << 20)
    const fd = openSync(BLOB_FILE, 'w')
    for (let i = 0; i < mib; i++) writeSync(fd, part)
    closeSync(fd)
  }
  for (const impl of wantRt('node') ? BLOB_IMPLS : []) {
    log(`${mib} MiB Blob, Node: ${impl}`)
    try {
      results.blob[`node:${impl}`] = await node(['--expose-gc', 'src/node.mjs', 'blob', impl, BLOB_FILE], { timeoutMs: 180_000 })
    } catch (error) {
      results.blob[`node:${impl}`] = { error: error.message.slice(0, 200) }
    }
  }
  if (!wantRt('chromium')) return rmSync(BLOB_FILE, { force: true })
  await withBrowser(results, 'chromium', async ({ open, renderers }) => {
    for (const impl of BLOB_IMPLS) {
      log(`${mib} MiB Blob, Chromium: ${impl}`)
      const { page: p, close } = await open()
      try {
        await p.setInputFiles('#blobfile', BLOB_FILE)
        await p.evaluate(() => window.bench.pickFile())
        await sleep(200)
        const pids = await renderers()
        const base = Object.fromEntries(pids.map((pid) => { resetPeak(pid); return [pid, procField(pid, 'VmRSS')] }))
        const r = await p.evaluate((i) => window.bench.hashBlob(i), impl)
        const extra = Math.max(...pids.map((pid) => procField(pid, 'VmHWM') - base[pid]))
        results.blob[`chromium:${impl}`] = { ...r, peakExtraBytes: extra }
      } catch (error) {
        results.blob[`chromium:${impl}`] = { error: error.message.split('\n')[0].slice(0, 200) }
      }
      await close().catch(() => {})
    }
  })
  rmSync(BLOB_FILE, { force: true })
}
