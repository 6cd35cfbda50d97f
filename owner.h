/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * Who bound it: the cgroup v2 id the kernel side reads becomes the cgroup's
 * path, the systemd unit it belongs to and the container id, when the
 * path is a container runtime's. Resolved in user space, once per cgroup
 * (ids are never reused, so a cached answer never goes stale).
 */
#ifndef OWNER_H
#define OWNER_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#define OWNER_PATH_MAX		512
#define OWNER_UNIT_MAX		256
#define CONTAINER_ID_LEN	64	/* docker, containerd, CRI-O, podman: 64 hex digits */

/* What is known of an event's cgroup; NULL where nothing is (gone, no cgroup v2). */
struct owner {
	const char *cgroup;		/* "/system.slice/nginx.service", from the cgroup2 root */
	const char *unit;		/* "nginx.service", "session-3.scope" */
	const char *container_id;	/* 64 hex digits */
};

/*
 * The systemd unit of cgroup @path: its deepest component that names a
 * service or a scope (only those hold processes), or "" when none does.
 */
void unit_of_cgroup(const char *path, char *unit, size_t len);

/*
 * The container id of cgroup @path, or "" when it is no container's: the
 * deepest component that is docker-ID.scope, cri-containerd-ID.scope,
 * crio-ID.scope, libpod-ID.scope (systemd driver) or the bare ID (cgroupfs
 * driver: /docker/ID, /kubepods/.../ID), ID being 64 hex digits.
 * @id holds CONTAINER_ID_LEN + 1 bytes.
 */
void container_of_cgroup(const char *path, char id[CONTAINER_ID_LEN + 1]);

/* Is @s a container id or its unique-looking prefix: 12 to 64 lowercase hex digits? */
bool is_container_id_prefix(const char *s);

#define OWNER_CACHE_SLOTS	1024

struct owner_entry {
	__u64 id;			/* 0: empty slot */
	bool gone;			/* the cgroup no longer existed when looked up */
	char cgroup[OWNER_PATH_MAX];
	char unit[OWNER_UNIT_MAX];
	char container_id[CONTAINER_ID_LEN + 1];
};

struct owner_cache {
	int root_fd;			/* the cgroup2 mount's root, -1 when there is none */
	char root[OWNER_PATH_MAX];	/* where it is mounted */
	int handle_type;		/* of a kernfs file handle (FILEID_KERNFS) */
	struct owner_entry *slots;	/* OWNER_CACHE_SLOTS, by id */
};

/* Finds the cgroup2 mount; without one every lookup answers "unknown". 0 or -errno. */
int owner_cache_init(struct owner_cache *c);
void owner_cache_free(struct owner_cache *c);

/* Fill @o for cgroup @id (pointers into the cache, valid until the next lookup). */
void owner_lookup(struct owner_cache *c, __u64 id, struct owner *o);

/*
 * The cgroup2 mount point (first in /proc/self/mountinfo), into @buf.
 * 0, or -ENOENT when cgroup v2 is not mounted.
 */
int cgroup2_mount(char *buf, size_t len);

/*
 * --unit / --container: the one cgroup directory under @root whose name is
 * unit @unit, or whose container id starts with @container (one of them is
 * NULL). 0 with its path in @path; -ENOENT for none, -EEXIST (and the first
 * two in @path, separated by " and ") for more than one.
 */
int find_owner_cgroup(const char *root, const char *unit, const char *container, char *path,
		      size_t len);

#endif /* OWNER_H */
