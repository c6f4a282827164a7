// The helper database: which C function a `call ID` (src_reg 0) calls, and with which
// prototype. Standard ids come from libbpf's bpf_helper_defs.h, turned into BTF at build
// time (scripts/gen_helper_btf.py); users add or override ids with
// `--helper 'ID=RESULT NAME(PARAMS)'`.
#pragma once

#include <map>
#include <string>

#include "c_type.h"
#include "diagnostics.h"

namespace bpf2arm::abi {

struct Helper {
  std::string name;       // the C symbol the call branches to
  Prototype prototype;
  std::string unusable;   // non-empty when the prototype cannot be called (e.g. variadic)
  // A standard helper that runtime-stub/ does not define: the firmware must define
  // `name` itself, so its calls get a warning. False for helpers declared with --helper.
  bool firmwareMustDefine = false;
};

// The C symbol of the standard helper `name`: its own name, except for the helpers whose
// names libbpf's user-space API (bpf/bpf.h) gives functions of other prototypes
// (bpf_map_lookup_elem(int fd, ...)): the runtime defines those as bpf2arm_map_*_elem, so
// that firmware which also links libbpf, or a host test harness, has one of each.
std::string helperSymbol(const std::string &name);

// Whether runtime-stub/ defines the function `name` (its list is read from the compiled
// stub at build time, scripts/gen_runtime_helpers.py).
bool runtimeDefines(const std::string &name);

class HelperTable {
 public:
  // The standard helpers of libbpf's header.
  static HelperTable standard();

  const Helper *find(int32_t id) const;
  size_t size() const { return helpers_.size(); }

  // Adds (or replaces) a helper from a declaration like "long my_helper(const void *p, __u32 n)".
  Status addCustom(int32_t id, const std::string &declaration);
  // Parses the `--helper` option value "ID=DECLARATION".
  Status addCustomOption(const std::string &option);

 private:
  std::map<int32_t, Helper> helpers_;
};

// Parses a C function declaration made of scalar types (integers of any spelling, the
// fixed-width kernel and stdint typedefs, bool, enums, pointers). Exposed for tests.
Expected<std::pair<std::string, Prototype>> parseDeclaration(const std::string &declaration);

}  // namespace bpf2arm::abi
