// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <net/if.h>
#include "format.h"
#include "trace_helpers.h"

/* bcc's bindsnoop.py layout, kept byte for byte so its users' scripts still parse us. */
#define HDR_FMT		"%8s %-12.12s %-4s %-15s %-5s %5s %2s"
#define HDR_FMT_WIDE	"%10s %-12.12s %-4s %-39s %-5s %5s %2s"
/* -w only: the interface name after bcc's IF index, so bcc's fields keep their places. */
#define IFNAME_FMT	" %s"
/*
 * Where we part from bcc on purpose: RC holds the errno name (bcc prints the
 * raw negative number, or strerror() text with -w); EADDRNOTAVAIL is the
 * longest name bind() returns. And a protocol without a name is UNKN in
 * both layouts (bcc: UNKNOWN, cut to UNKN in the default one).
 */
#define COMM_WIDTH	12
#define RC_FMT		"%-13s "
#define COUNT_HDR_FMT	"%-32s %20s     %-10s\n"
#define COUNT_ROW_FMT	"%-32s %20u     %-10llu\n"

struct event_fields fields_for_output(const struct print_opts *po, bool json, bool count)
{
	struct event_fields f = {
		.ts = !count && (json || po->timestamp),
		.details = !count && json,
		.cgroup = !count && (json || po->owner),
		.ifname = !count && (json || po->wide),
	};

	return f;
}

const char *event_ifname(const struct bind_event *e)
{
	return e->bound_dev_if > 0 && e->ifname[0] ? e->ifname : NULL;
}

/* Printable ASCII but blank and '\' as is, every other byte as \xNN: one word for awk. */
static void escape_word(const char *s, char *out, size_t len)
{
	size_t n = 0;

	for (; *s && n + 5 <= len; s++) {
		unsigned char c = (unsigned char)*s;

		if (c > ' ' && c < 0x7f && c != '\\')
			out[n++] = (char)c;
		else
			n += (size_t)snprintf(out + n, len - n, "\\x%02x", c);
	}
	out[n < len ? n : len - 1] = '\0';
}

void owner_word(const struct owner *o, char *buf, size_t len)
{
	char tmp[OWNER_PATH_MAX];

	if (o && o->container_id)
		snprintf(tmp, sizeof(tmp), "container:%.12s", o->container_id);
	else if (o && o->unit)
		snprintf(tmp, sizeof(tmp), "%s", o->unit);
	else if (o && o->cgroup)
		snprintf(tmp, sizeof(tmp), "%s", o->cgroup);
	else
		snprintf(tmp, sizeof(tmp), "-");
	escape_word(tmp, buf, len);
}

int decode_event(const void *data, size_t size, struct bind_event *e)
{
	if (!data || size < sizeof(*e))
		return -EINVAL;
	memcpy(e, data, sizeof(*e));
	return 0;
}

void opts_to_str(__u8 opts, char *out)
{
	static const char letters[BS_OPT_COUNT] = { 'F', 'T', 'N', 'R', 'r' };
	int i;

	for (i = 0; i < BS_OPT_COUNT; i++)
		out[i] = opts & (1u << i) ? letters[i] : '.';
	out[BS_OPT_COUNT] = '\0';
}

const char *proto_name(__u16 protocol)
{
	/* The IPPROTO_* names, as bcc prints them (Python's socket module). */
	switch (protocol) {
	case 0: return "IP";
	case 1: return "ICMP";
	case 2: return "IGMP";
	case 4: return "IPIP";
	case 6: return "TCP";
	case 8: return "EGP";
	case 12: return "PUP";
	case 17: return "UDP";
	case 22: return "IDP";
	case 29: return "TP";
	case 33: return "DCCP";
	case 41: return "IPV6";
	case 46: return "RSVP";
	case 47: return "GRE";
	case 50: return "ESP";
	case 51: return "AH";
	case 58: return "ICMPV6";
	case 92: return "MTP";
	case 94: return "BEETPH";
	case 98: return "ENCAP";
	case 103: return "PIM";
	case 108: return "COMP";
	case 115: return "L2TP";
	case 132: return "SCTP";
	case 136: return "UDPLITE";
	case 137: return "MPLS";
	case 143: return "ETHERNET";
	case 255: return "RAW";
	case 262: return "MPTCP";
	default: return "UNKN";
	}
}

const char *via_name(__u8 via)
{
	static const char *const names[BS_VIA_COUNT] = {
		[BS_VIA_BIND] = "bind",		[BS_VIA_SOCKETCALL] = "socketcall",
		[BS_VIA_IO_URING] = "io_uring",	[BS_VIA_LISTEN] = "listen",
		[BS_VIA_CONNECT] = "connect",	[BS_VIA_SENDTO] = "sendto",
		[BS_VIA_BINDX] = "bindx",	[BS_VIA_KERNEL] = "kernel",
		[BS_VIA_EXISTING] = "existing",
	};

	return via < BS_VIA_COUNT ? names[via] : "unknown";
}

int parse_via_list(const char *list, __u32 *mask, const char **bad)
{
	const char *item = list;
	__u32 m = 0;

	for (;;) {
		size_t len = strcspn(item, ",");
		int via;

		for (via = 0; via < BS_VIA_COUNT; via++)
			if (len && strlen(via_name((__u8)via)) == len &&
			    !strncmp(item, via_name((__u8)via), len))
				break;
		if (via == BS_VIA_COUNT) {
			*bad = item;
			return -EINVAL;
		}
		m |= 1u << via;
		if (!item[len])
			break;
		item += len + 1;
	}
	*mask = m;
	return 0;
}

void addr_to_str(__u16 family, const __u8 addr[16], char *buf, size_t len)
{
	int af = family == AF_INET ? AF_INET : family == AF_INET6 ? AF_INET6 : -1;

	/*
	 * IPv4 by hand: glibc's inet_ntop() sprintf()s the four numbers, a
	 * good part of the reader's time per event. The fuzzer holds this to
	 * inet_ntop().
	 */
	if (af == AF_INET && len >= INET_ADDRSTRLEN) {
		char *p = buf;
		int i;

		for (i = 0; i < 4; i++) {
			unsigned int b = addr[i];

			if (b >= 100)
				*p++ = (char)('0' + b / 100);
			if (b >= 10)
				*p++ = (char)('0' + b / 10 % 10);
			*p++ = (char)('0' + b % 10);
			*p++ = i < 3 ? '.' : '\0';
		}
		return;
	}
	if (af < 0 || !inet_ntop(af, addr, buf, len))
		snprintf(buf, len, "?");
}

size_t escape_comm(const char *comm, size_t len, char out[COMM_ESCAPED_LEN])
{
	static const char hex[] = "0123456789abcdef";
	size_t i, o = 0;

	for (i = 0; i < len && i < TASK_COMM_LEN && comm[i]; i++) {
		unsigned char c = comm[i];

		if (c >= 0x20 && c < 0x7f && c != '\\') {
			out[o++] = c;
			continue;
		}
		out[o++] = '\\';
		out[o++] = 'x';
		out[o++] = hex[c >> 4];
		out[o++] = hex[c & 15];
	}
	out[o] = '\0';
	return o;
}

/* Append to @buf at *@n like snprintf(), keeping *@n the would-be length. */
static void append(char *buf, size_t len, size_t *n, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void append(char *buf, size_t len, size_t *n, const char *fmt, ...)
{
	va_list ap;
	int w;

	va_start(ap, fmt);
	w = *n < len ? vsnprintf(buf + *n, len - *n, fmt, ap) : vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (w > 0)
		*n += w;
}

/*
 * The row's fields written by hand, byte for byte what ROW_FMT and
 * ROW_FMT_WIDE print: printf's parsing of the format string was 80% of the
 * reader's CPU time per event (perf), and the reader is what -w or a pipe
 * costs. tests/fuzz/fuzz_event.c checks these against snprintf() with the
 * formats themselves. Same contract as snprintf: @n counts every byte, only
 * those that fit in @len - 1 are stored.
 */
struct field_out {
	char *buf;
	size_t len;
	size_t n;
};

static void put_bytes(struct field_out *o, const char *s, size_t k)
{
	/* The usual case: the line's buffer has room (LINE_MAX_LEN). */
	if (o->n + k < o->len) {
		memcpy(o->buf + o->n, s, k);
	} else if (o->n < o->len) {
		size_t room = o->len - 1 - o->n;

		memcpy(o->buf + o->n, s, k < room ? k : room);
	}
	o->n += k;
}

static void put_char(struct field_out *o, char c)
{
	if (o->n + 1 < o->len)
		o->buf[o->n] = c;
	o->n++;
}

static void put_pad(struct field_out *o, size_t k)
{
	static const char blanks[16] = "                ";

	/* Whole 16-byte stores (inlined; a library memset per pad cost more). */
	if (o->n + k + sizeof(blanks) < o->len) {
		char *d = o->buf + o->n;
		size_t i;

		for (i = 0; i < k; i += sizeof(blanks))
			memcpy(d + i, blanks, sizeof(blanks));
	} else if (o->n < o->len) {
		memset(o->buf + o->n, ' ', o->n + k < o->len ? k : o->len - 1 - o->n);
	}
	o->n += k;
}

/* Decimal digits of @u. */
static size_t digit_count(unsigned int u)
{
	size_t k = 1;

	while (u >= 10000) {
		u /= 10000;
		k += 4;
	}
	return k + (u >= 10) + (u >= 100) + (u >= 1000);
}

/* "%Wd" (right-aligned) or "%-Wd" of a 32-bit value. */
static void put_int(struct field_out *o, int v, size_t width, bool left)
{
	/* Two digits a step: half the divisions of one at a time. */
	static const char pairs[] =
		"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
		"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
		"8081828384858687888990919293949596979899";
	unsigned int u = v < 0 ? -(unsigned int)v : (unsigned int)v;
	size_t k = digit_count(u) + (v < 0);
	char *p;

	if (!left && k < width)
		put_pad(o, width - k);
	if (o->n + k >= o->len) {
		/* No room for all of it: the slow way, through put_bytes's cut. */
		char digits[24];

		p = digits + sizeof(digits);
		do {
			*--p = (char)('0' + u % 10);
			u /= 10;
		} while (u);
		if (v < 0)
			*--p = '-';
		put_bytes(o, p, k);
	} else {
		/* Straight into the line, from its last digit back. */
		p = o->buf + o->n + k;
		while (u >= 100) {
			unsigned int r = u % 100;

			u /= 100;
			p -= 2;
			memcpy(p, pairs + 2 * r, 2);
		}
		if (u >= 10) {
			p -= 2;
			memcpy(p, pairs + 2 * u, 2);
		} else {
			*--p = (char)('0' + u);
		}
		if (v < 0)
			*--p = '-';
		o->n += k;
	}
	if (left && k < width)
		put_pad(o, width - k);
}

/* "%-Ws" of @k bytes at @s. */
static void put_field(struct field_out *o, const char *s, size_t k, size_t width)
{
	put_bytes(o, s, k);
	if (k < width)
		put_pad(o, width - k);
}

/* "%-W.Ps" (@prec 0: no precision, "%-Ws"). */
static void put_str_left(struct field_out *o, const char *s, size_t width, size_t prec)
{
	put_field(o, s, prec ? strnlen(s, prec) : strlen(s), width);
}

static void terminate(struct field_out *o)
{
	if (o->len)
		o->buf[o->n < o->len ? o->n : o->len - 1] = '\0';
}

/* The optional columns in front of PID, in bcc's order: TIME(s), UID, RC. */
static void format_prefix(char *buf, size_t len, size_t *n, const struct print_opts *po,
			  const struct bind_event *e, __u64 first_ts_ns)
{
	if (po->timestamp) {
		/* Signed: per-CPU perf buffers may deliver an earlier event later. */
		if (e)
			append(buf, len, n, "%-9.6f ",
			       (double)(__s64)(e->ts_ns - first_ts_ns) / 1e9);
		else
			append(buf, len, n, "%-9s ", "TIME(s)");
	}
	if (po->print_uid) {
		if (e)
			append(buf, len, n, "%6u ", e->uid);
		else
			append(buf, len, n, "%6s ", "UID");
	}
	if (po->errors) {
		const char *rc = "RC";

		if (e && e->ret == 0)
			rc = "0";
		else if (e && e->ret > -4096 && e->ret < 0)
			rc = errno_name(-e->ret);
		if (e && (!rc || e->ret > 0 || e->ret <= -4096))
			append(buf, len, n, "%-13d ", e->ret);
		else
			append(buf, len, n, RC_FMT, rc);
	}
}

/*
 * Cut an escaped COMM to @width columns without splitting a \xNN, so a cut
 * never leaves a half escape that reads like a different byte.
 */
static size_t fit_escaped(char *s, size_t k, size_t width)
{
	size_t i = 0;

	if (k <= width)
		return k;
	while (s[i]) {
		size_t step = s[i] == '\\' ? 4 : 1;

		if (i + step > width)
			break;
		i += step;
	}
	s[i] = '\0';
	return i;
}

int format_header(char *buf, size_t len, const struct print_opts *po)
{
	size_t n = 0;

	format_prefix(buf, len, &n, po, NULL, 0);
	append(buf, len, &n, po->wide ? HDR_FMT_WIDE : HDR_FMT, "PID", "COMM", "PROT", "ADDR",
	       "PORT", "OPTS", "IF");
	if (po->wide)
		append(buf, len, &n, IFNAME_FMT, "IFNAME");
	if (po->owner)
		append(buf, len, &n, " %s", "OWNER");
	append(buf, len, &n, "\n");
	return (int)n;
}

int format_event(char *buf, size_t len, const struct print_opts *po, const struct bind_event *e,
		 __u64 first_ts_ns, const char *ifname, const struct owner *owner)
{
	char comm[COMM_ESCAPED_LEN], addr[INET6_ADDRSTRLEN], opts[BS_OPT_COUNT + 1];
	size_t n = 0, comm_len;

	comm_len = fit_escaped(comm, escape_comm(e->comm, sizeof(e->comm), comm), COMM_WIDTH);
	addr_to_str(e->family, e->addr, addr, sizeof(addr));
	opts_to_str(e->opts, opts);
	format_prefix(buf, len, &n, po, e, first_ts_ns);
	{
		/* ROW_FMT / ROW_FMT_WIDE, by hand (see struct field_out) */
		struct field_out o = { buf, len, n };

		put_int(&o, (int)e->pid, po->wide ? 10 : 8, false);
		put_char(&o, ' ');
		put_field(&o, comm, comm_len, 12);	/* fit_escaped: at most 12 */
		put_char(&o, ' ');
		put_str_left(&o, proto_name(e->protocol), 4, po->wide ? 0 : 4);
		put_char(&o, ' ');
		put_str_left(&o, addr, po->wide ? 39 : 15, po->wide ? 0 : 15);
		put_char(&o, ' ');
		put_int(&o, e->port, 5, false);
		put_char(&o, ' ');
		put_field(&o, opts, BS_OPT_COUNT, 5);
		put_char(&o, ' ');
		put_int(&o, e->bound_dev_if, 2, false);
		terminate(&o);
		n = o.n;
	}
	{
		struct field_out o = { buf, len, n };

		if (po->wide) {
			char name[IF_NAMESIZE * 4 + 1];

			if (ifname)
				escape_comm(ifname, IF_NAMESIZE, name);
			put_char(&o, ' ');	/* IFNAME_FMT */
			put_str_left(&o, ifname ? name : "-", 0, 0);
		}
		if (po->owner) {
			char word[OWNER_PATH_MAX * 4];

			owner_word(owner, word, sizeof(word));
			put_char(&o, ' ');
			put_str_left(&o, word, 0, 0);
		}
		put_char(&o, '\n');
		terminate(&o);
		n = o.n;
	}
	return (int)n;
}

static int compare_count_rows(const void *a, const void *b)
{
	const struct count_row *x = a, *y = b;

	if (x->binds != y->binds)
		return x->binds > y->binds ? -1 : 1;
	if (x->key.family != y->key.family)
		return x->key.family < y->key.family ? -1 : 1;
	if (x->key.port != y->key.port)
		return x->key.port < y->key.port ? -1 : 1;
	return memcmp(x->key.addr, y->key.addr, sizeof(x->key.addr));
}

void sort_count_rows(struct count_row *rows, size_t n)
{
	if (n > 1)
		qsort(rows, n, sizeof(*rows), compare_count_rows);
}

static int compare_count_keys(const void *a, const void *b)
{
	return memcmp(&((const struct count_row *)a)->key, &((const struct count_row *)b)->key,
		      sizeof(struct count_key));
}

size_t count_rows_from_slots(const struct count_slot *slots, size_t n, struct count_row *rows)
{
	size_t i, got = 0;

	for (i = 0; i < n; i++) {
		if (slots[i].state != COUNT_SLOT_READY)
			continue;
		memset(&rows[got], 0, sizeof(rows[got]));
		memcpy(rows[got].key.addr, slots[i].addr, sizeof(rows[got].key.addr));
		rows[got].key.family = slots[i].family;
		rows[got].key.port = slots[i].port;
		rows[got].binds = slots[i].binds;
		got++;
	}
	return got;
}

size_t merge_count_rows(struct count_row *rows, size_t n)
{
	size_t i, out = 0;

	/* Duplicates are rare (a race for a slot): sort by key, add up neighbours. */
	if (n > 1)
		qsort(rows, n, sizeof(*rows), compare_count_keys);
	for (i = 0; i < n; i++) {
		if (out && !memcmp(&rows[out - 1].key, &rows[i].key, sizeof(rows[i].key)))
			rows[out - 1].binds += rows[i].binds;
		else
			rows[out++] = rows[i];
	}
	return out;
}

int format_count_header(char *buf, size_t len)
{
	return snprintf(buf, len, COUNT_HDR_FMT, "LADDR", "LPORT", "BINDS");
}

int format_count_row(char *buf, size_t len, const struct count_row *row)
{
	char addr[INET6_ADDRSTRLEN];

	addr_to_str(row->key.family, row->key.addr, addr, sizeof(addr));
	return snprintf(buf, len, COUNT_ROW_FMT, addr, row->key.port,
			(unsigned long long)row->binds);
}

void json_escape(const char *s, char *out, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;

	if (!len)
		return;
	for (; *s; s++) {
		unsigned char c = *s;
		char esc[7];
		size_t n = 0, i;

		if (c == '"' || c == '\\') {
			esc[n++] = '\\';
			esc[n++] = c;
		} else if (c < 0x20 || c >= 0x7f) {
			memcpy(esc, "\\u00", 4);
			n = 4;
			esc[n++] = hex[c >> 4];
			esc[n++] = hex[c & 15];
		} else {
			esc[n++] = c;
		}
		if (o + n >= len)
			break;
		for (i = 0; i < n; i++)
			out[o++] = esc[i];
	}
	out[o] = '\0';
}

void format_iso8601(__s64 ns, char *buf, size_t len)
{
	time_t sec = (time_t)(ns / 1000000000);
	long frac = (long)(ns % 1000000000);
	struct tm tm;
	char date[32];

	if (frac < 0) {
		frac += 1000000000;
		sec--;
	}
	if (!gmtime_r(&sec, &tm) || !strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm))
		snprintf(date, sizeof(date), "?");
	snprintf(buf, len, "%s.%09ldZ", date, frac);
}

static const char *const opt_names[BS_OPT_COUNT] = {
	"IP_FREEBIND", "IP_TRANSPARENT", "IP_BIND_ADDRESS_NO_PORT", "SO_REUSEADDR", "SO_REUSEPORT",
};

/* ,"KEY":"VALUE" (JSON-escaped) or ,"KEY":null */
static void append_json_string(char *buf, size_t len, size_t *n, const char *key, const char *val)
{
	char esc[OWNER_PATH_MAX * 6 + 1];

	if (!val) {
		append(buf, len, n, ",\"%s\":null", key);
		return;
	}
	json_escape(val, esc, sizeof(esc));
	append(buf, len, n, ",\"%s\":\"%s\"", key, esc);
}

int format_event_json(char *buf, size_t len, const struct bind_event *e,
		      __s64 realtime_offset_ns, const char *ifname, const struct owner *owner)
{
	char comm[COMM_ESCAPED_LEN], comm_json[COMM_ESCAPED_LEN * 2];
	char addr[INET6_ADDRSTRLEN], opts[BS_OPT_COUNT + 1], when[48];
	char name_json[IF_NAMESIZE * 6 + 1], num[16];
	const char *err_name = NULL;
	size_t n = 0;
	int i, listed = 0;

	escape_comm(e->comm, sizeof(e->comm), comm);
	json_escape(comm, comm_json, sizeof(comm_json));
	addr_to_str(e->family, e->addr, addr, sizeof(addr));
	opts_to_str(e->opts, opts);
	/* Unsigned sum: a record's ts_ns is whatever the buffer held; no overflow UB. */
	format_iso8601((__s64)(e->ts_ns + (__u64)realtime_offset_ns), when, sizeof(when));
	if (e->ret < 0 && e->ret > -4096)
		err_name = errno_name(-e->ret);

	append(buf, len, &n,
	       "{\"time_ns\":%llu,\"time\":\"%s\",\"pid\":%u,\"tid\":%u,\"ppid\":%u,"
	       "\"uid\":%u,\"gid\":%u,\"comm\":\"%s\",\"protocol\":\"%s\",\"protocol_num\":%u,"
	       "\"family\":\"%s\",\"address\":\"%s\",\"port\":%u,\"options\":\"%s\","
	       "\"option_names\":[",
	       (unsigned long long)e->ts_ns, when, e->pid, e->tid, e->ppid, e->uid, e->gid,
	       comm_json, proto_name(e->protocol), e->protocol,
	       e->family == AF_INET6 ? "ipv6" : e->family == AF_INET ? "ipv4" : "unknown", addr,
	       e->port, opts);
	for (i = 0; i < BS_OPT_COUNT; i++)
		if (e->opts & (1u << i))
			append(buf, len, &n, "%s\"%s\"", listed++ ? "," : "", opt_names[i]);
	if (ifname) {
		/* Same escaping as comm: \xNN first, so both read alike in JSON. */
		char name[IF_NAMESIZE * 4 + 1];

		escape_comm(ifname, IF_NAMESIZE, name);
		json_escape(name, name_json, sizeof(name_json));
	}
	append(buf, len, &n, "],\"ifindex\":%d,\"ifname\":%s%s%s,\"ret\":%d,\"errno\":",
	       e->bound_dev_if, ifname ? "\"" : "", ifname ? name_json : "null",
	       ifname ? "\"" : "", e->ret);
	if (err_name) {
		append(buf, len, &n, "\"%s\"", err_name);
	} else if (e->ret) {
		snprintf(num, sizeof(num), "%d", e->ret);
		append(buf, len, &n, "\"%s\"", num);
	} else {
		append(buf, len, &n, "null");
	}
	append(buf, len, &n, ",\"cgroup_id\":%llu,\"mntns_id\":%llu,\"netns_id\":%llu",
	       (unsigned long long)e->cgroup_id, (unsigned long long)e->mntns_id,
	       (unsigned long long)e->netns_id);
	/* Added later, so after every older key (a stable schema grows at its end). */
	escape_comm(e->pcomm, sizeof(e->pcomm), comm);
	append_json_string(buf, len, &n, "pcomm", comm);
	append_json_string(buf, len, &n, "cgroup", owner ? owner->cgroup : NULL);
	append_json_string(buf, len, &n, "unit", owner ? owner->unit : NULL);
	append_json_string(buf, len, &n, "container_id", owner ? owner->container_id : NULL);
	append(buf, len, &n, ",\"via\":\"%s\"}\n", via_name(e->via));
	return (int)n;
}

int format_count_row_json(char *buf, size_t len, const struct count_row *row)
{
	char addr[INET6_ADDRSTRLEN];

	addr_to_str(row->key.family, row->key.addr, addr, sizeof(addr));
	return snprintf(buf, len, "{\"family\":\"%s\",\"address\":\"%s\",\"port\":%u,\"binds\":%llu}",
			row->key.family == AF_INET6 ? "ipv6" : row->key.family == AF_INET ? "ipv4" : "unknown",
			addr, row->key.port,
			(unsigned long long)row->binds);
}
