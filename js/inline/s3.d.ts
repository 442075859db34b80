// For TypeScript's legacy `moduleResolution: "node"` (node10), which does not
// read package.json "exports": `iamfetch/inline/s3` resolves to this file there.
export {}
