// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * --count: the programs count binds per address and port into one of two
 * preallocated tables (bindsnoop.bpf.c): hash maps, or in the typed build
 * arrays of slots; this end takes a table, prints it with format.c's rows,
 * and with -i empties it for the next swap.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "count.h"

/* How often the losses are looked at while counting. */
#define COUNT_POLL_US		100000
/* Slots of the typed build's table read (and emptied) per system call: 32 KB. */
#define COUNT_BATCH		1024

/* The --count table the programs count into while slot 0 of "counts" holds it. */
static struct bpf_map *count_table_map(struct bindsnoop_bpf *skel, int which)
{
	return which ? skel->maps.counts_b : skel->maps.counts_a;
}

/*
 * Take the table the programs have been counting into. With -i, the empty
 * spare goes into the slot first: the kernel returns from that update only
 * once no program still holds the old table, so it is complete and stays
 * still while we read it. Without -i (one table at exit) it is read live.
 */
static int take_count_table(struct tracer *t, bool swap, int *fdp)
{
	int old = t->count_live;

	if (swap) {
		int spare_fd = bpf_map__fd(count_table_map(t->skel, !old));
		__u32 zero = 0;

		if (bpf_map_update_elem(bpf_map__fd(t->skel->maps.counts), &zero, &spare_fd, BPF_ANY))
			return -errno;
		t->count_live = !old;
	}
	*fdp = bpf_map__fd(count_table_map(t->skel, old));
	return 0;
}

/*
 * Read every entry of the table @fd (at most @max); with @empty, delete them
 * afterwards, so the table is the next spare. Nothing writes to a table that
 * was swapped out, so reading and deleting cannot miss a bind.
 */
static int read_count_table(int fd, __u32 max, bool empty, struct count_row **rowsp, size_t *np)
{
	struct count_row *rows = calloc(max ? max : 1, sizeof(*rows));
	struct count_key *prev_key = NULL;
	size_t n = 0, i;
	int err = 0;

	if (!rows)
		return -ENOMEM;
	while (n < max && bpf_map_get_next_key(fd, prev_key, &rows[n].key) == 0) {
		prev_key = &rows[n].key;
		if (bpf_map_lookup_elem(fd, &rows[n].key, &rows[n].binds) == 0)
			n++;
	}
	for (i = 0; empty && i < n && !err; i++)
		if (bpf_map_delete_elem(fd, &rows[i].key))
			err = -errno;
	if (err) {
		free(rows);
		return err;
	}
	sort_count_rows(rows, n);
	*rowsp = rows;
	*np = n;
	return 0;
}

/*
 * The typed build's table @fd of @nslots slots, COUNT_BATCH at a time;
 * with @empty, each batch that held a key is zeroed after it is read.
 */
static int read_count_slots(int fd, __u32 nslots, bool empty, struct count_row **rowsp,
			    size_t *np)
{
	static const struct count_slot zeros[COUNT_BATCH];
	struct count_slot *slots = calloc(COUNT_BATCH, sizeof(*slots));
	__u32 *index = calloc(COUNT_BATCH, sizeof(*index));
	struct count_row *rows = calloc(nslots, sizeof(*rows));
	__u32 from = 0, next = 0, got, i;
	size_t n = 0;
	bool first = true, last = false;
	int err = 0;

	if (!slots || !index || !rows)
		err = -ENOMEM;
	while (!err && !last) {
		got = COUNT_BATCH;
		/* @from: the last slot read so far (the kernel goes on after it) */
		err = bpf_map_lookup_batch(fd, first ? NULL : &from, &next, index, slots, &got,
					   NULL);
		if (err == -ENOENT) {	/* the end of the table: @got may still be > 0 */
			last = true;
			err = 0;
		}
		if (err)
			break;
		if (got > nslots - n)	/* cannot happen: the table has @nslots slots */
			got = (__u32)(nslots - n);
		n += count_rows_from_slots(slots, got, rows + n);
		for (i = 0; empty && i < got; i++)
			if (slots[i].state != COUNT_SLOT_EMPTY) {
				__u32 all = got;

				err = bpf_map_update_batch(fd, index, zeros, &all, NULL);
				break;
			}
		from = next;
		first = false;
	}
	free(slots);
	free(index);
	if (err) {
		free(rows);
		return err;
	}
	n = merge_count_rows(rows, n);
	sort_count_rows(rows, n);
	*rowsp = rows;
	*np = n;
	return 0;
}

static int print_count_table(struct tracer *t, struct printer *printer, bool interval)
{
	char line[LINE_MAX_LEN];
	struct count_row *rows;
	size_t n, i;
	int fd = -1, err;

	err = take_count_table(t, interval, &fd);
	/* The typed build's tables are arrays of slots, the other's hash maps. */
	if (!err)
		err = (t->build == BUILD_TYPED ? read_count_slots : read_count_table)(
			fd, bpf_map__max_entries(count_table_map(t->skel, 0)), interval, &rows, &n);
	if (err) {
		fprintf(stderr, "bindsnoop: reading the --count table: %s\n", error_text(-err));
		return err;
	}
	if (printer->cfg->json) {
		struct timespec now;

		clock_gettime(CLOCK_REALTIME, &now);
		format_iso8601(now.tv_sec * 1000000000LL + now.tv_nsec, line, sizeof(line));
		if (printf("{\"time\":\"%s\",\"counts\":[", line) < 0)
			output_failed(printer, errno);
		for (i = 0; i < n && !output_done(printer); i++) {
			format_count_row_json(line, sizeof(line), &rows[i]);
			if (printf("%s%s", i ? "," : "", line) < 0)
				output_failed(printer, errno);
		}
		if (fputs("]}\n", stdout) < 0)
			output_failed(printer, errno);
	} else {
		format_count_header(line, sizeof(line));
		if (fputs(line, stdout) < 0)
			output_failed(printer, errno);
		for (i = 0; i < n && !output_done(printer); i++) {
			format_count_row(line, sizeof(line), &rows[i]);
			if (fputs(line, stdout) < 0)
				output_failed(printer, errno);
		}
	}
	free(rows);
	flush_output(printer);
	return 0;
}

int count_binds(struct tracer *t, struct printer *printer)
{
	const struct config *cfg = printer->cfg;
	__u64 deadline = deadline_after(cfg->duration_ns);
	__u64 next_table = deadline_after(cfg->interval_ns);
	struct losses told = {};
	int err = 0;

	while (!stop_requested && !past_deadline(deadline)) {
		usleep(1000 * (useconds_t)wait_ms_until(deadline, COUNT_POLL_US / 1000));
		report_new_losses(t, &told);
		if (next_table && monotonic_ns() >= next_table) {
			err = print_count_table(t, printer, true);
			if (err || output_done(printer))
				return finish_output(t, printer, &told, err);
			next_table += cfg->interval_ns;
		}
	}
	err = print_count_table(t, printer, cfg->interval_ns != 0);
	return finish_output(t, printer, &told, err);
}
