#!/usr/bin/env python3
"""The Linux kernel's own BPF selftest programs, compiled by bpf2arm and checked against
the expectations of the kernel's own tests.

The programs come, when the test runs, from Debian's linux-source-6.1 package (installed
here if missing, like every other dependency): only the files they need are extracted
from /usr/src/linux-source-6.1.tar.xz into the work directory; nothing of the kernel is
in this repository. Each program is compiled as SPEC section 7 says (clang-19 -target bpf
-mcpu=v4 -O2 -g) with the selftests' own directory first on the include path (its
gnu/stubs.h, test_iptunnel_common.h, progs/bpf_misc.h) and libbpf-dev's <bpf/*.h>, then by
bpf2arm (--header) for each CPU, linked with its harness (tests/selftests/NAME.c, which
encodes the checks of the matching prog_tests/*.c, each with a comment naming it) and the
runtime stub, and run under qemu-arm. A harness prints "ok CHECK" or "FAIL CHECK: ..." per
check and exits with the number of failures.

    run_selftests.py --bpf2arm PATH [--workdir DIR] [--mcpu CPU,CPU] [--repeat N] [NAME...]
"""
import argparse
import os
import subprocess
import sys
import tarfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tools"))
import arm_harness  # noqa: E402
import toolchain  # noqa: E402
from toolchain import ToolError  # noqa: E402

KERNEL_TARBALL = "/usr/src/linux-source-6.1.tar.xz"
KERNEL_PACKAGE = "linux-source-6.1"
SELFTESTS = "linux-source-6.1/tools/testing/selftests/bpf"
# Headers of the selftests the programs below include (besides their own progs/NAME.c).
SELFTEST_HEADERS = ["gnu/stubs.h", "test_iptunnel_common.h", "progs/bpf_misc.h"]

# name -> (progs/ file, harness, extra defines). The kernel test each harness follows is
# named in the harness.
PROGRAMS = {
    "test_pkt_access": ("test_pkt_access", "pkt_access.c", []),
    "test_pkt_md_access": ("test_pkt_md_access", "pkt_md_access.c", []),
    "test_xdp": ("test_xdp", "xdp.c", []),
    "test_xdp_noinline": ("test_xdp_noinline", "xdp_noinline.c", []),
    "test_l4lb": ("test_l4lb", "l4lb.c", []),
    "test_l4lb_noinline": ("test_l4lb_noinline", "l4lb.c", []),
    "test_tcp_estats": ("test_tcp_estats", "tcp_estats.c", []),
    "test_xdp_adjust_tail_shrink": ("test_xdp_adjust_tail_shrink", "xdp_adjust_tail.c", ["SELFTEST_SHRINK"]),
    "test_xdp_adjust_tail_grow": ("test_xdp_adjust_tail_grow", "xdp_adjust_tail.c", []),
    "bpf_loop": ("bpf_loop", "bpf_loop.c", []),
    "skb_load_bytes": ("skb_load_bytes", "skb_load_bytes.c", []),
}

NUM_ITER = 100000  # network_helpers.h: the repeat count of the load balancers' tests


def install_kernel_source():
    if os.path.exists(KERNEL_TARBALL):
        return
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    print(f"installing {KERNEL_PACKAGE}", flush=True)
    subprocess.run(sudo + ["apt-get", "install", "-y", "-q", "--no-install-recommends", KERNEL_PACKAGE],
                   check=True, env=env)


def extract_selftests(workdir, names):
    """The files the programs need, extracted once into WORKDIR (a stamp lists them)."""
    members = [f"{SELFTESTS}/{h}" for h in SELFTEST_HEADERS]
    members += sorted({f"{SELFTESTS}/progs/{PROGRAMS[n][0]}.c" for n in names})
    root = os.path.join(workdir, "kernel")
    stamp = os.path.join(root, "extracted")
    if os.path.exists(stamp) and set(open(stamp).read().split()) >= set(members):
        return os.path.join(root, SELFTESTS)
    install_kernel_source()
    started = time.time()
    wanted = set(members)
    os.makedirs(root, exist_ok=True)
    # One pass over the xz stream: the tarball is 130 MB, a member's position is unknown.
    with tarfile.open(KERNEL_TARBALL, "r:xz") as tar:
        for member in tar:
            if member.name in wanted:
                tar.extract(member, root, set_attrs=False)
                wanted.discard(member.name)
                if not wanted:
                    break
    if wanted:
        raise ToolError(f"{KERNEL_TARBALL} lacks {', '.join(sorted(wanted))}")
    with open(stamp, "w") as f:
        f.write("\n".join(members) + "\n")
    print(f"extracted {len(members)} files from {KERNEL_TARBALL} in {time.time() - started:.1f}s", flush=True)
    return os.path.join(root, SELFTESTS)


def compile_bpf(selftests, name, workdir):
    src = os.path.join(selftests, "progs", PROGRAMS[name][0] + ".c")
    obj = os.path.join(workdir, name + ".bpf.o")
    # The selftests' directory must come before the BPF flags' multiarch include dir: its
    # gnu/stubs.h stands in for glibc's, which wants a gnu/stubs-32.h under -target bpf.
    # HERE has vmlinux.h, the few types bpf_loop.c takes from a kernel's generated header.
    includes = ["-I", selftests, "-I", os.path.join(selftests, "progs"), "-I", HERE]
    toolchain.run([toolchain.CLANG, *includes, *toolchain.BPF_FLAGS, "-c", src, "-o", obj], f"clang {name}")
    return obj


def run_program(name, bpf_obj, c, args):
    d = os.path.join(args.workdir, c.name, name)
    os.makedirs(d, exist_ok=True)
    arm_obj = os.path.join(d, "prog.arm.o")
    # The harness includes "prog.arm.h"; warnings (bpf_loop's bpf_get_current_pid_tgid,
    # which the harness defines) are not failures.
    toolchain.run([args.bpf2arm, f"--mcpu={c.name}", bpf_obj, "-o", arm_obj, "--header",
                   os.path.join(d, "prog.arm.h")], f"bpf2arm {name} --mcpu={c.name}")
    _, harness, defines = PROGRAMS[name]
    exe = arm_harness.link_c_main(c, os.path.join(d, "test"), [os.path.join(HERE, harness), arm_obj],
                                  include_dirs=[d, HERE], defines=defines + [f"SELFTEST_REPEAT={args.repeat}"],
                                  workdir=args.workdir)
    lines, problem = toolchain.execute(toolchain.qemu_command(c, exe), f"{name} on {c.name}", timeout=300)
    failed = [line for line in lines if not line.startswith("ok ")]
    passed = len(lines) - len(failed)
    if problem or failed or passed == 0:
        return False, "\n    ".join(failed + ([problem] if problem else []) + ([] if lines else ["no output"]))
    return True, f"{passed} checks"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bpf2arm", required=True)
    ap.add_argument("--workdir", default="build/selftests")
    ap.add_argument("--mcpu", default="cortex-a7,arm1176jzf-s")
    ap.add_argument("--repeat", type=int, default=NUM_ITER,
                    help="runs of the programs the kernel's tests repeat NUM_ITER times (default NUM_ITER)")
    ap.add_argument("names", nargs="*", help="programs (default: all)")
    args = ap.parse_args()
    args.bpf2arm = os.path.abspath(args.bpf2arm)
    args.workdir = os.path.abspath(args.workdir)
    names = args.names or list(PROGRAMS)
    unknown = [n for n in names if n not in PROGRAMS]
    if unknown:
        ap.error(f"unknown program(s) {', '.join(unknown)}; known: {', '.join(PROGRAMS)}")
    os.makedirs(args.workdir, exist_ok=True)

    started = time.time()
    failures = 0
    try:
        selftests = extract_selftests(args.workdir, names)
        cpus = toolchain.select_cpus(args.bpf2arm, args.mcpu)
    except (ToolError, subprocess.CalledProcessError) as e:
        print(f"FAIL setting up: {e}")
        return 1
    for name in names:
        try:
            bpf_obj = compile_bpf(selftests, name, args.workdir)
        except ToolError as e:
            print(f"FAIL {name}: {e}")
            failures += len(cpus)
            continue
        for c in cpus:
            try:
                ok, detail = run_program(name, bpf_obj, c, args)
            except ToolError as e:
                ok, detail = False, str(e)
            print(f"{'PASS' if ok else 'FAIL'} {name} on {c.name}: {detail}", flush=True)
            failures += not ok
    total = len(names) * len(cpus)
    print(f"{total - failures} passed, {failures} failed ({time.time() - started:.0f}s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
