// iamfetch/proxy for Node and Bun. It registers the wasm loaders itself, as
// the main entry does, so that importing only 'iamfetch/proxy' works.
import '../load.node.js'

export { createSigningProxy } from './signing-proxy.js'
export { signCloudFrontOriginRequest } from './lambda-edge.js'
