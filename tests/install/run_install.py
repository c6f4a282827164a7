#!/usr/bin/env python3
"""`meson install` gives a firmware build everything it needs (issue 10, item 5).

    run_install.py --build-dir BUILD [-v]

Installs BUILD into a staging directory (`meson install --destdir`; the pkg-config, CMake
and Make files find the prefix from where they are, so the staged tree is a prefix) and
checks:
- the tree: bin/bpf2arm runs; include/bpf2arm has every header of runtime-stub/include/bpf2arm,
  share/bpf2arm/runtime-stub every source and private header of runtime-stub/; the man page
  renders without a groff warning and names every option of `bpf2arm --help`;
- pkg-config: --cflags finds <bpf2arm/runtime.h>; runtime_sources names every installed source;
- a firmware built from the prefix alone (tests/install/project, copied away from the
  checkout) with Make (the installed bpf2arm.mk through pkg-config) and with CMake
  (find_package(bpf2arm), bpf2arm_add_program, bpf2arm_add_runtime) for armhf, run under
  qemu-arm: it prints the totals Python computes from the program's definition;
- dependencies: a second build does nothing; editing weights.h, which only the BPF program
  includes, rebuilds it through clang's dependency file and the firmware prints the totals
  of the new weight.
"""
import argparse
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'tools'))
import toolchain  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_ROOT = os.path.normpath(os.path.join(HERE, '..', '..'))


def expected_output(weight):
    """What main.c prints, from accumulate.bpf.c's definition: slot i % 16 gains i * weight."""
    lines = [f'out of range {2**64 - 1}']
    for slot in range(16):
        lines.append(f'slot {slot} total {weight * sum(i for i in range(100) if i % 16 == slot)}')
    lines.append('calls 101')
    return lines


def run(cmd, cwd=None, env=None):
    r = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    return r.returncode, r.stdout + r.stderr


def check_tree(ck, prefix):
    problems = []
    code, out = run([os.path.join(prefix, 'bin', 'bpf2arm'), '--version'])
    if code != 0 or not out.startswith('bpf2arm '):
        problems.append(f'bin/bpf2arm --version: exit {code}: {out.strip()}')
    wanted = [('include/bpf2arm', os.path.join(SOURCE_ROOT, 'runtime-stub', 'include', 'bpf2arm'), '*.h'),
              ('share/bpf2arm/runtime-stub', os.path.join(SOURCE_ROOT, 'runtime-stub'), '*.c'),
              ('share/bpf2arm/runtime-stub', os.path.join(SOURCE_ROOT, 'runtime-stub'), '*.h')]
    for installed, source, pattern in wanted:
        for path in glob.glob(os.path.join(source, pattern)):
            if not os.path.isfile(os.path.join(prefix, installed, os.path.basename(path))):
                problems.append(f'{installed}/{os.path.basename(path)} is not installed')
    for path in ['share/pkgconfig/bpf2arm.pc', 'share/cmake/bpf2arm/bpf2armConfig.cmake',
                 'share/cmake/bpf2arm/bpf2armConfigVersion.cmake', 'share/bpf2arm/bpf2arm.mk',
                 'share/man/man1/bpf2arm.1']:
        if not os.path.isfile(os.path.join(prefix, path)):
            problems.append(f'{path} is not installed')
    ck.record('the installed tree: the binary, every runtime header and source, pkg-config, CMake, Make, man', problems)


def check_man_page(ck, prefix, bpf2arm):
    page = os.path.join(prefix, 'share', 'man', 'man1', 'bpf2arm.1')
    r = subprocess.run(['groff', '-man', '-Tutf8', '-ww', '-z', page], capture_output=True, text=True)
    problems = [f'groff: {r.stderr.strip()}'] if r.returncode or r.stderr else []
    rendered = subprocess.run(['groff', '-man', '-Tascii', '-P', '-cbou', page], capture_output=True,
                              text=True).stdout
    rendered = re.sub(r'-\n\s*', '-', rendered)
    _, help_text = run([bpf2arm, '--help'])
    options = set(re.findall(r'(?<![\w-])(--[a-z][a-z-]+)', help_text))
    options |= {'-' + letter for letter in re.findall(r'^\s+-(\w)[ ,]', help_text, re.M)} - {'-m', '-W', '-O', '-f', '-M'}
    options |= {'-mcpu=', '-mthumb', '-marm', '-Werror', '-O0', '-MD', '-MF', '-MT', '-MQ', '-fPIC'}
    problems += [f'the man page does not name {o}' for o in sorted(options) if o not in rendered]
    ck.record(f'the man page renders without warnings and names the {len(options)} options of --help', problems)


def check_pkg_config(ck, env):
    problems = []
    code, cflags = run(['pkg-config', '--cflags', 'bpf2arm'], env=env)
    include = [f[2:] for f in cflags.split() if f.startswith('-I')]
    if code or not any(os.path.isfile(os.path.join(d, 'bpf2arm', 'runtime.h')) for d in include):
        problems.append(f'pkg-config --cflags bpf2arm: {cflags.strip()!r} finds no bpf2arm/runtime.h')
    code, sources = run(['pkg-config', '--variable=runtime_sources', 'bpf2arm'], env=env)
    names = sorted(os.path.basename(s) for s in sources.split())
    wanted = sorted(os.path.basename(s) for s in glob.glob(os.path.join(SOURCE_ROOT, 'runtime-stub', '*.c')))
    if names != wanted:
        problems.append(f'runtime_sources names {names}, the runtime has {wanted}')
    problems += [f'{s} does not exist' for s in sources.split() if not os.path.isfile(s)]
    ck.record('pkg-config: --cflags finds the headers, runtime_sources every runtime source', problems)


def run_firmware(c, exe, weight):
    got, problem = toolchain.execute(toolchain.qemu_command(c, exe), os.path.basename(exe))
    difference = toolchain.compare(expected_output(weight), got, problem)
    return [difference] if difference else []


def set_weight(project, weight):
    with open(os.path.join(project, 'weights.h'), 'w') as f:
        f.write(f'#define WEIGHT {weight}\n')


def check_make(ck, work, env, c):
    project = os.path.join(work, 'make-firmware')
    shutil.copytree(os.path.join(HERE, 'project'), project)
    cflags = ' '.join(['-O1', *toolchain.gcc_arm_flags(c)])
    make = ['make', f'CC={toolchain.ARM_CC}', f'CFLAGS={cflags}', 'LDFLAGS=-static']
    code, out = run(make + ['firmware'], cwd=project, env=env)
    if code:
        return ck.record('Make: a firmware from the installed prefix', [f'make: {out}'])
    ck.record('Make: a firmware from the installed prefix runs under qemu-arm',
              run_firmware(c, os.path.join(project, 'firmware'), 3))
    code, out = run(make + ['-q', 'firmware'], cwd=project, env=env)
    problems = [f'make -q after a build: exit {code} (something is out of date)\n{out}'] if code else []
    set_weight(project, 5)
    code, out = run(make + ['firmware'], cwd=project, env=env)
    if code:
        problems.append(f'make after editing weights.h: {out}')
    else:
        problems += run_firmware(c, os.path.join(project, 'firmware'), 5)
    ck.record('Make: up to date after a build; editing a header of the BPF program rebuilds it', problems)


def check_cmake(ck, work, prefix, c):
    project = os.path.join(work, 'cmake-firmware')
    build = os.path.join(work, 'cmake-build')
    shutil.copytree(os.path.join(HERE, 'project'), project)
    flags = ' '.join(['-O1', *toolchain.gcc_arm_flags(c)])
    code, out = run(['cmake', '-S', project, '-B', build, '-G', 'Unix Makefiles', '-DCMAKE_SYSTEM_NAME=Linux',
                     '-DCMAKE_SYSTEM_PROCESSOR=arm', f'-DCMAKE_C_COMPILER={toolchain.ARM_CC}',
                     f'-DCMAKE_C_FLAGS={flags}', '-DCMAKE_EXE_LINKER_FLAGS=-static',
                     f'-DCMAKE_PREFIX_PATH={prefix}'])
    if code:
        return ck.record('CMake: find_package(bpf2arm) in the installed prefix', [f'cmake: {out}'])
    code, out = run(['cmake', '--build', build])
    if code:
        return ck.record('CMake: a firmware from the installed prefix', [f'cmake --build: {out}'])
    ck.record('CMake: a firmware from the installed prefix (find_package, bpf2arm_add_program, '
              'bpf2arm_add_runtime) runs under qemu-arm', run_firmware(c, os.path.join(build, 'firmware'), 3))
    code, out = run(['cmake', '--build', build])
    problems = [f'a second build ran bpf2arm or clang:\n{out}'] if 'bpf2arm accumulate' in out or \
        'clang (BPF)' in out else []
    set_weight(project, 5)
    code, out = run(['cmake', '--build', build])
    if code:
        problems.append(f'cmake --build after editing weights.h: {out}')
    else:
        if 'bpf2arm accumulate' not in out:
            problems.append(f'editing weights.h did not run bpf2arm again:\n{out}')
        problems += run_firmware(c, os.path.join(build, 'firmware'), 5)
    ck.record('CMake: nothing to do after a build; editing a header of the BPF program rebuilds it', problems)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--build-dir', required=True)
    args = ap.parse_args()
    missing = toolchain.missing_tools(['meson', 'make', 'cmake', 'pkg-config', 'groff', toolchain.CLANG,
                                       toolchain.ARM_CC, toolchain.QEMU])
    if missing:
        print('FAIL missing tools: ' + ', '.join(missing))
        return 1
    ck = toolchain.Checks()
    with tempfile.TemporaryDirectory(prefix='bpf2arm-install.') as work:
        stage = os.path.join(work, 'stage')
        code, out = run(['meson', 'install', '-C', args.build_dir, '--no-rebuild', '--quiet', '--destdir', stage])
        installed = glob.glob(os.path.join(stage, '**', 'bin', 'bpf2arm'), recursive=True)
        if code or len(installed) != 1:
            print(f'FAIL meson install --destdir: exit {code}\n{out}')
            return 1
        prefix = os.path.dirname(os.path.dirname(installed[0]))
        bpf2arm = installed[0]
        c = toolchain.cpu(bpf2arm, None)
        env = dict(os.environ, PKG_CONFIG_PATH=os.path.join(prefix, 'share', 'pkgconfig'))
        check_tree(ck, prefix)
        check_man_page(ck, prefix, bpf2arm)
        check_pkg_config(ck, env)
        for check in (lambda: check_make(ck, work, env, c), lambda: check_cmake(ck, work, prefix, c)):
            try:
                check()
            except (toolchain.ToolError, subprocess.TimeoutExpired) as e:
                ck.record('a firmware build', [str(e)])
    return ck.summary()


if __name__ == '__main__':
    sys.exit(main())
