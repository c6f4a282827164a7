#!/usr/bin/env bash
# Objects linked by `bpftool gen object` from two files: static functions and variables
# of the same name must stay distinct, each function with its own BTF prototype.
# With --mcpu, code for that CPU with the C side and qemu-arm model of tests/tools/toolchain.py.
#   run_linked.sh --bpf2arm PATH [--mcpu CPU]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
[ "${1:-}" = "--bpf2arm" ] && [ -n "${2:-}" ] || { echo "usage: $0 --bpf2arm PATH [--mcpu CPU]" >&2; exit 2; }
bpf2arm=$2
cpu_flags=() cc_flags=() qemu=(qemu-arm)
if [ "${3:-}" = "--mcpu" ]; then eval "$(python3 "$here/../tools/toolchain.py" shell-env "$bpf2arm" "$4")"; fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for f in first second; do
  clang-19 -target bpf -mcpu=v4 -O2 -g -c "$here/$f.bpf.c" -o "$work/$f.o"
done
bpftool gen object "$work/linked.o" "$work/first.o" "$work/second.o"
"$bpf2arm" ${cpu_flags[@]+"${cpu_flags[@]}"} "$work/linked.o" -o "$work/linked.arm.o" --header "$work/linked.arm.h"
cat > "$work/main.c" <<'C'
#include <stdio.h>
#include "linked.arm.h"
int main(void) {
  /* Two structs named rec: the header keeps the first name and renames the second. */
  if (first_rec.hits != 7 || second_rec.total != 1LL << 40 || second_rec.tag != 'b') {
    printf("globals of the two struct rec types: wrong values\n");
    return 1;
  }
  /* fa: helper(x) = 2x, its counter goes 1, 2; fb: helper(x, 1) = 3x + 1, its counter
   * starts at 100 and goes 102, 104. */
  int got[4] = {fa(5), fa(5), fb(5), fb(5)}, want[4] = {11, 12, 118, 120}, failed = 0;
  for (int i = 0; i < 4; i++) failed += got[i] != want[i];
  printf("%d %d %d %d\n%d passed, %d failed\n", got[0], got[1], got[2], got[3], 4 - failed, failed);
  return failed != 0;
}
C
arm-linux-gnueabihf-gcc ${cc_flags[@]+"${cc_flags[@]}"} -static -Wall -Werror -I"$work" -I"$here/../../runtime-stub/include" "$work/main.c" "$work/linked.arm.o" -o "$work/linked"
"${qemu[@]}" "$work/linked"
