/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* Helpers a libbpf tool needs around its data path: argument parsing and kernel probing. */
#ifndef TRACE_HELPERS_H
#define TRACE_HELPERS_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#define PORT_BITMAP_BYTES (65536 / 8)

/*
 * Parse a whole decimal number in [min, max]. Returns 0, or -EINVAL (empty,
 * not a number, trailing junk, a sign) or -ERANGE (outside [min, max]).
 */
int parse_ulong(const char *str, unsigned long min, unsigned long max, unsigned long *out);

/*
 * Parse a duration in seconds, whole or with a fraction ("2", "0.5",
 * "1.250", as timeout(1) takes them; no sign, exponent or unit), into
 * nanoseconds in [min_ns, max_ns]. Returns 0, -EINVAL or -ERANGE (also for
 * more than 9 decimals, which nanoseconds cannot hold).
 */
int parse_seconds(const char *str, __u64 min_ns, __u64 max_ns, __u64 *out_ns);

/*
 * Parse "80,443,8000-8100" into a bitmap of ports 1..65535. On error returns
 * -EINVAL or -ERANGE and points *why at a static description of the cause.
 */
int parse_port_list(const char *str, __u8 bitmap[PORT_BITMAP_BYTES], const char **why);

/*
 * Names looked up in a kernel's BTF by reading its raw bytes in place: one
 * pass over the type section, no copy of it. libbpf 1.1's btf__parse() reads
 * the 5.5 MB file and then copies it, and fresh pages are what a start-up
 * pays for most (libbpf parses the same BTF again to load the object).
 */
struct btf_lookup {
	const char *name;
	/*
	 * BTF_KIND_FUNC: a function; BTF_KIND_ENUM: an enumerator of any enum
	 * or enum64; BTF_KIND_TYPEDEF: a typedef (btf_trace_NAME: the kernel
	 * has the tracepoint NAME for tp_btf programs)
	 */
	unsigned int kind;
	bool found;
	/* the function's or typedef's type id, or the enumerator's value */
	long long value;
};

/*
 * Answer every lookup in @q from the raw BTF @data (4-byte aligned), first
 * match wins. Returns 0, or -EINVAL with *why set when @data is not a
 * well-formed BTF of this machine's byte order.
 */
int btf_lookup(const void *data, size_t size, struct btf_lookup *q, size_t n, const char **why);

/* A BTF file mapped (or, where the kernel cannot map it, read) into memory. */
struct btf_file {
	void *data;
	size_t size;
	bool mapped;
};

/*
 * Map @path (when @may_map and the file system allows it), else read it
 * whole. Returns 0 or -errno; -EISDIR or -EINVAL for what is no regular file.
 */
int btf_file_open(const char *path, bool may_map, struct btf_file *f);
void btf_file_close(struct btf_file *f);

/*
 * Make the syscall tracepoints' ids readable: libbpf reads them from tracefs,
 * which a fresh boot may not have mounted. Returns 0 or -errno; *mounted
 * says whether this call mounted it.
 */
int ensure_tracefs(bool *mounted);

/* "5.10.0-46-amd64" -> 5, 10. Returns 0 or -EINVAL. */
int parse_kernel_release(const char *release, unsigned int *major, unsigned int *minor);

/*
 * Kernels 5.7 to 6.0 WARN (once, tainting) when a kprobe, tracepoint or
 * perf-event program uses a hash map made with BPF_F_NO_PREALLOC.
 */
bool release_warns_on_runtime_alloc(unsigned int major, unsigned int minor);

/*
 * Does @line of a modules.dep ("kernel/net/sctp/sctp.ko.xz: kernel/...")
 * list the module @name itself (sctp.ko, compressed or not; not
 * sctp_diag.ko, not a dependency after the colon)?
 */
bool modules_dep_line_is(const char *line, const char *name);

/*
 * What a backend does with its hook on a kernel function: attach it (the
 * function is in vmlinux's BTF, or its module is loaded and libbpf finds it
 * in the module's BTF), leave it out (the function is optional: MPTCP, or
 * IPv6 when it is not loaded at all), or give up (inet_bind missing).
 */
enum hook_use { HOOK_ATTACH, HOOK_LEAVE_OUT, HOOK_REFUSE };
enum hook_use decide_hook(bool in_vmlinux, bool module_loaded, bool optional);

/* Does the calling process hold what loading BPF tracing programs needs? */
bool have_bpf_privileges(void);

/* ... and what loading a networking program (cgroup post_bind) needs: CAP_NET_ADMIN or CAP_SYS_ADMIN? */
bool have_net_admin(void);

/* Does the calling process hold capability @cap (CAP_*) in its effective set? */
bool have_capability(int cap);

/*
 * ENOTSUPP, an errno of the kernel's own (include/linux/errno.h) that bpf(2)
 * returns, for example when an architecture has no BPF trampolines for a
 * function; libc neither names nor describes it.
 */
#define KERNEL_ENOTSUPP 524

/* strerror(), plus a text for KERNEL_ENOTSUPP instead of "Unknown error 524". */
const char *error_text(int err);

/* Errno name ("EADDRINUSE") for a positive errno, or NULL when unknown. */
const char *errno_name(int err);

/* The same, "?" when unknown: for diagnostics. */
const char *errno_str(int err);

#endif /* TRACE_HELPERS_H */
