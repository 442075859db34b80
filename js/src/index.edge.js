// Entry for Vercel's and Next.js's Edge runtime (`edge-light`): registers the
// wasm sources, then the public API.
import './load.edge.js'

export * from './api.js'
