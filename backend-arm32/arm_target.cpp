#include "arm_target.h"

#include <llvm/MC/MCTargetOptions.h>
#include <llvm/Support/TargetSelect.h>

#include <cassert>
#include <map>

namespace bpf2arm::arm {

namespace {
// Feature sets shared by whole architectures; a row adds what its CPU has beyond them.
constexpr unsigned kV6K = kArmState | kLdrexd;
constexpr unsigned kV7A = kArmState | kThumb2 | kMovwMovt | kLdrexd | kDmb;
// ARMv7-M, ARMv7E-M and ARMv8-M mainline: Thumb-2 with divide, no ARM state, no LDREXD.
constexpr unsigned kV7M = kThumb2 | kMovwMovt | kDmb | kHardwareDivide;
}  // namespace

const std::vector<CpuInfo> &supportedCpus() {
  // name           arch            LLVM triple          features                qemu-arm -cpu     found in
  static const std::vector<CpuInfo> cpus = {
      {"cortex-a7",    CpuArch::V7A,  "armv7a-none-eabi",  kV7A | kHardwareDivide, "cortex-a7"},   // Raspberry Pi 2
      {"cortex-a15",   CpuArch::V7A,  "armv7a-none-eabi",  kV7A | kHardwareDivide, "cortex-a15"},  // qemu virt
      {"cortex-a53",   CpuArch::V8A,  "armv8a-none-eabi",  kV7A | kHardwareDivide, "max"},         // Pi 3/4, 32-bit
      {"cortex-a5",    CpuArch::V7A,  "armv7a-none-eabi",  kV7A,                   "cortex-a9"},
      {"cortex-a8",    CpuArch::V7A,  "armv7a-none-eabi",  kV7A,                   "cortex-a8"},   // BeagleBone
      {"cortex-a9",    CpuArch::V7A,  "armv7a-none-eabi",  kV7A,                   "cortex-a9"},
      {"cortex-a12",   CpuArch::V7A,  "armv7a-none-eabi",  kV7A | kHardwareDivide, "cortex-a15"},
      {"cortex-a17",   CpuArch::V7A,  "armv7a-none-eabi",  kV7A | kHardwareDivide, "cortex-a15"},
      {"arm1176jzf-s", CpuArch::V6KZ, "armv6kz-none-eabi", kV6K,                   "arm1176"},     // Pi 1 / Zero
      // Microcontrollers. qemu-arm's own M-profile models abort at start-up in user mode
      // (QEMU 7.2: they exist for qemu-system-arm's boards), so user-mode tests run their
      // T32 code on cortex-a15, an ARMv7-A model whose Thumb-2 with divide is a superset
      // of what the backend emits for ARMv7-M/ARMv8-M; tests/cortexm checks the objects
      // hold no ARM-state code, and the mps2 boards run them on the real models.
      {"cortex-m3",    CpuArch::V7M,     "thumbv7m-none-eabi",      kV7M,          "cortex-a15"},
      {"cortex-m4",    CpuArch::V7EM,    "thumbv7em-none-eabi",     kV7M,          "cortex-a15"},
      {"cortex-m7",    CpuArch::V7EM,    "thumbv7em-none-eabi",     kV7M,          "cortex-a15"},
      {"cortex-m33",   CpuArch::V8MMain, "thumbv8m.main-none-eabi", kV7M,          "cortex-a15"},
  };
  return cpus;
}

const CpuInfo *findCpu(const std::string &name) {
  for (const CpuInfo &c : supportedCpus())
    if (name == c.name) return &c;
  return nullptr;
}

const char *archName(CpuArch arch) {
  switch (arch) {
    case CpuArch::V6KZ: return "armv6kz";
    case CpuArch::V7A: return "armv7-a";
    case CpuArch::V8A: return "armv8-a";
    case CpuArch::V7M: return "armv7-m";
    case CpuArch::V7EM: return "armv7e-m";
    case CpuArch::V8MMain: return "armv8-m.main";
  }
  return "?";
}

bool isMProfile(CpuArch arch) { return arch == CpuArch::V7M || arch == CpuArch::V7EM || arch == CpuArch::V8MMain; }

const char *profileName(CpuArch arch) { return isMProfile(arch) ? "M" : arch == CpuArch::V6KZ ? "classic" : "A"; }

std::string featureNames(unsigned features) {
  static const std::pair<CpuFeature, const char *> names[] = {
      {kArmState, "arm"}, {kThumb2, "thumb2"}, {kMovwMovt, "movw-movt"},
      {kHardwareDivide, "hwdiv"}, {kLdrexd, "ldrexd"}, {kDmb, "dmb"}};
  std::string out;
  for (const auto &[bit, name] : names)
    if (features & bit) out += std::string(out.empty() ? "" : ",") + name;
  return out;
}

std::string listCpus() {
  std::string out;
  for (const CpuInfo &c : supportedCpus())
    out += std::string(c.name) + " arch=" + archName(c.arch) + " profile=" + profileName(c.arch) +
           " triple=" + c.triple + " qemu=" + c.qemu + " features=" + featureNames(c.features) + "\n";
  return out;
}

Expected<std::unique_ptr<ArmTarget>> ArmTarget::create(const std::string &cpu, bool thumb) {
  const CpuInfo *info = findCpu(cpu);
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
  t->info_ = info;
  std::string triple = info->triple;
  if (!info->has(kArmState)) thumb = true;
  if (thumb) {
    if (!info->has(kThumb2)) return error("--mcpu '" + cpu + "' has no Thumb-2");
    if (triple.rfind("arm", 0) == 0) triple = "thumb" + triple.substr(3);
  }
  t->triple_ = llvm::Triple(triple);
  t->fits_ = EncodingLimits(t->triple_.isThumb());
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
#define BPF2ARM_LOOKUP_THUMB_OPCODE(name)                                                \
  if (!opcodeByName.count(#name)) return error("this LLVM's ARM backend lacks opcode " #name); \
  t->t2op_.name = opcodeByName[#name];
  BPF2ARM_THUMB_OPCODES(BPF2ARM_LOOKUP_THUMB_OPCODE)
#undef BPF2ARM_LOOKUP_THUMB_OPCODE

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
  // The features come from the table; tests/unit checks that LLVM's subtarget agrees.
  return t;
}

}  // namespace bpf2arm::arm
