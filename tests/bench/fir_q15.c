/* An 8-tap FIR filter in Q15 fixed point over s16 sensor samples: sign-extending 16-bit
 * loads, 32-bit multiply-accumulate, rounding, saturation, 16-bit stores, and an energy
 * sum kept in 64 bits. */
#include "bench.h"

#define TAPS 8

s64 fir_q15(const s16 *x, s16 *y, u32 n, const s16 *h);

#ifndef BENCH_DRIVER

s64 fir_q15(const s16 *x, s16 *y, u32 n, const s16 *h)
{
	s64 energy = 0;
	for (u32 i = TAPS - 1; i < n && i < 1024; i++) {
		s32 acc = 0;
		for (u32 k = 0; k < TAPS; k++)
			acc += (s32)h[k] * x[i - k];
		acc = (acc + (1 << 14)) >> 15;
		if (acc > 32767)
			acc = 32767;
		else if (acc < -32768)
			acc = -32768;
		y[i] = (s16)acc;
		energy += (s64)acc * acc;
	}
	return energy;
}

#else

#define SAMPLES 64
static s16 input[SAMPLES];
static s16 output[SAMPLES];
/* A low-pass kernel whose taps sum past 1.0, so loud input saturates sometimes. */
static const s16 kernel[TAPS] = { 1200, 4100, 7900, 10300, 10300, 7900, 4100, 1200 };

void bench_setup(void)
{
	for (u32 i = 0; i < SAMPLES; i++)
		input[i] = (s16)bench_rand();
}

u64 bench_run(void)
{
	u64 e = (u64)fir_q15(input, output, SAMPLES, kernel);
	return e ^ (u16)output[SAMPLES - 1];
}

#endif
