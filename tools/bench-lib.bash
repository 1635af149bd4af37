# bench-lib.bash — sourced by tools/bench-ledger, tools/bench-sales and
# tools/bench-cluster: reading wrk's and pgbench's reports, and the few
# statistics their tables show. The callers set PIN_CLIENT (a taskset prefix
# or ""), CONNECTIONS, and for pgbench_measure WORK and DB.

# wrk's latency percentiles, converted to milliseconds.
to_ms() {
	awk -v v="$1" 'BEGIN {
		if (v ~ /us$/) { sub(/us$/, "", v); printf "%.2f", v / 1000 }
		else if (v ~ /ms$/) { sub(/ms$/, "", v); printf "%.2f", v }
		else if (v ~ /s$/) { sub(/s$/, "", v); printf "%.2f", v * 1000 }
		else print v }'
}

# wrk_numbers REPORT -> "rps p50_ms p99_ms non2xx" of a `wrk --latency` report.
wrk_numbers() {
	local rps p50 p99 non2xx
	rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$1")
	p50=$(to_ms "$(awk '$1 == "50%" {print $2}' <<<"$1")")
	p99=$(to_ms "$(awk '$1 == "99%" {print $2}' <<<"$1")")
	non2xx=$(awk '/Non-2xx or 3xx responses:/ {print $5}' <<<"$1")
	echo "$rps $p50 $p99 ${non2xx:-0}"
}

# CPU clock ticks (user and system) PID has used so far.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# wrk_measure PID URL SCRIPT SECONDS -> "rps p50 p99 non2xx server_cpu_ms_per_request":
# wrk (2 threads, CONNECTIONS) runs SCRIPT against URL; PID is the server whose CPU
# time is divided by the requests answered.
wrk_measure() {
	local out before after requests
	before=$(cpu_ticks "$1")
	out=$($PIN_CLIENT wrk -t2 -c"$CONNECTIONS" -d"$4"s --latency -s "$3" "$2")
	after=$(cpu_ticks "$1")
	requests=$(awk '/requests in/ {print $1}' <<<"$out")
	echo "$(wrk_numbers "$out") \
$(awk -v t=$((after - before)) -v n="$requests" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.3f", (n > 0 ? 1000 * t / hz / n : 0)}')"
}

# pgbench_measure SCRIPT SECONDS [-D NAME=VALUE...] -> "tps p50 p99": pgbench with
# CONNECTIONS clients on DB, prepared statements like the server's, per-statement
# latencies off; the percentiles come from its per-transaction log.
pgbench_measure() {
	local script=$1 seconds=$2 log=$WORK/pgbench-log tps p50 p99
	shift 2
	rm -rf "$log" && mkdir -p "$log"
	(cd "$log" && $PIN_CLIENT pgbench -n -M prepared -c "$CONNECTIONS" -j 2 -T "$seconds" -l \
		"$@" -f "$script" "$DB" >"$WORK/pgbench.out" 2>&1) ||
		{ cat "$WORK/pgbench.out" >&2; return 1; }
	# Each log line: client transaction latency_us script_no epoch epoch_us.
	tps=$(awk '/^tps = / {printf "%.2f", $3}' "$WORK/pgbench.out")
	read -r p50 p99 < <(cat "$log"/pgbench_log.* | awk '{print $3}' | sort -n |
		awk '{v[NR] = $1} END {printf "%.2f %.2f\n", v[int(NR * 0.50) + 1] / 1000, v[int(NR * 0.99) + 1] / 1000}')
	echo "$tps $p50 $p99"
}

# The median of the numbers on standard input, one a line.
median() { sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
# ratio A B: A as a percentage of B (0 when B is 0).
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.1f", (b > 0 ? 100 * a / b : 0)}'; }
# verdict VALUE TARGET min|max: "met" when VALUE is at least (min) or under (max) TARGET.
verdict() { awk -v v="$1" -v t="$2" -v dir="$3" 'BEGIN {ok = (dir == "min") ? v >= t : v < t; print ok ? "met" : "NOT met"}'; }
# row ROUND REQUEST BY "rps p50 p99 non2xx cpu": one line of the rounds' table, added to ROWS.
row() { local -a v=($4); ROWS+="| $1 | $2 | $3 | ${v[0]} | ${v[1]} | ${v[2]} | ${v[3]:--} | ${v[4]:--} |"$'\n'; }
