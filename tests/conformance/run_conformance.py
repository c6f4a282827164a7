#!/usr/bin/env python3
"""Runs bpf_conformance-style .data tests through bpf2arm and qemu-arm.

    run_conformance.py --bpf2arm build/compiler/bpf2arm --tests ../shared/bpf_conformance/tests \
        [--mcpu CPU[,CPU...]|all] [--isa v4] [--require-groups base32,base64,...] [--filter REGEX]
        [--jobs N] [--workdir DIR] [--all]

For each test: assemble it (tests/tools/bpf_asm.py) into a BPF object whose only function is
`conf_<name>`, compile that with bpf2arm, then link every compiled test with one generated C harness
(arm-linux-gnueabihf-gcc -static) and run the harness once under qemu-arm with the CPU's model
(`--mcpu`: bpf2arm's default CPU, a list, or every CPU of `bpf2arm --list-cpus`, one after another).  The harness forks a child
per test (with an alarm), so a crash or a hang fails only that test.  Each test function is called
through the ABI of functions without BTF, `uint64_t f(uint64_t r1, ..., uint64_t r5)`, with
r1 = the address of a writable copy of `-- mem` and r2 = its length (both 0 without mem).  The value
returned must equal `-- result`; a test with `-- error` passes when bpf2arm exits with status 1.

Exit status 0 only when no test failed.
"""

import argparse
import concurrent.futures
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # keep the source tree free of __pycache__
sys.path.insert(0, os.path.join(HERE, '..', 'tools'))
import bpf_asm  # noqa: E402
from arm_harness import link, run_harness  # noqa: E402
import toolchain  # noqa: E402

GROUPS = ['base32', 'base64', 'atomic32', 'atomic64', 'divmul32', 'divmul64', 'callx', 'packet']
# RFC 9669 section 2.4: a group that includes another.
GROUP_INCLUDES = {'base64': ['base32'], 'atomic64': ['atomic32'], 'divmul64': ['divmul32']}
VERSIONS = ['v1', 'v2', 'v3', 'v4']

# Conformance group and ISA version of each instruction (RFC 9669 section 2.4 and Appendix A; the
# version is the -mcpu level of clang/Linux at which the instruction appeared):
#
#   instruction                                          group      version
#   ALU   add sub or and lsh rsh neg xor mov arsh          base32     v1
#   ALU   mov with offset 8/16 (movsx)                     base32     v4
#   ALU   mul div mod                                      divmul32   v1
#   ALU   div mod with offset 1 (sdiv smod)                divmul32   v4
#   ALU   le/be 16, 32   (0xd4, 0xdc)                      base32     v1
#   ALU   le/be 64                                         base64     v1
#   ALU64 add sub or and lsh rsh neg xor mov arsh          base64     v1
#   ALU64 mov with offset 8/16/32 (movsx)                  base64     v4
#   ALU64 mul div mod                                      divmul64   v1
#   ALU64 div mod with offset 1 (sdiv smod)                divmul64   v4
#   ALU64 bswap 16, 32 (0xd7)                              base32     v4
#   ALU64 bswap 64                                         base64     v4
#   JMP   ja, exit, call helper (src 0)                    base32     v1
#   JMP   call local (src 1)                               base32     v1   (*)
#   JMP   jeq jgt jge jset jne jsgt jsge                   base64     v1   (64-bit compare)
#   JMP   jlt jle jslt jsle                                base64     v2
#   JMP   callx (0x8d)                                     callx      v1
#   JMP32 ja with imm (gotol)                              base32     v4
#   JMP32 all conditional jumps                            base32     v3
#   LD    lddw (0x18)                                      base64     v1
#   LD    abs / ind                                        packet     v1
#   LDX/ST/STX MEM b h w                                   base32     v1
#   LDX/ST/STX MEM dw                                      base64     v1
#   LDX   MEMSX b h w (ldsx)                               base64     v4   (sign-extends into 64 bits)
#   STX   ATOMIC w  (add or and xor [fetch], xchg, cmpxchg) atomic32  v3
#   STX   ATOMIC dw                                        atomic64   v3
#
# (*) bpf_conformance's own table puts local calls at v3; clang emits them at -mcpu=v1 too and
#     Linux had them before JMP32, so v1 here.
# A test belongs to every group one of its instructions is in, and needs the highest version.


def classify(words):
    """(set of groups, minimum version 1..4, set of notes) of a program."""
    groups, version, notes = set(), 1, set()

    def need(g, v):
        nonlocal version
        groups.add(g)
        version = max(version, v)

    i = 0
    while i < len(words):
        opcode, dst, src, off, imm = bpf_asm.decode(words[i])
        cls, op = opcode & 7, opcode & 0xf0
        i += 1
        if cls in (bpf_asm.CLS_ALU, bpf_asm.CLS_ALU64):
            wide = cls == bpf_asm.CLS_ALU64
            if op in (0x20, 0x30, 0x90):
                signed = op != 0x20 and off == 1
                need('divmul64' if wide else 'divmul32', 4 if signed else 1)
            elif op == bpf_asm.OP_END:
                if wide:
                    need('base64' if imm == 64 else 'base32', 4)
                else:
                    need('base64' if imm == 64 else 'base32', 1)
            elif op == 0xb0 and opcode & bpf_asm.SRC_X and off != 0:
                need('base64' if wide else 'base32', 4)
            else:
                need('base64' if wide else 'base32', 1)
        elif cls == bpf_asm.CLS_JMP:
            if op == bpf_asm.OP_CALL:
                if opcode & bpf_asm.SRC_X:
                    need('callx', 1)
                    notes.add('callx')
                else:
                    need('base32', 1)
                    notes.add('local call' if src == bpf_asm.CALL_LOCAL else 'helper %d' % imm)
            elif op in (bpf_asm.OP_JA, bpf_asm.OP_EXIT):
                need('base32', 1)
            elif op in (0xa0, 0xb0, 0xc0, 0xd0):
                need('base64', 2)
            else:
                need('base64', 1)
        elif cls == bpf_asm.CLS_JMP32:
            need('base32', 4 if op == bpf_asm.OP_JA else 3)
        elif cls == bpf_asm.CLS_LD:
            mode = opcode & 0xe0
            if mode in (bpf_asm.MODE_ABS, bpf_asm.MODE_IND):
                need('packet', 1)
            else:
                need('base64', 1)
                i += 1  # second slot of lddw
        else:
            size, mode = opcode & 0x18, opcode & 0xe0
            if mode == bpf_asm.MODE_ATOMIC:
                need('atomic64' if size == bpf_asm.SIZES['dw'] else 'atomic32', 3)
            elif mode == bpf_asm.MODE_MEMSX:
                need('base64', 4)
            else:
                need('base64' if size == bpf_asm.SIZES['dw'] else 'base32', 1)
    return groups, version, notes


def expand_groups(names):
    out = set()
    todo = list(names)
    while todo:
        g = todo.pop()
        if g not in out:
            out.add(g)
            todo.extend(GROUP_INCLUDES.get(g, []))
    return out


class Test:
    def __init__(self, path):
        self.path = path
        self.name = os.path.basename(path)[:-len('.data')]
        self.symbol = 'conf_' + re.sub(r'\W', '_', self.name)
        self.groups, self.version, self.notes = set(), 1, set()
        self.status = None      # 'pass' | 'fail' | 'skip'
        self.reason = ''
        self.mem = b''
        self.expected = None
        self.expect_error = False
        self.bpf_obj = self.arm_obj = None
        self.words = []

    def finish(self, status, reason=''):
        if self.status is None:
            self.status, self.reason = status, reason


def load_tests(dirs, regex):
    tests = []
    for d in dirs:
        for name in sorted(os.listdir(d)):
            if name.endswith('.data') and (regex is None or regex.search(name[:-5])):
                tests.append(Test(os.path.join(d, name)))
    seen = {}
    for t in tests:
        # Names that differ only in punctuation must still get distinct symbols.
        n = seen.get(t.symbol, 0)
        seen[t.symbol] = n + 1
        if n:
            t.symbol += '_%d' % n
    return tests


def prepare(t, args, allowed):
    """Parses and assembles one test and decides whether it runs."""
    try:
        with open(t.path) as f:
            sections = bpf_asm.parse_data(f.read())
        t.words = bpf_asm.data_program(sections)
    except (OSError, bpf_asm.AsmError, UnicodeDecodeError) as e:
        t.finish('fail', 'does not assemble: %s' % e)
        return
    t.groups, t.version, t.notes = classify(t.words)
    t.mem = sections.get('mem', b'')
    t.expect_error = 'error' in sections
    t.expected = sections.get('result')
    if t.version > args.isa:
        t.finish('skip', 'needs ISA v%d' % t.version)
    elif allowed is not None and not t.groups <= allowed:
        t.finish('skip', 'group %s not required' % ','.join(sorted(t.groups - allowed)))
    elif not args.all and any(n.startswith('helper') or n == 'callx' for n in t.notes):
        t.finish('skip', 'ubpf-specific helper')
    elif not t.expect_error and t.expected is None:
        t.finish('skip', 'no -- result or -- error')


def compile_one(t, args, workdir):
    t.bpf_obj = os.path.join(workdir, t.symbol + '.bpf.o')
    t.arm_obj = os.path.join(workdir, t.symbol + '.arm.o')
    if os.path.exists(t.arm_obj):
        os.unlink(t.arm_obj)
    bpf_asm.write_bpf_elf(t.bpf_obj, [(t.symbol, t.words)])
    # The suite's programs have no BTF: the raw entry ABI is the one the harness calls.
    cmd = [args.bpf2arm, t.bpf_obj, '-o', t.arm_obj, '-Wno-missing-prototypes', *args.cpu.bpf2arm_flags()] + args.bpf2arm_arg
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=args.compile_timeout)
    except subprocess.TimeoutExpired:
        t.finish('fail', 'bpf2arm timed out after %d s' % args.compile_timeout)
        return
    except OSError as e:
        t.finish('fail', 'cannot run bpf2arm: %s' % e)
        return
    err = r.stderr.strip()
    if t.expect_error:
        if r.returncode == 1:
            t.finish('pass', 'refused as expected: ' + err)
            if os.path.exists(t.arm_obj):
                t.status = None
                t.finish('fail', 'bpf2arm refused the program but left %s behind' % t.arm_obj)
        elif r.returncode == 0:
            t.finish('fail', 'bpf2arm accepted a program the test expects to be refused')
        else:
            t.finish('fail', 'bpf2arm exited with %d (expected 1): %s' % (r.returncode, err))
        return
    if r.returncode < 0:
        t.finish('fail', 'bpf2arm killed by signal %d%s' % (-r.returncode, ': ' + err if err else ''))
    elif r.returncode != 0:
        t.finish('fail', 'bpf2arm exited with %d: %s' % (r.returncode, err or '(no message)'))
    elif not os.path.exists(t.arm_obj):
        t.finish('fail', 'bpf2arm wrote no output')


def report(tests, args):
    failed = [t for t in tests if t.status == 'fail']
    for t in failed:
        reason = t.reason.replace('\n', '\n    ')
        print('FAIL %s [%s, v%d]: %s' % (t.name, ','.join(sorted(t.groups)) or '?', t.version, reason))
    if args.verbose:
        for t in tests:
            if t.status != 'fail':
                print('%s %s [%s, v%d]%s' % (t.status.upper(), t.name, ','.join(sorted(t.groups)), t.version,
                                             ': ' + t.reason if t.reason else ''))

    def row(label, subset):
        c = {s: sum(1 for t in subset if t.status == s) for s in ('pass', 'fail', 'skip')}
        return '  %-10s %7d %7d %8d' % (label, c['pass'], c['fail'], c['skip'])

    print()
    print('  %-10s %7s %7s %8s   (a test counts in every group it uses)' % ('group', 'passed', 'failed', 'skipped'))
    for g in GROUPS:
        subset = [t for t in tests if g in t.groups]
        if subset:
            print(row(g, subset))
    print('  %-10s %7s %7s %8s   (by the highest version a test needs)' % ('ISA', 'passed', 'failed', 'skipped'))
    for i, v in enumerate(VERSIONS, 1):
        subset = [t for t in tests if t.version == i and t.groups]
        if subset:
            print(row(v, subset))
    skips = {}
    for t in tests:
        if t.status == 'skip':
            key = re.sub(r'group \S+ not required', 'group not required', t.reason)
            skips[key] = skips.get(key, 0) + 1
    if skips:
        print('  skipped: ' + ', '.join('%d %s' % (n, k) for k, n in sorted(skips.items())))
    npass = sum(1 for t in tests if t.status == 'pass')
    nskip = sum(1 for t in tests if t.status == 'skip')
    line = '%d passed, %d failed' % (npass, len(failed))
    if nskip:
        line += ', %d skipped' % nskip
    print(line)
    return 1 if failed else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--bpf2arm', required=True, help='the compiler to test')
    ap.add_argument('--tests', required=True, action='append', help='directory of .data files (repeatable)')
    ap.add_argument('--isa', default='v4', choices=VERSIONS, help='highest ISA version to run (default v4)')
    ap.add_argument('--require-groups', help='comma-separated conformance groups; tests using others are skipped')
    ap.add_argument('--filter', help='only tests whose name matches this regular expression (re.search)')
    ap.add_argument('--jobs', type=int, default=2, help='parallel bpf2arm runs (default 2)')
    ap.add_argument('--workdir', help='keep objects, harness and binary here (default: a temporary directory)')
    ap.add_argument('--all', action='store_true', help='also run tests that call ubpf-specific helpers (stubs return 0)')
    ap.add_argument('--timeout', type=int, default=10, help='seconds per test under qemu (default 10)')
    ap.add_argument('--compile-timeout', type=int, default=60, help='seconds per bpf2arm run (default 60)')
    ap.add_argument('--bpf2arm-arg', action='append', default=[], help='extra argument for bpf2arm (repeatable)')
    ap.add_argument('--mcpu', help="CPU, comma-separated CPUs or 'all' (bpf2arm --list-cpus); "
                                   "default: bpf2arm's default CPU")
    ap.add_argument('--cc', default=toolchain.ARM_CC)
    ap.add_argument('--nm', default=toolchain.ARM_NM)
    ap.add_argument('-v', '--verbose', action='store_true', help='also list passed and skipped tests')
    args = ap.parse_args()
    args.isa = VERSIONS.index(args.isa) + 1

    allowed = None
    if args.require_groups:
        names = [g.strip() for g in args.require_groups.split(',') if g.strip()]
        unknown = [g for g in names if g not in GROUPS]
        if unknown:
            ap.error('unknown group(s): %s (known: %s)' % (', '.join(unknown), ', '.join(GROUPS)))
        allowed = expand_groups(names)
    for d in args.tests:
        if not os.path.isdir(d):
            ap.error('no such directory: %s' % d)
    regex = re.compile(args.filter) if args.filter else None
    args.bpf2arm = os.path.abspath(args.bpf2arm)
    if not os.access(args.bpf2arm, os.X_OK):
        print('error: %s is not an executable' % args.bpf2arm, file=sys.stderr)
        return 2

    try:
        cpus = toolchain.select_cpus(args.bpf2arm, args.mcpu)
    except toolchain.ToolError as e:
        print('error: %s' % e, file=sys.stderr)
        return 2
    status = 0
    for cpu in cpus:
        if len(cpus) > 1:
            print('== %s (qemu-arm -cpu %s)' % (cpu.label, toolchain.hosted_qemu_cpu(cpu)))
            sys.stdout.flush()
        args.cpu = cpu
        status |= run_for_cpu(args, allowed, regex, cpu.label if len(cpus) > 1 else '')
    return status


def run_for_cpu(args, allowed, regex, subdir):
    tests = load_tests(args.tests, regex)
    for t in tests:
        prepare(t, args, allowed)

    if args.workdir:
        workdir = os.path.abspath(os.path.join(args.workdir, subdir))
        os.makedirs(workdir, exist_ok=True)
        cleanup = None
    else:
        cleanup = tempfile.TemporaryDirectory(prefix='bpf2arm-conformance.')
        workdir = cleanup.name
    try:
        todo = [t for t in tests if t.status is None]
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            list(pool.map(lambda t: compile_one(t, args, workdir), todo))
        runnable = [t for t in todo if t.status is None]
        if runnable:
            exe, err = link(args, workdir, runnable, 'harness')
            if exe is None:
                # Find the objects that break the link, fail them, and link the others.
                for t in runnable:
                    ok, terr = link(args, workdir, [t], 'link_' + t.symbol)
                    if ok is None:
                        t.finish('fail', 'link failed: ' + terr)
                runnable = [t for t in runnable if t.status is None]
                exe, err = link(args, workdir, runnable, 'harness') if runnable else (None, '')
                if exe is None:
                    for t in runnable:
                        t.finish('fail', 'harness link failed: ' + err)
            if exe is not None:
                run_harness(args, exe, runnable)
    finally:
        if cleanup is not None:
            cleanup.cleanup()
    return report(tests, args)


if __name__ == '__main__':
    sys.exit(main())
