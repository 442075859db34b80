// Entry `iamfetch/inline`: the same API with each .wasm embedded in the JS,
// for bundlers that emit no .wasm asset (Rollup, esbuild, Bun.build).
import './load.inline.js'

export * from './api.js'
