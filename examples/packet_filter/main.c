/* Bare-metal firmware that runs the eBPF packet filter (filter.bpf.c, compiled by bpf2arm)
 * on a few packets and prints the verdicts. Under qemu-system-arm with -semihosting, stdout
 * is the terminal and the exit status of main comes back as qemu's. */
#include <stdio.h>
#include <string.h>

/* The BTF prototype of the BPF function, as C on ARM sees it (SPEC section 4). */
int filter(const unsigned char *pkt, unsigned int len);

struct test_packet {
	const char *what;
	unsigned char proto;
	unsigned int saddr;
	unsigned int dport;
	unsigned char tcp_flags;
	unsigned int total_len;
	int expected;
};

static const char *const verdict_names[] = { "DROP", "ACCEPT", "REJECT" };

static const struct test_packet packets[] = {
	{ "TCP SYN to port 443 from 8.8.8.8", 6, 0x08080808, 443, 0x02, 40, 1 },
	{ "TCP SYN to port 22 from 192.168.1.20", 6, 0xc0a80114, 22, 0x02, 40, 1 },
	{ "TCP SYN to port 22 from 203.0.113.9", 6, 0xcb007109, 22, 0x02, 40, 2 },
	{ "TCP SYN+FIN to port 80 (a scan)", 6, 0x0a000001, 80, 0x03, 40, 0 },
	{ "TCP ACK to port 51000 (a reply)", 6, 0x5db8d822, 51000, 0x10, 52, 1 },
	{ "TCP SYN to port 25", 6, 0x5db8d822, 25, 0x02, 40, 2 },
	{ "ICMP echo request, 84 bytes", 1, 0x0a000002, 0, 0, 84, 1 },
	{ "ICMP echo request, 1000 bytes", 1, 0x0a000002, 0, 0, 1000, 0 },
	{ "UDP to port 53", 17, 0x0a000003, 53, 0, 60, 0 },
};

/* Writes an IPv4 header (no options) and, for TCP and ICMP, the start of the next header. */
static unsigned int build_packet(unsigned char *p, const struct test_packet *t)
{
	memset(p, 0, t->total_len);
	p[0] = 0x45;
	p[2] = (unsigned char)(t->total_len >> 8);
	p[3] = (unsigned char)t->total_len;
	p[6] = 0x40; /* don't fragment */
	p[8] = 64;
	p[9] = t->proto;
	for (int i = 0; i < 4; i++) {
		p[12 + i] = (unsigned char)(t->saddr >> (24 - 8 * i));
		p[16 + i] = (unsigned char)(0x0a000063 >> (24 - 8 * i)); /* to 10.0.0.99 */
	}
	unsigned char *l4 = p + 20;
	if (t->proto == 6) {
		l4[0] = 0xc3; /* from port 50000 */
		l4[1] = 0x50;
		l4[2] = (unsigned char)(t->dport >> 8);
		l4[3] = (unsigned char)t->dport;
		l4[12] = 5 << 4;
		l4[13] = t->tcp_flags;
	} else if (t->proto == 1) {
		l4[0] = 8;
	} else {
		l4[2] = (unsigned char)(t->dport >> 8);
		l4[3] = (unsigned char)t->dport;
	}
	return t->total_len;
}

int main(void)
{
	static unsigned char buf[1500];
	int wrong = 0;
	for (unsigned int i = 0; i < sizeof(packets) / sizeof(packets[0]); i++) {
		unsigned int len = build_packet(buf, &packets[i]);
		int v = filter(buf, len);
		const char *name = v >= 0 && v <= 2 ? verdict_names[v] : "?";
		printf("%-40s -> %s%s\n", packets[i].what, name, v == packets[i].expected ? "" : "  (WRONG)");
		wrong += v != packets[i].expected;
	}
	printf("%s\n", wrong ? "packet filter: FAILED" : "packet filter: all verdicts as expected");
	return wrong ? 1 : 0;
}
