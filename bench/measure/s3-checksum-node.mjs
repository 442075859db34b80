// The Node side of the checksum measurement (s3-checksum-run.mjs): one JSON
// line on stdout. node:crypto hashes in parts, as iamfetch does; node:zlib's
// crc32 (zlib's C, Node ≥ 20.15) is a native floor for CRC32, not a target.
import { createHash } from 'node:crypto'
import * as zlib from 'node:zlib'
import { AwsCrc32 } from '@aws-crypto/crc32'
import { AwsCrc32c } from '@aws-crypto/crc32c'
import { Crc64Nvme } from '@aws-sdk/crc64-nvme'
import * as iamfetch from 'iamfetch'
import * as s3 from '../../js/dist/s3/s3-build.js'
import { crc32Base64, runChecksums } from './s3-checksum-run.mjs'

const nodeHash = (name) => ({
  sync: true,
  run: (chunks) => {
    const h = createHash(name)
    for (const chunk of chunks) h.update(chunk)
    return h.digest('base64')
  },
})
const engine = {
  SHA1: { 'node:crypto createHash, 64 KiB updates': nodeHash('sha1') },
  SHA256: { 'node:crypto createHash, 64 KiB updates': nodeHash('sha256') },
  MD5: { 'node:crypto createHash, 64 KiB updates': nodeHash('md5') },
  ...(zlib.crc32 && {
    CRC32: { 'node:zlib crc32 (native)': { sync: true, run: (chunks) => crc32Base64(chunks.reduce((crc, chunk) => zlib.crc32(chunk, crc), 0)) } },
  }),
}
const budgetMs = Number(process.env.BENCH_BUDGET_MS ?? 1000)
const result = await runChecksums({ iamfetch, s3, sdk: { CRC32: AwsCrc32, CRC32C: AwsCrc32c, CRC64NVME: Crc64Nvme }, engine }, { now: () => performance.now(), budgetMs })
process.stdout.write(`${JSON.stringify(result)}\n`)
