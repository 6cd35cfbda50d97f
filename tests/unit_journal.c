// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Unit tests of --journal's fields (journal_fields.h): every field of an
 * entry, written out whole, for a bind, a failed bind and a loss report.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include "journal_fields.h"

/* All fields of @j, one "KEY=value" a line, for comparing whole entries. */
static void entry_text(const struct journal_entry *j, char *out, size_t len)
{
	size_t n = 0;
	int i;

	out[0] = '\0';
	for (i = 0; i < j->nfields && n < len; i++)
		n += (size_t)snprintf(out + n, len - n, "%.*s\n", (int)j->fields[i].iov_len,
				      (const char *)j->fields[i].iov_base);
}

static struct bind_event tcp_event(void)
{
	static const __u8 addr[16] = { 192, 168, 1, 102 };
	struct bind_event e;

	memset(&e, 0, sizeof(e));
	e.ts_ns = 5000000000ULL;
	memcpy(e.addr, addr, sizeof(addr));
	e.pid = 3941;
	e.tid = 3942;
	e.ppid = 1;
	e.uid = 33;
	e.gid = 33;
	e.family = AF_INET;
	e.protocol = 6;
	e.port = 80;
	e.opts = BS_OPT_REUSEADDR | BS_OPT_REUSEPORT;
	e.cgroup_id = 7;
	e.mntns_id = 4026531841ULL;
	e.netns_id = 4026531840ULL;
	memcpy(e.comm, "nginx", 6);
	memcpy(e.pcomm, "systemd", 8);
	return e;
}

static void test_bind_entry_every_field(void **state)
{
	static struct journal_entry j;
	static char text[JOURNAL_TEXT_MAX];
	struct print_opts po = { .errors = true, .owner = true };
	struct bind_event e = tcp_event();
	struct owner o = { .cgroup = "/system.slice/nginx.service", .unit = "nginx.service" };

	(void)state;
	/* 2026-11-25T00:00:00Z is 1795564800 s after the epoch. */
	journal_event_fields(&j, &po, &e, e.ts_ns, 1795564800000000000LL - 5000000000LL, NULL, &o);
	entry_text(&j, text, sizeof(text));
	assert_string_equal(text,
		"MESSAGE=0                 3941 nginx        TCP  192.168.1.102      80 ...Rr  0 nginx.service\n"
		"MESSAGE_ID=" JOURNAL_ID_BIND "\n"
		"PRIORITY=6\n"
		"SYSLOG_IDENTIFIER=bindsnoop\n"
		"BIND_TIME=2026-11-25T00:00:00.000000000Z\n"
		"BIND_TIME_NS=5000000000\n"
		"BIND_PID=3941\n"
		"BIND_TID=3942\n"
		"BIND_PPID=1\n"
		"BIND_UID=33\n"
		"BIND_GID=33\n"
		"BIND_COMM=nginx\n"
		"BIND_PCOMM=systemd\n"
		"BIND_PROTOCOL=TCP\n"
		"BIND_PROTOCOL_NUM=6\n"
		"BIND_FAMILY=ipv4\n"
		"BIND_ADDRESS=192.168.1.102\n"
		"BIND_PORT=80\n"
		"BIND_OPTIONS=...Rr\n"
		"BIND_OPTION=SO_REUSEADDR\n"
		"BIND_OPTION=SO_REUSEPORT\n"
		"BIND_IFINDEX=0\n"
		"BIND_RET=0\n"
		"BIND_RESULT=0\n"
		"BIND_CGROUP_ID=7\n"
		"BIND_MNTNS_ID=4026531841\n"
		"BIND_NETNS_ID=4026531840\n"
		"BIND_CGROUP=/system.slice/nginx.service\n"
		"BIND_UNIT=nginx.service\n"
		"BIND_OWNER=nginx.service\n"
		"BIND_VIA=bind\n");
}

static void test_failed_ipv6_bind_with_device_no_owner(void **state)
{
	static const __u8 loopback6[16] = { [15] = 1 };
	static struct journal_entry j;
	char buf[64];
	struct print_opts po = {};
	struct bind_event e = tcp_event();

	(void)state;
	memcpy(e.addr, loopback6, sizeof(e.addr));
	e.family = AF_INET6;
	e.protocol = 17;
	e.ret = -EADDRINUSE;
	e.opts = 0;
	e.bound_dev_if = 1;
	memcpy(e.ifname, "lo", 3);
	memcpy(e.comm, "a\x1b" "b", 4);
	e.pcomm[0] = '\0';
	journal_event_fields(&j, &po, &e, e.ts_ns, 0, "lo", NULL);
	assert_string_equal(journal_field(&j, "MESSAGE", buf, sizeof(buf)),
			    "3941 a\\x1bb       UDP  ::1                80 .....  1");
	assert_string_equal(journal_field(&j, "BIND_COMM", buf, sizeof(buf)), "a\\x1bb");
	assert_string_equal(journal_field(&j, "BIND_FAMILY", buf, sizeof(buf)), "ipv6");
	assert_string_equal(journal_field(&j, "BIND_ADDRESS", buf, sizeof(buf)), "::1");
	assert_string_equal(journal_field(&j, "BIND_PROTOCOL", buf, sizeof(buf)), "UDP");
	assert_string_equal(journal_field(&j, "BIND_RET", buf, sizeof(buf)), "-98");
	assert_string_equal(journal_field(&j, "BIND_RESULT", buf, sizeof(buf)), "EADDRINUSE");
	assert_string_equal(journal_field(&j, "BIND_IFINDEX", buf, sizeof(buf)), "1");
	assert_string_equal(journal_field(&j, "BIND_IFNAME", buf, sizeof(buf)), "lo");
	assert_string_equal(journal_field(&j, "BIND_VIA", buf, sizeof(buf)), "bind");
	e.via = BS_VIA_IO_URING;
	journal_event_fields(&j, &po, &e, e.ts_ns, 0, "lo", NULL);
	assert_string_equal(journal_field(&j, "BIND_VIA", buf, sizeof(buf)), "io_uring");
	/* No value, no field: no empty PCOMM, no OPTION, no owner fields without a look-up. */
	assert_null(journal_field(&j, "BIND_PCOMM", buf, sizeof(buf)));
	assert_null(journal_field(&j, "BIND_OPTION", buf, sizeof(buf)));
	assert_null(journal_field(&j, "BIND_OWNER", buf, sizeof(buf)));
	assert_null(journal_field(&j, "BIND_CGROUP", buf, sizeof(buf)));
	/* A return value with no errno name: its number. */
	e.ret = -9999;
	journal_event_fields(&j, &po, &e, e.ts_ns, 0, NULL, NULL);
	assert_string_equal(journal_field(&j, "BIND_RESULT", buf, sizeof(buf)), "-9999");
	assert_null(journal_field(&j, "BIND_IFNAME", buf, sizeof(buf)));
}

/* The longest entry: every column in MESSAGE, every option, a device, the longest cgroup path. */
static void test_longest_entry_fits_whole(void **state)
{
	static struct journal_entry j;
	static char path[OWNER_PATH_MAX], buf[JOURNAL_TEXT_MAX];
	struct print_opts po = { .wide = true, .timestamp = true, .print_uid = true,
				 .errors = true, .owner = true };
	struct bind_event e = tcp_event();
	struct owner o = { .cgroup = path };
	int n, i;

	(void)state;
	/*
	 * BIND_CGROUP is the path as it is (journal values are binary-safe);
	 * BIND_OWNER and MESSAGE have it escaped as the OWNER column does:
	 * \x01, four bytes for each.
	 */
	memset(path, 1, sizeof(path) - 1);
	path[sizeof(path) - 1] = '\0';
	memset(e.comm, 0xff, sizeof(e.comm));
	memset(e.pcomm, 0xff, sizeof(e.pcomm));
	e.opts = 0x1f;
	e.bound_dev_if = 9;
	n = journal_event_fields(&j, &po, &e, 0, 0, "0123456789abcde", &o);
	assert_true(n < JOURNAL_FIELDS_MAX);
	/* Every field is whole: nothing was cut for lack of room. */
	assert_string_equal(journal_field(&j, "BIND_VIA", buf, sizeof(buf)), "bind");
	assert_int_equal(strlen(journal_field(&j, "BIND_OWNER", buf, sizeof(buf))),
			 (OWNER_PATH_MAX - 1) * 4);
	assert_int_equal(strlen(journal_field(&j, "BIND_CGROUP", buf, sizeof(buf))), OWNER_PATH_MAX - 1);
	/* MESSAGE ends with the whole OWNER column. */
	journal_field(&j, "MESSAGE", buf, sizeof(buf));
	assert_true(strlen(buf) > (OWNER_PATH_MAX - 1) * 4);
	assert_string_equal(buf + strlen(buf) - 8, "\\x01\\x01");
	assert_true(j.used < sizeof(j.text));
	for (i = 0; i < n; i++)
		assert_true(j.fields[i].iov_len > 0);
}

static void test_loss_entries(void **state)
{
	static struct journal_entry j;
	static char text[4096];
	char buf[128];

	(void)state;
	assert_int_equal(journal_loss_fields(&j, 0, 0, false), 0);
	assert_int_equal(journal_loss_fields(&j, 0, 0, true), 0);
	journal_loss_fields(&j, 12, 0, false);
	entry_text(&j, text, sizeof(text));
	assert_string_equal(text,
		"MESSAGE=12 events lost: buffer full, output too slow\n"
		"MESSAGE_ID=" JOURNAL_ID_LOST "\n"
		"PRIORITY=4\n"
		"SYSLOG_IDENTIFIER=bindsnoop\n"
		"BIND_LOST=12\n"
		"BIND_NOT_TRACED=0\n"
		"BIND_LOSS_TOTAL=0\n");
	journal_loss_fields(&j, 0, 3, false);
	assert_string_equal(journal_field(&j, "MESSAGE", buf, sizeof(buf)),
			    "3 binds not traced: per-thread entry map full");
	journal_loss_fields(&j, 5, 3, true);
	assert_string_equal(journal_field(&j, "MESSAGE", buf, sizeof(buf)),
			    "in total 5 events lost, 3 binds not traced");
	assert_string_equal(journal_field(&j, "BIND_LOSS_TOTAL", buf, sizeof(buf)), "1");
	assert_string_equal(journal_field(&j, "PRIORITY", buf, sizeof(buf)), "4");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bind_entry_every_field),
		cmocka_unit_test(test_failed_ipv6_bind_with_device_no_owner),
		cmocka_unit_test(test_longest_entry_fits_whole),
		cmocka_unit_test(test_loss_entries),
	};

	return cmocka_run_group_tests_name("bindsnoop journal fields", tests, NULL, NULL);
}
