#!/usr/bin/env python3
"""Lowering tests: the shape of the ARM code bpf2arm writes for one idiom per file, and what it computes.

    run_lowering.py --bpf2arm build/compiler/bpf2arm            check (the meson test `lowering`)
    run_lowering.py --bpf2arm build/compiler/bpf2arm --update   regenerate the `-- expect` blocks

Each tests/lowering/*.lower file holds, in the section syntax of the conformance .data files:
    # what idiom, and the ideal code (what clang -O2 emits for the same C)
    -- asm        the BPF program (tests/tools/bpf_asm.py syntax), one function named after the file
    -- mem        optional bytes passed as r1 (their length as r2)
    -- result     R0 worked out by hand from RFC 9669, in a comment above the value
    -- expect CPU [CPU...]    the `bpf2arm -S --mcpu=CPU` text for those CPUs (CPU+thumb: with -mthumb;
                  always the last sections)

The runner compiles every file for each CPU of CPUS, compares the normalised `-S` text with the
expectation (a unified diff on mismatch), runs the objects under qemu-arm through one harness per CPU
(tests/tools/arm_harness.py) and checks R0, so an expectation is never just a snapshot of whatever the
compiler wrote.  It prints the number of ARM instructions per file and CPU, with the expected number
beside it where they differ, and the totals: the summary of a change in code size.

Normalisation keeps every instruction and the labels that instructions refer to (renamed .L1, .L2, ...
in order), and drops directives, comments, unreferenced labels and our division routines
(`__bpf2arm.*`, assembled into objects that call them; the calls stay).

--update rewrites the `-- expect` blocks (one block for CPUs whose text is equal) and leaves the rest of
each file alone; it still runs the programs and fails when a result is wrong, and its counts show the
old and the new size.  Review the diff.
"""

import argparse
import concurrent.futures
import difflib
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # keep the source tree free of __pycache__
sys.path.insert(0, os.path.join(HERE, '..', 'tools'))
import arm_harness  # noqa: E402
import toolchain  # noqa: E402
import bpf_asm  # noqa: E402

# An ARMv7-A CPU with hardware divide, an ARMv6 one without MOVW/MOVT, divide, ubfx/bfi,
# the first one's T32 code (toolchain.THUMB_CPUS) and an M-profile CPU's (T32 only, no ldrexd).
CPUS = ('cortex-a7', 'arm1176jzf-s', 'cortex-a7' + toolchain.THUMB_SUFFIX, 'cortex-m4')
# C definitions of the helpers the programs call (they clobber the caller-saved registers).
HELPERS_C = os.path.join(HERE, 'helpers.c')
EXPECT_RE = re.compile(r'^--\s*expect\s+(.*?)\s*$')
# Directives that put bytes into the code (literal pools); everything else that starts with '.' goes.
DATA_DIRECTIVES = ('.long', '.word', '.short', '.hword', '.byte', '.inst', '.inst.n', '.inst.w')
LOCAL_LABEL_RE = re.compile(r'\.L[\w$.]+')


def normalize(asm_text):
    """The -S text reduced to functions, referenced labels and instructions; (lines, instruction count)."""
    items = []  # ('func', name) | ('label', name) | ('insn', mnemonic, operands)
    in_routine = False
    for raw in asm_text.splitlines():
        line = raw.split('@', 1)[0].strip()
        if not line:
            continue
        label = re.fullmatch(r'("[^"]+"|[^\s"]+):', line)
        if label:
            name = label.group(1).strip('"')
            if name.startswith('.L'):
                if not in_routine:
                    items.append(('label', name))
            else:
                in_routine = name.startswith('__bpf2arm.')
                if not in_routine:
                    items.append(('func', name))
            continue
        parts = line.split(None, 1)
        if in_routine or (line.startswith('.') and parts[0] not in DATA_DIRECTIVES):
            continue
        items.append(('insn', parts[0], re.sub(r'\s+', ' ', parts[1]) if len(parts) > 1 else ''))

    referenced = set()
    for item in items:
        if item[0] == 'insn':
            referenced.update(LOCAL_LABEL_RE.findall(item[2]))
    renamed = {}
    for item in items:
        if item[0] == 'label' and item[1] in referenced:
            renamed[item[1]] = '.L%d' % (len(renamed) + 1)

    def rename(match):
        return renamed.get(match.group(0), match.group(0))

    out, count = [], 0
    for item in items:
        if item[0] == 'func':
            if out:
                out.append('')
            out.append(item[1] + ':')
        elif item[0] == 'label':
            if item[1] in renamed:
                out.append(renamed[item[1]] + ':')
        else:
            count += 1
            operands = LOCAL_LABEL_RE.sub(rename, item[2])
            out.append(('    %-7s %s' % (item[1], operands)).rstrip())
    return out, count


class LoweringTest:
    """One .lower file."""

    def __init__(self, path):
        self.path = path
        self.name = os.path.basename(path)[:-len('.lower')]
        self.symbol = re.sub(r'\W', '_', self.name)
        self.head = ''          # the file up to its first `-- expect`
        self.expected = {}      # cpu -> list of lines
        self.words = []
        self.mem = b''
        self.result = None
        self.got = {}           # cpu -> (lines, instruction count)
        self.objects = {}       # cpu -> path of the ARM object
        self.problems = []      # what failed, for the report

    def load(self):
        with open(self.path) as f:
            lines = f.read().splitlines()
        first = next((i for i, l in enumerate(lines) if EXPECT_RE.match(l)), len(lines))
        self.head = '\n'.join(lines[:first]).rstrip('\n') + '\n'
        cpus = None
        for line in lines[first:]:
            m = EXPECT_RE.match(line)
            if m:
                cpus = m.group(1).split()
                for cpu in cpus:
                    if cpu in self.expected:
                        raise bpf_asm.AsmError('two -- expect blocks for %s' % cpu)
                    self.expected[cpu] = []
            elif line.startswith('--') and not line.startswith('---'):
                raise bpf_asm.AsmError('-- expect blocks must be the last sections')
            else:
                for cpu in cpus:
                    self.expected[cpu].append(line.rstrip())
        for cpu in self.expected:
            while self.expected[cpu] and not self.expected[cpu][-1]:
                self.expected[cpu].pop()
            while self.expected[cpu] and not self.expected[cpu][0]:
                self.expected[cpu].pop(0)
        sections = bpf_asm.parse_data(self.head)
        self.words = bpf_asm.data_program(sections)
        self.mem = sections.get('mem', b'')
        self.result = sections.get('result')
        if self.result is None:
            raise bpf_asm.AsmError('no -- result')


class HarnessView:
    """What arm_harness needs of one test on one CPU (its `expected` is the value of R0)."""

    def __init__(self, test, cpu):
        self.test, self.cpu = test, cpu
        self.symbol, self.mem = test.symbol, test.mem
        self.arm_obj = test.objects[cpu]
        self.expected = test.result
        self.status = None

    def finish(self, status, reason=''):
        if self.status is None:
            self.status = status
            if status == 'fail':
                self.test.problems.append('%s: %s' % (self.cpu, reason))


def bpf2arm(args, cmd):
    r = subprocess.run([args.bpf2arm] + cmd, capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        raise RuntimeError('bpf2arm %s exited with %d: %s' % (' '.join(cmd), r.returncode, r.stderr.strip()))
    return r.stdout


def compile_test(t, args, workdir):
    bpf_obj = os.path.join(workdir, t.symbol + '.bpf.o')
    bpf_asm.write_bpf_elf(bpf_obj, [(t.symbol, t.words)])
    for cpu in args.cpus:
        obj = os.path.join(workdir, cpu, t.symbol + '.arm.o')
        flags = toolchain.cpu(args.bpf2arm, cpu).bpf2arm_flags()
        try:
            t.got[cpu] = normalize(bpf2arm(args, [bpf_obj, *flags, '-S', '-o', '-']))
            bpf2arm(args, [bpf_obj, *flags, '-o', obj])
            t.objects[cpu] = obj
        except (RuntimeError, subprocess.TimeoutExpired) as e:
            t.problems.append('%s: %s' % (cpu, e))


def run_programs(args, workdir, tests, cpu):
    views = [HarnessView(t, cpu) for t in tests if cpu in t.objects]
    if not views:
        return
    args.cpu = toolchain.cpu(args.bpf2arm, cpu)  # the qemu model the harness runs on
    exe, err = arm_harness.link(args, os.path.join(workdir, cpu), views, 'harness', [HELPERS_C])
    if exe is None:
        for v in views:
            v.finish('fail', 'harness link failed: ' + err)
        return
    arm_harness.run_harness(args, exe, views)


def compare(t, cpus, update):
    """Diffs of the text against the expectation; with update, rewrites the expect blocks."""
    if update:
        if all(cpu in t.got for cpu in cpus):
            write_expectations(t, cpus)
        return
    for cpu in cpus:
        if cpu not in t.got:
            continue
        if cpu not in t.expected:
            t.problems.append('%s: no -- expect block (run with --update)' % cpu)
            continue
        got = t.got[cpu][0]
        if got != t.expected[cpu]:
            diff = difflib.unified_diff(t.expected[cpu], got, 'expected %s' % cpu, 'bpf2arm -S', lineterm='')
            t.problems.append('%s: code differs from the expectation:\n%s' % (cpu, '\n'.join(diff)))


def write_expectations(t, cpus):
    groups = []  # [cpus, lines]: CPUs with equal text share one block
    for cpu in cpus:
        lines = t.got[cpu][0]
        same = next((g for g in groups if g[1] == lines), None)
        if same:
            same[0].append(cpu)
        else:
            groups.append([[cpu], lines])
    # Blocks of CPUs this run did not compile stay as they were.
    kept = [cpu for cpu in t.expected if cpu not in cpus]
    text = [t.head.rstrip('\n')]
    for group_cpus, lines in groups + [[[cpu], t.expected[cpu]] for cpu in kept]:
        text.append('-- expect ' + ' '.join(group_cpus))
        text.extend(lines)
    with open(t.path, 'w') as f:
        f.write('\n'.join(text) + '\n')


def expected_count(t, cpu):
    """Instructions in the expectation (counted as normalize counts them)."""
    lines = t.expected.get(cpu)
    if lines is None:
        return None
    return sum(1 for l in lines if l.startswith('    '))


def report(tests, cpus):
    failed = [t for t in tests if t.problems]
    for t in failed:
        print('FAIL %s' % t.name)
        for p in t.problems:
            print('  ' + p.replace('\n', '\n  '))
    print()
    print('ARM instructions per file (expected -> now where they differ)')
    print('  %-24s' % 'file' + ''.join('%16s' % c for c in cpus))
    totals = {cpu: [0, 0] for cpu in cpus}
    for t in tests:
        cells = []
        for cpu in cpus:
            now = t.got.get(cpu, (None, None))[1]
            before = expected_count(t, cpu)
            totals[cpu][0] += before or 0
            totals[cpu][1] += now or 0
            if now is None:
                cells.append('-')
            elif before is None or before == now:
                cells.append(str(now))
            else:
                cells.append('%d -> %d' % (before, now))
        print('  %-24s' % t.name + ''.join('%16s' % c for c in cells))
    cells = []
    for cpu in cpus:
        before, now = totals[cpu]
        cells.append(str(now) if before == now else '%d -> %d' % (before, now))
    print('  %-24s' % 'total' + ''.join('%16s' % c for c in cells))
    print('%d passed, %d failed' % (len(tests) - len(failed), len(failed)))
    return 1 if failed else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--bpf2arm', required=True, help='the compiler to test')
    ap.add_argument('--tests', default=HERE, help='directory of .lower files (default: this one)')
    ap.add_argument('--update', action='store_true', help='rewrite the -- expect blocks from the current output')
    ap.add_argument('--filter', help='only files whose name matches this regular expression (re.search)')
    ap.add_argument('--cpu', action='append', dest='cpus', help='CPU to compile for (repeatable; default: %s)'
                    % ', '.join(CPUS))
    ap.add_argument('--jobs', type=int, default=2, help='parallel bpf2arm runs (default 2)')
    ap.add_argument('--workdir', help='keep objects and harnesses here (default: a temporary directory)')
    ap.add_argument('--timeout', type=int, default=10, help='seconds per program under qemu (default 10)')
    ap.add_argument('--cc', default=toolchain.ARM_CC)
    ap.add_argument('--nm', default=toolchain.ARM_NM)
    args = ap.parse_args()
    args.all = False  # every helper the programs call is defined in helpers.c
    args.cpus = args.cpus or list(CPUS)
    args.bpf2arm = os.path.abspath(args.bpf2arm)
    if not os.access(args.bpf2arm, os.X_OK):
        print('error: %s is not an executable' % args.bpf2arm, file=sys.stderr)
        return 2
    regex = re.compile(args.filter) if args.filter else None
    tests = [LoweringTest(os.path.join(args.tests, n)) for n in sorted(os.listdir(args.tests))
             if n.endswith('.lower') and (regex is None or regex.search(n[:-len('.lower')]))]
    if not tests:
        print('error: no .lower files in %s' % args.tests, file=sys.stderr)
        return 2

    cleanup = None
    if args.workdir:
        workdir = os.path.abspath(args.workdir)
    else:
        cleanup = tempfile.TemporaryDirectory(prefix='bpf2arm-lowering.')
        workdir = cleanup.name
    try:
        for cpu in args.cpus:
            os.makedirs(os.path.join(workdir, cpu), exist_ok=True)
        loaded = []
        for t in tests:
            try:
                t.load()
                loaded.append(t)
            except (OSError, UnicodeDecodeError, bpf_asm.AsmError) as e:
                t.problems.append('cannot read: %s' % e)
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            list(pool.map(lambda t: compile_test(t, args, workdir), loaded))
        for cpu in args.cpus:
            run_programs(args, workdir, loaded, cpu)
        for t in loaded:
            compare(t, args.cpus, args.update)
    finally:
        if cleanup is not None:
            cleanup.cleanup()
    return report(tests, args.cpus)


if __name__ == '__main__':
    sys.exit(main())
