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
  kLdrexd = 1u << 4,          // LDREXD/STREXD, the 64-bit atomics (ARMv6K and later A/classic)
  kDmb = 1u << 5,             // the DMB barrier instruction (ARMv7 and later)
};

enum class CpuArch { V6KZ, V7A, V8A };

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
const char *profileName(CpuArch arch);  // "A", or "classic" before ARMv7's profiles
std::string featureNames(unsigned features);  // "arm,thumb2,movw-movt,..."
// The table in the form `--list-cpus` prints: one CPU per line, the name first, then
// attributes `arch= profile= triple= qemu= features=` (values without spaces).
std::string listCpus();

class ArmTarget {
 public:
  static Expected<std::unique_ptr<ArmTarget>> create(const std::string &cpu);

  const llvm::Target &target() const { return *target_; }
  const llvm::Triple &triple() const { return triple_; }
  const llvm::MCRegisterInfo &registerInfo() const { return *mri_; }
  const llvm::MCAsmInfo &asmInfo() const { return *mai_; }
  const llvm::MCInstrInfo &instrInfo() const { return *mii_; }
  const llvm::MCSubtargetInfo &subtarget() const { return *sti_; }
  const std::string &cpu() const { return cpu_; }
  const CpuInfo &cpuInfo() const { return *info_; }

  const Opcodes &op() const { return op_; }
  unsigned gpr(unsigned n) const { return gpr_[n]; }  // r0..r15 (13 = sp, 14 = lr, 15 = pc)
  unsigned gprPair(unsigned even) const { return pairs_[even / 2]; }  // r0_r1 .. r10_r11
  unsigned cpsr() const { return cpsr_; }

  bool hasHardwareDivide() const { return info_->has(kHardwareDivide); }
  bool hasMovwMovt() const { return info_->has(kMovwMovt); }
  bool hasDmb() const { return info_->has(kDmb); }
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
  unsigned gpr_[16] = {};
  unsigned pairs_[6] = {};
  unsigned cpsr_ = 0;
};

}  // namespace bpf2arm::arm
