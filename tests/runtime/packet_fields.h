/* Every field of the contexts packet.h declares, for comparing its layout with the
 * kernel's uapi <linux/bpf.h> (test_packet_layout.c compiles the list against that
 * header, test_packet.c against packet.h). FIELD(struct, member); PTR_SLOT(struct,
 * member, next member) for __bpf_md_ptr fields, whose member is a native pointer in the
 * uapi header but always an 8-byte slot (what BPF code loads): the size is the slot's. */
#define PACKET_CONTEXT_FIELDS                                                                                  \
  FIELD(xdp_md, data) FIELD(xdp_md, data_end) FIELD(xdp_md, data_meta) FIELD(xdp_md, ingress_ifindex)          \
  FIELD(xdp_md, rx_queue_index) FIELD(xdp_md, egress_ifindex)                                                  \
  FIELD(__sk_buff, len) FIELD(__sk_buff, pkt_type) FIELD(__sk_buff, mark) FIELD(__sk_buff, queue_mapping)      \
  FIELD(__sk_buff, protocol) FIELD(__sk_buff, vlan_present) FIELD(__sk_buff, vlan_tci)                         \
  FIELD(__sk_buff, vlan_proto) FIELD(__sk_buff, priority) FIELD(__sk_buff, ingress_ifindex)                    \
  FIELD(__sk_buff, ifindex) FIELD(__sk_buff, tc_index) FIELD(__sk_buff, cb) FIELD(__sk_buff, hash)             \
  FIELD(__sk_buff, tc_classid) FIELD(__sk_buff, data) FIELD(__sk_buff, data_end) FIELD(__sk_buff, napi_id)     \
  FIELD(__sk_buff, family) FIELD(__sk_buff, remote_ip4) FIELD(__sk_buff, local_ip4)                            \
  FIELD(__sk_buff, remote_ip6) FIELD(__sk_buff, local_ip6) FIELD(__sk_buff, remote_port)                       \
  FIELD(__sk_buff, local_port) FIELD(__sk_buff, data_meta) PTR_SLOT(__sk_buff, flow_keys, tstamp) FIELD(__sk_buff, tstamp) \
  FIELD(__sk_buff, wire_len) FIELD(__sk_buff, gso_segs) PTR_SLOT(__sk_buff, sk, gso_size) FIELD(__sk_buff, gso_size)        \
  FIELD(__sk_buff, tstamp_type) FIELD(__sk_buff, hwtstamp)                                                     \
  FIELD(bpf_tunnel_key, tunnel_id) FIELD(bpf_tunnel_key, remote_ipv4) FIELD(bpf_tunnel_key, remote_ipv6)       \
  FIELD(bpf_tunnel_key, tunnel_tos) FIELD(bpf_tunnel_key, tunnel_ttl) FIELD(bpf_tunnel_key, tunnel_ext)        \
  FIELD(bpf_tunnel_key, tunnel_flags) FIELD(bpf_tunnel_key, tunnel_label) FIELD(bpf_tunnel_key, local_ipv4)    \
  FIELD(bpf_tunnel_key, local_ipv6)                                                                            \
  SIZE(xdp_md) SIZE(__sk_buff) SIZE(bpf_tunnel_key)

#define FIELD(type, member) {#type "." #member, offsetof(struct type, member), sizeof(((struct type *)0)->member)},
#define PTR_SLOT(type, member, next) \
  {#type "." #member, offsetof(struct type, member), offsetof(struct type, next) - offsetof(struct type, member)},
#define SIZE(type) {"sizeof " #type, 0, sizeof(struct type)},

struct field_layout {
  const char *name;
  unsigned offset, size;
};

/* The list compiled against linux/bpf.h (test_packet_layout.c). */
extern const struct field_layout uapi_fields[];
extern const unsigned n_uapi_fields;
