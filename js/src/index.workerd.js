// Entry for Cloudflare workerd: registers the wasm loaders, then the public API.
import './load.workerd.js'

export * from './api.js'
