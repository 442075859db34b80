// S3 checksum throughput, the same code in every engine: iamfetch's S3 build
// (newChecksum(alg).update(chunk) per 64 KiB chunk, each copied into wasm
// memory, then digest()) against the AWS SDK's JS checksums for the CRCs, and
// the engine's own hashes for SHA-1, SHA-256 and MD5 (informational). The
// entries (s3-checksum-node.mjs, s3-checksum-page.mjs) import the libraries
// and hand them in, as bench/src/common.mjs' runtime entries do.
import { bytes, measure } from '../src/common.mjs'

export const CHECKSUM_CHUNK_BYTES = 64 * 1024
/** One timed call checksums this many bytes, chunk by chunk: long enough that creating and digesting are noise. */
export const CHECKSUM_PASS_BYTES = 4 * 1024 * 1024

/** The algorithms with a target, each with the SDK implementation it is held against. */
export const SDK_CRCS = { CRC32: '@aws-crypto/crc32 AwsCrc32', CRC32C: '@aws-crypto/crc32c AwsCrc32c', CRC64NVME: '@aws-sdk/crc64-nvme Crc64Nvme' }
/** The hashes measured for information, against what each engine has. */
export const HASHES = ['SHA1', 'SHA256', 'MD5']
export const iamfetchChecksum = (algorithm) => `iamfetch newChecksum('${algorithm}'), 64 KiB updates`

/** base64 of a digest's bytes, big-endian, as S3 takes it. */
export const base64 = (digest) => btoa(String.fromCharCode(...digest))

/** A CRC32 number (node:zlib) as S3's base64 of its 4 big-endian bytes. */
export const crc32Base64 = (n) => base64([n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff])

/**
 * `libs`: { iamfetch, s3 (js/dist/s3/s3-build.js), sdk: { CRC32, CRC32C, CRC64NVME }
 * (the SDK classes), engine: { [algorithm]: { [name]: { sync, run(chunks, whole) } } }
 * (each engine's own, each run giving base64) }; `opts` as measure() takes them.
 * @returns {{ passBytes, chunkBytes, algorithms: { [algorithm]: { agree, digests, timings } } }}
 */
export async function runChecksums({ iamfetch, s3, sdk, engine }, opts) {
  await iamfetch.init()
  await s3.loadS3Build()
  const whole = bytes(CHECKSUM_PASS_BYTES)
  const chunks = []
  for (let off = 0; off < whole.length; off += CHECKSUM_CHUNK_BYTES) chunks.push(whole.subarray(off, off + CHECKSUM_CHUNK_BYTES))
  const algorithms = {}
  for (const algorithm of [...Object.keys(SDK_CRCS), ...HASHES]) {
    const impls = {
      [iamfetchChecksum(algorithm)]: {
        sync: true,
        run: () => {
          const checksum = s3.newChecksum(algorithm)
          for (const chunk of chunks) checksum.update(chunk)
          return checksum.digest()
        },
      },
    }
    if (SDK_CRCS[algorithm]) {
      const Checksum = sdk[algorithm]
      impls[SDK_CRCS[algorithm]] = {
        // The SDK's digest() is async (its Checksum interface), so each pass awaits once.
        sync: false,
        run: async () => {
          const checksum = new Checksum()
          for (const chunk of chunks) checksum.update(chunk)
          return base64(await checksum.digest())
        },
      }
    }
    for (const [name, impl] of Object.entries(engine[algorithm] ?? {})) impls[name] = { sync: impl.sync, run: () => impl.run(chunks, whole) }
    // Every implementation must give the same digest, or its speed means nothing.
    const digests = {}
    for (const [name, impl] of Object.entries(impls)) digests[name] = await impl.run()
    algorithms[algorithm] = {
      agree: new Set(Object.values(digests)).size === 1,
      digests,
      timings: await measure(impls, undefined, { ...opts, warmupMs: 300 }),
    }
  }
  return { passBytes: CHECKSUM_PASS_BYTES, chunkBytes: CHECKSUM_CHUNK_BYTES, algorithms }
}
