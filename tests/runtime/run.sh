#!/usr/bin/env bash
# Tests of runtime-stub/:
#  - the host suite (gcc, AddressSanitizer + UBSan) and the default-hook test;
#  - freestanding builds of every runtime-stub/*.c with the firmware compilers, -Werror,
#    each linked with `ld -r` to prove nothing is left undefined (no libc, no libgcc);
#  - the same suites as 32-bit ARM Linux programs under qemu-arm (runtime built by gcc
#    and by clang), and the default hooks as bare-metal firmware under qemu-system-arm
#    in a privileged mode, where masking IRQs is observable.
# Steps whose tool is missing are reported as skipped. Last line: "N passed, N failed".
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
rt="$root/runtime-stub"
work=$(mktemp -d /tmp/bpf2arm-runtime.XXXXXX)
trap 'rm -rf "$work"' EXIT

passed=0 failed=0 skipped=0
ok() { passed=$((passed + 1)); echo "ok   $1"; }
bad() { failed=$((failed + 1)); echo "FAIL $1"; [ -f "$work/log" ] && sed 's/^/     /' "$work/log" | tail -40; }
skip() { skipped=$((skipped + 1)); echo "skip $1"; }
have() { command -v "$1" >/dev/null 2>&1; }

suite=("$here/test_main.c" "$here/test_maps.c" "$here/test_hash.c" "$here/test_queue_ring.c" "$here/test_misc.c"
       "$here/test_packet.c" "$here/test_packet_layout.c" "$here/test_packet_skb.c" "$here/test_checksum.c")
runtime=("$rt"/*.c)

# A test program prints its own cases and ends with "N passed, N failed"; fold those in.
run_suite() {  # name, command...
  local name=$1; shift
  "$@" >"$work/log" 2>&1
  local status=$? tally
  tally=$(tail -n 1 "$work/log")
  if [[ "$tally" =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
    grep -v '^ok ' "$work/log" | grep -v 'passed, .* failed$' | sed "s/^/  [$name] /"
    passed=$((passed + BASH_REMATCH[1]))
    failed=$((failed + BASH_REMATCH[2]))
    echo "ok   $name: ${BASH_REMATCH[1]} cases passed, ${BASH_REMATCH[2]} failed"
  else
    bad "$name (crashed or did not finish, status $status)"
  fi
}

run_one() {  # name, command...: passes when the command exits 0
  local name=$1; shift
  if "$@" >"$work/log" 2>&1; then ok "$name"; else bad "$name"; fi
}

# ---- host ----
hostflags=(-std=c11 -Wall -Wextra -Werror -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -I "$rt/include")
if run_one "host build (gcc, ASan+UBSan)" gcc "${hostflags[@]}" "${runtime[@]}" "${suite[@]}" -o "$work/host_test"; then :; fi
if [ -x "$work/host_test" ]; then
  run_suite "host suite" env ASAN_OPTIONS=detect_leaks=1 "$work/host_test"
fi
if gcc "${hostflags[@]}" "${runtime[@]}" "$here/test_defaults.c" -o "$work/host_defaults" >"$work/log" 2>&1; then
  run_one "host default hooks" "$work/host_defaults"
else
  bad "host default hooks (build)"
fi

# ---- freestanding builds ----
freestanding() {  # name, compiler and flags...
  local name=$1; shift
  local dir="$work/fs.$passed.$failed.$skipped"
  if ! have "$1"; then skip "freestanding: $name ($1 not installed)"; return; fi
  mkdir -p "$dir"
  (
    for src in "${runtime[@]}"; do
      "$@" -std=c11 -ffreestanding -Wall -Wextra -Werror -I "$rt/include" -c "$src" -o "$dir/$(basename "$src" .c).o" || exit 1
    done
    arm-none-eabi-ld -r -o "$dir/all.o" "$dir"/*.o || exit 1
    undefined=$(arm-none-eabi-nm -u "$dir/all.o")
    [ -z "$undefined" ] || { echo "undefined symbols:"; echo "$undefined"; exit 1; }
  ) >"$work/log" 2>&1 && ok "freestanding: $name" || bad "freestanding: $name"
}
a7=(-march=armv7-a -marm)
freestanding "arm-none-eabi-gcc -O2 armv7-a ARM" arm-none-eabi-gcc -O2 "${a7[@]}"
freestanding "arm-none-eabi-gcc -O0 armv7-a ARM" arm-none-eabi-gcc -O0 "${a7[@]}"
freestanding "arm-none-eabi-gcc -Os armv7-a Thumb-2" arm-none-eabi-gcc -Os -march=armv7-a -mthumb
freestanding "arm-none-eabi-gcc -O2 -pedantic -Wconversion armv7-a" arm-none-eabi-gcc -O2 -pedantic -Wconversion -Wshadow -Wcast-align "${a7[@]}"
freestanding "arm-none-eabi-gcc arm1176jzf-s ARM" arm-none-eabi-gcc -O2 -mcpu=arm1176jzf-s -marm
freestanding "arm-none-eabi-gcc arm1176jzf-s Thumb-1" arm-none-eabi-gcc -O2 -mcpu=arm1176jzf-s -mthumb
freestanding "arm-none-eabi-gcc armv5te ARM" arm-none-eabi-gcc -O2 -march=armv5te -marm
# The Cortex-M CPUs bpf2arm compiles for (interrupt masking through PRIMASK, 64-bit
# atomics in atomic64.c): the firmware's usual -O2 and -Os.
for mcpu in cortex-m3 cortex-m4 cortex-m7 cortex-m33; do
  freestanding "arm-none-eabi-gcc -O2 $mcpu" arm-none-eabi-gcc -O2 -mcpu=$mcpu -mthumb
done
freestanding "arm-none-eabi-gcc -Os cortex-m4 hard-float" arm-none-eabi-gcc -Os -mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16
freestanding "clang-19 thumbv7em-none-eabi cortex-m4" clang-19 --target=thumbv7em-none-eabi -mcpu=cortex-m4 -O2
# On M profile the default hooks mask interrupts with PRIMASK (cpsid i, mrs primask).
if have arm-none-eabi-gcc; then
  if arm-none-eabi-gcc -O2 -mcpu=cortex-m4 -mthumb -std=c11 -I "$rt/include" -c "$rt/platform.c" -o "$work/platform_m4.o" \
       >"$work/log" 2>&1 && arm-none-eabi-objdump -d "$work/platform_m4.o" >"$work/log" 2>&1 &&
     grep -qi 'mrs.*primask' "$work/log" && grep -q 'cpsid.*i' "$work/log" && grep -q 'cpsie.*i' "$work/log"; then
    ok "cortex-m4 irq hooks use PRIMASK"
  else
    bad "cortex-m4 irq hooks use PRIMASK"
  fi
fi
freestanding "arm-none-eabi-gcc cortex-m0" arm-none-eabi-gcc -O2 -mcpu=cortex-m0 -mthumb
# The hard-float toolchain needs an FPU in -march (the compiled code uses none).
freestanding "arm-linux-gnueabihf-gcc -O2 armv7-a+fp ARM" arm-linux-gnueabihf-gcc -O2 -march=armv7-a+fp -marm
freestanding "clang-19 armv7a-none-eabi ARM" clang-19 --target=armv7a-none-eabi -O2 "${a7[@]}"
freestanding "clang-19 armv7a-none-eabi Thumb-2 -Oz" clang-19 --target=armv7a-none-eabi -Oz -march=armv7-a -mthumb
freestanding "clang-19 arm1176jzf-s Thumb-1" clang-19 --target=armv6-none-eabi -O2 -mcpu=arm1176jzf-s -mthumb
freestanding "clang-19 thumbv6m-none-eabi" clang-19 --target=thumbv6m-none-eabi -O2
freestanding "clang-19 arm-linux-gnueabihf" clang-19 --target=arm-linux-gnueabihf -O2 "${a7[@]}"
mkdir -p "$work/hostobj"
if (cd "$work/hostobj" && gcc -std=c11 -Wall -Wextra -Werror -O2 -I "$rt/include" -c "${runtime[@]}") >"$work/log" 2>&1; then
  ok "host gcc -std=c11 -Wall -Wextra -Werror"
else
  bad "host gcc -std=c11 -Wall -Wextra -Werror"
fi

# ---- qemu-arm: the suites as 32-bit ARM programs ----
if have arm-linux-gnueabihf-gcc && have qemu-arm; then
  armbase=(-std=c11 -Wall -Wextra -Werror -O2 -static -march=armv7-a+fp -I "$rt/include")
  armflags=("${armbase[@]}" -marm)
  if run_one "qemu-arm build (gcc)" arm-linux-gnueabihf-gcc "${armflags[@]}" "${runtime[@]}" "${suite[@]}" -o "$work/arm_test"; then :; fi
  [ -x "$work/arm_test" ] && run_suite "qemu-arm suite (runtime by gcc)" qemu-arm "$work/arm_test"
  if have clang-19; then
    mkdir -p "$work/clangrt"
    if (cd "$work/clangrt" && clang-19 --target=arm-linux-gnueabihf -std=c11 -Wall -Wextra -Werror -O2 -march=armv7-a -marm \
          -I "$rt/include" -c "${runtime[@]}") >"$work/log" 2>&1 &&
       arm-linux-gnueabihf-gcc "${armflags[@]}" "$work"/clangrt/*.o "${suite[@]}" -o "$work/arm_test_clang" >"$work/log" 2>&1; then
      run_suite "qemu-arm suite (runtime by clang-19)" qemu-arm "$work/arm_test_clang"
    else
      bad "qemu-arm build (runtime by clang-19)"
    fi
  fi
  for mode in -marm -mthumb; do
    if arm-linux-gnueabihf-gcc "${armbase[@]}" "$mode" "${runtime[@]}" "$here/test_defaults.c" -o "$work/arm_defaults" >"$work/log" 2>&1; then
      run_one "qemu-arm default hooks ($mode, User mode)" qemu-arm "$work/arm_defaults"
    else
      bad "qemu-arm default hooks ($mode) build"
    fi
  done
else
  skip "qemu-arm runs (arm-linux-gnueabihf-gcc or qemu-arm missing)"
fi

# ---- bare metal: default hooks in a privileged mode ----
if have arm-none-eabi-gcc && have qemu-system-arm; then
  for cpu in "-march=armv7-a -marm" "-march=armv7-a -mthumb" "-mcpu=arm1176jzf-s -marm" "-mcpu=arm1176jzf-s -mthumb" "-march=armv5te -marm"; do
    # shellcheck disable=SC2086
    if arm-none-eabi-gcc -std=c11 -Wall -Wextra -Werror -O2 $cpu -mfloat-abi=soft --specs=rdimon.specs \
         -Wl,-Ttext-segment=0x40000000 -I "$rt/include" "${runtime[@]}" "$here/test_defaults.c" -o "$work/bm.elf" >"$work/log" 2>&1; then
      if timeout 60 qemu-system-arm -M virt -cpu cortex-a15 -nographic -monitor none -net none -semihosting \
           -kernel "$work/bm.elf" >"$work/log" 2>&1 && grep -q 'privileged, IRQ masking checked' "$work/log"; then
        ok "bare metal default hooks ($cpu)"
      else
        bad "bare metal default hooks ($cpu)"
      fi
    else
      bad "bare metal default hooks ($cpu) build"
    fi
  done
else
  skip "bare-metal runs (arm-none-eabi-gcc or qemu-system-arm missing)"
fi

[ "$skipped" -eq 0 ] || echo "($skipped steps skipped)"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
