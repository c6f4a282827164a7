#!/usr/bin/env python3
"""Runs every regression input of the fuzz target (tests/fuzz/regressions/*.bin) through
bpf2arm itself, as the target would compile it.

    run_regressions.py --bpf2arm build/compiler/bpf2arm

An input is the target's: one selector byte (bits 0-1: cortex-a7, arm1176jzf-s, cortex-a7
-mthumb, cortex-m4; bit 2: -O0; bit 3: --header), then the object. Each must compile (exit 0,
nothing on stderr but warnings) or be refused (exit 1, one line in a form of SPEC section 2,
no "internal error", no output left), never crash; an output may not be much larger than its
input. Prints PASS/FAIL per input.
"""
import argparse
import glob
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(HERE, '..', 'tools'))
import toolchain  # noqa: E402

TARGETS = (['-mcpu=cortex-a7'], ['-mcpu=arm1176jzf-s'], ['-mcpu=cortex-a7', '-mthumb'], ['-mcpu=cortex-m4'])


def flags(selector, out):
    args = list(TARGETS[selector & 3])
    if selector & 4:
        args.append('-O0')
    if selector & 8:
        args += ['--header', out + '.h']
    return args


def check(bpf2arm, path, work):
    data = open(path, 'rb').read()
    if not data:
        return ['empty input: the target needs a selector byte']
    inp, out = os.path.join(work, 'in.o'), os.path.join(work, 'out', 'out.o')
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(inp, 'wb') as f:
        f.write(data[1:])
    try:
        r = subprocess.run([bpf2arm, inp, '-o', out] + flags(data[0], out), capture_output=True, text=True,
                           errors='replace', timeout=120)
    except subprocess.TimeoutExpired:
        return ['no answer within 120 s']
    lines = [l for l in r.stderr.splitlines() if l.strip()]
    left = os.listdir(os.path.dirname(out))
    out_size = os.path.getsize(out) if os.path.exists(out) else 0
    for f in left:
        os.unlink(os.path.join(os.path.dirname(out), f))
    if r.returncode == 0:
        problems = [] if all(': warning: ' in l for l in lines) else ['compiled with messages: ' + r.stderr.strip()]
        # An object of a few KB never needs a large ARM object; a 2^58 alignment once made 4 GB.
        # The same bound as the fuzz target's (fuzz_target.cpp).
        if out_size > 64 * len(data) + (1 << 20):
            problems.append('an output of %d bytes from an input of %d' % (out_size, len(data)))
        return problems
    if r.returncode != 1:
        return ['exit status %d: %s' % (r.returncode, r.stderr.strip()[-500:])]
    problems = []
    if len(lines) != 1 or toolchain.parse_diagnostic(lines[0], inp) is None:
        problems.append('not one error line in the form of SPEC section 2: ' + r.stderr.strip())
    if 'internal error' in r.stderr:
        problems.append('an internal error: ' + r.stderr.strip())
    if left:
        problems.append('output left behind: %s' % left)
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--bpf2arm', required=True)
    ap.add_argument('--inputs', default=os.path.join(HERE, 'regressions'))
    args = ap.parse_args()
    inputs = sorted(glob.glob(os.path.join(args.inputs, '*.bin')))
    failed = 0
    with tempfile.TemporaryDirectory(prefix='bpf2arm-fuzz-regressions.') as work:
        for path in inputs:
            problems = check(os.path.abspath(args.bpf2arm), path, work)
            name = os.path.basename(path)
            if problems:
                failed += 1
                print('FAIL %s: %s' % (name, '\n     '.join(problems)))
            else:
                print('PASS %s' % name)
    print('%d passed, %d failed' % (len(inputs) - failed, failed))
    return 0 if failed == 0 else 1


if __name__ == '__main__':
    sys.exit(main())
