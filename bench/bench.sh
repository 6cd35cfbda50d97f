#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# What bindsnoop costs the system it traces, against no tracer at all and
# against its peers (bpftrace, perf trace), every ratio from this one run.
# `make bench` runs it as root; bench/README.md explains each row.
#
#   bench/bench.sh [--quick] [--rounds N] [--rows GLOB]
#
# Method: each timed row is a pair of runs of bench/bindloop.c, untraced and
# then traced, repeated for N rounds; the rows take turns inside a round, so
# slow drift of the machine reaches every row alike. A row's figure is the
# median of its per-round ratios traced/untraced, with min and max.
#
# --quick (CI) proves the harness works: 2 rounds, small loops, a storm of
# 50,000 binds. Its figures mean nothing and no results file is written.
# --rows GLOB: only the guests' rows whose name matches (bench/guest.sh's
# names; tests/run.sh passes '!(progs_*|startup)' with --quick to leave out
# the programs' own time and start-up rows, the slow ones under -icount).
# Exit status: 0 when every row that this kernel can run did run and the
# lost-event accounting balanced; 1 otherwise. Targets missed do not fail:
# they are reported.

set -u
cd "$(dirname "$0")/.." || exit 1
# The parsers of bindsnoop's and the workload's output (bench's own note()
# below replaces the library's).
# shellcheck source=tests/lib/common.sh
. tests/lib/common.sh

usage() {
	echo "Usage: bench/bench.sh [--quick] [--rounds N] [--rows GLOB]"
}

QUICK=0
ROUNDS=
ROWS=()
while [ $# -gt 0 ]; do
	case $1 in
	--quick) QUICK=1 ;;
	--rounds)
		[[ ${2:-} =~ ^[1-9][0-9]?$ ]] || { echo "bench: --rounds needs 1..99" >&2; exit 64; }
		ROUNDS=$2
		shift
		;;
	--rows)
		[ -n "${2:-}" ] || { echo "bench: --rows needs a glob" >&2; exit 64; }
		ROWS=(--rows "$2")
		shift
		;;
	-h | --help) usage; exit 0 ;;
	*) echo "bench: $1: unknown argument" >&2; usage >&2; exit 64 ;;
	esac
	shift
done

if [ "$QUICK" = 1 ]; then
	: "${ROUNDS:=2}"
	BIND_ITERS=5000 PPID_ITERS=50000 STORM=50000 STARTUP_RUNS=3 EXISTING_SOCKETS=10000
else
	: "${ROUNDS:=5}"
	BIND_ITERS=100000 PPID_ITERS=500000 STORM=1000000 STARTUP_RUNS=11 EXISTING_SOCKETS=100000
fi

# Targets: issue #3's ceilings (the perf buffer rows keep theirs), and issue
# #14's margins above each backend's floor, measured in the same run.
TARGET_FULL=1.20
TARGET_FULL_OVER=0.03
TARGET_PIPE_OVER=0.05
TARGET_COUNT_OVER=0.01
TARGET_READER_US=0.25
TARGET_STARTUP_MS=100
TARGET_RSS_MB=16

BENCH_T0=$EPOCHREALTIME
note() {
	printf 'bench: [%4.0f s] %s\n' "$(awk -v a="$BENCH_T0" -v b="$EPOCHREALTIME" 'BEGIN { print b - a }')" "$*" >&2
}
die() { note "$*"; exit 1; }

[ "$(id -u)" = 0 ] || die "needs root (it loads BPF programs)"
[ -x ./bindsnoop ] || die "./bindsnoop is missing: run 'make bench'"
[ -x build/workload ] || die "build/workload is missing: run 'make bench'"
command -v "${CC:-cc}" >/dev/null || die "${CC:-cc} not found: apt-get install gcc"

# shellcheck source=bench/lib.sh
. bench/lib.sh

# ---- work area: our own copies, so a rebuild during the run changes nothing ----

WORK=$(mktemp -d /tmp/bindsnoop-bench.XXXXXX) || die "mktemp failed"
declare -A LIVE=()		# pids we started and have not reaped yet

trap cleanup_work EXIT
trap 'exit 130' INT TERM

if ! cp ./bindsnoop "$WORK/bindsnoop" || ! cp build/workload "$WORK/workload"; then
	die "copying the binaries to $WORK failed"
fi
# What was measured: the commit, and the sources that differed from it when
# the binary was copied.
COMMIT=$(git rev-parse --short HEAD 2>/dev/null) || COMMIT=unknown
DIRTY=$(git status --porcelain --untracked-files=no 2>/dev/null | awk '{ print $2 }' |
	grep -v '^bench/' | tr '\n' ' ')
BS_VERSION=$(./bindsnoop -V 2>/dev/null | head -n 1)
BS=$WORK/bindsnoop
WORKLOAD=$WORK/workload
BINDLOOP=$WORK/bindloop
FLOOR=${FLOOR:-build/floor}
[ -x "$FLOOR" ] || die "$FLOOR is missing: make build/floor (make bench builds it)"
STARTUP=$WORK/startup
HOLDSOCKETS=$WORK/holdsockets
for tool in bindloop startup holdsockets; do
	extra=
	# bindloop parses numbers with the tool's own parse_ulong().
	[ "$tool" = bindloop ] && extra="-pthread -I. trace_helpers.c"
	# shellcheck disable=SC2086 # extra: words on purpose
	"${CC:-cc}" -O2 -g -Wall -Wextra "bench/$tool.c" $extra -o "$WORK/$tool" ||
		die "building bench/$tool.c failed"
done

# CPU time in ns used so far by these processes, all their threads.
cpu_ns() {
	local pid f t sum=0
	for pid in "$@"; do
		for f in /proc/"$pid"/task/*/schedstat; do
			read -r t _ 2>/dev/null <"$f" && sum=$((sum + t))
		done
	done
	echo "$sum"
}

# Tracer programs on syscall tracepoints that are not ours: they slow every
# syscall, untraced runs included, so the table says when there were any.
foreign_tracers() {
	local ours=" ${T_PIDS[*]:-} "
	command -v bpftool >/dev/null || { echo "?"; return; }
	bpftool perf show 2>/dev/null | awk -v ours="$ours" \
		'/sys_enter|sys_exit/ && index(ours, " " $2 " ") == 0 { n++ } END { print n + 0 }'
}

# ---- peers: Debian's bpftrace and perf, tracefs for both ----

if [ ! -d /sys/kernel/tracing/events ]; then
	mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null ||
		note "tracefs is not mounted and mounting it failed: the peers may not run"
fi

declare -A PEER_WHY=()
missing=
command -v bpftrace >/dev/null || missing="$missing bpftrace"
command -v perf >/dev/null || missing="$missing linux-perf"
if [ -n "$missing" ] && command -v apt-get >/dev/null && [ "${BENCH_NO_INSTALL:-0}" = 0 ]; then
	note "installing the peers from Debian:$missing"
	# shellcheck disable=SC2086
	{ DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing ||
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing; }
	} >"$WORK/apt.log" 2>&1 || note "apt-get install$missing failed (see the peer rows)"
fi
command -v bpftrace >/dev/null || PEER_WHY[bpftrace]="bpftrace is not installed (apt-get install bpftrace)"
command -v perf >/dev/null || PEER_WHY[perf]="perf is not installed (apt-get install linux-perf)"

# ---- tracers ----
#
# tracer_start KIND ARGS... starts the tracer of a row and waits until it is
# attached. On success T_MAIN is the process to stop and T_PIDS all the
# processes whose CPU time is the tracer's; on failure T_WHY says why.
#   bindsnoop OUT BACKEND PERFBUF [ARGS...]   OUT: null or pipe (| cat)
#   bpftrace NAME                              floor, printf or count
#   perf                                       perf trace -e bind -a
#   floor BACKEND [--no-compat]                bench/floor: empty programs on that
#                                              backend's hooks (the hook's own price)

T_MAIN='' T_WHY='' T_ERR=$WORK/tracer.err T_PIDS=()

declare -A BPFTRACE_PROG=(
	[floor]='tracepoint:syscalls:sys_enter_bind {} tracepoint:syscalls:sys_exit_bind {}'
	[printf]='tracepoint:syscalls:sys_exit_bind { printf("%d %s %d\n", pid, comm, args->ret); }'
	[count]='tracepoint:syscalls:sys_exit_bind { @[comm] = count(); }'
)
declare -A BPFTRACE_NPROGS=([floor]=2 [printf]=1 [count]=1)
T_NPROGS=0

started() {
	LIVE[$1]=1
	T_PIDS+=("$1")
}

# The first line of the tracer's stderr that says something, without the
# noise every bpftrace run prints on 5.11+ kernels.
failure_reason() {
	local why
	why=$(grep -v -e RLIMIT_MEMLOCK -e '^Attaching' -e '^Tracing binds' -e '^$' "$T_ERR" |
		grep -m1 -e 'bindsnoop:' -e 'ERROR' -e 'rror' -e 'fail' ||
		grep -v -e RLIMIT_MEMLOCK -e '^$' "$T_ERR" | tail -n 1)
	why=${why#bindsnoop: }
	why=${why#ERROR: }
	echo "${why:-exited without a message}" | cut -c1-110
}

bindsnoop_ready() { grep -q '^Tracing binds' "$T_ERR" && catches_sigint "$T_MAIN"; }
bpf_attached() {
	[ "$(bpftool perf show 2>/dev/null | grep -c "^pid $T_MAIN ")" -ge "$T_NPROGS" ] && catches_sigint "$T_MAIN"
}
# perf trace says nothing when it is ready: bind until one shows up.
perf_ready() {
	"$BINDLOOP" -n 1 >/dev/null 2>&1
	grep -q ' bindloop/' "$T_ERR" && catches_sigint "$T_MAIN"
}

await_ready() {
	local deadline=$((SECONDS + 30))
	while [ "$SECONDS" -lt "$deadline" ]; do
		"$@" && return 0
		if ! alive "$T_MAIN"; then
			reap "$T_MAIN"
			T_WHY=$(failure_reason)
			tracer_stop
			return 1
		fi
		sleep 0.01
	done
	T_WHY="not attached after 30 s"
	tracer_stop
	return 1
}

tracer_start() {
	local kind=$1 out backend perfbuf
	shift
	T_MAIN='' T_WHY='' T_PIDS=()
	: >"$T_ERR"
	case $kind in
	bindsnoop)
		out=$1 backend=$2 perfbuf=$3
		shift 3
		if [ "$out" = pipe ]; then
			rm -f "$WORK/fifo" && mkfifo "$WORK/fifo"
			cat <"$WORK/fifo" >/dev/null &
			started $!
			BINDSNOOP_FORCE_PERFBUF=$perfbuf "$BS" --backend "$backend" "$@" \
				>"$WORK/fifo" 2>"$T_ERR" &
		else
			BINDSNOOP_FORCE_PERFBUF=$perfbuf "$BS" --backend "$backend" "$@" \
				>/dev/null 2>"$T_ERR" &
		fi
		T_MAIN=$!
		started $!
		await_ready bindsnoop_ready
		;;
	bpftrace)
		[ -n "${PEER_WHY[bpftrace]:-}" ] && { T_WHY=${PEER_WHY[bpftrace]}; return 1; }
		T_NPROGS=${BPFTRACE_NPROGS[$1]}
		bpftrace -e "${BPFTRACE_PROG[$1]}" >/dev/null 2>"$T_ERR" &
		T_MAIN=$!
		started $!
		await_ready bpf_attached
		;;
	floor)
		"$FLOOR" --backend "$@" >/dev/null 2>"$T_ERR" &
		T_MAIN=$!
		started $!
		await_ready bindsnoop_ready
		;;
	perf)
		[ -n "${PEER_WHY[perf]:-}" ] && { T_WHY=${PEER_WHY[perf]}; return 1; }
		# Its lines go to stderr, unbuffered, as on a terminal: a file here.
		perf trace -e bind -a >/dev/null 2>"$T_ERR" &
		T_MAIN=$!
		started $!
		await_ready perf_ready
		;;
	esac
}

# SIGINT the tracer, again every 2 s if it is still there (bpftrace has been
# seen to miss one), SIGTERM after 10 s, SIGKILL after 15 s; the others in
# T_PIDS (cat) end when it does. Returns the tracer's exit status.
tracer_stop() {
	local pid rc=0 start=$SECONDS
	if [ -n "$T_MAIN" ]; then
		while alive "$T_MAIN" && [ $((SECONDS - start)) -lt 10 ]; do
			kill -INT "$T_MAIN" 2>/dev/null
			reap_within "$T_MAIN" 2
		done
		alive "$T_MAIN" && kill -TERM "$T_MAIN" 2>/dev/null
	fi
	for pid in "${T_PIDS[@]}"; do
		if [ "$pid" = "$T_MAIN" ]; then
			reap "$pid" 5
			rc=$?
		else
			reap "$pid" 5
		fi
	done
	T_PIDS=()
	return $rc
}

# Wait up to $2 seconds for $1 to exit, without reaping it.
reap_within() {
	local deadline=$((SECONDS + $2))
	while alive "$1" && [ "$SECONDS" -lt "$deadline" ]; do
		sleep 0.01
	done
}

# ---- the timed rows ----

ROW_SECTION=() ROW_LABEL=() ROW_LOOP=() ROW_TRACER=() ROW_TARGET=() ROW_SKIP=()
ROW_DROPS=()	# what bindsnoop said it dropped, over all rounds
ROW_FLOOR=()	# the row's floor (a row index), and how far above it it may be
ROW_MARGIN=()

# TARGET: a ceiling ("1.20"), "-" for none, or "+M": at most M above FLOOR_ROW's median.
add_row() {	# SECTION LOOP TARGET LABEL TRACER...
	local i=${#ROW_LABEL[@]}
	ROW_SECTION[i]=$1 ROW_LOOP[i]=$2 ROW_TARGET[i]=$3 ROW_LABEL[i]=$4
	shift 4
	ROW_TRACER[i]="$*"
	ROW_SKIP[i]='' ROW_DROPS[i]='0 0 0'
	ROW_FLOOR[i]=${FLOOR_ROW:-} ROW_MARGIN[i]=
	if [[ ${ROW_TARGET[i]} == +* ]]; then
		ROW_MARGIN[i]=${ROW_TARGET[i]#+}
		ROW_TARGET[i]=floor
	fi
	[ "${ROUND_SKIP:-}" ] && ROW_SKIP[i]=$ROUND_SKIP
	LAST_ROW=$i
	return 0
}

S_FULL="Bind overhead, full per-event output (socket+bind+close)"
S_COUNT="Bind overhead, --count (socket+bind+close)"
S_PEER="Floor and peers (socket+bind+close)"
S_PPID="Cost to everything else: getppid() while tracing"

# Which backends load here: the ones that do get rows, the others one line
# with the kernel's reason.
LOADED=()
for b in fentry kprobe tracepoint; do
	if tracer_start bindsnoop null "$b" 0; then
		tracer_stop
		LOADED+=("$b")
	else
		ROUND_SKIP="not run: $T_WHY" add_row "$S_FULL" bind - "bindsnoop $b" none
	fi
done
[ ${#LOADED[@]} -gt 0 ] || die "no backend of bindsnoop loads on this kernel: see the lines above"

declare -A FLOOR_BIND=() FLOOR_PPID=()
for b in "${LOADED[@]}"; do
	add_row "$S_FULL" bind - "floor: empty programs on $b's hooks" floor "$b"
	FLOOR_BIND[$b]=$LAST_ROW
	FLOOR_ROW=$LAST_ROW add_row "$S_FULL" bind "+$TARGET_FULL_OVER" "bindsnoop $b, output to /dev/null" bindsnoop null "$b" 0
	FLOOR_ROW=$LAST_ROW add_row "$S_FULL" bind "+$TARGET_PIPE_OVER" "bindsnoop $b, output to a pipe (| cat)" bindsnoop pipe "$b" 0
	add_row "$S_FULL" bind $TARGET_FULL "bindsnoop $b, perf buffer, to /dev/null" bindsnoop null "$b" 1
	add_row "$S_FULL" bind $TARGET_FULL "bindsnoop $b, perf buffer, to a pipe" bindsnoop pipe "$b" 1
done
for b in "${LOADED[@]}"; do
	FLOOR_ROW=${FLOOR_BIND[$b]} add_row "$S_COUNT" bind "+$TARGET_COUNT_OVER" "bindsnoop $b --count" bindsnoop null "$b" 0 --count
done
add_row "$S_PEER" bind - "floor: two empty BPF programs (bpftrace)" bpftrace floor
add_row "$S_PEER" bind - "bpftrace printf per bind, to /dev/null" bpftrace printf
add_row "$S_PEER" bind - "bpftrace count per comm" bpftrace count
add_row "$S_PEER" bind - "perf trace -e bind -a" perf
add_row "$S_PPID" getppid - "floor: two empty BPF programs (bpftrace)" bpftrace floor
for b in "${LOADED[@]}"; do
	add_row "$S_PPID" getppid - "floor: empty programs on $b's hooks" floor "$b"
	FLOOR_PPID[$b]=$LAST_ROW
	if [ "$b" = tracepoint ] && [ "$(uname -m)" = x86_64 ]; then
		add_row "$S_PPID" getppid - "floor: $b's hooks without the 32-bit bind program" floor "$b" --no-compat
	fi
	FLOOR_ROW=${FLOOR_PPID[$b]} add_row "$S_PPID" getppid - "bindsnoop $b, output to /dev/null" bindsnoop null "$b" 0
done
add_row "$S_PPID" getppid - "bpftrace count per comm" bpftrace count
add_row "$S_PPID" getppid - "perf trace -e bind -a" perf

HARNESS_ERRORS=0
FOREIGN_RUNS=0
UNTRACED_RUNS=0
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
T0=$EPOCHREALTIME

# Warm the caches (and the port allocator) once before the first pair.
run_loop bind "$BIND_ITERS" >/dev/null || die "bench/bindloop.c does not run: see above"

for ((round = 1; round <= ROUNDS; round++)); do
	for i in "${!ROW_LABEL[@]}"; do
		[ -n "${ROW_SKIP[i]}" ] && continue
		note "round $round/$ROUNDS: ${ROW_LABEL[i]}, ${ROW_LOOP[i]} loop"
		iters=$BIND_ITERS
		[ "${ROW_LOOP[i]}" = getppid ] && iters=$PPID_ITERS

		T_PIDS=()
		[ "$(foreign_tracers)" != 0 ] && FOREIGN_RUNS=$((FOREIGN_RUNS + 1))
		UNTRACED_RUNS=$((UNTRACED_RUNS + 1))
		if ! untraced=$(run_loop "${ROW_LOOP[i]}" "$iters"); then
			ROW_SKIP[i]="FAILED: the untraced loop failed in round $round"
			HARNESS_ERRORS=$((HARNESS_ERRORS + 1))
			continue
		fi
		# shellcheck disable=SC2086
		if ! tracer_start ${ROW_TRACER[i]}; then
			if [ "$round" = 1 ]; then
				ROW_SKIP[i]="not run: $T_WHY"
			else
				ROW_SKIP[i]="FAILED in round $round: $T_WHY"
				HARNESS_ERRORS=$((HARNESS_ERRORS + 1))
			fi
			continue
		fi
		cpu0=$(cpu_ns "${T_PIDS[@]}")
		traced=$(run_loop "${ROW_LOOP[i]}" "$iters") || traced=
		# What waits below the ring's wake-up mark is read within a poll interval.
		sleep 0.2
		cpu1=$(cpu_ns "${T_PIDS[@]}")
		tracer_stop
		rc=$?
		if [ -z "$traced" ]; then
			ROW_SKIP[i]="FAILED: the traced loop failed in round $round"
			HARNESS_ERRORS=$((HARNESS_ERRORS + 1))
			continue
		fi
		if [ "$rc" != 0 ]; then
			ROW_SKIP[i]="FAILED: the tracer exited $rc in round $round: $(failure_reason)"
			HARNESS_ERRORS=$((HARNESS_ERRORS + 1))
			continue
		fi
		# untraced traced reader-CPU ops, untraced and traced loop CPU per op
		echo "${untraced% *} ${traced% *} $((cpu1 - cpu0)) $iters ${untraced#* } ${traced#* }" \
			>>"$WORK/row.$i"
		# bindsnoop's closing line: in total N events lost, N binds not traced, N not counted
		read -r l1 l2 l3 <<<"$(loss_totals "$T_ERR")"
		read -r d1 d2 d3 <<<"${ROW_DROPS[i]}"
		ROW_DROPS[i]="$((d1 + l1)) $((d2 + l2)) $((d3 + l3))"
	done
done

# ---- the programs' own time per bind (kernel.bpf_stats_enabled) ----
#
# The loop's ratio scatters by ±0.15 between rounds on this shared machine;
# the time the kernel counts inside the programs does not take in the
# other tenants' noise between syscalls. So each backend's floor, full
# output and --count are also measured that way (ROUNDS runs each, median):
# what bindsnoop adds per bind over its floor, as a share of the untraced
# bind, is a steadier "floor + X" than the rounds above.

PROGS_LINES=() PROGS_TARGETS=()

prog_ids() {
	bpftool prog show -j 2>/dev/null | jq -r '.[].id' | sort
}

# ns per bind that the programs TRACER... loaded ran (ids that appeared with it).
progs_ns() {
	local before after ids ns
	before=$(prog_ids)
	tracer_start "$@" || return 1
	after=$(prog_ids)
	ids=$(comm -13 <(echo "$before") <(echo "$after") | paste -sd, -)
	echo 1 >/proc/sys/kernel/bpf_stats_enabled
	run_loop bind "$BIND_ITERS" >/dev/null
	echo 0 >/proc/sys/kernel/bpf_stats_enabled
	ns=$(bpftool prog show -j | jq --argjson ids "[$ids]" \
		'[.[] | select(.id as $i | $ids | index($i)) | .run_time_ns // 0] | add // 0')
	tracer_stop
	[ -n "$ids" ] && echo $((ns / BIND_ITERS))
}

progs_rows() {	# BACKEND UNTRACED_US
	local b=$1 u=$2 r kind f=$WORK/progs
	declare -A med=()
	for kind in floor full count; do
		: >"$f"
		for ((r = 1; r <= ROUNDS; r++)); do
			note "programs' own time: $b, $kind, run $r/$ROUNDS"
			case $kind in
			floor) progs_ns floor "$b" >>"$f" ;;
			full) progs_ns bindsnoop null "$b" 0 >>"$f" ;;
			count) progs_ns bindsnoop null "$b" 0 --count >>"$f" ;;
			esac
		done
		med[$kind]=$(sort -g "$f" | median_min_max | cut -d' ' -f1)
	done
	PROGS_LINES+=("$(printf '%-54s | floor %4s ns | full output %4s ns | --count %4s ns | untraced bind %6.2f us' \
		"bindsnoop $b, median of $ROUNDS" "${med[floor]}" "${med[full]}" "${med[count]}" "$u")")
	for kind in full count; do
		local margin=$TARGET_FULL_OVER
		[ "$kind" = count ] && margin=$TARGET_COUNT_OVER
		PROGS_TARGETS+=("$(awk -v b="$b" -v k="$kind" -v p="${med[$kind]}" -v fl="${med[floor]}" \
			-v u="$u" -v m="$margin" 'BEGIN {
				x = (p - fl) / (u * 1000)
				printf "  %-54s | floor + %.3f <= floor + %s: %s\n", "bindsnoop " b ", " (k == "full" ? "full output" : "--count") ", programs\x27 own time",
					x, m, x <= m ? "met" : sprintf("MISSED by %.3f", x - m)
			}')")
	done
}

if command -v bpftool >/dev/null && command -v jq >/dev/null &&
	[ -w /proc/sys/kernel/bpf_stats_enabled ]; then
	for b in "${LOADED[@]}"; do
		# The untraced bind: the median of every untraced run of the bind rows.
		u=$(for i in "${!ROW_LOOP[@]}"; do
			[ "${ROW_LOOP[i]}" = bind ] && [ -s "$WORK/row.$i" ] && cat "$WORK/row.$i"
		done | awk '{ print $1 / 1000 }' | sort -g | median_min_max | cut -d' ' -f1)
		progs_rows "$b" "$u"
	done
else
	PROGS_LINES+=("not run: needs bpftool, jq and a writable kernel.bpf_stats_enabled")
fi

# ---- lost events: a storm of binds from one workload, -p PID ----

STORM_LINES=()
STORM_LOST_1=
PEAK_RSS_KB=0

storm() {	# BINDS THREADS PERFBUF
	local threads=$2 perfbuf=$3 per=$(($1 / $2)) wl wcpid i line backend
	local binds printed lost total_lost not_traced hwm secs balance label t0 t1 rc
	label="bindsnoop, $([ "$perfbuf" = 1 ] && echo "perf buffer" || echo "ring buffer"), $threads thread$([ "$threads" -gt 1 ] && echo s)"
	note "storm: $label, $((per * threads)) binds"

	"$WORKLOAD" -S -q -n "$per" -j "$threads" >"$WORK/storm.wl" 2>&1 &
	wl=$!
	LIVE[$wl]=1
	for ((i = 0; i < 1000; i++)); do
		grep -q '^ready pid=' "$WORK/storm.wl" && break
		sleep 0.01
	done

	T_PIDS=() T_MAIN='' T_WHY=''
	: >"$T_ERR"
	rm -f "$WORK/fifo" && mkfifo "$WORK/fifo"
	wc -l <"$WORK/fifo" >"$WORK/storm.count" &
	wcpid=$!
	started "$wcpid"
	BINDSNOOP_FORCE_PERFBUF=$perfbuf "$BS" -v -p "$wl" >"$WORK/fifo" 2>"$T_ERR" &
	T_MAIN=$!
	started $!
	if ! await_ready bindsnoop_ready; then
		kill -KILL "$wl" 2>/dev/null
		reap "$wl"
		STORM_LINES+=("$(printf '%-54s | not run: %s' "$label" "$T_WHY")")
		HARNESS_ERRORS=$((HARNESS_ERRORS + 1))
		return
	fi
	backend=$(chosen_backend "$T_ERR")
	label=${label/bindsnoop,/bindsnoop ${backend:-?},}

	t0=$EPOCHREALTIME
	kill -USR1 "$wl"
	reap "$wl" 3600
	t1=$EPOCHREALTIME
	sleep 0.5
	hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$T_MAIN/status" 2>/dev/null)
	tracer_stop
	rc=$?

	binds=$(workload_binds "$WORK/storm.wl")
	printed=$(($(cat "$WORK/storm.count") - 1))	# the header line
	lost=$(awk '/^bindsnoop: [0-9]+ events lost: / { n += $2 } END { print n + 0 }' "$T_ERR")
	read -r total_lost not_traced _ <<<"$(loss_totals "$T_ERR")"
	secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
	if [ -z "$binds" ]; then
		balance="FAILED: the workload said: $(head -c 100 "$WORK/storm.wl")"
		HARNESS_ERRORS=$((HARNESS_ERRORS + 1))
	elif [ "$lost" != "$total_lost" ]; then
		balance="MISMATCH: lost lines add up to $lost, the total line says $total_lost"
		HARNESS_ERRORS=$((HARNESS_ERRORS + 1))
	elif [ $((printed + total_lost + not_traced)) != "$binds" ]; then
		balance="MISMATCH: printed + lost = $((printed + total_lost + not_traced)), binds = $binds"
		[ $((printed + total_lost / 2 + not_traced)) = "$binds" ] &&
			balance="$balance (each lost event counted twice?)"
		HARNESS_ERRORS=$((HARNESS_ERRORS + 1))
	else
		balance="balance ok"
	fi
	[ "$rc" != 0 ] && {
		balance="$balance; bindsnoop exited $rc"
		HARNESS_ERRORS=$((HARNESS_ERRORS + 1))
	}
	[ -n "$hwm" ] && [ "$hwm" -gt "$PEAK_RSS_KB" ] && PEAK_RSS_KB=$hwm
	line=$(printf '%-54s | binds %8s | printed %8s | lost %7s | %s | peak RSS %5.1f MB | %s s' \
		"$label" "${binds:-?}" "$printed" "$total_lost" "$balance" \
		"$(awk -v k="${hwm:-0}" 'BEGIN { print k / 1024 }')" "$secs")
	[ "$not_traced" != 0 ] && line="$line | not traced $not_traced"
	STORM_LINES+=("$line")
	[ "$threads" = 1 ] && [ "$perfbuf" = 0 ] && STORM_LOST_1=$total_lost
	return 0
}

# The perf buffer (kernels before 5.8) is slower per event: a fifth of the storm.
STORM_PERFBUF=$((STORM / 5))
storm "$STORM" 1 0
storm "$STORM" 2 0
storm "$STORM_PERFBUF" 1 1
storm "$STORM_PERFBUF" 2 1

# ---- start-up: exec to the header line, and peak RSS ----

STARTUP_LINES=()
STARTUP_MEDIAN_MS=

startup() {	# LABEL ARGS...
	local label=$1 out
	shift
	note "start-up: $label"
	if ! out=$("$STARTUP" -n "$STARTUP_RUNS" -- "$BS" "$@"); then
		STARTUP_LINES+=("$(printf '%-54s | FAILED: %s' "$label" "$(grep -m1 failed <<<"$out")")")
		HARNESS_ERRORS=$((HARNESS_ERRORS + 1))
		return
	fi
	read -r ms_med ms_min ms_max < <(sed -n 's/^startup_ns=\([0-9]*\) .*/\1/p' <<<"$out" |
		awk '{ print $1 / 1e6 }' | sort -g | median_min_max)
	read -r kb_med _ kb_max < <(sed -n 's/.* maxrss_kb=\([0-9]*\) .*/\1/p' <<<"$out" |
		sort -g | median_min_max)
	[ "${kb_max%.*}" -gt "$PEAK_RSS_KB" ] && PEAK_RSS_KB=${kb_max%.*}
	[ -z "$STARTUP_MEDIAN_MS" ] && STARTUP_MEDIAN_MS=$ms_med
	STARTUP_LINES+=("$(printf '%-54s | median %6.1f ms | min %6.1f ms | max %6.1f ms | peak RSS %5.1f MB (max %5.1f MB)' \
		"$label" "$ms_med" "$ms_min" "$ms_max" \
		"$(awk -v k="$kb_med" 'BEGIN { print k / 1024 }')" "$(awk -v k="$kb_max" 'BEGIN { print k / 1024 }')")")
}

startup "bindsnoop (auto backend), exec to header"
for b in "${LOADED[@]}"; do
	startup "bindsnoop --backend $b, exec to header" --backend "$b"
done

# ---- --existing: the list of EXISTING_SOCKETS held sockets, its time and peak RSS ----

EXISTING_LINES=()

# existing_row LABEL ARGS...: bindsnoop --existing -v ARGS, 5 runs, output to
# /dev/null: the listing's time as -v gives it (iterate, print) and
# the run's peak RSS (GNU time), medians, min and max.
existing_row() {
	local label=$1 i out ms=() kb=() ms_med ms_min ms_max kb_med kb_max listed=
	shift
	for i in 1 2 3 4 5; do
		out=$(/usr/bin/time -f 'maxrss_kb=%M' "$BS" --existing -v -d 0.001 "$@" 2>&1 >/dev/null)
		[[ $out =~ existing\ sockets:\ ([0-9]+)\ listed\ in\ ([0-9]+)\ ms ]] || break
		listed=${BASH_REMATCH[1]} ms+=("${BASH_REMATCH[2]}")
		[[ $out =~ maxrss_kb=([0-9]+) ]] && kb+=("${BASH_REMATCH[1]}")
	done
	if [ ${#ms[@]} != 5 ] || [ ${#kb[@]} != 5 ]; then
		EXISTING_LINES+=("$(printf '%-54s | FAILED: %s' "$label" "$(grep -m1 bindsnoop: <<<"$out")")")
		HARNESS_ERRORS=$((HARNESS_ERRORS + 1))
		return
	fi
	read -r ms_med ms_min ms_max < <(printf '%s\n' "${ms[@]}" | sort -g | median_min_max)
	read -r kb_med _ kb_max < <(printf '%s\n' "${kb[@]}" | sort -g | median_min_max)
	EXISTING_LINES+=("$(printf '%-54s | %7s listed | median %5.0f ms | min %5.0f ms | max %5.0f ms | peak RSS %5.1f MB (max %5.1f MB)' \
		"$label" "$listed" "$ms_med" "$ms_min" "$ms_max" \
		"$(awk -v k="$kb_med" 'BEGIN { print k / 1024 }')" "$(awk -v k="$kb_max" 'BEGIN { print k / 1024 }')")")
}

# --holders: 3 binds that fail against 3 of the held sockets (3 look-ups,
# each iterating every socket), the mean time -v gives at exit.
holders_row() {
	local label="--holders, one look-up among the held sockets" out bs port
	"$BS" -E --holders -v >/dev/null 2>"$WORK/holders.err" &
	bs=$!
	if ! wait_banner "$WORK/holders.err" "$bs"; then
		EXISTING_LINES+=("$(printf '%-54s | FAILED: %s' "$label" "$(grep -m1 bindsnoop: "$WORK/holders.err")")")
		HARNESS_ERRORS=$((HARNESS_ERRORS + 1))
		return
	fi
	# A second apart: the budget allows 100 ms of look-ups a second, less than one here.
	for port in 10000 10001 10002; do
		"$WORKLOAD" -t udp -p "$port" -q >/dev/null 2>&1
		sleep 1.1
	done
	kill -INT "$bs"
	wait "$bs"
	out=$(grep '^bindsnoop: holders: ' "$WORK/holders.err")
	if [[ $out =~ holders:\ ([0-9]+)\ looked\ up\ \(([0-9.]+)\ ms\ each\) ]]; then
		EXISTING_LINES+=("$(printf '%-54s | %7s look-ups | mean %6s ms' "$label" "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}")")
	else
		EXISTING_LINES+=("$(printf '%-54s | FAILED: %s' "$label" "${out:-no holders line}")")
		HARNESS_ERRORS=$((HARNESS_ERRORS + 1))
	fi
}

existing_rows() {
	# Held by as many processes as RLIMIT_NOFILE's hard limit asks for.
	local per=$(($(ulimit -Hn) - 100)) first=0 k=0 n pids=()
	[ "$per" -le 50000 ] || per=50000
	note "--existing: $EXISTING_SOCKETS UDP sockets held by $(((EXISTING_SOCKETS + per - 1) / per)) processes"
	while [ "$first" -lt "$EXISTING_SOCKETS" ]; do
		n=$((EXISTING_SOCKETS - first < per ? EXISTING_SOCKETS - first : per))
		"$HOLDSOCKETS" "$first" "$n" >"$WORK/hold.$k" 2>&1 &
		pids+=($!)
		first=$((first + n)) k=$((k + 1))
	done
	for ((k = 0; k < ${#pids[@]}; k++)); do
		if ! wait_for_line "$WORK/hold.$k" '^ready' 600 "${pids[$k]}"; then
			EXISTING_LINES+=("FAILED: holdsockets: $(head -n 1 "$WORK/hold.$k")")
			HARNESS_ERRORS=$((HARNESS_ERRORS + 1))
			kill "${pids[@]}" 2>/dev/null
			wait "${pids[@]}" 2>/dev/null
			return
		fi
	done
	existing_row "--existing, table"
	existing_row "--existing -j" -j
	# Every socket iterated, none printed: the kernel's part and the load.
	existing_row "--existing -P 1 (iterated, none printed)" -P 1
	holders_row
	kill "${pids[@]}" 2>/dev/null
	wait "${pids[@]}" 2>/dev/null
	existing_row "--existing, these sockets closed (the floor)"
}

existing_rows

# ---- the backends this kernel cannot run, in qemu guests (bench/vm.sh) ----

GUEST_LINES=() GUEST_TARGETS=()
declare -A GUEST_ROW_NAMES=([bind]="bind, full output" [perfbuf]="bind, perf buffer"
	[count]="bind, --count (each bind a new key)" [getppid]="getppid()"
	[count_samekey]="bind, --count (the same key)" [floor]="floor: empty programs, bind"
	[floor_samekey]="floor, bind to a fixed port" [floor_getppid]="floor, getppid()"
	[floor_nocompat_getppid]="floor without the 32-bit program, getppid()"
	[progs_floor]="programs' own time per bind: floor" [progs_bind]="programs' own time per bind: full output"
	[progs_count]="programs' own time per bind: --count"
	[progs_floor_samekey]="programs' own time per bind: floor, a fixed port"
	[progs_count_samekey]="programs' own time per bind: --count, the same key"
	[progs_filtered]="programs' own time per bind: -P, another port"
	[floor_uring_nop]="floor, io_uring NOP" [uring_nop]="io_uring NOP (not a bind)"
	[floor_setsockopt]="floor, setsockopt(SO_REUSEADDR)" [setsockopt]="setsockopt(SO_REUSEADDR) (not a bindx)"
	[progs_floor_uring_nop]="programs' own time per io_uring NOP: floor"
	[progs_uring_nop]="programs' own time per io_uring NOP"
	[uring_nop_autobind]="io_uring NOP, --autobind"
	[progs_uring_nop_autobind]="programs' own time per io_uring NOP, --autobind"
	[startup]="start-up, exec to header, and peak RSS")
# What each row is measured against (its floor), and by how much it may exceed it.
declare -A GUEST_FLOOR_OF=([bind]=floor [perfbuf]=floor [count]=floor
	[count_samekey]=floor_samekey [getppid]=floor_getppid [uring_nop]=floor_uring_nop
	[setsockopt]=floor_setsockopt)
# A request that is not a bind pays the io_uring hooks and next to nothing more (issue 21).
# The same for a setsockopt that is not a bindx (issue 21: SCTP's bindx).
declare -A GUEST_MARGIN=([bind]=0.02 [perfbuf]=0.04 [count]=0.01 [count_samekey]=0.01
	[uring_nop]=0.02 [setsockopt]=0.02)
# --autobind's programs on a sendto() and a connect() that take no port (issue 21).
GUEST_ROW_NAMES+=([floor_sendto]="floor, UDP sendto() with a port" [sendto]="UDP sendto() with a port, --autobind"
	[floor_connect]="floor, UDP connect() with a port" [connect]="UDP connect() with a port, --autobind"
	[progs_floor_sendto]="programs' own time per sendto(): floor"
	[progs_sendto]="programs' own time per sendto(): --autobind"
	[progs_floor_connect]="programs' own time per connect(): floor"
	[progs_connect]="programs' own time per connect(): --autobind"
	[floor_getppid_autobind]="floor, getppid(), --autobind's hooks"
	[getppid_autobind]="getppid(), --autobind")
GUEST_FLOOR_OF+=([sendto]=floor_sendto [connect]=floor_connect
	[getppid_autobind]=floor_getppid_autobind)
GUEST_MARGIN+=([sendto]=0.02 [connect]=0.02)
TARGET_GUEST_PPID=1.02

guests() {
	local out=$WORK/vm.out release backend row rest cpu min max wall u t label key floor over
	declare -A cpu_of=()
	note "qemu guests: bench/vm.sh${*:+ $*} (one kernel after the other)"
	if ! command -v qemu-system-x86_64 >/dev/null; then
		GUEST_LINES+=("not run: qemu-system-x86_64 is not installed (make deps installs it)")
		return
	fi
	if ! bench/vm.sh "$@" >"$out" 2>"$WORK/vm.err"; then
		GUEST_LINES+=("FAILED: $(head -n 1 "$WORK/vm.err")")
		HARNESS_ERRORS=$((HARNESS_ERRORS + 1))
	fi
	# The floors first, so every row can be read as "floor + X".
	while read -r release backend row rest; do
		[[ $rest =~ ^cpu=([0-9.]+) ]] && cpu_of[$release/$backend/$row]=${BASH_REMATCH[1]}
	done <"$out"
	while read -r release backend row rest; do
		label="${release%%-amd64} $backend, ${GUEST_ROW_NAMES[$row]:-$row}"
		case $rest in
		prog_ns=*)
			# Guest ns under -icount: instructions the programs ran.
			GUEST_LINES+=("$(printf '%-62s | %s ns (instructions) per op' "$label" "${rest#*=}")")
			continue
			;;
		startup_ms=*)
			# Guest ms: a million instructions, not a time to hold to 100 ms; RSS is real.
			[[ $rest =~ startup_ms=([0-9.]+)\ maxrss_kb=([0-9]+) ]] ||
				{ GUEST_LINES+=("$label: unreadable: $rest"); HARNESS_ERRORS=$((HARNESS_ERRORS + 1)); continue; }
			local mb
			mb=$(awk -v k="${BASH_REMATCH[2]}" 'BEGIN { printf "%.1f", k / 1024 }')
			GUEST_LINES+=("$(printf '%-62s | %s million instructions (guest ms), median of 5 | peak RSS %s MB' \
				"$label" "${BASH_REMATCH[1]}" "$mb")")
			GUEST_TARGETS+=("$(printf '%-62s | %s MB <= %s MB: %s' "${release%%-amd64} $backend, peak RSS (guest)" \
				"$mb" "$TARGET_RSS_MB" "$(verdict "$mb" "$TARGET_RSS_MB" MB)")")
			continue
			;;
		skipped=* | failed=*)
			GUEST_LINES+=("$(printf '%-62s | %s' "$label" "${rest#*=}")")
			[[ $rest == failed=* ]] && HARNESS_ERRORS=$((HARNESS_ERRORS + 1))
			continue
			;;
		esac
		[[ $rest =~ cpu=([0-9.]+)\ min=([0-9.]+)\ max=([0-9.]+)\ wall=([0-9.]+)\ untraced_us=([0-9.]+)\ traced_us=([0-9.]+) ]] ||
			{ GUEST_LINES+=("$label: unreadable: $rest"); HARNESS_ERRORS=$((HARNESS_ERRORS + 1)); continue; }
		cpu=${BASH_REMATCH[1]} min=${BASH_REMATCH[2]} max=${BASH_REMATCH[3]}
		wall=${BASH_REMATCH[4]} u=${BASH_REMATCH[5]} t=${BASH_REMATCH[6]}
		key=${GUEST_FLOOR_OF[$row]:-}
		floor=${key:+${cpu_of[$release/$backend/$key]:-}}
		over=
		[ -n "$floor" ] && over=$(awk -v c="$cpu" -v f="$floor" 'BEGIN { printf "floor %.2f + %.2f", f, c - f }')
		GUEST_LINES+=("$(printf '%-62s | CPU-time %5.2fx | %-20s | min %5.2fx | max %5.2fx | wall %5.2fx | untraced %7.2f us | traced %7.2f us' \
			"$label" "$cpu" "${over:--}" "$min" "$max" "$wall" "$u" "$t")")
		if [ -n "$floor" ] && [ -n "${GUEST_MARGIN[$row]:-}" ]; then
			local ceiling
			ceiling=$(awk -v f="$floor" -v m="${GUEST_MARGIN[$row]}" 'BEGIN { printf "%.2f", f + m }')
			GUEST_TARGETS+=("$(printf '%-62s | %5.2fx <= floor %.2f + %s: %s' "${release%%-amd64} $backend, ${GUEST_ROW_NAMES[$row]} (guest)" \
				"$cpu" "$floor" "${GUEST_MARGIN[$row]}" "$(verdict "$cpu" "$ceiling" x)")")
		fi
		if [ "$row" = getppid ] && [ "$backend" != tracepoint ]; then
			GUEST_TARGETS+=("$(printf '%-62s | %5.2fx <= %sx: %s' "getppid, $backend, ${release%%-amd64} (guest)" \
				"$cpu" "$TARGET_GUEST_PPID" "$(verdict "$cpu" "$TARGET_GUEST_PPID" x)")")
		fi
	done <"$out"
}


# ---- the report ----

# Row $1's figures from its rounds, or its reason for having none.
row_line() {
	local i=$1 f=$WORK/row.$1 r rmin rmax u t c cr d1 d2 d3
	if [ ! -s "$f" ]; then
		printf '  %-54s | %s\n' "${ROW_LABEL[i]}" "${ROW_SKIP[i]:-no rounds}"
		return
	fi
	read -r r rmin rmax < <(awk '{ print $2 / $1 }' "$f" | sort -g | median_min_max)
	read -r u _ < <(awk '{ print $1 / 1000 }' "$f" | sort -g | median_min_max)
	read -r t _ < <(awk '{ print $2 / 1000 }' "$f" | sort -g | median_min_max)
	read -r c _ < <(awk '{ print $3 / $4 / 1000 }' "$f" | sort -g | median_min_max)
	read -r cr _ < <(awk '{ print $6 / $5 }' "$f" | sort -g | median_min_max)
	printf '  %-54s | median %5.2fx | min %5.2fx | max %5.2fx | CPU-time %5.2fx | untraced %6.2f us | traced %6.2f us | reader CPU %5.2f us/op' \
		"${ROW_LABEL[i]}" "$r" "$rmin" "$rmax" "$cr" "$u" "$t" "$c"
	local fl=${ROW_FLOOR[i]:-}
	if [ -n "$fl" ] && [ -s "$WORK/row.$fl" ]; then
		printf ' | floor %.2f + %.2f' "$(row_median "$fl")" "$(awk -v r="$r" -v f="$(row_median "$fl")" 'BEGIN { print r - f }')"
	fi
	[ -n "${ROW_SKIP[i]}" ] && printf ' | %s' "${ROW_SKIP[i]}"
	read -r d1 d2 d3 <<<"${ROW_DROPS[i]}"
	[ "$d1" != 0 ] && printf ' | %s events lost' "$d1"
	[ "$d2" != 0 ] && printf ' | %s binds not traced' "$d2"
	[ "$d3" != 0 ] && printf ' | %s binds not counted (table full)' "$d3"
	printf '\n'
}

row_median() {
	awk '{ print $2 / $1 }' "$WORK/row.$1" | sort -g | median_min_max | cut -d' ' -f1
}

# "met" or "MISSED by ..." for VALUE against a ceiling.
verdict() {	# VALUE CEILING UNIT
	awk -v v="$1" -v c="$2" -v u="$3" 'BEGIN {
		if (v <= c) print "met"
		else if (u == "x") printf "MISSED by %.2fx\n", v - c
		else printf "MISSED by %.1f %s\n", v - c, u
	}'
}

report() {
	local i section='' mode=full v
	[ "$QUICK" = 1 ] && mode="quick (CI: proves the harness runs; the figures mean nothing)"
	echo "bindsnoop benchmark, $mode"
	echo "date      $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "kernel    $(uname -r) $(uname -m)"
	echo "CPU       $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), $(nproc) cores"
	echo "commit    $COMMIT${DIRTY:+ + uncommitted changes to: $DIRTY}"
	echo "tools     ${BS_VERSION:-bindsnoop ?}; $(bpftrace --version 2>/dev/null || echo 'no bpftrace');" \
		"$(perf --version 2>/dev/null || echo 'no perf')"
	echo "loops     bind: socket()+bind(127.0.0.1:0)+close(), $BIND_ITERS per run, 1 thread;" \
		"getppid: $PPID_ITERS per run"
	echo "method    $ROUNDS rounds; in each, every row runs the loop untraced, then traced;"
	echo "          ratio = traced / untraced time per op; median, min, max over the rounds"
	echo "columns   median/min/max: wall-clock ratio; CPU-time: median ratio of the loop's own"
	echo "          CPU time (steadier when others use the machine); untraced/traced: median"
	echo "          time per op; reader CPU: the tracer's processes' CPU time per op"
	echo "machine   load average $LOAD_START at start, $LOAD_END at end; $FOREIGN_RUNS of" \
		"$UNTRACED_RUNS untraced runs had someone else's program on a syscall tracepoint"
	if [ "$FOREIGN_RUNS" != 0 ]; then
		echo "          so the untraced runs already paid the syscall-tracepoint slow path:"
		echo "          every ratio below reads low, the floor's most (on a clean machine it"
		echo "          is the cost of that slow path plus two empty programs)"
	fi
	echo "took      $ELAPSED s"
	for i in "${!ROW_LABEL[@]}"; do
		if [ "${ROW_SECTION[i]}" != "$section" ]; then
			section=${ROW_SECTION[i]}
			echo
			echo "$section"
		fi
		row_line "$i"
	done
	echo
	echo "Programs' own time per bind (kernel.bpf_stats_enabled, this machine's ns): the"
	echo "floor's empty programs, bindsnoop's; X = (bindsnoop - floor) / untraced bind"
	printf '  %s\n' "${PROGS_LINES[@]}"
	echo
	echo "Lost events: a storm of $STORM binds ($STORM_PERFBUF over the perf buffer) from"
	echo "tests/workload, bindsnoop -v -p PID | wc -l, default buffer sizes; printed + lost"
	echo "must equal the binds made"
	printf '  %s\n' "${STORM_LINES[@]}"
	echo
	echo "Start-up (exec to the header line on stdout, $STARTUP_RUNS runs) and peak RSS"
	printf '  %s\n' "${STARTUP_LINES[@]}"
	echo
	echo "--existing: the list of $EXISTING_SOCKETS held UDP sockets (bench/holdsockets.c), 5 runs,"
	echo "output to /dev/null; the time is -v's (iterate, print), RSS the whole run's;"
	echo "--holders: 3 binds failing against held sockets, the look-up's mean time (-v)"
	printf '  %s\n' "${EXISTING_LINES[@]}"
	echo
	echo "Other kernels: Debian's kernels in qemu (bench/vm.sh), fentry and kprobe included."
	echo "TCG with -icount, so guest time counts instructions: steady ratios, no absolute"
	echo "times. One vCPU: bindsnoop's reader shares the loop's CPU, so the figure is the"
	echo "traced loop's own CPU time, traced/untraced; wall (median) includes the reader."
	printf '  %s\n' "${GUEST_LINES[@]}"
	echo
	if [ "$QUICK" = 1 ]; then echo "Targets (quick mode: not meaningful)"; else echo "Targets"; fi
	local fl ceiling c
	for i in "${!ROW_LABEL[@]}"; do
		[ "${ROW_TARGET[i]}" = - ] && continue
		[ -s "$WORK/row.$i" ] || continue
		v=$(row_median "$i")
		if [ "${ROW_TARGET[i]}" = floor ]; then
			fl=${ROW_FLOOR[i]}
			[ -s "$WORK/row.$fl" ] || continue
			ceiling=$(awk -v f="$(row_median "$fl")" -v m="${ROW_MARGIN[i]}" 'BEGIN { printf "%.2f", f + m }')
			printf '  %-54s | %5.2fx <= floor %.2f + %s: %s\n' "${ROW_LABEL[i]}" "$v" \
				"$(row_median "$fl")" "${ROW_MARGIN[i]}" "$(verdict "$v" "$ceiling" x)"
		else
			printf '  %-54s | %5.2fx <= %sx: %s\n' "${ROW_LABEL[i]}" "$v" "${ROW_TARGET[i]}" \
				"$(verdict "$v" "${ROW_TARGET[i]}" x)"
		fi
	done
	# The reader's own CPU per event, for bindsnoop's full-output rows.
	for i in "${!ROW_LABEL[@]}"; do
		if [[ ${ROW_TRACER[i]} != "bindsnoop null "*" 0" ]] || [ "${ROW_LOOP[i]}" != bind ] ||
			[ ! -s "$WORK/row.$i" ]; then
			continue
		fi
		c=$(awk '{ print $3 / $4 / 1000 }' "$WORK/row.$i" | sort -g | median_min_max | cut -d' ' -f1)
		printf '  %-54s | %.2f us <= %s us: %s\n' "reader CPU per event, ${ROW_LABEL[i]#bindsnoop }" \
			"$c" "$TARGET_READER_US" "$(verdict "$c" "$TARGET_READER_US" us)"
	done
	if [ -n "$STORM_LOST_1" ]; then
		printf '  %-54s | %s lost: %s\n' "0 lost of $STORM binds from 1 thread" "$STORM_LOST_1" \
			"$(verdict "$STORM_LOST_1" 0 events)"
	fi
	if [ -n "$STARTUP_MEDIAN_MS" ]; then
		printf '  %-54s | %.1f ms <= %s ms: %s\n' "start-up, median" "$STARTUP_MEDIAN_MS" \
			"$TARGET_STARTUP_MS" "$(verdict "$STARTUP_MEDIAN_MS" "$TARGET_STARTUP_MS" ms)"
	fi
	v=$(awk -v k="$PEAK_RSS_KB" 'BEGIN { printf "%.1f", k / 1024 }')
	printf '  %-54s | %s MB <= %s MB: %s\n' "peak RSS (start-up and storms)" "$v" "$TARGET_RSS_MB" \
		"$(verdict "$v" "$TARGET_RSS_MB" MB)"
	[ ${#PROGS_TARGETS[@]} -gt 0 ] && printf '%s\n' "${PROGS_TARGETS[@]}"
	[ ${#GUEST_TARGETS[@]} -gt 0 ] && printf '  %s\n' "${GUEST_TARGETS[@]}"
	if [ "$HARNESS_ERRORS" != 0 ]; then
		echo
		echo "$HARNESS_ERRORS failure(s): see the FAILED/MISMATCH lines above"
	fi
}

if [ "$QUICK" = 1 ]; then
	guests --quick "${ROWS[@]}"
else
	guests "${ROWS[@]}"
fi

ELAPSED=$(awk -v a="$T0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f", b - a }')
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)

report >"$WORK/report.txt"
cat "$WORK/report.txt"
if [ "$QUICK" = 0 ]; then
	mkdir -p bench/results
	out=bench/results/$(date +%F)-$(uname -r)-$COMMIT.txt
	cp "$WORK/report.txt" "$out.tmp" && mv "$out.tmp" "$out" && note "written to $out"
	# The guests' raw rows too (bench/vm.sh's lines), for tables made from them.
	[ ! -s "$WORK/vm.out" ] || cp "$WORK/vm.out" "${out%.txt}.guests.txt"
fi
[ "$HARNESS_ERRORS" = 0 ]
