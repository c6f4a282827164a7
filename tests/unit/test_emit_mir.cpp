// Emission of allocated MIR (backend-arm32/emit_mir.cpp) and dead-code removal
// (mir_passes.cpp), on functions built by hand: the assembly text the MC printer gives
// for them, with LLVM's temporary labels renamed L0, L1, ... in order of appearance.
// The encodings behind each form are checked in test_encoding.cpp.
#include <doctest/doctest.h>

#include <llvm/MC/MCAsmBackend.h>
#include <llvm/MC/MCCodeEmitter.h>
#include <llvm/MC/MCInstPrinter.h>
#include <llvm/MC/MCObjectFileInfo.h>
#include <llvm/MC/MCStreamer.h>
#include <llvm/Support/FormattedStream.h>
#include <llvm/Support/raw_ostream.h>

#include <map>
#include <memory>
#include <regex>
#include <sstream>

#include "backend-arm32/emit_mir.h"
#include "backend-arm32/mir_passes.h"

using namespace bpf2arm::arm;
using mir::FrameObject;
using mir::Inst;
using mir::kNoReg;
using mir::Opcode;
using mir::phys;

namespace {

struct AsmEmitter {
  std::unique_ptr<ArmTarget> target;
  std::unique_ptr<llvm::MCContext> ctx;
  std::unique_ptr<llvm::MCObjectFileInfo> fileInfo;

  explicit AsmEmitter(const char *cpu = "cortex-a7") {
    auto t = ArmTarget::create(cpu);
    REQUIRE(bool(t));
    target = std::move(*t);
    ctx = std::make_unique<llvm::MCContext>(target->triple(), &target->asmInfo(), &target->registerInfo(),
                                            &target->subtarget());
    fileInfo.reset(target->target().createMCObjectFileInfo(*ctx, false));
    ctx->setObjectFileInfo(fileInfo.get());
  }

  // The function's instructions, labels and relocations, one per line; other directives left out.
  std::string emit(const mir::Function &fn) {
    std::string text;
    {
      llvm::raw_string_ostream os(text);
      llvm::MCInstPrinter *printer = target->target().createMCInstPrinter(
          target->triple(), 0, target->asmInfo(), target->instrInfo(), target->registerInfo());
      std::unique_ptr<llvm::MCStreamer> streamer(target->target().createAsmStreamer(
          *ctx, std::make_unique<llvm::formatted_raw_ostream>(os), printer, nullptr, nullptr));
      streamer->initSections(false, target->subtarget());
      streamer->switchSection(fileInfo->getTextSection());
      ArmAssembler as(*target, *ctx, streamer.get());
      emitFunction(fn, as, *ctx);
      streamer->finish();
    }
    std::istringstream lines(text);
    std::string line, out;
    std::map<std::string, std::string> labels;
    std::regex temp(R"(\.Ltmp[0-9]+)");
    while (std::getline(lines, line)) {
      if ((line.rfind("\t.", 0) == 0 && line.rfind("\t.reloc", 0) != 0) || line.empty()) continue;
      std::string renamed;
      auto begin = std::sregex_iterator(line.begin(), line.end(), temp);
      size_t at = 0;
      for (auto m = begin; m != std::sregex_iterator(); ++m) {
        auto [it, fresh] = labels.try_emplace(m->str(), "L" + std::to_string(labels.size()));
        renamed += line.substr(at, size_t(m->position()) - at) + it->second;
        at = size_t(m->position() + m->length());
      }
      renamed += line.substr(at);
      // "\tadd\tr0, r1" -> "add r0, r1"
      size_t first = renamed.find_first_not_of('\t');
      renamed = renamed.substr(first == std::string::npos ? 0 : first);
      for (char &c : renamed)
        if (c == '\t') c = ' ';
      out += renamed + "\n";
    }
    return out;
  }
};

Inst op(Opcode opcode, mir::VReg dst, mir::VReg a, mir::VReg b) {
  Inst inst{opcode};
  inst.dst = dst;
  inst.a = a;
  inst.b = b;
  return inst;
}

Inst opImm(Opcode opcode, mir::VReg dst, mir::VReg a, int32_t imm) {
  Inst inst{opcode};
  inst.dst = dst;
  inst.a = a;
  inst.imm = imm;
  return inst;
}

Inst branch(uint32_t target, Cond cond = Cond::AL) {
  Inst inst{Opcode::Branch};
  inst.target = target;
  inst.cond = cond;
  return inst;
}

Inst ret() {
  Inst inst{Opcode::Return};
  inst.implicitUses = (1u << R0) | (1u << R1);
  return inst;
}

mir::Function leaf(std::vector<Inst> body) {
  mir::Function fn;
  fn.name = "f";
  fn.blocks.resize(1);
  fn.blocks[0].insts = std::move(body);
  fn.blocks[0].insts.push_back(ret());
  fn.computeSuccessors();
  return fn;
}

// One instruction of a frameless leaf, and the text it becomes.
std::string emitOne(AsmEmitter &e, const Inst &inst) {
  std::string text = e.emit(leaf({inst}));
  const std::string tail = "bx lr\n";
  REQUIRE(text.size() >= tail.size());
  CHECK(text.substr(text.size() - tail.size()) == tail);
  return text.substr(0, text.size() - tail.size());
}

}  // namespace

TEST_CASE("emit_mir: each opcode and operand form") {
  AsmEmitter e;
  auto with = [](Inst inst, auto change) {
    change(inst);
    return inst;
  };
  struct Case {
    Inst inst;
    const char *text;
  };
  const mir::VReg r0 = phys(R0), r1 = phys(R1), r2 = phys(R2), r3 = phys(R3), r4 = phys(R4), r12 = phys(R12);
  std::vector<Case> cases = {
      {op(Opcode::Add, r0, r1, r2), "add r0, r1, r2\n"},
      {opImm(Opcode::Sub, r0, r1, 255), "sub r0, r1, #255\n"},
      {with(op(Opcode::Orr, r0, r1, r2), [](Inst &i) { i.shift = Shift::LSR; i.shiftAmount = 3; }), "orr r0, r1, r2, lsr #3\n"},
      {with(op(Opcode::Eor, r0, r1, r2), [&](Inst &i) { i.shiftByRegister = true; i.shift = Shift::ROR; i.c = r3; }),
       "eor r0, r1, r2, ror r3\n"},
      {with(op(Opcode::Adc, r0, r1, r2), [](Inst &i) { i.setFlags = true; i.cond = Cond::NE; }), "adcsne r0, r1, r2\n"},
      {with(opImm(Opcode::Rsb, r0, r1, 0), [](Inst &i) { i.setFlags = true; }), "rsbs r0, r1, #0\n"},
      {with(op(Opcode::Mov, r0, kNoReg, r1), [](Inst &i) { i.cond = Cond::HS; }), "movhs r0, r1\n"},
      {with(op(Opcode::Mov, r0, kNoReg, r1), [](Inst &i) { i.shift = Shift::ASR; i.shiftAmount = 31; }), "asr r0, r1, #31\n"},
      {with(op(Opcode::Mov, r0, kNoReg, r1), [&](Inst &i) { i.shiftByRegister = true; i.c = r2; i.setFlags = true; }),
       "lsls r0, r1, r2\n"},
      {opImm(Opcode::Mvn, r0, kNoReg, 0), "mvn r0, #0\n"},
      {with(op(Opcode::Mvn, r0, kNoReg, r1), [](Inst &i) { i.shift = Shift::LSL; i.shiftAmount = 4; }), "mvn r0, r1, lsl #4\n"},
      {op(Opcode::Mov, r0, kNoReg, r0), ""},  // a move onto itself is nothing
      {with(opImm(Opcode::Cmp, kNoReg, r1, 4), [](Inst &i) { i.cond = Cond::EQ; }), "cmpeq r1, #4\n"},
      {with(op(Opcode::Cmn, kNoReg, r1, r2), [](Inst &i) { i.shift = Shift::LSL; i.shiftAmount = 1; }), "cmn r1, r2, lsl #1\n"},
      {opImm(Opcode::Tst, kNoReg, r1, 1), "tst r1, #1\n"},
      {op(Opcode::Teq, kNoReg, r1, r2), "teq r1, r2\n"},
      {opImm(Opcode::MovConst, r0, kNoReg, 255), "mov r0, #255\n"},
      {opImm(Opcode::MovConst, r0, kNoReg, -256), "mvn r0, #255\n"},
      {opImm(Opcode::MovConst, r0, kNoReg, 0x12345678), "movw r0, #22136\nmovt r0, #4660\n"},
      {opImm(Opcode::MovConst, r0, kNoReg, 0x1234), "movw r0, #4660\n"},
      {op(Opcode::Mul, r0, r1, r2), "mul r0, r1, r2\n"},
      {with(op(Opcode::Mla, r0, r1, r2), [&](Inst &i) { i.c = r3; }), "mla r0, r1, r2, r3\n"},
      {with(op(Opcode::Mls, r0, r1, r2), [&](Inst &i) { i.c = r3; }), "mls r0, r1, r2, r3\n"},
      {with(op(Opcode::Umull, r0, r2, r3), [&](Inst &i) { i.dst2 = r1; }), "umull r0, r1, r2, r3\n"},
      {with(op(Opcode::Smull, r0, r2, r3), [&](Inst &i) { i.dst2 = r1; }), "smull r0, r1, r2, r3\n"},
      {with(op(Opcode::Umlal, r0, r2, r3), [&](Inst &i) { i.dst2 = r1; }), "umlal r0, r1, r2, r3\n"},
      {op(Opcode::Udiv, r0, r1, r2), "udiv r0, r1, r2\n"},
      {op(Opcode::Sdiv, r0, r1, r2), "sdiv r0, r1, r2\n"},
      {op(Opcode::Clz, r0, kNoReg, r1), "clz r0, r1\n"},
      {op(Opcode::Rev, r0, kNoReg, r1), "rev r0, r1\n"},
      {op(Opcode::Rev16, r0, kNoReg, r1), "rev16 r0, r1\n"},
      {op(Opcode::Rbit, r0, kNoReg, r1), "rbit r0, r1\n"},
      {op(Opcode::Sxtb, r0, kNoReg, r1), "sxtb r0, r1\n"},
      {op(Opcode::Sxth, r0, kNoReg, r1), "sxth r0, r1\n"},
      {op(Opcode::Uxtb, r0, kNoReg, r1), "uxtb r0, r1\n"},
      {with(op(Opcode::Uxth, r0, kNoReg, r1), [](Inst &i) { i.cond = Cond::LT; }), "uxthlt r0, r1\n"},
      {with(opImm(Opcode::Ubfx, r0, r1, 4), [](Inst &i) { i.width = 8; }), "ubfx r0, r1, #4, #8\n"},
      {with(opImm(Opcode::Sbfx, r0, r1, 0), [](Inst &i) { i.width = 16; }), "sbfx r0, r1, #0, #16\n"},
      {with(opImm(Opcode::Bfi, r0, r1, 8), [](Inst &i) { i.width = 16; }), "bfi r0, r1, #8, #16\n"},
      {with(opImm(Opcode::Load, r0, r1, -4), [](Inst &i) { i.bytes = 4; }), "ldr r0, [r1, #-4]\n"},
      {with(opImm(Opcode::Load, r0, r1, 2), [](Inst &i) { i.bytes = 2; i.signExtend = true; }), "ldrsh r0, [r1, #2]\n"},
      {with(op(Opcode::Load, r0, r1, r2), [](Inst &i) { i.bytes = 4; i.shiftAmount = 2; }), "ldr r0, [r1, r2, lsl #2]\n"},
      {with(op(Opcode::Load, r0, r1, r2), [](Inst &i) { i.bytes = 1; i.signExtend = true; }), "ldrsb r0, [r1, r2]\n"},
      {with(opImm(Opcode::Store, kNoReg, r1, 7), [&](Inst &i) { i.bytes = 1; i.c = r0; i.cond = Cond::GT; }),
       "strbgt r0, [r1, #7]\n"},
      {with(op(Opcode::Store, kNoReg, r1, r2), [&](Inst &i) { i.bytes = 2; i.c = r0; }), "strh r0, [r1, r2]\n"},
      {op(Opcode::Ldrex, r0, r12, kNoReg), "ldrex r0, [r12]\n"},
      {with(op(Opcode::Strex, r4, r12, kNoReg), [&](Inst &i) { i.c = r0; }), "strex r4, r0, [r12]\n"},
      {with(op(Opcode::Ldrexd, r2, r12, kNoReg), [&](Inst &i) { i.dst2 = r3; }), "ldrexd r2, r3, [r12]\n"},
      {with(op(Opcode::Strexd, r4, r12, r3), [&](Inst &i) { i.c = r2; }), "strexd r4, r2, r3, [r12]\n"},
      {Inst{Opcode::Clrex}, "clrex\n"},
      {Inst{Opcode::Dmb}, "dmb ish\n"},
      {with(op(Opcode::Call, kNoReg, r12, kNoReg), [](Inst &i) { i.implicitDefs = 0x500f; }), "blx r12\n"},
  };
  for (const Case &c : cases) {
    std::string mirText = mir::print(c.inst, mir::Function{});
    CAPTURE(mirText);
    CHECK(emitOne(e, c.inst) == c.text);
  }
}

TEST_CASE("emit_mir: symbols, relocated addresses and calls") {
  AsmEmitter e;
  mir::Function fn;
  fn.blocks.resize(1);
  Inst address{Opcode::AddressOf};
  address.dst = phys(R4);
  address.symbol = fn.symbolIndex(e.ctx->getOrCreateSymbol("table"));
  address.imm = 8;
  Inst call{Opcode::Call};
  call.symbol = fn.symbolIndex(e.ctx->getOrCreateSymbol("helper"));
  call.implicitDefs = 0x500f;
  fn.blocks[0].insts = {address, call, ret()};
  fn.usedCalleeSaved = (1u << R4) | (1u << LR);
  fn.makesCalls = true;
  CHECK(e.emit(fn) ==
        "push {r4, lr}\n"
        "L0:\n"
        ".reloc L0, R_ARM_MOVW_ABS_NC, table\n"
        "movw r4, #8\n"
        "L1:\n"
        ".reloc L1, R_ARM_MOVT_ABS, table\n"
        "movt r4, #8\n"
        "bl helper\n"
        "pop {r4, pc}\n");
}

TEST_CASE("emit_mir: prologue and epilogue shapes") {
  AsmEmitter e;
  SUBCASE("a leaf without saves or frame has none") {
    CHECK(e.emit(leaf({op(Opcode::Add, phys(R0), phys(R0), phys(R1))})) == "add r0, r0, r1\nbx lr\n");
  }
  SUBCASE("callee-saved registers without lr: pop, then bx lr; an odd count pushes r12 too") {
    mir::Function fn = leaf({op(Opcode::Add, phys(R4), phys(R0), phys(R1))});
    fn.usedCalleeSaved = 1u << R4;
    CHECK(e.emit(fn) == "push {r4, r12}\nadd r4, r0, r1\npop {r4, r12}\nbx lr\n");
  }
  SUBCASE("lr pushed: the pop returns") {
    mir::Function fn = leaf({});
    fn.usedCalleeSaved = (1u << R4) | (1u << R5) | (1u << LR);
    fn.makesCalls = true;
    CHECK(e.emit(fn) == "push {r4, r5, r12, lr}\npop {r4, r5, r12, pc}\n");
  }
  SUBCASE("frame objects at their sp offsets; padding above the spill slots") {
    // Pushed r4, lr (8 bytes); frame: 8 outgoing + 16 BPF stack + 1 spill slot + 4 padding.
    auto frameLoad = [](FrameObject object, int32_t imm) {
      Inst inst{Opcode::Load};
      inst.dst = phys(R0);
      inst.bytes = 4;
      inst.frame = object;
      inst.imm = imm;
      return inst;
    };
    Inst address{Opcode::FrameAddress};
    address.dst = phys(R1);
    address.frame = FrameObject::BpfStack;
    address.imm = -16;
    Inst spill{Opcode::Store};
    spill.c = phys(R1);
    spill.bytes = 4;
    spill.frame = FrameObject::SpillSlot;
    spill.imm = 0;
    mir::Function fn = leaf({frameLoad(FrameObject::IncomingArgs, 4), frameLoad(FrameObject::BpfStack, -4), spill,
                             frameLoad(FrameObject::OutgoingArgs, 4), address});
    fn.usedCalleeSaved = (1u << R4) | (1u << LR);
    fn.outgoingArgBytes = 8;
    fn.bpfStackBytes = 16;
    fn.spillSlots = 1;
    CHECK(bpfStackOffsetFromSp(fn, -4) == 20);
    CHECK(e.emit(fn) ==
          "push {r4, lr}\n"
          "sub sp, sp, #32\n"
          "ldr r0, [sp, #44]\n"  // 32 frame + 8 pushed + 4
          "ldr r0, [sp, #20]\n"  // 8 + 16 - 4
          "str r1, [sp, #24]\n"  // spill slot 0 above the BPF stack
          "ldr r0, [sp, #4]\n"
          "add r1, sp, #8\n"
          "add sp, sp, #32\n"
          "pop {r4, pc}\n");
  }
  SUBCASE("a large frame is adjusted in steps, with no scratch register") {
    mir::Function fn = leaf({});
    fn.bpfStackBytes = 512;
    fn.outgoingArgBytes = 8;
    fn.spillSlots = 2;
    CHECK(e.emit(fn) == "sub sp, sp, #528\nadd sp, sp, #528\nbx lr\n");
    fn.outgoingArgBytes = 0;
    fn.spillSlots = 129;  // 512 + 516 + 4 padding = 0x408: no single immediate
    CHECK(e.emit(fn) == "sub sp, sp, #8\nsub sp, sp, #1024\nadd sp, sp, #8\nadd sp, sp, #1024\nbx lr\n");
  }
  SUBCASE("a conditional call and a conditional return in the middle of a block (a tail call)") {
    Inst call{Opcode::Call};
    call.a = phys(R12);
    call.cond = Cond::NE;
    call.implicitDefs = 0x500f;
    Inst callNamed{Opcode::Call};
    callNamed.symbol = 0;
    callNamed.cond = Cond::NE;
    callNamed.implicitDefs = 0x500f;
    Inst early = ret();
    early.cond = Cond::NE;
    mir::Function fn = leaf({opImm(Opcode::Cmp, kNoReg, phys(R4), 0), call, callNamed, early,
                             opImm(Opcode::Mov, phys(R0), kNoReg, 1)});
    fn.symbols.push_back(e.ctx->getOrCreateSymbol("hook"));
    fn.usedCalleeSaved = (1u << R4) | (1u << LR);
    fn.makesCalls = true;
    fn.spillSlots = 2;
    CHECK(e.emit(fn) ==
          "push {r4, lr}\n"
          "sub sp, sp, #8\n"
          "cmp r4, #0\n"
          "blxne r12\n"
          "blne hook\n"
          "addne sp, sp, #8\n"
          "popne {r4, pc}\n"
          "mov r0, #1\n"
          "add sp, sp, #8\n"
          "pop {r4, pc}\n");
  }
  SUBCASE("one epilogue per return") {
    mir::Function fn;
    fn.blocks.resize(2);
    fn.blocks[0].insts = {opImm(Opcode::Cmp, kNoReg, phys(R0), 0), branch(1, Cond::EQ), ret()};
    fn.blocks[1].insts = {ret()};
    fn.usedCalleeSaved = (1u << R4) | (1u << LR);
    fn.computeSuccessors();
    CHECK(e.emit(fn) ==
          "push {r4, lr}\n"
          "cmp r0, #0\n"
          "beq L0\n"
          "pop {r4, pc}\n"
          "L0:\n"
          "pop {r4, pc}\n");
  }
}

TEST_CASE("emit_mir: branches fall through and invert") {
  AsmEmitter e;
  mir::Function fn;
  fn.blocks.resize(6);
  Inst compare = opImm(Opcode::Cmp, kNoReg, phys(R0), 0);
  // B0: a conditional branch to the next block and a jump elsewhere: one inverted branch.
  fn.blocks[0].insts = {compare, branch(1, Cond::EQ), branch(3)};
  // B1: a jump to the next block: nothing.
  fn.blocks[1].insts = {opImm(Opcode::Mov, phys(R0), kNoReg, 1), branch(2)};
  // B2: a conditional branch away and a jump to the next block: the conditional one only.
  fn.blocks[2].insts = {compare, branch(0, Cond::HI), branch(3)};
  // B3: both branches elsewhere: both stay.
  fn.blocks[3].insts = {compare, branch(1, Cond::LT), branch(0)};
  // B4: both to the same block: one jump.
  fn.blocks[4].insts = {compare, branch(2, Cond::NE), branch(2)};
  fn.blocks[5].insts = {ret()};
  fn.computeSuccessors();
  CHECK(e.emit(fn) ==
        "L0:\n"
        "cmp r0, #0\n"
        "bne L1\n"
        "L2:\n"
        "mov r0, #1\n"
        "L3:\n"
        "cmp r0, #0\n"
        "bhi L0\n"
        "L1:\n"
        "cmp r0, #0\n"
        "blt L2\n"
        "b L0\n"
        "cmp r0, #0\n"
        "b L3\n"
        "bx lr\n");
}

namespace {

std::string afterDeadCode(mir::Function fn) {
  fn.computeSuccessors();
  removeDeadCode(fn);
  std::string text = mir::print(fn);
  return text.substr(text.find('\n') + 1);  // without the "function" line
}

}  // namespace

TEST_CASE("removeDeadCode: values, flags and effects") {
  mir::Function fn;
  const mir::VReg a = fn.newReg(), b = fn.newReg(), c = fn.newReg(), d = fn.newReg();
  SUBCASE("a dead chain goes whole; stores, calls and physical writes stay") {
    Inst store{Opcode::Store};
    store.c = b;
    store.a = a;
    store.bytes = 4;
    Inst load{Opcode::Load};
    load.dst = d;
    load.a = a;
    load.bytes = 4;
    fn.blocks.resize(1);
    fn.blocks[0].insts = {op(Opcode::Mov, a, kNoReg, phys(R0)), opImm(Opcode::Add, b, a, 1),
                          opImm(Opcode::Add, c, b, 2), op(Opcode::Add, c, c, c),  // c: never read
                          load,                                                       // d: never read
                          store, op(Opcode::Mov, phys(R0), kNoReg, b), ret()};
    CHECK(afterDeadCode(fn) ==
          ".B0:\n"
          "    mov %0, r0\n"
          "    add %1, %0, #1\n"
          "    str %1, [%0]\n"
          "    mov r0, %1\n"
          "    return uses {r0,r1}\n");
  }
  SUBCASE("a compare whose flags the next flag write replaces goes; the one a branch reads stays") {
    fn.blocks.resize(2);
    Inst adds = opImm(Opcode::Add, a, a, 1);
    adds.setFlags = true;  // a is read later: stays, and replaces the first compare's flags
    fn.blocks[0].insts = {opImm(Opcode::Cmp, kNoReg, b, 1), adds, opImm(Opcode::Cmp, kNoReg, a, 2),
                          branch(0, Cond::NE)};
    fn.blocks[1].insts = {op(Opcode::Mov, phys(R0), kNoReg, a), ret()};
    CHECK(afterDeadCode(fn) ==
          ".B0:  ; succs .B0 .B1\n"
          "    adds %0, %0, #1\n"
          "    cmp %0, #2\n"
          "    bne .B0\n"
          ".B1:\n"
          "    mov r0, %0\n"
          "    return uses {r0,r1}\n");
  }
  SUBCASE("flags and values live across blocks stay; a conditional move reads its destination") {
    fn.blocks.resize(3);
    Inst moveIf = opImm(Opcode::Mov, c, kNoReg, 5);
    moveIf.cond = Cond::EQ;
    // B0 sets the flags and falls through; B1 reads them. d is dead: set again in B1 first.
    fn.blocks[0].insts = {opImm(Opcode::MovConst, c, kNoReg, 7), opImm(Opcode::MovConst, d, kNoReg, 9),
                          opImm(Opcode::Cmp, kNoReg, a, 0)};
    fn.blocks[1].insts = {moveIf, opImm(Opcode::MovConst, d, kNoReg, 1), op(Opcode::Add, b, c, d)};
    fn.blocks[2].insts = {op(Opcode::Mov, phys(R0), kNoReg, b), ret()};
    CHECK(afterDeadCode(fn) ==
          ".B0:  ; succs .B1\n"
          "    movconst %2, #7\n"
          "    cmp %0, #0\n"
          ".B1:  ; succs .B2\n"
          "    moveq %2, #5\n"
          "    movconst %3, #1\n"
          "    add %1, %2, %3\n"
          ".B2:\n"
          "    mov r0, %1\n"
          "    return uses {r0,r1}\n");
  }
  SUBCASE("a value carried around a loop stays, one that the loop overwrites before reading goes") {
    fn.blocks.resize(3);
    fn.blocks[0].insts = {opImm(Opcode::MovConst, a, kNoReg, 0), opImm(Opcode::MovConst, b, kNoReg, 3)};
    fn.blocks[1].insts = {opImm(Opcode::MovConst, b, kNoReg, 4), op(Opcode::Add, a, a, b),
                          opImm(Opcode::Cmp, kNoReg, a, 100), branch(1, Cond::LO)};
    fn.blocks[2].insts = {op(Opcode::Mov, phys(R0), kNoReg, a), ret()};
    CHECK(afterDeadCode(fn) ==
          ".B0:  ; succs .B1\n"
          "    movconst %0, #0\n"
          ".B1:  ; succs .B1 .B2\n"
          "    movconst %1, #4\n"
          "    add %0, %0, %1\n"
          "    cmp %0, #100\n"
          "    blo .B1\n"
          ".B2:\n"
          "    mov r0, %0\n"
          "    return uses {r0,r1}\n");
  }
}
