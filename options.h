/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * The first stage: the command line becomes one configuration, read-only
 * from then on. (The test suites' environment variables: test_hooks.h.)
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

/*
 * Link slots of a loaded backend: the most any has (kprobe: six pairs,
 * bindx's pair, --autobind's four and io_uring's pair: 24; 26 on s390x,
 * whose socketcall pair follows --autobind's calls, and bindx's where it
 * is taken from the tracepoints; the tracepoint backend's cgroup pair
 * besides), and room.
 */
#define MAX_LINKS		32

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
	__u32 via_mask;			/* --via: 1 << BS_VIA_* of the ways traced; 0 = every way */
	bool autobind;			/* --autobind: ports connect() and the sends pick too */
	/* what is printed, and for how long */
	struct print_opts print;
	bool json;
	bool journal;			/* --journal: each event a journal entry, not a line */
	bool count;
	bool existing;			/* --existing: list the sockets already bound first */
	bool holders;			/* --holders: who holds the port of an EADDRINUSE bind */
	__u64 interval_ns;		/* --count -i: a table every N ns, 0 = at exit only */
	__u64 duration_ns;		/* -d: stop after N ns, 0 = never */
	/* how */
	enum backend backend;
	const char *btf_path;
	bool verbose;
};

/* parse_options() results besides 0. */
#define OPTIONS_USAGE_ERROR	(-1)	/* @msg says what is wrong with which input */

/*
 * Fill @cfg from @argv. Returns 0,
 * or OPTIONS_USAGE_ERROR with one line in @msg ("-p abc: not a decimal
 * number", no prefix, no newline). --help, --usage and --version print to
 * stdout and exit(0) from here.
 */
int parse_options(int argc, char **argv, struct config *cfg, char *msg, size_t msglen);

#endif /* OPTIONS_H */
