#include "helper_table.h"

#include <bpf/btf.h>

#include <cctype>
#include <algorithm>
#include <cstring>
#include <memory>
#include <regex>
#include <vector>

#include "btf_prototype.h"

namespace bpf2arm::abi {
namespace {

const unsigned char kHelperBtf[] = {
#include "helper_btf.inc"
};

const char *const kRuntimeHelpers[] = {
#include "runtime_helpers.inc"
};

struct BtfFree {
  void operator()(struct btf *b) const { btf__free(b); }
};

}  // namespace

HelperTable HelperTable::standard() {
  HelperTable table;
  std::unique_ptr<struct btf, BtfFree> btf(btf__new(kHelperBtf, sizeof kHelperBtf));
  if (!btf) return table;  // asserted non-empty by the unit tests
  static const std::regex varName("__bpf2arm_helper_([0-9]+)_(\\w+)");
  for (unsigned id = 1; id < btf__type_cnt(btf.get()); ++id) {
    const struct btf_type *t = btf__type_by_id(btf.get(), id);
    if (!btf_is_var(t)) continue;
    std::string varText = btfName(btf.get(), t->name_off);
    std::smatch m;
    if (!std::regex_match(varText, m, varName)) continue;
    Helper helper;
    helper.name = helperSymbol(m[2].str());
    const struct btf_type *ptr = btf__type_by_id(btf.get(), t->type);
    auto proto = ptr && btf_is_ptr(ptr) ? prototypeFromBtf(btf.get(), int(ptr->type))
                                        : Expected<Prototype>(error("not a function pointer"));
    if (proto) helper.prototype = *proto;
    else helper.unusable = proto.diag().message;
    table.helpers_[std::stoi(m[1].str())] = helper;
  }
  // bpf_trace_printk is variadic in the header, but BPF passes every argument as a
  // 64-bit register, so the runtime stub takes exactly that: R3-R5 as three u64s.
  table.addCustom(6, "long bpf_trace_printk(const char *fmt, __u32 fmt_size, __u64 a1, __u64 a2, __u64 a3)");
  // bpf_tail_call is never called: the backend lowers it to the runtime's
  // bpf2arm_tail_call_target and a jump.
  for (auto &[id, helper] : table.helpers_)
    helper.firmwareMustDefine = !runtimeDefines(helper.name) && helper.name != "bpf_tail_call";
  return table;
}

std::string helperSymbol(const std::string &name) {
  static const char *const kLibbpfApiNames[] = {"bpf_map_lookup_elem", "bpf_map_update_elem", "bpf_map_delete_elem"};
  for (const char *clash : kLibbpfApiNames)
    if (name == clash) return "bpf2arm_" + name.substr(std::strlen("bpf_"));
  return name;
}

bool runtimeDefines(const std::string &name) {
  return std::find(std::begin(kRuntimeHelpers), std::end(kRuntimeHelpers), name) != std::end(kRuntimeHelpers);
}

const Helper *HelperTable::find(int32_t id) const {
  auto it = helpers_.find(id);
  return it == helpers_.end() ? nullptr : &it->second;
}

Status HelperTable::addCustom(int32_t id, const std::string &declaration) {
  auto parsed = parseDeclaration(declaration);
  if (!parsed) return parsed.diag();
  helpers_[id] = Helper{parsed->first, parsed->second, ""};
  return std::nullopt;
}

Status HelperTable::addCustomOption(const std::string &option) {
  size_t eq = option.find('=');
  std::string idText = option.substr(0, eq);
  if (eq == std::string::npos || idText.empty() ||
      idText.find_first_not_of("0123456789") != std::string::npos || idText.size() > 9)
    return error("--helper expects ID=DECLARATION, e.g. --helper '200=long my_helper(const void *p, __u32 n)'");
  return addCustom(std::stoi(idText), option.substr(eq + 1));
}

namespace {

std::vector<std::string> tokenize(const std::string &text) {
  std::vector<std::string> tokens;
  for (size_t i = 0; i < text.size();) {
    unsigned char c = text[i];
    if (std::isspace(c)) {
      ++i;
    } else if (std::isalnum(c) || c == '_') {
      size_t j = i;
      while (j < text.size() && (std::isalnum(static_cast<unsigned char>(text[j])) || text[j] == '_')) ++j;
      tokens.push_back(text.substr(i, j - i));
      i = j;
    } else {
      tokens.push_back(std::string(1, char(c)));
      ++i;
    }
  }
  return tokens;
}

// One type from its words, e.g. {"const", "unsigned", "char", "*"}. BPF is LP64, so
// `long` is 8 bytes; plain char is signed on BPF as on x86.
Expected<CType> typeFromWords(const std::vector<std::string> &words) {
  static const std::map<std::string, std::pair<unsigned, bool>> typedefs = {
      {"__u8", {1, false}},     {"__s8", {1, true}},     {"__u16", {2, false}},    {"__s16", {2, true}},
      {"__u32", {4, false}},    {"__s32", {4, true}},    {"__u64", {8, false}},    {"__s64", {8, true}},
      {"u8", {1, false}},       {"s8", {1, true}},       {"u16", {2, false}},      {"s16", {2, true}},
      {"u32", {4, false}},      {"s32", {4, true}},      {"u64", {8, false}},      {"s64", {8, true}},
      {"uint8_t", {1, false}},  {"int8_t", {1, true}},   {"uint16_t", {2, false}}, {"int16_t", {2, true}},
      {"uint32_t", {4, false}}, {"int32_t", {4, true}},  {"uint64_t", {8, false}}, {"int64_t", {8, true}},
      {"bool", {1, false}},     {"_Bool", {1, false}},   {"size_t", {8, false}},
  };
  std::string spelling;
  int pointers = 0;
  bool sawType = false, sawVoid = false, byValueAggregate = false;
  unsigned ints = 0, chars = 0, shorts = 0, longs = 0, others = 0, signs = 0;  // to refuse `int int`
  unsigned size = 0;
  int sign = -1;  // -1: the default of the base type (signed)
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string &w = words[i];
    if (w == "*") {
      ++pointers;
      continue;
    }
    spelling += (spelling.empty() ? "" : " ") + w;
    if (w == "const" || w == "volatile" || w == "restrict") continue;
    sawType = true;
    if (w == "struct" || w == "union" || w == "enum") {
      if (i + 1 >= words.size()) return error("'" + w + "' without a name");
      spelling += " " + words[++i];
      ++others;
      if (w == "enum") size = 4, sign = 0;
      else byValueAggregate = true;
    } else if (w == "void") {
      ++others;
      sawVoid = true;
    } else if (w == "unsigned" || w == "signed") {
      ++signs;
      sign = w == "signed";
      if (!size) size = 4;
    } else if (w == "char") {
      ++chars;
      size = 1;
    } else if (w == "short") {
      ++shorts;
      size = 2;
    } else if (w == "int") {
      ++ints;
      if (!size) size = 4;
    } else if (w == "long") {
      ++longs;
      size = 8;
    } else if (w == "float" || w == "double") {
      return error("floating point cannot cross the call boundary");
    } else if (auto td = typedefs.find(w); td != typedefs.end()) {
      ++others;
      size = td->second.first;
      sign = td->second.second;
    } else {
      return error("unknown type name '" + w + "'");
    }
  }
  if (!sawType) return error("missing type");
  unsigned builtins = chars + shorts + (longs ? 1 : 0);
  if (ints > 1 || longs > 2 || signs > 1 || builtins > 1 || others > 1 || (others && (builtins || ints || signs)) ||
      (chars && ints))
    return error("'" + spelling + "' is not a type");
  for (int p = 0; p < pointers; ++p) spelling += " *";
  if (pointers) return CType::pointer(spelling);
  if (sawVoid) return CType::voidType();
  if (byValueAggregate) return error("'" + spelling + "' passed by value cannot cross the call boundary; pass a pointer");
  return CType::integer(size, sign != 0, spelling);
}

// Empty, or what keeps `tokens` from having the shape RESULT NAME(PARAMS) that the type
// reading below expects: one declaration, one pair of parentheses closing it, C's tokens.
std::string shapeProblem(const std::vector<std::string> &tokens) {
  auto first = [&](const char *token) { return std::find(tokens.begin(), tokens.end(), token); };
  if (auto semicolon = first(";"); semicolon != tokens.end()) {
    std::string before;  // the tokens as C spells them: `long f(void)`
    for (auto it = tokens.begin(); it != semicolon; ++it) {
      const bool glued = before.empty() || *it == "(" || *it == ")" || *it == "," || before.back() == '(';
      before += (glued ? "" : " ") + *it;
    }
    return "one declaration per --helper, but ';' after '" + before +
           "' starts another; give each helper its own --helper ID=DECLARATION";
  }
  const auto opens = std::count(tokens.begin(), tokens.end(), "("), closes = std::count(tokens.begin(), tokens.end(), ")");
  if (opens > 1 || closes > 1)
    return "more than one pair of parentheses; function pointer parameters are not supported (pass a void *)";
  if (opens != closes) return opens ? "')' missing at the end of the parameter list" : "'(' missing before the parameters";
  if (closes && tokens.back() != ")") return "'" + *(first(")") + 1) + "' after the parameter list";
  for (const std::string &t : tokens) {
    const unsigned char c = static_cast<unsigned char>(t[0]);
    if (!std::isalnum(c) && c != '_' && std::string("*(),[].").find(char(c)) == std::string::npos)
      return "unexpected '" + t + "'";
  }
  return "";
}

}  // namespace

Expected<std::pair<std::string, Prototype>> parseDeclaration(const std::string &declaration) {
  std::vector<std::string> tokens = tokenize(declaration);
  if (!tokens.empty() && tokens.back() == ";") tokens.pop_back();
  if (std::string why = shapeProblem(tokens); !why.empty())
    return error("cannot read the declaration '" + declaration + "': " + why);
  auto open = std::find(tokens.begin(), tokens.end(), "(");
  if (open == tokens.end() || open == tokens.begin() || tokens.back() != ")")
    return error("cannot read the declaration '" + declaration + "': expected RESULT NAME(PARAMS)");
  std::string name = *(open - 1);
  if (!std::isalpha(static_cast<unsigned char>(name[0])) && name[0] != '_')
    return error("cannot read the declaration '" + declaration + "': no function name");
  auto result = typeFromWords(std::vector<std::string>(tokens.begin(), open - 1));
  if (!result) return error("result of " + name + ": " + result.diag().message);
  Prototype proto;
  proto.result = *result;
  std::vector<std::string> words;
  auto flush = [&](bool last) -> Status {
    if (words.empty()) {
      if (last && proto.params.empty()) return std::nullopt;
      return error("empty parameter in '" + declaration + "'");
    }
    if (words == std::vector<std::string>{"void"} && last && proto.params.empty()) return std::nullopt;
    if (words.back() == ".") return error(name + " is variadic, which cannot cross the call boundary");
    // An array parameter (`T name[]`, `T name[N]`) is a pointer, as in C.
    bool array = false;
    if (words.back() == "]") {
      auto bracket = std::find(words.begin(), words.end(), "[");
      if (bracket == words.begin()) return error("cannot read parameter " + std::to_string(proto.params.size() + 1) + " of " + name);
      words.erase(bracket, words.end());
      array = true;
    }
    // A trailing identifier that is no type word, nor a struct, union or enum tag, is the
    // parameter's name.
    bool tagged = words.size() > 1 && (words[words.size() - 2] == "struct" || words[words.size() - 2] == "union" ||
                                       words[words.size() - 2] == "enum");
    if (words.size() > 1 && words.back() != "*" && !tagged) {
      auto last = typeFromWords({words.back()});
      if (!last && last.diag().message.rfind("unknown type name", 0) == 0) words.pop_back();
    }
    if (array) words.push_back("*");
    auto t = typeFromWords(words);
    if (!t) return error("parameter " + std::to_string(proto.params.size() + 1) + " of " + name + ": " + t.diag().message);
    if (t->isVoid()) return error("parameter of type void in " + name);
    proto.params.push_back(*t);
    words.clear();
    return std::nullopt;
  };
  for (auto it = open + 1; it != tokens.end() - 1; ++it) {
    if (*it == ",") {
      if (Status st = flush(false)) return *st;
    } else {
      words.push_back(*it);
    }
  }
  if (Status st = flush(true)) return *st;
  if (proto.params.size() > 5) return error(name + " has more than 5 parameters; BPF passes at most R1-R5");
  return std::make_pair(name, proto);
}

}  // namespace bpf2arm::abi
