// The targets the report checks, as data: each names what it measures
// (`name`, with `qualifier` after the threshold), the metric it reads from
// results.json (`metric`, computed by report/targets.mjs), how the value
// compares (`compare`) with the threshold, and the threshold's unit.
//
// Metrics:
//   bundleKiB    { bundle }                       a size bundle (measure/sizes.mjs) as a code-splitting bundler
//                                                 delivers it: its first-load chunks (the entry and what it
//                                                 imports statically), each gzip -9, plus every .wasm (and any
//                                                 dynamic-import chunk) fetched to sign one request
//   bundleJsKiB  { bundle }                       the JS of that total alone
//   bundleRatio  { bundle, against }              that total ÷ another bundle's, counted the same way
//   signRatio    { runtime, competitor, iamfetch } competitor's median ÷ iamfetch's, 1 KB POST (measure/signing.mjs);
//                                                 also a whole call ÷ one of its stages (bench/src/stages.mjs)
//   sigv4aRatio  { runtime, competitor, iamfetch } the same for the SigV4a rows (measure/sigv4a.mjs)
//   startRatio   { runtime, competitor, iamfetch } cold start medians, competitor ÷ iamfetch (measure/cold-start.mjs)
//   hashMBps     { runtime, impl, sizes }         warm MB/s, the worse of the sizes (measure/hash.mjs)
//   checksumRatio  { runtime, algorithm }         iamfetch's S3 checksum MB/s ÷ the SDK's JS one's, 64 KiB
//                                                 updates (measure/s3-checksum*.mjs)
//   uploadRssMiB   {}                             peak RSS growth of the process uploading with signed chunks
//   uploadRatio    {}                             UNSIGNED-PAYLOAD MB/s ÷ signed-chunk MB/s, same bytes (measure/s3-upload*.mjs)
//   s3FirstLoadKiB {}                             S3 code on the default first load, gzip (report/s3.mjs)
//
// `group: 's3'` puts a target in BENCHMARKS.md's "S3 from the edge" section too.
import { SDK_CRCS } from './measure/s3-checksum-run.mjs'
import { SIGV4A_IMPLS, STAGES } from './src/common.mjs'
import { RUNTIME_NAMES, RUNTIMES } from './runtimes/names.mjs'

const IAM_SIGNER = 'iamfetch AwsV4Signer'
const CLIENT = { competitor: 'aws4fetch AwsClient.sign', iamfetch: 'iamfetch AwsClient.sign' }
const [IAM_SIGV4A, SMITHY_SIGV4A] = SIGV4A_IMPLS
const BARE_WASM_CALL = STAGES[1]

export const TARGETS = [
  // Sizes as a code-splitting bundler (Vite, webpack) delivers them: code the
  // package loads by dynamic import() only when asked is not on the first load.
  {
    name: 'Size: AwsClient + fromCognitoIdentityPool ÷ the AWS SDK v3 equivalent', qualifier: 'both as first-load chunks of a code-splitting bundle (esbuild --splitting), + .wasm fetched to sign',
    metric: { kind: 'bundleRatio', bundle: 'iam-cognito', against: 'sdk-cognito' }, compare: '<=', threshold: 1, unit: '×',
  },
  {
    name: 'Size: the JS of AwsClient + fromCognitoIdentityPool', qualifier: 'first-load chunks, each gzip -9',
    metric: { kind: 'bundleJsKiB', bundle: 'iam-cognito' }, compare: '<=', threshold: 10, unit: 'KiB',
  },
  // The wrapper: the whole AwsV4Signer.sign() against the bare wasm call it makes, in each engine.
  ...RUNTIMES.map((runtime) => ({
    name: `${RUNTIME_NAMES[runtime]} wrapper: AwsV4Signer.sign() ÷ the bare wasm call`, compare: '<=', threshold: 1.4, unit: '×',
    metric: { kind: 'signRatio', runtime, competitor: IAM_SIGNER, iamfetch: BARE_WASM_CALL },
  })),
  {
    name: 'Node signing:', qualifier: 'faster than @smithy/signature-v4 + @aws-crypto/sha256-js', compare: '>=', threshold: 2.5, unit: '×',
    metric: { kind: 'signRatio', runtime: 'node', competitor: 'smithy SignatureV4 + sha256-js', iamfetch: IAM_SIGNER },
  },
  {
    name: 'Node signing:', qualifier: 'faster than aws4fetch (shared signing-key cache)', compare: '>=', threshold: 8, unit: '×',
    metric: { kind: 'signRatio', runtime: 'node', competitor: 'aws4fetch AwsV4Signer', iamfetch: IAM_SIGNER },
  },
  ...[['chromium', 1.5], ['firefox', 2.5], ['webkit', 2.5], ['workerd', 1.2]].map(([runtime, threshold]) => ({
    name: `${RUNTIME_NAMES[runtime]} AwsClient.sign():`, qualifier: "faster than aws4fetch's", compare: '>=', threshold, unit: '×',
    metric: { kind: 'signRatio', runtime, ...CLIENT },
  })),
  ...['node', 'chromium', 'workerd'].map((runtime) => ({
    name: `${RUNTIME_NAMES[runtime]} SigV4a signing:`, qualifier: 'faster than @smithy/signature-v4a + @aws-crypto/sha256-js', compare: '>=', threshold: 10, unit: '×',
    metric: { kind: 'sigv4aRatio', runtime, competitor: SMITHY_SIGV4A, iamfetch: IAM_SIGV4A },
  })),
  {
    name: 'Cold start in Node (import → first signature):', qualifier: 'faster than aws4fetch', compare: '>=', threshold: 1, unit: '×',
    metric: { kind: 'startRatio', runtime: 'node', competitor: 'aws4fetch', iamfetch: 'iamfetch' },
  },
  ...RUNTIMES.map((runtime) => ({
    name: `Hashing in ${RUNTIME_NAMES[runtime]}: SHA-256 in wasm`, qualifier: 'warm, 64 KiB chunks', compare: '>=', threshold: 450, unit: 'MB/s',
    metric: { kind: 'hashMBps', runtime, impl: 'iamfetch Sha256, 64 KiB chunks', sizes: ['64KB', '16MB'] },
  })),
  // S3 from the edge (issue 24): checksums in wasm against the SDK's JS ones, in Node and Chromium ...
  ...['node', 'chromium'].flatMap((runtime) => Object.keys(SDK_CRCS).map((algorithm) => ({
    name: `S3 checksums in ${RUNTIME_NAMES[runtime]}: ${algorithm} in wasm`, qualifier: `faster than ${SDK_CRCS[algorithm]}, 64 KiB chunks`, compare: '>=', threshold: 3, unit: '×',
    metric: { kind: 'checksumRatio', runtime, algorithm }, group: 's3',
  }))),
  // ... a 1 GiB aws-chunked upload to the stack with flat memory, at most twice as slow as sending it unsigned ...
  {
    name: 'S3 upload in Node, 1 GiB with signed chunks: RSS growth of the uploader', compare: '<=', threshold: 32, unit: 'MiB',
    metric: { kind: 'uploadRssMiB' }, group: 's3',
  },
  {
    name: 'S3 upload in Node, 1 GiB: UNSIGNED-PAYLOAD throughput ÷ signed chunks', qualifier: '(the same bytes, the stack in its own process)', compare: '<=', threshold: 2, unit: '×',
    metric: { kind: 'uploadRatio' }, group: 's3',
  },
  // ... and none of it on the default download: the first load as it was before S3 (BENCHMARKS.md's run at
  // f9de3a0: 67.5 KiB, JS 17.2 + wasm 50.4), and no S3 module or .wasm in it.
  {
    name: 'Size: the first load of AwsClient + fromCognitoIdentityPool', qualifier: '(its size before S3 came in, the run of f9de3a0)', compare: '<=', threshold: 67.5, unit: 'KiB',
    metric: { kind: 'bundleKiB', bundle: 'iam-cognito' }, group: 's3',
  },
  {
    name: 'Size: S3 code on the first load of AwsClient + fromCognitoIdentityPool', qualifier: '(the S3 build loads on first use)', compare: '<=', threshold: 0, unit: 'KiB',
    metric: { kind: 's3FirstLoadKiB' }, group: 's3',
  },
]
