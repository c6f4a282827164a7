// The differential tester of bpf2arm (issue 7, item 6): random BPF programs compiled by
// bpf2arm and run under qemu-arm, compared with an RFC 9669 interpreter that shares no code
// with the compiler. See tests/difftest/README.md... the usage below says it all:
static const char kUsage[] = R"(usage:
  difftest run --bpf2arm PATH [--mcpu CPU] [--seed S] [--count N] [--first I] [--batch B]
               [--jobs J] [--pressure FRACTION] [--minimise-dir DIR] [--minimise-max K]
               [--keep-dir DIR] [--bpf2arm-arg ARG]... [--cc CC] [--qemu QEMU] [--source-dir DIR]
      Generates programs I .. I+N-1 of seed S (each is the same whatever the batch size),
      B per object (default 500), runs them on CPU (default cortex-a7) and compares R0 and
      the buffer with the interpreter. Prints each mismatch (seed, index, what differs), a
      summary with programs per second, and with --minimise-dir writes up to K (default 3)
      minimised .data files there. Exit status 0 only without mismatches.
  difftest show --seed S --index I [--pressure FRACTION]
      Prints program I of seed S in the conformance assembly syntax and what the interpreter
      computes for it.
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
      std::string error = runOnArm(o.tools, dir, progs, results);
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
      if (m.what.rfind("bpf2arm refused", 0) == 0) continue;  // its message already names the instruction
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

int show(const Options &o, uint64_t index) {
  Generated g = generateValid(o, index);
  std::printf("%s", assemblyText(g.program.code).c_str());
  std::printf("# args r2..r5: 0x%" PRIx64 " 0x%" PRIx64 " 0x%" PRIx64 " 0x%" PRIx64 "\n", g.program.args[0],
              g.program.args[1], g.program.args[2], g.program.args[3]);
  std::printf("# %zu slots, %" PRIu64 " steps, R0 = 0x%016" PRIx64 "\n", g.program.code.size(), g.expected.steps,
              g.expected.r0);
  return 0;
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
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> const char * {
      if (i + 1 >= argc) usage(("missing value for " + a).c_str());
      return argv[++i];
    };
    if (a == "--bpf2arm") o.tools.bpf2arm = value();
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
    else if (a == "--qemu") o.tools.qemu = value();
    else if (a == "--source-dir") o.tools.sourceDir = value();
    else usage(("unknown option " + a).c_str());
  }
  if (command == "show") return show(o, index);
  if (command != "run") usage("unknown command");
  if (o.tools.bpf2arm.empty()) usage("--bpf2arm is required");
  o.tools.bpf2arm = std::filesystem::absolute(o.tools.bpf2arm);
  return run(o);
}
