// Each build's .wasm as a file next to this module, for the entries that fetch
// it (browsers, Deno) or read it (Node, Bun). One literal URL per file:
// bundlers (webpack, Vite, Parcel, Next.js) follow exactly that to emit the
// file, and Turbopack maps a template literal to one fixed file. The names
// are build-list.js's; tests/js/build-list.test.mjs holds them to it.
export const WASM_FILES = {
  core: () => new URL('./wasm/iamfetch_bg.wasm', import.meta.url),
  sigv4a: () => new URL('./wasm/iamfetch_v4a_bg.wasm', import.meta.url),
  diagnostics: () => new URL('./wasm/iamfetch_diag_bg.wasm', import.meta.url),
  s3: () => new URL('./wasm/iamfetch_s3_bg.wasm', import.meta.url),
}
