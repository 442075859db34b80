// A 200 MB Blob upload: hashed in chunks and streamed, with bounded memory.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { mkdtempSync, rmSync, openSync, writeSync, closeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { distEntry } from './support/paths.mjs'
import { startStreamingVerifier } from './support/streaming-verifier.mjs'

const SIZE = 200 * 1024 * 1024
const LIMIT = 64 * 1024 * 1024

test('a 200 MB Blob upload grows the process memory by less than 64 MiB', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'iamfetch-upload-'))
  const file = join(dir, 'big.bin')
  const fd = openSync(file, 'w')
  const block = Buffer.alloc(4 * 1024 * 1024)
  for (let written = 0; written < SIZE; written += block.length) {
    block.fill(written / block.length)
    writeSync(fd, block)
  }
  closeSync(fd)
  const credentials = { accessKeyId: 'AKIAIAMFETCHTESTUSER', secretAccessKey: 'local-only/upload-test', service: 'lambda', region: 'us-east-1' }
  const sink = await startStreamingVerifier(credentials)
  t.after(async () => {
    await sink.close()
    rmSync(dir, { recursive: true, force: true })
  })

  const script = fileURLToPath(new URL('./support/upload-blob.mjs', import.meta.url))
  const { stdout } = await promisify(execFile)('node', ['--expose-gc', script, distEntry, file, `${sink.url}/upload`, JSON.stringify(credentials)], { timeout: 240_000 })
  const result = JSON.parse(stdout)
  assert.equal(result.size, SIZE)
  assert.equal(result.status, 200, JSON.stringify(result.answer))
  assert.deepEqual(result.answer, { bytes: SIZE, signatureOk: true, hashOk: true })
  assert.equal(result.progressCalls, 200, 'one progress report per 1 MiB chunk')
  assert.ok(result.growthBytes < LIMIT, `memory grew by ${(result.growthBytes / 1048576).toFixed(1)} MiB`)
  t.diagnostic(`peak RSS growth: ${(result.growthBytes / 1048576).toFixed(1)} MiB for ${SIZE / 1048576} MiB`)
})
