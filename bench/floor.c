// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * floor: attach bench/floor.bpf.c's empty programs on the hooks that
 * bindsnoop's backend B uses on this kernel, say so on stderr the way
 * bindsnoop does ("Tracing binds ..."), and wait for SIGINT.
 *
 *   floor --backend fentry|kprobe|tracepoint [--no-compat]
 *
 * The tracepoint set follows bindsnoop's plan: sys_exit_bind alone where
 * tracepoint programs have bpf_task_pt_regs() (5.15+), the enter/exit pair
 * before; plus the raw sys_exit program where the kernel runs 32-bit x86
 * programs, unless --no-compat (what that program costs every syscall is
 * the difference); the listen syscall's pair; io_uring's two where the
 * kernel has IORING_OP_BIND. Where SCTP can take a port, bindsnoop's bindx
 * hooks: fexit or kprobe+kretprobe on __sys_setsockopt(), the setsockopt
 * syscall's pair for the tracepoint backend (or without that function).
 * (A bench tool: it asks libbpf and the files, not bindsnoop's own facts.)
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
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

int main(int argc, char **argv)
{
	const char *tp_set[12] = { NULL }, *const *set, *with_bindx[12] = { NULL };
	struct bpf_link *links[12] = { NULL };
	struct floor_bpf *skel = NULL;
	struct bpf_program *prog;
	bool compat = true;
	int i, n = 0, err = 1;

	if (argc == 4 && !strcmp(argv[3], "--no-compat")) {
		compat = false;
		argc--;
	}
	if (argc != 3 || strcmp(argv[1], "--backend")) {
		fprintf(stderr, "usage: floor --backend fentry|kprobe|tracepoint [--no-compat]\n");
		return 64;
	}
	if (!strcmp(argv[2], "fentry")) {
		set = fentry_set;
	} else if (!strcmp(argv[2], "kprobe")) {
		set = kprobe_set;
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
		set = tp_set;
	} else {
		fprintf(stderr, "floor: --backend %s: unknown backend\n", argv[2]);
		return 64;
	}

	if (sctp_can_bind()) {
		bool func = kernel_has_func("__sys_setsockopt");

		for (i = 0; set[i]; i++)
			with_bindx[i] = set[i];
		if (func && set == fentry_set) {
			with_bindx[i++] = "floor_fexit_sys_setsockopt";
		} else if (func && set == kprobe_set) {
			with_bindx[i++] = "floor_kretprobe_sys_setsockopt";
			with_bindx[i++] = "floor_kprobe_sys_setsockopt";
		} else {
			with_bindx[i++] = "floor_tp_exit_setsockopt";
			with_bindx[i++] = "floor_tp_enter_setsockopt";
		}
		set = with_bindx;
	}
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
		links[n] = bpf_program__attach(bpf_object__find_program_by_name(skel->obj, set[i]));
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
