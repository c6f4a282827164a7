#!/usr/bin/env bash
# Tests backend-arm32/routines/div64.S, the division routines bpf2arm embeds:
#   1. it assembles with LLVM MC as the compiler uses it (armv7a object, armv6kz +
#      arm1176jzf-s object, and the text streamer that bpf2arm -S prints through),
#      and keeps the rules of the embedding (local symbols only, no literal pools,
#      no section or preprocessor lines, no hardware divide);
#   2. test_div64.c (edge-case table plus fixed-seed random pairs, C oracles) on
#      qemu-arm: glibc build for ARMv7, and an ARMv5TE newlib build (semihosting)
#      on qemu's arm1176 model, which rejects anything newer than ARMv6K;
#   3. if libunicorn is installed, bench_div64.c: instructions per call, with the
#      results checked again.
#
#   run.sh [RANDOM_PAIRS]        (default 200000)
# The last line is "N passed, N failed"; the exit status is non-zero on any failure.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../../backend-arm32/routines" && pwd)
pairs=${1:-200000}
work=$(mktemp -d /tmp/bpf2arm-routines.XXXXXX)
trap 'rm -rf "$work"' EXIT
passed=0 failed=0
ok() { passed=$((passed + 1)); }
fail() { echo "FAIL $*"; failed=$((failed + 1)); }
# Adds the "N passed, N failed" of a harness's last line to the totals.
tally() {
  local last
  last=$(tail -n 1 "$1")
  if [[ $last =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
    passed=$((passed + BASH_REMATCH[1])) failed=$((failed + BASH_REMATCH[2]))
    [ "$2" = 0 ] || [ "${BASH_REMATCH[2]}" != 0 ] || fail "$3: exit status $2"
  else
    fail "$3: no result line (exit status $2)"
  fi
}

# 1. LLVM MC, the way bpf2arm assembles the text.
mc=$(command -v llvm-mc-19 || command -v llvm-mc || true)
if [ -z "$mc" ]; then
  fail "llvm-mc-19 not found"
else
  for t in "-triple=armv7a-none-eabi" "-triple=armv6kz-none-eabi -mcpu=arm1176jzf-s"; do
    out="$work/mc${t//[^a-z0-9]/_}.o"
    # shellcheck disable=SC2086
    if "$mc" $t -filetype=obj "$src/div64.S" -o "$out" 2>"$work/mc.err"; then ok; else fail "llvm-mc $t"; cat "$work/mc.err"; fi
  done
  if "$mc" -triple=armv7a-none-eabi "$src/div64.S" -o "$work/div64.s" 2>"$work/mc.err"; then ok; else fail "llvm-mc text output"; cat "$work/mc.err"; fi
  # The Thumb-2 routines as bpf2arm feeds them to a streamer already in unified Thumb.
  (printf '.syntax unified\n.thumb\n'; cat "$src/div64_thumb.S") >"$work/div64_thumb.S"
  for t in "-triple=thumbv7a-none-eabi" "-triple=thumbv7m-none-eabi -mcpu=cortex-m3"; do
    out="$work/mc${t//[^a-z0-9]/_}.o"
    # shellcheck disable=SC2086
    if "$mc" $t -filetype=obj "$work/div64_thumb.S" -o "$out" 2>"$work/mc.err"; then ok; else fail "llvm-mc $t (div64_thumb.S)"; cat "$work/mc.err"; fi
  done
  tobj="$work/mc_triple_thumbv7m_none_eabi__mcpu_cortex_m3.o"
  if [ -f "$tobj" ]; then
    n=$(llvm-readelf-19 -s "$tobj" | grep -cE 'FUNC +LOCAL .* __bpf2arm\.(u|s)(div|mod)(32|64)$')
    if [ "$n" = 8 ]; then ok; else fail "div64_thumb.S: expected the 8 routines as local functions, found $n"; fi
    if llvm-readelf-19 -s "$tobj" | grep -qE ' (GLOBAL|WEAK) | \$[ad]'; then fail "div64_thumb.S has a global symbol, ARM code or data"; else ok; fi
  fi
  obj="$work/mc_triple_armv6kz_none_eabi__mcpu_arm1176jzf_s.o"
  if [ -f "$obj" ]; then
    readelf=$(command -v llvm-readelf-19 || command -v llvm-readelf)
    if "$readelf" -s "$obj" | grep -qE ' (GLOBAL|WEAK) '; then fail "div64.S defines a non-local symbol"; else ok; fi
    if "$readelf" -s "$obj" | grep -qE ' \$d'; then fail "div64.S has data (a literal pool?) in the code"; else ok; fi
    n=$("$readelf" -s "$obj" | grep -cE 'FUNC +LOCAL .* __bpf2arm\.(u|s)(div|mod)(32|64)$')
    if [ "$n" = 8 ]; then ok; else fail "expected the 8 routines as local functions, found $n"; fi
  fi
fi
# Lines the embedding forbids (comments stripped first); the Thumb file may say .thumb_func.
# sdiv/udiv as instructions, not in the routines' names (__bpf2arm.udiv64).
if sed 's/@.*//; s/\.thumb_func//' "$src/div64.S" "$src/div64_thumb.S" | grep -nE '^\s*(#|\.globl|\.global|\.text|\.section|\.data|\.thumb|\.code|\.ltorg|\.pool)|(^|\s)(sdiv|udiv|ldr\s+[^,]+,\s*=)|\b(v[a-z]+\.)' ; then
  fail "div64.S has a line the embedding forbids (above)"
else
  ok
fi

# 2. The harness on qemu-arm.
if arm-linux-gnueabihf-gcc -static -O1 -marm -Wall -Wa,-I"$src" "$here/test_div64.c" "$here/trampolines.S" \
     -o "$work/test_v7" 2>"$work/cc.err"; then
  qemu-arm -cpu cortex-a7 "$work/test_v7" "$pairs" >"$work/v7.out" 2>&1
  rc=$?
  grep FAIL "$work/v7.out" | sed 's/^/armv7: /'
  tail -n 1 "$work/v7.out" | sed 's/^/armv7 (qemu-arm -cpu cortex-a7): /'
  tally "$work/v7.out" "$rc" "armv7 run"
else
  fail "armv7 build"; cat "$work/cc.err"
fi
if arm-linux-gnueabihf-gcc -static -O1 -marm -Wall -DTHUMB_ROUTINES -Wa,-I"$src" "$here/test_div64.c" \
     -x assembler-with-cpp "$here/trampolines.S" -o "$work/test_t2" 2>"$work/cc.err"; then
  qemu-arm -cpu cortex-a7 "$work/test_t2" "$pairs" >"$work/t2.out" 2>&1
  rc=$?
  grep FAIL "$work/t2.out" | sed 's/^/thumb-2: /'
  tail -n 1 "$work/t2.out" | sed 's/^/thumb-2 (div64_thumb.S, qemu-arm -cpu cortex-a7): /'
  tally "$work/t2.out" "$rc" "thumb-2 run"
else
  fail "thumb-2 build"; cat "$work/cc.err"
fi
# glibc for armhf is Thumb-2 (ARMv7), so the ARMv6 run uses newlib's ARMv5TE multilib
# with semihosting, which qemu-arm serves.
if arm-none-eabi-gcc -O1 -marm -mcpu=arm1176jzf-s -mfloat-abi=soft --specs=rdimon.specs -Wall -Wa,-I"$src" \
     -Wl,--no-warn-execstack "$here/test_div64.c" "$here/trampolines.S" -o "$work/test_v6" 2>"$work/cc.err"; then
  qemu-arm -cpu arm1176 "$work/test_v6" "$pairs" >"$work/v6.out" 2>&1
  rc=$?
  grep FAIL "$work/v6.out" | sed 's/^/arm1176: /'
  tail -n 1 "$work/v6.out" | sed 's/^/arm1176 (qemu-arm -cpu arm1176): /'
  tally "$work/v6.out" "$rc" "arm1176 run"
else
  fail "arm1176 build"; cat "$work/cc.err"
fi

# 3. Instruction counts (optional).
lld=$(command -v ld.lld-19 || command -v ld.lld || true)
if [ -f /usr/include/unicorn/unicorn.h ] && [ -n "$lld" ] && [ -f "${obj:-}" ]; then
  if cc -O2 -Wall "$here/bench_div64.c" -o "$work/bench" -lunicorn 2>"$work/cc.err" &&
     "$lld" -Ttext=0x10000 -e 0x10000 "$obj" -o "$work/div64.elf" &&
     llvm-objcopy-19 -O binary --only-section=.text "$work/div64.elf" "$work/div64.bin"; then
    mapfile -t syms < <(llvm-nm-19 "$work/div64.elf" | awk '$3 ~ /^__bpf2arm\./ { print $3 "=" $1 }')
    if "$work/bench" "$work/div64.bin" 10000 "${syms[@]}"; then ok; else fail "bench"; fi
  else
    fail "bench build"; cat "$work/cc.err"
  fi
else
  echo "(no libunicorn or ld.lld: instruction counts skipped)"
fi

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
