// A .wasm embedded in JS for iamfetch/inline: base64 of its gzipped bytes,
// written by scripts/inline-wasm.mjs; decoded and gunzipped on first use.

/** The .wasm's bytes from its base64 string. */
export async function inflate(base64) {
  let gzipped
  if (typeof Uint8Array.fromBase64 === 'function') {
    gzipped = Uint8Array.fromBase64(base64)
  } else {
    const binary = atob(base64)
    gzipped = new Uint8Array(binary.length)
    for (let i = 0; i < binary.length; i++) gzipped[i] = binary.charCodeAt(i)
  }
  const stream = new Blob([gzipped]).stream().pipeThrough(new DecompressionStream('gzip'))
  return new Uint8Array(await new Response(stream).arrayBuffer())
}
