/* The memory layout of bpf2arm maps: one source of truth for the compiler, which
 * allocates each map statically in the objects it writes, and for the runtime stub,
 * which implements the map operations on that memory. Plain C11 that also compiles as
 * C++; sizes never depend on the compiling host (the target is 32-bit ARM).
 *
 * Every map is a descriptor (struct bpf2arm_map, named after the map in the object)
 * that points at its storage, a zero-initialized area in .bss:
 *
 *   ARRAY, PERCPU_ARRAY   value slots: max_entries x n_cpus x value_stride bytes
 *   HASH, LRU_HASH,       struct bpf2arm_hash_state, then n_buckets x uint32_t bucket
 *   PERCPU_HASH           heads, then max_entries entries of entry_size bytes:
 *                         struct bpf2arm_hash_entry, key (key_stride), values
 *                         (n_cpus x value_stride)
 *   QUEUE, STACK          struct bpf2arm_queue_state, then (max_entries + 1) x value_size
 *   RINGBUF               struct bpf2arm_ringbuf_state, then max_entries data bytes
 *   PROG_ARRAY            max_entries x program entry pointers (4 bytes on ARM32)
 *   DEVMAP                as ARRAY; DEVMAP_HASH as HASH (values start with an ifindex,
 *                         0 in a DEVMAP slot means no entry; bpf_redirect_map reads them)
 *
 * Zero is the initial state of every storage area, so nothing runs before first use.
 */
#ifndef BPF2ARM_MAP_LAYOUT_H
#define BPF2ARM_MAP_LAYOUT_H

#include <stdint.h>

#define BPF2ARM_MAP_ARRAY 2u
#define BPF2ARM_MAP_HASH 1u
#define BPF2ARM_MAP_PROG_ARRAY 3u
#define BPF2ARM_MAP_PERCPU_HASH 5u
#define BPF2ARM_MAP_PERCPU_ARRAY 6u
#define BPF2ARM_MAP_LRU_HASH 9u
#define BPF2ARM_MAP_QUEUE 22u
#define BPF2ARM_MAP_STACK 23u
#define BPF2ARM_MAP_RINGBUF 27u
#define BPF2ARM_MAP_DEVMAP 14u
#define BPF2ARM_MAP_DEVMAP_HASH 25u

#define BPF2ARM_TARGET_POINTER_SIZE 4u

#ifdef __cplusplus
extern "C" {
#endif

/* Hash maps. Bucket heads and `next` hold entry index + 1; 0 means none. Entries above
 * `high_water` have never been used; freed ones are chained from `free_head`. LRU maps
 * evict the entry with the smallest `stamp` when full. */
struct bpf2arm_hash_state {
  uint32_t count;
  uint32_t high_water;
  uint32_t free_head;
  uint32_t clock;
};

struct bpf2arm_hash_entry {
  uint32_t next;
  uint32_t hash;
  uint32_t stamp;
  uint32_t reserved; /* keeps the key 8-byte aligned (entries start 8-byte aligned
                        except with a single bucket, max_entries <= 1: 4-byte) */
};

/* Queues and stacks keep one slot free to tell full from empty. */
struct bpf2arm_queue_state {
  uint32_t head;
  uint32_t tail;
};

/* Ring buffer positions grow without wrapping; records are 8-byte aligned and start
 * with a struct bpf2arm_ringbuf_record. */
struct bpf2arm_ringbuf_state {
  uint32_t consumer_pos;
  uint32_t producer_pos;
};

struct bpf2arm_ringbuf_record {
  uint32_t len;   /* payload bytes; bit 31 busy (reserved, not submitted), bit 30 discarded */
  uint32_t pad;
};
#define BPF2ARM_RINGBUF_BUSY 0x80000000u
#define BPF2ARM_RINGBUF_DISCARD 0x40000000u

static inline uint32_t bpf2arm_round8(uint32_t n) { return (n + 7u) & ~7u; }

/* A power of two of at least 2, so that the entries after the 4-byte bucket heads stay
 * 8-byte aligned (64-bit atomics on values need it); bpf2arm refuses max_entries above
 * BPF2ARM_MAX_ENTRIES, which keeps the loop finite. */
#define BPF2ARM_MAX_ENTRIES (1u << 24)
static inline uint32_t bpf2arm_hash_buckets(uint32_t max_entries) {
  uint32_t n = 2;
  while (n < max_entries && n < (1u << 31)) n <<= 1;
  return n;
}

static inline int bpf2arm_map_is_hash(uint32_t type) {
  return type == BPF2ARM_MAP_HASH || type == BPF2ARM_MAP_LRU_HASH || type == BPF2ARM_MAP_PERCPU_HASH ||
         type == BPF2ARM_MAP_DEVMAP_HASH;
}

static inline int bpf2arm_map_is_percpu(uint32_t type) {
  return type == BPF2ARM_MAP_PERCPU_HASH || type == BPF2ARM_MAP_PERCPU_ARRAY;
}

static inline uint32_t bpf2arm_hash_entry_size(uint32_t key_size, uint32_t value_size, uint32_t n_cpus) {
  return (uint32_t)sizeof(struct bpf2arm_hash_entry) + bpf2arm_round8(key_size) + n_cpus * bpf2arm_round8(value_size);
}

/* Bytes of storage a map needs; 0 for an unknown type. */
static inline uint64_t bpf2arm_map_storage_size(uint32_t type, uint32_t key_size, uint32_t value_size,
                                                uint32_t max_entries, uint32_t n_cpus) {
  uint32_t cpus = bpf2arm_map_is_percpu(type) ? n_cpus : 1u;
  switch (type) {
    case BPF2ARM_MAP_ARRAY:
    case BPF2ARM_MAP_PERCPU_ARRAY:
    case BPF2ARM_MAP_DEVMAP:
      return (uint64_t)max_entries * cpus * bpf2arm_round8(value_size);
    case BPF2ARM_MAP_HASH:
    case BPF2ARM_MAP_LRU_HASH:
    case BPF2ARM_MAP_PERCPU_HASH:
    case BPF2ARM_MAP_DEVMAP_HASH:
      return sizeof(struct bpf2arm_hash_state) + (uint64_t)bpf2arm_hash_buckets(max_entries) * 4u +
             (uint64_t)max_entries * bpf2arm_hash_entry_size(key_size, value_size, cpus);
    case BPF2ARM_MAP_QUEUE:
    case BPF2ARM_MAP_STACK:
      return sizeof(struct bpf2arm_queue_state) + ((uint64_t)max_entries + 1u) * value_size;
    case BPF2ARM_MAP_RINGBUF:
      return sizeof(struct bpf2arm_ringbuf_state) + (uint64_t)max_entries;
    case BPF2ARM_MAP_PROG_ARRAY:
      return (uint64_t)max_entries * BPF2ARM_TARGET_POINTER_SIZE;
  }
  return 0;
}

#ifdef __cplusplus
}
#endif

#endif
