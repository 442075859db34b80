// `import 'iamfetch/s3'` in a Cloudflare Worker: bundles the S3 build's
// .wasm as a module (see load.workerd.js). Elsewhere that import is a no-op.
import s3Module from './wasm/iamfetch_s3_bg.wasm'
import { registerBuilds } from './core.js'

registerBuilds({ s3: { source: () => s3Module } })
