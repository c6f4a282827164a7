#include "emit_object.h"

#include <llvm/BinaryFormat/ELF.h>
#include <llvm/MC/MCAsmBackend.h>
#include <llvm/MC/MCCodeEmitter.h>
#include <llvm/MC/MCInstPrinter.h>
#include <llvm/MC/MCObjectFileInfo.h>
#include <llvm/MC/MCObjectWriter.h>
#include <llvm/MC/MCParser/MCAsmParser.h>
#include <llvm/MC/MCParser/MCTargetAsmParser.h>
#include <llvm/MC/MCSectionELF.h>
#include <llvm/MC/MCStreamer.h>
#include <llvm/MC/MCTargetOptions.h>
#include <llvm/Support/ARMBuildAttributes.h>
#include <llvm/Support/FormattedStream.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/SourceMgr.h>
#include <llvm/Support/raw_ostream.h>


#include "compiler/in_order_parallel.h"
#include "debug_info.h"
#include "emit_mir.h"
#include "mir_combine.h"
#include "mir_fuse.h"
#include "mir_idioms.h"
#include "mir_liveness.h"
#include "mir_passes.h"
#include "object_symbols.h"
#include "regalloc.h"
#include "select.h"
#include "symbol_names.h"

namespace bpf2arm::arm {
namespace {

// backend-arm32/routines/div64.S and div64_thumb.S, embedded at build time.
const char kDivisionRoutines[] =
#include "div64_routines.inc"
    ;
const char kThumbDivisionRoutines[] =
#include "div64_thumb_routines.inc"
    ;

// Cortex-M: the architecture, the microcontroller profile, no ARM state, Thumb-2, as
// GNU ld wants them to link the object into M-profile firmware (an 'A' or missing
// profile stops it with "conflicting architecture profiles"). Divide is part of
// ARMv7-M, so no Tag_DIV_use, as gcc -mcpu=cortex-m4 writes none.
void emitMProfileAttributes(llvm::ARMTargetStreamer &ts, CpuArch arch) {
  namespace attrs = llvm::ARMBuildAttrs;
  ts.emitAttribute(attrs::CPU_arch, arch == CpuArch::V7M    ? attrs::v7
                                    : arch == CpuArch::V7EM ? attrs::v7E_M
                                                            : attrs::v8_M_Main);
  ts.emitAttribute(attrs::CPU_arch_profile, attrs::MicroControllerProfile);
  ts.emitAttribute(attrs::ARM_ISA_use, attrs::Not_Allowed);
  ts.emitAttribute(attrs::THUMB_ISA_use, attrs::AllowThumb32);
  ts.emitAttribute(attrs::ABI_align_preserved, 1);  // sp stays 8-byte aligned at calls
  ts.emitAttribute(attrs::ABI_VFP_args, 3);         // compatible with both float ABIs
}

// Attributes that let GNU ld and ld.lld link us next to soft-float and hard-float code:
// the object passes no floating point, so its VFP argument use is "compatible".
void emitBuildAttributes(llvm::MCStreamer &streamer, const ArmTarget &target) {
  namespace attrs = llvm::ARMBuildAttrs;
  auto &ts = static_cast<llvm::ARMTargetStreamer &>(*streamer.getTargetStreamer());
  ts.switchVendor("aeabi");
  ts.emitTextAttribute(attrs::CPU_name, target.cpu());
  if (target.isMProfile()) {
    emitMProfileAttributes(ts, target.cpuInfo().arch);
    ts.finishAttributeSection();
    return;
  }
  bool isV6 = target.cpuInfo().arch == CpuArch::V6KZ;
  bool isV8 = target.cpuInfo().arch == CpuArch::V8A;
  ts.emitAttribute(attrs::CPU_arch, isV6 ? attrs::v6KZ : isV8 ? attrs::v8_A : attrs::v7);
  if (!isV6) ts.emitAttribute(attrs::CPU_arch_profile, attrs::ApplicationProfile);
  ts.emitAttribute(attrs::ARM_ISA_use, attrs::Allowed);
  ts.emitAttribute(attrs::ABI_align_preserved, 1);  // sp stays 8-byte aligned at calls
  ts.emitAttribute(attrs::ABI_VFP_args, 3);         // compatible with both float ABIs
  if (target.hasHardwareDivide() && !isV8) ts.emitAttribute(attrs::DIV_use, attrs::AllowDIVExt);
  ts.finishAttributeSection();
}

Status assembleRoutines(llvm::MCStreamer &streamer, llvm::MCContext &ctx, llvm::SourceMgr &sources,
                        const ArmTarget &target) {
  sources.AddNewSourceBuffer(target.isThumb() ? llvm::MemoryBuffer::getMemBuffer(kThumbDivisionRoutines, "div64_thumb.S")
                                              : llvm::MemoryBuffer::getMemBuffer(kDivisionRoutines, "div64.S"),
                             llvm::SMLoc());
  std::unique_ptr<llvm::MCAsmParser> parser(llvm::createMCAsmParser(sources, ctx, streamer, target.asmInfo()));
  llvm::MCTargetOptions options;
  std::unique_ptr<llvm::MCTargetAsmParser> targetParser(
      target.target().createMCAsmParser(target.subtarget(), *parser, target.instrInfo(), options));
  if (!targetParser) return error("internal error: LLVM has no ARM assembly parser");
  parser->setTargetParser(*targetParser);
  if (parser->Run(/*NoInitialTextSection=*/true, /*NoFinalize=*/true)) return error("internal error: the division routines do not assemble");
  return std::nullopt;
}

void beginFunction(llvm::MCStreamer &streamer, const ArmTarget &target, llvm::MCSymbol *symbol, bool global) {
  streamer.emitCodeAlignment(llvm::Align(4), &target.subtarget());
  streamer.emitSymbolAttribute(symbol, global ? llvm::MCSA_Global : llvm::MCSA_Local);
  streamer.emitSymbolAttribute(symbol, llvm::MCSA_ELF_TypeFunction);
  if (target.isThumb()) streamer.emitThumbFunc(symbol);  // .thumb_func in -S; the object marks it anyway
  streamer.emitLabel(symbol);
}

void endFunction(llvm::MCStreamer &streamer, llvm::MCContext &ctx, llvm::MCSymbol *symbol) {
  llvm::MCSymbol *end = ctx.createTempSymbol();
  streamer.emitLabel(end);
  streamer.emitELFSize(symbol, llvm::MCBinaryExpr::createSub(llvm::MCSymbolRefExpr::create(end, ctx),
                                                             llvm::MCSymbolRefExpr::create(symbol, ctx), ctx));
}

// ObjectSymbols::resultHiRead: a C entry with an 8-byte result reads it, and so does a
// local call after which R0's hi word is live (track_upper_live).
std::vector<bool> resultHiReads(const Program &program, const ObjectSymbols &symbols) {
  std::vector<bool> read(program.functions.size(), false);
  for (size_t i = 0; i < program.functions.size(); ++i) {
    const Function &fn = program.functions[i];
    const abi::CType &result = fn.prototype.result;
    if (symbols.cEntries[i] && !result.isVoid() && result.armSize() == 8) read[i] = true;
    for (size_t k = 0; k < fn.insns.size(); ++k) {
      if (!fn.insns[k].insn.isCall()) continue;
      const CallTarget &call = fn.callOf(fn.insns[k]);
      if (call.kind == CallTarget::Local && fn.hiLiveAfter(k, 0 /* R0 */)) read[call.function] = true;
    }
  }
  return read;
}

// The machine-IR passes between selection and allocation, in order; none at -O0, where
// the selector's code for each BPF instruction is allocated as it stands.
void optimize(mir::Function &f, const ArmTarget &target, const EmitOptions &options) {
  if (!options.optimize) return;
  removeDeadCode(f);
  f.computeSuccessors();
  mir::Liveness liveness = mir::splitWebs(f, aapcsRegisters().allocatable);  // the folds want one def, one use
  mir::computeLoopDepths(f);
  // Before the copies move: the liveness is still the code's.
  const bool constantsFolded = foldConstantCompares(f, liveness);
  forwardCopies(f, liveness);
  if (recogniseBitPermutations(f, target)) removeDeadCode(f);
  if (target.hasV6T2Instructions()) foldBitfields(f);
  foldMultiplyAdds(f);
  foldMultiplyAccumulates(f);
  foldShifts(f, target.fits());
  foldAddressIndex(f, target.fits());
  hoistConstants(f);
  shareConstants(f);
  convertIfs(f, target);
  removeRepeatedCompares(f);
  if (constantsFolded) removeDeadCode(f);  // the constants nothing else read
}

// One function through the MIR backend up to emission: its body and, when C calls it
// through a wrapper, that C entry, both selected, optimized and allocated.
struct CompiledFunction {
  mir::Function body;
  std::optional<mir::Function> cEntry;
  std::string mirDump, regallocDump;  // --dump=mir / --dump=regalloc text, when asked for
};

// Runs on a worker thread (inOrderParallel): it reads the program and the symbols made
// beforehand, and touches no MCContext.
Expected<CompiledFunction> compileFunction(const Program &program, size_t index, const ArmTarget &target,
                                           ObjectSymbols &symbols, const EmitOptions &options) {
  const Function &fn = program.functions[index];
  Selector selector(program, fn, target, symbols);
  auto body = selector.selectBody();
  if (!body) return body.diag();
  CompiledFunction compiled{std::move(*body), std::nullopt, {}, {}};
  if (symbols.cEntries[index]) {
    auto wrapper = selector.selectCEntry();
    if (!wrapper) return wrapper.diag();
    compiled.cEntry = std::move(*wrapper);
  }
  for (mir::Function *f : {&compiled.body, compiled.cEntry ? &*compiled.cEntry : nullptr}) {
    if (!f) continue;
    if (options.mirDump) compiled.mirDump += mir::print(*f);
    optimize(*f, target, options);
    allocateRegisters(*f, aapcsRegisters());
    if (options.optimize) foldWriteback(*f, target.fits());
    if (options.regallocDump) compiled.regallocDump += mir::print(*f);
  }
  return compiled;
}

// The C entry is a wrapper function of its own, or the body itself under both symbols.
void emitCompiled(const Program &program, size_t index, const CompiledFunction &compiled, const ArmTarget &target,
                  llvm::MCContext &ctx, llvm::MCStreamer &streamer, Assembler &as, const ObjectSymbols &symbols,
                  const EmitOptions &options, DebugInfo *debug) {
  const Function &fn = program.functions[index];
  llvm::MCSymbol *entry = symbols.cEntries[index], *bodySymbol = symbols.bodies[index];
  // -S: BPF comments in the body (emit_mir.h), a line on what a C entry wrapper does.
  const BpfSource source{program, fn};
  const BpfSource *comments = options.kind == OutputKind::Assembly ? &source : nullptr;
  if (entry && compiled.cEntry) {
    beginFunction(streamer, target, entry, fn.isGlobal);
    if (comments)
      as.comment(" AAPCS entry of " + fn.name + ": C's arguments into the body convention, R0 to the C result");
    if (debug) debug->beginFunction(fn, /*describe=*/false);
    emitFunction(*compiled.cEntry, as, ctx, nullptr, debug);
    if (debug) debug->endFunction();
    endFunction(streamer, ctx, entry);
  }
  if (entry && !compiled.cEntry) {
    // The body is the C entry: one code, two symbols.
    beginFunction(streamer, target, entry, fn.isGlobal);
    streamer.emitSymbolAttribute(bodySymbol, llvm::MCSA_Local);
    streamer.emitSymbolAttribute(bodySymbol, llvm::MCSA_ELF_TypeFunction);
    streamer.emitLabel(bodySymbol);
    if (debug) debug->beginFunction(fn, /*describe=*/true);
    emitFunction(compiled.body, as, ctx, comments, debug);
    if (debug) debug->endFunction();
    endFunction(streamer, ctx, bodySymbol);
    endFunction(streamer, ctx, entry);
    return;
  }
  beginFunction(streamer, target, bodySymbol, false);
  if (debug) debug->beginFunction(fn, /*describe=*/true);
  emitFunction(compiled.body, as, ctx, comments, debug);
  if (debug) debug->endFunction();
  endFunction(streamer, ctx, bodySymbol);
}

// Every symbol the functions' code refers to, made before selection starts (see
// ObjectSymbols): each function's entries, the division routines, and what calls name.
void makeSymbols(const Program &program, const ArmTarget &target, llvm::MCContext &ctx, SymbolNames &names,
                 ObjectSymbols &symbols) {
  for (const Function &fn : program.functions) {
    llvm::MCSymbol *entry = fn.isGlobal ? ctx.getOrCreateSymbol(program.exported.program(fn.name))
                            : fn.addressTaken ? ctx.getOrCreateSymbol(names.local(fn.name)) : nullptr;
    symbols.cEntries.push_back(entry);
    symbols.bodies.push_back(ctx.getOrCreateSymbol(names.local(entry ? fn.name + ".bpf" : fn.name)));
    for (const Instruction &ins : fn.insns) symbols.makesTailCalls |= isTailCall(fn, ins);
    for (const CallTarget &call : fn.calls)
      if (call.kind == CallTarget::Helper || call.kind == CallTarget::Extern)
        symbols.callees.emplace(call.symbol, nullptr);
  }
  for (const char *runtimeEntry : kTailCallRuntimeEntries) symbols.callees.emplace(runtimeEntry, nullptr);
  for (const char *runtimeFunction : targetRuntimeFunctions(target)) symbols.callees.emplace(runtimeFunction, nullptr);
  for (auto &[name, symbol] : symbols.callees) symbol = ctx.getOrCreateSymbol(name);
  for (size_t r = 0; r < kRoutineCount; ++r) symbols.routines[r] = ctx.getOrCreateSymbol(routineName(Routine(r)));
  symbols.resultHiRead = resultHiReads(program, symbols);
}


}  // namespace

std::vector<const char *> targetRuntimeFunctions(const ArmTarget &target) {
  if (target.hasLdrexd()) return {};
  return atomic64RuntimeFunctions();
}

Expected<std::string> emitProgram(const Program &program, const ArmTarget &target, const EmitOptions &emitOptions) {
  OutputKind kind = emitOptions.kind;
  llvm::SourceMgr sources;
  std::string mcErrors;
  llvm::MCTargetOptions options;
  // -S -gdwarf-5: `.file 0 "dir" "name"`, so that an assembler's line table names the
  // directory as ours does (given the path in one string, it would name its own working
  // directory for file 0). DWARF 4 keeps the one string that GNU as 2.40 takes there.
  options.MCUseDwarfDirectory = emitOptions.dwarfVersion >= 5 ? llvm::MCTargetOptions::EnableDwarfDirectory
                                                              : llvm::MCTargetOptions::DisableDwarfDirectory;
  llvm::MCContext ctx(target.triple(), &target.asmInfo(), &target.registerInfo(), &target.subtarget(), &sources,
                      &options);
  // Fixups out of range and the like are reported, never truncated: collect them.
  ctx.setDiagnosticHandler([&mcErrors](const llvm::SMDiagnostic &diag, bool, const llvm::SourceMgr &,
                                       std::vector<const llvm::MDNode *> &) {
    if (diag.getKind() != llvm::SourceMgr::DK_Error) return;
    mcErrors += (mcErrors.empty() ? "" : "; ") + diag.getMessage().str();
  });
  std::unique_ptr<llvm::MCObjectFileInfo> fileInfo(target.target().createMCObjectFileInfo(ctx, /*PIC=*/target.isPositionIndependent()));
  ctx.setObjectFileInfo(fileInfo.get());

  llvm::SmallString<0> bytes;
  llvm::raw_svector_ostream os(bytes);
  std::unique_ptr<llvm::MCAsmBackend> backend(
      target.target().createMCAsmBackend(target.subtarget(), target.registerInfo(), options));
  std::unique_ptr<llvm::MCCodeEmitter> encoder(target.target().createMCCodeEmitter(target.instrInfo(), ctx));
  if (!backend || !encoder) return error("internal error: cannot create the LLVM ARM object writer");
  std::unique_ptr<llvm::MCStreamer> streamer;
  if (kind == OutputKind::Object) {
    auto writer = backend->createObjectWriter(os);
    streamer.reset(target.target().createMCObjectStreamer(target.triple(), ctx, std::move(backend), std::move(writer),
                                                          std::move(encoder), target.subtarget()));
  } else {
    // The streamer owns the printer.
    llvm::MCInstPrinter *printer = target.target().createMCInstPrinter(target.triple(), 0, target.asmInfo(),
                                                                       target.instrInfo(), target.registerInfo());
    auto out = std::make_unique<llvm::formatted_raw_ostream>(os);
    streamer.reset(target.target().createAsmStreamer(ctx, std::move(out), printer, nullptr, nullptr));
  }
  if (!streamer) return error("internal error: cannot create the LLVM ARM streamer");
  streamer->initSections(false, target.subtarget());
  if (target.isThumb()) {  // T32 from the start, in the syntax both instruction sets share
    streamer->emitAssemblerFlag(llvm::MCAF_SyntaxUnified);
    streamer->emitAssemblerFlag(llvm::MCAF_Code16);
  }
  emitBuildAttributes(*streamer, target);
  streamer->switchSection(fileInfo->getTextSection());
  std::optional<DebugInfo> debug;
  if (emitOptions.dwarfVersion)
    debug.emplace(program, ctx, *streamer, emitOptions.input, emitOptions.producer, emitOptions.dwarfVersion);

  // Each function's body is reached by local calls under its internal symbol; a global
  // function also gets an AAPCS entry under its own name that C code calls, and so does
  // a static one whose address is taken (a callback the runtime calls from C), as a
  // local symbol: the ld_imm64 that takes the address loads that entry's.
  ObjectSymbols symbols;
  DataLayout data(program, ctx, target.relocationModel() == RelocationModel::Pic);
  symbols.data = &data;
  SymbolNames names(program, targetRuntimeFunctions(target));
  makeSymbols(program, target, ctx, names, symbols);
  std::unique_ptr<Assembler> assembler = makeAssembler(target, ctx, streamer.get());
  Assembler &as = *assembler;
  Status failed;
  inOrderParallel<Expected<CompiledFunction>>(
      program.functions.size(), threadsFor(program.instructionCount(), program.functions.size(), emitOptions.threads),
      [&](size_t i) { return compileFunction(program, i, target, symbols, emitOptions); },
      [&](size_t i, Expected<CompiledFunction> compiled) {
        if (!compiled) {
          failed = compiled.diag();
          return false;
        }
        if (emitOptions.mirDump) *emitOptions.mirDump += compiled->mirDump;
        if (emitOptions.regallocDump) *emitOptions.regallocDump += compiled->regallocDump;
        emitCompiled(program, i, *compiled, target, ctx, *streamer, as, symbols, emitOptions, debug ? &*debug : nullptr);
        return true;
      });
  if (failed) return *failed;
  if (symbols.usesRoutines) {
    if (debug) debug->leaveFunctions();
    if (Status st = assembleRoutines(*streamer, ctx, sources, target)) return *st;
  }
  if (debug) debug->finish();

  auto programEntry = [&](const std::string &name) -> llvm::MCSymbol * {
    for (const Function &fn : program.functions)
      if (fn.name == name && fn.isGlobal) return ctx.getOrCreateSymbol(program.exported.program(name));
    return nullptr;
  };
  if (Status st = data.emit(*streamer, programEntry, emitOptions.numCpus, names)) return *st;

  streamer->switchSection(ctx.getELFSection(".note.GNU-stack", llvm::ELF::SHT_PROGBITS, 0));
  streamer->finish();
  streamer.reset();  // flushes the assembly text
  if (!mcErrors.empty() || ctx.hadError())
    return error("internal error while encoding ARM code: " + (mcErrors.empty() ? "MC layer error" : mcErrors));
  return std::string(bytes.begin(), bytes.end());
}

}  // namespace bpf2arm::arm
