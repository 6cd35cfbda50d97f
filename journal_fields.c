// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * --journal's fields: one bind event, or one loss report, as "KEY=value"
 * strings for sd_journal_sendv(). The values are format.c's, so the
 * journal, the table and JSON never disagree on how a thing is written.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <net/if.h>
#include "journal_fields.h"
#include "trace_helpers.h"

static const char *const option_names[BS_OPT_COUNT] = {
	"IP_FREEBIND", "IP_TRANSPARENT", "IP_BIND_ADDRESS_NO_PORT", "SO_REUSEADDR", "SO_REUSEPORT",
};

static void entry_reset(struct journal_entry *j)
{
	j->nfields = 0;
	j->used = 0;
}

/*
 * One "KEY=value" field; a value that does not fit is cut (never past
 * text[]), a field past JOURNAL_FIELDS_MAX is dropped: neither happens with
 * the sizes above, which the unit tests hold to the longest event.
 */
__attribute__((format(printf, 3, 4)))
static void add_field(struct journal_entry *j, const char *key, const char *fmt, ...)
{
	size_t room = sizeof(j->text) - j->used;
	char *at = j->text + j->used;
	va_list ap;
	int k, v;

	if (j->nfields >= JOURNAL_FIELDS_MAX || room < 2)
		return;
	k = snprintf(at, room, "%s=", key);
	if (k < 0 || (size_t)k >= room)
		return;
	va_start(ap, fmt);
	v = vsnprintf(at + k, room - (size_t)k, fmt, ap);
	va_end(ap);
	if (v < 0)
		return;
	if ((size_t)(k + v) >= room)
		v = (int)(room - (size_t)k - 1);
	j->fields[j->nfields].iov_base = at;
	j->fields[j->nfields].iov_len = (size_t)(k + v);
	j->nfields++;
	/* The NUL stays, so each field is a C string too (journal_field()). */
	j->used += (size_t)(k + v) + 1;
}

/* A field only when there is a value: the journal has no null, a missing field says it. */
static void add_string(struct journal_entry *j, const char *key, const char *val)
{
	if (val && val[0])
		add_field(j, key, "%s", val);
}

/* MESSAGE=: the table row, without the blanks that right-align PID and the newline. */
static void add_message(struct journal_entry *j, const struct print_opts *po,
			const struct bind_event *e, __u64 first_ts_ns, const char *ifname,
			const struct owner *owner)
{
	char row[LINE_MAX_LEN];
	const char *start = row;
	size_t len;

	format_event(row, sizeof(row), po, e, first_ts_ns, ifname, po->owner ? owner : NULL);
	while (*start == ' ')
		start++;
	len = strlen(start);
	if (len && start[len - 1] == '\n')
		len--;
	add_field(j, "MESSAGE", "%.*s", (int)len, start);
}

int journal_event_fields(struct journal_entry *j, const struct print_opts *po,
			 const struct bind_event *e, __u64 first_ts_ns, __s64 realtime_offset_ns,
			 const char *ifname, const struct owner *owner)
{
	char comm[COMM_ESCAPED_LEN], addr[INET6_ADDRSTRLEN], opts[BS_OPT_COUNT + 1], when[48];
	char word[OWNER_PATH_MAX * 4];
	int i;

	entry_reset(j);
	add_message(j, po, e, first_ts_ns, ifname, owner);
	add_field(j, "MESSAGE_ID", "%s", JOURNAL_ID_BIND);
	add_field(j, "PRIORITY", "%d", JOURNAL_PRIORITY_INFO);
	add_field(j, "SYSLOG_IDENTIFIER", "%s", "bindsnoop");

	format_iso8601((__s64)(e->ts_ns + (__u64)realtime_offset_ns), when, sizeof(when));
	add_field(j, "BIND_TIME", "%s", when);
	add_field(j, "BIND_TIME_NS", "%llu", (unsigned long long)e->ts_ns);
	add_field(j, "BIND_PID", "%u", e->pid);
	add_field(j, "BIND_TID", "%u", e->tid);
	add_field(j, "BIND_PPID", "%u", e->ppid);
	add_field(j, "BIND_UID", "%u", e->uid);
	add_field(j, "BIND_GID", "%u", e->gid);
	escape_comm(e->comm, sizeof(e->comm), comm);
	add_field(j, "BIND_COMM", "%s", comm);
	escape_comm(e->pcomm, sizeof(e->pcomm), comm);
	add_string(j, "BIND_PCOMM", comm);
	add_field(j, "BIND_PROTOCOL", "%s", proto_name(e->protocol));
	add_field(j, "BIND_PROTOCOL_NUM", "%u", e->protocol);
	add_field(j, "BIND_FAMILY", "%s",
		  e->family == AF_INET6 ? "ipv6" : e->family == AF_INET ? "ipv4" : "unknown");
	addr_to_str(e->family, e->addr, addr, sizeof(addr));
	add_field(j, "BIND_ADDRESS", "%s", addr);
	add_field(j, "BIND_PORT", "%u", e->port);
	opts_to_str(e->opts, opts);
	add_field(j, "BIND_OPTIONS", "%s", opts);
	/* One BIND_OPTION= per option set, so journalctl BIND_OPTION=SO_REUSEPORT matches. */
	for (i = 0; i < BS_OPT_COUNT; i++)
		if (e->opts & (1u << i))
			add_field(j, "BIND_OPTION", "%s", option_names[i]);
	add_field(j, "BIND_IFINDEX", "%d", e->bound_dev_if);
	if (ifname) {
		char name[IF_NAMESIZE * 4 + 1];

		escape_comm(ifname, IF_NAMESIZE, name);
		add_field(j, "BIND_IFNAME", "%s", name);
	}
	add_field(j, "BIND_RET", "%d", e->ret);
	/* RESULT: the RC column's word, "0" or the errno's name (its number when it has none). */
	if (e->ret == 0) {
		add_field(j, "BIND_RESULT", "0");
	} else {
		const char *name = e->ret < 0 && e->ret > -4096 ? errno_name(-e->ret) : NULL;

		if (name)
			add_field(j, "BIND_RESULT", "%s", name);
		else
			add_field(j, "BIND_RESULT", "%d", e->ret);
	}
	add_field(j, "BIND_CGROUP_ID", "%llu", (unsigned long long)e->cgroup_id);
	add_field(j, "BIND_MNTNS_ID", "%llu", (unsigned long long)e->mntns_id);
	add_field(j, "BIND_NETNS_ID", "%llu", (unsigned long long)e->netns_id);
	if (owner) {
		add_string(j, "BIND_CGROUP", owner->cgroup);
		add_string(j, "BIND_UNIT", owner->unit);
		add_string(j, "BIND_CONTAINER_ID", owner->container_id);
		owner_word(owner, word, sizeof(word));
		add_field(j, "BIND_OWNER", "%s", word);
	}
	add_field(j, "BIND_VIA", "%s", via_name(e->via));
	return j->nfields;
}

int journal_loss_fields(struct journal_entry *j, __u64 lost, __u64 not_traced, bool final)
{
	entry_reset(j);
	if (!lost && !not_traced)
		return 0;
	if (final)
		add_field(j, "MESSAGE", "in total %llu events lost, %llu binds not traced",
			  (unsigned long long)lost, (unsigned long long)not_traced);
	else if (lost && not_traced)
		add_field(j, "MESSAGE", "%llu events lost: buffer full, output too slow; "
			  "%llu binds not traced: per-thread entry map full",
			  (unsigned long long)lost, (unsigned long long)not_traced);
	else if (lost)
		add_field(j, "MESSAGE", "%llu events lost: buffer full, output too slow",
			  (unsigned long long)lost);
	else
		add_field(j, "MESSAGE", "%llu binds not traced: per-thread entry map full",
			  (unsigned long long)not_traced);
	add_field(j, "MESSAGE_ID", "%s", JOURNAL_ID_LOST);
	add_field(j, "PRIORITY", "%d", JOURNAL_PRIORITY_WARNING);
	add_field(j, "SYSLOG_IDENTIFIER", "%s", "bindsnoop");
	add_field(j, "BIND_LOST", "%llu", (unsigned long long)lost);
	add_field(j, "BIND_NOT_TRACED", "%llu", (unsigned long long)not_traced);
	add_field(j, "BIND_LOSS_TOTAL", "%d", final ? 1 : 0);
	return j->nfields;
}

const char *journal_field(const struct journal_entry *j, const char *key, char *buf, size_t len)
{
	size_t klen = strlen(key);
	int i;

	for (i = 0; i < j->nfields; i++) {
		const char *f = j->fields[i].iov_base;
		size_t flen = j->fields[i].iov_len;

		if (flen > klen && !memcmp(f, key, klen) && f[klen] == '=') {
			snprintf(buf, len, "%.*s", (int)(flen - klen - 1), f + klen + 1);
			return buf;
		}
	}
	return NULL;
}
