// For TypeScript's legacy `moduleResolution: "node"` (node10), which does not
// read package.json "exports": `iamfetch/inline/sigv4a` resolves to this file there.
export {}
