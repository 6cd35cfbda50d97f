/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * The last stage of the data path: a buffer record becomes a line of text.
 * Pure functions only (no I/O, no globals), so the unit tests and the fuzzer
 * call exactly what the tool runs.
 */
#ifndef FORMAT_H
#define FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "bindsnoop.h"
#include "owner.h"

/* Which optional columns are printed; the table layout follows from these. */
struct print_opts {
	bool wide;		/* -w: room for IPv6 addresses */
	bool timestamp;		/* -t: TIME(s) since the first event */
	bool print_uid;		/* -U */
	bool errors;		/* -E: failed binds too, RC column */
	bool owner;		/* --owner: OWNER column, last */
};

/*
 * What the kernel side reads for an output (each read costs on every bind):
 * the printer's own statement of what it prints, so the two cannot drift.
 */
struct event_fields {
	bool ts;		/* -t, JSON: the time */
	bool details;		/* JSON: tid, ppid and its comm, gid, namespace ids */
	bool cgroup;		/* JSON, --owner: the cgroup id, for the owner look-up */
	bool ifname;		/* -w, JSON: the bound device's name (at bind time) */
};

/* --count reads only address, port and family: none of these, even with -j. */
struct event_fields fields_for_output(const struct print_opts *po, bool json, bool count);

/* The event's device name (the kernel side's), or NULL when unbound or unknown. */
const char *event_ifname(const struct bind_event *e);

/*
 * bcc's row formats, which format_event() writes by hand (faster, same
 * bytes; the fuzzer holds it to these).
 */
#define ROW_FMT		"%8d %-12.12s %-4.4s %-15.15s %5d %-5s %2d"
#define ROW_FMT_WIDE	"%10d %-12.12s %-4s %-39s %5d %-5s %2d"

/* Longest line format_event() writes, escaped COMM included. */
#define LINE_MAX_LEN	8192
/* Longest escaped COMM: every byte as \xNN, plus the NUL. */
#define COMM_ESCAPED_LEN (TASK_COMM_LEN * 4 + 1)

/* Copy a buffer record into @e; -EINVAL if it is not one whole event. */
int decode_event(const void *data, size_t size, struct bind_event *e);

/* "F.N.." from BS_OPT_* bits; @out holds BS_OPT_COUNT + 1 bytes. */
void opts_to_str(__u8 opts, char *out);

/* "TCP", "UDP", ... by IPPROTO_* number; "UNKN" when the number has no name. */
const char *proto_name(__u16 protocol);

/* "bind", "io_uring", "listen", ... by BS_VIA_*; "unknown" past the last one. */
const char *via_name(__u8 via);

/*
 * --via: a comma-separated list of via_name()s -> a mask of 1 << BS_VIA_*.
 * Returns 0, or -EINVAL with *bad pointing at the first item that is
 * empty or not a name.
 */
int parse_via_list(const char *list, __u32 *mask, const char **bad);

/* inet_ntop() of an event address; "?" for a family that is neither. */
void addr_to_str(__u16 family, const __u8 addr[16], char *buf, size_t len);

/*
 * Printable ASCII as is, every other byte (and '\') as \xNN; stops at NUL or
 * @len. Returns the length written (without the NUL).
 */
size_t escape_comm(const char *comm, size_t len, char out[COMM_ESCAPED_LEN]);

/*
 * Header and rows of the event table; snprintf()-style return values.
 * @ifname is the name of e->bound_dev_if, or NULL when unbound or unknown;
 * only -w prints it (IFNAME column, "-" for NULL). @owner (--owner, the
 * OWNER column) may be NULL: "-".
 */
int format_header(char *buf, size_t len, const struct print_opts *po);
int format_event(char *buf, size_t len, const struct print_opts *po, const struct bind_event *e,
		 __u64 first_ts_ns, const char *ifname, const struct owner *owner);

/*
 * The OWNER column's word: "container:" and the id's first 12 digits, else
 * the unit, else the cgroup path (escaped like COMM, blanks too), else "-".
 */
void owner_word(const struct owner *o, char *buf, size_t len);

/* JSON string body of @s: quotes, backslashes and non-printable bytes escaped. */
void json_escape(const char *s, char *out, size_t len);

/*
 * -j: one JSON object per event, newline-terminated (schema: bindsnoop.8, JSON OUTPUT).
 * @realtime_offset_ns turns the event's CLOCK_MONOTONIC time into wall time.
 */
int format_event_json(char *buf, size_t len, const struct bind_event *e,
		      __s64 realtime_offset_ns, const char *ifname, const struct owner *owner);

/* "2026-11-25T02:40:00.123456789Z" for @ns since the epoch. */
void format_iso8601(__s64 ns, char *buf, size_t len);

/* --count: one row of the in-kernel table. */
struct count_row {
	struct count_key key;
	__u64 binds;
};

/* Most binds first; ties by family, port, then address, so output is stable. */
void sort_count_rows(struct count_row *rows, size_t n);
/* The typed build's table: a row for each complete slot of @slots[@n] into @rows; how many. */
size_t count_rows_from_slots(const struct count_slot *slots, size_t n, struct count_row *rows);
/* One row per key: a key that two slots held (bindsnoop.bpf.c) added up; how many are left. */
size_t merge_count_rows(struct count_row *rows, size_t n);
int format_count_header(char *buf, size_t len);
int format_count_row(char *buf, size_t len, const struct count_row *row);
/* --count --json: one element of the "counts" array (no separator). */
int format_count_row_json(char *buf, size_t len, const struct count_row *row);

#endif /* FORMAT_H */
