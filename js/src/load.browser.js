// Wasm sources for browsers and Deno: each .wasm is fetched next to the
// package's modules, the SigV4a and diagnostics builds only the first time
// they are asked for.
import { withGlue } from './builds.js'
import { registerBuilds } from './core.js'
import { WASM_FILES } from './wasm-files.js'
import { fetchSendsStreamsHere, setFetchSendsStreams } from './body.js'

setFetchSendsStreams(fetchSendsStreamsHere())
registerBuilds(withGlue(WASM_FILES))
