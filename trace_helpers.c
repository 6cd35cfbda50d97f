// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <linux/capability.h>
#include <linux/btf.h>
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

int parse_seconds(const char *str, __u64 min_ns, __u64 max_ns, __u64 *out_ns)
{
	const char *dot = str ? strchr(str, '.') : NULL;
	unsigned long whole = 0, frac = 0;
	char buf[24];
	size_t wlen, flen, i;
	__u64 ns;
	int err;

	if (!str)
		return -EINVAL;
	wlen = dot ? (size_t)(dot - str) : strlen(str);
	flen = dot ? strlen(dot + 1) : 0;
	/* "5." and ".5" are not what a user means to type; say so rather than guess. */
	if (wlen == 0 || (dot && flen == 0) || wlen >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, str, wlen);
	buf[wlen] = '\0';
	err = parse_ulong(buf, 0, ULONG_MAX, &whole);
	if (err)
		return err;
	for (i = 0; i < flen; i++)
		if (!isdigit((unsigned char)dot[1 + i]))
			return -EINVAL;
	if (flen > 9)
		return -ERANGE;
	for (i = 0; i < 9; i++)
		frac = frac * 10 + (i < flen ? (unsigned long)(dot[1 + i] - '0') : 0);
	if (whole > max_ns / 1000000000ULL)
		return -ERANGE;
	ns = (__u64)whole * 1000000000ULL + frac;
	if (ns < min_ns || ns > max_ns)
		return -ERANGE;
	*out_ns = ns;
	return 0;
}

int parse_kernel_release(const char *release, unsigned int *major, unsigned int *minor)
{
	unsigned long ma, mi;
	char buf[16];
	const char *dot, *end;
	size_t len;

	if (!release)
		return -EINVAL;
	dot = strchr(release, '.');
	if (!dot)
		return -EINVAL;
	len = (size_t)(dot - release);
	if (len == 0 || len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, release, len);
	buf[len] = '\0';
	if (parse_ulong(buf, 0, 1000, &ma))
		return -EINVAL;
	for (end = dot + 1; isdigit((unsigned char)*end); end++)
		;
	len = (size_t)(end - dot - 1);
	if (len == 0 || len >= sizeof(buf) || (*end && *end != '.' && *end != '-' && *end != '+'))
		return -EINVAL;
	memcpy(buf, dot + 1, len);
	buf[len] = '\0';
	if (parse_ulong(buf, 0, 1000, &mi))
		return -EINVAL;
	*major = (unsigned int)ma;
	*minor = (unsigned int)mi;
	return 0;
}

bool release_warns_on_runtime_alloc(unsigned int major, unsigned int minor)
{
	unsigned int v = major * 1000 + minor;

	return v >= 5007 && v < 6001;
}

bool modules_dep_line_is(const char *line, const char *name)
{
	const char *colon = strchr(line, ':'), *base, *p;
	size_t n = strlen(name);

	if (!colon || !n)
		return false;
	/* the file's name: after the last '/' before the colon */
	for (base = p = line; p < colon; p++)
		if (*p == '/')
			base = p + 1;
	if ((size_t)(colon - base) < n + 3 || strncmp(base, name, n) || strncmp(base + n, ".ko", 3))
		return false;
	/* sctp.ko, or a compressed sctp.ko.xz / .zst / .gz */
	return base + n + 3 == colon || base[n + 3] == '.';
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

/* Bytes that follow struct btf_type for a type of this kind, or -1 for a kind unknown. */
static long btf_type_extra(__u32 kind, __u32 vlen)
{
	switch (kind) {
	case BTF_KIND_PTR: case BTF_KIND_FWD: case BTF_KIND_TYPEDEF: case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST: case BTF_KIND_RESTRICT: case BTF_KIND_FUNC: case BTF_KIND_FLOAT:
	case BTF_KIND_TYPE_TAG:
		return 0;
	case BTF_KIND_INT: case BTF_KIND_VAR: case BTF_KIND_DECL_TAG:
		return 4;
	case BTF_KIND_ARRAY:
		return sizeof(struct btf_array);
	case BTF_KIND_STRUCT: case BTF_KIND_UNION:
		return (long)vlen * sizeof(struct btf_member);
	case BTF_KIND_ENUM:
		return (long)vlen * sizeof(struct btf_enum);
	case BTF_KIND_FUNC_PROTO:
		return (long)vlen * sizeof(struct btf_param);
	case BTF_KIND_DATASEC:
		return (long)vlen * sizeof(struct btf_var_secinfo);
	case BTF_KIND_ENUM64:
		return (long)vlen * sizeof(struct btf_enum64);
	default:
		return -1;
	}
}

/* The raw BTF's strings, offsets checked. */
struct btf_strs {
	const char *base;
	__u32 len;
};

static bool btf_name_is(const struct btf_strs *strs, __u32 off, const char *name)
{
	/* Most names differ in the first byte: test it before calling strcmp(). */
	return off < strs->len && strs->base[off] == name[0] && strcmp(strs->base + off, name) == 0;
}

/* Record a match for each unanswered lookup of @kind named by @name_off. */
static void btf_match(const struct btf_strs *strs, __u32 name_off, __u32 kind, long long value,
		      struct btf_lookup *q, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (!q[i].found && q[i].kind == kind && btf_name_is(strs, name_off, q[i].name)) {
			q[i].found = true;
			q[i].value = value;
		}
	}
}

static int btf_bad(const char **why, const char *what)
{
	*why = what;
	return -EINVAL;
}

int btf_lookup(const void *data, size_t size, struct btf_lookup *q, size_t n, const char **why)
{
	const unsigned char *raw = data;
	const unsigned char *types;
	struct btf_header hdr;
	struct btf_strs strs;
	__u64 meta_len, off;
	__u32 id = 1;
	size_t i;

	for (i = 0; i < n; i++)
		q[i].found = false;
	if (size < sizeof(hdr))
		return btf_bad(why, "too short for a BTF header");
	memcpy(&hdr, raw, sizeof(hdr));
	if (hdr.magic != BTF_MAGIC)
		return btf_bad(why, hdr.magic == __builtin_bswap16(BTF_MAGIC) ?
				    "BTF of the other byte order" : "no BTF magic number");
	if (hdr.version != BTF_VERSION)
		return btf_bad(why, "unknown BTF version");
	if (hdr.hdr_len < sizeof(hdr) || hdr.hdr_len > size)
		return btf_bad(why, "bad BTF header length");
	meta_len = size - hdr.hdr_len;
	if ((__u64)hdr.type_off + hdr.type_len > meta_len ||
	    (__u64)hdr.str_off + hdr.str_len > meta_len)
		return btf_bad(why, "a BTF section ends past the end of the file");
	types = raw + hdr.hdr_len + hdr.type_off;
	if (((uintptr_t)types | hdr.type_len) % 4)
		return btf_bad(why, "BTF type section not aligned to 4 bytes");
	strs.base = (const char *)raw + hdr.hdr_len + hdr.str_off;
	strs.len = hdr.str_len;
	if (strs.len == 0 || strs.base[0] != '\0' || strs.base[strs.len - 1] != '\0')
		return btf_bad(why, "bad BTF string section");

	for (off = 0; off < hdr.type_len; id++) {
		const struct btf_type *t = (const void *)(types + off);
		__u32 kind, vlen, k;
		long extra;

		if (hdr.type_len - off < sizeof(*t))
			return btf_bad(why, "truncated BTF type");
		kind = BTF_INFO_KIND(t->info);
		vlen = BTF_INFO_VLEN(t->info);
		extra = btf_type_extra(kind, vlen);
		if (extra < 0)
			return btf_bad(why, "unknown BTF type kind");
		if (hdr.type_len - off - sizeof(*t) < (__u64)extra)
			return btf_bad(why, "truncated BTF type");

		if (kind == BTF_KIND_FUNC || kind == BTF_KIND_TYPEDEF) {
			btf_match(&strs, t->name_off, kind, id, q, n);
		} else if (kind == BTF_KIND_ENUM) {
			const struct btf_enum *e = (const void *)(t + 1);

			for (k = 0; k < vlen; k++)
				btf_match(&strs, e[k].name_off, BTF_KIND_ENUM, e[k].val, q, n);
		} else if (kind == BTF_KIND_ENUM64) {
			const struct btf_enum64 *e = (const void *)(t + 1);

			for (k = 0; k < vlen; k++)
				btf_match(&strs, e[k].name_off, BTF_KIND_ENUM,
					  (long long)((__u64)e[k].val_hi32 << 32 | e[k].val_lo32), q, n);
		}
		off += sizeof(*t) + extra;
	}
	return 0;
}

int btf_file_open(const char *path, bool may_map, struct btf_file *f)
{
	struct stat st;
	ssize_t got;
	size_t done = 0;
	int fd, err;

	memset(f, 0, sizeof(*f));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		err = -errno;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		err = S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
		goto out;
	}
	f->size = st.st_size;
	err = 0;
	if (f->size == 0)
		goto out;
	/* sysfs maps the kernel's BTF since 6.16; before, and for odd files, read it. */
	f->data = may_map ? mmap(NULL, f->size, PROT_READ, MAP_PRIVATE, fd, 0) : MAP_FAILED;
	if (f->data != MAP_FAILED) {
		f->mapped = true;
		goto out;
	}
	f->data = malloc(f->size);
	if (!f->data) {
		err = -ENOMEM;
		goto out;
	}
	while (done < f->size) {
		got = read(fd, (char *)f->data + done, f->size - done);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			err = got < 0 ? -errno : -EIO;
			btf_file_close(f);
			goto out;
		}
		done += got;
	}
out:
	close(fd);
	return err;
}

void btf_file_close(struct btf_file *f)
{
	if (f->mapped)
		munmap(f->data, f->size);
	else
		free(f->data);
	memset(f, 0, sizeof(*f));
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

/* The effective capability set; as root's where capget() fails (then only root is assumed able). */
static __u64 effective_caps(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = {};

	if (syscall(SYS_capget, &hdr, data))
		return geteuid() == 0 ? ~0ULL : 0;
	return data[0].effective | ((__u64)data[1].effective << 32);
}

#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#define CAP_BPF 39
#endif

bool have_bpf_privileges(void)
{
	__u64 eff = effective_caps();

	if (eff & (1ULL << CAP_SYS_ADMIN))
		return true;
	return (eff & (1ULL << CAP_BPF)) && (eff & (1ULL << CAP_PERFMON));
}

bool have_net_admin(void)
{
	return effective_caps() & (1ULL << CAP_NET_ADMIN | 1ULL << CAP_SYS_ADMIN);
}

bool have_capability(int cap)
{
	return cap >= 0 && cap <= 63 && (effective_caps() & (1ULL << cap));
}

enum hook_use decide_hook(bool in_vmlinux, bool module_loaded, bool optional)
{
	if (in_vmlinux || module_loaded)
		return HOOK_ATTACH;
	return optional ? HOOK_LEAVE_OUT : HOOK_REFUSE;
}

const char *error_text(int err)
{
	/* The kernel's own ENOTSUPP leaks out of bpf(2); libc has no text for it. */
	if (err == KERNEL_ENOTSUPP)
		return "Operation not supported by this kernel";
	return strerror(err);
}

const char *errno_str(int err)
{
	const char *name = errno_name(err);

	return name ? name : "?";
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
		{ EMFILE, "EMFILE" },
		{ KERNEL_ENOTSUPP, "ENOTSUPP" },
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].err == err && err != 0)
			return names[i].name;
	return NULL;
}
