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

/* One backend as this kernel and this command line allow it. */
struct backend_plan {
	bool usable;			/* the facts allow it; else @why says what is missing */
	char why[256];
	/* BPF programs (by name) to load and attach, in this order */
	const char *progs[MAX_LINKS];
	int nprogs;
	/*
	 * Load the programs from the typed build (bpf_rdonly_cast(), 6.2+),
	 * or from the probing one when the kernel refuses that (no JIT for
	 * kfunc calls: s390x without a JIT).
	 */
	bool casts;
	bool task_storage;		/* the typed programs hand over in task storage */
	__u32 plain_entries_size;	/* entries_size for the probing build */
	bool uses_entries;		/* an entry program hands the exit one its arguments */
	bool needs_tracefs;		/* libbpf reads the tracepoint ids there */
	__u32 entries_size;		/* the per-thread entry map: 1 when unused */
	const char *detail;		/* how it hooks, for -v */
	const char *note;		/* a limit of this kernel worth telling with -v, or NULL */
	/* The tests' injected failures (test_hooks.h): */
	int fail_after_links;		/* attaching fails once this many are attached; -1: never */
	bool refuse_typed;		/* loading the typed build fails, as a kernel's refusal */
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
	__u32 count_sizes[2];		/* counts_a (live first), counts_b (the -i spare): keys */
	__u32 count_slots[2];		/* the same in the typed build's slots (bindsnoop.h) */
};

/*
 * @hooks: the tests' (test_hooks.h; TEST_HOOKS_NONE for a user's run).
 * @runtime_alloc_map: the --cgroupmap/--mntnsmap option whose map is
 * BPF_F_NO_PREALLOC, or NULL. @page_size: the smallest ring the kernel takes.
 */
void make_plan(const struct config *cfg, const struct kernel_facts *kf,
	       const struct test_hooks *hooks, const char *runtime_alloc_map, __u32 page_size,
	       struct plan *p);

#endif /* PLAN_H */
