/* Firmware with two programs that define the same names, told apart by --name:
 * left.arm.o (--name left: left__counts, left__total, left__step; the function keeps its
 * name tally) and right.arm.o (--name right --name-programs: right__tally too). */
#include <stdio.h>

#include "left.arm.h"
#include "right.arm.h"

static int failures;

static void check(const char *what, unsigned long long got, unsigned long long want)
{
	if (got != want) {
		printf("FAIL %s: got %llu, want %llu\n", what, got, want);
		failures++;
	}
}

int main(void)
{
	struct sample s = {2, 5};
	check("left step", left__step, 1);
	check("right step", right__step, 10);
	check("tally", (unsigned)tally(&s), 0);
	check("tally again", (unsigned)tally(&s), 0);
	check("right__tally", (unsigned)right__tally(&s), 0);
	struct sample bad = {9, 1};
	check("tally of a missing sensor", (unsigned)tally(&bad), (unsigned)-1);

	uint32_t key = 2;
	uint64_t *left = left__counts__lookup(&key), *right = right__counts__lookup(&key);
	check("left__counts[2] found", left != NULL, 1);
	check("right__counts[2] found", right != NULL, 1);
	if (left && right) {
		check("left__counts[2]", *left, 10);
		check("right__counts[2]", *right, 50);
	}
	check("left__total", left__total, 10);
	check("right__total", right__total, 50);
	printf("%s\n", failures ? "names: FAILED" : "names: two programs with the same names, both right");
	return failures != 0;
}
