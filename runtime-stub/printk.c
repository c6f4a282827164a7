/* bpf_trace_printk: the kernel's format grammar (bpf_bprintf_prepare) and conversions,
 * written straight to the platform's putc. The format is checked completely before
 * anything is printed, because the kernel prints nothing (and returns -EINVAL) for a
 * bad format.
 *
 *   %[flags][width]conversion      flags: any of 0 + - space; width: decimal
 *   d i u x X        low 32 bits;  l and ll forms (ld, llx, ...): all 64 bits
 *   c                a character;  s, pks, pus: a string (NULL prints nothing)
 *   p px pK ps pS pB the 32-bit address in 8 hex digits (the kernel hashes %p and names
 *                    symbols for %pS; firmware has nothing to hide and no symbols)
 *   pI4 pi4 pI6 pi6  the IPv4 or IPv6 address the argument points to
 *   %%               a percent sign
 * Like the kernel's 1024-byte buffer, at most 1023 characters are printed; the result
 * counts them all. */
#include "rt_internal.h"

enum conv { C_SIGNED, C_UNSIGNED, C_HEX, C_HEX_UPPER, C_POINTER, C_STRING, C_CHAR, C_IP4, C_IP4_PADDED, C_IP6, C_IP6_PLAIN };

struct spec {
  enum conv conv;
  uint32_t wide;   /* 1 for the l/ll forms: all 64 bits of the argument */
  uint32_t left, zero, plus, space;
  uint32_t width;
  uint32_t length; /* characters of the specifier after the % */
};

/* The kernel formats into 1024 bytes and caps widths at FIELD_WIDTH_MAX. */
enum { MAX_OUTPUT = 1023, MAX_WIDTH = (1 << 23) - 1 };

static int is_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }
static int is_punct(char c) {
  return (c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') || (c >= '{' && c <= '~');
}
/* What may follow %s or %p: the kernel refuses a letter or digit there. */
static int ends_conversion(char c) { return c == 0 || is_space(c) || is_punct(c); }

/* Parses the specifier after a '%' (not "%%"); returns 0 for one the kernel rejects. */
static int parse(const char *p, struct spec *s) {
  uint32_t i = 0;
  s->left = s->zero = s->plus = s->space = 0;
  s->wide = 0;
  s->width = 0;
  for (;; i++) {
    if (p[i] == '-') s->left = 1;
    else if (p[i] == '0') s->zero = 1;
    else if (p[i] == '+') s->plus = 1;
    else if (p[i] == ' ') s->space = 1;
    else break;
  }
  while (p[i] >= '0' && p[i] <= '9') {
    if (s->width <= MAX_WIDTH) s->width = s->width * 10 + (uint32_t)(p[i] - '0');
    i++;
  }
  if (s->width > MAX_WIDTH) s->width = MAX_WIDTH;
  switch (p[i]) {
    case 'p':
      if ((p[i + 1] == 'k' || p[i + 1] == 'u') && p[i + 2] == 's') {
        s->conv = C_STRING;
        s->length = i + 3;
        return ends_conversion(p[i + 3]);
      }
      s->conv = C_POINTER;
      s->length = i + 1;
      if (ends_conversion(p[i + 1])) return 1;
      if (p[i + 1] == 'K' || p[i + 1] == 'x' || p[i + 1] == 's' || p[i + 1] == 'S' || p[i + 1] == 'B') {
        s->length = i + 2;
        return 1;
      }
      if ((p[i + 1] == 'i' || p[i + 1] == 'I') && (p[i + 2] == '4' || p[i + 2] == '6')) {
        int padded = p[i + 1] == 'i';
        s->conv = p[i + 2] == '4' ? (padded ? C_IP4_PADDED : C_IP4) : (padded ? C_IP6_PLAIN : C_IP6);
        s->length = i + 3;
        return 1;
      }
      return 0;
    case 's':
      s->conv = C_STRING;
      s->length = i + 1;
      return ends_conversion(p[i + 1]);
    case 'c':
      s->conv = C_CHAR;
      s->length = i + 1;
      return 1;
  }
  if (p[i] == 'l') {
    s->wide = 1;
    i++;
    if (p[i] == 'l') i++;
  }
  s->length = i + 1;
  switch (p[i]) {
    case 'd':
    case 'i': s->conv = C_SIGNED; return 1;
    case 'u': s->conv = C_UNSIGNED; return 1;
    case 'x': s->conv = C_HEX; return 1;
    case 'X': s->conv = C_HEX_UPPER; return 1;
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

/* Digits of v, most significant first, into buf (at least 20 bytes); returns their count.
 * Not inlined: where v is known to be small, compilers fold div10's pieces back into a
 * 64-bit multiply or a division, which are libgcc calls on the smaller ARM cores. */
static __attribute__((noinline)) uint32_t decimal(char *buf, uint64_t v) {
  char digits[20];
  uint32_t n = 0, len = 0;
  do {
    uint32_t r;
    v = div10(v, &r);
    digits[n++] = (char)('0' + r);
  } while (v != 0);
  while (n != 0) buf[len++] = digits[--n];
  return len;
}

/* Hex digits of v, at least `min_digits` of them (at most 16): nibbles of each 32-bit
 * half, because a variable 64-bit shift is a libgcc call on Thumb-1. */
static uint32_t hex(char *buf, uint64_t v, int upper, uint32_t min_digits) {
  const char *alphabet = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  uint32_t half[2] = {(uint32_t)(v >> 32), (uint32_t)v};
  uint32_t len = 0;
  for (uint32_t h = 0; h < 2; h++)
    for (int shift = 28; shift >= 0; shift -= 4) {
      uint32_t nibble = (half[h] >> shift) & 15u, position = 16 - (h * 8 + (28 - (uint32_t)shift) / 4);
      if (len != 0 || nibble != 0 || position <= min_digits || (h == 1 && shift == 0)) buf[len++] = alphabet[nibble];
    }
  return len;
}

struct out {
  uint32_t count;
};

static void put(struct out *o, char c) {
  if (o->count < MAX_OUTPUT) bpf2arm_platform_putc(c);
  o->count++;
}

/* Counts all n, but loops only over what can still be printed. */
static void put_repeated(struct out *o, char c, uint32_t n) {
  while (n != 0 && o->count < MAX_OUTPUT) {
    put(o, c);
    n--;
  }
  o->count += n;
}

/* `sign` (0 for none), then `body` of `len` characters, padded to the width: with spaces
 * on the left, spaces on the right for '-', or zeros after the sign for '0'. */
static void put_field(struct out *o, const struct spec *s, char sign, const char *body, uint32_t len, int zero_ok) {
  uint32_t used = len + (sign != 0), pad = s->width > used ? s->width - used : 0;
  int zeros = s->zero && !s->left && zero_ok;
  if (!s->left && !zeros) put_repeated(o, ' ', pad);
  if (sign) put(o, sign);
  if (zeros) put_repeated(o, '0', pad);
  for (uint32_t i = 0; i < len; i++) put(o, body[i]);
  if (s->left) put_repeated(o, ' ', pad);
}

static uint32_t ip4(char *buf, const uint8_t *a, int padded) {
  uint32_t len = 0;
  for (uint32_t i = 0; i < 4; i++) {
    if (i) buf[len++] = '.';
    char digits[20];
    uint32_t n = decimal(digits, a[i]);
    for (uint32_t pad = n; padded && pad < 3; pad++) buf[len++] = '0';
    for (uint32_t d = 0; d < n; d++) buf[len++] = digits[d];
  }
  return len;
}

static uint32_t ip6(char *buf, const uint8_t *a, int colons) {
  uint32_t len = 0;
  for (uint32_t i = 0; i < 16; i++) {
    if (colons && i && i % 2 == 0) buf[len++] = ':';
    len += hex(buf + len, a[i], 0, 2);
  }
  return len;
}

static void put_arg(struct out *o, const struct spec *s, uint64_t a) {
  char buf[48];
  uint32_t len;
  switch (s->conv) {
    case C_SIGNED: {
      int64_t v = s->wide ? (int64_t)a : (int64_t)(int32_t)(uint32_t)a;
      char sign = v < 0 ? '-' : s->plus ? '+' : s->space ? ' ' : 0;
      len = decimal(buf, v < 0 ? 0u - (uint64_t)v : (uint64_t)v);
      put_field(o, s, sign, buf, len, 1);
      return;
    }
    case C_UNSIGNED:
      len = decimal(buf, s->wide ? a : (uint32_t)a);
      put_field(o, s, 0, buf, len, 1);
      return;
    case C_HEX:
    case C_HEX_UPPER:
      len = hex(buf, s->wide ? a : (uint32_t)a, s->conv == C_HEX_UPPER, 1);
      put_field(o, s, 0, buf, len, 1);
      return;
    case C_POINTER: /* all the digits of a pointer, unless a width says otherwise */
      len = hex(buf, (uintptr_t)a, 0, s->width ? 1 : 2 * sizeof(void *));
      put_field(o, s, 0, buf, len, 1);
      return;
    case C_STRING: {
      const char *str = (const char *)(uintptr_t)a;
      if (str == NULL) str = "";
      uint32_t n = 0;
      while (str[n] != 0 && n < MAX_OUTPUT) n++;
      put_field(o, s, 0, str, n, 0);
      return;
    }
    case C_CHAR:
      buf[0] = (char)a;
      put_field(o, s, 0, buf, 1, 0);
      return;
    case C_IP4:
    case C_IP4_PADDED:
    case C_IP6:
    case C_IP6_PLAIN: {
      static const uint8_t unreadable[16]; /* the kernel prints a failed copy as zeros */
      const uint8_t *address = a ? (const uint8_t *)(uintptr_t)a : unreadable;
      if (s->conv == C_IP4 || s->conv == C_IP4_PADDED) len = ip4(buf, address, s->conv == C_IP4_PADDED);
      else len = ip6(buf, address, s->conv == C_IP6);
      put_field(o, s, 0, buf, len, 0);
      return;
    }
  }
}

/* Formats with `max_args` 64-bit arguments from `args`. The format must hold its NUL
 * within fmt_size, consist of printable ASCII and white space, and use at most max_args
 * arguments; nothing is printed otherwise. */
static int64_t format(const char *fmt, uint32_t fmt_size, const uint64_t *args, uint32_t max_args) {
  uint32_t end = 0;
  while (end < fmt_size && fmt[end] != 0) end++;
  if (end == fmt_size) return -BPF2ARM_EINVAL;
  for (uint32_t i = 0; i < end; i++)
    if (!((fmt[i] >= ' ' && fmt[i] <= '~') || is_space(fmt[i]))) return -BPF2ARM_EINVAL;

  uint32_t n_args = 0;
  struct spec s;
  for (uint32_t i = 0; i < end; i++) {
    if (fmt[i] != '%') continue;
    if (fmt[i + 1] == '%') {
      i++;
      continue;
    }
    if (!parse(fmt + i + 1, &s) || ++n_args > max_args) return -BPF2ARM_EINVAL;
    i += s.length;
  }

  struct out o = {0};
  n_args = 0;
  for (uint32_t i = 0; i < end; i++) {
    if (fmt[i] != '%') {
      put(&o, fmt[i]);
      continue;
    }
    if (fmt[i + 1] == '%') {
      put(&o, '%');
      i++;
      continue;
    }
    parse(fmt + i + 1, &s);
    put_arg(&o, &s, args[n_args++]);
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
