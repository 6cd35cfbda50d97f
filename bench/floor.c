// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * floor: attach bench/floor.bpf.c's empty programs on the hooks that
 * bindsnoop's backend B uses on this kernel, say so on stderr the way
 * bindsnoop does ("Tracing binds ..."), and wait for SIGINT.
 *
 *   floor --backend fentry|kprobe|tracepoint [--no-compat] [--autobind]
 *
 * The tracepoint set follows bindsnoop's plan: sys_exit_bind alone where
 * tracepoint programs have bpf_task_pt_regs() (5.15+), the enter/exit pair
 * before; plus the raw sys_exit program where the kernel runs 32-bit x86
 * programs, unless --no-compat (what that program costs every syscall is
 * the difference); the listen syscall's pair; io_uring's two where the
 * kernel has IORING_OP_BIND; and cgroup post_bind4/6 at the cgroup2 root
 * (they run after every successful inet bind of the host) where bindsnoop
 * attaches its own (plan.c's plan_kernel_sockets(): CAP_NET_ADMIN, a cgroup2
 * mount, and the program type's helpers). --autobind adds, on any backend,
 * the syscall tracepoints of connect() and the sends at entry and exit, as
 * bindsnoop --autobind does (plan.c's plan_autobind()). Where SCTP can take
 * a port, bindsnoop's bindx hooks: fexit or kprobe+kretprobe on
 * __sys_setsockopt(), the setsockopt syscall's pair for the tracepoint
 * backend (or without that function). (A bench tool: it asks libbpf and
 * the files, not bindsnoop's own facts.)
 */
#include <errno.h>
#include <fcntl.h>
#include <mntent.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/capability.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "floor.skel.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static const char *const fentry_set[] = { "floor_fexit_inet_bind", "floor_fexit_inet6_bind",
					  "floor_fentry_inet_listen", "floor_fexit_inet_listen", NULL };
static const char *const kprobe_set[] = { "floor_kprobe_inet_bind", "floor_kretprobe_inet_bind",
					  "floor_kprobe_inet6_bind", "floor_kretprobe_inet6_bind",
					  "floor_kprobe_inet_listen", "floor_kretprobe_inet_listen",
					  NULL };
static const char *const autobind_set[] = { "floor_tp_enter_connect", "floor_tp_exit_connect",
					    "floor_tp_enter_sendto", "floor_tp_exit_sendto",
					    "floor_tp_enter_sendmsg", "floor_tp_exit_sendmsg",
					    "floor_tp_enter_sendmmsg", "floor_tp_exit_sendmmsg",
					    NULL };

#define MAX_PROGS 24

/* SCTP loaded, built in, or in this kernel's modules.dep (as kernel_facts.c asks). */
static bool sctp_can_bind(void)
{
	static const char *const dirs[] = { "/lib/modules", "/usr/lib/modules" };
	char path[256], line[1024];
	struct utsname u;
	bool found = false;
	size_t i;

	if (!access("/proc/net/sctp", F_OK) || !access("/sys/module/sctp", F_OK))
		return true;
	if (uname(&u))
		return false;
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]) && !found; i++) {
		FILE *f;

		snprintf(path, sizeof(path), "%s/%s/modules.dep", dirs[i], u.release);
		f = fopen(path, "r");
		while (f && !found && fgets(line, sizeof(line), f))
			found = strstr(line, "/sctp.ko") && strstr(line, "/sctp.ko") < strchr(line, ':');
		if (f)
			fclose(f);
	}
	return found;
}

static bool kernel_has_func(const char *name)
{
	struct btf *vmlinux = btf__load_vmlinux_btf();
	bool found = vmlinux && btf__find_by_name_kind(vmlinux, name, BTF_KIND_FUNC) > 0;

	btf__free(vmlinux);
	return found;
}

/* An enumerator of any enum in the kernel's BTF (IORING_OP_BIND: io_uring binds, 6.11+). */
static bool kernel_has_enumerator(const char *name)
{
	struct btf *vmlinux = btf__load_vmlinux_btf();
	bool found = false;
	__u32 id, n = vmlinux ? btf__type_cnt(vmlinux) : 0;

	for (id = 1; id < n && !found; id++) {
		const struct btf_type *t = btf__type_by_id(vmlinux, id);
		const struct btf_enum *e;
		__u16 k;

		if (!btf_is_enum(t))
			continue;
		e = btf_enum(t);
		for (k = 0; k < btf_vlen(t) && !found; k++)
			found = !strcmp(btf__name_by_offset(vmlinux, e[k].name_off), name);
	}
	btf__free(vmlinux);
	return found;
}

/* kernel.io_uring_disabled is 2: no ring can be made, and bindsnoop hooks none. */
static bool io_uring_off(void)
{
	FILE *f = fopen("/proc/sys/kernel/io_uring_disabled", "r");
	int v = 0;

	if (f) {
		if (fscanf(f, "%d", &v) != 1)
			v = 0;
		fclose(f);
	}
	return v == 2;
}

/* The first cgroup2 mount's directory ("" where none is), as bindsnoop finds it. */
static void cgroup2_root(char *root, size_t size)
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

/* CAP_NET_ADMIN (or CAP_SYS_ADMIN) in the effective set: loading a cgroup sock program takes it. */
static bool have_net_admin(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = {};

	if (syscall(SYS_capget, &hdr, data))
		return geteuid() == 0;
	return data[0].effective & (1u << CAP_NET_ADMIN | 1u << CAP_SYS_ADMIN);
}

/*
 * Where bindsnoop's tracepoint backend attaches its post_bind programs (no
 * -c, --unit or --container here): CAP_NET_ADMIN, a cgroup2 mount, and the
 * helpers its programs call offered to that program type.
 */
static bool post_bind_attached(const char *root)
{
	enum bpf_prog_type t = BPF_PROG_TYPE_CGROUP_SOCK;

	if (!have_net_admin() || !root[0])
		return false;
	return libbpf_probe_bpf_helper(t, BPF_FUNC_probe_read_kernel, NULL) > 0 &&
	       libbpf_probe_bpf_helper(t, BPF_FUNC_get_current_task, NULL) > 0 &&
	       (!kernel_has_enumerator("BPF_FUNC_get_current_task_btf") ||
		libbpf_probe_bpf_helper(t, BPF_FUNC_get_current_task_btf, NULL) > 0);
}

static struct bpf_link *attach_prog(struct bpf_program *prog, const char *root)
{
	struct bpf_link *link;
	int fd;

	if (bpf_program__type(prog) != BPF_PROG_TYPE_CGROUP_SOCK)
		return bpf_program__attach(prog);
	fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	link = bpf_program__attach_cgroup(prog, fd);
	close(fd);
	return link;
}

int main(int argc, char **argv)
{
	const char *tp_set[MAX_PROGS] = { NULL }, *set[MAX_PROGS] = { NULL };
	const char *const *backend_set;
	struct bpf_link *links[MAX_PROGS] = { NULL };
	char root[256] = "";
	struct floor_bpf *skel = NULL;
	struct bpf_program *prog;
	bool compat = true, autobind = false;
	int i, n = 0, nset = 0, err = 1;

	for (; argc > 3; argc--) {
		if (!strcmp(argv[argc - 1], "--no-compat"))
			compat = false;
		else if (!strcmp(argv[argc - 1], "--autobind"))
			autobind = true;
		else
			break;
	}
	if (argc != 3 || strcmp(argv[1], "--backend")) {
		fprintf(stderr, "usage: floor --backend fentry|kprobe|tracepoint [--no-compat] [--autobind]\n");
		return 64;
	}
	if (!strcmp(argv[2], "fentry")) {
		backend_set = fentry_set;
	} else if (!strcmp(argv[2], "kprobe")) {
		backend_set = kprobe_set;
	} else if (!strcmp(argv[2], "tracepoint")) {
		int k = 0;

		if (libbpf_probe_bpf_helper(BPF_PROG_TYPE_TRACEPOINT, BPF_FUNC_task_pt_regs, NULL) > 0) {
			tp_set[k++] = "floor_tp_exit_bind";
		} else {
			tp_set[k++] = "floor_tp_enter_bind";
			tp_set[k++] = "floor_tp_exit_bind";
		}
		if (compat && kernel_has_func("__ia32_sys_bind"))
			tp_set[k++] = "floor_tp_compat_exit";
		tp_set[k++] = "floor_tp_enter_listen";
		tp_set[k++] = "floor_tp_exit_listen";
		if (kernel_has_enumerator("IORING_OP_BIND") && !io_uring_off()) {
			tp_set[k++] = "floor_tp_io_uring_submit";
			tp_set[k++] = "floor_tp_io_uring_complete";
		}
		cgroup2_root(root, sizeof(root));
		if (post_bind_attached(root)) {
			tp_set[k++] = "floor_cg_post_bind4";
			tp_set[k++] = "floor_cg_post_bind6";
		}
		backend_set = tp_set;
	} else {
		fprintf(stderr, "floor: --backend %s: unknown backend\n", argv[2]);
		return 64;
	}

	for (i = 0; backend_set[i]; i++)
		set[nset++] = backend_set[i];
	if (sctp_can_bind()) {
		bool func = kernel_has_func("__sys_setsockopt");

		if (func && backend_set == fentry_set) {
			set[nset++] = "floor_fexit_sys_setsockopt";
		} else if (func && backend_set == kprobe_set) {
			set[nset++] = "floor_kretprobe_sys_setsockopt";
			set[nset++] = "floor_kprobe_sys_setsockopt";
		} else {
			set[nset++] = "floor_tp_exit_setsockopt";
			set[nset++] = "floor_tp_enter_setsockopt";
		}
	}
	for (i = 0; autobind && autobind_set[i]; i++)
		set[nset++] = autobind_set[i];

	skel = floor_bpf__open();
	if (!skel) {
		fprintf(stderr, "floor: opening the BPF object: %s\n", strerror(errno));
		return 1;
	}
	bpf_object__for_each_program(prog, skel->obj)
		bpf_program__set_autoload(prog, false);
	for (i = 0; set[i]; i++) {
		prog = bpf_object__find_program_by_name(skel->obj, set[i]);
		if (!prog) {
			fprintf(stderr, "floor: no program %s in this build\n", set[i]);
			goto out;
		}
		bpf_program__set_autoload(prog, true);
	}
	if (floor_bpf__load(skel)) {
		fprintf(stderr, "floor: --backend %s: the kernel refused the programs: %s\n", argv[2],
			strerror(errno));
		goto out;
	}
	for (i = 0; set[i]; i++) {
		links[n] = attach_prog(bpf_object__find_program_by_name(skel->obj, set[i]), root);
		if (!links[n]) {
			fprintf(stderr, "floor: --backend %s: attaching %s: %s\n", argv[2], set[i],
				strerror(errno));
			goto out;
		}
		n++;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	fprintf(stderr, "Tracing binds ... (floor: %d empty programs for %s)\n", n, argv[2]);
	while (!stop)
		pause();
	err = 0;
out:
	while (n > 0)
		bpf_link__destroy(links[--n]);
	floor_bpf__destroy(skel);
	return err;
}
