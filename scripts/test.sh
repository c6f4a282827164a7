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

status=0
for dir in "${builds[@]}"; do
  if [ "$dir" = build-asan ]; then
    # LLVM has no RTTI, so UBSan's vptr check cannot link against it.
    scripts/build.sh "$dir" -Db_sanitize=address,undefined -Db_lundef=false \
      "-Dcpp_args=-fno-sanitize-recover=all -fno-sanitize=vptr" -Dbuildtype=debug
  else
    scripts/build.sh "$dir"
  fi
  echo "== tests with $dir"
  UBSAN_OPTIONS=print_stacktrace=1 \
    meson test -C "$dir" --print-errorlogs --num-processes 2 --timeout-multiplier 3 || status=1
done

# One closing line over both builds, counted from meson's own logs.
python3 - "${builds[@]}" <<'PY'
import json, sys
passed = failed = skipped = 0
for d in sys.argv[1:]:
    for line in open(f"{d}/meson-logs/testlog.json"):
        result = json.loads(line)["result"]
        if result in ("OK", "EXPECTEDFAIL"): passed += 1
        elif result == "SKIP": skipped += 1
        else: failed += 1
print(f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
PY
exit $status
