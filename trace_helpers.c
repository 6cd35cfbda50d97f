// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <linux/capability.h>
#include <bpf/btf.h>
#include "trace_helpers.h"

int parse_ulong(const char *str, unsigned long min, unsigned long max, unsigned long *out)
{
	unsigned long val;
	char *end;

	/* strtoul() accepts leading blanks and signs ("-1" is ULONG_MAX): refuse them. */
	if (!str || !isdigit((unsigned char)str[0]))
		return -EINVAL;
	errno = 0;
	val = strtoul(str, &end, 10);
	if (*end != '\0')
		return -EINVAL;
	if (errno == ERANGE || val < min || val > max)
		return -ERANGE;
	*out = val;
	return 0;
}

/* Parse one "N" or "N-M" item of length @len. */
static int parse_port_item(const char *item, size_t len, unsigned long *lo, unsigned long *hi,
			   const char **why)
{
	char buf[16], *dash;
	int err;

	if (len == 0) {
		*why = "empty item";
		return -EINVAL;
	}
	if (len >= sizeof(buf)) {
		*why = "item too long";
		return -EINVAL;
	}
	memcpy(buf, item, len);
	buf[len] = '\0';

	dash = strchr(buf, '-');
	if (dash)
		*dash = '\0';
	err = parse_ulong(buf, 1, 65535, lo);
	if (!err && dash)
		err = parse_ulong(dash + 1, 1, 65535, hi);
	else if (!err)
		*hi = *lo;
	if (err) {
		*why = err == -ERANGE ? "port out of range 1-65535" : "not a port number";
		return err;
	}
	if (*hi < *lo) {
		*why = "reversed range";
		return -EINVAL;
	}
	return 0;
}

int parse_port_list(const char *str, __u8 bitmap[PORT_BITMAP_BYTES], const char **why)
{
	const char *item = str;

	memset(bitmap, 0, PORT_BITMAP_BYTES);
	for (;;) {
		const char *comma = strchr(item, ',');
		size_t len = comma ? (size_t)(comma - item) : strlen(item);
		unsigned long lo, hi, port;
		int err;

		err = parse_port_item(item, len, &lo, &hi, why);
		if (err)
			return err;
		for (port = lo; port <= hi; port++)
			bitmap[port >> 3] |= 1u << (port & 7);
		if (!comma)
			return 0;
		item = comma + 1;
	}
}

int btf_enum_value(const struct btf *btf, const char *name, long long *value)
{
	__u32 id, n = btf__type_cnt(btf);

	for (id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		__u16 i, vlen = btf_vlen(t);

		if (btf_is_enum(t)) {
			const struct btf_enum *e = btf_enum(t);

			for (i = 0; i < vlen; i++, e++) {
				const char *s = btf__name_by_offset(btf, e->name_off);

				/* A name offset past the strings: libbpf accepts the BTF, gives NULL. */
				if (s && strcmp(s, name) == 0) {
					*value = e->val;
					return 0;
				}
			}
		} else if (btf_is_enum64(t)) {
			const struct btf_enum64 *e = btf_enum64(t);

			for (i = 0; i < vlen; i++, e++) {
				const char *s = btf__name_by_offset(btf, e->name_off);

				if (s && strcmp(s, name) == 0) {
					*value = (long long)btf_enum64_value(e);
					return 0;
				}
			}
		}
	}
	return -ENOENT;
}

bool btf_has_func(const struct btf *btf, const char *name)
{
	return btf__find_by_name_kind(btf, name, BTF_KIND_FUNC) > 0;
}

int ensure_tracefs(bool *mounted)
{
	*mounted = false;
	struct stat st;

	/*
	 * libbpf 1.x looks in debugfs's tracing/ first, then in tracefs. stat(),
	 * not access(): access() checks the real uid, and a non-root user with
	 * CAP_DAC_READ_SEARCH can read tracefs but not "access" it.
	 */
	if (stat("/sys/kernel/debug/tracing/events/syscalls", &st) == 0 ||
	    stat("/sys/kernel/tracing/events/syscalls", &st) == 0)
		return 0;
	if (errno == EACCES)
		return -EACCES;	/* mounted, but not ours to read */
	if (mount("tracefs", "/sys/kernel/tracing", "tracefs", 0, NULL))
		return -errno;
	*mounted = true;
	return 0;
}

bool have_bpf_privileges(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = {};
	__u64 eff;

	if (syscall(SYS_capget, &hdr, data))
		return geteuid() == 0;
	eff = data[0].effective | ((__u64)data[1].effective << 32);
#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#define CAP_BPF 39
#endif
	if (eff & (1ULL << CAP_SYS_ADMIN))
		return true;
	return (eff & (1ULL << CAP_BPF)) && (eff & (1ULL << CAP_PERFMON));
}

const char *errno_name(int err)
{
	/* The errors bind() and our own setup can return; others print as numbers. */
	static const struct {
		int err;
		const char *name;
	} names[] = {
		{ EPERM, "EPERM" },
		{ ENOENT, "ENOENT" },
		{ EINTR, "EINTR" },
		{ EIO, "EIO" },
		{ EBADF, "EBADF" },
		{ EAGAIN, "EAGAIN" },
		{ ENOMEM, "ENOMEM" },
		{ EACCES, "EACCES" },
		{ EFAULT, "EFAULT" },
		{ EBUSY, "EBUSY" },
		{ EEXIST, "EEXIST" },
		{ ENODEV, "ENODEV" },
		{ ENOTDIR, "ENOTDIR" },
		{ EISDIR, "EISDIR" },
		{ EINVAL, "EINVAL" },
		{ ENOSPC, "ENOSPC" },
		{ ERANGE, "ERANGE" },
		{ ENOSYS, "ENOSYS" },
		{ ENOTSOCK, "ENOTSOCK" },
		{ EDESTADDRREQ, "EDESTADDRREQ" },
		{ EPROTOTYPE, "EPROTOTYPE" },
		{ ENOPROTOOPT, "ENOPROTOOPT" },
		{ EPROTONOSUPPORT, "EPROTONOSUPPORT" },
		{ EOPNOTSUPP, "EOPNOTSUPP" },
		{ EAFNOSUPPORT, "EAFNOSUPPORT" },
		{ EADDRINUSE, "EADDRINUSE" },
		{ EADDRNOTAVAIL, "EADDRNOTAVAIL" },
		{ ENETDOWN, "ENETDOWN" },
		{ ENETUNREACH, "ENETUNREACH" },
		{ ENOBUFS, "ENOBUFS" },
		{ EISCONN, "EISCONN" },
		{ ENOTCONN, "ENOTCONN" },
		{ ETIMEDOUT, "ETIMEDOUT" },
		{ ECONNREFUSED, "ECONNREFUSED" },
		{ EALREADY, "EALREADY" },
		{ EINPROGRESS, "EINPROGRESS" },
		{ E2BIG, "E2BIG" },
		{ ESRCH, "ESRCH" },
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].err == err && err != 0)
			return names[i].name;
	return NULL;
}
