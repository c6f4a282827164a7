/* See first.bpf.c: the other half of a linked object. */
static __attribute__((noinline)) long long helper(long long x, int y) { return x * 3 + y; }
static int counter = 100;
int fb(int x) { counter += 2; return (int)helper(x, 1) + counter; }
struct rec { long long total; char tag; } second_rec = { 1LL << 40, 'b' };
