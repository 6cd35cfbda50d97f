// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* The plan: every decision that follows from the configuration and the kernel, in one place. */
#include <stdio.h>
#include <string.h>
#include "plan.h"

const char *const kernel_func_names[KFUNC_MAX] = {
	"inet_bind", "inet6_bind", "mptcp_bind", "mptcp_v6_bind", "__ia32_sys_bind",
	"bpf_rdonly_cast", "inet_listen", "mptcp_listen", "__sys_setsockopt",
};

/* A hook on a kernel function: the programs it takes, and whether a kernel may lack it. */
struct hook {
	enum kernel_func func;
	bool optional;			/* MPTCP; IPv6 when not loaded */
	const char *entry, *exit;	/* program names; entry may be NULL */
	bool entry_map;			/* the entry hands the return its arguments in "entries" */
	__u32 path;			/* 1 << BS_VIA_*: the way of taking a port it sees */
};

#define PATH(via)	(1u << (via))

/*
 * inet_bind() serves bind(2), socketcall(SYS_BIND) and io_uring's bind
 * alike (via.bpf.h), and kernel_bind() for the kernel's own sockets.
 */
#define BIND_PATHS	(PATH(BS_VIA_BIND) | PATH(BS_VIA_SOCKETCALL) | PATH(BS_VIA_IO_URING) | \
			 PATH(BS_VIA_KERNEL))

static const struct hook fentry_hooks[] = {
	{ KFUNC_INET_BIND, false, NULL, "fexit_inet_bind", false, BIND_PATHS },
	{ KFUNC_INET6_BIND, true, NULL, "fexit_inet6_bind", false, BIND_PATHS },
	{ KFUNC_MPTCP_BIND, true, NULL, "fexit_mptcp_bind", false, BIND_PATHS },
	{ KFUNC_MPTCP_V6_BIND, true, NULL, "fexit_mptcp_v6_bind", false, BIND_PATHS },
	{ KFUNC_INET_LISTEN, true, "fentry_inet_listen", "fexit_inet_listen", false,
	  PATH(BS_VIA_LISTEN) },
	{ KFUNC_MPTCP_LISTEN, true, "fentry_mptcp_listen", "fexit_mptcp_listen", false, 0 },
};

static const struct hook kprobe_hooks[] = {
	{ KFUNC_INET_BIND, false, "kprobe_inet_bind", "kretprobe_inet_bind", true, BIND_PATHS },
	{ KFUNC_INET6_BIND, true, "kprobe_inet6_bind", "kretprobe_inet6_bind", true, BIND_PATHS },
	{ KFUNC_MPTCP_BIND, true, "kprobe_mptcp_bind", "kretprobe_mptcp_bind", true, BIND_PATHS },
	{ KFUNC_MPTCP_V6_BIND, true, "kprobe_mptcp_v6_bind", "kretprobe_mptcp_v6_bind", true,
	  BIND_PATHS },
	{ KFUNC_INET_LISTEN, true, "kprobe_inet_listen", "kretprobe_inet_listen", false,
	  PATH(BS_VIA_LISTEN) },
	{ KFUNC_MPTCP_LISTEN, true, "kprobe_mptcp_listen", "kretprobe_mptcp_listen", false, 0 },
};

/* One more program; a plan that outgrows MAX_LINKS makes the backend unusable, loudly. */
static void add_prog(struct backend_plan *bp, const char *name)
{
	if (!name)
		return;
	if (bp->nprogs == MAX_LINKS) {
		bp->usable = false;
		snprintf(bp->why, sizeof(bp->why), "internal: more than %d programs (MAX_LINKS)",
			 MAX_LINKS);
		return;
	}
	bp->progs[bp->nprogs++] = name;
}

/* fentry and kprobe: one hook per bind function this kernel has. */
static void plan_function_hooks(struct backend_plan *bp, const struct hook *hooks, size_t n,
				const struct kernel_facts *facts)
{
	size_t i;

	for (i = 0; i < n; i++) {
		enum kernel_func f = hooks[i].func;
		bool module = f == KFUNC_INET6_BIND && facts->ipv6_module;

		switch (decide_hook(facts->func_id[f] != 0, module, hooks[i].optional)) {
		case HOOK_ATTACH:
			add_prog(bp, hooks[i].entry);
			add_prog(bp, hooks[i].exit);
			bp->uses_entries |= hooks[i].entry_map;
			bp->paths |= hooks[i].path;
			break;
		case HOOK_LEAVE_OUT:
			if (f == KFUNC_INET6_BIND)
				bp->note = "IPv6 is not loaded (no inet6_bind in the kernel, no ipv6 "
					   "module): IPv4 binds only; restart bindsnoop after loading ipv6";
			break;
		case HOOK_REFUSE:
			bp->usable = false;
			snprintf(bp->why, sizeof(bp->why), "kernel has no function %s",
				 kernel_func_names[f]);
			return;
		}
	}
}

static void plan_fentry(struct backend_plan *bp, const struct kernel_facts *facts)
{
	if (!facts->fexit_allowed) {
		bp->usable = false;
		snprintf(bp->why, sizeof(bp->why),
			 "the kernel refused a test fexit program on inet_bind: %s (%s)%s",
			 error_text(facts->fexit_errno), errno_str(facts->fexit_errno),
			 facts->fexit_errno == KERNEL_ENOTSUPP
				 ? ": no BPF trampolines for kernel functions on this architecture and kernel"
				 : "");
		return;
	}
	bp->detail = "fexit on inet_bind, inet6_bind";
	plan_function_hooks(bp, fentry_hooks, sizeof(fentry_hooks) / sizeof(fentry_hooks[0]), facts);
}

static void plan_kprobe(struct backend_plan *bp, const struct kernel_facts *facts)
{
	if (!facts->kprobes) {
		bp->usable = false;
		snprintf(bp->why, sizeof(bp->why), "this kernel has no kprobes "
			 "(no /sys/bus/event_source/devices/kprobe: CONFIG_KPROBES unset?)");
		return;
	}
	bp->detail = "kprobe+kretprobe on inet_bind, inet6_bind";
	plan_function_hooks(bp, kprobe_hooks, sizeof(kprobe_hooks) / sizeof(kprobe_hooks[0]), facts);
}

/*
 * s390x's glibc makes every socket call through socketcall(2), which the
 * calls' own syscall tracepoints never see: the BPF object built for s390
 * has a program at socketcall's entry and one at its exit, which follow
 * the calls a backend asks for (backend_plan.socketcall_calls;
 * plan_socketcall()). Its exit reads the call's number from the task's
 * registers (5.15+); before, only bindx's setsockopt, which needs none.
 */
#if defined(__s390x__)
#define LIBC_SOCKETCALL		1
#define SOCKETCALL_DETAIL	"; socket calls through socketcall: syscalls:sys_*_socketcall"
#else
#define LIBC_SOCKETCALL		0
#define SOCKETCALL_DETAIL	""
#endif
#define SOCKETCALL_CALL(call)	(LIBC_SOCKETCALL ? 1u << (call) : 0)

/*
 * The kernel's own sockets, which no syscall binds: a cgroup post_bind
 * program at the cgroup2 root (kernel_sockets.bpf.h), where the hierarchy
 * is mounted and the program type may read the socket and the task (and
 * test the task's cgroup, for -c, --unit and --container).
 */
static void plan_kernel_sockets(struct backend_plan *bp, const struct kernel_facts *facts,
				bool cgroup_dir_filter)
{
	if (!facts->net_admin)
		bp->kernel_unseen = "loading the cgroup post_bind program that sees them takes "
				    "CAP_NET_ADMIN";
	else if (!facts->cgroup2_root[0])
		bp->kernel_unseen = "no cgroup2 hierarchy is mounted, where a post_bind program "
				    "would see them";
	else if (!facts->cgroup_sock_reads)
		bp->kernel_unseen = "this kernel does not let cgroup post_bind programs read "
				    "the socket (bpf_probe_read_kernel, bpf_get_current_task)";
	else if (cgroup_dir_filter && !facts->cgroup_sock_under_cgroup)
		bp->kernel_unseen = "this kernel does not let cgroup post_bind programs test "
				    "the task's cgroup (bpf_current_task_under_cgroup), which "
				    "-c, --unit and --container need";
	if (bp->kernel_unseen)
		return;
	add_prog(bp, "cg_post_bind4");
	add_prog(bp, "cg_post_bind6");
	bp->cgroup_root = facts->cgroup2_root;
	bp->paths |= PATH(BS_VIA_KERNEL);
}

static void plan_tracepoint(struct backend_plan *bp, const struct kernel_facts *facts,
			    bool cgroup_dir_filter)
{
	/*
	 * 32-bit programs' binds skip the syscalls:* tracepoints; the raw
	 * sys_exit program catches them where the kernel runs such programs.
	 */
	bool compat = facts->func_id[KFUNC_IA32_SYS_BIND] != 0;

	bp->needs_tracefs = true;
	bp->paths = PATH(BS_VIA_BIND) | PATH(BS_VIA_LISTEN);
	if (compat || LIBC_SOCKETCALL)
		bp->paths |= PATH(BS_VIA_SOCKETCALL);
	if (facts->task_pt_regs) {
		add_prog(bp, "tp_exit_bind_regs");
		bp->socketcall_calls |= SOCKETCALL_CALL(SOCKETCALL_BIND) |
					SOCKETCALL_CALL(SOCKETCALL_LISTEN);
		bp->detail = compat ? "syscalls:sys_exit_bind, arguments from the task's registers; "
				      "32-bit binds: raw_syscalls:sys_exit"
				    : "syscalls:sys_exit_bind, arguments from the task's registers"
				      SOCKETCALL_DETAIL;
	} else {
		add_prog(bp, "tp_enter_bind");
		add_prog(bp, "tp_exit_bind");
		bp->uses_entries = true;
		bp->detail = compat ? "syscalls:sys_enter_bind + sys_exit_bind; "
				      "32-bit binds: raw_syscalls:sys_exit"
				    : "syscalls:sys_enter_bind + sys_exit_bind";
	}
	if (compat) {
		add_prog(bp, "tp_compat_exit_bind");
		bp->compat_unseen |= PATH(BS_VIA_LISTEN);
	}
	add_prog(bp, "tp_enter_listen");
	add_prog(bp, "tp_exit_listen");
	plan_kernel_sockets(bp, facts, cgroup_dir_filter);
}

/*
 * --autobind, on every backend: the syscall tracepoints of connect() and
 * the sends (autobind.bpf.h), so tracefs too; on s390x socketcall's for
 * them too, where its exit can tell the call (5.15+).
 */
static void plan_autobind(struct backend_plan *bp, const struct kernel_facts *facts)
{
	static const char *const progs[] = {
		"tp_enter_connect", "tp_exit_connect", "tp_enter_sendto", "tp_exit_sendto",
		"tp_enter_sendmsg", "tp_exit_sendmsg", "tp_enter_sendmmsg", "tp_exit_sendmmsg",
	};
	size_t i;

	for (i = 0; i < sizeof(progs) / sizeof(progs[0]); i++)
		add_prog(bp, progs[i]);
	if (LIBC_SOCKETCALL && facts->task_pt_regs)
		bp->socketcall_calls |= SOCKETCALL_AUTOBIND_CALLS;
	bp->needs_tracefs = true;
	bp->paths |= PATH(BS_VIA_CONNECT) | PATH(BS_VIA_SENDTO);
	if (facts->func_id[KFUNC_IA32_SYS_BIND])
		bp->compat_unseen |= PATH(BS_VIA_CONNECT) | PATH(BS_VIA_SENDTO);
}

/*
 * s390x: socketcall's pair for the calls the backend follows through it,
 * after the others (the io_uring pair aside). Exit first: an entry's mark
 * made before its exit program is attached would never be taken back.
 * Without the task's registers the exit is bindx's own, which needs no
 * call number (nothing else is followed then).
 */
static void plan_socketcall(struct backend_plan *bp, const struct kernel_facts *facts)
{
	if (!bp->socketcall_calls)
		return;
	add_prog(bp, facts->task_pt_regs ? "tp_exit_socketcall" : "tp_exit_socketcall_bindx");
	if (bp->socketcall_calls != SOCKETCALL_CALL(SOCKETCALL_BIND))
		add_prog(bp, "tp_enter_socketcall");
	bp->needs_tracefs = true;
}

/* io_uring lets rings be made (kernel.io_uring_disabled below 2). */
static bool io_uring_allowed(const struct kernel_facts *facts)
{
	return facts->io_uring_disabled < 2;
}

/*
 * io_uring's tracepoints (io_uring.bpf.h): its binds and listens make no
 * syscall, so the tracepoint backend follows them there (6.11+; fexit and
 * kprobe see them in inet_bind() and inet_listen()); its connects and
 * sends under --autobind, on every backend, where the tracepoints name the
 * request at submission and completion alike (6.0+). One pair of programs
 * for either or both: bindsnoop.bpf.c.
 */
static void plan_io_uring(struct backend_plan *bp, enum backend b, bool autobind,
			  const struct kernel_facts *facts)
{
	bool binds = b == BACKEND_TRACEPOINT && facts->io_uring_bind && io_uring_allowed(facts);
	bool autobinds = autobind && facts->io_uring_submit_tp != IO_URING_SUBMIT_NONE &&
			 io_uring_allowed(facts);

	if (binds && autobinds) {
		add_prog(bp, "tp_io_uring_submit_both");
		add_prog(bp, "tp_io_uring_complete_both");
	} else if (binds) {
		add_prog(bp, "tp_io_uring_submit");
		add_prog(bp, "tp_io_uring_complete");
	} else if (autobinds) {
		add_prog(bp, facts->io_uring_submit_tp == IO_URING_SUBMIT_REQ
				     ? "tp_io_uring_submit_autobind" : "tp_io_uring_submit_sqe_autobind");
		add_prog(bp, "tp_io_uring_complete_autobind");
	}
	if (binds) {
		bp->paths |= PATH(BS_VIA_IO_URING);
		bp->uring_unseen |= PATH(BS_VIA_LISTEN);
	}
	if (autobinds) {
		bp->paths |= PATH(BS_PATH_IO_URING_CONNECT) | PATH(BS_PATH_IO_URING_SEND);
		bp->uring_unseen |= PATH(BS_PATH_IO_URING_CONNECT) | PATH(BS_PATH_IO_URING_SEND);
	}
}

/*
 * SCTP's bindx, on every backend where SCTP can take a port (bindx.bpf.h;
 * sctp_do_bind() is static and in a module that may load later): fexit
 * and kprobe on __sys_setsockopt(), which every setsockopt takes
 * (socketcall's too) and which costs nothing to the other syscalls; the
 * tracepoint backend, or a kernel whose BTF lacks the function, on the
 * setsockopt syscall's tracepoints (on s390x glibc's
 * setsockopt() is socketcall(SYS_SETSOCKOPT): that syscall's too). Exit
 * first: an entry noted before its exit program is attached would never
 * be taken back.
 */
static void plan_bindx(struct backend_plan *bp, enum backend b, const struct kernel_facts *facts)
{
	static const char *const tp_progs[] = { "tp_exit_setsockopt", "tp_enter_setsockopt" };
	size_t i;

	bp->paths |= PATH(BS_VIA_BINDX);
	if (b != BACKEND_TRACEPOINT && facts->func_id[KFUNC_SYS_SETSOCKOPT]) {
		if (b == BACKEND_FENTRY) {
			add_prog(bp, "fexit_sys_setsockopt");
		} else {
			add_prog(bp, "kretprobe_sys_setsockopt");
			add_prog(bp, "kprobe_sys_setsockopt");
		}
		return;
	}
	/*
	 * fexit needs neither perf_event_open() nor tracefs for itself, kprobe
	 * no tracefs: where the tracepoints would not attach (Debian's
	 * perf_event_paranoid 3 without CAP_SYS_ADMIN), they run without
	 * bindx rather than not at all; -v says so.
	 */
	if (b != BACKEND_TRACEPOINT && !facts->tracepoints_ours) {
		bp->paths &= ~PATH(BS_VIA_BINDX);
		bp->bindx_unseen = "its setsockopt tracepoints need tracefs (CAP_DAC_READ_SEARCH), "
				   "and CAP_SYS_ADMIN where kernel.perf_event_paranoid is above 2";
		if (!bp->note)
			bp->note = "SCTP's bindx not seen: its setsockopt tracepoints need tracefs "
				   "(CAP_DAC_READ_SEARCH), and CAP_SYS_ADMIN where "
				   "kernel.perf_event_paranoid is above 2";
		return;
	}
	for (i = 0; i < sizeof(tp_progs) / sizeof(tp_progs[0]); i++)
		add_prog(bp, tp_progs[i]);
	bp->socketcall_calls |= SOCKETCALL_CALL(SOCKETCALL_SETSOCKOPT);
	bp->needs_tracefs = true;
	if (facts->func_id[KFUNC_IA32_SYS_BIND])
		bp->compat_unseen |= PATH(BS_VIA_BINDX);
}

static void plan_backend(struct backend_plan *bp, enum backend b, const struct config *cfg,
			 const struct kernel_facts *facts)
{
	bp->usable = true;
	if (b == BACKEND_FENTRY)
		plan_fentry(bp, facts);
	else if (b == BACKEND_KPROBE)
		plan_kprobe(bp, facts);
	else
		plan_tracepoint(bp, facts, cfg->cgroup_path || cfg->unit || cfg->container);
}

/*
 * The ways of taking a port this kernel has, whichever backend runs: -v
 * names those the running backend does not see. socketcall(SYS_BIND) is
 * s390x's and powerpc's bind, and 32-bit x86 programs'; io_uring binds
 * where the kernel has them and lets rings be made, and its connects and
 * sends (5.5+), which a kernel may have without the tracepoints to follow
 * them (5.10); SCTP's bindx where SCTP is loaded or can be.
 */
static __u32 kernel_paths(const struct kernel_facts *facts)
{
	__u32 paths = PATH(BS_VIA_BIND) | PATH(BS_VIA_LISTEN) | PATH(BS_VIA_CONNECT) |
		      PATH(BS_VIA_SENDTO) | PATH(BS_VIA_KERNEL);

#if defined(__s390x__) || defined(__powerpc64__)
	paths |= PATH(BS_VIA_SOCKETCALL);
#else
	if (facts->func_id[KFUNC_IA32_SYS_BIND])
		paths |= PATH(BS_VIA_SOCKETCALL);
#endif
	if (facts->io_uring_bind && io_uring_allowed(facts))
		paths |= PATH(BS_VIA_IO_URING);
	if (facts->io_uring_connect && io_uring_allowed(facts))
		paths |= PATH(BS_PATH_IO_URING_CONNECT) | PATH(BS_PATH_IO_URING_SEND);
	if (facts->sctp)
		paths |= PATH(BS_VIA_BINDX);
	return paths;
}

const char *path_name(unsigned int path)
{
	if (path == BS_PATH_IO_URING_CONNECT)
		return "io_uring connect";
	if (path == BS_PATH_IO_URING_SEND)
		return "io_uring send";
	return via_name((__u8)path);
}

const char *const build_names[2] = { "typed", "probing" };

/* The typed build's table for @keys keys: twice as many slots, a power of two (a mask). */
static __u32 count_slots_for(__u32 keys)
{
	__u32 slots = 2;

	while (slots < 2 * keys && slots < (1u << 31))
		slots <<= 1;
	return slots;
}

/*
 * @bp's builds, with their maps' sizes: @count_keys for counts_a and
 * counts_b (1 for a table the run never touches), @entries for the entry
 * map where an entry program uses one.
 */
static void plan_builds(struct backend_plan *bp, enum backend b, bool typed,
			const __u32 count_keys[2], __u32 entries, bool refuse_typed)
{
	int i;

	if (typed) {
		struct build_plan *t = &bp->builds[bp->nbuilds++];

		t->build = BUILD_TYPED;
		/* the typed kprobe programs keep the entry in the task instead */
		t->task_storage = b == BACKEND_KPROBE;
		t->entries_size = bp->uses_entries && !t->task_storage ? entries : 1;
		for (i = 0; i < 2; i++)
			t->count_entries[i] = count_slots_for(count_keys[i]);
		/* -i's spare is as big as the live table whenever it is used */
		t->count_slot_mask = t->count_entries[0] - 1;
		t->count_hash_shift = 64 - __builtin_ctz(t->count_entries[0]);
		t->refuse = refuse_typed;
	}
	bp->builds[bp->nbuilds].build = BUILD_PROBING;
	bp->builds[bp->nbuilds].entries_size = bp->uses_entries ? entries : 1;
	for (i = 0; i < 2; i++)
		bp->builds[bp->nbuilds].count_entries[i] = count_keys[i];
	bp->nbuilds++;
}

void make_plan(const struct config *cfg, const struct kernel_facts *facts,
	       const struct test_hooks *hooks, const char *runtime_alloc_map, __u32 page_size,
	       struct plan *plan)
{
	__u32 count_size = hooks->count_entries ? hooks->count_entries : COUNT_ENTRIES;
	__u32 entries = hooks->entries ? hooks->entries : ENTRY_MAP_ENTRIES;
	/* Preallocated: full size only for what the run uses (the spare only with -i). */
	__u32 count_keys[2] = {
		cfg->count ? count_size : 1,
		cfg->count && cfg->interval_ns ? count_size : 1,
	};
	bool have_typed = facts->func_id[KFUNC_BPF_RDONLY_CAST] != 0;
	enum backend b;

	memset(plan, 0, sizeof(*plan));
	for (b = BACKEND_FENTRY; b < BACKEND_MAX; b++) {
		struct backend_plan *bp = &plan->backends[b];

		if (cfg->backend == BACKEND_AUTO || cfg->backend == b)
			plan->order[plan->norder++] = b;
		plan_backend(bp, b, cfg, facts);
		if (facts->sctp && bp->usable)
			plan_bindx(bp, b, facts);
		if (cfg->autobind && bp->usable)
			plan_autobind(bp, facts);
		if (bp->usable)
			plan_socketcall(bp, facts);
		if (bp->usable)
			plan_io_uring(bp, b, cfg->autobind, facts);
		if (bp->usable && b != BACKEND_FENTRY && facts->runtime_alloc_warns && runtime_alloc_map) {
			bp->usable = false;
			snprintf(bp->why, sizeof(bp->why),
				 "%s: the map is BPF_F_NO_PREALLOC, and kprobe and tracepoint programs "
				 "that use one make this kernel WARN (5.7-6.0): make it without that flag",
				 runtime_alloc_map);
		}
		/* The typed build's pair (before 5.15) would not be typed: no such kernel has the kfunc. */
		plan_builds(bp, b, bp->usable && have_typed && (b != BACKEND_TRACEPOINT || facts->task_pt_regs),
			    count_keys, entries, hooks->refuse_typed);
		bp->fail_after_links = hooks->fail_backend == b ? hooks->fail_after : -1;
	}

	plan->ringbuf = facts->ringbuf;
	/* --count sends no events: the smallest ring the kernel accepts. */
	plan->ringbuf_bytes = cfg->count ? page_size : RINGBUF_BYTES;
	plan->wakeup_bytes = RINGBUF_WAKEUP_BYTES;
	plan->fields = fields_for_output(&cfg->print, cfg->json, cfg->count);
	plan->kernel_paths = kernel_paths(facts);
	plan->wanted_paths = plan->kernel_paths;
	if (!cfg->autobind)
		plan->wanted_paths &= ~(PATH(BS_VIA_CONNECT) | PATH(BS_VIA_SENDTO) |
					PATH(BS_PATH_IO_URING_CONNECT) | PATH(BS_PATH_IO_URING_SEND));
	/* --holders: a failed bind's holders are looked up in its own network namespace. */
	plan->fields.details |= cfg->holders;
	plan->filter_task = cfg->pid || cfg->filter_uid || cfg->cgroupmap_path || cfg->mntnsmap_path ||
			 cfg->cgroup_path || cfg->unit || cfg->container;
	/* --journal sends every field JSON has. */
	if (cfg->journal)
		plan->fields = fields_for_output(&cfg->print, true, cfg->count);
}
