/* An XDP port forwarder in the style of 2017's samples: struct bpf_map_def with the
 * later inner_map_idx and numa_node fields (28-byte definitions), a DEVMAP of output
 * ports, a per-CPU counter, and bpf_redirect_map declared by its helper id. Each frame
 * gets its MAC addresses swapped and goes to the port tx_port holds for its ingress
 * interface, or up the stack (XDP_PASS) when there is none (legacy_main.c holds the
 * expectations). */
#include <linux/if_ether.h>

#define LEGACY_MAP_DEF_NUMA /* 28-byte definitions */
#include "legacy_helpers.h"

struct bpf_map_def SEC("maps") tx_port = {
	.type = BPF_MAP_TYPE_DEVMAP,
	.key_size = sizeof(int),
	.value_size = sizeof(int),
	.max_entries = 8,
};

struct bpf_map_def SEC("maps") rx_frames = {
	.type = BPF_MAP_TYPE_PERCPU_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u64),
	.max_entries = 1,
};

SEC("xdp_redirect_map")
int xdp_forward(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	unsigned char mac[ETH_ALEN];
	__u32 zero = 0;

	if (data + sizeof(*eth) > data_end)
		return XDP_DROP;
	__u64 *frames = bpf_map_lookup_elem(&rx_frames, &zero);
	if (frames)
		*frames += 1;
	__builtin_memcpy(mac, eth->h_source, ETH_ALEN);
	__builtin_memcpy(eth->h_source, eth->h_dest, ETH_ALEN);
	__builtin_memcpy(eth->h_dest, mac, ETH_ALEN);
	return bpf_redirect_map(&tx_port, ctx->ingress_ifindex, XDP_PASS);
}

char _license[] SEC("license") = "GPL";
