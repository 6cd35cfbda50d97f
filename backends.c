// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Backends: open the BPF object, set its read-only data from the plan, load
 * the programs the plan names, size and fill the maps, attach.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/vfs.h>
#include <linux/magic.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "backends.h"
#include "bindsnoop_typed.skel.h"

/*
 * The typed build (bindsnoop_typed.bpf.o: the same source with
 * BINDSNOOP_TYPED_READS) has the same maps, programs and globals as the
 * other, so one skeleton type serves both: its ELF is opened through
 * bindsnoop_bpf's skeleton. A change that made them differ must not build.
 */
_Static_assert(sizeof(struct bindsnoop_bpf) == sizeof(struct bindsnoop_typed_bpf) &&
	       sizeof(struct bindsnoop_bpf__rodata) == sizeof(struct bindsnoop_typed_bpf__rodata),
	       "bindsnoop.bpf.c's two builds differ in maps, programs or globals");

/* bindsnoop_bpf__open_opts(), with the typed build's ELF when @typed. */
static struct bindsnoop_bpf *open_object(bool typed, const struct bpf_object_open_opts *opts)
{
	struct bindsnoop_bpf *skel = calloc(1, sizeof(*skel));
	int err;

	if (!skel)
		return NULL;
	err = bindsnoop_bpf__create_skeleton(skel);
	if (!err && typed)
		skel->skeleton->data = bindsnoop_typed_bpf__elf_bytes(&skel->skeleton->data_sz);
	err = err ?: bpf_object__open_skeleton(skel->skeleton, opts);
	if (err) {
		bindsnoop_bpf__destroy(skel);
		errno = -err;
		return NULL;
	}
	return skel;
}

/*
 * --cgroupmap/--mntnsmap: a pinned hash map with u64 keys. One made with
 * BPF_F_NO_PREALLOC is noted: kprobe and tracepoint programs must not use
 * it on kernels that WARN about it.
 */
static int open_filter_map(const char *opt, const char *path, int *fdp, const char **runtime_alloc)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	int fd, err;

	fd = bpf_obj_get(path);
	if (fd < 0) {
		err = errno;
		fprintf(stderr, "bindsnoop: %s %s: not a pinned BPF map: %s (%s)\n", opt, path,
			error_text(err), errno_str(err));
		return -err;
	}
	if (bpf_obj_get_info_by_fd(fd, &info, &len)) {
		err = errno;
		fprintf(stderr, "bindsnoop: %s %s: not a BPF map: %s (%s)\n", opt, path,
			error_text(err), errno_str(err));
		close(fd);
		return -err;
	}
	if (info.type != BPF_MAP_TYPE_HASH && info.type != BPF_MAP_TYPE_LRU_HASH) {
		fprintf(stderr, "bindsnoop: %s %s: map type is %s, need hash\n", opt, path,
			libbpf_bpf_map_type_str(info.type) ?: "unknown");
		close(fd);
		return -EINVAL;
	}
	if (info.key_size != sizeof(__u64)) {
		fprintf(stderr, "bindsnoop: %s %s: key size is %u, need 8 (a u64 id)\n", opt, path,
			info.key_size);
		close(fd);
		return -EINVAL;
	}
	if (info.type == BPF_MAP_TYPE_HASH && (info.map_flags & BPF_F_NO_PREALLOC))
		*runtime_alloc = opt;
	*fdp = fd;
	return 0;
}

static int open_cgroup_dir(const char *opt, const char *path, int *fdp)
{
	struct statfs fs;
	int fd, err;

	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		err = errno;
		fprintf(stderr, "bindsnoop: %s %s: %s (%s)\n", opt, path, error_text(err),
			errno_str(err));
		return -err;
	}
	if (fstatfs(fd, &fs) || fs.f_type != CGROUP2_SUPER_MAGIC) {
		fprintf(stderr, "bindsnoop: %s %s: not a cgroup v2 directory\n", opt, path);
		close(fd);
		return -EINVAL;
	}
	*fdp = fd;
	return 0;
}

/*
 * --unit / --container: the cgroup of that unit or container as it is now
 * (a unit restarted later gets a new cgroup, which this filter does not
 * follow), filtered in the kernel like -c.
 */
static int open_owner_cgroup(const char *opt, const char *unit, const char *container, int *fdp)
{
	char root[OWNER_PATH_MAX], path[OWNER_PATH_MAX * 2 + 8];
	const char *what = unit ? unit : container;
	int err = cgroup2_mount(root, sizeof(root));

	if (err) {
		fprintf(stderr, "bindsnoop: %s %s: cgroup v2 is not mounted\n", opt, what);
		return err;
	}
	err = find_owner_cgroup(root, unit, container, path, sizeof(path));
	if (err == -ENOENT) {
		fprintf(stderr, "bindsnoop: %s %s: no such %s under %s\n", opt, what,
			unit ? "unit's cgroup" : "container's cgroup", root);
		return err;
	}
	if (err == -EEXIST) {
		fprintf(stderr, "bindsnoop: %s %s: more than one cgroup matches (%s): be more precise\n",
			opt, what, path);
		return err;
	}
	return open_cgroup_dir(opt, path, fdp);
}

int open_filter_maps(const struct config *cfg, struct filter_maps *filters)
{
	int err = 0;

	if (cfg->cgroupmap_path)
		err = open_filter_map("--cgroupmap", cfg->cgroupmap_path, &filters->cgroupmap_fd,
				      &filters->runtime_alloc_map);
	if (!err && cfg->mntnsmap_path)
		err = open_filter_map("--mntnsmap", cfg->mntnsmap_path, &filters->mntnsmap_fd,
				      &filters->runtime_alloc_map);
	if (!err && cfg->cgroup_path)
		err = open_cgroup_dir("-c", cfg->cgroup_path, &filters->cgroup_fd[CGROUP_SLOT_DIR]);
	if (!err && cfg->unit)
		err = open_owner_cgroup("--unit", cfg->unit, NULL, &filters->cgroup_fd[CGROUP_SLOT_UNIT]);
	if (!err && cfg->container)
		err = open_owner_cgroup("--container", NULL, cfg->container,
					&filters->cgroup_fd[CGROUP_SLOT_CONTAINER]);
	return err;
}

void close_filter_maps(struct filter_maps *filters)
{
	if (filters->cgroupmap_fd >= 0)
		close(filters->cgroupmap_fd);
	if (filters->mntnsmap_fd >= 0)
		close(filters->mntnsmap_fd);
	for (int i = 0; i < CGROUP_SLOTS; i++)
		if (filters->cgroup_fd[i] >= 0)
			close(filters->cgroup_fd[i]);
	*filters = (struct filter_maps)FILTER_MAPS_INIT;
}

void tracer_destroy(struct tracer *t)
{
	while (t->nr_links > 0)
		bpf_link__destroy(t->links[--t->nr_links]);
	ring_buffer__free(t->rb);
	perf_buffer__free(t->pb);
	t->rb = NULL;
	t->pb = NULL;
	bindsnoop_bpf__destroy(t->skel);
	t->skel = NULL;
}

/* What every attempt to load a backend reads: the run's inputs, fixed before the first. */
struct load_inputs {
	const struct config *cfg;
	const struct kernel_facts *facts;
	const struct plan *plan;
	const struct filter_maps *filters;
};

static void set_rodata(struct bindsnoop_bpf *skel, const struct load_inputs *in,
		       const struct backend_plan *bp, const struct build_plan *build)
{
	struct bindsnoop_bpf__rodata *ro = skel->rodata;
	const struct config *cfg = in->cfg;
	const struct kernel_facts *facts = in->facts;
	const struct plan *plan = in->plan;
	const struct filter_maps *filters = in->filters;

	ro->target_pid = cfg->pid;
	ro->filter_uid = cfg->filter_uid;
	ro->target_uid = cfg->uid;
	ro->filter_ports = cfg->filter_ports;
	ro->filter_via = cfg->via_mask != 0;
	ro->want_via = plan->fields.details || cfg->via_mask;
	ro->via_mask = cfg->via_mask;
	memcpy((void *)ro->port_bitmap, cfg->ports, sizeof(cfg->ports));
	ro->filter_cgroup_map = filters->cgroupmap_fd >= 0;
	ro->filter_mntns_map = filters->mntnsmap_fd >= 0;
	ro->filter_cgroup_dir = filters->cgroup_fd[CGROUP_SLOT_DIR] >= 0;
	ro->filter_unit = filters->cgroup_fd[CGROUP_SLOT_UNIT] >= 0;
	ro->filter_container = filters->cgroup_fd[CGROUP_SLOT_CONTAINER] >= 0;
	ro->filter_task = plan->filter_task;
	ro->trace_errors = cfg->print.errors;
	ro->count_mode = cfg->count;
	ro->count_swaps = cfg->interval_ns != 0;
	ro->count_slot_mask = build->count_slot_mask;
	ro->count_hash_shift = build->count_hash_shift;
	ro->use_ringbuf = plan->ringbuf;
	ro->wakeup_bytes = plan->wakeup_bytes;
	ro->want_ts = plan->fields.ts;
	ro->want_details = plan->fields.details;
	ro->want_cgroup = plan->fields.cgroup;
	ro->want_ifname = plan->fields.ifname;
#if defined(__s390x__)
	ro->socketcall_calls = bp->socketcall_calls;
#else
	(void)bp;
#endif

	/* 6.6+ keeps these in inet_flags; older kernels never read them (core_fixes.bpf.h). */
	if (facts->inet_flag[IFLAG_FREEBIND] >= 0)
		ro->inet_flag_freebind = facts->inet_flag[IFLAG_FREEBIND];
	if (facts->inet_flag[IFLAG_TRANSPARENT] >= 0)
		ro->inet_flag_transparent = facts->inet_flag[IFLAG_TRANSPARENT];
	if (facts->inet_flag[IFLAG_BIND_ADDRESS_NO_PORT] >= 0)
		ro->inet_flag_bind_no_port = facts->inet_flag[IFLAG_BIND_ADDRESS_NO_PORT];
}

/* Load exactly the programs the plan names. */
static int select_programs(const struct tracer *t, const struct backend_plan *bp, char *why,
			   size_t whylen)
{
	struct bpf_program *prog;
	int i;

	bpf_object__for_each_program(prog, t->skel->obj)
		bpf_program__set_autoload(prog, false);
	for (i = 0; i < bp->nprogs; i++) {
		prog = bpf_object__find_program_by_name(t->skel->obj, bp->progs[i]);
		if (!prog) {
			snprintf(why, whylen, "the BPF object has no program %s", bp->progs[i]);
			return -ENOENT;
		}
		bpf_program__set_autoload(prog, true);
	}
	return 0;
}

static int size_maps(const struct tracer *t, const struct load_inputs *in,
		     const struct build_plan *build, int *template_fd)
{
	const struct plan *plan = in->plan;
	const struct filter_maps *filters = in->filters;
	struct bindsnoop_bpf *skel = t->skel;
	struct bpf_map *events = skel->maps.events;
	int err;

	if (plan->ringbuf) {
		err = bpf_map__set_max_entries(events, plan->ringbuf_bytes);
	} else {
		err = bpf_map__set_type(events, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
		err = err ?: bpf_map__set_key_size(events, sizeof(__u32));
		err = err ?: bpf_map__set_value_size(events, sizeof(__u32));
	}
	err = err ?: bpf_map__set_max_entries(skel->maps.entries, build->entries_size);
	/* Task storage only where programs use it: 5.10 has no such map type. */
	err = err ?: bpf_map__set_autocreate(skel->maps.task_binds, build->task_storage);
	/* The typed build counts in arrays of slots, the other in hash maps. */
	err = err ?: bpf_map__set_max_entries(skel->maps.counts_a,
					      build->count_entries[0]);
	err = err ?: bpf_map__set_max_entries(skel->maps.counts_b,
					      build->count_entries[1]);
	/*
	 * An inner array has the template's size (bindsnoop.bpf.c), and
	 * libbpf 1.1 cannot resize its own template (a segfault): the typed
	 * build gets one made here, of the first table's size. A hash need not.
	 */
	if (!err && build->build == BUILD_TYPED) {
		*template_fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "counts_template", sizeof(__u32),
					      sizeof(struct count_slot), build->count_entries[0], NULL);
		err = *template_fd < 0 ? *template_fd :
		      bpf_map__set_inner_map_fd(skel->maps.counts, *template_fd);
	}
	if (!err && filters->cgroupmap_fd >= 0)
		err = bpf_map__reuse_fd(skel->maps.cgroup_set, filters->cgroupmap_fd);
	if (!err && filters->mntnsmap_fd >= 0)
		err = bpf_map__reuse_fd(skel->maps.mntns_set, filters->mntnsmap_fd);
	return err;
}

/*
 * A cgroup post_bind program (kernel_sockets.bpf.h), as a link at @root: it
 * shares the hook with any other program there and goes with bindsnoop.
 */
static struct bpf_link *attach_at_cgroup(struct bpf_program *prog, const char *root)
{
	struct bpf_link *link;
	int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	link = bpf_program__attach_cgroup(prog, fd);
	close(fd);
	return link;
}

/*
 * The cgroup post_bind programs could not be attached at @root (in a
 * container, say): the backend runs without them, and says why at start.
 * Their links so far, from @first (the last ones attached), go.
 */
static void drop_kernel_sockets(struct tracer *t, int first, const char *root, int err)
{
	while (t->nr_links > first)
		bpf_link__destroy(t->links[--t->nr_links]);
	t->paths &= ~(1u << BS_VIA_KERNEL);
	snprintf(t->kernel_unseen, sizeof(t->kernel_unseen),
		 "attaching the cgroup post_bind program that sees them at %s failed: %s (%s)",
		 root, error_text(-err), errno_str(-err));
}

static int attach_programs(struct tracer *t, const struct kernel_facts *facts,
			   const struct backend_plan *bp, char *why, size_t whylen)
{
	int i, err, cgroup_first = -1;

	t->paths = bp->paths;
	t->kernel_unseen[0] = '\0';
	for (i = 0; i < bp->nprogs; i++) {
		struct bpf_program *prog = bpf_object__find_program_by_name(t->skel->obj, bp->progs[i]);
		struct bpf_link *link;

		if (t->nr_links == bp->fail_after_links) {
			snprintf(why, whylen, "attaching %s: failure injected by BINDSNOOP_TEST_FAIL_ATTACH",
				 bp->progs[i]);
			return -EAGAIN;
		}
		/* The plan names at most MAX_LINKS programs; this holds whatever it says. */
		if (t->nr_links == MAX_LINKS) {
			snprintf(why, whylen, "more programs than the %d links a backend may hold",
				 MAX_LINKS);
			return -E2BIG;
		}
		if (bpf_program__type(prog) == BPF_PROG_TYPE_CGROUP_SOCK) {
			if (t->kernel_unseen[0])
				continue;
			if (cgroup_first < 0)
				cgroup_first = t->nr_links;
			link = attach_at_cgroup(prog, bp->cgroup_root);
			if (!link) {
				drop_kernel_sockets(t, cgroup_first, bp->cgroup_root, -errno);
				continue;
			}
			t->links[t->nr_links++] = link;
			continue;
		}
		link = bpf_program__attach(prog);
		if (!link) {
			err = -errno;
			snprintf(why, whylen, "attaching %s: %s (%s)%s", bp->progs[i],
				 error_text(-err), errno_str(-err),
				 (err == -EACCES || err == -EPERM) && facts->perf_events_restricted
					 ? "; kernel.perf_event_paranoid is above 2, so kprobes and "
					   "tracepoints need CAP_SYS_ADMIN" : "");
			return err;
		}
		t->links[t->nr_links++] = link;
	}
	return 0;
}

static int mount_tracefs(const struct config *cfg, char *why, size_t whylen)
{
	bool mounted;
	int err = ensure_tracefs(&mounted);

	if (err == -EACCES) {
		snprintf(why, whylen, "tracefs (/sys/kernel/tracing) is not readable: "
			 "run as root or add CAP_DAC_READ_SEARCH");
	} else if (err) {
		snprintf(why, whylen, "tracefs is not mounted and mounting it failed: %s",
			 error_text(-err));
	} else if (mounted && cfg->verbose) {
		fprintf(stderr, "bindsnoop: mounted tracefs on /sys/kernel/tracing\n");
	}
	return err;
}

/*
 * Open @build of the BPF object and load @bp's programs, with the plan's
 * read-only data and map sizes. On failure nothing of it is left.
 */
static int open_and_load(struct tracer *t, const struct load_inputs *in,
			 const struct backend_plan *bp, const struct build_plan *build, char *why,
			 size_t whylen)
{
	LIBBPF_OPTS(bpf_object_open_opts, open_opts, .btf_custom_path = in->cfg->btf_path);
	int template_fd = -1, err;

	t->build = build->build;
	t->skel = open_object(build->build == BUILD_TYPED, &open_opts);
	if (!t->skel) {
		err = -errno;
		snprintf(why, whylen, "opening the BPF object: %s", error_text(-err));
		return err;
	}
	set_rodata(t->skel, in, bp, build);
	err = select_programs(t, bp, why, whylen);
	if (err)
		goto fail;
	err = size_maps(t, in, build, &template_fd);
	if (err) {
		snprintf(why, whylen, "setting up maps: %s", error_text(-err));
		goto fail;
	}
	if (build->refuse) {
		err = -EINVAL;
		snprintf(why, whylen, "the kernel refused the programs: failure injected by "
			 "BINDSNOOP_TEST_REFUSE_TYPED");
		goto fail;
	}
	err = bindsnoop_bpf__load(t->skel);
	if (err) {
		snprintf(why, whylen, "the kernel refused the programs: %s (%s)", error_text(-err),
			 errno_str(-err));
		goto fail;
	}
	if (template_fd >= 0)
		close(template_fd);	/* the outer map keeps what it needs of it */
	return 0;
fail:
	if (template_fd >= 0)
		close(template_fd);
	bindsnoop_bpf__destroy(t->skel);
	t->skel = NULL;
	return err;
}

/*
 * Load backend @b: tracefs where it needs it, then the typed build where
 * the plan says so, the probing one if the kernel refuses that. Nothing is
 * attached yet. On failure nothing of it is left and @why says why.
 */
static int load_backend(struct tracer *t, const struct load_inputs *in, enum backend b,
			char *why, size_t whylen)
{
	const struct backend_plan *bp = &in->plan->backends[b];
	int err = 0;

	memset(t, 0, sizeof(*t));
	t->backend = b;
	if (!bp->usable) {
		snprintf(why, whylen, "%s", bp->why);
		return -EOPNOTSUPP;
	}
	if (bp->needs_tracefs) {
		err = mount_tracefs(in->cfg, why, whylen);
		if (err)
			return err;
	}
	for (int i = 0; i < bp->nbuilds; i++) {
		err = open_and_load(t, in, bp, &bp->builds[i], why, whylen);
		if (!err || i + 1 == bp->nbuilds)
			break;
		if (in->cfg->verbose)
			fprintf(stderr, "bindsnoop: backend %s: typed reads (bpf_rdonly_cast) refused: "
				"%s; probing instead\n", backend_names[b], why);
	}
	return err;
}

/* The filter and --count maps of a loaded backend, filled from the inputs. */
static int fill_maps(struct tracer *t, const struct load_inputs *in, char *why, size_t whylen)
{
	const struct filter_maps *filters = in->filters;
	int err;

	for (__u32 slot = 0; slot < CGROUP_SLOTS; slot++) {
		if (filters->cgroup_fd[slot] < 0)
			continue;
		if (bpf_map_update_elem(bpf_map__fd(t->skel->maps.cgroup_dir), &slot,
					&filters->cgroup_fd[slot], BPF_ANY)) {
			err = -errno;
			snprintf(why, whylen, "filling the cgroup filter: %s", error_text(-err));
			return err;
		}
	}
	if (in->cfg->count && in->cfg->interval_ns) {
		int table_fd = bpf_map__fd(t->skel->maps.counts_a);
		__u32 zero = 0;

		/* The first table the programs count into, which count.c swaps (-i only). */
		if (bpf_map_update_elem(bpf_map__fd(t->skel->maps.counts), &zero, &table_fd, BPF_ANY)) {
			err = -errno;
			snprintf(why, whylen, "setting up the --count table: %s", error_text(-err));
			return err;
		}
	}
	return 0;
}

/*
 * -v: the ways of taking a port the backend sees, and those this kernel has
 * that it does not (connect() and sendto() autobinds without --autobind,
 * io_uring's where its tracepoints do not name the request, SCTP's bindx
 * and the kernel's own sockets on the tracepoint backend).
 */
/* " listen, bindx" for the ways in @mask, by path_name(); @uring: io_uring's listen by that name. */
static void print_paths(__u32 mask, bool uring)
{
	int path, listed = 0;

	for (path = 0; path < BS_PATH_COUNT; path++)
		if (mask & (1u << path))
			fprintf(stderr, "%s %s", listed++ ? "," : "",
				uring && path == BS_VIA_LISTEN ? "io_uring listen"
							       : path_name((unsigned int)path));
}

#define URING_UNSEEN_WHY "without a completion or on a fixed file"

static void report_paths(__u32 seen, __u32 kernel, __u32 compat_unseen, __u32 uring_unseen)
{
	char line[256];
	size_t n = 0;
	int via, listed;

	for (int pass = 0; pass < 2; pass++) {
		__u32 mask = pass ? kernel & ~seen : seen & kernel;

		if (pass && !mask)
			break;
		n += (size_t)snprintf(line + n, sizeof(line) - n, "%s", pass ? "; not seen:" : "");
		for (via = 0, listed = 0; via < BS_PATH_COUNT && n < sizeof(line); via++)
			if (mask & (1u << via))
				n += (size_t)snprintf(line + n, sizeof(line) - n, "%s %s",
						      listed++ ? "," : "", path_name((unsigned int)via));
	}
	fprintf(stderr, "bindsnoop: ports taken by:%s", line);
	if (seen & kernel & compat_unseen) {
		fprintf(stderr, "; not seen from 32-bit x86 programs:");
		print_paths(seen & kernel & compat_unseen, false);
	}
	if (seen & kernel & uring_unseen) {
		fprintf(stderr, "; not seen " URING_UNSEEN_WHY ":");
		print_paths(seen & kernel & uring_unseen, true);
	}
	fputc('\n', stderr);
}

/*
 * At start, with or without -v: the ways of taking a port this kernel has
 * that the running backend does not see (connect() and sendto() only when
 * --autobind asks for them), one line, with the reason where one is known.
 */
static void report_unseen(const struct tracer *t, const struct backend_plan *bp,
			  const struct plan *plan)
{
	__u32 unseen = plan->wanted_paths & ~t->paths;
	__u32 partly = plan->wanted_paths & t->paths & bp->compat_unseen;
	__u32 uring = plan->wanted_paths & t->paths & bp->uring_unseen;
	const char *kernel_unseen = t->kernel_unseen[0] ? t->kernel_unseen : bp->kernel_unseen;

	if (!unseen && !partly && !uring)
		return;
	fprintf(stderr, "bindsnoop: backend %s does not see ports taken by:",
		backend_names[t->backend]);
	print_paths(unseen, false);
	if ((unseen & (1u << BS_VIA_BINDX)) && bp->bindx_unseen)
		fprintf(stderr, " (SCTP's bindx: %s)", bp->bindx_unseen);
	if ((unseen & (1u << BS_VIA_KERNEL)) && kernel_unseen)
		fprintf(stderr, " (the kernel's own sockets: %s)", kernel_unseen);
	/* 32-bit x86 programs' calls skip the syscalls:* tracepoints. */
	if (partly) {
		fprintf(stderr, "%s", unseen ? ";" : "");
		print_paths(partly, false);
		fprintf(stderr, " from 32-bit x86 programs");
	}
	/* io_uring's requests that post no completion or name a fixed file. */
	if (uring) {
		fprintf(stderr, "%s", unseen || partly ? ";" : "");
		print_paths(uring, true);
		fprintf(stderr, " " URING_UNSEEN_WHY);
	}
	fputc('\n', stderr);
}

/* -v: the backend that runs, its build and the buffer its events come over. */
static void report_backend(const struct tracer *t, const struct backend_plan *bp,
			   __u32 kernel_paths)
{
	const char *name = backend_names[t->backend];

	if (bp->note)
		fprintf(stderr, "bindsnoop: backend %s: %s\n", name, bp->note);
	fprintf(stderr, "bindsnoop: backend %s: %s%s\n", name, bp->detail,
		t->build == BUILD_TYPED ? "; typed reads (bpf_rdonly_cast)" : "");
	if (bp->cgroup_root && (t->paths & (1u << BS_VIA_KERNEL)))
		fprintf(stderr, "bindsnoop: backend %s: the kernel's own sockets: cgroup "
			"post_bind4/6 at %s\n", name, bp->cgroup_root);
	/* The reader that is open, not the plan: the tests assert what ran. */
	fprintf(stderr, "bindsnoop: events: %s\n",
		t->rb ? "ring buffer" : t->pb ? "perf buffer" : "none (--count: counted in the kernel)");
	report_paths(t->paths, kernel_paths, bp->compat_unseen, bp->uring_unseen);
}

int tracer_start(struct tracer *t, const struct config *cfg, const struct kernel_facts *facts,
		 const struct plan *plan, const struct filter_maps *filters, open_reader_fn open_reader,
		 void *ctx)
{
	const struct load_inputs in = { .cfg = cfg, .facts = facts, .plan = plan, .filters = filters };
	char why[256];
	int i, err = -ENOENT;

	for (i = 0; i < plan->norder; i++) {
		enum backend b = plan->order[i];
		const struct backend_plan *bp = &plan->backends[b];

		why[0] = '\0';
		/* Load; arm: its maps, the reader before the first program runs, attach. */
		err = load_backend(t, &in, b, why, sizeof(why)) ?:
		      fill_maps(t, &in, why, sizeof(why));
		if (!err && open_reader) {
			err = open_reader(t, ctx);
			/* It said why; no other backend would read its events any better. */
			if (err) {
				tracer_destroy(t);
				return err;
			}
		}
		if (!err)
			err = attach_programs(t, facts, bp, why, sizeof(why));
		if (!err) {
			if (cfg->verbose)
				report_backend(t, bp, plan->kernel_paths);
			report_unseen(t, bp, plan);
			return 0;
		}
		tracer_destroy(t);
		if (cfg->backend != BACKEND_AUTO) {
			fprintf(stderr, "bindsnoop: --backend %s: %s\n", backend_names[b], why);
			return err;
		}
		if (cfg->verbose)
			fprintf(stderr, "bindsnoop: backend %s skipped: %s\n", backend_names[b], why);
	}
	fprintf(stderr, "bindsnoop: no backend could be loaded (run with -v to see why)\n");
	return err;
}
