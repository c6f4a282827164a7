/* Runs the probe named by argv[1] (tests/cpus/probes.S) and exits 0; on a CPU model
 * without the probed feature the instruction traps first. Freestanding (newlib with
 * semihosting), so it runs on pre-ARMv7 models too. */
#include <stdio.h>
#include <string.h>

#define PROBES(X) X(none) X(hwdiv) X(movw_movt) X(ldrexd) X(dmb) X(thumb2)
#define DECLARE(name) void probe_##name(void);
PROBES(DECLARE)

int main(int argc, char **argv)
{
#define CALL(name)                                    \
	if (argc > 1 && strcmp(argv[1], #name) == 0) { \
		probe_##name();                           \
		printf("ran %s\n", #name);                \
		return 0;                                 \
	}
	PROBES(CALL)
	printf("no probe %s\n", argc > 1 ? argv[1] : "(none given)");
	return 2;
}
