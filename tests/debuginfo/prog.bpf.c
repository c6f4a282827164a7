/* What the debuginfo test debugs: a global function that calls a static one bpf-to-bpf,
 * in a loop. The test finds its lines by the markers in the comments. */
typedef unsigned int u32;
typedef unsigned long long u64;

static __attribute__((noinline)) u64 scale(u64 x, u32 factor) /* MARK:scale-decl */
{
	u64 y = x * factor + 7; /* MARK:scale-body */
	return y ^ (y >> 3);
}

u64 checksum(u64 seed, u32 rounds) /* MARK:checksum-decl */
{
	u64 acc = seed;
	for (u32 i = 0; i < rounds && i < 64; i++)
		acc = scale(acc, i + 3); /* MARK:call-scale */
	return acc; /* MARK:checksum-return */
}

/* C calls this one through an AAPCS entry of its own (a _Bool result), code apart from its
 * body: one function for gdb all the same. */
_Bool parity(u64 seed, u32 rounds) /* MARK:parity-decl */
{
	return checksum(seed, rounds) & 1;
}
