/* The firmware side of the install test: feeds values to accumulate() and prints what the
 * program kept, through the header bpf2arm wrote. */
#include <inttypes.h>
#include <stdio.h>

#include "accumulate.arm.h"

int main(void)
{
	for (uint64_t i = 0; i < 100; ++i)
		accumulate((uint32_t)(i % 16), i);
	printf("out of range %" PRIu64 "\n", accumulate(16, 1));
	for (uint32_t slot = 0; slot < 16; ++slot) {
		uint64_t *total = totals__lookup(&slot);
		printf("slot %" PRIu32 " total %" PRIu64 "\n", slot, total ? *total : 0);
	}
	printf("calls %" PRIu64 "\n", calls);
	return 0;
}
