// Golden encodings of the T32 (Thumb-2) assembler: every operation the MIR emitter asks
// for, built through ThumbAssembler and encoded by LLVM's code emitter, against the bytes
// LLVM's assembly parser gives for the text in the row (assembled in-process for
// thumbv7a, encoding.h). `.w` pins the 32-bit form where a 16-bit one exists; a
// conditional instruction comes after its own `it`. The expansions of what Thumb-2
// lacks (rsc, register-shifted operands, immediates without a modified-immediate form,
// single-register push/pop) are rows too.
#include <doctest/doctest.h>

#include <llvm/BinaryFormat/ELF.h>

#include "backend-arm32/thumb_assembler.h"
#include "encoding.h"

using namespace bpf2arm::arm;
using encoding_test::Encoder;
using encoding_test::hex;

namespace {

struct ThumbGolden {
  const char *text;
  std::function<void(Assembler &)> build;
};

std::vector<ThumbGolden> thumbGoldenTable() {
  using D = DataOp;
  return {
      {"add.w r0, r1, r2", [](Assembler &a) { a.op(D::ADD, R0, R1, R2); }},
      {"adds.w r2, r3, r12", [](Assembler &a) { a.op(D::ADD, R2, R3, R12, Flags::Set); }},
      {"adc.w r1, r1, lr", [](Assembler &a) { a.op(D::ADC, R1, R1, LR); }},
      {"sbcs.w r1, r2, r3", [](Assembler &a) { a.op(D::SBC, R1, R2, R3, Flags::Set); }},
      {"rsb r0, r1, r2", [](Assembler &a) { a.op(D::RSB, R0, R1, R2); }},
      {"eor.w r0, r1, r2", [](Assembler &a) { a.op(D::EOR, R0, R1, R2); }},
      {"bic.w r0, r1, r2", [](Assembler &a) { a.op(D::BIC, R0, R1, R2); }},
      {"sub.w r0, r1, #4", [](Assembler &a) { a.opImm(D::SUB, R0, R1, 4); }},
      {"rsb.w r0, r1, #0", [](Assembler &a) { a.opImm(D::RSB, R0, R1, 0); }},
      {"and r0, r1, #255", [](Assembler &a) { a.opImm(D::AND, R0, R1, 255); }},
      {"bic r0, r1, #0xff00", [](Assembler &a) { a.opImm(D::BIC, R0, R1, 0xff00); }},
      {"and r0, r1, #0xff00ff00", [](Assembler &a) { a.opImm(D::AND, R0, R1, 0xff00ff00); }},
      {"orr r0, r1, #0x01010101", [](Assembler &a) { a.opImm(D::ORR, R0, R1, 0x01010101); }},
      {"eor r0, r1, #0x3fc", [](Assembler &a) { a.opImm(D::EOR, R0, R1, 0x3fc); }},
      {"orr.w r1, r1, r0, lsr #3", [](Assembler &a) { a.opShiftImm(D::ORR, R1, R1, R0, Shift::LSR, 3); }},
      {"sub.w r0, r1, r2, asr #32", [](Assembler &a) { a.opShiftImm(D::SUB, R0, R1, R2, Shift::ASR, 32); }},
      // Immediates Thumb-2 cannot encode: addw/subw, the complementary operation, or built in d.
      {"addw r0, r1, #0xabc", [](Assembler &a) { a.opImm(D::ADD, R0, R1, 0xabc); }},
      {"subw r0, r0, #0xabc", [](Assembler &a) { a.opImm(D::ADD, R0, R0, uint32_t(-0xabc)); }},
      {"bic r0, r0, #0xff00", [](Assembler &a) { a.opImm(D::AND, R0, R0, 0xffff00ff); }},
      {"sbc r0, r0, #0x100", [](Assembler &a) { a.opImm(D::ADC, R0, R0, 0xfffffeff); }},
      {"movw r0, #0x1234; orr.w r0, r1, r0", [](Assembler &a) { a.opImm(D::ORR, R0, R1, 0x1234); }},
      {"movw r0, #0x1234; subs.w r0, r0, r1", [](Assembler &a) { a.opImm(D::RSB, R0, R1, 0x1234, Flags::Set); }},
      // rsc: sbc with the operands swapped, or adc of the complement.
      {"sbc.w r0, r2, r1", [](Assembler &a) { a.op(D::RSC, R0, R1, R2); }},
      {"mvn.w r0, r1; adcs r0, r0, #0", [](Assembler &a) { a.opImm(D::RSC, R0, R1, 0, Flags::Set); }},
      {"mvn.w r1, r1; adc r1, r1, #0", [](Assembler &a) { a.opImm(D::RSC, R1, R1, 0); }},
      {"mvn.w r0, r1; adc.w r0, r0, r2, lsr #1", [](Assembler &a) { a.opShiftImm(D::RSC, R0, R1, R2, Shift::LSR, 1); }},
      {"lsl.w r0, r0, #2; sbc.w r0, r0, r1", [](Assembler &a) { a.opShiftImm(D::RSC, R0, R1, R0, Shift::LSL, 2); }},
      // Register-shifted operands: the shift into d first.
      {"lsl.w r0, r2, r12; orr.w r0, r1, r0", [](Assembler &a) { a.opShiftReg(D::ORR, R0, R1, R2, Shift::LSL, R12); }},
      {"it eq; lsreq.w r0, r2, r3; it eq; subseq.w r0, r1, r0",
       [](Assembler &a) { a.opShiftReg(D::SUB, R0, R1, R2, Shift::LSR, R3, Flags::Set, Cond::EQ); }},
      {"asr.w r0, r1, r2; mvn.w r0, r0", [](Assembler &a) { a.mvnShiftReg(R0, R1, Shift::ASR, R2); }},
      // Additions in steps (frames): add.w, addw, top bits first.
      {"sub.w r0, r1, #512", [](Assembler &a) { a.addInSteps(R0, R1, -512); }},
      {"addw r0, sp, #0x123", [](Assembler &a) { a.addInSteps(R0, SP, 0x123); }},
      {"add.w r0, sp, #0x10000; add.w r0, r0, #0x104", [](Assembler &a) { a.addInSteps(R0, SP, 0x10104); }},
      {"sub.w sp, sp, #0x12200; subw sp, sp, #0x145", [](Assembler &a) { a.addInSteps(SP, SP, -0x12345); }},
      {"it ne; addne.w sp, sp, #8", [](Assembler &a) { a.addInSteps(SP, SP, 8, Cond::NE); }},
      // Moves and constants.
      {"mov r0, r1", [](Assembler &a) { a.mov(R0, R1); }},
      {"mov r8, sp", [](Assembler &a) { a.mov(R8, SP); }},
      {"movs.w r0, r1", [](Assembler &a) { a.mov(R0, R1, Cond::AL, Flags::Set); }},
      {"mov.w r0, #255", [](Assembler &a) { a.loadConstant(R0, 255); }},
      {"mov.w r0, #0xffffffff", [](Assembler &a) { a.loadConstant(R0, 0xffffffff); }},
      {"mvn r0, #0x1fe", [](Assembler &a) { a.loadConstant(R0, ~0x1feu); }},
      {"movw r1, #0x1234; movt r1, #0x5678", [](Assembler &a) { a.loadConstant(R1, 0x56781234); }},
      {"movw r1, #0x1234", [](Assembler &a) { a.loadConstant(R1, 0x1234); }},
      {"movw r1, #0xf00f", [](Assembler &a) { a.movImm(R1, 0xf00f); }},
      {"mvn.w r0, r1", [](Assembler &a) { a.mvn(R0, R1); }},
      {"mvn.w r0, r1, lsl #4", [](Assembler &a) { a.mvnShiftImm(R0, R1, Shift::LSL, 4); }},
      {"lsl.w r0, r1, #3", [](Assembler &a) { a.movShiftImm(R0, R1, Shift::LSL, 3); }},
      {"lsr.w r0, r1, #32", [](Assembler &a) { a.movShiftImm(R0, R1, Shift::LSR, 32); }},
      {"asr.w r0, r1, #31", [](Assembler &a) { a.movShiftImm(R0, R1, Shift::ASR, 31); }},
      {"ror.w r0, r1, #7", [](Assembler &a) { a.movShiftImm(R0, R1, Shift::ROR, 7); }},
      {"lsrs.w r0, r1, #1", [](Assembler &a) { a.movShiftImm(R0, R1, Shift::LSR, 1, Cond::AL, Flags::Set); }},
      {"lsl.w r0, r1, r2", [](Assembler &a) { a.movShiftReg(R0, R1, Shift::LSL, R2); }},
      {"it ge; asrge.w r2, r3, lr", [](Assembler &a) { a.movShiftReg(R2, R3, Shift::ASR, LR, Cond::GE); }},
      {"it eq; moveq r0, r1", [](Assembler &a) { a.mov(R0, R1, Cond::EQ); }},
      {"it ne; mvnne r0, #0", [](Assembler &a) { a.mvnImm(R0, 0, Cond::NE); }},
      // Compares.
      {"cmp.w r0, r1", [](Assembler &a) { a.cmp(R0, R1); }},
      {"cmp.w r0, #4", [](Assembler &a) { a.compareImm(CompareOp::CMP, R0, 4); }},
      {"cmn.w r0, #4", [](Assembler &a) { a.compareImm(CompareOp::CMN, R0, 4); }},
      {"cmn.w r0, #0x102", [](Assembler &a) { a.compareImm(CompareOp::CMP, R0, uint32_t(-0x102)); }},
      {"it eq; cmpeq.w r1, r2", [](Assembler &a) { a.cmp(R1, R2, Cond::EQ); }},
      {"tst.w r0, r1", [](Assembler &a) { a.compare(CompareOp::TST, R0, R1); }},
      {"tst.w r0, #1", [](Assembler &a) { a.compareImm(CompareOp::TST, R0, 1); }},
      {"teq.w r0, r1", [](Assembler &a) { a.compare(CompareOp::TEQ, R0, R1); }},
      {"teq.w r0, #1", [](Assembler &a) { a.compareImm(CompareOp::TEQ, R0, 1); }},
      {"teq.w r0, r1, lsl #2", [](Assembler &a) { a.compareShiftImm(CompareOp::TEQ, R0, R1, Shift::LSL, 2); }},
      {"cmn.w r0, r1", [](Assembler &a) { a.compare(CompareOp::CMN, R0, R1); }},
      {"cmp.w r0, r1, asr #3", [](Assembler &a) { a.compareShiftImm(CompareOp::CMP, R0, R1, Shift::ASR, 3); }},
      {"tst.w r0, r1, lsr #31", [](Assembler &a) { a.compareShiftImm(CompareOp::TST, R0, R1, Shift::LSR, 31); }},
      {"cmn.w r0, r1, lsl #1", [](Assembler &a) { a.compareShiftImm(CompareOp::CMN, R0, R1, Shift::LSL, 1); }},
      // Multiplies and divides.
      {"mul r1, r1, r12", [](Assembler &a) { a.mul(R1, R1, R12); }},
      {"mla r1, r0, lr, r1", [](Assembler &a) { a.mla(R1, R0, LR, R1); }},
      {"mls r0, r1, r2, r3", [](Assembler &a) { a.mls(R0, R1, R2, R3); }},
      {"umull r0, lr, r0, r12", [](Assembler &a) { a.umull(R0, LR, R0, R12); }},
      {"smull r0, r1, r2, r3", [](Assembler &a) { a.smull(R0, R1, R2, R3); }},
      {"umlal r0, r1, r2, r3", [](Assembler &a) { a.umlal(R0, R1, R2, R3); }},
      {"smlal r0, r1, r2, r3", [](Assembler &a) { a.smlal(R0, R1, R2, R3); }},
      {"sdiv r0, r1, r2", [](Assembler &a) { a.sdiv(R0, R1, R2); }},
      {"udiv r0, r1, r2", [](Assembler &a) { a.udiv(R0, R1, R2); }},
      {"it gt; mulgt r0, r1, r2", [](Assembler &a) { a.mul(R0, R1, R2, Cond::GT); }},
      // Loads and stores.
      {"ldr.w r0, [sp, #24]", [](Assembler &a) { a.load(4, false, R0, SP, 24); }},
      {"ldr r0, [r1, #-4]", [](Assembler &a) { a.load(4, false, R0, R1, -4); }},
      {"ldrb.w r0, [r1, #4095]", [](Assembler &a) { a.load(1, false, R0, R1, 4095); }},
      {"ldrh r0, [r1, #-4]", [](Assembler &a) { a.load(2, false, R0, R1, -4); }},
      {"ldrh.w r0, [r1, #4094]", [](Assembler &a) { a.load(2, false, R0, R1, 4094); }},
      {"ldrsb.w r0, [r1, #255]", [](Assembler &a) { a.load(1, true, R0, R1, 255); }},
      {"ldrsb r0, [r1, #-255]", [](Assembler &a) { a.load(1, true, R0, R1, -255); }},
      {"ldrsh.w r0, [r1, #2]", [](Assembler &a) { a.load(2, true, R0, R1, 2); }},
      {"str.w r0, [sp, #4]", [](Assembler &a) { a.store(4, R0, SP, 4); }},
      {"strb r0, [r1, #-1]", [](Assembler &a) { a.store(1, R0, R1, -1); }},
      {"strh.w r0, [r1, #6]", [](Assembler &a) { a.store(2, R0, R1, 6); }},
      {"it ne; ldrne.w r0, [r1, #4]", [](Assembler &a) { a.load(4, false, R0, R1, 4, Cond::NE); }},
      {"it hi; strhhi.w r0, [r1, #2]", [](Assembler &a) { a.store(2, R0, R1, 2, Cond::HI); }},
      {"ldr.w r0, [r1, r2, lsl #2]", [](Assembler &a) { a.loadIndexed(4, false, R0, R1, R2, 2); }},
      {"ldr.w r0, [r1, r2]", [](Assembler &a) { a.loadIndexed(4, false, R0, R1, R2, 0); }},
      {"ldrb.w r0, [r1, r2]", [](Assembler &a) { a.loadIndexed(1, false, R0, R1, R2, 0); }},
      {"ldrh.w r0, [r1, r2, lsl #1]", [](Assembler &a) { a.loadIndexed(2, false, R0, R1, R2, 1); }},
      {"ldrsb.w r0, [r1, r2]", [](Assembler &a) { a.loadIndexed(1, true, R0, R1, R2, 0); }},
      {"ldrsh.w r0, [r1, r2, lsl #1]", [](Assembler &a) { a.loadIndexed(2, true, R0, R1, R2, 1); }},
      {"str.w r0, [r1, r2, lsl #3]", [](Assembler &a) { a.storeIndexed(4, R0, R1, R2, 3); }},
      {"strb.w r0, [r1, r2]", [](Assembler &a) { a.storeIndexed(1, R0, R1, R2, 0); }},
      {"strh.w r0, [r1, r2]", [](Assembler &a) { a.storeIndexed(2, R0, R1, R2, 0); }},
      {"ldr r0, [r1], #4", [](Assembler &a) { a.loadWriteback(true, 4, false, R0, R1, 4); }},
      {"ldr r0, [r1, #-8]!", [](Assembler &a) { a.loadWriteback(false, 4, false, R0, R1, -8); }},
      {"ldrb r0, [r1], #-1", [](Assembler &a) { a.loadWriteback(true, 1, false, R0, R1, -1); }},
      {"ldrb r0, [r1, #1]!", [](Assembler &a) { a.loadWriteback(false, 1, false, R0, R1, 1); }},
      {"ldrh r0, [r1], #2", [](Assembler &a) { a.loadWriteback(true, 2, false, R0, R1, 2); }},
      {"ldrsh r0, [r1, #2]!", [](Assembler &a) { a.loadWriteback(false, 2, true, R0, R1, 2); }},
      {"ldrsb r0, [r1], #1", [](Assembler &a) { a.loadWriteback(true, 1, true, R0, R1, 1); }},
      {"str r0, [r1], #4", [](Assembler &a) { a.storeWriteback(true, 4, R0, R1, 4); }},
      {"str r0, [r1, #4]!", [](Assembler &a) { a.storeWriteback(false, 4, R0, R1, 4); }},
      {"strb r0, [r1], #1", [](Assembler &a) { a.storeWriteback(true, 1, R0, R1, 1); }},
      {"it ne; strhne r0, [r1, #-2]!", [](Assembler &a) { a.storeWriteback(false, 2, R0, R1, -2, Cond::NE); }},
      // Exclusive accesses and barriers.
      {"ldrex r2, [r12]", [](Assembler &a) { a.ldrex(R2, R12); }},
      {"strex lr, r4, [r12]", [](Assembler &a) { a.strex(LR, R4, R12); }},
      {"ldrexd r0, r1, [r12]", [](Assembler &a) { a.ldrexd(R0, R12); }},
      {"strexd lr, r2, r3, [r12]", [](Assembler &a) { a.strexd(LR, R2, R12); }},
      {"clrex", [](Assembler &a) { a.clrex(); }},
      {"dmb ish", [](Assembler &a) { a.dmbIsh(); }},
      // Bytes and bits.
      {"rev.w r0, r1", [](Assembler &a) { a.rev(R0, R1); }},
      {"rev16.w r0, r1", [](Assembler &a) { a.rev16(R0, R1); }},
      {"it lt; revlt.w r0, r1", [](Assembler &a) { a.rev(R0, R1, Cond::LT); }},
      {"sxtb.w r0, r1", [](Assembler &a) { a.sxtb(R0, R1); }},
      {"sxth.w r0, r1", [](Assembler &a) { a.sxth(R0, R1); }},
      {"uxtb.w r0, r1", [](Assembler &a) { a.uxtb(R0, R1); }},
      {"uxth.w r0, r1", [](Assembler &a) { a.uxth(R0, R1); }},
      {"clz r0, r1", [](Assembler &a) { a.clz(R0, R1); }},
      {"rbit r0, r1", [](Assembler &a) { a.rbit(R0, R1); }},
      {"ubfx r0, r1, #4, #8", [](Assembler &a) { a.ubfx(R0, R1, 4, 8); }},
      {"sbfx r0, r1, #0, #16", [](Assembler &a) { a.sbfx(R0, R1, 0, 16); }},
      {"bfi r0, r1, #8, #16", [](Assembler &a) { a.bfi(R0, R1, 8, 16); }},
      // Frames and returns.
      {"push {r4, r5, r7, lr}", [](Assembler &a) { a.push(0x40b0); }},
      {"push.w {r4-r11, lr}", [](Assembler &a) { a.push(0x4ff0); }},
      {"str r8, [sp, #-4]!", [](Assembler &a) { a.push(1u << R8); }},
      {"pop {r4, pc}", [](Assembler &a) { a.pop((1u << R4) | (1u << PC)); }},
      {"pop.w {r4-r11, pc}", [](Assembler &a) { a.pop(0x8ff0); }},
      {"ldr r8, [sp], #4", [](Assembler &a) { a.pop(1u << R8); }},
      {"it ne; popne {r4, pc}", [](Assembler &a) { a.pop((1u << R4) | (1u << PC), Cond::NE); }},
      {"bx lr", [](Assembler &a) { a.bxLr(); }},
      {"it ne; bxne lr", [](Assembler &a) { a.bxLr(Cond::NE); }},
      {"blx r12", [](Assembler &a) { a.blx(R12); }},
      {"it ne; blxne r12", [](Assembler &a) { a.blx(R12, Cond::NE); }},
      {"it hs; addhs.w r0, r1, r2, lsl #2",
       [](Assembler &a) { a.opShiftImm(D::ADD, R0, R1, R2, Shift::LSL, 2, Flags::Keep, Cond::HS); }},
  };
}

}  // namespace

TEST_CASE("every T32 operation encodes as LLVM's assembler encodes its text") {
  Encoder enc("cortex-a7", /*thumb=*/true);
  for (const ThumbGolden &g : thumbGoldenTable()) {
    CAPTURE(g.text);
    std::vector<uint8_t> expected = enc.assemble(g.text);
    REQUIRE(!expected.empty());
    CHECK(hex(enc.encode(g.build)) == hex(expected));
  }
}

TEST_CASE("Thumb-2 modified immediates") {
  for (uint32_t v : {0u, 0xffu, 0x00ab00abu, 0xab00ab00u, 0xababababu, 0x80000000u, 0xff000000u, 0x1fe0u, 0x3fcu})
    CHECK(isThumbModifiedImmediate(v));
  // A32 rotates by even amounts and wraps around bit 0; Thumb-2 neither wraps nor misses odd shifts.
  for (uint32_t v : {0x101u, 0xf000000fu, 0x1234u, 0x00ff00feu, 0x1ffu})
    CHECK_FALSE(isThumbModifiedImmediate(v));
}

// The relocations come from MC's Thumb fixups (bl, b.w) and from the .reloc names the
// assembler gives movw/movt; the code gets a $t mapping symbol and a function label in it
// the Thumb bit. The same for A32, with ARM relocations and $a, as a contrast (a
// conditional bl is R_ARM_JUMP24 there: the linker cannot make a conditional blx).
TEST_CASE("T32 calls, branches and addresses get Thumb relocations; functions the Thumb bit") {
  for (bool thumb : {true, false}) {
    CAPTURE(thumb);
    Encoder enc("cortex-a7", thumb);
    std::string object = enc.object([](Assembler &a, llvm::MCContext &ctx, llvm::MCStreamer &streamer) {
      llvm::MCSymbol *fn = ctx.getOrCreateSymbol("fn"), *callee = ctx.getOrCreateSymbol("callee");
      streamer.emitSymbolAttribute(fn, llvm::MCSA_Global);  // as emit_object.cpp's beginFunction
      streamer.emitSymbolAttribute(fn, llvm::MCSA_ELF_TypeFunction);
      streamer.emitLabel(fn);
      a.bl(callee);
      a.bl(callee, Cond::NE);
      a.b(callee);
      a.loadAddress(R0, ctx.getOrCreateSymbol("data"), 8);
      llvm::MCSymbol *local = a.newLabel();
      a.b(local, Cond::EQ);  // resolved in the section: no relocation
      a.bind(local);
      a.bxLr();
    });
    using namespace llvm::ELF;
    std::vector<unsigned> expected = thumb ? std::vector<unsigned>{R_ARM_THM_CALL, R_ARM_THM_CALL, R_ARM_THM_JUMP24,
                                                                   R_ARM_THM_MOVW_ABS_NC, R_ARM_THM_MOVT_ABS}
                                           : std::vector<unsigned>{R_ARM_CALL, R_ARM_JUMP24, R_ARM_JUMP24,
                                                                   R_ARM_MOVW_ABS_NC, R_ARM_MOVT_ABS};
    CHECK(encoding_test::relocationTypes(object, ".text") == expected);
    std::map<std::string, uint64_t> symbols = encoding_test::symbolValues(object);
    CHECK(symbols.count(thumb ? "$t" : "$a") == 1);
    CHECK(symbols.count(thumb ? "$a" : "$t") == 0);
    CHECK(symbols.at("fn") == (thumb ? 1u : 0u));
  }
}

// Position-independent addresses (-fPIE/-fPIC): PC-relative movw/movt pairs, REL32 literals
// where there is no movw (ARMv6), GOT_PREL literals for the GOT; the position-dependent
// forms of the test above when the model is Static.
TEST_CASE("Position-independent addresses: MOVW/MOVT_PREL, REL32 and GOT_PREL relocations") {
  using namespace llvm::ELF;
  struct Case {
    const char *cpu;
    bool thumb;
    std::vector<unsigned> local;
  };
  for (const Case &c : {Case{"cortex-a7", false, {R_ARM_MOVW_PREL_NC, R_ARM_MOVT_PREL}},
                        Case{"cortex-a7", true, {R_ARM_THM_MOVW_PREL_NC, R_ARM_THM_MOVT_PREL}},
                        Case{"arm1176jzf-s", false, {R_ARM_REL32}}}) {
    for (RelocationModel model : {RelocationModel::Pie, RelocationModel::Pic}) {
      CAPTURE(c.cpu);
      CAPTURE(c.thumb);
      Encoder enc(c.cpu, c.thumb);
      enc.target->setRelocationModel(model);
      std::string object = enc.object([](Assembler &a, llvm::MCContext &ctx, llvm::MCStreamer &) {
        a.loadAddress(R0, ctx.getOrCreateSymbol("data"), 8);
        a.loadAddress(R1, ctx.getOrCreateSymbol("ext"), 4, /*viaGot=*/true);
        a.loadAddress(R2, ctx.getOrCreateSymbol("far"), 0x12345);  // past a 16-bit addend
        a.bxLr();
      });
      std::vector<unsigned> expected = c.local;
      expected.push_back(R_ARM_GOT_PREL);
      expected.insert(expected.end(), c.local.begin(), c.local.end());
      CHECK(encoding_test::relocationTypes(object, ".text") == expected);
    }
  }
}

// What the selector and the MIR passes ask (ArmTarget::fits) against what LLVM's assembler
// accepts, for both instruction sets: tst has no complementary form the parser could
// switch to, and .w keeps T32 from a 16-bit form (whose reach is a subset anyway).
TEST_CASE("EncodingLimits answer as LLVM's assembler accepts, in A32 and T32") {
  for (bool thumb : {false, true}) {
    Encoder enc("cortex-a7", thumb);
    const EncodingLimits &fits = enc.target->fits();
    const std::string w = thumb ? ".w" : "";
    CAPTURE(thumb);
    for (uint32_t v : {0u, 0xffu, 0x101u, 0x3fcu, 0x1fe0u, 0xf000000fu, 0x00ab00abu, 0xab00ab00u, 0xababababu,
                       0x80000001u, 0xff000000u, 0x1234u}) {
      CAPTURE(v);
      CHECK(fits.immediate(v) == !enc.assemble("tst" + w + " r0, #" + std::to_string(v)).empty());
    }
    for (int32_t offset : {-4096, -4095, -256, -255, -1, 0, 255, 256, 4095, 4096}) {
      CAPTURE(offset);
      const std::string at = "[r1, #" + std::to_string(offset) + "]";
      // (LLVM 19's parser takes `ldr.w` only with the imm12 form: no .w; a 16-bit ldr
      // reaches nothing a 32-bit one does not.)
      CHECK(fits.offset(4, false, offset) == !enc.assemble("ldr r0, " + at).empty());
      CHECK(fits.offset(2, false, offset) == !enc.assemble("ldrh" + w + " r0, " + at).empty());
      CHECK(fits.offset(1, true, offset) == !enc.assemble("ldrsb" + w + " r0, " + at).empty());
      CHECK(fits.writebackOffset(4, false, offset) == !enc.assemble("ldr r0, " + at + "!").empty());
      CHECK(fits.writebackOffset(2, false, offset) == !enc.assemble("ldrh r0, " + at + "!").empty());
    }
    for (unsigned shift : {0u, 1u, 3u, 4u}) {
      CAPTURE(shift);
      const std::string at = shift ? "[r1, r2, lsl #" + std::to_string(shift) + "]" : "[r1, r2]";
      CHECK(fits.indexShift(4, false, shift) == !enc.assemble("ldr" + w + " r0, " + at).empty());
      CHECK(fits.indexShift(2, false, shift) == !enc.assemble("ldrh" + w + " r0, " + at).empty());
    }
    CHECK(fits.registerShiftedOperands() == !enc.assemble("add r0, r1, r2, lsl r3").empty());
    CHECK(fits.reverseSubtractWithCarry() == !enc.assemble("rsc r0, r1, r2").empty());
  }
}
