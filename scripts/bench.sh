#!/usr/bin/env bash
# Benchmarks iamfetch against aws4fetch, the AWS SDK signer and native aws-sigv4
# in Node, headless Chromium and workerd, in one run; prints one table and writes
# it to BENCHMARKS.md. Not part of the tests: nothing here passes or fails.
#
#   bash scripts/bench.sh            # the full run (about 10 minutes on 2 cores)
#   bash scripts/bench.sh --quick    # shorter budgets and a 256 MiB Blob, to try it out
#   bash scripts/bench.sh --only sign,hash,blob,start,proxy,size,native
#   node bench/run.mjs --report-only # re-render BENCHMARKS.md from bench/.out/results.json
#
# Installs what it lacks: Chromium (Debian's apt), the bench's npm packages
# (bench/package-lock.json), twiggy (cargo), and builds js/dist when it is
# missing or older than the sources.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x /usr/bin/chromium ]; then
  echo "installing Chromium (apt-get)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
fi

if [ ! -f js/dist/wasm/iamfetch_bg.wasm ] \
  || [ -n "$(find src js/src Cargo.toml Cargo.lock -newer js/dist/wasm/iamfetch_bg.wasm -print -quit)" ]; then
  bash scripts/build.sh
fi

if [ ! -d bench/node_modules ] || [ bench/package-lock.json -nt bench/node_modules/.package-lock.json ]; then
  npm ci --prefix bench --no-audit --no-fund --loglevel=error
fi

# The native floor, at opt-level 3 as any native user of aws-sigv4 builds it
# (the crate's own release profile is "z", for the wasm's size), in its own
# target dir so the wasm build's artifacts stay as they are.
echo "building the native benchmark (examples/bench_native.rs)"
CARGO_TARGET_DIR=target/bench-native CARGO_PROFILE_RELEASE_OPT_LEVEL=3 \
  cargo build --release --quiet --example bench_native
export BENCH_NATIVE="$PWD/target/bench-native/release/examples/bench_native"

# What takes the wasm's bytes: the same build, names kept (wasm-opt -g), through twiggy.
command -v twiggy >/dev/null || { echo "installing twiggy (cargo install, about 2 minutes)"; cargo install twiggy --locked --quiet; }
twiggy_dir=target/bench-twiggy
rm -rf "$twiggy_dir" && mkdir -p "$twiggy_dir"
wasm-bindgen --target web --out-dir "$twiggy_dir" --out-name iamfetch target/wasm32-unknown-unknown/release/iamfetch.wasm
node_modules/.bin/wasm-opt -Oz -g --strip-producers "$twiggy_dir/iamfetch_bg.wasm" -o "$twiggy_dir/named.wasm"
twiggy top -n 100000 -f json "$twiggy_dir/named.wasm" > "$twiggy_dir/top.json"
export BENCH_TWIGGY="$PWD/$twiggy_dir/top.json"

node bench/run.mjs "$@"
