// `import 'iamfetch/inline/sigv4a'`: embeds the SigV4a build's .wasm for
// iamfetch/inline (see load.inline.js); decoded the first time it is used.
import sigv4aWasm from './wasm/iamfetch_v4a_bg.base64.js'
import { inflate } from './base64-wasm.js'
import { registerBuilds } from './core.js'

registerBuilds({ sigv4a: { source: () => inflate(sigv4aWasm) } })
