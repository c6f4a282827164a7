/* bpf_trace_printk, probe reads, tail calls and spin locks. */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "test.h"

/* Prints through the runtime and checks both the captured text and the return value. */
static void pf(int line, const char *fmt, uint64_t a1, uint64_t a2, uint64_t a3, const char *want) {
  putc_len = 0;
  putc_buf[0] = 0;
  int64_t n = bpf_trace_printk(fmt, (uint32_t)strlen(fmt) + 1, a1, a2, a3);
  if (strcmp(putc_buf, want) != 0) {
    char what[256];
    snprintf(what, sizeof what, "printk(\"%.60s\") gave \"%.60s\", want \"%.60s\"", fmt, putc_buf, want);
    t_fail(__FILE__, line, what);
  }
  CHECK_EQ(n, (int64_t)strlen(want));
}
#define PF(fmt, a1, a2, a3, want) pf(__LINE__, fmt, a1, a2, a3, want)

static void printk_conversions(void) {
  PF("hello\n", 0, 0, 0, "hello\n");
  PF("", 0, 0, 0, "");
  PF("%d", (uint64_t)-5, 0, 0, "-5");
  PF("%d", 0x1ffffffffull, 0, 0, "-1"); /* low 32 bits only */
  PF("%i|%d|%d", 0, 0x80000000u, 0x7fffffff, "0|-2147483648|2147483647");
  PF("%u", 0xffffffffu, 0, 0, "4294967295");
  PF("%u", 0x100000005ull, 0, 0, "5");
  PF("%x %X", 0xabcdefu, 0xabcdefu, 0, "abcdef ABCDEF");
  PF("%x", 0x10000000aull, 0, 0, "a");
  PF("%x|%u", 0, 0, 0, "0|0");
  PF("%ld", (uint64_t)-5, 0, 0, "-5");
  PF("%li", (uint64_t)INT64_MIN, 0, 0, "-9223372036854775808");
  PF("%lld", (uint64_t)INT64_MAX, 0, 0, "9223372036854775807");
  PF("%lli", 0x1ffffffffull, 0, 0, "8589934591");
  PF("%lu", UINT64_MAX, 0, 0, "18446744073709551615");
  PF("%llu", 10000000000000000000ull, 0, 0, "10000000000000000000");
  PF("%lx", 0x123456789abcdef0ull, 0, 0, "123456789abcdef0");
  PF("%llx", 0x100000000ull, 0, 0, "100000000");
  PF("%lX", 0xfedcba9876543210ull, 0, 0, "FEDCBA9876543210");
  /* Pointers: all the hex digits of the target's pointer, as the kernel prints %px. */
  char ptr[64];
  int digits = (int)(2 * sizeof(void *));
  snprintf(ptr, sizeof ptr, "%0*llx|%0*llx|%0*llx", digits, 0x1234ull, digits, 0ull, digits, 0xbeefull);
  PF("%p|%px|%pK", 0x1234, 0, 0xbeef, ptr);
  snprintf(ptr, sizeof ptr, "%0*llx, %0*llx %0*llx", digits, 1ull, digits, 2ull, digits, 3ull);
  PF("%pS, %ps %pB", 1, 2, 3, ptr);
  PF("[%s]", (uintptr_t) "abc", 0, 0, "[abc]");
  PF("[%s]", 0, 0, 0, "[]"); /* the kernel's copy from NULL fails: an empty string */
  PF("%pks-%pus.", (uintptr_t) "kernel", (uintptr_t) "user", 0, "kernel-user.");
  /* Flags and widths, which the kernel passes on to its vsnprintf. */
  PF("[%5d|%-5d|%05d]", 42, (uint64_t)-42, (uint64_t)-42, "[   42|-42  |-0042]");
  PF("[%+d|% d|%+d]", 7, 7, (uint64_t)-7, "[+7| 7|-7]");
  PF("[%08x|%-4X|%3s]", 0xbeef, 0xa, (uintptr_t) "ab", "[0000beef|A   | ab]");
  PF("[%-3c|%3c|%2u]", 'x', 'y', 123, "[x  |  y|123]");
  PF("[%022llu|%-+4lld]", UINT64_MAX, 5, 0, "[0018446744073709551615|+5  ]");
  /* Addresses the argument points to. */
  static const uint8_t v4[4] = {192, 168, 1, 20};
  static const uint8_t v6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xab, 0x01};
  PF("%pI4 %pi4", (uintptr_t)v4, (uintptr_t)v4, 0, "192.168.1.20 192.168.001.020");
  PF("%pI6", (uintptr_t)v6, 0, 0, "2001:0db8:0000:0000:0000:0000:0000:ab01");
  PF("%pi6", (uintptr_t)v6, 0, 0, "20010db800000000000000000000ab01");
  PF("%pI4 %pi6", 0, 0, 0, "0.0.0.0 00000000000000000000000000000000"); /* NULL: zeros */
  PF("[%10px|%-6p|%06p]", 0x1234, 0xab, 0xcd, "[      1234|ab    |0000cd]");
  PF("%c%c", 'A', 0x142, 0, "AB");
  PF("100%%", 0, 0, 0, "100%");
  PF("a=%d %% b=%s c=%c\n", 7, (uintptr_t) "x", 'z', "a=7 % b=x c=z\n");
  PF("%%%%%d%%", 1, 0, 0, "%%1%");
  /* a format shorter than fmt_size stops at its NUL */
  putc_len = 0;
  CHECK_EQ(bpf_trace_printk("ab\0cd", 6, 0, 0, 0), 2);
  CHECK(strcmp(putc_buf, "ab") == 0);
}

static void printk_rejects(void) {
  const char *bad[] = {"%q",  "%d %d %d %d", "%lp", "%lls", "%llld", "%hd", "trailing %", "%l", "%ll",
                       "%5%", "%.2d", "%pZ", "%pi5", "%sx", "%p1", "\x01", "caf\xc3\xa9", "%lc"};
  for (unsigned i = 0; i < sizeof bad / sizeof *bad; i++) {
    putc_len = 0;
    putc_buf[0] = 0;
    CHECK_EQ(bpf_trace_printk(bad[i], (uint32_t)strlen(bad[i]) + 1, 1, 2, 3), -BPF2ARM_EINVAL);
    CHECK_EQ(putc_len, 0); /* nothing printed */
  }
  CHECK_EQ(bpf_trace_printk("abc", 3, 0, 0, 0), -BPF2ARM_EINVAL); /* no NUL within size */
  CHECK_EQ(bpf_trace_printk("abc", 0, 0, 0, 0), -BPF2ARM_EINVAL);
  CHECK_EQ(putc_len, 0);
  CHECK_EQ(bpf_trace_printk("%d%%%d%%%d", 11, 1, 2, 3), 5); /* "1%2%3": %% is not an argument */
  /* The kernel formats into 1024 bytes: at most 1023 characters come out, all are counted. */
  putc_len = 0;
  CHECK_EQ(bpf_trace_printk("%1000d%100d", 12, 1, 2, 0), 1100);
  CHECK_EQ(putc_len, 1023);
  putc_len = 0;
  CHECK_EQ(bpf_trace_printk("%5000000d", 10, 7, 0, 0), 5000000);
  CHECK_EQ(putc_len, 1023);
}

/* Decimal output against the host's printf for edge and random values. */
static void printk_decimal_vs_libc(void) {
  uint64_t x = 0x243f6a8885a308d3ull;
  char want[128];
  for (int i = 0; i < 4000; i++) {
    uint64_t v;
    if (i < 64) v = (uint64_t)1 << i;
    else if (i < 128) v = ((uint64_t)1 << (i - 64)) - 1;
    else if (i < 148) {
      v = 1;
      for (int j = 0; j < i - 128; j++) v *= 10;
      v += (i & 1) ? 0 : (uint64_t)-1; /* 10^k - 1 */
    } else {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      v = x >> (x % 64);
    }
    snprintf(want, sizeof want, "%llu %lld %u %d %llx", (unsigned long long)v, (long long)v, (unsigned)v, (int)(uint32_t)v,
             (unsigned long long)v);
    putc_len = 0;
    bpf_trace_printk("%llu %lld %u", 13, v, v, v);
    bpf_trace_printk(" %d %llx", 9, v, v, 0);
    if (strcmp(putc_buf, want) != 0) {
      char what[256];
      snprintf(what, sizeof what, "decimal: got \"%.100s\" want \"%.100s\"", putc_buf, want);
      t_fail(__FILE__, __LINE__, what);
      break;
    }
  }
}

static void probe_reads(void) {
  char src[] = "hello", dst[16];
  memset(dst, 'X', sizeof dst);
  CHECK_EQ(bpf_probe_read_kernel(dst, 3, src), 0);
  CHECK(memcmp(dst, "helX", 4) == 0);
  CHECK_EQ(bpf_probe_read_user(dst, 6, src), 0);
  CHECK(memcmp(dst, "hello\0X", 7) == 0);

  memset(dst, 'X', sizeof dst);
  CHECK_EQ(bpf_probe_read_kernel_str(dst, 0, src), 0);
  CHECK_EQ(dst[0], 'X');
  CHECK_EQ(bpf_probe_read_kernel_str(dst, 10, src), 6);
  CHECK(memcmp(dst, "hello\0X", 7) == 0); /* no padding after the NUL */
  memset(dst, 'X', sizeof dst);
  CHECK_EQ(bpf_probe_read_kernel_str(dst, 3, src), 3); /* truncated: size - 1 chars + NUL */
  CHECK(memcmp(dst, "he\0X", 4) == 0);
  CHECK_EQ(bpf_probe_read_kernel_str(dst, 6, src), 6);
  CHECK(memcmp(dst, "hello", 6) == 0);
  memset(dst, 'X', sizeof dst);
  CHECK_EQ(bpf_probe_read_user_str(dst, 1, src), 1);
  CHECK_EQ(dst[0], 0);
  CHECK_EQ(dst[1], 'X');
  CHECK_EQ(bpf_probe_read_str(dst, 8, ""), 1);
  CHECK_EQ(bpf_probe_read(dst, 2, "zz"), 0);
  CHECK(dst[0] == 'z' && dst[1] == 'z');
}

/* ---- tail calls ---- */
static struct bpf2arm_map *chain_map;

/* A program that tail-calls itself the way bpf2arm lowers bpf_tail_call; its C entry
 * starts a run as bpf2arm's entries do in an object that makes tail calls. */
static uint64_t chain_prog(void *ctx) {
  bpf2arm_tail_call_run_begin();
  int *runs = ctx;
  ++*runs;
  uint64_t (*next)(void *) = (uint64_t(*)(void *))bpf2arm_tail_call_target(chain_map, 0);
  if (next) return bpf2arm_tail_call_return(next(ctx));
  return (uint64_t)*runs;
}

static uint64_t other_prog(void *ctx) { return (uint64_t)(uintptr_t)ctx; }

static void tail_calls(void) {
  struct bpf2arm_map *pa = new_map(BPF2ARM_MAP_PROG_ARRAY, 4, 4, 4, 1);
  struct bpf2arm_map *arr = new_map(BPF2ARM_MAP_ARRAY, 4, 4, 4, 1);
  void *entry = (void *)other_prog;
  CHECK_EQ(bpf2arm_prog_array_set(pa, 1, entry), 0);
  CHECK_EQ(bpf2arm_prog_array_set(pa, 4, entry), -BPF2ARM_E2BIG);
  CHECK_EQ(bpf2arm_prog_array_set(arr, 0, entry), -BPF2ARM_EINVAL);
  CHECK(bpf2arm_tail_call_target(pa, 0) == NULL); /* empty slot */
  CHECK(bpf2arm_tail_call_target(pa, 4) == NULL);
  CHECK(bpf2arm_tail_call_target(pa, 0xffffffffu) == NULL);
  CHECK(bpf2arm_tail_call_target(arr, 1) == NULL);
  bpf2arm_tail_call_run_begin();
  CHECK(bpf2arm_tail_call_target(pa, 1) == entry);
  CHECK_EQ(bpf2arm_tail_call_return(0xdeadbeefcafef00dull), 0xdeadbeefcafef00dull);
  /* 33 tail calls in one run succeed, nested or one after another; the 34th is refused */
  bpf2arm_tail_call_run_begin();
  for (int i = 0; i < 20; i++) CHECK(bpf2arm_tail_call_target(pa, 1) == entry);
  bpf2arm_tail_call_run_begin(); /* a tail call's target: the run goes on */
  for (int i = 0; i < 20; i++) CHECK_EQ(bpf2arm_tail_call_return((uint64_t)i), i);
  for (int i = 0; i < 13; i++) {
    CHECK(bpf2arm_tail_call_target(pa, 1) == entry);
    bpf2arm_tail_call_return(0);
  }
  CHECK(bpf2arm_tail_call_target(pa, 1) == NULL);
  CHECK_EQ(bpf2arm_tail_call_return(5), 5); /* an extra return does not underflow */
  bpf2arm_tail_call_run_begin();            /* a new run */
  CHECK(bpf2arm_tail_call_target(pa, 1) == entry);
  bpf2arm_tail_call_return(0);
  /* attempts on an empty slot count, as in the kernel; out-of-range indexes do not */
  bpf2arm_tail_call_run_begin();
  for (int i = 0; i < 10; i++) CHECK(bpf2arm_tail_call_target(pa, 4) == NULL);
  for (int i = 0; i < BPF2ARM_MAX_TAIL_CALLS; i++) CHECK(bpf2arm_tail_call_target(pa, 2) == NULL);
  CHECK(bpf2arm_tail_call_target(pa, 1) == NULL);
  /* a program tail-calling itself runs 1 + 33 times */
  chain_map = pa;
  CHECK_EQ(bpf2arm_prog_array_set(pa, 0, (void *)chain_prog), 0);
  int runs = 0;
  CHECK_EQ(chain_prog(&runs), 34);
  runs = 0;
  CHECK_EQ(chain_prog(&runs), 34); /* and again: a new run, a new count */
  CHECK_EQ(bpf2arm_prog_array_set(pa, 0, NULL), 0);
  CHECK(bpf2arm_tail_call_target(pa, 0) == NULL);
}

static void spin_locks(void) {
  struct bpf2arm_map *m = new_map(BPF2ARM_MAP_ARRAY, 4, 16, 2, 1);
  uint32_t k = 1;
  uint32_t *value = bpf2arm_map_lookup_elem(m, &k);
  uint32_t *lock = value + 1;
  CHECK_EQ(bpf_spin_lock(lock), 0);
  CHECK_EQ(*lock, BPF2ARM_SPIN_HELD | 0);
  CHECK_EQ(irq_depth, 1);
  value[2]++;
  CHECK_EQ(bpf_spin_unlock(lock), 0);
  CHECK_EQ(*lock, 0);
  CHECK_EQ(irq_depth, 0);
  /* taken with interrupts already masked: unlock must hand back that state */
  uint32_t outer = bpf2arm_platform_irq_save();
  CHECK_EQ(bpf_spin_lock(lock), 0);
  CHECK_EQ(*lock, BPF2ARM_SPIN_HELD | 1);
  CHECK_EQ(bpf_spin_unlock(lock), 0);
  CHECK_EQ(irq_depth, 1);
  bpf2arm_platform_irq_restore(outer);
  CHECK_EQ(value[0], 0);
  CHECK_EQ(value[2], 1);
}

/* runtime-stub/atomic64.c, what Cortex-M code calls for 64-bit atomics: the old value
 * back, the new one stored, carries across the word boundary, cmpxchg only on a match;
 * run_case checks that each call left the critical section it entered. */
static void atomic64(void) {
  volatile uint64_t v = 0x00000001ffffffffull;
  CHECK_EQ(bpf2arm_atomic64_fetch_add(&v, 1), 0x00000001ffffffffull);
  CHECK_EQ(v, 0x0000000200000000ull);
  CHECK_EQ(bpf2arm_atomic64_fetch_add(&v, (uint64_t)-0x200000001ll), 0x0000000200000000ull);
  CHECK_EQ(v, (uint64_t)-1);
  CHECK_EQ(bpf2arm_atomic64_fetch_and(&v, 0xf0f0f0f00f0f0f0full), (uint64_t)-1);
  CHECK_EQ(v, 0xf0f0f0f00f0f0f0full);
  CHECK_EQ(bpf2arm_atomic64_fetch_or(&v, 0x0f00000000000001ull), 0xf0f0f0f00f0f0f0full);
  CHECK_EQ(v, 0xfff0f0f00f0f0f0full);
  CHECK_EQ(bpf2arm_atomic64_fetch_xor(&v, 0xffffffff00000000ull), 0xfff0f0f00f0f0f0full);
  CHECK_EQ(v, 0x000f0f0f0f0f0f0full);
  CHECK_EQ(bpf2arm_atomic64_xchg(&v, 42), 0x000f0f0f0f0f0f0full);
  CHECK_EQ(v, 42);
  CHECK_EQ(bpf2arm_atomic64_cmpxchg(41, 7, &v), 42); /* no match: unchanged */
  CHECK_EQ(v, 42);
  CHECK_EQ(bpf2arm_atomic64_cmpxchg(42, 0x100000000ull, &v), 42);
  CHECK_EQ(v, 0x100000000ull);
  CHECK_EQ(bpf2arm_atomic64_cmpxchg(0, 1, &v), 0x100000000ull); /* the hi word counts too */
  CHECK_EQ(v, 0x100000000ull);
  CHECK_EQ(irq_depth, 0);
}

void cases_misc(void) {
  CASE(atomic64);
  CASE(printk_conversions);
  CASE(printk_rejects);
  CASE(printk_decimal_vs_libc);
  CASE(probe_reads);
  CASE(tail_calls);
  CASE(spin_locks);
}
