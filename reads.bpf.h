/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * How the kernel side reads kernel memory: the one choice every stage of
 * the data path passes on. Included first by bindsnoop.bpf.c.
 *
 * bindsnoop.bpf.c is built twice (Makefile): as is (the probing build, any
 * kernel) and with BINDSNOOP_TYPED_READS (the typed build, 6.2+), whose
 * programs (same names) read the socket through bpf_rdonly_cast() where
 * the others probe. User space loads the typed build where the kernel has
 * that kfunc and falls back to the probing one if the kernel refuses it
 * (no JIT for kfunc calls); the probing build has no kfunc at all, so
 * libbpf never looks for one on a kernel without it. Which build this is,
 * is a constant (TYPED_READS); a function takes a read mode only where
 * callers in one build differ.
 */
#ifndef READS_BPF_H
#define READS_BPF_H

#include <bpf/bpf_core_read.h>

#ifdef BINDSNOOP_TYPED_READS
#define TYPED_READS true
#else
#define TYPED_READS false
#endif

/*
 * How a path reads the socket it found:
 *   READ_PROBE  the pointer is a number to the verifier (kprobe, tracepoint
 *               in the probing build): every field by a probe read
 *   READ_BTF    the verifier knows its type (fexit's arguments): plain
 *               loads, which the JIT guards against faults; fields past
 *               struct sock still probed
 *   READ_TYPED  the typed build's bpf_rdonly_cast(): plain loads, fields
 *               past struct sock too
 * Every caller passes a constant, so the other branches are compiled out.
 */
enum read_mode {
	READ_PROBE,
	READ_BTF,
	READ_TYPED,
};

/* What a path that can cast reads with, in this build. */
#define READ_CAST_OR_PROBE	(TYPED_READS ? READ_TYPED : READ_PROBE)
#define READ_CAST_OR_BTF	(TYPED_READS ? READ_TYPED : READ_BTF)

/* A plain load will do (the verifier knows the pointer's type). */
#define MODE_LOADS(mode)	((mode) != READ_PROBE)

/*
 * bpf_rdonly_cast() (6.2+) makes any kernel address a BTF-typed pointer to
 * the given type, for reads only: each load is a plain one that the JIT
 * guards against faults, where bpf_probe_read_kernel() is a helper call of
 * ~100 instructions. The verifier turns the call itself into a register
 * move. Only the typed build calls it; in the other, no path reaches
 * TYPED() (its callers are READ_TYPED only), and the definition below, a
 * raw pointer the verifier would refuse to load through, is never used.
 */
#ifdef BINDSNOOP_TYPED_READS
extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym __weak;
#define TYPED(type, p) ((type *)bpf_rdonly_cast((const void *)(p), bpf_core_type_id_kernel(type)))
#else
#define TYPED(type, p) ((type *)(p))
#endif

/*
 * One field of a kernel object, read as @mode says: a plain load
 * (READ_BTF, READ_TYPED), else a probe read. Fields outside the pointer's
 * own type (inet_sock's, through a struct sock pointer) are probed unless
 * read through TYPED(): the verifier refuses a plain load past the end of
 * the type it knows.
 */
#define KREAD(mode, p, field) KLOAD(MODE_LOADS(mode), p, field)
/* The same for a path whose choice is only load or probe (@loads: a constant). */
#define KLOAD(loads, p, field) ((loads) ? (p)->field : BPF_CORE_READ(p, field))
#define KREAD_BITFIELD(mode, p, field) \
	(MODE_LOADS(mode) ? BPF_CORE_READ_BITFIELD(p, field) : BPF_CORE_READ_BITFIELD_PROBED(p, field))

#endif /* READS_BPF_H */
