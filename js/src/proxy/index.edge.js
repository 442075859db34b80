// iamfetch/proxy for Vercel's and Next.js's Edge runtime (edge-light). It registers the wasm loaders itself, as
// the main entry does, so that importing only 'iamfetch/proxy' works.
import '../load.edge.js'

export { createSigningProxy } from './signing-proxy.js'
export { signCloudFrontOriginRequest } from './lambda-edge.js'
