// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Options: argp's table and parser, the test hooks, one configuration.
 * Every usage error is one line naming the input and the cause; nothing
 * here prints it or exits (but --help and --version), so the unit tests
 * call parse_options() with any command line.
 */
#include <argp.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "options.h"

#ifndef BINDSNOOP_VERSION
#define BINDSNOOP_VERSION "unknown"
#endif

const char *const backend_names[BACKEND_MAX] = {
	[BACKEND_AUTO] = "auto",
	[BACKEND_FENTRY] = "fentry",
	[BACKEND_KPROBE] = "kprobe",
	[BACKEND_TRACEPOINT] = "tracepoint",
};

const char *argp_program_version = "bindsnoop " BINDSNOOP_VERSION;
const char *argp_program_bug_address = "the project's issue tracker";

static const char doc[] =
"Trace bind() on IPv4 and IPv6 sockets: who bound what, with which options.\n"
"\n"
"USAGE: bindsnoop [-h] [-t] [-w] [-U] [-E] [-j] [-p PID] [-u UID] [-P PORTS]\n"
"                 [--count [-i SECONDS]] [-d SECONDS] [--cgroupmap PATH]\n"
"                 [--mntnsmap PATH] [-c CGROUP] [--unit NAME] [--container ID]\n"
"                 [--owner] [--via WAYS] [--autobind] [--journal] [--existing]\n"
"                 [-E --holders]\n"
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
"    bindsnoop --journal -E --owner  # every bind in the journal (bindsnoop.service)\n"
"    bindsnoop -d 10       # trace for 10 seconds\n"
"    bindsnoop --cgroupmap /sys/fs/bpf/set  # cgroups whose ids are in the map\n"
"    bindsnoop -c /sys/fs/cgroup/unified/app  # tasks under this cgroup v2\n"
"    bindsnoop --owner     # which container, unit or cgroup bound it\n"
"    bindsnoop --via io_uring,listen  # only ports taken without bind()\n"
"    bindsnoop --unit nginx.service  # only that service's binds\n"
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
	OPT_OWNER,
	OPT_UNIT,
	OPT_CONTAINER,
	OPT_VIA,
	OPT_AUTOBIND,
	OPT_JOURNAL,
	OPT_EXISTING,
	OPT_HOLDERS,
};

static const struct argp_option options[] = {
	{ "timestamp", 't', NULL, 0, "Include a TIME(s) column: seconds since the first event", 0 },
	{ "wide", 'w', NULL, 0, "Wide columns, room for IPv6 addresses, and IFNAME", 0 },
	{ "json", 'j', NULL, 0, "One JSON object per line per bind (or per --count table)", 0 },
	{ "journal", OPT_JOURNAL, NULL, 0, "Each bind one systemd journal entry, every field a BIND_* field", 0 },
	{ "print-uid", 'U', NULL, 0, "Include a UID column", 0 },
	{ "errors", 'E', NULL, 0, "Show failed binds too, with an RC column (errno name)", 0 },
	{ "failed", 'x', NULL, 0, "Same as --errors (libbpf-tools' name)", 0 },
	{ "pid", 'p', "PID", 0, "Trace this process only", 0 },
	{ "uid", 'u', "UID", 0, "Trace this user only", 0 },
	{ "port", 'P', "PORTS", 0, "Trace these ports only: a list such as 80,443,8000-8100", 0 },
	{ "count", OPT_COUNT, NULL, 0, "Count binds per address and port in the kernel; print at exit", 0 },
	{ "interval", 'i', "SECONDS", 0, "With --count: print the table every SECONDS, then start it empty", 0 },
	{ "duration", 'd', "SECONDS", 0, "Stop by itself after SECONDS (fractions allowed: 0.5)", 0 },
	{ "cgroupmap", OPT_CGROUPMAP, "PATH", 0, "Trace cgroups whose v2 ids are keys of this pinned BPF hash map", 0 },
	{ "mntnsmap", OPT_MNTNSMAP, "PATH", 0, "Trace mount namespaces whose ids are keys of this pinned BPF hash map", 0 },
	{ "cgroup", 'c', "PATH", 0, "Trace tasks under this cgroup v2 directory only", 0 },
	{ "unit", OPT_UNIT, "NAME", 0, "Trace tasks of this systemd unit only (nginx.service)", 0 },
	{ "container", OPT_CONTAINER, "ID", 0, "Trace tasks of this container only (its id, or 12+ digits of it)", 0 },
	{ "via", OPT_VIA, "WAYS", 0, "Trace ports taken these ways only: bind,socketcall,io_uring,listen,bindx,connect,sendto", 0 },
	{ "autobind", OPT_AUTOBIND, NULL, 0, "Also the ports connect() and sendto() pick for sockets without one", 0 },
	{ "existing", OPT_EXISTING, NULL, 0, "First list the sockets already bound (every process and namespace)", 0 },
	{ "holders", OPT_HOLDERS, NULL, 0, "With -E: who holds the port of a bind that failed with EADDRINUSE (HOLDER column, JSON holders)", 0 },
	{ "owner", OPT_OWNER, NULL, 0, "OWNER column: the container, else the systemd unit, else the cgroup", 0 },
	{ "backend", OPT_BACKEND, "NAME", 0, "auto (default), fentry, kprobe or tracepoint", 0 },
	{ "btf", OPT_BTF, "PATH", 0, "Kernel BTF file, for kernels without /sys/kernel/btf/vmlinux", 0 },
	{ "verbose", 'v', NULL, 0, "Say which backend was chosen and why; libbpf's messages", 0 },
	{ "help", 'h', NULL, 0, "Show this help", -1 },
	{ NULL, '?', NULL, OPTION_ALIAS | OPTION_HIDDEN, NULL, -1 },
	{ "usage", OPT_USAGE, NULL, 0, "Show a short usage message", -1 },
	{ "version", 'V', NULL, 0, "Show the version", -1 },
	{},
};

/* What the argp parser works on: the configuration, and the first error. */
struct parse_state {
	struct config *cfg;
	char *msg;
	size_t msglen;
	bool failed;
};

/*
 * Note "OPT ARG: WHY" as the usage error. The first one wins: argp calls
 * the parser once more with ARGP_KEY_ERROR after a parser error.
 */
static error_t usage_error(struct parse_state *ps, const char *opt, const char *arg,
			   const char *why)
{
	if (!ps->failed)
		snprintf(ps->msg, ps->msglen, "%s %s: %s", opt, arg, why);
	ps->failed = true;
	return EINVAL;
}

static error_t parse_id_arg(struct parse_state *ps, const char *opt, const char *arg,
			    unsigned long max, unsigned long *val)
{
	int err = parse_ulong(arg, 0, max, val);

	if (err == -ERANGE)
		return usage_error(ps, opt, arg, "out of range");
	if (err)
		return usage_error(ps, opt, arg, "not a decimal number");
	return 0;
}

/* -d and -i: seconds, fractions allowed (as timeout(1) takes them), 1 ms to a year. */
static error_t parse_seconds_arg(struct parse_state *ps, const char *opt, const char *arg,
				 __u64 *ns)
{
	int err = parse_seconds(arg, 1000000ULL, 86400ULL * 365 * 1000000000ULL, ns);

	if (err == -ERANGE)
		return usage_error(ps, opt, arg, "out of range (0.001 to 31536000 seconds)");
	if (err)
		return usage_error(ps, opt, arg, "not a number of seconds (such as 2 or 0.5)");
	return 0;
}

/*
 * getopt's own messages come with a second "Try --help" line; argp runs
 * with ARGP_NO_ERRS and we name the bad word ourselves, on one line.
 */
static error_t bad_option(struct parse_state *ps, const char *word)
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
			return usage_error(ps, "option", word, "ambiguous");
		if (!match)
			return usage_error(ps, "option", word, "unrecognized");
		if (match->arg && !eq)
			return usage_error(ps, "option", word, "needs an argument");
		return usage_error(ps, "option", word, "takes no argument");
	}
	for (len = 1; word[0] == '-' && word[len]; len++) {
		for (opt = options; opt->name || opt->key; opt++)
			if (opt->key == word[len])
				break;
		if (!opt->name && !opt->key) {
			char c[3] = { '-', word[len], '\0' };

			return usage_error(ps, "option", c, "unrecognized");
		}
		if (opt->arg) {
			if (word[len + 1])
				break;
			return usage_error(ps, "option", word, "needs an argument");
		}
	}
	return usage_error(ps, "option", word, "not understood");
}

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	struct parse_state *ps = state->input;
	struct config *cfg = ps->cfg;
	unsigned long val;
	const char *why;
	error_t err = 0;

	switch (key) {
	case 't':
		cfg->print.timestamp = true;
		break;
	case 'w':
		cfg->print.wide = true;
		break;
	case 'U':
		cfg->print.print_uid = true;
		break;
	case 'E':
	case 'x':
		cfg->print.errors = true;
		break;
	case 'p':
		/* PID_MAX_LIMIT is 4194304 (2^22). */
		err = parse_id_arg(ps, "-p", arg, 4194304, &val);
		if (!err && val == 0)
			err = usage_error(ps, "-p", arg, "PID 0 is not a process");
		cfg->pid = (pid_t)val;
		break;
	case 'u':
		/* (uid_t)-1 means "no user" to the kernel. */
		err = parse_id_arg(ps, "-u", arg, 0xfffffffeUL, &val);
		cfg->uid = (uid_t)val;
		cfg->filter_uid = true;
		break;
	case 'P':
		if (parse_port_list(arg, cfg->ports, &why))
			err = usage_error(ps, "-P", arg, why);
		cfg->filter_ports = true;
		break;
	case OPT_COUNT:
		cfg->count = true;
		break;
	case 'j':
		cfg->json = true;
		break;
	case OPT_JOURNAL:
		cfg->journal = true;
		break;
	case 'i':
		err = parse_seconds_arg(ps, "-i", arg, &cfg->interval_ns);
		break;
	case 'd':
		err = parse_seconds_arg(ps, "-d", arg, &cfg->duration_ns);
		break;
	case ARGP_KEY_END:
		if (cfg->interval_ns && !cfg->count)
			err = usage_error(ps, "option", "-i", "needs --count");
		else if (cfg->existing && cfg->count)
			err = usage_error(ps, "option", "--existing", "cannot be combined with --count");
		else if (cfg->holders && cfg->count)
			err = usage_error(ps, "option", "--holders", "cannot be combined with --count");
		else if (cfg->holders && !cfg->print.errors)
			err = usage_error(ps, "option", "--holders", "needs -E (failed binds are what it explains)");
		else if (cfg->json && (cfg->print.wide || cfg->print.timestamp || cfg->print.print_uid ||
				       cfg->print.owner))
			err = usage_error(ps, "option", "-j",
					  "cannot be combined with -w, -t, -U or --owner (JSON has every field)");
		else if (cfg->journal && (cfg->json || cfg->count))
			err = usage_error(ps, "option", "--journal",
					  "cannot be combined with -j or --count (its entries have every field)");
		else if (cfg->journal && cfg->holders)
			err = usage_error(ps, "option", "--journal",
					  "cannot be combined with --holders (its entries have no holders field)");
		break;
	case OPT_CGROUPMAP:
		cfg->cgroupmap_path = arg;
		break;
	case OPT_MNTNSMAP:
		cfg->mntnsmap_path = arg;
		break;
	case 'c':
		cfg->cgroup_path = arg;
		break;
	case OPT_UNIT:
		if (!arg[0] || strchr(arg, '/'))
			err = usage_error(ps, "--unit", arg, "not a unit name (such as nginx.service)");
		cfg->unit = arg;
		break;
	case OPT_CONTAINER:
		if (!is_container_id_prefix(arg))
			err = usage_error(ps, "--container", arg,
					  "not a container id (12 to 64 lowercase hex digits)");
		cfg->container = arg;
		break;
	case OPT_VIA: {
		const char *bad;

		if (parse_via_list(arg, &cfg->via_mask, &bad))
			err = usage_error(ps, "--via", arg,
					  *bad == ',' || !*bad ? "an empty item"
							       : "not a way (bind, socketcall, io_uring, listen, bindx, connect, sendto)");
		break;
	}
	case OPT_AUTOBIND:
		cfg->autobind = true;
		break;
	case OPT_EXISTING:
		cfg->existing = true;
		break;
	case OPT_HOLDERS:
		cfg->holders = true;
		break;
	case OPT_OWNER:
		cfg->print.owner = true;
		break;
	case OPT_BACKEND: {
		enum backend b;

		for (b = 0; b < BACKEND_MAX; b++)
			if (strcmp(arg, backend_names[b]) == 0)
				break;
		if (b == BACKEND_MAX)
			err = usage_error(ps, "--backend", arg,
					  "unknown backend (auto, fentry, kprobe, tracepoint)");
		else
			cfg->backend = b;
		break;
	}
	case OPT_BTF:
		cfg->btf_path = arg;
		break;
	case 'v':
		cfg->verbose = true;
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
		/* getopt's error, or ours seen again: name the word only for getopt's */
		err = ps->failed ? EINVAL : bad_option(ps, state->argv[state->next > 1 ? state->next - 1 : 1]);
		break;
	case ARGP_KEY_ARG:
		err = usage_error(ps, "argument", arg, "unexpected (this tool takes options only)");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return err;
}

int parse_options(int argc, char **argv, struct config *cfg, char *msg, size_t msglen)
{
	static const struct argp argp = {
		.options = options,
		.parser = parse_arg,
		.doc = doc,
	};
	struct parse_state ps = { .cfg = cfg, .msg = msg, .msglen = msglen };

	memset(cfg, 0, sizeof(*cfg));
	snprintf(msg, msglen, "usage error");
	if (argp_parse(&argp, argc, argv, ARGP_NO_ERRS | ARGP_NO_HELP, NULL, &ps))
		return OPTIONS_USAGE_ERROR;
	msg[0] = '\0';
	return 0;
}
