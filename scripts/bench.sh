#!/usr/bin/env bash
# Benchmarks iamfetch against aws4fetch, the AWS SDK signer and native aws-sigv4
# in Node, headless Chromium, Firefox and WebKit, and workerd, in one run;
# prints the targets (bench/targets.mjs) with their ratios and one table, and
# writes them to BENCHMARKS.md. Not part of the tests: nothing here fails the build.
#
#   bash scripts/bench.sh            # the full run (about 10 minutes on 2 cores)
#   bash scripts/bench.sh --quick    # shorter budgets and a 256 MiB Blob, to try it out
#   bash scripts/bench.sh --only size,native,sign,sigv4a,hash,blob,start,proxy,worker
#   bash scripts/bench.sh --runtimes node,chromium,firefox,webkit,workerd
#   bash scripts/bench.sh --no-write # print the report, leave BENCHMARKS.md as it is
#   node bench/run.mjs --report-only # re-render BENCHMARKS.md from bench/.out/results.json
#
# Installs what it lacks: Chromium, Firefox ESR, WebKitGTK's driver and Xvfb
# (Debian's apt), the bench's npm packages (bench/package-lock.json), twiggy
# (cargo), and builds js/dist when it is missing or older than the sources.
set -euo pipefail
cd "$(dirname "$0")/.."

# /usr/bin/chromium (playwright-core), /usr/bin/firefox-esr (puppeteer-core over
# WebDriver BiDi), /usr/bin/WebKitWebDriver with WebKitGTK's MiniBrowser
# (selenium-webdriver), and Xvfb, the virtual display WebKit needs.
apt_packages=()
[ -x /usr/bin/chromium ] || apt_packages+=(chromium chromium-driver)
[ -x /usr/bin/firefox-esr ] || apt_packages+=(firefox-esr)
[ -x /usr/bin/WebKitWebDriver ] || apt_packages+=(webkit2gtk-driver)
command -v Xvfb >/dev/null || apt_packages+=(xvfb)
if [ ${#apt_packages[@]} -gt 0 ]; then
  echo "installing ${apt_packages[*]} (apt-get, a few minutes)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${apt_packages[@]}" >/dev/null
fi

if [ ! -f js/dist/wasm/iamfetch_bg.wasm ] \
  || [ -n "$(find src js/src Cargo.toml Cargo.lock -newer js/dist/wasm/iamfetch_bg.wasm -print -quit)" ]; then
  bash scripts/build.sh
fi

if [ ! -d bench/node_modules ] || [ bench/package-lock.json -nt bench/node_modules/.package-lock.json ]; then
  npm ci --prefix bench --no-audit --no-fund --loglevel=error
fi
# The Cloudflare Worker part (bench/worker.mjs) builds with the bundler matrix's pinned Wrangler and Node 24.
if [ -f tests/bundlers/package-lock.json ] && { [ ! -d tests/bundlers/node_modules ] || [ tests/bundlers/package-lock.json -nt tests/bundlers/node_modules/.package-lock.json ]; }; then
  npm ci --prefix tests/bundlers --no-audit --no-fund --loglevel=error
fi

# The native floor, at opt-level 3 as any native user of aws-sigv4 builds it,
# in its own target dir so the wasm build's artifacts stay as they are.
# It calls the crate's Rust API: if that no longer builds, the run goes on without it.
echo "building the native benchmark (examples/bench_native.rs)"
if CARGO_TARGET_DIR=target/bench-native CARGO_PROFILE_RELEASE_OPT_LEVEL=3 \
  cargo build --release --quiet --features sigv4a --example bench_native; then
  export BENCH_NATIVE="$PWD/target/bench-native/release/examples/bench_native"
else
  echo "warning: examples/bench_native.rs does not build: no native floor in this run" >&2
fi

# What takes the wasm's bytes: bench/run.mjs gives twiggy the cargo build behind
# the shipped wasm, names kept (wasm-bindgen, then wasm-opt -g).
command -v twiggy >/dev/null || { echo "installing twiggy (cargo install, about 2 minutes)"; cargo install twiggy --locked --quiet; }

node bench/run.mjs "$@"
