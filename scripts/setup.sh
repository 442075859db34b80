#!/usr/bin/env bash
# Installs what building and testing need, skipping what is already there:
# the wasm32 target, nightly's rust-src, wasm-bindgen-cli at exactly Cargo.lock's wasm-bindgen
# version, and the workspace's npm packages (binaryen's wasm-opt, verifiers).
set -euo pipefail
cd "$(dirname "$0")/.."

rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
# The default wasm is built with nightly's -Z build-std, which needs std's sources.
# Without a nightly, build.sh falls back to stable.
if ! rustup component list --toolchain nightly --installed 2>/dev/null | grep -q '^rust-src'; then
  rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal || true
  rustup component add rust-src --toolchain nightly || true
fi

wbg_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$wbg_version" ]; then
  echo "installing wasm-bindgen-cli $wbg_version (about 2 minutes)"
  cargo install wasm-bindgen-cli --version "$wbg_version" --force --quiet
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
