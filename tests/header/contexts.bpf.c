/* Programs whose generated header declares the kernel's context structs (struct xdp_md,
 * struct __sk_buff, and struct bpf_tunnel_key through a map's value), which
 * bpf2arm/packet.h declares too: contexts_main.c includes the two in both orders. */
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct bpf_tunnel_key);
} last_tunnel SEC(".maps");

SEC("xdp")
int xdp_frame_len(struct xdp_md *ctx)
{
	return ctx->data_end - ctx->data + ctx->ingress_ifindex * 1000;
}

SEC("tc")
int tc_tunnel_mark(struct __sk_buff *skb)
{
	struct bpf_tunnel_key key = {};
	__u32 zero = 0;

	if (bpf_skb_get_tunnel_key(skb, &key, sizeof(key), 0) < 0)
		return -1;
	bpf_map_update_elem(&last_tunnel, &zero, &key, BPF_ANY);
	skb->mark = key.tunnel_id;
	return key.tunnel_ttl;
}

char _license[] SEC("license") = "GPL";
