#!/usr/bin/env bash
# Builds the npm package: the four wasm builds of the crate that
# js/src/build-list.js names, each cargo → wasm-bindgen → wasm-opt, into
# js/dist/wasm under the list's file names, the JS sources into js/dist, then
# prints the sizes users download.
#
# - core, the build every user downloads: SigV4 signing and hashing only,
#   simd128, and on nightly `-Z build-std` with panics as plain aborts, Debug
#   formatting compiled out and std's size-optimized paths (measured at
#   opt-level "z": 58.6 KB gzip against 81.7 KB on stable).
# - sigv4a, the same plus SigV4a (P-256 ECDSA): loaded the first time a
#   request asks for SigV4a.
# - diagnostics (both algorithms, and the canonical request and string to
#   sign): loaded only when asked for. It keeps Debug formatting, which its
#   trace capture reads through.
# - s3: S3's checksums, chunk signatures and POST policy signatures, loaded
#   beside the core the first time a request asks for one.
# Each falls back to stable (larger) when no nightly with rust-src can be had.
# All three take three dependency patches (scripts/patches): core 69,651 →
# 56,577 B gzip -9 (163,244 → 135,058 raw), bare sign() within noise.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

wasm_target=wasm32-unknown-unknown
simd="-C target-feature=+simd128"
has_nightly() {
  rustup run nightly rustc --version >/dev/null 2>&1 && rustup component list --toolchain nightly --installed 2>/dev/null | grep -q '^rust-src'
}
# Dependency patches, for the wasm builds only: each scripts/patches/<crate>.patch
# applies to a copy of <crate>'s registry source at the version Cargo.lock pins,
# target/patched/<crate>-<version>, which the wasm builds take as
# [patch.crates-io]. Native builds and tests keep the pristine crates. A patch
# that no longer applies fails the build: the core would silently grow.
patched_dir=target/patched
patch_config=()
patch_dependencies() {
  cargo fetch --locked --quiet
  local p crate version pristine dst
  for p in scripts/patches/*.patch; do
    crate=$(basename "$p" .patch)
    version=$(awk -v name="name = \"$crate\"" '$0 == name { getline; gsub(/version = |"/, ""); print }' Cargo.lock)
    [ "$(wc -w <<<"$version")" = 1 ] || { echo "scripts/build.sh: Cargo.lock pins ${version:-no} version(s) of $crate, not one: $p cannot say which to patch" >&2; exit 1; }
    pristine=$(ls -d "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/"$crate-$version" 2>/dev/null | head -n 1)
    [ -n "$pristine" ] || { echo "scripts/build.sh: no registry source of $crate $version after cargo fetch" >&2; exit 1; }
    dst=$patched_dir/$crate-$version
    rm -rf "$dst.new"
    mkdir -p "$patched_dir"
    cp -r "$pristine" "$dst.new"
    patch -p1 --batch --forward --silent -d "$dst.new" <"$p" \
      || { echo "scripts/build.sh: $p does not apply to $crate $version (the version Cargo.lock pins): update the patch" >&2; exit 1; }
    # An unchanged copy keeps its timestamps, so cargo does not rebuild it.
    if diff -rq "$dst" "$dst.new" >/dev/null 2>&1; then rm -rf "$dst.new"; else rm -rf "$dst"; mv "$dst.new" "$dst"; fi
    patch_config+=(--config "patch.crates-io.$crate.path=\"$PWD/$dst\"")
  done
  # [patch] turns a crate's Cargo.lock entry into a path entry: the wasm builds
  # resolve against a copy, so Cargo.lock keeps the registry's.
  cp Cargo.lock "$patched_dir/Cargo.lock"
}
# wasm_build <target dir> <extra nightly RUSTFLAGS> <cargo feature args...>
wasm_build() {
  local dir=$1 nightly_flags=$2
  shift 2
  if has_nightly; then
    RUSTFLAGS="$simd -Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none $nightly_flags" \
      cargo +nightly build --release --target $wasm_target -Zbuild-std=std,panic_abort -Zbuild-std-features=optimize_for_size \
      --config "resolver.lockfile-path=\"$PWD/$patched_dir/Cargo.lock\"" "${patch_config[@]}" \
      --target-dir "$dir" --quiet "$@" \
      || { echo "warning: the nightly build of $dir failed (its -Z flags may have changed): building it on stable (larger)" >&2; stable_build "$dir" "$@"; }
  else
    echo "warning: no nightly toolchain with rust-src: $dir is built on stable (larger)" >&2
    stable_build "$dir" "$@"
  fi
}
# Stable cargo has no lockfile-path: Cargo.lock is put back after the build.
stable_build() {
  local dir=$1
  shift
  cp Cargo.lock "$patched_dir/Cargo.lock.pristine"
  RUSTFLAGS="$simd" cargo build --release --target $wasm_target "${patch_config[@]}" --target-dir "$dir" --quiet "$@" \
    || { cp "$patched_dir/Cargo.lock.pristine" Cargo.lock; exit 1; }
  cp "$patched_dir/Cargo.lock.pristine" Cargo.lock
}
# cargo_build <build>: the cargo settings of each build that build-list.js names.
# Separate target dirs: each RUSTFLAGS set would otherwise rebuild the other's artifacts.
cargo_build() {
  case $1 in
    core) wasm_build target/wasm-default -Zfmt-debug=none --no-default-features --features tracing-off ;;
    sigv4a) wasm_build target/wasm-sigv4a -Zfmt-debug=none --no-default-features --features tracing-off,sigv4a ;;
    diagnostics) wasm_build target/wasm-diagnostics "" --features sigv4a ;;
    s3) wasm_build target/wasm-s3 -Zfmt-debug=none --no-default-features --features tracing-off,s3 ;;
    *) echo "scripts/build.sh: js/src/build-list.js names a build $1 that this script has no cargo settings for" >&2; exit 1 ;;
  esac
}
target_of() { case $1 in core) echo target/wasm-default ;; *) echo "target/wasm-$1" ;; esac; }

# One line per build: its name, glue, .wasm, inline module and label, from build-list.js.
builds=$(node --input-type=module -e "
const { BUILDS } = await import('./js/src/build-list.js')
for (const [name, { glue, wasm, inline, label }] of Object.entries(BUILDS)) console.log([name, glue, wasm, inline, label].join('\t'))
")
patch_dependencies
while IFS=$'\t' read -r -u 3 name _; do cargo_build "$name"; done 3<<<"$builds"

out=target/wasm-bindgen
rm -rf "$out" js/dist
mkdir -p js/dist/wasm
# bindgen <build> <glue> <wasm>: wasm-bindgen names its output after --out-name
# (<stem>.js, <stem>_bg.wasm); they are copied under the list's names.
bindgen() {
  local stem=${2%.js}
  wasm-bindgen --target web --out-dir "$out" --out-name "$stem" "$(target_of "$1")/$wasm_target/release/iamfetch.wasm"
  node scripts/wasm-glue.mjs "$out/$stem.js"
  # wasm-opt reads the enabled features from the target_features section, then drops it.
  # -O3 measured as fast as -Oz on the opt-level 3 build, and 0.3 KB smaller after gzip.
  node_modules/.bin/wasm-opt -O3 --strip-debug --strip-producers --strip-target-features \
    "$out/${stem}_bg.wasm" -o "js/dist/wasm/$3"
  cp "$out/$stem.js" "js/dist/wasm/$2"
}
while IFS=$'\t' read -r -u 3 name glue wasm _; do bindgen "$name" "$glue" "$wasm"; done 3<<<"$builds"

node scripts/bundle-dist.mjs
node scripts/inline-wasm.mjs js/dist/wasm

size() { printf '%-48s %8d bytes raw %8d bytes gzip\n' "$1" "$(cat "${@:2}" | wc -c)" "$(cat "${@:2}" | gzip -9 | wc -c)"; }
echo "iamfetch build sizes:"
while IFS=$'\t' read -r -u 3 name glue wasm inline label; do
  if [ "$name" = core ]; then
    size "wasm, $label ($wasm)" "js/dist/wasm/$wasm"
    size "JS glue, $label ($glue)" "js/dist/wasm/$glue"
    size "wasm, $label, base64 (inline entry: $inline)" "js/dist/wasm/$inline"
  else
    size "wasm, $label, lazy ($wasm)" "js/dist/wasm/$wasm"
  fi
done 3<<<"$builds"
size "JS wrapper (all entries and chunks)" js/dist/*.js js/dist/proxy/*.js
