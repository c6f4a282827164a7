/* Bare-metal test firmware: calls functions compiled by bpf2arm and the same C compiled by
 * arm-none-eabi-gcc (renamed ref_*), on the same inputs, and compares the results. This is
 * the soft-float, newlib, no-OS setting of SPEC 4: the objects must link with soft-float
 * code, keep the AAPCS with gcc's callers, and need nothing from an operating system.
 * Output goes through semihosting; the exit status is 0 only if everything matched. */
#include <stdio.h>
#include <string.h>

#include "bpfprog.h" /* tests/programs: the fixed-width types of the programs */

unsigned bm_passed, bm_failed;
const char *bm_current;

/* Mirrors of the prototypes in the program files (and struct flow of udp_parse.c). */
struct flow {
	u32 saddr;
	u32 daddr;
	u16 sport;
	u16 dport;
	u8 proto;
	u8 ttl;
	u16 payload_len;
};

#define BOTH(ret, name, params) ret name params; ret ref_##name params;
BOTH(int, filter, (const unsigned char *pkt, unsigned int len))
BOTH(u32, crc32, (const u8 *p, u32 n))
BOTH(u64, fnv1a64, (const void *p, u32 n))
BOTH(u16, inet_csum, (const u8 *p, u32 n))
BOTH(s32, udp_verdict, (const u8 *pkt, u32 len, struct flow *out))
BOTH(u64, udiv64, (u64 a, u64 b))
BOTH(s64, sdiv64, (s64 a, s64 b))
BOTH(s64, smod64, (s64 a, s64 b))
BOTH(s32, sdiv32, (s32 a, s32 b))
BOTH(u64, shift_mix64, (u64 x, u32 n))
BOTH(u64, mulhi64, (u64 a, u64 b))
BOTH(s64, widen_mul, (s32 a, u32 b, s16 c))
BOTH(u32, compare_bits, (s64 a, s64 b))
BOTH(s64, five_mixed, (s64 a, u32 b, s64 c, u8 d, u64 e))
BOTH(u64, pair_after_odd, (u32 a, u64 b, u32 c, u32 d, u64 e))
BOTH(s32, narrow_five, (u8 a, s8 b, s16 c, u16 d, s32 e))
BOTH(u64, skip_r3, (u32 a, u32 b, u32 c, u64 d))
BOTH(u16, g_short_uint, (s16 x, u32 y))
BOTH(s8, neg_byte, (s8 x, u8 y))
BOTH(_Bool, is_in_range, (s32 v, s32 lo, s32 hi))
BOTH(u64, fib_rec, (u32 n))
BOTH(u32, ackermann, (u32 m, u32 n))
BOTH(s64, ext_gcd, (s64 a, s64 b, s64 *x, s64 *y))
BOTH(u64, sum_via_callbacks, (u32 n, u64 seed))
BOTH(s32, moving_average, (const s16 *in, u32 n, s16 *out))

/* xorshift64*: fixed seed, so a failure reproduces. */
static u64 rng = 0x2545f4914f6cdd1dULL;
static u64 rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dULL;
}

/* Boundary values where 64-bit lowering breaks; mixed with random ones. */
static u64 rnd_edge(void)
{
	static const u64 edges[] = { 0, 1, 2, 31, 32, 33, 63, 64, 0x7fffffff, 0x80000000ULL, 0xffffffffULL,
				     0x100000000ULL, 0x7fffffffffffffffULL, 0x8000000000000000ULL,
				     0xffffffffffffffffULL, (u64)-2, (u64)-7, (u64)-0x80000000LL };
	u64 r = rnd();
	switch (r & 3) {
	case 0: return edges[(r >> 8) % (sizeof(edges) / sizeof(edges[0]))];
	case 1: return rnd() >> ((r >> 8) & 63);
	default: return rnd();
	}
}

static unsigned mismatches, calls;

static void begin(const char *name)
{
	bm_current = name;
	mismatches = 0;
	calls = 0;
}

/* One comparison; the first few differences of a function are printed in full. */
static void check(u64 got, u64 want, const char *fmt, u64 a, u64 b, u64 c)
{
	calls++;
	if (got == want)
		return;
	if (++mismatches <= 3) {
		printf("  MISMATCH in %s: ", bm_current);
		printf(fmt, a, b, c);
		printf(": got 0x%llx, expected 0x%llx\n", got, want);
	}
}

static void end(void)
{
	if (mismatches) {
		bm_failed++;
		printf("FAIL %s: %u of %u calls differ\n", bm_current, mismatches, calls);
	} else {
		bm_passed++;
		printf("PASS %s (%u calls)\n", bm_current, calls);
	}
}

static u8 buf[1600] __attribute__((aligned(8)));

static void put16(u8 *p, u32 v)
{
	p[0] = (u8)(v >> 8);
	p[1] = (u8)v;
}

static u32 random_ipv4(u8 *p, int ethernet)
{
	u32 off = ethernet ? 14 : 0;
	u32 len = off + 20 + (u32)(rnd() % 60);
	for (u32 i = 0; i < len; i++)
		p[i] = (u8)rnd();
	if (ethernet)
		put16(p + 12, rnd() % 8 ? 0x0800 : 0x86dd);
	u8 *ip = p + off;
	ip[0] = rnd() % 8 ? 0x45 : (u8)rnd();
	put16(ip + 2, rnd() % 8 ? len - off : (u32)rnd() & 0xffff);
	ip[6] &= rnd() % 4 ? 0x40 : 0xff;
	ip[7] = rnd() % 4 ? 0 : ip[7];
	static const u8 protos[] = { 1, 6, 17, 47 };
	ip[9] = protos[rnd() % 4];
	u8 *l4 = ip + 20;
	static const u16 ports[] = { 22, 25, 53, 80, 443, 1024, 6000, 51000 };
	put16(l4 + 2, ports[rnd() % 8]);
	l4[12] = (u8)(rnd() % 4 ? 0x50 : rnd());
	if (ethernet) { /* a valid header checksum most of the time, so the parser goes deep */
		u32 sum = 0;
		ip[10] = ip[11] = 0;
		for (u32 i = 0; i < 20; i += 2)
			sum += (u32)(ip[i] << 8 | ip[i + 1]);
		while (sum >> 16)
			sum = (sum & 0xffff) + (sum >> 16);
		if (rnd() % 8)
			put16(ip + 10, ~sum & 0xffff);
	}
	return len - (u32)(rnd() % 16 == 0 ? rnd() % len : 0);
}

static void test_packets(void)
{
	begin("filter");
	for (int i = 0; i < 400; i++) {
		u32 len = random_ipv4(buf, 0);
		check((u64)(s64)filter(buf, len), (u64)(s64)ref_filter(buf, len), "len=%llu proto=%llu dport=%llu",
		      len, buf[9], (u64)(buf[22] << 8 | buf[23]));
	}
	end();

	begin("udp_verdict");
	for (int i = 0; i < 400; i++) {
		u32 len = random_ipv4(buf, 1);
		struct flow f1, f2;
		memset(&f1, 0x11, sizeof(f1));
		memset(&f2, 0x11, sizeof(f2));
		s32 v1 = udp_verdict(buf, len, &f1), v2 = ref_udp_verdict(buf, len, &f2);
		check((u64)(s64)v1, (u64)(s64)v2, "len=%llu ihl=%llu proto=%llu", len, buf[14] & 15,
		      buf[23]);
		check((u64)f1.saddr << 32 | f1.daddr, (u64)f2.saddr << 32 | f2.daddr, "len=%llu flow.addrs, ihl=%llu proto=%llu", len, buf[14] & 15, buf[23]);
		check((u64)f1.sport << 48 | (u64)f1.dport << 32 | (u64)f1.proto << 24 | (u64)f1.ttl << 16 | f1.payload_len,
		      (u64)f2.sport << 48 | (u64)f2.dport << 32 | (u64)f2.proto << 24 | (u64)f2.ttl << 16 | f2.payload_len,
		      "len=%llu flow.ports, ihl=%llu proto=%llu", len, buf[14] & 15, buf[23]);
	}
	end();
}

static void test_hashes(void)
{
	begin("crc32/fnv1a64/inet_csum");
	for (int i = 0; i < 100; i++) {
		u32 n = (u32)(rnd() % 1500);
		u32 off = (u32)(rnd() % 8); /* any alignment */
		for (u32 k = 0; k < n; k++)
			buf[off + k] = (u8)rnd();
		check(crc32(buf + off, n), ref_crc32(buf + off, n), "crc32 len=%llu off=%llu", n, off, 0);
		check(fnv1a64(buf + off, n), ref_fnv1a64(buf + off, n), "fnv1a64 len=%llu off=%llu",
		      n, off, 0);
		check(inet_csum(buf + off, n), ref_inet_csum(buf + off, n), "inet_csum len=%llu off=%llu",
		      n, off, 0);
	}
	end();
}

#define ARGS3 "0x%llx, 0x%llx, 0x%llx"

static void test_arith(void)
{
	begin("64-bit division");
	for (int i = 0; i < 1000; i++) {
		u64 a = rnd_edge(), b = rnd_edge();
		check(udiv64(a, b), ref_udiv64(a, b), "udiv64 " ARGS3, a, b, 0);
		check((u64)sdiv64((s64)a, (s64)b), (u64)ref_sdiv64((s64)a, (s64)b), "sdiv64 " ARGS3, a, b, 0);
		check((u64)smod64((s64)a, (s64)b), (u64)ref_smod64((s64)a, (s64)b), "smod64 " ARGS3, a, b, 0);
		check((u64)(s64)sdiv32((s32)a, (s32)b), (u64)(s64)ref_sdiv32((s32)a, (s32)b), "sdiv32 " ARGS3, a, b, 0);
	}
	end();

	begin("64-bit shifts and multiplies");
	for (int i = 0; i < 1000; i++) {
		u64 a = rnd_edge(), b = rnd_edge();
		u32 n = (u32)(i < 128 ? i : (int)rnd());
		check(shift_mix64(a, n), ref_shift_mix64(a, n), "shift_mix64 " ARGS3, a, n, 0);
		check(mulhi64(a, b), ref_mulhi64(a, b), "mulhi64 " ARGS3, a, b, 0);
		check((u64)widen_mul((s32)a, (u32)b, (s16)n), (u64)ref_widen_mul((s32)a, (u32)b, (s16)n),
		      "widen_mul " ARGS3, a, b, n);
		check(compare_bits((s64)a, (s64)b), ref_compare_bits((s64)a, (s64)b), "compare_bits " ARGS3, a, b, 0);
	}
	end();
}

static void test_abi(void)
{
	begin("AAPCS argument placement");
	for (int i = 0; i < 1000; i++) {
		u64 a = rnd_edge(), b = rnd_edge(), c = rnd_edge(), d = rnd_edge(), e = rnd_edge();
		check((u64)five_mixed((s64)a, (u32)b, (s64)c, (u8)d, e),
		      (u64)ref_five_mixed((s64)a, (u32)b, (s64)c, (u8)d, e), "five_mixed " ARGS3 ", ...", a, b, c);
		check(pair_after_odd((u32)a, b, (u32)c, (u32)d, e), ref_pair_after_odd((u32)a, b, (u32)c, (u32)d, e),
		      "pair_after_odd " ARGS3 ", ...", a, b, c);
		check((u64)(s64)narrow_five((u8)a, (s8)b, (s16)c, (u16)d, (s32)e),
		      (u64)(s64)ref_narrow_five((u8)a, (s8)b, (s16)c, (u16)d, (s32)e), "narrow_five " ARGS3 ", ...",
		      a, b, c);
		check(skip_r3((u32)a, (u32)b, (u32)c, d), ref_skip_r3((u32)a, (u32)b, (u32)c, d),
		      "skip_r3 " ARGS3 ", ...", a, b, c);
		/* The results widened by the caller: the callee must have extended them. */
		check((u64)(s64)(int)g_short_uint((s16)a, (u32)b), (u64)(s64)(int)ref_g_short_uint((s16)a, (u32)b),
		      "g_short_uint " ARGS3, a, b, 0);
		check((u64)(s64)(int)neg_byte((s8)a, (u8)b), (u64)(s64)(int)ref_neg_byte((s8)a, (u8)b),
		      "neg_byte " ARGS3, a, b, 0);
		check(is_in_range((s32)a, (s32)b >> 1, (s32)c >> 1) == 1, ref_is_in_range((s32)a, (s32)b >> 1, (s32)c >> 1) == 1,
		      "is_in_range " ARGS3, a, b, c);
	}
	end();
}

static void test_calls(void)
{
	begin("bpf-to-bpf calls and recursion");
	for (u32 n = 0; n < 24; n++)
		check(fib_rec(n), ref_fib_rec(n), "fib_rec %llu", n, 0, 0);
	for (u32 m = 0; m < 3; m++)
		for (u32 n = 0; n < 6; n++)
			check(ackermann(m, n), ref_ackermann(m, n), "ackermann %llu, %llu", m, n, 0);
	for (int i = 0; i < 200; i++) {
		s64 a = (s64)(rnd_edge() >> 2), b = (s64)(rnd_edge() >> 3) | 1;
		if (i & 1)
			a = -a;
		s64 x1 = 0, y1 = 0, x2 = 0, y2 = 0;
		s64 g1 = ext_gcd(a, b, &x1, &y1), g2 = ref_ext_gcd(a, b, &x2, &y2);
		check((u64)g1, (u64)g2, "ext_gcd " ARGS3, (u64)a, (u64)b, 0);
		check((u64)x1 ^ (u64)y1 << 1, (u64)x2 ^ (u64)y2 << 1, "ext_gcd x/y " ARGS3, (u64)a, (u64)b, 0);
	}
	for (int i = 0; i < 50; i++) {
		u32 n = (u32)(rnd() % 300);
		u64 seed = rnd_edge();
		check(sum_via_callbacks(n, seed), ref_sum_via_callbacks(n, seed), "sum_via_callbacks " ARGS3, n, seed, 0);
	}
	end();

	begin("moving_average");
	static s16 in[300], out1[300], out2[300];
	for (int i = 0; i < 50; i++) {
		u32 n = (u32)(rnd() % 300);
		for (u32 k = 0; k < n; k++)
			in[k] = (s16)rnd();
		s32 r1 = moving_average(in, n, out1), r2 = ref_moving_average(in, n, out2);
		check((u64)(s64)r1, (u64)(s64)r2, "n=%llu", n, 0, 0);
		check((u64)memcmp(out1, out2, n * sizeof(s16)), 0, "n=%llu outputs" , n, 0, 0);
	}
	end();
}

int main(void)
{
	printf("bpf2arm bare-metal tests\n");
	test_packets();
	test_hashes();
	test_arith();
	test_abi();
	test_calls();
	printf("%u passed, %u failed\n", bm_passed, bm_failed);
	return bm_failed ? 1 : 0;
}
