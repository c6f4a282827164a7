/* Small integer linear algebra and geometry: 4x4 matrix products into caller memory,
 * determinants by recursive expansion over matrices on the stack (each level's frame
 * holds a minor and passes its address down), and 64-bit cross products for
 * point-in-polygon tests. */
#include "bpfprog.h"

struct point {
	s32 x;
	s32 y;
};

void matmul4(const s32 *a, const s32 *b, s32 *out);
s64 det4(const s32 *m);
s64 trace_power(const s32 *m, u32 k);
s32 point_in_polygon(const struct point *poly, u32 n, s32 x, s32 y);
s64 polygon_area2(const struct point *poly, u32 n);
u32 convex_hull_size(const struct point *pts, u32 n);

#ifndef TEST_MAIN

void matmul4(const s32 *a, const s32 *b, s32 *out)
{
	for (u32 i = 0; i < 4; i++)
		for (u32 j = 0; j < 4; j++) {
			u32 s = 0;
			for (u32 k = 0; k < 4; k++)
				s += (u32)a[i * 4 + k] * (u32)b[k * 4 + j]; /* wraps, as in hardware */
			out[i * 4 + j] = (s32)s;
		}
}

/* m is dim x dim with row stride 4; arithmetic in u64 so that overflow wraps. */
static NOINLINE u64 det_rec(const s64 *m, u32 dim)
{
	if (dim == 1)
		return (u64)m[0];
	if (dim == 2)
		return (u64)m[0] * (u64)m[5] - (u64)m[1] * (u64)m[4];
	s64 minor[16];
	u64 det = 0;
	for (u32 col = 0; col < dim; col++) {
		for (u32 r = 1; r < dim; r++) {
			u32 c2 = 0;
			for (u32 c = 0; c < dim; c++)
				if (c != col)
					minor[(r - 1) * 4 + c2++] = m[r * 4 + c];
		}
		u64 sub = (u64)m[col] * det_rec(minor, dim - 1);
		det = col & 1 ? det - sub : det + sub;
	}
	return det;
}

s64 det4(const s32 *m)
{
	s64 wide[16];
	for (u32 i = 0; i < 16; i++)
		wide[i] = m[i];
	return (s64)det_rec(wide, 4);
}

s64 trace_power(const s32 *m, u32 k)
{
	s32 acc[16], tmp[16];
	for (u32 i = 0; i < 16; i++)
		acc[i] = i % 5 == 0;
	for (u32 p = 0; p < k && p < 16; p++) {
		matmul4(acc, m, tmp);
		for (u32 i = 0; i < 16; i++)
			acc[i] = tmp[i];
	}
	return (s64)acc[0] + acc[5] + acc[10] + acc[15];
}

static inline s64 cross(const struct point *o, const struct point *a, const struct point *b)
{
	return ((s64)a->x - o->x) * ((s64)b->y - o->y) - ((s64)a->y - o->y) * ((s64)b->x - o->x);
}

/* Crossing number; 1 inside, 0 outside, -1 for a degenerate polygon. */
s32 point_in_polygon(const struct point *poly, u32 n, s32 x, s32 y)
{
	if (n < 3 || n > 64)
		return -1;
	s32 inside = 0;
	for (u32 i = 0, j = n - 1; i < n; j = i++) {
		s64 yi = poly[i].y, yj = poly[j].y, xi = poly[i].x, xj = poly[j].x;
		if ((yi > y) != (yj > y)) {
			/* x < xi + (y - yi) * (xj - xi) / (yj - yi), without division */
			s64 lhs = ((s64)x - xi) * (yj - yi);
			s64 rhs = ((s64)y - yi) * (xj - xi);
			if (yj - yi > 0 ? lhs < rhs : lhs > rhs)
				inside ^= 1;
		}
	}
	return inside;
}

s64 polygon_area2(const struct point *poly, u32 n)
{
	s64 a = 0;
	for (u32 i = 0; i < n && i < 64; i++) {
		const struct point *p = &poly[i], *q = &poly[i + 1 == n ? 0 : i + 1];
		a += (s64)p->x * q->y - (s64)q->x * p->y;
	}
	return a;
}

/* Andrew's monotone chain over a sorted copy on the stack. */
KEEP_LOOPS u32 convex_hull_size(const struct point *pts, u32 n)
{
	struct point s[16], hull[32]; /* 384 bytes of the 512-byte BPF stack */
	if (n > 16)
		n = 16;
	for (u32 i = 0; i < n; i++) {
		struct point p = pts[i];
		u32 j = i;
		while (j > 0 && (s[j - 1].x > p.x || (s[j - 1].x == p.x && s[j - 1].y > p.y))) {
			s[j] = s[j - 1];
			j--;
		}
		s[j] = p;
	}
	if (n < 3)
		return n;
	u32 k = 0;
	for (u32 i = 0; i < n; i++) {
		while (k >= 2 && cross(&hull[k - 2], &hull[k - 1], &s[i]) <= 0)
			k--;
		hull[k++] = s[i];
	}
	for (u32 i = n - 1, t = k + 1; i > 0; i--) {
		while (k >= t && cross(&hull[k - 2], &hull[k - 1], &s[i - 1]) <= 0)
			k--;
		hull[k++] = s[i - 1];
	}
	return k - 1;
}

#else

void run_tests(void)
{
	s32 a[16], b[16], c[16];
	struct point poly[40];
	for (int t = 0; t < 100; t++) {
		u32 range = t % 2 ? 10 : 0;
		for (u32 i = 0; i < 16; i++) {
			a[i] = range ? (s32)rnd_below(2 * range + 1) - (s32)range : (s32)rnd_edge32();
			b[i] = range ? (s32)rnd_below(2 * range + 1) - (s32)range : (s32)rnd_edge32();
		}
		matmul4(a, b, c);
		printf("matmul4 #%d = ", t);
		print_hex(c, sizeof(c));
		printf("\n");
		printf("  det4(a) = %lld det4(c) = %lld\n", det4(a), det4(c));
		u32 k = rnd_below(12);
		printf("  trace_power(%u) = %lld\n", k, trace_power(a, k));
	}
	for (int t = 0; t < 150; t++) {
		u32 n = rnd_below(40);
		s32 scale = t % 3 == 0 ? 0x3fffffff : 100;
		for (u32 i = 0; i < n; i++) {
			poly[i].x = (s32)rnd_below(2 * (u32)scale + 1) - scale;
			poly[i].y = (s32)rnd_below(2 * (u32)scale + 1) - scale;
		}
		printf("polygon n=%u p0=(%d,%d)\n", n, n ? poly[0].x : 0, n ? poly[0].y : 0);
		printf("  polygon_area2 = %lld\n", polygon_area2(poly, n));
		printf("  convex_hull_size = %u\n", convex_hull_size(poly, n));
		for (int q = 0; q < 5; q++) {
			s32 x = (s32)rnd_below(2 * (u32)scale + 1) - scale;
			s32 y = (s32)rnd_below(2 * (u32)scale + 1) - scale;
			printf("  point_in_polygon(%d, %d) = %d\n", x, y, point_in_polygon(poly, n, x, y));
		}
	}
}

#endif
