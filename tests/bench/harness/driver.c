/* Calls bench_run() argv[1] times and prints a digest of the results, so the native and the
 * bpf2arm executables can be checked against each other and no call is dead code. */
#include <stdio.h>
#include <stdlib.h>

void bench_setup(void);
unsigned long long bench_run(void);

int main(int argc, char **argv)
{
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : 1;
	unsigned long long digest = 0;
	bench_setup();
	for (long i = 0; i < n; i++)
		digest = digest * 1000003u ^ bench_run();
	printf("%llu\n", digest);
	return 0;
}
