#!/usr/bin/env bash
# The differential tester (tests/difftest) for any number of programs, CPU and seed: builds,
# runs, prints every mismatch and a summary with programs per second; writes up to three
# minimised mismatches as tests/isa/difftest-*.data (the result comes from the tester's
# RFC 9669 interpreter). Exit status 0 only without mismatches.
#
#   scripts/difftest.sh [--mcpu CPU] [--count N] [--seed S] [--first I] [--jobs J] [--batch B]
#                       [--pressure FRACTION] [--minimise-dir DIR] [--minimise-max K] [--keep-dir DIR]
#
# e.g. scripts/difftest.sh --mcpu arm1176jzf-s --count 1000000 --seed 7
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh build
exec build/tests/difftest/difftest run --bpf2arm build/compiler/bpf2arm --jobs "$(nproc)" --count 10000 \
  --minimise-dir tests/isa "$@"
