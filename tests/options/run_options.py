#!/usr/bin/env python3
"""The command line as firmware builds spell it (SPEC section 2, README "Using it").

    run_options.py --bpf2arm build/compiler/bpf2arm [-v]

- `-mcpu=CPU`, `--mcpu CPU` and `--mcpu=CPU` give the same object, another than the default CPU's.
- `-c` is accepted and changes nothing; `-g` adds DWARF 4 (one object with `-g`, `-c -g`, `-g1` to
  `-g3`, `-ggdb`, `-gdwarf-4`, another than the default), `-gdwarf-5` DWARF 5, `-g0` none (the
  default object); the debuginfo test checks what is in it; `-O`, `-O1`, `-O2`, `-O3`, `-Os`,
  `-Oz` give the default object (all passes); `-O0` and `-Og` give one object, another than the
  default's (no machine-IR passes; the program has a loop the passes change). The default and
  the -O0 object run under qemu-arm and print what the same C compiled by the host's gcc prints.
  (The isa-O0 test runs the instruction-level tests at -O0.)
- `-MD` writes `OUT.d` next to the output, `-MF` elsewhere, `-MT`/`-MQ` name the target; make
  reads the rule: the output is out of date exactly when the input is newer. Names with spaces and
  `$` are quoted for make. Nothing is written on an error, and no temporary file is left.
- `-fPIC`/`-fpic` give one object, `-fPIE`/`-fpie` another, neither the default one (for a program
  with a global variable): the last of them counts, `-fno-pic` turns both off and `-fno-pie` only
  `-fpie`; the default object's relocations are MOVW/MOVT_ABS, -fPIE's MOVW/MOVT_PREL, -fPIC's
  GOT_PREL (readelf). tests/pic links and runs such code.
- `--version` names the LLVM version (`llvm-config-19 --version`).
- Usage errors: one line `bpf2arm: error: ...`, exit 2, no output.

Prints PASS/FAIL per case and a final `N passed, N failed`; exit status 0 only when all passed.
About 5 s.
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # keep the source tree free of __pycache__
sys.path.insert(0, os.path.join(HERE, '..', 'tools'))
import arm_harness  # noqa: E402
import toolchain  # noqa: E402

# A loop with a multiply, shifts and a branch: code the machine-IR passes change.
BPF_C = '''unsigned long long mix(unsigned long long seed, unsigned int rounds)
{
	unsigned long long h = seed ^ 0x9e3779b97f4a7c15ULL;
	for (unsigned int i = 0; i < rounds; i++) {
		h ^= h >> 31;
		h *= 0x7fb5d329728ea185ULL;
		h += i;
		if (h & 1)
			h = (h << 3) | 5;
	}
	return h;
}
'''

MAIN_C = '''#include <stdio.h>
unsigned long long mix(unsigned long long seed, unsigned int rounds);
int main(void)
{
	static const unsigned long long seeds[] = {0, 1, 0xffffffffffffffffULL, 0x123456789abcdefULL};
	for (unsigned s = 0; s < sizeof seeds / sizeof seeds[0]; s++)
		for (unsigned rounds = 0; rounds < 40; rounds += 13)
			printf("%u %u %llx\\n", s, rounds, mix(seeds[s], rounds));
	return 0;
}
'''


class Checker(toolchain.Checks):
    def __init__(self, bpf2arm, work, verbose):
        super().__init__()
        self.bpf2arm, self.work, self.verbose = bpf2arm, work, verbose

    def run(self, *args, cwd=None):
        return subprocess.run([self.bpf2arm, *args], capture_output=True, text=True, cwd=cwd)

    def compile(self, inp, out, *args):
        """Compiles inp to out with args; returns (bytes, problem)."""
        r = self.run(inp, '-o', out, *args)
        if r.returncode != 0 or r.stderr:
            return None, f'bpf2arm {" ".join(args)}: exit status {r.returncode}: {r.stderr.strip()}'
        with open(out, 'rb') as f:
            return f.read(), None

    def usage_error(self, name, args, expected=None, outdir=None):
        """One line `bpf2arm: error: ...` (exactly `expected` when given), exit 2, nothing in outdir."""
        r = self.run(*args)
        lines = r.stderr.splitlines()
        problems = []
        if r.returncode != 2:
            problems.append(f'exit status {r.returncode}, expected 2')
        if len(lines) != 1 or not lines[0].startswith('bpf2arm: error: '):
            problems.append(f'expected one line "bpf2arm: error: ...", got: {r.stderr.strip()!r}')
        elif expected is not None and lines[0] != expected:
            problems.append(f'expected {expected!r}, got {lines[0]!r}')
        if outdir is not None and os.listdir(outdir):
            problems.append(f'output left: {os.listdir(outdir)}')
        self.record(name, problems)


def check_cpu_spellings(ck, obj, outdir, expected):
    other = toolchain.cpus(ck.bpf2arm)[-1].name  # the default is the first
    objects, problems = {}, []
    for args in ([], [f'-mcpu={other}'], ['--mcpu', other], [f'--mcpu={other}']):
        data, problem = ck.compile(obj, os.path.join(outdir, 'cpu.o'), *args)
        problems += [problem] if problem else []
        objects[' '.join(args) or 'default'] = data
    spellings = [k for k in objects if k != 'default']
    if not problems:
        if len({objects[k] for k in spellings}) != 1:
            problems.append(f'{", ".join(spellings)} give different objects')
        if objects[spellings[0]] == objects['default']:
            problems.append(f'-mcpu={other} gives the default CPU\'s object')
    ck.record(f'-mcpu={other}, --mcpu {other} and --mcpu={other}: one object, not the default one', problems)


def check_m_profile(ck, obj, outdir, expected):
    """An M-profile CPU gives T32 code with or without -mthumb; -marm (the last of -marm and
    -mthumb) is a usage error."""
    m = next(c for c in toolchain.cpus(ck.bpf2arm) if c.m_profile).name
    plain, problem = ck.compile(obj, os.path.join(outdir, 'm.o'), f'-mcpu={m}')
    thumb, problem2 = ck.compile(obj, os.path.join(outdir, 'm.o'), f'-mcpu={m}', '-marm', '-mthumb')
    problems = [p for p in (problem, problem2) if p]
    if not problems and plain != thumb:
        problems.append(f'-mcpu={m} and -mcpu={m} -marm -mthumb give different objects')
    ck.record(f'-mcpu={m} implies -mthumb', problems)
    empty = os.path.join(outdir, 'm-empty')
    os.makedirs(empty, exist_ok=True)
    for args in ([f'-mcpu={m}', '-marm'], ['-marm', f'--mcpu={m}'], [f'-mcpu={m}', '-mthumb', '-marm']):
        ck.usage_error(f'usage error, {" ".join(args)}: {m} has no ARM state',
                       [*args, obj, '-o', os.path.join(empty, 'x.o')],
                       expected=f'bpf2arm: error: -marm: {m} has no ARM state, only Thumb-2 '
                                '(drop -marm; -mthumb is implied)', outdir=empty)


def run_on_qemu(ck, arm_obj, expected, c, what):
    exe = arm_obj + '.exe'
    main = os.path.join(ck.work, 'main.c')
    cmd = arm_harness.static_link_command(toolchain.ARM_CC, exe, [main, arm_obj])
    toolchain.run(cmd[:1] + toolchain.gcc_arm_flags(c) + cmd[1:], 'link ' + what)
    got, problem = toolchain.execute(toolchain.qemu_command(c, exe), what)
    return toolchain.compare(expected, got, problem)


def check_input_after_options(ck, obj, outdir, expected):
    """gcc's joined options take only their own value: the input may follow any of them."""
    reference, problem = ck.compile(obj, os.path.join(outdir, 'ref.o'))
    problems = [problem] if problem else []
    for option in ['-Werror', '-Wno-error', '-Wno-missing-prototypes', '-Wmissing-prototypes', '-Wno-core-relocation',
                   '-marm', '-O2', '-fno-pic', '-MP', '-mcpu=' + toolchain.cpus(ck.bpf2arm)[0].name]:
        out = os.path.join(outdir, 'after.o')
        r = ck.run(option, obj, '-o', out)
        if r.returncode != 0 or r.stderr:
            problems.append(f'bpf2arm {option} IN.o: exit status {r.returncode}: {r.stderr.strip()}')
        elif reference is not None:
            with open(out, 'rb') as f:
                if f.read() != reference:
                    problems.append(f'bpf2arm {option} IN.o: not the default object')
    ck.record('the input after -Werror, -marm, -O2, -fno-pic, -MP, -mcpu=: each takes only its own value', problems)


def check_levels(ck, obj, outdir, expected):
    c = toolchain.cpu(ck.bpf2arm, None)
    default, problem = ck.compile(obj, os.path.join(outdir, 'default.o'))
    if problem:
        ck.record('the default level compiles', [problem])
        return
    ck.record('the default object runs as the host\'s gcc build does',
              [p for p in [run_on_qemu(ck, os.path.join(outdir, 'default.o'), expected, c, 'default')] if p])
    same_as_default = ['-c', '-O', '-O1', '-O2', '-O3', '-Os', '-Oz', '-O0 -O2']
    for flags in same_as_default:
        data, problem = ck.compile(obj, os.path.join(outdir, 'level.o'), *flags.split())
        ck.record(f'{flags}: accepted, the default object',
                  [problem] if problem else ([] if data == default else ['the object differs from the default one']))
    with_g, problem = ck.compile(obj, os.path.join(outdir, 'g.o'), '-g')
    problems = [problem] if problem else (['the -g object is the default one'] if with_g == default else [])
    for flags in ['-c -g', '-O2 -g', '-g1', '-g3', '-ggdb', '-ggdb3', '-gdwarf', '-gdwarf-4', '-g0 -g']:
        data, problem = ck.compile(obj, os.path.join(outdir, 'level.o'), *flags.split())
        if problem or data != with_g:
            problems.append(problem or f'{flags} gives another object than -g')
    ck.record('-g (and -c -g, -O2 -g, -g1 to -g3, -ggdb, -gdwarf-4): an object of its own, with DWARF 4', problems)
    problems = []
    for flags in ['-g0', '-g -g0', '-gdwarf-5 -g0']:
        data, problem = ck.compile(obj, os.path.join(outdir, 'level.o'), *flags.split())
        if problem or data != default:
            problems.append(problem or f'{flags} gives another object than the default one')
    ck.record('-g0 (last): no debug information, the default object', problems)
    dwarf5, problem = ck.compile(obj, os.path.join(outdir, 'level.o'), '-gdwarf-5')
    problems = [problem] if problem else (['-gdwarf-5 gives the -g or the default object'] if dwarf5 in (with_g, default)
                                          else [])
    for flags in ['-g -gdwarf-5', '-gdwarf-5 -g3', '-g0 -gdwarf-5']:
        data, problem = ck.compile(obj, os.path.join(outdir, 'level.o'), *flags.split())
        if problem or data != dwarf5:
            problems.append(problem or f'{flags} gives another object than -gdwarf-5')
    ck.record('-gdwarf-5 (also with a level before or after it): an object of its own, with DWARF 5', problems)
    o0_path = os.path.join(outdir, 'O0.o')
    o0, problem = ck.compile(obj, o0_path, '-O0')
    if problem:
        ck.record('-O0 compiles', [problem])
        return
    problems = ['-O0 gives the default object: no pass was left out'] if o0 == default else []
    for flags in ['-Og', '-O2 -O0', '-O0 -c']:
        data, problem = ck.compile(obj, os.path.join(outdir, 'level.o'), *flags.split())
        if problem or data != o0:
            problems.append(problem or f'{flags} gives another object than -O0')
    ck.record('-O0 (and -Og, -O2 -O0): an object of its own', problems)
    ck.record('the -O0 object runs as the host\'s gcc build does',
              [p for p in [run_on_qemu(ck, o0_path, expected, c, '-O0')] if p])


# A global variable: the position-independent models reach it in three different ways.
BPF_GLOBAL_C = '''unsigned long long counter;
unsigned long long bump(unsigned long long by)
{
	counter += by;
	return counter;
}
'''


def check_position_independence(ck, work, outdir):
    src, obj = os.path.join(work, 'global.bpf.c'), os.path.join(work, 'global.bpf.o')
    with open(src, 'w') as f:
        f.write(BPF_GLOBAL_C)
    toolchain.run([toolchain.CLANG, *toolchain.BPF_FLAGS, '-c', src, '-o', obj], 'clang')
    groups = {  # spellings that must give one object, each group its own
        'default': ['', '-fno-pic', '-fPIC -fno-pic', '-fpie -fno-pie', '-fPIE -fno-PIC', '-fno-PIE'],
        'pic': ['-fPIC', '-fpic', '-fpie -fPIC', '-fPIC -fno-pie'],
        'pie': ['-fPIE', '-fpie', '-fPIC -fpie', '-fpic -fPIE'],
    }
    relocation = {'default': 'R_ARM_MOVW_ABS_NC', 'pie': 'R_ARM_MOVW_PREL_NC', 'pic': 'R_ARM_GOT_PREL'}
    objects = {}
    for group, spellings in groups.items():
        problems, seen = [], set()
        for flags in spellings:
            path = os.path.join(outdir, f'{group}.o')
            data, problem = ck.compile(obj, path, *flags.split())
            if problem:
                problems.append(problem)
                continue
            seen.add(data)
            objects[group] = data
        if len(seen) > 1:
            problems.append(f'{", ".join(repr(f) for f in spellings)} give different objects')
        if group in objects:
            relocs = toolchain.run([toolchain.READELF, '-rW', os.path.join(outdir, f'{group}.o')], 'readelf')
            if relocation[group] not in relocs:
                problems.append(f'no {relocation[group]} relocation: {relocs.strip()}')
        ck.record(f'{" / ".join(repr(f) for f in spellings)}: one object, with {relocation[group]}', problems)
    distinct = len(set(objects.values())) == 3
    ck.record('the default, -fPIE and -fPIC objects differ', [] if distinct else ['two of them are the same'])


def make_wants_rebuild(rule_file, target_path, cwd):
    """Asks make whether target_path is out of date, given the rule file for the prerequisites
    and a recipe of its own (make -q calls a target without a recipe up to date)."""
    makefile = os.path.join(cwd, 'Makefile.deps')
    with open(makefile, 'w') as f:
        f.write('include ' + rule_file.replace(' ', '\\ ') + '\n')
        f.write(target_path.replace(' ', '\\ ') + ':\n\ttouch $@\n')
    r = subprocess.run(['make', '-q', '-f', makefile, target_path], cwd=cwd,
                       capture_output=True, text=True)
    if r.returncode not in (0, 1):
        raise toolchain.ToolError(f'make -q: exit status {r.returncode}: {r.stderr.strip()}')
    return r.returncode == 1


def check_dependencies(ck, obj, outdir, expected):
    # -MD: OUT.d next to the output, in a directory whose name make must see quoted.
    d = os.path.join(ck.work, 'deps dir')
    os.makedirs(d)
    inp = os.path.join(d, 'prog.o')
    with open(obj, 'rb') as src, open(inp, 'wb') as dst:
        dst.write(src.read())
    problems = []
    os.makedirs(os.path.join(d, 'out'))
    r = ck.run('prog.o', '-o', 'out/prog.arm.o', '-MD', cwd=d)
    rule_path = os.path.join(d, 'out', 'prog.arm.d')
    if r.returncode != 0 or not os.path.exists(rule_path):
        problems.append(f'-MD: exit status {r.returncode}, {rule_path} {"exists" if os.path.exists(rule_path) else "missing"}: {r.stderr.strip()}')
    else:
        rule = open(rule_path).read()
        if rule != 'out/prog.arm.o: prog.o\n':
            problems.append(f'-MD wrote {rule!r}, expected "out/prog.arm.o: prog.o\\n"')
        # make decides from the rule: older input, nothing to do; newer input, rebuild.
        now = time.time()
        os.utime(inp, (now - 10, now - 10))
        if make_wants_rebuild(rule_path, 'out/prog.arm.o', d):
            problems.append('make wants to rebuild an output newer than its input')
        os.utime(inp, (now + 10, now + 10))
        if not make_wants_rebuild(rule_path, 'out/prog.arm.o', d):
            problems.append('make does not rebuild an output older than its input')
    ck.record('-MD: OUT.d next to the output, a rule make reads', problems)

    # -MF FILE and -MT/-MQ targets; the input path with a space, quoted for make.
    problems = []
    rule_path = os.path.join(ck.work, 'elsewhere.d')
    r = ck.run(inp, '-o', os.path.join(ck.work, 'x.o'), '-MD', '-MF', rule_path, '-MT', 'first', '-MQ', 'a$b c')
    if r.returncode != 0 or not os.path.exists(rule_path):
        problems.append(f'-MF: exit status {r.returncode}: {r.stderr.strip()}')
    else:
        rule = open(rule_path).read()
        expected = 'first a$$b\\ c: ' + inp.replace(' ', '\\ ') + '\n'
        if rule != expected:
            problems.append(f'-MF -MT -MQ wrote {rule!r}, expected {expected!r}')
        now = time.time()
        os.utime(inp, (now + 20, now + 20))
        with open(os.path.join(ck.work, 'first'), 'w'):
            pass
        if not make_wants_rebuild(rule_path, 'first', ck.work):
            problems.append('make does not rebuild the -MT target when the input (in a directory with a space) is newer')
    ck.record('-MF FILE, -MT and -MQ targets, names quoted for make', problems)

    # -MMD and -MP as gcc-style builds pass them; -S: the target is the assembly file.
    problems = []
    r = ck.run(inp, '-S', '-o', os.path.join(ck.work, 'prog.s'), '-MMD', '-MP')
    rule_path = os.path.join(ck.work, 'prog.d')
    expected = os.path.join(ck.work, 'prog.s').replace(' ', '\\ ') + ': ' + inp.replace(' ', '\\ ') + '\n'
    if r.returncode != 0 or not os.path.exists(rule_path) or open(rule_path).read() != expected:
        problems.append(f'-S -MMD -MP: exit status {r.returncode}, expected {rule_path} with {expected!r}: '
                        f'{r.stderr.strip()}')
    ck.record('-MMD -MP with -S: the rule names the assembly file', problems)

    # Nothing on an error: bad input, or a rule file that cannot be written (the object goes too).
    problems = []
    bad = os.path.join(ck.work, 'bad.o')
    with open(bad, 'w') as f:
        f.write('not an object\n')
    out = os.path.join(ck.work, 'err')
    os.makedirs(out)
    r = ck.run(bad, '-o', os.path.join(out, 'bad.arm.o'), '-MD')
    if r.returncode != 1 or os.listdir(out):
        problems.append(f'bad input with -MD: exit status {r.returncode}, left {os.listdir(out)}')
    r = ck.run(inp, '-o', os.path.join(out, 'ok.arm.o'), '-MD', '-MF', os.path.join(out, 'no such dir', 'x.d'))
    if r.returncode != 1 or os.listdir(out):
        problems.append(f'unwritable -MF: exit status {r.returncode}, left {os.listdir(out)}: {r.stderr.strip()}')
    ck.record('-MD: no rule, no object, no temporary file after an error', problems)
    ck.usage_error('-MD with the object on standard output and no -MF: a usage error',
                   [inp, '-o', '-', '-MD'], outdir=out)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--bpf2arm', required=True)
    ap.add_argument('-v', '--verbose', action='store_true')
    args = ap.parse_args()
    bpf2arm = os.path.abspath(args.bpf2arm)
    missing = toolchain.missing_tools([toolchain.CLANG, toolchain.ARM_CC, toolchain.HOST_CC, toolchain.QEMU, 'make',
                                       'llvm-config-19'])
    if missing:
        print('FAIL missing tools: ' + ', '.join(missing))
        return 1
    with tempfile.TemporaryDirectory(prefix='bpf2arm-options.') as work:
        ck = Checker(bpf2arm, work, args.verbose)
        src, obj = os.path.join(work, 'mix.bpf.c'), os.path.join(work, 'mix.bpf.o')
        with open(src, 'w') as f:
            f.write(BPF_C)
        with open(os.path.join(work, 'main.c'), 'w') as f:
            f.write(MAIN_C)
        toolchain.run([toolchain.CLANG, *toolchain.BPF_FLAGS, '-c', src, '-o', obj], 'clang')
        host = os.path.join(work, 'host')
        toolchain.run([toolchain.HOST_CC, '-O1', '-o', host, src, os.path.join(work, 'main.c')], 'host gcc')
        expected = toolchain.run([host]).splitlines()
        outdir = os.path.join(work, 'out')
        os.makedirs(outdir)

        for check in (check_cpu_spellings, check_m_profile, check_input_after_options, check_levels,
                      check_dependencies):
            try:
                check(ck, obj, outdir, expected)
            except toolchain.ToolError as e:
                ck.record(check.__name__, [str(e)])

        try:
            check_position_independence(ck, work, outdir)
        except toolchain.ToolError as e:
            ck.record('check_position_independence', [str(e)])
        empty = os.path.join(work, 'empty')
        os.makedirs(empty)
        r = ck.run('--version')
        llvm = toolchain.run(['llvm-config-19', '--version']).strip()
        ck.record(f'--version names LLVM {llvm}',
                  [] if r.returncode == 0 and f'LLVM {llvm}' in r.stdout else [f'got {r.stdout.strip()!r}'])
        for name, args in [('an unknown option', ['--no-such-option', obj]),
                           ('an unknown -m option', ['-mfloat=x', obj]),
                           ('an unknown CPU in -mcpu=', ['-mcpu=cortex-x9', obj]),
                           ('an unknown -O level', ['-O5', obj]),
                           ('-mthumb for a CPU without Thumb-2', ['-mthumb', '-mcpu=arm1176jzf-s', obj]),
                           ('an unknown -f option', ['-ffast-math', obj]),
                           ('an unknown -g option', ['-gsplit-dwarf', obj]),
                           ('a DWARF version bpf2arm does not write', ['-gdwarf-2', obj]),
                           ('no input', ['-O2']),
                           ('two inputs', [obj, obj])]:
            ck.usage_error(f'usage error, {name}: "bpf2arm: error:", exit 2, no output',
                           [*args, '-o', os.path.join(empty, 'x.o')], outdir=empty)
        r = ck.run('--help')
        wanted = ['-mcpu=', '-O0', '-MD', '-MF', '-g', '-fPIC', '-c']
        ck.record('--help names the gcc-style options',
                  [f'--help does not mention {w}' for w in wanted if w not in r.stdout] +
                  ([f'exit status {r.returncode}'] if r.returncode else []))
    return ck.summary()


if __name__ == '__main__':
    sys.exit(main())
