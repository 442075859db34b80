// `import 'iamfetch/sigv4a'` in a Cloudflare Worker: bundles the SigV4a build's
// .wasm as a module (see load.workerd.js). Elsewhere that import is a no-op.
import sigv4aModule from './wasm/iamfetch_v4a_bg.wasm'
import { registerBuilds } from './core.js'

registerBuilds({ sigv4a: { source: () => sigv4aModule } })
