// The def/use table: what each instruction reads and writes, per 32-bit half. Every pass
// and the selector trust it, so a half missing from a use set miscompiles (its
// write may be left out as dead); each case pins the rule of one instruction class from
// RFC 9669 and the calling conventions of the README.
#include <doctest/doctest.h>

#include "bpf_builder.h"
#include "compiler/build_program.h"
#include "compiler/def_use.h"
#include "compiler/track_upper_live.h"

using namespace bpf2arm;
using namespace bpf2arm::bpf;

namespace {

constexpr RegMask r(unsigned n) { return regBit(n); }
constexpr RegMask kArgs = RegMask(r(1) | r(2) | r(3) | r(4) | r(5));

DefUse of(uint8_t opcode, uint8_t dst, uint8_t src, int16_t offset, int32_t imm) {
  Insn insn;
  insn.opcode = opcode;
  insn.dst = dst;
  insn.src = src;
  insn.offset = offset;
  insn.imm = imm;
  return defUse(insn, nullptr);
}

// The halves read, and the registers written (in both halves).
void check(const DefUse &du, RegMask useLo, RegMask useHi, RegMask defs) {
  CHECK(du.useLo == useLo);
  CHECK(du.useHi == useHi);
  CHECK(du.defLo == defs);
  CHECK(du.defHi == defs);
}

CallTarget helper(std::vector<abi::CType> params) {
  CallTarget call;
  call.kind = CallTarget::Helper;
  call.symbol = "bpf_test";
  call.prototype.result = abi::CType::integer(8, true, "long");
  call.prototype.params = std::move(params);
  return call;
}

DefUse callTo(const CallTarget *callee) {
  Insn insn;
  insn.opcode = JMP | CALL;
  return defUse(insn, callee);
}

}  // namespace

TEST_CASE("ALU: 32-bit operations read lo halves and write both (the hi half becomes zero)") {
  check(of(ALU | ADD | X, 1, 2, 0, 0), r(1) | r(2), 0, r(1));
  check(of(ALU | MOV | K, 3, 0, 0, 7), 0, 0, r(3));
  check(of(ALU | MOV | X, 3, 4, 8, 0), r(4), 0, r(3));  // movsx8 into a 32-bit result
  check(of(ALU | NEG | K, 5, 0, 0, 0), r(5), 0, r(5));
  check(of(ALU | LSH | X, 1, 2, 0, 0), r(1) | r(2), 0, r(1));
  check(of(ALU | DIV | X, 1, 2, 1, 0), r(1) | r(2), 0, r(1));  // sdiv32
  check(of(ALU | MOD | K, 1, 0, 0, 3), r(1), 0, r(1));
  check(of(ALU | END | X, 6, 0, 0, 32), r(6), 0, r(6));        // be32: src names no register
  check(of(ALU | END | X, 6, 0, 0, 64), r(6), r(6), r(6));     // be64 swaps all 64 bits
  check(of(ALU | END | K, 6, 0, 0, 64), r(6), r(6), r(6));     // le64 keeps them
  CHECK_FALSE(of(ALU | END | X, 6, 0, 0, 64).loResultFromLoHalves);
  CHECK(of(ALU | ADD | X, 1, 2, 0, 0).memBase == -1);
}

TEST_CASE("ALU64: what each operation needs of its operands") {
  check(of(ALU64 | ADD | X, 1, 2, 0, 0), r(1) | r(2), r(1) | r(2), r(1));
  check(of(ALU64 | MUL | K, 1, 0, 0, 3), r(1), r(1), r(1));
  check(of(ALU64 | MOV | X, 1, 2, 0, 0), r(2), r(2), r(1));
  check(of(ALU64 | MOV | X, 1, 2, 32, 0), r(2), 0, r(1));      // movsx32 reads the lo half
  check(of(ALU64 | MOV | K, 1, 0, 0, -1), 0, 0, r(1));
  check(of(ALU64 | NEG | K, 1, 0, 0, 0), r(1), r(1), r(1));
  check(of(ALU64 | LSH | K, 1, 0, 0, 3), r(1), r(1), r(1));
  check(of(ALU64 | LSH | K, 1, 0, 0, 40), r(1), 0, r(1));      // hi = lo << 8, lo = 0
  check(of(ALU64 | LSH | X, 1, 2, 0, 0), r(1) | r(2), r(1), r(1));  // the amount is src's lo half
  check(of(ALU64 | RSH | K, 1, 0, 0, 3), r(1), r(1), r(1));
  check(of(ALU64 | RSH | K, 1, 0, 0, 40), 0, r(1), r(1));      // lo = hi >> 8, hi = 0
  check(of(ALU64 | ARSH | K, 1, 0, 0, 63), 0, r(1), r(1));     // both halves from the hi one
  check(of(ALU64 | ARSH | X, 1, 2, 0, 0), r(1) | r(2), r(1), r(1));
  check(of(ALU64 | DIV | X, 1, 2, 1, 0), r(1) | r(2), r(1) | r(2), r(1));  // sdiv64
  check(of(ALU64 | MOD | X, 1, 2, 0, 0), r(1) | r(2), r(1) | r(2), r(1));
  check(of(ALU64 | END | K, 1, 0, 0, 16), r(1), 0, r(1));      // bswap16 zero-extends
  check(of(ALU64 | END | K, 1, 0, 0, 64), r(1), r(1), r(1));
}

TEST_CASE("ALU64: where a dead hi result frees the operands' hi halves") {
  // add, logic, multiply, negation, moves and left shifts compute their lo half from lo
  // halves; right shifts, division and bswap64 do not.
  for (uint8_t op : {ADD, SUB, AND, OR, XOR, MUL, MOV, LSH}) {
    DefUse du = of(ALU64 | op | X, 1, 2, 0, 0);
    CAPTURE(int(op));
    CHECK(du.loResultFromLoHalves);
    CHECK(du.hiUses(r(2)) == 0);         // r1's hi half dead after
    CHECK(du.hiUses(r(1)) == du.useHi);  // live: every hi half it reads
  }
  CHECK(of(ALU64 | RSH | K, 1, 0, 0, 0).loResultFromLoHalves);  // a shift by 0 copies
  for (DefUse du : {of(ALU64 | RSH | K, 1, 0, 0, 3), of(ALU64 | ARSH | X, 1, 2, 0, 0), of(ALU64 | DIV | X, 1, 2, 0, 0),
                    of(ALU64 | MOD | K, 1, 0, 1, 7), of(ALU64 | END | K, 1, 0, 0, 64)}) {
    CHECK_FALSE(du.loResultFromLoHalves);
    CHECK(du.hiUses(0) == du.useHi);
  }
}

TEST_CASE("loads and stores: the base is a lo half; 8-byte stores read the value's hi half") {
  DefUse load = of(LDX | MEM | W, 1, 2, -4, 0);
  check(load, r(2), 0, r(1));  // a narrow load zero-extends into the hi half
  CHECK(load.memBase == 2);
  check(of(LDX | MEMSX | B, 1, 2, 0, 0), r(2), 0, r(1));
  check(of(LDX | MEM | DW, 1, 1, 0, 0), r(1), 0, r(1));
  DefUse st = of(ST | MEM | DW, 3, 0, 8, 5);
  check(st, r(3), 0, 0);
  CHECK(st.memBase == 3);
  check(of(STX | MEM | H, 3, 4, 0, 0), r(3) | r(4), 0, 0);
  check(of(STX | MEM | DW, 3, 4, 0, 0), r(3) | r(4), r(4), 0);
  check(of(LD_IMM64, 7, 0, 0, 1), 0, 0, r(7));
}

TEST_CASE("atomics: FETCH writes src, CMPXCHG reads and writes R0") {
  check(of(STX | ATOMIC | W, 1, 2, 0, ATOMIC_ADD), r(1) | r(2), 0, 0);
  check(of(STX | ATOMIC | DW, 1, 2, 0, ATOMIC_OR), r(1) | r(2), r(2), 0);
  check(of(STX | ATOMIC | W, 1, 2, 0, ATOMIC_AND | FETCH), r(1) | r(2), 0, r(2));  // old value zero-extended
  check(of(STX | ATOMIC | DW, 1, 2, 0, ATOMIC_XOR | FETCH), r(1) | r(2), r(2), r(2));
  check(of(STX | ATOMIC | DW, 1, 2, 0, ATOMIC_XCHG), r(1) | r(2), r(2), r(2));
  check(of(STX | ATOMIC | W, 1, 2, 0, ATOMIC_CMPXCHG), r(0) | r(1) | r(2), 0, r(0));
  DefUse cmpxchg = of(STX | ATOMIC | DW, 10, 2, -8, ATOMIC_CMPXCHG);
  check(cmpxchg, r(0) | r(2) | r(10), r(0) | r(2), r(0));
  CHECK(cmpxchg.memBase == 10);
  CHECK_FALSE(cmpxchg.r10Escapes);
}

TEST_CASE("jumps: JMP compares 64 bits, JMP32 lo halves; exit reads R0") {
  check(of(JMP | JGT | X, 1, 2, 3, 0), r(1) | r(2), r(1) | r(2), 0);
  check(of(JMP | JSLT | K, 1, 0, 3, -1), r(1), r(1), 0);
  check(of(JMP32 | JGT | X, 1, 2, 3, 0), r(1) | r(2), 0, 0);
  check(of(JMP32 | JSET | K, 4, 0, 3, 1), r(4), 0, 0);
  check(of(JMP | JA, 0, 0, 3, 0), 0, 0, 0);
  check(of(JMP32 | JA, 0, 0, 0, 3), 0, 0, 0);  // gotol
  check(of(JMP | EXIT, 0, 0, 0, 0), r(0), r(0), 0);
}

TEST_CASE("calls: local callees read R1-R5 in full; helpers and externs what their prototype passes") {
  CallTarget local;
  local.kind = CallTarget::Local;
  for (const CallTarget *callee : {static_cast<const CallTarget *>(&local), static_cast<const CallTarget *>(nullptr)}) {
    DefUse du = callTo(callee);
    check(du, kArgs, kArgs, RegMask(r(0) | kArgs));
    CHECK(du.clobber == kArgs);
    CHECK(du.computed() == r(0));
  }
  // A pointer or a 4-byte integer is one ARM word: the hi half stays behind.
  CallTarget mixed = helper({abi::CType::integer(4, false, "__u32"), abi::CType::u64(),
                             abi::CType::pointer("void *"), abi::CType::integer(1, true, "char")});
  DefUse du = callTo(&mixed);
  check(du, RegMask(r(1) | r(2) | r(3) | r(4)), r(2), RegMask(r(0) | kArgs));
  CHECK(du.clobber == kArgs);

  CallTarget noParams = helper({});
  noParams.kind = CallTarget::Extern;
  check(callTo(&noParams), 0, 0, RegMask(r(0) | kArgs));

  // bpf_tail_call(void *ctx, void *prog_array_map, __u32 index)
  CallTarget tailCall = helper({abi::CType::pointer("void *"), abi::CType::pointer("void *"),
                                abi::CType::integer(4, false, "__u32")});
  tailCall.helperId = 12;
  check(callTo(&tailCall), RegMask(r(1) | r(2) | r(3)), 0, RegMask(r(0) | kArgs));
}

TEST_CASE("r10 escapes when read as a value, not as a memory base") {
  CHECK(of(ALU64 | MOV | X, 1, 10, 0, 0).r10Escapes);
  CHECK(of(STX | MEM | DW, 10, 10, -8, 0).r10Escapes);  // storing the stack address itself
  CHECK(of(JMP | JEQ | K, 10, 0, 1, 0).r10Escapes);
  CHECK_FALSE(of(LDX | MEM | DW, 1, 10, -8, 0).r10Escapes);
  CHECK_FALSE(of(ST | MEM | W, 10, 0, -4, 1).r10Escapes);
  CHECK_FALSE(of(ALU | END | X, 1, 10, 0, 16).r10Escapes);  // be16 names no source register
  CHECK((of(ALU64 | ADD | K, 10, 0, 0, 8).computed() & r(10)));  // refused by the frame analysis
}

TEST_CASE("the table as the passes see it: a helper's pointer arguments leave their hi words dead") {
  abi::HelperTable helpers;
  REQUIRE_FALSE(helpers.addCustom(200, "long consume(const void *buf, __u32 len, __u64 flags)"));
  Asm code;
  code.insn(ALU64 | MOV | X, 1, 10, 0, 0)     // r1 = r10
      .insn(ALU64 | ADD | K, 1, 0, 0, -8)     // r1 += -8: an address, 32 bits on ARM
      .movImm(2, 8)                           // r2 = 8: a __u32
      .movImm(3, -1)                          // r3 = -1: a __u64, all 64 bits
      .insn(JMP | CALL, 0, CALL_HELPER, 0, 200)
      .exit();
  auto program = buildProgram(objectWith(code), helpers);
  REQUIRE(bool(program));
  trackUpperLive(*program);
  const Function &fn = program->functions[0];
  CHECK_FALSE(fn.hiLiveAfter(1, 1));
  CHECK_FALSE(fn.hiLiveAfter(2, 2));
  CHECK(fn.hiLiveAfter(3, 3));
  CHECK(fn.hiLiveAfter(4, 0));  // the result, read by exit
}
