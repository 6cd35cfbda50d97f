// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Property: whatever bytes arrive from the ring or perf buffer, every line
 * the tool prints is safe and well formed.
 * - decode_event() takes a record iff it holds a whole struct bind_event.
 * - format_event(), under all 16 combinations of -w/-t/-U/-E, and
 *   format_event_json(): fit the tool's LINE_MAX_LEN line buffer, end in the
 *   only '\n' of the line, and hold nothing but printable ASCII before it, so
 *   no raw kernel byte (an escape sequence in a comm, say) reaches a terminal.
 * - Without prefix columns, format_event()'s hand-written row is exactly
 *   what snprintf() makes of ROW_FMT / ROW_FMT_WIDE with the same fields.
 * - Cut to a smaller buffer they behave like snprintf(): same return value,
 *   a NUL-terminated prefix of the whole line, nothing written past the end.
 * - The JSON line is one valid JSON object (strict RFC 8259 grammar, checked
 *   by the small validator below), without duplicate keys, whose "comm",
 *   "ifname", "pid", "port", "ret", "ifindex" and "time_ns" say what the
 *   event says.
 * - format_count_row() and format_count_row_json() (--count) keep the same
 *   promises for a count_row built from the input.
 *
 * Input: the record, then optionally (native byte order): first_ts_ns (8
 * bytes), the realtime offset (8), a smaller buffer size to try (2, modulo
 * LINE_MAX_LEN; its low 4 bits pick the print_opts combination), a flags
 * byte (bit 0: an ifname follows), the ifname bytes (up to IF_NAMESIZE - 1).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/socket.h>
#include "format.h"

static const char *current_line;

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("property violated: ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nline: %s\n", current_line ? current_line : "(none)");
	abort();
}

/* ---- a strict JSON validator (RFC 8259), recording the top-level members ---- */

#define JSON_MAX_DEPTH	16
#define JSON_MAX_KEYS	48

struct json_member {
	char key[32];
	size_t start, end;	/* the value's span in the text */
};

struct json {
	const char *s;
	size_t i, n;
	struct json_member members[JSON_MAX_KEYS];
	int nr_members;
};

static int json_value(struct json *j, int depth);

static void json_ws(struct json *j)
{
	while (j->i < j->n && (j->s[j->i] == ' ' || j->s[j->i] == '\t' || j->s[j->i] == '\n' ||
			       j->s[j->i] == '\r'))
		j->i++;
}

static int json_peek(const struct json *j)
{
	return j->i < j->n ? (unsigned char)j->s[j->i] : -1;
}

static int is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int hex_digit(int c)
{
	if (is_digit(c))
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int json_literal(struct json *j, const char *word)
{
	size_t len = strlen(word);

	if (j->n - j->i < len || memcmp(j->s + j->i, word, len) != 0)
		return -1;
	j->i += len;
	return 0;
}

static int json_number(struct json *j)
{
	if (json_peek(j) == '-')
		j->i++;
	if (json_peek(j) == '0') {
		j->i++;
	} else if (is_digit(json_peek(j))) {
		while (is_digit(json_peek(j)))
			j->i++;
	} else {
		return -1;
	}
	if (json_peek(j) == '.') {
		j->i++;
		if (!is_digit(json_peek(j)))
			return -1;
		while (is_digit(json_peek(j)))
			j->i++;
	}
	if (json_peek(j) == 'e' || json_peek(j) == 'E') {
		j->i++;
		if (json_peek(j) == '+' || json_peek(j) == '-')
			j->i++;
		if (!is_digit(json_peek(j)))
			return -1;
		while (is_digit(json_peek(j)))
			j->i++;
	}
	return 0;
}

/*
 * A string; decoded into @out (code points above 0xff as '?') when @out is
 * not NULL. Bytes >= 0x80 are refused: the caller checked the line is ASCII.
 */
static int json_string(struct json *j, char *out, size_t cap, size_t *out_len)
{
	size_t o = 0;

	if (json_peek(j) != '"')
		return -1;
	j->i++;
	for (;;) {
		int c = json_peek(j), k, code;

		if (c < 0x20 || c >= 0x80)
			return -1; /* end of text, raw control byte, or non-ASCII */
		j->i++;
		if (c == '"')
			break;
		if (c == '\\') {
			c = json_peek(j);
			j->i++;
			switch (c) {
			case '"': case '\\': case '/': break;
			case 'b': c = '\b'; break;
			case 'f': c = '\f'; break;
			case 'n': c = '\n'; break;
			case 'r': c = '\r'; break;
			case 't': c = '\t'; break;
			case 'u':
				for (code = 0, k = 0; k < 4; k++) {
					int h = hex_digit(json_peek(j));

					if (h < 0)
						return -1;
					code = code << 4 | h;
					j->i++;
				}
				c = code <= 0xff ? code : '?';
				break;
			default:
				return -1;
			}
		}
		if (out) {
			if (o + 1 >= cap)
				return -1;
			out[o++] = (char)c;
		}
	}
	if (out) {
		out[o] = '\0';
		if (out_len)
			*out_len = o;
	}
	return 0;
}

static int json_object(struct json *j, int depth)
{
	j->i++; /* '{' */
	json_ws(j);
	if (json_peek(j) == '}') {
		j->i++;
		return 0;
	}
	for (;;) {
		char key[32];
		size_t start;
		int m;

		json_ws(j);
		if (json_string(j, key, sizeof(key), NULL))
			return -1;
		json_ws(j);
		if (json_peek(j) != ':')
			return -1;
		j->i++;
		json_ws(j);
		start = j->i;
		if (json_value(j, depth + 1))
			return -1;
		if (depth == 0) {
			for (m = 0; m < j->nr_members; m++)
				if (strcmp(j->members[m].key, key) == 0)
					fail("JSON: duplicate key");
			if (j->nr_members == JSON_MAX_KEYS)
				return -1;
			memcpy(j->members[j->nr_members].key, key, sizeof(key));
			j->members[j->nr_members].start = start;
			j->members[j->nr_members].end = j->i;
			j->nr_members++;
		}
		json_ws(j);
		if (json_peek(j) == ',') {
			j->i++;
			continue;
		}
		if (json_peek(j) != '}')
			return -1;
		j->i++;
		return 0;
	}
}

static int json_array(struct json *j, int depth)
{
	j->i++; /* '[' */
	json_ws(j);
	if (json_peek(j) == ']') {
		j->i++;
		return 0;
	}
	for (;;) {
		json_ws(j);
		if (json_value(j, depth + 1))
			return -1;
		json_ws(j);
		if (json_peek(j) == ',') {
			j->i++;
			continue;
		}
		if (json_peek(j) != ']')
			return -1;
		j->i++;
		return 0;
	}
}

static int json_value(struct json *j, int depth)
{
	if (depth > JSON_MAX_DEPTH)
		return -1;
	switch (json_peek(j)) {
	case '{': return json_object(j, depth);
	case '[': return json_array(j, depth);
	case '"': return json_string(j, NULL, 0, NULL);
	case 't': return json_literal(j, "true");
	case 'f': return json_literal(j, "false");
	case 'n': return json_literal(j, "null");
	default: return json_number(j);
	}
}

/* The whole of @text[0..n) must be one JSON object. */
static void json_check_object(struct json *j, const char *text, size_t n)
{
	memset(j, 0, sizeof(*j));
	j->s = text;
	j->n = n;
	json_ws(j);
	if (json_peek(j) != '{')
		fail("JSON: not an object");
	if (json_object(j, 0))
		fail("JSON: invalid syntax");
	json_ws(j);
	if (j->i != j->n)
		fail("JSON: text after the object");
}

static const struct json_member *json_member(const struct json *j, const char *key)
{
	int m;

	for (m = 0; m < j->nr_members; m++)
		if (strcmp(j->members[m].key, key) == 0)
			return &j->members[m];
	fail("JSON: no key \"%s\"", key);
}

/* The member @key is exactly the text @want (a number, or null). */
static void json_expect_raw(const struct json *j, const char *key, const char *want)
{
	const struct json_member *m = json_member(j, key);

	if (m->end - m->start != strlen(want) || memcmp(j->s + m->start, want, strlen(want))) {
		fail("JSON: \"%s\" is %.*s, want %s", key, (int)(m->end - m->start),
		     j->s + m->start, want);
	}
}

/* The member @key is a string that decodes to @want. */
static void json_expect_string(const struct json *j, const char *key, const char *want)
{
	const struct json_member *m = json_member(j, key);
	struct json sub = { .s = j->s, .i = m->start, .n = m->end };
	char got[256];

	if (json_string(&sub, got, sizeof(got), NULL) || strcmp(got, want) != 0) {
		fail("JSON: \"%s\" is %.*s, want \"%s\"", key, (int)(m->end - m->start),
		     j->s + m->start, want);
	}
}

/* ---- the line properties ---- */

/* Printable ASCII only, and a newline at the end iff @newline. */
static void check_line(const char *buf, int n, bool newline)
{
	int i;

	current_line = buf;
	if (n < 0)
		fail("negative return value");
	if (n >= LINE_MAX_LEN)
		fail("line of %d bytes does not fit the tool's buffer (LINE_MAX_LEN %d)", n,
		     LINE_MAX_LEN);
	if ((int)strlen(buf) != n)
		fail("return value is not the length of the line");
	if (newline && (n == 0 || buf[n - 1] != '\n'))
		fail("line does not end in a newline");
	for (i = 0; i < n - (newline ? 1 : 0); i++) {
		unsigned char c = (unsigned char)buf[i];

		if (c < 0x20 || c >= 0x7f)
			fail("non-printable byte 0x%02x at offset %d", c, i);
	}
}

/*
 * The same call with a buffer of @len bytes, allocated to size so ASan sees
 * an overflow, must return the same length and write a prefix of @whole.
 */
static void check_truncated(const char *whole, int n, size_t len, int got, char *small)
{
	current_line = whole;
	if (got != n)
		fail("return value changes with the buffer size");
	if (len == 0)
		return;
	if (!memchr(small, '\0', len))
		fail("truncated line not NUL-terminated");
	if (strlen(small) != (len - 1 < (size_t)n ? len - 1 : (size_t)n) ||
	    strncmp(small, whole, len - 1) != 0)
		fail("truncated line is not a prefix of the whole line");
}

struct params {
	__u64 first_ts_ns;
	__s64 realtime_offset_ns;
	const char *ifname;
	size_t small_len;
	char ifname_buf[IF_NAMESIZE];
};

static void read_params(const uint8_t *tail, size_t size, const struct bind_event *e,
			struct params *p)
{
	memset(p, 0, sizeof(*p));
	/* Defaults: the first event of a run, no clock offset, no interface. */
	p->first_ts_ns = e->ts_ns;
	if (size >= 8) {
		memcpy(&p->first_ts_ns, tail, 8);
		tail += 8, size -= 8;
	}
	if (size >= 8) {
		memcpy(&p->realtime_offset_ns, tail, 8);
		tail += 8, size -= 8;
	}
	if (size >= 2) {
		__u16 small_len;

		memcpy(&small_len, tail, 2);
		p->small_len = small_len % LINE_MAX_LEN;
		tail += 2, size -= 2;
	}
	if (size >= 1 && (tail[0] & 1)) {
		/* An interface name is at most IF_NAMESIZE - 1 bytes and a NUL. */
		size_t len = size - 1 < IF_NAMESIZE - 1 ? size - 1 : IF_NAMESIZE - 1;

		memcpy(p->ifname_buf, tail + 1, len);
		p->ifname = p->ifname_buf;
	}
}

/* The row as bcc's printf formats print it, IFNAME (-w) and newline included. */
static int reference_row(char *buf, size_t len, bool wide, const struct bind_event *e,
			 const char *ifname)
{
	char comm[COMM_ESCAPED_LEN], addr[64], opts[BS_OPT_COUNT + 1], name[IF_NAMESIZE * 4 + 1];
	size_t i = 0;
	int n;

	escape_comm(e->comm, sizeof(e->comm), comm);
	/* What fits whole in 12 columns: an escape is never cut in half. */
	while (comm[i]) {
		size_t step = comm[i] == '\\' ? 4 : 1;

		if (i + step > 12)
			break;
		i += step;
	}
	comm[i] = '\0';
	/* libc's own, as format.c's hand-written IPv4 must match it */
	if ((e->family != AF_INET && e->family != AF_INET6) ||
	    !inet_ntop(e->family, e->addr, addr, sizeof(addr)))
		strcpy(addr, "?");
	opts_to_str(e->opts, opts);
	n = snprintf(buf, len, wide ? ROW_FMT_WIDE : ROW_FMT, (int)e->pid, comm,
		     proto_name(e->protocol), addr, e->port, opts, e->bound_dev_if);
	if (wide) {
		if (ifname)
			escape_comm(ifname, IF_NAMESIZE, name);
		n += snprintf(buf + n, len - n, " %s", ifname ? name : "-");
	}
	n += snprintf(buf + n, len - n, "\n");
	return n;
}

static void check_text(const struct bind_event *e, const struct params *p)
{
	char buf[LINE_MAX_LEN];
	int combo, n;

	for (combo = 0; combo < 16; combo++) {
		struct print_opts po = {
			.wide = combo & 1,
			.timestamp = combo & 2,
			.print_uid = combo & 4,
			.errors = combo & 8,
		};

		n = format_event(buf, sizeof(buf), &po, e, p->first_ts_ns, p->ifname, NULL);
		check_line(buf, n, true);
		if (strchr(buf, '\n') != buf + n - 1)
			fail("newline inside the line");
		if (combo <= 1) {
			char ref[LINE_MAX_LEN];
			int rn = reference_row(ref, sizeof(ref), po.wide, e, p->ifname);

			if (rn != n || strcmp(ref, buf))
				fail("row differs from printf's:\n%s%s", ref, buf);
		}

		if (combo == (int)(p->small_len & 15)) {
			char *small = malloc(p->small_len ? p->small_len : 1);

			if (small) {
				int got = format_event(small, p->small_len, &po, e, p->first_ts_ns,
						       p->ifname, NULL);

				check_truncated(buf, n, p->small_len, got, small);
				free(small);
			}
		}
	}
}

static void check_json(const struct bind_event *e, const struct params *p)
{
	char buf[LINE_MAX_LEN], comm[COMM_ESCAPED_LEN], num[32];
	static struct json j;
	int n;

	n = format_event_json(buf, sizeof(buf), e, p->realtime_offset_ns, p->ifname, NULL);
	check_line(buf, n, true);
	if (strchr(buf, '\n') != buf + n - 1)
		fail("newline inside the JSON line");
	json_check_object(&j, buf, (size_t)n - 1);

	escape_comm(e->comm, sizeof(e->comm), comm);
	json_expect_string(&j, "comm", comm);
	if (p->ifname) {
		/* The name is escaped like comm (\xNN), then JSON-escaped. */
		char name[COMM_ESCAPED_LEN];

		escape_comm(p->ifname, IF_NAMESIZE, name);
		json_expect_string(&j, "ifname", name);
	}
	else
		json_expect_raw(&j, "ifname", "null");
	snprintf(num, sizeof(num), "%llu", (unsigned long long)e->ts_ns);
	json_expect_raw(&j, "time_ns", num);
	snprintf(num, sizeof(num), "%u", e->pid);
	json_expect_raw(&j, "pid", num);
	snprintf(num, sizeof(num), "%u", e->port);
	json_expect_raw(&j, "port", num);
	snprintf(num, sizeof(num), "%d", e->ret);
	json_expect_raw(&j, "ret", num);
	snprintf(num, sizeof(num), "%d", e->bound_dev_if);
	json_expect_raw(&j, "ifindex", num);

	if (p->small_len) {
		char *small = malloc(p->small_len);

		if (small) {
			int got = format_event_json(small, p->small_len, e, p->realtime_offset_ns,
						    p->ifname, NULL);

			check_truncated(buf, n, p->small_len, got, small);
			free(small);
		}
	}
}

static void check_count_row(const uint8_t *data, size_t size)
{
	char buf[LINE_MAX_LEN], num[32];
	struct count_row row;
	static struct json j;
	int n;

	memset(&row, 0, sizeof(row));
	memcpy(&row, data, size < sizeof(row) ? size : sizeof(row));

	n = format_count_row(buf, sizeof(buf), &row);
	check_line(buf, n, true);
	if (strchr(buf, '\n') != buf + n - 1)
		fail("newline inside the count row");

	n = format_count_row_json(buf, sizeof(buf), &row);
	check_line(buf, n, false);
	json_check_object(&j, buf, (size_t)n);
	snprintf(num, sizeof(num), "%u", row.key.port);
	json_expect_raw(&j, "port", num);
	snprintf(num, sizeof(num), "%llu", (unsigned long long)row.binds);
	json_expect_raw(&j, "binds", num);
}

static void check_headers(void)
{
	char buf[LINE_MAX_LEN];
	int combo, n;

	for (combo = 0; combo < 16; combo++) {
		struct print_opts po = {
			.wide = combo & 1,
			.timestamp = combo & 2,
			.print_uid = combo & 4,
			.errors = combo & 8,
		};

		n = format_header(buf, sizeof(buf), &po);
		check_line(buf, n, true);
	}
	n = format_count_header(buf, sizeof(buf));
	check_line(buf, n, true);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool headers_checked;
	struct bind_event e;
	struct params p;
	int err;

	if (!headers_checked) {
		check_headers();
		headers_checked = true;
	}
	current_line = NULL;
	check_count_row(data, size);

	memset(&e, 0xa5, sizeof(e));
	err = decode_event(data, size, &e);
	if (size < sizeof(e)) {
		if (err != -EINVAL)
			fail("decode_event took a record shorter than struct bind_event");
		return 0;
	}
	if (err != 0)
		fail("decode_event refused a whole record");
	if (memcmp(&e, data, sizeof(e)) != 0)
		fail("decode_event did not copy the record");

	read_params(data + sizeof(e), size - sizeof(e), &e, &p);
	check_text(&e, &p);
	check_json(&e, &p);
	return 0;
}
