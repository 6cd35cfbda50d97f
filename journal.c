// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * --journal and sd_notify(): what bindsnoop says to systemd. The fields
 * are journal_fields.c's; this file only sends them (libsystemd).
 */
#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>
#include "journal.h"
#include "journal_fields.h"
#include "output.h"

#ifdef BINDSNOOP_LIBSYSTEMD
/* CODE_FILE=journal.c and friends would say nothing about the bind. */
#define SD_JOURNAL_SUPPRESS_LOCATION
#include <systemd/sd-daemon.h>
#include <systemd/sd-journal.h>

int journal_check(const struct config *cfg)
{
	struct stat st;

	if (!cfg->journal)
		return 0;
	if (stat(JOURNAL_SOCKET, &st)) {
		int err = errno;

		fprintf(stderr, "bindsnoop: --journal: %s: %s (is systemd-journald running?)\n",
			JOURNAL_SOCKET, error_text(err));
		return -err;
	}
	if (!S_ISSOCK(st.st_mode)) {
		fprintf(stderr, "bindsnoop: --journal: %s: not a socket\n", JOURNAL_SOCKET);
		return -ENOTSOCK;
	}
	return 0;
}

int journal_send_event(struct printer *printer, const struct bind_event *e,
		       const struct owner *owner)
{
	struct journal_entry entry;
	int n, err;

	n = journal_event_fields(&entry, &printer->cfg->print, e, printer->first_ts_ns,
				 printer->realtime_offset_ns, event_ifname(e),
				 printer->owners ? owner : NULL);
	err = sd_journal_sendv(entry.fields, n);
	if (err < 0) {
		output_failed(printer, -err);
		return err;
	}
	return 0;
}

void journal_send_losses(__u64 lost, __u64 not_traced, bool final)
{
	struct journal_entry entry;
	int n = journal_loss_fields(&entry, lost, not_traced, final);

	/* Never lost in silence: if journald will not take it, stderr (the unit's journal too). */
	if (n && sd_journal_sendv(entry.fields, n) < 0)
		fprintf(stderr, "bindsnoop: %.*s\n", (int)entry.fields[0].iov_len - 8,
			(const char *)entry.fields[0].iov_base + 8);
}

bool announce_tracing(const struct config *cfg, const char *backend)
{
	/* STATUS= is what systemctl status shows beside the unit's state. */
	int err = sd_notifyf(0, "READY=1\nSTATUS=tracing binds (%s backend)", backend);

	if (err < 0)
		fprintf(stderr, "bindsnoop: telling the service manager READY=1: %s\n",
			error_text(-err));
	if (!cfg->journal)
		return false;
	sd_journal_send("MESSAGE=tracing binds (%s backend)", backend, "PRIORITY=%d",
			JOURNAL_PRIORITY_INFO, "SYSLOG_IDENTIFIER=bindsnoop", "BIND_BACKEND=%s",
			backend, NULL);
	return true;
}

#else /* !BINDSNOOP_LIBSYSTEMD: a static build, say (tests/vmtest/cross-build.sh) */

int journal_check(const struct config *cfg)
{
	if (!cfg->journal)
		return 0;
	fprintf(stderr, "bindsnoop: --journal: this bindsnoop was built without libsystemd "
		"(build it with libsystemd-dev installed)\n");
	return -ENOTSUP;
}

int journal_send_event(struct printer *printer, const struct bind_event *e,
		       const struct owner *owner)
{
	(void)e;
	(void)owner;
	output_failed(printer, ENOTSUP);
	return -ENOTSUP;
}

void journal_send_losses(__u64 lost, __u64 not_traced, bool final)
{
	(void)lost;
	(void)not_traced;
	(void)final;
}

bool announce_tracing(const struct config *cfg, const char *backend)
{
	(void)cfg;
	(void)backend;
	return false;
}

#endif
