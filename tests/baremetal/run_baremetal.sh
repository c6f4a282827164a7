#!/usr/bin/env bash
# Bare-metal test: BPF programs (the bundled example and some of tests/programs) compiled
# by clang-19 and bpf2arm, linked into newlib/semihosting firmware for qemu's virt board
# together with the same C compiled by arm-none-eabi-gcc (its global functions renamed
# ref_*), which main.c calls side by side and compares. One firmware per --mcpu value.
#
#   run_baremetal.sh --bpf2arm PATH [--workdir DIR] [--mcpu "CPU..."] [--native-arm]
#
# --native-arm compiles the programs with arm-none-eabi-gcc instead of clang + bpf2arm,
# which checks this harness alone. The last line is "N passed, N failed"; the exit status
# is 0 only if every firmware ran and every comparison matched.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bpf2arm="" workdir="" native=0
# cortex-a15 is the board's CPU; arm1176jzf-s code (ARMv6: no MOVW/MOVT, no hardware
# divide) runs on it too, which tests bpf2arm's other code paths on the same machine.
cpus="cortex-a15 arm1176jzf-s"
while [ $# -gt 0 ]; do
  case "$1" in
    --bpf2arm) bpf2arm=$2; shift 2 ;;
    --workdir) workdir=$2; shift 2 ;;
    --mcpu) cpus=$2; shift 2 ;;
    --native-arm) native=1; shift ;;
    *) echo "usage: $0 --bpf2arm PATH [--workdir DIR] [--mcpu \"CPU...\"] [--native-arm]" >&2; exit 2 ;;
  esac
done
if [ "$native" = 0 ]; then
  [ -x "$bpf2arm" ] || { echo "run_baremetal: --bpf2arm PATH to an executable is required" >&2; exit 2; }
  bpf2arm=$(cd "$(dirname "$bpf2arm")" && pwd)/$(basename "$bpf2arm")
fi
if [ -z "$workdir" ]; then
  workdir=$(mktemp -d /tmp/bpf2arm-baremetal.XXXXXX)
  trap 'rm -rf "$workdir"' EXIT
fi
mkdir -p "$workdir"

sources=(
  "$root/examples/packet_filter/filter.bpf.c"
  "$root/tests/programs/hash.c"
  "$root/tests/programs/udp_parse.c"
  "$root/tests/programs/arith64.c"
  "$root/tests/programs/abi.c"
  "$root/tests/programs/calls.c"
  "$root/tests/programs/sensor.c"
)
incs=(-I "$root/tests/programs")
fwflags=(-march=armv7-a -marm -mfloat-abi=soft -O2 -Wall -Wextra)
bpfflags=(-target bpf -mcpu=v4 -O2 -g -I/usr/include/x86_64-linux-gnu)

passed=0 failed=0
fail() { echo "FAIL $*"; failed=$((failed + 1)); }

# The reference objects: the same C for ARM, with every global function renamed ref_NAME.
refs=()
for src in "${sources[@]}"; do
  name=$(basename "$src"); name=${name%%.*}  # the file name up to its first dot, never a directory's
  arm-none-eabi-gcc "${fwflags[@]}" "${incs[@]}" -c "$src" -o "$workdir/$name.ref.o"
  arm-none-eabi-nm --defined-only -g --format=posix "$workdir/$name.ref.o" |
    awk '$2 == "T" { print $1, "ref_" $1 }' > "$workdir/$name.rename"
  arm-none-eabi-objcopy --redefine-syms="$workdir/$name.rename" "$workdir/$name.ref.o"
  refs+=("$workdir/$name.ref.o")
done
arm-none-eabi-gcc "${fwflags[@]}" "${incs[@]}" -c "$here/main.c" -o "$workdir/main.o"
arm-none-eabi-gcc "${fwflags[@]}" -c "$here/traps.c" -o "$workdir/traps.o"

[ "$native" = 1 ] && cpus="native"
for cpu in $cpus; do
  dir="$workdir/$cpu"
  mkdir -p "$dir"
  objs=()
  ok=1
  for src in "${sources[@]}"; do
    name=$(basename "$src"); name=${name%%.*}  # the file name up to its first dot, never a directory's
    if [ "$native" = 1 ]; then
      arm-none-eabi-gcc "${fwflags[@]}" "${incs[@]}" -c "$src" -o "$dir/$name.arm.o"
    else
      clang-19 "${bpfflags[@]}" "${incs[@]}" -c "$src" -o "$workdir/$name.bpf.o"
      if ! "$bpf2arm" --mcpu="$cpu" "$workdir/$name.bpf.o" -o "$dir/$name.arm.o" 2> "$dir/$name.err"; then
        fail "$cpu: bpf2arm $name.bpf.o: $(head -n 3 "$dir/$name.err")"
        ok=0
        continue
      fi
    fi
    objs+=("$dir/$name.arm.o")
  done
  [ "$ok" = 1 ] || continue

  if ! arm-none-eabi-gcc "${fwflags[@]}" --specs=rdimon.specs -Wl,-Ttext-segment=0x40000000 \
      -Wl,-z,noexecstack "$workdir/main.o" "$workdir/traps.o" "${objs[@]}" "${refs[@]}" \
      -o "$dir/fw.elf" 2> "$dir/link.err"; then
    fail "$cpu: link: $(grep -v '^collect2' "$dir/link.err" | head -n 8)"
    continue
  fi

  echo "== $cpu: qemu-system-arm -M virt -cpu cortex-a15 -kernel $dir/fw.elf"
  status=0
  timeout 60 qemu-system-arm -M virt -cpu cortex-a15 -nographic -monitor none -net none \
    -semihosting -kernel "$dir/fw.elf" > "$dir/out.txt" 2>&1 || status=$?
  sed 's/^/  /' "$dir/out.txt"
  summary=$(tail -n 1 "$dir/out.txt")
  if [[ "$summary" =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed ]]; then
    passed=$((passed + BASH_REMATCH[1]))
    failed=$((failed + BASH_REMATCH[2]))
    if [ "$status" != 0 ] && [ "${BASH_REMATCH[2]}" = 0 ]; then
      fail "$cpu: firmware exited with status $status"
    fi
  elif [ "$status" = 124 ]; then
    fail "$cpu: firmware timed out after 60 s"
  else
    fail "$cpu: firmware ended with status $status and no summary"
  fi
done

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
