/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * --holders: for a bind that failed with EADDRINUSE, the processes that
 * hold a socket in its way, taken when user space reads the event. The
 * pure half (holders.c): which sockets conflict, the short cache and the
 * budget of look-ups, the JSON key and the HOLDER column. The look-up
 * itself runs existing.c's iterators (existing.h).
 */
#ifndef HOLDERS_H
#define HOLDERS_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "bindsnoop.h"

struct existing_event;

/* Holders named per event; more are counted (the column's +N, JSON's holders_more). */
#define HOLDERS_MAX		16
/* The same failed address and port is answered from the cache this long. */
#define HOLDER_CACHE_NS		1000000000ULL
#define HOLDER_CACHE_SLOTS	64
/*
 * Look-ups a second at most, and the time they may take a second (a tenth
 * of a core: one look-up iterates every socket of the host, some 200 ms
 * for 100,000 of them): a storm of failing binds is answered from the
 * cache or skipped, and never takes a core.
 */
#define HOLDER_LOOKUPS_PER_SEC	10
#define HOLDER_NS_PER_SEC	100000000ULL

struct holder {
	__u32 pid;
	char comm[TASK_COMM_LEN];
};

struct holders {
	bool skipped;			/* the budget was spent: not looked up (JSON null) */
	unsigned int n;			/* holders found; the first HOLDERS_MAX in @list */
	struct holder list[HOLDERS_MAX];
};

/*
 * Does @cand (a socket of the failed bind's protocol and port, in its
 * network namespace) hold an address that overlaps @failed's? The wildcard
 * overlaps every address of its family, an IPv6 wildcard IPv4 too unless
 * the socket is IPV6_V6ONLY, and a v4-mapped IPv6 address is its IPv4 one.
 */
bool holder_conflicts(const struct bind_event *failed, const struct existing_event *cand);

/* Add @cand's process to @h, once per pid. */
void holders_add(struct holders *h, const struct existing_event *cand);
/* The named holders by pid (the kernel's own, pid 0, first). */
void holders_sort(struct holders *h);

struct holder_cache_slot {
	bool used;
	__u64 at_ns;
	__u64 netns_id;
	__u16 protocol, family, port;
	__u8 addr[16];
	struct holders h;
};

struct holder_cache {
	struct holder_cache_slot slots[HOLDER_CACHE_SLOTS];
	__u64 window_ns;		/* the start of the current second of the budget */
	unsigned int window_lookups;
	__u64 window_spent_ns;		/* the look-ups' time in this second */
};

enum holder_answer {
	HOLDERS_CACHED,			/* *out is the cached answer */
	HOLDERS_LOOK_UP,		/* look up now (counted against the budget), then put */
	HOLDERS_SKIP,			/* budget spent: *out says skipped */
};

/* What to do for @failed at @now_ns (CLOCK_MONOTONIC). */
enum holder_answer holder_cache_get(struct holder_cache *c, const struct bind_event *failed,
				    __u64 now_ns, struct holders *out);
/*
 * Keep @h as the answer for @failed, replacing the oldest slot when full;
 * the look-up, begun at @now_ns, took @spent_ns of the budget.
 */
void holder_cache_put(struct holder_cache *c, const struct bind_event *failed, __u64 now_ns,
		      __u64 spent_ns, const struct holders *h);

/* ,"holders":[{"pid":N,"comm":"..."},...] (and ,"holders_more":N past HOLDERS_MAX) or ,"holders":null. */
int holders_json(char *buf, size_t len, const struct holders *h);
/* The HOLDER column's word: "PID/COMM", "PID/COMM,+N" for N more, "-" for none, "?" when skipped. */
int holders_word(char *buf, size_t len, const struct holders *h);

#endif /* HOLDERS_H */
