#!/usr/bin/env bash
# Builds the npm package: cargo (wasm32) → wasm-bindgen → wasm-opt → js/dist,
# then prints the sizes users download.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

cargo build --release --target wasm32-unknown-unknown --quiet
out=target/wasm-bindgen
rm -rf "$out" js/dist
wasm-bindgen --target web --out-dir "$out" --out-name iamfetch \
  target/wasm32-unknown-unknown/release/iamfetch.wasm
# wasm-opt reads the enabled features from the target_features section, then drops it.
node_modules/.bin/wasm-opt -Oz --strip-debug --strip-producers --strip-target-features \
  "$out/iamfetch_bg.wasm" -o "$out/iamfetch_bg.wasm"

mkdir -p js/dist/wasm
cp -r js/src/. js/dist/
cp "$out/iamfetch.js" "$out/iamfetch_bg.wasm" js/dist/wasm/

size() { printf '%-28s %8d bytes raw %8d bytes gzip\n' "$1" "$(cat "${@:2}" | wc -c)" "$(cat "${@:2}" | gzip -9 | wc -c)"; }
echo "iamfetch build sizes:"
size "wasm (iamfetch_bg.wasm)" js/dist/wasm/iamfetch_bg.wasm
size "JS glue (wasm/iamfetch.js)" js/dist/wasm/iamfetch.js
size "JS wrapper (all entries)" js/dist/*.js js/dist/credentials/*.js
