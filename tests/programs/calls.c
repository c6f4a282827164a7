/* bpf-to-bpf calls: static and global functions calling each other, recursion, mutual
 * recursion, pointers to the caller's stack passed down (R10-relative addresses that
 * escape into a callee), and arguments surviving across calls in callee-saved registers. */
#include "bpfprog.h"

u64 fib(u32 n);
u64 fib_rec(u32 n);
u64 gcd(u64 a, u64 b);
u64 lcm(u64 a, u64 b);
s64 ext_gcd(s64 a, s64 b, s64 *x, s64 *y);
u32 collatz_steps(u64 n);
_Bool is_even_rec(u32 n);
u32 ackermann(u32 m, u32 n);
u64 sum_via_callbacks(u32 n, u64 seed);
s32 hanoi_moves(u32 disks, u32 from, u32 to);
u64 promoted_args(u64 x, u64 y, u64 a, u64 b, u64 c);
u64 struct_by_value(u64 x, u32 y);

#ifndef TEST_MAIN

static NOINLINE _Bool is_odd_rec(u32 n);

_Bool NOINLINE is_even_rec(u32 n) { return n == 0 ? 1 : is_odd_rec(n - 1); }
static NOINLINE _Bool is_odd_rec(u32 n) { return n == 0 ? 0 : is_even_rec(n - 1); }

u64 fib(u32 n)
{
	u64 a = 0, b = 1;
	for (u32 i = 0; i < n && i < 200; i++) {
		u64 t = a + b;
		a = b;
		b = t;
	}
	return a;
}

u64 NOINLINE fib_rec(u32 n)
{
	if (n < 2)
		return n;
	if (n > 24)
		return fib(n);
	return fib_rec(n - 1) + fib_rec(n - 2);
}

u64 NOINLINE gcd(u64 a, u64 b)
{
	while (b) {
		u64 t = a % b;
		a = b;
		b = t;
	}
	return a;
}

u64 lcm(u64 a, u64 b)
{
	if (!a || !b)
		return 0;
	return a / gcd(a, b) * b;
}

/* Results through pointers that the recursive calls pass on, each to its own stack slot. */
s64 NOINLINE ext_gcd(s64 a, s64 b, s64 *x, s64 *y)
{
	if (b == 0) {
		*x = 1;
		*y = 0;
		return a;
	}
	s64 x1, y1;
	s64 g = ext_gcd(b, a % b, &x1, &y1);
	*x = y1;
	*y = x1 - (a / b) * y1;
	return g;
}

static NOINLINE u64 collatz_next(u64 n) { return n & 1 ? 3 * n + 1 : n >> 1; }

u32 collatz_steps(u64 n)
{
	u32 steps = 0;
	while (n > 1 && steps < 1000) {
		n = collatz_next(n);
		steps++;
	}
	return steps;
}

u32 NOINLINE ackermann(u32 m, u32 n)
{
	if (m == 0)
		return n + 1;
	if (n == 0)
		return ackermann(m - 1, 1);
	return ackermann(m - 1, ackermann(m, n - 1));
}

/* Five arguments, some 64-bit, some modified through a pointer, through several levels. */
static NOINLINE u64 step5(u64 acc, u32 i, u64 *state, u16 salt, s8 bias)
{
	*state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
	return acc + (*state >> 33) + i * salt + bias;
}

static NOINLINE u64 level2(u64 acc, u32 i, u64 *state)
{
	u64 local = *state ^ i;
	acc = step5(acc, i, &local, (u16)(i * 7), (s8)(i - 100));
	*state = local;
	return acc;
}

u64 sum_via_callbacks(u32 n, u64 seed)
{
	u64 state = seed;
	u64 acc = 0;
	for (u32 i = 0; i < n && i < 500; i++)
		acc = level2(acc, i, &state);
	return acc ^ state;
}

static NOINLINE s32 hanoi(u32 disks, u32 from, u32 to, u32 via, u32 depth)
{
	if (disks == 0 || depth > 20)
		return 0;
	s32 moves = hanoi(disks - 1, from, via, to, depth + 1);
	moves += 1;
	moves += hanoi(disks - 1, via, to, from, depth + 1);
	return moves;
}

s32 hanoi_moves(u32 disks, u32 from, u32 to)
{
	if (from > 2 || to > 2 || from == to)
		return -1;
	return hanoi(disks > 12 ? 12 : disks, from, to, 3 - from - to, 0);
}

/* At -O3 LLVM passes the two fields to this static function as two arguments
 * (argument promotion), while its BTF prototype still lists one pointer. */
struct pair64 {
	u64 a, b;
};

static NOINLINE u64 weigh_pair(const struct pair64 *p) { return p->a * 3 + p->b; }

u64 promoted_args(u64 x, u64 y, u64 a, u64 b, u64 c)
{
	u64 acc = 0;
	for (int i = 0; i < (int)(c & 15); i++) {
		acc += a * b;
		a ^= acc;
		b += a;
	}
	struct pair64 v = { x + acc, y * 2 };
	return weigh_pair(&v);
}

/* A static function may take a struct by value: the call stays bpf-to-bpf, in
 * registers, so no C prototype is needed for it. */
struct point {
	u32 x, y;
};

static NOINLINE u64 manhattan(struct point p, struct point q)
{
	return (u64)(p.x > q.x ? p.x - q.x : q.x - p.x) + (p.y > q.y ? p.y - q.y : q.y - p.y);
}

u64 struct_by_value(u64 x, u32 y)
{
	struct point p = { (u32)x, y }, q = { (u32)(x >> 32), y ^ 0x5555 };
	return manhattan(p, q) * 3 + manhattan(q, p);
}

#else

void run_tests(void)
{
	for (int t = 0; t < 40; t++) {
		u64 x = rnd_edge64();
		u32 y = (u32)rnd64();
		printf("struct_by_value(%llu, %u) = %llu\n", x, y, struct_by_value(x, y));
	}
	for (int t = 0; t < 50; t++) {
		u64 x = rnd_edge64(), y = rnd64(), a = (u64)t, b = (u64)t * 7 - 3, c = (u64)t;
		printf("promoted_args(%llu, %llu, %llu, %llu, %llu) = %llu\n", x, y, a, b, c,
		       promoted_args(x, y, a, b, c));
	}
	for (u32 n = 0; n < 100; n++)
		printf("fib(%u) = %llu\n", n, fib(n));
	for (u32 n = 0; n < 22; n++)
		printf("fib_rec(%u) = %llu\n", n, fib_rec(n));
	printf("fib_rec(30) = %llu\n", fib_rec(30));
	for (int t = 0; t < 200; t++) {
		u64 a = rnd_edge64(), b = rnd_edge64();
		if (t % 3 == 0) {
			u64 g = rnd64() >> 40;
			a = (a >> 40) * g;
			b = (b >> 40) * g;
		}
		printf("gcd(%llu, %llu) = %llu lcm = %llu\n", a, b, gcd(a, b),
		       lcm(a, b));
		s64 sa = (s64)(a >> 2) * (t % 2 ? -1 : 1), sb = (s64)(b >> 3) * (t % 5 ? 1 : -1);
		s64 x = 0, y = 0;
		s64 g = sb ? ext_gcd(sa, sb, &x, &y) : 0;
		printf("ext_gcd(%lld, %lld) = %lld x=%lld y=%lld\n", sa, sb, g,
		       x, y);
	}
	for (int t = 0; t < 100; t++) {
		u64 n = t < 30 ? (u64)t : rnd64();
		if (t >= 30)
			n >>= rnd_below(64);
		printf("collatz_steps(%llu) = %u\n", n, collatz_steps(n));
	}
	for (u32 n = 0; n < 300; n += 13)
		printf("is_even_rec(%u) = %d\n", n, is_even_rec(n));
	for (u32 m = 0; m < 3; m++)
		for (u32 n = 0; n < 8; n++)
			printf("ackermann(%u, %u) = %u\n", m, n, ackermann(m, n));
	printf("ackermann(3, 3) = %u\n", ackermann(3, 3));
	for (int t = 0; t < 40; t++) {
		u32 n = rnd_below(300);
		u64 seed = rnd_edge64();
		printf("sum_via_callbacks(%u, %llu) = %016llx\n", n, seed, sum_via_callbacks(n, seed));
	}
	for (u32 d = 0; d < 14; d++)
		printf("hanoi_moves(%u, %u, %u) = %d\n", d, d % 3, (d + 1 + d / 3 % 2) % 3,
		       hanoi_moves(d, d % 3, (d + 1 + d / 3 % 2) % 3));
}

#endif
