// iamfetch/server for Node, Bun and Deno: credentials from the host (environment,
// IRSA token file, container endpoint, IMDSv2). Browser and workerd bundles get
// server.browser.js instead, so no file or process access reaches them.
export { fromNodeProviderChain } from './credentials/node-chain.js'
