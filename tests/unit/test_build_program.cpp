// The program model: function splitting, basic blocks, resolved targets, and one test
// per kind of bad input that the model builder and the frame analysis reject.
#include <doctest/doctest.h>

#include <elf.h>

#include <cstring>

#include "compiler/analyze_frame.h"
#include "compiler/build_program.h"
#include "bpf_builder.h"

using namespace bpf2arm;

namespace {

Diagnostic failure(const Asm &code) {
  auto program = buildProgram(objectWith(code), noHelpers());
  if (!program) return program.diag();
  Status st = analyzeFrame(*program);
  REQUIRE(st.has_value());
  return *st;
}

}  // namespace

TEST_CASE("blocks are cut at jump targets and after jumps") {
  Asm code;
  code.movImm(0, 1)                                       // 0
      .insn(bpf::JMP | bpf::JEQ | bpf::K, 1, 0, 1, 5)    // 1: if r1 == 5 goto 3
      .movImm(0, 2)                                       // 2
      .exit();                                            // 3
  auto program = buildProgram(objectWith(code), noHelpers());
  REQUIRE(bool(program));
  const Function &fn = program->functions.at(0);
  REQUIRE(fn.blocks.size() == 3);
  CHECK(fn.insns[fn.blocks[0].last()].targetBlock == 2);
  CHECK(fn.blocks[1].first == 2);
  CHECK(fn.blocks[2].end == 4);
  CHECK(fn.blocks[0].fallthrough == 1);
  CHECK(fn.blocks[2].fallthrough == -1);
  CHECK(fn.isGlobal);
  CHECK(fn.prototype.params.size() == 5);  // no BTF: five u64
}

TEST_CASE("a local call without relocation starts a function at its target") {
  Asm code;
  code.insn(bpf::JMP | bpf::CALL, 0, bpf::CALL_LOCAL, 0, 1)  // 0: call 2
      .exit()                                               // 1
      .movImm(0, 7)                                         // 2: callee
      .exit();
  auto program = buildProgram(objectWith(code), noHelpers());
  REQUIRE(bool(program));
  REQUIRE(program->functions.size() == 2);
  CHECK(program->functions[1].name == "text_sub_2");
  CHECK_FALSE(program->functions[1].isGlobal);
  const Function &caller = program->functions[0];
  CHECK(caller.callOf(caller.insns[0]).kind == CallTarget::Local);
  CHECK(caller.callOf(caller.insns[0]).function == 1);
}

TEST_CASE("ld_imm64 joins its two slots") {
  Asm code;
  code.insn(bpf::LD_IMM64, 0, 0, 0, 0x55667788).insn(0, 0, 0, 0, 0x11223344).exit();
  auto program = buildProgram(objectWith(code), noHelpers());
  REQUIRE(bool(program));
  const Function &fn = program->functions[0];
  CHECK(fn.insns[0].insn.imm64 == 0x1122334455667788ull);
  CHECK(fn.addressOf(fn.insns[0]) == nullptr);
  CHECK(fn.insns[1].slot == 2);
  CHECK(fn.numSlots() == 3);
}

TEST_CASE("ld_imm64 with src_reg 4 takes the address of the function imm + 1 insns ahead") {
  Asm code;
  code.insn(bpf::LD_IMM64, 2, bpf::PSEUDO_FUNC, 0, 2).insn(0, 0, 0, 0, 0)  // 0: r2 = &insn 3
      .exit()                                                               // 2
      .movImm(0, 1)                                                         // 3: the callback
      .exit();
  // It becomes a function of its own; without BTF C cannot know how to call it.
  auto program = buildProgram(objectWith(code), noHelpers());
  REQUIRE_FALSE(bool(program));
  CHECK(program.diag().function == "f");
  CHECK(program.diag().insnIndex == 0);
  CHECK(program.diag().message.find("'text_sub_3' is used as a callback") != std::string::npos);
  CHECK(program.diag().message.find("no BTF prototype") != std::string::npos);
}

TEST_CASE("bad input: unknown opcode") {
  Asm code;
  code.insn(0xff, 0, 0, 0, 0).exit();
  Diagnostic d = failure(code);
  CHECK(d.function == "f");
  CHECK(d.insnIndex == 0);
  CHECK(d.message.find("unknown opcode 0xff") != std::string::npos);
}

TEST_CASE("bad input: callx and exit with the register bit are refused, not lowered") {
  Asm callx;
  callx.insn(bpf::JMP | bpf::CALL | bpf::X, 2, 0, 0, 0).exit();
  CHECK(failure(callx).message.find("callx") != std::string::npos);
  Asm exitX;
  exitX.insn(bpf::JMP | bpf::EXIT | bpf::X, 0, 0, 0, 0);
  CHECK(failure(exitX).message.find("unknown opcode 0x9d") != std::string::npos);
}

TEST_CASE("bad input: jump out of range") {
  Asm code;
  code.insn(bpf::JMP | bpf::JA, 0, 0, 5, 0).exit();
  Diagnostic d = failure(code);
  CHECK(d.insnIndex == 0);
  CHECK(d.message.find("jump out of range") != std::string::npos);
}

TEST_CASE("bad input: jump into the second slot of ld_imm64") {
  Asm code;
  code.insn(bpf::JMP | bpf::JA, 0, 0, 1, 0).insn(bpf::LD_IMM64, 0, 0, 0, 1).insn(0, 0, 0, 0, 0).exit();
  Diagnostic d = failure(code);
  CHECK(d.message.find("second slot of ld_imm64") != std::string::npos);
}

TEST_CASE("bad input: falling off the end") {
  Asm code;
  code.movImm(0, 1);
  Diagnostic d = failure(code);
  CHECK(d.message.find("falls off the end") != std::string::npos);
}

TEST_CASE("bad input: truncated ld_imm64") {
  Asm code;
  code.exit().insn(bpf::LD_IMM64, 0, 0, 0, 1);
  CHECK(failure(code).message.find("truncated") != std::string::npos);
}

TEST_CASE("bad input: stack beyond 512 bytes and writes to r10") {
  Asm deep;
  deep.insn(bpf::ST | bpf::MEM | bpf::W, 10, 0, -516, 0).exit();
  Diagnostic d = failure(deep);
  CHECK(d.message.find("outside the 512-byte BPF stack") != std::string::npos);
  Asm above;
  above.insn(bpf::ST | bpf::MEM | bpf::DW, 10, 0, -4, 0).exit();
  CHECK(failure(above).message.find("outside") != std::string::npos);
  Asm write;
  write.movImm(10, 0).exit();
  CHECK(failure(write).message.find("read-only") != std::string::npos);
}

TEST_CASE("stack size follows the deepest r10 access, or 512 when r10 escapes") {
  Asm shallow;
  shallow.insn(bpf::ST | bpf::MEM | bpf::W, 10, 0, -12, 0).exit();
  auto p = buildProgram(objectWith(shallow), noHelpers());
  REQUIRE(bool(p));
  REQUIRE_FALSE(analyzeFrame(*p).has_value());
  CHECK(p->functions[0].stackSize == 16);
  Asm escape;
  escape.insn(bpf::ALU64 | bpf::MOV | bpf::X, 1, 10, 0, 0).exit();
  auto q = buildProgram(objectWith(escape), noHelpers());
  REQUIRE(bool(q));
  REQUIRE_FALSE(analyzeFrame(*q).has_value());
  CHECK(q->functions[0].stackSize == 512);
}

TEST_CASE("diagnostics put the source position first, the object's name where there is none") {
  Diagnostic d = errorAt("filter", 7, "jump out of range");
  CHECK(d.render("in.o") == "in.o: error: filter: insn 7: jump out of range");
  d.sourceLine = "prog.c:12";
  CHECK(d.render("in.o") == "prog.c:12: error: jump out of range (in filter, insn 7 of in.o)");
  d.column = 5;
  CHECK(d.render("in.o") == "prog.c:12:5: error: jump out of range (in filter, insn 7 of in.o)");
  CHECK(error("no such map").render("in.o") == "in.o: error: no such map");
}

TEST_CASE("disassembly of a few instructions") {
  CHECK(bpf::disassemble(bpf::decodeSlot(std::vector<uint8_t>{0x07, 0x01, 0, 0, 5, 0, 0, 0}.data())) == "r1 += 5");
  CHECK(bpf::disassemble(bpf::decodeSlot(std::vector<uint8_t>{0x16, 0x21, 3, 0, 5, 0, 0, 0}.data())) ==
        "if w1 == 5 goto +3");
}
