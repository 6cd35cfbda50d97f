// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Output: drain the ring (or perf) buffer, decode each record, format it
 * (format.c) and write it; count what could not be done and say so.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/perf_event.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "existing.h"
#include "holders.h"
#include "journal.h"
#include "output.h"

/* Longest a lone event waits below the wake-up mark before it is printed. */
#define POLL_TIMEOUT_MS		100
#define STATS_PERIOD_NS		1000000000ULL
/* struct printer's line buffer: written out when a longest line might not fit. */
#define LINES_BUF_SIZE		(1 << 16)

int printer_init(struct printer *printer, const struct config *cfg, const struct plan *plan)
{
	struct timespec mono, real;
	int err;

	memset(printer, 0, sizeof(*printer));
	printer->cfg = cfg;
	printer->owner_cache.root_fd = -1;
	clock_gettime(CLOCK_REALTIME, &real);
	clock_gettime(CLOCK_MONOTONIC, &mono);
	printer->realtime_offset_ns = (real.tv_sec - mono.tv_sec) * 1000000000LL +
				(real.tv_nsec - mono.tv_nsec);
	printer->owners = plan->fields.cgroup;
	printer->ringbuf = plan->ringbuf;
	printer->lines = malloc(LINES_BUF_SIZE);
	if (!printer->lines) {
		fprintf(stderr, "bindsnoop: %s\n", error_text(ENOMEM));
		return -ENOMEM;
	}
	err = printer->owners ? owner_cache_init(&printer->owner_cache) : 0;
	if (err)
		printer_free(printer);
	return err;
}

void printer_free(struct printer *printer)
{
	owner_cache_free(&printer->owner_cache);
	free(printer->lines);
	printer->lines = NULL;
}

/*
 * A write to stdout failed. Only EPIPE means the reader went away (| head);
 * anything else (ENOSPC, EIO, ...) loses output and is an error.
 */
void output_failed(struct printer *printer, int err)
{
	if (printer->output_closed || printer->write_errno)
		return;
	if (err == EPIPE)
		printer->output_closed = true;
	else
		printer->write_errno = err ? err : EIO;
}

bool output_done(const struct printer *printer)
{
	return printer->output_closed || printer->write_errno;
}

/* The formatted event lines, all of them (a short write is continued). */
static void write_lines(struct printer *printer)
{
	size_t done = 0;

	while (done < printer->lines_len && !output_done(printer)) {
		ssize_t w = write(STDOUT_FILENO, printer->lines + done, printer->lines_len - done);

		if (w > 0)
			done += (size_t)w;
		else if (w < 0 && errno != EINTR)
			output_failed(printer, errno);
		else if (w == 0)
			output_failed(printer, EIO);
	}
	printer->lines_len = 0;
}

void flush_output(struct printer *printer)
{
	if (printer->lines_len)
		write_lines(printer);
	if (fflush(stdout))
		output_failed(printer, errno);
}

void print_header(struct printer *printer)
{
	char line[LINE_MAX_LEN];

	format_header(line, sizeof(line), &printer->cfg->print);
	/* --holders' column, last */
	if (printer->cfg->holders)
		snprintf(line + strlen(line) - 1, sizeof(line) - strlen(line) + 1, " HOLDER\n");
	if (fputs(line, stdout) < 0)
		output_failed(printer, errno);
	flush_output(printer);
}

int print_event(struct printer *printer, const struct bind_event *e, const char *json_extra,
		const char *column)
{
	const struct config *cfg = printer->cfg;
	struct owner owner;
	char *line;
	int len;

	if (output_done(printer))
		return -EPIPE;
	if (!printer->have_first) {
		printer->first_ts_ns = e->ts_ns;
		printer->have_first = true;
	}
	if (printer->owners)
		owner_lookup(&printer->owner_cache, e->cgroup_id, &owner);
	if (cfg->journal)
		return journal_send_event(printer, e, &owner);
	/* Room for the longest line, else write out what is there first. */
	if (LINES_BUF_SIZE - printer->lines_len < LINE_MAX_LEN) {
		write_lines(printer);
		if (output_done(printer))
			return -EPIPE;
	}
	line = printer->lines + printer->lines_len;
	if (cfg->json)
		len = format_event_json(line, LINE_MAX_LEN, e, printer->realtime_offset_ns, event_ifname(e),
					&owner);
	else
		len = format_event(line, LINE_MAX_LEN, &cfg->print, e, printer->first_ts_ns,
				   event_ifname(e), printer->owners ? &owner : NULL);
	/* A line longer than LINE_MAX_LEN keeps what fit, as snprintf() cuts it. */
	if (len >= LINE_MAX_LEN)
		len = LINE_MAX_LEN - 1;
	/* More keys at the object's end, a column at the row's: its "}\n" or "\n" moves behind them. */
	if (cfg->json && json_extra && *json_extra && len >= 2 && line[len - 2] == '}') {
		int n = snprintf(line + len - 2, LINE_MAX_LEN - (len - 2), "%s}\n", json_extra);

		if (n > 0)
			len = len - 2 + n < LINE_MAX_LEN ? len - 2 + n : LINE_MAX_LEN - 1;
	} else if (!cfg->json && column && len >= 1 && line[len - 1] == '\n') {
		int n = snprintf(line + len - 1, LINE_MAX_LEN - (len - 1), " %s\n", column);

		if (n > 0)
			len = len - 1 + n < LINE_MAX_LEN ? len - 1 + n : LINE_MAX_LEN - 1;
	}
	if (len > 0)
		printer->lines_len += (size_t)len;
	return 0;
}

/*
 * --holders: a bind that failed with EADDRINUSE names who is in its way,
 * looked up now (existing.c); any other event says "-" in the column and
 * has no key.
 */
static int print_with_holders(struct printer *printer, const struct bind_event *e)
{
	char json[HOLDERS_MAX * 64 + 64], word[COMM_ESCAPED_LEN + 32];
	struct holders h;

	if (e->ret != -EADDRINUSE)
		return print_event(printer, e, NULL, "-");
	find_holders(printer->holders, e, &h);
	holders_json(json, sizeof(json), &h);
	holders_word(word, sizeof(word), &h);
	return print_event(printer, e, json, word);
}

static int print_record(struct printer *printer, const void *data, size_t size)
{
	struct bind_event e;

	if (output_done(printer))
		return -EPIPE;
	if (decode_event(data, size, &e))
		return 0;
	if (printer->holders)
		return print_with_holders(printer, &e);
	return print_event(printer, &e, NULL, NULL);
}

static int handle_ringbuf_event(void *ctx, void *data, size_t size)
{
	return print_record(ctx, data, size);
}

/* A PERF_RECORD_SAMPLE of bpf_perf_event_output(): the header, then the raw data. */
struct perf_sample_raw {
	struct perf_event_header header;
	__u32 size;
	char data[];
};

static enum bpf_perf_event_ret handle_perf_record(void *ctx, int cpu, struct perf_event_header *hdr)
{
	const struct perf_sample_raw *s = (const void *)hdr;

	(void)cpu;
	/*
	 * PERF_RECORD_LOST is not counted here: every failed
	 * bpf_perf_event_output() is already counted in "stats" on the BPF side,
	 * and the perf ring's LOST records describe the same drops.
	 */
	if (hdr->type == PERF_RECORD_SAMPLE && hdr->size >= sizeof(*s) &&
	    s->size <= hdr->size - sizeof(*s))
		print_record(ctx, s->data, s->size);
	return LIBBPF_PERF_EVENT_CONT;
}

/*
 * libbpf's perf_buffer__new() asks the kernel to wake the reader for every
 * event, which costs the traced task about as much as the event itself. The
 * raw variant takes our attributes: a wake-up once half of a CPU's buffer is
 * full, and the poll loop's timeout and consume pass pick up the rest.
 */
static struct perf_buffer *open_perf_buffer(int map_fd, void *ctx)
{
	struct perf_event_attr attr = {
		.size = sizeof(attr),
		.type = PERF_TYPE_SOFTWARE,
		.config = PERF_COUNT_SW_BPF_OUTPUT,
		.sample_type = PERF_SAMPLE_RAW,
		.sample_period = 1,
		.watermark = 1,
		.wakeup_watermark = PERFBUF_PAGES * (__u32)getpagesize() / 2,
	};

	return perf_buffer__new_raw(map_fd, PERFBUF_PAGES, &attr, handle_perf_record, ctx, NULL);
}

int open_event_reader(struct tracer *t, void *printer)
{
	bool ringbuf = ((struct printer *)printer)->ringbuf;
	int err, fd = bpf_map__fd(t->skel->maps.events);

	if (ringbuf)
		t->rb = ring_buffer__new(fd, handle_ringbuf_event, printer, NULL);
	else
		t->pb = open_perf_buffer(fd, printer);
	if (t->rb || t->pb)
		return 0;
	err = -errno;
	fprintf(stderr, "bindsnoop: opening the %s buffer: %s\n", ringbuf ? "ring" : "perf",
		error_text(-err));
	return err;
}

/* Sum of one per-CPU stats slot. */
static __u64 read_stat(struct bindsnoop_bpf *skel, enum bs_stat slot)
{
	int ncpus = libbpf_num_possible_cpus();
	__u64 sum = 0, *vals;
	__u32 key = slot;
	int i;

	if (ncpus <= 0)
		return 0;
	vals = calloc(ncpus, sizeof(*vals));
	if (!vals)
		return 0;
	if (!bpf_map_lookup_elem(bpf_map__fd(skel->maps.stats), &key, vals))
		for (i = 0; i < ncpus; i++)
			sum += vals[i];
	free(vals);
	return sum;
}

static void read_losses(struct bindsnoop_bpf *skel, struct losses *l)
{
	l->lost = read_stat(skel, BS_STAT_LOST);
	l->entry_full = read_stat(skel, BS_STAT_ENTRY_FULL);
	l->count_full = read_stat(skel, BS_STAT_COUNT_FULL);
	l->bindx_cut = read_stat(skel, BS_STAT_BINDX_CUT);
}

static void report_losses(const struct losses *now, struct losses *told, bool final)
{
	if (told->to_journal) {
		/* --journal has no --count: no count_full; a cut bindx is binds not traced. */
		journal_send_losses(now->lost - told->lost,
				    now->entry_full + now->bindx_cut - told->entry_full - told->bindx_cut,
				    false);
		if (final)
			journal_send_losses(now->lost, now->entry_full + now->bindx_cut, true);
		told->lost = now->lost;
		told->entry_full = now->entry_full;
		told->bindx_cut = now->bindx_cut;
		return;
	}
	if (now->lost > told->lost)
		fprintf(stderr, "bindsnoop: %llu events lost: buffer full, output too slow\n",
			(unsigned long long)(now->lost - told->lost));
	if (now->entry_full > told->entry_full)
		fprintf(stderr, "bindsnoop: %llu binds not traced: per-thread entry map full\n",
			(unsigned long long)(now->entry_full - told->entry_full));
	if (now->bindx_cut > told->bindx_cut)
		fprintf(stderr, "bindsnoop: %llu SCTP bindx calls of more than 8 addresses: the "
			"addresses past the 8th not traced\n",
			(unsigned long long)(now->bindx_cut - told->bindx_cut));
	if (now->count_full > told->count_full)
		fprintf(stderr, "bindsnoop: %llu binds not counted: --count table full\n",
			(unsigned long long)(now->count_full - told->count_full));
	/* The counts only: where they are told (to_journal) is @told's own. */
	told->lost = now->lost;
	told->entry_full = now->entry_full;
	told->count_full = now->count_full;
	told->bindx_cut = now->bindx_cut;
	/* A cut bindx is at least one bind not traced: the total counts it as one. */
	if (final && (now->lost || now->entry_full || now->count_full || now->bindx_cut))
		fprintf(stderr, "bindsnoop: in total %llu events lost, %llu binds not traced, "
			"%llu binds not counted\n", (unsigned long long)now->lost,
			(unsigned long long)(now->entry_full + now->bindx_cut),
			(unsigned long long)now->count_full);
}

__u64 monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

__u64 deadline_after(__u64 ns)
{
	return ns ? monotonic_ns() + ns : 0;
}

bool past_deadline(__u64 deadline)
{
	return deadline && monotonic_ns() >= deadline;
}

/* @max_ms, or less when the deadline (-d) comes sooner: -d ends on time, not a poll round late. */
int wait_ms_until(__u64 deadline, int max_ms)
{
	__u64 now = monotonic_ns(), left_ms;

	if (!deadline)
		return max_ms;
	if (now >= deadline)
		return 0;
	left_ms = (deadline - now + 999999) / 1000000;
	return left_ms < (__u64)max_ms ? (int)left_ms : max_ms;
}

void report_new_losses(struct tracer *t, struct losses *told)
{
	struct losses now;

	read_losses(t->skel, &now);
	report_losses(&now, told, false);
}

int finish_output(struct tracer *t, struct printer *printer, struct losses *told, int err)
{
	struct losses now;

	flush_output(printer);
	/*
	 * The trace is over: the output ends now, so that a reader sees its
	 * end when the trace stops (-d, a signal) rather than once the kernel
	 * has detached the programs (up to a second for kprobes under load).
	 */
	if (fclose(stdout))
		output_failed(printer, errno);
	if (printer->write_errno) {
		fprintf(stderr, "bindsnoop: writing output: %s\n", error_text(printer->write_errno));
		err = -printer->write_errno;
	}
	read_losses(t->skel, &now);
	report_losses(&now, told, true);
	/* A reader that went away (| head) is a normal end, not an error. */
	return printer->output_closed ? 0 : err;
}

int stream_events(struct tracer *t, struct printer *printer)
{
	struct ring_buffer *rb = t->rb;
	struct perf_buffer *pb = t->pb;
	struct losses told = { .to_journal = printer->cfg->journal };
	__u64 next_stats = monotonic_ns() + STATS_PERIOD_NS;
	__u64 deadline = deadline_after(printer->cfg->duration_ns);
	int err = 0;

	while (!stop_requested && !output_done(printer) && !past_deadline(deadline)) {
		int timeout = wait_ms_until(deadline, POLL_TIMEOUT_MS);

		err = rb ? ring_buffer__poll(rb, timeout) : perf_buffer__poll(pb, timeout);
		/* Events below the wake-up mark wait in the buffer: fetch them every round. */
		if (err >= 0)
			err = rb ? ring_buffer__consume(rb) : perf_buffer__consume(pb);
		/* poll/consume return how many events they handled: that is no error. */
		if (err >= 0 || err == -EINTR || err == -EPIPE)
			err = 0;
		if (err < 0) {
			fprintf(stderr, "bindsnoop: reading events: %s\n", error_text(-err));
			break;
		}
		flush_output(printer);
		if (monotonic_ns() >= next_stats) {
			report_new_losses(t, &told);
			next_stats = monotonic_ns() + STATS_PERIOD_NS;
		}
	}
	/* What arrived before the signal is still printed. */
	if (!output_done(printer)) {
		if (rb)
			ring_buffer__consume(rb);
		else
			perf_buffer__consume(pb);
	}
	return finish_output(t, printer, &told, err);
}
