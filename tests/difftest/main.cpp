// The differential tester of bpf2arm (issue 7, item 6): random BPF programs compiled by
// bpf2arm and run under qemu-arm, compared with an RFC 9669 interpreter that shares no code
// with the compiler (README, "Tests"). Usage:
static const char kUsage[] = R"(usage:
  difftest run --bpf2arm PATH [--mcpu CPU] [--seed S] [--count N] [--first I] [--batch B]
               [--jobs J] [--pressure FRACTION] [--minimise-dir DIR] [--minimise-max K]
               [--keep-dir DIR] [--bpf2arm-arg ARG]... [--cc CC] [--cc-arg ARG]... [--qemu QEMU] [--source-dir DIR]
               [--objdump OBJDUMP] [--decode-check-every N]
      Generates programs I .. I+N-1 of seed S (each is the same whatever the batch size),
      B per object (default 500), runs them on CPU (default cortex-a7) and compares R0 and
      the buffer with the interpreter. Prints each mismatch (seed, index, what differs), a
      summary with programs per second, and with --minimise-dir writes up to K (default 3)
      minimised .data files there. Every Nth object (default 8, 0: none) is also disassembled
      for CPU: qemu-arm runs any ARMv7 instruction, so one the CPU lacks is caught there.
      Exit status 0 only without mismatches.
  difftest coverage [--seed S] [--count N] [--pressure FRACTION]
      Counts, over N generated programs, each instruction form (opcode with its sign-extension,
      swap width, atomic operation or call kind) that was executed, and lists those never run.
  difftest show --seed S --index I [--pressure FRACTION] [--words]
      Prints program I of seed S in the conformance assembly syntax and what the interpreter
      computes for it; with --words also its instruction words, as `#W` lines (for checking
      that tests/tools/bpf_asm.py reads the text back to the same code).
)";

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "generator.h"
#include "interpreter.h"
#include "minimise.h"
#include "output.h"
#include "runner.h"

#ifndef DIFFTEST_SOURCE_DIR
#define DIFFTEST_SOURCE_DIR "."
#endif

using namespace difftest;

namespace {

struct Options {
  Toolchain tools;
  uint64_t seed = 1, count = 1000, first = 0;
  unsigned batch = 500, jobs = 1, minimiseMax = 3;
  GenOptions gen;
  std::string minimiseDir, keepDir;
};

[[noreturn]] void usage(const char *why) {
  std::fprintf(stderr, "difftest: %s\n%s", why, kUsage);
  std::exit(2);
}

// A program of the run: generated until the interpreter accepts it (a program that runs
// too long is regenerated with the next attempt).
struct Generated {
  Program program;
  Outcome expected;
  unsigned attempts = 0;
};

Generated generateValid(const Options &o, uint64_t index) {
  Generated g;
  for (unsigned attempt = 0; attempt < 20; ++attempt) {
    g.program = generate(o.seed, index, attempt, o.gen);
    Limits limits;
    limits.maxSteps = 200000;
    g.expected = interpret(g.program, limits);
    g.attempts = attempt + 1;
    if (g.expected.valid) return g;
    if (g.expected.why.find("step budget") == std::string::npos) {
      std::fprintf(stderr, "difftest: generator bug: seed %" PRIu64 " index %" PRIu64 " attempt %u: %s\n", o.seed,
                   index, attempt, g.expected.why.c_str());
      std::exit(3);
    }
  }
  std::fprintf(stderr, "difftest: seed %" PRIu64 " index %" PRIu64 ": every attempt ran too long\n", o.seed, index);
  std::exit(3);
}

struct Mismatch {
  uint64_t index;
  std::string what;
  bool bufferDiffers;
  Program program;
};

std::string describe(const Outcome &want, const ArmResult &got, bool &bufferDiffers) {
  bufferDiffers = false;
  char line[256];
  switch (got.kind) {
    case ArmResult::Rejected: return "bpf2arm refused it: " + got.detail;
    case ArmResult::Crashed: return "crashed (" + got.detail + ")";
    case ArmResult::Missing: return "no result from the harness";
    case ArmResult::NotOnCpu: return "an instruction the CPU does not have: " + got.detail;
    case ArmResult::Ok: break;
  }
  std::string what;
  if (got.r0 != want.r0) {
    std::snprintf(line, sizeof line, "R0 0x%016" PRIx64 ", expected 0x%016" PRIx64, got.r0, want.r0);
    what = line;
  }
  for (unsigned b = 0; b < kBufferSize; ++b)
    if (got.buffer[b] != want.buffer[b]) {
      bufferDiffers = true;
      std::snprintf(line, sizeof line, "%sbuffer[%u] 0x%02x, expected 0x%02x", what.empty() ? "" : "; ", b,
                    got.buffer[b], want.buffer[b]);
      what += line;
      break;
    }
  return what;
}

int run(Options &o) {
  char tmpl[] = "/tmp/difftest.XXXXXX";
  std::string top = o.keepDir;
  if (top.empty()) {
    if (!mkdtemp(tmpl)) usage("cannot make a temporary directory");
    top = tmpl;
  }
  std::filesystem::create_directories(top);
  std::atomic<uint64_t> nextBatch{0}, programsRun{0}, slots{0}, regenerated{0};
  const uint64_t batches = (o.count + o.batch - 1) / o.batch;
  std::mutex lock;
  std::vector<Mismatch> mismatches;
  std::string fatal;
  auto start = std::chrono::steady_clock::now();
  double nextProgress = 60;  // seconds; guarded by `lock`
  auto worker = [&](unsigned id) {
    std::string dir = top + "/w" + std::to_string(id);
    std::filesystem::create_directories(dir);
    for (;;) {
      uint64_t b = nextBatch++;
      if (b >= batches) return;
      uint64_t from = o.first + b * o.batch, to = std::min(o.first + o.count, from + o.batch);
      std::vector<Generated> gens;
      for (uint64_t i = from; i < to; ++i) gens.push_back(generateValid(o, i));
      std::vector<const Program *> progs;
      for (const Generated &g : gens) {
        progs.push_back(&g.program);
        slots += g.program.code.size();
        regenerated += g.attempts - 1;
      }
      std::vector<ArmResult> results;
      bool decodeCheck = o.tools.decodeCheckEvery && b % o.tools.decodeCheckEvery == 0;
      std::string error = runOnArm(o.tools, dir, progs, results, decodeCheck);
      std::lock_guard<std::mutex> guard(lock);
      if (!error.empty()) {
        fatal = "programs " + std::to_string(from) + ".." + std::to_string(to - 1) + ": " + error;
        nextBatch = batches;
        return;
      }
      for (size_t k = 0; k < gens.size(); ++k) {
        bool bufferDiffers;
        std::string what = describe(gens[k].expected, results[k], bufferDiffers);
        if (what.empty()) continue;
        uint64_t index = from + k;
        std::printf("MISMATCH --mcpu=%s --seed %" PRIu64 " --index %" PRIu64 ": %s\n", o.tools.mcpu.c_str(), o.seed,
                    index, what.c_str());
        std::fflush(stdout);
        mismatches.push_back({index, what, bufferDiffers, gens[k].program});
      }
      programsRun += gens.size();
      double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      if (elapsed >= nextProgress) {  // long runs say how far they are, once a minute
        nextProgress = elapsed + 60;
        std::printf("difftest: %" PRIu64 " of %" PRIu64 " programs, %zu mismatches, %.0f programs/s\n",
                    programsRun.load(), o.count, mismatches.size(), double(programsRun.load()) / elapsed);
        std::fflush(stdout);
      }
    }
  };
  std::vector<std::thread> threads;
  for (unsigned j = 0; j < o.jobs; ++j) threads.emplace_back(worker, j);
  for (std::thread &t : threads) t.join();
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("difftest: --mcpu=%s --seed %" PRIu64 ", programs %" PRIu64 "..%" PRIu64 ": %" PRIu64
              " run (%" PRIu64 " BPF instructions, %" PRIu64 " regenerated for running too long), %zu mismatches, "
              "%.1f s, %.0f programs/s\n",
              o.tools.mcpu.c_str(), o.seed, o.first, o.first + o.count - 1, programsRun.load(), slots.load(),
              regenerated.load(), mismatches.size(), seconds, double(programsRun.load()) / seconds);
  if (!fatal.empty()) std::printf("difftest: error: %s\n", fatal.c_str());
  if (!o.minimiseDir.empty()) {
    std::filesystem::create_directories(o.minimiseDir);
    std::sort(mismatches.begin(), mismatches.end(), [](const Mismatch &a, const Mismatch &b) { return a.index < b.index; });
    for (size_t i = 0; i < mismatches.size() && i < o.minimiseMax; ++i) {
      const Mismatch &m = mismatches[i];
      // A refusal's message and an instruction the CPU lacks already name the instruction.
      if (m.what.rfind("bpf2arm refused", 0) == 0 || m.what.rfind("an instruction", 0) == 0) continue;
      std::string path = o.minimiseDir + "/difftest-" + o.tools.mcpu + "-s" + std::to_string(o.seed) + "-i" +
                         std::to_string(m.index) + ".data";
      std::string dir = top + "/min" + std::to_string(i);
      std::filesystem::create_directories(dir);
      std::vector<std::string> comments = {
          "Found by the differential tester (tests/difftest): --mcpu=" + o.tools.mcpu + " --seed " +
              std::to_string(o.seed) + " --index " + std::to_string(m.index) + ", minimised.",
          "The expected result comes from the tester's RFC 9669 interpreter, not from bpf2arm.",
          "Originally: " + m.what + "."};
      Minimised r = minimise(o.tools, dir, m.program, m.bufferDiffers, comments, path);
      std::printf("MINIMISED --index %" PRIu64 ": %zu -> %zu slots: %s\n", m.index, r.slotsBefore, r.slotsAfter,
                  r.message.c_str());
    }
  }
  if (o.keepDir.empty()) std::filesystem::remove_all(top);
  return mismatches.empty() && fatal.empty() ? 0 : 1;
}

int show(const Options &o, uint64_t index, bool words) {
  Generated g = generateValid(o, index);
  std::printf("%s", assemblyText(g.program.code).c_str());
  for (const Insn &in : words ? g.program.code : Code{})
    std::printf("#W %02x%02x%04x%08x\n", in.opcode, unsigned(in.dst | in.src << 4), unsigned(uint16_t(in.off)),
                unsigned(in.imm));
  std::printf("# args r2..r5: 0x%" PRIx64 " 0x%" PRIx64 " 0x%" PRIx64 " 0x%" PRIx64 "\n", g.program.args[0],
              g.program.args[1], g.program.args[2], g.program.args[3]);
  std::printf("# %zu slots, %" PRIu64 " steps, R0 = 0x%016" PRIx64 "\n", g.program.code.size(), g.expected.steps,
              g.expected.r0);
  return 0;
}

// The forms of RFC 9669 an instruction can take, as names.
std::string formName(const Insn &in) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "op 0x%02x", in.opcode);
  std::string name = buf;
  const uint8_t cls = in.cls();
  if ((cls == ALU || cls == ALU64) && (in.op() == OP_DIV || in.op() == OP_MOD || in.op() == OP_MOV) && in.off)
    name += " off " + std::to_string(in.off);
  if ((cls == ALU || cls == ALU64) && in.op() == OP_END) name += " width " + std::to_string(in.imm);
  if (cls == STX && (in.opcode & 0xe0) == MODE_ATOMIC) {
    std::snprintf(buf, sizeof buf, " atomic 0x%02x", unsigned(in.imm));
    name += buf;
  }
  if (in.isCall()) name += in.src == CALL_LOCAL ? " local" : " helper " + std::to_string(in.imm);
  return name;
}

int coverage(const Options &o) {
  std::map<std::string, uint64_t> executed;
  uint64_t programs = 0, pressure = 0;
  for (uint64_t i = o.first; i < o.first + o.count; ++i) {
    Generated g = generateValid(o, i);
    std::vector<uint64_t> counts;
    Limits limits;
    limits.slotCounts = &counts;
    interpret(g.program, limits);
    for (size_t s = 0; s < g.program.code.size(); ++s)
      if (counts[s]) executed[formName(g.program.code[s])] += counts[s];
    ++programs;
    int used = 0;
    for (const Insn &in : g.program.code) used |= 1 << in.dst;
    pressure += (used & 0x3ff) == 0x3ff;
  }
  // Every form the tester means to cover: all ALU/ALU64 operations in both source forms,
  // sdiv/smod, movsx widths, le/be/bswap widths, jumps of both classes in both forms,
  // gotol, loads/ldsx/stores of every size, atomics, helper and local calls, ld_imm64, exit.
  std::vector<Insn> forms;
  auto add = [&](uint8_t opcode, int16_t off = 0, int32_t imm = 0, uint8_t src = 0) {
    Insn in;
    in.opcode = opcode, in.off = off, in.imm = imm, in.src = src;
    forms.push_back(in);
  };
  for (uint8_t cls : {uint8_t(ALU), uint8_t(ALU64)}) {
    for (uint8_t op : {OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_OR, OP_AND, OP_LSH, OP_RSH, OP_MOD, OP_XOR, OP_MOV, OP_ARSH})
      for (uint8_t src : {SRC_K, SRC_X}) add(cls | src | op);
    for (uint8_t src : {SRC_K, SRC_X}) add(cls | src | OP_DIV, 1), add(cls | src | OP_MOD, 1);
    add(cls | OP_NEG);
    for (int16_t w : {8, 16, 32})
      if (cls == ALU64 || w != 32) add(cls | SRC_X | OP_MOV, w);
    for (int32_t w : {16, 32, 64}) {
      add(cls | SRC_K | OP_END, 0, w);
      if (cls == ALU) add(cls | SRC_X | OP_END, 0, w);
    }
  }
  for (uint8_t cls : {uint8_t(JMP), uint8_t(JMP32)})
    for (uint8_t op : {OP_JEQ, OP_JGT, OP_JGE, OP_JSET, OP_JNE, OP_JSGT, OP_JSGE, OP_JLT, OP_JLE, OP_JSLT, OP_JSLE})
      for (uint8_t src : {SRC_K, SRC_X}) add(cls | src | op);
  add(JMP | OP_JA), add(JMP32 | OP_JA), add(JMP | OP_EXIT), add(LD | MODE_IMM | SIZE_DW);
  add(JMP | OP_CALL, 0, 0, CALL_LOCAL);
  for (const HelperSpec &h : kHelpers) add(JMP | OP_CALL, 0, h.id, CALL_HELPER);
  for (uint8_t size : {SIZE_B, SIZE_H, SIZE_W, SIZE_DW}) {
    add(LDX | MODE_MEM | size), add(ST | MODE_MEM | size), add(STX | MODE_MEM | size);
    if (size != SIZE_DW) add(LDX | MODE_MEMSX | size);
  }
  for (uint8_t size : {SIZE_W, SIZE_DW})
    for (int32_t a : std::initializer_list<int32_t>{AT_ADD, AT_OR, AT_AND, AT_XOR, AT_ADD | AT_FETCH, AT_OR | AT_FETCH, AT_AND | AT_FETCH,
                      AT_XOR | AT_FETCH, AT_XCHG, AT_CMPXCHG})
      add(STX | MODE_ATOMIC | size, 0, a);
  unsigned missing = 0;
  for (const Insn &f : forms) {
    std::string name = formName(f);
    uint64_t n = executed.count(name) ? executed[name] : 0;
    std::printf("%-32s %12" PRIu64 "%s\n", name.c_str(), n, n ? "" : "   NEVER EXECUTED");
    missing += n == 0;
  }
  std::printf("%zu forms, %u never executed; %" PRIu64 " programs, %" PRIu64 " writing all of R0-R9\n", forms.size(),
              missing, programs, pressure);
  return missing ? 1 : 0;
}

uint64_t number(const char *text) {
  char *end;
  uint64_t v = std::strtoull(text, &end, 0);
  if (*end) usage("not a number");
  return v;
}

}  // namespace

int main(int argc, char **argv) {
  if (argc < 2) usage("no command");
  std::string command = argv[1];
  Options o;
  o.tools.sourceDir = DIFFTEST_SOURCE_DIR;
  uint64_t index = 0;
  bool words = false;
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> const char * {
      if (i + 1 >= argc) usage(("missing value for " + a).c_str());
      return argv[++i];
    };
    if (a == "--words") words = true;
    else if (a == "--bpf2arm") o.tools.bpf2arm = value();
    else if (a == "--mcpu") o.tools.mcpu = value();
    else if (a == "--seed") o.seed = number(value());
    else if (a == "--count") o.count = number(value());
    else if (a == "--first") o.first = number(value());
    else if (a == "--index") index = number(value());
    else if (a == "--batch") o.batch = unsigned(std::max<uint64_t>(1, number(value())));
    else if (a == "--jobs") o.jobs = unsigned(std::max<uint64_t>(1, number(value())));
    else if (a == "--pressure") o.gen.pressureFraction = std::atof(value());
    else if (a == "--minimise-dir") o.minimiseDir = value();
    else if (a == "--minimise-max") o.minimiseMax = unsigned(number(value()));
    else if (a == "--keep-dir") o.keepDir = value();
    else if (a == "--bpf2arm-arg") o.tools.bpf2armArgs.push_back(value());
    else if (a == "--cc") o.tools.cc = value();
    else if (a == "--cc-arg") o.tools.ccArgs.push_back(value());
    else if (a == "--qemu") o.tools.qemu = value();
    else if (a == "--source-dir") o.tools.sourceDir = value();
    else if (a == "--objdump") o.tools.objdump = value();
    else if (a == "--decode-check-every") o.tools.decodeCheckEvery = unsigned(number(value()));
    else usage(("unknown option " + a).c_str());
  }
  if (command == "show") return show(o, index, words);
  if (command == "coverage") return coverage(o);
  if (command != "run") usage("unknown command");
  if (o.tools.bpf2arm.empty()) usage("--bpf2arm is required");
  o.tools.bpf2arm = std::filesystem::absolute(o.tools.bpf2arm);
  return run(o);
}
