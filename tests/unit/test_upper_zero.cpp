// track_upper_zero: which registers are known to be below 2^32 before each instruction.
// The backend skips hi-word writes and compares lo words on these facts, so a fact that
// is wrong miscompiles: each case pins one rule, including the joins that lose facts.
#include <doctest/doctest.h>

#include "bpf_builder.h"
#include "compiler/build_program.h"
#include "compiler/track_upper_zero.h"

using namespace bpf2arm;

namespace {

// Facts before each instruction of the only function, in order.
std::vector<uint16_t> factsOf(const Asm &code) {
  auto program = buildProgram(objectWith(code), noHelpers());
  REQUIRE(bool(program));
  trackUpperZero(*program);
  return program->functions[0].upperZero;
}

// The same after each instruction.
std::vector<uint16_t> factsAfter(const Asm &code) {
  auto program = buildProgram(objectWith(code), noHelpers());
  REQUIRE(bool(program));
  trackUpperZero(*program);
  return program->functions[0].upperZeroAfter;
}

constexpr uint16_t r(unsigned n) { return uint16_t(1u << n); }

}  // namespace

TEST_CASE("32-bit results, narrow loads and small constants are below 2^32; entry knows only r10") {
  Asm code;
  code.insn(bpf::ALU | bpf::MOV | bpf::K, 1, 0, 0, -1)            // w1 = -1
      .insn(bpf::LDX | bpf::MEM | bpf::H, 2, 10, -8, 0)           // r2 = *(u16 *)(r10 - 8)
      .movImm(3, 7)                                                // r3 = 7
      .movImm(4, -7)                                               // r4 = -7: not narrow
      .insn(bpf::LDX | bpf::MEMSX | bpf::H, 5, 10, -8, 0)         // sign-extending: not narrow
      .exit();
  auto f = factsOf(code);
  CHECK(f[0] == r(10));
  CHECK((f[5] & r(1)));
  CHECK((f[5] & r(2)));
  CHECK((f[5] & r(3)));
  CHECK_FALSE((f[5] & r(4)));
  CHECK_FALSE((f[5] & r(5)));
}

TEST_CASE("64-bit arithmetic forgets, copies keep") {
  Asm code;
  code.insn(bpf::ALU | bpf::MOV | bpf::K, 1, 0, 0, -1)            // w1 = 0xffffffff
      .insn(bpf::ALU64 | bpf::MOV | bpf::X, 2, 1, 0, 0)           // r2 = r1: narrow
      .insn(bpf::ALU64 | bpf::ADD | bpf::K, 1, 0, 0, 1)           // r1 += 1: carries
      .insn(bpf::ALU64 | bpf::RSH | bpf::K, 3, 0, 0, 32)          // r3 >>= 32: narrow
      .exit();
  auto f = factsOf(code);
  CHECK((f[4] & r(2)));
  CHECK_FALSE((f[4] & r(1)));
  CHECK((f[4] & r(3)));
}

TEST_CASE("a join keeps only what both paths know") {
  Asm code;
  code.insn(bpf::ALU | bpf::MOV | bpf::K, 1, 0, 0, 5)             // 0: w1 = 5
      .insn(bpf::JMP | bpf::JEQ | bpf::K, 2, 0, 1, 0)             // 1: if r2 == 0 goto 3
      .movImm(1, -1)                                               // 2: r1 = -1 (hi all ones)
      .exit();                                                     // 3: join
  auto f = factsOf(code);
  CHECK((f[2] & r(1)));
  CHECK_FALSE((f[3] & r(1)));
}

TEST_CASE("a loop back edge removes facts the loop body breaks") {
  Asm code;
  code.insn(bpf::ALU | bpf::MOV | bpf::K, 1, 0, 0, 0)             // 0: w1 = 0
      .insn(bpf::ALU64 | bpf::ADD | bpf::K, 1, 0, 0, -1)          // 1: r1 += -1 (loop head)
      .insn(bpf::JMP | bpf::JNE | bpf::K, 2, 0, -2, 0)            // 2: if r2 != 0 goto 1
      .exit();
  auto f = factsOf(code);
  CHECK_FALSE((f[1] & r(1)));  // narrow on the first entry only
}

TEST_CASE("calls clobber R1-R5") {
  Asm code;
  code.insn(bpf::ALU | bpf::MOV | bpf::K, 1, 0, 0, 1)             // 0: w1 = 1
      .insn(bpf::ALU | bpf::MOV | bpf::K, 6, 0, 0, 1)             // 1: w6 = 1
      .insn(bpf::JMP | bpf::CALL, 0, bpf::CALL_LOCAL, 0, 1)       // 2: call 4
      .exit()                                                      // 3
      .movImm(0, 0)                                                // 4: callee
      .exit();
  auto f = factsOf(code);
  CHECK_FALSE((f[3] & r(1)));
  CHECK((f[3] & r(6)));
  CHECK_FALSE((f[3] & r(0)));  // a BPF callee's R0 is whatever it computed
}

TEST_CASE("le64/be64 are ALU-class but 64-bit results") {
  Asm code;
  code.insn(bpf::ALU | bpf::MOV | bpf::K, 0, 0, 0, 1)             // w0 = 1
      .insn(bpf::ALU | bpf::END | bpf::X, 0, 0, 0, 64)            // be64 r0
      .insn(bpf::ALU | bpf::END | bpf::X, 1, 0, 0, 32)            // be32 r1
      .exit();
  auto f = factsOf(code);
  CHECK_FALSE((f[2] & r(0)));
  CHECK((f[3] & r(1)));
}

TEST_CASE("64-bit OR and XOR of two registers are narrow when both operands are") {
  Asm code;
  code.insn(bpf::ALU | bpf::MOV | bpf::K, 1, 0, 0, 5)             // 0: w1 = 5
      .insn(bpf::ALU | bpf::MOV | bpf::K, 2, 0, 0, -1)            // 1: w2 = -1
      .movImm(3, -1)                                               // 2: r3 = -1 (hi all ones)
      .insn(bpf::ALU64 | bpf::MOV | bpf::X, 4, 1, 0, 0)           // 3: r4 = r1
      .insn(bpf::ALU64 | bpf::OR | bpf::X, 1, 2, 0, 0)            // 4: r1 |= r2: narrow
      .insn(bpf::ALU64 | bpf::XOR | bpf::X, 2, 4, 0, 0)           // 5: r2 ^= r4: narrow
      .insn(bpf::ALU64 | bpf::OR | bpf::X, 4, 3, 0, 0)            // 6: r4 |= r3: not narrow
      .exit();
  auto f = factsOf(code);
  CHECK((f[7] & r(1)));
  CHECK((f[7] & r(2)));
  CHECK_FALSE((f[7] & r(4)));
}

// ---- ranges: loop counters that clang keeps in 64 bits --------------------------------

TEST_CASE("a counter from 0 bounded by a constant stays below 2^32") {
  Asm code;
  code.movImm(1, 0)                                                // 0: r1 = 0
      .insn(bpf::ALU64 | bpf::ADD | bpf::K, 1, 0, 0, 1)           // 1: r1 += 1 (loop head)
      .insn(bpf::JMP | bpf::JLT | bpf::K, 1, 0, -2, 32)           // 2: if r1 < 32 goto 1
      .exit();
  auto f = factsOf(code), after = factsAfter(code);
  CHECK((f[1] & r(1)));
  CHECK((after[1] & r(1)));  // the add needs no carry
  CHECK((f[3] & r(1)));
}

TEST_CASE("a counter bounded by a 32-bit register, tested at the top") {
  Asm code;
  code.insn(bpf::ALU | bpf::MOV | bpf::X, 2, 2, 0, 0)             // 0: w2 = w2 (n)
      .movImm(1, 1)                                                // 1: r1 = 1
      .insn(bpf::JMP | bpf::JGE | bpf::X, 1, 2, 2, 0)             // 2: if r1 >= r2 goto 5
      .insn(bpf::ALU64 | bpf::ADD | bpf::K, 1, 0, 0, 1)           // 3: r1 += 1
      .insn(bpf::JMP | bpf::JA, 0, 0, -3, 0)                      // 4: goto 2
      .exit();                                                     // 5
  auto f = factsOf(code), after = factsAfter(code);
  CHECK((f[2] & r(1)));
  CHECK((after[3] & r(1)));
  CHECK((f[5] & r(1)));
}

TEST_CASE("!= and signed bounds narrow a counter; a negative start or an unknown bound does not") {
  auto counterFacts = [](int32_t start, uint8_t jump, bool regBound, int32_t bound) {
    Asm code;
    code.movImm(1, start)                                          // 0: r1 = start
        .insn(bpf::ALU64 | bpf::ADD | bpf::K, 1, 0, 0, 1)         // 1: r1 += 1
        .insn(bpf::JMP | jump | (regBound ? bpf::X : bpf::K), 1, 2, -2, bound)  // 2: loop
        .exit();
    return factsAfter(code)[1] & r(1);
  };
  CHECK(counterFacts(0, bpf::JNE, false, 100));
  CHECK(counterFacts(0, bpf::JSLT, false, 50));
  CHECK(counterFacts(3, bpf::JLE, false, 1000));
  CHECK_FALSE(counterFacts(-5, bpf::JSLT, false, 50));  // -5 + 1 has a hi word of all ones
  CHECK_FALSE(counterFacts(0, bpf::JLT, true, 0));      // r2: any 64-bit value
  CHECK_FALSE(counterFacts(0, bpf::JNE, true, 0));
}

TEST_CASE("a counter that crosses 2^32 under a 32-bit compare is not narrow") {
  Asm code;
  code.insn(bpf::ALU | bpf::MOV | bpf::K, 1, 0, 0, -3)            // 0: w1 = 0xfffffffd
      .insn(bpf::ALU64 | bpf::ADD | bpf::K, 1, 0, 0, 1)           // 1: r1 += 1
      .insn(bpf::JMP32 | bpf::JNE | bpf::K, 1, 0, -2, 2)          // 2: if w1 != 2 goto 1
      .exit();
  auto f = factsOf(code), after = factsAfter(code);
  CHECK((f[1] & r(1)) == 0);
  CHECK((after[1] & r(1)) == 0);
  CHECK((f[3] & r(1)) == 0);
}

TEST_CASE("a counter counting down to 0 stays narrow; a loop that never ends forgets") {
  Asm down;
  down.insn(bpf::ALU | bpf::AND | bpf::K, 2, 0, 0, 31)            // 0: w2 &= 31
      .insn(bpf::JMP | bpf::JEQ | bpf::K, 2, 0, 2, 0)             // 1: if r2 == 0 goto 4
      .insn(bpf::ALU64 | bpf::ADD | bpf::K, 2, 0, 0, -1)          // 2: r2 += -1
      .insn(bpf::JMP | bpf::JA, 0, 0, -3, 0)                      // 3: goto 1
      .exit();                                                     // 4
  auto after = factsAfter(down);
  CHECK((after[2] & r(2)));

  Asm forever;
  forever.movImm(1, 0)                                             // 0: r1 = 0
      .insn(bpf::ALU64 | bpf::ADD | bpf::K, 1, 0, 0, 1)           // 1: r1 += 1
      .insn(bpf::JMP | bpf::JA, 0, 0, -2, 0)                      // 2: goto 1
      .exit();
  auto f = factsOf(forever);
  CHECK((f[1] & r(1)) == 0);
}

TEST_CASE("a jump that cannot go one way leaves that way without facts") {
  Asm code;
  code.movImm(1, 5)                                                // 0: r1 = 5
      .insn(bpf::JMP | bpf::JGT | bpf::K, 1, 0, 2, 10)            // 1: if r1 > 10 goto 4 (never)
      .movImm(0, 0)                                                // 2
      .exit()                                                      // 3
      .movImm(0, 1)                                                // 4: no path gets here
      .exit();
  auto f = factsOf(code);
  CHECK((f[2] & r(1)));
  CHECK(f[4] == r(10));
}

TEST_CASE("a compare of the old counter bounds the next one computed before it") {
  Asm code;
  code.movImm(6, 0)                                                // 0: r6 = 0
      .insn(bpf::ALU64 | bpf::MOV | bpf::X, 5, 6, 0, 0)           // 1: r5 = r6 (loop head)
      .insn(bpf::ALU64 | bpf::ADD | bpf::K, 5, 0, 0, 2)           // 2: r5 += 2
      .insn(bpf::JMP | bpf::JGT | bpf::K, 6, 0, 2, 1497)          // 3: if r6 > 1497 goto 6
      .insn(bpf::ALU64 | bpf::MOV | bpf::X, 6, 5, 0, 0)           // 4: r6 = r5
      .insn(bpf::JMP | bpf::JA, 0, 0, -5, 0)                      // 5: goto 1
      .exit();                                                     // 6
  auto f = factsOf(code), after = factsAfter(code);
  CHECK((f[1] & r(6)));
  CHECK((after[2] & r(5)));
  CHECK((f[4] & r(5)));
}
