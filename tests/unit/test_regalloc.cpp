// The register allocator on MIR functions built by hand. The oracle is a small MIR
// interpreter: the function runs once on virtual registers and once after allocation,
// and both runs must return the same values and pass the same arguments to every call.
// A call writes garbage into every register it clobbers, so a value the allocator left in
// a clobbered register, or in a register that a fixed operand overwrites, shows up.
#include <doctest/doctest.h>

#include <map>
#include <random>

#include "backend-arm32/mir.h"
#include "backend-arm32/regalloc.h"

using namespace bpf2arm::arm;
using namespace bpf2arm::arm::mir;

namespace {

// ---- the oracle ------------------------------------------------------------------------

struct Outcome {
  std::vector<uint32_t> callArguments;  // r0, r1 at each call, in order
  uint32_t r0 = 0, r1 = 0;              // at the return
  bool operator==(const Outcome &o) const { return callArguments == o.callArguments && r0 == o.r0 && r1 == o.r1; }
};

// Runs `fn` (virtual or physical registers) with r0 = arg0, r1 = arg1. Knows Mov, Mvn,
// MovConst, Add, Sub, Cmp (EQ/NE/LT/GE), Load/Store of spill slots, Branch, Call
// (r0 = 3 * r0 + r1, garbage in r1-r3, r12, lr) and Return; conditional forms too.
Outcome run(const Function &fn, uint32_t arg0, uint32_t arg1) {
  std::vector<uint32_t> reg(fn.numRegs, 0xbad0bad0);
  uint32_t garbage = 0x5eed0000;
  reg[R0] = arg0;
  reg[R1] = arg1;
  std::map<int32_t, uint32_t> spillSlots;
  bool z = false, lt = false;
  Outcome outcome;
  uint32_t block = 0;
  for (unsigned steps = 0; steps < 100000; ++steps) {
    REQUIRE(block < fn.blocks.size());
    uint32_t next = block + 1;
    for (const Inst &inst : fn.blocks[block].insts) {
      bool taken = inst.cond == Cond::AL || (inst.cond == Cond::EQ && z) || (inst.cond == Cond::NE && !z) ||
                   (inst.cond == Cond::LT && lt) || (inst.cond == Cond::GE && !lt);
      REQUIRE((inst.cond == Cond::AL || inst.cond == Cond::EQ || inst.cond == Cond::NE || inst.cond == Cond::LT ||
               inst.cond == Cond::GE));
      if (!taken) continue;
      uint32_t op2 = inst.b == kNoReg ? uint32_t(inst.imm) : reg[inst.b];
      REQUIRE(!inst.hasShift());
      switch (inst.op) {
        case Opcode::Mov: reg[inst.dst] = op2; break;
        case Opcode::Mvn: reg[inst.dst] = ~op2; break;
        case Opcode::MovConst: reg[inst.dst] = uint32_t(inst.imm); break;
        case Opcode::Add: reg[inst.dst] = reg[inst.a] + op2; break;
        case Opcode::Sub: reg[inst.dst] = reg[inst.a] - op2; break;
        case Opcode::Cmp:
          z = reg[inst.a] == op2;
          lt = int32_t(reg[inst.a]) < int32_t(op2);
          break;
        case Opcode::Load:
          REQUIRE(inst.frame == FrameObject::SpillSlot);
          REQUIRE(inst.imm >= 0);
          REQUIRE(unsigned(inst.imm) < 4 * fn.spillSlots);
          reg[inst.dst] = spillSlots.count(inst.imm) ? spillSlots[inst.imm] : 0xfeedface;
          break;
        case Opcode::Store:
          REQUIRE(inst.frame == FrameObject::SpillSlot);
          REQUIRE(unsigned(inst.imm) < 4 * fn.spillSlots);
          spillSlots[inst.imm] = reg[inst.c];
          break;
        case Opcode::Call:
          outcome.callArguments.push_back(reg[R0]);
          outcome.callArguments.push_back(reg[R1]);
          reg[R0] = 3 * reg[R0] + reg[R1];
          for (Reg r : {R1, R2, R3, R12, LR}) reg[r] = garbage++;
          break;
        case Opcode::Branch: next = inst.target; break;
        case Opcode::Return:
          outcome.r0 = reg[R0];
          outcome.r1 = reg[R1];
          return outcome;
        default: FAIL("the test interpreter lacks " << opcodeName(inst.op));
      }
      if (inst.op == Opcode::Branch) break;
    }
    block = next;
  }
  FAIL("the function does not return");
  return outcome;
}

// ---- building functions ------------------------------------------------------------------

struct Builder {
  Function fn;
  uint32_t block = 0;

  Builder() {
    fn.name = "test";
    fn.blocks.resize(1);
    fn.symbols.push_back(nullptr);
  }
  VReg reg() { return fn.newReg(); }
  void startBlock(uint32_t b) {
    if (fn.blocks.size() <= b) fn.blocks.resize(b + 1);
    block = b;
  }
  Inst &add(Inst inst) {
    fn.blocks[block].insts.push_back(inst);
    return fn.blocks[block].insts.back();
  }
  Inst &op(Opcode o, VReg dst, VReg a, VReg b, int32_t imm = 0, Cond cond = Cond::AL) {
    Inst inst{o};
    inst.dst = dst;
    inst.a = a;
    inst.b = b;
    inst.imm = imm;
    inst.cond = cond;
    return add(inst);
  }
  void mov(VReg dst, VReg src, Cond cond = Cond::AL) { op(Opcode::Mov, dst, kNoReg, src, 0, cond); }
  void constant(VReg dst, uint32_t value) { op(Opcode::MovConst, dst, kNoReg, kNoReg, int32_t(value)); }
  void addImm(VReg dst, VReg a, int32_t imm, Cond cond = Cond::AL) { op(Opcode::Add, dst, a, kNoReg, imm, cond); }
  void addReg(VReg dst, VReg a, VReg b) { op(Opcode::Add, dst, a, b); }
  void compare(VReg a, int32_t imm) {
    Inst inst{Opcode::Cmp};
    inst.a = a;
    inst.imm = imm;
    add(inst);
  }
  void branch(uint32_t target, Cond cond = Cond::AL) {
    Inst inst{Opcode::Branch};
    inst.target = target;
    inst.cond = cond;
    add(inst);
  }
  // mov r0, a0; mov r1, a1; call; result = r0
  VReg call(VReg a0, VReg a1) {
    mov(phys(R0), a0);
    mov(phys(R1), a1);
    Inst inst{Opcode::Call};
    inst.symbol = 0;
    inst.implicitUses = (1u << R0) | (1u << R1);
    inst.implicitDefs = 0x500f;
    add(inst);
    VReg result = reg();
    mov(result, phys(R0));
    return result;
  }
  void ret(VReg lo, VReg hi) {
    mov(phys(R0), lo);
    mov(phys(R1), hi);
    Inst inst{Opcode::Return};
    inst.implicitUses = (1u << R0) | (1u << R1);
    add(inst);
  }
  // The arguments, as a body's entry takes them.
  std::pair<VReg, VReg> arguments() {
    VReg a = reg(), b = reg();
    mov(a, phys(R0));
    mov(b, phys(R1));
    return {a, b};
  }
};

bool allPhysical(const Function &fn) {
  for (const Block &block : fn.blocks)
    for (const Inst &inst : block.insts)
      for (VReg r : {inst.dst, inst.dst2, inst.a, inst.b, inst.c})
        if (r != kNoReg && !isPhysical(r)) return false;
  return true;
}

size_t countOps(const Function &fn, Opcode op) {
  size_t count = 0;
  for (const Block &block : fn.blocks)
    for (const Inst &inst : block.insts) count += inst.op == op;
  return count;
}

// Allocates a copy of `fn` and checks it against the original on a few inputs.
Function allocateAndCompare(const Function &fn) {
  Function allocated = fn;
  allocateRegisters(allocated, aapcsRegisters());
  INFO(print(allocated));
  CHECK(allPhysical(allocated));
  for (auto [x, y] : {std::pair<uint32_t, uint32_t>{0, 0}, {1, 2}, {0x12345678, 0x9abcdef0}, {~0u, 7}})
    CHECK(run(allocated, x, y) == run(fn, x, y));
  return allocated;
}

}  // namespace

TEST_CASE("regalloc: values live across a call survive it") {
  Builder b;
  auto [x, y] = b.arguments();
  VReg kept1 = b.reg(), kept2 = b.reg(), sum = b.reg();
  b.addImm(kept1, x, 5);
  b.addImm(kept2, y, 7);
  VReg result = b.call(x, y);
  b.addReg(sum, result, kept1);
  b.addReg(sum, sum, kept2);
  b.ret(sum, kept1);
  Function allocated = allocateAndCompare(b.fn);
  // Two values across the call: in callee-saved registers (saved) or in slots.
  CHECK((__builtin_popcount(allocated.usedCalleeSaved & 0x0ff0) + allocated.spillSlots) >= 2);
  CHECK((allocated.usedCalleeSaved & (1u << LR)) != 0);  // the call writes lr
  CHECK(allocated.makesCalls);
}

TEST_CASE("regalloc: a value live across a fixed def of r0 stays out of r0") {
  Builder b;
  auto [x, y] = b.arguments();
  VReg early = b.reg(), late = b.reg();
  b.addImm(early, x, 1);
  b.mov(phys(R0), y);       // r0 is fixed from here to the call
  b.addImm(late, early, 2);  // early is live across the def of r0 (and late is defined while r0 is live)
  b.mov(phys(R1), late);
  Inst call{Opcode::Call};
  call.symbol = 0;
  call.implicitUses = (1u << R0) | (1u << R1);
  call.implicitDefs = 0x500f;
  b.add(call);
  VReg result = b.reg();
  b.mov(result, phys(R0));
  b.ret(result, early);
  allocateAndCompare(b.fn);
}

TEST_CASE("regalloc: coalescing removes argument and result moves") {
  Builder b;
  auto [x, y] = b.arguments();
  VReg sum = b.reg();
  b.addReg(sum, x, y);
  b.ret(sum, y);
  Function allocated = allocateAndCompare(b.fn);
  // mov %x, r0; mov %y, r1; add; mov r0, sum; mov r1, y: all coalesced into r0 and r1.
  CHECK(countOps(allocated, Opcode::Mov) == 0);
  CHECK(allocated.usedCalleeSaved == 0);
  CHECK(allocated.spillSlots == 0);
  CHECK(!allocated.makesCalls);
}

TEST_CASE("regalloc: twenty values live at once spill and reload correctly") {
  Builder b;
  auto [x, y] = b.arguments();
  std::vector<VReg> values;
  VReg previous = x;
  for (int k = 0; k < 20; ++k) {
    VReg v = b.reg();
    b.addReg(v, previous, k % 2 ? y : x);  // not constants: they need slots
    values.push_back(v);
    previous = v;
  }
  VReg sum = b.reg();
  b.constant(sum, 0);
  for (VReg v : values) b.addReg(sum, sum, v);
  VReg called = b.call(sum, values[3]);
  for (VReg v : values) b.addReg(called, called, v);  // all twenty live across the call too
  b.ret(called, values[19]);
  Function allocated = allocateAndCompare(b.fn);
  CHECK(allocated.spillSlots > 0);
  CHECK(countOps(allocated, Opcode::Load) > 0);
}

TEST_CASE("regalloc: constants under pressure are issued again, not stored") {
  Builder b;
  auto [x, y] = b.arguments();
  std::vector<VReg> constants;
  for (uint32_t k = 0; k < 20; ++k) {
    constants.push_back(b.reg());
    b.constant(constants.back(), 0x10000 * k + 12345);
  }
  VReg sum = b.reg();
  b.addReg(sum, x, y);
  for (VReg c : constants) b.addReg(sum, sum, c);
  for (VReg c : constants) b.addReg(sum, sum, c);
  b.ret(sum, y);
  Function allocated = allocateAndCompare(b.fn);
  CHECK(allocated.spillSlots == 0);
  CHECK(countOps(allocated, Opcode::Store) == 0);
}

TEST_CASE("regalloc: a loop with a call keeps its counter and sum") {
  // .B0: i = 0; s = x          .B1: s += call(s, i); i += 1; cmp i, 5; blt .B1
  // .B2: return s, i
  Builder b;
  auto [x, y] = b.arguments();
  VReg i = b.reg(), s = b.reg();
  b.constant(i, 0);
  b.mov(s, x);
  b.startBlock(1);
  VReg r = b.call(s, i);
  b.addReg(s, s, r);
  b.addReg(s, s, y);
  b.addImm(i, i, 1);
  b.compare(i, 5);
  b.branch(1, Cond::LT);
  b.startBlock(2);
  b.ret(s, i);
  Function allocated = allocateAndCompare(b.fn);
  CHECK(allocated.blocks[1].loopDepth == 1);
}

TEST_CASE("regalloc: one register for unrelated values, conditional writes, reads without a write") {
  Builder b;
  auto [x, y] = b.arguments();
  VReg half = b.reg(), never = b.reg(), other = b.reg();
  b.addImm(half, x, 1);                  // value 1
  b.compare(x, 0);
  b.branch(2, Cond::EQ);
  b.startBlock(1);
  b.addImm(half, half, 3);               // value 1 + 3, into the join
  b.addImm(half, y, 9, Cond::NE);        // conditional write: reads the old value too
  b.startBlock(2);
  b.addReg(other, half, y);              // the join of both
  b.constant(half, 77);                  // an unrelated value in the same register
  b.addReg(other, other, half);
  b.ret(other, half);
  allocateAndCompare(b.fn);

  // A register read before any write (unverified input): garbage, no crash.
  Builder u;
  VReg sum = u.reg();
  u.addReg(sum, never, never);
  u.ret(sum, sum);
  Function allocated = u.fn;
  allocateRegisters(allocated, aapcsRegisters());
  CHECK(allPhysical(allocated));
}

TEST_CASE("regalloc: random functions with calls, branches and pressure") {
  std::mt19937 rng(2026);
  for (int round = 0; round < 200; ++round) {
    Builder b;
    auto [x, y] = b.arguments();
    const unsigned numValues = 4 + rng() % 24, numBlocks = 2 + rng() % 6;
    std::vector<VReg> values;
    for (unsigned k = 0; k < numValues; ++k) {
      values.push_back(b.reg());
      b.addImm(values.back(), k % 2 ? x : y, int32_t(k));
    }
    auto any = [&] { return values[rng() % values.size()]; };
    for (unsigned blk = 1; blk <= numBlocks; ++blk) {
      b.startBlock(blk);
      for (unsigned n = rng() % 12; n > 0; --n) {
        switch (rng() % 6) {
          case 0: b.addReg(any(), any(), any()); break;
          case 1: b.addImm(any(), any(), int32_t(rng() % 100)); break;
          case 2: b.constant(any(), rng()); break;
          case 3: b.mov(any(), any()); break;
          case 4: b.mov(any(), b.call(any(), any())); break;
          case 5:
            b.compare(any(), int32_t(rng() % 4));
            b.addImm(any(), any(), 1, rng() % 2 ? Cond::EQ : Cond::NE);
            break;
        }
      }
      if (blk < numBlocks && rng() % 2) {  // forward branches only: it terminates
        b.compare(any(), int32_t(rng() % 3));
        b.branch(blk + 1 + rng() % (numBlocks - blk), rng() % 2 ? Cond::EQ : Cond::GE);
      }
    }
    b.startBlock(numBlocks + 1);
    VReg sum = b.reg();
    b.mov(sum, x);
    for (VReg v : values) b.addReg(sum, sum, v);
    b.ret(sum, any());
    INFO("round " << round);
    allocateAndCompare(b.fn);
  }
}
