#!/usr/bin/env bash
# The generated header: types.bpf.c holds the types a header must re-declare exactly
# (packed structs, bit-fields, signed char, C++ keywords, anonymous members, ...). Its
# header must compile without a warning as C11 and as C++17, for arm-linux-gnueabihf and
# arm-none-eabi, and firmware built on it must read back every field under qemu-arm.
# contexts.bpf.c's header declares struct xdp_md, __sk_buff and bpf_tunnel_key, as
# bpf2arm/packet.h does: firmware includes the two in either order.
#   run_header.sh --bpf2arm PATH [--workdir DIR] [--mcpu CPU]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bpf2arm="" work="" mcpu=""
while [ $# -gt 0 ]; do
  case "$1" in
    --bpf2arm) bpf2arm=$2; shift 2 ;;
    --workdir) work=$2; shift 2 ;;
    --mcpu) mcpu=$2; shift 2 ;;
    *) echo "usage: $0 --bpf2arm PATH [--workdir DIR] [--mcpu CPU]" >&2; exit 2 ;;
  esac
done
[ -n "$bpf2arm" ] || { echo "usage: $0 --bpf2arm PATH [--workdir DIR] [--mcpu CPU]" >&2; exit 2; }
bpf2arm=$(realpath "$bpf2arm")
# --mcpu: code for that CPU, with the C side and the qemu-arm model the Python runners use
# (tests/tools/toolchain.py); by default bpf2arm's default CPU and the toolchain's defaults.
cpu_flags=() cc_flags=() qemu=(qemu-arm)
if [ -n "$mcpu" ]; then eval "$(python3 "$root/tests/tools/toolchain.py" shell-env "$bpf2arm" "$mcpu")"; fi
if [ -z "$work" ]; then work=$(mktemp -d); trap 'rm -rf "$work"' EXIT; fi
mkdir -p "$work"
cd "$work"

clang-19 -target bpf -mcpu=v4 -O2 -g -I/usr/include/x86_64-linux-gnu -c "$here/types.bpf.c" -o types.bpf.o
"$bpf2arm" "${cpu_flags[@]}" types.bpf.o -o types.arm.o --header types.arm.h

flags=(-O2 -Wall -Wextra -Werror -I. -I"$root/runtime-stub/include")
arm-none-eabi-gcc -march=armv7-a -marm -std=c11 -fsyntax-only "${flags[@]}" "$here/header_main.c"
arm-none-eabi-g++ -march=armv7-a -marm -std=c++17 -x c++ -fsyntax-only "${flags[@]}" "$here/header_main.c"

runtime=()
for src in "$root"/runtime-stub/*.c; do
  arm-linux-gnueabihf-gcc "${cc_flags[@]}" -std=c11 -O2 -I"$root/runtime-stub/include" -c "$src" -o "runtime_$(basename "$src" .c).o"
  runtime+=("runtime_$(basename "$src" .c).o")
done
arm-linux-gnueabihf-gcc "${cc_flags[@]}" -std=c11 -static "${flags[@]}" "$here/header_main.c" types.arm.o "${runtime[@]}" -o header_c
arm-linux-gnueabihf-g++ "${cc_flags[@]}" -std=c++17 -x c++ -static "${flags[@]}" "$here/header_main.c" -x none types.arm.o "${runtime[@]}" -o header_cxx
"${qemu[@]}" ./header_c
"${qemu[@]}" ./header_cxx

# The generated header and bpf2arm/packet.h declare the same context structs: both orders
# of inclusion build as C and C++ and run the programs on packet.h's contexts.
clang-19 -target bpf -mcpu=v4 -O2 -g -I/usr/include/x86_64-linux-gnu -c "$here/contexts.bpf.c" -o contexts.bpf.o
"$bpf2arm" "${cpu_flags[@]}" contexts.bpf.o -o contexts.arm.o --header contexts.arm.h
for order in header_first packet_h_first; do
  defines=()
  [ "$order" = packet_h_first ] && defines=(-DPACKET_H_FIRST)
  arm-linux-gnueabihf-gcc "${cc_flags[@]}" -std=c11 -static "${flags[@]}" "${defines[@]}" "$here/contexts_main.c" contexts.arm.o \
    "${runtime[@]}" -o "contexts_c_$order"
  arm-linux-gnueabihf-g++ "${cc_flags[@]}" -std=c++17 -x c++ -static "${flags[@]}" "${defines[@]}" "$here/contexts_main.c" -x none \
    contexts.arm.o "${runtime[@]}" -o "contexts_cxx_$order"
  "${qemu[@]}" "./contexts_c_$order"
  "${qemu[@]}" "./contexts_cxx_$order"
done
