#!/usr/bin/env python3
"""Writes the fuzz target's seed corpus: the test programs compiled by clang-19, and small
assembled objects, each once per target the selector byte chooses.

    make_corpus.py OUTDIR

Input format of the target (tests/fuzz/fuzz_target.cpp): one selector byte, then the object.
The seeds cover maps (BTF and legacy), global data, callbacks, tail calls, CO-RE, objects
with and without -g (so with and without BTF), hand-assembled code without relocations.
"""
import glob
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, '..', '..'))
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(ROOT, 'tests', 'tools'))
import bpf_asm  # noqa: E402
import toolchain  # noqa: E402

# cortex-a7 A32, arm1176jzf-s A32, cortex-a7 T32, cortex-m4 T32; +8: with the header.
SELECTORS = (0, 1, 2, 3 | 8)

ASSEMBLED = {
    'alu64': 'mov %r0, %r1\nadd %r0, %r2\nmul %r0, 3\nrsh %r0, 7\narsh %r0, 1\nexit',
    'div': 'mov %r0, %r1\ndiv %r0, %r2\nmod %r1, %r3\nadd %r0, %r1\nexit',
    'div32': 'mov32 %r0, %r1\nsdiv32 %r0, %r2\nsmod32 %r1, 7\nadd32 %r0, %r1\nexit',
    'jumps': 'mov %r0, 0\njeq %r1, 0, +2\nadd %r0, 1\nja +1\nsub %r0, 1\njsgt %r2, %r3, -3\nexit',
    'memory': 'stxdw [%r10-8], %r1\nldxw %r0, [%r10-8]\nstb [%r10-16], 7\nldxb %r2, [%r10-16]\nadd %r0, %r2\nexit',
    'atomics': 'stxdw [%r10-8], %r1\nlock add [%r10-8], %r2\nmov %r0, %r1\nlock cmpxchg [%r10-8], %r3\nexit',
    'lddw': 'lddw %r0, 0x1122334455667788\nbe16 %r0\nle32 %r1\nexit',
    'helper': 'mov %r1, 1\ncall 5\nexit',
}


def compile_c(src, out, debug):
    flags = toolchain.BPF_FLAGS if debug else [f for f in toolchain.BPF_FLAGS if f != '-g']
    cmd = [toolchain.CLANG] + flags + ['-I' + os.path.dirname(src), '-c', src, '-o', out]
    return subprocess.run(cmd, capture_output=True).returncode == 0


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    outdir = sys.argv[1]
    os.makedirs(outdir, exist_ok=True)
    objects = {}
    with tempfile.TemporaryDirectory() as work:
        sources = sorted(glob.glob(f'{ROOT}/tests/programs/*.c') + glob.glob(f'{ROOT}/tests/maps/*.bpf.c') +
                         glob.glob(f'{ROOT}/tests/header/*.bpf.c') + glob.glob(f'{ROOT}/tests/callbacks/*.bpf.c') +
                         glob.glob(f'{ROOT}/examples/*/*.bpf.c'))
        for i, src in enumerate(sources):
            name = os.path.basename(src).replace('.bpf.c', '').replace('.c', '')
            obj = os.path.join(work, name + '.o')
            if compile_c(src, obj, debug=True):
                objects[name] = open(obj, 'rb').read()
            if i % 4 == 0 and compile_c(src, obj, debug=False):  # some without BTF
                objects[name + '-nobtf'] = open(obj, 'rb').read()
        for name, text in ASSEMBLED.items():
            obj = os.path.join(work, name + '.o')
            bpf_asm.write_bpf_elf(obj, [(name, bpf_asm.assemble(text))])
            objects['asm-' + name] = open(obj, 'rb').read()
    for name, data in sorted(objects.items()):
        for selector in SELECTORS:
            with open(os.path.join(outdir, f'{name}-{selector}.bin'), 'wb') as f:
                f.write(bytes([selector]) + data)
    print(f'make_corpus: {len(objects)} objects, {len(objects) * len(SELECTORS)} seeds in {outdir}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
