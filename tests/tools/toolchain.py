"""What the test runners and the benchmark share: the tools and their flags, the CPU list
(read from `bpf2arm --list-cpus`, the compiler's own table, never a copy), and helpers to run
commands, run ARM executables under qemu-arm with the CPU's model, and compare outputs.

    sys.path.insert(0, os.path.join(HERE, '..', 'tools'))   # from tests/<runner>/
    import toolchain
"""
import copy
import os
import re
import shutil
import socket
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # keep the source tree free of __pycache__

CLANG = "clang-19"
LLVM_MC = "llvm-mc-19"
READELF = "llvm-readelf-19"
OBJDUMP = "llvm-objdump-19"
HOST_CC = "gcc"
ARM_CC = "arm-linux-gnueabihf-gcc"  # links against Debian's armhf glibc: ARMv7-A, Thumb-2
ARM_NM = "arm-linux-gnueabihf-nm"
QEMU = "qemu-arm"
GDB = "gdb-multiarch"
DWARFDUMP = "llvm-dwarfdump-19"
ARM_OBJDUMP = "arm-linux-gnueabihf-objdump"  # GNU's: `objdump -dl` as a firmware engineer runs it
ARMHF_SYSROOT = "/usr/arm-linux-gnueabihf"  # qemu-arm -L: the dynamic loader and libc of ARM_CC

# BPF objects as the contract (SPEC section 7) builds them.
BPF_FLAGS = ["-target", "bpf", "-mcpu=v4", "-O2", "-g", "-I/usr/include/x86_64-linux-gnu"]

DEFAULT_CPU = "cortex-a7"  # only where no bpf2arm is at hand; otherwise cpus(bpf2arm)[0]

# The CPUs whose T32 code (-mthumb) the tests run beside their ARM-state code, named
# CPU+thumb in CPU lists ('all' includes them). T32 code for an A-profile CPU runs under
# qemu-arm like A32 code; the C harnesses stay ARM and reach it by blx.
THUMB_SUFFIX = "+thumb"
THUMB_CPUS = ("cortex-a7",)

# M-profile rows (Cortex-M; tests/meson.build's cortexm_cpus names the one every runner
# runs) have no ARM state: bpf2arm gives them T32 code without -mthumb, and qemu-arm runs
# it on the row's A-profile stand-in model (its own M-profile models do not start in user
# mode), in a glibc harness built for that model (gcc_arm_flags, hosted_link_flags).


class ToolError(Exception):
    """A command failed; the message names it, with its command line and stderr."""


def run(cmd, what=None, timeout=None, cwd=None):
    """Runs cmd; returns its stdout as text, or raises ToolError."""
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout, cwd=cwd)
    except subprocess.TimeoutExpired:
        raise ToolError(f"{what or cmd[0]}: timed out after {timeout}s")
    except OSError as e:
        raise ToolError(f"{what or cmd[0]}: cannot run: {e}")
    if p.returncode != 0:
        err = p.stderr.decode(errors="replace").strip()
        raise ToolError(f"{what or cmd[0]}: exit status {p.returncode}\n    $ {' '.join(cmd)}\n" +
                        "\n".join("    " + line for line in err.splitlines()[:20]))
    return p.stdout.decode(errors="replace")


def missing_tools(tools):
    return [t for t in tools if not shutil.which(t)]


class Checks:
    """Counts a runner's checks; check() prints a failure's message as it happens."""

    def __init__(self):
        self.passed = self.failed = 0

    def check(self, ok, what, passed=None):
        """Counts ok; prints "FAIL what" when it is false, "PASS passed" (if given) when true.
        Returns ok."""
        if ok:
            self.passed += 1
            if passed:
                print("PASS " + passed)
        else:
            self.failed += 1
            print("FAIL " + what)
        sys.stdout.flush()  # the runners print from thread pools; keep the order readable
        return ok

    def record(self, name, problems):
        """Counts one check made of several findings: "PASS name" when problems is empty,
        else "FAIL name" and each problem indented below it. Returns whether it passed."""
        if problems:
            self.failed += 1
            print("FAIL " + name)
            for p in problems:
                print("     " + str(p).replace("\n", "\n     "))
        else:
            self.passed += 1
            print("PASS " + name)
        sys.stdout.flush()
        return not problems

    def summary(self):
        """Prints the last line, "N passed, N failed"; returns the runner's exit status: 1 when
        a check failed or none ran."""
        print(f"{self.passed} passed, {self.failed} failed")
        return 1 if self.failed or not self.passed else 0


# ---------------------------------------------------------------- the CPU table

class Cpu:
    """One line of `bpf2arm --list-cpus`: name arch= profile= triple= qemu= features=a,b,c."""

    def __init__(self, line):
        fields = line.split()
        self.name = fields[0]
        self.attrs = dict(f.split("=", 1) for f in fields[1:])
        self.arch = self.attrs["arch"]
        self.profile = self.attrs["profile"]
        self.triple = self.attrs["triple"]
        self.qemu = self.attrs["qemu"]
        self.features = set(filter(None, self.attrs["features"].split(",")))
        self.thumb = not self.has("arm")  # M profile: T32 is all it runs
        self.label = self.name  # CPU+thumb for T32 code

    def has(self, feature):
        return feature in self.features

    def in_thumb(self):
        """The same CPU with T32 code (-mthumb)."""
        t = copy.copy(self)
        t.thumb, t.label = True, self.name + THUMB_SUFFIX
        return t

    def mc_triple(self):
        """The triple llvm-mc assembles this CPU's code with: thumbv7a-... for T32 code of an
        A-profile CPU, the row's own for the M profile (already thumbv7em-...)."""
        if self.thumb and self.triple.startswith("arm"):
            return "thumb" + self.triple[len("arm"):]
        return self.triple

    def bpf2arm_flags(self):
        """bpf2arm's flags for code for this CPU (and mode)."""
        return [f"--mcpu={self.name}"] + (["-mthumb"] if self.thumb and self.has("arm") else [])

    @property
    def m_profile(self):
        return self.profile == "M"

    def __repr__(self):
        return self.label


_cpu_cache = {}


def cpus(bpf2arm):
    """The CPUs bpf2arm accepts, its default first, from its own table."""
    bpf2arm = os.path.abspath(bpf2arm)
    if bpf2arm not in _cpu_cache:
        listing = run([bpf2arm, "--list-cpus"], "bpf2arm --list-cpus")
        _cpu_cache[bpf2arm] = [Cpu(line) for line in listing.splitlines() if line.strip()]
        if not _cpu_cache[bpf2arm]:
            raise ToolError(f"{bpf2arm} --list-cpus listed no CPU")
    return _cpu_cache[bpf2arm]


def cpu(bpf2arm, name):
    """The table row of CPU name (None: the default), or CPU+thumb for its T32 code;
    ToolError when bpf2arm has no such CPU."""
    table = cpus(bpf2arm)
    if name is None:
        return table[0]
    if name.endswith(THUMB_SUFFIX):
        row = cpu(bpf2arm, name[:-len(THUMB_SUFFIX)])
        if not row.has("thumb2"):
            raise ToolError(f"{row.name} has no Thumb-2: no {name}")
        return row.in_thumb()
    for c in table:
        if c.name == name:
            return c
    raise ToolError(f"bpf2arm has no CPU {name} (it has: {', '.join(c.name for c in table)})")


def select_cpus(bpf2arm, spec):
    """'all' (every CPU, then the THUMB_CPUS in T32), or a comma-separated list of names
    (CPU or CPU+thumb), or None (the default CPU)."""
    if spec == "all":
        return cpus(bpf2arm) + [cpu(bpf2arm, n + THUMB_SUFFIX) for n in THUMB_CPUS]
    if not spec:
        return [cpu(bpf2arm, None)]
    return [cpu(bpf2arm, n.strip()) for n in spec.split(",") if n.strip()]


def clang_arm_flags(c):
    """clang flags for native ARM code for CPU c (in its mode: ARM state, or Thumb-2 for
    CPU+thumb), linkable with ARM_CC's libc."""
    arch = c.triple.split("-")[0]  # armv7a-none-eabi -> armv7a
    return [f"--target={arch}-linux-gnueabihf", f"-mcpu={c.name}", "-mthumb" if c.thumb else "-marm"]


def gcc_arm_flags(c):
    """ARM_CC flags for C code (test mains, drivers) that runs next to code for CPU c.
    Debian's armhf libc needs ARMv7 with VFP, so pre-ARMv7 CPUs get the baseline, and
    M-profile CPUs (no ARM state, no glibc) the A-profile model qemu-arm runs them on, in
    Thumb, as their firmware would be."""
    if c.m_profile:
        return [f"-mcpu={c.qemu}", "-mthumb", *hosted_link_flags(c)]
    return [f"-mcpu={c.name}", "-marm"] if c.has("thumb2") else ["-marm"]


def hosted_link_flags(c):
    """ARM_CC link flags for a glibc executable holding code for c. GNU ld refuses to
    link objects of the M profile into an A-profile executable ("conflicting architecture
    profiles M/A"); --no-warn-mismatch lets the test harnesses do it, on the A-profile model
    that runs them. Only they need it: tests/cortexm links M-profile firmware without it."""
    return ["-Wl,--no-warn-mismatch"] if c.m_profile else []


def hosted_qemu_cpu(c):
    """The qemu-arm model for an executable linked by ARM_CC (glibc) with code for c.
    glibc for armhf is ARMv7-A Thumb-2 code, which pre-ARMv7 models (arm1176) refuse; those
    CPUs run on cortex-a8, the oldest ARMv7 model, which also lacks hardware divide, so a
    divide instruction slipping into their code still traps. (Their instruction set as a
    whole is checked by asm_roundtrip and, on the real model, by tests/cpus.)"""
    return c.qemu if c.has("thumb2") else "cortex-a8"


def qemu_command(c, exe, *args, hosted=True, extra=()):
    """qemu-arm for exe under CPU c's model; hosted: exe is linked against glibc (ARM_CC)."""
    model = hosted_qemu_cpu(c) if hosted else c.qemu
    return [QEMU, "-cpu", model, *extra, exe, *map(str, args)]


def _free_tcp_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _listening(port):
    """Whether some process listens on TCP port (read from /proc, so that probing does not
    take the one connection a gdbstub accepts)."""
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as f:
                rows = f.read().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            fields = row.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "0A":  # LISTEN
                return True
    return False


def debug_under_qemu(c, exe, gdb_commands, timeout=60, hosted=True, sysroot=None):
    """Runs exe under qemu-arm's gdbstub (`qemu-arm -g PORT`, CPU c's model) and GDB in batch
    mode on it: `file exe`, `target remote :PORT`, then gdb_commands (a list of strings, each
    one `-ex`). A dynamically linked exe needs sysroot (ARMHF_SYSROOT): qemu-arm -L and GDB's
    `set sysroot`. Returns GDB's output (stdout and stderr, in order); raises ToolError when
    GDB fails to start or either program times out."""
    for attempt in range(3):  # another process may take the port between choosing and binding
        port = _free_tcp_port()
        extra = ("-g", str(port)) + (("-L", sysroot) if sysroot else ())
        qemu = subprocess.Popen(qemu_command(c, exe, hosted=hosted, extra=extra),
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while not _listening(port) and qemu.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        if _listening(port):
            break
        qemu.kill()
        qemu.wait()
    else:
        raise ToolError(f"{QEMU} -g: no gdbstub listening after 3 attempts")
    cmd = [GDB, "-batch", "-nx", "-ex", "set pagination off"] + (["-ex", f"set sysroot {sysroot}"] if sysroot else [])
    cmd += ["-ex", f"file {exe}", "-ex", f"target remote :{port}"]
    for command in gdb_commands:
        cmd += ["-ex", command]
    cmd += ["-ex", "kill"]
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                           timeout=timeout)
    except subprocess.TimeoutExpired:
        raise ToolError(f"{GDB}: timed out after {timeout}s\n    $ {' '.join(cmd)}")
    except OSError as e:
        raise ToolError(f"{GDB}: cannot run: {e}")
    finally:
        try:
            qemu.wait(timeout=5)
        except subprocess.TimeoutExpired:
            qemu.kill()
            qemu.wait()
    return p.stdout.decode(errors="replace")


# ---------------------------------------------------------------- bpf2arm's diagnostics

def parse_diagnostic(line, input_path, kind="error"):
    """One line of bpf2arm's diagnostics about input_path, in one of the two forms of SPEC
    section 2: `file.c:LINE[:COL]: KIND: MESSAGE (in FUNCTION, insn N of IN.o)` where BTF line
    info places the problem (the parenthesis names what is known), `IN.o: KIND: [FUNCTION: ]
    [insn N: ]MESSAGE` where it does not. Returns a dict: source, (file, line, column or None)
    or None; function and insn (the source form's, None where absent or in the object form);
    message (in the object form all after `KIND: `). None when the line has neither form."""
    prefix = f"{input_path}: {kind}: "
    if line.startswith(prefix):
        return {"source": None, "function": None, "insn": None, "message": line[len(prefix):]}
    m = re.fullmatch(r"(.+?):(\d+)(?::(\d+))?: " + kind + r": (.*) \("
                     r"(?:in (\S+?)(?:, insn (\d+))? of |insn (\d+) of )?" + re.escape(input_path) + r"\)", line)
    if not m:
        return None
    insn = m.group(6) or m.group(7)
    return {"source": (m.group(1), int(m.group(2)), int(m.group(3)) if m.group(3) else None),
            "function": m.group(5), "insn": int(insn) if insn else None, "message": m.group(4)}


# ---------------------------------------------------------------- running and comparing

def execute(cmd, what, timeout=120):
    """Runs a test binary; returns (stdout lines, problem), problem describing an abnormal end."""
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode(errors="replace") if isinstance(e.stdout, bytes) else (e.stdout or "")
        return out.splitlines(), f"{what} timed out after {timeout}s"
    lines = p.stdout.decode(errors="replace").splitlines()
    if p.returncode != 0:
        how = f"signal {-p.returncode}" if p.returncode < 0 else f"exit status {p.returncode}"
        err = p.stderr.decode(errors="replace").strip().splitlines()
        return lines, f"{what} ended with {how}" + (f": {err[-1]}" if err else "")
    return lines, None


def _context_of(lines, index):
    """The line that names the call: indented result lines belong to the last unindented one."""
    for i in range(index, -1, -1):
        if not lines[i].startswith((" ", "\t")):
            return lines[i] if i != index else None
    return None


def compare(expected, got, problem=None):
    """None when got (lines) equals expected and the run ended normally; else what differs."""
    for i, (e, g) in enumerate(zip(expected, got)):
        if e != g:
            msg = f"line {i + 1} differs\n    expected: {e}\n    got:      {g}"
            ctx = _context_of(expected, i)
            if ctx:
                msg += f"\n    in:       {ctx}"
            if problem:
                msg += f"\n    ({problem})"
            return msg
    n = len(got)
    if n < len(expected):
        where = f"after line {n} ({got[-1]!r})" if got else "before any output"
        return f"{problem or 'ARM output ended early'} {where}; next expected line {n + 1}: {expected[n]}"
    if n > len(expected):
        extra = f"ARM output has extra lines; first extra line {len(expected) + 1}: {got[len(expected)]}"
        return extra + (f" ({problem})" if problem else "")
    if problem:
        return problem + " after printing all the expected output"
    return None


# ---------------------------------------------------------------- the runtime stub

RUNTIME_STUB = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "runtime-stub")


def atomic64_runtime_objects(c, workdir):
    """What code for c calls besides helpers: on CPUs without ldrexd (Cortex-M), its 64-bit
    atomics call runtime-stub/atomic64.c, which takes the irq hooks of platform.c; else
    nothing. For harnesses that link no other part of the runtime stub."""
    if c.has("ldrexd"):
        return []
    return [o for o in runtime_stub_objects(c, workdir) if os.path.basename(o) in ("atomic64.o", "platform.o")]


def runtime_stub_objects(c, workdir, pic=False):
    """runtime-stub/*.c compiled by ARM_CC for CPU c (once per directory), as a firmware
    build would; returns the object paths, to link with tests that call the stub. pic:
    with -fPIC, for a shared object (ARM_CC's default is -fPIE)."""
    return _compile_runtime_stub(ARM_CC, [*gcc_arm_flags(c), *(["-fPIC"] if pic else [])],
                                 os.path.join(workdir, f"runtime-stub-{c.name}" + ("-pic" if pic else "")))


def _compile_runtime_stub(cc, flags, outdir):
    """runtime-stub/*.c compiled by cc with flags into outdir, each only when its object is
    older than its source; returns the object paths."""
    os.makedirs(outdir, exist_ok=True)
    objs = []
    for src in sorted(f for f in os.listdir(RUNTIME_STUB) if f.endswith(".c")):
        obj = os.path.join(outdir, src[:-2] + ".o")
        path = os.path.join(RUNTIME_STUB, src)
        if not os.path.exists(obj) or os.path.getmtime(obj) < os.path.getmtime(path):
            run([cc, "-std=c11", "-O2", "-Wall", *flags, "-I", os.path.join(RUNTIME_STUB, "include"),
                 "-c", path, "-o", obj], f"{cc} {src}")
        objs.append(obj)
    return objs


# ---------------------------------------------------------------- MPS2 boards (Cortex-M, bare metal)

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
BOARDS_DIR = os.path.join(ROOT, "runtime-stub", "boards", "mps2")
FIRMWARE_CC = "arm-none-eabi-gcc"  # newlib; rdimon gives stdio and exit over semihosting
QEMU_SYSTEM = "qemu-system-arm"


class Board:
    """One line of runtime-stub/boards/mps2/boards.txt: the board (qemu's -M machine), its CPU (bpf2arm's
    and GCC's -mcpu) and its linker script."""

    def __init__(self, line):
        self.name, self.cpu, ldscript = line.split()
        self.ldscript = os.path.join(BOARDS_DIR, ldscript)

    def cflags(self):
        """FIRMWARE_CC (or clang --target=thumbv7em-none-eabi ...) flags for C code on the board."""
        return [f"-mcpu={self.cpu}", "-mthumb", "-mfloat-abi=soft"]

    def link_flags(self):
        """FIRMWARE_CC link flags: our start-up code instead of newlib's, the board's memory map,
        rdimon's semihosting stdio. (-z noexecstack: newlib's objects lack .note.GNU-stack.)"""
        return ["--specs=rdimon.specs", "-nostartfiles", "-L", BOARDS_DIR, "-T", self.ldscript,
                "-Wl,-z,noexecstack"]

    def __repr__(self):
        return self.name


def boards():
    """Every board of runtime-stub/boards/mps2/boards.txt, in its order."""
    with open(os.path.join(BOARDS_DIR, "boards.txt")) as f:
        return [Board(line) for line in f if line.strip() and not line.startswith("#")]


def select_boards(spec):
    """'all', or a comma-separated list of board names; ToolError for an unknown one."""
    table = boards()
    if spec == "all":
        return table
    chosen = []
    for name in filter(None, (n.strip() for n in spec.split(","))):
        match = [b for b in table if b.name == name]
        if not match:
            raise ToolError(f"no board {name} (runtime-stub/boards/mps2/boards.txt has: {', '.join(b.name for b in table)})")
        chosen += match
    return chosen


def board_runtime_stub(board, workdir):
    """runtime-stub/*.c compiled by FIRMWARE_CC for the board, as a static library (once per
    directory): a firmware links only the parts its programs call (the 64-bit atomics of
    ARMv7-M, maps, helpers). Returns the library's path."""
    objs = _compile_runtime_stub(FIRMWARE_CC, board.cflags(), os.path.join(workdir, f"runtime-stub-{board.name}"))
    lib = os.path.join(workdir, f"runtime-stub-{board.name}", "libbpf2arm_runtime.a")
    if not os.path.exists(lib) or any(os.path.getmtime(lib) < os.path.getmtime(o) for o in objs):
        if os.path.exists(lib):
            os.remove(lib)
        run(["arm-none-eabi-ar", "rcs", lib, *objs], "arm-none-eabi-ar")
    return lib


def board_bpf2arm_flags(board):
    """bpf2arm's flags for code on the board: its CPU, whose code is T32 only."""
    return [f"--mcpu={board.cpu}"]


def board_startup(board, workdir):
    """runtime-stub/boards/mps2/startup.c compiled for the board (once per directory); returns the object."""
    obj = os.path.join(workdir, f"startup-{board.name}.o")
    src = os.path.join(BOARDS_DIR, "startup.c")
    if not os.path.exists(obj) or os.path.getmtime(obj) < os.path.getmtime(src):
        run([FIRMWARE_CC, *board.cflags(), "-O2", "-Wall", "-Wextra", "-I", BOARDS_DIR, "-c", src, "-o", obj],
            f"{FIRMWARE_CC} startup.c for {board.name}")
    return obj


SKIP_STATUS = 77  # meson's "skipped"


def boards_bpf2arm_has(bpf2arm, chosen):
    """The boards of chosen whose CPU bpf2arm's table has, and the names of the others (a
    bpf2arm without M-profile rows cannot compile for them: the runners skip those)."""
    names = {c.name for c in cpus(bpf2arm)}
    return [b for b in chosen if b.cpu in names], [b.name for b in chosen if b.cpu not in names]


def board_for_cpu(cpu_name):
    """The first board of the table with that CPU, or None."""
    return next((b for b in boards() if b.cpu == cpu_name), None)


def board_command(board, elf, args=(), extra=()):
    """qemu-system-arm running elf on the board with semihosting (the firmware's stdio, exit
    status and command line: main gets argv = [elf, *args] from startup.c); the UART goes
    nowhere; extra goes before -kernel (a plugin, say). qemu 7.2 writes what newlib prints to
    its own stdout (rdimon opens ":tt", which that release maps to the host's stdout)."""
    argv = "".join(f",arg={a}" for a in (os.path.basename(elf), *map(str, args)))
    return [QEMU_SYSTEM, "-M", board.name, "-nographic", "-monitor", "none", "-serial", "none",
            "-semihosting-config", "enable=on,target=native" + argv, *extra, "-kernel", elf]


def clang_firmware_flags(c):
    """clang flags for native bare-metal code for an M-profile CPU c (T32 only, soft float):
    --target=thumbv7em-none-eabi -mcpu=cortex-m4 and the like."""
    arch = c.triple.split("-")[0]
    if arch.startswith("arm"):
        arch = "thumb" + arch[len("arm"):]
    return [f"--target={arch}-none-eabi", f"-mcpu={c.name}", "-mthumb", "-mfloat-abi=soft"]


def run_on_board(board, elf, timeout=120, args=(), extra=()):
    """Runs firmware elf on the board; returns (its output lines, problem), as execute().
    The output goes to a file (elf.out), never a pipe, which can lose what the firmware
    wrote last when qemu exits. A fault report of startup.c (written with SYS_WRITE0, which
    qemu 7.2 sends to its stderr) is quoted in the problem."""
    out = elf + ".out"
    what = f"{board.name} firmware"
    problem = None
    with open(out, "wb") as f:
        try:
            p = subprocess.run(board_command(board, elf, args, extra), stdin=subprocess.DEVNULL, stdout=f,
                               stderr=subprocess.PIPE, timeout=timeout)
            err = p.stderr.decode(errors="replace").strip().splitlines()
            if p.returncode != 0:
                fault = [line for line in err if line.startswith("FATAL: ")]
                problem = f"{what} ended with exit status {p.returncode}" + (f": {(fault or err)[-1]}" if err else "")
        except subprocess.TimeoutExpired:
            problem = f"{what} timed out after {timeout}s"
    lines = open(out, errors="replace").read().splitlines()
    return lines, problem


# ---------------------------------------------------------------- for shell runners

def shell_assignments(bpf2arm, name):
    """Bash assignments that give a shell runner CPU `name`'s flags as the Python runners
    use them: cpu_flags (bpf2arm's), cc_flags (ARM_CC's, for C next to the code, compiling
    and linking) and qemu (the qemu-arm command with the hosted model)."""
    import shlex
    c = cpu(bpf2arm, name)
    words = lambda items: "(" + " ".join(shlex.quote(i) for i in items) + ")"
    return "\n".join([f"cpu_flags={words(c.bpf2arm_flags())}",
                      f"cc_flags={words(gcc_arm_flags(c))}",
                      f"qemu={words([QEMU, '-cpu', hosted_qemu_cpu(c)])}"]) + "\n"


if __name__ == "__main__":
    # toolchain.py shell-env BPF2ARM CPU: for `eval` in the shell runners (tests/maps, ...).
    if len(sys.argv) != 4 or sys.argv[1] != "shell-env":
        sys.exit("usage: toolchain.py shell-env BPF2ARM CPU")
    try:
        sys.stdout.write(shell_assignments(sys.argv[2], sys.argv[3]))
    except ToolError as e:
        sys.exit(f"toolchain.py: {e}")
