#!/usr/bin/env bash
# Builds the libFuzzer target (tests/fuzz/fuzz_target.cpp) with clang-19, ASan and UBSan, and
# runs it: first every regression input of tests/fuzz/regressions once, then fuzzing from the
# seed corpus (generated from the test programs by tests/fuzz/make_corpus.py) with the
# dictionary of ELF/BTF/BPF constants, for a bounded time.
#
#   scripts/fuzz.sh [--build DIR] [--seconds N] [--jobs N] [--family a32|t32|all] [--corpus DIR]
#                   [-- LIBFUZZER-ARGS...]
#
# DIR defaults to build-fuzz (a meson build of its own: the main build uses g++, libFuzzer
# needs clang); N to 3600 seconds; --jobs N runs N fuzzing processes (libFuzzer's -fork);
# --family keeps every input on the A32 targets (cortex-a7, arm1176jzf-s) or the T32 ones
# (cortex-a7 -mthumb, cortex-m4) instead of all four. The CPU time the fuzzing took is printed
# at the end.
# The corpus grows in DIR/corpus unless --corpus says where; findings go to DIR/findings/
# (crash-*, timeout-*, oom-*): copy each into tests/fuzz/regressions once it is fixed.
# Exit status 0 when nothing was found. For hours on every core: scripts/fuzz.sh --seconds 36000 --jobs $(nproc)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/build-fuzz
seconds=3600
jobs=1
corpus=
family=all
usage="usage: $0 [--build DIR] [--seconds N] [--jobs N] [--family a32|t32|all] [--corpus DIR] [-- LIBFUZZER-ARGS...]"
while [ $# -gt 0 ]; do
  case $1 in
    --build) build=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    --corpus) corpus=$2; shift 2 ;;
    --family) family=$2; shift 2 ;;
    --) shift; break ;;
    *) echo "$usage" >&2; exit 2 ;;
  esac
done
case $family in a32|t32|all) ;; *) echo "$usage" >&2; exit 2 ;; esac
if ! command -v clang++-19 >/dev/null || [ ! -f /usr/lib/llvm-19/lib/clang/19/lib/linux/libclang_rt.fuzzer-x86_64.a ]; then
  echo "fuzz: clang-19 and libclang-rt-19-dev are needed (scripts/install-deps.sh)" >&2
  exit 1
fi

if [ ! -f "$build/build.ninja" ]; then
  CC=clang-19 CXX=clang++-19 meson setup "$build" "$root" --native-file "$root/scripts/llvm19.ini" -Dfuzzer=true \
    -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debugoptimized \
    "-Dcpp_args=-fsanitize=fuzzer-no-link -fno-sanitize-recover=all -fno-sanitize=vptr" \
    "-Dc_args=-fsanitize=fuzzer-no-link" >/dev/null
fi
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! ninja -C "$build" tests/fuzz/bpf2arm_fuzz >"$log" 2>&1; then
  cat "$log"
  exit 1
fi
fuzzer=$build/tests/fuzz/bpf2arm_fuzz
seeds=$build/seeds
[ -d "$seeds" ] || python3 "$root/tests/fuzz/make_corpus.py" "$seeds"
corpus=${corpus:-$build/corpus}
mkdir -p "$corpus" "$build/findings"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}

regressions=("$root"/tests/fuzz/regressions/*.bin)
if [ -e "${regressions[0]}" ]; then
  "$fuzzer" -runs=1 -error_exitcode=1 "${regressions[@]}" >"$log" 2>&1 || { cat "$log"; echo "fuzz: a regression input fails again" >&2; exit 1; }
  echo "fuzz: ${#regressions[@]} regression inputs pass"
fi

parallel=()
[ "$jobs" -gt 1 ] && parallel=(-fork="$jobs" -ignore_crashes=1)
# libFuzzer's own exit status for a finding is 77, which meson reads as a skipped test.
# `time` counts the CPU of the -fork workers too: the parent waits for each of them. The
# family applies to the fuzzing only: the regression inputs above ran on their own targets.
TIMEFORMAT="fuzz: family $family, %R s wall, %U s user + %S s system CPU"
status=0
time BPF2ARM_FUZZ_FAMILY=$family "$fuzzer" -max_total_time="$seconds" -dict="$root/tests/fuzz/bpf2arm.dict" -max_len=65536 -timeout=30 \
  -rss_limit_mb=4096 -error_exitcode=1 -timeout_exitcode=1 -artifact_prefix="$build/findings/" \
  -print_final_stats=1 "${parallel[@]}" "$@" "$corpus" "$seeds" || status=$?
findings=$(find "$build/findings" -type f | wc -l)
echo "fuzz: ${findings} findings in $build/findings"
[ "$findings" = 0 ] && [ "$status" = 0 ]
