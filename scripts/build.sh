#!/usr/bin/env bash
# Builds the npm package: three wasm builds of the crate (cargo → wasm-bindgen →
# wasm-opt) into js/dist/wasm, the JS sources into js/dist, then prints the
# sizes users download.
#
# - iamfetch_bg.wasm, the default build every user downloads: SigV4 signing and
#   hashing only, simd128, and on nightly `-Z build-std` with panics as plain
#   aborts, Debug formatting compiled out and std's size-optimized paths
#   (measured at opt-level "z": 58.6 KB gzip against 81.7 KB on stable).
# - iamfetch_v4a_bg.wasm, the same plus SigV4a (P-256 ECDSA): loaded the first
#   time a request asks for SigV4a.
# - iamfetch_diag_bg.wasm, the diagnostics build (both algorithms, and the
#   canonical request and string to sign): loaded only when asked for. It keeps
#   Debug formatting, which its trace capture reads through.
# Each falls back to stable (larger) when no nightly with rust-src can be had.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

wasm_target=wasm32-unknown-unknown
simd="-C target-feature=+simd128"
has_nightly() {
  rustup run nightly rustc --version >/dev/null 2>&1 && rustup component list --toolchain nightly --installed 2>/dev/null | grep -q '^rust-src'
}
# wasm_build <target dir> <extra nightly RUSTFLAGS> <cargo feature args...>
wasm_build() {
  local dir=$1 nightly_flags=$2
  shift 2
  # Separate target dirs: each RUSTFLAGS set would otherwise rebuild the other's artifacts.
  local stable=(cargo build --release --target $wasm_target --target-dir "$dir" --quiet "$@")
  if has_nightly; then
    RUSTFLAGS="$simd -Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none $nightly_flags" \
      cargo +nightly build --release --target $wasm_target -Zbuild-std=std,panic_abort -Zbuild-std-features=optimize_for_size \
      --target-dir "$dir" --quiet "$@" \
      || { echo "warning: the nightly build of $dir failed (its -Z flags may have changed): building it on stable (larger)" >&2; RUSTFLAGS="$simd" "${stable[@]}"; }
  else
    echo "warning: no nightly toolchain with rust-src: $dir is built on stable (larger)" >&2
    RUSTFLAGS="$simd" "${stable[@]}"
  fi
}
wasm_build target/wasm-default -Zfmt-debug=none --no-default-features --features tracing-off
wasm_build target/wasm-sigv4a -Zfmt-debug=none --no-default-features --features tracing-off,sigv4a
wasm_build target/wasm-diagnostics "" --features sigv4a

out=target/wasm-bindgen
rm -rf "$out" js/dist
bindgen() {
  wasm-bindgen --target web --out-dir "$out" --out-name "$2" "$1/$wasm_target/release/iamfetch.wasm"
  node scripts/wasm-glue.mjs "$out/$2.js"
  # wasm-opt reads the enabled features from the target_features section, then drops it.
  # -O3 measured as fast as -Oz on the opt-level 3 build, and 0.3 KB smaller after gzip.
  node_modules/.bin/wasm-opt -O3 --strip-debug --strip-producers --strip-target-features \
    "$out/$2_bg.wasm" -o "$out/$2_bg.wasm"
}
bindgen target/wasm-default iamfetch
bindgen target/wasm-sigv4a iamfetch_v4a
bindgen target/wasm-diagnostics iamfetch_diag

mkdir -p js/dist/wasm
cp -r js/src/. js/dist/
for build in iamfetch iamfetch_v4a iamfetch_diag; do cp "$out/$build.js" "$out/${build}_bg.wasm" js/dist/wasm/; done
node scripts/inline-wasm.mjs js/dist/wasm/*_bg.wasm

size() { printf '%-34s %8d bytes raw %8d bytes gzip\n' "$1" "$(cat "${@:2}" | wc -c)" "$(cat "${@:2}" | gzip -9 | wc -c)"; }
echo "iamfetch build sizes:"
size "wasm, default (iamfetch_bg.wasm)" js/dist/wasm/iamfetch_bg.wasm
size "JS glue (wasm/iamfetch.js)" js/dist/wasm/iamfetch.js
size "wasm, SigV4a (lazy)" js/dist/wasm/iamfetch_v4a_bg.wasm
size "wasm, diagnostics (lazy)" js/dist/wasm/iamfetch_diag_bg.wasm
size "wasm, default, base64 (inline entry)" js/dist/wasm/iamfetch_bg.base64.js
size "JS wrapper (all entries)" js/dist/*.js js/dist/credentials/*.js
