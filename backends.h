/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * The fourth stage: the kernel side loaded and attached, by the plan's
 * first backend that the kernel accepts. Whatever a failed attempt created
 * is gone before the next one is tried.
 */
#ifndef BACKENDS_H
#define BACKENDS_H

#include "bindsnoop.skel.h"
#include "plan.h"

/*
 * The files named by --cgroupmap, --mntnsmap, -c, --unit and --container,
 * opened and checked before anything loads.
 */
struct filter_maps {
	int cgroupmap_fd;
	int mntnsmap_fd;
	int cgroup_fd[CGROUP_SLOTS];	/* by CGROUP_SLOT_*: the -c, unit, container directories */
	/* the option whose map is BPF_F_NO_PREALLOC (see make_plan()), or NULL */
	const char *runtime_alloc_map;
};

#define FILTER_MAPS_INIT { .cgroupmap_fd = -1, .mntnsmap_fd = -1, .cgroup_fd = { -1, -1, -1 } }

/* Prints the reason (one line) and returns -errno when one is unusable. */
int open_filter_maps(const struct config *cfg, struct filter_maps *filters);
void close_filter_maps(struct filter_maps *filters);

/* A loaded, attached backend. */
struct tracer {
	struct bindsnoop_bpf *skel;
	struct bpf_link *links[MAX_LINKS];
	int nr_links;
	enum backend backend;
	enum build build;	/* the build of the BPF object that is loaded */
	int count_live;		/* --count: the table in the slot, 0 (counts_a) or 1 */
	/* The reader of the events map: one of the two (neither for --count). */
	struct ring_buffer *rb;
	struct perf_buffer *pb;
	/*
	 * The ways of taking a port it sees (1 << BS_VIA_*): the plan's, less
	 * the kernel's own sockets when the cgroup post_bind program could not
	 * be attached (@kernel_unseen: why), which does not fail the backend.
	 */
	__u32 paths;
	char kernel_unseen[192];
};

/*
 * Opens the reader of a loaded tracer's events map (t->rb or t->pb); says
 * on stderr why not. tracer_start() calls it after the programs are loaded
 * and before they are attached: a perf event array holds no CPU's buffer
 * until its reader opens them, and bpf_perf_event_output() drops what it is
 * given until then (a ring buffer map keeps it, but is read the same way).
 */
typedef int (*open_reader_fn)(struct tracer *t, void *ctx);

/*
 * Load the first backend of @plan's order that the kernel takes, open its
 * reader with @open_reader(@t, @ctx) (NULL: none, as for --count), attach.
 * Once it returns 0 every bind is traced and read: the banner may go out.
 * Says on stderr which backend (-v) and why the others were not; returns 0
 * or -errno (with its one-line reason printed). A reader that cannot be
 * opened ends it there: another backend would not read any better.
 */
int tracer_start(struct tracer *t, const struct config *cfg, const struct kernel_facts *facts,
		 const struct plan *plan, const struct filter_maps *filters, open_reader_fn open_reader,
		 void *ctx);
void tracer_destroy(struct tracer *t);

#endif /* BACKENDS_H */
