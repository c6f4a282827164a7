#!/usr/bin/env python3
"""`-g` (README "Debugging with gdb"): DWARF that tools read and gdb debugs with.

    run_debuginfo.py --bpf2arm build/compiler/bpf2arm [--mcpu CPU,CPU+thumb] [-v]

prog.bpf.c (a global function calling a static one, bpf-to-bpf) is compiled by clang-19 for
BPF and by bpf2arm with -g, for each CPU (default: the default CPU in A32 and in T32, and the
first M-profile CPU of the table, on its qemu-arm stand-in), and
with -gdwarf-5 and with -g -fPIE (linked into a dynamic PIE, run with qemu-arm -L) for the
first, then:
- `llvm-dwarfdump --verify` finds no error, the unit has the DWARF version asked for; it has a subprogram for each function, at the
  line of its first instruction (BTF has no declaration lines), and after linking each one's low_pc is its symbol's address
  without the Thumb bit;
- the code is the code of the object without -g (the same .text bytes), and that object has no
  .debug_ section;
- `objdump -dl` names the marked source lines of prog.bpf.c;
- the `-S -g` text has `.file`/`.loc` and reassembles (llvm-mc) to the same line table, unit
  and call frame information as the object;
- linked with main.c (gcc -g) and run under `qemu-arm -g` with gdb-multiarch in batch mode: a
  breakpoint on a line of prog.bpf.c stops there, in the static function, `bt` shows it, its
  BPF caller at the line of the call, and main; `finish` returns into the caller; a breakpoint
  on a function that C enters through an AAPCS wrapper (parity) has one location, its body,
  and `bt` there shows the function twice (body, then C entry) and main; the program runs to
  its end, and (outside gdb) prints the right values.
And for every program of tests/programs and examples/ (also on arm1176jzf-s, ARMv6, whose
division goes through our routines): -g gives DWARF that llvm-dwarfdump verifies, the code
of the object without -g, and -S -g text that reassembles to the same DWARF.
The source lines are found by the `MARK:` comments of prog.bpf.c and main.c.

Prints PASS/FAIL per check and a final `N passed, N failed`; exit status 0 only when all passed.
"""
import argparse
import glob
import os
import re
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # keep the source tree free of __pycache__
sys.path.insert(0, os.path.join(HERE, '..', 'tools'))
import toolchain  # noqa: E402
from toolchain import ToolError  # noqa: E402

PROG = os.path.join(HERE, 'prog.bpf.c')
MAIN = os.path.join(HERE, 'main.c')


def marks(path):
    """{name: line} of the `MARK:name` comments of a source file."""
    found = {}
    with open(path) as f:
        for number, text in enumerate(f, 1):
            m = re.search(r'MARK:([\w-]+)', text)
            if m:
                found[m.group(1)] = number
    return found


def expected_output():
    """What main prints: checksum(5, 4) and parity(5, 4) of prog.bpf.c, computed here."""
    mask = (1 << 64) - 1
    acc = 5
    for i in range(4):
        y = (acc * (i + 3) + 7) & mask
        acc = y ^ (y >> 3)
    return f'{acc} {acc & 1}'


class Checker:
    def __init__(self, verbose):
        self.passed = self.failed = 0
        self.verbose = verbose

    def record(self, what, problems):
        if problems:
            self.failed += 1
            print(f'FAIL {what}')
            for p in problems:
                print('    ' + p.replace('\n', '\n    '))
        else:
            self.passed += 1
            print(f'PASS {what}')


def subprograms(dwarfdump_text):
    """{name: (low_pc, decl_line)} of the DW_TAG_subprogram entries of llvm-dwarfdump's text."""
    result = {}
    for entry in dwarfdump_text.split('DW_TAG_subprogram')[1:]:
        entry = entry.split('DW_TAG_', 1)[0]
        name = re.search(r'DW_AT_name\s+\("([^"]*)"\)', entry)
        low = re.search(r'DW_AT_low_pc\s+\((0x[0-9a-f]+)\)', entry)
        line = re.search(r'DW_AT_decl_line\s+\((\d+)\)', entry)
        if name:
            result[name.group(1)] = (int(low.group(1), 16) if low else None, int(line.group(1)) if line else None)
    return result


def section_bytes(obj, section, work):
    out = os.path.join(work, 'section.bin')
    toolchain.run(['llvm-objcopy-19', '-O', 'binary', f'--only-section={section}', obj, out], 'llvm-objcopy')
    with open(out, 'rb') as f:
        return f.read()


def reassembly_problems(c, g, bpf2arm, bpf_obj, obj, asm, work, flags=None):
    """What differs between the DWARF of obj (bpf2arm g, with flags: default CPU c's) and that
    of the -S g text asm reassembled by llvm-mc."""
    flags = c.bpf2arm_flags() if flags is None else flags
    toolchain.run([bpf2arm, g, '-S', *flags, bpf_obj, '-o', asm], f'bpf2arm {g} -S')
    with open(asm) as f:
        text = f.read()
    problems = [f'no {d} directive in -S {g}' for d in ('.file', '.loc', '.cfi_startproc') if f'\t{d}' not in text]
    reassembled = asm + '.o'
    toolchain.run([toolchain.LLVM_MC, f'-triple={c.triple}', f'-mcpu={c.name}', '-filetype=obj', asm,
                   '-o', reassembled], 'llvm-mc')
    for what in ('--debug-line', '--debug-info', '--debug-frame', '--debug-ranges', '--debug-rnglists'):
        ours, theirs = (toolchain.run([toolchain.DWARFDUMP, what, o], 'llvm-dwarfdump').split('\n', 1)[1]
                        for o in (obj, reassembled))
        if ours != theirs:
            problems.append(f'llvm-dwarfdump {what}: the -S text assembles to another one than the object\'s')
    return problems


def check_programs(ck, cpus, bpf2arm, work):
    """-g on every program of tests/programs and examples/, for each CPU: DWARF that
    llvm-dwarfdump verifies, the code of the object without -g, and -S -g text that
    reassembles to the same DWARF."""
    root = os.path.join(HERE, '..', '..')
    sources = sorted(glob.glob(os.path.join(root, 'tests', 'programs', '*.c')) +
                     glob.glob(os.path.join(root, 'examples', '*', '*.bpf.c')))
    includes = ['-I', os.path.join(root, 'tests', 'programs'), '-I', os.path.join(root, 'runtime-stub', 'include')]
    for c in cpus:
        problems = []
        for src in sources:
            name = os.path.basename(src).split('.')[0]
            bpf_obj = os.path.join(work, f'program-{name}.bpf.o')
            if not os.path.exists(bpf_obj):
                toolchain.run([toolchain.CLANG, *toolchain.BPF_FLAGS, *includes, '-c', src, '-o', bpf_obj], 'clang')
            obj, plain, asm = (os.path.join(work, f'program-{name}-{c.label}.{kind}') for kind in ('g.o', 'o', 's'))
            toolchain.run([bpf2arm, '-g', *c.bpf2arm_flags(), bpf_obj, '-o', obj], 'bpf2arm -g')
            toolchain.run([bpf2arm, *c.bpf2arm_flags(), bpf_obj, '-o', plain], 'bpf2arm')
            verify = toolchain.run([toolchain.DWARFDUMP, '--verify', obj], 'llvm-dwarfdump --verify')
            if 'No errors.' not in verify:
                problems.append(f'{name}: llvm-dwarfdump --verify:\n{verify}')
            if section_bytes(obj, '.text', work) != section_bytes(plain, '.text', work):
                problems.append(f'{name}: -g changed the code (.text)')
            problems += [f'{name}: {p}' for p in reassembly_problems(c, '-g', bpf2arm, bpf_obj, obj, asm, work)]
        ck.record(f'{c.label}: -g on the {len(sources)} programs of tests/programs and examples: verified, the same '
                  'code, -S -g reassembles to the same DWARF', problems)


def check_cpu(ck, c, g, bpf2arm, bpf_obj, work, pie=False):
    """Every check for CPU c (and mode) with the -g option g (-g: DWARF 4, -gdwarf-5); with
    pie, for code compiled -fPIE and linked into a dynamic PIE (Debian's default)."""
    label = c.label + ('' if g == '-g' else ' ' + g) + (' -fPIE' if pie else '')
    version = 5 if g == '-gdwarf-5' else 4
    flags = [*c.bpf2arm_flags()] + (['-fPIE'] if pie else [])
    tag = c.label + g + ('-pie' if pie else '')
    prog_marks, main_marks = marks(PROG), marks(MAIN)
    obj, plain, asm = (os.path.join(work, f'{tag}.{kind}') for kind in ('g.o', 'o', 's'))
    toolchain.run([bpf2arm, g, *flags, bpf_obj, '-o', obj], f'bpf2arm {g}')
    toolchain.run([bpf2arm, *flags, bpf_obj, '-o', plain], 'bpf2arm')

    verify = toolchain.run([toolchain.DWARFDUMP, '--verify', obj], 'llvm-dwarfdump --verify')
    problems = [] if 'No errors.' in verify else [verify]
    units = toolchain.run([toolchain.DWARFDUMP, '--debug-info', obj], 'llvm-dwarfdump')
    if f'version = 0x000{version}' not in units:
        problems.append(f'the unit is not DWARF {version}')
    ck.record(f'{label}: llvm-dwarfdump --verify, DWARF {version}', problems)

    problems = []
    info = subprograms(units)
    # BTF has no declaration lines: decl_line is the line of the function's first
    # instruction, between the line of its name and that of its first statement.
    decl = {'checksum': ('checksum-decl', 'call-scale'), 'scale': ('scale-decl', 'scale-body')}
    for name, (first, last) in decl.items():
        if name not in info:
            problems.append(f'no subprogram {name} (have: {", ".join(info)})')
        elif not prog_marks[first] <= (info[name][1] or 0) <= prog_marks[last]:
            problems.append(f'{name}: decl_line {info[name][1]}, expected {prog_marks[first]}..{prog_marks[last]}')
    ck.record(f'{label}: a subprogram for each function, at its line', problems)

    problems = []
    if section_bytes(obj, '.text', work) != section_bytes(plain, '.text', work):
        problems.append('-g changed the code (.text)')
    sections = toolchain.run([toolchain.READELF, '-S', '--wide', plain], 'readelf')
    if '.debug_' in sections:
        problems.append('the object without -g has debug sections')
    ck.record(f'{label}: -g adds DWARF and leaves the code as it is', problems)

    listing = toolchain.run([toolchain.ARM_OBJDUMP, '-dl', obj], 'objdump -dl')
    missing = [f'prog.bpf.c:{prog_marks[m]}' for m in ('scale-body', 'call-scale')
               if not re.search(rf'prog\.bpf\.c:{prog_marks[m]}\b', listing)]
    ck.record(f'{label}: objdump -dl shows the source lines', [f'no {m} in objdump -dl' for m in missing])

    problems = reassembly_problems(c, g, bpf2arm, bpf_obj, obj, asm, work, flags)
    ck.record(f'{label}: -S {g} reassembles to the same line table, unit and frames', problems)

    exe = os.path.join(work, f'{tag}.exe')
    link = ['-pie'] if pie else ['-static']
    toolchain.run([toolchain.ARM_CC, '-g', '-O0', *toolchain.gcc_arm_flags(c), *link, MAIN, obj, '-o', exe], 'link')
    sysroot = toolchain.ARMHF_SYSROOT if pie else None
    problems = []
    symbols = {}
    for line in toolchain.run([toolchain.ARM_NM, exe], 'nm').splitlines():
        fields = line.split()
        if len(fields) == 3:
            symbols[fields[2]] = int(fields[0], 16)
    linked = subprograms(toolchain.run([toolchain.DWARFDUMP, '--debug-info', exe], 'llvm-dwarfdump'))
    for name, symbol in (('checksum', 'checksum'), ('scale', 'scale')):
        low = linked.get(name, (None, None))[0]
        if low is None or symbol not in symbols:
            problems.append(f'{name}: no low_pc or no symbol after linking')
        elif low != symbols[symbol] & ~1 or low & 1:
            problems.append(f'{name}: low_pc {low:#x}, symbol {symbols[symbol]:#x}')
    ck.record(f'{label}: linked, low_pc is each function\'s address without the Thumb bit', problems)

    body, call, caller = prog_marks['scale-body'], prog_marks['call-scale'], main_marks['call-checksum']
    out = toolchain.debug_under_qemu(c, exe, [f'break prog.bpf.c:{body}', 'break parity', 'continue', 'bt', 'finish',
                                              'delete 1', 'continue', 'bt', 'delete', 'continue'], sysroot=sysroot)
    problems = []
    expectations = [
        (rf'Breakpoint 1 at 0x[0-9a-f]+: file (?:[^\n]*/)?prog\.bpf\.c, line {body}\.', f'break prog.bpf.c:{body} is set'),
        (r'Breakpoint 2 at 0x[0-9a-f]+: file (?:[^\n]*/)?prog\.bpf\.c, line \d+\.',
         'break parity has one location (its body), though C enters it through code of its own'),
        (rf'Breakpoint 1, scale \(.*\) at (?:[^\n]*/)?prog\.bpf\.c:{body}\n', 'stops in scale at the line'),
        (rf'#0  scale \(.*\) at (?:[^\n]*/)?prog\.bpf\.c:{body}\n', 'bt #0 is scale'),
        (rf'#1  0x[0-9a-f]+ in checksum \(.*\) at (?:[^\n]*/)?prog\.bpf\.c:{call}\n', 'bt #1 is checksum at the call'),
        (rf'#2  0x[0-9a-f]+ in main \(\) at (?:[^\n]*/)?main\.c:{caller}\n', 'bt #2 is main at its call'),
        (r'\n(Run till exit from #0 .*\n)?(0x[0-9a-f]+ in )?checksum \(.*\) at (?:[^\n]*/)?prog\.bpf\.c:\d+\n',
         'finish returns into checksum'),
        (r'Breakpoint 2, parity \(.*\) at (?:[^\n]*/)?prog\.bpf\.c:\d+\n', 'stops in parity'),
        (r'#0  parity \(.*\n#1  0x[0-9a-f]+ in parity \(.*\n#2  0x[0-9a-f]+ in main \(\) at (?:[^\n]*/)?main\.c:'
         + str(main_marks['call-parity']) + r'\n', 'bt: parity, its C entry, main at its call'),
        (r'exited normally', 'the program runs to its end'),
    ]
    for pattern, what in expectations:
        if not re.search(pattern, out):
            problems.append(f'{what}: no /{pattern}/')
    if problems:
        problems.append('gdb said:\n' + out)
    elif ck.verbose:
        print(out)
    ck.record(f'{label}: gdb on qemu-arm: break on a BPF source line and on a function, bt through a '
              'bpf-to-bpf call and a C entry, finish', problems)
    output = toolchain.run(toolchain.qemu_command(c, exe, extra=('-L', sysroot) if pie else ()), 'qemu-arm').strip()
    ck.record(f'{label}: the program prints what it should',
              [] if output == expected_output() else [f'printed {output!r}, expected {expected_output()!r}'])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--bpf2arm', required=True)
    ap.add_argument('--mcpu', help='CPUs (CPU or CPU+thumb, comma-separated; default: the default CPU in A32 and T32)')
    ap.add_argument('-v', '--verbose', action='store_true')
    args = ap.parse_args()
    bpf2arm = os.path.abspath(args.bpf2arm)
    missing = toolchain.missing_tools([toolchain.CLANG, toolchain.ARM_CC, toolchain.ARM_NM, toolchain.QEMU,
                                       toolchain.GDB, toolchain.DWARFDUMP, toolchain.ARM_OBJDUMP, toolchain.LLVM_MC,
                                       toolchain.READELF, 'llvm-objcopy-19'])
    if missing:
        print('FAIL missing tools: ' + ', '.join(missing) + ' (scripts/install-deps.sh installs them)')
        return 1
    default = toolchain.cpu(bpf2arm, None).name
    selected = toolchain.select_cpus(bpf2arm, args.mcpu or f'{default},{default}{toolchain.THUMB_SUFFIX}')
    if not args.mcpu:  # and the first M-profile CPU (T32 only), where the table has one
        selected += [c for c in toolchain.cpus(bpf2arm) if c.profile == 'M'][:1]
    ck = Checker(args.verbose)
    with tempfile.TemporaryDirectory(prefix='bpf2arm-debuginfo.') as work:
        bpf_obj = os.path.join(work, 'prog.bpf.o')
        toolchain.run([toolchain.CLANG, *toolchain.BPF_FLAGS, '-c', PROG, '-o', bpf_obj], 'clang')
        # DWARF 4 (the default) in each mode; DWARF 5, and -fPIE code in a dynamic PIE, in the first.
        for c, g, pie in [(c, '-g', False) for c in selected] + [(selected[0], '-gdwarf-5', False),
                                                                  (selected[0], '-g', True)]:
            try:
                check_cpu(ck, c, g, bpf2arm, bpf_obj, work, pie)
            except ToolError as e:
                ck.record(f'{c.label} {g}: the checks ran', [str(e)])
        try:
            check_programs(ck, selected + ([toolchain.cpu(bpf2arm, 'arm1176jzf-s')] if not args.mcpu else []),
                           bpf2arm, work)
        except ToolError as e:
            ck.record('-g on the programs: the checks ran', [str(e)])
    print(f'{ck.passed} passed, {ck.failed} failed')
    return 0 if ck.failed == 0 else 1


if __name__ == '__main__':
    sys.exit(main())
