#!/usr/bin/env bash
# The main job: installs what is missing, builds bpf2arm, compiles the bundled example
# (examples/packet_filter) with clang and bpf2arm, links it into bare-metal firmware and
# runs that on qemu-system-arm. The firmware's output is printed; its exit status is ours.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh

if [ ! -d build ]; then
  meson setup build --native-file scripts/llvm19.ini
fi
meson compile -C build

example=examples/packet_filter
out=build/example
mkdir -p "$out"

clang-19 -target bpf -mcpu=v4 -O2 -g -I/usr/include/x86_64-linux-gnu \
  -c "$example/filter.bpf.c" -o "$out/filter.bpf.o"
build/compiler/bpf2arm --mcpu=cortex-a15 "$out/filter.bpf.o" -o "$out/filter.arm.o"

# qemu's virt board has its RAM at 0x40000000; rdimon gives newlib semihosting for stdio
# and exit, so printf reaches the terminal and main's result becomes qemu's exit status.
# (-z noexecstack: newlib's crtn.o has no .note.GNU-stack, and ld would warn about it.)
arm-none-eabi-gcc -march=armv7-a -marm -mfloat-abi=soft -O2 --specs=rdimon.specs \
  -Wl,-Ttext-segment=0x40000000 -Wl,-z,noexecstack \
  "$example/main.c" "$out/filter.arm.o" -o "$out/firmware.elf"

echo "== running $out/firmware.elf on qemu-system-arm (virt, cortex-a15)"
timeout 60 qemu-system-arm -M virt -cpu cortex-a15 -nographic -monitor none -net none \
  -semihosting -kernel "$out/firmware.elf"
