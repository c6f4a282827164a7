// Runs many programs on ARM at once: one BPF object holding all of them, one bpf2arm run,
// one link of a generated C harness (arm-linux-gnueabihf-gcc -static), one qemu-arm run
// (resumed after the program that crashed, if one does).
#pragma once

#include <string>
#include <vector>

#include "program.h"

namespace difftest {

struct Toolchain {
  std::string bpf2arm;
  std::string mcpu = "cortex-a7";
  std::vector<std::string> bpf2armArgs;  // more options for bpf2arm
  std::string cc = "arm-linux-gnueabihf-gcc";
  // More arguments for the harness's compile and link: flags and C files. Cortex-M code
  // needs -Wl,--no-warn-mismatch (an M-profile object in an A-profile glibc program) and
  // the runtime's atomic64.c and platform.c, which its 64-bit atomics call.
  std::vector<std::string> ccArgs;
  std::string qemu = "qemu-arm";
  std::string sourceDir;  // tests/difftest, for helpers.inc
  // qemu-arm runs any ARMv7/v8 instruction whatever --mcpu says (the harness's libc needs
  // ARMv7), so the code is also disassembled for the CPU, every Nth batch (0: never), and
  // an instruction the CPU does not have is a mismatch.
  std::string objdump = "llvm-objdump-19";
  unsigned decodeCheckEvery = 8;
};

struct ArmResult {
  enum Kind { Ok, Crashed, Rejected, NotOnCpu, Missing } kind = Missing;
  uint64_t r0 = 0;
  std::array<uint8_t, kBufferSize> buffer{};
  std::string detail;  // signal, or bpf2arm's message
};

// Fills `results` (one per program) and returns "", or returns what broke the whole batch.
// `decodeCheck` asks for the disassembly check of the code for the CPU.
std::string runOnArm(const Toolchain &tools, const std::string &workdir, const std::vector<const Program *> &programs,
                     std::vector<ArmResult> &results, bool decodeCheck = false);

// Runs a command with stdout and stderr going to files; returns the exit status, or 128 + the
// signal that killed it, or -1 when it could not start.
int runProcess(const std::vector<std::string> &argv, const std::string &stdoutPath, const std::string &stderrPath);

std::string readFile(const std::string &path);

}  // namespace difftest
