/* The idioms of 2017's BPF programs, as their bpf_helpers.h offered them (written for
 * these tests): SEC(), helpers as pointers to their ids, struct bpf_map_def for maps in
 * SEC("maps") (with the later inner_map_idx and numa_node fields when
 * LEGACY_MAP_DEF_NUMA is defined), and BPF_ANNOTATE_KV_PAIR. */
#ifndef LEGACY_HELPERS_H
#define LEGACY_HELPERS_H

#include <linux/types.h>
#include <linux/bpf.h>

#define SEC(NAME) __attribute__((section(NAME), used))

static void *(*bpf_map_lookup_elem)(void *map, void *key) = (void *) BPF_FUNC_map_lookup_elem;
static int (*bpf_map_update_elem)(void *map, void *key, void *value, unsigned long long flags) =
	(void *) BPF_FUNC_map_update_elem;
static int (*bpf_skb_load_bytes)(void *ctx, int off, void *to, int len) = (void *) BPF_FUNC_skb_load_bytes;
static int (*bpf_redirect_map)(void *map, int key, int flags) = (void *) BPF_FUNC_redirect_map;

struct bpf_map_def {
	unsigned int type;
	unsigned int key_size;
	unsigned int value_size;
	unsigned int max_entries;
	unsigned int map_flags;
#ifdef LEGACY_MAP_DEF_NUMA
	unsigned int inner_map_idx;
	unsigned int numa_node;
#endif
};

/* A struct named after the map whose members give BTF the map's key and value types. */
#define BPF_ANNOTATE_KV_PAIR(name, type_key, type_val)                                     \
	struct ____btf_map_##name {                                                        \
		type_key key;                                                              \
		type_val value;                                                            \
	};                                                                                 \
	struct ____btf_map_##name __attribute__((section(".maps." #name), used))          \
		____btf_map_##name = {}

#endif
