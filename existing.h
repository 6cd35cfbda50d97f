/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * --existing: what existing.bpf.c's iterators write, one record per socket
 * that already holds a local port or address when the trace starts, and
 * what user space does with them (existing.c). Shared by both sides, like
 * bindsnoop.h: fixed-width types, no pointers.
 */
#ifndef EXISTING_H
#define EXISTING_H

#ifndef __bpf__
#include <linux/types.h>
#endif
#include "bindsnoop.h"

/* The comm of a socket no process holds (a kernel user's: VXLAN, FOU, ...): pid 0. */
#define EXISTING_KERNEL_COMM	"[kernel]"

/*
 * How the task_file iterator found each file's socket (existing.bpf.c
 * says which in its "sock_lookup" global, for -v).
 */
#define SOCK_LOOKUP_NONE	0
#define SOCK_LOOKUP_HELPER	1	/* bpf_sock_from_file(), 5.11+ */
#define SOCK_LOOKUP_INODE	2	/* S_IFSOCK inode, private_data, checked back (5.10) */

/* One existing socket: the event a bind of it would have made, and its state. */
struct existing_event {
	struct bind_event e;
	__u8 state;		/* sk_state (TCP_LISTEN is 10) for TCP and MPTCP, else 0 */
	__u8 kernel;		/* 1: no process holds it (pid 0) */
	__u8 v6only;		/* --holders' look-ups: an IPv6 socket with IPV6_V6ONLY */
	__u8 pad[5];
};

#ifndef __bpf__
#include <stdbool.h>
#include <stddef.h>

/* "LISTEN", "ESTABLISHED", ... of a TCP state number; NULL for one without a name. */
const char *tcp_state_name(__u8 state);

/*
 * The JSON keys an existing event adds at the end of its object: ,"state":"NAME"
 * for TCP and MPTCP, nothing for the others. snprintf()-style return value.
 */
int existing_json_extra(char *buf, size_t len, const struct existing_event *x);

/* Copy one iterator record into @x; -EINVAL if it is not one whole record. */
int decode_existing(const void *data, size_t size, struct existing_event *x);

struct config;
struct filter_maps;
struct printer;
struct holders;
#include "holders.h"

/* existing.c: the iterators, loaded (existing.bpf.c), and --holders' cache. */
struct lister {
	struct existing_bpf *skel;
	struct holder_cache cache;
	/* --holders -v: what the look-ups cost, said at exit */
	unsigned long lookups, cached, skipped;
	__u64 lookup_ns;
};

/* Open and load the iterators with @cfg's filters; 0 or -errno, its reason printed. */
int lister_open(struct lister *l, const struct config *cfg, const struct filter_maps *filters);
void lister_close(struct lister *l);

/*
 * --existing: every socket that already holds a local port or address (the
 * filters of @cfg applied) to @printer; -v says how many, how fast and
 * which way. 0 or -errno, its reason printed.
 */
int list_existing(struct lister *l, const struct config *cfg, struct printer *printer);

/*
 * --holders: the processes whose sockets are in @failed's way now, into
 * @h; from the cache for a repeat within HOLDER_CACHE_NS, skipped (@h says
 * so) once HOLDER_LOOKUPS_PER_SEC look-ups were made this second.
 */
void find_holders(struct lister *l, const struct bind_event *failed, struct holders *h);
/* -v: the look-ups made, their mean time, those answered from the cache and those skipped. */
void report_holders(const struct lister *l);
#endif

#endif /* EXISTING_H */
