#!/usr/bin/env python3
"""Checks that the assembly text the differential tester writes into minimised .data files
reads back, through tests/tools/bpf_asm.py (the conformance runner's assembler), to exactly
the instruction words of the generated programs.

    check_asm_text.py --difftest build/tests/difftest/difftest [--count 200] [--seed 5]
"""
import argparse
import os
import struct
import subprocess
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'tools'))
import bpf_asm  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--difftest', required=True)
    ap.add_argument('--count', type=int, default=200)
    ap.add_argument('--seed', type=int, default=5)
    args = ap.parse_args()
    differ = 0
    for index in range(args.count):
        out = subprocess.run([args.difftest, 'show', '--seed', str(args.seed), '--index', str(index), '--words'],
                             capture_output=True, text=True, check=True).stdout
        lines = out.splitlines()
        want = [line[3:] for line in lines if line.startswith('#W ')]
        if not want:
            print('program %d: difftest printed no instruction words' % index)
            return 1
        got = ['%02x%02x%04x%08x' % struct.unpack('<BBHI', w)
               for w in bpf_asm.assemble('\n'.join(line for line in lines if not line.startswith('#')))]
        if got != want:
            differ += 1
            slot = next(k for k in range(len(want)) if k >= len(got) or got[k] != want[k])
            print('program %d: slot %d reads back as %s, generated %s'
                  % (index, slot, got[slot] if slot < len(got) else 'nothing', want[slot]))
    print('%d of %d programs read back differently' % (differ, args.count))
    return 1 if differ else 0


if __name__ == '__main__':
    sys.exit(main())
