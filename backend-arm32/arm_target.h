// The LLVM ARM MC objects bpf2arm needs, created once per run, and the ARM opcode and
// register numbers, which LLVM does not install as headers (ARMGenInstrInfo.inc), looked
// up by name at start-up.
#pragma once

#include <llvm/MC/MCAsmInfo.h>
#include <llvm/MC/MCInstrInfo.h>
#include <llvm/MC/MCRegisterInfo.h>
#include <llvm/MC/MCSubtargetInfo.h>
#include <llvm/MC/TargetRegistry.h>
#include <llvm/TargetParser/Triple.h>

#include <memory>
#include <string>
#include <vector>

#include "diagnostics.h"

namespace bpf2arm::arm {

// Every LLVM opcode the backend emits. Operand orders are in arm_assembler.cpp.
#define BPF2ARM_ARM_OPCODES(X)                                                                   \
  X(ADDrr) X(ADDri) X(ADDrsi) X(ADDrsr) X(ADCrr) X(ADCri) X(ADCrsi) X(ADCrsr)                    \
  X(SUBrr) X(SUBri) X(SUBrsi) X(SUBrsr) X(SBCrr) X(SBCri) X(SBCrsi) X(SBCrsr)                    \
  X(RSBrr) X(RSBri) X(RSBrsi) X(RSBrsr) X(RSCrr) X(RSCri) X(RSCrsi) X(RSCrsr)                    \
  X(ANDrr) X(ANDri) X(ANDrsi) X(ANDrsr) X(ORRrr) X(ORRri) X(ORRrsi) X(ORRrsr)                    \
  X(EORrr) X(EORri) X(EORrsi) X(EORrsr) X(BICrr) X(BICri) X(BICrsi) X(BICrsr)                    \
  X(MOVr) X(MOVi) X(MVNi) X(MVNr) X(MOVi16) X(MOVTi16) X(MOVsi) X(MOVsr)                         \
  X(CMPrr) X(CMPri) X(CMNri) X(TSTrr) X(TSTri)                                                    \
  X(MUL) X(MLA) X(MLS) X(UMULL) X(SDIV) X(UDIV)                                                  \
  X(LDRi12) X(STRi12) X(LDRBi12) X(STRBi12) X(LDRH) X(STRH) X(LDRSB) X(LDRSH)                    \
  X(LDREX) X(STREX) X(LDREXD) X(STREXD) X(CLREX) X(DMB)                                          \
  X(REV) X(REV16) X(SXTB) X(SXTH) X(UXTB) X(UXTH)                                                \
  X(STMDB_UPD) X(LDMIA_UPD) X(Bcc) X(BL) X(BLX) X(BX_RET)                                        \
  X(LDRrs) X(STRrs) X(LDRBrs) X(STRBrs) X(UBFX) X(SBFX) X(BFI) X(CLZ) X(RBIT) X(SMULL) X(UMLAL)          \
  X(MVNsi) X(MVNsr) X(CMPrsi) X(CMPrsr) X(CMNzrr) X(CMNzrsi) X(CMNzrsr)                         \
  X(TSTrsi) X(TSTrsr) X(TEQrr) X(TEQri) X(TEQrsi) X(TEQrsr) X(BL_pred) X(BLX_pred)        \
  X(SMLAL) X(LDR_POST_IMM) X(LDR_PRE_IMM) X(LDRB_POST_IMM) X(LDRB_PRE_IMM) X(STR_POST_IMM)     \
  X(STR_PRE_IMM) X(STRB_POST_IMM) X(STRB_PRE_IMM) X(LDRH_POST) X(LDRH_PRE) X(LDRSH_POST)        \
  X(LDRSH_PRE) X(LDRSB_POST) X(LDRSB_PRE) X(STRH_POST) X(STRH_PRE)

// Every Thumb-2 opcode (LLVM's t2*/t* names) the T32 assembler emits. Operand orders
// are in thumb_assembler.cpp.
#define BPF2ARM_THUMB_OPCODES(X)                                                                  \
  X(t2ADDrr) X(t2ADDri) X(t2ADDrs) X(t2ADCrr) X(t2ADCri) X(t2ADCrs) X(t2SUBrr) X(t2SUBri)         \
  X(t2SUBrs) X(t2SBCrr) X(t2SBCri) X(t2SBCrs) X(t2RSBrr) X(t2RSBri) X(t2RSBrs) X(t2ANDrr)         \
  X(t2ANDri) X(t2ANDrs) X(t2ORRrr) X(t2ORRri) X(t2ORRrs) X(t2EORrr) X(t2EORri) X(t2EORrs)         \
  X(t2BICrr) X(t2BICri) X(t2BICrs) X(t2ADDri12) X(t2SUBri12)                                      \
  X(tMOVr) X(t2MOVr) X(t2MOVi) X(t2MVNi) X(t2MVNr) X(t2MVNs) X(t2MOVi16) X(t2MOVTi16)             \
  X(t2LSLri) X(t2LSRri) X(t2ASRri) X(t2RORri) X(t2LSLrr) X(t2LSRrr) X(t2ASRrr) X(t2RORrr)         \
  X(t2CMPrr) X(t2CMPri) X(t2CMPrs) X(t2CMNri) X(t2CMNzrr) X(t2CMNzrs) X(t2TSTrr) X(t2TSTri)       \
  X(t2TSTrs) X(t2TEQrr) X(t2TEQri) X(t2TEQrs)                                                     \
  X(t2MUL) X(t2MLA) X(t2MLS) X(t2UMULL) X(t2SMULL) X(t2UMLAL) X(t2SMLAL) X(t2SDIV) X(t2UDIV)      \
  X(t2LDRi12) X(t2LDRi8) X(t2LDRHi12) X(t2LDRHi8) X(t2LDRSHi12) X(t2LDRSHi8) X(t2LDRBi12)         \
  X(t2LDRBi8) X(t2LDRSBi12) X(t2LDRSBi8) X(t2STRi12) X(t2STRi8) X(t2STRHi12) X(t2STRHi8)          \
  X(t2STRBi12) X(t2STRBi8) X(t2LDRs) X(t2LDRHs) X(t2LDRSHs) X(t2LDRBs) X(t2LDRSBs) X(t2STRs)      \
  X(t2STRHs) X(t2STRBs) X(t2LDR_PRE) X(t2LDR_POST) X(t2LDRH_PRE) X(t2LDRH_POST) X(t2LDRSH_PRE)    \
  X(t2LDRSH_POST) X(t2LDRB_PRE) X(t2LDRB_POST) X(t2LDRSB_PRE) X(t2LDRSB_POST) X(t2STR_PRE)        \
  X(t2STR_POST) X(t2STRH_PRE) X(t2STRH_POST) X(t2STRB_PRE) X(t2STRB_POST)                         \
  X(t2LDREX) X(t2STREX) X(t2LDREXD) X(t2STREXD) X(t2CLREX) X(t2DMB)                               \
  X(t2REV) X(t2REV16) X(t2SXTB) X(t2SXTH) X(t2UXTB) X(t2UXTH) X(t2CLZ) X(t2RBIT) X(t2UBFX)        \
  X(t2SBFX) X(t2BFI) X(tPUSH) X(tPOP) X(t2STMDB_UPD) X(t2LDMIA_UPD) X(t2B) X(t2Bcc) X(tBL)        \
  X(tBLXr) X(tBX) X(t2IT) X(tADDhirr) X(t2LDRpci)

struct ThumbOpcodes {
#define BPF2ARM_DECLARE_OPCODE(name) unsigned name = 0;
  BPF2ARM_THUMB_OPCODES(BPF2ARM_DECLARE_OPCODE)
#undef BPF2ARM_DECLARE_OPCODE
};

struct Opcodes {
#define BPF2ARM_DECLARE_OPCODE(name) unsigned name = 0;
  BPF2ARM_ARM_OPCODES(BPF2ARM_DECLARE_OPCODE)
#undef BPF2ARM_DECLARE_OPCODE
};

// What code generation asks of a CPU: one bit per group of instructions the backend
// chooses by. tests/unit checks each row of the table below against LLVM's own model
// of the CPU, and tests/cpus against the qemu-arm model the row names.
enum CpuFeature : unsigned {
  kArmState = 1u << 0,        // A32 instructions (A-profile and classic; not M-profile)
  kThumb2 = 1u << 1,          // 32-bit Thumb instructions (ARMv6T2 and later)
  kMovwMovt = 1u << 2,        // 16-bit immediate moves (ARMv6T2 and later)
  kHardwareDivide = 1u << 3,  // SDIV/UDIV in the state the code runs in (not on ARMv6,
                              // cortex-a5/a8/a9: division goes through our routines)
  kLdrexd = 1u << 4,          // LDREXD/STREXD, the 64-bit atomics (ARMv6K and later A/classic;
                              // M-profile has none: its 64-bit atomics call runtime-stub/atomic64.c)
  kDmb = 1u << 5,             // the DMB barrier instruction (ARMv7 and later)
};

// V7M, V7EM, V8MMain: the M profile (Cortex-M), Thumb-2 only, which has no ARM state.
enum class CpuArch { V6KZ, V7A, V8A, V7M, V7EM, V8MMain };
bool isMProfile(CpuArch arch);

// One row per CPU that `--mcpu` accepts; `--list-cpus` prints them, `--help` names them,
// and the tests and the benchmark read `--list-cpus` instead of keeping their own lists.
struct CpuInfo {
  const char *name;
  CpuArch arch;
  const char *triple;  // LLVM's triple for the architecture (the MC layer's subtarget)
  unsigned features;   // CpuFeature bits
  const char *qemu;    // `qemu-arm -cpu` model: the CPU's own, or, where qemu has none,
                       // one with the same features above (tests/cpus checks that)

  bool has(CpuFeature f) const { return (features & f) != 0; }
};
// The CPUs `--mcpu` accepts, the default first.
const std::vector<CpuInfo> &supportedCpus();
const CpuInfo *findCpu(const std::string &name);
const char *archName(CpuArch arch);     // "armv7-a"
const char *profileName(CpuArch arch);  // "A", "M", or "classic" before ARMv7's profiles
std::string featureNames(unsigned features);  // "arm,thumb2,movw-movt,..."
// The table in the form `--list-cpus` prints: one CPU per line, the name first, then
// attributes `arch= profile= triple= qemu= features=` (values without spaces).
std::string listCpus();

// What one instruction of the target's instruction set (A32 or T32) can encode, for the
// selector and the MIR passes: they make only forms that fit, and ask here rather than
// an assembler, which needs an MCContext (selection runs on worker threads). The
// assemblers (arm_assembler.h, thumb_assembler.h) define the limits; assembler.cpp
// answers from them.
class EncodingLimits {
 public:
  explicit EncodingLimits(bool thumb) : thumb_(thumb) {}
  // An immediate operand of data processing, mov/mvn and compares (A32: 8 bits rotated
  // by an even amount; T32: Thumb-2's modified immediates).
  bool immediate(uint32_t value) const;
  // [base + offset] of a load (signExtend) or store of `bytes`.
  bool offset(unsigned bytes, bool signExtend, int32_t offset) const;
  // [base], #step / [base, #step]!: the base written back.
  bool writebackOffset(unsigned bytes, bool signExtend, int32_t step) const;
  // [base + (index << shift)].
  bool indexShift(unsigned bytes, bool signExtend, unsigned shift) const;
  // d = n OP (m SHIFT s), s a register, and rsc: A32 only (T32 expands them in two
  // instructions, and asserts where that would need a scratch register).
  bool registerShiftedOperands() const { return !thumb_; }
  bool reverseSubtractWithCarry() const { return !thumb_; }

 private:
  bool thumb_;
};

// How code refers to addresses (-fPIC/-fPIE, README "Using it"). Static: absolute
// (MOVW/MOVT_ABS, or an ABS32 literal). Pie: PC-relative (MOVW/MOVT_PREL + add pc, or a
// REL32 literal) for what the object defines, the GOT for extern symbols. Pic: the same,
// but symbols the object exports go through the GOT too, since a shared object's
// global definitions can be preempted by the executable's.
enum class RelocationModel { Static, Pie, Pic };

class ArmTarget {
 public:
  // `thumb`: T32 code (Thumb-2) for a CPU that has it; the triple's arch becomes thumb*.
  // A CPU without ARM state (M profile) always gets T32 code, whatever `thumb` says.
  static Expected<std::unique_ptr<ArmTarget>> create(const std::string &cpu, bool thumb = false);

  const llvm::Target &target() const { return *target_; }
  const llvm::Triple &triple() const { return triple_; }
  bool isThumb() const { return triple_.isThumb(); }
  const EncodingLimits &fits() const { return fits_; }
  const llvm::MCRegisterInfo &registerInfo() const { return *mri_; }
  const llvm::MCAsmInfo &asmInfo() const { return *mai_; }
  const llvm::MCInstrInfo &instrInfo() const { return *mii_; }
  const llvm::MCSubtargetInfo &subtarget() const { return *sti_; }
  const std::string &cpu() const { return cpu_; }
  const CpuInfo &cpuInfo() const { return *info_; }
  RelocationModel relocationModel() const { return relocation_; }
  bool isPositionIndependent() const { return relocation_ != RelocationModel::Static; }
  void setRelocationModel(RelocationModel model) { relocation_ = model; }

  const Opcodes &op() const { return op_; }
  const ThumbOpcodes &t2op() const { return t2op_; }
  unsigned gpr(unsigned n) const { return gpr_[n]; }  // r0..r15 (13 = sp, 14 = lr, 15 = pc)
  unsigned gprPair(unsigned even) const { return pairs_[even / 2]; }  // r0_r1 .. r10_r11
  unsigned cpsr() const { return cpsr_; }

  bool hasHardwareDivide() const { return info_->has(kHardwareDivide); }
  bool hasMovwMovt() const { return info_->has(kMovwMovt); }
  bool hasDmb() const { return info_->has(kDmb); }
  bool hasLdrexd() const { return info_->has(kLdrexd); }
  bool isMProfile() const { return arm::isMProfile(info_->arch); }
  // ubfx, sbfx, bfi, mls came with ARMv6T2, the architecture that brought Thumb-2.
  bool hasV6T2Instructions() const { return info_->has(kThumb2); }

 private:
  ArmTarget() = default;

  std::string cpu_;
  const CpuInfo *info_ = nullptr;
  llvm::Triple triple_;
  const llvm::Target *target_ = nullptr;
  std::unique_ptr<llvm::MCRegisterInfo> mri_;
  std::unique_ptr<llvm::MCAsmInfo> mai_;
  std::unique_ptr<llvm::MCInstrInfo> mii_;
  std::unique_ptr<llvm::MCSubtargetInfo> sti_;
  Opcodes op_;
  ThumbOpcodes t2op_;
  unsigned gpr_[16] = {};
  unsigned pairs_[6] = {};
  unsigned cpsr_ = 0;
  EncodingLimits fits_{false};
  RelocationModel relocation_ = RelocationModel::Static;
};

}  // namespace bpf2arm::arm
