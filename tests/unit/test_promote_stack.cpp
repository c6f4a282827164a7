// promote_stack: which BPF stack slots may become registers. A slot promoted wrongly is
// a miscompile (a pointer write the register never sees), so each case pins one rule,
// with the pointer patterns clang and the differential tester produce.
#include <doctest/doctest.h>

#include "bpf_builder.h"
#include "compiler/analyze_frame.h"
#include "compiler/build_program.h"
#include "compiler/promote_stack.h"

using namespace bpf2arm;
using namespace bpf2arm::bpf;

namespace {

StackPromotion promotionOf(const Asm &code) {
  auto program = buildProgram(objectWith(code), noHelpers());
  REQUIRE(bool(program));
  REQUIRE_FALSE(analyzeFrame(*program));
  return promoteStackSlots(program->functions[0]);
}

bool promoted(const StackPromotion &p, int offset, unsigned bytes) { return p.find(offset, bytes) >= 0; }

}  // namespace

TEST_CASE("spill slots of one size at fixed offsets become registers; the stack shrinks to what stays") {
  Asm code;
  code.insn(STX | MEM | DW, 10, 1, -8, 0)     // *(u64 *)(r10 - 8) = r1
      .insn(STX | MEM | W, 10, 1, -12, 0)     // *(u32 *)(r10 - 12) = w1
      .insn(ST | MEM | DW, 10, 0, -24, 7)     // *(u64 *)(r10 - 24) = 7
      .insn(LDX | MEM | DW, 0, 10, -8, 0)
      .insn(LDX | MEM | W, 2, 10, -12, 0)
      .insn(LDX | MEM | DW, 3, 10, -24, 0)
      .exit();
  auto p = promotionOf(code);
  CHECK(p.slots.size() == 3);
  CHECK(promoted(p, -8, 8));
  CHECK(promoted(p, -12, 4));
  CHECK(promoted(p, -24, 8));
  CHECK_FALSE(promoted(p, -8, 4));
  CHECK(p.bytesInMemory == 0);
}

TEST_CASE("mixed sizes, overlaps, narrow or sign-extending accesses and atomics keep a slot in memory") {
  Asm code;
  code.insn(STX | MEM | DW, 10, 1, -8, 0)      // -8: 8 bytes, then 4 of it
      .insn(LDX | MEM | W, 0, 10, -8, 0)
      .insn(STX | MEM | DW, 10, 1, -16, 0)     // -16: overlapped by a word at -12
      .insn(STX | MEM | W, 10, 1, -12, 0)
      .insn(STX | MEM | W, 10, 1, -20, 0)      // -20: loaded sign-extended
      .insn(LDX | MEMSX | W, 2, 10, -20, 0)
      .insn(STX | MEM | DW, 10, 1, -32, 0)     // -32: an atomic add
      .insn(STX | ATOMIC | DW, 10, 1, -32, ATOMIC_ADD)
      .insn(STX | MEM | H, 10, 1, -34, 0)      // -34: a halfword
      .insn(STX | MEM | DW, 10, 1, -48, 0)     // -48: fine, below everything else
      .insn(LDX | MEM | DW, 3, 10, -48, 0)
      .exit();
  auto p = promotionOf(code);
  REQUIRE(p.slots.size() == 1);
  CHECK(promoted(p, -48, 8));
  CHECK(p.bytesInMemory == 40);  // down to the halfword at -34
}

TEST_CASE("an escaping stack address leaves only the slots strictly below it, and the whole stack in memory") {
  Asm code;
  code.insn(STX | MEM | DW, 10, 1, -8, 0)        // above the escaping address
      .insn(STX | MEM | DW, 10, 1, -24, 0)       // at it
      .insn(STX | MEM | DW, 10, 1, -32, 0)       // below it
      .insn(ALU64 | MOV | X, 2, 10, 0, 0)        // r2 = r10
      .insn(ALU64 | ADD | K, 2, 0, 0, -24)       // r2 += -24
      .insn(STX | MEM | DW, 10, 2, -40, 0)       // the address is stored: it escapes
      .exit();
  auto p = promotionOf(code);
  CHECK_FALSE(promoted(p, -8, 8));
  CHECK_FALSE(promoted(p, -24, 8));
  CHECK(promoted(p, -32, 8));
  CHECK(p.bytesInMemory == 512);
}

TEST_CASE("a stack pointer followed across blocks reaches below where it points") {
  // The differential tester's pattern: a copy of r10 + constant kept in a register and
  // dereferenced with negative offsets in later blocks.
  Asm code;
  code.insn(ALU64 | MOV | X, 3, 10, 0, 0)        // 0: r3 = r10
      .insn(ALU64 | ADD | K, 3, 0, 0, -8)        // 1: r3 += -8
      .insn(JMP | JEQ | K, 1, 0, 1, 0)           // 2: if r1 == 0 goto 4
      .insn(ALU64 | ADD | K, 3, 0, 0, -8)        // 3: r3 += -8 (r3 is -8 or -16 below)
      .insn(STX | MEM | DW, 3, 1, -16, 0)        // 4: *(u64 *)(r3 - 16) = r1: -24 or -32
      .insn(STX | MEM | DW, 10, 1, -24, 0)       // reached through r3
      .insn(STX | MEM | DW, 10, 1, -32, 0)       // reached through r3
      .insn(STX | MEM | DW, 10, 1, -40, 0)       // not reached
      .insn(STX | MEM | DW, 10, 1, -8, 0)        // not reached
      .exit();
  auto p = promotionOf(code);
  CHECK_FALSE(promoted(p, -24, 8));
  CHECK_FALSE(promoted(p, -32, 8));
  CHECK(promoted(p, -40, 8));
  CHECK(promoted(p, -8, 8));
  CHECK(p.bytesInMemory == 32);  // every pointer was followed exactly: no assumption
}

TEST_CASE("a pointer walking up a loop reaches up to r10; one walking down gives up") {
  Asm up;
  up.insn(ALU64 | MOV | X, 1, 10, 0, 0)          // 0: r1 = r10
      .insn(ALU64 | ADD | K, 1, 0, 0, -32)       // 1: r1 += -32
      .insn(ST | MEM | B, 1, 0, 0, 0)            // 2: *(u8 *)(r1 + 0) = 0
      .insn(ALU64 | ADD | K, 1, 0, 0, 1)         // 3: r1 += 1
      .insn(JMP | JNE | X, 1, 2, -3, 0)          // 4: if r1 != r2 goto 2
      .insn(STX | MEM | DW, 10, 1, -8, 0)        // reached by the walk
      .insn(STX | MEM | DW, 10, 1, -40, 0)       // below it
      .exit();
  auto p = promotionOf(up);
  CHECK_FALSE(promoted(p, -8, 8));
  CHECK(promoted(p, -40, 8));

  Asm down;
  down.insn(ALU64 | MOV | X, 1, 10, 0, 0)        // 0: r1 = r10
      .insn(ALU64 | ADD | K, 1, 0, 0, -8)        // 1: r1 += -8
      .insn(ST | MEM | B, 1, 0, 0, 0)            // 2: *(u8 *)(r1 + 0) = 0
      .insn(ALU64 | ADD | K, 1, 0, 0, -1)        // 3: r1 += -1
      .insn(JMP | JNE | X, 1, 2, -3, 0)          // 4: if r1 != r2 goto 2
      .insn(STX | MEM | DW, 10, 1, -64, 0)       // the walk may reach it
      .exit();
  p = promotionOf(down);
  CHECK(p.slots.empty());
  CHECK(p.bytesInMemory == 512);
}

TEST_CASE("arithmetic other than adding constants or an index to a stack address gives up") {
  Asm code;
  code.insn(ALU64 | MOV | X, 1, 10, 0, 0)        // r1 = r10
      .insn(ALU64 | SUB | X, 1, 2, 0, 0)         // r1 -= r2: anywhere below
      .insn(STX | MEM | DW, 10, 3, -16, 0)
      .exit();
  CHECK(promotionOf(code).slots.empty());
}
