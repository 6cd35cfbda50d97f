/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * The systemd end of the data path: with --journal each event is one
 * journal entry (journal_fields.c) sent to journald instead of a line on
 * stdout, and losses are entries of their own at PRIORITY=4; and, in any
 * mode, READY=1 to the service manager once tracing is live.
 * Built without libsystemd, --journal is refused and READY is never sent.
 */
#ifndef JOURNAL_H
#define JOURNAL_H

#include <stdbool.h>
#include <linux/types.h>
#include "options.h"

struct printer;
struct bind_event;
struct owner;

/* Where journald listens; a --journal run without it stops at start. */
#define JOURNAL_SOCKET		"/run/systemd/journal/socket"

/*
 * --journal can run here: this build has libsystemd and journald's socket
 * is there. 0, or -errno with one line said on stderr. 0 without --journal.
 */
int journal_check(const struct config *cfg);

/* One event to the journal; a failed send is the printer's write error (exit 1). */
int journal_send_event(struct printer *printer, const struct bind_event *e,
		       const struct owner *owner);

/* Losses since the last report (or in total, @final) as one PRIORITY=4 entry. */
void journal_send_losses(__u64 lost, __u64 not_traced, bool final);

/*
 * Tracing is live: READY=1 to the service manager (nothing when
 * NOTIFY_SOCKET is not set), and with --journal an entry saying so, where
 * the banner would be on stderr (naming @backend, the one that attached).
 * Returns false when the banner is still to be printed (no --journal).
 */
bool announce_tracing(const struct config *cfg, const char *backend);

#endif /* JOURNAL_H */
