#!/usr/bin/env bash
# Records benchmark: the people register at 10k and at 1M people under a
# 10,000-unit bureau. Import of the big CSV next to a raw batched SQLite
# insert of the same rows, then the people list filtered by a secondary
# unit's subtree (HTML and JSON) and the global search under wrk, next to
# nginx serving a 2 KB file, in the same run, loopback only. See
# bench/README.md ("Records benchmark").
#
# Usage: bench/records.sh [--no-record] [--keep]
#   --no-record  print the tables but do not append them to bench/RESULTS.md
#   --keep       keep the generated CSV/SQL files and databases in bench/out/
# Env: BENCH_WENMING_PORT (18080), BENCH_NGINX_PORT (18081) when taken;
#      RECORDS_SMALL (10000) and RECORDS_BIG (1000000) people;
#      RECORDS_WRK_SECONDS (10) per wrk run
#
# Targets (recorded, never asserted):
#   list page (HTML, 64 connections)    >= 0.5x nginx req/s, p99 <= 20 ms
#   list cost at BIG vs SMALL people    <= 1.5x (cost = 1 / req/s, normalized
#                                          by nginx in the same phase)
#   import of BIG rows                  >= 0.3x the raw batched insert's rows/s
#                                          (into a bare table; also reported
#                                          against the same table with its indexes)
# The lists are also run with the cache off (--cache-size 0), with these
# targets at BIG (issue 7, "Lists that are fast without the cache"):
#   plain list, and list of a unit subtree, one connection    p50 <= 0.3 ms
#   list of a unit subtree, 64 connections                    >= 0.1x nginx
#   list searched with q (3 characters: the trigram index)    p50 <= 5 ms
#   (q of one character, through the grams index of migration 010, is recorded)
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD

RECORD=1
KEEP=0
for a in "$@"; do
	case "$a" in
	--no-record) RECORD=0 ;;
	--keep) KEEP=1 ;;
	-h | --help)
		sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'
		exit 0
		;;
	*)
		echo "records: unknown option $a (try --help)" >&2
		exit 2
		;;
	esac
done

NGINX_PORT=${BENCH_NGINX_PORT:-18081}
WM_PORT=${BENCH_WENMING_PORT:-18080}
SMALL=${RECORDS_SMALL:-10000}
BIG=${RECORDS_BIG:-1000000}
SECS=${RECORDS_WRK_SECONDS:-10}
for v in "RECORDS_SMALL=$SMALL" "RECORDS_BIG=$BIG" "RECORDS_WRK_SECONDS=$SECS"; do
	[[ ${v#*=} =~ ^[1-9][0-9]{0,7}$ ]] || { echo "records: ${v%%=*} must be a whole number from 1 to 99999999, not '${v#*=}'" >&2; exit 2; }
done
WRK_ARGS=(-t2 -c64 "-d${SECS}s" --latency)
WRK_C1_ARGS=(-t1 -c1 "-d${SECS}s" --latency)
WM_THREADS=128
IMPORT_TIMEOUT=900 # seconds, for the big import alone

die() { echo "records: error: $*" >&2; exit 1; }
say() { echo "records: $(date +%H:%M:%S) $*" >&2; }
. "$(dirname "$0")/lib.sh"

WM=$ROOT/build/wenming
[ -x "$WM" ] || die "build/wenming not found: run make first"
for t in wrk curl sqlite3 cc awk script; do
	command -v $t >/dev/null 2>&1 || die "$t not found (Debian: wrk curl sqlite3 gcc gawk util-linux)"
done
NGINX=$(command -v nginx 2>/dev/null || true)
[ -n "$NGINX" ] || { [ -x /usr/sbin/nginx ] && NGINX=/usr/sbin/nginx; } || die "nginx not found (Debian: nginx-light)"

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
port_busy $NGINX_PORT && die "127.0.0.1:$NGINX_PORT is already in use"
port_busy $WM_PORT && die "127.0.0.1:$WM_PORT is already in use"

# --- scratch space (bench/out is gitignored), cleanup --------------------------
OUT=$ROOT/bench/out/records-$(date +%Y%m%d-%H%M%S)
DATA=$OUT/data # generated files and databases: removed at exit unless --keep
mkdir -p "$DATA/nginx/www" "$DATA/nginx/tmp"
# build/ is shared: others may rebuild it during the run. Every step uses
# this copy, and the report names the commit it was built at.
cp -p "$WM" "$DATA/wenming"
WM_BUILT=$(date -r "$DATA/wenming" '+%Y-%m-%d %H:%M:%S')
WM=$DATA/wenming
COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo "no-commit")
[ -z "$(git status --porcelain --untracked-files=no 2>/dev/null)" ] || COMMIT="$COMMIT (dirty)"
NGINX_PID=""
WM_PID=""
SAMPLER_PID=""
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)

cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	stop_pid "$SAMPLER_PID"
	stop_pid "$WM_PID"
	stop_pid "$NGINX_PID"
	cp "$DATA/nginx/error.log" "$OUT/nginx-error.log" 2>/dev/null || true
	if [ $KEEP = 0 ]; then
		rm -rf "$DATA"
	else
		say "kept generated data in ${DATA#$ROOT/}/"
	fi
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

now_ns() { date +%s%N; }
secs_since() { awk -v a="$1" -v b="$(now_ns)" 'BEGIN { printf "%.2f", (b - a) / 1e9 }'; }

# --- 1. data ---------------------------------------------------------------------
say "building the generator"
cc -O2 -std=c11 -Wall -Wextra -o "$DATA/gen" bench/gen/gen.c || die "cannot build bench/gen/gen.c"
t0=$(now_ns)
"$DATA/gen" units "$DATA"
"$DATA/gen" people "$SMALL" "$DATA/people-small.csv"
"$DATA/gen" people "$BIG" "$DATA/people-big.csv"
GEN_SECS=$(secs_since "$t0")
BIG_CSV_BYTES=$(stat -c %s "$DATA/people-big.csv")
say "generated 10,000 units, $SMALL and $BIG people in ${GEN_SECS}s (big CSV $((BIG_CSV_BYTES / 1048576)) MiB)"
Q3=$("$DATA/gen" name 1) # a three-character name: the trigram index
Q2=$("$DATA/gen" name 0) # a two-character name: the scan for < 3 characters
Q1=$(printf %s "$Q3" | head -c 3) # its surname, one character (3 bytes of UTF-8)
[ ${#Q3} = 3 ] && [ ${#Q2} = 2 ] || die "unexpected search names '$Q3' '$Q2'"

# --- 2. databases and the import benchmark ----------------------------------------
declare -A DB IMPORT_SECS TOKEN SUBTREE_PEOPLE UNIT_ID
IMPORT_LOG=$OUT/import.log
: >"$IMPORT_LOG"
import_run() { # label db type file: timed `wenming import`, in a pty so the progress bar shows
	local label=$1 db=$2 type=$3 file=$4 t rc=0
	local cmd="$(printf '%q ' timeout $IMPORT_TIMEOUT "$WM" import "$type" "$file" --db "sqlite:$db")"
	echo "== $label: wenming import $type ${file#$ROOT/}" >>"$IMPORT_LOG"
	t=$(now_ns)
	script -qefc "$cmd" /dev/null >>"$IMPORT_LOG" 2>&1 </dev/null || rc=$?
	IMPORT_SECS[$label]=$(secs_since "$t")
	[ $rc = 0 ] || { tail -c 2000 "$IMPORT_LOG" | tr '\r' '\n' | tail -n 20 >&2; die "import $label failed ($rc)"; }
	say "import $label: ${IMPORT_SECS[$label]} s"
}

for size in small big; do
	DB[$size]=$DATA/$size.db
	"$WM" init --db "sqlite:${DB[$size]}" --password-file "$DATA/pw-$size.txt" >"$OUT/init-$size.log" 2>&1 ||
		{ cat "$OUT/init-$size.log" >&2; die "wenming init failed"; }
	# units in one file, parents first: the importer resolves parent_id by the
	# code of a unit created earlier in the same file
	import_run "units-$size" "${DB[$size]}" units "$DATA/units.csv"
	n=$(sqlite3 "${DB[$size]}" "SELECT count(*) FROM units")
	[ "$n" = 10000 ] || die "expected 10000 units, found $n"
	import_run "people-$size" "${DB[$size]}" people "$DATA/people-$size.csv"
	TOKEN[$size]=$("$WM" token add admin --name bench --db "sqlite:${DB[$size]}" 2>>"$OUT/init-$size.log" | tail -n 1)
	[ -n "${TOKEN[$size]}" ] || die "wenming token add failed"
	# the first secondary unit (U00002, 公路管理局): ~1/13 of the people
	UNIT_ID[$size]=$(sqlite3 "${DB[$size]}" "SELECT id FROM units WHERE code = 'U00002'")
	SUBTREE_UNITS=$(sqlite3 "${DB[$size]}" "SELECT count(*) FROM units u, units g
		WHERE g.id = ${UNIT_ID[$size]} AND u.path >= g.path AND u.path < g.path || '~'")
	SUBTREE_PEOPLE[$size]=$(sqlite3 "${DB[$size]}" "SELECT count(*) FROM people p, units u, units g
		WHERE g.id = ${UNIT_ID[$size]} AND u.path >= g.path AND u.path < g.path || '~' AND p.unit_id = u.id AND p.archived = 0")
done
NBIG=$(sqlite3 "${DB[big]}" "SELECT count(*) FROM people")
NIDX=$(sqlite3 "${DB[big]}" "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'people'")
[ "$NBIG" = "$BIG" ] || die "expected $BIG people, found $NBIG"

# raw baseline: the same BIG rows as multi-row INSERTs of 1,000 rows, one
# transaction each, through the sqlite3 CLI, into a table with the people
# table's columns (no secondary index), same journal and sync settings as
# wenming (WAL, synchronous=NORMAL)
say "raw baseline: generating the SQL"
OFFSET=$(sqlite3 "${DB[big]}" "SELECT min(id) - 1 FROM units")
"$DATA/gen" sql "$BIG" "$OFFSET" "$DATA/people-big.sql"
RAW_DB=$DATA/raw.db
{
	echo "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
	sqlite3 "${DB[big]}" "SELECT sql || ';' FROM sqlite_master WHERE type = 'table' AND name = 'people'" |
		sed 's/^CREATE TABLE people /CREATE TABLE people_raw /'
} | sqlite3 "$RAW_DB" >/dev/null
RAW_RUNS=()
for k in 1 2 3; do # three runs (it is short and the machine noisy): the median counts
	rm -f "$RAW_DB-run" "$RAW_DB-run-wal" "$RAW_DB-run-shm"
	cp "$RAW_DB" "$RAW_DB-run"
	t=$(now_ns)
	timeout 600 sqlite3 "$RAW_DB-run" <"$DATA/people-big.sql" >"$OUT/raw-insert.log" 2>&1 || die "raw insert failed (see $OUT/raw-insert.log)"
	RAW_RUNS+=("$(secs_since "$t")")
	n=$(sqlite3 "$RAW_DB-run" "SELECT count(*) FROM people_raw")
	[ "$n" = "$BIG" ] || die "raw insert: expected $BIG rows, found $n"
done
RAW_SECS=$(printf '%s\n' "${RAW_RUNS[@]}" | sort -n | sed -n 2p)
say "raw insert: ${RAW_RUNS[*]} s (median $RAW_SECS)"
# the same rows into the people table as wenming defines it, the fastest raw
# way: the last run's bare table, then the people table's indexes built on it
sqlite3 "${DB[big]}" "SELECT replace(sql, ' ON people(', ' ON people_raw(') || ';' FROM sqlite_master
	WHERE type = 'index' AND tbl_name = 'people' AND sql IS NOT NULL" |
	sed 's/INDEX people_/INDEX raw_people_/' >"$DATA/raw-indexes.sql"
t=$(now_ns)
{ echo "PRAGMA cache_size = -262144;"; cat "$DATA/raw-indexes.sql"; } | timeout 600 sqlite3 "$RAW_DB-run" >>"$OUT/raw-insert.log" 2>&1 ||
	die "raw index build failed (see $OUT/raw-insert.log)"
RAW_IDX_SECS=$(secs_since "$t")
RAW_FULL_SECS=$(awk -v a="$RAW_SECS" -v b="$RAW_IDX_SECS" 'BEGIN { printf "%.2f", a + b }')
say "raw index build: $RAW_IDX_SECS s ($NIDX indexes)"
rm -f "$DATA/people-big.sql" "$RAW_DB" "$RAW_DB-run" "$RAW_DB-run-wal" "$RAW_DB-run-shm"

# query plans of the list (count + page) at BIG, for the record
{
	U=${UNIT_ID[big]}
	echo "-- count: the subtree's row (migration 008)"
	sqlite3 "${DB[big]}" "EXPLAIN QUERY PLAN SELECT n FROM unit_totals WHERE tbl = 'people' AND archived = 0 AND unit_id = $U"
	echo "-- page of a long subtree list: the sort field's covering index, a probe per row"
	sqlite3 "${DB[big]}" "EXPLAIN QUERY PLAN SELECT t.* FROM people t WHERE t.archived = 0 AND EXISTS (SELECT 1 FROM unit_tree x WHERE x.ancestor_id = $U AND x.unit_id = t.unit_id) ORDER BY t.name ASC, t.id ASC LIMIT 25 OFFSET 0"
	echo "-- q of 3+ characters"
	sqlite3 "${DB[big]}" "EXPLAIN QUERY PLAN SELECT count(*) FROM people t WHERE +t.archived = 0 AND t.id IN (SELECT s.record_id FROM search_index s WHERE +s.type = 'people' AND s.id IN (SELECT rowid FROM search_fts WHERE search_fts MATCH '\"$Q3\"'))"
	echo "-- unit filter <select>"
	sqlite3 "${DB[big]}" "EXPLAIN QUERY PLAN SELECT t.id, t.name FROM units t WHERE t.archived = 0 ORDER BY t.path LIMIT 3000"
} >"$OUT/query-plans.txt" 2>&1 || true

# --- 3. nginx ----------------------------------------------------------------------------
chmod 0755 "$OUT" "$DATA" # nginx workers may run as nobody
start_nginx "$DATA/nginx" "$NGINX_PORT"
wait_http "$NGINX_URL" "$NGINX_PID" 10 || die "nginx did not come up on 127.0.0.1:$NGINX_PORT"

# --- 4. load runs, one phase per database -------------------------------------------------
WM_BASE=http://127.0.0.1:$WM_PORT

urlenc() { printf %s "$1" | xxd -p | tr -d '\n' | sed 's/../%&/g'; }

sign_in() { # password -> SID
	local tmp=$DATA/login
	mkdir -p "$tmp"
	curl -sS --max-time 10 -D "$tmp/get.h" -o "$tmp/get.html" "$WM_BASE/login" || die "GET /login failed"
	local pre csrf code sid
	pre=$(sed -n 's/^[Ss]et-[Cc]ookie: *wm_pre=\([^;[:space:]]*\).*/\1/p' "$tmp/get.h" | tail -n 1)
	csrf=$(grep -o '<input[^>]*name="_csrf"[^>]*>' "$tmp/get.html" | head -n 1 | sed -n 's/.*value="\([^"]*\)".*/\1/p')
	[ -n "$pre" ] && [ -n "$csrf" ] || die "GET /login gave no wm_pre cookie or _csrf input"
	code=$(curl -sS --max-time 10 -D "$tmp/post.h" -o /dev/null -w '%{http_code}' -H "Cookie: wm_pre=$pre" \
		--data-urlencode "_csrf=$csrf" --data-urlencode "username=admin" \
		--data-urlencode "password=$1" "$WM_BASE/login") || die "POST /login failed"
	sid=$(sed -n 's/^[Ss]et-[Cc]ookie: *wm_sid=\([^;[:space:]]*\).*/\1/p' "$tmp/post.h" | tail -n 1)
	[ "$code" = 303 ] && [ -n "$sid" ] || die "POST /login answered $code without wm_sid"
	echo "$sid"
}

rss_kib() { awk -v f="$1:" '$1 == f { print $2 }' "/proc/$2/status" 2>/dev/null || true; }

sampler() { # pid outfile: max RssAnon (private memory) every 0.2 s
	local pid=$1 out=$2 max=0 v
	while kill -0 "$pid" 2>/dev/null; do
		v=$(rss_kib RssAnon "$pid")
		[ -n "$v" ] && [ "$v" -gt "$max" ] && { max=$v; echo "$max" >"$out"; }
		sleep 0.2
	done
}

parse_wrk() { # wrk output -> "reqs p50_ms p99_ms non2xx errors"
	awk '
	function ms(v) {
		if (v ~ /us$/) { sub(/us$/, "", v); return v / 1000 }
		if (v ~ /ms$/) { sub(/ms$/, "", v); return v + 0 }
		if (v ~ /m$/)  { sub(/m$/, "", v);  return v * 60000 }
		if (v ~ /s$/)  { sub(/s$/, "", v);  return v * 1000 }
		return v
	}
	/^Requests\/sec:/ { rps = $2 }
	$1 == "50%" { p50 = ms($2) }
	$1 == "99%" { p99 = ms($2) }
	/Non-2xx or 3xx responses:/ { non2xx = $NF }
	/Socket errors:/ {
		for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+,?$/) { v = $i; sub(/,/, "", v); err += v }
	}
	/Socket errors:/ { for (i = 1; i <= NF; i++) if ($i == "timeout") to = $(i + 1) + 0 }
	END { printf "%s %.2f %.2f %d %d %d\n", rps, p50, p99, non2xx, err, to }' "$1"
}

declare -A RPS P50 P99 BAD BYTES RSS_HWM RSS_IDLE RSS_FILE CMDLINES
run_wrk() { # key url header conns(64|1)
	local key=$1 url=$2 hdr=$3 c=$4 args
	if [ "$c" = 1 ]; then args=("${WRK_C1_ARGS[@]}"); else args=("${WRK_ARGS[@]}"); fi
	local cmd=(wrk "${args[@]}")
	[ -z "$hdr" ] || cmd+=(-H "$hdr")
	cmd+=("$url")
	say "wrk $key"
	timeout $((SECS + 30)) "${cmd[@]}" >"$OUT/wrk-$key.txt" 2>&1 || { cat "$OUT/wrk-$key.txt" >&2; die "wrk failed for $key"; }
	local non2xx errs timeouts
	read -r RPS[$key] P50[$key] P99[$key] non2xx errs timeouts < <(parse_wrk "$OUT/wrk-$key.txt")
	[ -n "${RPS[$key]}" ] || die "could not parse $OUT/wrk-$key.txt"
	BAD[$key]=""
	[ "$non2xx" = 0 ] && [ "$errs" = 0 ] || BAD[$key]=" (non-2xx $non2xx, socket errors $errs)"
	# wrk leaves requests over its 2 s timeout out of the latency histogram:
	# then the percentiles are unknown, only known to be over 2 s
	if [ "$timeouts" != 0 ]; then
		P50[$key]="> 2000"
		P99[$key]="> 2000"
	fi
	if ! grep -qE '^ +[1-9][0-9]* requests in' "$OUT/wrk-$key.txt"; then
		P50[$key]="n/a"
		P99[$key]="n/a"
		BAD[$key]=" (no request completed in ${SECS} s)"
	fi
	wait_idle "$WM_PID"
	local shown="${cmd[*]}"
	CMDLINES[$key]=$(echo "$shown" | sed "s/Cookie: wm_sid=[^ ]*/'Cookie: wm_sid=…'/; s/Authorization: Bearer [^ ]*/'Authorization: Bearer …'/")
}

# Requests wrk gave up on are still being served: wait until wenming's CPU
# time stops growing (< 5 % of a core over 0.5 s; at most 120 s), so that one
# run's backlog does not slow the next.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
wait_idle() {
	local pid=$1 a b i
	[ -n "$pid" ] || return 0
	for ((i = 0; i < 240; i++)); do
		a=$(cpu_ticks "$pid")
		sleep 0.5
		b=$(cpu_ticks "$pid")
		[ $((b - a)) -lt 3 ] && return 0
	done
	say "wenming still busy after 120 s"
}

check_url() { # key url header: one request must answer 200; remember the body size
	local key=$1 url=$2 hdr=$3 code
	code=$(curl -s -o "$OUT/body-$key" -w '%{http_code}' --max-time 30 ${hdr:+-H "$hdr"} "$url")
	[ "$code" = 200 ] || die "$key: $url answered $code, expected 200"
	BYTES[$key]=$(stat -c %s "$OUT/body-$key")
}

for size in small big; do
	say "phase $size: serving ${DB[$size]#$ROOT/}"
	WM_CMD=("$WM" serve --db "sqlite:${DB[$size]}" --listen "127.0.0.1:$WM_PORT" --access-log off --threads $WM_THREADS)
	"${WM_CMD[@]}" >"$OUT/wenming-$size.log" 2>&1 &
	WM_PID=$!
	wait_http "$WM_BASE/static/app.css" "$WM_PID" 30 || { tail -n 30 "$OUT/wenming-$size.log" >&2; die "wenming did not come up"; }
	SID=$(sign_in "$(head -n 1 "$DATA/pw-$size.txt" | tr -d '\r\n')")
	CK="Cookie: wm_sid=$SID"
	AUTH="Authorization: Bearer ${TOKEN[$size]}"
	U=${UNIT_ID[$size]}
	# status= names "all staff": the page's default filter (the active staff)
	# would otherwise make this the filtered path, unlike the JSON list and the
	# runs recorded before that default
	LIST_HTML="$WM_BASE/r/people?unit_id=$U&status="
	LIST_JSON="$WM_BASE/api/v1/people?unit_id=$U"
	SEARCH3="$WM_BASE/search?q=$(urlenc "$Q3")"
	SEARCH2="$WM_BASE/search?q=$(urlenc "$Q2")"
	check_url "$size-html" "$LIST_HTML" "$CK"
	check_url "$size-json" "$LIST_JSON" "$AUTH"
	check_url "$size-search3" "$SEARCH3" "$CK"
	check_url "$size-search2" "$SEARCH2" "$CK"
	total=$(grep -o '"total": *[0-9]*' "$OUT/body-$size-json" | grep -o '[0-9]*$' || true)
	[ "$total" = "${SUBTREE_PEOPLE[$size]}" ] || die "JSON total $total, expected ${SUBTREE_PEOPLE[$size]} people in unit $U's subtree"
	grep -q "$Q3" "$OUT/body-$size-search3" || die "search for $Q3 found nothing"

	RSS_IDLE[$size]=$(rss_kib VmRSS "$WM_PID")
	echo 5 2>/dev/null >"/proc/$WM_PID/clear_refs" || true # VmHWM without the sign-in's argon2id
	echo 0 >"$DATA/rss-max-$size"
	sampler "$WM_PID" "$DATA/rss-max-$size" &
	SAMPLER_PID=$!
	run_wrk "$size-nginx" "$NGINX_URL" "" 64
	run_wrk "$size-html" "$LIST_HTML" "$CK" 64
	run_wrk "$size-json" "$LIST_JSON" "$AUTH" 64
	run_wrk "$size-search3" "$SEARCH3" "$CK" 64
	run_wrk "$size-search2" "$SEARCH2" "$CK" 64
	run_wrk "$size-html1" "$LIST_HTML" "$CK" 1
	kill -0 "$WM_PID" 2>/dev/null || die "wenming died during the load (log: $OUT/wenming-$size.log)"
	stop_pid "$SAMPLER_PID"
	SAMPLER_PID=""
	RSS_HWM[$size]=$(rss_kib VmHWM "$WM_PID")
	RSS_FILE[$size]=$(rss_kib RssFile "$WM_PID")
	stop_pid "$WM_PID"
	WM_PID=""

	# the same lists with the cache off: what every request would cost if
	# each one asked for a different page, filter or user
	say "phase $size, cache off"
	"${WM_CMD[@]}" --cache-size 0 >"$OUT/wenming-$size-cold.log" 2>&1 &
	WM_PID=$!
	wait_http "$WM_BASE/static/app.css" "$WM_PID" 30 || { tail -n 30 "$OUT/wenming-$size-cold.log" >&2; die "wenming did not come up"; }
	CK="Cookie: wm_sid=$(sign_in "$(head -n 1 "$DATA/pw-$size.txt" | tr -d '\r\n')")"
	LIST_PLAIN="$WM_BASE/r/people"
	LIST_Q3="$WM_BASE/r/people?q=$(urlenc "$Q3")"
	LIST_Q1="$WM_BASE/r/people?q=$(urlenc "$Q1")"
	check_url "$size-coldhtml" "$LIST_HTML" "$CK"
	check_url "$size-coldplain1" "$LIST_PLAIN" "$CK"
	check_url "$size-coldq3" "$LIST_Q3" "$CK"
	check_url "$size-coldq1" "$LIST_Q1" "$CK"
	grep -q "$Q3" "$OUT/body-$size-coldq3" || die "the list searched for $Q3 does not show it"
	run_wrk "$size-coldhtml" "$LIST_HTML" "$CK" 64
	run_wrk "$size-coldjson" "$LIST_JSON" "$AUTH" 64
	run_wrk "$size-coldhtml1" "$LIST_HTML" "$CK" 1
	run_wrk "$size-coldplain1" "$LIST_PLAIN" "$CK" 1
	run_wrk "$size-coldq3" "$LIST_Q3" "$CK" 1
	run_wrk "$size-coldq1" "$LIST_Q1" "$CK" 1
	stop_pid "$WM_PID"
	WM_PID=""
done
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)

# --- 5. report -------------------------------------------------------------------------------
r2() { awk -v a="$1" -v b="$2" 'BEGIN { r = (b > 0 ? a / b : 0); printf (r < 0.1 ? "%.3f" : "%.2f"), r }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
ok_ge() { awk -v a="$1" -v b="$2" 'BEGIN { print (a >= b ? "ok" : "MISSED") }'; }
ok_le() { awk -v a="$1" -v b="$2" 'BEGIN { print (a <= b ? "ok" : "MISSED") }'; }
kb() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1024 }'; }

IMPORT_RATE=$(awk -v n="$BIG" -v s="${IMPORT_SECS[people-big]}" 'BEGIN { printf "%.0f", n / s }')
RAW_RATE=$(awk -v n="$BIG" -v s="$RAW_SECS" 'BEGIN { printf "%.0f", n / s }')
IMPORT_RATIO=$(r2 "$IMPORT_RATE" "$RAW_RATE")
RAW_FULL_RATE=$(awk -v n="$BIG" -v s="$RAW_FULL_SECS" 'BEGIN { printf "%.0f", n / s }')
IMPORT_FULL_RATIO=$(r2 "$IMPORT_RATE" "$RAW_FULL_RATE")
SMALL_RATE=$(awk -v n="$SMALL" -v s="${IMPORT_SECS[people-small]}" 'BEGIN { printf "%.0f", n / s }')
CPU=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo)
MEM=$(awk '/^MemTotal:/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)
label() {
	case $1 in
	nginx) echo "nginx 2 KB static file" ;;
	html) echo "GET /r/people?unit_id=U (HTML, signed in)" ;;
	json) echo "GET /api/v1/people?unit_id=U (JSON, Bearer)" ;;
	search3) echo "GET /search?q=$Q3 (3 characters: trigram)" ;;
	search2) echo "GET /search?q=$Q2 (2 characters: title index, then a window scan)" ;;
	html1) echo "list HTML, 1 connection (-t1 -c1)" ;;
	coldhtml) echo "GET /r/people?unit_id=U (HTML), cache off" ;;
	coldjson) echo "GET /api/v1/people?unit_id=U (JSON), cache off" ;;
	coldhtml1) echo "list HTML, cache off, 1 connection" ;;
	coldplain1) echo "GET /r/people (HTML, no filter), cache off, 1 connection" ;;
	coldq3) echo "GET /r/people?q=$Q3 (HTML, 3 characters: trigram), cache off, 1 connection" ;;
	coldq1) echo "GET /r/people?q=$Q1 (HTML, 1 character: the grams index), cache off, 1 connection" ;;
	esac
}

REPORT=$OUT/report.md
{
	echo "## $(date '+%Y-%m-%d %H:%M:%S %z') — records benchmark (bench/records.sh) — commit $COMMIT at start, build/wenming of $WM_BUILT"
	echo
	echo "Machine: $(nproc) cores, ${CPU:-unknown CPU}, $MEM, $(uname -r); SQLite $(sqlite3 --version | cut -d' ' -f1); $("$NGINX" -v 2>&1 | sed 's/.*: //'), $(wrk -v 2>&1 | head -n 1 | awk '{ print "wrk " $2 }'). Load average (1/5/15 min) at start $LOAD_START, at end $LOAD_END: the machine is shared, other test suites were running."
	echo
	echo "Data: 10,000 units (1 bureau, 13 secondary units, 156 departments, 1,248 windows, 8,582 posts), people spread evenly over all units; list filter = secondary unit U00002 (id ${UNIT_ID[big]}), whose subtree holds $SUBTREE_UNITS units and ${SUBTREE_PEOPLE[small]} / ${SUBTREE_PEOPLE[big]} people. Search: \`$Q3\` (3 characters, FTS5 trigram) and \`$Q2\` (2 characters, instr() scan). Generation (bench/gen/gen.c) took ${GEN_SECS} s; big CSV $((BIG_CSV_BYTES / 1048576)) MiB (8 columns incl. valid ID numbers)."
	echo
	echo "### Import"
	echo
	echo "| what | rows | seconds | rows/s | vs raw | goal |"
	echo "|---|---:|---:|---:|---:|---|"
	echo "| raw: sqlite3 CLI, INSERT … VALUES ×1,000 per txn, same columns, no secondary index (median of ${RAW_RUNS[*]} s) | $BIG | $RAW_SECS | $RAW_RATE | 1.00× | baseline |"
	echo "| raw, then the people table's $NIDX indexes built on it (the fastest raw way into the same table: + $RAW_IDX_SECS s) | $BIG | $RAW_FULL_SECS | $RAW_FULL_RATE | | second baseline |"
	echo "| \`wenming import people\` (one transaction, validation, $NIDX indexes, search index) | $BIG | ${IMPORT_SECS[people-big]} | $IMPORT_RATE | ${IMPORT_RATIO}× (${IMPORT_FULL_RATIO}× of the second) | ≥ 0.3: $(ok_ge "$IMPORT_RATIO" 0.3) (second: $(ok_ge "$IMPORT_FULL_RATIO" 0.3)) |"
	echo "| \`wenming import people\`, small file | $SMALL | ${IMPORT_SECS[people-small]} | $SMALL_RATE | | |"
	echo "| \`wenming import units\` (10,000 units, one file, parents first) | 10000 | ${IMPORT_SECS[units-big]} | $(awk -v s="${IMPORT_SECS[units-big]}" 'BEGIN { printf "%.0f", 10000 / s }') | | |"
	echo
	echo "Progress bar: shown on a terminal (the runs above go through \`script\`, see bench/out/…/import.log)."
	echo
	for size in small big; do
		n=$SMALL
		[ $size = small ] || n=$BIG
		echo "### Load, $n people"
		echo
		echo "| target | req/s | p50 ms | p99 ms | vs nginx | body | goal |"
		echo "|---|---:|---:|---:|---:|---:|---|"
		for k in nginx html json search3 search2 html1 coldhtml coldjson coldhtml1 coldplain1 coldq3 coldq1; do
			key=$size-$k
			ratio=$(r2 "${RPS[$key]}" "${RPS[$size-nginx]}")
			goal=""
			body=""
			[ -z "${BYTES[$key]:-}" ] || body="$(kb "${BYTES[$key]}") KB"
			case $k in
			nginx) goal="baseline"; body="2.0 KB"; ratio="1.00" ;;
			html) p=${P99[$key]/> /99999}; p=${p/n\/a/99999}
				goal="≥ 0.5: $(ok_ge "$ratio" 0.5); p99 ≤ 20: $(ok_le "$p" 20)" ;;
			html1) body="$(kb "${BYTES[$size-html]}") KB"; ratio="" ;;
			coldhtml1 | coldplain1 | coldq3) body="$(kb "${BYTES[$key]:-${BYTES[$size-html]}}") KB"; ratio=""
				[ $k = coldq3 ] && lim=5 || lim=0.3
				p=${P50[$key]/> /99999}; p=${p/n\/a/99999}
				[ $size = small ] || goal="p50 ≤ $lim ms: $(ok_le "$p" $lim)" ;;
			coldq1) body="$(kb "${BYTES[$key]}") KB"; ratio="" ;;
			coldhtml) body="$(kb "${BYTES[$size-html]}") KB"
				[ $size = small ] || goal="≥ 0.1: $(ok_ge "$ratio" 0.1)" ;;
			coldjson) body="$(kb "${BYTES[$size-json]}") KB" ;;
			esac
			[ -z "${BAD[$key]}" ] || goal="$goal — MISSED${BAD[$key]}"
			printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$(label $k)" "${RPS[$key]}" "${P50[$key]}" "${P99[$key]}" \
				"${ratio:+${ratio}×}" "$body" "$goal"
		done
		echo
		echo "wenming memory: private (RssAnon) at most $(mib "$(cat "$DATA/rss-max-$size" 2>/dev/null || echo 0)") MiB under load (sampled every 0.2 s). VmRSS idle after start $(mib "${RSS_IDLE[$size]:-0}") MiB, VmHWM under load $(mib "${RSS_HWM[$size]:-0}") MiB: these count the memory-mapped database file (RssFile $(mib "${RSS_FILE[$size]:-0}") MiB at the end), pages of the OS cache shared with every other reader, not memory wenming allocates."
		echo
	done
	# cost ratio: cost = 1 / (req/s), each normalized by nginx in its own phase
	echo "### Scaling: list cost at $BIG vs $SMALL people (goal ≤ 1.5×)"
	echo
	echo "| list | req/s $SMALL | req/s $BIG | cost ratio (raw) | cost ratio (normalized by nginx) | goal |"
	echo "|---|---:|---:|---:|---:|---|"
	for k in html json html1 coldhtml coldjson coldhtml1; do
		if awk -v b="${RPS[big-$k]}" 'BEGIN { exit !(b <= 0) }'; then
			printf '| %s | %s | 0 (none in %s s) | > %s× | | MISSED |\n' "$(label $k)" "${RPS[small-$k]}" "$SECS" \
				"$(awk -v a="${RPS[small-$k]}" -v s="$SECS" 'BEGIN { printf "%.0f", a * s }')"
			continue
		fi
		raw=$(r2 "${RPS[small-$k]}" "${RPS[big-$k]}")
		if [ $k = html1 ] || [ $k = coldhtml1 ]; then
			norm=$(r2 "${P50[big-$k]/> /}" "${P50[small-$k]/> /}")
			printf '| %s | %s | %s | %s× | p50 %s → %s ms: %s× | %s |\n' "$(label $k)" "${RPS[small-$k]}" "${RPS[big-$k]}" "$raw" \
				"${P50[small-$k]}" "${P50[big-$k]}" "$norm" "$(ok_le "$raw" 1.5)"
		else
			norm=$(awk -v a="${RPS[small-$k]}" -v b="${RPS[big-$k]}" -v na="${RPS[small-nginx]}" -v nb="${RPS[big-nginx]}" \
				'BEGIN { printf "%.2f", (a / na) / (b / nb) }')
			printf '| %s | %s | %s | %s× | %s× | %s |\n' "$(label $k)" "${RPS[small-$k]}" "${RPS[big-$k]}" "$raw" "$norm" \
				"$(ok_le "$norm" 1.5)"
		fi
	done
	echo
	echo "Command: \`bench/records.sh${*:+ $*}\` (RECORDS_SMALL=$SMALL RECORDS_BIG=$BIG); the steps:"
	echo
	echo '```'
	echo "cc -O2 -std=c11 -o gen bench/gen/gen.c; gen units DIR; gen people $SMALL small.csv; gen people $BIG big.csv"
	echo "wenming init --db sqlite:DB; wenming import units units.csv --db sqlite:DB; wenming import people big.csv --db sqlite:DB"
	echo "gen sql $BIG $OFFSET big.sql; sqlite3 raw.db < big.sql   # BEGIN; INSERT INTO people_raw (...) VALUES (...)×1000; COMMIT; ..."
	echo "sqlite3 raw.db < raw-indexes.sql   # CREATE INDEX raw_people_... ON people_raw(...) for each index of people"
	echo "(cache off: the same serve command with --cache-size 0)"
	shell_cmd=$(printf '%s ' "${WM_CMD[@]}")
	echo "${shell_cmd//$ROOT\//}" | sed "s|sqlite:[^ ]*|sqlite:DB|"
	for k in nginx html json search3 search2 html1 coldjson coldplain1 coldq3 coldq1; do
		echo "${CMDLINES[big-$k]}" | sed "s|$Q3|Q3|; s|$Q2|Q2|"
	done
	echo '```'
	echo
	echo "Query plans at $BIG people: bench/out/$(basename "$OUT")/query-plans.txt (not committed)."
	echo
} >"$REPORT"

cat "$REPORT"
if [ $RECORD = 1 ]; then
	cat "$REPORT" >>bench/RESULTS.md
	say "appended to bench/RESULTS.md (raw output in ${OUT#$ROOT/}/)"
else
	say "not recorded (raw output in ${OUT#$ROOT/}/)"
fi
