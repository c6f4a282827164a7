/* bpf_trace_printk: the kernel's conversions, written straight to the platform's putc.
 * The format is checked completely before anything is printed, because the kernel
 * prints nothing (and returns -EINVAL) for a bad format. */
#include "rt_internal.h"

enum conv { C_PERCENT, C_SIGNED, C_UNSIGNED, C_HEX, C_HEX_UPPER, C_POINTER, C_STRING, C_CHAR };

struct spec {
  enum conv conv;
  uint32_t wide;   /* 1 for the l/ll forms: all 64 bits of the argument */
  uint32_t length; /* characters of the specifier after the % */
};

/* Parses the specifier after a '%'; returns 0 for one the kernel rejects. */
static int parse(const char *p, struct spec *s) {
  uint32_t ls = 0;
  while (ls < 2 && p[ls] == 'l') ls++;
  s->wide = ls != 0;
  s->length = ls + 1;
  switch (p[ls]) {
    case '%': s->conv = C_PERCENT; return ls == 0;
    case 'd':
    case 'i': s->conv = C_SIGNED; return 1;
    case 'u': s->conv = C_UNSIGNED; return 1;
    case 'x': s->conv = C_HEX; return 1;
    case 'X': s->conv = C_HEX_UPPER; return 1;
    case 'p': s->conv = C_POINTER; return ls == 0;
    case 's': s->conv = C_STRING; return ls == 0;
    case 'c': s->conv = C_CHAR; return ls == 0;
  }
  return 0;
}

/* 32x32->64 from 16-bit pieces: Thumb-1 has no long multiply and would call libgcc. */
static uint64_t mul32(uint32_t a, uint32_t b) {
  uint32_t al = a & 0xffffu, ah = a >> 16, bl = b & 0xffffu, bh = b >> 16;
  uint64_t cross = (uint64_t)(al * bh) + (ah * bl);
  return ((uint64_t)(ah * bh) << 32) + (cross << 16) + (al * bl);
}

/* n / 10 without a division instruction (ARMv7-A has none, and libgcc's routine is not
 * ours to call): n * ceil(2^67 / 10) >> 67 is exact for every 64-bit n; the high half
 * of the 128-bit product is summed from 32-bit partial products. */
static uint64_t div10(uint64_t n, uint32_t *rem) {
  const uint32_t m_lo = 0xCCCCCCCDu, m_hi = 0xCCCCCCCCu;
  uint32_t n_lo = (uint32_t)n, n_hi = (uint32_t)(n >> 32);
  uint64_t lo_lo = mul32(n_lo, m_lo), hi_lo = mul32(n_hi, m_lo);
  uint64_t lo_hi = mul32(n_lo, m_hi), hi_hi = mul32(n_hi, m_hi);
  uint64_t mid = (lo_lo >> 32) + (uint32_t)hi_lo + lo_hi; /* < 2^64: no carry lost */
  uint64_t q = (hi_hi + (hi_lo >> 32) + (mid >> 32)) >> 3;
  *rem = n_lo - (uint32_t)q * 10u;
  return q;
}

struct out {
  uint32_t count;
};

static void put(struct out *o, char c) {
  bpf2arm_platform_putc(c);
  o->count++;
}

static void put_dec(struct out *o, uint64_t v) {
  char digits[20];
  uint32_t n = 0;
  do {
    uint32_t r;
    v = div10(v, &r);
    digits[n++] = (char)('0' + r);
  } while (v != 0);
  while (n != 0) put(o, digits[--n]);
}

/* Nibbles of each 32-bit half: a variable 64-bit shift is a libgcc call on Thumb-1. */
static void put_hex(struct out *o, uint64_t v, int upper) {
  const char *alphabet = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  uint32_t half[2] = {(uint32_t)(v >> 32), (uint32_t)v};
  int started = 0;
  for (int h = 0; h < 2; h++) {
    for (int shift = 28; shift >= 0; shift -= 4) {
      uint32_t nibble = (half[h] >> shift) & 15u;
      started |= nibble != 0 || (h == 1 && shift == 0);
      if (started) put(o, alphabet[nibble]);
    }
  }
}

static void put_arg(struct out *o, const struct spec *s, uint64_t a) {
  switch (s->conv) {
    case C_PERCENT: put(o, '%'); break;
    case C_SIGNED: {
      int64_t v = s->wide ? (int64_t)a : (int64_t)(int32_t)(uint32_t)a;
      if (v < 0) put(o, '-');
      put_dec(o, v < 0 ? 0u - (uint64_t)v : (uint64_t)v);
      break;
    }
    case C_UNSIGNED: put_dec(o, s->wide ? a : (uint32_t)a); break;
    case C_HEX:
    case C_HEX_UPPER: put_hex(o, s->wide ? a : (uint32_t)a, s->conv == C_HEX_UPPER); break;
    case C_POINTER:
      /* The raw address (the kernel hashes it; firmware has nothing to hide). */
      put(o, '0');
      put(o, 'x');
      put_hex(o, (uintptr_t)a, 0);
      break;
    case C_STRING: {
      const char *str = (const char *)(uintptr_t)a;
      if (str == NULL) str = "(null)";
      while (*str != 0) put(o, *str++);
      break;
    }
    case C_CHAR: put(o, (char)a); break;
  }
}

/* Formats with `max_args` 64-bit arguments from `args`. The format must hold its NUL
 * within fmt_size and use at most max_args arguments; nothing is printed otherwise. */
static int64_t format(const char *fmt, uint32_t fmt_size, const uint64_t *args, uint32_t max_args) {
  uint32_t end = 0;
  while (end < fmt_size && fmt[end] != 0) end++;
  if (end == fmt_size) return -BPF2ARM_EINVAL;

  uint32_t n_args = 0;
  struct spec s;
  for (uint32_t i = 0; i < end; i++) {
    if (fmt[i] != '%') continue;
    if (!parse(fmt + i + 1, &s)) return -BPF2ARM_EINVAL;
    if (s.conv != C_PERCENT && ++n_args > max_args) return -BPF2ARM_EINVAL;
    i += s.length;
  }

  struct out o = {0};
  n_args = 0;
  for (uint32_t i = 0; i < end; i++) {
    if (fmt[i] != '%') {
      put(&o, fmt[i]);
      continue;
    }
    parse(fmt + i + 1, &s);
    put_arg(&o, &s, s.conv == C_PERCENT ? 0 : args[n_args++]);
    i += s.length;
  }
  return o.count;
}

int64_t bpf_trace_printk(const char *fmt, uint32_t fmt_size, uint64_t a1, uint64_t a2, uint64_t a3) {
  const uint64_t args[3] = {a1, a2, a3};
  return format(fmt, fmt_size, args, 3);
}

/* bpf_printk with more than three arguments: they arrive as an array of u64 (at most
 * 12, as in the kernel). */
int64_t bpf_trace_vprintk(const char *fmt, uint32_t fmt_size, const void *data, uint32_t data_len) {
  if (data_len % 8 || data_len > 12 * 8 || (data_len && !data)) return -BPF2ARM_EINVAL;
  uint64_t args[12];
  const unsigned char *bytes = data;
  for (uint32_t i = 0; i < data_len / 8; i++) {
    uint64_t v = 0;
    for (int b = 7; b >= 0; b--) v = v << 8 | bytes[i * 8 + (uint32_t)b];
    args[i] = v;
  }
  return format(fmt, fmt_size, args, data_len / 8);
}
