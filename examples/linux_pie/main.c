/* A Linux user-space program built as Raspberry Pi OS builds programs: arm-linux-gnueabihf-gcc
 * links position-independent executables by default, so bpf2arm compiles latency.bpf.c with
 * -fPIE. It feeds a day of synthetic request latencies to the BPF program, prints the
 * histogram and the per-endpoint statistics it collected (through the header's accessors),
 * and compares them with the same statistics computed here in plain C. The exit status is
 * the number of mismatches. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "latency.arm.h"

#define REQUESTS 2000
#define ENDPOINTS 5
#define BUCKETS 16

/* bpf_printk's characters reach the runtime's putc hook: here, standard output. */
void bpf2arm_platform_putc(char c)
{
	putchar(c);
}

static uint32_t lcg_state = 12345;
static uint32_t next_random(void)
{
	lcg_state = lcg_state * 1103515245u + 12345u;
	return lcg_state >> 8;
}

static unsigned bucket_model(uint32_t us)
{
	unsigned b = 0;
	while (us >= 2 && b < BUCKETS - 1) {
		us >>= 1;
		b++;
	}
	return b;
}

int main(void)
{
	static const char *names[ENDPOINTS] = {"/", "/login", "/api/items", "/api/search", "/static"};
	uint64_t model_hist[BUCKETS] = {0};
	struct endpoint_stats model[ENDPOINTS];
	int mismatches = 0;
	memset(model, 0, sizeof model);

	slow_threshold_us = 200000; /* the program's global, set before the run */
	for (int i = 0; i < REQUESTS; i++) {
		uint32_t endpoint = next_random() % ENDPOINTS;
		/* Mostly fast, a long tail: 50 us .. 3 ms, one in 97 up to 0.5 s. */
		uint32_t us = 50 + next_random() % 3000;
		if (next_random() % 97 == 0)
			us += next_random() % 500000;
		int bucket = observe(endpoint, us);
		if (bucket != (int)bucket_model(us)) {
			printf("mismatch: request %d (%u us) went to bucket %d, not %u\n", i, us, bucket, bucket_model(us));
			mismatches++;
		}
		model_hist[bucket_model(us)]++;
		struct endpoint_stats *m = &model[endpoint];
		m->count++;
		m->total_us += us;
		if (us > m->max_us)
			m->max_us = us;
		if (us >= slow_threshold_us)
			m->slow++;
	}

	printf("%llu requests\nlatency (us)        count\n", (unsigned long long)requests);
	for (uint32_t b = 0; b < BUCKETS; b++) {
		uint64_t *count = histogram__lookup(&b);
		if (!count || *count != model_hist[b]) {
			printf("mismatch: bucket %u\n", b);
			mismatches++;
			continue;
		}
		if (*count && b < BUCKETS - 1)
			printf("[%7u, %7u)  %6llu\n", b ? 1u << b : 0u, 1u << (b + 1), (unsigned long long)*count);
		else if (*count)
			printf("[%7u,     ...)  %6llu\n", 1u << b, (unsigned long long)*count);
	}
	printf("endpoint       count   mean us   max us  slow\n");
	for (uint32_t e = 0; e < ENDPOINTS; e++) {
		struct endpoint_stats *s = endpoints__lookup(&e);
		if (!s || memcmp(s, &model[e], sizeof *s) != 0) {
			printf("mismatch: endpoint %s\n", names[e]);
			mismatches++;
			continue;
		}
		printf("%-12s %7llu %9llu %8u %5u\n", names[e], (unsigned long long)s->count,
		       (unsigned long long)(s->total_us / s->count), s->max_us, s->slow);
	}
	if (requests != REQUESTS) {
		printf("mismatch: %llu requests counted\n", (unsigned long long)requests);
		mismatches++;
	}
	printf("%d mismatches with the C model\n", mismatches);
	return mismatches;
}
