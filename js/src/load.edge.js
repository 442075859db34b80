// Wasm sources for Vercel's and Next.js's Edge runtime (the `edge-light`
// condition), which compiles wasm only from modules bundled with the code:
// each .wasm is imported with the `?module` suffix those bundlers define,
// giving a WebAssembly.Module. The SigV4a and diagnostics builds are imported
// the first time they are asked for (Next.js still lists all three in the
// route's manifest, so only their instantiation and glue wait).
import coreModule from './wasm/iamfetch_bg.wasm?module'
import { withGlue } from './builds.js'
import { registerBuilds } from './core.js'

registerBuilds(withGlue({
  core: () => coreModule,
  sigv4a: async () => (await import('./wasm/iamfetch_v4a_bg.wasm?module')).default,
  diagnostics: async () => (await import('./wasm/iamfetch_diag_bg.wasm?module')).default,
  s3: async () => (await import('./wasm/iamfetch_s3_bg.wasm?module')).default,
}))
