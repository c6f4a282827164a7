/* Stands in for the vmlinux.h that the kernel's selftests generate from a running kernel's
 * BTF (bpftool btf dump): the programs this suite compiles use only these types from it. */
#ifndef BPF2ARM_SELFTEST_VMLINUX_H
#define BPF2ARM_SELFTEST_VMLINUX_H
#include <linux/types.h>
#include <linux/bpf.h>
typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;
typedef __s32 s32;
typedef __s64 s64;
#endif
