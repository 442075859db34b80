// iamfetch/proxy for Deno and browsers. It registers the wasm loaders itself, as
// the main entry does, so that importing only 'iamfetch/proxy' works.
import '../load.browser.js'

export { createSigningProxy } from './signing-proxy.js'
export { signCloudFrontOriginRequest } from './lambda-edge.js'
