// AAPCS argument placement, with expectations written from the AAPCS base standard
// (section 6.5: NCRN/NSAA, even register pairs, no back-filling after the stack).
#include <doctest/doctest.h>

#include "abi/aapcs.h"

using namespace bpf2arm::abi;

namespace {
CType s32() { return CType::integer(4, true, "int"); }
CType s64() { return CType::integer(8, true, "long long"); }
CType u8() { return CType::integer(1, false, "unsigned char"); }
CType ptr() { return CType::pointer("void *"); }

CallLayout place(std::vector<CType> params) {
  auto layout = placeArguments(Prototype{s32(), std::move(params), {}});
  REQUIRE(bool(layout));
  return *layout;
}
}  // namespace

TEST_CASE("seed case 1: foo(int a, int b, long long c, int d)") {
  CallLayout l = place({s32(), s32(), s64(), s32()});
  CHECK(l.args[0].kind == ArgLocation::Register);
  CHECK(l.args[0].reg == 0);
  CHECK(l.args[1].reg == 1);
  CHECK(l.args[2].kind == ArgLocation::RegisterPair);
  CHECK(l.args[2].reg == 2);
  CHECK(l.args[3].kind == ArgLocation::Stack);
  CHECK(l.args[3].stackOffset == 0);
  CHECK(l.stackBytes == 8);
}

TEST_CASE("seed case 2: bar(int, int, int, int) uses r0-r3") {
  CallLayout l = place({s32(), s32(), s32(), s32()});
  for (unsigned i = 0; i < 4; ++i) {
    CHECK(l.args[i].kind == ArgLocation::Register);
    CHECK(l.args[i].reg == i);
  }
  CHECK(l.stackBytes == 0);
}

TEST_CASE("the result comes back in r0, or r0:r1 for 64-bit values") {
  auto layout = placeArguments(Prototype{s64(), {s32()}, {}});
  REQUIRE(bool(layout));
  REQUIRE(layout->result.has_value());
  CHECK(layout->result->kind == ArgLocation::RegisterPair);
  CHECK(layout->result->reg == 0);
  auto narrow = placeArguments(Prototype{CType::integer(1, true, "s8"), {}, {}});
  REQUIRE(bool(narrow));
  CHECK(narrow->result->kind == ArgLocation::Register);
  CHECK(narrow->resultConversion.widen == Widen::Sign8);
  auto none = placeArguments(Prototype{CType::voidType(), {}, {}});
  REQUIRE(bool(none));
  CHECK_FALSE(none->result.has_value());
}

TEST_CASE("f(int, long long) skips r1") {
  CallLayout l = place({s32(), s64()});
  CHECK(l.args[1].kind == ArgLocation::RegisterPair);
  CHECK(l.args[1].reg == 2);
}

TEST_CASE("f(long long, int, long long): third on the stack, 8-byte aligned, r3 unused") {
  CallLayout l = place({s64(), s32(), s64()});
  CHECK(l.args[0].reg == 0);
  CHECK(l.args[1].kind == ArgLocation::Register);
  CHECK(l.args[1].reg == 2);
  CHECK(l.args[2].kind == ArgLocation::Stack);
  CHECK(l.args[2].stackOffset == 0);
  CHECK(l.stackBytes == 8);
}

TEST_CASE("no back-filling: after a 64-bit value goes to the stack, an int does not take r3") {
  CallLayout l = place({s32(), s32(), s32(), s64(), s32()});
  CHECK(l.args[3].kind == ArgLocation::Stack);
  CHECK(l.args[3].stackOffset == 0);
  CHECK(l.args[4].kind == ArgLocation::Stack);
  CHECK(l.args[4].stackOffset == 8);
  CHECK(l.stackBytes == 16);
}

TEST_CASE("five 64-bit arguments") {
  CallLayout l = place({s64(), s64(), s64(), s64(), s64()});
  CHECK(l.args[0].reg == 0);
  CHECK(l.args[1].reg == 2);
  CHECK(l.args[2].stackOffset == 0);
  CHECK(l.args[3].stackOffset == 8);
  CHECK(l.args[4].stackOffset == 16);
  CHECK(l.stackBytes == 24);
}

TEST_CASE("narrow arguments and pointers take one register each") {
  CallLayout l = place({u8(), ptr(), CType::integer(2, true, "short"), u8(), ptr()});
  for (unsigned i = 0; i < 4; ++i) CHECK(l.args[i].reg == i);
  CHECK(l.args[4].kind == ArgLocation::Stack);
  CHECK(l.args[4].armSize == 4);
  CHECK(l.stackBytes == 8);  // 4 bytes rounded up to keep sp 8-byte aligned
}

TEST_CASE("more than five arguments is an error") {
  auto layout = placeArguments(Prototype{s32(), std::vector<CType>(6, s32()), {}});
  CHECK_FALSE(bool(layout));
  CHECK(layout.diag().message.find("at most 5") != std::string::npos);
}

TEST_CASE("results become the 64-bit R0 by C conversion rules") {
  auto conv = [](CType t) { return resultConversion(t); };
  CHECK(conv(CType::integer(1, true, "s8")).widen == Widen::Sign8);
  CHECK(conv(CType::integer(1, true, "s8")).high == HighWord::SignOfLow);
  CHECK(conv(CType::integer(2, false, "u16")).widen == Widen::Zero16);
  CHECK(conv(CType::integer(2, false, "u16")).high == HighWord::Zero);
  CHECK(conv(s32()).widen == Widen::None);  // s32 negative: sign of r0 fills the hi word
  CHECK(conv(s32()).high == HighWord::SignOfLow);
  CHECK(conv(CType::integer(4, false, "u32")).high == HighWord::Zero);  // top bit set stays positive
  CHECK(conv(s64()).high == HighWord::FromPair);
  CHECK(conv(ptr()).high == HighWord::Zero);  // 32-bit pointer, zero-extended
  CHECK(conv(CType::voidType()).high == HighWord::Undefined);
}

// R0 as the backend computes it from the callee's r0:r1 (r1 is garbage unless the result
// is 64-bit): widen r0, then fill the hi word.
static uint64_t convertedR0(const CType &result, uint32_t r0, uint32_t r1) {
  ResultConversion c = resultConversion(result);
  switch (c.widen) {
    case Widen::Sign8: r0 = uint32_t(int32_t(int8_t(r0))); break;
    case Widen::Zero8: r0 &= 0xffu; break;
    case Widen::Sign16: r0 = uint32_t(int32_t(int16_t(r0))); break;
    case Widen::Zero16: r0 &= 0xffffu; break;
    case Widen::None: break;
  }
  uint32_t hi = c.high == HighWord::FromPair ? r1 : c.high == HighWord::SignOfLow ? uint32_t(int32_t(r0) >> 31) : 0;
  return uint64_t(hi) << 32 | r0;
}

TEST_CASE("result values: s8, u16, negative s32, u32 with the top bit set, s64, pointer") {
  const uint32_t garbage = 0xa5a55a5a;
  CHECK(convertedR0(CType::integer(1, true, "s8"), 0xfe, garbage) == uint64_t(-2));
  CHECK(convertedR0(CType::integer(1, true, "s8"), 0x7f, garbage) == 0x7f);
  CHECK(convertedR0(CType::integer(2, false, "u16"), 0xfffe, garbage) == 0xfffe);
  CHECK(convertedR0(s32(), 0xfffffff6, garbage) == uint64_t(-10));
  CHECK(convertedR0(CType::integer(4, false, "u32"), 0x80000001, garbage) == 0x80000001ull);
  CHECK(convertedR0(s64(), 0x89abcdef, 0x81234567) == 0x8123456789abcdefull);
  CHECK(convertedR0(ptr(), 0x80001000, garbage) == 0x80001000ull);
}

TEST_CASE("narrow signed arguments are sign-extended, unsigned zero-extended") {
  CHECK(widenFor(CType::integer(1, true, "s8")) == Widen::Sign8);
  CHECK(widenFor(CType::integer(2, true, "s16")) == Widen::Sign16);
  CHECK(widenFor(u8()) == Widen::Zero8);
  CHECK(widenFor(s32()) == Widen::None);
  CHECK(widenFor(ptr()) == Widen::None);
}
