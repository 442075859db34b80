// `import 'iamfetch/diagnostics'` in a Cloudflare Worker: bundles the
// diagnostics build's .wasm as a module (see load.workerd.js). Elsewhere that
// import is a no-op.
import diagnosticsModule from './wasm/iamfetch_diag_bg.wasm'
import { registerBuilds } from './core.js'

registerBuilds({ diagnostics: { source: () => diagnosticsModule } })
