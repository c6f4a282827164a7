/* Sorting and searching in arrays on the BPF stack: a copy of the caller's array lives in
 * a local array (stack loads and stores with computed offsets, a large frame), is sorted
 * there, and goes back to the caller. */
#include "bpfprog.h"

#define MAX_ELEMS 64

u64 sort_u32(const u32 *in, u32 n, u32 *out);
s32 bsearch_u32(const u32 *sorted, u32 n, u32 key);
u32 count_unique(const u32 *in, u32 n);
s32 median_s32(const s32 *in, u32 n);
u32 kth_smallest_u16(const u16 *in, u32 n, u32 k);

#ifndef TEST_MAIN

static NOINLINE void insertion_sort(u32 *a, u32 n)
{
	for (u32 i = 1; i < n && i < MAX_ELEMS; i++) {
		u32 v = a[i];
		u32 j = i;
		while (j > 0 && a[j - 1] > v) {
			a[j] = a[j - 1];
			j--;
		}
		a[j] = v;
	}
}

/* Returns a checksum of the sorted order so a wrong permutation shows in the result. */
KEEP_LOOPS u64 sort_u32(const u32 *in, u32 n, u32 *out)
{
	u32 tmp[MAX_ELEMS];
	if (n > MAX_ELEMS)
		n = MAX_ELEMS;
	for (u32 i = 0; i < n; i++)
		tmp[i] = in[i];
	insertion_sort(tmp, n);
	u64 sum = 0;
	for (u32 i = 0; i < n; i++) {
		out[i] = tmp[i];
		sum = sum * 31 + tmp[i];
	}
	return sum;
}

s32 bsearch_u32(const u32 *sorted, u32 n, u32 key)
{
	u32 lo = 0, hi = n;
	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;
		if (sorted[mid] < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && sorted[lo] == key ? (s32)lo : -1;
}

/* Builds the sorted copy while reading (each element inserted as it arrives), the way BPF
 * code avoids a separate copy loop. */
u32 count_unique(const u32 *in, u32 n)
{
	u32 tmp[MAX_ELEMS];
	if (n > MAX_ELEMS)
		n = MAX_ELEMS;
	for (u32 i = 0; i < n; i++) {
		u32 v = in[i];
		u32 j = i;
		for (; j > 0 && tmp[j - 1] > v; j--)
			tmp[j] = tmp[j - 1];
		tmp[j] = v;
	}
	u32 uniq = n ? 1 : 0;
	for (u32 i = 1; i < n; i++)
		uniq += tmp[i] != tmp[i - 1];
	return uniq;
}

/* Signed order by hand (shell sort over s32) to get signed compares on loaded values. */
KEEP_LOOPS s32 median_s32(const s32 *in, u32 n)
{
	s32 a[MAX_ELEMS];
	if (n == 0)
		return 0;
	if (n > MAX_ELEMS)
		n = MAX_ELEMS;
	for (u32 i = 0; i < n; i++)
		a[i] = in[i];
	for (u32 gap = n / 2; gap > 0; gap /= 2) {
		for (u32 i = gap; i < n; i++) {
			s32 v = a[i];
			u32 j = i;
			while (j >= gap && a[j - gap] > v) {
				a[j] = a[j - gap];
				j -= gap;
			}
			a[j] = v;
		}
	}
	if (n & 1)
		return a[n / 2];
	/* the mean of the middle two, without overflow, rounded toward zero */
	s64 s = (s64)a[n / 2 - 1] + a[n / 2];
	return (s32)(s / 2);
}

/* Quickselect with a u16 array on the stack: halfword stack accesses. */
KEEP_LOOPS u32 kth_smallest_u16(const u16 *in, u32 n, u32 k)
{
	u16 a[MAX_ELEMS];
	if (n == 0)
		return 0xffffffffu;
	if (n > MAX_ELEMS)
		n = MAX_ELEMS;
	if (k >= n)
		k = n - 1;
	for (u32 i = 0; i < n; i++)
		a[i] = in[i];
	u32 lo = 0, hi = n - 1;
	for (u32 round = 0; round < MAX_ELEMS && lo < hi; round++) {
		u16 pivot = a[(lo + hi) / 2];
		u32 i = lo, j = hi;
		while (i <= j) {
			while (a[i] < pivot)
				i++;
			while (a[j] > pivot)
				j--;
			if (i <= j) {
				u16 t = a[i];
				a[i] = a[j];
				a[j] = t;
				i++;
				if (j == 0)
					break;
				j--;
			}
		}
		if (k <= j)
			hi = j;
		else if (k >= i)
			lo = i;
		else
			break;
	}
	return a[k];
}

#else

void run_tests(void)
{
	u32 in[MAX_ELEMS + 8], out[MAX_ELEMS + 8];
	s32 sin[MAX_ELEMS];
	u16 hin[MAX_ELEMS];

	for (int t = 0; t < 150; t++) {
		u32 n = t < 10 ? (u32)t : rnd_below(MAX_ELEMS + 5);
		u32 range = t % 3 == 0 ? 8 : 0; /* many duplicates */
		for (u32 i = 0; i < n; i++) {
			u32 v = rnd_edge32();
			in[i] = range ? v % range : v;
		}
		memset(out, 0, sizeof(out));
		u64 sum = sort_u32(in, n, out);
		u32 m = n > MAX_ELEMS ? MAX_ELEMS : n;
		printf("sort_u32(n=%u) = %016llx first=%u last=%u\n", n, sum, m ? out[0] : 0,
		       m ? out[m - 1] : 0);
		printf("  count_unique = %u\n", count_unique(in, n));
		for (int q = 0; q < 4; q++) {
			u32 key = q < 2 && m ? out[rnd_below(m)] : rnd_edge32() % (range ? range + 2 : ~0u);
			printf("  bsearch_u32(%u) = %d\n", key, bsearch_u32(out, m, key));
		}
		for (u32 i = 0; i < n && i < MAX_ELEMS; i++) {
			sin[i] = (s32)in[i];
			if (range)
				sin[i] -= 4;
			hin[i] = (u16)in[i];
		}
		printf("  median_s32 = %d\n", median_s32(sin, m));
		u32 k = rnd_below(m + 2);
		printf("  kth_smallest_u16(k=%u) = %u\n", k, kth_smallest_u16(hin, m, k));
	}
}

#endif
