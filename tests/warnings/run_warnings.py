#!/usr/bin/env python3
"""Checks the warning about helpers the runtime stub lacks, and -Werror.

    run_warnings.py --bpf2arm build/compiler/bpf2arm [-v]

- The stub and bpf2arm agree: runtime-stub/*.c, compiled for ARM by the firmware's compiler
  and read with nm, defines exactly the standard helpers (libbpf's bpf_helper_defs.h) that a
  program may call without a warning; every other one gets one warning naming bpf_NAME.
- The README's table of the stub's helpers names exactly the helpers the stub defines.
- The stub defines no function that libbpf's user-space API (bpf/bpf.h, bpf/libbpf.h)
  declares: it has the three helpers whose names that API uses as bpf2arm_map_*_elem.
- From C: a helper the stub lacks, called twice in one function, gives exactly one line
  `file.c:LINE:COL: warning: ... (in FUNCTION, insn N of IN.o)` at the first call (its line and
  column in the C source), exit 0 and an object; with -Werror (and --Werror) the same line says `error:`, exit 1, no output file;
  -Wno-error after -Werror undoes it; the id declared with --helper gives no warning.

Prints PASS/FAIL per case and a final `N passed, N failed`; exit status 0 only when all passed.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, '..', '..'))
sys.dont_write_bytecode = True  # keep the source tree free of __pycache__
sys.path.insert(0, os.path.join(HERE, '..', 'tools'))
sys.path.insert(0, os.path.join(ROOT, 'scripts'))
import bpf_asm  # noqa: E402
import toolchain  # noqa: E402
from gen_helper_btf import helpers as libbpf_helpers  # noqa: E402

HELPER_DEFS = '/usr/include/bpf/bpf_helper_defs.h'
LIBBPF_API_HEADERS = ['/usr/include/bpf/bpf.h', '/usr/include/bpf/libbpf.h']
MISSING = 'bpf_get_socket_cookie'  # a standard helper that has no meaning on firmware
MISSING_ID = 46


def libbpf_api_functions():
    """The functions libbpf's user-space headers declare (`LIBBPF_API T name(`)."""
    names = set()
    for header in LIBBPF_API_HEADERS:
        names.update(re.findall(r'LIBBPF_API[^;{(]*?\b(\w+)\s*\(', open(header).read()))
    return names


def stub_functions(work):
    """Every global or weak function runtime-stub/*.c defines as the ARM compiler builds it."""
    names = set()
    stub = os.path.join(ROOT, 'runtime-stub')
    for source in sorted(f for f in os.listdir(stub) if f.endswith('.c')):
        obj = os.path.join(work, source + '.o')
        toolchain.run([toolchain.ARM_CC, '-std=c11', '-O2', '-ffreestanding', '-I', os.path.join(stub, 'include'),
                       '-c', os.path.join(stub, source), '-o', obj], 'compiling ' + source)
        for line in toolchain.run([toolchain.ARM_NM, '--defined-only', obj]).splitlines():
            fields = line.split()
            if len(fields) == 3 and fields[1] in 'TW':
                names.add(fields[2])
    return names


def stub_helpers(functions, libbpf_api):
    """The helpers (bpf_NAME) among the stub's functions: bpf_* ones, bpf2arm_NAME for a
    bpf_NAME of libbpf's user-space API, and bpf_tail_call, which bpf2arm lowers onto
    bpf2arm_tail_call_target."""
    names = {f for f in functions if f.startswith('bpf_')}
    names.update('bpf_' + f[len('bpf2arm_'):] for f in functions
                 if f.startswith('bpf2arm_') and 'bpf_' + f[len('bpf2arm_'):] in libbpf_api)
    if 'bpf2arm_tail_call_target' in functions:
        names.add('bpf_tail_call')
    return names


def compile_bpf(bpf2arm, src, out, *extra):
    return subprocess.run([bpf2arm, src, '-o', out, *extra], capture_output=True, text=True)


def check_every_helper(bpf2arm, work, stub):
    """One function calling every standard id: a warning for exactly those the stub lacks."""
    table = dict(libbpf_helpers(open(HELPER_DEFS).read()))  # id -> name
    ids = sorted(table)
    refused = {}
    while True:
        text = ''.join(f'call {i}\n' for i in ids) + 'exit\n'
        obj = os.path.join(work, 'every_helper.o')
        bpf_asm.write_bpf_elf(obj, [('every_helper', bpf_asm.assemble(text))])
        # The function has no BTF (assembled): its raw ABI is meant, only the helpers' warnings count.
        r = compile_bpf(bpf2arm, obj, os.path.join(work, 'every_helper.arm.o'), '-Wno-missing-prototypes')
        if r.returncode == 0:
            break
        # A helper whose prototype cannot be called (variadic) is an error: leave it out.
        m = re.search(r'error: .*\(id (\d+)\)', r.stderr)
        if r.returncode != 1 or not m or int(m.group(1)) not in ids:
            return [f'bpf2arm failed unexpectedly:\n{r.stderr}'], len(ids), 0, refused
        refused[int(m.group(1))] = r.stderr.strip()
        ids.remove(int(m.group(1)))
    problems = []
    warned = {}
    for line in r.stderr.splitlines():
        m = re.fullmatch(r'\S+: warning: every_helper: insn (\d+): helper (bpf_\w+) \(id (\d+)\) is not in the '
                         r'runtime stub: the firmware must define (bpf_\w+)', line)
        if not m or m.group(2) != m.group(4) or table.get(int(m.group(3))) != m.group(2):
            problems.append(f'unexpected line: {line}')
            continue
        warned.setdefault(m.group(2), 0)
        warned[m.group(2)] += 1
    expected = {table[i] for i in ids} - stub
    for name in sorted(expected - set(warned)):
        problems.append(f'no warning for {name}, which the stub does not define')
    for name in sorted(set(warned) - expected):
        problems.append(f'a warning for {name}, which the stub defines')
    for name, count in sorted(warned.items()):
        if count != 1:
            problems.append(f'{count} warnings for {name}, expected one')
    return problems, len(ids), len(warned), refused


def readme_helpers():
    """The helper names of the README's table of the stub's helpers (`a{,_b}` spells a, a_b)."""
    text = open(os.path.join(ROOT, 'README.md')).read()
    start = text.index('The helpers the stub implements')
    table = text[start:text.index('\n\n', text.index('|---|', start))]
    names = set()
    for row in table.splitlines():
        cells = row.split('|')
        if len(cells) < 3 or '---' in row or cells[1].strip() == 'helpers':
            continue
        # `bpf_printk` there is the macro, not a helper: helpers are named without bpf_.
        for spelled in re.findall(r'`([a-z0-9_{},]+)`', cells[1]):
            if spelled.startswith('bpf_'):
                continue
            m = re.fullmatch(r'(\w+)\{([\w,]*)\}', spelled)
            variants = [m.group(1) + suffix for suffix in m.group(2).split(',')] if m else [spelled]
            names.update('bpf_' + v for v in variants)
    return names


C_PROGRAM = '''#include <linux/types.h>
#include <bpf/bpf_helpers.h>

__u64 cookie_twice(void *ctx)
{
	__u64 first = bpf_get_socket_cookie(ctx);
	return first + bpf_get_socket_cookie(ctx) + bpf_ktime_get_ns();
}
'''


def run_c_cases(bpf2arm, work, record):
    src = os.path.join(work, 'cookie.bpf.c')
    obj = os.path.join(work, 'cookie.bpf.o')
    with open(src, 'w') as f:
        f.write(C_PROGRAM)
    toolchain.run([toolchain.CLANG, *toolchain.BPF_FLAGS, '-c', src, '-o', obj], 'clang')
    first_call = '\t__u64 first = bpf_get_socket_cookie(ctx);'
    line = 1 + C_PROGRAM.splitlines().index(first_call)
    column = 1 + first_call.index(MISSING)  # where clang's line info places the call
    pattern = (re.escape(src) + f':{line}:{column}' + r': (?P<kind>warning|error): helper ' + MISSING + f' \\(id {MISSING_ID}\\) '
               r'is not in the runtime stub: the firmware must define ' + MISSING +
               r' \(in cookie_twice, insn \d+ of ' + re.escape(obj) + r'\)')

    def case(name, args, status, kind):
        out_dir = tempfile.mkdtemp(dir=work)
        out = os.path.join(out_dir, 'cookie.arm.o')
        r = compile_bpf(bpf2arm, obj, out, *args)
        problems = []
        if r.returncode != status:
            problems.append(f'exit status {r.returncode}, expected {status}')
        lines = r.stderr.splitlines()
        if kind is None:
            if lines:
                problems.append('expected no message, got: ' + r.stderr.strip())
        else:
            m = re.fullmatch(pattern, lines[0]) if len(lines) == 1 else None
            if not m or m.group('kind') != kind:
                problems.append(f'expected exactly one {kind} line matching {pattern}, got:\n{r.stderr}')
        left = sorted(os.listdir(out_dir))
        if (status == 0) != (left == ['cookie.arm.o']):
            problems.append(f'output directory holds {left}')
        record(name, problems)

    case('warning from C: one line at the first call', [], 0, 'warning')
    case('-Werror: the warning is an error, no output', ['-Werror'], 1, 'error')
    case('--Werror: the same', ['--Werror'], 1, 'error')
    case('-Wno-error after -Werror: a warning again', ['-Werror', '-Wno-error'], 0, 'warning')
    case('--helper declares the id: no warning', ['-Werror', '--helper', f'{MISSING_ID}=__u64 my_cookie(void *ctx)'],
         0, None)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--bpf2arm', required=True)
    ap.add_argument('-v', '--verbose', action='store_true')
    args = ap.parse_args()
    bpf2arm = os.path.abspath(args.bpf2arm)
    checks = toolchain.Checks()
    record = checks.record
    missing = toolchain.missing_tools([toolchain.CLANG, toolchain.ARM_CC, toolchain.ARM_NM])
    if missing:
        print('FAIL missing tools: ' + ', '.join(missing))
        return 1
    with tempfile.TemporaryDirectory(prefix='bpf2arm-warnings.') as work:
        functions, libbpf_api = stub_functions(work), libbpf_api_functions()
        stub = stub_helpers(functions, libbpf_api)
        record(f'the stub defines no function of libbpf\'s user-space API ({len(libbpf_api)} names)',
               [f'runtime-stub defines {n}, which libbpf declares too' for n in sorted(functions & libbpf_api)] +
               ([] if len(libbpf_api) > 100 else [f'only {len(libbpf_api)} names read from {LIBBPF_API_HEADERS}']))
        problems, called, warned, refused = check_every_helper(bpf2arm, work, stub)
        if args.verbose:
            print(f'     {called} helper ids called, {warned} warned, stub defines {len(stub)}; '
                  f'refused: {sorted(refused)}')
        record(f'every standard helper: a warning exactly when the stub lacks it ({warned} of {called})', problems)
        documented = readme_helpers()
        record('README lists exactly the helpers the stub defines',
               [f'README lists {n}, which the stub does not define' for n in sorted(documented - stub)] +
               [f'README does not list {n}, which the stub defines' for n in sorted(stub - documented)])
        run_c_cases(bpf2arm, work, record)
    return checks.summary()


if __name__ == '__main__':
    sys.exit(main())
