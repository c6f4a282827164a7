// Checks the division routines of backend-arm32/routines/div64.S (through the
// global trampolines of trampolines.S) against C oracles that spell out BPF's
// rules: x / 0 = 0, x % 0 = x, INT_MIN / -1 = INT_MIN, INT_MIN % -1 = 0,
// signed division truncates toward zero. Runs under qemu-arm; see run.sh.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

uint64_t t_udiv64(uint64_t, uint64_t);
uint64_t t_umod64(uint64_t, uint64_t);
uint64_t t_sdiv64(uint64_t, uint64_t);
uint64_t t_smod64(uint64_t, uint64_t);
uint32_t t_udiv32(uint32_t, uint32_t);
uint32_t t_umod32(uint32_t, uint32_t);
uint32_t t_sdiv32(uint32_t, uint32_t);
uint32_t t_smod32(uint32_t, uint32_t);
extern uint32_t div_clobbers;

static uint64_t o_udiv64(uint64_t n, uint64_t d) { return d == 0 ? 0 : n / d; }
static uint64_t o_umod64(uint64_t n, uint64_t d) { return d == 0 ? n : n % d; }
static uint64_t o_sdiv64(uint64_t n, uint64_t d) {
  if (d == 0) return 0;
  if ((int64_t)n == INT64_MIN && (int64_t)d == -1) return n;
  return (uint64_t)((int64_t)n / (int64_t)d);
}
static uint64_t o_smod64(uint64_t n, uint64_t d) {
  if (d == 0) return n;
  if ((int64_t)n == INT64_MIN && (int64_t)d == -1) return 0;
  return (uint64_t)((int64_t)n % (int64_t)d);
}
static uint32_t o_udiv32(uint32_t n, uint32_t d) { return d == 0 ? 0 : n / d; }
static uint32_t o_umod32(uint32_t n, uint32_t d) { return d == 0 ? n : n % d; }
static uint32_t o_sdiv32(uint32_t n, uint32_t d) {
  if (d == 0) return 0;
  if ((int32_t)n == INT32_MIN && (int32_t)d == -1) return n;
  return (uint32_t)((int32_t)n / (int32_t)d);
}
static uint32_t o_smod32(uint32_t n, uint32_t d) {
  if (d == 0) return n;
  if ((int32_t)n == INT32_MIN && (int32_t)d == -1) return 0;
  return (uint32_t)((int32_t)n % (int32_t)d);
}

typedef uint64_t (*fn64)(uint64_t, uint64_t);
typedef uint32_t (*fn32)(uint32_t, uint32_t);
static const struct { const char *name; fn64 got, want; } ops64[] = {
    {"udiv64", t_udiv64, o_udiv64}, {"umod64", t_umod64, o_umod64},
    {"sdiv64", t_sdiv64, o_sdiv64}, {"smod64", t_smod64, o_smod64}};
static const struct { const char *name; fn32 got, want; } ops32[] = {
    {"udiv32", t_udiv32, o_udiv32}, {"umod32", t_umod32, o_umod32},
    {"sdiv32", t_sdiv32, o_sdiv32}, {"smod32", t_smod32, o_smod32}};

static unsigned long passed, failed;
// newlib (the ARMv6 build) lacks PRIx64: print 64-bit values as two words.
#define HEX64(v) (unsigned long)((v) >> 32), (unsigned long)(v)

static void check64(uint64_t n, uint64_t d) {
  for (int i = 0; i < 4; ++i) {
    uint64_t got = ops64[i].got(n, d), want = ops64[i].want(n, d);
    if (got == want) { ++passed; continue; }
    if (++failed <= 20)
      printf("FAIL %s(0x%08lx%08lx, 0x%08lx%08lx) = 0x%08lx%08lx, want 0x%08lx%08lx\n", ops64[i].name,
             HEX64(n), HEX64(d), HEX64(got), HEX64(want));
  }
}

static void check32(uint32_t n, uint32_t d) {
  for (int i = 0; i < 4; ++i) {
    uint32_t got = ops32[i].got(n, d), want = ops32[i].want(n, d);
    if (got == want) { ++passed; continue; }
    if (++failed <= 20)
      printf("FAIL %s(0x%08lx, 0x%08lx) = 0x%08lx, want 0x%08lx\n", ops32[i].name, (unsigned long)n,
             (unsigned long)d, (unsigned long)got, (unsigned long)want);
  }
}

static uint64_t rng = 0x9e3779b97f4a7c15u;
static uint64_t next(void) {  // xorshift64
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return rng;
}

// A value of exactly `bits` significant bits (0..64), then maybe negated.
static uint64_t sized(unsigned bits) {
  if (bits == 0) return 0;
  uint64_t v = next();
  if (bits < 64) v = (v & ((UINT64_C(1) << bits) - 1)) | (UINT64_C(1) << (bits - 1));
  else v |= UINT64_C(1) << 63;
  return v;
}

int main(int argc, char **argv) {
  unsigned long randomPairs = argc > 1 ? strtoul(argv[1], 0, 0) : 200000;

  // Edge values: the fast-path boundaries (32-bit halves, divisor above the
  // dividend), the signed extremes, and every power of two with its neighbours.
  uint64_t edges[256];
  unsigned ne = 0;
  static const uint64_t fixed[] = {
      0, 1, 2, 3, 5, 7, 10, 1000, 1000000, 1000000000, 1000000007,
      UINT64_C(1000000000000), UINT64_C(0xffffffff), UINT64_C(0x100000000), UINT64_C(0x100000001),
      UINT64_C(0xfffffffe), UINT64_C(0x80000000), UINT64_C(0x7fffffff), UINT64_C(0x80000001),
      UINT64_C(0xffffffff00000000), UINT64_C(0xffffffff80000000), UINT64_C(0x00000001ffffffff),
      UINT64_C(0x8000000000000000), UINT64_C(0x8000000000000001), UINT64_C(0x7fffffffffffffff),
      UINT64_C(0x7ffffffffffffffe), UINT64_C(0xffffffffffffffff), UINT64_C(0xfffffffffffffffe),
      UINT64_C(0xfffffffffffffff9), UINT64_C(0xffffffff7fffffff), UINT64_C(0x123456789abcdef0),
      UINT64_C(0xfedcba9876543210), UINT64_C(0x00000000deadbeef), UINT64_C(0xdeadbeef00000000)};
  for (unsigned i = 0; i < sizeof fixed / sizeof fixed[0]; ++i) edges[ne++] = fixed[i];
  for (unsigned k = 2; k < 64; k += 1) {
    uint64_t p = UINT64_C(1) << k;
    edges[ne++] = p;
    if (k % 3 == 0 || k >= 30) {
      edges[ne++] = p - 1;
      edges[ne++] = p + 1;
    }
  }
  for (unsigned i = 0; i < ne; ++i)
    for (unsigned j = 0; j < ne; ++j) check64(edges[i], edges[j]);
  // The same set folded to 32 bits (low words and high words).
  for (unsigned i = 0; i < ne; ++i)
    for (unsigned j = 0; j < ne; ++j) {
      check32((uint32_t)edges[i], (uint32_t)edges[j]);
      check32((uint32_t)(edges[i] >> 32), (uint32_t)edges[j]);
    }

  // Random pairs: independent bit lengths and signs, and pairs built so that
  // the quotient is small or the dividend sits right next to a multiple.
  for (unsigned long i = 0; i < randomPairs; ++i) {
    uint64_t r = next();
    uint64_t n = sized(r % 65), d = sized((r >> 8) % 65);
    switch ((r >> 16) % 8) {
      case 0: n = d * ((r >> 24) % 5) + ((r >> 32) % 3) - 1; break;  // near a small multiple
      case 1: n = d * sized((r >> 24) % 33); break;                    // exact multiple
      default: break;
    }
    if ((r >> 40) & 1) n = -n;
    if ((r >> 41) & 1) d = -d;
    check64(n, d);
    uint32_t n32 = (uint32_t)sized((r >> 48) % 33), d32 = (uint32_t)sized((r >> 56) % 33);
    if ((r >> 42) & 1) n32 = -n32;
    if ((r >> 43) & 1) d32 = -d32;
    if (((r >> 44) & 3) == 0) n32 = d32 * (uint32_t)((r >> 46) % 7) + (uint32_t)((r >> 50) % 3) - 1;
    check32(n32, d32);
  }

  if (div_clobbers) {
    printf("FAIL: r4-r11 or sp changed across a routine %lu times\n", (unsigned long)div_clobbers);
    ++failed;
  }
  printf("%lu passed, %lu failed\n", passed, failed);
  return failed != 0;
}
