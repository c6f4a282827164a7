#include "arm_target.h"

#include <llvm/MC/MCTargetOptions.h>
#include <llvm/Support/TargetSelect.h>

#include <cassert>
#include <map>

namespace bpf2arm::arm {

const std::vector<CpuInfo> &supportedCpus() {
  static const std::vector<CpuInfo> cpus = {
      {"cortex-a7", "armv7a-none-eabi"},      // Raspberry Pi 2
      {"cortex-a15", "armv7a-none-eabi"},     // qemu virt
      {"cortex-a53", "armv8a-none-eabi"},     // Raspberry Pi 3/4 in 32-bit mode
      {"arm1176jzf-s", "armv6kz-none-eabi"},  // Raspberry Pi 1 / Zero
  };
  return cpus;
}

Expected<std::unique_ptr<ArmTarget>> ArmTarget::create(const std::string &cpu) {
  const CpuInfo *info = nullptr;
  for (const CpuInfo &c : supportedCpus())
    if (cpu == c.name) info = &c;
  if (!info) {
    std::string known;
    for (const CpuInfo &c : supportedCpus()) known += std::string(known.empty() ? "" : ", ") + c.name;
    return error("unsupported --mcpu '" + cpu + "' (supported: " + known + ")");
  }

  LLVMInitializeARMTargetInfo();
  LLVMInitializeARMTargetMC();
  LLVMInitializeARMAsmParser();

  std::unique_ptr<ArmTarget> t(new ArmTarget);
  t->cpu_ = cpu;
  t->triple_ = llvm::Triple(info->triple);
  std::string lookupError;
  t->target_ = llvm::TargetRegistry::lookupTarget(t->triple_.str(), lookupError);
  if (!t->target_) return error("LLVM has no ARM target: " + lookupError);
  t->mri_.reset(t->target_->createMCRegInfo(t->triple_.str()));
  t->mai_.reset(t->target_->createMCAsmInfo(*t->mri_, t->triple_.str(), llvm::MCTargetOptions()));
  t->mii_.reset(t->target_->createMCInstrInfo());
  t->sti_.reset(t->target_->createMCSubtargetInfo(t->triple_.str(), cpu, ""));
  if (!t->mri_ || !t->mai_ || !t->mii_ || !t->sti_) return error("cannot create the LLVM ARM MC layer for " + cpu);

  std::map<std::string, unsigned> opcodeByName;
  for (unsigned i = 0; i < t->mii_->getNumOpcodes(); ++i) opcodeByName[t->mii_->getName(i).str()] = i;
#define BPF2ARM_LOOKUP_OPCODE(name)                                                      \
  if (!opcodeByName.count(#name)) return error("this LLVM's ARM backend lacks opcode " #name); \
  t->op_.name = opcodeByName[#name];
  BPF2ARM_ARM_OPCODES(BPF2ARM_LOOKUP_OPCODE)
#undef BPF2ARM_LOOKUP_OPCODE

  std::map<std::string, unsigned> regByName;
  for (unsigned i = 1; i < t->mri_->getNumRegs(); ++i) regByName[t->mri_->getName(i)] = i;
  static const char *const gprNames[16] = {"R0", "R1", "R2", "R3", "R4",  "R5", "R6", "R7",
                                           "R8", "R9", "R10", "R11", "R12", "SP", "LR", "PC"};
  for (unsigned i = 0; i < 16; ++i) {
    if (!regByName.count(gprNames[i])) return error(std::string("this LLVM lacks ARM register ") + gprNames[i]);
    t->gpr_[i] = regByName[gprNames[i]];
  }
  for (unsigned i = 0; i < 6; ++i) {
    std::string name = "R" + std::to_string(2 * i) + "_R" + std::to_string(2 * i + 1);
    if (!regByName.count(name)) return error("this LLVM lacks ARM register pair " + name);
    t->pairs_[i] = regByName[name];
  }
  t->cpsr_ = regByName["CPSR"];

  t->hasDivide_ = t->sti_->checkFeatures("+hwdiv-arm");
  t->hasMovw_ = t->sti_->checkFeatures("+v6t2");
  t->hasDmb_ = t->sti_->checkFeatures("+v7");
  return t;
}

}  // namespace bpf2arm::arm
