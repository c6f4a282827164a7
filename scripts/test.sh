#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds, and runs every test twice,
# once with a normal build and once with AddressSanitizer + UBSan.
#   scripts/test.sh            everything
#   scripts/test.sh --quick    the normal build only
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh

builds=(build)
[ "${1:-}" = "--quick" ] || builds+=(build-asan)

passed=0
failed=0
for dir in "${builds[@]}"; do
  if [ "$dir" = build-asan ]; then
    scripts/build.sh "$dir" -Db_sanitize=address,undefined -Db_lundef=false \
      -Dcpp_args=-fno-sanitize-recover=all -Dbuildtype=debug
  else
    scripts/build.sh "$dir"
  fi
  echo "== tests with $dir"
  # LLVM and libbpf are not built with the sanitizers: leak reports would be theirs.
  if ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=print_stacktrace=1 \
     meson test -C "$dir" --print-errorlogs --num-processes 2 --timeout-multiplier 3; then :; fi
  ok=$(meson test -C "$dir" --list 2>/dev/null | wc -l)
  fails=$(grep -c '"result": "\(FAIL\|TIMEOUT\|ERROR\)"' "$dir/meson-logs/testlog.json" || true)
  passed=$((passed + ok - fails))
  failed=$((failed + fails))
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
