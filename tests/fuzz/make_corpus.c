// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Writes the seed corpora of the fuzz harnesses: tests/fuzz/corpus/<harness>/.
 * Event records are real struct bind_event values, and BTF blobs come from
 * libbpf's own BTF writer, so the seeds follow bindsnoop.h and libbpf rather
 * than a layout copied by hand. `tests/fuzz.sh --make-corpus` runs it; the
 * output is deterministic, so a rerun changes nothing unless a layout did.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <net/if.h>
#include <bpf/btf.h>
#include "format.h"

static const char *root;
static int errors;

static void write_seed(const char *harness, const char *name, const void *data, size_t len)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, harness);
	if (mkdir(path, 0755) && errno != EEXIST) {
		perror(path);
		errors++;
		return;
	}
	snprintf(path, sizeof(path), "%s/%s/%s", root, harness, name);
	f = fopen(path, "wb");
	if (!f || fwrite(data, 1, len, f) != len || fclose(f)) {
		perror(path);
		errors++;
	}
}

/* ---- fuzz_ports: -P arguments, valid and not ---- */

static void ports_seeds(void)
{
	static const struct {
		const char *name, *text;
	} seeds[] = {
		{ "one", "80" },
		{ "two", "80,443" },
		{ "range", "80,443,8000-8100" },
		{ "lowest", "1" },
		{ "highest", "65535" },
		{ "all", "1-65535" },
		{ "one_port_range", "1-1" },
		{ "leading_zeros", "0080" },
		{ "longest_item", "000000000000080" },
		{ "too_long_item", "0000000000000080" },
		{ "zero", "0" },
		{ "above_max", "65536" },
		{ "overflow", "99999999999999999999" },
		{ "empty", "" },
		{ "comma", "," },
		{ "trailing_comma", "80," },
		{ "leading_comma", ",80" },
		{ "empty_item", "80,,443" },
		{ "leading_dash", "-80" },
		{ "trailing_dash", "80-" },
		{ "two_dashes", "80-90-100" },
		{ "reversed", "100-90" },
		{ "blank", " 80" },
		{ "plus", "+80" },
		{ "trailing_blank", "80 " },
		{ "hex", "0x50" },
	};
	size_t i;

	for (i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++)
		write_seed("fuzz_ports", seeds[i].name, seeds[i].text, strlen(seeds[i].text));
}

/* ---- fuzz_numbers: min, max, then the string ---- */

static void numbers_seed(const char *name, unsigned long min, unsigned long max, const char *s)
{
	char buf[2 * sizeof(unsigned long) + 64];
	size_t len = strlen(s);

	memcpy(buf, &min, sizeof(min));
	memcpy(buf + sizeof(min), &max, sizeof(max));
	memcpy(buf + 2 * sizeof(min), s, len);
	write_seed("fuzz_numbers", name, buf, 2 * sizeof(min) + len);
}

static void numbers_seeds(void)
{
	numbers_seed("port", 1, 65535, "80");
	numbers_seed("port_zero", 1, 65535, "0");
	numbers_seed("port_above", 1, 65535, "65536");
	numbers_seed("duration", 0, 3600, "60");
	numbers_seed("ulong_max", 0, ULONG_MAX, "18446744073709551615");
	numbers_seed("ulong_overflow", 0, ULONG_MAX, "18446744073709551616");
	numbers_seed("huge", 0, ULONG_MAX, "99999999999999999999999999");
	numbers_seed("zero", 0, ULONG_MAX, "0");
	numbers_seed("leading_zeros", 0, 100, "007");
	numbers_seed("minus", 0, 100, "-1");
	numbers_seed("blank", 0, 100, " 1");
	numbers_seed("plus", 0, 100, "+1");
	numbers_seed("junk", 0, 100, "1x");
	numbers_seed("empty", 0, 100, "");
	numbers_seed("min_above_max", 5, 3, "4");
	write_seed("fuzz_numbers", "null_string", "x", 1);
}

/* ---- fuzz_escape: json_escape()'s buffer size, then the bytes ---- */

static void escape_seed(const char *name, unsigned char json_len, const char *s, size_t len)
{
	char buf[64];

	buf[0] = (char)json_len;
	memcpy(buf + 1, s, len);
	write_seed("fuzz_escape", name, buf, len + 1);
}

#define ESCAPE_SEED(name, json_len, lit) escape_seed(name, json_len, lit, sizeof(lit) - 1)

static void escape_seeds(void)
{
	ESCAPE_SEED("plain", 64, "bindsnoop");
	ESCAPE_SEED("short", 64, "nc");
	ESCAPE_SEED("quote_backslash", 255, "a\\b\"c");
	ESCAPE_SEED("terminal_escape", 64, "\x1b[31mred\x1b[0m");
	ESCAPE_SEED("utf8", 255, "\xc3\xa9t\xc3\xa9");
	ESCAPE_SEED("tight_buffer", 8, "abcdefghijkl");
	ESCAPE_SEED("no_buffer", 0, "x");
	ESCAPE_SEED("control_cut", 3, "\x01");
	ESCAPE_SEED("longer_than_comm", 255, "0123456789abcdefghij");
	ESCAPE_SEED("inner_nul", 64, "ab\0cd");
	ESCAPE_SEED("del_and_high", 255, "\x7f\x80\xff");
	ESCAPE_SEED("empty", 1, "");
}

/* ---- fuzz_event: a struct bind_event, then the harness's parameters ---- */

struct event_params {
	__u64 first_ts_ns;
	__s64 realtime_offset_ns;
	__u16 small_len;	/* low 4 bits: which print_opts get the short buffer */
	__u8 flags;		/* bit 0: an ifname follows */
	char ifname[IF_NAMESIZE - 1];
} __attribute__((packed));

/* A realistic CLOCK_REALTIME - CLOCK_MONOTONIC: November 2026, booted a day ago. */
#define REALTIME_OFFSET_NS 1795480000000000000LL

static struct bind_event event(int family, const char *addr, __u16 port, __u16 protocol,
			       __s32 ret, const char *comm)
{
	struct bind_event e;

	memset(&e, 0, sizeof(e));
	e.ts_ns = 86400ULL * 1000000000ULL + 123456789;
	e.cgroup_id = 4242;
	e.mntns_id = 4026531841ULL;
	e.netns_id = 4026531840ULL;
	e.pid = 1234;
	e.tid = 1235;
	e.ppid = 1;
	e.uid = 1000;
	e.gid = 1000;
	e.ret = ret;
	e.family = (__u16)family;
	e.protocol = protocol;
	e.port = port;
	e.sock_type = protocol == IPPROTO_UDP ? SOCK_DGRAM : SOCK_STREAM;
	if (family == AF_INET || family == AF_INET6)
		inet_pton(family, addr, e.addr);
	/* No NUL when comm fills it (e is zeroed); memcpy, not strncpy, which
	 * gcc's -Wstringop-truncation rightly suspects of a missing NUL. */
	memcpy(e.comm, comm, strnlen(comm, sizeof(e.comm)));
	return e;
}

static void event_seed(const char *name, const struct bind_event *e,
		       const struct event_params *p, size_t params_len)
{
	char buf[sizeof(*e) + sizeof(*p)];

	memcpy(buf, e, sizeof(*e));
	if (p)
		memcpy(buf + sizeof(*e), p, params_len);
	write_seed("fuzz_event", name, buf, sizeof(*e) + (p ? params_len : 0));
}

static void count_seed(const char *name, int family, const char *addr, __u16 port, __u64 binds)
{
	struct count_row row;

	memset(&row, 0, sizeof(row));
	row.key.family = (__u16)family;
	row.key.port = port;
	row.binds = binds;
	if (family == AF_INET || family == AF_INET6)
		inet_pton(family, addr, row.key.addr);
	write_seed("fuzz_event", name, &row, sizeof(row));
}

static void event_seeds(void)
{
	struct event_params p;
	struct bind_event e;

	e = event(AF_INET, "0.0.0.0", 80, IPPROTO_TCP, 0, "nc");
	e.opts = BS_OPT_REUSEADDR;
	event_seed("tcp4_any_80", &e, NULL, 0);

	e = event(AF_INET6, "::1", 53, IPPROTO_UDP, 0, "dnsmasq");
	e.opts = BS_OPT_FREEBIND | BS_OPT_TRANSPARENT;
	memset(&p, 0, sizeof(p));
	p.first_ts_ns = e.ts_ns - 1500000000ULL;
	p.realtime_offset_ns = REALTIME_OFFSET_NS;
	event_seed("udp6_loopback_53", &e, &p, offsetof(struct event_params, small_len));

	e = event(AF_INET, "127.0.0.1", 8080, IPPROTO_TCP, -EADDRINUSE, "python3");
	memset(&p, 0, sizeof(p));
	p.first_ts_ns = e.ts_ns;
	p.realtime_offset_ns = REALTIME_OFFSET_NS;
	p.small_len = 40; /* cut at 40 bytes; 40 & 15 = 8: -E */
	event_seed("tcp4_eaddrinuse", &e, &p, offsetof(struct event_params, flags));

	e = event(AF_INET, "0.0.0.0", 80, IPPROTO_TCP, -EACCES, "httpd");
	memset(&p, 0, sizeof(p));
	p.first_ts_ns = e.ts_ns + 2000000000ULL; /* earlier event delivered later */
	p.small_len = 37; /* 37 & 15 = 5: -w -U */
	event_seed("tcp4_eacces_negative_time", &e, &p, offsetof(struct event_params, flags));

	e = event(AF_INET, "127.0.0.1", 9000, IPPROTO_TCP, 0, "\x1b[2J\x07evil\\");
	e.bound_dev_if = 1;
	memset(&p, 0, sizeof(p));
	p.first_ts_ns = e.ts_ns;
	p.flags = 1;
	memcpy(p.ifname, "lo", 2);
	event_seed("terminal_escape_comm_lo", &e, &p, sizeof(p));

	e = event(AF_INET6, "fe80::1", 5353, IPPROTO_UDP, 0, "0123456789abcdef");
	e.bound_dev_if = 7;
	memset(&p, 0, sizeof(p));
	p.first_ts_ns = e.ts_ns;
	p.small_len = 11; /* 11 & 15: -w -t -E */
	p.flags = 1;
	memcpy(p.ifname, "\xff\x01we\"ird\\", 9);
	event_seed("full_comm_odd_ifname", &e, &p, sizeof(p));

	e = event(AF_INET6, "2001:db8:1111:2222:3333:4444:5555:6666", 443, 262, 0, "mptcpd");
	e.opts = 0x1f;
	e.bound_dev_if = 3;
	memset(&p, 0, sizeof(p));
	p.first_ts_ns = e.ts_ns;
	p.realtime_offset_ns = REALTIME_OFFSET_NS;
	p.small_len = 900; /* 900 & 15 = 4: -U */
	p.flags = 1;
	memcpy(p.ifname, "veth0123456789a", 15);
	event_seed("mptcp6_all_opts_long_ifname", &e, &p, sizeof(p));

	e = event(AF_INET6, "::ffff:10.0.0.1", 2905, IPPROTO_SCTP, 0, "sctp_test");
	e.sock_type = SOCK_SEQPACKET;
	event_seed("sctp6_v4mapped", &e, NULL, 0);

	e = event(0, NULL, 0, IPPROTO_RAW, 5, "");
	event_seed("unknown_family_positive_ret_empty_comm", &e, NULL, 0);

	e = event(AF_INET, "10.1.2.3", 65535, 99, -4096, "unknown");
	event_seed("unknown_protocol_ret_-4096", &e, NULL, 0);

	e = event(AF_INET, "10.1.2.3", 1, IPPROTO_UDP, -9999, "x");
	event_seed("unknown_errno", &e, NULL, 0);

	/* The perf buffer hands over records padded to 8 bytes plus its own 4. */
	e = event(AF_INET, "192.168.1.1", 68, IPPROTO_UDP, 0, "dhclient");
	{
		char padded[sizeof(e) + 4];

		memset(padded, 0, sizeof(padded));
		memcpy(padded, &e, sizeof(e));
		write_seed("fuzz_event", "perfbuf_padded", padded, sizeof(padded));
		write_seed("fuzz_event", "short_record", padded, sizeof(e) - 1);
	}

	count_seed("count_tcp4", AF_INET, "0.0.0.0", 80, 5);
	count_seed("count_udp6", AF_INET6, "2001:db8::53", 53, 1000000);
	count_seed("count_unknown_family", 0, NULL, 0, ~0ULL);
}

/* ---- fuzz_btf: BTF as the kernel would describe what the tool looks up ---- */

static void btf_seed(const char *name, struct btf *btf)
{
	const void *raw;
	__u32 size;

	raw = btf ? btf__raw_data(btf, &size) : NULL;
	if (!raw) {
		fprintf(stderr, "make_corpus: %s: BTF writer failed\n", name);
		errors++;
	} else {
		write_seed("fuzz_btf", name, raw, size);
	}
	btf__free(btf);
}

static void btf_seeds(void)
{
	struct btf *btf;
	int int_id, proto_id;

	btf = btf__new_empty();
	if (btf)
		btf__add_int(btf, "int", 4, BTF_INT_SIGNED);
	btf_seed("int_only", btf);

	/* Kernel 6.6+: the inet_sock flags became an anonymous enum. */
	btf = btf__new_empty();
	if (btf) {
		int_id = btf__add_int(btf, "int", 4, BTF_INT_SIGNED);
		btf__add_enum(btf, NULL, 4);
		btf__add_enum_value(btf, "INET_FLAGS_PKTINFO", 0);
		btf__add_enum_value(btf, "INET_FLAGS_FREEBIND", 10);
		btf__add_enum_value(btf, "INET_FLAGS_TRANSPARENT", 11);
		btf__add_enum_value(btf, "INET_FLAGS_BIND_ADDRESS_NO_PORT", 13);
		proto_id = btf__add_func_proto(btf, int_id);
		btf__add_func_param(btf, "sock", int_id);
		btf__add_func(btf, "inet_bind", BTF_FUNC_GLOBAL, proto_id);
		btf__add_func(btf, "inet6_bind", BTF_FUNC_GLOBAL, proto_id);
		btf__add_func(btf, "mptcp_bind", BTF_FUNC_STATIC, proto_id);
	}
	btf_seed("kernel_6_6", btf);

	/* Older kernel: bit fields, no such enum, no MPTCP. */
	btf = btf__new_empty();
	if (btf) {
		int_id = btf__add_int(btf, "unsigned char", 1, 0);
		btf__add_struct(btf, "inet_sock", 4);
		btf__add_field(btf, "freebind", int_id, 0, 1);
		btf__add_field(btf, "transparent", int_id, 1, 1);
		proto_id = btf__add_func_proto(btf, int_id);
		btf__add_func(btf, "inet_bind", BTF_FUNC_GLOBAL, proto_id);
		btf__add_func(btf, "inet6_bind", BTF_FUNC_GLOBAL, proto_id);
	}
	btf_seed("kernel_5_4", btf);

	btf = btf__new_empty();
	if (btf) {
		btf__add_enum64(btf, "wide", 8, false);
		btf__add_enum64_value(btf, "INET_FLAGS_FREEBIND", 1ULL << 40);
		btf__add_enum64_value(btf, "WIDE_MAX", ~0ULL);
	}
	btf_seed("enum64", btf);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: make_corpus DIR\n");
		return 2;
	}
	root = argv[1];
	if (mkdir(root, 0755) && errno != EEXIST) {
		perror(root);
		return 1;
	}
	ports_seeds();
	numbers_seeds();
	escape_seeds();
	event_seeds();
	btf_seeds();
	return errors ? 1 : 0;
}
