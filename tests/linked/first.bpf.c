/* Linked with second.bpf.c by `bpftool gen object`: both have a static `helper` and a
 * static `counter` of their own, which must stay apart in the ARM object, and each its
 * own `struct rec`, which the generated header must declare twice under two names. */
static __attribute__((noinline)) int helper(int x) { return x * 2; }
static int counter;
int fa(int x) { counter += 1; return helper(x) + counter; }
struct rec { int hits; } first_rec = { 7 };
