/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * The last stages: buffer -> decode -> format -> stdout, until a signal,
 * -d, a closed pipe or a failed write; and the losses the kernel side
 * counted, reported as they grow. count.c is the same for --count.
 */
#ifndef OUTPUT_H
#define OUTPUT_H

#include <signal.h>
#include "backends.h"
#include "owner.h"

struct lister;

/* Set by the signal handler (bindsnoop.c): the only mutable global. */
extern volatile sig_atomic_t stop_requested;

/* The printing end of the data path. */
struct printer {
	const struct config *cfg;
	__u64 first_ts_ns;
	bool have_first;
	bool output_closed;	/* EPIPE: the reader went away, a normal end */
	int write_errno;	/* any other failed write: an error, exit 1 */
	__s64 realtime_offset_ns; /* CLOCK_REALTIME - CLOCK_MONOTONIC, for JSON */
	bool owners;		/* JSON, --owner: cgroup ids become owners */
	bool ringbuf;		/* the plan's buffer: the ring buffer, else the perf buffer */
	struct owner_cache owner_cache;
	struct lister *holders;	/* --holders: the iterators that find them (existing.c), else NULL */
	/*
	 * Event lines are formatted straight into this buffer and written
	 * with write(2), not copied through stdio (a copy and a locked call
	 * per line). Headers and --count tables use stdout; flush_output()
	 * writes this first, so the order holds.
	 */
	char *lines;
	size_t lines_len;
};

/* -errno when the owner cache cannot be allocated. */
int printer_init(struct printer *printer, const struct config *cfg, const struct plan *plan);
void printer_free(struct printer *printer);

/* The table's header line (not for -j or --count). */
void print_header(struct printer *printer);

/*
 * One event, formatted as the configuration says, into the printer's
 * lines (flush_output() writes them). @json_extra: more keys for the end
 * of a JSON object (",\"state\":\"LISTEN\""), or NULL; @column: one more
 * column at the end of a table row (--holders' HOLDER), or NULL. -EPIPE
 * once the output is closed.
 */
int print_event(struct printer *printer, const struct bind_event *e, const char *json_extra,
		const char *column);

/*
 * For tracer_start(): the reader of the buffer the plan chose, feeding
 * @printer (the struct printer the events go to).
 */
int open_event_reader(struct tracer *t, void *printer);
/* Read the reader tracer_start() opened until told to stop; print each event. */
int stream_events(struct tracer *t, struct printer *printer);

/* Shared with count.c. */
void output_failed(struct printer *printer, int err);
bool output_done(const struct printer *printer);
void flush_output(struct printer *printer);

__u64 monotonic_ns(void);
/* 0 for none: -d not given */
__u64 deadline_after(__u64 ns);
bool past_deadline(__u64 deadline);
int wait_ms_until(__u64 deadline, int max_ms);

/* Losses the kernel side counted, as told so far; reported as they grow and totalled at exit. */
struct losses {
	__u64 lost, entry_full, count_full;
	__u64 bindx_cut;	/* bindx calls of more addresses than reported (bindx.bpf.h) */
	bool to_journal;	/* --journal: reported as journal entries, not on stderr */
};

void report_new_losses(struct tracer *t, struct losses *told);
/* The end of a run: a write error (then -errno, else @err), and the losses in total. */
int finish_output(struct tracer *t, struct printer *printer, struct losses *told, int err);

#endif /* OUTPUT_H */
