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
int open_filter_maps(const struct config *cfg, struct filter_maps *fm);
void close_filter_maps(struct filter_maps *fm);

/* A loaded, attached backend. */
struct tracer {
	struct bindsnoop_bpf *skel;
	struct bpf_link *links[MAX_LINKS];
	int nr_links;
	enum backend backend;
	const char *const *progs;	/* the plan's programs for it that were loaded */
	int nprogs;
	bool casts;		/* they are the _cast ones (bpf_rdonly_cast) */
	int count_live;		/* --count: the table in the slot, 0 (counts_a) or 1 */
};

/*
 * Load and attach the first backend of @p's order that the kernel takes.
 * Says on stderr which one (-v) and why the others were not; returns 0 or
 * -errno (with its one-line reason printed).
 */
int tracer_start(struct tracer *t, const struct config *cfg, const struct kernel_facts *kf,
		 const struct plan *p, const struct filter_maps *fm);
void tracer_destroy(struct tracer *t);

#endif /* BACKENDS_H */
