#!/usr/bin/env python3
"""Self-check of bpf_asm.py against LLVM's BPF assembler and disassembler.

1. A table of instructions, one or more per opcode class and operation, in our syntax and in
   LLVM's: the words we produce must equal those llvm-mc-19 produces.
2. A program with labels (jumps back and forward, gotol, a local call) in both syntaxes.
3. Every .data file of the conformance suite (and tests/isa): assembled, written as an ELF object,
   checked with llvm-readelf-19 (machine, symbol, section flags) and disassembled with
   llvm-objdump-19; the disassembly is fed back to llvm-mc-19 and must give the same words
   (LLVM prints a local call like a helper call, so those words are compared with src_reg cleared).

Usage: test_bpf_asm.py [--tests DIR ...] [-v]
Exit status 0 when everything matches.
"""

import argparse
import glob
import os
import re
import struct
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True  # keep the source tree free of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bpf_asm  # noqa: E402

LLVM_MC = 'llvm-mc-19'
OBJDUMP = 'llvm-objdump-19'
READELF = 'llvm-readelf-19'

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_TESTS = [os.path.normpath(os.path.join(HERE, '..', '..', '..', 'shared', 'bpf_conformance', 'tests')),
                 os.path.normpath(os.path.join(HERE, '..', 'isa'))]

# (our syntax, LLVM syntax).  Jump targets are numeric so that each line stands alone.
TABLE = [
    # ALU64, immediate and register source
    ('mov %r0, 1', 'r0 = 1'),
    ('mov %r3, -1', 'r3 = -1'),
    ('mov %r0, %r1', 'r0 = r1'),
    ('add %r1, 0x7fffffff', 'r1 += 0x7fffffff'),
    ('add %r1, %r9', 'r1 += r9'),
    ('sub %r2, 3', 'r2 -= 3'),
    ('sub %r2, %r3', 'r2 -= r3'),
    ('mul %r4, -7', 'r4 *= -7'),
    ('mul %r4, %r5', 'r4 *= r5'),
    ('div %r5, 10', 'r5 /= 10'),
    ('div %r5, %r6', 'r5 /= r6'),
    ('sdiv %r5, -10', 'r5 s/= -10'),
    ('sdiv %r5, %r6', 'r5 s/= r6'),
    ('or %r6, 0x0f0f', 'r6 |= 0x0f0f'),
    ('or %r6, %r7', 'r6 |= r7'),
    ('and %r7, 255', 'r7 &= 255'),
    ('and %r7, %r8', 'r7 &= r8'),
    ('lsh %r8, 63', 'r8 <<= 63'),
    ('lsh %r8, %r9', 'r8 <<= r9'),
    ('rsh %r9, 32', 'r9 >>= 32'),
    ('rsh %r9, %r0', 'r9 >>= r0'),
    ('neg %r0', 'r0 = -r0'),
    ('mod %r0, 7', 'r0 %= 7'),
    ('mod %r0, %r1', 'r0 %= r1'),
    ('smod %r0, -7', 'r0 s%= -7'),
    ('smod %r0, %r1', 'r0 s%= r1'),
    ('xor %r1, -2', 'r1 ^= -2'),
    ('xor %r1, %r2', 'r1 ^= r2'),
    ('arsh %r2, 1', 'r2 s>>= 1'),
    ('arsh %r2, %r3', 'r2 s>>= r3'),
    ('movsx864 %r0, %r1', 'r0 = (s8)r1'),
    ('movsx1664 %r0, %r1', 'r0 = (s16)r1'),
    ('movsx3264 %r0, %r1', 'r0 = (s32)r1'),
    # ALU (32-bit)
    ('mov32 %r0, 0', 'w0 = 0'),
    ('mov32 %r0, 0xffffffff', 'w0 = -1'),
    ('mov32 %r0, %r1', 'w0 = w1'),
    ('add32 %r1, 5', 'w1 += 5'),
    ('add32 %r1, %r2', 'w1 += w2'),
    ('sub32 %r1, 5', 'w1 -= 5'),
    ('sub32 %r1, %r2', 'w1 -= w2'),
    ('mul32 %r1, 5', 'w1 *= 5'),
    ('mul32 %r1, %r2', 'w1 *= w2'),
    ('div32 %r1, 5', 'w1 /= 5'),
    ('div32 %r1, %r2', 'w1 /= w2'),
    ('sdiv32 %r1, 5', 'w1 s/= 5'),
    ('sdiv32 %r1, %r2', 'w1 s/= w2'),
    ('or32 %r1, 5', 'w1 |= 5'),
    ('or32 %r1, %r2', 'w1 |= w2'),
    ('and32 %r1, 5', 'w1 &= 5'),
    ('and32 %r1, %r2', 'w1 &= w2'),
    ('lsh32 %r1, 31', 'w1 <<= 31'),
    ('lsh32 %r1, %r2', 'w1 <<= w2'),
    ('rsh32 %r1, 5', 'w1 >>= 5'),
    ('rsh32 %r1, %r2', 'w1 >>= w2'),
    ('neg32 %r1', 'w1 = -w1'),
    ('mod32 %r1, 5', 'w1 %= 5'),
    ('mod32 %r1, %r2', 'w1 %= w2'),
    ('smod32 %r1, 5', 'w1 s%= 5'),
    ('smod32 %r1, %r2', 'w1 s%= w2'),
    ('xor32 %r1, 5', 'w1 ^= 5'),
    ('xor32 %r1, %r2', 'w1 ^= w2'),
    ('arsh32 %r1, 5', 'w1 s>>= 5'),
    ('arsh32 %r1, %r2', 'w1 s>>= w2'),
    ('movsx832 %r0, %r1', 'w0 = (s8)w1'),
    ('movsx1632 %r0, %r1', 'w0 = (s16)w1'),
    # byte swaps
    ('le16 %r1', 'r1 = le16 r1'),
    ('le32 %r1', 'r1 = le32 r1'),
    ('le64 %r1', 'r1 = le64 r1'),
    ('be16 %r2', 'r2 = be16 r2'),
    ('be32 %r2', 'r2 = be32 r2'),
    ('be64 %r2', 'r2 = be64 r2'),
    ('bswap16 %r3', 'r3 = bswap16 r3'),
    ('bswap32 %r3', 'r3 = bswap32 r3'),
    ('bswap64 %r3', 'r3 = bswap64 r3'),
    ('swap64 %r3', 'r3 = bswap64 r3'),
    # loads, stores
    ('ldxb %r0, [%r1+2]', 'r0 = *(u8 *)(r1 + 2)'),
    ('ldxh %r0, [%r1+0x10]', 'r0 = *(u16 *)(r1 + 16)'),
    ('ldxw %r0, [%r10-4]', 'r0 = *(u32 *)(r10 - 4)'),
    ('ldxdw %r0, [%r10-512]', 'r0 = *(u64 *)(r10 - 512)'),
    ('ldxdw %r9, [%r1]', 'r9 = *(u64 *)(r1 + 0)'),
    ('ldxsb %r0, [%r1+2]', 'r0 = *(s8 *)(r1 + 2)'),
    ('ldxsh %r0, [%r1+2]', 'r0 = *(s16 *)(r1 + 2)'),
    ('ldxsw %r0, [%r1+2]', 'r0 = *(s32 *)(r1 + 2)'),
    ('stb [%r10-1], 0x7f', '*(u8 *)(r10 - 1) = 0x7f'),
    ('sth [%r10-2], -3', '*(u16 *)(r10 - 2) = -3'),
    ('stw [%r1+4], 0x12345678', '*(u32 *)(r1 + 4) = 0x12345678'),
    ('stdw [%r10-8], -1', '*(u64 *)(r10 - 8) = -1'),
    ('stxb [%r10-1], %r1', '*(u8 *)(r10 - 1) = r1'),
    ('stxh [%r10-2], %r2', '*(u16 *)(r10 - 2) = r2'),
    ('stxw [%r10-4], %r3', '*(u32 *)(r10 - 4) = r3'),
    ('stxdw [%r10-8], %r4', '*(u64 *)(r10 - 8) = r4'),
    ('lddw %r0, 0x1122334455667788', 'r0 = 0x1122334455667788 ll'),
    ('lddw %r1, -1', 'r1 = -1 ll'),
    ('lddw %r2, 0x80000000', 'r2 = 0x80000000 ll'),
    ('ldabsb 5', 'r0 = *(u8 *)skb[5]'),
    ('ldabsw 12', 'r0 = *(u32 *)skb[12]'),
    ('ldindh %r1, 0', 'r0 = *(u16 *)skb[r1]'),
    # atomics
    ('lock add [%r10-8], %r1', 'lock *(u64 *)(r10 - 8) += r1'),
    ('lock xadd [%r10-8], %r1', 'lock *(u64 *)(r10 - 8) += r1'),
    ('lock add32 [%r10-8], %r1', 'lock *(u32 *)(r10 - 8) += w1'),
    ('lock or [%r10-8], %r1', 'lock *(u64 *)(r10 - 8) |= r1'),
    ('lock or32 [%r10-8], %r1', 'lock *(u32 *)(r10 - 8) |= w1'),
    ('lock and [%r10-8], %r1', 'lock *(u64 *)(r10 - 8) &= r1'),
    ('lock and32 [%r10-8], %r1', 'lock *(u32 *)(r10 - 8) &= w1'),
    ('lock xor [%r10-8], %r1', 'lock *(u64 *)(r10 - 8) ^= r1'),
    ('lock xor32 [%r10-8], %r1', 'lock *(u32 *)(r10 - 8) ^= w1'),
    ('lock fetch add [%r10-8], %r1', 'r1 = atomic_fetch_add((u64 *)(r10 - 8), r1)'),
    ('lock fetch add32 [%r10-4], %r1', 'w1 = atomic_fetch_add((u32 *)(r10 - 4), w1)'),
    ('lock fetch or [%r10-8], %r3', 'r3 = atomic_fetch_or((u64 *)(r10 - 8), r3)'),
    ('lock fetch or32 [%r10-8], %r3', 'w3 = atomic_fetch_or((u32 *)(r10 - 8), w3)'),
    ('lock fetch and [%r10-8], %r3', 'r3 = atomic_fetch_and((u64 *)(r10 - 8), r3)'),
    ('lock fetch and32 [%r10-8], %r3', 'w3 = atomic_fetch_and((u32 *)(r10 - 8), w3)'),
    ('lock fetch xor [%r10-8], %r3', 'r3 = atomic_fetch_xor((u64 *)(r10 - 8), r3)'),
    ('lock fetch xor32 [%r10-8], %r3', 'w3 = atomic_fetch_xor((u32 *)(r10 - 8), w3)'),
    ('lock xchg [%r10-8], %r1', 'r1 = xchg_64(r10 - 8, r1)'),
    ('lock xchg32 [%r10-8], %r1', 'w1 = xchg32_32(r10 - 8, w1)'),
    ('lock cmpxchg [%r10-8], %r1', 'r0 = cmpxchg_64(r10 - 8, r0, r1)'),
    ('lock cmpxchg32 [%r10-8], %r1', 'w0 = cmpxchg32_32(r10 - 8, w0, w1)'),
    # JMP
    ('ja +3', 'goto +3'),
    ('ja -1', 'goto -1'),
    ('ja32 +30000', 'gotol +30000'),
    ('gotol -5', 'gotol -5'),
    ('jeq %r1, 5, +2', 'if r1 == 5 goto +2'),
    ('jeq %r1, %r2, +2', 'if r1 == r2 goto +2'),
    ('jgt %r1, -1, +2', 'if r1 > -1 goto +2'),
    ('jgt %r1, %r2, +2', 'if r1 > r2 goto +2'),
    ('jge %r1, 5, -2', 'if r1 >= 5 goto -2'),
    ('jge %r1, %r2, -2', 'if r1 >= r2 goto -2'),
    ('jset %r1, 0x80, +1', 'if r1 & 0x80 goto +1'),
    ('jset %r1, %r2, +1', 'if r1 & r2 goto +1'),
    ('jne %r1, 5, +1', 'if r1 != 5 goto +1'),
    ('jne %r1, %r2, +1', 'if r1 != r2 goto +1'),
    ('jsgt %r1, -5, +1', 'if r1 s> -5 goto +1'),
    ('jsgt %r1, %r2, +1', 'if r1 s> r2 goto +1'),
    ('jsge %r1, 5, +1', 'if r1 s>= 5 goto +1'),
    ('jsge %r1, %r2, +1', 'if r1 s>= r2 goto +1'),
    ('jlt %r1, 5, +1', 'if r1 < 5 goto +1'),
    ('jlt %r1, %r2, +1', 'if r1 < r2 goto +1'),
    ('jle %r1, 5, +1', 'if r1 <= 5 goto +1'),
    ('jle %r1, %r2, +1', 'if r1 <= r2 goto +1'),
    ('jslt %r1, 5, +1', 'if r1 s< 5 goto +1'),
    ('jslt %r1, %r2, +1', 'if r1 s< r2 goto +1'),
    ('jsle %r1, 5, +1', 'if r1 s<= 5 goto +1'),
    ('jsle %r1, %r2, +1', 'if r1 s<= r2 goto +1'),
    # JMP32
    ('jeq32 %r1, 5, +2', 'if w1 == 5 goto +2'),
    ('jeq32 %r1, %r2, +2', 'if w1 == w2 goto +2'),
    ('jgt32 %r1, 5, +2', 'if w1 > 5 goto +2'),
    ('jgt32 %r1, %r2, +2', 'if w1 > w2 goto +2'),
    ('jge32 %r1, 5, +2', 'if w1 >= 5 goto +2'),
    ('jge32 %r1, %r2, +2', 'if w1 >= w2 goto +2'),
    ('jset32 %r1, 5, +2', 'if w1 & 5 goto +2'),
    ('jset32 %r1, %r2, +2', 'if w1 & w2 goto +2'),
    ('jne32 %r1, 5, +2', 'if w1 != 5 goto +2'),
    ('jne32 %r1, %r2, +2', 'if w1 != w2 goto +2'),
    ('jsgt32 %r1, -5, +2', 'if w1 s> -5 goto +2'),
    ('jsgt32 %r1, %r2, +2', 'if w1 s> w2 goto +2'),
    ('jsge32 %r1, 5, +2', 'if w1 s>= 5 goto +2'),
    ('jsge32 %r1, %r2, +2', 'if w1 s>= w2 goto +2'),
    ('jlt32 %r1, 5, +2', 'if w1 < 5 goto +2'),
    ('jlt32 %r1, %r2, +2', 'if w1 < w2 goto +2'),
    ('jle32 %r1, 5, +2', 'if w1 <= 5 goto +2'),
    ('jle32 %r1, %r2, +2', 'if w1 <= w2 goto +2'),
    ('jslt32 %r1, 5, +2', 'if w1 s< 5 goto +2'),
    ('jslt32 %r1, %r2, +2', 'if w1 s< w2 goto +2'),
    ('jsle32 %r1, 5, +2', 'if w1 s<= 5 goto +2'),
    ('jsle32 %r1, %r2, +2', 'if w1 s<= w2 goto +2'),
    # calls, exit
    ('call 5', 'call 5'),
    ('call helper 1', 'call 1'),
    ('call %r2', 'callx r2'),
    ('callx %r3', 'callx r3'),
    ('exit', 'exit'),
]

# Labels: forward and backward conditional jumps, ja, gotol, a local call, the implicit `exit`.
LABEL_OURS = """
    mov %r0, 0
    jeq %r1, 0, L2
L1: add %r0, 1
    jne32 %r0, 10, L1
    call local fn
    ja32 done
L2:
    lddw %r0, 0x100000000
    ja done
fn:
    mov %r0, 42
    exit
done:
    jeq %r0, 0, exit
    exit
"""
LABEL_LLVM = """
    r0 = 0
    if r1 == 0 goto L2
L1: r0 += 1
    if w0 != 10 goto L1
    call fn
    gotol done
L2:
    r0 = 0x100000000 ll
    goto done
fn:
    r0 = 42
    exit
done:
    if r0 == 0 goto first_exit
    exit
"""


def read_elf_sections(path):
    """{name: (type, flags, bytes, link, info, entsize)} of an ELF64 little-endian file."""
    with open(path, 'rb') as f:
        data = f.read()
    if data[:4] != b'\x7fELF' or data[4] != 2 or data[5] != 1:
        raise ValueError('%s: not ELF64 little-endian' % path)
    shoff, = struct.unpack_from('<Q', data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from('<HHH', data, 0x3a)
    hdrs = [struct.unpack_from('<IIQQQQIIQQ', data, shoff + i * shentsize) for i in range(shnum)]
    strtab = hdrs[shstrndx]
    names = data[strtab[4]:strtab[4] + strtab[5]]
    out = {}
    for h in hdrs[1:]:
        name = names[h[0]:names.index(b'\0', h[0])].decode()
        out[name] = (h[1], h[2], data[h[4]:h[4] + h[5]], h[6], h[7], h[9])
    return out


def llvm_assemble(text, workdir, stem='llvm'):
    src = os.path.join(workdir, stem + '.s')
    obj = os.path.join(workdir, stem + '.o')
    with open(src, 'w') as f:
        f.write(text)
    r = subprocess.run([LLVM_MC, '-triple=bpfel', '-mcpu=v4', '-filetype=obj', src, '-o', obj],
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError('llvm-mc failed:\n' + r.stderr)
    text_bytes = read_elf_sections(obj)['.text'][2]
    return [text_bytes[i:i + 8] for i in range(0, len(text_bytes), 8)]


def fmt(words):
    return ' | '.join(w.hex(' ') for w in words)


def check_table(workdir, verbose):
    failures = 0
    ours = []
    for line, _ in TABLE:
        ours.append(bpf_asm.assemble(line))
    theirs = llvm_assemble('\n'.join(l for _, l in TABLE) + '\n', workdir, 'table')
    pos = 0
    for (mine, llvm), words in zip(TABLE, ours):
        ref = theirs[pos:pos + len(words)]
        pos += len(words)
        if words != ref:
            failures += 1
            print('MISMATCH %-34s ours %s\n         %-34s llvm %s' % (mine, fmt(words), llvm, fmt(ref)))
        elif verbose:
            print('ok  %-34s %s' % (mine, fmt(words)))
    if pos != len(theirs):
        failures += 1
        print('MISMATCH: llvm produced %d words, the table %d' % (len(theirs), pos))
    classes = {w[0] & 7 for ws in ours for w in ws}
    if classes != set(range(8)):
        failures += 1
        print('table misses instruction classes %s' % sorted(set(range(8)) - classes))
    print('table: %d instructions, %d mismatches' % (len(TABLE), failures))
    return failures


def check_labels(workdir):
    ours = bpf_asm.assemble(LABEL_OURS)
    # LLVM has no implicit `exit` label: name the first exit explicitly.
    llvm_text = LABEL_LLVM.replace('    r0 = 42\n    exit', '    r0 = 42\nfirst_exit:\n    exit')
    theirs = llvm_assemble(llvm_text, workdir, 'labels')
    if ours != theirs:
        print('MISMATCH in the label program:')
        for i, (a, b) in enumerate(zip(ours, theirs)):
            print('  %2d ours %s  llvm %s%s' % (i, a.hex(' '), b.hex(' '), '' if a == b else '   <--'))
        return 1
    print('labels: %d words match' % len(ours))
    return 0


def check_errors():
    """Inputs that must be refused rather than silently mis-encoded."""
    bad = ['mov %r0', 'ldxb %r0, [%r1+2', 'jeq %r1, 1, nowhere', 'frob %r1', 'mov %r16, 1',
           'add %r0, 0x100000000', 'ldxb %r0, [%r1+40000]', 'lock frob [%r1+0], %r2',
           'L1:\nL1:\nexit']
    failures = 0
    for text in bad:
        try:
            bpf_asm.assemble(text)
        except bpf_asm.AsmError:
            continue
        failures += 1
        print('ACCEPTED bad input %r' % text)
    print('errors: %d bad inputs, %d accepted' % (len(bad), failures))
    return failures


DISASM_LINE = re.compile(r'^\s*(\d+):\t((?:[0-9a-f]{2} )*[0-9a-f]{2})\s*\t(.*)$')


def check_suite(dirs, workdir, verbose):
    files = []
    for d in dirs:
        files += sorted(glob.glob(os.path.join(d, '*.data')))
    failures = 0
    checked = 0
    for path in files:
        name = os.path.basename(path)[:-5]
        sym = 'conf_' + re.sub(r'\W', '_', name)
        try:
            sections = bpf_asm.parse_data(open(path).read())
            words = bpf_asm.data_program(sections)
        except bpf_asm.AsmError as e:
            failures += 1
            print('%s: does not assemble: %s' % (name, e))
            continue
        if 'raw' in sections and 'asm' in sections:
            if words != bpf_asm.parse_raw(sections['raw']):
                failures += 1
                print('%s: asm and raw sections differ' % name)
        obj = os.path.join(workdir, 'suite.o')
        bpf_asm.write_bpf_elf(obj, [(sym, words)])
        problems = check_elf(obj, sym, len(words) * 8)
        dis = subprocess.run([OBJDUMP, '-d', '--mcpu=v4', obj], capture_output=True, text=True)
        if dis.returncode != 0 or dis.stderr.strip():
            problems.append('llvm-objdump: ' + dis.stderr.strip())
        if '<%s>:' % sym not in dis.stdout:
            problems.append('llvm-objdump shows no symbol %s' % sym)
        asm_lines = []
        for line in dis.stdout.splitlines():
            m = DISASM_LINE.match(line)
            if not m:
                continue
            text = re.sub(r'\s+<[^<>]*>\s*$', '', m.group(3)).strip()
            if text == '<unknown>' or not text:
                problems.append('llvm-objdump cannot decode insn %s: %s' % (m.group(1), m.group(2)))
                text = '.quad 0x' + bytes.fromhex(m.group(2).replace(' ', ''))[::-1].hex()
            asm_lines.append(text)
        if not problems:
            try:
                back = llvm_assemble('\n'.join(asm_lines) + '\n', workdir, 'suite_back')
            except RuntimeError as e:
                back = None
                problems.append(str(e).strip())
            if back is not None:
                # LLVM disassembles a local call (src_reg 1) as `call IMM`, which assembles as a
                # helper call: compare those with src_reg cleared.
                expect = [w[:1] + bytes([w[1] & 0x0f]) + w[2:] if w[0] == 0x85 else w for w in words]
                if back != expect:
                    for i, (a, b) in enumerate(zip(expect, back)):
                        if a != b:
                            problems.append('insn %d: ours %s, llvm round trip %s' % (i, a.hex(' '), b.hex(' ')))
                    if len(back) != len(expect):
                        problems.append('round trip has %d words, ours %d' % (len(back), len(expect)))
        checked += 1
        if problems:
            failures += 1
            print('%s:\n  %s' % (name, '\n  '.join(problems)))
        elif verbose:
            print('ok  %s (%d words)' % (name, len(words)))
    print('suite: %d files checked, %d with problems' % (checked, failures))
    return failures


def check_elf(obj, sym, size):
    problems = []
    r = subprocess.run([READELF, '-a', '-W', obj], capture_output=True, text=True)
    out = r.stdout
    if r.returncode != 0 or 'warning' in r.stderr.lower() or 'error' in r.stderr.lower():
        problems.append('llvm-readelf: ' + r.stderr.strip())
    if not re.search(r'Machine:\s+(EM_BPF|Linux BPF)', out):
        problems.append('machine is not EM_BPF')
    if not re.search(r'Type:\s+REL ', out):
        problems.append('not a relocatable object')
    if not re.search(r'Class:\s+ELF64', out) or 'little endian' not in out:
        problems.append('not ELF64 little-endian')
    if not re.search(r'\.text\s+PROGBITS\s+0+\s+[0-9a-f]+\s+%06x\s+00\s+AX\s+0\s+0\s+8' % size, out):
        problems.append('.text is not PROGBITS AX align 8 of %d bytes' % size)
    if not re.search(r'\s0+\s+%d\s+FUNC\s+GLOBAL\s+DEFAULT\s+\d+\s+%s$' % (size, re.escape(sym)), out, re.M):
        problems.append('no GLOBAL FUNC symbol %s of size %d at 0' % (sym, size))
    return problems


def check_relocations(workdir):
    """write_bpf_elf's .rel.text (used to build bad inputs) as llvm-readelf sees it."""
    obj = os.path.join(workdir, 'rel.o')
    words = bpf_asm.assemble('lddw %r0, 0\nmov %r1, 0\nexit')
    bpf_asm.write_bpf_elf(obj, [('f', words), ('g', bpf_asm.assemble('exit'), 'local')],
                          relocations=[(0, bpf_asm.R_BPF_64_64, 'some_map'),
                                       (2, bpf_asm.R_BPF_64_ABS64, 'some_var')])
    r = subprocess.run([READELF, '-a', '-W', obj], capture_output=True, text=True)
    problems = []
    if r.returncode != 0 or r.stderr.strip():
        problems.append('llvm-readelf: ' + r.stderr.strip())
    if not re.search(r'^0+\s+[0-9a-f]+\s+R_BPF_64_64\s+0+\s+some_map', r.stdout, re.M):
        problems.append('R_BPF_64_64 at 0 against some_map missing')
    if not re.search(r'^0+10\s+[0-9a-f]+\s+R_BPF_64_ABS64\s+0+\s+some_var', r.stdout, re.M):
        problems.append('R_BPF_64_ABS64 at 0x10 against some_var missing')
    if not re.search(r'\s0+20\s+8\s+FUNC\s+LOCAL\s+DEFAULT\s+\d+\s+g$', r.stdout, re.M):
        problems.append('local function g missing')
    for p in problems:
        print('relocations: ' + p)
    if not problems:
        print('relocations: .rel.text and a local function read back correctly')
    return len(problems)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--tests', action='append', help='directories of .data files (default: the conformance suite and tests/isa)')
    ap.add_argument('-v', '--verbose', action='store_true')
    args = ap.parse_args()
    dirs = [d for d in (args.tests or DEFAULT_TESTS) if os.path.isdir(d)]
    with tempfile.TemporaryDirectory(prefix='bpf_asm_test.') as workdir:
        failures = check_table(workdir, args.verbose)
        failures += check_labels(workdir)
        failures += check_errors()
        failures += check_relocations(workdir)
        failures += check_suite(dirs, workdir, args.verbose)
    print('FAILED' if failures else 'OK')
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
