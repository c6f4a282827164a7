#!/usr/bin/env python3
"""bpf2arm against native clang on the functions in tests/bench: code size and executed
ARM instructions per call. Prints figures; it is not a test (only broken tooling fails it).

    bench.py --bpf2arm PATH [--workdir DIR] [--mcpu CPU[,CPU...]] [--calls N] [NAME...]

Each tests/bench/NAME.c defines one function NAME. It is built two ways, for each CPU (CPU or
CPU+thumb; default: bpf2arm's default CPU, cortex-a7, then cortex-m4 when bpf2arm has it), and
run under that CPU's qemu-arm model:
  bpf2arm: clang-19 -target bpf -mcpu=v4 -O2 -g, then bpf2arm --mcpu=CPU (-mthumb for CPU+thumb);
  native:  clang-19 --target=armv7a-linux-gnueabihf -mcpu=CPU -marm -O2 (-mthumb for CPU+thumb).
An M-profile CPU (cortex-m4) runs as firmware on its MPS2 board (runtime-stub/boards/mps2) under
qemu-system-arm instead, the native side built by clang-19 --target=thumbv7em-none-eabi
-mcpu=cortex-m4 -O2 and both linked by arm-none-eabi-gcc with the board's start-up code.
With several CPUs, a table of the ratios side by side follows the CPUs' own tables.
Helpers that are NOINLINE in the source are separate functions on both sides.

Code size: the bytes of NAME plus every function of the same object it reaches through
branches (for bpf2arm: the AAPCS entry NAME, the body NAME.bpf, local subfunctions).
bpf2arm's division routines (__bpf2arm.*) are left out, as libgcc is left out natively,
and reported on a separate line.

Instructions: each object is linked with harness/driver.c and the driver half of NAME.c
into a static executable, run under qemu-arm with harness/count_insns.c as a TCG plugin
counting instructions executed inside the object's code plus the libgcc routines it
branches to, transitively (a 64-bit division by a variable calls __aeabi_uldivmod natively;
bpf2arm's own routines are inside its object). Runs with N and 2N calls give the cost of
one call as (count(2N) - count(N)) / N. Before any benchmark, harness/calibrate.S, whose
count is known by construction, must come out exact.
"""
import argparse
import bisect
import concurrent.futures
import math
import os
import re
import shutil
import subprocess
import sys
import time

HARNESS = os.path.dirname(os.path.abspath(__file__))
BENCH_DIR = os.path.dirname(HARNESS)
sys.path.insert(0, os.path.join(BENCH_DIR, "..", "tools"))
import toolchain  # noqa: E402
from toolchain import ARM_CC as ARM_GCC, BPF_FLAGS, CLANG, FIRMWARE_CC, OBJDUMP, READELF, ToolError, run  # noqa: E402

CALIBRATION_PER_CALL = 404  # by construction, see harness/calibrate.S


class Target:
    """The CPU the benchmark compiles for, from bpf2arm's table, and the flags and the way to
    run that follow: a Linux executable under qemu-arm (A profile), or firmware on the CPU's
    MPS2 board under qemu-system-arm (M profile, which qemu-arm cannot run alone)."""

    def __init__(self, cpu, work):
        self.cpu = cpu
        self.work = work
        self.board = toolchain.board_for_cpu(cpu.name) if cpu.profile == "M" else None
        if cpu.profile == "M" and not self.board:
            raise ToolError(f"no board in runtime-stub/boards/mps2/boards.txt has a {cpu.name}")
        if self.board:
            self.cc = FIRMWARE_CC
            self.native_flags = [*toolchain.clang_firmware_flags(cpu), "-O2"]
            self.driver_flags = ["-O2", *self.board.cflags(), "-DBENCH_DRIVER", "-I", BENCH_DIR]
        else:
            self.cc = ARM_GCC
            self.native_flags = [*toolchain.clang_arm_flags(cpu), "-O2"]
            self.driver_flags = ["-O2", *toolchain.gcc_arm_flags(cpu), "-DBENCH_DRIVER", "-I", BENCH_DIR]

    def link(self, objs, exe):
        """Links objs into exe; returns the link map's path."""
        if self.board:
            run([FIRMWARE_CC, *self.board.cflags(), *self.board.link_flags(),
                 toolchain.board_startup(self.board, self.work), *objs, "-o", exe, f"-Wl,-Map={exe}.map"], "link")
        else:
            run([ARM_GCC, "-static", "-o", exe, *objs, f"-Wl,-Map={exe}.map"], "link")
        return exe + ".map"

    def execute(self, exe, calls, extra):
        """Runs exe with argument calls and extra qemu options; returns its output."""
        if not self.board:
            return run(toolchain.qemu_command(self.cpu, exe, calls, extra=extra), f"qemu-arm {os.path.basename(exe)}")
        lines, problem = toolchain.run_on_board(self.board, exe, 600, args=[calls], extra=extra)
        if problem:
            raise ToolError(problem + "".join("\n    " + line for line in lines[-5:]))
        return "\n".join(lines)

    def runs_on(self):
        if self.board:
            return f"qemu-system-arm -M {self.board.name}"
        return f"qemu-arm -cpu {toolchain.hosted_qemu_cpu(self.cpu)}"


BRANCH_RE = re.compile(r"^\s*([0-9a-f]+):\s+(?:[0-9a-f]{2,8}\s+)*\s*(b[a-z]*)(?:\.w)?\s+0x([0-9a-f]+)")
RELOC_RE = re.compile(r"^\s+[0-9a-f]+:\s+R_ARM_(?:CALL|JUMP24|PC24|THM_CALL|THM_JUMP24)\s+(\S+)")
FUNC_HEADER_RE = re.compile(r"^([0-9a-f]+) <(.+)>:$")
# A function of the section: 0x... <name> or <name+0x..>, as objdump annotates targets.
TARGET_NAME_RE = re.compile(r"<([^>+]+)(?:\+0x[0-9a-f]+)?>")


# ---------------------------------------------------------------- code size

def func_symbols(obj):
    """name -> size of the FUNC symbols defined in a relocatable object."""
    out = run([READELF, "-s", "--wide", obj])
    syms = {}
    for line in out.splitlines():
        f = line.split()
        if len(f) >= 8 and f[3] == "FUNC" and f[6] != "UND":
            syms[f[7]] = int(f[2], 0)
    return syms


def call_graph(obj):
    """name -> names its code branches to (by resolved target or by relocation)."""
    graph = {}
    current = None
    for line in run([OBJDUMP, "-dr", "--no-show-raw-insn", obj]).splitlines():
        m = FUNC_HEADER_RE.match(line)
        if m:
            current = m.group(2)
            graph.setdefault(current, set())
            continue
        if current is None:
            continue
        m = RELOC_RE.match(line)
        if m:
            graph[current].add(m.group(1))
            continue
        if BRANCH_RE.match(line):
            t = TARGET_NAME_RE.search(line)
            if t:
                graph[current].add(t.group(1))
    return graph


def code_size(obj, entry):
    """Bytes of entry and of every function of obj it reaches, except bpf2arm's routines."""
    syms = func_symbols(obj)
    graph = call_graph(obj)
    if entry not in syms:
        raise ToolError(f"{obj}: no function {entry}")
    seen, todo = set(), [entry]
    while todo:
        f = todo.pop()
        if f in seen or f not in syms or f.startswith("__bpf2arm."):
            continue
        seen.add(f)
        todo.extend(graph.get(f, ()))
    routines = sum(s for n, s in syms.items() if n.startswith("__bpf2arm."))
    return sum(syms[f] for f in seen), sorted(seen), routines


# ---------------------------------------------------------------- counted ranges

CODE_OUTPUT_SECTIONS = (".init", ".plt", ".iplt", ".text", ".fini")


def code_pieces(map_file):
    """The input sections the linker placed into code output sections, from the link map:
    sorted (lo, hi, file, first symbol). Each is one object's code (for libgcc, one routine)."""
    lines = open(map_file).read().splitlines()
    pieces = []
    out_sec = None
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if line and not line[0].isspace():
            out_sec = line.split()[0]
            continue
        if out_sec not in CODE_OUTPUT_SECTIONS or not line.startswith(" ."):
            continue
        f = line.split()
        # A long input section name sits alone on its line, the rest on the next.
        if len(f) == 1 and i < len(lines):
            f += lines[i].split()
            i += 1
        if len(f) != 4 or not f[1].startswith("0x"):
            continue
        lo, size = int(f[1], 16), int(f[2], 16)
        if size == 0:
            continue
        # The symbols the map lists under a section: "   0xADDR   name".
        name = None
        while i < len(lines):
            g = lines[i].split()
            if len(g) == 2 and g[0].startswith("0x") and lines[i].startswith("    "):
                name = name or g[1]
                i += 1
            else:
                break
        pieces.append((lo, lo + size, f[3], name or os.path.basename(f[3])))
    pieces.sort()
    return pieces


def is_compiler_runtime(path):
    return os.path.basename(path).startswith("libgcc.a(")


def counted_ranges(exe, map_file, obj):
    """obj's code in exe plus the compiler runtime routines (libgcc) it can branch to,
    transitively. Returns (ranges, runtime routines counted, other targets not counted)."""
    pieces = code_pieces(map_file)
    starts = [p[0] for p in pieces]
    ranges = [(lo, hi) for lo, hi, f, _ in pieces if f == obj]
    if not ranges:
        raise ToolError(f"{map_file}: no code of {obj} in the link map")
    extra, ignored = [], set()
    todo = [(lo, hi, True) for lo, hi in ranges]

    def inside(a):
        return any(lo <= a < hi for lo, hi in ranges)

    while todo:
        lo, hi, own = todo.pop()
        out = run([OBJDUMP, "-d", "--no-show-raw-insn", f"--start-address={lo:#x}",
                   f"--stop-address={hi:#x}", exe])
        for line in out.splitlines():
            m = BRANCH_RE.match(line)
            if not m:
                continue
            target = int(m.group(3), 16)
            if inside(target):
                continue
            k = bisect.bisect_right(starts, target) - 1
            if k >= 0 and pieces[k][0] <= target < pieces[k][1] and is_compiler_runtime(pieces[k][2]):
                r = pieces[k][:2]
                ranges.append(r)
                todo.append((*r, False))
                extra.append(pieces[k][3])
            elif own:
                # Only the benchmark's own calls matter here: libgcc's branches out are its
                # error paths (raise on division by zero), never taken by these inputs.
                t = TARGET_NAME_RE.search(line)
                ignored.add(t.group(1) if t else f"{target:#x}")
    # Indirect calls (blx rN) are not followed; the benchmarks make none.
    return ranges, extra, sorted(ignored)


# ---------------------------------------------------------------- running

def count(tgt, exe, ranges, plugin, calls, log):
    args = ",".join(f"range={lo:x}-{hi:x}" for lo, hi in ranges)
    out = tgt.execute(exe, calls, ["-d", "plugin", "-D", log, "-plugin", f"{plugin},{args}"])
    text = open(log).read()
    m = re.search(r"^insns (\d+)$", text, re.M)
    if not m:
        raise ToolError(f"{exe}: the counting plugin reported nothing:\n{text}")
    return int(m.group(1)), out.strip()


def per_call(tgt, exe, ranges, plugin, calls, tag):
    c1, out1 = count(tgt, exe, ranges, plugin, calls, tag + ".n.log")
    c2, _ = count(tgt, exe, ranges, plugin, 2 * calls, tag + ".2n.log")
    diff = c2 - c1
    note = ""
    if diff % calls:
        note = f"{os.path.basename(exe)}: {diff} instructions over {calls} calls is not a whole number per call"
    return diff / calls, out1, note


# ---------------------------------------------------------------- one benchmark

def build_driver(tgt, work, name, src):
    drv = os.path.join(work, f"{name}.driver.o")
    run([tgt.cc, *tgt.driver_flags, "-c", src, "-o", drv], "driver compile")
    return drv


def measure(tgt, name, work, bpf2arm_obj, plugin, main_o, calls):
    src = os.path.join(BENCH_DIR, name + ".c")
    native_obj = os.path.join(work, f"{name}.native.o")
    run([CLANG, *tgt.native_flags, "-c", src, "-o", native_obj], "native clang")
    with open(os.path.join(work, f"{name}.native.s"), "w") as f:
        f.write(run([OBJDUMP, "-dr", "--no-show-raw-insn", native_obj]))
    drv = build_driver(tgt, work, name, src)

    result = {"name": name, "notes": []}
    outputs = {}
    for side, obj in (("native", native_obj), ("bpf2arm", bpf2arm_obj)):
        size, funcs, routines = code_size(obj, name)
        exe = os.path.join(work, f"{name}.{side}")
        map_file = tgt.link([main_o, drv, obj], exe)
        ranges, extra, ignored = counted_ranges(exe, map_file, obj)
        if ignored:
            result["notes"].append(f"{name} ({side}): branches out of the counted code to "
                                   f"{', '.join(ignored)}; instructions there are not counted")
        insns, out, note = per_call(tgt, exe, ranges, plugin, calls, os.path.join(work, f"{name}.{side}"))
        if note:
            result["notes"].append(note)
        outputs[side] = out
        result[side] = {"bytes": size, "funcs": funcs, "routines": routines, "insns": insns,
                        "outside": sorted(set(extra))}
    if outputs["native"] != outputs["bpf2arm"]:
        result["notes"].append(f"{name}: results differ (native {outputs['native']}, "
                               f"bpf2arm {outputs['bpf2arm']}): the figures compare different work")
    return result


def calibrate(tgt, work, plugin, main_o, calls):
    obj = os.path.join(work, "calibrate.o")
    run([CLANG, *tgt.native_flags, "-c", os.path.join(HARNESS, "calibrate.S"), "-o", obj], "assemble")
    drv = build_driver(tgt, work, "calibrate", os.path.join(HARNESS, "calibrate_driver.c"))
    exe = os.path.join(work, "calibrate")
    map_file = tgt.link([main_o, drv, obj], exe)
    ranges, _, _ = counted_ranges(exe, map_file, obj)
    insns, _, _ = per_call(tgt, exe, ranges, plugin, calls, exe)
    if insns != CALIBRATION_PER_CALL:
        raise ToolError(f"calibration: the plugin counted {insns} instructions per call of "
                        f"calib_loop, which executes exactly {CALIBRATION_PER_CALL}")
    return insns


# ---------------------------------------------------------------- report

def geomean(xs):
    xs = [x for x in xs if x > 0]
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else float("nan")


def print_table(head, rows, foot):
    """Columns aligned (the first to the left, numbers to the right), rules around the rows."""
    widths = [max(len(row[i]) for row in [head, foot, *rows]) for i in range(len(head))]

    def fmt(row):
        return " | ".join(c.ljust(widths[0]) if i == 0 else c.rjust(widths[i]) for i, c in enumerate(row))

    print(fmt(head))
    print("-+-".join("-" * w for w in widths))
    for row in rows:
        print(fmt(row))
    print("-+-".join("-" * w for w in widths))
    print(fmt(foot))


def report(tgt, results, compile_s, n_objs, calls, calib):
    head = ("function", "bytes native", "bytes bpf2arm", "ratio",
            "insns/call native", "insns/call bpf2arm", "ratio")
    rows = []
    for r in results:
        n, b = r["native"], r["bpf2arm"]
        rows.append((r["name"], str(n["bytes"]), str(b["bytes"]), f"{b['bytes'] / n['bytes']:.2f}",
                     f"{n['insns']:.0f}", f"{b['insns']:.0f}", f"{b['insns'] / n['insns']:.2f}"))
    size_ratios = [r["bpf2arm"]["bytes"] / r["native"]["bytes"] for r in results]
    insn_ratios = [r["bpf2arm"]["insns"] / r["native"]["insns"] for r in results]
    foot = (f"geometric mean ({len(results)})", "", "", f"{geomean(size_ratios):.2f}", "", "", f"{geomean(insn_ratios):.2f}")
    mode = "Thumb-2" if tgt.cpu.thumb or tgt.board else "ARM"
    print(f"bpf2arm ({' '.join(tgt.cpu.bpf2arm_flags())}) vs clang-19 {' '.join(tgt.native_flags)} "
          f"for {tgt.cpu.name}, {mode} mode, run on {tgt.runs_on()}")
    print_table(head, rows, foot)
    print()
    print("ratio = bpf2arm / native (lower is better for bpf2arm).")
    print(f"Instructions counted by a QEMU TCG plugin ({tgt.runs_on().split()[0]}), per call, from runs of {calls} and "
          f"{2 * calls} calls; calibration loop counted {calib:.0f}/{CALIBRATION_PER_CALL}.")
    for r in results:
        parts = []
        for side in ("native", "bpf2arm"):
            s = r[side]
            if s["outside"]:
                parts.append(f"{side} also counts {', '.join(s['outside'])}")
            if s["routines"]:
                parts.append(f"{side} object has {s['routines']} bytes of __bpf2arm.* routines "
                             "(counted in instructions, not in bytes)")
        if parts:
            print(f"  {r['name']}: " + "; ".join(parts))
    print(f"bpf2arm compile time: {compile_s * 1000:.0f} ms for {n_objs} objects "
          f"({compile_s * 1000 / n_objs:.1f} ms each, wall clock, sequential)")
    notes = [n for r in results for n in r["notes"]]
    for n in notes:
        print("NOTE: " + n)


# ---------------------------------------------------------------- compile throughput

def compile_once(cmd):
    """Runs bpf2arm once: (wall seconds, CPU seconds, max RSS in bytes), from the kernel's
    rusage of the child."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise ToolError(f"bpf2arm failed (exit {proc.returncode}):\n  $ {' '.join(cmd)}\n"
                        + err.decode(errors="replace").strip())
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024  # Linux reports kilobytes


def measure_compile(tgt, bpf2arm, work, n_insns, runs):
    """bpf2arm on a generated object of n_insns BPF instructions (large_object.py): best
    wall time of `runs` runs as instructions per second, and peak memory per instruction,
    next to the peak memory of a run on a tiny object (what LLVM and the process cost alone)."""
    # Written by a separate process: the kernel counts the RSS a child had before exec (a
    # copy of this process) in its peak, so this process stays small.
    objs, sizes = {}, {}
    for tag, n in (("large", n_insns), ("tiny", 100)):
        objs[tag] = os.path.join(work, f"{tag}.bpf.o")
        sizes[tag] = run([sys.executable, os.path.join(HARNESS, "large_object.py"), objs[tag],
                          "--insns", str(n)], "large_object.py")
    m = re.search(r": (\d+) instructions in (\d+) functions", sizes["large"])
    if not m:
        raise ToolError(f"large_object.py said: {sizes['large']}")
    total, n_funcs = int(m.group(1)), int(m.group(2))
    cmd = lambda tag, *extra: [bpf2arm, objs[tag], "-o", os.path.join(work, f"{tag}.bpf2arm.o"),
                               *tgt.cpu.bpf2arm_flags(), *extra]
    # bpf2arm's default (a thread per CPU of this machine), then one thread: the first is what
    # a user waits, the second the work per instruction.
    result = {"insns": total, "funcs": n_funcs, "runs": runs, "cpus": os.cpu_count() or 1}
    for key, extra in (("default", ()), ("serial", ("--threads=1",))):
        samples = [compile_once(cmd("large", *extra)) for _ in range(runs)]
        best = min(samples)
        result[key] = {"seconds": best[0], "cpu": best[1], "peak": max(rss for _, _, rss in samples)}
    _, _, result["tiny_peak"] = compile_once(cmd("tiny"))
    return result


def report_compile(c):
    mb = 1024 * 1024
    print(f"bpf2arm compile throughput on a generated object of {c['insns']:,} BPF instructions "
          f"in {c['funcs']} functions (tests/bench/harness/large_object.py), best of {c['runs']} runs:")
    for key, what in (("default", f"default threads ({c['cpus']} CPUs)"), ("serial", "--threads=1")):
        r = c[key]
        print(f"  {what + ':':26} {r['seconds']:.2f} s wall clock = {c['insns'] / r['seconds']:,.0f} BPF "
              f"instructions per second; {r['cpu']:.2f} s CPU = {c['insns'] / r['cpu']:,.0f} per CPU second")
    peak = max(c["default"]["peak"], c["serial"]["peak"])
    print(f"  memory: {peak / mb:.0f} MB peak (max RSS) = {peak / c['insns']:.0f} bytes per BPF "
          f"instruction (a 100-instruction object peaks at {c['tiny_peak'] / mb:.0f} MB)")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bpf2arm", required=True)
    ap.add_argument("--workdir", required=True, help="scratch directory, emptied first")
    ap.add_argument("--mcpu", help="CPUs to compile for, comma-separated, from bpf2arm --list-cpus, CPU+thumb for "
                                    "T32 code (default: bpf2arm's default, then cortex-m4 when bpf2arm has it)")
    ap.add_argument("--calls", type=int, default=200, help="N (runs are N and 2N calls)")
    ap.add_argument("-j", type=int, default=os.cpu_count() or 1)
    part = ap.add_mutually_exclusive_group()
    part.add_argument("--compile-only", action="store_true",
                      help="only the compile throughput and memory on the generated object")
    part.add_argument("--no-compile", action="store_true", help="leave the generated object out")
    ap.add_argument("--compile-insns", type=int, default=1_000_000,
                    help="BPF instructions in the generated object (default 1,000,000)")
    ap.add_argument("--compile-runs", type=int, default=3, help="bpf2arm runs on it (the best time counts)")
    ap.add_argument("names", nargs="*")
    args = ap.parse_args()

    bpf2arm = os.path.abspath(args.bpf2arm)
    work = os.path.abspath(args.workdir)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    names = [] if args.compile_only else (args.names or sorted(f[:-2] for f in os.listdir(BENCH_DIR) if f.endswith(".c")))

    try:
        cpus = default_cpus(bpf2arm) if not args.mcpu else toolchain.select_cpus(bpf2arm, args.mcpu)
        # One CPU keeps its files in the work directory itself; several get a directory each.
        dirs = [work] if len(cpus) == 1 else [os.path.join(work, c.label) for c in cpus]
        targets = []
        for c, d in zip(cpus, dirs):
            os.makedirs(d, exist_ok=True)
            targets.append(Target(c, d))
        measured = []
        for tgt in targets if names else []:
            measured.append((tgt, *measure_kernels(tgt, bpf2arm, tgt.work, names, args)))
        compiled = None if args.no_compile else measure_compile(targets[0], bpf2arm, work, args.compile_insns,
                                                                args.compile_runs)
    except ToolError as e:
        print(f"benchmark: {e}", file=sys.stderr)
        return 1
    for tgt, results, compile_s, calib in measured:
        report(tgt, results, compile_s, len(names), args.calls, calib)
        print(f"Objects, listings (NAME.bpf2arm.s, NAME.native.s) and executables: {tgt.work}")
        print()
    if len(measured) > 1:
        report_side_by_side(measured)
        print()
    if compiled:
        report_compile(compiled)
    return 0


def default_cpus(bpf2arm):
    """bpf2arm's default CPU, then cortex-m4 (Thumb-2 on a microcontroller) when it has one."""
    table = toolchain.cpus(bpf2arm)
    return [table[0]] + [c for c in table if c.name == "cortex-m4" and c is not table[0]]


def report_side_by_side(measured):
    """The ratios (bpf2arm / native) of every CPU in one table, a column pair per CPU."""
    labels = [tgt.cpu.label for tgt, *_ in measured]
    head = ["function"] + [f"{label} {what}" for label in labels for what in ("bytes", "insns")]
    by_name = [{r["name"]: r for r in results} for _, results, _, _ in measured]
    names = [r["name"] for r in measured[0][1]]
    rows = []
    for n in names:
        row = [n]
        for results in by_name:
            r = results[n]
            row += [f"{r['bpf2arm']['bytes'] / r['native']['bytes']:.2f}",
                    f"{r['bpf2arm']['insns'] / r['native']['insns']:.2f}"]
        rows.append(row)
    foot = [f"geometric mean ({len(names)})"]
    for results in by_name:
        foot += [f"{geomean([results[n]['bpf2arm']['bytes'] / results[n]['native']['bytes'] for n in names]):.2f}",
                 f"{geomean([results[n]['bpf2arm']['insns'] / results[n]['native']['insns'] for n in names]):.2f}"]
    print("bpf2arm / native clang -O2, side by side (code size in bytes, executed instructions per call):")
    print_table(head, rows, foot)


def measure_kernels(tgt, bpf2arm, work, names, args):
    plugin = os.path.join(work, "libcount.so")
    run(["gcc", "-O2", "-Wall", "-Wextra", "-shared", "-fPIC", "-o", plugin,
         os.path.join(HARNESS, "count_insns.c")], "plugin build")
    main_o = os.path.join(work, "driver.o")
    run([tgt.cc, *tgt.driver_flags, "-c", os.path.join(HARNESS, "driver.c"), "-o", main_o], "driver")

    bpf_objs = {}
    for n in names:
        bpf_objs[n] = os.path.join(work, f"{n}.bpf.o")
        run([CLANG, *BPF_FLAGS, "-c", os.path.join(BENCH_DIR, n + ".c"), "-o", bpf_objs[n]],
            f"clang -target bpf {n}.c")
    # Timed alone and one after another, so the figure is bpf2arm's own cost.
    mcpu = tgt.cpu.bpf2arm_flags()
    arm_objs = {n: os.path.join(work, f"{n}.bpf2arm.o") for n in names}
    t0 = time.perf_counter()
    for n in names:
        run([bpf2arm, bpf_objs[n], "-o", arm_objs[n], *mcpu], f"bpf2arm {n}")
    compile_s = time.perf_counter() - t0
    for n in names:  # listings for whoever wants to see where the instructions go
        run([bpf2arm, bpf_objs[n], "-S", "-o", os.path.join(work, f"{n}.bpf2arm.s"), *mcpu], f"bpf2arm -S {n}")

    calib = calibrate(tgt, work, plugin, main_o, args.calls)
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.j) as pool:
        futures = [pool.submit(measure, tgt, n, work, arm_objs[n], plugin, main_o, args.calls) for n in names]
        results = [f.result() for f in futures]
    return results, compile_s, calib


if __name__ == "__main__":
    sys.exit(main())
