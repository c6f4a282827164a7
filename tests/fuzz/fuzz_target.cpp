// libFuzzer target: the whole path from the bytes of an object to an ARM object in memory,
// the driver's pass list (compiler/pipeline.cpp) without the file system.
//
// Input: one selector byte, then the object. The selector's low two bits choose the target
// (cortex-a7 A32, arm1176jzf-s A32, cortex-a7 T32 (-mthumb), cortex-m4 T32), bit 2 -O0, bit 3
// the C header too. A finding is a crash, a sanitizer report, a hang, an error that calls
// itself internal (bad input must be answered with a message about the input), or an
// output far larger than the input.
//
// BPF2ARM_FUZZ_FAMILY=a32 or t32 in the environment keeps the fuzzing on that family's two
// targets, so that a run can say how long each instruction set was fuzzed: the mutator
// writes the family's bit 1 into every input it makes, and the target skips inputs of the
// other family. A finding's selector byte so always means the target it ran on.
//
// Built with clang-19 (-fsanitize=fuzzer,address,undefined) by scripts/fuzz.sh; see README,
// "Fuzzing". The custom mutator (fuzz_mutator.h) keeps a valid object's ELF structure and
// mutates what is inside (instructions, relocations, symbols, BTF, BTF.ext), so most inputs
// get past the reader.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ostream>
#include <streambuf>
#include <string>

#include "compiler/object_reader.h"
#include "compiler/options.h"
#include "compiler/pipeline.h"
#include "fuzz_mutator.h"

namespace {

using namespace bpf2arm;

struct Target {
  const char *cpu;
  bool thumb;
};
constexpr Target kTargets[] = {{"cortex-a7", false}, {"arm1176jzf-s", false}, {"cortex-a7", true}, {"cortex-m4", true}};

// The selector's target bits that BPF2ARM_FUZZ_FAMILY fixes, and their value.
struct TargetChoice {
  uint8_t fixed = 0, value = 0;
  bool accepts(uint8_t selector) const { return (selector & fixed) == value; }
  uint8_t impose(uint8_t selector) const { return uint8_t((selector & ~fixed) | value); }
};

TargetChoice targetChoice() {
  const char *family = std::getenv("BPF2ARM_FUZZ_FAMILY");
  const std::string name = family ? family : "";
  if (name.empty() || name == "all") return {};
  if (name == "a32") return {2, 0};
  if (name == "t32") return {2, 2};
  std::fprintf(stderr, "bpf2arm fuzz: BPF2ARM_FUZZ_FAMILY is a32, t32 or all, not '%s'\n", name.c_str());
  std::exit(2);
}

// --dump text goes nowhere: the fuzzer never asks for it, but the pipeline wants a stream.
class NullBuffer : public std::streambuf {
 protected:
  int overflow(int c) override { return c; }
};

[[noreturn]] void finding(const std::string &what) {
  std::fprintf(stderr, "bpf2arm fuzz finding: %s\n", what.c_str());
  std::abort();
}

void checkRefusal(const char *stage, const Diagnostic &diag) {
  const std::string said = ": " + diag.render("fuzz.o");
  if (diag.message.empty()) finding(std::string(stage) + ": an error without a message" + said);
  if (diag.message.find("internal error") != std::string::npos) finding(std::string(stage) + ": an internal error" + said);
}

const TargetChoice &targetChoiceOnce() {
  static const TargetChoice choice = targetChoice();
  return choice;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  static const abi::HelperTable helpers = abi::HelperTable::standard();
  const uint8_t selector = data[0];
  if (!targetChoiceOnce().accepts(selector)) return 0;  // the other family's (seeds, crossovers)
  auto object = readBpfObjectFromBytes("fuzz.o", reinterpret_cast<const char *>(data + 1), size - 1);
  if (!object) {
    checkRefusal("reading", object.diag());
    return 0;
  }
  Options options;
  const Target &target = kTargets[selector & 3];
  options.cpu = target.cpu;
  options.thumb = target.thumb;
  options.optimize = !(selector & 4);
  options.threads = 1;  // libFuzzer runs one input at a time; threads only blur the stacks
  NullBuffer nothing;
  std::ostream dumps(&nothing);
  auto compiled = compileObject(*object, options, helpers, selector & 8 ? "BPF2ARM_FUZZ_H" : "", dumps);
  if (!compiled) {
    checkRefusal("compiling", compiled.diag());
    return 0;
  }
  // A small input never needs a large object (a 2^58 alignment once made one of 4 GB). The
  // same bound as tests/fuzz/run_regressions.py's.
  if (compiled->object.size() > 64 * size + (1u << 20))
    finding("an object of " + std::to_string(compiled->object.size()) + " bytes from " + std::to_string(size));
  return 0;
}

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t maxSize, unsigned int seed) {
  size = bpf2arm::fuzz::mutate(data, size, maxSize, seed);
  if (size) data[0] = targetChoiceOnce().impose(data[0]);
  return size;
}
