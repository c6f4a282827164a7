/* State machines over text: a UTF-8 validator, a strtol-like number parser with an output
 * pointer, and a tokenizer for `key=value;` lists. Many small branches, switch statements,
 * and a state kept in registers across a loop. */
#include "bpfprog.h"

/* Parser results; negative is an error. */
#define P_OK 0
#define P_EMPTY (-1)
#define P_JUNK (-2)
#define P_OVERFLOW (-3)

enum utf8_state { U_START, U_CONT1, U_CONT2, U_CONT3, U_E0, U_ED, U_F0, U_F4, U_BAD };

s32 utf8_check(const u8 *s, u32 n, u32 *codepoints);
s32 parse_s64(const u8 *s, u32 n, s64 *value);
u32 count_pairs(const u8 *s, u32 n, u64 *key_hash_sum);
enum utf8_state utf8_step(enum utf8_state st, u8 byte);

#ifndef TEST_MAIN

enum utf8_state utf8_step(enum utf8_state st, u8 b)
{
	switch (st) {
	case U_START:
		if (b < 0x80)
			return U_START;
		if (b < 0xc2)
			return U_BAD;
		if (b < 0xe0)
			return U_CONT1;
		if (b == 0xe0)
			return U_E0;
		if (b == 0xed)
			return U_ED;
		if (b < 0xf0)
			return U_CONT2;
		if (b == 0xf0)
			return U_F0;
		if (b < 0xf4)
			return U_CONT3;
		if (b == 0xf4)
			return U_F4;
		return U_BAD;
	case U_CONT1:
		return (b & 0xc0) == 0x80 ? U_START : U_BAD;
	case U_CONT2:
		return (b & 0xc0) == 0x80 ? U_CONT1 : U_BAD;
	case U_CONT3:
		return (b & 0xc0) == 0x80 ? U_CONT2 : U_BAD;
	case U_E0: /* no overlong 3-byte forms */
		return b >= 0xa0 && b <= 0xbf ? U_CONT1 : U_BAD;
	case U_ED: /* no surrogates */
		return b >= 0x80 && b <= 0x9f ? U_CONT1 : U_BAD;
	case U_F0:
		return b >= 0x90 && b <= 0xbf ? U_CONT2 : U_BAD;
	case U_F4: /* nothing above U+10FFFF */
		return b >= 0x80 && b <= 0x8f ? U_CONT2 : U_BAD;
	default:
		return U_BAD;
	}
}

/* Returns the offset of the first bad byte, or -1 if the whole input is valid. */
s32 utf8_check(const u8 *s, u32 n, u32 *codepoints)
{
	enum utf8_state st = U_START;
	u32 cps = 0;
	u32 start = 0;
	for (u32 i = 0; i < n && i < 100000; i++) {
		if (st == U_START)
			start = i;
		st = utf8_step(st, s[i]);
		if (st == U_BAD) {
			*codepoints = cps;
			return (s32)start;
		}
		cps += st == U_START;
	}
	*codepoints = cps;
	return st == U_START ? -1 : (s32)start;
}

/* Decimal, or hex with 0x, or octal with a leading 0; optional sign and surrounding blanks. */
s32 parse_s64(const u8 *s, u32 n, s64 *value)
{
	u32 i = 0;
	int neg = 0;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i < n && (s[i] == '-' || s[i] == '+'))
		neg = s[i++] == '-';
	u32 base = 10;
	if (i + 1 < n && s[i] == '0' && (s[i + 1] | 0x20) == 'x') {
		base = 16;
		i += 2;
	} else if (i + 1 < n && s[i] == '0') {
		base = 8;
		i++;
	}
	u64 limit = neg ? 0x8000000000000000ULL : 0x7fffffffffffffffULL;
	u64 acc = 0;
	u32 digits = 0;
	for (; i < n && i < 64; i++) {
		u8 c = s[i];
		u32 d;
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			d = (c | 0x20) - 'a' + 10;
		else
			break;
		if (d >= base)
			break;
		if (acc > (limit - d) / base)
			return P_OVERFLOW;
		acc = acc * base + d;
		digits++;
	}
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (!digits && base != 8)
		return P_EMPTY;
	if (i != n)
		return P_JUNK;
	*value = neg ? (s64)(0 - acc) : (s64)acc;
	return P_OK;
}

/* "a=1;bb=22;" -> 2 pairs; a pair needs a non-empty key, '=' and a value. */
u32 count_pairs(const u8 *s, u32 n, u64 *key_hash_sum)
{
	enum { IN_KEY, IN_VALUE, SKIP } st = IN_KEY;
	u32 pairs = 0, keylen = 0, vallen = 0;
	u64 h = 0, sum = 0;
	for (u32 i = 0; i <= n && i < 4096; i++) {
		u8 c = i < n ? s[i] : ';';
		switch (st) {
		case IN_KEY:
			if (c == '=') {
				st = keylen ? IN_VALUE : SKIP;
				vallen = 0;
			} else if (c == ';') {
				keylen = 0;
				h = 0;
			} else {
				keylen++;
				h = (h ^ c) * 0x100000001b3ULL;
			}
			break;
		case IN_VALUE:
			if (c == ';') {
				if (vallen) {
					pairs++;
					sum += h;
				}
				st = IN_KEY;
				keylen = 0;
				h = 0;
			} else if (c == '=') {
				st = SKIP;
			} else {
				vallen++;
			}
			break;
		case SKIP:
			if (c == ';') {
				st = IN_KEY;
				keylen = 0;
				h = 0;
			}
			break;
		}
	}
	*key_hash_sum = sum;
	return pairs;
}

#else

static const char *const numbers[] = {
	"0", "-0", "+7", "  42  ", "-9223372036854775808", "9223372036854775807", "9223372036854775808",
	"-9223372036854775809", "0x7fffffffffffffff", "-0x8000000000000000", "0x8000000000000000", "0777",
	"08", "0x", "0xg", "", " ", "-", "12a", "1 2", "\t-123456789012\t", "0XDEADbeef", "00000000000000000001",
	"18446744073709551615", "-1", "+", "0x10", "010", "99999999999999999999",
};

void run_tests(void)
{
	u8 buf[64];
	for (u32 i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++) {
		s64 v = 12345;
		u32 n = (u32)strlen(numbers[i]);
		s32 r = parse_s64((const u8 *)numbers[i], n, &v);
		printf("parse_s64(\"%s\") = %d value=%lld\n", numbers[i], r, v);
	}
	static const char digits[] = " +-0123456789abcdefxX\t";
	for (int t = 0; t < 300; t++) {
		u32 n = rnd_below(24);
		for (u32 j = 0; j < n; j++)
			buf[j] = (u8)digits[rnd_below(sizeof(digits) - 1)];
		if (t % 3 == 0 && n > 2) {
			buf[0] = (u8)(t % 2 ? '-' : ' ');
			for (u32 j = 1; j < n; j++)
				buf[j] = (u8)('0' + rnd_below(10));
		}
		s64 v = -777;
		s32 r = parse_s64(buf, n, &v);
		printf("parse_s64(\"%.*s\") = %d value=%lld\n", (int)n, (const char *)buf, r, v);
	}
	for (int t = 0; t < 300; t++) {
		u32 n = rnd_below(sizeof(buf));
		for (u32 j = 0; j < n; j++) {
			u32 k = rnd_below(10);
			buf[j] = (u8)(k < 5 ? 'a' + rnd_below(26) : k < 7 ? 0x80 + rnd_below(64) : 0xc0 + rnd_below(64));
		}
		if (t % 4 == 0 && n >= 4) { /* a valid 4-byte sequence somewhere */
			u32 at = rnd_below(n - 3);
			buf[at] = 0xf0;
			buf[at + 1] = (u8)(0x90 + rnd_below(16));
			buf[at + 2] = 0x80;
			buf[at + 3] = 0xbf;
		}
		u32 cps = 0;
		s32 bad = utf8_check(buf, n, &cps);
		printf("utf8_check(");
		print_hex(buf, n);
		printf(") = %d codepoints=%u\n", bad, cps);
	}
	for (u32 st = 0; st <= U_BAD; st++)
		for (u32 b = 0; b < 256; b += 7)
			printf("utf8_step(%u, %02x) = %d\n", st, b, (int)utf8_step((enum utf8_state)st, (u8)b));
	static const char pairchars[] = "ab=;=;c";
	for (int t = 0; t < 200; t++) {
		u32 n = rnd_below(40);
		for (u32 j = 0; j < n; j++)
			buf[j] = (u8)pairchars[rnd_below(sizeof(pairchars) - 1)];
		u64 sum = 0;
		u32 pairs = count_pairs(buf, n, &sum);
		printf("count_pairs(\"%.*s\") = %u sum=%016llx\n", (int)n, (const char *)buf, pairs, sum);
	}
}

#endif
