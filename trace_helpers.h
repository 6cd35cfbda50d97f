/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* Helpers a libbpf tool needs around its data path: argument parsing and kernel probing. */
#ifndef TRACE_HELPERS_H
#define TRACE_HELPERS_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

struct btf;

#define PORT_BITMAP_BYTES (65536 / 8)

/*
 * Parse a whole decimal number in [min, max]. Returns 0, or -EINVAL (empty,
 * not a number, trailing junk, a sign) or -ERANGE (outside [min, max]).
 */
int parse_ulong(const char *str, unsigned long min, unsigned long max, unsigned long *out);

/*
 * Parse "80,443,8000-8100" into a bitmap of ports 1..65535. On error returns
 * -EINVAL or -ERANGE and points *why at a static description of the cause.
 */
int parse_port_list(const char *str, __u8 bitmap[PORT_BITMAP_BYTES], const char **why);

/* Value of the enumerator @name in any enum of @btf, named or not. */
int btf_enum_value(const struct btf *btf, const char *name, long long *value);

/* Is there a function called @name in @btf (i.e. in the kernel)? */
bool btf_has_func(const struct btf *btf, const char *name);

/*
 * Make the syscall tracepoints' ids readable: libbpf reads them from tracefs,
 * which a fresh boot may not have mounted. Returns 0 or -errno; *mounted
 * says whether this call mounted it.
 */
int ensure_tracefs(bool *mounted);

/* Does the calling process hold what loading BPF tracing programs needs? */
bool have_bpf_privileges(void);

/* Errno name ("EADDRINUSE") for a positive errno, or NULL when unknown. */
const char *errno_name(int err);

#endif /* TRACE_HELPERS_H */
