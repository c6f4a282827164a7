// Instructions per call of the div64.S routines, counted on unicorn's ARM1176
// model, for a few input mixes. Also re-checks every result against the host's
// C arithmetic and that r4-r11 and sp survive. Built and run by run.sh when
// libunicorn is there; informational, but a wrong result still fails it.
//
//   bench_div64 IMAGE.bin LOAD_ADDR NAME=ADDR...   (addresses in hex)
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicorn/unicorn.h>

enum { kStackTop = 0x80000, kReturn = 0x1000 };  // kReturn: a mapped word never executed

static const char *const kNames[8] = {"udiv64", "umod64", "sdiv64", "smod64",
                                      "udiv32", "umod32", "sdiv32", "smod32"};
static uint32_t entry[8];
static uint64_t executed;
static unsigned long failures;

static void onCode(uc_engine *uc, uint64_t address, uint32_t size, void *user) {
  (void)uc, (void)address, (void)size, (void)user;
  ++executed;
}

static uint64_t expect(int op, uint64_t n, uint64_t d) {
  int64_t sn = (int64_t)n, sd = (int64_t)d;
  uint32_t n32 = (uint32_t)n, d32 = (uint32_t)d;
  int32_t sn32 = (int32_t)n32, sd32 = (int32_t)d32;
  switch (op) {
    case 0: return d ? n / d : 0;
    case 1: return d ? n % d : n;
    case 2: return !d ? 0 : (sn == INT64_MIN && sd == -1) ? n : (uint64_t)(sn / sd);
    case 3: return !d ? n : (sn == INT64_MIN && sd == -1) ? 0 : (uint64_t)(sn % sd);
    case 4: return d32 ? n32 / d32 : 0;
    case 5: return d32 ? n32 % d32 : n32;
    case 6: return !d32 ? 0 : (sn32 == INT32_MIN && sd32 == -1) ? n32 : (uint32_t)(sn32 / sd32);
    default: return !d32 ? n32 : (sn32 == INT32_MIN && sd32 == -1) ? 0 : (uint32_t)(sn32 % sd32);
  }
}

// Runs one call; returns the instructions it took.
static uint64_t call(uc_engine *uc, int op, uint64_t n, uint64_t d) {
  uint32_t r[4] = {(uint32_t)n, (uint32_t)(n >> 32), (uint32_t)d, (uint32_t)(d >> 32)};
  if (op >= 4) r[1] = (uint32_t)d, r[2] = r[3] = 0xdeadbeef;  // 32-bit: r0 / r1
  int regs[] = {UC_ARM_REG_R0, UC_ARM_REG_R1, UC_ARM_REG_R2, UC_ARM_REG_R3};
  for (int i = 0; i < 4; ++i) uc_reg_write(uc, regs[i], &r[i]);
  for (int i = 4; i <= 11; ++i) {
    uint32_t v = 0x01010101u * (uint32_t)i;
    uc_reg_write(uc, UC_ARM_REG_R4 + (i - 4), &v);
  }
  uint32_t sp = kStackTop, lr = kReturn;
  uc_reg_write(uc, UC_ARM_REG_SP, &sp);
  uc_reg_write(uc, UC_ARM_REG_LR, &lr);
  executed = 0;
  uc_err err = uc_emu_start(uc, entry[op], kReturn, 0, 100000);
  uint32_t r0, r1, spAfter;
  uc_reg_read(uc, UC_ARM_REG_R0, &r0);
  uc_reg_read(uc, UC_ARM_REG_R1, &r1);
  uc_reg_read(uc, UC_ARM_REG_SP, &spAfter);
  int clobbered = spAfter != kStackTop;
  for (int i = 4; i <= 11; ++i) {
    uint32_t v;
    uc_reg_read(uc, UC_ARM_REG_R4 + (i - 4), &v);
    clobbered |= v != 0x01010101u * (uint32_t)i;
  }
  uint64_t got = op < 4 ? ((uint64_t)r1 << 32 | r0) : r0, want = expect(op, n, d);
  if (err != UC_ERR_OK || clobbered || got != want) {
    if (++failures <= 10)
      printf("FAIL %s(0x%llx, 0x%llx): got 0x%llx want 0x%llx%s%s\n", kNames[op], (unsigned long long)n,
             (unsigned long long)d, (unsigned long long)got, (unsigned long long)want,
             clobbered ? ", r4-r11/sp changed" : "", err != UC_ERR_OK ? ", emulation error" : "");
  }
  return executed;
}

static uint64_t rng = 0x2545f4914f6cdd1du;
static uint64_t next(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return rng;
}
static uint64_t sized(unsigned bits) {  // exactly `bits` significant bits
  if (bits == 0) return 0;
  uint64_t v = next();
  return bits < 64 ? (v & ((1ull << bits) - 1)) | (1ull << (bits - 1)) : v | (1ull << 63);
}
static int64_t randomSign(uint64_t v) { return (next() & 1) ? -(int64_t)v : (int64_t)v; }

enum Mix { kVaried, kSmall, kTimeDiv, kWideDivisor, kUniform, kMixes };
static const char *const kMixNames[kMixes] = {
    "varied bit lengths", "both < 2^32", "n ~2^40..2^62 / d < 2^30", "d >= 2^32", "uniform 64/32-bit"};

static void pick(enum Mix mix, int signedOp, int is32, uint64_t *n, uint64_t *d) {
  unsigned width = is32 ? 32 : 64;
  switch (mix) {
    case kVaried: *n = sized(next() % (width + 1)); *d = sized(next() % (width + 1)); break;
    case kSmall: *n = sized(next() % 33); *d = sized(1 + next() % 32); break;
    case kTimeDiv: *n = sized(is32 ? 32 : 40 + next() % 23); *d = sized(1 + next() % 30); break;
    case kWideDivisor: *n = sized(is32 ? 32 : 33 + next() % 32); *d = sized(is32 ? 1 + next() % 32 : 33 + next() % 31); break;
    default: *n = next(); *d = next(); break;
  }
  if (is32) *n = (uint32_t)*n, *d = (uint32_t)*d;
  if (signedOp && mix != kTimeDiv) {
    *n = (uint64_t)randomSign(*n);
    *d = (uint64_t)randomSign(*d);
  }
}

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: %s IMAGE.bin LOAD_ADDR NAME=ADDR...\n", argv[0]);
    return 2;
  }
  FILE *f = fopen(argv[1], "rb");
  if (!f) { perror(argv[1]); return 2; }
  static uint8_t image[0x10000];
  size_t size = fread(image, 1, sizeof image, f);
  fclose(f);
  uint32_t load = (uint32_t)strtoul(argv[2], 0, 16);
  for (int i = 3; i < argc; ++i)
    for (int op = 0; op < 8; ++op) {
      size_t len = strlen(kNames[op]);
      if (!strncmp(argv[i], "__bpf2arm.", 10) && !strncmp(argv[i] + 10, kNames[op], len) && argv[i][10 + len] == '=')
        entry[op] = (uint32_t)strtoul(argv[i] + 11 + len, 0, 16);
    }
  for (int op = 0; op < 8; ++op)
    if (!entry[op]) { fprintf(stderr, "no address for %s\n", kNames[op]); return 2; }

  uc_engine *uc;
  if (uc_open(UC_ARCH_ARM, UC_MODE_ARM, &uc) != UC_ERR_OK) { fprintf(stderr, "uc_open failed\n"); return 2; }
  uc_ctl_set_cpu_model(uc, UC_CPU_ARM_1176);
  uc_mem_map(uc, 0, kStackTop, UC_PROT_ALL);
  uc_mem_write(uc, load, image, size);
  uc_hook hook;
  uc_hook_add(uc, &hook, UC_HOOK_CODE, onCode, NULL, 1, 0);

  enum { kCalls = 20000 };
  printf("average ARM instructions per call (unicorn ARM1176, %d calls each, from entry to the return inclusive)\n", kCalls);
  printf("%-26s", "inputs");
  for (int op = 0; op < 8; ++op) printf(" %7s", kNames[op]);
  printf("\n");
  for (int mix = 0; mix < kMixes; ++mix) {
    printf("%-26s", kMixNames[mix]);
    for (int op = 0; op < 8; ++op) {
      uint64_t total = 0;
      for (int i = 0; i < kCalls; ++i) {
        uint64_t n, d;
        pick((enum Mix)mix, op == 2 || op == 3 || op == 6 || op == 7, op >= 4, &n, &d);
        total += call(uc, op, n, d);
      }
      printf(" %7.1f", (double)total / kCalls);
    }
    printf("\n");
  }
  uc_close(uc);
  printf("bench: %lu wrong results\n", failures);
  return failures != 0;
}
