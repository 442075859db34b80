// `import 'iamfetch/inline/s3'`: embeds the S3 build's .wasm for
// iamfetch/inline (see load.inline.js); decoded the first time it is used.
import s3Wasm from './wasm/iamfetch_s3_bg.base64.js'
import { inflate } from './base64-wasm.js'
import { registerBuilds } from './core.js'

registerBuilds({ s3: { source: () => inflate(s3Wasm) } })
