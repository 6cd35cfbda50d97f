// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Unit tests of the pure user-space code: the formatter (format.h) and the
 * parsers and probes (trace_helpers.h). Every expected line is written out
 * byte for byte, as the user sees it on stdout.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <bpf/btf.h>
#include "existing.h"
#include "format.h"
#include "holders.h"
#include "trace_helpers.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Table-driven checks: cmocka prints the two values that differ, these also
 * name the row of the table they came from.
 */
#define assert_case_string(name, got, want)                                  \
	do {                                                                  \
		if (strcmp((got), (want)) != 0)                               \
			print_error("case %s:\n", (name));                    \
		assert_string_equal((got), (want));                           \
	} while (0)

#define assert_case_int(name, got, want)                                     \
	do {                                                                  \
		if ((long long)(got) != (long long)(want))                    \
			print_error("case %s:\n", (name));                    \
		assert_int_equal((got), (want));                              \
	} while (0)

/* The whole line, and a return value that counts exactly its bytes. */
#define assert_header(po, want)                                              \
	do {                                                                  \
		char line_[LINE_MAX_LEN];                                     \
		int n_ = format_header(line_, sizeof(line_), (po));           \
		assert_string_equal(line_, (want));                           \
		assert_int_equal(n_, strlen(want));                           \
	} while (0)

#define assert_event(po, e, first_ts_ns, want)                               \
	do {                                                                  \
		char line_[LINE_MAX_LEN];                                     \
		int n_ = format_event(line_, sizeof(line_), (po), (e), (first_ts_ns), NULL, NULL); \
		assert_string_equal(line_, (want));                           \
		assert_int_equal(n_, strlen(want));                           \
	} while (0)

static const __u8 ip4_192_168_1_102[16] = { 192, 168, 1, 102 };
/* 2001:db8:85a3::8a2e:370:7334: 27 characters, too wide for the 15 of ADDR. */
static const __u8 ip6_long[16] = { 0x20, 0x01, 0x0d, 0xb8, 0x85, 0xa3, 0x00, 0x00,
				   0x00, 0x00, 0x8a, 0x2e, 0x03, 0x70, 0x73, 0x34 };

static void set_comm(struct bind_event *e, const char *comm)
{
	size_t len = strlen(comm);

	memset(e->comm, 0, sizeof(e->comm));
	memcpy(e->comm, comm, len < sizeof(e->comm) ? len : sizeof(e->comm));
}

/* The example bind: TCP 192.168.1.102 port 0, IP_FREEBIND and IP_BIND_ADDRESS_NO_PORT set. */
static struct bind_event sample_event(void)
{
	struct bind_event e;

	memset(&e, 0, sizeof(e));
	e.ts_ns = 1000000000ULL;
	memcpy(e.addr, ip4_192_168_1_102, sizeof(e.addr));
	e.pid = 3941081;
	e.tid = 3941081;
	e.uid = 1000;
	e.family = AF_INET;
	e.protocol = 6;
	e.port = 0;
	e.sock_type = SOCK_STREAM;
	e.opts = BS_OPT_FREEBIND | BS_OPT_BIND_NO_PORT;
	set_comm(&e, "test_bind_op");
	return e;
}

/* An IPv6 UDP bind with SO_REUSEADDR and SO_REUSEPORT, bound to ifindex 2. */
static struct bind_event sample_event_ipv6(void)
{
	struct bind_event e = sample_event();

	memcpy(e.addr, ip6_long, sizeof(e.addr));
	e.pid = 1234;
	e.family = AF_INET6;
	e.protocol = 17;
	e.port = 8080;
	e.sock_type = SOCK_DGRAM;
	e.opts = BS_OPT_REUSEADDR | BS_OPT_REUSEPORT;
	e.bound_dev_if = 2;
	set_comm(&e, "nginx");
	return e;
}

/* ---- OPTS column ---- */

static void test_opts_to_str_no_option_is_all_dots(void **state)
{
	char out[BS_OPT_COUNT + 1];

	(void)state;
	opts_to_str(0, out);
	assert_string_equal(out, ".....");
}

static void test_opts_to_str_all_options(void **state)
{
	char out[BS_OPT_COUNT + 1];

	(void)state;
	opts_to_str(BS_OPT_FREEBIND | BS_OPT_TRANSPARENT | BS_OPT_BIND_NO_PORT | BS_OPT_REUSEADDR |
			    BS_OPT_REUSEPORT,
		    out);
	assert_string_equal(out, "FTNRr");
}

static void test_opts_to_str_each_option_has_its_letter_and_place(void **state)
{
	static const struct {
		__u8 opts;
		const char *want;
	} cases[] = {
		{ BS_OPT_FREEBIND, "F...." },
		{ BS_OPT_TRANSPARENT, ".T..." },
		{ BS_OPT_BIND_NO_PORT, "..N.." },
		{ BS_OPT_REUSEADDR, "...R." },
		{ BS_OPT_REUSEPORT, "....r" },
	};
	char out[BS_OPT_COUNT + 1];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		opts_to_str(cases[i].opts, out);
		assert_case_string(cases[i].want, out, cases[i].want);
	}
}

static void test_opts_to_str_freebind_and_no_port(void **state)
{
	char out[BS_OPT_COUNT + 1];

	(void)state;
	opts_to_str(BS_OPT_FREEBIND | BS_OPT_BIND_NO_PORT, out);
	assert_string_equal(out, "F.N..");
}

static void test_opts_to_str_ignores_bits_above_the_five_options(void **state)
{
	char out[BS_OPT_COUNT + 1];

	(void)state;
	opts_to_str(0xe0, out);
	assert_string_equal(out, ".....");
	opts_to_str(0xff, out);
	assert_string_equal(out, "FTNRr");
}

/* ---- PROT column ---- */

static void test_proto_name_by_ipproto_number(void **state)
{
	static const struct {
		__u16 protocol;
		const char *want;
	} cases[] = {
		{ 6, "TCP" },
		{ 17, "UDP" },
		{ 136, "UDPLITE" },
		{ 132, "SCTP" },
		{ 262, "MPTCP" },
		{ 1, "ICMP" },
		{ 58, "ICMPV6" },
		{ 255, "RAW" },
		{ 0, "IP" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++)
		assert_case_string(cases[i].want, proto_name(cases[i].protocol), cases[i].want);
}

static void test_proto_name_unknown_number_is_unkn(void **state)
{
	static const __u16 unknown[] = { 200, 254, 256, 261, 263, 65535 };
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(unknown); i++) {
		char name[16];

		snprintf(name, sizeof(name), "%u", unknown[i]);
		assert_case_string(name, proto_name(unknown[i]), "UNKN");
	}
}

/* ---- ADDR column ---- */

static void test_addr_to_str_ipv4_and_ipv6(void **state)
{
	static const struct {
		const char *name;
		__u16 family;
		__u8 addr[16];
		const char *want;
	} cases[] = {
		{ "IPv4 loopback", AF_INET, { 127, 0, 0, 1 }, "127.0.0.1" },
		{ "IPv4 any", AF_INET, { 0 }, "0.0.0.0" },
		{ "IPv4 broadcast", AF_INET, { 255, 255, 255, 255 }, "255.255.255.255" },
		/* Only the first 4 bytes are IPv4: whatever follows is ignored. */
		{ "IPv4 with bytes after it", AF_INET, { 10, 0, 0, 1, 0xde, 0xad, 0xbe, 0xef },
		  "10.0.0.1" },
		{ "IPv6 loopback", AF_INET6, { [15] = 1 }, "::1" },
		{ "IPv6 any", AF_INET6, { 0 }, "::" },
		{ "IPv6 all eight groups", AF_INET6,
		  { 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0x00, 0x02, 0x00, 0x03, 0x00, 0x04, 0x12, 0x34,
		    0x56, 0x78 },
		  "2001:db8:1:2:3:4:1234:5678" },
		{ "IPv6 zero run compressed", AF_INET6,
		  { 0x20, 0x01, 0x0d, 0xb8, [12] = 0x12, 0x34, 0x56, 0x78 },
		  "2001:db8::1234:5678" },
		{ "IPv6 widest", AF_INET6,
		  { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		    0xff, 0xff },
		  "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff" },
		{ "IPv4-mapped IPv6", AF_INET6, { [10] = 0xff, 0xff, 127, 0, 0, 1 },
		  "::ffff:127.0.0.1" },
		{ "family 0", 0, { 127, 0, 0, 1 }, "?" },
		{ "AF_UNIX", AF_UNIX, { 127, 0, 0, 1 }, "?" },
		{ "family 65535", 65535, { 0 }, "?" },
	};
	char buf[INET6_ADDRSTRLEN];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		addr_to_str(cases[i].family, cases[i].addr, buf, sizeof(buf));
		assert_case_string(cases[i].name, buf, cases[i].want);
	}
}

static void test_addr_to_str_buffer_too_small_gives_question_mark(void **state)
{
	static const __u8 loopback[16] = { 127, 0, 0, 1 };
	char buf[9];

	(void)state;
	/* "127.0.0.1" needs 10 bytes: inet_ntop() fails, and we say so. */
	addr_to_str(AF_INET, loopback, buf, sizeof(buf));
	assert_string_equal(buf, "?");
}

/* ---- RC column: errno names ---- */

static void test_errno_name_of_bind_errors(void **state)
{
	static const struct {
		int err;
		const char *want;
	} cases[] = {
		{ EADDRINUSE, "EADDRINUSE" },
		{ EADDRNOTAVAIL, "EADDRNOTAVAIL" },
		{ EACCES, "EACCES" },
		{ EPERM, "EPERM" },
		{ EINVAL, "EINVAL" },
		{ EAFNOSUPPORT, "EAFNOSUPPORT" },
		{ ENOENT, "ENOENT" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++)
		assert_case_string(cases[i].want, errno_name(cases[i].err), cases[i].want);
}

static void test_errno_name_zero_unknown_and_negative_are_null(void **state)
{
	(void)state;
	assert_null(errno_name(0));
	assert_null(errno_name(9999));
	assert_null(errno_name(-EADDRINUSE));
}

/* ---- COMM column: escaping ---- */

static void test_escape_comm_plain_comm_unchanged(void **state)
{
	char out[COMM_ESCAPED_LEN];

	(void)state;
	escape_comm("workload", TASK_COMM_LEN, out);
	assert_string_equal(out, "workload");
	escape_comm("", TASK_COMM_LEN, out);
	assert_string_equal(out, "");
	/* Space, '~' and the other printable bytes stay as they are. */
	escape_comm("a b~!\"%", TASK_COMM_LEN, out);
	assert_string_equal(out, "a b~!\"%");
}

static void test_escape_comm_unprintable_bytes_as_lowercase_hex(void **state)
{
	static const struct {
		const char *name;
		const char *comm;
		const char *want;
	} cases[] = {
		{ "ESC", "\x1b[31mred", "\\x1b[31mred" },
		{ "newline", "a\nb", "a\\x0ab" },
		{ "tab", "a\tb", "a\\x09b" },
		{ "carriage return", "a\rb", "a\\x0db" },
		{ "backslash", "a\\b", "a\\x5cb" },
		{ "DEL", "a\x7f" "b", "a\\x7fb" },
		{ "0x80", "\x80", "\\x80" },
		{ "0xff", "\xff", "\\xff" },
		{ "UTF-8 e-acute", "caf\xc3\xa9", "caf\\xc3\\xa9" },
		{ "0x01", "\x01" "x", "\\x01x" },
	};
	char out[COMM_ESCAPED_LEN];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		escape_comm(cases[i].comm, TASK_COMM_LEN, out);
		assert_case_string(cases[i].name, out, cases[i].want);
	}
}

static void test_escape_comm_stops_at_task_comm_len_without_nul(void **state)
{
	/* 20 bytes, no NUL in the first 16: the kernel's comm is never longer. */
	static const char comm[20] = "0123456789abcdefXYZ";
	char out[COMM_ESCAPED_LEN];

	(void)state;
	escape_comm(comm, sizeof(comm), out);
	assert_string_equal(out, "0123456789abcdef");
}

static void test_escape_comm_stops_at_len(void **state)
{
	char out[COMM_ESCAPED_LEN];

	(void)state;
	escape_comm("workload", 4, out);
	assert_string_equal(out, "work");
	escape_comm("workload", 0, out);
	assert_string_equal(out, "");
}

static void test_escape_comm_longest_result_fits(void **state)
{
	char comm[TASK_COMM_LEN], out[COMM_ESCAPED_LEN];

	(void)state;
	memset(comm, 0xff, 15);
	comm[15] = '\0';
	escape_comm(comm, sizeof(comm), out);
	assert_int_equal(strlen(out), 60);
	assert_string_equal(out, "\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff");

	/* All 16 bytes unprintable and no NUL: 64 characters and the NUL, COMM_ESCAPED_LEN. */
	memset(comm, 0x01, sizeof(comm));
	escape_comm(comm, sizeof(comm), out);
	assert_int_equal(strlen(out), 64);
	assert_int_equal(strlen(out) + 1, COMM_ESCAPED_LEN);
}

/* ---- Event table: header and rows, one test per option ---- */

static void test_format_default_layout(void **state)
{
	struct print_opts po = { 0 };
	struct bind_event e = sample_event();

	(void)state;
	assert_header(&po, "     PID COMM         PROT ADDR            PORT   OPTS IF\n");
	assert_event(&po, &e, e.ts_ns, " 3941081 test_bind_op TCP  192.168.1.102       0 F.N..  0\n");
}

static void test_format_wide_layout(void **state)
{
	struct print_opts po = { .wide = true };
	struct bind_event e = sample_event();

	(void)state;
	assert_header(&po,
		      "       PID COMM         PROT ADDR                                    PORT   OPTS IF IFNAME\n");
	assert_event(&po, &e, e.ts_ns,
		     "   3941081 test_bind_op TCP  192.168.1.102                               0 F.N..  0 -\n");
}

static void test_format_ipv6_truncated_to_15_in_default_layout(void **state)
{
	struct print_opts po = { 0 };
	struct bind_event e = sample_event_ipv6();

	(void)state;
	assert_event(&po, &e, e.ts_ns, "    1234 nginx        UDP  2001:db8:85a3::  8080 ...Rr  2\n");
}

static void test_format_ipv6_whole_in_wide_layout(void **state)
{
	struct print_opts po = { .wide = true };
	struct bind_event e = sample_event_ipv6();

	(void)state;
	assert_event(&po, &e, e.ts_ns,
		     "      1234 nginx        UDP  2001:db8:85a3::8a2e:370:7334             8080 ...Rr  2 -\n");
}

static void test_format_timestamp_since_first_event(void **state)
{
	struct print_opts po = { .timestamp = true };
	struct bind_event e = sample_event();
	__u64 first_ts_ns = e.ts_ns;

	(void)state;
	assert_header(&po, "TIME(s)        PID COMM         PROT ADDR            PORT   OPTS IF\n");
	assert_event(&po, &e, first_ts_ns,
		     "0.000000   3941081 test_bind_op TCP  192.168.1.102       0 F.N..  0\n");
	e.ts_ns = first_ts_ns + 1500000000ULL;
	assert_event(&po, &e, first_ts_ns,
		     "1.500000   3941081 test_bind_op TCP  192.168.1.102       0 F.N..  0\n");
	/* Microseconds, rounded: the column is full at 10 s. */
	e.ts_ns = first_ts_ns + 12345678901ULL;
	assert_event(&po, &e, first_ts_ns,
		     "12.345679  3941081 test_bind_op TCP  192.168.1.102       0 F.N..  0\n");
}

static void test_format_uid(void **state)
{
	struct print_opts po = { .print_uid = true };
	struct bind_event e = sample_event();

	(void)state;
	assert_header(&po, "   UID      PID COMM         PROT ADDR            PORT   OPTS IF\n");
	assert_event(&po, &e, e.ts_ns,
		     "  1000  3941081 test_bind_op TCP  192.168.1.102       0 F.N..  0\n");
	e.uid = 0;
	assert_event(&po, &e, e.ts_ns,
		     "     0  3941081 test_bind_op TCP  192.168.1.102       0 F.N..  0\n");
}

static void test_format_errors_rc_column(void **state)
{
	static const struct {
		__s32 ret;
		const char *want;
	} cases[] = {
		{ 0, "0              3941081 test_bind_op TCP  192.168.1.102       0 F.N..  0\n" },
		{ -EADDRINUSE,
		  "EADDRINUSE     3941081 test_bind_op TCP  192.168.1.102       0 F.N..  0\n" },
		{ -EADDRNOTAVAIL,
		  "EADDRNOTAVAIL  3941081 test_bind_op TCP  192.168.1.102       0 F.N..  0\n" },
		{ -EACCES, "EACCES         3941081 test_bind_op TCP  192.168.1.102       0 F.N..  0\n" },
		/* No name for it: the number itself, sign included. */
		{ -9999, "-9999          3941081 test_bind_op TCP  192.168.1.102       0 F.N..  0\n" },
	};
	struct print_opts po = { .errors = true };
	struct bind_event e = sample_event();
	char line[LINE_MAX_LEN];
	size_t i;

	(void)state;
	assert_header(&po, "RC                 PID COMM         PROT ADDR            PORT   OPTS IF\n");
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		int n;

		e.ret = cases[i].ret;
		n = format_event(line, sizeof(line), &po, &e, e.ts_ns, NULL, NULL);
		assert_case_string(cases[i].want, line, cases[i].want);
		assert_case_int(cases[i].want, n, strlen(cases[i].want));
	}
}

static void test_format_all_prefixes_in_bcc_order(void **state)
{
	struct print_opts po = { .timestamp = true, .print_uid = true, .errors = true };
	struct bind_event e = sample_event();
	__u64 first_ts_ns = e.ts_ns;

	(void)state;
	assert_header(&po,
		      "TIME(s)      UID RC                 PID COMM         PROT ADDR            PORT   OPTS IF\n");
	e.ts_ns = first_ts_ns + 1500000000ULL;
	e.uid = 0;
	e.ret = -EADDRINUSE;
	assert_event(&po, &e, first_ts_ns,
		     "1.500000       0 EADDRINUSE     3941081 test_bind_op TCP  192.168.1.102       0 F.N..  0\n");
}

static void test_format_all_prefixes_wide(void **state)
{
	struct print_opts po = { .wide = true, .timestamp = true, .print_uid = true, .errors = true };
	struct bind_event e = sample_event_ipv6();

	(void)state;
	assert_header(&po,
		      "TIME(s)      UID RC                   PID COMM         PROT ADDR                                    PORT   OPTS IF IFNAME\n");
	e.ret = -EADDRNOTAVAIL;
	assert_event(&po, &e, e.ts_ns,
		     "0.000000    1000 EADDRNOTAVAIL       1234 nginx        UDP  2001:db8:85a3::8a2e:370:7334             8080 ...Rr  2 -\n");
}

static void test_format_long_comm_cut_at_12(void **state)
{
	struct print_opts po = { 0 };
	struct bind_event e = sample_event();

	(void)state;
	set_comm(&e, "longcommname15");
	assert_event(&po, &e, e.ts_ns, " 3941081 longcommname TCP  192.168.1.102       0 F.N..  0\n");
	po.wide = true;
	assert_event(&po, &e, e.ts_ns,
		     "   3941081 longcommname TCP  192.168.1.102                               0 F.N..  0 -\n");
}

static void test_format_escaped_comm_in_line(void **state)
{
	struct print_opts po = { 0 };
	struct bind_event e = sample_event();

	(void)state;
	set_comm(&e, "a\tb");
	assert_event(&po, &e, e.ts_ns, " 3941081 a\\x09b       TCP  192.168.1.102       0 F.N..  0\n");
	set_comm(&e, "\x1b[2J");
	assert_event(&po, &e, e.ts_ns, " 3941081 \\x1b[2J      TCP  192.168.1.102       0 F.N..  0\n");
}

/* A cut never leaves half an escape such as "\\x" that reads like other bytes. */
static void test_format_escape_never_cut_in_half(void **state)
{
	struct print_opts po = { 0 };
	struct bind_event e = sample_event();

	(void)state;
	set_comm(&e, "abcdefghij\x1b");
	assert_event(&po, &e, e.ts_ns, " 3941081 abcdefghij   TCP  192.168.1.102       0 F.N..  0\n");
	set_comm(&e, "abcdefgh\x1b");
	assert_event(&po, &e, e.ts_ns, " 3941081 abcdefgh\\x1b TCP  192.168.1.102       0 F.N..  0\n");
}

/* An impossible return value prints as a number instead of overflowing. */
static void test_format_rc_extremes(void **state)
{
	struct print_opts po = { .errors = true };
	struct bind_event e = sample_event();

	(void)state;
	e.ret = INT32_MIN;
	assert_event(&po, &e, e.ts_ns,
		     "-2147483648    3941081 test_bind_op TCP  192.168.1.102       0 F.N..  0\n");
	e.ret = 5;
	assert_event(&po, &e, e.ts_ns,
		     "5              3941081 test_bind_op TCP  192.168.1.102       0 F.N..  0\n");
}

/* Per-CPU perf buffers can hand over an earlier event after a later one. */
static void test_format_timestamp_before_first_is_negative(void **state)
{
	struct print_opts po = { .timestamp = true };
	struct bind_event e = sample_event();
	__u64 first_ts_ns = e.ts_ns;

	(void)state;
	e.ts_ns = first_ts_ns - 250000000ULL;
	assert_event(&po, &e, first_ts_ns,
		     "-0.250000  3941081 test_bind_op TCP  192.168.1.102       0 F.N..  0\n");
}

/* -w adds IFNAME after IF; the default layout never shows it. */
static void test_format_ifname_only_in_wide(void **state)
{
	struct print_opts po = { 0 };
	struct bind_event e = sample_event();
	char line[LINE_MAX_LEN];

	(void)state;
	e.bound_dev_if = 1;
	format_event(line, sizeof(line), &po, &e, e.ts_ns, "lo", NULL);
	assert_string_equal(line, " 3941081 test_bind_op TCP  192.168.1.102       0 F.N..  1\n");
	po.wide = true;
	format_event(line, sizeof(line), &po, &e, e.ts_ns, "lo", NULL);
	assert_string_equal(line,
		"   3941081 test_bind_op TCP  192.168.1.102                               0 F.N..  1 lo\n");
	format_event(line, sizeof(line), &po, &e, e.ts_ns, "e\x1b[0m", NULL);
	assert_string_equal(line,
		"   3941081 test_bind_op TCP  192.168.1.102                               0 F.N..  1 e\\x1b[0m\n");
}

static void test_json_escape(void **state)
{
	char out[64];

	(void)state;
	json_escape("plain", out, sizeof(out));
	assert_string_equal(out, "plain");
	json_escape("a\"b\\c", out, sizeof(out));
	assert_string_equal(out, "a\\\"b\\\\c");
	json_escape("\x01\n\x7f\xff", out, sizeof(out));
	assert_string_equal(out, "\\u0001\\u000a\\u007f\\u00ff");
	/* Never a cut escape: what does not fit whole is left out. */
	json_escape("ab\"", out, 4);
	assert_string_equal(out, "ab");
}

static void test_iso8601(void **state)
{
	char out[48];

	(void)state;
	format_iso8601(0, out, sizeof(out));
	assert_string_equal(out, "1970-01-01T00:00:00.000000000Z");
	format_iso8601(1795564800123456789LL, out, sizeof(out));
	assert_string_equal(out, "2026-11-25T00:00:00.123456789Z");
	format_iso8601(-1, out, sizeof(out));
	assert_string_equal(out, "1969-12-31T23:59:59.999999999Z");
}

static void test_json_event_every_field(void **state)
{
	struct bind_event e = sample_event();
	char line[LINE_MAX_LEN];

	(void)state;
	e.ts_ns = 5000000000ULL;
	e.tid = 3941082;
	e.ppid = 1;
	e.gid = 100;
	e.cgroup_id = 7;
	e.mntns_id = 4026531841ULL;
	e.netns_id = 4026531840ULL;
	e.bound_dev_if = 1;
	e.ret = -EADDRINUSE;
	e.port = 8080;
	e.via = BS_VIA_IO_URING;
	set_comm(&e, "a\"b\x1b");
	format_event_json(line, sizeof(line), &e, 1795564800000000000LL - 5000000000LL, "lo", NULL);
	assert_string_equal(line,
		"{\"time_ns\":5000000000,\"time\":\"2026-11-25T00:00:00.000000000Z\","
		"\"pid\":3941081,\"tid\":3941082,\"ppid\":1,\"uid\":1000,\"gid\":100,"
		"\"comm\":\"a\\\"b\\\\x1b\",\"protocol\":\"TCP\",\"protocol_num\":6,"
		"\"family\":\"ipv4\",\"address\":\"192.168.1.102\",\"port\":8080,"
		"\"options\":\"F.N..\",\"option_names\":[\"IP_FREEBIND\",\"IP_BIND_ADDRESS_NO_PORT\"],"
		"\"ifindex\":1,\"ifname\":\"lo\",\"ret\":-98,\"errno\":\"EADDRINUSE\","
		"\"cgroup_id\":7,\"mntns_id\":4026531841,\"netns_id\":4026531840,"
		"\"pcomm\":\"\",\"cgroup\":null,\"unit\":null,\"container_id\":null,\"via\":\"io_uring\"}\n");
}

#define HEX64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static void test_owner_unit_and_container_of_cgroup_paths(void **state)
{
	static const struct {
		const char *path, *unit, *container;
	} cases[] = {
		{ "/system.slice/nginx.service", "nginx.service", "" },
		{ "/user.slice/user-1000.slice/session-3.scope", "session-3.scope", "" },
		{ "/user.slice/user-1000.slice/user@1000.service/app.slice/app-foo.scope",
		  "app-foo.scope", "" },
		{ "/user.slice/user-1000.slice/user@1000.service", "user@1000.service", "" },
		{ "/system.slice/nginx.service/payload", "nginx.service", "" },
		{ "/init.scope", "init.scope", "" },
		{ "/", "", "" },
		{ "/system.slice", "", "" },
		{ "/system.slice/docker-" HEX64 ".scope", "docker-" HEX64 ".scope", HEX64 },
		{ "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-podx.slice/"
		  "cri-containerd-" HEX64 ".scope", "cri-containerd-" HEX64 ".scope", HEX64 },
		{ "/machine.slice/libpod-" HEX64 ".scope/container", "libpod-" HEX64 ".scope", HEX64 },
		{ "/machine.slice/libpod-conmon-" HEX64 ".scope", "libpod-conmon-" HEX64 ".scope", "" },
		{ "/system.slice/crio-" HEX64 ".scope", "crio-" HEX64 ".scope", HEX64 },
		/* cgroupfs driver */
		{ "/docker/" HEX64, "", HEX64 },
		{ "/kubepods/besteffort/pod1234/" HEX64, "", HEX64 },
		/* near misses */
		{ "/system.slice/docker-0123.scope", "docker-0123.scope", "" },
		{ "/docker/" HEX64 "0", "", "" },
		{ "/system.slice/docker-" HEX64 ".service", "docker-" HEX64 ".service", "" },
	};
	char unit[OWNER_UNIT_MAX], id[CONTAINER_ID_LEN + 1];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		unit_of_cgroup(cases[i].path, unit, sizeof(unit));
		assert_case_string(cases[i].path, unit, cases[i].unit);
		container_of_cgroup(cases[i].path, id);
		assert_case_string(cases[i].path, id, cases[i].container);
	}
	assert_true(is_container_id_prefix("0123456789ab"));
	assert_true(is_container_id_prefix(HEX64));
	assert_false(is_container_id_prefix("0123456789a"));
	assert_false(is_container_id_prefix(HEX64 "0"));
	assert_false(is_container_id_prefix("0123456789aB"));
}

static void test_owner_column_and_json_keys(void **state)
{
	struct bind_event e = sample_event();
	struct print_opts po = { .owner = true };
	struct owner unit = { "/system.slice/nginx.service", "nginx.service", NULL };
	struct owner ctr = { "/system.slice/docker-" HEX64 ".scope", "docker-" HEX64 ".scope", HEX64 };
	struct owner path = { "/my group\x01", NULL, NULL };
	char line[LINE_MAX_LEN], word[256];

	(void)state;
	owner_word(&unit, word, sizeof(word));
	assert_string_equal(word, "nginx.service");
	owner_word(&ctr, word, sizeof(word));
	assert_string_equal(word, "container:0123456789ab");
	owner_word(&path, word, sizeof(word));
	assert_string_equal(word, "/my\\x20group\\x01");
	owner_word(NULL, word, sizeof(word));
	assert_string_equal(word, "-");
	format_header(line, sizeof(line), &po);
	assert_string_equal(line, "     PID COMM         PROT ADDR            PORT   OPTS IF OWNER\n");
	format_event(line, sizeof(line), &po, &e, e.ts_ns, NULL, &unit);
	assert_string_equal(line, " 3941081 test_bind_op TCP  192.168.1.102       0 F.N..  0 nginx.service\n");
	e.pcomm[0] = 's';
	e.pcomm[1] = '\0';
	format_event_json(line, sizeof(line), &e, 0, NULL, &ctr);
	assert_non_null(strstr(line, ",\"pcomm\":\"s\",\"cgroup\":\"/system.slice/docker-" HEX64
				     ".scope\",\"unit\":\"docker-" HEX64 ".scope\",\"container_id\":\""
				     HEX64 "\",\"via\":\"bind\"}\n"));
}

/* Every way a port is taken has its JSON name; a value past the last is "unknown", not a crash. */
static void test_via_names(void **state)
{
	static const char *const want[BS_VIA_COUNT] = {
		"bind", "socketcall", "io_uring", "listen", "connect", "sendto", "bindx", "kernel",
		"existing",
	};
	int i;

	(void)state;
	for (i = 0; i < BS_VIA_COUNT; i++)
		assert_string_equal(via_name((__u8)i), want[i]);
	assert_string_equal(via_name(BS_VIA_COUNT), "unknown");
	assert_string_equal(via_name(255), "unknown");
}

static void test_json_event_nulls_and_ipv6(void **state)
{
	struct bind_event e = sample_event_ipv6();
	char line[LINE_MAX_LEN];

	(void)state;
	e.ret = 0;
	e.opts = 0;
	e.bound_dev_if = 0;
	format_event_json(line, sizeof(line), &e, 0, NULL, NULL);
	assert_non_null(strstr(line, "\"family\":\"ipv6\",\"address\":\"2001:db8:85a3::8a2e:370:7334\""));
	assert_non_null(strstr(line, "\"options\":\".....\",\"option_names\":[],"));
	assert_non_null(strstr(line, "\"ifindex\":0,\"ifname\":null,\"ret\":0,\"errno\":null,"));
	e.ret = -9999;
	format_event_json(line, sizeof(line), &e, 0, NULL, NULL);
	assert_non_null(strstr(line, "\"ret\":-9999,\"errno\":\"-9999\","));
}

static void test_json_count_row(void **state)
{
	struct count_row row = { .binds = 5 };
	char line[LINE_MAX_LEN];

	(void)state;
	row.key.family = AF_INET;
	row.key.port = 4401;
	inet_pton(AF_INET, "127.0.0.1", row.key.addr);
	format_count_row_json(line, sizeof(line), &row);
	assert_string_equal(line, "{\"family\":\"ipv4\",\"address\":\"127.0.0.1\",\"port\":4401,\"binds\":5}");
}

static void test_format_comm_of_16_bytes_without_nul(void **state)
{
	struct print_opts po = { 0 };
	struct bind_event e = sample_event();

	(void)state;
	memcpy(e.comm, "0123456789abcdef", sizeof(e.comm));
	assert_event(&po, &e, e.ts_ns, " 3941081 0123456789ab TCP  192.168.1.102       0 F.N..  0\n");
}

static void test_format_udplite_cut_to_4_in_default_layout_whole_in_wide(void **state)
{
	struct print_opts po = { 0 };
	struct bind_event e = sample_event();

	(void)state;
	e.protocol = 136;
	assert_event(&po, &e, e.ts_ns, " 3941081 test_bind_op UDPL 192.168.1.102       0 F.N..  0\n");
	po.wide = true;
	assert_event(&po, &e, e.ts_ns,
		     "   3941081 test_bind_op UDPLITE 192.168.1.102                               0 F.N..  0 -\n");
}

static void test_format_unknown_protocol_and_family(void **state)
{
	struct print_opts po = { 0 };
	struct bind_event e = sample_event();

	(void)state;
	e.protocol = 200;
	e.family = AF_UNIX;
	assert_event(&po, &e, e.ts_ns, " 3941081 test_bind_op UNKN ?                   0 F.N..  0\n");
}

static void test_format_largest_pid_port_and_ifindex(void **state)
{
	struct print_opts po = { 0 };
	struct bind_event e = sample_event();

	(void)state;
	/* PID_MAX_LIMIT: 7 digits, still inside the 8 of PID. */
	e.pid = 4194304;
	e.port = 65535;
	e.bound_dev_if = 12;
	e.opts = 0;
	assert_event(&po, &e, e.ts_ns, " 4194304 test_bind_op TCP  192.168.1.102   65535 ..... 12\n");
}

static void test_format_event_truncates_like_snprintf(void **state)
{
	static const char whole[] =
		"TIME(s)      UID RC                 PID COMM         PROT ADDR            PORT   OPTS IF\n";
	struct print_opts po = { .timestamp = true, .print_uid = true, .errors = true };
	struct bind_event e = sample_event();
	char line[LINE_MAX_LEN];
	size_t len;

	(void)state;
	/* No room at all: the length it would take, and not a byte written. */
	memset(line, 'X', sizeof(line));
	assert_int_equal(format_header(line, 0, &po), sizeof(whole) - 1);
	assert_int_equal(line[0], 'X');

	/* Every cut point, inside each prefix column and inside the table. */
	for (len = 1; len <= sizeof(whole); len++) {
		char want[sizeof(whole)];
		int n;

		memset(line, 'X', sizeof(line));
		n = format_header(line, len, &po);
		assert_int_equal(n, sizeof(whole) - 1);
		memcpy(want, whole, len - 1);
		want[len - 1] = '\0';
		assert_string_equal(line, want);
		/* Nothing written past the buffer. */
		assert_int_equal(line[len], 'X');
	}

	e.ret = -EADDRINUSE;
	memset(line, 'X', sizeof(line));
	assert_int_equal(format_event(line, 12, &po, &e, e.ts_ns, NULL, NULL), 89);
	assert_string_equal(line, "0.000000   ");
	assert_int_equal(line[12], 'X');
}

/* ---- Buffer records ---- */

static void test_decode_event_whole_record(void **state)
{
	struct bind_event in = sample_event(), out;

	(void)state;
	memset(&out, 0xaa, sizeof(out));
	assert_int_equal(decode_event(&in, sizeof(in), &out), 0);
	assert_memory_equal(&out, &in, sizeof(in));
	assert_int_equal(out.pid, 3941081);
	assert_int_equal(out.port, 0);
	assert_int_equal(out.opts, BS_OPT_FREEBIND | BS_OPT_BIND_NO_PORT);
	assert_string_equal(out.comm, "test_bind_op");
}

static void test_decode_event_short_record_is_einval(void **state)
{
	struct bind_event in = sample_event(), out;

	(void)state;
	assert_int_equal(decode_event(&in, sizeof(in) - 1, &out), -EINVAL);
	assert_int_equal(decode_event(&in, 0, &out), -EINVAL);
}

static void test_decode_event_null_is_einval(void **state)
{
	struct bind_event out;

	(void)state;
	assert_int_equal(decode_event(NULL, sizeof(out), &out), -EINVAL);
}

static void test_decode_event_ignores_trailing_bytes(void **state)
{
	/* The perf buffer pads records to 8 bytes: what follows the event is not ours. */
	unsigned char record[sizeof(struct bind_event) + 8];
	struct bind_event in = sample_event_ipv6(), out;

	(void)state;
	memset(record, 0x5a, sizeof(record));
	memcpy(record, &in, sizeof(in));
	assert_int_equal(decode_event(record, sizeof(record), &out), 0);
	assert_memory_equal(&out, &in, sizeof(in));
}

/* ---- --count table ---- */

static struct count_row count_row(__u16 family, const __u8 *addr, size_t addr_len, __u16 port,
				  __u64 binds)
{
	struct count_row row;

	memset(&row, 0, sizeof(row));
	row.key.family = family;
	memcpy(row.key.addr, addr, addr_len);
	row.key.port = port;
	row.binds = binds;
	return row;
}

static void test_format_count_header(void **state)
{
	char line[LINE_MAX_LEN];

	(void)state;
	assert_int_equal(format_count_header(line, sizeof(line)), 69);
	assert_string_equal(line, "LADDR                                           LPORT     BINDS     \n");
}

static void test_count_rows_most_binds_first_then_family_port_address(void **state)
{
	static const __u8 any4[4] = { 0, 0, 0, 0 }, lo4[4] = { 127, 0, 0, 1 },
			  ten1[4] = { 10, 0, 0, 1 }, ten2[4] = { 10, 0, 0, 2 }, any6[16] = { 0 };
	static const char *const want[] = {
		"127.0.0.1                                          53     7         \n",
		"10.0.0.2                                           22     5         \n",
		"0.0.0.0                                            80     5         \n",
		"10.0.0.1                                           80     5         \n",
		"::                                                 80     5         \n",
	};
	struct count_row rows[] = {
		count_row(AF_INET, any4, sizeof(any4), 80, 5),
		count_row(AF_INET6, any6, sizeof(any6), 80, 5),
		count_row(AF_INET, ten1, sizeof(ten1), 80, 5),
		count_row(AF_INET, lo4, sizeof(lo4), 53, 7),
		count_row(AF_INET, ten2, sizeof(ten2), 22, 5),
	};
	char line[LINE_MAX_LEN];
	size_t i;

	(void)state;
	sort_count_rows(rows, ARRAY_SIZE(rows));
	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		int n = format_count_row(line, sizeof(line), &rows[i]);

		assert_case_string(want[i], line, want[i]);
		assert_case_int(want[i], n, strlen(want[i]));
	}
}

static void test_count_rows_sort_of_none_or_one(void **state)
{
	static const __u8 lo4[4] = { 127, 0, 0, 1 };
	struct count_row row = count_row(AF_INET, lo4, sizeof(lo4), 53, 7);

	(void)state;
	sort_count_rows(NULL, 0);
	sort_count_rows(&row, 1);
	assert_int_equal(row.key.port, 53);
	assert_int_equal(row.binds, 7);
}

static struct count_slot count_slot(__u16 family, const __u8 *addr, size_t addr_len, __u16 port,
				    __u32 state, __u64 binds)
{
	struct count_slot slot;

	memset(&slot, 0, sizeof(slot));
	slot.family = family;
	memcpy(slot.addr, addr, addr_len);
	slot.port = port;
	slot.state = state;
	slot.binds = binds;
	return slot;
}

/* The typed build's slots: complete ones only, a key in two slots added up. */
static void test_count_rows_from_slots_merge_duplicates(void **state)
{
	static const __u8 lo4[4] = { 127, 0, 0, 1 }, lo6[16] = { [15] = 1 }, none[1] = { 0 };
	const struct count_slot slots[] = {
		count_slot(AF_INET, lo4, sizeof(lo4), 80, COUNT_SLOT_READY, 2),
		count_slot(0, none, 0, 0, COUNT_SLOT_EMPTY, 0),
		count_slot(AF_INET6, lo6, sizeof(lo6), 80, COUNT_SLOT_READY, 4),
		count_slot(AF_INET, lo4, sizeof(lo4), 81, COUNT_SLOT_BUSY, 9),
		count_slot(AF_INET, lo4, sizeof(lo4), 80, COUNT_SLOT_READY, 3),
	};
	static const char *const want[] = {
		"127.0.0.1                                          80     5         \n",
		"::1                                                80     4         \n",
	};
	struct count_row rows[ARRAY_SIZE(slots)];
	char line[LINE_MAX_LEN];
	size_t n, i;

	(void)state;
	memset(rows, 0xa5, sizeof(rows));
	n = count_rows_from_slots(slots, ARRAY_SIZE(slots), rows);
	assert_int_equal(n, 3);
	/* the row's key is the slot's, the pad zero (the slot's state is not copied) */
	assert_int_equal(rows[0].key.pad, 0);
	n = merge_count_rows(rows, n);
	assert_int_equal(n, 2);
	sort_count_rows(rows, n);
	for (i = 0; i < n; i++) {
		format_count_row(line, sizeof(line), &rows[i]);
		assert_case_string(want[i], line, want[i]);
	}
	assert_int_equal(count_rows_from_slots(slots, 0, rows), 0);
	assert_int_equal(merge_count_rows(rows, 0), 0);
}

static void test_count_row_ipv6_zero_and_huge_counts(void **state)
{
	static const __u8 ip6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	struct count_row v6 = count_row(AF_INET6, ip6, sizeof(ip6), 443, 0);
	struct count_row huge = count_row(AF_INET, ip4_192_168_1_102, 4, 65535, 1ULL << 40);
	char line[LINE_MAX_LEN];

	(void)state;
	assert_int_equal(format_count_row(line, sizeof(line), &v6), 69);
	assert_string_equal(line, "2001:db8::1                                       443     0         \n");
	/* 13 digits overflow the 10 of BINDS: no padding, nothing cut. */
	assert_int_equal(format_count_row(line, sizeof(line), &huge), 72);
	assert_string_equal(line, "192.168.1.102                                   65535     1099511627776\n");
}

/* ---- Number parsing ---- */

static void test_parse_ulong_accepts_whole_decimal_numbers(void **state)
{
	static const struct {
		const char *str;
		unsigned long min, max, want;
	} cases[] = {
		{ "0", 0, 10, 0 },
		{ "42", 0, 100, 42 },
		{ "65535", 1, 65535, 65535 },
		{ "1", 1, 65535, 1 },
		{ "007", 0, 10, 7 },
		{ "18446744073709551615", 0, ULONG_MAX, ULONG_MAX },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		unsigned long val = 12345;

		assert_case_int(cases[i].str,
				parse_ulong(cases[i].str, cases[i].min, cases[i].max, &val), 0);
		assert_case_int(cases[i].str, val, cases[i].want);
	}
}

static void test_parse_ulong_rejects_with_einval_or_erange(void **state)
{
	static const struct {
		const char *str;
		unsigned long min, max;
		int want;
	} cases[] = {
		{ "65536", 1, 65535, -ERANGE },
		{ "0", 1, 65535, -ERANGE },
		{ "99999999999999999999999", 0, ULONG_MAX, -ERANGE },
		{ "18446744073709551616", 0, ULONG_MAX, -ERANGE },
		{ "", 0, 100, -EINVAL },
		{ "-1", 0, ULONG_MAX, -EINVAL },
		{ "+1", 0, 100, -EINVAL },
		{ " 1", 0, 100, -EINVAL },
		{ "1 ", 0, 100, -EINVAL },
		{ "12abc", 0, 100, -EINVAL },
		{ "0x10", 0, 100, -EINVAL },
		{ "1.5", 0, 100, -EINVAL },
		{ "abc", 0, 100, -EINVAL },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		unsigned long val = 12345;

		assert_case_int(cases[i].str,
				parse_ulong(cases[i].str, cases[i].min, cases[i].max, &val),
				cases[i].want);
	}
}

static void test_parse_ulong_null_is_einval(void **state)
{
	unsigned long val;

	(void)state;
	assert_int_equal(parse_ulong(NULL, 0, 100, &val), -EINVAL);
}

static void test_parse_kernel_release(void **state)
{
	static const struct {
		const char *release;
		int err;
		unsigned int major, minor;
	} cases[] = {
		{ "5.10.0-46-amd64", 0, 5, 10 },
		{ "6.18.44-fc-v1045", 0, 6, 18 },
		{ "6.1.0-57-arm64", 0, 6, 1 },
		{ "4.19", 0, 4, 19 },
		{ "6.12+deb13", 0, 6, 12 },
		{ "6.x", -EINVAL, 0, 0 },
		{ "6", -EINVAL, 0, 0 },
		{ ".5", -EINVAL, 0, 0 },
		{ "", -EINVAL, 0, 0 },
		{ "6.1x", -EINVAL, 0, 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		unsigned int major = 0, minor = 0;

		assert_case_int(cases[i].release,
				parse_kernel_release(cases[i].release, &major, &minor), cases[i].err);
		assert_case_int(cases[i].release, major, cases[i].major);
		assert_case_int(cases[i].release, minor, cases[i].minor);
	}
}

static void test_runtime_alloc_warning_kernels(void **state)
{
	(void)state;
	assert_false(release_warns_on_runtime_alloc(5, 6));
	assert_true(release_warns_on_runtime_alloc(5, 7));
	assert_true(release_warns_on_runtime_alloc(5, 10));
	assert_true(release_warns_on_runtime_alloc(5, 19));
	assert_true(release_warns_on_runtime_alloc(6, 0));
	assert_false(release_warns_on_runtime_alloc(6, 1));
	assert_false(release_warns_on_runtime_alloc(6, 18));
	assert_false(release_warns_on_runtime_alloc(4, 19));
}

/* kernel_facts.c's "can SCTP load here": the module's own line of modules.dep, not another's. */
static void test_modules_dep_line_is(void **state)
{
	(void)state;
	assert_true(modules_dep_line_is("kernel/net/sctp/sctp.ko: kernel/lib/libcrc32c.ko\n", "sctp"));
	assert_true(modules_dep_line_is("kernel/net/sctp/sctp.ko.xz: kernel/net/ipv4/udp_tunnel.ko.xz\n",
					"sctp"));
	assert_true(modules_dep_line_is("kernel/net/sctp/sctp.ko.zst:\n", "sctp"));
	assert_true(modules_dep_line_is("sctp.ko:", "sctp"));
	/* another module whose name starts the same, one that depends on it, not a module */
	assert_false(modules_dep_line_is("kernel/net/sctp/sctp_diag.ko.xz: kernel/net/sctp/sctp.ko.xz\n",
					 "sctp"));
	assert_false(modules_dep_line_is("kernel/net/netfilter/nf_conntrack_sctp.ko: kernel/sctp.ko\n",
					  "sctp"));
	assert_false(modules_dep_line_is("kernel/net/sctp/sctpx.ko:\n", "sctp"));
	assert_false(modules_dep_line_is("kernel/net/sctp/sctp.kox:\n", "sctp"));
	assert_false(modules_dep_line_is("kernel/net/sctp/sctp.ko\n", "sctp"));
	assert_false(modules_dep_line_is("", "sctp"));
	assert_false(modules_dep_line_is("sctp.ko:", ""));
}

static void test_decide_hook(void **state)
{
	(void)state;
	/* built in */
	assert_int_equal(decide_hook(true, false, false), HOOK_ATTACH);
	assert_int_equal(decide_hook(true, false, true), HOOK_ATTACH);
	/* CONFIG_IPV6=m, loaded: libbpf finds inet6_bind in the module's BTF */
	assert_int_equal(decide_hook(false, true, true), HOOK_ATTACH);
	/* CONFIG_IPV6=m not loaded, or =n; MPTCP not built */
	assert_int_equal(decide_hook(false, false, true), HOOK_LEAVE_OUT);
	/* inet_bind missing: not a kernel this backend can trace */
	assert_int_equal(decide_hook(false, false, false), HOOK_REFUSE);
}

static void test_error_text_names_kernel_enotsupp(void **state)
{
	(void)state;
	assert_string_equal(error_text(KERNEL_ENOTSUPP), "Operation not supported by this kernel");
	assert_string_equal(errno_name(KERNEL_ENOTSUPP), "ENOTSUPP");
	assert_string_equal(error_text(EPERM), strerror(EPERM));
}

#define NS_PER_S 1000000000ULL
#define YEAR_NS (86400ULL * 365 * NS_PER_S)

static void test_parse_seconds_accepts_whole_and_fractions(void **state)
{
	static const struct {
		const char *str;
		__u64 want;
	} cases[] = {
		{ "2", 2 * NS_PER_S },
		{ "0.5", NS_PER_S / 2 },
		{ "1.250", 1250000000ULL },
		{ "0.001", 1000000ULL },
		{ "0.000000001", 1 },
		{ "007.10", 7100000000ULL },
		{ "31536000", YEAR_NS },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		__u64 ns = 12345;

		assert_case_int(cases[i].str, parse_seconds(cases[i].str, 1, YEAR_NS, &ns), 0);
		assert_case_int(cases[i].str, ns, cases[i].want);
	}
}

static void test_parse_seconds_rejects_with_einval_or_erange(void **state)
{
	static const struct {
		const char *str;
		int want;
	} cases[] = {
		{ "", -EINVAL }, { ".", -EINVAL }, { ".5", -EINVAL }, { "5.", -EINVAL },
		{ "1.2.3", -EINVAL }, { "1e3", -EINVAL }, { "-1", -EINVAL }, { "+1", -EINVAL },
		{ " 1", -EINVAL }, { "1 ", -EINVAL }, { "1s", -EINVAL }, { "0x10", -EINVAL },
		{ "inf", -EINVAL }, { "nan", -EINVAL }, { "1.5x", -EINVAL }, { "1.-5", -EINVAL },
		{ "0", -ERANGE }, { "0.0", -ERANGE }, { "0.0000000001", -ERANGE },
		{ "31536000.000000001", -ERANGE }, { "31536001", -ERANGE },
		{ "18446744073709551615", -ERANGE }, { "99999999999999999999999", -ERANGE },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		__u64 ns = 12345;

		assert_case_int(cases[i].str, parse_seconds(cases[i].str, 1, YEAR_NS, &ns),
				cases[i].want);
		assert_case_int(cases[i].str, ns, 12345);
	}
	assert_int_equal(parse_seconds(NULL, 1, YEAR_NS, &(__u64){ 0 }), -EINVAL);
}

/* ---- Port lists (-P) ---- */

static bool port_is_set(const __u8 *bitmap, unsigned int port)
{
	return bitmap[port >> 3] & (1u << (port & 7));
}

static unsigned int ports_set(const __u8 *bitmap)
{
	unsigned int port, n = 0;

	for (port = 0; port < 65536; port++)
		n += port_is_set(bitmap, port);
	return n;
}

#define END -1

static void test_parse_port_list_good_lists(void **state)
{
	static const struct {
		const char *str;
		int set[4];		/* ports that must be set, END-terminated */
		int unset[4];		/* neighbours that must not be */
		unsigned int count;	/* ports set in all */
	} cases[] = {
		{ "80", { 80, END }, { 0, 79, 81, END }, 1 },
		{ "80,443", { 80, 443, END }, { 81, 442, 444, END }, 2 },
		{ "8000-8100", { 8000, 8050, 8100, END }, { 7999, 8101, END }, 101 },
		{ "1", { 1, END }, { 0, 2, END }, 1 },
		{ "65535", { 65535, END }, { 65534, END }, 1 },
		{ "1-65535", { 1, 32768, 65535, END }, { 0, END }, 65535 },
		{ "22,22", { 22, END }, { 21, 23, END }, 1 },
		{ "5-5", { 5, END }, { 4, 6, END }, 1 },
		{ "443,80-81", { 80, 81, 443, END }, { 79, 82, END }, 3 },
		{ "8000-8100,8050", { 8000, 8050, 8100, END }, { 8101, END }, 101 },
		/* 15 characters: the longest item read. */
		{ "000000000000080", { 80, END }, { 79, 81, END }, 1 },
	};
	static __u8 bitmap[PORT_BITMAP_BYTES];
	size_t i, j;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		const char *why = NULL;

		/* Bits of an earlier list must not survive. */
		memset(bitmap, 0xff, sizeof(bitmap));
		assert_case_int(cases[i].str, parse_port_list(cases[i].str, bitmap, &why), 0);
		for (j = 0; cases[i].set[j] != END; j++)
			assert_case_int(cases[i].str, port_is_set(bitmap, cases[i].set[j]), true);
		for (j = 0; cases[i].unset[j] != END; j++)
			assert_case_int(cases[i].str, port_is_set(bitmap, cases[i].unset[j]), false);
		assert_case_int(cases[i].str, ports_set(bitmap), cases[i].count);
	}
}

static void test_parse_port_list_bad_lists_say_why(void **state)
{
	static const struct {
		const char *str;
		int err;
		const char *why;
	} cases[] = {
		{ "0", -ERANGE, "port out of range 1-65535" },
		{ "65536", -ERANGE, "port out of range 1-65535" },
		{ "0-80", -ERANGE, "port out of range 1-65535" },
		{ "80,0", -ERANGE, "port out of range 1-65535" },
		{ "99999-100000", -ERANGE, "port out of range 1-65535" },
		{ "", -EINVAL, "empty item" },
		{ "80,", -EINVAL, "empty item" },
		{ ",80", -EINVAL, "empty item" },
		{ "80,,443", -EINVAL, "empty item" },
		{ "80-", -EINVAL, "not a port number" },
		{ "-80", -EINVAL, "not a port number" },
		{ "100-90", -EINVAL, "reversed range" },
		{ "80abc", -EINVAL, "not a port number" },
		{ "abc", -EINVAL, "not a port number" },
		{ "1-2-3", -EINVAL, "not a port number" },
		{ "8o", -EINVAL, "not a port number" },
		{ " 80", -EINVAL, "not a port number" },
		{ "80 ", -EINVAL, "not a port number" },
		{ "+80", -EINVAL, "not a port number" },
		{ "80;443", -EINVAL, "not a port number" },
		/* Cut off before it is read as a number: too long, not out of range. */
		{ "12345678901234567890", -EINVAL, "item too long" },
		{ "0000000000000080", -EINVAL, "item too long" },
	};
	static __u8 bitmap[PORT_BITMAP_BYTES];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		const char *why = NULL;

		assert_case_int(cases[i].str, parse_port_list(cases[i].str, bitmap, &why),
				cases[i].err);
		assert_non_null(why);
		assert_case_string(cases[i].str, why, cases[i].why);
	}
}

/* ---- Kernel probing through BTF ---- */

/*
 * A vmlinux BTF in miniature: the anonymous enum that holds inet_sock's flag
 * bits since 6.6, a named enum, a 64-bit enum, the function inet_bind() and
 * a tracepoint's typedef.
 */
static int build_btf(void **state)
{
	struct btf *btf = btf__new_empty();
	int int_id, proto_id, ptr_id;

	if (!btf)
		return -1;
	int_id = btf__add_int(btf, "int", 4, BTF_INT_SIGNED);
	if (int_id < 0)
		goto fail;

	if (btf__add_enum(btf, NULL, 4) < 0 ||
	    btf__add_enum_value(btf, "INET_FLAGS_PKTINFO", 0) ||
	    btf__add_enum_value(btf, "INET_FLAGS_FREEBIND", 11) ||
	    btf__add_enum_value(btf, "INET_FLAGS_TRANSPARENT", 15) ||
	    btf__add_enum_value(btf, "INET_FLAGS_BIND_ADDRESS_NO_PORT", 18))
		goto fail;

	if (btf__add_enum(btf, "sk_pacing", 4) < 0 ||
	    btf__add_enum_value(btf, "SK_PACING_NONE", 0) ||
	    btf__add_enum_value(btf, "SK_PACING_NEEDED", 1) ||
	    btf__add_enum_value(btf, "SK_PACING_FQ", 2) ||
	    btf__add_enum_value(btf, "TEST_NEGATIVE", -1))
		goto fail;

	if (btf__add_enum64(btf, "test_wide", 8, false) < 0 ||
	    btf__add_enum64_value(btf, "TEST_WIDE_2_40", 1ULL << 40))
		goto fail;

	/* A tracepoint's typedef, as the kernel has for each (tp_btf programs). */
	proto_id = btf__add_func_proto(btf, 0);
	if (proto_id < 0 || btf__add_func_param(btf, "__data", int_id))
		goto fail;
	ptr_id = btf__add_ptr(btf, proto_id);
	if (ptr_id < 0 || btf__add_typedef(btf, "btf_trace_io_uring_submit_req", ptr_id) < 0)
		goto fail;
	/* Last: the tests that break the BTF on purpose break this FUNC. */
	proto_id = btf__add_func_proto(btf, int_id);
	if (proto_id < 0 || btf__add_func_param(btf, "addr_len", int_id) ||
	    btf__add_func(btf, "inet_bind", BTF_FUNC_GLOBAL, proto_id) < 0)
		goto fail;

	*state = btf;
	return 0;
fail:
	btf__free(btf);
	return -1;
}

static int free_btf(void **state)
{
	btf__free(*state);
	return 0;
}

/* One lookup in the raw bytes of the BTF that libbpf wrote. */
static int lookup(void **state, const char *name, unsigned int kind, long long *value)
{
	const struct btf *btf = *state;
	struct btf_lookup q = { .name = name, .kind = kind, .value = -12345 };
	const char *why = NULL;
	__u32 size;
	const void *raw = btf__raw_data(btf, &size);
	int err;

	assert_non_null(raw);
	err = btf_lookup(raw, size, &q, 1, &why);
	assert_int_equal(err, 0);
	assert_null(why);
	if (!q.found)
		return -ENOENT;
	*value = q.value;
	return 0;
}

static void test_btf_lookup_enumerator_of_anonymous_enum(void **state)
{
	static const struct {
		const char *name;
		long long want;
	} cases[] = {
		{ "INET_FLAGS_PKTINFO", 0 },
		{ "INET_FLAGS_FREEBIND", 11 },
		{ "INET_FLAGS_TRANSPARENT", 15 },
		{ "INET_FLAGS_BIND_ADDRESS_NO_PORT", 18 },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		long long val = -12345;

		assert_case_int(cases[i].name, lookup(state, cases[i].name, BTF_KIND_ENUM, &val), 0);
		assert_case_int(cases[i].name, val, cases[i].want);
	}
}

static void test_btf_lookup_enumerator_of_named_and_64_bit_enums(void **state)
{
	long long val = 0;

	assert_int_equal(lookup(state, "SK_PACING_FQ", BTF_KIND_ENUM, &val), 0);
	assert_int_equal(val, 2);
	assert_int_equal(lookup(state, "TEST_NEGATIVE", BTF_KIND_ENUM, &val), 0);
	assert_int_equal(val, -1);
	assert_int_equal(lookup(state, "TEST_WIDE_2_40", BTF_KIND_ENUM, &val), 0);
	assert_int_equal(val, 1LL << 40);
}

static void test_btf_lookup_missing_enumerator(void **state)
{
	long long val = -12345;

	assert_int_equal(lookup(state, "INET_FLAGS_NOPE", BTF_KIND_ENUM, &val), -ENOENT);
	/* Names of the enum itself, of a type or of a function are not enumerators. */
	assert_int_equal(lookup(state, "sk_pacing", BTF_KIND_ENUM, &val), -ENOENT);
	assert_int_equal(lookup(state, "int", BTF_KIND_ENUM, &val), -ENOENT);
	assert_int_equal(lookup(state, "inet_bind", BTF_KIND_ENUM, &val), -ENOENT);
	assert_int_equal(lookup(state, "", BTF_KIND_ENUM, &val), -ENOENT);
	assert_int_equal(val, -12345);
}

static void test_btf_lookup_function_gives_its_type_id(void **state)
{
	long long id = 0;

	assert_int_equal(lookup(state, "inet_bind", BTF_KIND_FUNC, &id), 0);
	assert_int_equal(id, btf__find_by_name_kind(*state, "inet_bind", BTF_KIND_FUNC));
	assert_int_equal(lookup(state, "nope", BTF_KIND_FUNC, &id), -ENOENT);
	assert_int_equal(lookup(state, "inet6_bind", BTF_KIND_FUNC, &id), -ENOENT);
	/* A type or an enumerator of that name is not a function. */
	assert_int_equal(lookup(state, "int", BTF_KIND_FUNC, &id), -ENOENT);
	assert_int_equal(lookup(state, "INET_FLAGS_FREEBIND", BTF_KIND_FUNC, &id), -ENOENT);
}

/* A tracepoint the kernel has: its btf_trace_ typedef (kernel_facts.c's io_uring tracepoints). */
static void test_btf_lookup_typedef_gives_its_type_id(void **state)
{
	long long id = 0;

	assert_int_equal(lookup(state, "btf_trace_io_uring_submit_req", BTF_KIND_TYPEDEF, &id), 0);
	assert_int_equal(id, btf__find_by_name_kind(*state, "btf_trace_io_uring_submit_req",
						    BTF_KIND_TYPEDEF));
	assert_int_equal(lookup(state, "btf_trace_io_uring_submit_sqe", BTF_KIND_TYPEDEF, &id), -ENOENT);
	/* A function of that name is no typedef, nor a typedef a function. */
	assert_int_equal(lookup(state, "inet_bind", BTF_KIND_TYPEDEF, &id), -ENOENT);
	assert_int_equal(lookup(state, "btf_trace_io_uring_submit_req", BTF_KIND_FUNC, &id), -ENOENT);
}

static void test_btf_lookup_answers_every_query_in_one_pass(void **state)
{
	const struct btf *btf = *state;
	struct btf_lookup q[] = {
		{ .name = "inet_bind", .kind = BTF_KIND_FUNC },
		{ .name = "mptcp_bind", .kind = BTF_KIND_FUNC, .found = true },
		{ .name = "INET_FLAGS_TRANSPARENT", .kind = BTF_KIND_ENUM },
		{ .name = "TEST_WIDE_2_40", .kind = BTF_KIND_ENUM },
	};
	const char *why = NULL;
	__u32 size;
	const void *raw = btf__raw_data(btf, &size);

	assert_int_equal(btf_lookup(raw, size, q, ARRAY_SIZE(q), &why), 0);
	assert_true(q[0].found);
	assert_int_equal(q[0].value, btf__find_by_name_kind(btf, "inet_bind", BTF_KIND_FUNC));
	/* A stale answer from the caller is cleared. */
	assert_false(q[1].found);
	assert_true(q[2].found);
	assert_int_equal(q[2].value, 15);
	assert_true(q[3].found);
	assert_int_equal(q[3].value, 1LL << 40);
}

/* A copy of the test BTF (aligned, as the kernel's file is) to break on purpose. */
static unsigned char *raw_copy(void **state, __u32 *size, struct btf_header **hdr)
{
	const void *raw = btf__raw_data(*state, size);
	unsigned char *copy = test_malloc(*size + 64);

	memcpy(copy, raw, *size);
	*hdr = (struct btf_header *)copy;
	return copy;
}

static void expect_refused(const unsigned char *raw, size_t size, const char *want_why)
{
	struct btf_lookup q = { .name = "inet_bind", .kind = BTF_KIND_FUNC };
	const char *why = NULL;

	assert_int_equal(btf_lookup(raw, size, &q, 1, &why), -EINVAL);
	assert_non_null(why);
	assert_string_equal(why, want_why);
	assert_false(q.found);
}

static void test_btf_lookup_refuses_malformed_btf(void **state)
{
	struct btf_header *hdr;
	__u32 size;
	unsigned char *raw = raw_copy(state, &size, &hdr);
	struct btf_header good = *hdr;
	__u32 types_end = hdr->hdr_len + hdr->type_off + hdr->type_len;

	expect_refused(raw, sizeof(*hdr) - 1, "too short for a BTF header");
	hdr->magic = 0x1234;
	expect_refused(raw, size, "no BTF magic number");
	hdr->magic = __builtin_bswap16(BTF_MAGIC);
	expect_refused(raw, size, "BTF of the other byte order");
	*hdr = good;
	hdr->version = 2;
	expect_refused(raw, size, "unknown BTF version");
	*hdr = good;
	hdr->hdr_len = size + 1;
	expect_refused(raw, size, "bad BTF header length");
	*hdr = good;
	hdr->str_len += 1;
	expect_refused(raw, size, "a BTF section ends past the end of the file");
	*hdr = good;
	hdr->type_len = UINT32_MAX;
	expect_refused(raw, size, "a BTF section ends past the end of the file");
	*hdr = good;
	hdr->type_len -= 4;
	expect_refused(raw, size, "truncated BTF type");
	*hdr = good;
	hdr->type_len -= 2;
	expect_refused(raw, size, "BTF type section not aligned to 4 bytes");
	*hdr = good;
	/* The last type is inet_bind's FUNC: make its kind one no kernel has. */
	((struct btf_type *)(raw + types_end - sizeof(struct btf_type)))->info = 31u << 24;
	expect_refused(raw, size, "unknown BTF type kind");
	((struct btf_type *)(raw + types_end - sizeof(struct btf_type)))->info =
		BTF_KIND_FUNC << 24 | BTF_FUNC_GLOBAL;
	raw[size - 1] = 'x';
	expect_refused(raw, size, "bad BTF string section");
	test_free(raw);
}

/* A name offset past the strings names nothing: no match, no read past the end. */
static void test_btf_lookup_name_offset_past_strings_matches_nothing(void **state)
{
	struct btf_header *hdr;
	__u32 size;
	unsigned char *raw = raw_copy(state, &size, &hdr);
	__u32 types_end = hdr->hdr_len + hdr->type_off + hdr->type_len;
	struct btf_type *func = (struct btf_type *)(raw + types_end - sizeof(struct btf_type));
	struct btf_lookup q = { .name = "inet_bind", .kind = BTF_KIND_FUNC };
	const char *why = NULL;

	func->name_off = hdr->str_len;
	assert_int_equal(btf_lookup(raw, size, &q, 1, &why), 0);
	assert_false(q.found);
	test_free(raw);
}

/* The real thing: the running kernel's BTF, answered as libbpf's parser answers. */
static void test_btf_lookup_agrees_with_libbpf_on_kernel_btf(void **state)
{
	static const char *const funcs[] = { "inet_bind", "inet6_bind", "mptcp_bind",
					     "mptcp_v6_bind", "__sys_bind", "no_such_function" };
	static const char *const enumerators[] = {
		"INET_FLAGS_FREEBIND", "INET_FLAGS_TRANSPARENT", "INET_FLAGS_BIND_ADDRESS_NO_PORT",
		"BPF_MAP_TYPE_RINGBUF", "TCP_LISTEN", "NO_SUCH_ENUMERATOR",
	};
	struct btf_lookup q[ARRAY_SIZE(funcs) + ARRAY_SIZE(enumerators)];
	struct btf_file file;
	const char *why = NULL;
	struct btf *btf;
	size_t i;
	int err;

	(void)state;
	err = btf_file_open("/sys/kernel/btf/vmlinux", true, &file);
	if (err == -ENOENT)
		skip();
	assert_int_equal(err, 0);
	btf = btf__parse("/sys/kernel/btf/vmlinux", NULL);
	assert_non_null(btf);
	for (i = 0; i < ARRAY_SIZE(funcs); i++)
		q[i] = (struct btf_lookup){ .name = funcs[i], .kind = BTF_KIND_FUNC };
	for (i = 0; i < ARRAY_SIZE(enumerators); i++)
		q[ARRAY_SIZE(funcs) + i] = (struct btf_lookup){ .name = enumerators[i],
								.kind = BTF_KIND_ENUM };
	assert_int_equal(btf_lookup(file.data, file.size, q, ARRAY_SIZE(q), &why), 0);

	for (i = 0; i < ARRAY_SIZE(funcs); i++) {
		int id = btf__find_by_name_kind(btf, funcs[i], BTF_KIND_FUNC);

		assert_case_int(funcs[i], q[i].found ? q[i].value : -ENOENT, id > 0 ? id : -ENOENT);
	}
	assert_true(q[0].found);
	for (i = 0; i < ARRAY_SIZE(enumerators); i++) {
		struct btf_lookup *e = &q[ARRAY_SIZE(funcs) + i];
		long long want = -ENOENT;
		__u32 id, n = btf__type_cnt(btf);

		for (id = 1; id < n && want == -ENOENT; id++) {
			const struct btf_type *t = btf__type_by_id(btf, id);
			__u16 k;

			for (k = 0; btf_is_enum(t) && k < btf_vlen(t); k++)
				if (!strcmp(btf__name_by_offset(btf, btf_enum(t)[k].name_off),
					    enumerators[i]))
					want = btf_enum(t)[k].val;
			for (k = 0; btf_is_enum64(t) && k < btf_vlen(t); k++)
				if (!strcmp(btf__name_by_offset(btf, btf_enum64(t)[k].name_off),
					    enumerators[i]))
					want = (long long)btf_enum64_value(&btf_enum64(t)[k]);
		}
		assert_case_int(enumerators[i], e->found ? e->value : -ENOENT, want);
	}
	btf__free(btf);
	btf_file_close(&file);
}

static void test_btf_file_open_errors(void **state)
{
	struct btf_file file;

	(void)state;
	assert_int_equal(btf_file_open("/nonexistent/btf", true, &file), -ENOENT);
	assert_int_equal(btf_file_open("/tmp", true, &file), -EISDIR);
	assert_int_equal(btf_file_open("/dev/null", true, &file), -EINVAL);
	assert_null(file.data);
}

/* Kernels before 6.16 cannot map their BTF file: the read path must give the same bytes. */
static void test_btf_file_open_read_equals_mapped(void **state)
{
	const char *path = "/sys/kernel/btf/vmlinux";
	struct btf_file mapped, read;
	int err;

	(void)state;
	err = btf_file_open(path, true, &mapped);
	if (err == -ENOENT)
		skip();
	assert_int_equal(err, 0);
	assert_int_equal(btf_file_open(path, false, &read), 0);
	assert_false(read.mapped);
	assert_int_equal(read.size, mapped.size);
	assert_true(read.size > 0);
	assert_memory_equal(read.data, mapped.data, read.size);
	btf_file_close(&read);
	btf_file_close(&mapped);
	assert_null(read.data);
}

/* --existing: a TCP socket's state by its ss name, the JSON key only for TCP and MPTCP. */
static void test_existing_state_names_and_json_key(void **state)
{
	struct existing_event x = { .e = { .protocol = 6 }, .state = 10 };
	char buf[64];

	(void)state;
	assert_string_equal(tcp_state_name(10), "LISTEN");
	assert_string_equal(tcp_state_name(1), "ESTABLISHED");
	assert_string_equal(tcp_state_name(7), "CLOSE");
	assert_null(tcp_state_name(0));
	assert_null(tcp_state_name(200));
	assert_int_equal(existing_json_extra(buf, sizeof(buf), &x), 17);
	assert_string_equal(buf, ",\"state\":\"LISTEN\"");
	x.e.protocol = 262;
	x.state = 1;
	existing_json_extra(buf, sizeof(buf), &x);
	assert_string_equal(buf, ",\"state\":\"ESTABLISHED\"");
	/* A state this build has no name for is still said, as its number. */
	x.state = 99;
	existing_json_extra(buf, sizeof(buf), &x);
	assert_string_equal(buf, ",\"state\":\"99\"");
	x.e.protocol = 17;
	assert_int_equal(existing_json_extra(buf, sizeof(buf), &x), 0);
	assert_string_equal(buf, "");
}

static void test_existing_decode_whole_records_only(void **state)
{
	struct existing_event in = { .e = { .pid = 42, .port = 80 }, .state = 10, .kernel = 1 }, out;

	(void)state;
	assert_int_equal(decode_existing(&in, sizeof(in) - 1, &out), -EINVAL);
	assert_int_equal(decode_existing(NULL, sizeof(in), &out), -EINVAL);
	assert_int_equal(decode_existing(&in, sizeof(in), &out), 0);
	assert_memory_equal(&in, &out, sizeof(in));
}

/* A failed bind (or a held socket) of TCP port 8080: @family and @text as inet_pton() takes it. */
static struct bind_event tcp_8080(int family, const char *text)
{
	struct bind_event e = { .protocol = 6, .port = 8080, .family = (__u16)family, .ret = -98 };

	assert_int_equal(inet_pton(family, text, e.addr), 1);
	return e;
}

static struct existing_event held_8080(int family, const char *text, bool v6only, __u32 pid)
{
	struct existing_event x = { .e = tcp_8080(family, text), .v6only = v6only };

	x.e.ret = 0;
	x.e.pid = pid;
	snprintf(x.e.comm, sizeof(x.e.comm), "holder%u", pid);
	return x;
}

static bool conflicts(const struct bind_event *failed, int family, const char *text, bool v6only)
{
	struct existing_event x = held_8080(family, text, v6only, 1);

	return holder_conflicts(failed, &x);
}

static void add_holder(struct holders *h, int family, const char *text, __u32 pid)
{
	struct existing_event x = held_8080(family, text, false, pid);

	holders_add(h, &x);
}

/* Which held sockets are in a failed bind's way: the overlaps of addresses bind() refuses. */
static void test_holders_conflicting_addresses(void **state)
{
	struct bind_event f4 = tcp_8080(AF_INET, "127.0.0.1"), f6 = tcp_8080(AF_INET6, "::1");
	struct bind_event fmapped = tcp_8080(AF_INET6, "::ffff:127.0.0.1");
	struct bind_event fany4 = tcp_8080(AF_INET, "0.0.0.0"), fany6 = tcp_8080(AF_INET6, "::");
	struct existing_event x;

	(void)state;
	/* the same specific address; another one */
	assert_true(conflicts(&f4, AF_INET, "127.0.0.1", false));
	assert_false(conflicts(&f4, AF_INET, "127.0.0.2", false));
	assert_true(conflicts(&f6, AF_INET6, "::1", false));
	assert_false(conflicts(&f6, AF_INET6, "::2", false));
	/* a wildcard holder; a wildcard bind against a specific holder */
	assert_true(conflicts(&f4, AF_INET, "0.0.0.0", false));
	assert_true(conflicts(&fany4, AF_INET, "10.1.2.3", false));
	assert_true(conflicts(&fany6, AF_INET6, "2001:db8::1", false));
	/* v4-mapped IPv6 is its IPv4 address, both ways */
	assert_true(conflicts(&fmapped, AF_INET, "127.0.0.1", false));
	assert_true(conflicts(&f4, AF_INET6, "::ffff:127.0.0.1", false));
	assert_false(conflicts(&fmapped, AF_INET, "127.0.0.2", false));
	/* the IPv6 wildcard takes IPv4 too, unless IPV6_V6ONLY; a specific IPv6 never */
	assert_true(conflicts(&f4, AF_INET6, "::", false));
	assert_false(conflicts(&f4, AF_INET6, "::", true));
	assert_false(conflicts(&f4, AF_INET6, "::1", false));
	assert_true(conflicts(&fany6, AF_INET, "127.0.0.1", false));
	assert_false(conflicts(&f6, AF_INET, "0.0.0.0", false));
	/* another port, another protocol */
	x = held_8080(AF_INET, "127.0.0.1", false, 1);
	x.e.port = 8081;
	assert_false(holder_conflicts(&f4, &x));
	x = held_8080(AF_INET, "127.0.0.1", false, 1);
	x.e.protocol = 17;
	assert_false(holder_conflicts(&f4, &x));
}

static void test_holders_json_and_column(void **state)
{
	struct holders h = {};
	struct existing_event x;
	char buf[2048];
	__u32 pid;
	int len;

	(void)state;
	holders_json(buf, sizeof(buf), &h);
	assert_string_equal(buf, ",\"holders\":[]");
	holders_word(buf, sizeof(buf), &h);
	assert_string_equal(buf, "-");
	add_holder(&h, AF_INET, "0.0.0.0", 41);
	holders_json(buf, sizeof(buf), &h);
	assert_string_equal(buf, ",\"holders\":[{\"pid\":41,\"comm\":\"holder41\"}]");
	holders_word(buf, sizeof(buf), &h);
	assert_string_equal(buf, "41/holder41");
	/* a process with two conflicting sockets is one holder */
	add_holder(&h, AF_INET6, "::", 41);
	add_holder(&h, AF_INET, "0.0.0.0", 42);
	assert_int_equal(h.n, 2);
	/* sorted by pid, whatever the order found */
	add_holder(&h, AF_INET, "0.0.0.0", 3);
	holders_sort(&h);
	assert_int_equal(h.list[0].pid, 3);
	assert_int_equal(h.list[2].pid, 42);
	memmove(h.list, h.list + 1, 2 * sizeof(h.list[0]));
	h.n = 2;
	holders_word(buf, sizeof(buf), &h);
	assert_string_equal(buf, "41/holder41,+1");
	holders_json(buf, sizeof(buf), &h);
	assert_string_equal(buf, ",\"holders\":[{\"pid\":41,\"comm\":\"holder41\"},"
				 "{\"pid\":42,\"comm\":\"holder42\"}]");
	/* past HOLDERS_MAX: counted, not named */
	for (pid = 100; pid < 100 + HOLDERS_MAX; pid++)
		add_holder(&h, AF_INET, "0.0.0.0", pid);
	assert_int_equal(h.n, HOLDERS_MAX + 2);
	len = holders_json(buf, sizeof(buf), &h);
	assert_int_equal(len, (int)strlen(buf));
	assert_non_null(strstr(buf, "{\"pid\":113,\"comm\":\"holder113\"}],\"holders_more\":2"));
	/* a comm with blanks and a quote: one word in the column, valid JSON */
	memset(&h, 0, sizeof(h));
	x = held_8080(AF_INET, "0.0.0.0", false, 7);
	snprintf(x.e.comm, sizeof(x.e.comm), "my \"srv\"");
	holders_add(&h, &x);
	holders_word(buf, sizeof(buf), &h);
	assert_string_equal(buf, "7/my\\x20\"srv\"");
	holders_json(buf, sizeof(buf), &h);
	assert_string_equal(buf, ",\"holders\":[{\"pid\":7,\"comm\":\"my \\\"srv\\\"\"}]");
	/* a look-up skipped: null, and ? in the column */
	h.skipped = true;
	holders_json(buf, sizeof(buf), &h);
	assert_string_equal(buf, ",\"holders\":null");
	holders_word(buf, sizeof(buf), &h);
	assert_string_equal(buf, "?");
}

/* The cache answers a repeat within a second; past 10 look-ups or 100 ms of them a second, skipped. */
static void test_holders_cache_and_budget(void **state)
{
	static struct holder_cache c;
	struct bind_event f = tcp_8080(AF_INET, "127.0.0.1");
	struct holders h = { .n = 1, .list = { { .pid = 5, .comm = "x" } } }, out;
	const __u64 t0 = 5000000000ULL;
	int i;

	(void)state;
	assert_int_equal(holder_cache_get(&c, &f, t0, &out), HOLDERS_LOOK_UP);
	holder_cache_put(&c, &f, t0, 1000, &h);
	assert_int_equal(holder_cache_get(&c, &f, t0 + HOLDER_CACHE_NS - 1, &out), HOLDERS_CACHED);
	assert_int_equal(out.n, 1);
	assert_int_equal(out.list[0].pid, 5);
	/* the same port on another address is another question */
	f.addr[3] = 2;
	assert_int_equal(holder_cache_get(&c, &f, t0 + 1, &out), HOLDERS_LOOK_UP);
	for (i = 2; i < HOLDER_LOOKUPS_PER_SEC; i++) {
		f.port = (__u16)(9000 + i);
		assert_int_equal(holder_cache_get(&c, &f, t0 + 2, &out), HOLDERS_LOOK_UP);
	}
	f.port = 9999;
	assert_int_equal(holder_cache_get(&c, &f, t0 + 3, &out), HOLDERS_SKIP);
	assert_true(out.skipped);
	/* still answered from the cache while the budget is spent */
	f = tcp_8080(AF_INET, "127.0.0.1");
	assert_int_equal(holder_cache_get(&c, &f, t0 + 4, &out), HOLDERS_CACHED);
	/* a second later: the budget is back, the cached answer too old */
	assert_int_equal(holder_cache_get(&c, &f, t0 + HOLDER_CACHE_NS, &out), HOLDERS_LOOK_UP);
	/* a look-up that took the second's time: the next one is skipped */
	holder_cache_put(&c, &f, t0 + HOLDER_CACHE_NS, HOLDER_NS_PER_SEC, &h);
	f.port = 7777;
	assert_int_equal(holder_cache_get(&c, &f, t0 + HOLDER_CACHE_NS + 1, &out), HOLDERS_SKIP);
	assert_int_equal(holder_cache_get(&c, &f, t0 + 2 * HOLDER_CACHE_NS, &out), HOLDERS_LOOK_UP);
	/* a full cache replaces its oldest slot */
	for (i = 0; i < HOLDER_CACHE_SLOTS + 1; i++) {
		f.port = (__u16)(10000 + i);
		holder_cache_put(&c, &f, t0 + 10 + (__u64)i, 0, &h);
	}
	f.port = 10000 + HOLDER_CACHE_SLOTS;
	assert_int_equal(holder_cache_get(&c, &f, t0 + 100, &out), HOLDERS_CACHED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_opts_to_str_no_option_is_all_dots),
		cmocka_unit_test(test_opts_to_str_all_options),
		cmocka_unit_test(test_opts_to_str_each_option_has_its_letter_and_place),
		cmocka_unit_test(test_opts_to_str_freebind_and_no_port),
		cmocka_unit_test(test_opts_to_str_ignores_bits_above_the_five_options),
		cmocka_unit_test(test_proto_name_by_ipproto_number),
		cmocka_unit_test(test_proto_name_unknown_number_is_unkn),
		cmocka_unit_test(test_addr_to_str_ipv4_and_ipv6),
		cmocka_unit_test(test_addr_to_str_buffer_too_small_gives_question_mark),
		cmocka_unit_test(test_errno_name_of_bind_errors),
		cmocka_unit_test(test_errno_name_zero_unknown_and_negative_are_null),
		cmocka_unit_test(test_escape_comm_plain_comm_unchanged),
		cmocka_unit_test(test_escape_comm_unprintable_bytes_as_lowercase_hex),
		cmocka_unit_test(test_escape_comm_stops_at_task_comm_len_without_nul),
		cmocka_unit_test(test_escape_comm_stops_at_len),
		cmocka_unit_test(test_escape_comm_longest_result_fits),
		cmocka_unit_test(test_format_default_layout),
		cmocka_unit_test(test_format_wide_layout),
		cmocka_unit_test(test_format_ipv6_truncated_to_15_in_default_layout),
		cmocka_unit_test(test_format_ipv6_whole_in_wide_layout),
		cmocka_unit_test(test_format_timestamp_since_first_event),
		cmocka_unit_test(test_format_uid),
		cmocka_unit_test(test_format_errors_rc_column),
		cmocka_unit_test(test_format_all_prefixes_in_bcc_order),
		cmocka_unit_test(test_format_all_prefixes_wide),
		cmocka_unit_test(test_format_long_comm_cut_at_12),
		cmocka_unit_test(test_format_escaped_comm_in_line),
		cmocka_unit_test(test_format_comm_of_16_bytes_without_nul),
		cmocka_unit_test(test_format_ifname_only_in_wide),
		cmocka_unit_test(test_json_escape),
		cmocka_unit_test(test_iso8601),
		cmocka_unit_test(test_json_event_every_field),
		cmocka_unit_test(test_json_event_nulls_and_ipv6),
		cmocka_unit_test(test_via_names),
		cmocka_unit_test(test_owner_unit_and_container_of_cgroup_paths),
		cmocka_unit_test(test_owner_column_and_json_keys),
		cmocka_unit_test(test_json_count_row),
		cmocka_unit_test(test_format_escape_never_cut_in_half),
		cmocka_unit_test(test_format_rc_extremes),
		cmocka_unit_test(test_format_timestamp_before_first_is_negative),
		cmocka_unit_test(test_format_udplite_cut_to_4_in_default_layout_whole_in_wide),
		cmocka_unit_test(test_format_unknown_protocol_and_family),
		cmocka_unit_test(test_format_largest_pid_port_and_ifindex),
		cmocka_unit_test(test_format_event_truncates_like_snprintf),
		cmocka_unit_test(test_decode_event_whole_record),
		cmocka_unit_test(test_decode_event_short_record_is_einval),
		cmocka_unit_test(test_decode_event_null_is_einval),
		cmocka_unit_test(test_decode_event_ignores_trailing_bytes),
		cmocka_unit_test(test_format_count_header),
		cmocka_unit_test(test_count_rows_most_binds_first_then_family_port_address),
		cmocka_unit_test(test_count_rows_sort_of_none_or_one),
		cmocka_unit_test(test_count_rows_from_slots_merge_duplicates),
		cmocka_unit_test(test_count_row_ipv6_zero_and_huge_counts),
		cmocka_unit_test(test_parse_ulong_accepts_whole_decimal_numbers),
		cmocka_unit_test(test_parse_ulong_rejects_with_einval_or_erange),
		cmocka_unit_test(test_parse_ulong_null_is_einval),
		cmocka_unit_test(test_parse_seconds_accepts_whole_and_fractions),
		cmocka_unit_test(test_parse_kernel_release),
		cmocka_unit_test(test_modules_dep_line_is),
		cmocka_unit_test(test_decide_hook),
		cmocka_unit_test(test_error_text_names_kernel_enotsupp),
		cmocka_unit_test(test_runtime_alloc_warning_kernels),
		cmocka_unit_test(test_parse_seconds_rejects_with_einval_or_erange),
		cmocka_unit_test(test_parse_port_list_good_lists),
		cmocka_unit_test(test_parse_port_list_bad_lists_say_why),
		cmocka_unit_test_setup_teardown(test_btf_lookup_enumerator_of_anonymous_enum, build_btf,
						free_btf),
		cmocka_unit_test_setup_teardown(test_btf_lookup_enumerator_of_named_and_64_bit_enums,
						build_btf, free_btf),
		cmocka_unit_test_setup_teardown(test_btf_lookup_missing_enumerator, build_btf, free_btf),
		cmocka_unit_test_setup_teardown(test_btf_lookup_function_gives_its_type_id, build_btf,
						free_btf),
		cmocka_unit_test_setup_teardown(test_btf_lookup_typedef_gives_its_type_id, build_btf,
						free_btf),
		cmocka_unit_test_setup_teardown(test_btf_lookup_answers_every_query_in_one_pass,
						build_btf, free_btf),
		cmocka_unit_test_setup_teardown(test_btf_lookup_refuses_malformed_btf, build_btf,
						free_btf),
		cmocka_unit_test_setup_teardown(test_btf_lookup_name_offset_past_strings_matches_nothing,
						build_btf, free_btf),
		cmocka_unit_test(test_btf_lookup_agrees_with_libbpf_on_kernel_btf),
		cmocka_unit_test(test_btf_file_open_errors),
		cmocka_unit_test(test_btf_file_open_read_equals_mapped),
		cmocka_unit_test(test_existing_state_names_and_json_key),
		cmocka_unit_test(test_existing_decode_whole_records_only),
		cmocka_unit_test(test_holders_conflicting_addresses),
		cmocka_unit_test(test_holders_json_and_column),
		cmocka_unit_test(test_holders_cache_and_budget),
	};

	return cmocka_run_group_tests_name("bindsnoop unit", tests, NULL, NULL);
}
