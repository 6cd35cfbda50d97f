/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * The test suites' hooks: environment variables that only tests/ sets
 * (tests/README.md lists them), read once by main() and checked like
 * options. Production code meets them at two named sites: the kernel's facts
 * as the hooks make them look (test_hooks_apply_to_facts()), and the plan
 * (make_plan() takes the sizes and the failures to inject from here); the
 * loader reads only the plan. Without the variables every answer is the
 * production one.
 */
#ifndef TEST_HOOKS_H
#define TEST_HOOKS_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "options.h"

struct kernel_facts;

struct test_hooks {
	bool force_perfbuf;		/* BINDSNOOP_FORCE_PERFBUF: the perf buffer over the ring */
	bool tp_pair;			/* BINDSNOOP_TEST_TP_PAIR: the pre-5.15 tracepoint pair */
	bool no_cgroup2;		/* BINDSNOOP_TEST_NO_CGROUP2: as if no cgroup2 were mounted */
	/* BINDSNOOP_TEST_CGROUP2_ROOT: as if cgroup2 were mounted there (NULL: it is not set) */
	const char *cgroup2_root;
	/* BINDSNOOP_TEST_REFUSE_TYPED: the typed build's first load fails, as a kernel's refusal */
	bool refuse_typed;
	__u32 entries;			/* BINDSNOOP_TEST_ENTRIES: entry map size, 0 = default */
	__u32 count_entries;		/* BINDSNOOP_TEST_COUNT_ENTRIES: --count table size */
	/* BINDSNOOP_TEST_FAIL_ATTACH=BACKEND:N: that backend fails after N attached programs */
	enum backend fail_backend;	/* BACKEND_MAX: none */
	int fail_after;
};

/* What a run without the variables has. */
#define TEST_HOOKS_NONE ((struct test_hooks){ .fail_backend = BACKEND_MAX })

/*
 * Fill @t from the environment. Returns 0, or -1 with one line in @msg
 * ("BINDSNOOP_TEST_ENTRIES 12x: not a map size (1-16777216)").
 */
int read_test_hooks(struct test_hooks *t, char *msg, size_t msglen);

/* The kernel as the hooks make it look: no ring buffer, no bpf_task_pt_regs(). */
void test_hooks_apply_to_facts(const struct test_hooks *t, struct kernel_facts *facts);

#endif /* TEST_HOOKS_H */
