/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * --journal: an event becomes one journal entry, "KEY=value" fields that
 * name the same things as the JSON keys (bindsnoop.8, JOURNAL FIELDS).
 * Pure: built from format.c's formatters, no I/O, so the unit tests check
 * every field; journal.c hands the entry to journald.
 */
#ifndef JOURNAL_FIELDS_H
#define JOURNAL_FIELDS_H

#include <sys/uio.h>
#include "format.h"

/* Every bind event's entry carries this MESSAGE_ID: journalctl MESSAGE_ID=... selects them. */
#define JOURNAL_ID_BIND		"bf79dc5cc88b43669d600639b812d90d"
/* Losses (buffer full, entry map full): PRIORITY=4, with BIND_LOST= / BIND_NOT_TRACED=. */
#define JOURNAL_ID_LOST		"ef7a4a85d65e4c65b4af9f85c8b2827e"

/* syslog(3) priorities, as the journal's PRIORITY= field takes them. */
#define JOURNAL_PRIORITY_WARNING 4
#define JOURNAL_PRIORITY_INFO	6

/* Fields of one entry: the fixed ones, an optional few and one per socket option. */
#define JOURNAL_FIELDS_MAX	48
/* Their text: the escaped COMMs, the cgroup path (twice: CGROUP and OWNER) and the row. */
#define JOURNAL_TEXT_MAX	(LINE_MAX_LEN + 4 * OWNER_PATH_MAX * 4 + 2048)

struct journal_entry {
	struct iovec fields[JOURNAL_FIELDS_MAX];
	int nfields;
	size_t used;		/* of text */
	char text[JOURNAL_TEXT_MAX];
};

/*
 * Fill @j with @e's fields. MESSAGE= is @po's table row (the columns the
 * command line asked for, leading blanks and newline cut); @owner may be
 * NULL (no cgroup look-up), and a field with no value is left out rather
 * than sent empty. Returns the number of fields.
 */
int journal_event_fields(struct journal_entry *j, const struct print_opts *po,
			 const struct bind_event *e, __u64 first_ts_ns, __s64 realtime_offset_ns,
			 const char *ifname, const struct owner *owner);

/*
 * Fill @j with a loss report: @lost events dropped (buffer full) and
 * @not_traced binds not traced (entry map full) since the last one, or in
 * total when @final. Returns the number of fields; 0 when both are 0.
 */
int journal_loss_fields(struct journal_entry *j, __u64 lost, __u64 not_traced, bool final);

/* The value of field @key in @j ("" for KEY= sent empty), or NULL; the first of repeated ones. */
const char *journal_field(const struct journal_entry *j, const char *key, char *buf, size_t len);

#endif /* JOURNAL_FIELDS_H */
