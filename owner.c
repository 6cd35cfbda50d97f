// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Owner attribution. A cgroup v2 id is the kernfs node id of its directory,
 * which is also what a kernfs file handle holds: open_by_handle_at() with
 * that id opens the directory (CAP_DAC_READ_SEARCH, which bindsnoop needs
 * anyway), and /proc/self/fd names its path. No walk of the cgroup tree
 * per event; a cgroup removed before the lookup answers ESTALE.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "owner.h"

static bool ends_with(const char *s, size_t len, const char *suffix)
{
	size_t n = strlen(suffix);

	return len >= n && memcmp(s + len - n, suffix, n) == 0;
}

void unit_of_cgroup(const char *path, char *unit, size_t len)
{
	const char *p = path, *best = NULL;
	size_t best_len = 0;

	unit[0] = '\0';
	while (*p) {
		const char *end;
		size_t n;

		while (*p == '/')
			p++;
		end = strchrnul(p, '/');
		n = (size_t)(end - p);
		if (n && (ends_with(p, n, ".service") || ends_with(p, n, ".scope"))) {
			best = p;
			best_len = n;
		}
		p = end;
	}
	if (best && best_len < len) {
		memcpy(unit, best, best_len);
		unit[best_len] = '\0';
	}
}

static bool all_hex(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]) && !(s[i] >= 'a' && s[i] <= 'f'))
			return false;
	return true;
}

/* The id in one path component, or NULL. */
static const char *container_in(const char *c, size_t n)
{
	static const char *const prefixes[] = { "docker-", "cri-containerd-", "crio-", "libpod-" };
	size_t i, p;

	if (n == CONTAINER_ID_LEN && all_hex(c, n))
		return c;
	if (!ends_with(c, n, ".scope"))
		return NULL;
	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		p = strlen(prefixes[i]);
		if (n == p + CONTAINER_ID_LEN + strlen(".scope") && !strncmp(c, prefixes[i], p) &&
		    all_hex(c + p, CONTAINER_ID_LEN))
			return c + p;
	}
	return NULL;
}

void container_of_cgroup(const char *path, char id[CONTAINER_ID_LEN + 1])
{
	const char *p = path, *found = NULL;

	id[0] = '\0';
	while (*p) {
		const char *end, *c;

		while (*p == '/')
			p++;
		end = strchrnul(p, '/');
		c = container_in(p, (size_t)(end - p));
		if (c)
			found = c;
		p = end;
	}
	if (found) {
		memcpy(id, found, CONTAINER_ID_LEN);
		id[CONTAINER_ID_LEN] = '\0';
	}
}

bool is_container_id_prefix(const char *s)
{
	size_t n = strlen(s);

	return n >= 12 && n <= CONTAINER_ID_LEN && all_hex(s, n);
}

int cgroup2_mount(char *buf, size_t len)
{
	FILE *f = fopen("/proc/self/mountinfo", "r");
	char line[4096];
	int err = -ENOENT;

	if (!f)
		return -errno;
	/* "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS [TAGS...] - FSTYPE SOURCE SUPEROPTS" */
	while (err && fgets(line, sizeof(line), f)) {
		char root[OWNER_PATH_MAX], point[OWNER_PATH_MAX];
		const char *sep = strstr(line, " - ");

		if (!sep || strncmp(sep + 3, "cgroup2 ", 8))
			continue;
		if (sscanf(line, "%*s %*s %*s %511s %511s", root, point) != 2)
			continue;
		/* Mount points with blanks come as \040: none of ours. */
		if (strlen(point) < len) {
			strcpy(buf, point);
			err = 0;
		}
	}
	fclose(f);
	return err;
}

int owner_cache_init(struct owner_cache *c)
{
	struct {
		struct file_handle fh;
		unsigned char id[8];
	} h = { .fh.handle_bytes = 8 };
	int mount_id;

	memset(c, 0, sizeof(*c));
	c->root_fd = -1;
	c->slots = calloc(OWNER_CACHE_SLOTS, sizeof(*c->slots));
	if (!c->slots)
		return -ENOMEM;
	if (cgroup2_mount(c->root, sizeof(c->root)))
		return 0;	/* no cgroup v2: every answer is "unknown" */
	c->root_fd = open(c->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (c->root_fd < 0)
		return 0;
	/* The root's own handle tells the type kernfs uses (FILEID_KERNFS). */
	if (name_to_handle_at(c->root_fd, "", &h.fh, &mount_id, AT_EMPTY_PATH) ||
	    h.fh.handle_bytes != 8) {
		close(c->root_fd);
		c->root_fd = -1;
		return 0;
	}
	c->handle_type = h.fh.handle_type;
	return 0;
}

void owner_cache_free(struct owner_cache *c)
{
	if (c->root_fd >= 0)
		close(c->root_fd);
	free(c->slots);
	c->slots = NULL;
	c->root_fd = -1;
}

/* The path of cgroup @id below the cgroup2 root: 0, or -errno (ESTALE: gone). */
static int cgroup_path_of(struct owner_cache *c, __u64 id, char *path, size_t len)
{
	struct {
		struct file_handle fh;
		unsigned char id[8];
	} h = { .fh.handle_bytes = 8, .fh.handle_type = c->handle_type };
	char link[64], full[OWNER_PATH_MAX + 64];
	size_t rlen = strlen(c->root);
	ssize_t n;
	int fd;

	memcpy(h.fh.f_handle, &id, sizeof(id));
	fd = open_by_handle_at(c->root_fd, &h.fh, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, full, sizeof(full) - 1);
	close(fd);
	if (n < 0)
		return -errno;
	full[n] = '\0';
	/* "/sys/fs/cgroup/unified" itself is "/"; what is below keeps its leading '/'. */
	if (strncmp(full, c->root, rlen) || (full[rlen] != '/' && full[rlen] != '\0'))
		return -EXDEV;	/* outside our cgroup namespace's view */
	snprintf(path, len, "%s", full[rlen] ? full + rlen : "/");
	return 0;
}

void owner_lookup(struct owner_cache *c, __u64 id, struct owner *o)
{
	struct owner_entry *e;

	memset(o, 0, sizeof(*o));
	if (!c->slots || c->root_fd < 0 || !id)
		return;
	e = &c->slots[id % OWNER_CACHE_SLOTS];
	if (e->id != id) {
		e->id = id;
		e->gone = cgroup_path_of(c, id, e->cgroup, sizeof(e->cgroup)) != 0;
		if (!e->gone) {
			unit_of_cgroup(e->cgroup, e->unit, sizeof(e->unit));
			container_of_cgroup(e->cgroup, e->container_id);
		}
	}
	if (e->gone)
		return;
	o->cgroup = e->cgroup;
	o->unit = e->unit[0] ? e->unit : NULL;
	o->container_id = e->container_id[0] ? e->container_id : NULL;
}

/* Does directory name @name match what --unit / --container ask for? */
static bool owner_matches(const char *name, const char *unit, const char *container)
{
	const char *c;

	if (unit)
		return strcmp(name, unit) == 0;
	c = container_in(name, strlen(name));
	return c && strncmp(c, container, strlen(container)) == 0;
}

/* Depth-first below @dir (a path relative to @root, "" for the root). */
static void find_below(const char *root, const char *dir, const char *unit, const char *container,
		       char found[2][OWNER_PATH_MAX], int *nfound, int depth)
{
	char path[OWNER_PATH_MAX * 2];
	struct dirent *d;
	DIR *dp;

	snprintf(path, sizeof(path), "%s%s", root, dir);
	dp = opendir(path);
	if (!dp)
		return;
	while ((d = readdir(dp)) != NULL) {
		char sub[OWNER_PATH_MAX];

		if (d->d_type != DT_DIR || d->d_name[0] == '.')
			continue;
		if ((size_t)snprintf(sub, sizeof(sub), "%s/%s", dir, d->d_name) >= sizeof(sub))
			continue;
		if (owner_matches(d->d_name, unit, container)) {
			if (*nfound < 2)
				strcpy(found[*nfound], sub);
			(*nfound)++;
		}
		/* cgroup trees are shallow; this bounds a pathological one */
		if (depth < 32)
			find_below(root, sub, unit, container, found, nfound, depth + 1);
	}
	closedir(dp);
}

int find_owner_cgroup(const char *root, const char *unit, const char *container, char *path,
		      size_t len)
{
	char found[2][OWNER_PATH_MAX];
	int n = 0;

	find_below(root, "", unit, container, found, &n, 0);
	if (n == 0)
		return -ENOENT;
	if (n > 1) {
		snprintf(path, len, "%s and %s", found[0], found[1]);
		return -EEXIST;
	}
	snprintf(path, len, "%s%s", root, found[0]);
	return 0;
}
