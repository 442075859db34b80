#!/usr/bin/env bash
# Builds the npm package: two wasm builds of the crate (cargo → wasm-bindgen →
# wasm-opt) into js/dist/wasm, the JS sources into js/dist, then prints the
# sizes users download.
#
# - iamfetch_bg.wasm, the default build every user downloads: signing and
#   hashing only, simd128, and on nightly `-Z build-std` with panics as plain
#   aborts, Debug formatting compiled out and std's size-optimized paths
#   (measured at opt-level "z": 58.6 KB gzip against 81.7 KB on stable).
#   Falls back to stable when no nightly can be had.
# - iamfetch_diag_bg.wasm, the diagnostics build (canonical request and string
#   to sign): loaded lazily, only when asked for, so built on stable.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

wasm_target=wasm32-unknown-unknown
simd="-C target-feature=+simd128"
stable_default_build() {
  RUSTFLAGS="$simd" cargo build --release --target $wasm_target --no-default-features --features tracing-off \
    --target-dir target/wasm-default --quiet
}
if rustup run nightly rustc --version >/dev/null 2>&1 && rustup component list --toolchain nightly --installed 2>/dev/null | grep -q '^rust-src'; then
  # Separate target dirs: each RUSTFLAGS set would otherwise rebuild the other's artifacts.
  RUSTFLAGS="$simd -Zunstable-options -Cpanic=immediate-abort -Zfmt-debug=none -Zlocation-detail=none" \
    cargo +nightly build --release --target $wasm_target --no-default-features --features tracing-off \
    -Zbuild-std=std,panic_abort -Zbuild-std-features=optimize_for_size --target-dir target/wasm-default --quiet \
    || { echo "warning: the nightly build failed (its -Z flags may have changed): building the default wasm on stable (larger)" >&2; stable_default_build; }
else
  echo "warning: no nightly toolchain with rust-src: the default wasm is built on stable (larger)" >&2
  stable_default_build
fi
RUSTFLAGS="$simd" cargo build --release --target $wasm_target --target-dir target/wasm-diagnostics --quiet

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
bindgen target/wasm-diagnostics iamfetch_diag

mkdir -p js/dist/wasm
cp -r js/src/. js/dist/
cp "$out"/iamfetch.js "$out"/iamfetch_bg.wasm "$out"/iamfetch_diag.js "$out"/iamfetch_diag_bg.wasm js/dist/wasm/

size() { printf '%-34s %8d bytes raw %8d bytes gzip\n' "$1" "$(cat "${@:2}" | wc -c)" "$(cat "${@:2}" | gzip -9 | wc -c)"; }
echo "iamfetch build sizes:"
size "wasm, default (iamfetch_bg.wasm)" js/dist/wasm/iamfetch_bg.wasm
size "JS glue (wasm/iamfetch.js)" js/dist/wasm/iamfetch.js
size "wasm, diagnostics (lazy)" js/dist/wasm/iamfetch_diag_bg.wasm
size "JS wrapper (all entries)" js/dist/*.js js/dist/credentials/*.js
