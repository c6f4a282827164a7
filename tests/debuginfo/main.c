/* The C side of the debuginfo test: calls the BPF function as C calls it. */
#include <stdint.h>
#include <stdio.h>

uint64_t checksum(uint64_t seed, uint32_t rounds);
_Bool parity(uint64_t seed, uint32_t rounds);

int main(void)
{
	uint64_t result = checksum(5, 4); /* MARK:call-checksum */
	_Bool odd = parity(5, 4); /* MARK:call-parity */
	printf("%llu %d\n", (unsigned long long)result, odd);
	return 0;
}
