#!/usr/bin/env bash
# `-S` is faithful and each CPU gets only instructions it has: for every CPU bpf2arm
# supports, the assembly text of a set of programs is reassembled by llvm-mc for that CPU
# (which rejects instructions the CPU lacks), and the code must be byte for byte the
# code of the object bpf2arm writes directly. On the first CPU, the text's BPF comments
# must name every BPF instruction of each function once, in order (check_comments.py,
# against llvm-objdump's disassembly of the BPF object).
# --flags passes options to every bpf2arm run (-fPIC: position-independent code, whose
# PC-relative pairs and GOT literals must reassemble too).
#   run_asm_roundtrip.sh --bpf2arm PATH [--mcpu all|CPU,CPU...] [--flags 'OPTIONS']   (default all)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
usage="usage: $0 --bpf2arm PATH [--mcpu all|CPU,...] [--flags 'OPTIONS']"
bpf2arm= only=all flags=()
while [ $# -gt 0 ]; do
  case $1 in
    --bpf2arm) bpf2arm=${2:?$usage}; shift 2 ;;
    --mcpu) only=${2:?--mcpu needs a value}; shift 2 ;;
    --flags) read -r -a flags <<<"${2:?--flags needs a value}"; shift 2 ;;
    *) echo "$usage" >&2; exit 2 ;;
  esac
done
[ -n "$bpf2arm" ] || { echo "$usage" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

sources=("$root"/tests/maps/*.bpf.c "$root"/examples/*/*.bpf.c "$root"/tests/programs/[a-m]*.c)
mkdir -p "$work/bpf"
for src in "${sources[@]}"; do
  clang-19 -target bpf -mcpu=v4 -O2 -g -I/usr/include/x86_64-linux-gnu -I"$(dirname "$src")" \
    -c "$src" -o "$work/bpf/$(basename "$src").o"
done

# Every CPU of bpf2arm's table (`--list-cpus`: NAME arch=... triple=... ...), with its triple.
declare -A triple=()
cpus=()
while read -r name attrs; do
  [ "$only" = all ] || [[ ",$only," == *",$name,"* ]] || continue
  cpus+=("$name")
  triple[$name]=$(sed -n 's/.*triple=\([^ ]*\).*/\1/p' <<<"$attrs")
done < <("$bpf2arm" --list-cpus)
# And T32 code (-mthumb) for the CPUs the shared harness list names, as CPU+thumb.
for name in $(python3 -c "import sys; sys.path.insert(0, '$here/../tools'); import toolchain; print(*toolchain.THUMB_CPUS)"); do
  [ "$only" = all ] || [[ ",$only," == *",$name+thumb,"* ]] || continue
  [ -n "${triple[$name]:-}" ] || continue
  cpus+=("$name+thumb")
  triple[$name+thumb]=thumb${triple[$name]#arm}
done
[ "${#cpus[@]}" -gt 0 ] || { echo "FAIL: $bpf2arm --list-cpus listed no CPU (of: $only)"; exit 1; }
if [ "$only" != all ] && [ "${#cpus[@]}" -ne "$(tr ',' '\n' <<<"$only" | grep -c .)" ]; then
  echo "FAIL: --mcpu $only names CPUs that $bpf2arm --list-cpus lacks"; exit 1
fi
passed=0 failed=0
for cpu in "${cpus[@]}"; do
  mode=(${flags[@]+"${flags[@]}"})
  [[ $cpu == *+thumb ]] && mode+=(-mthumb)
  for obj in "$work"/bpf/*.o; do
    name=$(basename "$obj" .o)
    "$bpf2arm" --mcpu="${cpu%+thumb}" "${mode[@]}" "$obj" -o "$work/direct.o"
    "$bpf2arm" --mcpu="${cpu%+thumb}" "${mode[@]}" -S "$obj" -o "$work/text.s"
    if ! llvm-mc-19 -triple="${triple[$cpu]}" -mcpu="${cpu%+thumb}" -filetype=obj "$work/text.s" -o "$work/text.o" 2>"$work/err"; then
      echo "FAIL $name ($cpu): the -S output does not assemble for this CPU"; head -3 "$work/err"
      failed=$((failed + 1)); continue
    fi
    llvm-objcopy-19 -O binary --only-section=.text "$work/direct.o" "$work/direct.bin"
    llvm-objcopy-19 -O binary --only-section=.text "$work/text.o" "$work/text.bin"
    if ! cmp -s "$work/direct.bin" "$work/text.bin"; then
      echo "FAIL $name ($cpu): -S text assembles to different code"; failed=$((failed + 1))
    elif [ "$cpu" = "${cpus[0]}" ] && ! python3 "$here/check_comments.py" "$obj" "$work/text.s"; then
      echo "FAIL $name ($cpu): the BPF comments of -S"; failed=$((failed + 1))
    else
      passed=$((passed + 1))
    fi
  done
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
