// The browser side of the checksum measurement (s3-checksum-run.mjs),
// bundled by s3-checksum.mjs into .out/browser/s3-checksum.js beside the page
// bundle, so it fetches the same .out/browser/wasm/. WebCrypto digests only
// whole buffers: its rows hash the pass in one call. WebCrypto has no MD5:
// hash-wasm's (incremental, wasm) stands in.
import { AwsCrc32 } from '@aws-crypto/crc32'
import { AwsCrc32c } from '@aws-crypto/crc32c'
import { Crc64Nvme } from '@aws-sdk/crc64-nvme'
import * as hashWasm from 'hash-wasm'
import * as iamfetch from 'iamfetch'
import * as s3 from '../../js/dist/s3/s3-build.js'
import { clockResolution } from '../src/common.mjs'
import { base64, runChecksums } from './s3-checksum-run.mjs'

const now = () => performance.now()
const subtle = (name) => ({ sync: false, run: async (chunks, whole) => base64(new Uint8Array(await crypto.subtle.digest(name, whole))) })
const md5 = await hashWasm.createMD5()
const engine = {
  SHA1: { 'crypto.subtle.digest, whole 4 MiB': subtle('SHA-1') },
  SHA256: { 'crypto.subtle.digest, whole 4 MiB': subtle('SHA-256') },
  MD5: {
    'hash-wasm createMD5, 64 KiB updates': {
      sync: true,
      run: (chunks) => {
        md5.init()
        for (const chunk of chunks) md5.update(chunk)
        return base64(md5.digest('binary'))
      },
    },
  },
}
// A sample is a batch lasting at least 40 clock ticks, as the page bundle's are.
const resolution = clockResolution(now)
const minBatchMs = 40 * resolution
/** The .wasm files this page has fetched so far. */
const wasmFetched = () => performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname.split('/').pop()).filter((f) => f.endsWith('.wasm'))
window.bench = {
  clock: () => ({ resolution, crossOriginIsolated: globalThis.crossOriginIsolated }),
  // In a fresh page: what the core's init() fetches, then what loading the S3 build adds.
  probe: async () => {
    await iamfetch.init()
    const core = wasmFetched()
    await s3.loadS3Build()
    return { core, s3: wasmFetched().filter((f) => !core.includes(f)) }
  },
  checksums: (budgetMs) => runChecksums({ iamfetch, s3, sdk: { CRC32: AwsCrc32, CRC32C: AwsCrc32c, CRC64NVME: Crc64Nvme }, engine }, { now, budgetMs, minBatchMs }),
}
window.benchCall = async (mode, args) => JSON.stringify(await window.bench[mode](...args))
window.benchReady = true
