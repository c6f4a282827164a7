#!/usr/bin/env python3
"""Feeds bpf2arm inputs it must refuse and checks how it refuses them.

    run_bad_input.py --bpf2arm build/compiler/bpf2arm [--workdir DIR] [-v]

For bad input the contract (SPEC section 2) is: exit status 1, exactly one message on stderr,
`file.c:LINE:COL: error: ... (in FUNCTION, insn N of IN.o)` where BTF line info places the fault
(the line and column are checked against the C source: where the case's marker text begins),
`IN.o: error: FUNCTION: insn N: ...` where not (FUNCTION and insn N where the fault lies in a
function), and no output file, not even a temporary one, in the output directory.  Bad usage
exits with status 2 and says `bpf2arm: error: `.  Each case runs with an empty output directory of its own; a control case
first checks that a valid object does compile, so that a broken set-up cannot pass as refusals.

Prints PASS/FAIL per case and a final `N passed, N failed`; exit status 0 only when all passed.
"""

import argparse
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # keep the source tree free of __pycache__
sys.path.insert(0, os.path.join(HERE, '..', 'tools'))
import bpf_asm  # noqa: E402
import toolchain  # noqa: E402

CLANG = 'clang-19'
# A runtime function that code for Cortex-M (no ldrexd) calls for a 64-bit atomic add.
ATOMIC64_NAME = 'bpf2arm_atomic64_fetch_add'
HOST_CC = 'gcc'

VALID_C = 'int scale(int x) { return x * 3 + 1; }\n'


def asm_object(path, name, text, relocations=()):
    bpf_asm.write_bpf_elf(path, [(name, bpf_asm.assemble(text))], relocations)


def raw_object(path, name, words):
    bpf_asm.write_bpf_elf(path, [(name, words)])


def valid_object(path):
    """A real clang object when clang-19 is there (BTF, line info), else an assembled one."""
    src = path[:-2] + '.c'
    with open(src, 'w') as f:
        f.write(VALID_C)
    try:
        r = subprocess.run([CLANG, '-target', 'bpf', '-mcpu=v4', '-O2', '-g', '-c', src, '-o', path],
                           capture_output=True, text=True)
        if r.returncode == 0:
            return
    except OSError:
        pass
    asm_object(path, 'scale', 'mov %r0, %r1\nmul32 %r0, 3\nadd32 %r0, 1\nexit')


class Case:
    def __init__(self, name, build, status=1, function=None, insn=None, args=None, custom=None, message=None,
                 at=None):
        self.name = name
        self.at = at                # C text where the message must place the fault (line and column)
        self.message = message      # text the error message must contain
        self.custom = custom        # (bpf2arm, case_dir) -> problems: a case with its own checks
        self.build = build          # (input_dir) -> input path
        self.status = status        # expected exit status
        self.function = function    # function name the message must contain
        self.insn = insn            # accepted instruction indexes for `insn N`
        self.args = args            # command line; None means IN -o OUT


def build_cases():
    def at(name):
        return lambda d: os.path.join(d, name)

    def not_elf(d):
        p = at('not_elf.o')(d)
        with open(p, 'w') as f:
            f.write('this is not an ELF object\n')
        return p

    def empty_file(d):
        p = at('empty.o')(d)
        open(p, 'wb').close()
        return p

    def truncated(d):
        full = at('whole.o')(d)
        valid_object(full)
        with open(full, 'rb') as f:
            data = f.read()
        p = at('truncated.o')(d)
        with open(p, 'wb') as f:
            f.write(data[:len(data) // 2])
        return p

    def x86(d):
        src = at('empty.c')(d)
        with open(src, 'w') as f:
            f.write('int nothing;\n')
        p = at('x86_64.o')(d)
        subprocess.run([HOST_CC, '-c', src, '-o', p], check=True, capture_output=True)
        return p

    def big_endian(d):
        # The same minimal object with EI_DATA = ELFDATA2MSB: a big-endian (bpfeb) object.
        p = at('big_endian.o')(d)
        asm_object(p, 'be_fn', 'mov %r0, 0\nexit')
        with open(p, 'r+b') as f:
            f.seek(5)
            f.write(b'\x02')
        return p

    def unknown_opcode(d):
        p = at('unknown_opcode.o')(d)
        words = bpf_asm.assemble('mov %r0, 0') + [struct.pack('<Q', 0xff)] + bpf_asm.assemble('exit')
        raw_object(p, 'bad_opcode', words)
        return p

    def jump_out(d):
        p = at('jump_out.o')(d)
        asm_object(p, 'jump_far', 'ja +5\nexit')
        return p

    def jump_back_out(d):
        p = at('jump_back_out.o')(d)
        asm_object(p, 'jump_before', 'mov %r0, 0\nja -3\nexit')
        return p

    def jump_lddw(d):
        p = at('jump_into_lddw.o')(d)
        asm_object(p, 'jump_mid_lddw', 'ja +1\nlddw %r0, 0x1122334455667788\nexit')
        return p

    def falls_off(d):
        p = at('falls_off.o')(d)
        asm_object(p, 'no_exit', 'mov %r0, 0\nadd %r0, 1')
        return p

    def bad_reloc(d):
        # R_BPF_64_ABS64 is for data sections (DWARF, BTF); in .text bpf2arm cannot honour it.
        p = at('abs64_reloc.o')(d)
        asm_object(p, 'reloc_fn', 'mov %r0, 0\nlddw %r1, 0\nexit',
                   relocations=[(1, bpf_asm.R_BPF_64_ABS64, 'some_var')])
        return p

    def stack_below(d):
        p = at('stack_below.o')(d)
        asm_object(p, 'deep_stack', 'mov %r0, 0\nstxdw [%r10-520], %r0\nexit')
        return p

    def stack_below_copy(d):
        p = at('stack_below_copy.o')(d)
        asm_object(p, 'deep_copy', 'mov %r0, 0\nmov %r2, %r10\nadd %r2, -600\nmov %r3, %r2\nstxdw [%r3+8], %r0\nexit')
        return p

    def lddw_truncated(d):
        p = at('lddw_truncated.o')(d)
        words = bpf_asm.assemble('mov %r0, 0\nexit') + bpf_asm.assemble('lddw %r0, 1')[:1]
        raw_object(p, 'half_lddw', words)
        return p

    def bad_register(d):
        p = at('bad_register.o')(d)
        asm_object(p, 'reg11', 'mov %r0, 0\nmov %r11, 1\nexit')
        return p

    def directory(d):
        p = at('directory.o')(d)
        os.mkdir(p)
        return p

    def missing(d):
        return at('does_not_exist.o')(d)

    def c_object(name, source, optimize='-O2', debug='-g'):
        """A clang-19 BPF object from C, for faults that only real programs can carry."""
        def build(d):
            src, obj = at(name + '.c')(d), at(name + '.o')(d)
            with open(src, 'w') as f:
                f.write('#include <linux/types.h>\n#include <linux/bpf.h>\n#include <bpf/bpf_helpers.h>\n'
                        '#include <bpf/bpf_core_read.h>\n' + source)
            subprocess.run([CLANG, '-target', 'bpf', '-mcpu=v4', optimize] + ([debug] if debug else []) +
                           ['-I/usr/include/x86_64-linux-gnu', '-c', src, '-o', obj], check=True, capture_output=True)
            return obj
        return build

    unknown_helper = c_object('unknown_helper', 'static long (* const h)(int) = (void *) 99999;\n'
                              'int f(int x) { return h(x); }\n')
    struct_by_value = c_object('struct_by_value', 'struct s { int a, b; };\nextern int g(struct s v) __ksym;\n'
                               'int f(int x) { struct s v = {x, x}; return g(v); }\n')
    int128 = c_object('int128', 'extern __u64 wide(unsigned __int128 v) __ksym;\n'
                      'int f(__u64 x) { return wide(x); }\n')
    variadic = c_object('variadic', 'extern int v(int a, ...) __ksym;\nint f(int x) { return v(x, 1, 2); }\n')
    map_type = c_object('map_type', 'struct { __uint(type, BPF_MAP_TYPE_SOCKMAP); __uint(max_entries, 4);\n'
                        '  __type(key, __u32); __type(value, __u32); } socks SEC(".maps");\n'
                        'int f(int x) { return bpf_map_lookup_elem(&socks, &x) != 0; }\n')
    map_flag = c_object('map_flag', 'struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 4);\n'
                        '  __uint(map_flags, BPF_F_MMAPABLE); __type(key, __u32); __type(value, __u32); } mm SEC(".maps");\n'
                        'int f(int x) { return bpf_map_lookup_elem(&mm, &x) != 0; }\n')

    # Legacy maps, defined as in 2017's programs (bpf_helpers.h no longer declares the struct).
    legacy_def = 'struct bpf_map_def { unsigned int type, key_size, value_size, max_entries, map_flags; };\n'
    legacy_size = c_object('legacy_size', legacy_def +
                           'struct bpf_map_def SEC("maps") a = { BPF_MAP_TYPE_ARRAY, 4, 4, 1 };\n'
                           'struct bpf_map_def SEC("maps") b = { BPF_MAP_TYPE_ARRAY, 4, 4, 1 };\n'
                           'asm(".pushsection maps, \\"aw\\"\\n.long 0\\n.popsection");\n'
                           'int f(int x) { return bpf_map_lookup_elem(&a, &x) != 0; }\n')
    legacy_type = c_object('legacy_type', legacy_def +
                           'struct bpf_map_def SEC("maps") socks = { BPF_MAP_TYPE_SOCKMAP, 4, 4, 4 };\n'
                           'int f(int x) { return bpf_map_lookup_elem(&socks, &x) != 0; }\n')
    legacy_inner = c_object('legacy_inner', 'struct bpf_map_def { unsigned int type, key_size, value_size, '
                            'max_entries, map_flags, inner_map_idx, numa_node; };\n'
                            'struct bpf_map_def SEC("maps") outer = { BPF_MAP_TYPE_ARRAY, 4, 4, 4, 0, 1 };\n'
                            'int f(int x) { return bpf_map_lookup_elem(&outer, &x) != 0; }\n')
    legacy_kv = c_object('legacy_kv', legacy_def +
                         'struct bpf_map_def SEC("maps") m = { BPF_MAP_TYPE_HASH, 4, 8, 4 };\n'
                         'struct ____btf_map_m { __u32 key; __u32 value; };\n'
                         'struct ____btf_map_m __attribute__((section(".maps.m"), used)) ____btf_map_m = {};\n'
                         'int f(int x) { return bpf_map_lookup_elem(&m, &x) != 0; }\n')
    legacy_and_btf = c_object('legacy_and_btf', legacy_def +
                              'struct bpf_map_def SEC("maps") old = { BPF_MAP_TYPE_ARRAY, 4, 4, 1 };\n'
                              'struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1);\n'
                              '  __type(key, __u32); __type(value, __u32); } new_ SEC(".maps");\n'
                              'int f(int x) { return bpf_map_lookup_elem(&old, &x) != bpf_map_lookup_elem(&new_, &x); }\n')

    # The runtime calls callbacks with 32-bit arguments (bpf_loop: long cb(__u32, void *)).
    callback_u64 = c_object('callback_u64', 'static long cb(__u64 i, void *ctx) { return 0; }\n'
                            'long f(int n) { return bpf_loop(n, cb, 0, 0); }\n')
    callback_struct = c_object('callback_struct', 'struct pair { int a, b; };\n'
                               'static long cb(struct pair p, void *ctx) { return p.a; }\n'
                               'long f(int n) { return bpf_loop(n, cb, 0, 0); }\n')

    devmap_value = c_object('devmap_value', 'struct { __uint(type, BPF_MAP_TYPE_DEVMAP); __uint(max_entries, 4);\n'
                            '  __type(key, __u32); __type(value, __u64[2]); } ports SEC(".maps");\n'
                            'int f(int x) { return bpf_map_lookup_elem(&ports, &x) != 0; }\n')

    # Inputs that are no little-endian BPF object, named for what they are (issue 11).
    def foreign_elf(name, target):
        def build(d):
            src, obj = at(name + '.c')(d), at(name + '.o')(d)
            with open(src, 'w') as f:
                f.write('int nothing(int x) { return x; }\n')
            subprocess.run([CLANG, '-target', target, '-c', src, '-o', obj], check=True, capture_output=True)
            return obj
        return build

    def archive(d):
        members = [at('first.o')(d), at('second.o')(d)]
        for m in members:
            valid_object(m)
        p = at('libprog.a')(d)
        subprocess.run(['ar', 'rc', p] + members, check=True, capture_output=True)
        return p

    def big_endian_clang(d):
        src, obj = at('bpfeb.c')(d), at('bpfeb.o')(d)
        with open(src, 'w') as f:
            f.write(VALID_C)
        subprocess.run([CLANG, '-target', 'bpfeb', '-O2', '-c', src, '-o', obj], check=True, capture_output=True)
        return obj

    # Names the ARM object keeps for itself: crafted (no C identifier has them) or clashing.

    def named(name, bind='global', text='mov %r0, %r1\ndiv %r0, %r2\nexit'):
        def build(d):
            p = at('named.o')(d)
            functions = [(name, bpf_asm.assemble(text), bind)]
            if bind == 'local':
                functions.append(('caller', bpf_asm.assemble('call 1\nexit'), 'global'))
            bpf_asm.write_bpf_elf(p, functions)
            return p
        return build

    own_division_name = c_object('division_name', '__u64 __bpf2arm_udiv64(__u64 a, __u64 b) { return a / b; }\n'
                                 '__u64 __bpf2arm_umod64(__u64 a, __u64 b) { return a % b; }\n')
    unoptimized = c_object('unoptimized', 'int f(int x) { return bpf_get_prandom_u32() + x; }\n', optimize='-O0')
    core_exists = c_object('core_exists', 'enum colour { RED, GREEN };\n'
                           'int f(int x) { return x + bpf_core_enum_value_exists(enum colour, GREEN); }\n')
    core_offsets = c_object('core_offsets', 'struct pair { int a, b; } __attribute__((preserve_access_index));\n'
                            'int f(struct pair *p) { return BPF_CORE_READ(p, b); }\n')
    over_aligned = c_object('over_aligned', 'int buf[4] __attribute__((aligned(8192)));\n'
                            'int f(int x) { buf[x & 3] = x; return buf[0]; }\n')
    huge_global = c_object('huge_global', 'char huge[0x90000000u];\nint f(int x) { huge[x] = 1; return huge[0]; }\n')
    no_prototype = c_object('no_prototype', 'int add3(int x) { return x + 3; }\n', debug=None)

    def with_valid(name):
        return lambda d: (valid_object(at(name)(d)), at(name)(d))[1]

    return [
        Case('control: a valid object compiles', lambda d: (valid_object(at('valid.o')(d)), at('valid.o')(d))[1],
             status=0),
        Case('not an ELF file', not_elf),
        Case('empty file', empty_file),
        Case('truncated ELF (a valid object cut in half)', truncated),
        Case('ELF for x86_64, not BPF (named)', x86, message='an ELF file for x86-64, not a BPF object'),
        Case('big-endian ELF (bpfeb)', big_endian, message='compile with -target bpfel'),
        Case('unknown opcode 0xff', unknown_opcode, function='bad_opcode', insn={1}),
        Case('jump out of the function (forward)', jump_out, function='jump_far', insn={0}),
        Case('jump out of the function (backward)', jump_back_out, function='jump_before', insn={1}),
        Case('jump into the second slot of lddw', jump_lddw, function='jump_mid_lddw', insn={0}),
        # The fault is the last instruction (1) or the missing one after it (2).
        Case('function falls off its end', falls_off, function='no_exit', insn={1, 2}),
        Case('unsupported relocation R_BPF_64_ABS64 in .text', bad_reloc, function='reloc_fn', insn={1}),
        Case('stack access below r10-512', stack_below, function='deep_stack', insn={1}),
        Case('stack access below r10-512 through a copy of r10', stack_below_copy, function='deep_copy', insn={4},
             message='[r10-592]'),
        Case('lddw truncated at the end of the function', lddw_truncated, function='half_lddw', insn={2}),
        Case('register number out of range (r11)', bad_register, function='reg11', insn={1}),
        Case('nonexistent input file', missing),
        Case('a directory as input', directory, message='directory'),
        Case('the input as output', lambda d: (valid_object(at('self.o')(d)), at('self.o')(d))[1],
             args=['{IN}', '-o', '{IN}'], message='is the input file'),
        Case('the header as the object', lambda d: (valid_object(at('twice.o')(d)), at('twice.o')(d))[1],
             args=['{IN}', '-o', '{OUT}', '--header', '{OUT}'], message='would overwrite the object'),
        Case('call to an unknown helper id', unknown_helper, function='f', insn={0},
             message="unknown helper id 99999: declare it with --helper", at='h(x)'),
        Case('extern call with a struct passed by value', struct_by_value, function='f',
             message='struct passed by value', at='g(v)'),
        Case('call to a variadic extern function', variadic, function='f', message='variadic', at='v(x, 1, 2)'),
        Case('bpf_loop callback with a 64-bit parameter', callback_u64, function='f', message='64 bits',
             at='bpf_loop('),
        Case('bpf_loop callback with a struct parameter', callback_struct, function='f', message='used as a callback',
             at='bpf_loop('),
        Case('extern call with a 128-bit integer argument', int128, function='f', message='128-bit integer',
             at='wide(x)'),
        Case('unsupported map type (SOCKMAP)', map_type, message="map 'socks': map type 15 is not supported"),
        Case('unsupported map flag (BPF_F_MMAPABLE)', map_flag, message="map 'mm': map_flags 0x400 not supported"),
        Case('legacy maps section not a multiple of the definition size', legacy_size,
             message="legacy 'maps' section: 44 bytes is not a multiple of the 20-byte struct bpf_map_def"),
        Case('legacy map of an unsupported type (SOCKMAP)', legacy_type,
             message="map 'socks': map type 15 is not supported"),
        Case('legacy map with inner_map_idx set', legacy_inner, message="map 'outer': its definition sets fields past map_flags"),
        Case('legacy map whose BPF_ANNOTATE_KV_PAIR disagrees with its sizes', legacy_kv,
             message="map 'm': BPF_ANNOTATE_KV_PAIR gives a value of 4 bytes, its definition 8"),
        Case('maps in both .maps and the legacy maps section', legacy_and_btf,
             message="both in .maps and in the legacy 'maps' section"),
        Case('DEVMAP with a 16-byte value', devmap_value,
             message="map 'ports': the value of a DEVMAP or DEVMAP_HASH must be 4 bytes (an ifindex) or 8"),
        Case('every opcode byte is compiled or refused, never a crash', None, custom=opcode_sweep),
        Case('big-endian object from clang -target bpfeb', big_endian_clang, message='big-endian BPF object'),
        Case('ELF for ARM named', foreign_elf('arm', 'armv7a-none-eabi'), message='an ELF file for ARM'),
        Case('ELF for AArch64 named', foreign_elf('aarch64', 'aarch64-linux-gnu'), message='an ELF file for AArch64'),
        Case('ELF for RISC-V named', foreign_elf('riscv', 'riscv64-linux-gnu'), message='an ELF file for RISC-V'),
        Case('static archive: extract the members', archive,
             message='extract the members (ar x ARCHIVE) and compile each (BPF objects in it: first.o, second.o)'),
        Case('unoptimized (-O0) object: callx with the hint to use -O2', unoptimized, function='f',
             message='compile BPF programs with -O2', at='bpf_get_prandom_u32()'),
        # The ARM object is padded to each section's alignment: 2^58 once made a 4 GB file.
        Case('global data aligned to more than a page', over_aligned,
             message='section .bss has alignment 8192; global data can have 4096 (a page) at most'),
        # A size over 2^32 was written truncated to 32 bits: a .bss of 2^40 bytes became 0.
        Case('global data larger than a 32-bit device has', huge_global,
             message='section .bss has 2415919104 bytes, more than the 2147483648 bpf2arm places in one section'),
        Case('C functions named like the division routines compile', own_division_name, status=0),
        Case('a function named .text', named('.text'), function='.text', message='rename the function'),
        Case('a function named .strtab', named('.strtab'), function='.strtab', message='rename the function'),
        Case('a function named .debug_abbrev', named('.debug_abbrev'), function='.debug_abbrev',
             message='rename the function'),
        Case('a static function named .text', named('.text', 'local'), function='.text', message='rename the function'),
        Case('a static function named like a division routine', named('__bpf2arm.udiv64', 'local'),
             function='__bpf2arm.udiv64', message="names beginning with __bpf2arm. are bpf2arm's own"),
        Case('a global function named like the helper it calls', named('bpf_ktime_get_ns', text='call 5\nexit'),
             function='bpf_ktime_get_ns', message='is also the name of the helper that bpf_ktime_get_ns calls as id 5'),
        # Cortex-M has no ldrexd: its 64-bit atomics call runtime-stub/atomic64.c by these names.
        Case('a global function named like a 64-bit atomic routine, for cortex-m4', named(ATOMIC64_NAME),
             function=ATOMIC64_NAME, args=['{IN}', '-o', '{OUT}', '--mcpu=cortex-m4'],
             message='is also the name of a runtime function that code for this CPU calls'),
        Case('the same function for cortex-a7 (ldrexd: no runtime call) compiles', named(ATOMIC64_NAME), status=0,
             args=['{IN}', '-o', '{OUT}', '-Wno-missing-prototypes']),
        Case('a static function named like a 64-bit atomic routine, for cortex-m4: the atomic still calls the runtime',
             None, custom=static_atomic64_name),
        Case('no BTF prototype: a warning, an error with -Werror', no_prototype, function='add3',
             args=['{IN}', '-o', '{OUT}', '-Werror'],
             message='no BTF prototype (the object was built without -g), so C calls it as uint64_t add3(uint64_t r1, '
                     'uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5); build the BPF object with -g for its C '
                     'prototype, or pass -Wno-missing-prototypes'),
        Case('no BTF prototype with -Wno-missing-prototypes: silent', no_prototype, status=0,
             args=['{IN}', '-o', '{OUT}', '-Werror', '-Wno-missing-prototypes']),
        Case('CO-RE enum-value-exists: a warning, an error with -Werror', core_exists, function='f',
             args=['{IN}', '-o', '{OUT}', '-Werror'], at='bpf_core_enum_value_exists(',
             message="bpf_core_enum_value_exists (enum value exists) is always true"),
        Case('CO-RE enum-value-exists with -Wno-core-relocation: silent', core_exists, status=0,
             args=['{IN}', '-o', '{OUT}', '-Werror', '-Wno-core-relocation']),
        Case('CO-RE field offsets resolve against the program\'s BTF, silently', core_offsets, status=0,
             args=['{IN}', '-o', '{OUT}', '-Werror']),
        Case('bad usage: two declarations in one --helper', with_valid('helper.o'), status=2,
             args=['{IN}', '-o', '{OUT}', '--helper', '200=long f(void); long g(void)'],
             message="one declaration per --helper, but ';' after 'long f(void)' starts another"),
        Case('bad usage: --helper with a function pointer parameter', with_valid('helper.o'), status=2,
             args=['{IN}', '-o', '{OUT}', '--helper', '200=long f(int (*cb)(void))'],
             message='function pointer parameters are not supported'),
        Case('bad usage: --helper without its closing parenthesis', with_valid('helper.o'), status=2,
             args=['{IN}', '-o', '{OUT}', '--helper', '200=long f(int a'],
             message="')' missing at the end of the parameter list"),
        Case('bad usage: unknown flag', lambda d: (valid_object(at('usage.o')(d)), at('usage.o')(d))[1],
             status=2, args=['--no-such-flag', '{IN}', '-o', '{OUT}']),
    ]


def static_atomic64_name(bpf2arm, casedir):
    """A static function may take the runtime's name, as a C static may: it is renamed in the
    object, and the program's 64-bit atomic still calls runtime-stub/atomic64.c."""
    src, obj, out = (os.path.join(casedir, n) for n in ('static_atomic.c', 'static_atomic.o', 'static_atomic.arm.o'))
    with open(src, 'w') as f:
        f.write('typedef unsigned long long u64;\n'
                'static __attribute__((noinline)) u64 %s(u64 *p, u64 v) { return *p * v + 7; }\n'
                'u64 f(u64 *p, u64 v) { return __sync_fetch_and_add(p, v) + %s(p, v); }\n'
                % (ATOMIC64_NAME, ATOMIC64_NAME))
    subprocess.run([CLANG] + toolchain.BPF_FLAGS + ['-c', src, '-o', obj], check=True, capture_output=True)
    r = subprocess.run([bpf2arm, obj, '-o', out, '--mcpu=cortex-m4'], capture_output=True, text=True)
    if r.returncode != 0 or r.stderr.strip():
        return ['bpf2arm exited %d: %s' % (r.returncode, r.stderr.strip())]
    symbols = subprocess.run([toolchain.ARM_NM, out], capture_output=True, text=True, check=True).stdout.split('\n')
    undefined = [line.split()[-1] for line in symbols if line.split()[:1] == ['U']]
    if undefined != [ATOMIC64_NAME]:
        return ['the object should call the runtime\'s %s, but its undefined symbols are %s:\n%s'
                % (ATOMIC64_NAME, undefined, '\n'.join(symbols))]
    return []


SWEEP_OPERANDS = [(1, 2, 1, 1), (0, 0, 0, 0)]  # (dst, src, offset, imm) for each opcode byte


def opcode_sweep(bpf2arm, casedir):
    """Each of the 256 opcode bytes, with two operand sets, as insn 3 of a small function.

    A byte may be valid (exit 0, no message, an output) or invalid (exit 1, one message naming
    the function and insn 3, no output); anything else, a crash in particular, is a failure.
    The offsets and immediates are small, so a jump lands inside the function.
    """
    problems = []
    head = bpf_asm.assemble('mov %r0, 0\nmov %r1, 1\nmov %r2, 2')
    tail = bpf_asm.assemble('mov %r0, 0\nexit')
    inp = os.path.join(casedir, 'sweep.o')
    outdir = os.path.join(casedir, 'out')
    os.makedirs(outdir)
    out = os.path.join(outdir, 'out.o')
    for opcode in range(256):
        for dst, src, off, imm in SWEEP_OPERANDS:
            words = head + [bpf_asm.encode(opcode, dst, src, off, imm)]
            if opcode == 0x18:
                words.append(bpf_asm.encode(0))  # lddw needs its second slot
            bpf_asm.write_bpf_elf(inp, [('sweep', words + tail)])
            what = 'opcode 0x%02x (dst %d src %d off %d imm %d)' % (opcode, dst, src, off, imm)
            try:
                # The sweep's function has no BTF: its raw ABI is meant.
                r = subprocess.run([bpf2arm, inp, '-o', out, '-Wno-missing-prototypes'], capture_output=True, text=True,
                                   timeout=60)
            except subprocess.TimeoutExpired:
                problems.append('%s: no answer within 60 s' % what)
                continue
            lines = [l for l in r.stderr.splitlines() if l.strip()]
            left = os.listdir(outdir)
            if r.returncode == 0:
                if lines or left != ['out.o']:
                    problems.append('%s: compiled, but with messages or without output' % what)
            elif r.returncode == 1:
                if len(lines) != 1 or not lines[0].startswith(inp + ': error: sweep: insn 3: ') or left:
                    problems.append('%s: refused, but not with one message naming sweep and insn 3, '
                                    'or with output left: %s' % (what, r.stderr.strip()))
            elif r.returncode < 0:
                problems.append('%s: bpf2arm killed by signal %d' % (what, -r.returncode))
            else:
                problems.append('%s: exit status %d' % (what, r.returncode))
            for f in left:
                os.unlink(os.path.join(outdir, f))
    return problems


def source_form_problems(case, inp, diagnostic):
    """The message must begin with the C file, the line and column where case.at begins, and
    name the function and instruction in its parenthesis."""
    src = inp[:-2] + '.c'
    with open(src) as f:
        source_lines = f.read().splitlines()
    found = [(n + 1, text.index(case.at) + 1) for n, text in enumerate(source_lines) if case.at in text]
    assert len(found) == 1, 'the marker %r must be on exactly one line of %s' % (case.at, src)
    problems = []
    # Where BTF line info gives no column, the line must match.
    expected = (src, found[0][0], found[0][1] if diagnostic['source'] and diagnostic['source'][2] is not None else None)
    if diagnostic['source'] != expected:
        problems.append('message places the fault at %s, expected %s:%d:%d' % (diagnostic['source'], src, *found[0]))
    if case.function and diagnostic['function'] != case.function:
        problems.append('message says function %s, expected %s' % (diagnostic['function'], case.function))
    if case.insn is not None and diagnostic['insn'] not in case.insn:
        problems.append('message says insn %s, expected %s' % (diagnostic['insn'], case.insn))
    return problems


def check(case, bpf2arm, root, verbose):
    slug = re.sub(r'\W+', '_', case.name).strip('_')[:48]
    if case.custom is not None:
        casedir = os.path.join(root, slug)
        os.makedirs(casedir)
        return case.custom(bpf2arm, casedir), ''
    indir = os.path.join(root, slug, 'in')
    outdir = os.path.join(root, slug, 'out')
    os.makedirs(indir)
    os.makedirs(outdir)
    try:
        inp = case.build(indir)
    except (OSError, subprocess.CalledProcessError, bpf_asm.AsmError) as e:
        return ['cannot build the input: %s' % e], ''
    out = os.path.join(outdir, 'out.o')
    args = case.args or ['{IN}', '-o', '{OUT}']
    cmd = [bpf2arm] + [a.replace('{IN}', inp).replace('{OUT}', out) for a in args]
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        return ['bpf2arm did not finish within 60 s'], ''
    problems = []
    if r.returncode != case.status:
        problems.append('exit status %d, expected %d' % (r.returncode, case.status))
    left = sorted(os.listdir(outdir))
    lines = [l for l in r.stderr.splitlines() if l.strip()]
    if case.status == 0:
        if left != ['out.o']:
            problems.append('output directory holds %s, expected out.o' % (left or 'nothing'))
        if lines:
            problems.append('unexpected messages on stderr')
    else:
        if left:
            problems.append('output directory not empty: %s' % ', '.join(left))
    if case.status == 2 and (len(lines) != 1 or not lines[0].startswith('bpf2arm: error: ')):
        problems.append('expected one line "bpf2arm: error: ..." on stderr')
    if case.status == 2 and case.message and case.message not in r.stderr:
        problems.append('message does not say "%s"' % case.message)
    if case.status == 1:
        if len(lines) != 1:
            problems.append('%d lines on stderr, expected exactly one message' % len(lines))
        msg = lines[0] if lines else ''
        diagnostic = toolchain.parse_diagnostic(msg, inp)
        if diagnostic is None:
            problems.append('message is in neither form of SPEC section 2 for %s' % inp)
        elif case.at is None and diagnostic['source'] is not None:
            problems.append('message places the fault in C source, which this input does not have')
        elif case.at is not None:
            problems += source_form_problems(case, inp, diagnostic)
        if case.function and not re.search(r'(^|\W)%s(\W|$)' % re.escape(case.function), msg):
            problems.append('message does not name the function %s' % case.function)
        if case.insn is not None:
            m = re.search(r'\binsn (\d+)\b', msg)
            if not m:
                problems.append('message has no "insn N"')
            elif int(m.group(1)) not in case.insn:
                problems.append('message says insn %s, expected %s' % (
                    m.group(1), ' or '.join(str(i) for i in sorted(case.insn))))
        if case.message and case.message not in msg:
            problems.append('message does not say "%s"' % case.message)
    return problems, r.stderr.strip()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--bpf2arm', required=True)
    ap.add_argument('--workdir', help='keep the inputs here (default: a temporary directory)')
    ap.add_argument('-v', '--verbose', action='store_true', help='show bpf2arm\'s message for every case')
    args = ap.parse_args()
    bpf2arm = os.path.abspath(args.bpf2arm)
    if not os.access(bpf2arm, os.X_OK):
        print('error: %s is not an executable' % bpf2arm, file=sys.stderr)
        return 2
    if args.workdir:
        root = os.path.abspath(args.workdir)
        if os.path.exists(root):
            shutil.rmtree(root)
        os.makedirs(root)
        tmp = None
    else:
        tmp = tempfile.TemporaryDirectory(prefix='bpf2arm-bad-input.')
        root = tmp.name
    passed = failed = 0
    try:
        for case in build_cases():
            problems, stderr = check(case, bpf2arm, root, args.verbose)
            if problems:
                failed += 1
                print('FAIL %s: %s' % (case.name, '\n     '.join(problems)))
                if stderr:
                    print('     stderr: ' + stderr.replace('\n', '\n             '))
            else:
                passed += 1
                print('PASS %s' % case.name)
                if args.verbose and stderr:
                    print('     ' + stderr.replace('\n', '\n     '))
    finally:
        if tmp is not None:
            tmp.cleanup()
    print('%d passed, %d failed' % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == '__main__':
    sys.exit(main())
