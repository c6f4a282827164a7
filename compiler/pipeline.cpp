// The whole pipeline reads here, one stage after another:
//
//   build program model -> analyze frame -> live arguments -> track upper words -> backend
//   (build_program,        (analyze_frame)  (live_arguments)   (track_upper_live,  (backend-arm32/
//    collect_data)                                              track_upper_zero)   emit_object)
//
// The backend, per function: select (BPF -> machine IR on virtual registers) -> optimize
// -> allocate registers -> emit MCInsts (backend-arm32/emit_object.cpp, emitWithMir).
#include "pipeline.h"

#include <algorithm>

#include "analyze_frame.h"
#include "backend-arm32/arm_target.h"
#include "backend-arm32/emit_object.h"
#include "build_program.h"
#include "generate_header.h"
#include "in_order_parallel.h"
#include "live_arguments.h"
#include "program.h"
#include "symbol_clashes.h"
#include "track_upper_live.h"
#include "track_upper_zero.h"

namespace bpf2arm {

Expected<CompiledObject> compileObject(const BpfObject &object, const Options &options,
                                       const abi::HelperTable &helpers, const std::string &headerGuard,
                                       std::ostream &dumps) {
  const std::string &dump = options.dump;
  auto program = buildProgram(object, helpers);
  if (!program) return program.diag();
  if (Status st = nameExports(*program, {options.name.empty() ? "" : options.name + "__", options.namePrograms}))
    return *st;
  // The target first: the runtime functions its code calls are names the program may not take.
  auto target = arm::ArmTarget::create(options.cpu, options.thumb);
  if (!target) return target.diag();
  if (Status st = checkSymbolClashes(*program, arm::targetRuntimeFunctions(**target))) return *st;
  if (dump == "model") dumps << dumpProgram(*program);
  if (Status st = analyzeFrame(*program)) return *st;
  if (dump == "frame") dumps << dumpProgram(*program);
  trackLiveArguments(*program);
  // Per-function passes and the backend share out the functions among threads.
  const unsigned workers = threadsFor(program->instructionCount(), program->functions.size(), options.threads);
  trackUpperLive(*program, workers);
  trackUpperZero(*program, workers);
  if (dump == "upper") dumps << dumpProgram(*program);

  using PI = PositionIndependence;
  (*target)->setRelocationModel(options.positionIndependence == PI::Library      ? arm::RelocationModel::Pic
                                : options.positionIndependence == PI::Executable ? arm::RelocationModel::Pie
                                                                                 : arm::RelocationModel::Static);
  arm::EmitOptions emitOptions;
  emitOptions.kind = options.assembly ? arm::OutputKind::Assembly : arm::OutputKind::Object;
  emitOptions.numCpus = options.numCpus;
  emitOptions.optimize = options.optimize;
  emitOptions.threads = workers;
  emitOptions.dwarfVersion = options.dwarfVersion;
  emitOptions.input = options.input;
  emitOptions.producer = "bpf2arm " BPF2ARM_VERSION;
  std::string mirDump, regallocDump;
  if (dump == "mir") emitOptions.mirDump = &mirDump;
  if (dump == "regalloc") emitOptions.regallocDump = &regallocDump;
  auto bytes = arm::emitProgram(*program, **target, emitOptions);
  dumps << mirDump << regallocDump;  // what the backend got to, also when it failed
  if (!bytes) return bytes.diag();
  CompiledObject compiled;
  compiled.object = std::move(*bytes);
  if (!headerGuard.empty()) {
    auto text = generateHeader(object, *program, headerGuard);
    if (!text) return text.diag();
    compiled.header = std::move(*text);
  }
  const std::vector<std::string> &off = options.disabledWarnings;
  for (Diagnostic &warning : program->warnings)
    if (warning.option.empty() || std::find(off.begin(), off.end(), warning.option) == off.end())
      compiled.warnings.push_back(std::move(warning));
  return compiled;
}

}  // namespace bpf2arm
