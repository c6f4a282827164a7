/* A socket filter written as 2017's kernel samples and selftests wrote BPF: maps as
 * struct bpf_map_def in SEC("maps"), helpers as pointers to their ids, the key and value
 * types of one map given by the BPF_ANNOTATE_KV_PAIR idiom, a static map. It counts
 * frames per IP protocol and bytes per flow, and drops frames of flows it has no room for
 * (legacy_main.c holds the expectations). */
#include <linux/if_ether.h>
#include <linux/ip.h>

#include "legacy_helpers.h"

struct flow_key {
	__u32 saddr;
	__u32 daddr;
	__u8 proto;
	__u8 pad[3];
};

struct flow_stats {
	__u64 packets;
	__u64 bytes;
	__u16 last_len;
};

/* No type annotation: the header gives it a u32 key (arrays have one) and a void value. */
struct bpf_map_def SEC("maps") proto_count = {
	.type = BPF_MAP_TYPE_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = sizeof(long),
	.max_entries = 256,
};

struct bpf_map_def SEC("maps") flows = {
	.type = BPF_MAP_TYPE_HASH,
	.key_size = sizeof(struct flow_key),
	.value_size = sizeof(struct flow_stats),
	.max_entries = 4,
};
BPF_ANNOTATE_KV_PAIR(flows, struct flow_key, struct flow_stats);

/* Static: only the programs reach it; the header leaves it out. */
static struct bpf_map_def SEC("maps") no_room = {
	.type = BPF_MAP_TYPE_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u32),
	.max_entries = 1,
};

SEC("socket")
int count_flows(struct __sk_buff *skb)
{
	struct iphdr ip;
	__u32 zero = 0;

	if (bpf_skb_load_bytes(skb, ETH_HLEN, &ip, sizeof(ip)) < 0)
		return 0;
	__u32 proto = ip.protocol;
	long *count = bpf_map_lookup_elem(&proto_count, &proto);
	if (count)
		__sync_fetch_and_add(count, 1);

	struct flow_key key = {.saddr = ip.saddr, .daddr = ip.daddr, .proto = ip.protocol};
	struct flow_stats *stats = bpf_map_lookup_elem(&flows, &key);
	if (stats) {
		stats->packets++;
		stats->bytes += skb->len;
		stats->last_len = skb->len;
		return skb->len;
	}
	struct flow_stats fresh = {.packets = 1, .bytes = skb->len, .last_len = skb->len};
	if (bpf_map_update_elem(&flows, &key, &fresh, BPF_NOEXIST) < 0) {
		__u32 *dropped = bpf_map_lookup_elem(&no_room, &zero);
		if (dropped)
			*dropped += 1;
		return 0; /* a socket filter's 0: drop the frame */
	}
	return skb->len;
}

SEC("socket/no_room")
int frames_without_room(struct __sk_buff *skb)
{
	__u32 zero = 0;
	__u32 *dropped = bpf_map_lookup_elem(&no_room, &zero);
	return dropped ? *dropped : -1;
}

char _license[] SEC("license") = "GPL";
