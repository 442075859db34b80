// The glue of the four builds of the Rust core (build-list.js), as every
// runtime entry registers them. Each build's glue is the same everywhere;
// where its .wasm comes from is the runtime entry's (load.*.js). The lazy
// builds' glue is imported on first use, so a bundler that splits chunks keeps
// it apart. The file names are literals because bundlers follow only those;
// tests/js/build-list.test.mjs holds them to build-list.js.
import { createBindings } from './wasm/iamfetch.js'

const GLUE = {
  core: async () => createBindings,
  sigv4a: async () => (await import('./wasm/iamfetch_v4a.js')).createBindings,
  diagnostics: async () => (await import('./wasm/iamfetch_diag.js')).createBindings,
  s3: async () => (await import('./wasm/iamfetch_s3.js')).createBindings,
}

/**
 * `{ core, sigv4a, diagnostics, s3 }` of `{ glue, source, addedBy }` for core.js's
 * registerBuilds, from each build's source; a build with none is bundled by
 * importing `${subpathPrefix}/sigv4a` or `${subpathPrefix}/diagnostics`.
 */
export function withGlue(sources, subpathPrefix = 'iamfetch') {
  return Object.fromEntries(Object.entries(GLUE).map(([which, glue]) => [which, { glue, source: sources[which], addedBy: `${subpathPrefix}/${which}` }]))
}
