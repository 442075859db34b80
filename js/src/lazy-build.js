// `import 'iamfetch/sigv4a'` and `import 'iamfetch/diagnostics'` outside a
// Cloudflare Worker: nothing to do, since these runtimes load each build's
// .wasm by itself the first time it is asked for.
export {}
