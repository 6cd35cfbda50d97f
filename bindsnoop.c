// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * bindsnoop: trace bind() on IPv4 and IPv6 sockets.
 *
 * main() is the data path's user-space half, in the order it runs:
 *   options.c       command line -> one configuration (read-only)
 *                   (test_hooks.c: the test suites' environment variables)
 *   kernel_facts.c  what this kernel offers (its BTF, a few probes)
 *   plan.c          configuration + facts -> backends, buffer, fields, map sizes
 *   backends.c      load and attach the first backend the kernel takes
 *   existing.c      --existing: the sockets bound before the trace, listed once
 *   output.c        ring/perf buffer -> format.c's lines -> stdout
 *   count.c         or, for --count, the in-kernel tables
 */
#include <errno.h>
#include <malloc.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "count.h"
#include "existing.h"
#include "journal.h"
#include "output.h"

#define EX_USAGE		64

volatile sig_atomic_t stop_requested;

static void request_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static int install_signal_handlers(void)
{
	/*
	 * SA_RESTART: a write() to a slow reader resumes after the signal rather
	 * than failing half-done (events would vanish uncounted); epoll_wait()
	 * is never restarted, so the poll loop still sees the signal at once.
	 */
	struct sigaction sa = { .sa_handler = request_stop, .sa_flags = SA_RESTART };

	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, &sa, NULL) || sigaction(SIGTERM, &sa, NULL) ||
	    sigaction(SIGHUP, &sa, NULL))
		return -errno;
	/* A closed pipe shows up as EPIPE on write, and we leave quietly. */
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

/* libbpf's warnings with -v; without it, nothing (our own lines say what failed). */
static int libbpf_print_verbose(enum libbpf_print_level level, const char *format, va_list args)
{
	if (level == LIBBPF_DEBUG)
		return 0;
	return vfprintf(stderr, format, args);
}

static int libbpf_print_quiet(enum libbpf_print_level level, const char *format, va_list args)
{
	(void)level;
	(void)format;
	(void)args;
	return 0;
}

int main(int argc, char **argv)
{
	static char stdout_buf[1 << 16];
	struct filter_maps filters = FILTER_MAPS_INIT;
	struct lister lister = {};
	struct tracer tracer = {};
	struct kernel_facts facts;
	struct test_hooks hooks;
	struct printer printer;
	struct config cfg;
	struct plan plan;
	bool have_printer = false;
	char msg[512];
	int err = 1;

	if (parse_options(argc, argv, &cfg, msg, sizeof(msg)) ||
	    read_test_hooks(&hooks, msg, sizeof(msg))) {
		fprintf(stderr, "bindsnoop: %s\n", msg);
		return EX_USAGE;
	}
	libbpf_set_print(cfg.verbose ? libbpf_print_verbose : libbpf_print_quiet);
	if (!have_bpf_privileges()) {
		fprintf(stderr, "bindsnoop: need root, or CAP_BPF and CAP_PERFMON (plus "
			"CAP_DAC_READ_SEARCH for the tracepoint backend; CAP_SYS_ADMIN before 5.8)\n");
		return 1;
	}
	if (journal_check(&cfg) || open_filter_maps(&cfg, &filters))
		goto cleanup;
	if (read_kernel_facts(&cfg, &facts, msg, sizeof(msg))) {
		fprintf(stderr, "bindsnoop: %s\n", msg);
		goto cleanup;
	}
	test_hooks_apply_to_facts(&hooks, &facts);
	make_plan(&cfg, &facts, &hooks, filters.runtime_alloc_map, (__u32)getpagesize(), &plan);

	if (install_signal_handlers() || printer_init(&printer, &cfg, &plan))
		goto cleanup;
	have_printer = true;
	/*
	 * --existing's and --holders' iterators are loaded (not yet run)
	 * before the backend: a kernel that refuses them says so before the
	 * banner, and libbpf's two parses of the kernel's BTF, one an object,
	 * are not both in memory beside the ring buffer (peak RSS).
	 */
	if ((cfg.existing || cfg.holders) && lister_open(&lister, &cfg, &filters))
		goto cleanup;
	if (cfg.holders)
		printer.holders = &lister;
	malloc_trim(0);
	/*
	 * The events' reader is opened before the programs are attached: a
	 * bind made once the banner is out is never one the perf buffer had
	 * no place for yet (see open_reader_fn).
	 */
	if (tracer_start(&tracer, &cfg, &facts, &plan, &filters,
			 cfg.count ? NULL : open_event_reader, &printer))
		goto cleanup;
	/* libbpf's parse of the kernel's BTF is freed; return the heap it grew. */
	malloc_trim(0);

	setvbuf(stdout, stdout_buf, _IOFBF, sizeof(stdout_buf));
	/* READY=1 for systemd (Type=notify): the programs are attached and read. */
	if (!announce_tracing(&cfg, backend_names[tracer.backend]))
		fprintf(stderr, "Tracing binds ... Hit Ctrl-C to end\n");
	if (cfg.count) {
		err = count_binds(&tracer, &printer);
	} else {
		if (!cfg.json && !cfg.journal)
			print_header(&printer);
		/*
		 * The sockets bound before the trace, listed once the live
		 * programs are attached: a bind racing the listing is already
		 * in the buffer, so it is printed at least once (twice when the
		 * listing saw it too).
		 */
		err = cfg.existing ? list_existing(&lister, &cfg, &printer) : 0;
		/* A failed header write ends it there, with the same report as any other. */
		if (!err)
			err = stream_events(&tracer, &printer);
		if (cfg.holders && cfg.verbose)
			report_holders(&lister);
	}
cleanup:
	tracer_destroy(&tracer);
	lister_close(&lister);
	if (have_printer)
		printer_free(&printer);
	close_filter_maps(&filters);
	return err ? 1 : 0;
}
