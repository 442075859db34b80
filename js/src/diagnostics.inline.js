// `import 'iamfetch/inline/diagnostics'`: embeds the diagnostics build's .wasm for
// iamfetch/inline (see load.inline.js); decoded the first time it is used.
import diagnosticsWasm from './wasm/iamfetch_diag_bg.base64.js'
import { inflate } from './base64-wasm.js'
import { registerBuilds } from './core.js'

registerBuilds({ diagnostics: { source: () => inflate(diagnosticsWasm) } })
