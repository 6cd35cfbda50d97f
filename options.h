/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * The first stage: the command line (and the test hooks in the environment)
 * become one configuration, read-only from then on.
 */
#ifndef OPTIONS_H
#define OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <linux/types.h>
#include "format.h"
#include "trace_helpers.h"

enum backend {
	BACKEND_AUTO,
	BACKEND_FENTRY,
	BACKEND_KPROBE,
	BACKEND_TRACEPOINT,
	BACKEND_MAX,
};

extern const char *const backend_names[BACKEND_MAX];

/* Link slots of a loaded backend: the most any has (kprobe: four pairs). */
#define MAX_LINKS		8

/* Environment variables the suites set (README lists them); none is for users. */
struct test_hooks {
	bool force_perfbuf;		/* BINDSNOOP_FORCE_PERFBUF: the perf buffer over the ring */
	bool tp_pair;			/* BINDSNOOP_TEST_TP_PAIR: the pre-5.15 tracepoint pair */
	/* BINDSNOOP_TEST_REFUSE_CASTS: the typed build's first load fails, as a kernel's refusal */
	bool refuse_casts;
	__u32 entries;			/* BINDSNOOP_TEST_ENTRIES: entry map size, 0 = default */
	__u32 count_entries;		/* BINDSNOOP_TEST_COUNT_ENTRIES: --count table size */
	/* BINDSNOOP_TEST_FAIL_ATTACH=BACKEND:N: that backend fails after N attached programs */
	enum backend fail_backend;	/* BACKEND_MAX: none */
	int fail_after;
};

struct config {
	/* filters, all applied in the kernel */
	pid_t pid;
	bool filter_uid;
	uid_t uid;
	bool filter_ports;
	__u8 ports[PORT_BITMAP_BYTES];
	const char *cgroupmap_path;
	const char *mntnsmap_path;
	const char *cgroup_path;
	const char *unit;		/* --unit: tasks in this systemd unit's cgroup */
	const char *container;		/* --container: tasks in this container's cgroup */
	/* what is printed, and for how long */
	struct print_opts print;
	bool json;
	bool count;
	__u64 interval_ns;		/* --count -i: a table every N ns, 0 = at exit only */
	__u64 duration_ns;		/* -d: stop after N ns, 0 = never */
	/* how */
	enum backend backend;
	const char *btf_path;
	bool verbose;
	struct test_hooks test;
};

/* parse_options() results besides 0. */
#define OPTIONS_USAGE_ERROR	(-1)	/* @msg says what is wrong with which input */

/*
 * Fill @cfg from @argv and the test hooks' environment variables. Returns 0,
 * or OPTIONS_USAGE_ERROR with one line in @msg ("-p abc: not a decimal
 * number", no prefix, no newline). --help, --usage and --version print to
 * stdout and exit(0) from here.
 */
int parse_options(int argc, char **argv, struct config *cfg, char *msg, size_t msglen);

#endif /* OPTIONS_H */
