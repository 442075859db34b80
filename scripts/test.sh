#!/usr/bin/env bash
# Runs every test. On a fresh clone it installs what it needs first (see setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n=== %s\n' "$*"; }

step "build (installs the toolchain pieces it lacks)"
bash scripts/build.sh
npm ci --prefix stack --no-audit --no-fund --loglevel=error
# The browser tests' engines: Chromium (and chromedriver, for wasm-bindgen-test),
# Firefox ESR, WebKitGTK's driver and MiniBrowser, and Xvfb, the display WebKit needs.
apt_packages=()
{ [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; } || apt_packages+=(chromium chromium-driver)
[ -x /usr/bin/firefox-esr ] || apt_packages+=(firefox-esr)
[ -x /usr/bin/WebKitWebDriver ] || apt_packages+=(webkit2gtk-driver)
command -v Xvfb >/dev/null || apt_packages+=(xvfb)
if [ ${#apt_packages[@]} -gt 0 ]; then
  echo "installing Debian's ${apt_packages[*]} for the browser tests"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${apt_packages[@]}" >/dev/null
fi

step "lint: clippy, native and wasm32, the four builds' features (SystemTime::now is a disallowed method)"
cargo clippy --all-targets --quiet -- -D warnings
cargo clippy --all-targets --features sigv4a --quiet -- -D warnings
cargo clippy --target wasm32-unknown-unknown --lib --features sigv4a --quiet -- -D warnings
cargo clippy --target wasm32-unknown-unknown --lib --no-default-features --features tracing-off --quiet -- -D warnings
cargo clippy --target wasm32-unknown-unknown --lib --no-default-features --features tracing-off,sigv4a --quiet -- -D warnings
cargo clippy --all-targets --features s3 --quiet -- -D warnings
cargo clippy --target wasm32-unknown-unknown --lib --no-default-features --features tracing-off,s3 --quiet -- -D warnings

step "Rust: unit tests, the AWS v4 and v4a suites, behaviour, no-panic property test (with and without SigV4a), S3's worked examples"
cargo test --release --quiet
cargo test --release --features sigv4a --quiet
cargo test --release --features s3 --quiet

step "Rust inside wasm: Node, then headless Chromium (wasm-bindgen-test; webdriver.json holds Chromium's flags)"
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
cargo test --target wasm32-unknown-unknown --test wasm --features sigv4a
WASM_BINDGEN_USE_BROWSER=1 CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown --test wasm --features sigv4a

step "JS: the package in Node, Bun, Deno, headless Chromium and workerd, the packed tarball, the local AWS stack"
node --test tests/js/ tests/stack/
