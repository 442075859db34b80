// For TypeScript's legacy `moduleResolution: "node"` (node10), which does not
// read package.json "exports": `iamfetch/proxy` resolves to this file there.
export * from './dist/proxy/index.js'
