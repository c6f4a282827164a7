#!/usr/bin/env bash
# Configures (once) and builds bpf2arm in build/, or in the directory given as $1 with
# extra meson options after it (scripts/test.sh uses that for the sanitizer build).
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build}
shift || true
if [ ! -f "$dir/build.ninja" ]; then
  meson setup "$dir" --native-file scripts/llvm19.ini "$@" >/dev/null
fi
log=$(mktemp)
if ! ninja -C "$dir" >"$log" 2>&1; then
  cat "$log"
  rm -f "$log"
  exit 1
fi
rm -f "$log"
