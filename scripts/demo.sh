#!/usr/bin/env bash
# The README's first command. Until the demo page lands, it builds iamfetch,
# starts the local AWS stack, signs a sample request with the packaged
# library, sends it to the stack's function URL, and prints what was signed.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
npm ci --prefix stack --no-audit --no-fund --loglevel=error
node scripts/sign-sample.mjs
