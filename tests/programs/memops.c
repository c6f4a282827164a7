/* Buffer transformations into caller memory: base64 and hex encoding (alphabets computed,
 * not looked up: a table would be .rodata), run-length encoding and decoding, in-place
 * reversal, bounded string functions, and a word-at-a-time compare through 8-byte loads
 * of a caller's aligned buffer. */
#include "bpfprog.h"

u32 base64_encode(const u8 *in, u32 n, u8 *out, u32 cap);
s32 base64_decode(const u8 *in, u32 n, u8 *out, u32 cap);
u32 hex_encode(const u8 *in, u32 n, u8 *out);
u32 rle_encode(const u8 *in, u32 n, u8 *out, u32 cap);
u32 rle_decode(const u8 *in, u32 n, u8 *out, u32 cap);
void reverse_in_place(u8 *p, u32 n);
u32 bounded_strlen(const u8 *s, u32 max);
s32 compare_words(const u64 *a, const u64 *b, u32 nwords);
u32 count_byte(const u8 *p, u32 n, u8 c);

#ifndef TEST_MAIN

static inline u8 b64_char(u32 v)
{
	v &= 63;
	if (v < 26)
		return (u8)('A' + v);
	if (v < 52)
		return (u8)('a' + v - 26);
	if (v < 62)
		return (u8)('0' + v - 52);
	return v == 62 ? '+' : '/';
}

static NOINLINE s32 b64_value(u8 c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Returns the output length, or 0 if it does not fit. */
u32 base64_encode(const u8 *in, u32 n, u8 *out, u32 cap)
{
	u32 need = (n + 2) / 3 * 4;
	if (need > cap || n > 3000)
		return 0;
	u32 o = 0;
	for (u32 i = 0; i < n; i += 3) {
		u32 v = (u32)in[i] << 16;
		if (i + 1 < n)
			v |= (u32)in[i + 1] << 8;
		if (i + 2 < n)
			v |= in[i + 2];
		out[o++] = b64_char(v >> 18);
		out[o++] = b64_char(v >> 12);
		out[o++] = i + 1 < n ? b64_char(v >> 6) : '=';
		out[o++] = i + 2 < n ? b64_char(v) : '=';
	}
	return o;
}

/* Returns the decoded length, or -(offset + 1) of the first invalid character. */
s32 base64_decode(const u8 *in, u32 n, u8 *out, u32 cap)
{
	if (n % 4 || n > 4000)
		return -1000000;
	u32 o = 0;
	for (u32 i = 0; i < n; i += 4) {
		u32 v = 0, pad = 0;
		for (u32 k = 0; k < 4; k++) {
			u8 c = in[i + k];
			s32 d;
			if (c == '=' && i + 4 == n && k >= 2) {
				pad++;
				d = 0;
			} else {
				d = b64_value(c);
				if (d < 0 || pad)
					return -(s32)(i + k + 1);
			}
			v = v << 6 | (u32)d;
		}
		if (o + 3 - pad > cap)
			return -2000000;
		out[o++] = (u8)(v >> 16);
		if (pad < 2)
			out[o++] = (u8)(v >> 8);
		if (pad < 1)
			out[o++] = (u8)v;
	}
	return (s32)o;
}

u32 hex_encode(const u8 *in, u32 n, u8 *out)
{
	for (u32 i = 0; i < n && i < 2048; i++) {
		u8 hi = in[i] >> 4, lo = in[i] & 15;
		out[2 * i] = (u8)(hi < 10 ? '0' + hi : 'a' + hi - 10);
		out[2 * i + 1] = (u8)(lo < 10 ? '0' + lo : 'a' + lo - 10);
	}
	return n < 2048 ? 2 * n : 4096;
}

/* (count, byte) pairs with count 1..255; returns 0 when the output does not fit. */
u32 rle_encode(const u8 *in, u32 n, u8 *out, u32 cap)
{
	u32 o = 0;
	for (u32 i = 0; i < n && i < 65536;) {
		u8 c = in[i];
		u32 run = 1;
		while (i + run < n && in[i + run] == c && run < 255)
			run++;
		if (o + 2 > cap)
			return 0;
		out[o++] = (u8)run;
		out[o++] = c;
		i += run;
	}
	return o;
}

u32 rle_decode(const u8 *in, u32 n, u8 *out, u32 cap)
{
	u32 o = 0;
	for (u32 i = 0; i + 1 < n && i < 65536; i += 2) {
		u32 run = in[i];
		for (u32 k = 0; k < run; k++) {
			if (o >= cap)
				return o;
			out[o++] = in[i + 1];
		}
	}
	return o;
}

void reverse_in_place(u8 *p, u32 n)
{
	if (n < 2)
		return;
	for (u32 i = 0, j = n - 1; i < j && i < 65536; i++, j--) {
		u8 t = p[i];
		p[i] = p[j];
		p[j] = t;
	}
}

u32 bounded_strlen(const u8 *s, u32 max)
{
	u32 n = 0;
	while (n < max && n < 65536 && s[n])
		n++;
	return n;
}

/* memcmp's sign convention over 64-bit words compared as big-endian byte strings. */
s32 compare_words(const u64 *a, const u64 *b, u32 nwords)
{
	for (u32 i = 0; i < nwords && i < 512; i++) {
		if (a[i] != b[i]) {
			u64 x = __builtin_bswap64(a[i]), y = __builtin_bswap64(b[i]);
			return x < y ? -(s32)(i + 1) : (s32)(i + 1);
		}
	}
	return 0;
}

u32 count_byte(const u8 *p, u32 n, u8 c)
{
	u32 k = 0;
	for (u32 i = 0; i < n && i < 65536; i++)
		k += p[i] == c;
	return k;
}

#else

void run_tests(void)
{
	static u8 in[256], enc[400], dec[300];
	static u64 wa[16], wb[16];
	for (int t = 0; t < 150; t++) {
		u32 n = t < 12 ? (u32)t : rnd_below(200);
		rnd_fill(in, n);
		if (t % 3 == 0)
			for (u32 i = 0; i < n; i++)
				in[i] = (u8)('a' + rnd_below(3));
		printf("input n=%u ", n);
		print_hex(in, n < 24 ? n : 24);
		printf("\n");
		memset(enc, 0, sizeof(enc));
		u32 cap = t % 10 == 5 ? rnd_below(300) : sizeof(enc);
		u32 elen = base64_encode(in, n, enc, cap);
		printf("  base64_encode(cap=%u) = %u %.*s\n", cap, elen, (int)(elen < 60 ? elen : 60),
		       (const char *)enc);
		if (elen && t % 4 == 1) {
			u32 at = rnd_below(elen);
			enc[at] = (u8)rnd32();
		}
		memset(dec, 0, sizeof(dec));
		s32 dlen = base64_decode(enc, elen, dec, sizeof(dec));
		printf("  base64_decode = %d same=%d\n", dlen, dlen == (s32)n && memcmp(dec, in, n) == 0);
		u32 hlen = hex_encode(in, n < 150 ? n : 150, enc);
		printf("  hex_encode = %u %.*s\n", hlen, (int)(hlen < 40 ? hlen : 40), (const char *)enc);
		u32 rcap = t % 5 == 2 ? rnd_below(100) : sizeof(enc);
		u32 rlen = rle_encode(in, n, enc, rcap);
		printf("  rle_encode(cap=%u) = %u ", rcap, rlen);
		print_hex(enc, rlen < 20 ? rlen : 20);
		printf("\n");
		u32 dcap = rnd_below(260);
		memset(dec, 0xee, sizeof(dec));
		u32 drl = rle_decode(enc, rlen, dec, dcap);
		printf("  rle_decode(cap=%u) = %u same=%d guard=%02x\n", dcap, drl, memcmp(dec, in, drl) == 0,
		       dec[drl]);
		reverse_in_place(in, n);
		printf("  reverse_in_place ");
		print_hex(in, n < 24 ? n : 24);
		printf("\n");
		u32 zero = rnd_below(n + 1);
		if (zero < n)
			in[zero] = 0;
		printf("  bounded_strlen = %u %u\n", bounded_strlen(in, n), bounded_strlen(in, n / 2));
		printf("  count_byte = %u\n", count_byte(in, n, 'a'));
		u32 nw = rnd_below(17);
		for (u32 i = 0; i < nw; i++)
			wa[i] = wb[i] = rnd_edge64();
		if (nw && t % 3) {
			u32 at = rnd_below(nw);
			u32 byte = rnd_below(8);
			((u8 *)&wb[at])[byte] ^= (u8)(1 + rnd_below(255));
		}
		printf("  compare_words(%u) = %d %d\n", nw, compare_words(wa, wb, nw), compare_words(wb, wa, nw));
	}
}

#endif
