// The CPU table (backend-arm32/arm_target.cpp) states each CPU's features by hand, as the
// backend chooses instructions by them; LLVM's model of the same CPU, an independent
// source, must agree, or the MC layer would encode instructions the CPU lacks (or we
// would pass over ones it has).
#include <doctest/doctest.h>

#include <set>
#include <string>

#include "backend-arm32/arm_target.h"

using namespace bpf2arm::arm;

TEST_CASE("every CPU row's features are LLVM's for that CPU") {
  struct Probe {
    CpuFeature feature;
    const char *llvmFeature;
  };
  // LLVM's subtarget features that mean the same as our bits in the state the code runs
  // in: ARM state on A-profile and classic CPUs; Thumb on M-profile, where divide is
  // "+hwdiv" and LDREXD, which LLVM keeps from M-profile by "+mclass", is missing.
  const Probe probes[] = {{kThumb2, "+thumb2"}, {kMovwMovt, "+v6t2"}, {kDmb, "+db"}};
  for (const CpuInfo &row : supportedCpus()) {
    CAPTURE(row.name);
    auto target = ArmTarget::create(row.name);
    REQUIRE(target);
    const llvm::MCSubtargetInfo &sti = (*target)->subtarget();
    const bool mclass = sti.checkFeatures("+mclass");
    CHECK(row.has(kArmState) == !mclass);
    CHECK(isMProfile(row.arch) == mclass);
    CHECK((*target)->isThumb() == mclass);  // no ARM state: T32 without asking
    for (const Probe &p : probes) {
      CAPTURE(p.llvmFeature);
      CHECK(row.has(p.feature) == sti.checkFeatures(p.llvmFeature));
    }
    CHECK(row.has(kHardwareDivide) == sti.checkFeatures(mclass ? "+hwdiv" : "+hwdiv-arm"));
    CHECK(row.has(kLdrexd) == (sti.checkFeatures("+v6k") && !mclass));
    bool llvmV8 = sti.checkFeatures("+v8"), llvmV7 = sti.checkFeatures("+v7");
    CHECK((row.arch == CpuArch::V8A) == llvmV8);
    CHECK((row.arch == CpuArch::V6KZ) == !llvmV7);
    CHECK((row.arch == CpuArch::V8MMain) == sti.checkFeatures("+v8m.main"));
    CHECK((row.arch == CpuArch::V7EM) == (mclass && sti.checkFeatures("+dsp") && !sti.checkFeatures("+v8m.main")));
  }
}

TEST_CASE("the CPU table has unique names and the form --list-cpus promises") {
  std::set<std::string> names;
  for (const CpuInfo &row : supportedCpus()) CHECK(names.insert(row.name).second);
  CHECK(findCpu("cortex-a7") == &supportedCpus().front());
  CHECK(findCpu("cortex-a77") == nullptr);
  std::string listing = listCpus();
  CHECK(listing.rfind("cortex-a7 arch=armv7-a profile=A triple=armv7a-none-eabi qemu=cortex-a7 "
                      "features=arm,thumb2,movw-movt,hwdiv,ldrexd,dmb\n", 0) == 0);
  CHECK(listing.find("arm1176jzf-s arch=armv6kz profile=classic triple=armv6kz-none-eabi qemu=arm1176 "
                     "features=arm,ldrexd\n") != std::string::npos);
  CHECK(listing.find("cortex-m4 arch=armv7e-m profile=M triple=thumbv7em-none-eabi qemu=cortex-a15 "
                     "features=thumb2,movw-movt,hwdiv,dmb\n") != std::string::npos);
}
