#include "symbol_clashes.h"

namespace bpf2arm {
namespace {

constexpr int32_t kTailCallHelperId = 12;  // BPF_FUNC_tail_call

bool makesTailCalls(const Program &program) {
  for (const Function &fn : program.functions)
    for (const CallTarget &call : fn.calls)
      if (call.kind == CallTarget::Helper && call.helperId == kTailCallHelperId) return true;
  return false;
}

// Empty, or why `name` (a symbol the program defines) is bpf2arm's.
std::string reservedBecause(const std::string &name) {
  if (name.rfind(kOwnSymbolPrefix, 0) == 0)
    return std::string("names beginning with ") + kOwnSymbolPrefix + " are bpf2arm's own (division routines, map tables)";
  if (!name.empty() && name[0] == '.')
    return "names beginning with '.' are those of sections and assembler labels in the ARM object";
  return "";
}

// What in the program refers to `name` without defining it, for the message.
std::string referrer(const Program &program, const std::vector<const char *> &runtimeFunctions, const std::string &name) {
  for (const Function &fn : program.functions)
    for (const CallTarget &call : fn.calls) {
      if (call.symbol != name) continue;
      if (call.kind == CallTarget::Helper) return "the helper that " + fn.name + " calls as id " + std::to_string(call.helperId);
      if (call.kind == CallTarget::Extern) return "the extern function that " + fn.name + " calls";
    }
  for (const char *entry : kTailCallRuntimeEntries)
    if (name == entry) return "the runtime's tail-call entry, which the program's tail calls reach";
  for (const char *function : runtimeFunctions)
    if (name == function) return "a runtime function that code for this CPU calls (64-bit atomics without ldrexd)";
  return "an extern variable the program refers to";
}

}  // namespace

std::set<std::string> referencedSymbols(const Program &program, const std::vector<const char *> &runtimeFunctions) {
  std::set<std::string> names(runtimeFunctions.begin(), runtimeFunctions.end());
  for (const Function &fn : program.functions) {
    for (const CallTarget &call : fn.calls)
      if (call.kind == CallTarget::Helper || call.kind == CallTarget::Extern) names.insert(call.symbol);
    for (const AddressRef &ref : fn.addresses)
      if (ref.kind == AddressRef::Extern) names.insert(ref.symbol);
  }
  for (const DataSection &sec : program.data)
    for (const DataSection::Pointer &p : sec.pointers)
      if (p.target.kind == AddressRef::Extern) names.insert(p.target.symbol);
  if (makesTailCalls(program)) names.insert(std::begin(kTailCallRuntimeEntries), std::end(kTailCallRuntimeEntries));
  return names;
}

bool isReservedSymbolName(const std::string &name) { return !reservedBecause(name).empty(); }

Status checkSymbolClashes(const Program &program, const std::vector<const char *> &runtimeFunctions) {
  const std::set<std::string> referenced = referencedSymbols(program, runtimeFunctions);
  return forEachDefinedSymbol(program, program.exported, [&](const DefinedSymbol &def) -> Status {
    if (std::string why = reservedBecause(def.symbol); !why.empty())
      return errorAt(def.name, -1, std::string("the ARM object cannot give a ") + def.kind + " this name: " + why +
                                       "; rename the " + def.kind);
    if (def.isGlobal && referenced.count(def.symbol))
      return errorAt(def.name, -1, std::string("this ") + def.kind + "'s symbol " + def.symbol + " is also the name of " +
                                       referrer(program, runtimeFunctions, def.symbol) + ", so that reference would reach the " +
                                       def.kind + "; rename the " + def.kind);
    return std::nullopt;
  });
}

}  // namespace bpf2arm
