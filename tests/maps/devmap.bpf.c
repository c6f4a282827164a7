/* A DEVMAP_HASH defined the BTF way, with struct bpf_devmap_val values: frames go to the
 * interface registered under the last byte of their destination MAC address, or are
 * dropped when none is (legacy_main.c holds the expectations). */
#include <linux/types.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP_HASH);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, struct bpf_devmap_val);
} ports_by_mac SEC(".maps");

SEC("xdp")
int xdp_by_mac(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;

	if (data + sizeof(*eth) > data_end)
		return XDP_ABORTED;
	return bpf_redirect_map(&ports_by_mac, eth->h_dest[ETH_ALEN - 1], XDP_DROP);
}

char _license[] SEC("license") = "GPL";
