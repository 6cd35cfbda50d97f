/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * The third stage: configuration + kernel facts -> one plan, made once.
 * Which backends can run and why the others cannot, which programs each
 * attaches, which buffer, which fields the kernel fills, how big each map
 * is. The BPF object's read-only data, the loader and the printer all take
 * their decisions from here. Pure: no I/O, so the unit tests hand it fake
 * kernels.
 */
#ifndef PLAN_H
#define PLAN_H

#include <stdbool.h>
#include <linux/types.h>
#include "format.h"
#include "kernel_facts.h"
#include "options.h"
#include "test_hooks.h"

#define RINGBUF_BYTES		(4u << 20)
/* Wake the reader once a quarter of the ring waits: few wake-ups, room to spare. */
#define RINGBUF_WAKEUP_BYTES	(RINGBUF_BYTES / 4)
/* Per CPU; the reader is woken once half of a CPU's buffer waits (as for the ring). */
#define PERFBUF_PAGES		64

/*
 * The two builds of the BPF object (bindsnoop.bpf.c, reads.bpf.h): the
 * typed one reads the socket through bpf_rdonly_cast() (6.2+), the probing
 * one with probe reads (any kernel). Same programs, same maps.
 */
enum build {
	BUILD_TYPED,
	BUILD_PROBING,
};

extern const char *const build_names[2];

/*
 * Bits of the paths masks past enum bs_via's: ways of taking a port that
 * report a via of another (io_uring's connect is via connect, its sends
 * via sendto) but need hooks of their own, which not every kernel has: -v
 * names them apart (path_name()).
 */
enum bs_path {
	BS_PATH_IO_URING_CONNECT = BS_VIA_COUNT,
	BS_PATH_IO_URING_SEND,
	BS_PATH_COUNT,
};

/* A bit of a paths mask as -v names it: via_name(), or "io_uring connect", "io_uring send". */
const char *path_name(unsigned int path);

/* One build as a backend loads it: the sizes of its maps. */
struct build_plan {
	enum build build;
	bool task_storage;		/* kprobe's typed programs keep the entry in the task */
	__u32 entries_size;		/* the per-thread entry map: 1 when unused */
	/* --count's counts_a (the live one first) and counts_b (the -i spare): a
	 * hash's keys (probing), or slots, twice the keys (typed) */
	__u32 count_entries[2];
	__u32 count_slot_mask;		/* typed: slots less one, where a probe wraps */
	__u32 count_hash_shift;		/* typed: 64 less the slots' log2 */
	bool refuse;			/* the tests' hook: its load fails, as a kernel's refusal */
};

/* One backend as this kernel and this command line allow it. */
struct backend_plan {
	bool usable;			/* the facts allow it; else @why says what is missing */
	char why[256];
	/* BPF programs (by name) to load and attach, in this order */
	const char *progs[MAX_LINKS];
	int nprogs;
	/*
	 * The builds to load, in order: the typed one where the kernel has
	 * bpf_rdonly_cast(), then the probing one, for a kernel that refuses
	 * the first (no JIT for kfunc calls: s390x without a JIT).
	 */
	struct build_plan builds[2];
	int nbuilds;
	bool uses_entries;		/* an entry program hands the exit one its arguments */
	/* s390x: 1 << SOCKETCALL_*, the socket calls its socketcall programs follow */
	__u32 socketcall_calls;
	bool needs_tracefs;		/* libbpf reads the tracepoint ids there */
	const char *detail;		/* how it hooks, for -v */
	__u32 paths;			/* 1 << BS_VIA_*, BS_PATH_*: the ways of taking a port it sees */
	const char *note;		/* a limit of this kernel worth telling with -v, or NULL */
	/*
	 * The tracepoint backend's cgroup post_bind programs (the kernel's own
	 * sockets): the cgroup2 root they attach at; or NULL, and why not.
	 */
	const char *cgroup_root;
	const char *kernel_unseen;
	const char *bindx_unseen;	/* why SCTP's bindx is not seen where SCTP is, or NULL */
	/*
	 * 1 << BS_VIA_*: ways it sees, but not when a 32-bit x86 program takes
	 * them on x86-64 (the syscalls:* tracepoints skip 32-bit syscalls; only
	 * bind has a program of its own for those, on raw sys_exit)
	 */
	__u32 compat_unseen;
	/*
	 * 1 << BS_VIA_LISTEN, BS_PATH_IO_URING_*: ways it sees through io_uring's
	 * completions and the request's file only, so not a request that posts
	 * no completion (IOSQE_CQE_SKIP_SUCCESS) or names a fixed file
	 * (io_uring.bpf.h): the tracepoint backend's io_uring listen, and
	 * --autobind's io_uring connect and sends on every backend
	 */
	__u32 uring_unseen;
	int fail_after_links;		/* the tests' hook: attaching fails after this many; -1: never */
};

struct plan {
	/* The backends to try, in order: fentry, kprobe, tracepoint, or the one asked for. */
	enum backend order[BACKEND_MAX - 1];
	int norder;
	struct backend_plan backends[BACKEND_MAX];	/* by enum backend; [BACKEND_AUTO] unused */
	bool ringbuf;			/* else the perf buffer */
	__u32 ringbuf_bytes;
	__u32 wakeup_bytes;		/* ring: wake the reader once this much waits */
	struct event_fields fields;	/* what the kernel side reads for the output */
	bool filter_task;		/* a filter on the calling task: -p, -u, a cgroup or mount ns */
	/* 1 << BS_VIA_*, BS_PATH_*: the ways of taking a port this kernel and architecture have */
	__u32 kernel_paths;
	/* Those the user asked to see: all but connect()'s and the sends' without --autobind. */
	__u32 wanted_paths;
};

/*
 * @hooks: the tests' (test_hooks.h; TEST_HOOKS_NONE for a user's run).
 * @runtime_alloc_map: the --cgroupmap/--mntnsmap option whose map is
 * BPF_F_NO_PREALLOC, or NULL. @page_size: the smallest ring the kernel takes.
 */
void make_plan(const struct config *cfg, const struct kernel_facts *facts,
	       const struct test_hooks *hooks, const char *runtime_alloc_map, __u32 page_size,
	       struct plan *plan);

#endif /* PLAN_H */
