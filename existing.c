// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * --existing: list the sockets that already hold a local port or address,
 * once, after the live programs are attached and before the live stream is
 * read (bindsnoop.c): a bind racing the listing is in the ring buffer
 * already, so none is lost, and one may be printed twice (listed, then
 * streamed). existing.bpf.c's iterators write one struct existing_event a
 * socket; each goes to output.c's printer, the live events' own.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "existing.h"
#include "existing.skel.h"
#include "holders.h"
#include "output.h"

/* The iterator is read this much at a time: about 450 sockets a read. */
#define READ_CHUNK	(64 * 1024)

static void set_existing_rodata(struct existing_bpf *skel, const struct config *cfg,
				const struct filter_maps *filters)
{
	struct existing_bpf__rodata *ro = skel->rodata;
	struct stat st;
	int slot;

	ro->target_pid = cfg->pid;
	ro->filter_uid = cfg->filter_uid;
	ro->target_uid = cfg->uid;
	ro->filter_ports = cfg->filter_ports;
	memcpy((void *)ro->port_bitmap, cfg->ports, sizeof(cfg->ports));
	ro->filter_cgroup_map = filters->cgroupmap_fd >= 0;
	ro->filter_mntns_map = filters->mntnsmap_fd >= 0;
	/* A cgroup v2 directory's inode number is its cgroup id (kernfs, 64-bit ino). */
	for (slot = 0; slot < CGROUP_SLOTS; slot++)
		if (filters->cgroup_fd[slot] >= 0 && !fstat(filters->cgroup_fd[slot], &st))
			((volatile __u64 *)ro->cgroup_ancestor)[slot] = st.st_ino;
	ro->filter_task = cfg->pid || cfg->filter_uid || cfg->cgroupmap_path || cfg->mntnsmap_path ||
			  cfg->cgroup_path || cfg->unit || cfg->container;
}

/* What run_iterator() does with each record: non-zero stops it (the output is closed). */
typedef int (*record_fn)(void *ctx, const struct existing_event *x);

/*
 * Create an iterator of @prog and read it to its end; each whole record
 * goes to @each(@ctx, ...). @listed counts them. -errno, its reason printed.
 */
static int run_iterator(struct bpf_program *prog, record_fn each, void *ctx, unsigned long *listed)
{
	static char buf[READ_CHUNK];
	struct existing_event x;
	struct bpf_link *link = bpf_program__attach_iter(prog, NULL);
	size_t have = 0, used;
	ssize_t n;
	int fd, err = 0;

	if (!link) {
		err = -errno;
		fprintf(stderr, "bindsnoop: the %s iterator: attaching: %s (%s)\n",
			bpf_program__name(prog), error_text(-err), errno_str(-err));
		return err;
	}
	fd = bpf_iter_create(bpf_link__fd(link));
	if (fd < 0) {
		err = -errno;
		fprintf(stderr, "bindsnoop: the %s iterator: creating: %s\n",
			bpf_program__name(prog), error_text(-err));
		bpf_link__destroy(link);
		return err;
	}
	/* A read returns whole records, but a part left over is kept for the next. */
	while ((n = read(fd, buf + have, READ_CHUNK - have)) > 0 || (n < 0 && errno == EINTR)) {
		if (n < 0)
			continue;
		have += (size_t)n;
		for (used = 0; have - used >= sizeof(struct existing_event);
		     used += sizeof(struct existing_event)) {
			if (decode_existing(buf + used, have - used, &x) || each(ctx, &x))
				break;
			(*listed)++;
		}
		if (used + sizeof(struct existing_event) <= have)
			break;	/* stopped: the output is closed */
		memmove(buf, buf + used, have - used);
		have -= used;
	}
	if (n < 0) {
		err = -errno;
		fprintf(stderr, "bindsnoop: the %s iterator: reading: %s\n",
			bpf_program__name(prog), error_text(-err));
	}
	close(fd);
	bpf_link__destroy(link);
	return err;
}

int lister_open(struct lister *l, const struct config *cfg, const struct filter_maps *filters)
{
	LIBBPF_OPTS(bpf_object_open_opts, open_opts, .btf_custom_path = cfg->btf_path);
	int err;

	memset(l, 0, sizeof(*l));
	l->skel = existing_bpf__open_opts(&open_opts);
	if (!l->skel) {
		err = -errno;
		fprintf(stderr, "bindsnoop: %s: opening its BPF object: %s\n",
			cfg->existing ? "--existing" : "--holders", error_text(-err));
		return err;
	}
	set_existing_rodata(l->skel, cfg, filters);
	err = filters->cgroupmap_fd >= 0 ? bpf_map__reuse_fd(l->skel->maps.cgroup_set, filters->cgroupmap_fd) : 0;
	err = err ?: filters->mntnsmap_fd >= 0 ? bpf_map__reuse_fd(l->skel->maps.mntns_set, filters->mntnsmap_fd) : 0;
	err = err ?: existing_bpf__load(l->skel);
	if (err) {
		fprintf(stderr, "bindsnoop: %s: the kernel refused the iterator programs: %s (%s)\n",
			cfg->existing ? "--existing" : "--holders", error_text(-err), errno_str(-err));
		lister_close(l);
	}
	return err;
}

void lister_close(struct lister *l)
{
	existing_bpf__destroy(l->skel);
	l->skel = NULL;
}

/* Print each record (--existing). */
static int print_each(void *ctx, const struct existing_event *x)
{
	char extra[64];

	existing_json_extra(extra, sizeof(extra), x);
	/* --holders' column: an existing socket is no failed bind */
	return print_event(ctx, &x->e, extra, ((struct printer *)ctx)->cfg->holders ? "-" : NULL);
}

int list_existing(struct lister *l, const struct config *cfg, struct printer *printer)
{
	struct existing_bpf *skel = l->skel;
	unsigned long listed = 0;
	__u64 start = monotonic_ns();
	int err;

	skel->bss->match_on = false;
	err = run_iterator(skel->progs.list_task_sockets, print_each, printer, &listed) ?:
	      run_iterator(skel->progs.list_kernel_tcp, print_each, printer, &listed) ?:
	      run_iterator(skel->progs.list_kernel_udp, print_each, printer, &listed);
	flush_output(printer);
	if (!err && cfg->verbose)
		fprintf(stderr, "bindsnoop: existing sockets: %lu listed in %llu ms (processes' sockets: "
			"iter/task_file, %s; the kernel's own in this network namespace: iter/tcp, iter/udp)\n",
			listed, (unsigned long long)((monotonic_ns() - start) / 1000000),
			skel->bss->sock_lookup == SOCK_LOOKUP_HELPER ? "bpf_sock_from_file()" :
			skel->bss->sock_lookup == SOCK_LOOKUP_INODE ?
			"the file's socket inode (no bpf_sock_from_file() before 5.11)" : "no file seen");
	return err;
}

struct holder_search {
	const struct bind_event *failed;
	struct holders *h;
};

/* Keep a socket in the failed bind's way (--holders). */
static int add_if_conflicting(void *ctx, const struct existing_event *x)
{
	struct holder_search *hs = ctx;

	if (holder_conflicts(hs->failed, x))
		holders_add(hs->h, x);
	return 0;
}

void find_holders(struct lister *l, const struct bind_event *failed, struct holders *h)
{
	struct existing_bpf *skel = l->skel;
	struct holder_search hs = { .failed = failed, .h = h };
	__u64 now = monotonic_ns(), spent;
	unsigned long seen = 0;

	switch (holder_cache_get(&l->cache, failed, now, h)) {
	case HOLDERS_CACHED:
		l->cached++;
		return;
	case HOLDERS_SKIP:
		l->skipped++;
		return;
	case HOLDERS_LOOK_UP:
		break;
	}
	memset(h, 0, sizeof(*h));
	skel->bss->match_protocol = failed->protocol;
	skel->bss->match_port = failed->port;
	skel->bss->match_netns = failed->netns_id;
	skel->bss->match_on = true;
	/* An iterator that fails leaves what was found so far: better than nothing. */
	if (run_iterator(skel->progs.list_task_sockets, add_if_conflicting, &hs, &seen) ||
	    run_iterator(skel->progs.list_kernel_tcp, add_if_conflicting, &hs, &seen) ||
	    run_iterator(skel->progs.list_kernel_udp, add_if_conflicting, &hs, &seen))
		h->skipped = !h->n;
	holders_sort(h);
	spent = monotonic_ns() - now;
	holder_cache_put(&l->cache, failed, now, spent, h);
	l->lookups++;
	l->lookup_ns += spent;
}

void report_holders(const struct lister *l)
{
	fprintf(stderr, "bindsnoop: holders: %lu looked up (%.1f ms each), %lu from the cache, "
		"%lu skipped (past %d look-ups or %llu ms of them a second)\n", l->lookups,
		l->lookups ? (double)l->lookup_ns / l->lookups / 1e6 : 0.0, l->cached, l->skipped,
		HOLDER_LOOKUPS_PER_SEC, HOLDER_NS_PER_SEC / 1000000);
}
