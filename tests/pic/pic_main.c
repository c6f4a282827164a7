/* Drives tests/pic/counter.bpf.c, compiled by bpf2arm with -fPIE (linked into this PIE
 * executable) or -fPIC (in a shared object this executable loads), and checks every
 * result against a model of the program's logic written here in plain C. Prints one
 * line per failure and a summary; the exit status is the number of failures. */
#include <stdint.h>
#include <stdio.h>

#include "counter.arm.h"

uint32_t fw_bias = 2; /* the program's `extern __u32 fw_bias __ksym` */

static int failures;

static void expect(const char *what, uint64_t got, uint64_t want)
{
	if (got == want)
		return;
	printf("FAIL %s: got %llu, want %llu\n", what, (unsigned long long)got, (unsigned long long)want);
	failures++;
}

int main(void)
{
	static const uint32_t weights[4] = {3, 5, 7, 11};
	static const uint32_t ids[] = {1, 2, 1, 3, 2, 1, 6, 13};
	static const uint32_t values[] = {10, 4, 9, 1, 0, 6, 100, 7};
	uint64_t model_sums[16] = {0}, model_total = 0;
	uint32_t model_calls = 0;
	char what[64];

	for (unsigned i = 0; i < sizeof ids / sizeof ids[0]; i++) {
		struct event e = {ids[i], values[i]};
		int got = record(&e);
		uint64_t add = (uint64_t)values[i] * weights[ids[i] % 4] + fw_bias;
		model_sums[ids[i]] += add;
		model_total += add;
		model_calls++;
		uint64_t acc = 0;
		for (uint32_t k = 0; k < values[i] % 8; k++)
			acc += weights[k % 4];
		snprintf(what, sizeof what, "record #%u result", i);
		expect(what, (uint32_t)got, (uint32_t)acc + model_calls * 1000);
		snprintf(what, sizeof what, "record #%u event value", i);
		expect(what, e.value, (uint32_t)acc);
	}
	expect("total", total, model_total);
	expect("last_id", last_id, ids[sizeof ids / sizeof ids[0] - 1]);
	uint64_t model_checksum = 0;
	for (uint32_t key = 0; key < 16; key++) {
		uint64_t *sum = sums__lookup(&key);
		snprintf(what, sizeof what, "sums[%u] present", key);
		expect(what, sum != NULL, model_sums[key] != 0);
		if (sum) {
			snprintf(what, sizeof what, "sums[%u]", key);
			expect(what, *sum, model_sums[key]);
		}
		model_checksum += key * model_sums[key];
	}
	expect("checksum (bpf_for_each_map_elem)", checksum(), model_checksum);
	printf("pic: total %llu, checksum %llu, %d failures\n", (unsigned long long)total,
	       (unsigned long long)model_checksum, failures);
	return failures;
}
