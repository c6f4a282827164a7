#!/usr/bin/env bash
# Callbacks: tests/callbacks/callbacks.bpf.c (bpf_loop, bpf_for_each_map_elem over an
# array and a hash map, callbacks calling helpers, callbacks stopping early) compiled by
# clang-19 and bpf2arm for each CPU given, linked with runtime-stub/*.c and the checks of
# callbacks_main.c, run under qemu-arm.
#   run_callbacks.sh --bpf2arm PATH [--mcpu CPU]... [--workdir DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bpf2arm="" work="" cpus=()
while [ $# -gt 0 ]; do
  case "$1" in
    --bpf2arm) bpf2arm=$2; shift 2 ;;
    --mcpu) cpus+=("$2"); shift 2 ;;
    --workdir) work=$2; shift 2 ;;
    *) echo "usage: $0 --bpf2arm PATH [--mcpu CPU]... [--workdir DIR]" >&2; exit 2 ;;
  esac
done
[ -n "$bpf2arm" ] || { echo "usage: $0 --bpf2arm PATH [--mcpu CPU]... [--workdir DIR]" >&2; exit 2; }
[ ${#cpus[@]} -gt 0 ] || cpus=(cortex-a7 arm1176jzf-s)
if [ -z "$work" ]; then work=$(mktemp -d); trap 'rm -rf "$work"' EXIT; fi
mkdir -p "$work"

clang-19 -target bpf -mcpu=v4 -O2 -g -I/usr/include/x86_64-linux-gnu \
  -c "$here/callbacks.bpf.c" -o "$work/callbacks.bpf.o"
for cpu in "${cpus[@]}"; do
  echo "== $cpu"
  # cpu_flags, cc_flags, qemu as the Python runners use them: the armhf C library needs
  # ARMv7, so ARMv6 code runs on cortex-a8, Cortex-M code on its stand-in (README, Tests).
  eval "$(python3 "$root/tests/tools/toolchain.py" shell-env "$bpf2arm" "$cpu")"
  "$bpf2arm" "$work/callbacks.bpf.o" "${cpu_flags[@]}" -o "$work/callbacks.arm.o" --header "$work/callbacks.arm.h"
  arm-linux-gnueabihf-gcc "${cc_flags[@]}" -std=c11 -static -O2 -Wall -I"$work" -I"$root/runtime-stub/include" \
    "$here/callbacks_main.c" "$work/callbacks.arm.o" "$root"/runtime-stub/*.c -o "$work/callbacks_test"
  "${qemu[@]}" "$work/callbacks_test"
done
