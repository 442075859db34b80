// Entry for browsers and Deno: registers the wasm loaders, then the public API.
import './load.browser.js'

export * from './api.js'
