#!/usr/bin/env bash
# The main job: installs what is missing, builds bpf2arm, compiles the bundled examples
# (examples/packet_filter, examples/sensor_stats, examples/xdp_firewall on qemu's virt board,
# examples/raspi2b_rate_limit on its Raspberry Pi 2) with clang and bpf2arm, links them into
# bare-metal firmware and runs them on qemu-system-arm; and examples/linux_pie, a Linux
# user-space program (a PIE, as on Raspberry Pi OS), under qemu-arm. The output is printed; a
# failing example fails the script.
set -euo pipefail
cd "$(dirname "$0")/.."

# The test suite runs the same examples with a given compiler: BPF2ARM=path BPF2ARM_OUT=dir.
bpf2arm=${BPF2ARM:-}
out=${BPF2ARM_OUT:-build/examples}
if [ -z "$bpf2arm" ]; then
  scripts/install-deps.sh
  scripts/build.sh build
  bpf2arm=build/compiler/bpf2arm
fi

mkdir -p "$out"

# Each example: clang-19 for BPF, bpf2arm (with --header for the firmware), then a
# bare-metal link with the runtime stub and a run on qemu-system-arm.
# qemu's virt board has its RAM at 0x40000000; rdimon gives newlib semihosting for stdio
# and exit, so printf reaches the terminal and main's result becomes qemu's exit status.
# (-z noexecstack: newlib's crtn.o has no .note.GNU-stack, and ld would warn about it.)
run_example() {
  local dir=$1 prog=$2
  clang-19 -target bpf -mcpu=v4 -O2 -g -I/usr/include/x86_64-linux-gnu \
    -c "examples/$dir/$prog.bpf.c" -o "$out/$prog.bpf.o"
  "$bpf2arm" --mcpu=cortex-a15 "$out/$prog.bpf.o" -o "$out/$prog.arm.o" --header "$out/$prog.arm.h"
  arm-none-eabi-gcc -std=c11 -march=armv7-a -marm -mfloat-abi=soft -O2 --specs=rdimon.specs \
    -Wl,-Ttext-segment=0x40000000 -Wl,-z,noexecstack -I"$out" -Iruntime-stub/include \
    "examples/$dir/main.c" "$out/$prog.arm.o" runtime-stub/*.c -o "$out/$dir.elf"
  echo "== examples/$dir on qemu-system-arm (virt, cortex-a15)"
  timeout 60 qemu-system-arm -M virt -cpu cortex-a15 -nographic -monitor none -net none \
    -semihosting -kernel "$out/$dir.elf"
}

run_example packet_filter filter
run_example sensor_stats sensor
run_example xdp_firewall firewall

# The Raspberry Pi 2 example has start-up code and a linker script of its own (boot.c,
# raspi2b.ld: the Pi's load address 0x8000, three of the four cores parked) and writes to
# the PL011 UART, which qemu connects to the terminal; semihosting only ends the run.
# nosys.specs: newlib's memcpy and friends for the runtime stub, no C start-up files.
dir=examples/raspi2b_rate_limit
clang-19 -target bpf -mcpu=v4 -O2 -g -I/usr/include/x86_64-linux-gnu -c "$dir/limiter.bpf.c" -o "$out/limiter.bpf.o"
"$bpf2arm" -mcpu=cortex-a7 "$out/limiter.bpf.o" -o "$out/limiter.arm.o" --header "$out/limiter.arm.h"
arm-none-eabi-gcc -std=c11 -mcpu=cortex-a7 -marm -mfloat-abi=soft -O2 -ffreestanding -nostartfiles --specs=nosys.specs \
  -T "$dir/raspi2b.ld" -Wl,-z,noexecstack -I"$out" -Iruntime-stub/include \
  "$dir/boot.c" "$dir/main.c" "$out/limiter.arm.o" runtime-stub/*.c -o "$out/raspi2b_rate_limit.elf"
echo "== examples/raspi2b_rate_limit on qemu-system-arm (raspi2b, cortex-a7 x4)"
timeout 60 qemu-system-arm -M raspi2b -nographic -monitor none -semihosting -kernel "$out/raspi2b_rate_limit.elf"

# A Linux user-space program as Raspberry Pi OS builds them: arm-linux-gnueabihf-gcc links a
# position-independent executable by default, so bpf2arm compiles with -fPIE. The program's
# exit status is the number of mismatches with its C model.
dir=examples/linux_pie
clang-19 -target bpf -mcpu=v4 -O2 -g -I/usr/include/x86_64-linux-gnu -c "$dir/latency.bpf.c" -o "$out/latency.bpf.o"
"$bpf2arm" -mcpu=cortex-a7 -fPIE "$out/latency.bpf.o" -o "$out/latency.arm.o" --header "$out/latency.arm.h"
arm-linux-gnueabihf-gcc -std=c11 -mcpu=cortex-a7 -O2 -Wall -I"$out" -Iruntime-stub/include \
  "$dir/main.c" "$out/latency.arm.o" runtime-stub/*.c -o "$out/linux_pie"
if ! readelf -h "$out/linux_pie" | grep -q 'Type: *DYN' || readelf -d "$out/linux_pie" | grep -q TEXTREL; then
  echo "examples/linux_pie: not a PIE without text relocations" >&2
  exit 1
fi
echo "== examples/linux_pie under qemu-arm (a PIE, as on Raspberry Pi OS)"
timeout 60 qemu-arm -L /usr/arm-linux-gnueabihf "$out/linux_pie"
