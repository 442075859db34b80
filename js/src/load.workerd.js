// Wasm sources for Cloudflare workerd, which compiles no wasm from bytes at
// run time: a .wasm is imported as a module, as Wrangler does. Only the core
// is bundled here, so that a Worker carries only what it uses: the SigV4a and
// diagnostics builds are bundled by `import 'iamfetch/sigv4a'` and
// `import 'iamfetch/diagnostics'` (sigv4a.workerd.js, diagnostics.workerd.js),
// and instantiated, their glue imported, the first time they are asked for.
import coreModule from './wasm/iamfetch_bg.wasm'
import { withGlue } from './builds.js'
import { registerBuilds } from './core.js'

registerBuilds(withGlue({ core: () => coreModule }))
