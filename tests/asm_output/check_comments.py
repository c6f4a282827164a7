#!/usr/bin/env python3
"""The BPF comments of `bpf2arm -S`: every BPF instruction of every function, once and in order.

    check_comments.py BPF_OBJECT ASM_TEXT

The oracle is llvm-objdump's disassembly of the BPF object (its own decoder and symbol
table): each function's instructions, numbered from the function's start as bpf2arm numbers
them (`insn N`, an ld_imm64 taking two slots). In the -S text, the comments `@ insn N: ...`
under a function's body labels (NAME, NAME.bpf) must name exactly those slots in that order;
a comment `@ moved from insn N: ...` (code the MIR passes moved away from its instruction, e.g.
a constant hoisted out of a loop) must name one of them (`@ insn N (continued)`, the code
after such a comment, is no new one). Prints what differs; exit 1 if any.
"""
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(HERE, '..', 'tools'))
import toolchain  # noqa: E402

FUNCTION_RE = re.compile(r'^([0-9a-f]+) <([^>]+)>:$')
INSN_RE = re.compile(r'^\s*(\d+):\t')
LABEL_RE = re.compile(r'^("[^"]+"|[^\s"@]+):')
COMMENT_RE = re.compile(r'^\s*@ (insn|moved from insn) (\d+): ')


def bpf_slots(obj):
    """{function: [slot, ...]} from llvm-objdump, slots relative to the function's start."""
    slots, current, start = {}, None, 0
    for line in toolchain.run([toolchain.OBJDUMP, '-d', '--no-show-raw-insn', obj], 'llvm-objdump').splitlines():
        if m := FUNCTION_RE.match(line):
            current, start = m.group(2), int(m.group(1), 16) // 8
            slots.setdefault(current, [])
        elif current and (m := INSN_RE.match(line)):
            slots[current].append(int(m.group(1)) - start)
    return {name: s for name, s in slots.items() if s}


def comments(asm_text):
    """{label: ([in-place slots], [moved slots])} for the function labels of the -S text."""
    found, label = {}, None
    for line in asm_text.splitlines():
        if (m := LABEL_RE.match(line)) and not m.group(1).startswith('.L'):
            label = m.group(1).strip('"')
            found.setdefault(label, ([], []))
        elif label and (m := COMMENT_RE.match(line)):
            found[label][0 if m.group(1) == 'insn' else 1].append(int(m.group(2)))
    return found


def main():
    obj, asm = sys.argv[1:3]
    expected = bpf_slots(obj)
    with open(asm) as f:
        shown = comments(f.read())
    problems = []
    for name, slots in expected.items():
        in_place, moved = [], []
        for label in (name, name + '.bpf'):
            in_place += shown.get(label, ([], []))[0]
            moved += shown.get(label, ([], []))[1]
        if in_place != slots:
            missing = sorted(set(slots) - set(in_place))
            extra = sorted(set(in_place) - set(slots))
            problems.append(f'{name}: comments name insns {in_place[:12]}... expected {slots[:12]}...'
                            f' (missing {missing[:8]}, not in the function {extra[:8]}, or out of order)')
        if bad := sorted(set(moved) - set(slots)):
            problems.append(f'{name}: "moved from" comments name insns {bad[:8]} that the function lacks')
    for p in problems:
        print(f'{os.path.basename(obj)}: {p}')
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
