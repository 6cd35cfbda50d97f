// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Kernel facts: the functions the backends hook and the inet_flags bits,
 * looked up in the raw BTF (mapped, not parsed, so a start costs one BTF
 * parse, libbpf's), then what each backend needs: trampolines that attach,
 * kprobes, bpf_task_pt_regs(), the ring buffer; and the ways of taking a
 * port the kernel has besides bind() (io_uring's bind, SCTP's bindx).
 */
#include <errno.h>
#include <mntent.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <linux/capability.h>
#include <linux/btf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "kernel_facts.h"
#include "trace_helpers.h"

/* The enum has no name in BTF (6.6+), so its enumerators are looked up by their own names. */
static const char *const inet_flag_names[IFLAG_MAX] = {
	"INET_FLAGS_FREEBIND", "INET_FLAGS_TRANSPARENT", "INET_FLAGS_BIND_ADDRESS_NO_PORT",
};

/*
 * The running kernel's version from uname(2): 5.7 (BPF_F_NO_PREALLOC maps
 * in tracing programs WARN) to 6.0 (6.1's allocator lifted the rule).
 */
static bool kernel_warns_on_runtime_alloc(void)
{
	struct utsname u;
	unsigned int major, minor;

	if (uname(&u) || parse_kernel_release(u.release, &major, &minor))
		return true;	/* unknown: the safe answer */
	return release_warns_on_runtime_alloc(major, minor);
}

/* An integer sysctl's value, or 0 where the kernel has no such file. */
static int read_sysctl_int(const char *path)
{
	FILE *f = fopen(path, "r");
	int value = 0;

	if (f) {
		if (fscanf(f, "%d", &value) != 1)
			value = 0;
		fclose(f);
	}
	return value;
}

static bool perf_events_restricted(void)
{
	return read_sysctl_int("/proc/sys/kernel/perf_event_paranoid") > 2;
}

/*
 * A syscall tracepoint attaches: perf_event_open() is ours and tracefs is
 * readable (mounted and denied is what a user without CAP_DAC_READ_SEARCH
 * meets; unmounted, the loader mounts it or says why not).
 */
static bool tracepoints_ours(bool perf_restricted)
{
	struct stat st;

	if (perf_restricted && !have_capability(CAP_SYS_ADMIN))
		return false;
	if (stat("/sys/kernel/tracing/events/syscalls", &st) == 0 ||
	    stat("/sys/kernel/debug/tracing/events/syscalls", &st) == 0)
		return true;
	return errno != EACCES;
}

/* 2: io_uring_setup() fails for everyone, so no ring can bind. */
static int io_uring_disabled(void)
{
	return read_sysctl_int("/proc/sys/kernel/io_uring_disabled");
}

/* The running kernel's modules.dep lists the module @name (Debian 12: /lib, 13: /usr/lib too). */
static bool module_loadable(const char *name)
{
	static const char *const dirs[] = { "/lib/modules", "/usr/lib/modules" };
	char path[256], line[1024];
	struct utsname u;
	bool found = false;
	size_t i;

	if (uname(&u) || read_sysctl_int("/proc/sys/kernel/modules_disabled") == 1)
		return false;
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]) && !found; i++) {
		FILE *f;

		snprintf(path, sizeof(path), "%s/%s/modules.dep", dirs[i], u.release);
		f = fopen(path, "r");
		if (!f)
			continue;
		while (!found && fgets(line, sizeof(line), f))
			found = modules_dep_line_is(line, name);
		fclose(f);
	}
	return found;
}

/*
 * SCTP binds where it is loaded or built in (its /proc/net/sctp), and where
 * its module can load: an unprivileged socket(AF_INET, SOCK_STREAM,
 * IPPROTO_SCTP) loads it, so one not loaded at start still takes ports.
 */
static bool sctp_can_bind(void)
{
	return access("/proc/net/sctp", F_OK) == 0 || access("/sys/module/sctp", F_OK) == 0 ||
	       module_loadable("sctp");
}

/*
 * Loading the whole object only to learn that the kernel refuses fexit
 * programs (lockdown, no trampolines) costs a BTF parse and a verification;
 * "r0 = 0; exit" attached to the same function tells in a millisecond.
 */
static void probe_fexit(const struct config *cfg, struct kernel_facts *facts)
{
	const struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = BPF_TRACE_FEXIT,
		    .attach_btf_id = facts->func_id[KFUNC_INET_BIND]);
	int fd, link_fd;

	facts->fexit_allowed = false;
	facts->fexit_errno = ENOENT;
	if (!facts->func_id[KFUNC_INET_BIND])
		return;
	/* With --btf the ids are not the running kernel's: let the real load decide. */
	if (cfg->btf_path) {
		facts->fexit_allowed = true;
		return;
	}
	fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, "bs_probe", "GPL", insns, 2, &opts);
	if (fd < 0) {
		facts->fexit_errno = errno;
		return;
	}
	/*
	 * Some kernels load it and refuse only the attach: arm64 before 6.4 has
	 * no ftrace direct calls for trampolines (ENOTSUPP).
	 */
	link_fd = bpf_raw_tracepoint_open(NULL, fd);
	if (link_fd < 0) {
		facts->fexit_errno = errno;
		close(fd);
		return;
	}
	close(link_fd);
	close(fd);
	facts->fexit_allowed = true;
}

/* The first cgroup2 mount's directory, from the mount table (getmntent(3)); "" where none is. */
static void find_cgroup2_root(char *root, size_t size)
{
	FILE *f = setmntent("/proc/self/mounts", "r");
	struct mntent *m;

	root[0] = '\0';
	if (!f)
		return;
	while ((m = getmntent(f)))
		if (!strcmp(m->mnt_type, "cgroup2") && strlen(m->mnt_dir) < size) {
			strcpy(root, m->mnt_dir);
			break;
		}
	endmntent(f);
}

/*
 * What a cgroup post_bind program may call here (kernel_sockets.bpf.h):
 * the kernel offers these to every program type with CAP_PERFMON only from
 * some version on, and lockdown's confidentiality mode takes the probe read
 * away. @task_btf: the kernel has bpf_get_current_task_btf(), which the
 * programs then call (task.bpf.h).
 */
static void probe_cgroup_sock(struct kernel_facts *facts, bool task_btf)
{
	enum bpf_prog_type t = BPF_PROG_TYPE_CGROUP_SOCK;

	/* Without it the probes' own loads fail: no answer, and none needed. */
	facts->net_admin = have_net_admin();
	if (!facts->net_admin)
		return;
	facts->cgroup_sock_reads = libbpf_probe_bpf_helper(t, BPF_FUNC_probe_read_kernel, NULL) > 0 &&
				   libbpf_probe_bpf_helper(t, BPF_FUNC_get_current_task, NULL) > 0 &&
				   (!task_btf ||
				    libbpf_probe_bpf_helper(t, BPF_FUNC_get_current_task_btf, NULL) > 0);
	facts->cgroup_sock_under_cgroup =
		libbpf_probe_bpf_helper(t, BPF_FUNC_current_task_under_cgroup, NULL) > 0;
}

/* What read_btf_facts() looks up besides the functions and the inet_flags bits. */
enum btf_extra {
	BTF_OP_BIND,		/* IORING_OP_BIND: io_uring binds (6.11+) */
	BTF_OP_CONNECT,		/* IORING_OP_CONNECT: io_uring connects and sends (5.5+) */
	BTF_OP_SEND_ZC,		/* IORING_OP_SEND_ZC (6.0+): see enum io_uring_submit_tp */
	BTF_TP_SUBMIT_REQ,	/* tracepoint io_uring_submit_req (6.3+) */
	BTF_TP_SUBMIT_SQE,	/* its name before */
	BTF_TASK_BTF,		/* bpf_get_current_task_btf(), which task.bpf.h calls where it exists */
	BTF_EXTRA_MAX,
};

static const struct btf_lookup btf_extra[BTF_EXTRA_MAX] = {
	[BTF_OP_BIND] = { .name = "IORING_OP_BIND", .kind = BTF_KIND_ENUM },
	[BTF_OP_CONNECT] = { .name = "IORING_OP_CONNECT", .kind = BTF_KIND_ENUM },
	[BTF_OP_SEND_ZC] = { .name = "IORING_OP_SEND_ZC", .kind = BTF_KIND_ENUM },
	[BTF_TP_SUBMIT_REQ] = { .name = "btf_trace_io_uring_submit_req", .kind = BTF_KIND_TYPEDEF },
	[BTF_TP_SUBMIT_SQE] = { .name = "btf_trace_io_uring_submit_sqe", .kind = BTF_KIND_TYPEDEF },
	[BTF_TASK_BTF] = { .name = "BPF_FUNC_get_current_task_btf", .kind = BTF_KIND_ENUM },
};

static int read_btf_facts(const struct config *cfg, struct kernel_facts *facts, char *msg,
			  size_t msglen, bool *task_btf)
{
	struct btf_lookup q[KFUNC_MAX + IFLAG_MAX + BTF_EXTRA_MAX];
	const struct btf_lookup *extra = &q[KFUNC_MAX + IFLAG_MAX];
	const char *path = cfg->btf_path ? cfg->btf_path : "/sys/kernel/btf/vmlinux";
	const char *why = NULL;
	struct btf_file file;
	int i, err;

	for (i = 0; i < KFUNC_MAX; i++)
		q[i] = (struct btf_lookup){ .name = kernel_func_names[i], .kind = BTF_KIND_FUNC };
	for (i = 0; i < IFLAG_MAX; i++)
		q[KFUNC_MAX + i] = (struct btf_lookup){ .name = inet_flag_names[i],
							.kind = BTF_KIND_ENUM };
	memcpy(&q[KFUNC_MAX + IFLAG_MAX], btf_extra, sizeof(btf_extra));
	err = btf_file_open(path, true, &file);
	if (!err) {
		err = btf_lookup(file.data, file.size, q, sizeof(q) / sizeof(q[0]), &why);
		btf_file_close(&file);
	}
	if (err) {
		if (cfg->btf_path && why)
			snprintf(msg, msglen, "--btf %s: not a BTF file: %s", path, why);
		else if (cfg->btf_path)
			snprintf(msg, msglen, "--btf %s: %s (%s)", path, error_text(-err),
				 errno_str(-err));
		else if (err == -ENOENT)
			snprintf(msg, msglen, "this kernel has no BTF (%s): give one with --btf PATH",
				 path);
		else
			snprintf(msg, msglen, "%s: %s", path, why ? why : error_text(-err));
		return -1;
	}
	for (i = 0; i < KFUNC_MAX; i++)
		facts->func_id[i] = q[i].found ? (__u32)q[i].value : 0;
	for (i = 0; i < IFLAG_MAX; i++)
		facts->inet_flag[i] = q[KFUNC_MAX + i].found ? q[KFUNC_MAX + i].value : -1;
	facts->io_uring_bind = extra[BTF_OP_BIND].found;
	facts->io_uring_connect = extra[BTF_OP_CONNECT].found;
	if (extra[BTF_TP_SUBMIT_REQ].found)
		facts->io_uring_submit_tp = IO_URING_SUBMIT_REQ;
	else if (extra[BTF_TP_SUBMIT_SQE].found && extra[BTF_OP_SEND_ZC].found)
		facts->io_uring_submit_tp = IO_URING_SUBMIT_SQE;
	*task_btf = extra[BTF_TASK_BTF].found;
	return 0;
}

int read_kernel_facts(const struct config *cfg, struct kernel_facts *facts, char *msg,
		      size_t msglen)
{
	bool task_btf = false;

	memset(facts, 0, sizeof(*facts));
	if (read_btf_facts(cfg, facts, msg, msglen, &task_btf))
		return -1;
	facts->ipv6_module = access("/sys/module/ipv6", F_OK) == 0;
	probe_fexit(cfg, facts);
	/* The kprobe PMU is what libbpf attaches through; without it there are no kprobes. */
	facts->kprobes = access("/sys/bus/event_source/devices/kprobe/type", F_OK) == 0;
	facts->task_pt_regs = libbpf_probe_bpf_helper(BPF_PROG_TYPE_TRACEPOINT, BPF_FUNC_task_pt_regs,
						   NULL) > 0;
	facts->ringbuf = libbpf_probe_bpf_map_type(BPF_MAP_TYPE_RINGBUF, NULL) > 0;
	facts->runtime_alloc_warns = kernel_warns_on_runtime_alloc();
	facts->perf_events_restricted = perf_events_restricted();
	facts->tracepoints_ours = tracepoints_ours(facts->perf_events_restricted);
	facts->io_uring_disabled = io_uring_disabled();
	find_cgroup2_root(facts->cgroup2_root, sizeof(facts->cgroup2_root));
	probe_cgroup_sock(facts, task_btf);
	facts->sctp = sctp_can_bind();
	return 0;
}
