// Golden encodings of the ARM assembler: every instruction form the backend emits,
// built through ArmAssembler and encoded by LLVM's code emitter, against the bytes that
// `llvm-mc -triple=armv7a -mcpu=cortex-a7 -show-encoding` gives for the same text (the
// assembler parser is an independent path through LLVM, so operand-order mistakes in
// our MCInst building show up here).
#include <doctest/doctest.h>

#include "backend-arm32/arm_assembler.h"
#include "encoding.h"

using namespace bpf2arm::arm;
using encoding_test::Encoder;
using encoding_test::hex;

namespace {

struct Golden {
  const char *text;
  std::function<void(Assembler &)> build;
  std::vector<uint8_t> bytes;
};

std::vector<Golden> goldenTable() {
  using D = DataOp;
  return {
      {"add r0, r1, r2", [](Assembler &a) { a.op(D::ADD, R0, R1, R2); }, {0x02, 0x00, 0x81, 0xe0}},
      {"adds r2, r3, r12", [](Assembler &a) { a.op(D::ADD, R2, R3, R12, Flags::Set); }, {0x0c, 0x20, 0x93, 0xe0}},
      {"adc r1, r1, lr", [](Assembler &a) { a.op(D::ADC, R1, R1, LR); }, {0x0e, 0x10, 0xa1, 0xe0}},
      {"sub r0, r1, #4", [](Assembler &a) { a.opImm(D::SUB, R0, R1, 4); }, {0x04, 0x00, 0x41, 0xe2}},
      {"rsb r0, r1, #0", [](Assembler &a) { a.opImm(D::RSB, R0, R1, 0); }, {0x00, 0x00, 0x61, 0xe2}},
      {"rscs r0, r1, #0", [](Assembler &a) { a.opImm(D::RSC, R0, R1, 0, Flags::Set); }, {0x00, 0x00, 0xf1, 0xe2}},
      {"and r0, r1, #255", [](Assembler &a) { a.opImm(D::AND, R0, R1, 255); }, {0xff, 0x00, 0x01, 0xe2}},
      {"bic r0, r1, #0xff00", [](Assembler &a) { a.opImm(D::BIC, R0, R1, 0xff00); }, {0xff, 0x0c, 0xc1, 0xe3}},
      {"orr r1, r1, r0, lsr #3", [](Assembler &a) { a.opShiftImm(D::ORR, R1, R1, R0, Shift::LSR, 3); }, {0xa0, 0x11, 0x81, 0xe1}},
      {"orr r0, r0, r1, lsl r12", [](Assembler &a) { a.opShiftReg(D::ORR, R0, R0, R1, Shift::LSL, R12); }, {0x11, 0x0c, 0x80, 0xe1}},
      {"sub r0, r1, #512", [](Assembler &a) { a.addInSteps(R0, R1, -512); }, {0x02, 0x0c, 0x41, 0xe2}},
      {"mov r0, r1", [](Assembler &a) { a.mov(R0, R1); }, {0x01, 0x00, 0xa0, 0xe1}},
      {"mov r0, #255", [](Assembler &a) { a.loadConstant(R0, 255); }, {0xff, 0x00, 0xa0, 0xe3}},
      {"mvn r0, #0", [](Assembler &a) { a.loadConstant(R0, 0xffffffff); }, {0x00, 0x00, 0xe0, 0xe3}},
      {"mvn r0, r1", [](Assembler &a) { a.mvn(R0, R1); }, {0x01, 0x00, 0xe0, 0xe1}},
      {"movw r1, #0x1234; movt r1, #0x5678", [](Assembler &a) { a.loadConstant(R1, 0x56781234); },
       {0x34, 0x12, 0x01, 0xe3, 0x78, 0x16, 0x45, 0xe3}},
      {"lsl r0, r1, #3", [](Assembler &a) { a.movShiftImm(R0, R1, Shift::LSL, 3); }, {0x81, 0x01, 0xa0, 0xe1}},
      {"lsr r0, r1, #32", [](Assembler &a) { a.movShiftImm(R0, R1, Shift::LSR, 32); }, {0x21, 0x00, 0xa0, 0xe1}},
      {"asr r0, r1, #31", [](Assembler &a) { a.movShiftImm(R0, R1, Shift::ASR, 31); }, {0xc1, 0x0f, 0xa0, 0xe1}},
      {"lsl r0, r1, r2", [](Assembler &a) { a.movShiftReg(R0, R1, Shift::LSL, R2); }, {0x11, 0x02, 0xa0, 0xe1}},
      {"asrge r2, r3, lr", [](Assembler &a) { a.movShiftReg(R2, R3, Shift::ASR, LR, Cond::GE); }, {0x53, 0x2e, 0xa0, 0xa1}},
      {"cmp r0, r1", [](Assembler &a) { a.cmp(R0, R1); }, {0x01, 0x00, 0x50, 0xe1}},
      {"cmp r0, #4", [](Assembler &a) { a.compareImm(CompareOp::CMP, R0, 4); }, {0x04, 0x00, 0x50, 0xe3}},
      {"cmn r0, #4", [](Assembler &a) { a.compareImm(CompareOp::CMN, R0, 4); }, {0x04, 0x00, 0x70, 0xe3}},
      {"cmpeq r1, r2", [](Assembler &a) { a.cmp(R1, R2, Cond::EQ); }, {0x02, 0x00, 0x51, 0x01}},
      {"tst r0, r1", [](Assembler &a) { a.compare(CompareOp::TST, R0, R1); }, {0x01, 0x00, 0x10, 0xe1}},
      {"tst r0, #1", [](Assembler &a) { a.compareImm(CompareOp::TST, R0, 1); }, {0x01, 0x00, 0x10, 0xe3}},
      {"mul r1, r1, r12", [](Assembler &a) { a.mul(R1, R1, R12); }, {0x91, 0x0c, 0x01, 0xe0}},
      {"mla r1, r0, lr, r1", [](Assembler &a) { a.mla(R1, R0, LR, R1); }, {0x90, 0x1e, 0x21, 0xe0}},
      {"mls r0, r1, r2, r3", [](Assembler &a) { a.mls(R0, R1, R2, R3); }, {0x91, 0x32, 0x60, 0xe0}},
      {"umull r0, lr, r0, r12", [](Assembler &a) { a.umull(R0, LR, R0, R12); }, {0x90, 0x0c, 0x8e, 0xe0}},
      {"sdiv r0, r1, r2", [](Assembler &a) { a.sdiv(R0, R1, R2); }, {0x11, 0xf2, 0x10, 0xe7}},
      {"udiv r0, r1, r2", [](Assembler &a) { a.udiv(R0, R1, R2); }, {0x11, 0xf2, 0x30, 0xe7}},
      {"ldr r0, [sp, #24]", [](Assembler &a) { a.load(4, false, R0, SP, 24); }, {0x18, 0x00, 0x9d, 0xe5}},
      {"ldr r0, [r1, #-4]", [](Assembler &a) { a.load(4, false, R0, R1, -4); }, {0x04, 0x00, 0x11, 0xe5}},
      {"ldrb r0, [r1, #4095]", [](Assembler &a) { a.load(1, false, R0, R1, 4095); }, {0xff, 0x0f, 0xd1, 0xe5}},
      {"ldrh r0, [r1, #-4]", [](Assembler &a) { a.load(2, false, R0, R1, -4); }, {0xb4, 0x00, 0x51, 0xe1}},
      {"ldrsb r0, [r1, #255]", [](Assembler &a) { a.load(1, true, R0, R1, 255); }, {0xdf, 0x0f, 0xd1, 0xe1}},
      {"ldrsh r0, [r1, #2]", [](Assembler &a) { a.load(2, true, R0, R1, 2); }, {0xf2, 0x00, 0xd1, 0xe1}},
      {"str r0, [sp, #4]", [](Assembler &a) { a.store(4, R0, SP, 4); }, {0x04, 0x00, 0x8d, 0xe5}},
      {"strb r0, [r1, #-1]", [](Assembler &a) { a.store(1, R0, R1, -1); }, {0x01, 0x00, 0x41, 0xe5}},
      {"strh r0, [r1, #6]", [](Assembler &a) { a.store(2, R0, R1, 6); }, {0xb6, 0x00, 0xc1, 0xe1}},
      {"ldrex r2, [r12]", [](Assembler &a) { a.ldrex(R2, R12); }, {0x9f, 0x2f, 0x9c, 0xe1}},
      {"strex lr, r4, [r12]", [](Assembler &a) { a.strex(LR, R4, R12); }, {0x94, 0xef, 0x8c, 0xe1}},
      {"ldrexd r0, r1, [r12]", [](Assembler &a) { a.ldrexd(R0, R12); }, {0x9f, 0x0f, 0xbc, 0xe1}},
      {"strexd lr, r2, r3, [r12]", [](Assembler &a) { a.strexd(LR, R2, R12); }, {0x92, 0xef, 0xac, 0xe1}},
      {"clrex", [](Assembler &a) { a.clrex(); }, {0x1f, 0xf0, 0x7f, 0xf5}},
      {"dmb ish", [](Assembler &a) { a.dmbIsh(); }, {0x5b, 0xf0, 0x7f, 0xf5}},
      {"rev r0, r1", [](Assembler &a) { a.rev(R0, R1); }, {0x31, 0x0f, 0xbf, 0xe6}},
      {"rev16 r0, r1", [](Assembler &a) { a.rev16(R0, R1); }, {0xb1, 0x0f, 0xbf, 0xe6}},
      {"sxtb r0, r1", [](Assembler &a) { a.sxtb(R0, R1); }, {0x71, 0x00, 0xaf, 0xe6}},
      {"sxth r0, r1", [](Assembler &a) { a.sxth(R0, R1); }, {0x71, 0x00, 0xbf, 0xe6}},
      {"uxtb r0, r1", [](Assembler &a) { a.uxtb(R0, R1); }, {0x71, 0x00, 0xef, 0xe6}},
      {"uxth r0, r1", [](Assembler &a) { a.uxth(R0, R1); }, {0x71, 0x00, 0xff, 0xe6}},
      {"push {r4-r11, lr}", [](Assembler &a) { a.push(0x4ff0); }, {0xf0, 0x4f, 0x2d, 0xe9}},
      {"pop {r4, pc}", [](Assembler &a) { a.pop((1u << R4) | (1u << PC)); }, {0x10, 0x80, 0xbd, 0xe8}},
      {"bx lr", [](Assembler &a) { a.bxLr(); }, {0x1e, 0xff, 0x2f, 0xe1}},
      // The forms the MIR emitter adds: register offsets, bit fields, every compare in every
      // operand form, long multiplies, conditional execution.
      {"ldr r0, [r1, r2, lsl #2]", [](Assembler &a) { a.loadIndexed(4, false, R0, R1, R2, 2); }, {0x02, 0x01, 0x91, 0xe7}},
      {"ldr r0, [r1, r2]", [](Assembler &a) { a.loadIndexed(4, false, R0, R1, R2, 0); }, {0x02, 0x00, 0x91, 0xe7}},
      {"ldrb r0, [r1, r2]", [](Assembler &a) { a.loadIndexed(1, false, R0, R1, R2, 0); }, {0x02, 0x00, 0xd1, 0xe7}},
      {"ldrh r0, [r1, r2]", [](Assembler &a) { a.loadIndexed(2, false, R0, R1, R2, 0); }, {0xb2, 0x00, 0x91, 0xe1}},
      {"ldrsb r0, [r1, r2]", [](Assembler &a) { a.loadIndexed(1, true, R0, R1, R2, 0); }, {0xd2, 0x00, 0x91, 0xe1}},
      {"ldrsh r0, [r1, r2]", [](Assembler &a) { a.loadIndexed(2, true, R0, R1, R2, 0); }, {0xf2, 0x00, 0x91, 0xe1}},
      {"str r0, [r1, r2, lsl #3]", [](Assembler &a) { a.storeIndexed(4, R0, R1, R2, 3); }, {0x82, 0x01, 0x81, 0xe7}},
      {"strb r0, [r1, r2]", [](Assembler &a) { a.storeIndexed(1, R0, R1, R2, 0); }, {0x02, 0x00, 0xc1, 0xe7}},
      {"strh r0, [r1, r2]", [](Assembler &a) { a.storeIndexed(2, R0, R1, R2, 0); }, {0xb2, 0x00, 0x81, 0xe1}},
      {"ubfx r0, r1, #4, #8", [](Assembler &a) { a.ubfx(R0, R1, 4, 8); }, {0x51, 0x02, 0xe7, 0xe7}},
      {"sbfx r0, r1, #0, #16", [](Assembler &a) { a.sbfx(R0, R1, 0, 16); }, {0x51, 0x00, 0xaf, 0xe7}},
      {"bfi r0, r1, #8, #16", [](Assembler &a) { a.bfi(R0, R1, 8, 16); }, {0x11, 0x04, 0xd7, 0xe7}},
      {"teq r0, r1", [](Assembler &a) { a.compare(CompareOp::TEQ, R0, R1); }, {0x01, 0x00, 0x30, 0xe1}},
      {"teq r0, #1", [](Assembler &a) { a.compareImm(CompareOp::TEQ, R0, 1); }, {0x01, 0x00, 0x30, 0xe3}},
      {"teq r0, r1, lsl #2", [](Assembler &a) { a.compareShiftImm(CompareOp::TEQ, R0, R1, Shift::LSL, 2); }, {0x01, 0x01, 0x30, 0xe1}},
      {"teq r0, r1, lsr r2", [](Assembler &a) { a.compareShiftReg(CompareOp::TEQ, R0, R1, Shift::LSR, R2); }, {0x31, 0x02, 0x30, 0xe1}},
      {"cmn r0, r1", [](Assembler &a) { a.compare(CompareOp::CMN, R0, R1); }, {0x01, 0x00, 0x70, 0xe1}},
      {"cmp r0, r1, asr #3", [](Assembler &a) { a.compareShiftImm(CompareOp::CMP, R0, R1, Shift::ASR, 3); }, {0xc1, 0x01, 0x50, 0xe1}},
      {"cmp r0, r1, lsl r2", [](Assembler &a) { a.compareShiftReg(CompareOp::CMP, R0, R1, Shift::LSL, R2); }, {0x11, 0x02, 0x50, 0xe1}},
      {"tst r0, r1, lsr #31", [](Assembler &a) { a.compareShiftImm(CompareOp::TST, R0, R1, Shift::LSR, 31); }, {0xa1, 0x0f, 0x10, 0xe1}},
      {"tst r0, r1, ror r3", [](Assembler &a) { a.compareShiftReg(CompareOp::TST, R0, R1, Shift::ROR, R3); }, {0x71, 0x03, 0x10, 0xe1}},
      {"cmn r0, r1, lsl #1", [](Assembler &a) { a.compareShiftImm(CompareOp::CMN, R0, R1, Shift::LSL, 1); }, {0x81, 0x00, 0x70, 0xe1}},
      {"cmn r0, r1, lsl r2", [](Assembler &a) { a.compareShiftReg(CompareOp::CMN, R0, R1, Shift::LSL, R2); }, {0x11, 0x02, 0x70, 0xe1}},
      {"smull r0, r1, r2, r3", [](Assembler &a) { a.smull(R0, R1, R2, R3); }, {0x92, 0x03, 0xc1, 0xe0}},
      {"umlal r0, r1, r2, r3", [](Assembler &a) { a.umlal(R0, R1, R2, R3); }, {0x92, 0x03, 0xa1, 0xe0}},
      {"smlal r0, r1, r2, r3", [](Assembler &a) { a.smlal(R0, R1, R2, R3); }, {0x92, 0x03, 0xe1, 0xe0}},
      {"ldr r0, [r1], #4", [](Assembler &a) { a.loadWriteback(true, 4, false, R0, R1, 4); }, {0x04, 0x00, 0x91, 0xe4}},
      {"ldr r0, [r1, #-8]!", [](Assembler &a) { a.loadWriteback(false, 4, false, R0, R1, -8); }, {0x08, 0x00, 0x31, 0xe5}},
      {"ldrb r0, [r1], #-1", [](Assembler &a) { a.loadWriteback(true, 1, false, R0, R1, -1); }, {0x01, 0x00, 0x51, 0xe4}},
      {"ldrb r0, [r1, #1]!", [](Assembler &a) { a.loadWriteback(false, 1, false, R0, R1, 1); }, {0x01, 0x00, 0xf1, 0xe5}},
      {"str r0, [r1], #4", [](Assembler &a) { a.storeWriteback(true, 4, R0, R1, 4); }, {0x04, 0x00, 0x81, 0xe4}},
      {"str r0, [r1, #4]!", [](Assembler &a) { a.storeWriteback(false, 4, R0, R1, 4); }, {0x04, 0x00, 0xa1, 0xe5}},
      {"strb r0, [r1], #1", [](Assembler &a) { a.storeWriteback(true, 1, R0, R1, 1); }, {0x01, 0x00, 0xc1, 0xe4}},
      {"strb r0, [r1, #-1]!", [](Assembler &a) { a.storeWriteback(false, 1, R0, R1, -1); }, {0x01, 0x00, 0x61, 0xe5}},
      {"ldrh r0, [r1], #2", [](Assembler &a) { a.loadWriteback(true, 2, false, R0, R1, 2); }, {0xb2, 0x00, 0xd1, 0xe0}},
      {"ldrh r0, [r1, #-2]!", [](Assembler &a) { a.loadWriteback(false, 2, false, R0, R1, -2); }, {0xb2, 0x00, 0x71, 0xe1}},
      {"ldrsh r0, [r1], #-2", [](Assembler &a) { a.loadWriteback(true, 2, true, R0, R1, -2); }, {0xf2, 0x00, 0x51, 0xe0}},
      {"ldrsh r0, [r1, #2]!", [](Assembler &a) { a.loadWriteback(false, 2, true, R0, R1, 2); }, {0xf2, 0x00, 0xf1, 0xe1}},
      {"ldrsb r0, [r1], #1", [](Assembler &a) { a.loadWriteback(true, 1, true, R0, R1, 1); }, {0xd1, 0x00, 0xd1, 0xe0}},
      {"ldrsb r0, [r1, #1]!", [](Assembler &a) { a.loadWriteback(false, 1, true, R0, R1, 1); }, {0xd1, 0x00, 0xf1, 0xe1}},
      {"strh r0, [r1], #2", [](Assembler &a) { a.storeWriteback(true, 2, R0, R1, 2); }, {0xb2, 0x00, 0xc1, 0xe0}},
      {"strhne r0, [r1, #-2]!", [](Assembler &a) { a.storeWriteback(false, 2, R0, R1, -2, Cond::NE); }, {0xb2, 0x00, 0x61, 0x11}},
      {"clz r0, r1", [](Assembler &a) { a.clz(R0, R1); }, {0x11, 0x0f, 0x6f, 0xe1}},
      {"mvn r0, r1, lsl #4", [](Assembler &a) { a.mvnShiftImm(R0, R1, Shift::LSL, 4); }, {0x01, 0x02, 0xe0, 0xe1}},
      {"mvn r0, r1, asr r2", [](Assembler &a) { a.mvnShiftReg(R0, R1, Shift::ASR, R2); }, {0x51, 0x02, 0xe0, 0xe1}},
      {"mvnne r0, #0", [](Assembler &a) { a.mvnImm(R0, 0, Cond::NE); }, {0x00, 0x00, 0xe0, 0x13}},
      {"moveq r0, r1", [](Assembler &a) { a.mov(R0, R1, Cond::EQ); }, {0x01, 0x00, 0xa0, 0x01}},
      {"lsrs r0, r1, #1", [](Assembler &a) { a.movShiftImm(R0, R1, Shift::LSR, 1, Cond::AL, Flags::Set); }, {0xa1, 0x00, 0xb0, 0xe1}},
      {"addne r0, r1, r2, lsl #2", [](Assembler &a) { a.opShiftImm(D::ADD, R0, R1, R2, Shift::LSL, 2, Flags::Keep, Cond::NE); }, {0x02, 0x01, 0x81, 0x10}},
      {"subseq r0, r1, r2, lsr r3", [](Assembler &a) { a.opShiftReg(D::SUB, R0, R1, R2, Shift::LSR, R3, Flags::Set, Cond::EQ); }, {0x32, 0x03, 0x51, 0x00}},
      {"ldrne r0, [r1, #4]", [](Assembler &a) { a.load(4, false, R0, R1, 4, Cond::NE); }, {0x04, 0x00, 0x91, 0x15}},
      {"strhhi r0, [r1, #2]", [](Assembler &a) { a.store(2, R0, R1, 2, Cond::HI); }, {0xb2, 0x00, 0xc1, 0x81}},
      {"mulgt r0, r1, r2", [](Assembler &a) { a.mul(R0, R1, R2, Cond::GT); }, {0x91, 0x02, 0x00, 0xc0}},
      {"revlt r0, r1", [](Assembler &a) { a.rev(R0, R1, Cond::LT); }, {0x31, 0x0f, 0xbf, 0xb6}},
      {"blxne r12", [](Assembler &a) { a.blx(R12, Cond::NE); }, {0x3c, 0xff, 0x2f, 0x11}},
      {"popne {r4, pc}", [](Assembler &a) { a.pop((1u << R4) | (1u << PC), Cond::NE); }, {0x10, 0x80, 0xbd, 0x18}},
      {"bxne lr", [](Assembler &a) { a.bxLr(Cond::NE); }, {0x1e, 0xff, 0x2f, 0x11}},
      {"addne sp, sp, #8", [](Assembler &a) { a.addInSteps(SP, SP, 8, Cond::NE); }, {0x08, 0xd0, 0x8d, 0x12}},
      {"add r0, sp, #0x104; add r0, r0, #0x10000", [](Assembler &a) { a.addInSteps(R0, SP, 0x10104); },
       {0x41, 0x0f, 0x8d, 0xe2, 0x01, 0x08, 0x80, 0xe2}},
  };
}

}  // namespace

TEST_CASE("every instruction form encodes as llvm-mc encodes its text") {
  Encoder enc("cortex-a7");
  for (const Golden &g : goldenTable()) {
    CAPTURE(g.text);
    CHECK(hex(enc.encode(g.build)) == hex(g.bytes));
  }
}

// The in-process assembly the T32 table (test_encoding_thumb.cpp) relies on gives what
// llvm-mc gives.
TEST_CASE("the in-process assembler agrees with llvm-mc on every A32 row") {
  Encoder enc("cortex-a7");
  for (const Golden &g : goldenTable()) {
    CAPTURE(g.text);
    CHECK(hex(enc.assemble(g.text)) == hex(g.bytes));
  }
}

TEST_CASE("modified immediates: encodable values and their 12-bit form") {
  CHECK(encodeModifiedImmediate(0) == 0u);
  CHECK(encodeModifiedImmediate(255) == 255u);
  CHECK(encodeModifiedImmediate(512) == 0xc02u);
  CHECK(encodeModifiedImmediate(0xff000000u) == 0x4ffu);
  CHECK(encodeModifiedImmediate(0xf000000fu) == 0x2ffu);  // wraps around bit 0
  CHECK_FALSE(encodeModifiedImmediate(257).has_value());
  CHECK_FALSE(encodeModifiedImmediate(0x00ff00ffu).has_value());
}

TEST_CASE("constants on ARMv6 are built without MOVW/MOVT") {
  Encoder enc("arm1176jzf-s");
  // mov r0, #0x34 ; orr r0, r0, #0x1200 ; orr r0, r0, #0x780000 ; orr r0, r0, #0x56000000 (bytes from llvm-mc)
  std::vector<uint8_t> bytes = enc.encode([](Assembler &a) { a.loadConstant(R0, 0x56781234); });
  CHECK(bytes.size() == 16);
  std::vector<uint8_t> twoChunks = enc.encode([](Assembler &a) { a.loadConstant(R0, 0x10001); });
  CHECK(twoChunks.size() == 8);
}

TEST_CASE("frame offsets beyond one immediate take two instructions and no scratch") {
  Encoder enc("cortex-a7");
  // 0x1234 has no single modified immediate: add r2, sp, #0x234 ; add r2, r2, #0x1000
  CHECK(enc.encode([](Assembler &a) { a.addInSteps(R2, SP, 0x1234); }).size() == 8);
}

TEST_CASE("a shift by 0 is a plain move, never the encoding that means 32") {
  Encoder enc("cortex-a7");
  auto plainMove = enc.encode([](Assembler &a) { a.mov(R0, R1); });
  CHECK(hex(enc.encode([](Assembler &a) { a.movShiftImm(R0, R1, Shift::LSR, 0); })) == hex(plainMove));
  CHECK(hex(enc.encode([](Assembler &a) { a.movShiftImm(R0, R1, Shift::ASR, 0); })) == hex(plainMove));
}
