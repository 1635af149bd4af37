# dev-process.bash — sourced by tools/dev-run and tools/dev-stop: the
# processes `make run` started, recorded so that `make stop` signals exactly
# those and nothing else. tools/cluster checks its own records (one file per
# part) with the same functions.
#
# .data/dev-run.pid has one line per process, "<role> <pid> <start time>":
# role "supervisor" (tools/dev-run itself) or "server" (erp-server serve).
# The start time is field 22 of /proc/<pid>/stat (clock ticks after boot):
# with the PID it names one process for good, so a PID the kernel gave to
# another program after ours ended is never taken for ours. The command line
# is checked too.

# Read by the files that source this one.
# shellcheck disable=SC2034
DEV_PID_FILE=.data/dev-run.pid
DEV_SERVER_COMMAND='(^|/)erp-server serve$'
DEV_SUPERVISOR_COMMAND='(^|[ /])dev-run$'

# Prints "<state> <start time>" of PID, or fails when there is no such process.
dev_process_stat() {
	local stat fields
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	# Field 2, the command name, is in parentheses and may hold spaces.
	read -ra fields <<<"${stat##*) }"
	# fields[0] is field 3 (the state), fields[19] field 22 (the start time).
	echo "${fields[0]} ${fields[19]}"
}

# Prints the start time of PID (for recording it), or fails.
dev_process_start() {
	local state start
	read -r state start < <(dev_process_stat "$1") || return 1
	echo "$start"
}

# Whether PID still runs (a zombie has stopped) and started at START.
dev_process_alive() {
	local state start
	read -r state start < <(dev_process_stat "$1") || return 1
	[[ "$start" == "$2" && "$state" != Z ]]
}

# Whether PID is alive, started at START, and its command line (arguments
# joined by spaces) matches the extended regular expression PATTERN.
dev_process_is() {
	local cmdline
	dev_process_alive "$1" "$2" || return 1
	cmdline=$(tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null) || return 1
	cmdline=${cmdline% }
	[[ "$cmdline" =~ $3 ]]
}

# Prints "<pid> <start time>" recorded for ROLE, or fails.
dev_process_recorded() {
	local role pid start
	[[ -f "$DEV_PID_FILE" ]] || return 1
	while read -r role pid start; do
		if [[ "$role" == "$1" && "$pid" =~ ^[0-9]+$ && "$start" =~ ^[0-9]+$ ]]; then
			echo "$pid $start"
			return 0
		fi
	done <"$DEV_PID_FILE"
	return 1
}

# Appends "ROLE PID START" to the record, written whole (a new file renamed).
dev_process_record() {
	local start
	start=$(dev_process_start "$2") || return 1
	{
		[[ -f "$DEV_PID_FILE" ]] && cat "$DEV_PID_FILE"
		echo "$1 $2 $start"
	} >"$DEV_PID_FILE.new"
	mv -f "$DEV_PID_FILE.new" "$DEV_PID_FILE"
}
