/* The C side of the debuginfo test: calls the BPF function as C calls it. */
#include <stdint.h>
#include <stdio.h>

uint64_t checksum(uint64_t seed, uint32_t rounds);

int main(void)
{
	uint64_t result = checksum(5, 4); /* MARK:call-checksum */
	printf("%llu\n", (unsigned long long)result);
	return 0;
}
