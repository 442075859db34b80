// Entry for Node and Bun: registers the wasm loaders, then the public API.
import './load.node.js'

export * from './api.js'
