#!/usr/bin/env bash
# --name NAME: two programs that define the same map, globals and function link into one
# firmware and each keeps its own state (under qemu-arm); without --name the link fails on
# the duplicate symbols. Usage errors: a NAME that is not a C identifier, --name-programs
# without --name, and names that --name would make one symbol.
# With --mcpu, code for that CPU with the C side and qemu-arm model of tests/tools/toolchain.py.
#   run_names.sh --bpf2arm PATH [--mcpu CPU]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
[ "${1:-}" = "--bpf2arm" ] && [ -n "${2:-}" ] || { echo "usage: $0 --bpf2arm PATH [--mcpu CPU]" >&2; exit 2; }
bpf2arm=$(realpath "$2")
cpu_flags=() cc_flags=() qemu=(qemu-arm)
if [ "${3:-}" = "--mcpu" ]; then eval "$(python3 "$root/tests/tools/toolchain.py" shell-env "$bpf2arm" "$4")"; fi
# bpf2arm for the CPU asked for.
compile() { "$bpf2arm" ${cpu_flags[@]+"${cpu_flags[@]}"} "$@"; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

bpf_cc=(clang-19 -target bpf -mcpu=v4 -O2 -g -I/usr/include/x86_64-linux-gnu)
"${bpf_cc[@]}" -DSTEP=1 -c "$here/tally.bpf.c" -o left.bpf.o
"${bpf_cc[@]}" -DSTEP=10 -c "$here/tally.bpf.c" -o right.bpf.o
compile left.bpf.o -o left.arm.o --header left.arm.h --name left
compile right.bpf.o -o right.arm.o --header right.arm.h --name right --name-programs
compile left.bpf.o -o plain_left.arm.o
compile right.bpf.o -o plain_right.arm.o

runtime=()
for src in "$root"/runtime-stub/*.c; do
  arm-linux-gnueabihf-gcc ${cc_flags[@]+"${cc_flags[@]}"} -std=c11 -O2 -I"$root/runtime-stub/include" -c "$src" -o "runtime_$(basename "$src" .c).o"
  runtime+=("runtime_$(basename "$src" .c).o")
done
flags=(${cc_flags[@]+"${cc_flags[@]}"} -std=c11 -static -O2 -Wall -Wextra -Werror -I. -I"$root/runtime-stub/include")
arm-linux-gnueabihf-gcc "${flags[@]}" "$here/names_main.c" left.arm.o right.arm.o "${runtime[@]}" -o names
"${qemu[@]}" ./names

failed=0
fail() { echo "FAIL $*"; failed=1; }
# The reason for --name: the same objects without it do not link.
printf 'int main(void) { return 0; }\n' > empty_main.c
if arm-linux-gnueabihf-gcc ${cc_flags[@]+"${cc_flags[@]}"} -static empty_main.c plain_left.arm.o plain_right.arm.o "${runtime[@]}" -o plain 2>link.err; then
  fail "two programs without --name linked"
elif ! grep -q "multiple definition of \`counts'" link.err; then
  fail "the link without --name failed for another reason: $(head -3 link.err)"
fi
nm left.arm.o | grep -qw "D left__counts" || fail "left.arm.o has no global left__counts: $(nm left.arm.o)"
nm left.arm.o | grep -qw "T tally" || fail "left.arm.o: tally should keep its name without --name-programs"
nm right.arm.o | grep -qw "T right__tally" || fail "right.arm.o has no right__tally"

# Errors: one line, no output file; exit status 2 for bad usage, 1 for an input that
# --name cannot name (SPEC.md's statuses).
expect_error() {  # expect_error STATUS MESSAGE-PART ARGS...
  local want_status=$1 want=$2; shift 2
  rm -f out.arm.o
  local status=0
  "$bpf2arm" "$@" -o out.arm.o 2>err.txt || status=$?
  if [ "$status" != "$want_status" ] || ! grep -qF -- "$want" err.txt || [ -e out.arm.o ] || [ "$(wc -l <err.txt)" != 1 ]; then
    fail "bpf2arm $*: want exit $want_status with '$want' and no output, got $status: $(cat err.txt)"
  fi
}
expect_error 2 "not a C identifier" left.bpf.o --name 9lives
expect_error 2 "not a C identifier" left.bpf.o --name left-side
expect_error 2 "--name-programs needs --name" left.bpf.o --name-programs
cat > clash.bpf.c <<'C'
int counts = 1;
int left__counts(int x) { return x + counts; }
C
"${bpf_cc[@]}" -c clash.bpf.c -o clash.bpf.o
expect_error 1 "would both be the symbol left__counts" clash.bpf.o --name left
"$bpf2arm" clash.bpf.o -o clash.arm.o --name right || fail "clash.bpf.o with --name right"
[ "$failed" = 0 ] && echo "names: usage errors and symbol names as expected"
exit "$failed"
