// `import 'iamfetch/sigv4a'`, `import 'iamfetch/diagnostics'` and `import 'iamfetch/s3'` (and their
// iamfetch/inline forms) where there is nothing to bundle: browsers, Node,
// Deno, Bun and the Edge runtime load each build's .wasm by themselves the
// first time it is asked for.
export {}
