// Types that a generated header must re-declare for ARM exactly as BPF lays them out:
// packed structs, bit-fields, signed char, bool, C++ keywords as field names, anonymous
// members, typedef'd anonymous structs, enums, pointers in memory, unions, volatile
// globals and a static map. header_main.c (C) and header_main.cpp (C++) read what
// these programs write through the header only.
#include <linux/bpf.h>
#include <stdbool.h>
#include <bpf/bpf_helpers.h>

enum color { RED = 1, GREEN = 2, BLUE = 40000 };

struct __attribute__((packed)) wire_header {
	__u8 kind;
	__u32 length;
	__u16 port;
};

struct flags {
	__u32 version : 4;
	__u32 ihl : 4;
	__u32 tos : 8;
	__u8 low : 3;
	__u16 id : 13;
	__u64 big : 40;
	__s32 negative : 7;
};

typedef struct {
	__u32 first;
	__u64 second;
} pair_t;

struct everything {
	struct wire_header wire;
	struct flags bits;
	char letter;
	char name[8];
	bool ok;
	__u32 new;
	__u16 class;
	union {
		__u32 as_word;
		__u8 as_bytes[4];
	};
	struct {
		__s16 x, y;
	} point;
	pair_t pair;
	enum color color;
	void *self;
	__u64 tail;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, struct everything);
} records SEC(".maps");

static struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} hidden SEC(".maps");

// Packed layouts that GCC reproduces only when told: a struct at an odd offset, a
// one-byte struct of 16-bit bit-fields, bit-fields across their unit, and an aligned
// union larger than its member.
struct addr {
	__u32 w[2];
};

struct __attribute__((packed)) tunnel {
	__u8 kind;
	struct addr src;
	__u16 port;
};

struct __attribute__((packed)) tcpflags {
	__u16 fin : 1, syn : 1, rst : 1, psh : 1, ack : 1, urg : 1, ece : 1, cwr : 1;
};

struct __attribute__((packed)) lengths {
	__u32 type : 20;
	__u32 len : 20;
	__u8 flags[3];
};

union __attribute__((aligned(16))) wide {
	__u64 a;
};

struct oddities {
	struct tunnel t;
	struct tcpflags f;
	struct lengths l;
	union wide w;
};

struct oddities odd;

volatile __u32 fill_count;
const volatile __s8 bias = -3;
struct wire_header last_header = { .kind = 7, .length = 0x01020304, .port = 0xabcd };

// The record in slot `slot`, filled with values header_main checks field by field.
__attribute__((noinline)) int fill(__u32 slot, char letter)
{
	struct everything *e = bpf_map_lookup_elem(&records, &slot);
	__u32 zero = 0;
	__u64 *h = bpf_map_lookup_elem(&hidden, &zero);

	if (!e || !h)
		return -1;
	*h += 1;
	e->wire.kind = 0x11;
	e->wire.length = 0x22334455;
	e->wire.port = 0x6677;
	e->bits.version = 4;
	e->bits.ihl = 5;
	e->bits.tos = 0xb8;
	e->bits.low = 6;
	e->bits.id = 0x1abc;
	e->bits.big = 0xfedcba9876ull;
	e->bits.negative = -21;
	e->letter = letter;
	__builtin_memcpy(e->name, "sensor", 7);
	e->ok = true;
	e->new = 0xdeadbeef;
	e->class = 0x1234;
	e->as_word = 0x0a0b0c0d;
	e->point.x = -5;
	e->point.y = 300;
	e->pair.first = 77;
	e->pair.second = 0x1122334455667788ull;
	e->color = BLUE;
	e->self = e;
	e->tail = 0xa5a5a5a5a5a5a5a5ull;
	fill_count++;
	return letter + bias;
}

int fill_odd(void)
{
	odd.t.kind = 9;
	odd.t.src.w[1] = 0x01020304;
	odd.t.port = 0xbeef;
	odd.f.syn = 1;
	odd.f.cwr = 1;
	odd.l.type = 0xabcde;
	odd.l.len = 0x12345;
	odd.l.flags[2] = 0x77;
	odd.w.a = 0x1122334455667788ull;
	return sizeof(odd);
}

// Reads a header the firmware wrote, through a pointer parameter.
int wire_sum(const struct wire_header *w, const struct flags *f)
{
	return w->kind + w->length + w->port + f->version + f->ihl + f->tos + f->low + f->id + f->negative;
}

// A signed char result must stay negative on ARM, whose plain char is unsigned.
char negate(char c)
{
	return -c;
}
