// The helper database: derived from libbpf's bpf_helper_defs.h at build time, plus
// custom declarations given on the command line.
#include <doctest/doctest.h>

#include "abi/helper_table.h"

using namespace bpf2arm::abi;

TEST_CASE("standard helpers come from bpf_helper_defs.h with their prototypes") {
  HelperTable table = HelperTable::standard();
  CHECK(table.size() > 150);
  const Helper *lookup = table.find(1);
  REQUIRE(lookup);
  CHECK(lookup->name == "bpf2arm_map_lookup_elem");  // libbpf has its own bpf_map_lookup_elem
  CHECK(lookup->prototype.params.size() == 2);
  CHECK(lookup->prototype.result.kind == TypeKind::Pointer);
  const Helper *ktime = table.find(5);
  REQUIRE(ktime);
  CHECK(ktime->name == "bpf_ktime_get_ns");
  CHECK(ktime->prototype.params.empty());
  CHECK(ktime->prototype.result.size == 8);
  const Helper *printk = table.find(6);
  REQUIRE(printk);
  CHECK(printk->name == "bpf_trace_printk");
  CHECK(printk->unusable.empty());  // called as (fmt, size, u64, u64, u64), like the runtime stub
  CHECK(printk->prototype.params.size() == 5);

  CHECK(table.find(100000) == nullptr);
}

TEST_CASE("custom helper declarations") {
  auto parsed = parseDeclaration("long my_helper(const void *buf, __u32 len, signed char c)");
  REQUIRE(bool(parsed));
  CHECK(parsed->first == "my_helper");
  const Prototype &p = parsed->second;
  CHECK(p.result.size == 8);
  CHECK(p.result.isSigned);
  REQUIRE(p.params.size() == 3);
  CHECK(p.params[0].kind == TypeKind::Pointer);
  CHECK(p.params[1].size == 4);
  CHECK_FALSE(p.params[1].isSigned);
  CHECK(p.params[2].size == 1);
  CHECK(p.params[2].isSigned);

  auto noArgs = parseDeclaration("unsigned int tick(void)");
  REQUIRE(bool(noArgs));
  CHECK(noArgs->second.params.empty());
  CHECK_FALSE(noArgs->second.result.isSigned);

  CHECK_FALSE(bool(parseDeclaration("long f(struct s x)")));
  CHECK_FALSE(bool(parseDeclaration("long f(const char *fmt, ...)")));
  CHECK_FALSE(bool(parseDeclaration("double f(int)")));
  CHECK_FALSE(bool(parseDeclaration("int f(int, int, int, int, int, int)")));
  CHECK_FALSE(bool(parseDeclaration("not a declaration")));
  CHECK_FALSE(bool(parseDeclaration("int f(int int)")));
  CHECK_FALSE(bool(parseDeclaration("long long long f(int)")));
  CHECK_FALSE(bool(parseDeclaration("int f(__u32 long)")));
  auto byValue = parseDeclaration("long f(struct s)");  // unnamed: `s` is the tag, not a name
  REQUIRE_FALSE(bool(byValue));
  CHECK(byValue.diag().message.find("passed by value") != std::string::npos);
}

TEST_CASE("custom helper declarations: unnamed enums, arrays, long long int") {
  auto parsed = parseDeclaration("long long int f(enum e, const __u8 data[], int sizes[4], unsigned long long int)");
  REQUIRE(bool(parsed));
  const Prototype &p = parsed->second;
  CHECK(p.result.size == 8);
  CHECK(p.result.isSigned);
  REQUIRE(p.params.size() == 4);
  CHECK(p.params[0].kind == TypeKind::Integer);
  CHECK(p.params[0].size == 4);
  CHECK(p.params[1].kind == TypeKind::Pointer);
  CHECK(p.params[2].kind == TypeKind::Pointer);
  CHECK(p.params[3].size == 8);
  CHECK_FALSE(p.params[3].isSigned);

  HelperTable table;
  CHECK_FALSE(table.addCustomOption("200=int f(int)").has_value());
  REQUIRE(table.find(200));
  CHECK(table.find(200)->name == "f");
  CHECK(table.addCustomOption("x=int f(int)").has_value());
}

TEST_CASE("which helpers the firmware must define: those the runtime stub lacks, unless declared") {
  HelperTable table = HelperTable::standard();
  CHECK(runtimeDefines("bpf2arm_map_lookup_elem"));
  CHECK_FALSE(runtimeDefines("bpf_map_lookup_elem"));
  CHECK_FALSE(runtimeDefines("bpf_get_socket_cookie"));
  CHECK_FALSE(table.find(1)->firmwareMustDefine);   // bpf_map_lookup_elem
  CHECK_FALSE(table.find(6)->firmwareMustDefine);   // bpf_trace_printk, redeclared by the table itself
  CHECK_FALSE(table.find(12)->firmwareMustDefine);  // bpf_tail_call, lowered by bpf2arm
  REQUIRE(table.find(46));
  CHECK(table.find(46)->name == "bpf_get_socket_cookie");
  CHECK(table.find(46)->firmwareMustDefine);
  REQUIRE_FALSE(table.addCustomOption("46=__u64 my_cookie(void *ctx)"));
  CHECK_FALSE(table.find(46)->firmwareMustDefine);  // the user's own now
}

TEST_CASE("warnings render as editors parse them, as errors do") {
  using bpf2arm::Diagnostic;
  Diagnostic withLine = bpf2arm::warningAt("f", 3, "prog.c:12", 9, "what");
  CHECK(withLine.render("in.o") == "prog.c:12:9: warning: what (in f, insn 3 of in.o)");
  CHECK(withLine.render("in.o", true) == "prog.c:12:9: error: what (in f, insn 3 of in.o)");
  CHECK(bpf2arm::warningAt("f", 3, "prog.c:12", 0, "what").render("in.o") ==
        "prog.c:12: warning: what (in f, insn 3 of in.o)");
  CHECK(bpf2arm::warningAt("f", 3, "", 0, "what").render("in.o") == "in.o: warning: f: insn 3: what");
  CHECK(bpf2arm::errorAt("f", 3, "what").render("in.o") == "in.o: error: f: insn 3: what");
  Diagnostic errorWithLine = bpf2arm::errorAt("f", 3, "what");
  errorWithLine.sourceLine = "prog.c:12";
  errorWithLine.column = 9;
  CHECK(errorWithLine.render("in.o") == "prog.c:12:9: error: what (in f, insn 3 of in.o)");
}
