/* Bare-metal firmware for the XDP firewall example: installs rules through the header
 * bpf2arm generated (firewall.arm.h), feeds Ethernet frames to the eBPF program through
 * the runtime stub's packet context (bpf2arm/packet.h), prints each verdict and drains
 * the ring buffer of drop events.
 *
 * Every expectation comes from a plain C model of the rules in this file (a linear scan
 * for the longest matching prefix, then the port rules, then the default), not from the
 * program's output: the verdicts, each drop event's fields and order, the rules' hit
 * counters and the frame counter are compared with it, and main's result (qemu's exit
 * status under semihosting) is the number of mismatches. */
#include <stdio.h>
#include <string.h>

#include "firewall.arm.h"
#include "bpf2arm/packet.h"
#include "firewall.h"

#define PROTO_ICMP 1
#define PROTO_TCP 6
#define PROTO_UDP 17

struct source_rule { uint32_t net, prefixlen, id, action; };
struct port_rule { uint8_t proto; uint16_t port; uint32_t id, action; };

static const struct source_rule source_rules[] = {
	{ 0xcb007100, 24, 10, BPF2ARM_XDP_DROP },  /* 203.0.113.0/24: a scanner's network */
	{ 0xcb007142, 32, 11, BPF2ARM_XDP_PASS },  /* 203.0.113.66: our monitoring host in it */
	{ 0xc6330000, 16, 12, BPF2ARM_XDP_DROP },  /* 198.51.0.0/16 */
	{ 0x0a000000, 8, 13, BPF2ARM_XDP_PASS },   /* 10.0.0.0/8: the local network, always */
};
static const struct port_rule port_rules_table[] = {
	{ PROTO_TCP, 23, 20, BPF2ARM_XDP_DROP },   /* telnet */
	{ PROTO_UDP, 161, 21, BPF2ARM_XDP_DROP },  /* SNMP */
	{ PROTO_TCP, 443, 22, BPF2ARM_XDP_PASS },
	{ PROTO_UDP, 53, 23, BPF2ARM_XDP_PASS },
};
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

struct frame_spec {
	const char *what;
	uint16_t ethertype;
	uint8_t proto;
	uint32_t saddr;
	uint16_t sport, dport;
	uint32_t ip_header_len; /* 20, or more than the frame holds for a malformed one */
	uint32_t frame_len;
};

static const struct frame_spec frames[] = {
	{ "TCP 8.8.8.8:40000 -> :443", 0x0800, PROTO_TCP, 0x08080808, 40000, 443, 20, 74 },
	{ "TCP 203.0.113.9 -> :443", 0x0800, PROTO_TCP, 0xcb007109, 40001, 443, 20, 74 },
	{ "TCP 203.0.113.66 -> :22", 0x0800, PROTO_TCP, 0xcb007142, 40002, 22, 20, 74 },
	{ "TCP 192.0.2.7 -> :23", 0x0800, PROTO_TCP, 0xc0000207, 40003, 23, 20, 60 },
	{ "TCP 10.1.2.3 -> :23", 0x0800, PROTO_TCP, 0x0a010203, 40004, 23, 20, 60 },
	{ "UDP 192.0.2.8 -> :161", 0x0800, PROTO_UDP, 0xc0000208, 5000, 161, 20, 90 },
	{ "UDP 192.0.2.8 -> :53", 0x0800, PROTO_UDP, 0xc0000208, 5001, 53, 20, 70 },
	{ "UDP 198.51.100.1 -> :53", 0x0800, PROTO_UDP, 0xc6336401, 5002, 53, 20, 70 },
	{ "ICMP 192.0.2.9", 0x0800, PROTO_ICMP, 0xc0000209, 0, 0, 20, 98 },
	{ "TCP 192.0.2.10 -> :8080", 0x0800, PROTO_TCP, 0xc000020a, 40005, 8080, 20, 66 },
	{ "IPv4 with IHL 15 in 40 bytes", 0x0800, PROTO_TCP, 0xc000020b, 1, 2, 60, 40 },
	{ "ARP", 0x0806, 0, 0, 0, 0, 0, 60 },
};

static const uint32_t our_address = 0xc0000201; /* 192.0.2.1 */

static void put16(unsigned char *p, uint32_t v) { p[0] = (unsigned char)(v >> 8); p[1] = (unsigned char)v; }
static void put32(unsigned char *p, uint32_t v) { put16(p, v >> 16); put16(p + 2, v); }

static void build_frame(unsigned char *p, const struct frame_spec *f)
{
	memset(p, 0, f->frame_len);
	memcpy(p, "\x02\x00\x00\x00\x00\x01\x02\x00\x00\x00\x00\x02", 12);
	put16(p + 12, f->ethertype);
	if (f->ethertype != 0x0800)
		return;
	unsigned char *ip = p + 14;
	ip[0] = (unsigned char)(0x40 | f->ip_header_len / 4);
	put16(ip + 2, f->frame_len - 14);
	ip[8] = 64;
	ip[9] = f->proto;
	put32(ip + 12, f->saddr);
	put32(ip + 16, our_address);
	if (f->ip_header_len == 20 && (f->proto == PROTO_TCP || f->proto == PROTO_UDP)) {
		put16(ip + 20, f->sport);
		put16(ip + 22, f->dport);
	}
}

/* The model: what the rules say about a frame, by a linear scan. */
struct expectation {
	uint32_t action;
	uint32_t rule_id; /* 0: no rule */
	uint8_t reason;   /* DROP_* when action is XDP_DROP */
};

static struct expectation classify(const struct frame_spec *f, uint32_t default_verdict)
{
	struct expectation e = { BPF2ARM_XDP_PASS, 0, 0 };
	if (f->ethertype != 0x0800)
		return e;
	if (14 + f->ip_header_len > f->frame_len)
		return (struct expectation){ BPF2ARM_XDP_DROP, 0, DROP_MALFORMED };
	const struct source_rule *best = NULL;
	for (unsigned i = 0; i < COUNT(source_rules); i++) {
		const struct source_rule *r = &source_rules[i];
		if ((f->saddr >> (32 - r->prefixlen)) == (r->net >> (32 - r->prefixlen)) &&
		    (!best || r->prefixlen > best->prefixlen))
			best = r;
	}
	if (best)
		return (struct expectation){ best->action, best->id, DROP_SOURCE_RULE };
	for (unsigned i = 0; i < COUNT(port_rules_table); i++) {
		const struct port_rule *r = &port_rules_table[i];
		if (r->proto == f->proto && r->port == f->dport)
			return (struct expectation){ r->action, r->id, DROP_PORT_RULE };
	}
	return (struct expectation){ default_verdict, 0, DROP_DEFAULT };
}

static void install_rules(void)
{
	for (unsigned i = 0; i < COUNT(source_rules); i++) {
		struct net_key key = { .prefixlen = source_rules[i].prefixlen, .net = source_rules[i].net };
		struct fw_rule rule = { .id = source_rules[i].id, .action = source_rules[i].action };
		if (src_nets__update(&key, &rule, 0))
			printf("src_nets__update failed\n");
	}
	for (unsigned i = 0; i < COUNT(port_rules_table); i++) {
		struct port_key key = { .port = port_rules_table[i].port, .proto = port_rules_table[i].proto };
		struct fw_rule rule = { .id = port_rules_table[i].id, .action = port_rules_table[i].action };
		if (port_rules__update(&key, &rule, 0))
			printf("port_rules__update failed\n");
	}
}

static const char *action_name(uint32_t a)
{
	static const char *const names[] = { "ABORTED", "DROP", "PASS", "TX", "REDIRECT" };
	return a < 5 ? names[a] : "?";
}

/* The drop events the model predicts, in order, and a cursor the drain moves along. */
static struct drop_event expected_events[2 * COUNT(frames)];
static unsigned expected_event_count;

struct drain_state { unsigned next; int wrong; };

static int check_event(void *ctx, const void *data, uint32_t len)
{
	struct drain_state *st = ctx;
	const struct drop_event *got = data;
	printf("  drop event #%u: seq %u, %u.%u.%u.%u:%u -> :%u proto %u, reason %u, rule %u, %u bytes", st->next,
	       got->seq, got->saddr >> 24, got->saddr >> 16 & 255, got->saddr >> 8 & 255, got->saddr & 255,
	       got->sport, got->dport, got->proto, got->reason, got->rule_id, got->frame_len);
	int bad = len != sizeof *got || st->next >= expected_event_count ||
	          memcmp(got, &expected_events[st->next], sizeof *got) != 0;
	printf("%s\n", bad ? "  (WRONG)" : "");
	st->wrong += bad;
	st->next++;
	return 0;
}

int main(void)
{
	static unsigned char buffer[2048];
	uint32_t expected_hits[64] = { 0 };
	int wrong = 0;

	install_rules();
	/* Every frame twice: with the default action XDP_PASS, then with XDP_DROP. */
	for (int round = 0; round < 2; round++) {
		uint32_t default_verdict = round == 0 ? BPF2ARM_XDP_PASS : BPF2ARM_XDP_DROP;
		default_action = default_verdict;
		printf("-- default action %s\n", action_name(default_verdict));
		for (unsigned i = 0; i < COUNT(frames); i++) {
			const struct frame_spec *f = &frames[i];
			struct bpf2arm_xdp x;
			build_frame(buffer + 256, f);
			if (bpf2arm_xdp_init(&x, buffer, sizeof buffer, 256, f->frame_len)) {
				printf("bpf2arm_xdp_init failed\n");
				return 1;
			}
			x.md.ingress_ifindex = 1;
			uint32_t action = bpf2arm_xdp_end(&x, xdp_firewall(bpf2arm_xdp_begin(&x)));

			struct expectation e = classify(f, default_verdict);
			expected_hits[e.rule_id]++;
			if (e.action == BPF2ARM_XDP_DROP) {
				struct drop_event *ev = &expected_events[expected_event_count++];
				int has_header = e.reason != DROP_MALFORMED;
				int has_ports = has_header && (f->proto == PROTO_TCP || f->proto == PROTO_UDP);
				*ev = (struct drop_event){
					.saddr = has_header ? f->saddr : 0,
					.daddr = has_header ? our_address : 0,
					.sport = has_ports ? f->sport : 0,
					.dport = has_ports ? f->dport : 0,
					.proto = has_header ? f->proto : 0,
					.reason = e.reason,
					.frame_len = (unsigned short)f->frame_len,
					.rule_id = e.rule_id,
					.seq = round * COUNT(frames) + i + 1,
				};
			}
			int bad = action != e.action;
			printf("%-32s -> %-4s%s\n", f->what, action_name(action), bad ? "  (WRONG)" : "");
			wrong += bad;
		}
	}

	struct drain_state st = { 0, 0 };
	int drained = drops__consume(check_event, &st);
	printf("drained %d drop events, expected %u\n", drained, expected_event_count);
	wrong += st.wrong + (drained != (int)expected_event_count);

	for (unsigned i = 0; i < COUNT(source_rules); i++) {
		struct net_key key = { .prefixlen = source_rules[i].prefixlen, .net = source_rules[i].net };
		struct fw_rule *rule = src_nets__lookup(&key);
		int bad = !rule || rule->hits != expected_hits[source_rules[i].id];
		printf("rule %u: %llu hits%s\n", (unsigned)source_rules[i].id, rule ? (unsigned long long)rule->hits : 0ull,
		       bad ? "  (WRONG)" : "");
		wrong += bad;
	}
	for (unsigned i = 0; i < COUNT(port_rules_table); i++) {
		struct port_key key = { .port = port_rules_table[i].port, .proto = port_rules_table[i].proto };
		struct fw_rule *rule = port_rules__lookup(&key);
		int bad = !rule || rule->hits != expected_hits[port_rules_table[i].id];
		printf("rule %u: %llu hits%s\n", (unsigned)port_rules_table[i].id, rule ? (unsigned long long)rule->hits : 0ull,
		       bad ? "  (WRONG)" : "");
		wrong += bad;
	}
	wrong += frames_seen != 2 * COUNT(frames) || events_lost != 0;
	printf("frames seen %llu, events lost %llu\n", (unsigned long long)frames_seen, (unsigned long long)events_lost);
	printf("%s\n", wrong ? "xdp firewall: FAILED" : "xdp firewall: all verdicts and drop events as expected");
	return wrong ? 1 : 0;
}
