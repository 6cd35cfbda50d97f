# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# shellcheck shell=bash
#
# tests/e2e/bad_input.sh: the e2e suite's bad_input group (sourced by tests/e2e.sh, which
# holds the tracer, workload and expect helpers it uses).

# Bad command lines: one line naming the input, non-zero exit, nothing loaded.
group_bad_input() {
	local -a cases=(
		"64|-p|option -p: needs an argument"
		"64|-p abc|-p abc: not a decimal number"
		"64|-p -5|-p -5: not a decimal number"
		"64|-p 0|-p 0: PID 0 is not a process"
		"64|-p 99999999999|-p 99999999999: out of range"
		"64|-p 12x|-p 12x: not a decimal number"
		"64|-u x|-u x: not a decimal number"
		"64|-u 4294967295|-u 4294967295: out of range"
		"64|-u -1|-u -1: not a decimal number"
		"64|-P 0|-P 0: port out of range 1-65535"
		"64|-P 65536|-P 65536: port out of range 1-65535"
		"64|-P 80,|-P 80,: empty item"
		"64|-P ,80|-P ,80: empty item"
		"64|-P 80,,81|-P 80,,81: empty item"
		"64|-P 90-80|-P 90-80: reversed range"
		"64|-P 80abc|-P 80abc: not a port number"
		"64|-P 80-|-P 80-: not a port number"
		"64|-P 1-2-3|-P 1-2-3: not a port number"
		"64|--port|option --port: needs an argument"
		"64|--bogus|option --bogus: unrecognized"
		"64|-z|option -z: unrecognized"
		"64|--count=3|option --count=3: takes no argument"
		"64|--backend bpf|--backend bpf: unknown backend (auto, fentry, kprobe, tracepoint)"
		"64|extra|argument extra: unexpected (this tool takes options only)"
		"64|-i 5|option -i: needs --count"
		"64|--count -i 0|-i 0: out of range (0.001 to 31536000 seconds)"
		"64|-d x|-d x: not a number of seconds (such as 2 or 0.5)"
		"64|-d 0|-d 0: out of range (0.001 to 31536000 seconds)"
		"64|-d 0.0001|-d 0.0001: out of range (0.001 to 31536000 seconds)"
		"64|-d 1.5s|-d 1.5s: not a number of seconds (such as 2 or 0.5)"
		"64|-d .5|-d .5: not a number of seconds (such as 2 or 0.5)"
		"64|-d 5.|-d 5.: not a number of seconds (such as 2 or 0.5)"
		"64|-d 1e3|-d 1e3: not a number of seconds (such as 2 or 0.5)"
		"64|-d -1|-d -1: not a number of seconds (such as 2 or 0.5)"
		"64|-d 31536001|-d 31536001: out of range (0.001 to 31536000 seconds)"
		"64|-j -w|option -j: cannot be combined with -w, -t, -U or --owner (JSON has every field)"
		"1|--cgroupmap /nonexistent/map|--cgroupmap /nonexistent/map: not a pinned BPF map: No such file or directory (ENOENT)"
		"1|--cgroupmap /etc/hostname|--cgroupmap /etc/hostname: not a pinned BPF map: Permission denied (EACCES)"
		"1|--mntnsmap /nonexistent|--mntnsmap /nonexistent: not a pinned BPF map: No such file or directory (ENOENT)"
		"1|-c /nonexistent|-c /nonexistent: No such file or directory (ENOENT)"
		"1|-c /tmp|-c /tmp: not a cgroup v2 directory"
		"1|-c /etc/hostname|-c /etc/hostname: Not a directory (ENOTDIR)"
		"64|--unit a/b|--unit a/b: not a unit name (such as nginx.service)"
		"64|--container xyz|--container xyz: not a container id (12 to 64 lowercase hex digits)"
		"64|-j --owner|option -j: cannot be combined with -w, -t, -U or --owner (JSON has every field)"
		"1|--unit nosuch-bindsnoop.service|--unit nosuch-bindsnoop.service: no such unit's cgroup under $(cgroup2_root)"
		"1|--container 00000000000000000bad|--container 00000000000000000bad: no such container's cgroup under $(cgroup2_root)"
		"1|--btf $TMP/short|--btf $TMP/short: not a BTF file: too short for a BTF header"
		"1|--btf $TMP/text|--btf $TMP/text: not a BTF file: no BTF magic number"
		"1|--btf /nonexistent/vmlinux|--btf /nonexistent/vmlinux: No such file or directory (ENOENT)"
		"1|--btf /tmp|--btf /tmp: Is a directory (EISDIR)"
	)
	printf 'BTF?\n' >"$TMP/short"
	printf 'This is a text file, long enough to hold a BTF header.\n' >"$TMP/text"
	local c rc want args err got_rc n=0
	for c in "${cases[@]}"; do
		n=$((n + 1))
		rc=${c%%|*}
		c=${c#*|}
		args=${c%%|*}
		want="bindsnoop: ${c#*|}"
		# shellcheck disable=SC2086
		err=$("$BINDSNOOP" --backend "$BACKEND" $args 2>&1 >/dev/null </dev/null)
		got_rc=$?
		if [ "$got_rc" = "$rc" ] && [ "$err" = "$want" ]; then
			pass "bad_input_$n ($args)"
		else
			fail "bad_input_$n ($args)" "exit $got_rc (want $rc), stderr: '$err' (want '$want')"
		fi
	done
	# The test hooks are read and checked like options.
	err=$(BINDSNOOP_TEST_ENTRIES=12x "$BINDSNOOP" 2>&1 >/dev/null </dev/null)
	check bad_input_test_hook_size "$?:$err" = "64:bindsnoop: BINDSNOOP_TEST_ENTRIES 12x: not a map size (1-16777216)"
	err=$(BINDSNOOP_TEST_FAIL_ATTACH=bpf:1 "$BINDSNOOP" 2>&1 >/dev/null </dev/null)
	check bad_input_test_hook_backend "$?:$err" = "64:bindsnoop: BINDSNOOP_TEST_FAIL_ATTACH bpf:1: unknown backend"
	err=$(BINDSNOOP_TEST_REFUSE_CASTS=1 "$BINDSNOOP" 2>&1 >/dev/null </dev/null)
	check bad_input_test_hook_unknown "$?:$err" = "64:bindsnoop: BINDSNOOP_TEST_REFUSE_CASTS: not a variable bindsnoop knows (tests/README.md lists them)"
	# --journal: its usage errors, and no journald (or no libsystemd in the
	# build: the static cross builds have none, nor its symbols).
	err=$("$BINDSNOOP" --journal -j 2>&1 >/dev/null </dev/null)
	check bad_input_journal_json "$?:$err" = "64:bindsnoop: option --journal: cannot be combined with -j or --count (its entries have every field)"
	err=$("$BINDSNOOP" --journal --count 2>&1 >/dev/null </dev/null)
	check bad_input_journal_count "$?:$err" = "64:bindsnoop: option --journal: cannot be combined with -j or --count (its entries have every field)"
	local want_journal="1:bindsnoop: --journal: /run/systemd/journal/socket: No such file or directory (is systemd-journald running?)"
	grep -q sd_journal_sendv "$BINDSNOOP" ||
		want_journal="1:bindsnoop: --journal: this bindsnoop was built without libsystemd (build it with libsystemd-dev installed)"
	if [ -S /run/systemd/journal/socket ]; then
		# A journald runs here: hide its socket in a mount namespace of our own.
		# shellcheck disable=SC2016 # $0 is the inner sh's
		err=$(unshare -m sh -c 'mount -t tmpfs none /run/systemd/journal && exec "$0" --journal' \
			"$BINDSNOOP" 2>&1 >/dev/null </dev/null)
	else
		err=$("$BINDSNOOP" --journal 2>&1 >/dev/null </dev/null)
	fi
	check bad_input_journal_no_journald "$?:$err" = "$want_journal"
	# A map of the wrong type or key size.
	if command -v "$BPFTOOL" >/dev/null; then
		mkdir -p /sys/fs/bpf 2>/dev/null
		rm -f /sys/fs/bpf/bindsnoop_e2e_bad1 /sys/fs/bpf/bindsnoop_e2e_bad2
		$BPFTOOL map create /sys/fs/bpf/bindsnoop_e2e_bad1 type array key 4 value 8 entries 4 name bad1 &&
			$BPFTOOL map create /sys/fs/bpf/bindsnoop_e2e_bad2 type hash key 4 value 8 entries 4 name bad2
		PINNED="$PINNED /sys/fs/bpf/bindsnoop_e2e_bad1 /sys/fs/bpf/bindsnoop_e2e_bad2"
		err=$("$BINDSNOOP" --cgroupmap /sys/fs/bpf/bindsnoop_e2e_bad1 2>&1 >/dev/null)
		check bad_input_map_type "$err" = "bindsnoop: --cgroupmap /sys/fs/bpf/bindsnoop_e2e_bad1: map type is array, need hash"
		err=$("$BINDSNOOP" --mntnsmap /sys/fs/bpf/bindsnoop_e2e_bad2 2>&1 >/dev/null)
		check bad_input_map_key_size "$err" = "bindsnoop: --mntnsmap /sys/fs/bpf/bindsnoop_e2e_bad2: key size is 4, need 8 (a u64 id)"
	fi
}
