// The four wasm builds of the Rust core and the files each ships as, in one
// place: scripts/build.sh and scripts/inline-wasm.mjs write them, the tests
// and the bench read them. The runtime entries (load.*.js, *.workerd.js,
// *.inline.js, builds.js, wasm-files.js) must name each file as a literal,
// because bundlers follow only literals; tests/js/build-list.test.mjs holds
// those literals to this list. No imports: build.sh reads it with plain Node.
//
// - core: SigV4 signing and hashing; every user loads it.
// - sigv4a: also SigV4a (P-256 ECDSA); loaded the first time SigV4a is asked for.
// - diagnostics: both algorithms, and the canonical request and string to
//   sign; loaded only the first time they are asked for.
// - s3: S3's checksums, aws-chunked chunk signatures and POST policy
//   signatures; loaded beside the core (it signs no request itself) the first
//   time a request asks for one of them.

/**
 * Each build's files in the package's `dist/wasm/`: `wasm`, the module;
 * `glue`, its wasm-bindgen glue; `inline`, the module whose default export is
 * the .wasm gzipped in base64 (iamfetch/inline). `label` names the build in
 * error messages.
 */
export const BUILDS = {
  core: { wasm: 'iamfetch_bg.wasm', glue: 'iamfetch.js', inline: 'iamfetch_bg.base64.js', label: 'core' },
  sigv4a: { wasm: 'iamfetch_v4a_bg.wasm', glue: 'iamfetch_v4a.js', inline: 'iamfetch_v4a_bg.base64.js', label: 'SigV4a build' },
  diagnostics: { wasm: 'iamfetch_diag_bg.wasm', glue: 'iamfetch_diag.js', inline: 'iamfetch_diag_bg.base64.js', label: 'diagnostics build' },
  s3: { wasm: 'iamfetch_s3_bg.wasm', glue: 'iamfetch_s3.js', inline: 'iamfetch_s3_bg.base64.js', label: 'S3 build' },
}
