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
std::string referrer(const Program &program, const std::vector<const char *> &targetCalls, const std::string &name) {
  for (const Function &fn : program.functions)
    for (const CallTarget &call : fn.calls) {
      if (call.symbol != name) continue;
      if (call.kind == CallTarget::Helper) return "the helper that " + fn.name + " calls as id " + std::to_string(call.helperId);
      if (call.kind == CallTarget::Extern) return "the extern function that " + fn.name + " calls";
    }
  for (const char *entry : kTailCallRuntimeEntries)
    if (name == entry) return "the runtime's tail-call entry, which the program's tail calls reach";
  for (const char *function : targetCalls)
    if (name == function) return "a runtime function that code for this CPU calls (64-bit atomics without ldrexd)";
  return "an extern variable the program refers to";
}

}  // namespace

std::set<std::string> referencedSymbols(const Program &program, const std::vector<const char *> &targetCalls) {
  std::set<std::string> names(targetCalls.begin(), targetCalls.end());
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

Status checkSymbolClashes(const Program &program, const std::vector<const char *> &targetCalls) {
  const std::set<std::string> referenced = referencedSymbols(program, targetCalls);
  // (what, its name in the program, its symbol, global)
  auto check = [&](const std::string &what, const std::string &name, const std::string &symbol,
                   bool global) -> Status {
    if (std::string why = reservedBecause(symbol); !why.empty())
      return errorAt(name, -1, "the ARM object cannot give a " + what + " this name: " + why + "; rename the " + what);
    if (global && referenced.count(symbol))
      return errorAt(name, -1, "this " + what + "'s symbol " + symbol + " is also the name of " + referrer(program, targetCalls, symbol) +
                                   ", so that reference would reach the " + what + "; rename the " + what);
    return std::nullopt;
  };
  for (const Function &fn : program.functions)
    if (Status st = check("function", fn.name, fn.isGlobal ? program.exported.program(fn.name) : fn.name, fn.isGlobal))
      return st;
  for (const MapDef &m : program.maps)
    if (Status st = check("map", m.name, m.isGlobal ? program.exported.data(m.name) : m.name, m.isGlobal)) return st;
  for (const DataSection &sec : program.data)
    for (const DataSection::Symbol &sym : sec.symbols)
      if (Status st = check("variable", sym.name, sym.isGlobal ? program.exported.data(sym.name) : sym.name, sym.isGlobal))
        return st;
  return std::nullopt;
}

}  // namespace bpf2arm
