#!/usr/bin/env python3
"""Assembler for the ubpf-style BPF assembly of the bpf_conformance .data files.

Library use:
    assemble(text) -> list of 8-byte instruction words (bytes, RFC 9669 little-endian layout)
    parse_data(text) -> dict of the sections of a .data file
    write_bpf_elf(path, functions, relocations=()) -> writes an ELF64 EM_BPF relocatable object

Command line:
    bpf_asm.py IN.s -o OUT.o --name FUNC
    bpf_asm.py TEST.data -o OUT.o --name FUNC      (takes `-- asm`, or `-- raw` when there is no asm)
    bpf_asm.py IN.s --hex                           (prints the words instead of writing an object)

The syntax is the one of the conformance suite: `mov32 %r0, 0`, `ldxb %r0, [%r1+2]`,
`lock fetch add32 [%r10-8], %r1`, `call local LABEL`, labels `L1:`, jump targets given as labels or
as `+N`/`-N`.  A jump to the label `exit` that is never defined goes to the first `exit`
instruction, because the suite's files rely on that convention of its reference assembler.
"""

import argparse
import re
import struct
import sys

# Instruction classes, RFC 9669 section 3.
CLS_LD, CLS_LDX, CLS_ST, CLS_STX, CLS_ALU, CLS_JMP, CLS_JMP32, CLS_ALU64 = range(8)
SRC_K, SRC_X = 0x00, 0x08

ALU_OPS = {
    'add': 0x00, 'sub': 0x10, 'mul': 0x20, 'div': 0x30, 'or': 0x40, 'and': 0x50,
    'lsh': 0x60, 'rsh': 0x70, 'neg': 0x80, 'mod': 0x90, 'xor': 0xa0, 'mov': 0xb0,
    'arsh': 0xc0,
}
# Signed division and modulo reuse the unsigned opcodes; offset 1 tells them apart.
SIGNED_ALU_OPS = {'sdiv': 'div', 'smod': 'mod'}
OP_END = 0xd0

JMP_OPS = {
    'jeq': 0x10, 'jgt': 0x20, 'jge': 0x30, 'jset': 0x40, 'jne': 0x50, 'jsgt': 0x60,
    'jsge': 0x70, 'jlt': 0xa0, 'jle': 0xb0, 'jslt': 0xc0, 'jsle': 0xd0,
}
OP_JA, OP_CALL, OP_EXIT = 0x00, 0x80, 0x90

SIZES = {'w': 0x00, 'h': 0x08, 'b': 0x10, 'dw': 0x18}
MODE_IMM, MODE_ABS, MODE_IND, MODE_MEM, MODE_MEMSX, MODE_ATOMIC = 0x00, 0x20, 0x40, 0x60, 0x80, 0xc0

ATOMIC_OPS = {'add': 0x00, 'xadd': 0x00, 'or': 0x40, 'and': 0x50, 'xor': 0xa0}
ATOMIC_FETCH = 0x01
ATOMIC_XCHG = 0xe0 | ATOMIC_FETCH
ATOMIC_CMPXCHG = 0xf0 | ATOMIC_FETCH

CALL_HELPER, CALL_LOCAL, CALL_BTF = 0, 1, 2


class AsmError(Exception):
    pass


def encode(opcode, dst=0, src=0, off=0, imm=0):
    """One instruction word; off and imm may be given signed or as their unsigned bit patterns."""
    if not -0x8000 <= off <= 0x7fff:
        raise AsmError('offset %d does not fit in 16 bits' % off)
    if not -0x80000000 <= imm <= 0xffffffff:
        raise AsmError('immediate %d does not fit in 32 bits' % imm)
    return struct.pack('<BBHI', opcode, (src << 4) | dst, off & 0xffff, imm & 0xffffffff)


def decode(word):
    """(opcode, dst, src, off, imm) with off and imm signed."""
    opcode, regs, off, imm = struct.unpack('<BBhi', word)
    return opcode, regs & 0xf, regs >> 4, off, imm


def parse_int(text):
    t = text.strip()
    neg = t.startswith('-')
    if t[:1] in '+-':
        t = t[1:]
    try:
        if t.lower().startswith('0x'):
            v = int(t[2:], 16)
        elif t.lower().startswith('0b'):
            v = int(t[2:], 2)
        else:
            v = int(t, 10)
    except ValueError:
        raise AsmError('not a number: %r' % text)
    return -v if neg else v


def parse_reg(text):
    m = re.fullmatch(r'%?r(\d+)', text.strip())
    if not m or int(m.group(1)) > 15:
        raise AsmError('not a register: %r' % text)
    # r11..r15 are accepted so that negative tests can encode invalid registers.
    return int(m.group(1))


def is_reg(text):
    return re.fullmatch(r'%?r\d+', text.strip()) is not None


def parse_mem(text):
    """`[%r1+2]`, `[%r10-8]`, `[%r1]` -> (reg, offset)."""
    m = re.fullmatch(r'\[\s*(%?r\d+)\s*(?:([+-])\s*([0-9a-fA-FxX]+))?\s*\]', text.strip())
    if not m:
        raise AsmError('not a memory operand: %r' % text)
    off = 0
    if m.group(2):
        off = parse_int(m.group(2) + m.group(3))
    return parse_reg(m.group(1)), off


def split_operands(rest):
    # Commas inside brackets do not occur in this syntax, so a plain split is enough.
    rest = rest.strip()
    if not rest:
        return []
    return [p.strip() for p in rest.split(',')]


def strip_comment(line):
    i = line.find('#')
    if i >= 0:
        line = line[:i]
    i = line.find('//')
    if i >= 0:
        line = line[:i]
    return line.strip()


class _Insn:
    """An instruction waiting for its label: words, plus how to patch a symbolic target."""

    def __init__(self, words, lineno, target=None, target_field=None):
        self.words = words
        self.lineno = lineno
        self.target = target          # label name, or None
        self.target_field = target_field  # 'off' or 'imm'


def _target(text):
    """A jump target: ('rel', N) for +N / -N / N, ('label', name) otherwise."""
    t = text.strip()
    if re.fullmatch(r'[+-]?(0x[0-9a-fA-F]+|\d+)', t):
        return ('rel', parse_int(t))
    if not re.fullmatch(r'[A-Za-z_.$][\w.$]*', t):
        raise AsmError('bad jump target %r' % text)
    return ('label', t)


def _encode_line(mn, ops, lineno):
    """Returns an _Insn for one source line (mnemonic already lower-cased)."""

    def need(n):
        if len(ops) != n:
            raise AsmError('%s takes %d operand(s), got %d' % (mn, n, len(ops)))

    # --- ALU / ALU64 ---------------------------------------------------------------------------
    m = re.fullmatch(r'(add|sub|mul|div|sdiv|or|and|lsh|rsh|mod|smod|xor|mov|arsh)(32|64)?', mn)
    if m:
        need(2)
        name, is32 = m.group(1), m.group(2) == '32'
        off = 0
        if name in SIGNED_ALU_OPS:
            name, off = SIGNED_ALU_OPS[name], 1
        cls = CLS_ALU if is32 else CLS_ALU64
        dst = parse_reg(ops[0])
        if is_reg(ops[1]):
            return _Insn([encode(cls | SRC_X | ALU_OPS[name], dst, parse_reg(ops[1]), off)], lineno)
        return _Insn([encode(cls | SRC_K | ALU_OPS[name], dst, 0, off, parse_int(ops[1]))], lineno)

    m = re.fullmatch(r'neg(32|64)?', mn)
    if m:
        need(1)
        cls = CLS_ALU if m.group(1) == '32' else CLS_ALU64
        return _Insn([encode(cls | SRC_K | ALU_OPS['neg'], parse_reg(ops[0]))], lineno)

    # movsx<from><to>: movsx832, movsx1632, movsx864, movsx1664, movsx3264.
    m = re.fullmatch(r'movsx(8|16|32)(32|64)', mn)
    if m:
        need(2)
        frm, to = int(m.group(1)), int(m.group(2))
        if frm >= to:
            raise AsmError('%s: cannot sign-extend %d bits to %d' % (mn, frm, to))
        cls = CLS_ALU if to == 32 else CLS_ALU64
        return _Insn([encode(cls | SRC_X | ALU_OPS['mov'], parse_reg(ops[0]), parse_reg(ops[1]), frm)],
                     lineno)

    # Byte swaps: le/be keep the ALU class (src bit = big-endian), swap/bswap are ALU64 (v4).
    m = re.fullmatch(r'(le|be|swap|bswap)(16|32|64)', mn)
    if m:
        need(1)
        kind, bits = m.group(1), int(m.group(2))
        opcode = {'le': CLS_ALU | SRC_K, 'be': CLS_ALU | SRC_X}.get(kind, CLS_ALU64 | SRC_K) | OP_END
        return _Insn([encode(opcode, parse_reg(ops[0]), 0, 0, bits)], lineno)

    # --- loads and stores ----------------------------------------------------------------------
    m = re.fullmatch(r'ldx(s?)(b|h|w|dw)', mn)
    if m:
        need(2)
        if m.group(1) and m.group(2) == 'dw':
            raise AsmError('ldxsdw does not exist')
        mode = MODE_MEMSX if m.group(1) else MODE_MEM
        src, off = parse_mem(ops[1])
        return _Insn([encode(CLS_LDX | mode | SIZES[m.group(2)], parse_reg(ops[0]), src, off)], lineno)

    m = re.fullmatch(r'st(b|h|w|dw)', mn)
    if m:
        need(2)
        dst, off = parse_mem(ops[0])
        return _Insn([encode(CLS_ST | MODE_MEM | SIZES[m.group(1)], dst, 0, off, parse_int(ops[1]))], lineno)

    m = re.fullmatch(r'stx(b|h|w|dw)', mn)
    if m:
        need(2)
        dst, off = parse_mem(ops[0])
        return _Insn([encode(CLS_STX | MODE_MEM | SIZES[m.group(1)], dst, parse_reg(ops[1]), off)], lineno)

    if mn == 'lddw':
        need(2)
        v = parse_int(ops[1])
        if not -(1 << 63) <= v < (1 << 64):
            raise AsmError('lddw immediate %d does not fit in 64 bits' % v)
        v &= (1 << 64) - 1
        return _Insn([encode(CLS_LD | MODE_IMM | SIZES['dw'], parse_reg(ops[0]), 0, 0, v & 0xffffffff),
                      encode(0, 0, 0, 0, v >> 32)], lineno)

    # Legacy packet access (conformance group "packet"): ldabsX imm, ldindX %src, imm.
    m = re.fullmatch(r'ldabs(b|h|w|dw)', mn)
    if m:
        need(1)
        return _Insn([encode(CLS_LD | MODE_ABS | SIZES[m.group(1)], 0, 0, 0, parse_int(ops[0]))], lineno)
    m = re.fullmatch(r'ldind(b|h|w|dw)', mn)
    if m:
        need(2)
        return _Insn([encode(CLS_LD | MODE_IND | SIZES[m.group(1)], 0, parse_reg(ops[0]), 0,
                             parse_int(ops[1]))], lineno)

    # --- jumps ---------------------------------------------------------------------------------
    if mn in ('ja', 'ja32', 'gotol'):
        need(1)
        kind, val = _target(ops[0])
        if mn == 'ja':
            word = encode(CLS_JMP | OP_JA, 0, 0, val if kind == 'rel' else 0)
            field = 'off'
        else:
            # gotol: BPF_JMP32 | BPF_JA with the displacement in imm (v4).
            word = encode(CLS_JMP32 | OP_JA, 0, 0, 0, val if kind == 'rel' else 0)
            field = 'imm'
        return _Insn([word], lineno, val if kind == 'label' else None, field)

    m = re.fullmatch(r'(jeq|jgt|jge|jset|jne|jsgt|jsge|jlt|jle|jslt|jsle)(32)?', mn)
    if m:
        need(3)
        cls = CLS_JMP32 if m.group(2) else CLS_JMP
        dst = parse_reg(ops[0])
        kind, val = _target(ops[2])
        off = val if kind == 'rel' else 0
        if is_reg(ops[1]):
            word = encode(cls | SRC_X | JMP_OPS[m.group(1)], dst, parse_reg(ops[1]), off)
        else:
            word = encode(cls | SRC_K | JMP_OPS[m.group(1)], dst, 0, off, parse_int(ops[1]))
        return _Insn([word], lineno, val if kind == 'label' else None, 'off')

    if mn in ('call', 'callx'):
        # `call N` and `call helper N`: helper by id; `call local TARGET`: bpf-to-bpf call whose
        # imm is the distance in instructions from the next one (no relocation);
        # `call %rN` / `callx %rN`: BPF_JMP|BPF_X|BPF_CALL with the register in dst, as LLVM does.
        words = ops[0].split() if len(ops) == 1 else []
        if len(ops) != 1 or not words:
            raise AsmError('call takes one operand')
        if mn == 'callx' or (len(words) == 1 and is_reg(words[0])):
            if len(words) != 1:
                raise AsmError('callx takes a register')
            return _Insn([encode(CLS_JMP | SRC_X | OP_CALL, parse_reg(words[0]))], lineno)
        if len(words) == 1:
            return _Insn([encode(CLS_JMP | OP_CALL, 0, CALL_HELPER, 0, parse_int(words[0]))], lineno)
        if len(words) == 2 and words[0] == 'helper':
            return _Insn([encode(CLS_JMP | OP_CALL, 0, CALL_HELPER, 0, parse_int(words[1]))], lineno)
        if len(words) == 2 and words[0] == 'btf':
            return _Insn([encode(CLS_JMP | OP_CALL, 0, CALL_BTF, 0, parse_int(words[1]))], lineno)
        if len(words) == 2 and words[0] == 'local':
            kind, val = _target(words[1])
            word = encode(CLS_JMP | OP_CALL, 0, CALL_LOCAL, 0, val if kind == 'rel' else 0)
            return _Insn([word], lineno, val if kind == 'label' else None, 'imm')
        raise AsmError('bad call operand %r' % ops[0])

    if mn == 'exit':
        need(0)
        return _Insn([encode(CLS_JMP | OP_EXIT)], lineno)

    raise AsmError('unknown mnemonic %r' % mn)


def _encode_lock(rest, lineno):
    """`lock [fetch] OP[32] [dst+off], src` (OP: add xadd or and xor xchg cmpxchg)."""
    m = re.fullmatch(r'(fetch\s+)?([a-z]+?)(32|64)?\s+(\[[^\]]*\])\s*,\s*(\S+)', rest.strip())
    if not m:
        raise AsmError('bad lock instruction: lock %s' % rest)
    fetch, op, width = bool(m.group(1)), m.group(2), m.group(3)
    size = SIZES['w'] if width == '32' else SIZES['dw']
    if op in ATOMIC_OPS:
        imm = ATOMIC_OPS[op] | (ATOMIC_FETCH if fetch else 0)
    elif op == 'xchg':
        imm = ATOMIC_XCHG
    elif op == 'cmpxchg':
        imm = ATOMIC_CMPXCHG
    else:
        raise AsmError('unknown atomic operation %r' % op)
    dst, off = parse_mem(m.group(4))
    return _Insn([encode(CLS_STX | MODE_ATOMIC | size, dst, parse_reg(m.group(5)), off, imm)], lineno)


def assemble(text):
    """Assembles ubpf-style text into a list of 8-byte instruction words."""
    insns = []
    labels = {}
    slot = 0
    first_exit = None
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = strip_comment(raw)
        while True:
            m = re.match(r'([A-Za-z_.$][\w.$]*)\s*:(.*)$', line)
            if not m:
                break
            if m.group(1) in labels:
                raise AsmError('line %d: label %r defined twice' % (lineno, m.group(1)))
            labels[m.group(1)] = slot
            line = m.group(2).strip()
        if not line:
            continue
        parts = line.split(None, 1)
        mn = parts[0].lower()
        rest = parts[1] if len(parts) > 1 else ''
        try:
            if mn == 'lock':
                insn = _encode_lock(rest, lineno)
            else:
                insn = _encode_line(mn, split_operands(rest), lineno)
        except AsmError as e:
            raise AsmError('line %d: %s: %s' % (lineno, raw.strip(), e)) from None
        if mn == 'exit' and first_exit is None:
            first_exit = slot
        insn.slot = slot
        insns.append(insn)
        slot += len(insn.words)
    if 'exit' not in labels and first_exit is not None:
        labels['exit'] = first_exit

    words = []
    for insn in insns:
        if insn.target is not None:
            if insn.target not in labels:
                raise AsmError('line %d: undefined label %r' % (insn.lineno, insn.target))
            delta = labels[insn.target] - (insn.slot + 1)
            opcode, dst, src, off, imm = decode(insn.words[0])
            if insn.target_field == 'off':
                off = delta
            else:
                imm = delta
            try:
                insn.words[0] = encode(opcode, dst, src, off, imm)
            except AsmError as e:
                raise AsmError('line %d: %s' % (insn.lineno, e)) from None
        words.extend(insn.words)
    return words


def parse_raw(text):
    """`-- raw` section: one 64-bit word per token, the opcode in the low byte."""
    words = []
    for line in text.splitlines():
        for tok in strip_comment(line).split():
            words.append(struct.pack('<Q', parse_int(tok) & ((1 << 64) - 1)))
    return words


def words_to_u64(words):
    return [struct.unpack('<Q', w)[0] for w in words]


# --- .data files ---------------------------------------------------------------------------------

def parse_data(text):
    """Sections of a .data file: {'asm': str, 'raw': str, 'mem': bytes, 'result': int, 'error': str, ...}.

    Text sections are returned verbatim (comments included); `mem` is decoded to bytes and
    `result` to an unsigned 64-bit integer.  Lines before the first section (licence, notes) are
    returned as 'header'.
    """
    sections = {}
    name = 'header'
    buf = []
    for line in text.splitlines():
        m = re.match(r'^--\s*(.*?)\s*$', line)
        if m and not line.startswith('---'):
            sections.setdefault(name, []).extend(buf)
            name, buf = m.group(1), []
            continue
        buf.append(line)
    sections.setdefault(name, []).extend(buf)
    out = {k: '\n'.join(v) + '\n' for k, v in sections.items()}
    if 'mem' in out:
        hexbytes = []
        for line in out['mem'].splitlines():
            hexbytes.extend(strip_comment(line).split())
        try:
            out['mem'] = bytes(int(b, 16) for b in hexbytes)
        except ValueError:
            raise AsmError('bad byte in -- mem')
    if 'result' in out:
        toks = [t for line in out['result'].splitlines() for t in strip_comment(line).split()]
        if len(toks) != 1:
            raise AsmError('-- result must hold one number')
        out['result'] = parse_int(toks[0]) & ((1 << 64) - 1)
    if 'error' in out:
        out['error'] = '\n'.join(strip_comment(l) for l in out['error'].splitlines()).strip()
    return out


def data_program(sections):
    """The instruction words a .data file describes (its asm, or its raw words without asm)."""
    if any(strip_comment(l) for l in sections.get('asm', '').splitlines()):
        return assemble(sections['asm'])
    if 'raw' in sections:
        return parse_raw(sections['raw'])
    raise AsmError('no -- asm or -- raw section')


# --- ELF writer ----------------------------------------------------------------------------------

EM_BPF = 247
ET_REL = 1
SHT_PROGBITS, SHT_SYMTAB, SHT_STRTAB, SHT_REL = 1, 2, 3, 9
SHF_ALLOC, SHF_EXECINSTR, SHF_INFO_LINK = 0x2, 0x4, 0x40
STB_LOCAL, STB_GLOBAL = 0, 1
STT_NOTYPE, STT_FUNC, STT_SECTION = 0, 2, 3
R_BPF_64_64, R_BPF_64_ABS64, R_BPF_64_ABS32, R_BPF_64_32 = 1, 2, 3, 10


class _StrTab:
    def __init__(self):
        self.data = bytearray(b'\0')
        self.index = {'': 0}

    def add(self, s):
        if s not in self.index:
            self.index[s] = len(self.data)
            self.data += s.encode() + b'\0'
        return self.index[s]


def write_bpf_elf(path, functions, relocations=()):
    """Writes a minimal relocatable BPF object.

    functions: list of (name, words) or (name, words, 'global'|'local'), or a dict name -> words;
      they are laid out one after the other in `.text`, the first at offset 0, each with an
      STT_FUNC symbol of its size in bytes.
    relocations: (slot, type, symbol) entries for a `.rel.text`; slot counts instructions from
      the start of `.text`; a symbol that is not one of the functions becomes an undefined global.
    """
    if isinstance(functions, dict):
        functions = list(functions.items())
    funcs = []
    for f in functions:
        name, words = f[0], f[1]
        bind = f[2] if len(f) > 2 else 'global'
        funcs.append((name, list(words), STB_LOCAL if bind == 'local' else STB_GLOBAL))

    text = b''.join(w for _, words, _ in funcs for w in words)
    strtab = _StrTab()
    shstr = _StrTab()

    # Locals first (ELF requires it): the null symbol, the section symbol, local functions.
    syms = [(0, 0, 0, 0, 0, 0)]  # name, info, other, shndx, value, size
    text_shndx = 1
    syms.append((0, (STB_LOCAL << 4) | STT_SECTION, 0, text_shndx, 0, 0))
    offsets = {}
    pos = 0
    for name, words, bind in funcs:
        offsets[name] = (pos, len(words) * 8, bind)
        pos += len(words) * 8
    sym_index = {}
    for pass_bind in (STB_LOCAL, STB_GLOBAL):
        for name, (value, size, bind) in offsets.items():
            if bind == pass_bind:
                sym_index[name] = len(syms)
                syms.append((strtab.add(name), (bind << 4) | STT_FUNC, 0, text_shndx, value, size))
        if pass_bind == STB_LOCAL:
            first_global = len(syms)
    for _, _, sym in relocations:
        if sym not in sym_index:
            sym_index[sym] = len(syms)
            syms.append((strtab.add(sym), (STB_GLOBAL << 4) | STT_NOTYPE, 0, 0, 0, 0))
    symtab = b''.join(struct.pack('<IBBHQQ', *s) for s in syms)
    rel = b''.join(struct.pack('<QQ', slot * 8, (sym_index[sym] << 32) | rtype)
                   for slot, rtype, sym in relocations)

    # Section list: (name, type, flags, data, link, info, align, entsize)
    sections = [('.text', SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, text, 0, 0, 8, 0)]
    if relocations:
        sections.append(('.rel.text', SHT_REL, SHF_INFO_LINK, rel, None, 1, 8, 16))
    symtab_idx = len(sections) + 1
    sections.append(('.symtab', SHT_SYMTAB, 0, symtab, symtab_idx + 1, first_global, 8, 24))
    sections.append(('.strtab', SHT_STRTAB, 0, bytes(strtab.data), 0, 0, 1, 0))
    for s in sections:
        shstr.add(s[0])
    shstr.add('.shstrtab')
    sections.append(('.shstrtab', SHT_STRTAB, 0, None, 0, 0, 1, 0))
    shstr_data = bytes(shstr.data)

    out = bytearray(64)
    headers = [struct.pack('<IIQQQQIIQQ', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)]
    for name, stype, flags, data, link, info, align, entsize in sections:
        if data is None:
            data = shstr_data
        if link is None:
            link = symtab_idx
        while len(out) % max(align, 1):
            out.append(0)
        offset = len(out)
        out += data
        headers.append(struct.pack('<IIQQQQIIQQ', shstr.index[name], stype, flags, 0, offset,
                                   len(data), link, info, align, entsize))
    while len(out) % 8:
        out.append(0)
    shoff = len(out)
    for h in headers:
        out += h
    ident = b'\x7fELF' + bytes([2, 1, 1, 0]) + bytes(8)  # ELFCLASS64, little endian, version 1
    out[0:64] = ident + struct.pack('<HHIQQQIHHHHHH', ET_REL, EM_BPF, 1, 0, 0, shoff, 0, 64, 0, 0,
                                    64, len(headers), len(headers) - 1)
    with open(path, 'wb') as f:
        f.write(out)


def main(argv=None):
    ap = argparse.ArgumentParser(description='Assemble ubpf-style BPF assembly into a BPF ELF object.')
    ap.add_argument('input', help='.s file, or a conformance .data file')
    ap.add_argument('-o', dest='output', help='output object')
    ap.add_argument('--name', default='entry', help='symbol of the function (default: entry)')
    ap.add_argument('--hex', action='store_true', help='print the instruction words instead')
    args = ap.parse_args(argv)
    try:
        with open(args.input) as f:
            text = f.read()
        if args.input.endswith('.data'):
            words = data_program(parse_data(text))
        else:
            words = assemble(text)
    except (OSError, AsmError) as e:
        print('%s: error: %s' % (args.input, e), file=sys.stderr)
        return 1
    if args.hex or not args.output:
        for i, w in enumerate(words):
            print('%4d: %s  0x%016x' % (i, w.hex(' '), struct.unpack('<Q', w)[0]))
        if not args.output:
            return 0
    write_bpf_elf(args.output, [(args.name, words)])
    return 0


if __name__ == '__main__':
    sys.exit(main())
