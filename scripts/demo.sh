#!/usr/bin/env bash
# The README's first command. On a fresh clone it installs what it lacks and
# builds iamfetch (scripts/build.sh), then starts the local AWS stack and serves
# the demo page (www/) with the built package on localhost, and prints the URL.
# Ctrl-C stops both. Options go to scripts/demo-server.mjs:
#   --port 8080  --port-base 9100  --credentials-lifetime 120  --verbose
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
if [ ! -d stack/node_modules ] || [ stack/package-lock.json -nt stack/node_modules/.package-lock.json ]; then
  npm ci --prefix stack --no-audit --no-fund --loglevel=error
fi
exec node scripts/demo-server.mjs "$@"
