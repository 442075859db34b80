// `import 'iamfetch/sigv4a'` and `import 'iamfetch/diagnostics'` (and their
// iamfetch/inline forms) where there is nothing to bundle: browsers, Node,
// Deno, Bun and the Edge runtime load each build's .wasm by themselves the
// first time it is asked for.
export {}
