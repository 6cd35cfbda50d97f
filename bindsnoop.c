// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * bindsnoop: trace bind() on IPv4 and IPv6 sockets.
 *
 * User-space half of the data path: parse the command line, pick a backend
 * that loads on this kernel (fexit, kprobe, syscall tracepoints), attach,
 * then drain the ring (or perf) buffer into format.c's lines until stopped.
 */
#include <argp.h>
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/vfs.h>
#include <linux/magic.h>
#include <net/if.h>
#include <linux/perf_event.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "bindsnoop.h"
#include "bindsnoop.skel.h"
#include "format.h"
#include "trace_helpers.h"

#ifndef BINDSNOOP_VERSION
#define BINDSNOOP_VERSION "unknown"
#endif

#define EX_USAGE		64
#define RINGBUF_BYTES		(4u << 20)
/* Wake the reader once a quarter of the ring waits: few wake-ups, room to spare. */
#define RINGBUF_WAKEUP_BYTES	(RINGBUF_BYTES / 4)
/* Per CPU; the reader is woken once half of a CPU's buffer waits (as for the ring). */
#define PERFBUF_PAGES		64
/* Longest a lone event waits below the wake-up mark before it is printed. */
#define POLL_TIMEOUT_MS		100
#define STATS_PERIOD_NS		1000000000ULL
#define MAX_LINKS		8

enum backend {
	BACKEND_AUTO,
	BACKEND_FENTRY,
	BACKEND_KPROBE,
	BACKEND_TRACEPOINT,
	BACKEND_MAX,
};

static const char *const backend_names[BACKEND_MAX] = {
	[BACKEND_AUTO] = "auto",
	[BACKEND_FENTRY] = "fentry",
	[BACKEND_KPROBE] = "kprobe",
	[BACKEND_TRACEPOINT] = "tracepoint",
};

static struct env {
	pid_t pid;
	bool filter_uid;
	uid_t uid;
	bool filter_ports;
	__u8 ports[PORT_BITMAP_BYTES];
	const char *cgroupmap_path;
	const char *mntnsmap_path;
	const char *cgroup_path;
	const char *btf_path;
	int cgroupmap_fd;
	int mntnsmap_fd;
	/* the --cgroupmap/--mntnsmap option whose map allocates at run time, or NULL */
	const char *runtime_alloc_map;
	int cgroup_fd;
	struct print_opts print;
	bool json;
	bool count;
	__u64 interval_ns;	/* --count: print and reset every N ns */
	__u64 duration_ns;	/* stop after N ns */
	bool verbose;
	bool force_perfbuf;	/* BINDSNOOP_FORCE_PERFBUF=1: for tests */
	/* BINDSNOOP_TEST_FAIL_ATTACH=BACKEND:N, for tests: fail after N attached programs. */
	enum backend fail_backend;
	int fail_after;
	__u32 test_entries;		/* BINDSNOOP_TEST_ENTRIES: entry map size */
	__u32 test_count_entries;	/* BINDSNOOP_TEST_COUNT_ENTRIES: --count table size */
	bool test_tp_pair;		/* BINDSNOOP_TEST_TP_PAIR: the pre-5.15 tracepoint pair */
	enum backend backend;
} env = {
	.cgroupmap_fd = -1,
	.mntnsmap_fd = -1,
	.cgroup_fd = -1,
};

static volatile sig_atomic_t exiting;

const char *argp_program_version = "bindsnoop " BINDSNOOP_VERSION;
const char *argp_program_bug_address = "the project's issue tracker";

static const char doc[] =
"Trace bind() on IPv4 and IPv6 sockets: who bound what, with which options.\n"
"\n"
"USAGE: bindsnoop [-h] [-t] [-w] [-U] [-E] [-j] [-p PID] [-u UID] [-P PORTS]\n"
"                 [--count [-i SECONDS]] [-d SECONDS] [--cgroupmap PATH]\n"
"                 [--mntnsmap PATH] [-c CGROUP]\n"
"                 [--backend auto|fentry|kprobe|tracepoint] [--btf PATH] [-v]\n"
"\n"
"EXAMPLES:\n"
"    bindsnoop             # trace every successful IPv4/IPv6 bind()\n"
"    bindsnoop -t -U       # with a timestamp and the UID\n"
"    bindsnoop -E          # failed binds too, with the errno name in RC\n"
"    bindsnoop -p 181      # only PID 181\n"
"    bindsnoop -P 80,8000-8100  # only these ports\n"
"    bindsnoop --count     # count binds per address and port, print at exit\n"
"    bindsnoop --count -i 5  # ... and every 5 seconds, then start again\n"
"    bindsnoop -j | jq .   # one JSON object per bind\n"
"    bindsnoop -d 10       # trace for 10 seconds\n"
"    bindsnoop --cgroupmap /sys/fs/bpf/set  # cgroups whose ids are in the map\n"
"    bindsnoop -c /sys/fs/cgroup/unified/app  # tasks under this cgroup v2\n"
"\n"
"OPTS column: F IP_FREEBIND, T IP_TRANSPARENT, N IP_BIND_ADDRESS_NO_PORT,\n"
"             R SO_REUSEADDR, r SO_REUSEPORT; '.' when not set.\n"
"IF column: the interface index of SO_BINDTODEVICE, 0 when unbound.\n"
"\n"
"OPTIONS:";

enum {
	OPT_COUNT = 0x100,
	OPT_CGROUPMAP,
	OPT_MNTNSMAP,
	OPT_BACKEND,
	OPT_BTF,
	OPT_USAGE,
};

static const struct argp_option options[] = {
	{ "timestamp", 't', NULL, 0, "Include a TIME(s) column: seconds since the first event", 0 },
	{ "wide", 'w', NULL, 0, "Wide columns, room for IPv6 addresses, and IFNAME", 0 },
	{ "json", 'j', NULL, 0, "One JSON object per line per bind (or per --count table)", 0 },
	{ "print-uid", 'U', NULL, 0, "Include a UID column", 0 },
	{ "errors", 'E', NULL, 0, "Show failed binds too, with an RC column (errno name)", 0 },
	{ "failed", 'x', NULL, 0, "Same as --errors (libbpf-tools' name)", 0 },
	{ "pid", 'p', "PID", 0, "Trace this process only", 0 },
	{ "uid", 'u', "UID", 0, "Trace this user only", 0 },
	{ "port", 'P', "PORTS", 0, "Trace these ports only: a list such as 80,443,8000-8100", 0 },
	{ "count", OPT_COUNT, NULL, 0, "Count binds per address and port in the kernel; print at exit", 0 },
	{ "interval", 'i', "SECONDS", 0, "With --count: print and reset the table every SECONDS", 0 },
	{ "duration", 'd', "SECONDS", 0, "Stop by itself after SECONDS", 0 },
	{ "cgroupmap", OPT_CGROUPMAP, "PATH", 0, "Trace cgroups whose v2 ids are keys of this pinned BPF hash map", 0 },
	{ "mntnsmap", OPT_MNTNSMAP, "PATH", 0, "Trace mount namespaces whose ids are keys of this pinned BPF hash map", 0 },
	{ "cgroup", 'c', "PATH", 0, "Trace tasks under this cgroup v2 directory only", 0 },
	{ "backend", OPT_BACKEND, "NAME", 0, "auto (default), fentry, kprobe or tracepoint", 0 },
	{ "btf", OPT_BTF, "PATH", 0, "Kernel BTF file, for kernels without /sys/kernel/btf/vmlinux", 0 },
	{ "verbose", 'v', NULL, 0, "Say which backend was chosen and why; libbpf's messages", 0 },
	{ "help", 'h', NULL, 0, "Show this help", -1 },
	{ NULL, '?', NULL, OPTION_ALIAS | OPTION_HIDDEN, NULL, -1 },
	{ "usage", OPT_USAGE, NULL, 0, "Show a short usage message", -1 },
	{ "version", 'V', NULL, 0, "Show the version", -1 },
	{},
};

/* Usage errors: one line naming the option and the cause, exit 64, nothing loaded. */
static error_t usage_error(const char *opt, const char *arg, const char *why)
{
	fprintf(stderr, "bindsnoop: %s %s: %s\n", opt, arg, why);
	exit(EX_USAGE);
}

static unsigned long parse_id_arg(const char *opt, const char *arg, unsigned long max)
{
	unsigned long val;
	int err = parse_ulong(arg, 0, max, &val);

	if (err == -ERANGE)
		usage_error(opt, arg, "out of range");
	if (err)
		usage_error(opt, arg, "not a decimal number");
	return val;
}

/* -d and -i: seconds, fractions allowed (as timeout(1) takes them), 1 ms to a year. */
static __u64 parse_seconds_arg(const char *opt, const char *arg)
{
	__u64 ns;
	int err = parse_seconds(arg, 1000000ULL, 86400ULL * 365 * 1000000000ULL, &ns);

	if (err == -ERANGE)
		usage_error(opt, arg, "out of range (0.001 to 31536000 seconds)");
	if (err)
		usage_error(opt, arg, "not a number of seconds (such as 2 or 0.5)");
	return ns;
}

/*
 * getopt's own messages come with a second "Try --help" line; argp runs
 * with ARGP_NO_ERRS and we name the bad word ourselves, on one line.
 */
static void bad_option(const char *word)
{
	const struct argp_option *opt;
	size_t len;

	if (strncmp(word, "--", 2) == 0) {
		const char *name = word + 2, *eq = strchr(name, '=');
		const struct argp_option *match = NULL;
		int nmatch = 0;

		len = eq ? (size_t)(eq - name) : strlen(name);
		for (opt = options; opt->name || opt->key; opt++) {
			if (!opt->name || strncmp(opt->name, name, len))
				continue;
			match = opt;
			nmatch++;
			if (strlen(opt->name) == len) {
				nmatch = 1;
				break;
			}
		}
		if (nmatch > 1)
			usage_error("option", word, "ambiguous");
		if (!match)
			usage_error("option", word, "unrecognized");
		if (match->arg && !eq)
			usage_error("option", word, "needs an argument");
		usage_error("option", word, "takes no argument");
	}
	for (len = 1; word[0] == '-' && word[len]; len++) {
		for (opt = options; opt->name || opt->key; opt++)
			if (opt->key == word[len])
				break;
		if (!opt->name && !opt->key) {
			char c[3] = { '-', word[len], '\0' };

			usage_error("option", c, "unrecognized");
		}
		if (opt->arg) {
			if (word[len + 1])
				break;
			usage_error("option", word, "needs an argument");
		}
	}
	usage_error("option", word, "not understood");
}

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	const char *why;

	switch (key) {
	case 't':
		env.print.timestamp = true;
		break;
	case 'w':
		env.print.wide = true;
		break;
	case 'U':
		env.print.print_uid = true;
		break;
	case 'E':
	case 'x':
		env.print.errors = true;
		break;
	case 'p':
		/* PID_MAX_LIMIT is 4194304 (2^22). */
		env.pid = parse_id_arg("-p", arg, 4194304);
		if (env.pid == 0)
			usage_error("-p", arg, "PID 0 is not a process");
		break;
	case 'u':
		/* (uid_t)-1 means "no user" to the kernel. */
		env.uid = parse_id_arg("-u", arg, 0xfffffffeUL);
		env.filter_uid = true;
		break;
	case 'P':
		if (parse_port_list(arg, env.ports, &why))
			usage_error("-P", arg, why);
		env.filter_ports = true;
		break;
	case OPT_COUNT:
		env.count = true;
		break;
	case 'j':
		env.json = true;
		break;
	case 'i':
		env.interval_ns = parse_seconds_arg("-i", arg);
		break;
	case 'd':
		env.duration_ns = parse_seconds_arg("-d", arg);
		break;
	case ARGP_KEY_END:
		if (env.interval_ns && !env.count)
			usage_error("option", "-i", "needs --count");
		if (env.json && (env.print.wide || env.print.timestamp || env.print.print_uid))
			usage_error("option", "-j", "cannot be combined with -w, -t or -U (JSON has every field)");
		break;
	case OPT_CGROUPMAP:
		env.cgroupmap_path = arg;
		break;
	case OPT_MNTNSMAP:
		env.mntnsmap_path = arg;
		break;
	case 'c':
		env.cgroup_path = arg;
		break;
	case OPT_BACKEND: {
		enum backend b;

		for (b = 0; b < BACKEND_MAX; b++)
			if (strcmp(arg, backend_names[b]) == 0)
				break;
		if (b == BACKEND_MAX)
			usage_error("--backend", arg, "unknown backend (auto, fentry, kprobe, tracepoint)");
		env.backend = b;
		break;
	}
	case OPT_BTF:
		env.btf_path = arg;
		break;
	case 'v':
		env.verbose = true;
		break;
	case 'h':
	case '?':
		argp_help(state->root_argp, stdout, ARGP_HELP_STD_HELP, "bindsnoop");
		exit(0);
	case OPT_USAGE:
		argp_help(state->root_argp, stdout, ARGP_HELP_USAGE, "bindsnoop");
		exit(0);
	case 'V':
		printf("%s\n", argp_program_version);
		exit(0);
	case ARGP_KEY_ERROR:
		bad_option(state->argv[state->next > 1 ? state->next - 1 : 1]);
		break;
	case ARGP_KEY_ARG:
		usage_error("argument", arg, "unexpected (this tool takes options only)");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

/*
 * The test hooks (environment variables the suites set; README lists them),
 * read once and checked like options: a bad value is a usage error.
 */
static __u32 parse_test_size(const char *name)
{
	const char *val = getenv(name);
	unsigned long n;

	if (!val)
		return 0;
	if (parse_ulong(val, 1, 1u << 24, &n))
		usage_error(name, val, "not a map size (1-16777216)");
	return (__u32)n;
}

/* BINDSNOOP_TEST_FAIL_ATTACH=fentry:2: make that backend fail after 2 attached programs. */
static void parse_fail_attach(const char *spec)
{
	const char *colon = spec ? strchr(spec, ':') : NULL;
	unsigned long n;
	enum backend b;

	env.fail_backend = BACKEND_MAX;
	if (!spec)
		return;
	if (!colon || parse_ulong(colon + 1, 0, MAX_LINKS, &n))
		usage_error("BINDSNOOP_TEST_FAIL_ATTACH", spec, "not BACKEND:N (N = 0-8)");
	for (b = BACKEND_FENTRY; b < BACKEND_MAX; b++)
		if (strncmp(spec, backend_names[b], colon - spec) == 0 &&
		    strlen(backend_names[b]) == (size_t)(colon - spec))
			env.fail_backend = b;
	if (env.fail_backend == BACKEND_MAX)
		usage_error("BINDSNOOP_TEST_FAIL_ATTACH", spec, "unknown backend");
	env.fail_after = (int)n;
}

static void read_test_hooks(void)
{
	const char *force = getenv("BINDSNOOP_FORCE_PERFBUF");

	env.force_perfbuf = force && strcmp(force, "0") != 0;
	env.test_tp_pair = getenv("BINDSNOOP_TEST_TP_PAIR") != NULL;
	env.test_entries = parse_test_size("BINDSNOOP_TEST_ENTRIES");
	env.test_count_entries = parse_test_size("BINDSNOOP_TEST_COUNT_ENTRIES");
	parse_fail_attach(getenv("BINDSNOOP_TEST_FAIL_ATTACH"));
}

static int libbpf_print_fn(enum libbpf_print_level level, const char *format, va_list args)
{
	if (level == LIBBPF_DEBUG || !env.verbose)
		return 0;
	return vfprintf(stderr, format, args);
}

static void sig_handler(int sig)
{
	(void)sig;
	exiting = 1;
}

static int install_signal_handlers(void)
{
	/*
	 * SA_RESTART: a write() to a slow reader resumes after the signal rather
	 * than failing half-done (events would vanish uncounted); epoll_wait()
	 * is never restarted, so the poll loop still sees the signal at once.
	 */
	struct sigaction sa = { .sa_handler = sig_handler, .sa_flags = SA_RESTART };

	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, &sa, NULL) || sigaction(SIGTERM, &sa, NULL) ||
	    sigaction(SIGHUP, &sa, NULL))
		return -errno;
	/* A closed pipe shows up as EPIPE on write, and we leave quietly. */
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

static const char *errno_str(int err)
{
	const char *name = errno_name(err);

	return name ? name : "?";
}

/*
 * --cgroupmap/--mntnsmap: a pinned hash map with u64 keys, checked before
 * anything loads. One made with BPF_F_NO_PREALLOC is noted: kprobe and
 * tracepoint programs must not use it on kernels that WARN about it.
 */
static int open_filter_map(const char *opt, const char *path, int *fdp)
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
		env.runtime_alloc_map = opt;
	*fdp = fd;
	return 0;
}

static int open_cgroup_dir(const char *path, int *fdp)
{
	struct statfs fs;
	int fd, err;

	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		err = errno;
		fprintf(stderr, "bindsnoop: -c %s: %s (%s)\n", path, error_text(err), errno_str(err));
		return -err;
	}
	if (fstatfs(fd, &fs) || fs.f_type != CGROUP2_SUPER_MAGIC) {
		fprintf(stderr, "bindsnoop: -c %s: not a cgroup v2 directory\n", path);
		close(fd);
		return -EINVAL;
	}
	*fdp = fd;
	return 0;
}

/*
 * What setup needs to know from the kernel's BTF: read once up front from the
 * raw bytes (mapped, not parsed), so a start costs one BTF parse, libbpf's.
 */
enum kernel_func {
	KFUNC_INET_BIND,
	KFUNC_INET6_BIND,
	KFUNC_MPTCP_BIND,
	KFUNC_MPTCP_V6_BIND,
	KFUNC_IA32_SYS_BIND,	/* x86-64 runs 32-bit programs (CONFIG_IA32_EMULATION) */
	KFUNC_MAX,
};

enum inet_flag {
	IFLAG_FREEBIND,
	IFLAG_TRANSPARENT,
	IFLAG_BIND_ADDRESS_NO_PORT,
	IFLAG_MAX,
};

static const char *const kernel_func_names[KFUNC_MAX] = {
	"inet_bind", "inet6_bind", "mptcp_bind", "mptcp_v6_bind", "__ia32_sys_bind",
};

/* The enum has no name in BTF (6.6+), so its enumerators are looked up by their own names. */
static const char *const inet_flag_names[IFLAG_MAX] = {
	"INET_FLAGS_FREEBIND", "INET_FLAGS_TRANSPARENT", "INET_FLAGS_BIND_ADDRESS_NO_PORT",
};

struct kernel_facts {
	/* BTF type id of each function, 0 where the kernel has none */
	__u32 func_id[KFUNC_MAX];
	/* A two-instruction fexit program on inet_bind loads: trampolines are allowed. */
	bool fexit_allowed;
	int fexit_errno;
	bool ringbuf;		/* BPF_MAP_TYPE_RINGBUF (5.8+), and not forced off */
	/* 5.7-6.0 WARN when a kprobe/tracepoint program uses a BPF_F_NO_PREALLOC hash */
	bool runtime_alloc_warns;
	/* INET_FLAGS_* bit numbers (6.6+); -1 where the kernel has no such enumerator */
	long long inet_flag[IFLAG_MAX];
};

/*
 * The running kernel's version from uname(2): 5.7 (BPF_F_NO_PREALLOC maps
 * in tracing programs WARN) to 6.0 (6.1's allocator lifted the rule).
 */
static bool kernel_warns_on_runtime_alloc(void)
{
	struct utsname u;
	unsigned int major, minor;

	if (uname(&u) || parse_kernel_release(u.release, &major, &minor))
		return true;	/* unknown: the safe answer */
	return release_warns_on_runtime_alloc(major, minor);
}

/*
 * Loading the whole object only to learn that the kernel refuses fexit
 * programs (lockdown, no trampolines) costs a BTF parse and a verification;
 * "r0 = 0; exit" attached to the same function tells in a millisecond.
 */
static void probe_fexit(struct kernel_facts *kf)
{
	const struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = BPF_TRACE_FEXIT,
		    .attach_btf_id = kf->func_id[KFUNC_INET_BIND]);
	int fd, link_fd;

	kf->fexit_allowed = false;
	kf->fexit_errno = ENOENT;
	if (!kf->func_id[KFUNC_INET_BIND])
		return;
	/* With --btf the ids are not the running kernel's: let the real load decide. */
	if (env.btf_path) {
		kf->fexit_allowed = true;
		return;
	}
	fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, "bs_probe", "GPL", insns, 2, &opts);
	if (fd < 0) {
		kf->fexit_errno = errno;
		return;
	}
	/*
	 * Some kernels load it and refuse only the attach: arm64 before 6.4 has
	 * no ftrace direct calls for trampolines (ENOTSUPP).
	 */
	link_fd = bpf_raw_tracepoint_open(NULL, fd);
	if (link_fd < 0) {
		kf->fexit_errno = errno;
		close(fd);
		return;
	}
	close(link_fd);
	close(fd);
	kf->fexit_allowed = true;
}

/* Fill @kf from the kernel's BTF (or --btf). Prints the reason and returns -1 when there is none. */
static int read_kernel_facts(struct kernel_facts *kf)
{
	struct btf_lookup q[KFUNC_MAX + IFLAG_MAX];
	const char *path = env.btf_path ? env.btf_path : "/sys/kernel/btf/vmlinux";
	const char *why = NULL;
	struct btf_file file;
	int i, err;

	for (i = 0; i < KFUNC_MAX; i++)
		q[i] = (struct btf_lookup){ .name = kernel_func_names[i], .kind = BTF_KIND_FUNC };
	for (i = 0; i < IFLAG_MAX; i++)
		q[KFUNC_MAX + i] = (struct btf_lookup){ .name = inet_flag_names[i],
							.kind = BTF_KIND_ENUM };
	err = btf_file_open(path, true, &file);
	if (!err) {
		err = btf_lookup(file.data, file.size, q, KFUNC_MAX + IFLAG_MAX, &why);
		btf_file_close(&file);
	}
	if (err) {
		if (env.btf_path && why)
			fprintf(stderr, "bindsnoop: --btf %s: not a BTF file: %s\n", path, why);
		else if (env.btf_path)
			fprintf(stderr, "bindsnoop: --btf %s: %s (%s)\n", path, error_text(-err),
				errno_str(-err));
		else if (err == -ENOENT)
			fprintf(stderr, "bindsnoop: this kernel has no BTF (%s): give one with "
				"--btf PATH\n", path);
		else
			fprintf(stderr, "bindsnoop: %s: %s\n", path,
				why ? why : error_text(-err));
		return -1;
	}
	for (i = 0; i < KFUNC_MAX; i++)
		kf->func_id[i] = q[i].found ? (__u32)q[i].value : 0;
	for (i = 0; i < IFLAG_MAX; i++)
		kf->inet_flag[i] = q[KFUNC_MAX + i].found ? q[KFUNC_MAX + i].value : -1;
	probe_fexit(kf);
	kf->ringbuf = !env.force_perfbuf && libbpf_probe_bpf_map_type(BPF_MAP_TYPE_RINGBUF, NULL) > 0;
	kf->runtime_alloc_warns = kernel_warns_on_runtime_alloc();
	return 0;
}

/* A loaded, attached backend. */
struct tracer {
	struct bindsnoop_bpf *skel;
	struct bpf_link *links[MAX_LINKS];
	int nr_links;
	enum backend backend;
	const char *detail;	/* variant, for -v */
	bool uses_entries;	/* an entry program hands the exit one its arguments */
	int count_live;		/* --count: the table in the slot, 0 (counts_a) or 1 */
};

static void tracer_destroy(struct tracer *t)
{
	while (t->nr_links > 0)
		bpf_link__destroy(t->links[--t->nr_links]);
	bindsnoop_bpf__destroy(t->skel);
	t->skel = NULL;
}

/* Debian's kernels add perf_event_paranoid=3: perf_event_open() for CAP_SYS_ADMIN only. */
static bool perf_events_restricted(void)
{
	FILE *f = fopen("/proc/sys/kernel/perf_event_paranoid", "r");
	int level = 0;

	if (f) {
		if (fscanf(f, "%d", &level) != 1)
			level = 0;
		fclose(f);
	}
	return level > 2;
}

static void set_rodata(struct bindsnoop_bpf *skel, const struct kernel_facts *kf, bool ringbuf)
{
	struct bindsnoop_bpf__rodata *ro = skel->rodata;

	ro->target_pid = env.pid;
	ro->filter_uid = env.filter_uid;
	ro->target_uid = env.uid;
	ro->filter_ports = env.filter_ports;
	memcpy((void *)ro->port_bitmap, env.ports, sizeof(env.ports));
	ro->filter_cgroup_map = env.cgroupmap_fd >= 0;
	ro->filter_mntns_map = env.mntnsmap_fd >= 0;
	ro->filter_cgroup_dir = env.cgroup_fd >= 0;
	ro->trace_errors = env.print.errors;
	ro->count_mode = env.count;
	ro->use_ringbuf = ringbuf;
	ro->wakeup_bytes = RINGBUF_WAKEUP_BYTES;
	/* --count keys on address and port: none of these, even with -j. */
	ro->want_ts = !env.count && (env.json || env.print.timestamp);
	ro->want_details = !env.count && env.json;
	ro->want_netns = !env.count && (env.json || env.print.wide);

	/* 6.6+ keeps these in inet_flags; older kernels never read them (core_fixes.bpf.h). */
	if (kf->inet_flag[IFLAG_FREEBIND] >= 0)
		ro->inet_flag_freebind = kf->inet_flag[IFLAG_FREEBIND];
	if (kf->inet_flag[IFLAG_TRANSPARENT] >= 0)
		ro->inet_flag_transparent = kf->inet_flag[IFLAG_TRANSPARENT];
	if (kf->inet_flag[IFLAG_BIND_ADDRESS_NO_PORT] >= 0)
		ro->inet_flag_bind_no_port = kf->inet_flag[IFLAG_BIND_ADDRESS_NO_PORT];
}

/* Programs of each backend; the second of a pair may be NULL. */
struct hook {
	int func;		/* enum kernel_func it needs, or -1 */
	/* missing in some kernels: MPTCP, IPv6 (CONFIG_IPV6=m not loaded, or =n) */
	bool optional;
	struct bpf_program *entry, *exit;
};

/* The module a function lives in when it is not built in (CONFIG_IPV6=m). */
static bool func_module_loaded(int func)
{
	return func == KFUNC_INET6_BIND && access("/sys/module/ipv6", F_OK) == 0;
}

static int select_programs(struct tracer *t, enum backend b, const struct kernel_facts *kf,
			   char *why, size_t whylen)
{
	struct bindsnoop_bpf *s = t->skel;
	struct hook hooks[4];
	struct bpf_program *prog;
	int i, n = 0;

	bpf_object__for_each_program(prog, s->obj)
		bpf_program__set_autoload(prog, false);

	switch (b) {
	case BACKEND_FENTRY:
		hooks[n++] = (struct hook){ KFUNC_INET_BIND, false, NULL, s->progs.fexit_inet_bind };
		hooks[n++] = (struct hook){ KFUNC_INET6_BIND, true, NULL, s->progs.fexit_inet6_bind };
		hooks[n++] = (struct hook){ KFUNC_MPTCP_BIND, true, NULL, s->progs.fexit_mptcp_bind };
		hooks[n++] = (struct hook){ KFUNC_MPTCP_V6_BIND, true, NULL, s->progs.fexit_mptcp_v6_bind };
		t->detail = "fexit on inet_bind, inet6_bind";
		break;
	case BACKEND_KPROBE:
		hooks[n++] = (struct hook){ KFUNC_INET_BIND, false, s->progs.kprobe_inet_bind,
					    s->progs.kretprobe_inet_bind };
		hooks[n++] = (struct hook){ KFUNC_INET6_BIND, true, s->progs.kprobe_inet6_bind,
					    s->progs.kretprobe_inet6_bind };
		hooks[n++] = (struct hook){ KFUNC_MPTCP_BIND, true, s->progs.kprobe_mptcp_bind,
					    s->progs.kretprobe_mptcp_bind };
		hooks[n++] = (struct hook){ KFUNC_MPTCP_V6_BIND, true, s->progs.kprobe_mptcp_v6_bind,
					    s->progs.kretprobe_mptcp_v6_bind };
		t->detail = "kprobe+kretprobe on inet_bind, inet6_bind";
		break;
	case BACKEND_TRACEPOINT: {
		bool mounted;
		int err = ensure_tracefs(&mounted);

		if (err == -EACCES) {
			snprintf(why, whylen, "tracefs (/sys/kernel/tracing) is not readable: "
				 "run as root or add CAP_DAC_READ_SEARCH");
			return err;
		} else if (err) {
			snprintf(why, whylen, "tracefs is not mounted and mounting it failed: %s",
				 error_text(-err));
			return err;
		}
		if (mounted && env.verbose)
			fprintf(stderr, "bindsnoop: mounted tracefs on /sys/kernel/tracing\n");
		bool regs = !env.test_tp_pair &&
			    libbpf_probe_bpf_helper(BPF_PROG_TYPE_TRACEPOINT, BPF_FUNC_task_pt_regs,
						    NULL) > 0;
		/*
		 * 32-bit programs' binds skip the syscalls:* tracepoints; an x86 build
		 * has a raw sys_exit program for them, used where the kernel runs such
		 * programs.
		 */
		struct bpf_program *compat = bpf_object__find_program_by_name(s->obj,
									      "tp_compat_exit_bind");

		if (!kf->func_id[KFUNC_IA32_SYS_BIND])
			compat = NULL;
		if (regs)
			hooks[n++] = (struct hook){ -1, false, NULL, s->progs.tp_exit_bind_regs };
		else
			hooks[n++] = (struct hook){ -1, false, s->progs.tp_enter_bind,
						    s->progs.tp_exit_bind };
		if (compat)
			hooks[n++] = (struct hook){ -1, false, NULL, compat };
		if (regs)
			t->detail = compat ? "syscalls:sys_exit_bind, arguments from the task's registers; "
					     "32-bit binds: raw_syscalls:sys_exit"
					   : "syscalls:sys_exit_bind, arguments from the task's registers";
		else
			t->detail = compat ? "syscalls:sys_enter_bind + sys_exit_bind; "
					     "32-bit binds: raw_syscalls:sys_exit"
					   : "syscalls:sys_enter_bind + sys_exit_bind";
		break;
	}
	default:
		return -EINVAL;
	}

	for (i = 0; i < n; i++) {
		int f = hooks[i].func;

		switch (f < 0 ? HOOK_ATTACH : decide_hook(kf->func_id[f] != 0, func_module_loaded(f),
							  hooks[i].optional)) {
		case HOOK_ATTACH:
			break;
		case HOOK_LEAVE_OUT:
			if (f == KFUNC_INET6_BIND && env.verbose)
				fprintf(stderr, "bindsnoop: backend %s: IPv6 is not loaded (no inet6_bind "
					"in the kernel, no ipv6 module): IPv4 binds only; restart "
					"bindsnoop after loading ipv6\n", backend_names[b]);
			continue;
		case HOOK_REFUSE:
			snprintf(why, whylen, "kernel has no function %s", kernel_func_names[f]);
			return -ENOENT;
		}
		if (hooks[i].entry) {
			bpf_program__set_autoload(hooks[i].entry, true);
			t->uses_entries = true;
		}
		bpf_program__set_autoload(hooks[i].exit, true);
	}
	return 0;
}

static int configure_buffer(struct bindsnoop_bpf *skel, bool ringbuf)
{
	struct bpf_map *events = skel->maps.events;
	int err;

	if (ringbuf)
		/* --count sends no events: the smallest ring the kernel accepts. */
		return bpf_map__set_max_entries(events, env.count ? (__u32)getpagesize() : RINGBUF_BYTES);
	err = bpf_map__set_type(events, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	err = err ?: bpf_map__set_key_size(events, sizeof(__u32));
	err = err ?: bpf_map__set_value_size(events, sizeof(__u32));
	return err;
}

/* --count tables are preallocated: full size only for what the run uses (the spare only with -i). */
static int size_count_tables(struct bindsnoop_bpf *skel)
{
	__u32 size = env.count ? COUNT_ENTRIES : 1;
	int err;

	/* Tests only: a small table, to prove -i tables start empty (see tests/e2e.sh). */
	if (env.count && env.test_count_entries)
		size = env.test_count_entries;
	err = bpf_map__set_max_entries(skel->maps.counts_a, size);
	return err ?: bpf_map__set_max_entries(skel->maps.counts_b, env.interval_ns ? size : 1);
}

/* Cheap checks that rule a backend out before its object is even opened. */
static int backend_usable(enum backend b, const struct kernel_facts *kf, char *why, size_t whylen)
{
	if (b == BACKEND_FENTRY && !kf->fexit_allowed) {
		snprintf(why, whylen, "the kernel refused a test fexit program on inet_bind: %s (%s)%s",
			 error_text(kf->fexit_errno), errno_str(kf->fexit_errno),
			 kf->fexit_errno == KERNEL_ENOTSUPP
				 ? ": no BPF trampolines for kernel functions on this architecture and kernel" : "");
		return -kf->fexit_errno;
	}
	if (b != BACKEND_FENTRY && kf->runtime_alloc_warns && env.runtime_alloc_map) {
		snprintf(why, whylen, "%s: the map is BPF_F_NO_PREALLOC, and kprobe and tracepoint "
			 "programs that use one make this kernel WARN (5.7-6.0): make it without "
			 "that flag", env.runtime_alloc_map);
		return -EINVAL;
	}
	/* The kprobe PMU is what libbpf attaches through; without it there are no kprobes. */
	if (b == BACKEND_KPROBE && access("/sys/bus/event_source/devices/kprobe/type", F_OK)) {
		snprintf(why, whylen, "this kernel has no kprobes "
			 "(no /sys/bus/event_source/devices/kprobe: CONFIG_KPROBES unset?)");
		return -EOPNOTSUPP;
	}
	return 0;
}

/*
 * Open, load and attach one backend. On failure everything it created is
 * gone again (programs, links, maps) and @why says what the kernel refused.
 */
static int tracer_load(struct tracer *t, enum backend b, const struct kernel_facts *kf,
		       char *why, size_t whylen)
{
	LIBBPF_OPTS(bpf_object_open_opts, open_opts, .btf_custom_path = env.btf_path);
	bool ringbuf = kf->ringbuf;
	struct bpf_program *prog;
	int err;

	memset(t, 0, sizeof(*t));
	t->backend = b;
	err = backend_usable(b, kf, why, whylen);
	if (err)
		return err;
	t->skel = bindsnoop_bpf__open_opts(&open_opts);
	if (!t->skel) {
		err = -errno;
		snprintf(why, whylen, "opening the BPF object: %s", error_text(-err));
		return err;
	}
	set_rodata(t->skel, kf, ringbuf);
	err = select_programs(t, b, kf, why, whylen);
	if (err)
		goto fail;
	err = configure_buffer(t->skel, ringbuf);
	/*
	 * Maps this run never touches get one entry: the kernel sizes a hash's
	 * buckets (and preallocates elements) at creation, and that is start-up
	 * time and kernel memory for nothing.
	 */
	if (!err && !t->uses_entries)
		err = bpf_map__set_max_entries(t->skel->maps.entries, 1);
	err = err ?: size_count_tables(t->skel);
	/* Tests only: a tiny entry map, to prove a full one is counted, not silent. */
	if (!err && env.test_entries)
		err = bpf_map__set_max_entries(t->skel->maps.entries, env.test_entries);
	if (!err && env.cgroupmap_fd >= 0)
		err = bpf_map__reuse_fd(t->skel->maps.cgroup_set, env.cgroupmap_fd);
	if (!err && env.mntnsmap_fd >= 0)
		err = bpf_map__reuse_fd(t->skel->maps.mntns_set, env.mntnsmap_fd);
	if (err) {
		snprintf(why, whylen, "setting up maps: %s", error_text(-err));
		goto fail;
	}

	err = bindsnoop_bpf__load(t->skel);
	if (err) {
		snprintf(why, whylen, "the kernel refused the programs: %s (%s)", error_text(-err),
			 errno_str(-err));
		goto fail;
	}
	if (env.cgroup_fd >= 0) {
		__u32 zero = 0;

		if (bpf_map_update_elem(bpf_map__fd(t->skel->maps.cgroup_dir), &zero,
					&env.cgroup_fd, BPF_ANY)) {
			err = -errno;
			snprintf(why, whylen, "-c %s: %s", env.cgroup_path, error_text(-err));
			goto fail;
		}
	}

	bpf_object__for_each_program(prog, t->skel->obj) {
		struct bpf_link *link;

		if (!bpf_program__autoload(prog))
			continue;
		if (b == env.fail_backend && t->nr_links == env.fail_after) {
			err = -EAGAIN;
			snprintf(why, whylen, "attaching %s: failure injected by BINDSNOOP_TEST_FAIL_ATTACH",
				 bpf_program__name(prog));
			goto fail;
		}
		link = bpf_program__attach(prog);
		if (!link) {
			err = -errno;
			snprintf(why, whylen, "attaching %s: %s (%s)%s", bpf_program__name(prog),
				 error_text(-err), errno_str(-err),
				 (err == -EACCES || err == -EPERM) && perf_events_restricted()
					 ? "; kernel.perf_event_paranoid is above 2, so kprobes and "
					   "tracepoints need CAP_SYS_ADMIN" : "");
			goto fail;
		}
		/* MAX_LINKS is the most any backend has (kprobe: four pairs). */
		if (t->nr_links == MAX_LINKS) {
			bpf_link__destroy(link);
			err = -E2BIG;
			snprintf(why, whylen, "more programs than the %d links a backend may hold", MAX_LINKS);
			goto fail;
		}
		t->links[t->nr_links++] = link;
	}
	return 0;
fail:
	tracer_destroy(t);
	return err;
}

/* Try the backend asked for, or each in turn for auto. */
static int tracer_start(struct tracer *t, const struct kernel_facts *kf)
{
	char why[256];
	enum backend b;
	int err = -ENOENT;

	for (b = BACKEND_FENTRY; b < BACKEND_MAX; b++) {
		if (env.backend != BACKEND_AUTO && env.backend != b)
			continue;
		why[0] = '\0';
		err = tracer_load(t, b, kf, why, sizeof(why));
		if (!err) {
			if (env.verbose)
				fprintf(stderr, "bindsnoop: backend %s: %s\n", backend_names[b],
					t->detail);
			return 0;
		}
		if (env.backend != BACKEND_AUTO) {
			fprintf(stderr, "bindsnoop: --backend %s: %s\n", backend_names[b], why);
			return err;
		}
		if (env.verbose)
			fprintf(stderr, "bindsnoop: backend %s skipped: %s\n", backend_names[b], why);
	}
	fprintf(stderr, "bindsnoop: no backend could be loaded (run with -v to see why)\n");
	return err;
}

/* State of the printing end of the data path. */
#define IFNAME_CACHE 64

struct printer {
	__u64 first_ts_ns;
	bool have_first;
	bool output_closed;	/* EPIPE: the reader went away, a normal end */
	int write_errno;	/* any other failed write: an error, exit 1 */
	__s64 realtime_offset_ns; /* CLOCK_REALTIME - CLOCK_MONOTONIC, for JSON */
	__u64 own_netns;	/* our network namespace: where if_indextoname() looks */
	struct {
		int ifindex;
		char name[IF_NAMESIZE];
	} ifnames[IFNAME_CACHE];
};

/*
 * The name of the interface a socket is bound to, or NULL. Names are looked
 * up in our own network namespace, so a socket of another namespace gets
 * NULL rather than the name of some unrelated device. Cached; the cache is
 * emptied every second so renamed devices show their new name.
 */
static const char *ifname_of(struct printer *p, const struct bind_event *e)
{
	int slot = (unsigned int)e->bound_dev_if % IFNAME_CACHE;

	if (e->bound_dev_if <= 0 || !p->own_netns || e->netns_id != p->own_netns)
		return NULL;
	if (p->ifnames[slot].ifindex != e->bound_dev_if) {
		if (!if_indextoname(e->bound_dev_if, p->ifnames[slot].name))
			return NULL;
		p->ifnames[slot].ifindex = e->bound_dev_if;
	}
	return p->ifnames[slot].name;
}

static void printer_init(struct printer *p)
{
	struct timespec mono, real;
	struct stat st;

	memset(p, 0, sizeof(*p));
	clock_gettime(CLOCK_REALTIME, &real);
	clock_gettime(CLOCK_MONOTONIC, &mono);
	p->realtime_offset_ns = (real.tv_sec - mono.tv_sec) * 1000000000LL +
				(real.tv_nsec - mono.tv_nsec);
	if (stat("/proc/self/ns/net", &st) == 0)
		p->own_netns = st.st_ino;
}

/*
 * A write to stdout failed. Only EPIPE means the reader went away (| head);
 * anything else (ENOSPC, EIO, ...) loses output and is an error.
 */
static void output_failed(struct printer *p, int err)
{
	if (p->output_closed || p->write_errno)
		return;
	if (err == EPIPE)
		p->output_closed = true;
	else
		p->write_errno = err ? err : EIO;
}

static bool output_done(const struct printer *p)
{
	return p->output_closed || p->write_errno;
}

static void flush_output(struct printer *p)
{
	if (fflush(stdout))
		output_failed(p, errno);
}

static int print_record(struct printer *p, const void *data, size_t size)
{
	char line[LINE_MAX_LEN];
	struct bind_event e;
	int len;

	if (output_done(p))
		return -EPIPE;
	if (decode_event(data, size, &e))
		return 0;
	if (!p->have_first) {
		p->first_ts_ns = e.ts_ns;
		p->have_first = true;
	}
	if (env.json)
		len = format_event_json(line, sizeof(line), &e, p->realtime_offset_ns, ifname_of(p, &e));
	else
		len = format_event(line, sizeof(line), &env.print, &e, p->first_ts_ns,
				   env.print.wide ? ifname_of(p, &e) : NULL);
	if (len >= (int)sizeof(line))
		len = sizeof(line) - 1;
	if (fwrite(line, 1, len, stdout) != (size_t)len) {
		output_failed(p, errno);
		return -EPIPE;
	}
	return 0;
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

/* Losses, as counted so far; reported as they grow and totalled at exit. */
struct losses {
	__u64 lost, entry_full, count_full;
};

static void read_losses(struct bindsnoop_bpf *skel, struct losses *l)
{
	l->lost = read_stat(skel, BS_STAT_LOST);
	l->entry_full = read_stat(skel, BS_STAT_ENTRY_FULL);
	l->count_full = read_stat(skel, BS_STAT_COUNT_FULL);
}

static void report_losses(const struct losses *now, struct losses *told, bool final)
{
	if (now->lost > told->lost)
		fprintf(stderr, "bindsnoop: %llu events lost: buffer full, output too slow\n",
			(unsigned long long)(now->lost - told->lost));
	if (now->entry_full > told->entry_full)
		fprintf(stderr, "bindsnoop: %llu binds not traced: per-thread entry map full\n",
			(unsigned long long)(now->entry_full - told->entry_full));
	if (now->count_full > told->count_full)
		fprintf(stderr, "bindsnoop: %llu binds not counted: --count table full\n",
			(unsigned long long)(now->count_full - told->count_full));
	*told = *now;
	if (final && (now->lost || now->entry_full || now->count_full))
		fprintf(stderr, "bindsnoop: in total %llu events lost, %llu binds not traced, "
			"%llu binds not counted\n", (unsigned long long)now->lost,
			(unsigned long long)now->entry_full, (unsigned long long)now->count_full);
}

static __u64 monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

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

static bool past_deadline(__u64 deadline)
{
	return deadline && monotonic_ns() >= deadline;
}

static int print_count_table(struct tracer *t, struct printer *p, bool interval)
{
	char line[LINE_MAX_LEN];
	struct count_row *rows;
	size_t n, i;
	int fd = -1, err;

	err = take_count_table(t, interval, &fd);
	if (!err)
		err = read_count_table(fd, bpf_map__max_entries(count_table_map(t->skel, 0)),
				       interval, &rows, &n);
	if (err) {
		fprintf(stderr, "bindsnoop: reading the --count table: %s\n", error_text(-err));
		return err;
	}
	if (env.json) {
		struct timespec now;

		clock_gettime(CLOCK_REALTIME, &now);
		format_iso8601(now.tv_sec * 1000000000LL + now.tv_nsec, line, sizeof(line));
		if (printf("{\"time\":\"%s\",\"counts\":[", line) < 0)
			output_failed(p, errno);
		for (i = 0; i < n && !output_done(p); i++) {
			format_count_row_json(line, sizeof(line), &rows[i]);
			if (printf("%s%s", i ? "," : "", line) < 0)
				output_failed(p, errno);
		}
		if (fputs("]}\n", stdout) < 0)
			output_failed(p, errno);
	} else {
		format_count_header(line, sizeof(line));
		if (fputs(line, stdout) < 0)
			output_failed(p, errno);
		for (i = 0; i < n && !output_done(p); i++) {
			format_count_row(line, sizeof(line), &rows[i]);
			if (fputs(line, stdout) < 0)
				output_failed(p, errno);
		}
	}
	free(rows);
	flush_output(p);
	return 0;
}

/* Drain the buffer into stdout until a signal arrives or the reader goes away. */
static int poll_events(struct tracer *t, struct printer *p)
{
	struct ring_buffer *rb = NULL;
	struct perf_buffer *pb = NULL;
	struct losses now = {}, told = {};
	__u64 next_stats = monotonic_ns() + STATS_PERIOD_NS;
	int fd = bpf_map__fd(t->skel->maps.events);
	bool ringbuf = bpf_map__type(t->skel->maps.events) == BPF_MAP_TYPE_RINGBUF;
	__u64 deadline = env.duration_ns ? monotonic_ns() + env.duration_ns : 0;
	int err = 0;

	if (env.count) {
		__u64 next_table = env.interval_ns ? monotonic_ns() + env.interval_ns : 0;

		while (!exiting && !past_deadline(deadline)) {
			usleep(POLL_TIMEOUT_MS * 1000);
			read_losses(t->skel, &now);
			report_losses(&now, &told, false);
			if (next_table && monotonic_ns() >= next_table) {
				err = print_count_table(t, p, true);
				if (err || output_done(p))
					goto out;
				next_table += env.interval_ns;
			}
		}
		err = print_count_table(t, p, env.interval_ns != 0);
		goto out;
	}

	if (ringbuf)
		rb = ring_buffer__new(fd, handle_ringbuf_event, p, NULL);
	else
		pb = open_perf_buffer(fd, p);
	if (!rb && !pb) {
		err = -errno;
		fprintf(stderr, "bindsnoop: opening the %s buffer: %s\n",
			ringbuf ? "ring" : "perf", error_text(-err));
		return err;
	}

	while (!exiting && !output_done(p) && !past_deadline(deadline)) {
		err = rb ? ring_buffer__poll(rb, POLL_TIMEOUT_MS) : perf_buffer__poll(pb, POLL_TIMEOUT_MS);
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
		flush_output(p);
		if (monotonic_ns() >= next_stats) {
			read_losses(t->skel, &now);
			report_losses(&now, &told, false);
			next_stats = monotonic_ns() + STATS_PERIOD_NS;
			memset(p->ifnames, 0, sizeof(p->ifnames));
		}
	}
	/* What arrived before the signal is still printed. */
	if (!output_done(p)) {
		if (rb)
			ring_buffer__consume(rb);
		else
			perf_buffer__consume(pb);
	}
out:
	flush_output(p);
	if (p->write_errno) {
		fprintf(stderr, "bindsnoop: writing output: %s\n", error_text(p->write_errno));
		err = -p->write_errno;
	}
	read_losses(t->skel, &now);
	report_losses(&now, &told, true);
	ring_buffer__free(rb);
	perf_buffer__free(pb);
	return err;
}

int main(int argc, char **argv)
{
	static const struct argp argp = {
		.options = options,
		.parser = parse_arg,
		.doc = doc,
	};
	static char stdout_buf[1 << 16];
	struct tracer tracer = {};
	struct printer printer;
	struct kernel_facts facts;
	char line[LINE_MAX_LEN];
	int err;

	err = argp_parse(&argp, argc, argv, ARGP_NO_ERRS | ARGP_NO_HELP, NULL, NULL);
	if (err)
		return EX_USAGE;
	read_test_hooks();

	libbpf_set_print(libbpf_print_fn);
	if (!have_bpf_privileges()) {
		fprintf(stderr, "bindsnoop: need root, or CAP_BPF and CAP_PERFMON (plus "
			"CAP_DAC_READ_SEARCH for the tracepoint backend; CAP_SYS_ADMIN before 5.8)\n");
		return 1;
	}
	if (env.cgroupmap_path && open_filter_map("--cgroupmap", env.cgroupmap_path,
						  &env.cgroupmap_fd))
		goto fail;
	if (env.mntnsmap_path && open_filter_map("--mntnsmap", env.mntnsmap_path,
						 &env.mntnsmap_fd))
		goto fail;
	if (env.cgroup_path && open_cgroup_dir(env.cgroup_path, &env.cgroup_fd))
		goto fail;

	if (read_kernel_facts(&facts))
		goto fail;

	if (install_signal_handlers())
		goto fail;
	if (tracer_start(&tracer, &facts))
		goto fail;
	/* libbpf's parse of the kernel's BTF is freed; return the heap it grew. */
	malloc_trim(0);

	setvbuf(stdout, stdout_buf, _IOFBF, sizeof(stdout_buf));
	fprintf(stderr, "Tracing binds ... Hit Ctrl-C to end\n");
	printer_init(&printer);
	if (!env.count && !env.json) {
		format_header(line, sizeof(line), &env.print);
		if (fputs(line, stdout) < 0)
			output_failed(&printer, errno);
		flush_output(&printer);
	}
	/* A failed header write ends it there, with the same report as any other. */
	err = poll_events(&tracer, &printer);
	/* A reader that went away (| head) is a normal end, not an error. */
	if (printer.output_closed)
		err = 0;
	tracer_destroy(&tracer);
	return err ? 1 : 0;
fail:
	tracer_destroy(&tracer);
	return 1;
}
