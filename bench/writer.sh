#!/usr/bin/env bash
# bench/writer.sh — durable intake on SQLite: one transaction per request at
# synchronous=FULL against the group-commit writer (src/db/writer.h), same
# work (a case row, its audit entry, the data-generation bump), side by side
# in one run. Appends a table to bench/RESULTS.md unless --no-record.
#
#   bench/writer.sh [--no-record] [--seconds N] [--rounds N] [--pg URL]
#
# --pg URL also runs the PostgreSQL comparison of the data-generation bump
# (one row against shards) with 4 processes, each with its own writer; the
# cluster must flush (fsync = on, synchronous_commit = on) for it to mean
# anything. Builds only the writer_bench target (not part of `make all`).
set -euo pipefail
cd "$(dirname "$0")/.."
RECORD=1 SECS=5 ROUNDS=3 PG=
while [ $# -gt 0 ]; do
	case $1 in
	--no-record) RECORD=0 ;;
	--seconds) SECS=$2; shift ;;
	--rounds) ROUNDS=$2; shift ;;
	--pg) PG=$2; shift ;;
	*) echo "usage: $0 [--no-record] [--seconds N] [--rounds N] [--pg URL]" >&2; exit 2 ;;
	esac
	shift
done
BUILD=${BUILD:-build}
[ -f "$BUILD/CMakeCache.txt" ] || cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$BUILD" --target writer_bench -j2 >/dev/null
BIN=$BUILD/writer_bench
# a real disk: fsync on tmpfs costs nothing and would flatter one-per-request
TMP=$(mktemp -d /var/tmp/wm-writer-bench-XXXXXX)
trap 'rm -rf "$TMP"' EXIT
fs=$(df -T "$TMP" | awk 'NR == 2 { print $2 }')

run() { # label args...: one run on a fresh database, prints the result line
	rm -f "$TMP"/w.db*
	"$BIN" "sqlite:$TMP/w.db" "$@" 2>/dev/null
}
rate() { sed -n 's/.* = \([0-9]*\) rows\/s.*/\1/p'; }
p50() { sed -n 's/.*p50 \([0-9.]*\) ms.*/\1/p'; }
p99() { sed -n 's/.*p99 \([0-9.]*\) ms.*/\1/p'; }
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

declare -A R L H
CASES=("txn 1" "txn 64" "writer 1" "writer 64")
for ((round = 1; round <= ROUNDS; round++)); do
	for c in "${CASES[@]}"; do
		set -- $c
		line=$(run "$1" "$2" "$SECS")
		echo "round $round: $line"
		R[$c]+="$(echo "$line" | rate) "
		L[$c]+="$(echo "$line" | p50) "
		H[$c]+="$(echo "$line" | p99) "
	done
done
med() { tr ' ' '\n' <<<"$1" | grep . | median; }
base=$(med "${R[txn 64]}")
table="| submitters | mode | rows/s (median of $ROUNDS × ${SECS} s) | p50 ms | p99 ms | vs 1 txn/request at 64 |
|---:|---|---:|---:|---:|---:|"
for c in "${CASES[@]}"; do
	set -- $c
	r=$(med "${R[$c]}")
	mode=$([ "$1" = txn ] && echo "1 transaction per request, own connection, FULL" || echo "group-commit writer, FULL")
	table+="
| $2 | $mode | $r | $(med "${L[$c]}") | $(med "${H[$c]}") | $(awk -v a="$r" -v b="$base" 'BEGIN { printf "%.1f×", a / b }') |"
done
echo
echo "$table"

pgtable=
if [ -n "$PG" ]; then
	pgtable="| PostgreSQL, 4 processes × 16 submitters, each process its own writer | rows/s | p50 ms | p99 ms |
|---|---:|---:|---:|"
	for g in single shard none; do
		line=$("$BIN" "$PG" writer 64 "$SECS" 4 "$g" 2>/dev/null)
		echo "$line"
		pgtable+="
| data generation: $g | $(echo "$line" | rate) | $(echo "$line" | p50) | $(echo "$line" | p99) |"
	done
	echo
	echo "$pgtable"
fi

if [ "$RECORD" = 1 ]; then
	{
		echo
		echo "## $(date -u '+%Y-%m-%d %H:%M:%S %z') — durable intake (bench/writer.sh) — commit $(git rev-parse --short HEAD)$(git diff --quiet || echo ' (dirty)')"
		echo
		echo "Machine: $(nproc) cores, $(uname -r); SQLite $(sqlite3 --version 2>/dev/null | cut -d' ' -f1 || echo '?') on $fs; load average at end $(cut -d' ' -f1-3 /proc/loadavg)."
		echo "One intake = INSERT of a case row + its audit entry + the data-generation bump, committed at synchronous=FULL (WAL)."
		echo
		echo "$table"
		if [ -n "$pgtable" ]; then
			echo
			echo "$pgtable"
		fi
		echo
		echo "Command: \`bench/writer.sh --seconds $SECS --rounds $ROUNDS${PG:+ --pg URL}\`, each run \`$BIN sqlite:DB txn|writer THREADS $SECS\`."
	} >>bench/RESULTS.md
	echo "appended to bench/RESULTS.md"
fi
