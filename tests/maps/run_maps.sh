#!/usr/bin/env bash
# Maps (BTF-defined and legacy), global data, helpers and tail calls: compiles
# tests/maps/*.bpf.c with clang-19 and bpf2arm (--header), links them with runtime-stub/*.c
# and the firmware-side checks of maps_main.c (legacy_main.c, ...), and runs the result
# under qemu-arm. With --pie, the programs are compiled with -fPIE and linked into
# position-independent executables (dynamic, as arm-linux-gnueabihf-gcc links by default).
# With --mcpu, code for that CPU, with the C side and the qemu-arm model the Python runners
# use (tests/tools/toolchain.py); by default bpf2arm's default CPU and the toolchain's defaults.
#   run_maps.sh --bpf2arm PATH [--workdir DIR] [--pie] [--mcpu CPU]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bpf2arm="" work="" mcpu="" pie=""
cpu_flags=() cc_flags=() qemu=(qemu-arm)
while [ $# -gt 0 ]; do
  case "$1" in
    --bpf2arm) bpf2arm=$2; shift 2 ;;
    --workdir) work=$2; shift 2 ;;
    --pie) pie=1; shift ;;
    --mcpu) mcpu=$2; shift 2 ;;
    *) echo "usage: $0 --bpf2arm PATH [--workdir DIR] [--pie] [--mcpu CPU]" >&2; exit 2 ;;
  esac
done
[ -n "$bpf2arm" ] || { echo "usage: $0 --bpf2arm PATH [--workdir DIR] [--pie] [--mcpu CPU]" >&2; exit 2; }
if [ -n "$mcpu" ]; then eval "$(python3 "$root/tests/tools/toolchain.py" shell-env "$bpf2arm" "$mcpu")"; fi
position=() link=(-static) run=("${qemu[@]}")
if [ -n "$pie" ]; then position=(-fPIE) link=(-fPIE -pie) run=("${qemu[@]}" -L /usr/arm-linux-gnueabihf); fi
# bpf2arm for the CPU and with the position model asked for.
bpf2arm() { "$bpf2arm" ${cpu_flags[@]+"${cpu_flags[@]}"} ${position[@]+"${position[@]}"} "$@"; }
# Runs a test executable; a PIE must need no text relocations.
run_test() {
  if [ "${#position[@]}" -gt 0 ] && arm-linux-gnueabihf-readelf -d "$1" | grep -q TEXTREL; then
    echo "FAIL $1 has text relocations"; exit 1
  fi
  "${run[@]}" "$1"
}
if [ -z "$work" ]; then work=$(mktemp -d); trap 'rm -rf "$work"' EXIT; fi
mkdir -p "$work"

for prog in maps tailcall; do
  clang-19 -target bpf -mcpu=v4 -O2 -g -I/usr/include/x86_64-linux-gnu \
    -c "$here/$prog.bpf.c" -o "$work/$prog.bpf.o"
  bpf2arm "$work/$prog.bpf.o" -o "$work/$prog.arm.o" --header "$work/$prog.arm.h"
done
arm-linux-gnueabihf-gcc ${cc_flags[@]+"${cc_flags[@]}"} -std=c11 "${link[@]}" -O2 -Wall -I"$work" -I"$root/runtime-stub/include" \
  "$here/maps_main.c" "$work/maps.arm.o" "$work/tailcall.arm.o" "$root"/runtime-stub/*.c -o "$work/maps_test"
run_test "$work/maps_test"

# Per-CPU maps with four CPUs, named data sections and a spin lock, in a program of their own.
clang-19 -target bpf -mcpu=v4 -O2 -g -I/usr/include/x86_64-linux-gnu \
  -c "$here/percpu_sections.bpf.c" -o "$work/percpu_sections.bpf.o"
bpf2arm "$work/percpu_sections.bpf.o" --cpus 4 -o "$work/percpu_sections.arm.o" --header "$work/percpu_sections.arm.h"
arm-linux-gnueabihf-gcc ${cc_flags[@]+"${cc_flags[@]}"} -std=c11 "${link[@]}" -O2 -Wall -I"$work" -I"$root/runtime-stub/include" \
  "$here/percpu_sections_main.c" "$work/percpu_sections.arm.o" "$root"/runtime-stub/*.c -o "$work/percpu_test"
run_test "$work/percpu_test"
# .rodata.NAME stays read-only (flags A, no W); .data.NAME is writable.
sections=$(arm-linux-gnueabihf-readelf -SW "$work/percpu_sections.arm.o")
grep -Eq '\.rodata\.weights +PROGBITS +[0-9a-f]+ +[0-9a-f]+ +[0-9a-f]+ +[0-9a-f]+ +A ' <<<"$sections" \
  || { echo "FAIL .rodata.weights is not a read-only section"; exit 1; }
grep -Eq '\.data\.calibration +PROGBITS +[0-9a-f]+ +[0-9a-f]+ +[0-9a-f]+ +[0-9a-f]+ +WA ' <<<"$sections" \
  || { echo "FAIL .data.calibration is not a writable section"; exit 1; }

# Legacy maps (struct bpf_map_def SEC("maps"), 20- and 28-byte definitions, one annotated
# by BPF_ANNOTATE_KV_PAIR), DEVMAP and DEVMAP_HASH with bpf_redirect_map, over frames built
# with bpf2arm/packet.h, which legacy_main.c includes after the generated headers.
for prog in legacy_socket legacy_xdp devmap; do
  clang-19 -target bpf -mcpu=v4 -O2 -g -I/usr/include/x86_64-linux-gnu \
    -c "$here/$prog.bpf.c" -o "$work/$prog.bpf.o"
  bpf2arm "$work/$prog.bpf.o" -o "$work/$prog.arm.o" --header "$work/$prog.arm.h"
done
arm-linux-gnueabihf-gcc ${cc_flags[@]+"${cc_flags[@]}"} -std=c11 "${link[@]}" -O2 -Wall -I"$work" -I"$root/runtime-stub/include" \
  "$here/legacy_main.c" "$work/legacy_socket.arm.o" "$work/legacy_xdp.arm.o" "$work/devmap.arm.o" \
  "$root"/runtime-stub/*.c -o "$work/legacy_test"
run_test "$work/legacy_test"
