#!/usr/bin/env bash
# Prints how bpf2arm's code compares with the same C compiled natively for ARM by clang -O2:
# bytes per function and executed instructions per call (qemu-arm with a counting plugin)
# for the functions in tests/bench, per function and as geometric means; then bpf2arm's
# compile throughput (BPF instructions per second) and peak memory (bytes per BPF
# instruction) on a generated object of 1,000,000 instructions. Figures only, no verdict.
# By default for cortex-a7 (A32, qemu-arm) and cortex-m4 (Thumb-2 against clang-19
# --target=thumbv7em-none-eabi -mcpu=cortex-m4 -O2, as firmware on qemu-system-arm -M
# mps2-an386), with a side-by-side table of the ratios; --mcpu CPU[,CPU...] chooses.
# Scratch files, listings included, stay in build/bench (emptied on each run).
#
#     scripts/benchmark.sh [--mcpu CPU[,CPU...]] [--calls N] [--compile-only | --no-compile]
#                          [--compile-insns N] [NAME...]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh build
exec python3 tests/bench/harness/bench.py --bpf2arm build/compiler/bpf2arm --workdir build/bench "$@"
