// track_upper_live: which hi words may still be read after each instruction. The backend
// leaves out writes of the others, so a hi word wrongly found dead miscompiles: each case
// pins one rule, and the last one the interplay with track_upper_zero.
#include <doctest/doctest.h>

#include "bpf_builder.h"
#include "compiler/build_program.h"
#include "compiler/track_upper_live.h"
#include "compiler/track_upper_zero.h"

using namespace bpf2arm;

namespace {

struct Facts {
  std::vector<uint16_t> liveAfter, zeroBefore;
};

Facts factsOf(const Asm &code) {
  auto program = buildProgram(objectWith(code), noHelpers());
  REQUIRE(bool(program));
  trackUpperLive(*program);
  trackUpperZero(*program);
  Facts facts;
  facts.liveAfter = program->functions[0].upperLive;
  facts.zeroBefore = program->functions[0].upperZero;
  return facts;
}

constexpr uint16_t r(unsigned n) { return uint16_t(1u << n); }

}  // namespace

TEST_CASE("an address needs no hi word, nor do the values it is computed from") {
  Asm code;
  code.insn(bpf::ALU64 | bpf::MOV | bpf::X, 1, 2, 0, 0)           // r1 = r2
      .insn(bpf::ALU64 | bpf::ADD | bpf::K, 1, 0, 0, 4)            // r1 += 4
      .insn(bpf::LDX | bpf::MEM | bpf::DW, 0, 1, 0, 0)             // r0 = *(u64 *)(r1 + 0)
      .exit();
  auto f = factsOf(code);
  CHECK_FALSE((f.liveAfter[0] & r(1)));
  CHECK_FALSE((f.liveAfter[1] & r(1)));
  CHECK((f.liveAfter[2] & r(0)));  // the result leaves in all 64 bits
}

TEST_CASE("64-bit compares, right shifts, division and 8-byte stores read the hi word") {
  Asm code;
  code.insn(bpf::ALU64 | bpf::ADD | bpf::K, 1, 0, 0, 1)            // r1 += 1
      .insn(bpf::JMP | bpf::JGT | bpf::K, 1, 0, 0, 5)               // if r1 > 5 goto +0
      .insn(bpf::ALU64 | bpf::MOV | bpf::X, 2, 3, 0, 0)            // r2 = r3
      .insn(bpf::ALU64 | bpf::RSH | bpf::K, 2, 0, 0, 3)            // r2 >>= 3
      .insn(bpf::ALU64 | bpf::MOV | bpf::X, 4, 3, 0, 0)            // r4 = r3
      .insn(bpf::STX | bpf::MEM | bpf::DW, 10, 4, -8, 0)           // *(u64 *)(r10 - 8) = r4
      .insn(bpf::ALU | bpf::MOV | bpf::X, 0, 2, 0, 0)               // w0 = w2
      .exit();
  auto f = factsOf(code);
  CHECK((f.liveAfter[0] & r(1)));
  CHECK((f.liveAfter[2] & r(2)));  // read by the shift, though only w2 is used after it
  CHECK_FALSE((f.liveAfter[3] & r(2)));
  CHECK((f.liveAfter[4] & r(4)));
  CHECK_FALSE((f.liveAfter[5] & r(4)));
}

TEST_CASE("32-bit uses and left shifts by 32 or more need only lo words") {
  Asm code;
  code.insn(bpf::ALU64 | bpf::ADD | bpf::X, 1, 2, 0, 0)            // r1 += r2
      .insn(bpf::JMP32 | bpf::JGT | bpf::K, 1, 0, 0, 5)             // if w1 > 5 goto +0
      .insn(bpf::ALU64 | bpf::MOV | bpf::X, 0, 1, 0, 0)            // r0 = r1
      .insn(bpf::ALU64 | bpf::LSH | bpf::K, 0, 0, 0, 32)           // r0 <<= 32
      .exit();
  auto f = factsOf(code);
  CHECK_FALSE((f.liveAfter[0] & r(1)));
  CHECK_FALSE((f.liveAfter[2] & r(0)));  // r0's hi word comes from its lo word
  CHECK((f.liveAfter[3] & r(0)));
}

TEST_CASE("liveness flows around a loop") {
  Asm code;
  code.movImm(1, 0)                                                // r1 = 0
      .insn(bpf::ALU64 | bpf::ADD | bpf::K, 1, 0, 0, 1)            // loop: r1 += 1
      .insn(bpf::JMP | bpf::JNE | bpf::K, 1, 0, 0x7ffe, 10)        // placeholder, patched below
      .movImm(0, 0)
      .exit();
  // if r1 != 10 goto loop: offset -2 from the next instruction
  int16_t back = -2;
  std::memcpy(&code.bytes[2 * 8 + 2], &back, 2);
  auto f = factsOf(code);
  CHECK((f.liveAfter[0] & r(1)));
  CHECK((f.liveAfter[1] & r(1)));
  CHECK((f.liveAfter[2] & r(1)));  // around the back edge to the 64-bit compare
}

TEST_CASE("local calls read R1-R5 in full; R0 is live at exit") {
  Asm code;
  code.movImm(1, 1)
      .insn(bpf::JMP | bpf::CALL, 0, 1, 0, 1)                        // call the function below
      .exit()
      .insn(bpf::ALU | bpf::MOV | bpf::X, 0, 1, 0, 0)                // w0 = w1
      .exit();
  auto program = buildProgram(objectWith(code), noHelpers());
  REQUIRE(bool(program));
  trackUpperLive(*program);
  const Function &caller = program->functions[0];
  CHECK((caller.upperLive[0] & r(1)));
  CHECK((caller.upperLive[1] & r(0)));
}

TEST_CASE("a hi word left unwritten because it is dead is not known to be zero") {
  Asm code;
  code.movImm(1, 5)                                                // r1 = 5: hi = 0, but dead
      .insn(bpf::ALU | bpf::MOV | bpf::X, 0, 1, 0, 0)               // w0 = w1
      .movImm(2, 7)                                                // r2 = 7: hi = 0, live
      .insn(bpf::ALU64 | bpf::ADD | bpf::X, 0, 2, 0, 0)            // r0 += r2
      .exit();
  auto f = factsOf(code);
  CHECK_FALSE((f.liveAfter[0] & r(1)));
  CHECK_FALSE((f.zeroBefore[1] & r(1)));
  CHECK((f.zeroBefore[3] & r(2)));
}
