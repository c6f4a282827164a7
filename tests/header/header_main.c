/* Firmware side of the header test, compiled as C11 and as C++17: it reaches the
 * programs, maps and globals of types.bpf.c only through the header bpf2arm generated,
 * and checks every field the BPF program wrote against the values types.bpf.c stores. */
#include <stdio.h>

#include "types.arm.h"

static int failures;

#define CHECK(what, got, want)                                                          \
	do {                                                                            \
		long long got_ = (long long)(got), want_ = (long long)(want);           \
		if (got_ != want_) {                                                    \
			printf("FAIL %s: got %lld, want %lld\n", what, got_, want_);    \
			failures++;                                                     \
		}                                                                       \
	} while (0)

#ifdef __cplusplus
#define FIELD_NEW new_
#define FIELD_CLASS class_
#else
#define FIELD_NEW new
#define FIELD_CLASS class
#endif

int main(void)
{
	/* Initial values of global data. */
	CHECK("last_header.kind", last_header.kind, 7);
	CHECK("last_header.length", last_header.length, 0x01020304);
	CHECK("last_header.port", last_header.port, 0xabcd);
	CHECK("bias", bias, -3);
	CHECK("fill_count", fill_count, 0);

	CHECK("fill", fill(1, 'A'), 'A' - 3);
	CHECK("fill of a missing slot", fill(2, 'A'), -1);
	CHECK("fill_count after", fill_count, 1);

	uint32_t slot = 1;
	struct everything *e = records__lookup(&slot);
	if (!e) {
		printf("FAIL records[1] missing\n");
		return 1;
	}
	CHECK("wire.kind", e->wire.kind, 0x11);
	CHECK("wire.length", e->wire.length, 0x22334455);
	CHECK("wire.port", e->wire.port, 0x6677);
	CHECK("bits.version", e->bits.version, 4);
	CHECK("bits.ihl", e->bits.ihl, 5);
	CHECK("bits.tos", e->bits.tos, 0xb8);
	CHECK("bits.low", e->bits.low, 6);
	CHECK("bits.id", e->bits.id, 0x1abc);
	CHECK("bits.big", e->bits.big, 0xfedcba9876ll);
	CHECK("bits.negative", e->bits.negative, -21);
	CHECK("letter", e->letter, 'A');
	CHECK("name[0]", e->name[0], 's');
	CHECK("name[5]", e->name[5], 'r');
	CHECK("name[6]", e->name[6], 0);
	CHECK("ok", e->ok, 1);
	CHECK("new", e->FIELD_NEW, 0xdeadbeef);
	CHECK("class", e->FIELD_CLASS, 0x1234);
	CHECK("as_word", e->as_word, 0x0a0b0c0d);
	CHECK("as_bytes[0]", e->as_bytes[0], 0x0d);
	CHECK("point.x", e->point.x, -5);
	CHECK("point.y", e->point.y, 300);
	CHECK("pair.first", e->pair.first, 77);
	CHECK("pair.second", e->pair.second, 0x1122334455667788ll);
	CHECK("color", e->color, BLUE);
	CHECK("self", e->self, (uintptr_t)e);
	CHECK("tail", (long long)e->tail, (long long)0xa5a5a5a5a5a5a5a5ull);

	/* Packed layouts. */
	CHECK("fill_odd", fill_odd(), 48);
	CHECK("sizeof odd", sizeof odd, 48);
	CHECK("odd.t.kind", odd.t.kind, 9);
	CHECK("odd.t.src.w[1]", odd.t.src.w[1], 0x01020304);
	CHECK("odd.t.port", odd.t.port, 0xbeef);
	CHECK("odd.f.syn", odd.f.syn, 1);
	CHECK("odd.f.cwr", odd.f.cwr, 1);
	CHECK("odd.f.fin", odd.f.fin, 0);
	CHECK("odd.l.type", odd.l.type, 0xabcde);
	CHECK("odd.l.len", odd.l.len, 0x12345);
	CHECK("odd.l.flags[2]", odd.l.flags[2], 0x77);
	CHECK("odd.w.a", odd.w.a, 0x1122334455667788ll);

	/* Structs the firmware fills and a program reads. */
	struct wire_header w;
	w.kind = 1;
	w.length = 1000;
	w.port = 2;
	struct flags f;
	f.version = 3;
	f.ihl = 5;
	f.tos = 200;
	f.low = 7;
	f.id = 8000;
	f.big = 0;
	f.negative = -60;
	CHECK("wire_sum", wire_sum(&w, &f), 1 + 1000 + 2 + 3 + 5 + 200 + 7 + 8000 - 60);

	/* BPF's char is signed; the prototype says int8_t, so the sign survives. */
	CHECK("negate(100)", negate(100), -100);
	CHECK("negate(100) < 0", negate(100) < 0, 1);

	printf("header test (%s): %s\n",
#ifdef __cplusplus
	       "C++",
#else
	       "C",
#endif
	       failures ? "FAILED" : "all fields as expected");
	return failures != 0;
}
