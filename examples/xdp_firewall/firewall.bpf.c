/* An XDP firewall written as eBPF: rules in two hash maps that the firmware fills
 * through the generated header, per-rule hit counters, and an event in a ring buffer
 * for every dropped frame.
 *
 *     clang-19 -target bpf -mcpu=v4 -O2 -g -c firewall.bpf.c -o firewall.bpf.o
 *     bpf2arm firewall.bpf.o -o firewall.arm.o --header firewall.arm.h
 *
 * Rules, in the order they apply to an IPv4 frame:
 *   1. `src_nets`: blocked source networks, the longest matching prefix wins (prefix
 *      lengths 32, 24, 16 and 8, tried longest first: a hash map per prefix length
 *      would need four maps, one map keyed by (prefix length, network) needs one);
 *      a rule with action XDP_PASS there is an exception inside a blocked network.
 *   2. `port_rules`: (protocol, destination port) for TCP and UDP.
 *   3. otherwise `default_action` (XDP_PASS unless the firmware changes it).
 * Every drop by a rule or by the default sends a `struct drop_event` (firewall.h).
 * Frames that are not IPv4 pass; an IPv4 header that does not fit is dropped.
 */
#include <linux/types.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "firewall.h"

struct net_key {
	__u32 prefixlen;
	__u32 net;        /* host byte order, bits past prefixlen zero */
};

struct port_key {
	__u16 port;       /* host byte order */
	__u8 proto;
	__u8 pad;         /* zero */
};

struct fw_rule {
	__u32 id;
	__u32 action;     /* XDP_DROP or XDP_PASS */
	__u64 hits;       /* counted by the program */
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, struct net_key);
	__type(value, struct fw_rule);
} src_nets SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, struct port_key);
	__type(value, struct fw_rule);
} port_rules SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} drops SEC(".maps");

__u32 default_action = XDP_PASS;
__u64 frames_seen;
__u64 events_lost; /* drops whose event did not fit in the ring buffer */

static const __u32 prefix_lengths[] = { 32, 24, 16, 8 };

static __attribute__((noinline)) struct fw_rule *match_source(__u32 saddr)
{
	for (int i = 0; i < 4; i++) {
		__u32 len = prefix_lengths[i];
		struct net_key key = { len, saddr & (0xffffffffu << (32 - len)) };
		struct fw_rule *rule = bpf_map_lookup_elem(&src_nets, &key);
		if (rule)
			return rule;
	}
	return 0;
}

static void report_drop(__u32 saddr, __u32 daddr, __u16 sport, __u16 dport, __u8 proto,
			__u8 reason, __u32 frame_len, __u32 rule_id, __u64 seq)
{
	struct drop_event *e = bpf_ringbuf_reserve(&drops, sizeof(*e), 0);
	if (!e) {
		__sync_fetch_and_add(&events_lost, 1);
		return;
	}
	e->saddr = saddr;
	e->daddr = daddr;
	e->sport = sport;
	e->dport = dport;
	e->proto = proto;
	e->reason = reason;
	e->frame_len = frame_len;
	e->rule_id = rule_id;
	e->seq = seq;
	bpf_ringbuf_submit(e, 0);
}

SEC("xdp")
int xdp_firewall(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u32 frame_len = data_end - data;
	__u64 seq = __sync_add_and_fetch(&frames_seen, 1);

	struct ethhdr *eth = data;
	if ((void *)(eth + 1) > data_end)
		return XDP_DROP;
	if (eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;

	struct iphdr *ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > data_end || ip->ihl < 5 || (void *)ip + ip->ihl * 4 > data_end) {
		report_drop(0, 0, 0, 0, 0, DROP_MALFORMED, frame_len, 0, seq);
		return XDP_DROP;
	}
	__u32 saddr = bpf_ntohl(ip->saddr), daddr = bpf_ntohl(ip->daddr);
	__u16 sport = 0, dport = 0;
	if (ip->protocol == IPPROTO_TCP || ip->protocol == IPPROTO_UDP) {
		/* source and destination port are the first four bytes of both headers */
		__be16 *ports = (void *)ip + ip->ihl * 4;
		if ((void *)(ports + 2) <= data_end) {
			sport = bpf_ntohs(ports[0]);
			dport = bpf_ntohs(ports[1]);
		}
	}

	struct fw_rule *rule = match_source(saddr);
	__u8 reason = DROP_SOURCE_RULE;
	if (!rule && (ip->protocol == IPPROTO_TCP || ip->protocol == IPPROTO_UDP)) {
		struct port_key key = { .port = dport, .proto = ip->protocol };
		rule = bpf_map_lookup_elem(&port_rules, &key);
		reason = DROP_PORT_RULE;
	}
	if (!rule) {
		__u32 action = default_action;
		if (action == XDP_DROP)
			report_drop(saddr, daddr, sport, dport, ip->protocol, DROP_DEFAULT, frame_len, 0, seq);
		return action;
	}
	__sync_fetch_and_add(&rule->hits, 1);
	if (rule->action == XDP_DROP)
		report_drop(saddr, daddr, sport, dport, ip->protocol, reason, frame_len, rule->id, seq);
	return rule->action;
}

char LICENSE[] SEC("license") = "GPL";
