// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* --holders: the pure half (holders.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "format.h"
#include "existing.h"
#include "holders.h"

/* An address as a bind sees it: IPv4 (v4-mapped ones too) or IPv6, the wildcard or one. */
struct bound_addr {
	bool v6;
	bool any;
	__u8 a[16];
};

static void bound_addr_of(__u16 family, const __u8 addr[16], struct bound_addr *b)
{
	static const __u8 mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	static const __u8 zero[16];

	memset(b, 0, sizeof(*b));
	if (family == AF_INET6 && memcmp(addr, mapped, sizeof(mapped))) {
		b->v6 = true;
		memcpy(b->a, addr, 16);
		b->any = !memcmp(addr, zero, 16);
		return;
	}
	memcpy(b->a, family == AF_INET6 ? addr + 12 : addr, 4);
	b->any = !memcmp(b->a, zero, 4);
}

bool holder_conflicts(const struct bind_event *failed, const struct existing_event *cand)
{
	struct bound_addr f, c;

	if (failed->protocol != cand->e.protocol || failed->port != cand->e.port)
		return false;
	bound_addr_of(failed->family, failed->addr, &f);
	bound_addr_of(cand->e.family, cand->e.addr, &c);
	if (f.v6 == c.v6)
		return f.any || c.any || !memcmp(f.a, c.a, f.v6 ? 16 : 4);
	/* One IPv4, one IPv6: only the IPv6 wildcard reaches IPv4 (not with V6ONLY). */
	if (c.v6)
		return c.any && !cand->v6only;
	/* The failed bind's own V6ONLY is not in the event: Linux's default (off) is assumed. */
	return f.any;
}

static int compare_holders(const void *a, const void *b)
{
	__u32 x = ((const struct holder *)a)->pid, y = ((const struct holder *)b)->pid;

	return x < y ? -1 : x > y;
}

void holders_sort(struct holders *h)
{
	qsort(h->list, h->n < HOLDERS_MAX ? h->n : HOLDERS_MAX, sizeof(h->list[0]), compare_holders);
}

void holders_add(struct holders *h, const struct existing_event *cand)
{
	unsigned int i, named = h->n < HOLDERS_MAX ? h->n : HOLDERS_MAX;

	for (i = 0; i < named; i++)
		if (h->list[i].pid == cand->e.pid)
			return;
	if (h->n < HOLDERS_MAX) {
		h->list[h->n].pid = cand->e.pid;
		memcpy(h->list[h->n].comm, cand->e.comm, TASK_COMM_LEN);
		h->list[h->n].comm[TASK_COMM_LEN - 1] = '\0';
	}
	h->n++;
}

static bool same_key(const struct holder_cache_slot *s, const struct bind_event *e)
{
	return s->used && s->netns_id == e->netns_id && s->protocol == e->protocol &&
	       s->family == e->family && s->port == e->port && !memcmp(s->addr, e->addr, 16);
}

enum holder_answer holder_cache_get(struct holder_cache *c, const struct bind_event *failed,
				    __u64 now_ns, struct holders *out)
{
	int i;

	for (i = 0; i < HOLDER_CACHE_SLOTS; i++) {
		if (same_key(&c->slots[i], failed) && now_ns - c->slots[i].at_ns < HOLDER_CACHE_NS) {
			*out = c->slots[i].h;
			return HOLDERS_CACHED;
		}
	}
	if (now_ns - c->window_ns >= 1000000000ULL || now_ns < c->window_ns) {
		c->window_ns = now_ns;
		c->window_lookups = 0;
		c->window_spent_ns = 0;
	}
	if (c->window_lookups >= HOLDER_LOOKUPS_PER_SEC || c->window_spent_ns >= HOLDER_NS_PER_SEC) {
		memset(out, 0, sizeof(*out));
		out->skipped = true;
		return HOLDERS_SKIP;
	}
	c->window_lookups++;
	return HOLDERS_LOOK_UP;
}

void holder_cache_put(struct holder_cache *c, const struct bind_event *failed, __u64 now_ns,
		      __u64 spent_ns, const struct holders *h)
{
	struct holder_cache_slot *s = &c->slots[0];
	int i;

	c->window_spent_ns += spent_ns;
	for (i = 0; i < HOLDER_CACHE_SLOTS; i++) {
		if (!c->slots[i].used || same_key(&c->slots[i], failed)) {
			s = &c->slots[i];
			break;
		}
		if (c->slots[i].at_ns < s->at_ns)
			s = &c->slots[i];
	}
	s->used = true;
	s->at_ns = now_ns;
	s->netns_id = failed->netns_id;
	s->protocol = failed->protocol;
	s->family = failed->family;
	s->port = failed->port;
	memcpy(s->addr, failed->addr, 16);
	s->h = *h;
}

int holders_json(char *buf, size_t len, const struct holders *h)
{
	char comm[COMM_ESCAPED_LEN], esc[COMM_ESCAPED_LEN * 2];
	unsigned int i, named = h->n < HOLDERS_MAX ? h->n : HOLDERS_MAX;
	size_t n = 0;
	int w;

	if (h->skipped)
		return snprintf(buf, len, ",\"holders\":null");
	w = snprintf(buf, len, ",\"holders\":[");
	for (i = 0; w > 0 && i < named; i++) {
		n += (size_t)w;
		escape_comm(h->list[i].comm, TASK_COMM_LEN, comm);
		json_escape(comm, esc, sizeof(esc));
		w = snprintf(n < len ? buf + n : NULL, n < len ? len - n : 0, "%s{\"pid\":%u,\"comm\":\"%s\"}",
			     i ? "," : "", h->list[i].pid, esc);
	}
	if (w > 0)
		n += (size_t)w;
	if (h->n > named)
		w = snprintf(n < len ? buf + n : NULL, n < len ? len - n : 0, "],\"holders_more\":%u",
			     h->n - named);
	else
		w = snprintf(n < len ? buf + n : NULL, n < len ? len - n : 0, "]");
	return w > 0 ? (int)(n + (size_t)w) : (int)n;
}

/* escape_comm(), and blanks as \x20 too: the column stays one word for awk. */
static void comm_word(const char *comm, char out[COMM_ESCAPED_LEN])
{
	char tmp[COMM_ESCAPED_LEN];
	size_t i, o = 0;

	escape_comm(comm, TASK_COMM_LEN, tmp);
	for (i = 0; tmp[i] && o + 5 <= COMM_ESCAPED_LEN; i++) {
		if (tmp[i] == ' ') {
			memcpy(out + o, "\\x20", 4);
			o += 4;
		} else {
			out[o++] = tmp[i];
		}
	}
	out[o] = '\0';
}

int holders_word(char *buf, size_t len, const struct holders *h)
{
	char comm[COMM_ESCAPED_LEN];

	if (h->skipped)
		return snprintf(buf, len, "?");
	if (!h->n)
		return snprintf(buf, len, "-");
	comm_word(h->list[0].comm, comm);
	if (h->n > 1)
		return snprintf(buf, len, "%u/%s,+%u", h->list[0].pid, comm, h->n - 1);
	return snprintf(buf, len, "%u/%s", h->list[0].pid, comm);
}
