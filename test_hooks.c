// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* The test suites' hooks (test_hooks.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char **environ;
#include "kernel_facts.h"
#include "test_hooks.h"

/* MAX_LINKS as a string literal, for the message. */
#define STR_OF(x)	#x
#define VALUE_STR(x)	STR_OF(x)
#define LINKS_STR	VALUE_STR(MAX_LINKS)

static int hook_error(char *msg, size_t msglen, const char *name, const char *val, const char *why)
{
	snprintf(msg, msglen, "%s %s: %s", name, val, why);
	return -1;
}

static int read_size(const char *name, __u32 *size, char *msg, size_t msglen)
{
	const char *val = getenv(name);
	unsigned long n;

	if (!val)
		return 0;
	if (parse_ulong(val, 1, 1u << 24, &n))
		return hook_error(msg, msglen, name, val, "not a map size (1-16777216)");
	*size = (__u32)n;
	return 0;
}

/* BINDSNOOP_TEST_FAIL_ATTACH=fentry:2: make that backend fail after 2 attached programs. */
static int read_fail_attach(struct test_hooks *t, char *msg, size_t msglen)
{
	static const char name[] = "BINDSNOOP_TEST_FAIL_ATTACH";
	const char *spec = getenv(name);
	const char *colon = spec ? strchr(spec, ':') : NULL;
	unsigned long n;
	enum backend b;

	if (!spec)
		return 0;
	if (!colon || parse_ulong(colon + 1, 0, MAX_LINKS, &n))
		return hook_error(msg, msglen, name, spec, "not BACKEND:N (N = 0-" LINKS_STR ")");
	for (b = BACKEND_FENTRY; b < BACKEND_MAX; b++)
		if (strncmp(spec, backend_names[b], colon - spec) == 0 &&
		    strlen(backend_names[b]) == (size_t)(colon - spec))
			t->fail_backend = b;
	if (t->fail_backend == BACKEND_MAX)
		return hook_error(msg, msglen, name, spec, "unknown backend");
	t->fail_after = (int)n;
	return 0;
}

/* Every BINDSNOOP_* variable is one of ours: a misspelt or renamed hook must not pass unnoticed. */
static int check_names(char *msg, size_t msglen)
{
	static const char *const known[] = {
		"BINDSNOOP_FORCE_PERFBUF", "BINDSNOOP_TEST_TP_PAIR", "BINDSNOOP_TEST_REFUSE_TYPED",
		"BINDSNOOP_TEST_ENTRIES", "BINDSNOOP_TEST_COUNT_ENTRIES", "BINDSNOOP_TEST_FAIL_ATTACH",
		"BINDSNOOP_TEST_NO_CGROUP2", "BINDSNOOP_TEST_CGROUP2_ROOT",
	};
	char **env;
	size_t i, len;

	for (env = environ; *env; env++) {
		if (strncmp(*env, "BINDSNOOP_", 10) != 0)
			continue;
		len = strcspn(*env, "=");
		for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
			if (strlen(known[i]) == len && strncmp(*env, known[i], len) == 0)
				break;
		if (i == sizeof(known) / sizeof(known[0])) {
			snprintf(msg, msglen, "%.*s: not a variable bindsnoop knows (tests/README.md lists them)",
				 (int)len, *env);
			return -1;
		}
	}
	return 0;
}

int read_test_hooks(struct test_hooks *t, char *msg, size_t msglen)
{
	const char *force = getenv("BINDSNOOP_FORCE_PERFBUF");

	*t = TEST_HOOKS_NONE;
	if (check_names(msg, msglen))
		return -1;
	t->force_perfbuf = force && strcmp(force, "0") != 0;
	t->tp_pair = getenv("BINDSNOOP_TEST_TP_PAIR") != NULL;
	t->refuse_typed = getenv("BINDSNOOP_TEST_REFUSE_TYPED") != NULL;
	t->no_cgroup2 = getenv("BINDSNOOP_TEST_NO_CGROUP2") != NULL;
	t->cgroup2_root = getenv("BINDSNOOP_TEST_CGROUP2_ROOT");
	if (t->cgroup2_root && (!*t->cgroup2_root || strlen(t->cgroup2_root) >= 256)) {
		snprintf(msg, msglen, "BINDSNOOP_TEST_CGROUP2_ROOT: not a path of 1 to 255 bytes");
		return -1;
	}
	if (read_size("BINDSNOOP_TEST_ENTRIES", &t->entries, msg, msglen) ||
	    read_size("BINDSNOOP_TEST_COUNT_ENTRIES", &t->count_entries, msg, msglen) ||
	    read_fail_attach(t, msg, msglen))
		return -1;
	return 0;
}

void test_hooks_apply_to_facts(const struct test_hooks *t, struct kernel_facts *facts)
{
	if (t->tp_pair)
		facts->task_pt_regs = false;
	if (t->force_perfbuf)
		facts->ringbuf = false;
	if (t->cgroup2_root)
		snprintf(facts->cgroup2_root, sizeof(facts->cgroup2_root), "%s", t->cgroup2_root);
	if (t->no_cgroup2)
		facts->cgroup2_root[0] = '\0';
}
