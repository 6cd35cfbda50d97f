// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Unit tests of the first stages: options (every good and bad form, with
 * its exact message) and the plan made from them and a fake kernel's facts
 * (the host, Debian 11, arm64 before 6.4, no ring buffer, IPv6 as a module).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "options.h"
#include "plan.h"
#include "test_hooks.h"

static const struct test_hooks no_hooks = TEST_HOOKS_NONE;

/* @bp's plan of @build, or NULL when it never loads that build. */
static const struct build_plan *build_of(const struct backend_plan *bp, enum build build)
{
	int i;

	for (i = 0; i < bp->nbuilds; i++)
		if (bp->builds[i].build == build)
			return &bp->builds[i];
	return NULL;
}

#define TYPED_OF(bp) build_of(&(bp), BUILD_TYPED)
#define PROBING_OF(bp) build_of(&(bp), BUILD_PROBING)

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MAX_ARGS 16

/* Split @cmdline on blanks (no quoting needed here) and parse it. */
static int parse_line(const char *cmdline, struct config *cfg, char *msg, size_t msglen)
{
	static char buf[512];
	char *argv[MAX_ARGS + 1] = { "bindsnoop" };
	int argc = 1;
	char *tok, *save = NULL;

	snprintf(buf, sizeof(buf), "%s", cmdline);
	for (tok = strtok_r(buf, " ", &save); tok && argc < MAX_ARGS; tok = strtok_r(NULL, " ", &save))
		argv[argc++] = tok;
	argv[argc] = NULL;
	return parse_options(argc, argv, cfg, msg, msglen);
}

#define assert_parses(cmdline, cfg)                                            \
	do {                                                                  \
		char msg_[256];                                               \
		int rc_ = parse_line((cmdline), (cfg), msg_, sizeof(msg_));    \
		if (rc_)                                                      \
			print_error("'%s': %s\n", (cmdline), msg_);           \
		assert_int_equal(rc_, 0);                                     \
	} while (0)

static void test_options_defaults(void **state)
{
	struct config cfg;

	(void)state;
	assert_parses("", &cfg);
	assert_int_equal(cfg.backend, BACKEND_AUTO);
	assert_false(cfg.count);
	assert_false(cfg.json);
	assert_int_equal(cfg.pid, 0);
	assert_false(cfg.filter_uid);
	assert_false(cfg.filter_ports);
	assert_int_equal(cfg.interval_ns, 0);
	assert_int_equal(cfg.duration_ns, 0);
	assert_null(cfg.btf_path);
}

static void test_options_every_good_form(void **state)
{
	struct config cfg;

	(void)state;
	assert_parses("-t -w -U -E", &cfg);
	assert_true(cfg.print.timestamp && cfg.print.wide && cfg.print.print_uid && cfg.print.errors);
	assert_parses("--timestamp --wide --print-uid --failed", &cfg);
	assert_true(cfg.print.timestamp && cfg.print.wide && cfg.print.print_uid && cfg.print.errors);
	assert_parses("-x", &cfg);
	assert_true(cfg.print.errors);
	assert_int_equal(cfg.via_mask, 0);	/* every way */
	assert_parses("--via listen,io_uring", &cfg);
	assert_int_equal(cfg.via_mask, 1u << BS_VIA_LISTEN | 1u << BS_VIA_IO_URING);
	assert_parses("--via bind,socketcall,io_uring,listen,connect,sendto,bindx,kernel,existing", &cfg);
	assert_int_equal(cfg.via_mask, (1u << BS_VIA_COUNT) - 1);
	assert_parses("-p 181 -u 1000", &cfg);
	assert_int_equal(cfg.pid, 181);
	assert_true(cfg.filter_uid);
	assert_int_equal(cfg.uid, 1000);
	assert_parses("--pid=4194304 --uid=0", &cfg);
	assert_int_equal(cfg.pid, 4194304);
	assert_true(cfg.filter_uid);
	assert_int_equal(cfg.uid, 0);
	assert_parses("-P 80,443,8000-8100", &cfg);
	assert_true(cfg.filter_ports);
	assert_true(cfg.ports[80 / 8] & (1 << (80 % 8)));
	assert_true(cfg.ports[8050 / 8] & (1 << (8050 % 8)));
	assert_false(cfg.ports[81 / 8] & (1 << (81 % 8)));
	assert_parses("--count -i 0.5 -d 2", &cfg);
	assert_true(cfg.count);
	assert_int_equal(cfg.interval_ns, 500000000ULL);
	assert_int_equal(cfg.duration_ns, 2000000000ULL);
	assert_parses("-j --count", &cfg);
	assert_true(cfg.json && cfg.count);
	assert_parses("--backend tracepoint --btf /tmp/x -v", &cfg);
	assert_int_equal(cfg.backend, BACKEND_TRACEPOINT);
	assert_string_equal(cfg.btf_path, "/tmp/x");
	assert_true(cfg.verbose);
	assert_parses("--cgroupmap /sys/fs/bpf/a --mntnsmap /sys/fs/bpf/b -c /sys/fs/cgroup/x", &cfg);
	assert_string_equal(cfg.cgroupmap_path, "/sys/fs/bpf/a");
	assert_string_equal(cfg.mntnsmap_path, "/sys/fs/bpf/b");
	assert_string_equal(cfg.cgroup_path, "/sys/fs/cgroup/x");
	assert_parses("--owner --unit nginx.service --container 0123456789ab", &cfg);
	assert_true(cfg.print.owner);
	assert_string_equal(cfg.unit, "nginx.service");
	assert_string_equal(cfg.container, "0123456789ab");
	/* argp's unambiguous prefixes */
	assert_parses("--back=kprobe --dur 1", &cfg);
	assert_int_equal(cfg.backend, BACKEND_KPROBE);
	assert_int_equal(cfg.duration_ns, 1000000000ULL);
}

static void test_options_every_bad_form_has_its_message(void **state)
{
	static const struct {
		const char *cmdline, *msg;
	} cases[] = {
		{ "-p", "option -p: needs an argument" },
		{ "-p abc", "-p abc: not a decimal number" },
		{ "-p 0", "-p 0: PID 0 is not a process" },
		{ "-p 4194305", "-p 4194305: out of range" },
		{ "-u 4294967295", "-u 4294967295: out of range" },
		{ "-u -1", "-u -1: not a decimal number" },
		{ "-P 0", "-P 0: port out of range 1-65535" },
		{ "-P 80,", "-P 80,: empty item" },
		{ "-P 90-80", "-P 90-80: reversed range" },
		{ "--port", "option --port: needs an argument" },
		{ "--bogus", "option --bogus: unrecognized" },
		{ "--c", "option --c: ambiguous" },
		{ "-z", "option -z: unrecognized" },
		{ "-tz", "option -z: unrecognized" },
		{ "--count=3", "option --count=3: takes no argument" },
		{ "--backend bpf", "--backend bpf: unknown backend (auto, fentry, kprobe, tracepoint)" },
		{ "--via uring", "--via uring: not a way (bind, socketcall, io_uring, listen, bindx, connect, sendto)" },
		{ "--via bind,", "--via bind,: an empty item" },
		{ "--journal -E --holders", "option --journal: cannot be combined with --holders (its entries have no holders field)" },
		{ "--via bind,,listen", "--via bind,,listen: an empty item" },
		{ "--via bind,lis", "--via bind,lis: not a way (bind, socketcall, io_uring, listen, bindx, connect, sendto)" },
		{ "extra", "argument extra: unexpected (this tool takes options only)" },
		{ "-i 5", "option -i: needs --count" },
		{ "--count -i 0", "-i 0: out of range (0.001 to 31536000 seconds)" },
		{ "-d x", "-d x: not a number of seconds (such as 2 or 0.5)" },
		{ "-d 0.0001", "-d 0.0001: out of range (0.001 to 31536000 seconds)" },
		{ "-d 1.5s", "-d 1.5s: not a number of seconds (such as 2 or 0.5)" },
		{ "-j -w", "option -j: cannot be combined with -w, -t, -U or --owner (JSON has every field)" },
		{ "-j -t", "option -j: cannot be combined with -w, -t, -U or --owner (JSON has every field)" },
		{ "-j -U", "option -j: cannot be combined with -w, -t, -U or --owner (JSON has every field)" },
		{ "--unit a/b", "--unit a/b: not a unit name (such as nginx.service)" },
		{ "--container 0123456789a", "--container 0123456789a: not a container id (12 to 64 lowercase hex digits)" },
		{ "--container 0123456789AB", "--container 0123456789AB: not a container id (12 to 64 lowercase hex digits)" },
		{ "-j --owner", "option -j: cannot be combined with -w, -t, -U or --owner (JSON has every field)" },
		/* the first error is the one named */
		{ "-p x -u y", "-p x: not a decimal number" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct config cfg;
		char msg[256];

		if (parse_line(cases[i].cmdline, &cfg, msg, sizeof(msg)) != OPTIONS_USAGE_ERROR)
			fail_msg("'%s' was accepted", cases[i].cmdline);
		if (strcmp(msg, cases[i].msg))
			print_error("case '%s':\n", cases[i].cmdline);
		assert_string_equal(msg, cases[i].msg);
	}
}

static void test_test_hooks(void **state)
{
	static const struct {
		const char *var, *val, *msg;
	} bad[] = {
		{ "BINDSNOOP_TEST_ENTRIES", "12x", "BINDSNOOP_TEST_ENTRIES 12x: not a map size (1-16777216)" },
		{ "BINDSNOOP_TEST_ENTRIES", "0", "BINDSNOOP_TEST_ENTRIES 0: not a map size (1-16777216)" },
		{ "BINDSNOOP_TEST_COUNT_ENTRIES", "", "BINDSNOOP_TEST_COUNT_ENTRIES : not a map size (1-16777216)" },
		{ "BINDSNOOP_TEST_FAIL_ATTACH", "bpf:1", "BINDSNOOP_TEST_FAIL_ATTACH bpf:1: unknown backend" },
		{ "BINDSNOOP_TEST_FAIL_ATTACH", "fentry", "BINDSNOOP_TEST_FAIL_ATTACH fentry: not BACKEND:N (N = 0-32)" },
		{ "BINDSNOOP_TEST_FAIL_ATTACH", "fentry:33", "BINDSNOOP_TEST_FAIL_ATTACH fentry:33: not BACKEND:N (N = 0-32)" },
		{ "BINDSNOOP_TEST_CGROUP2_ROOT", "", "BINDSNOOP_TEST_CGROUP2_ROOT: not a path of 1 to 255 bytes" },
		{ "BINDSNOOP_TEST_REFUSE_CASTS", "1", "BINDSNOOP_TEST_REFUSE_CASTS: not a variable bindsnoop knows (tests/README.md lists them)" },
	};
	struct test_hooks t;
	char msg[256];
	size_t i;

	(void)state;
	assert_int_equal(read_test_hooks(&t, msg, sizeof(msg)), 0);
	assert_int_equal(t.fail_backend, BACKEND_MAX);
	assert_false(t.force_perfbuf);
	assert_false(t.refuse_typed);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		setenv(bad[i].var, bad[i].val, 1);
		assert_int_equal(read_test_hooks(&t, msg, sizeof(msg)), -1);
		assert_string_equal(msg, bad[i].msg);
		unsetenv(bad[i].var);
	}
	setenv("BINDSNOOP_TEST_ENTRIES", "1", 1);
	setenv("BINDSNOOP_TEST_COUNT_ENTRIES", "64", 1);
	setenv("BINDSNOOP_TEST_FAIL_ATTACH", "kprobe:3", 1);
	setenv("BINDSNOOP_FORCE_PERFBUF", "1", 1);
	setenv("BINDSNOOP_TEST_TP_PAIR", "1", 1);
	setenv("BINDSNOOP_TEST_REFUSE_TYPED", "1", 1);
	assert_int_equal(read_test_hooks(&t, msg, sizeof(msg)), 0);
	assert_int_equal(t.entries, 1);
	assert_int_equal(t.count_entries, 64);
	assert_int_equal(t.fail_backend, BACKEND_KPROBE);
	assert_int_equal(t.fail_after, 3);
	assert_true(t.force_perfbuf);
	assert_true(t.tp_pair);
	assert_true(t.refuse_typed);
	setenv("BINDSNOOP_FORCE_PERFBUF", "0", 1);
	assert_int_equal(read_test_hooks(&t, msg, sizeof(msg)), 0);
	assert_false(t.force_perfbuf);
	unsetenv("BINDSNOOP_TEST_ENTRIES");
	unsetenv("BINDSNOOP_TEST_COUNT_ENTRIES");
	unsetenv("BINDSNOOP_TEST_FAIL_ATTACH");
	unsetenv("BINDSNOOP_FORCE_PERFBUF");
	unsetenv("BINDSNOOP_TEST_TP_PAIR");
	unsetenv("BINDSNOOP_TEST_REFUSE_TYPED");
}

static struct kernel_facts host_618(void);

/* The hooks meet production code in the facts and the plan, and nowhere else. */
static void test_test_hooks_in_plan(void **state)
{
	struct kernel_facts kf = {};
	struct test_hooks t = TEST_HOOKS_NONE;
	struct config cfg;
	struct plan p;

	(void)state;
	kf.ringbuf = kf.task_pt_regs = true;
	t.force_perfbuf = t.tp_pair = true;
	test_hooks_apply_to_facts(&t, &kf);
	assert_false(kf.ringbuf);
	assert_false(kf.task_pt_regs);
	assert_parses("", &cfg);
	kf = host_618();
	t = TEST_HOOKS_NONE;
	make_plan(&cfg, &kf, &t, NULL, 4096, &p);
	assert_int_equal(p.backends[BACKEND_TRACEPOINT].fail_after_links, -1);
	assert_false(TYPED_OF(p.backends[BACKEND_TRACEPOINT])->refuse);
	t.fail_backend = BACKEND_TRACEPOINT;
	t.fail_after = 1;
	t.refuse_typed = true;
	make_plan(&cfg, &kf, &t, NULL, 4096, &p);
	assert_int_equal(p.backends[BACKEND_TRACEPOINT].fail_after_links, 1);
	assert_int_equal(p.backends[BACKEND_KPROBE].fail_after_links, -1);
	assert_true(TYPED_OF(p.backends[BACKEND_TRACEPOINT])->refuse);
	assert_false(PROBING_OF(p.backends[BACKEND_TRACEPOINT])->refuse);
}

/* ---- the plan, for fake kernels ---- */

/* This machine: 6.18 x86-64, lockdown refuses fexit, no kprobes. */
static struct kernel_facts host_618(void)
{
	struct kernel_facts kf = {
		.func_id = { 100, 101, 102, 103, 104, 105, 106, 107 },
		.fexit_allowed = false,
		.fexit_errno = EPERM,
		.kprobes = false,
		.task_pt_regs = true,
		.ringbuf = true,
		.inet_flag = { 1, 2, 3 },
		.io_uring_bind = true,
		.cgroup2_root = "/sys/fs/cgroup/unified",
		.net_admin = true,
		.cgroup_sock_reads = true,
		.cgroup_sock_under_cgroup = true,
		.io_uring_connect = true,
		.io_uring_submit_tp = IO_URING_SUBMIT_REQ,
	};

	return kf;
}

/* Debian 11's 5.10 x86-64: everything but bpf_task_pt_regs; no MPTCP; WARNs on NO_PREALLOC maps. */
static struct kernel_facts debian_510(void)
{
	struct kernel_facts kf = {
		.func_id = { 100, 101, 0, 0, 104, 0, 106, 0 },
		.fexit_allowed = true,
		.kprobes = true,
		.task_pt_regs = false,
		.ringbuf = true,
		.runtime_alloc_warns = true,
		.inet_flag = { -1, -1, -1 },
		/* io_uring connects and sends, but an io_uring_complete without the request */
		.io_uring_connect = true,
		.io_uring_submit_tp = IO_URING_SUBMIT_NONE,
	};

	return kf;
}

static struct config config_of(const char *cmdline)
{
	struct config cfg;

	assert_parses(cmdline, &cfg);
	return cfg;
}

static void assert_progs(const struct backend_plan *bp, const char *const *want, int n)
{
	int i;

	assert_int_equal(bp->nprogs, n);
	for (i = 0; i < n; i++)
		assert_string_equal(bp->progs[i], want[i]);
}

static void test_plan_host_618(void **state)
{
	static const char *const tp[] = { "tp_exit_bind_regs", "tp_compat_exit_bind",
					  "tp_enter_listen", "tp_exit_listen",
					  "cg_post_bind4", "cg_post_bind6",
					  "tp_io_uring_submit", "tp_io_uring_complete" };
	static const char *const tp_no_uring[] = { "tp_exit_bind_regs", "tp_compat_exit_bind",
						   "tp_enter_listen", "tp_exit_listen",
						   "cg_post_bind4", "cg_post_bind6" };
	struct config cfg = config_of("");
	struct kernel_facts kf = host_618();
	struct plan p;

	(void)state;
	make_plan(&cfg, &kf, &no_hooks, NULL, 4096, &p);
	assert_int_equal(p.norder, 3);
	assert_int_equal(p.order[0], BACKEND_FENTRY);
	assert_int_equal(p.order[1], BACKEND_KPROBE);
	assert_int_equal(p.order[2], BACKEND_TRACEPOINT);
	assert_false(p.backends[BACKEND_FENTRY].usable);
	assert_string_equal(p.backends[BACKEND_FENTRY].why,
			    "the kernel refused a test fexit program on inet_bind: Operation not permitted (EPERM)");
	assert_false(p.backends[BACKEND_KPROBE].usable);
	assert_string_equal(p.backends[BACKEND_KPROBE].why,
			    "this kernel has no kprobes (no /sys/bus/event_source/devices/kprobe: CONFIG_KPROBES unset?)");
	assert_true(p.backends[BACKEND_TRACEPOINT].usable);
	assert_progs(&p.backends[BACKEND_TRACEPOINT], tp, 8);
	/* every way of taking a port but those not traced yet; socketcall: 32-bit programs' */
	assert_int_equal(p.backends[BACKEND_TRACEPOINT].paths,
			 1u << BS_VIA_BIND | 1u << BS_VIA_SOCKETCALL | 1u << BS_VIA_IO_URING |
			 1u << BS_VIA_LISTEN | 1u << BS_VIA_KERNEL);
	assert_string_equal(p.backends[BACKEND_TRACEPOINT].cgroup_root, "/sys/fs/cgroup/unified");
	assert_null(p.backends[BACKEND_TRACEPOINT].kernel_unseen);
	/* 32-bit x86 programs' listen() skips the syscalls:* tracepoints; fexit and kprobe see it */
	assert_int_equal(p.backends[BACKEND_TRACEPOINT].compat_unseen, 1u << BS_VIA_LISTEN);
	/* io_uring's listen: from its completion and the request's file only */
	assert_int_equal(p.backends[BACKEND_TRACEPOINT].uring_unseen, 1u << BS_VIA_LISTEN);
	assert_int_equal(p.backends[BACKEND_FENTRY].uring_unseen, 0);
	/* connect()'s and the sends' ports, io_uring's too, are --autobind's to see */
	assert_int_equal(p.wanted_paths, p.kernel_paths & ~(1u << BS_VIA_CONNECT | 1u << BS_VIA_SENDTO |
							    1u << BS_PATH_IO_URING_CONNECT |
							    1u << BS_PATH_IO_URING_SEND));
	/* no SCTP on this machine (no module can load): no bindx either */
	assert_int_equal(p.kernel_paths,
			 1u << BS_VIA_BIND | 1u << BS_VIA_SOCKETCALL | 1u << BS_VIA_IO_URING |
			 1u << BS_VIA_LISTEN | 1u << BS_VIA_CONNECT | 1u << BS_VIA_SENDTO |
			 1u << BS_VIA_KERNEL | 1u << BS_PATH_IO_URING_CONNECT |
			 1u << BS_PATH_IO_URING_SEND);
	/* io_uring disabled for everyone: no ring can bind, and no program waits for one */
	kf.io_uring_disabled = 2;
	make_plan(&cfg, &kf, &no_hooks, NULL, 4096, &p);
	assert_progs(&p.backends[BACKEND_TRACEPOINT], tp_no_uring, 6);
	assert_false(p.kernel_paths & 1u << BS_VIA_IO_URING);
	assert_false(p.kernel_paths & (1u << BS_PATH_IO_URING_CONNECT | 1u << BS_PATH_IO_URING_SEND));
	kf.io_uring_disabled = 0;
	make_plan(&cfg, &kf, &no_hooks, NULL, 4096, &p);
	/* the typed build (6.2+), then the probing one */
	assert_int_equal(p.backends[BACKEND_TRACEPOINT].nbuilds, 2);
	assert_int_equal(p.backends[BACKEND_TRACEPOINT].builds[0].build, BUILD_TYPED);
	assert_int_equal(p.backends[BACKEND_TRACEPOINT].builds[1].build, BUILD_PROBING);
	assert_false(p.backends[BACKEND_TRACEPOINT].uses_entries);
	assert_true(p.backends[BACKEND_TRACEPOINT].needs_tracefs);
	assert_int_equal(TYPED_OF(p.backends[BACKEND_TRACEPOINT])->entries_size, 1);
	assert_int_equal(PROBING_OF(p.backends[BACKEND_TRACEPOINT])->entries_size, 1);
	assert_string_equal(p.backends[BACKEND_TRACEPOINT].detail,
			    "syscalls:sys_exit_bind, arguments from the task's registers; "
			    "32-bit binds: raw_syscalls:sys_exit");
	assert_true(p.ringbuf);
	assert_int_equal(p.ringbuf_bytes, RINGBUF_BYTES);
	assert_int_equal(PROBING_OF(p.backends[BACKEND_TRACEPOINT])->count_entries[0], 1);
	assert_int_equal(PROBING_OF(p.backends[BACKEND_TRACEPOINT])->count_entries[1], 1);
	assert_false(p.filter_task);
	/* the default table reads neither time, ids, cgroup nor device name */
	assert_false(p.fields.ts || p.fields.details || p.fields.cgroup || p.fields.ifname);
}

/*
 * The tracepoint backend's view of the kernel's own sockets, a cgroup
 * post_bind program: attached only where it can load and attach, else the
 * reason the start-up line gives.
 */
static void test_plan_kernel_sockets_on_tracepoint(void **state)
{
	static const struct {
		const char *cmdline;
		bool net_admin, root, reads, under_cgroup;
		const char *why;
	} cases[] = {
		{ "", true, true, true, false, NULL },
		{ "", false, true, true, true,
		  "loading the cgroup post_bind program that sees them takes CAP_NET_ADMIN" },
		{ "", true, false, true, true,
		  "no cgroup2 hierarchy is mounted, where a post_bind program would see them" },
		{ "", true, true, false, true,
		  "this kernel does not let cgroup post_bind programs read the socket "
		  "(bpf_probe_read_kernel, bpf_get_current_task)" },
		{ "-c /sys/fs/cgroup/unified", true, true, true, true, NULL },
		{ "--unit ssh.service", true, true, true, false,
		  "this kernel does not let cgroup post_bind programs test the task's cgroup "
		  "(bpf_current_task_under_cgroup), which -c, --unit and --container need" },
		{ "-p 1", true, true, true, false, NULL },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct config cfg = config_of(cases[i].cmdline);
		struct kernel_facts kf = host_618();
		const struct backend_plan *bp;
		struct plan p;

		kf.net_admin = cases[i].net_admin;
		if (!cases[i].root)
			kf.cgroup2_root[0] = '\0';
		kf.cgroup_sock_reads = cases[i].reads;
		kf.cgroup_sock_under_cgroup = cases[i].under_cgroup;
		make_plan(&cfg, &kf, &no_hooks, NULL, 4096, &p);
		bp = &p.backends[BACKEND_TRACEPOINT];
		assert_true(bp->usable);
		assert_true(p.kernel_paths & 1u << BS_VIA_KERNEL);
		if (cases[i].why) {
			assert_string_equal(bp->kernel_unseen, cases[i].why);
			assert_null(bp->cgroup_root);
			assert_false(bp->paths & 1u << BS_VIA_KERNEL);
			assert_string_equal(bp->progs[bp->nprogs - 3], "tp_exit_listen");
		} else {
			assert_null(bp->kernel_unseen);
			assert_string_equal(bp->cgroup_root, "/sys/fs/cgroup/unified");
			assert_true(bp->paths & 1u << BS_VIA_KERNEL);
			assert_string_equal(bp->progs[bp->nprogs - 4], "cg_post_bind4");
			assert_string_equal(bp->progs[bp->nprogs - 3], "cg_post_bind6");
		}
		/* io_uring's pair last */
		assert_string_equal(bp->progs[bp->nprogs - 1], "tp_io_uring_complete");
		/* fexit and kprobe see them in inet_bind(), whatever the cgroup facts */
		assert_null(p.backends[BACKEND_KPROBE].cgroup_root);
	}
}

static void test_plan_debian_510(void **state)
{
	static const char *const fexit[] = { "fexit_inet_bind", "fexit_inet6_bind",
					     "fentry_inet_listen", "fexit_inet_listen" };
	static const char *const kprobe[] = { "kprobe_inet_bind", "kretprobe_inet_bind",
					      "kprobe_inet6_bind", "kretprobe_inet6_bind",
					      "kprobe_inet_listen", "kretprobe_inet_listen" };
	static const char *const tp[] = { "tp_enter_bind", "tp_exit_bind", "tp_compat_exit_bind",
					  "tp_enter_listen", "tp_exit_listen" };
	struct config cfg = config_of("");
	struct kernel_facts kf = debian_510();
	struct plan p;

	(void)state;
	make_plan(&cfg, &kf, &no_hooks, NULL, 4096, &p);
	assert_true(p.backends[BACKEND_FENTRY].usable);
	assert_progs(&p.backends[BACKEND_FENTRY], fexit, 4);
	/* listen's mark has a map of its own: fexit still needs no entry map */
	assert_int_equal(PROBING_OF(p.backends[BACKEND_FENTRY])->entries_size, 1);
	assert_true(p.backends[BACKEND_KPROBE].usable);
	assert_progs(&p.backends[BACKEND_KPROBE], kprobe, 6);
	assert_true(p.backends[BACKEND_KPROBE].uses_entries);
	assert_int_equal(PROBING_OF(p.backends[BACKEND_KPROBE])->entries_size, ENTRY_MAP_ENTRIES);
	assert_progs(&p.backends[BACKEND_TRACEPOINT], tp, 5);
	/* no IORING_OP_BIND before 6.11: io_uring is not a way of taking a port there */
	assert_false(p.kernel_paths & 1u << BS_VIA_IO_URING);
	/* no bpf_rdonly_cast before 6.2: the probing programs only */
	assert_true(p.backends[BACKEND_FENTRY].nbuilds == 1 && p.backends[BACKEND_KPROBE].nbuilds == 1 &&
		    p.backends[BACKEND_TRACEPOINT].nbuilds == 1);
	assert_int_equal(p.backends[BACKEND_FENTRY].builds[0].build, BUILD_PROBING);
	assert_true(p.backends[BACKEND_TRACEPOINT].uses_entries);
	assert_string_equal(p.backends[BACKEND_TRACEPOINT].detail,
			    "syscalls:sys_enter_bind + sys_exit_bind; 32-bit binds: raw_syscalls:sys_exit");
	assert_null(p.backends[BACKEND_FENTRY].note);
}

static void test_plan_refuses_no_prealloc_map_where_it_warns(void **state)
{
	struct config cfg = config_of("--cgroupmap /sys/fs/bpf/x");
	struct kernel_facts kf = debian_510();
	struct plan p;

	(void)state;
	make_plan(&cfg, &kf, &no_hooks, "--cgroupmap", 4096, &p);
	assert_true(p.backends[BACKEND_FENTRY].usable);
	assert_false(p.backends[BACKEND_KPROBE].usable);
	assert_false(p.backends[BACKEND_TRACEPOINT].usable);
	assert_string_equal(p.backends[BACKEND_TRACEPOINT].why,
			    "--cgroupmap: the map is BPF_F_NO_PREALLOC, and kprobe and tracepoint "
			    "programs that use one make this kernel WARN (5.7-6.0): make it without that flag");
	/* 6.1 and later take it */
	kf.runtime_alloc_warns = false;
	make_plan(&cfg, &kf, &no_hooks, "--cgroupmap", 4096, &p);
	assert_true(p.backends[BACKEND_KPROBE].usable);
	assert_true(p.backends[BACKEND_TRACEPOINT].usable);
}

static void test_plan_arm64_before_6_4(void **state)
{
	static const char *const tp[] = { "tp_exit_bind_regs", "tp_enter_listen", "tp_exit_listen",
					  "cg_post_bind4", "cg_post_bind6",
					  "tp_io_uring_submit", "tp_io_uring_complete" };
	struct config cfg = config_of("");
	struct kernel_facts kf = host_618();
	struct plan p;

	(void)state;
	kf.func_id[KFUNC_IA32_SYS_BIND] = 0;	/* no 32-bit x86 programs on arm64 */
	kf.fexit_errno = KERNEL_ENOTSUPP;
	kf.kprobes = true;
	make_plan(&cfg, &kf, &no_hooks, NULL, 4096, &p);
	assert_string_equal(p.backends[BACKEND_FENTRY].why,
			    "the kernel refused a test fexit program on inet_bind: Operation not "
			    "supported by this kernel (ENOTSUPP): no BPF trampolines for kernel "
			    "functions on this architecture and kernel");
	assert_true(p.backends[BACKEND_KPROBE].usable);
	assert_progs(&p.backends[BACKEND_TRACEPOINT], tp, 7);
	assert_false(p.backends[BACKEND_TRACEPOINT].paths & 1u << BS_VIA_SOCKETCALL);
	/* no 32-bit x86 programs: nothing they could take unseen */
	assert_int_equal(p.backends[BACKEND_TRACEPOINT].compat_unseen, 0);
	assert_string_equal(p.backends[BACKEND_TRACEPOINT].detail,
			    "syscalls:sys_exit_bind, arguments from the task's registers");
}

/* Debian 12's 6.12 x86-64 under qemu: every backend from the typed build. */
static void test_plan_typed_6_12(void **state)
{
	static const char *const fexit[] = { "fexit_inet_bind", "fexit_inet6_bind",
					     "fexit_mptcp_bind", "fexit_mptcp_v6_bind",
					     "fentry_inet_listen", "fexit_inet_listen",
					     "fentry_mptcp_listen", "fexit_mptcp_listen" };
	/* every hook a kernel can have: 12 programs, past the 8 links of old */
	static const char *const kprobe_all[] = {
		"kprobe_inet_bind", "kretprobe_inet_bind", "kprobe_inet6_bind", "kretprobe_inet6_bind",
		"kprobe_mptcp_bind", "kretprobe_mptcp_bind", "kprobe_mptcp_v6_bind",
		"kretprobe_mptcp_v6_bind", "kprobe_inet_listen", "kretprobe_inet_listen",
		"kprobe_mptcp_listen", "kretprobe_mptcp_listen" };
	static const char *const kprobe[] = { "kprobe_inet_bind", "kretprobe_inet_bind",
					      "kprobe_inet6_bind", "kretprobe_inet6_bind",
					      "kprobe_inet_listen", "kretprobe_inet_listen",
					      "kprobe_mptcp_listen", "kretprobe_mptcp_listen" };
	struct config cfg = config_of("");
	struct kernel_facts kf = host_618();
	struct plan p;

	(void)state;
	kf.fexit_allowed = true;
	kf.kprobes = true;
	make_plan(&cfg, &kf, &no_hooks, NULL, 4096, &p);
	assert_progs(&p.backends[BACKEND_FENTRY], fexit, 8);
	assert_true(p.backends[BACKEND_KPROBE].usable);
	assert_progs(&p.backends[BACKEND_KPROBE], kprobe_all, 12);
	assert_false(p.backends[BACKEND_KPROBE].paths & 1u << BS_VIA_CONNECT);
	/* the kernel's own sockets reach inet_bind() too: the function hooks see them */
	assert_true(p.backends[BACKEND_FENTRY].paths & 1u << BS_VIA_KERNEL);
	assert_true(p.backends[BACKEND_KPROBE].paths & 1u << BS_VIA_KERNEL);
	/* ... and the tracepoint backend's cgroup post_bind program */
	assert_true(p.backends[BACKEND_TRACEPOINT].paths & 1u << BS_VIA_KERNEL);
	/* --autobind: the syscall tracepoints of connect() and the sends, on every backend */
	{
		struct config ab = config_of("--autobind");

		make_plan(&ab, &kf, &no_hooks, NULL, 4096, &p);
		assert_true(p.backends[BACKEND_KPROBE].usable);
		/* and io_uring's pair (test_plan_io_uring_autobind) */
		assert_int_equal(p.backends[BACKEND_KPROBE].nprogs, 22);
		assert_string_equal(p.backends[BACKEND_KPROBE].progs[12], "tp_enter_connect");
		assert_string_equal(p.backends[BACKEND_KPROBE].progs[19], "tp_exit_sendmmsg");
		assert_true(p.backends[BACKEND_FENTRY].needs_tracefs);
		assert_true(p.backends[BACKEND_FENTRY].paths & 1u << BS_VIA_CONNECT);
		assert_true(p.backends[BACKEND_TRACEPOINT].paths & 1u << BS_VIA_SENDTO);
		make_plan(&cfg, &kf, &no_hooks, NULL, 4096, &p);
	}
	assert_true(TYPED_OF(p.backends[BACKEND_FENTRY]) && TYPED_OF(p.backends[BACKEND_KPROBE]));
	assert_int_equal(TYPED_OF(p.backends[BACKEND_FENTRY])->entries_size, 1);
	kf.func_id[KFUNC_MPTCP_BIND] = 0;
	kf.func_id[KFUNC_MPTCP_V6_BIND] = 0;
	make_plan(&cfg, &kf, &no_hooks, NULL, 4096, &p);
	assert_progs(&p.backends[BACKEND_KPROBE], kprobe, 8);
	/* the typed kprobe programs keep the entry in the task: the map only for the fallback */
	assert_true(TYPED_OF(p.backends[BACKEND_KPROBE])->task_storage);
	assert_int_equal(TYPED_OF(p.backends[BACKEND_KPROBE])->entries_size, 1);
	assert_false(PROBING_OF(p.backends[BACKEND_KPROBE])->task_storage);
	assert_int_equal(PROBING_OF(p.backends[BACKEND_KPROBE])->entries_size, ENTRY_MAP_ENTRIES);
	assert_false(TYPED_OF(p.backends[BACKEND_FENTRY])->task_storage);
	assert_false(TYPED_OF(p.backends[BACKEND_TRACEPOINT])->task_storage);
	/* the pre-5.15 tracepoint pair (BINDSNOOP_TEST_TP_PAIR here) is never typed */
	kf.task_pt_regs = false;
	make_plan(&cfg, &kf, &no_hooks, NULL, 4096, &p);
	assert_null(TYPED_OF(p.backends[BACKEND_TRACEPOINT]));
	assert_int_equal(PROBING_OF(p.backends[BACKEND_TRACEPOINT])->entries_size, ENTRY_MAP_ENTRIES);
	assert_non_null(TYPED_OF(p.backends[BACKEND_KPROBE]));
}

/*
 * --autobind and io_uring's connects and sends: the tp_btf pair on every
 * backend where the tracepoints name the request (6.0+), one pair that
 * does binds too on the tracepoint backend; nothing more without it.
 */
static void test_plan_io_uring_autobind(void **state)
{
	static const char *const autobind_syscalls[] = {
		"tp_enter_connect", "tp_exit_connect", "tp_enter_sendto", "tp_exit_sendto",
		"tp_enter_sendmsg", "tp_exit_sendmsg", "tp_enter_sendmmsg", "tp_exit_sendmmsg" };
	static const char *const fexit_ab[] = {
		"fexit_inet_bind", "fexit_inet6_bind", "fexit_mptcp_bind", "fexit_mptcp_v6_bind",
		"fentry_inet_listen", "fexit_inet_listen", "fentry_mptcp_listen", "fexit_mptcp_listen",
		"tp_enter_connect", "tp_exit_connect", "tp_enter_sendto", "tp_exit_sendto",
		"tp_enter_sendmsg", "tp_exit_sendmsg", "tp_enter_sendmmsg", "tp_exit_sendmmsg",
		"tp_io_uring_submit_autobind", "tp_io_uring_complete_autobind" };
	static const char *const tp_ab[] = {
		"tp_exit_bind_regs", "tp_compat_exit_bind", "tp_enter_listen", "tp_exit_listen",
		"cg_post_bind4", "cg_post_bind6",
		"tp_enter_connect", "tp_exit_connect", "tp_enter_sendto", "tp_exit_sendto",
		"tp_enter_sendmsg", "tp_exit_sendmsg", "tp_enter_sendmmsg", "tp_exit_sendmmsg",
		"tp_io_uring_submit_both", "tp_io_uring_complete_both" };
	const __u32 uring = 1u << BS_PATH_IO_URING_CONNECT | 1u << BS_PATH_IO_URING_SEND;
	struct config ab = config_of("--autobind"), none = config_of("");
	struct kernel_facts kf = host_618();
	const struct backend_plan *kp;
	struct plan p;
	enum backend b;
	int i;

	(void)state;
	assert_string_equal(path_name(BS_PATH_IO_URING_CONNECT), "io_uring connect");
	assert_string_equal(path_name(BS_PATH_IO_URING_SEND), "io_uring send");
	assert_string_equal(path_name(BS_VIA_CONNECT), "connect");
	/* 6.12: every backend */
	kf.fexit_allowed = kf.kprobes = true;
	make_plan(&ab, &kf, &no_hooks, NULL, 4096, &p);
	assert_progs(&p.backends[BACKEND_FENTRY], fexit_ab, 18);
	/* --autobind's syscall tracepoints miss 32-bit x86 programs' calls, on every backend */
	assert_int_equal(p.backends[BACKEND_FENTRY].compat_unseen,
			 1u << BS_VIA_CONNECT | 1u << BS_VIA_SENDTO);
	assert_int_equal(p.backends[BACKEND_TRACEPOINT].compat_unseen,
			 1u << BS_VIA_LISTEN | 1u << BS_VIA_CONNECT | 1u << BS_VIA_SENDTO);
	assert_int_equal(p.backends[BACKEND_FENTRY].uring_unseen, uring);
	assert_int_equal(p.backends[BACKEND_TRACEPOINT].uring_unseen, 1u << BS_VIA_LISTEN | uring);
	assert_progs(&p.backends[BACKEND_TRACEPOINT], tp_ab, 16);
	/* the biggest plan of all: kprobe's six pairs, --autobind's four and io_uring's */
	kp = &p.backends[BACKEND_KPROBE];
	assert_true(kp->usable);
	assert_int_equal(kp->nprogs, 22);
	assert_true(kp->nprogs <= MAX_LINKS);
	for (i = 0; i < 8; i++)
		assert_string_equal(kp->progs[12 + i], autobind_syscalls[i]);
	assert_string_equal(kp->progs[20], "tp_io_uring_submit_autobind");
	assert_string_equal(kp->progs[21], "tp_io_uring_complete_autobind");
	for (b = BACKEND_FENTRY; b < BACKEND_MAX; b++)
		assert_int_equal(p.backends[b].paths & uring, uring);
	/* fexit and kprobe see io_uring's binds in inet_bind(): io_uring is theirs already */
	assert_true(p.backends[BACKEND_FENTRY].paths & 1u << BS_VIA_IO_URING);
	/* without --autobind: no program on io_uring for fexit and kprobe, the binds' pair for tp */
	make_plan(&none, &kf, &no_hooks, NULL, 4096, &p);
	for (b = BACKEND_FENTRY; b < BACKEND_MAX; b++) {
		assert_false(p.backends[b].paths & uring);
		for (i = 0; i < p.backends[b].nprogs; i++)
			assert_null(strstr(p.backends[b].progs[i], "autobind"));
	}
	assert_int_equal(p.backends[BACKEND_FENTRY].nprogs, 8);
	assert_int_equal(p.backends[BACKEND_KPROBE].nprogs, 12);
	assert_string_equal(p.backends[BACKEND_TRACEPOINT].progs[6], "tp_io_uring_submit");
	assert_string_equal(p.backends[BACKEND_TRACEPOINT].progs[7], "tp_io_uring_complete");
	assert_int_equal(p.kernel_paths & uring, uring);

	/* 6.1: the submission's tracepoint by its older name, no IORING_OP_BIND */
	kf.io_uring_bind = false;
	kf.io_uring_submit_tp = IO_URING_SUBMIT_SQE;
	make_plan(&ab, &kf, &no_hooks, NULL, 4096, &p);
	for (b = BACKEND_FENTRY; b < BACKEND_MAX; b++) {
		const struct backend_plan *bp = &p.backends[b];

		assert_string_equal(bp->progs[bp->nprogs - 2], "tp_io_uring_submit_sqe_autobind");
		assert_string_equal(bp->progs[bp->nprogs - 1], "tp_io_uring_complete_autobind");
		assert_int_equal(bp->paths & uring, uring);
	}
	assert_false(p.backends[BACKEND_TRACEPOINT].paths & 1u << BS_VIA_IO_URING);
	make_plan(&none, &kf, &no_hooks, NULL, 4096, &p);
	assert_int_equal(p.backends[BACKEND_TRACEPOINT].nprogs, 6);

	/* rings disabled for everyone: nothing to follow, nothing claimed */
	kf.io_uring_disabled = 2;
	make_plan(&ab, &kf, &no_hooks, NULL, 4096, &p);
	assert_int_equal(p.backends[BACKEND_TRACEPOINT].nprogs, 14);
	assert_false(p.backends[BACKEND_TRACEPOINT].paths & uring);
	assert_false(p.kernel_paths & uring);
	kf.io_uring_disabled = 1;	/* rings for some: still a way */
	make_plan(&ab, &kf, &no_hooks, NULL, 4096, &p);
	assert_int_equal(p.backends[BACKEND_TRACEPOINT].paths & uring, uring);

	/* 5.10: io_uring connects, but no tracepoint names the request: not claimed, -v says so */
	kf = debian_510();
	make_plan(&ab, &kf, &no_hooks, NULL, 4096, &p);
	for (b = BACKEND_FENTRY; b < BACKEND_MAX; b++) {
		const struct backend_plan *bp = &p.backends[b];

		assert_true(bp->usable);
		assert_false(bp->paths & uring);
		for (i = 0; i < bp->nprogs; i++)
			assert_null(strstr(bp->progs[i], "io_uring"));
	}
	assert_int_equal(p.kernel_paths & uring, uring);
	/* a kernel without io_uring at all: not a way there */
	kf.io_uring_connect = false;
	make_plan(&ab, &kf, &no_hooks, NULL, 4096, &p);
	assert_false(p.kernel_paths & uring);
}

/*
 * SCTP's bindx, where SCTP can take a port (a way of taking a port -v
 * names only there): fexit and kprobe on __sys_setsockopt(), the
 * tracepoint backend (and a kernel without that function in its BTF) on
 * the setsockopt syscall's tracepoints, exit first.
 */
static void test_plan_sctp_bindx(void **state)
{
	static const char *const tp[] = { "tp_exit_bind_regs", "tp_compat_exit_bind",
					  "tp_enter_listen", "tp_exit_listen",
					  "cg_post_bind4", "cg_post_bind6",
					  "tp_exit_setsockopt", "tp_enter_setsockopt",
					  "tp_io_uring_submit", "tp_io_uring_complete" };
	static const char *const tp_no_sctp[] = { "tp_exit_bind_regs", "tp_compat_exit_bind",
						  "tp_enter_listen", "tp_exit_listen",
						  "cg_post_bind4", "cg_post_bind6",
						  "tp_io_uring_submit", "tp_io_uring_complete" };
	struct config cfg = config_of("");
	struct kernel_facts kf = host_618();
	enum backend b;
	struct plan p;

	(void)state;
	kf.fexit_allowed = true;
	kf.kprobes = true;
	kf.sctp = true;
	kf.tracepoints_ours = true;
	make_plan(&cfg, &kf, &no_hooks, NULL, 4096, &p);
	assert_progs(&p.backends[BACKEND_TRACEPOINT], tp, 10);
	assert_true(p.kernel_paths & 1u << BS_VIA_BINDX);
	for (b = BACKEND_FENTRY; b < BACKEND_MAX; b++) {
		const struct backend_plan *bp = &p.backends[b];

		assert_true(bp->usable);
		assert_true(bp->paths & 1u << BS_VIA_BINDX);
		assert_true(bp->needs_tracefs);
		/* the tracepoint backend's io_uring pair comes last */
		int last = bp->nprogs - (b == BACKEND_TRACEPOINT ? 3 : 1);

		assert_string_equal(bp->progs[last - 1], "tp_exit_setsockopt");
		assert_string_equal(bp->progs[last], "tp_enter_setsockopt");
	}
	/* fexit and kprobe needed no tracefs before: bindx's tracepoints do */
	assert_int_equal(p.backends[BACKEND_FENTRY].nprogs, 10);
	assert_int_equal(p.backends[BACKEND_KPROBE].nprogs, 14);
	/* the most programs a plan has (kprobe, every hook, --autobind) fit in MAX_LINKS, with
	 * room for s390x's socketcall pair */
	{
		struct config ab = config_of("--autobind");

		make_plan(&ab, &kf, &no_hooks, NULL, 4096, &p);
		assert_true(p.backends[BACKEND_KPROBE].usable);
		assert_int_equal(p.backends[BACKEND_KPROBE].nprogs, 24);
		assert_true(p.backends[BACKEND_TRACEPOINT].nprogs + 2 <= MAX_LINKS);
		assert_true(p.backends[BACKEND_KPROBE].nprogs + 2 <= MAX_LINKS);
		assert_string_equal(p.backends[BACKEND_KPROBE].progs[13], "tp_enter_setsockopt");
		assert_string_equal(p.backends[BACKEND_KPROBE].progs[21], "tp_exit_sendmmsg");
	}
	/*
	 * Tracepoints not ours (perf_event_paranoid 3 without CAP_SYS_ADMIN,
	 * or tracefs not readable): fexit and kprobe run without bindx, and
	 * say so; the tracepoint backend needs them anyway.
	 */
	kf.tracepoints_ours = false;
	make_plan(&cfg, &kf, &no_hooks, NULL, 4096, &p);
	assert_true(p.backends[BACKEND_FENTRY].usable);
	assert_int_equal(p.backends[BACKEND_FENTRY].nprogs, 8);
	assert_false(p.backends[BACKEND_FENTRY].needs_tracefs);
	assert_false(p.backends[BACKEND_FENTRY].paths & 1u << BS_VIA_BINDX);
	assert_string_equal(p.backends[BACKEND_FENTRY].bindx_unseen,
			    "its setsockopt tracepoints need tracefs (CAP_DAC_READ_SEARCH), and "
			    "CAP_SYS_ADMIN where kernel.perf_event_paranoid is above 2");
	assert_string_equal(p.backends[BACKEND_FENTRY].note,
			    "SCTP's bindx not seen: its setsockopt tracepoints need tracefs "
			    "(CAP_DAC_READ_SEARCH), and CAP_SYS_ADMIN where "
			    "kernel.perf_event_paranoid is above 2");
	assert_false(p.backends[BACKEND_KPROBE].paths & 1u << BS_VIA_BINDX);
	assert_int_equal(p.backends[BACKEND_KPROBE].nprogs, 12);
	assert_progs(&p.backends[BACKEND_TRACEPOINT], tp, 10);
	assert_true(p.kernel_paths & 1u << BS_VIA_BINDX);
	kf.tracepoints_ours = true;
	/* __sys_setsockopt() in the BTF: fexit and kprobe hook it, need no tracefs and no perf events */
	kf.func_id[KFUNC_SYS_SETSOCKOPT] = 108;
	kf.tracepoints_ours = false;
	make_plan(&cfg, &kf, &no_hooks, NULL, 4096, &p);
	assert_int_equal(p.backends[BACKEND_FENTRY].nprogs, 9);
	assert_string_equal(p.backends[BACKEND_FENTRY].progs[8], "fexit_sys_setsockopt");
	assert_false(p.backends[BACKEND_FENTRY].needs_tracefs);
	assert_null(p.backends[BACKEND_FENTRY].note);
	assert_true(p.backends[BACKEND_FENTRY].paths & 1u << BS_VIA_BINDX);
	assert_int_equal(p.backends[BACKEND_KPROBE].nprogs, 14);
	assert_string_equal(p.backends[BACKEND_KPROBE].progs[12], "kretprobe_sys_setsockopt");
	assert_string_equal(p.backends[BACKEND_KPROBE].progs[13], "kprobe_sys_setsockopt");
	assert_false(p.backends[BACKEND_KPROBE].needs_tracefs);
	assert_true(p.backends[BACKEND_KPROBE].paths & 1u << BS_VIA_BINDX);
	assert_progs(&p.backends[BACKEND_TRACEPOINT], tp, 10);
	kf.func_id[KFUNC_SYS_SETSOCKOPT] = 0;
	kf.tracepoints_ours = true;
	/* no SCTP: no program waits for a bindx, and -v does not call it a way */
	kf.sctp = false;
	make_plan(&cfg, &kf, &no_hooks, NULL, 4096, &p);
	assert_progs(&p.backends[BACKEND_TRACEPOINT], tp_no_sctp, 8);
	assert_false(p.kernel_paths & 1u << BS_VIA_BINDX);
	for (b = BACKEND_FENTRY; b < BACKEND_MAX; b++)
		assert_false(p.backends[b].paths & 1u << BS_VIA_BINDX);
	assert_false(p.backends[BACKEND_FENTRY].needs_tracefs);
	assert_int_equal(p.backends[BACKEND_FENTRY].nprogs, 8);
	/* a backend the kernel refuses gets no bindx programs either */
	kf.sctp = true;
	kf.kprobes = false;
	make_plan(&cfg, &kf, &no_hooks, NULL, 4096, &p);
	assert_false(p.backends[BACKEND_KPROBE].usable);
	assert_int_equal(p.backends[BACKEND_KPROBE].nprogs, 0);
	assert_int_equal(p.backends[BACKEND_KPROBE].paths, 0);
}

#if defined(__s390x__)
/*
 * s390x's glibc makes every socket call through socketcall(2): one pair of
 * programs on its tracepoints follows, for each backend, the calls its
 * own hooks do not see (socketcall_calls, the BPF object's read-only
 * data). Built and run only on s390x: the x86 plans have no such pair.
 */
static void test_plan_s390x_socketcall(void **state)
{
	static const char *const tp[] = { "tp_exit_bind_regs", "tp_enter_listen", "tp_exit_listen",
					  "tp_exit_setsockopt", "tp_enter_setsockopt",
					  "tp_exit_socketcall", "tp_enter_socketcall" };
	const __u32 bind_listen = 1u << SOCKETCALL_BIND | 1u << SOCKETCALL_LISTEN;
	struct config cfg = config_of("--backend tracepoint");
	struct config ab = config_of("--autobind");
	struct kernel_facts kf = host_618();
	struct plan p;

	(void)state;
	kf.func_id[KFUNC_IA32_SYS_BIND] = 0;
	kf.io_uring_bind = kf.io_uring_connect = false;
	kf.io_uring_submit_tp = IO_URING_SUBMIT_NONE;
	kf.net_admin = false;
	kf.kprobes = true;
	kf.sctp = true;
	kf.tracepoints_ours = true;
	/* tracepoint: bind, listen and (SCTP, no __sys_setsockopt kprobe) setsockopt */
	make_plan(&cfg, &kf, &no_hooks, NULL, 4096, &p);
	assert_progs(&p.backends[BACKEND_TRACEPOINT], tp, 7);
	assert_int_equal(p.backends[BACKEND_TRACEPOINT].socketcall_calls,
			 bind_listen | 1u << SOCKETCALL_SETSOCKOPT);
	assert_true(p.backends[BACKEND_TRACEPOINT].paths & 1u << BS_VIA_SOCKETCALL);
	/* kprobe on __sys_setsockopt, inet_listen: no socketcall program without --autobind */
	kf.func_id[KFUNC_SYS_SETSOCKOPT] = 108;
	make_plan(&cfg, &kf, &no_hooks, NULL, 4096, &p);
	assert_int_equal(p.backends[BACKEND_KPROBE].socketcall_calls, 0);
	assert_int_equal(p.backends[BACKEND_TRACEPOINT].socketcall_calls,
			 bind_listen | 1u << SOCKETCALL_SETSOCKOPT);
	/* --autobind: connect and the sends through socketcall, on every backend, in MAX_LINKS */
	make_plan(&ab, &kf, &no_hooks, NULL, 4096, &p);
	assert_int_equal(p.backends[BACKEND_KPROBE].socketcall_calls, SOCKETCALL_AUTOBIND_CALLS);
	assert_int_equal(p.backends[BACKEND_KPROBE].nprogs, 24);
	assert_string_equal(p.backends[BACKEND_KPROBE].progs[22], "tp_exit_socketcall");
	assert_string_equal(p.backends[BACKEND_KPROBE].progs[23], "tp_enter_socketcall");
	assert_int_equal(p.backends[BACKEND_TRACEPOINT].socketcall_calls,
			 bind_listen | 1u << SOCKETCALL_SETSOCKOPT | SOCKETCALL_AUTOBIND_CALLS);
	/* before 5.15 (no task registers): bindx's setsockopt alone, with its own exit */
	kf.task_pt_regs = false;
	kf.func_id[KFUNC_SYS_SETSOCKOPT] = 0;
	make_plan(&ab, &kf, &no_hooks, NULL, 4096, &p);
	assert_int_equal(p.backends[BACKEND_TRACEPOINT].socketcall_calls,
			 1u << SOCKETCALL_SETSOCKOPT);
	assert_string_equal(p.backends[BACKEND_TRACEPOINT].progs[p.backends[BACKEND_TRACEPOINT].nprogs - 2],
			    "tp_exit_socketcall_bindx");
	assert_string_equal(p.backends[BACKEND_TRACEPOINT].progs[p.backends[BACKEND_TRACEPOINT].nprogs - 1],
			    "tp_enter_socketcall");
}
#endif

static void test_plan_ipv6_module(void **state)
{
	static const char *const loaded[] = { "fexit_inet_bind", "fexit_inet6_bind",
					      "fexit_mptcp_bind", "fexit_mptcp_v6_bind",
					      "fentry_inet_listen", "fexit_inet_listen" };
	static const char *const v4only[] = { "fexit_inet_bind", "fexit_mptcp_bind",
					      "fexit_mptcp_v6_bind", "fentry_inet_listen",
					      "fexit_inet_listen" };
	struct config cfg = config_of("");
	struct kernel_facts kf = debian_510();
	struct plan p;

	(void)state;
	kf.func_id[KFUNC_MPTCP_BIND] = 102;
	kf.func_id[KFUNC_MPTCP_V6_BIND] = 103;
	kf.func_id[KFUNC_INET6_BIND] = 0;
	kf.ipv6_module = true;
	make_plan(&cfg, &kf, &no_hooks, NULL, 4096, &p);
	assert_progs(&p.backends[BACKEND_FENTRY], loaded, 6);
	assert_null(p.backends[BACKEND_FENTRY].note);
	kf.ipv6_module = false;
	make_plan(&cfg, &kf, &no_hooks, NULL, 4096, &p);
	assert_true(p.backends[BACKEND_FENTRY].usable);
	assert_progs(&p.backends[BACKEND_FENTRY], v4only, 5);
	assert_string_equal(p.backends[BACKEND_FENTRY].note,
			    "IPv6 is not loaded (no inet6_bind in the kernel, no ipv6 module): IPv4 "
			    "binds only; restart bindsnoop after loading ipv6");
}

static void test_plan_no_inet_bind(void **state)
{
	struct config cfg = config_of("");
	struct kernel_facts kf = debian_510();
	struct plan p;

	(void)state;
	kf.func_id[KFUNC_INET_BIND] = 0;
	make_plan(&cfg, &kf, &no_hooks, NULL, 4096, &p);
	assert_false(p.backends[BACKEND_KPROBE].usable);
	assert_string_equal(p.backends[BACKEND_KPROBE].why, "kernel has no function inet_bind");
	assert_true(p.backends[BACKEND_TRACEPOINT].usable);
}

static void test_plan_explicit_backend_is_the_only_one(void **state)
{
	struct config cfg = config_of("--backend kprobe");
	struct kernel_facts kf = debian_510();
	struct plan p;

	(void)state;
	make_plan(&cfg, &kf, &no_hooks, NULL, 4096, &p);
	assert_int_equal(p.norder, 1);
	assert_int_equal(p.order[0], BACKEND_KPROBE);
}

static void test_plan_buffer_fields_and_count_tables(void **state)
{
	struct kernel_facts kf = host_618();
	struct test_hooks hooks = TEST_HOOKS_NONE;
	const struct backend_plan *tp;
	struct config cfg;
	struct plan p;

	(void)state;
	kf.ringbuf = false;
	cfg = config_of("-j");
	make_plan(&cfg, &kf, &no_hooks, NULL, 4096, &p);
	assert_false(p.ringbuf);
	assert_true(p.fields.ts && p.fields.details && p.fields.cgroup && p.fields.ifname);
	cfg = config_of("-w");
	make_plan(&cfg, &kf, &no_hooks, NULL, 4096, &p);
	assert_true(!p.fields.ts && !p.fields.details && !p.fields.cgroup && p.fields.ifname);
	cfg = config_of("-t -E");
	make_plan(&cfg, &kf, &no_hooks, NULL, 4096, &p);
	assert_true(p.fields.ts && !p.fields.details && !p.fields.cgroup && !p.fields.ifname);
	cfg = config_of("--owner");
	make_plan(&cfg, &kf, &no_hooks, NULL, 4096, &p);
	assert_true(!p.fields.ts && !p.fields.details && p.fields.cgroup && !p.fields.ifname);
	/* --count: address, port and family only, one table, the smallest ring */
	kf.ringbuf = true;
	cfg = config_of("--count -j");
	make_plan(&cfg, &kf, &no_hooks, NULL, 16384, &p);
	assert_false(p.fields.ts || p.fields.details || p.fields.cgroup || p.fields.ifname);
	assert_int_equal(p.ringbuf_bytes, 16384);
	tp = &p.backends[BACKEND_TRACEPOINT];
	assert_int_equal(PROBING_OF(*tp)->count_entries[0], COUNT_ENTRIES);
	assert_int_equal(PROBING_OF(*tp)->count_entries[1], 1);
	/* the typed build's slots: twice the keys, a power of two */
	assert_int_equal(TYPED_OF(*tp)->count_entries[0], 2 * COUNT_ENTRIES);
	assert_int_equal(TYPED_OF(*tp)->count_entries[1], 2);
	assert_int_equal(TYPED_OF(*tp)->count_slot_mask, 2 * COUNT_ENTRIES - 1);
	assert_int_equal(TYPED_OF(*tp)->count_hash_shift, 64 - __builtin_ctz(2 * COUNT_ENTRIES));
	cfg = config_of("--count -i 1");
	make_plan(&cfg, &kf, &no_hooks, NULL, 4096, &p);
	assert_int_equal(PROBING_OF(*tp)->count_entries[0], COUNT_ENTRIES);
	assert_int_equal(PROBING_OF(*tp)->count_entries[1], COUNT_ENTRIES);
	hooks.count_entries = 64;
	make_plan(&cfg, &kf, &hooks, NULL, 4096, &p);
	assert_int_equal(PROBING_OF(*tp)->count_entries[0], 64);
	assert_int_equal(PROBING_OF(*tp)->count_entries[1], 64);
	assert_int_equal(TYPED_OF(*tp)->count_entries[0], 128);
	assert_int_equal(TYPED_OF(*tp)->count_entries[1], 128);
	hooks.count_entries = 3;
	make_plan(&cfg, &kf, &hooks, NULL, 4096, &p);
	assert_int_equal(TYPED_OF(*tp)->count_entries[0], 8);
	/* the entry map's test size, where an entry program uses one */
	hooks.entries = 1;
	kf = debian_510();
	make_plan(&cfg, &kf, &hooks, NULL, 4096, &p);
	assert_int_equal(PROBING_OF(p.backends[BACKEND_KPROBE])->entries_size, 1);
	assert_int_equal(PROBING_OF(p.backends[BACKEND_TRACEPOINT])->entries_size, 1);
	/* a filter on the calling task */
	cfg = config_of("-p 1");
	make_plan(&cfg, &kf, &no_hooks, NULL, 4096, &p);
	assert_true(p.filter_task);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_options_defaults),
		cmocka_unit_test(test_options_every_good_form),
		cmocka_unit_test(test_options_every_bad_form_has_its_message),
		cmocka_unit_test(test_test_hooks),
		cmocka_unit_test(test_test_hooks_in_plan),
		cmocka_unit_test(test_plan_host_618),
		cmocka_unit_test(test_plan_debian_510),
		cmocka_unit_test(test_plan_refuses_no_prealloc_map_where_it_warns),
		cmocka_unit_test(test_plan_arm64_before_6_4),
		cmocka_unit_test(test_plan_typed_6_12),
		cmocka_unit_test(test_plan_kernel_sockets_on_tracepoint),
		cmocka_unit_test(test_plan_io_uring_autobind),
		cmocka_unit_test(test_plan_sctp_bindx),
#if defined(__s390x__)
		cmocka_unit_test(test_plan_s390x_socketcall),
#endif
		cmocka_unit_test(test_plan_ipv6_module),
		cmocka_unit_test(test_plan_no_inet_bind),
		cmocka_unit_test(test_plan_explicit_backend_is_the_only_one),
		cmocka_unit_test(test_plan_buffer_fields_and_count_tables),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
