# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# bash completion for bindsnoop(8).
#
# Installed as share/bash-completion/completions/bindsnoop, where
# bash-completion loads it the first time bindsnoop is completed. It uses
# nothing from bash-completion itself, so it also works when sourced alone.

_bindsnoop_long_opts='--timestamp --wide --print-uid --errors --failed
	--pid --uid --port --count --interval --duration --json
	--journal --cgroupmap --mntnsmap --cgroup --unit --container --owner --via --autobind
	--existing --holders
	--backend --btf
	--verbose --help --usage --version'
_bindsnoop_short_opts='-t -w -U -E -x -p -u -P -i -d -j -c -v -h -V'

# Complete the argument @2 of option @1; COMPREPLY gets each match with
# the prefix @3 in front (for the --opt=value form given as one word).
_bindsnoop_arg()
{
	local opt=$1 cur=$2 prefix=$3 dir
	local -a matches=()

	case $opt in
	--backend)
		mapfile -t matches < <(compgen -W 'auto fentry kprobe tracepoint' -- "$cur")
		;;
	--via)
		# A comma-separated list: complete its last item, keep the ones before.
		local done_items=
		[[ $cur == *,* ]] && done_items=${cur%,*},
		mapfile -t matches < <(compgen -P "$done_items" \
			-W 'bind socketcall io_uring listen bindx connect sendto' -- "${cur##*,}")
		;;
	-p | --pid)
		# Every process that exists now: /proc's numeric entries.
		mapfile -t matches < <(compgen -W "$(command ls /proc 2>/dev/null |
			grep -E '^[0-9]+$')" -- "$cur")
		;;
	--cgroupmap | --mntnsmap)
		# Pinned maps live in bpffs, normally /sys/fs/bpf.
		dir=${cur:-/sys/fs/bpf/}
		mapfile -t matches < <(compgen -f -- "$dir")
		compopt -o filenames 2>/dev/null
		;;
	-c | --cgroup)
		dir=${cur:-/sys/fs/cgroup/}
		mapfile -t matches < <(compgen -d -- "$dir")
		compopt -o filenames 2>/dev/null
		;;
	--btf)
		mapfile -t matches < <(compgen -f -- "$cur")
		compopt -o filenames 2>/dev/null
		;;
	--unit)
		# The services and scopes that have a cgroup now.
		mapfile -t matches < <(compgen -W "$(find /sys/fs/cgroup -type d \
			\( -name '*.service' -o -name '*.scope' \) -printf '%f\n' 2>/dev/null |
			sort -u)" -- "$cur")
		;;
	*)
		# -u UID, -P PORTS, -i/-d SECONDS: numbers, nothing to offer.
		;;
	esac
	COMPREPLY=("${matches[@]/#/$prefix}")
}

_bindsnoop_takes_arg()
{
	case $1 in
	-p | --pid | -u | --uid | -P | --port | -i | --interval | -d | \
	--duration | --cgroupmap | --mntnsmap | -c | --cgroup | --unit | --container | \
	--via | --backend | --btf)
		return 0 ;;
	esac
	return 1
}

_bindsnoop()
{
	local cur=${COMP_WORDS[COMP_CWORD]}
	local prev=
	local prev2=

	COMPREPLY=()
	((COMP_CWORD >= 1)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
	((COMP_CWORD >= 2)) && prev2=${COMP_WORDS[COMP_CWORD - 2]}

	# "--backend=fe" as one word (no '=' in COMP_WORDBREAKS).
	if [[ $cur == --*=* ]]; then
		_bindsnoop_arg "${cur%%=*}" "${cur#*=}" "${cur%%=*}="
		return 0
	fi
	# "--backend" "=" "fe": bash split the word at '=' (the default).
	if [[ $cur == = ]] && _bindsnoop_takes_arg "$prev"; then
		_bindsnoop_arg "$prev" '' ''
		return 0
	fi
	if [[ $prev == = ]] && _bindsnoop_takes_arg "$prev2"; then
		_bindsnoop_arg "$prev2" "$cur" ''
		return 0
	fi
	if _bindsnoop_takes_arg "$prev"; then
		_bindsnoop_arg "$prev" "$cur" ''
		return 0
	fi

	case $cur in
	--*)
		mapfile -t COMPREPLY < <(compgen -W "$_bindsnoop_long_opts" -- "$cur")
		;;
	-*)
		mapfile -t COMPREPLY < <(compgen -W "$_bindsnoop_short_opts $_bindsnoop_long_opts" -- "$cur")
		;;
	*)
		# bindsnoop takes options only; offer them all.
		mapfile -t COMPREPLY < <(compgen -W "$_bindsnoop_short_opts $_bindsnoop_long_opts" -- "$cur")
		;;
	esac
	return 0
}

complete -F _bindsnoop bindsnoop
