/* A fixed-point sensor pipeline: signed 16-bit samples from the caller (sign-extending
 * loads), a moving average on the stack, an IIR low-pass filter in Q15, clamping, and
 * results written back as s16. Arithmetic shifts of negative values are what both GCC and
 * clang define them to be (sign-propagating). */
#include "bpfprog.h"

#define WINDOW 8

struct stats {
	s16 min;
	s16 max;
	s32 sum;
	u32 crossings;
	s16 mean;
	u16 spread;
};

s32 moving_average(const s16 *in, u32 n, s16 *out);
s32 lowpass_q15(const s16 *in, u32 n, s16 alpha_q15, s16 *out);
void sample_stats(const s16 *in, u32 n, struct stats *st);
s16 clamp_s16(s32 v);
s8 quantize(s16 sample, u8 shift);
u32 threshold_events(const s16 *in, u32 n, s16 high, s16 low);

#ifndef TEST_MAIN

s16 clamp_s16(s32 v)
{
	if (v > 32767)
		return 32767;
	if (v < -32768)
		return -32768;
	return (s16)v;
}

s8 quantize(s16 sample, u8 shift)
{
	s32 v = sample >> (shift & 15);
	if (v > 127)
		v = 127;
	if (v < -128)
		v = -128;
	return (s8)v;
}

/* Returns the sum of all outputs, which also checks that every output was written. */
s32 moving_average(const s16 *in, u32 n, s16 *out)
{
	s16 window[WINDOW];
	s32 acc = 0;
	s32 total = 0;
	for (u32 i = 0; i < WINDOW; i++)
		window[i] = 0;
	for (u32 i = 0; i < n && i < 4096; i++) {
		u32 slot = i % WINDOW;
		acc -= window[slot];
		window[slot] = in[i];
		acc += in[i];
		u32 count = i + 1 < WINDOW ? i + 1 : WINDOW;
		s32 avg = acc / (s32)count; /* signed division, rounds toward zero */
		out[i] = clamp_s16(avg);
		total += out[i];
	}
	return total;
}

s32 lowpass_q15(const s16 *in, u32 n, s16 alpha_q15, s16 *out)
{
	if (alpha_q15 < 0)
		alpha_q15 = 0;
	s64 state = n ? (s64)in[0] * 32768 : 0;
	s32 peak = 0;
	for (u32 i = 0; i < n && i < 4096; i++) {
		s64 x = (s64)in[i] * 32768;
		state += ((x - state) * alpha_q15) >> 15;
		s32 y = (s32)((state + (1 << 14)) >> 15);
		out[i] = clamp_s16(y * 2); /* a gain of 2, so clamping happens */
		s32 mag = y < 0 ? -y : y;
		if (mag > peak)
			peak = mag;
	}
	return peak;
}

void sample_stats(const s16 *in, u32 n, struct stats *st)
{
	st->min = 32767;
	st->max = -32768;
	st->sum = 0;
	st->crossings = 0;
	for (u32 i = 0; i < n && i < 4096; i++) {
		s16 v = in[i];
		if (v < st->min)
			st->min = v;
		if (v > st->max)
			st->max = v;
		st->sum += v;
		if (i > 0 && (in[i - 1] < 0) != (v < 0))
			st->crossings++;
	}
	st->mean = n ? (s16)(st->sum / (s32)(n > 4096 ? 4096 : n)) : 0;
	st->spread = n ? (u16)(st->max - st->min) : 0;
}

/* Hysteresis: an event starts above `high` and ends below `low`. */
u32 threshold_events(const s16 *in, u32 n, s16 high, s16 low)
{
	u32 events = 0;
	int active = 0;
	for (u32 i = 0; i < n && i < 4096; i++) {
		if (!active && in[i] > high) {
			active = 1;
			events++;
		} else if (active && in[i] < low) {
			active = 0;
		}
	}
	return events | (u32)active << 31;
}

#else

#define NS 200

void run_tests(void)
{
	s16 in[NS], out[NS];
	for (int t = 0; t < 60; t++) {
		u32 n = t < 10 ? (u32)t : rnd_below(NS + 1);
		s32 level = (s32)rnd_below(65536) - 32768;
		for (u32 i = 0; i < n; i++) {
			switch (t % 4) {
			case 0: in[i] = (s16)rnd32(); break;
			case 1: {
				s32 v = level + (s32)rnd_below(2001) - 1000;
				in[i] = (s16)(v > 32767 ? 32767 : v < -32768 ? -32768 : v);
				break;
			}
			case 2: in[i] = (i / 7) % 2 ? 32767 : -32768; break;
			default: in[i] = (s16)((s32)rnd_below(401) - 200 + (s32)(i * 37 % 300)); break;
			}
		}
		printf("samples n=%u kind=%d first=%d\n", n, t % 4, n ? in[0] : 0);
		memset(out, 0x5a, sizeof(out));
		printf("  moving_average = %d", moving_average(in, n, out));
		printf(" out[n-1]=%d out[n]=%d\n", n ? out[n - 1] : 0, n < NS ? out[n] : 0);
		s16 alpha = (s16)(t < 5 ? -1 : (s32)rnd_below(32768));
		printf("  lowpass_q15(alpha=%d) = %d", alpha, lowpass_q15(in, n, alpha, out));
		printf(" out[0]=%d out[n/2]=%d\n", n ? out[0] : 0, n ? out[n / 2] : 0);
		struct stats st;
		memset(&st, 0x77, sizeof(st));
		sample_stats(in, n, &st);
		printf("  sample_stats min=%d max=%d sum=%d crossings=%u mean=%d spread=%u\n", st.min, st.max,
		       st.sum, st.crossings, st.mean, st.spread);
		s16 high = (s16)rnd_below(20000), low = (s16)(high - (s16)rnd_below(30000));
		printf("  threshold_events(%d, %d) = %08x\n", high, low, threshold_events(in, n, high, low));
	}
	for (int t = 0; t < 200; t++) {
		s32 v = (s32)rnd_edge32();
		if (t % 2)
			v >>= rnd_below(20);
		u8 shift = (u8)rnd32();
		printf("clamp_s16(%d) = %d quantize(%d, %u) = %d\n", v, clamp_s16(v), (s16)v, shift,
		       quantize((s16)v, shift));
	}
}

#endif
