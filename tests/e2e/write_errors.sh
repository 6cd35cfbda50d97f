# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# shellcheck shell=bash
#
# tests/e2e/write_errors.sh: the e2e suite's write_errors group (sourced by tests/e2e.sh, which
# holds the tracer, workload and expect helpers it uses).

# A full disk: every output mode stops with one line naming the error, the
# loss report, and exit 1 (only a closed pipe is a quiet end).
group_write_errors() {
	local dir=$TMP/small entry name args rc want stray
	mkdir -p "$dir"
	if ! mount -t tmpfs -o size=32k tmpfs "$dir"; then
		fail write_errors "cannot mount a 32 KiB tmpfs"
		return
	fi
	# name|options|how it ends: "self" (the failed write stops it) or "INT"
	for entry in "table||self" "json|-j|self" "count|--count|INT" \
		"count_interval|--count -i 0.5|self" "count_json|--count -j|INT"; do
		IFS='|' read -r name args how <<<"$entry"
		rm -f "$dir/out"
		# shellcheck disable=SC2086 # options, split on purpose
		TRACER_OUT=$dir/out tracer_start $args ||
			{ fail "write_error_$name" "did not start: $(cat "$TMP/err")"; continue; }
		# 1000 binds, each a new port: more lines, JSON objects or table rows than 32 KiB hold.
		wl -q -n 1000
		if [ "$how" = INT ]; then
			tracer_stop INT
		else
			local i
			for i in $(seq 1 50); do
				kill -0 "$TRACER" 2>/dev/null || break
				sleep 0.1
			done
			if kill -0 "$TRACER" 2>/dev/null; then
				tracer_stop KILL
				fail "write_error_$name" "still running 5 s after the disk filled up"
				continue
			fi
			tracer_stop INT 2>/dev/null
		fi
		check "write_error_${name}_exit_1" "$TRACER_RC" = 1
		want="bindsnoop: writing output: No space left on device"
		# The banner, the error, and at most the loss report.
		stray=$(grep -v -e '^Tracing binds' -e "^$want\$" -e '^bindsnoop: [0-9]* events lost' \
			-e '^bindsnoop: in total ' "$TMP/err")
		check "write_error_${name}_named" "$(grep -c "^$want\$" "$TMP/err"):$stray" = "1:$(unseen_line)"
	done
	rm -f "$dir/out"
	umount "$dir"
}
