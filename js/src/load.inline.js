// Wasm sources embedded in the JS, for bundlers that emit no file for
// `new URL('./x.wasm', import.meta.url)`: Rollup, esbuild, Bun.build. The
// core's .wasm is a base64 string in a module of its own, imported the first
// time it is needed (a bundler that splits chunks keeps it out of the first
// load). The SigV4a and diagnostics builds are embedded only when the app
// imports them, `import 'iamfetch/inline/sigv4a'` and
// `import 'iamfetch/inline/diagnostics'`: a bundler that does not split
// chunks would otherwise put all three in the first load.
import { inflate } from './base64-wasm.js'
import { withGlue } from './builds.js'
import { registerBuilds } from './core.js'
import { fetchSendsStreamsHere, setFetchSendsStreams } from './body.js'

setFetchSendsStreams(fetchSendsStreamsHere())
registerBuilds(withGlue({ core: async () => inflate((await import('./wasm/iamfetch_bg.base64.js')).default) }, 'iamfetch/inline'))
