#!/usr/bin/env bash
# Cases benchmark: the intake of cases through Open311 (SQLite; PostgreSQL
# with two `wenming serve` behind nginx), the case list filtered by unit and
# state (HTML and JSON) and a case's page at CASES_SMALL and CASES_BIG cases
# under a 10,000-unit bureau, cache on and off, and the lists of 64 unit
# administrators while cases keep arriving; next to nginx serving a 2 KB
# file in the same run, loopback only. See bench/README.md ("Cases benchmark").
#
# Usage: bench/cases.sh [--no-record] [--keep] [--no-pg] [--perf]
#   --no-record  print the tables but do not append them to bench/RESULTS.md
#   --keep       keep the databases in bench/out/cases-*/data/
#   --no-pg      leave out the PostgreSQL intake
#   --perf       perf record -g the big list with the cache off (perf.txt)
# Env: BENCH_WENMING_PORT (18080; +2 and +3 for the two PostgreSQL servers),
#      BENCH_NGINX_PORT (18081; +3 for the proxy) when taken;
#      CASES_SMALL (10000) and CASES_BIG (1000000) cases;
#      CASES_WRK_SECONDS (10) per wrk run; CASES_RATE (20) arrivals a second
#      under the mixed load
#
# Targets (recorded, never asserted):
#   Open311 POST requests.json, SQLite, 64 connections   >= 0.3x nginx, 0 errors
#   list cost at BIG vs SMALL cases                        <= 1.5x (normalized)
#   cached list (HTML, 64 connections)                     >= 0.5x nginx, p99 <= 20 ms
#   64 unit admins' lists, each its own, while >= 20
#   cases a second arrive                                  >= 0.1x nginx, p99 <= 50 ms
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD

RECORD=1
KEEP=0
PG=1
PERF=0
for a in "$@"; do
	case "$a" in
	--no-record) RECORD=0 ;;
	--keep) KEEP=1 ;;
	--no-pg) PG=0 ;;
	--perf) PERF=1 ;;
	-h | --help)
		sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'
		exit 0
		;;
	*)
		echo "cases: unknown option $a (try --help)" >&2
		exit 2
		;;
	esac
done

NGINX_PORT=${BENCH_NGINX_PORT:-18081}
WM_PORT=${BENCH_WENMING_PORT:-18080}
PG_PORT_A=$((WM_PORT + 2))
PG_PORT_B=$((WM_PORT + 3))
PROXY_PORT=$((NGINX_PORT + 3))
SMALL=${CASES_SMALL:-10000}
BIG=${CASES_BIG:-1000000}
SECS=${CASES_WRK_SECONDS:-10}
RATE=${CASES_RATE:-20}
for v in "CASES_SMALL=$SMALL" "CASES_BIG=$BIG" "CASES_WRK_SECONDS=$SECS" "CASES_RATE=$RATE"; do
	[[ ${v#*=} =~ ^[1-9][0-9]{0,7}$ ]] || { echo "cases: ${v%%=*} must be a whole number from 1 to 99999999, not '${v#*=}'" >&2; exit 2; }
done
WRK_ARGS=(-t2 -c64 "-d${SECS}s" --latency)
WRK_C1_ARGS=(-t1 -c1 "-d${SECS}s" --latency)
WM_THREADS=128
PG_THREADS=64 # each of the two: 128 connections, the cluster allows 300
NUSERS=64     # unit administrators, one department each (there are 156)

die() { echo "cases: error: $*" >&2; exit 1; }
say() { echo "cases: $(date +%H:%M:%S) $*" >&2; }
. "$(dirname "$0")/lib.sh"

WM=$ROOT/build/wenming
[ -x "$WM" ] || die "build/wenming not found: run make first"
for t in wrk curl sqlite3 cc awk xxd; do
	command -v $t >/dev/null 2>&1 || die "$t not found (Debian: wrk curl sqlite3 gcc gawk xxd)"
done
NGINX=$(command -v nginx 2>/dev/null || true)
[ -n "$NGINX" ] || { [ -x /usr/sbin/nginx ] && NGINX=/usr/sbin/nginx; } || die "nginx not found (Debian: nginx-light)"
if [ $PG = 1 ]; then
	command -v psql >/dev/null 2>&1 || die "psql not found (or run with --no-pg)"
	[ -x scripts/pg-test-cluster ] || die "scripts/pg-test-cluster not found (or run with --no-pg)"
fi
if [ $PERF = 1 ]; then command -v perf >/dev/null 2>&1 || die "perf not found (Debian: linux-perf)"; fi

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for p in $NGINX_PORT $WM_PORT; do port_busy $p && die "127.0.0.1:$p is already in use"; done
if [ $PG = 1 ]; then for p in $PG_PORT_A $PG_PORT_B $PROXY_PORT; do port_busy $p && die "127.0.0.1:$p is already in use"; done; fi

# --- scratch space (bench/out is gitignored), cleanup --------------------------
OUT=$ROOT/bench/out/cases-$(date +%Y%m%d-%H%M%S)
DATA=$OUT/data # databases: removed at exit unless --keep
mkdir -p "$DATA"
# build/ is shared: others may rebuild it during the run
cp -p "$WM" "$DATA/wenming"
WM_BUILT=$(date -r "$DATA/wenming" '+%Y-%m-%d %H:%M:%S')
WM=$DATA/wenming
COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo "no-commit")
[ -z "$(git status --porcelain --untracked-files=no 2>/dev/null)" ] || COMMIT="$COMMIT (dirty)"
# what the build does with a write (from the sources it was built from): the
# pool's connections' setting, the group-commit writer's, and whether the
# intake of cases goes through the writer (a durable acknowledgement)
SYNC=$(grep -o 'synchronous=[A-Z]*' src/db/db_sqlite.c src/db/writer.c 2>/dev/null | sed 's|^src/db/||; s|:synchronous=| |' | paste -sd, - || true)
if grep -qs 'req_write' src/cases/intake.c src/cases/open311.c; then
	DURABLE="through the group-commit writer (req_write: acknowledged once flushed)"
else
	DURABLE="NOT through the group-commit writer: one transaction per request on the pool's connection (synchronous as in db_sqlite.c)"
fi
NGINX_PID=""
PROXY_PID=""
WM_PID=""
PG_PID_A=""
PG_PID_B=""
PACER_PID=""
PGSAMPLER_PID=""
PG_DIR=""
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
T_START=$(date +%s)

cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	stop_pid "$PACER_PID"
	stop_pid "$PGSAMPLER_PID"
	stop_pid "$WM_PID"
	stop_pid "$PG_PID_A"
	stop_pid "$PG_PID_B"
	stop_pid "$PROXY_PID"
	stop_pid "$NGINX_PID"
	[ -z "$PG_DIR" ] || scripts/pg-test-cluster stop "$PG_DIR" >/dev/null 2>&1 || true
	cp "$DATA/nginx/error.log" "$OUT/nginx-error.log" 2>/dev/null || true
	cp "$DATA/proxy/error.log" "$OUT/proxy-error.log" 2>/dev/null || true
	if [ $KEEP = 0 ]; then
		rm -rf "$DATA"
	else
		say "kept the databases in ${DATA#$ROOT/}/"
	fi
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

now_ns() { date +%s%N; }
secs_since() { awk -v a="$1" -v b="$(now_ns)" 'BEGIN { printf "%.1f", (b - a) / 1e9 }'; }
urlenc() { printf %s "$1" | xxd -p | tr -d '\n' | sed 's/../%&/g'; }
WM_BASE=http://127.0.0.1:$WM_PORT

start_wm() { # log [extra serve args]: wenming on WM_PORT, cache as given
	local log=$1
	shift
	WM_CMD=("$WM" serve --db "sqlite:$CUR_DB" --listen "127.0.0.1:$WM_PORT" --access-log off --threads $WM_THREADS "$@")
	"${WM_CMD[@]}" >"$log" 2>&1 &
	WM_PID=$!
	wait_http "$WM_BASE/static/app.css" "$WM_PID" 30 || { tail -n 30 "$log" >&2; die "wenming did not come up"; }
}

sign_in() { # base user password -> SID (the run.sh recipe)
	local base=$1 user=$2 pass=$3 tmp=$DATA/login pre csrf code sid
	mkdir -p "$tmp"
	curl -sS --max-time 10 -D "$tmp/get.h" -o "$tmp/get.html" "$base/login" || die "GET /login failed"
	pre=$(sed -n 's/^[Ss]et-[Cc]ookie: *wm_pre=\([^;[:space:]]*\).*/\1/p' "$tmp/get.h" | tail -n 1)
	csrf=$(grep -o '<input[^>]*name="_csrf"[^>]*>' "$tmp/get.html" | head -n 1 | sed -n 's/.*value="\([^"]*\)".*/\1/p')
	[ -n "$pre" ] && [ -n "$csrf" ] || die "GET /login gave no wm_pre cookie or _csrf input"
	code=$(curl -sS --max-time 20 -D "$tmp/post.h" -o /dev/null -w '%{http_code}' -H "Cookie: wm_pre=$pre" \
		--data-urlencode "_csrf=$csrf" --data-urlencode "username=$user" \
		--data-urlencode "password=$pass" "$base/login") || die "POST /login failed"
	sid=$(sed -n 's/^[Ss]et-[Cc]ookie: *wm_sid=\([^;[:space:]]*\).*/\1/p' "$tmp/post.h" | tail -n 1)
	[ "$code" = 303 ] && [ -n "$sid" ] || die "POST /login as $user answered $code without wm_sid"
	echo "$sid"
}

parse_wrk() { # wrk output -> "reqs p50_ms p99_ms non2xx errors timeouts requests"
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
	/requests in/ { n = $1 }
	/Non-2xx or 3xx responses:/ { non2xx = $NF }
	/Socket errors:/ {
		for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+,?$/) { v = $i; sub(/,/, "", v); err += v }
		for (i = 1; i <= NF; i++) if ($i == "timeout") to = $(i + 1) + 0
	}
	END { printf "%s %.2f %.2f %d %d %d %d\n", rps, p50, p99, non2xx, err, to, n }' "$1"
}

# Requests wrk gave up on are still being served: wait until the server's
# CPU time stops growing (< 5 % of a core over 0.5 s; at most 120 s).
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
wait_idle() {
	local pid a b i
	for pid in "$@"; do
		[ -n "$pid" ] || continue
		for ((i = 0; i < 240; i++)); do
			a=$(cpu_ticks "$pid")
			sleep 0.5
			b=$(cpu_ticks "$pid")
			[ $((b - a)) -lt 3 ] && break
		done
	done
}

declare -A RPS P50 P99 BAD NREQ BYTES CMDLINES CPUMS
CLK_TCK=$(getconf CLK_TCK)
run_wrk() { # key url header conns(64|1) [wrk options...] [-- Lua script arguments...]
	local key=$1 url=$2 hdr=$3 c=$4 args
	shift 4
	if [ "$c" = 1 ]; then args=("${WRK_C1_ARGS[@]}"); else args=("${WRK_ARGS[@]}"); fi
	local cmd=(wrk "${args[@]}")
	[ -z "$hdr" ] || cmd+=(-H "$hdr")
	local opts=() largs=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do opts+=("$1"); shift; done
	[ $# = 0 ] || largs=("$@") # "--" and the Lua script's arguments, after the URL
	cmd+=("${opts[@]}" "$url" "${largs[@]}")
	say "wrk $key"
	local pid t0=0 t1=0
	for pid in "$WM_PID" "$PG_PID_A" "$PG_PID_B"; do [ -z "$pid" ] || t0=$((t0 + $(cpu_ticks "$pid"))); done
	timeout $((SECS + 30)) "${cmd[@]}" >"$OUT/wrk-$key.txt" 2>&1 || { cat "$OUT/wrk-$key.txt" >&2; die "wrk failed for $key"; }
	local non2xx errs timeouts
	read -r RPS[$key] P50[$key] P99[$key] non2xx errs timeouts NREQ[$key] < <(parse_wrk "$OUT/wrk-$key.txt")
	[ -n "${RPS[$key]}" ] || die "could not parse $OUT/wrk-$key.txt"
	BAD[$key]=""
	[ "$non2xx" = 0 ] && [ "$errs" = 0 ] || BAD[$key]=" (non-2xx $non2xx, socket errors $errs)"
	# wrk leaves requests over its 2 s timeout out of its percentiles: a
	# percentile those requests would reach is only known to be over 2 s
	if [ "$timeouts" != 0 ]; then
		local share
		# (wrk counts an answer that came after its timeout both as a request
		# and as a timeout, a connection that got none as a timeout only)
		share=$(awk -v t="$timeouts" -v n="${NREQ[$key]:-0}" 'BEGIN { printf "%.4f", t / (n > t ? n : t) }')
		awk -v s="$share" 'BEGIN { exit !(s >= 0.01) }' && P99[$key]="> 2000"
		awk -v s="$share" 'BEGIN { exit !(s >= 0.5) }' && P50[$key]="> 2000"
	fi
	if ! grep -qE '^ +[1-9][0-9]* requests in' "$OUT/wrk-$key.txt"; then
		P50[$key]="n/a"
		P99[$key]="n/a"
		BAD[$key]=" (no request completed in ${SECS} s)"
	fi
	wait_idle "$WM_PID" "$PG_PID_A" "$PG_PID_B"
	# the servers' CPU time (user + system, including the requests wrk gave
	# up on, served after it stopped) per request wrk counted: unlike req/s,
	# not much moved by what else the shared machine runs
	for pid in "$WM_PID" "$PG_PID_A" "$PG_PID_B"; do [ -z "$pid" ] || t1=$((t1 + $(cpu_ticks "$pid"))); done
	# (not when wrk gave up on many: the server's backlog would be counted
	# against the few answers it saw)
	CPUMS[$key]=$(awk -v d=$((t1 - t0)) -v hz="$CLK_TCK" -v n="${NREQ[$key]:-0}" -v t="$timeouts" \
		'BEGIN { if (n > 0 && d >= 0 && t < 0.05 * n) printf "%.3f", d * 1000 / hz / n; else print "—" }')
	CMDLINES[$key]=$(echo "${cmd[*]}" | sed "s/Cookie: wm_sid=[^ ]*/'Cookie: wm_sid=…'/; s/Authorization: Bearer [^ ]*/'Authorization: Bearer …'/; s|$OUT/||g")
}

check_url() { # key url header: one request must answer 200; remember the body size
	local key=$1 url=$2 hdr=$3 code
	code=$(curl -s -o "$OUT/body-$key" -w '%{http_code}' --max-time 60 ${hdr:+-H "$hdr"} "$url")
	[ "$code" = 200 ] || die "$key: $url answered $code, expected 200"
	BYTES[$key]=$(stat -c %s "$OUT/body-$key")
}

# --- 1. data ---------------------------------------------------------------------------
say "building the generator"
cc -O2 -std=c11 -Wall -Wextra -o "$DATA/gen" bench/gen/gen.c || die "cannot build bench/gen/gen.c"
"$DATA/gen" units "$DATA"
NOW=$(date +%s)

# The category the cases and the Open311 requests are filed under: a public
# one, made through the JSON API as a client system would (a running server).
CAT_CODE=road
make_category() { # base token -> the new category's id
	local body
	body=$(curl -sS --max-time 20 -H "Authorization: Bearer $2" -H 'Content-Type: application/json' \
		-d "{\"code\":\"$CAT_CODE\",\"name\":\"道路設施\",\"group_name\":\"交通\",\"days\":15,\"public\":true}" \
		"$1/api/v1/case_categories") || die "POST /api/v1/case_categories failed"
	echo "$body" | grep -o '"id": *[0-9]*' | head -n 1 | grep -o '[0-9]*$' || die "no category made: $body"
}

declare -A DB TOKEN PW CAT NCASES GEN_SECS
for size in small big; do
	n=$SMALL
	[ $size = small ] || n=$BIG
	NCASES[$size]=$n
	DB[$size]=$DATA/$size.db
	CUR_DB=${DB[$size]}
	"$WM" init --db "sqlite:$CUR_DB" --password-file "$DATA/pw-$size.txt" >"$OUT/init-$size.log" 2>&1 ||
		{ cat "$OUT/init-$size.log" >&2; die "wenming init failed"; }
	PW[$size]=$(head -n 1 "$DATA/pw-$size.txt" | tr -d '\r\n')
	"$WM" import units "$DATA/units.csv" --db "sqlite:$CUR_DB" >>"$OUT/init-$size.log" 2>&1 || die "import units failed"
	TOKEN[$size]=$("$WM" token add admin --name bench --db "sqlite:$CUR_DB" 2>>"$OUT/init-$size.log" | tail -n 1)
	[ -n "${TOKEN[$size]}" ] || die "wenming token add failed"
	start_wm "$OUT/wenming-$size-setup.log"
	CAT[$size]=$(make_category "$WM_BASE" "${TOKEN[$size]}")
	stop_pid "$WM_PID"
	WM_PID=""
	# The cases straight into their table: its indexes and the per-unit count
	# triggers dropped for the load and made again after it, the counts
	# (unit_counts, migration 007; unit_totals follows by its triggers) made
	# afresh, as `wenming import` does for a large file (src/records/import.c).
	# No record_events rows (the case page's history stays empty) and no
	# search_index rows: the list, its filters and the case page read neither.
	say "loading $n cases into $size.db"
	t0=$(now_ns)
	unit_off=$(sqlite3 "$CUR_DB" "SELECT min(id) - 1 FROM units")
	ddl=$(sqlite3 "$CUR_DB" "SELECT sql || ';' FROM sqlite_master WHERE tbl_name = 'cases' AND type IN ('index', 'trigger') AND sql IS NOT NULL")
	drop=$(sqlite3 "$CUR_DB" "SELECT 'DROP ' || upper(type) || ' ' || name || ';' FROM sqlite_master WHERE tbl_name = 'cases' AND type IN ('index', 'trigger') AND sql IS NOT NULL")
	{
		echo "PRAGMA synchronous = OFF; PRAGMA cache_size = -262144;"
		echo "$drop"
		"$DATA/gen" cases "$n" "$unit_off" "${CAT[$size]}" "$NOW" /dev/stdout
		echo "$ddl"
		echo "DELETE FROM unit_counts WHERE tbl = 'cases';"
		echo "INSERT INTO unit_counts (tbl, unit_id, archived, n) SELECT 'cases', unit_id, archived, count(*) FROM cases WHERE unit_id IS NOT NULL GROUP BY unit_id, archived;"
		echo "PRAGMA wal_checkpoint(TRUNCATE);"
	} | timeout 900 sqlite3 -bail "$CUR_DB" >"$OUT/load-$size.log" 2>&1 || { tail "$OUT/load-$size.log" >&2; die "loading the cases failed"; }
	GEN_SECS[$size]=$(secs_since "$t0")
	got=$(sqlite3 "$CUR_DB" "SELECT count(*) FROM cases")
	[ "$got" = "$n" ] || die "expected $n cases, found $got"
	say "$n cases in ${GEN_SECS[$size]} s"
done
DB_MB=$(($(stat -c %s "${DB[big]}") / 1048576))
UNIT_OFF=$(sqlite3 "${DB[big]}" "SELECT min(id) - 1 FROM units")
SEC_UNIT=$((UNIT_OFF + 2)) # U00002, the first secondary unit: 1/13 of the cases
STATE=in_hand

# 64 unit administrators, each of one department (U00015 ...): on the big
# database, for the mixed load
for ((k = 0; k < NUSERS; k++)); do
	u=$((UNIT_OFF + 15 + k))
	pw="Bench-$(head -c 9 /dev/urandom | xxd -p)"
	echo "$pw" | "$WM" user add "ua$k" --role unit_admin --unit "$u" --password-stdin --db "sqlite:${DB[big]}" \
		>>"$OUT/init-big.log" 2>&1 || die "wenming user add ua$k failed"
	echo "ua$k $u $pw" >>"$DATA/users.txt"
done

# expected list totals (the JSON `total` must be these)
expect_total() { # db unit
	sqlite3 "$1" "SELECT count(*) FROM cases t WHERE t.archived = 0 AND t.state = '$STATE'
		AND t.unit_id IN (SELECT unit_id FROM unit_tree WHERE ancestor_id = $2)"
}
declare -A TOTAL SUBTREE DETAIL
for size in small big; do
	TOTAL[$size]=$(expect_total "${DB[$size]}" $SEC_UNIT)
	SUBTREE[$size]=$(sqlite3 "${DB[$size]}" "SELECT COALESCE((SELECT n FROM unit_totals WHERE tbl = 'cases' AND archived = 0 AND unit_id = $SEC_UNIT), 0)")
	# the case page: the newest case of that list
	DETAIL[$size]=$(sqlite3 "${DB[$size]}" "SELECT max(id) FROM cases t WHERE t.state = '$STATE'
		AND t.unit_id IN (SELECT unit_id FROM unit_tree WHERE ancestor_id = $SEC_UNIT)")
	[ -n "${DETAIL[$size]}" ] || die "no $STATE case under unit $SEC_UNIT at $size"
done
DEPT_TOTAL_MIN=$(expect_total "${DB[big]}" $((UNIT_OFF + 15)))

# query plans of the list at BIG, for the record
{
	U=$SEC_UNIT
	W="t.archived = 0 AND t.unit_id IN (SELECT unit_id FROM unit_tree WHERE ancestor_id = $U) AND t.state = '$STATE'"
	echo "-- count (a state filter: no per-unit count, the subtree's rows are read)"
	echo "SELECT count(*) FROM cases t WHERE $W"
	sqlite3 "${DB[big]}" "EXPLAIN QUERY PLAN SELECT count(*) FROM cases t WHERE $W"
	echo "-- page (sort -id)"
	echo "SELECT t.* FROM cases t WHERE $W ORDER BY t.id DESC LIMIT 25 OFFSET 0"
	sqlite3 "${DB[big]}" "EXPLAIN QUERY PLAN SELECT t.* FROM cases t WHERE $W ORDER BY t.id DESC LIMIT 25 OFFSET 0"
} >"$OUT/query-plans.txt" 2>&1 || true

# --- 2. nginx ------------------------------------------------------------------------------
chmod 0755 "$OUT" "$DATA" # nginx workers may run as nobody
start_nginx "$DATA/nginx" "$NGINX_PORT"
wait_http "$NGINX_URL" "$NGINX_PID" 10 || die "nginx did not come up on 127.0.0.1:$NGINX_PORT"

# --- 3. the lists, at each size, cache on and off --------------------------------------------
declare -A RSS_ANON
for size in small big; do
	CUR_DB=${DB[$size]}
	say "phase $size (${NCASES[$size]} cases)"
	start_wm "$OUT/wenming-$size.log"
	CK="Cookie: wm_sid=$(sign_in "$WM_BASE" admin "${PW[$size]}")"
	AUTH="Authorization: Bearer ${TOKEN[$size]}"
	LIST_HTML="$WM_BASE/r/cases?unit_id=$SEC_UNIT&state=$STATE"
	LIST_JSON="$WM_BASE/api/v1/cases?unit_id=$SEC_UNIT&state=$STATE"
	DETAIL_URL="$WM_BASE/r/cases/${DETAIL[$size]}"
	check_url "$size-html" "$LIST_HTML" "$CK"
	check_url "$size-json" "$LIST_JSON" "$AUTH"
	check_url "$size-detail" "$DETAIL_URL" "$CK"
	total=$(grep -o '"total": *[0-9]*' "$OUT/body-$size-json" | grep -o '[0-9]*$' || true)
	[ "$total" = "${TOTAL[$size]}" ] || die "JSON total $total, expected ${TOTAL[$size]} $STATE cases under unit $SEC_UNIT"
	run_wrk "$size-nginx" "$NGINX_URL" "" 64
	run_wrk "$size-html" "$LIST_HTML" "$CK" 64
	run_wrk "$size-json" "$LIST_JSON" "$AUTH" 64
	run_wrk "$size-detail" "$DETAIL_URL" "$CK" 64
	RSS_ANON[$size]=$(awk '$1 == "RssAnon:" { print $2 }' "/proc/$WM_PID/status" 2>/dev/null || echo 0)
	stop_pid "$WM_PID"
	WM_PID=""

	say "phase $size, cache off"
	start_wm "$OUT/wenming-$size-cold.log" --cache-size 0
	CK="Cookie: wm_sid=$(sign_in "$WM_BASE" admin "${PW[$size]}")"
	check_url "$size-coldhtml" "$LIST_HTML" "$CK"
	if [ $PERF = 1 ] && [ $size = big ]; then
		say "perf record of the list, cache off"
		# system-wide (-a), then only wenming's samples (--pid): attached with
		# -p, perf saw none of the workers' samples in this script
		perf record -a -g -o "$DATA/perf.data" -- sleep "$SECS" >"$OUT/perf-record.log" 2>&1 &
		perf_pid=$!
	fi
	run_wrk "$size-coldhtml" "$LIST_HTML" "$CK" 64
	if [ $PERF = 1 ] && [ $size = big ]; then
		wait "$perf_pid" || true
		perf report -i "$DATA/perf.data" --pid "$WM_PID" --percentage relative --no-children --percent-limit 1 --stdio >"$OUT/perf.txt" 2>/dev/null || true
		perf report -i "$DATA/perf.data" --pid "$WM_PID" --percentage relative --no-children --percent-limit 1 --stdio -g none --sort dso,sym >"$OUT/perf-flat.txt" 2>/dev/null || true
	fi
	run_wrk "$size-coldjson" "$LIST_JSON" "$AUTH" 64
	run_wrk "$size-colddetail" "$DETAIL_URL" "$CK" 64
	run_wrk "$size-coldhtml1" "$LIST_HTML" "$CK" 1
	stop_pid "$WM_PID"
	WM_PID=""
done

# --- 4. mixed load, big: 64 unit administrators' lists while cases arrive ---------------------
CUR_DB=${DB[big]}
say "mixed load: signing in $NUSERS unit administrators"
start_wm "$OUT/wenming-mixed.log"
: >"$DATA/sessions.txt"
while read -r name unit pw; do
	sid=$(sign_in "$WM_BASE" "$name" "$pw")
	echo "$unit $sid" >>"$DATA/sessions.txt"
done <"$DATA/users.txt"
read -r u1 s1 < <(head -n 1 "$DATA/sessions.txt")
check_url mixed-user "$WM_BASE/r/cases?unit_id=$u1&state=$STATE" "Cookie: wm_sid=$s1"

# wrk gives each of its threads half the users; every request goes to the
# thread's next user in turn (wrk's Lua cannot tell its connections apart),
# so the 64 connections read 64 different users' lists of 64 departments.
cat >"$DATA/users.lua" <<'LUA'
local users, n, i, created = {}, 0, 0, 0
function setup(thread)
	thread:set("tid", created) -- a global of that thread's own Lua state
	created = created + 1
end
function init(args) -- args: sessions file, state, number of threads
	local k, nt = 0, tonumber(args[3])
	for line in io.lines(args[1]) do
		if k % nt == tid then
			local unit, sid = line:match("^(%d+) (%S+)$")
			n = n + 1
			users[n] = { path = "/r/cases?unit_id=" .. unit .. "&state=" .. args[2], hdr = { Cookie = "wm_sid=" .. sid } }
		end
		k = k + 1
	end
end
function request()
	i = i % n + 1
	return wrk.format("GET", users[i].path, users[i].hdr)
end
LUA
# the arrivals: 8 connections, each waiting so long after an answer that
# they send at most RATE × 1.5 a second together (RATE while an answer
# takes under 1/3 × 8 / RATE s: 133 ms at 20 a second)
PACE_MS=$((8000 * 2 / (RATE * 3)))
INTAKE_KEY=${TOKEN[big]}
DESC=$(urlenc "市民反映：中山路路燈連續三晚不亮，夜間行人和車輛通行很危險，請儘快維修。")
ADDR=$(urlenc "中山路")
# Open311 if this build has it, else the JSON API
o311=$(curl -s -o "$OUT/body-o311-probe" -w '%{http_code}' --max-time 20 \
	--data "api_key=$INTAKE_KEY&service_code=$CAT_CODE&description=$DESC&address_string=${ADDR}1%E8%99%9F" \
	"$WM_BASE/open311/v2/requests.json")
if [ "$o311" = 200 ]; then
	INTAKE=open311
	INTAKE_PATH=/open311/v2/requests.json
else
	INTAKE=api
	INTAKE_PATH=/api/v1/cases
	say "no Open311 here (POST requests.json answered $o311): cases arrive through POST /api/v1/cases"
	code=$(curl -s -o "$OUT/body-api-probe" -w '%{http_code}' --max-time 20 -H "Authorization: Bearer $INTAKE_KEY" \
		-H 'Content-Type: application/json' \
		-d "{\"title\":\"中山路路燈不亮\",\"description\":\"中山路路燈連續三晚不亮，請儘快維修。\",\"kind\":\"problem\",\"channel\":\"web\",\"category_id\":${CAT[big]},\"address\":\"中山路1號\"}" \
		"$WM_BASE/api/v1/cases")
	[ "$code" = 201 ] || die "POST /api/v1/cases answered $code, expected 201"
fi
# post.lua: arg 1 the mode (open311 | api), 2 the key, 3 the category id,
# 4 the pause after each answer in ms (0: none)
cat >"$DATA/post.lua" <<LUA
local mode, key, cat, pause, n = "open311", "", "", 0, 0
function init(args)
	mode, key, cat, pause = args[1], args[2], args[3], tonumber(args[4])
	wrk.method = "POST"
	if mode == "open311" then
		wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
	else
		wrk.headers["Content-Type"] = "application/json"
		wrk.headers["Authorization"] = "Bearer " .. key
	end
end
function request()
	n = n + 1
	local body
	if mode == "open311" then
		body = "api_key=" .. key .. "&service_code=$CAT_CODE&description=$DESC&address_string=$ADDR" .. n .. "%E8%99%9F"
	else
		body = '{"title":"中山路路燈不亮","description":"中山路路燈連續三晚不亮，請儘快維修。","kind":"problem","channel":"web","category_id":' .. cat .. ',"address":"中山路' .. n .. '號"}'
	end
	return wrk.format(nil, nil, nil, body)
end
function delay()
	return pause
end
LUA

run_wrk mixed-quiet "$WM_BASE/" "" 64 -s "$DATA/users.lua" -- "$DATA/sessions.txt" "$STATE" 2
say "mixed load: arrivals at ~$RATE/s through $INTAKE_PATH"
timeout $((SECS + 30)) wrk -t1 -c8 "-d$((SECS + 3))s" --latency -s "$DATA/post.lua" "$WM_BASE$INTAKE_PATH" \
	-- "$INTAKE" "$INTAKE_KEY" "${CAT[big]}" "$PACE_MS" >"$OUT/wrk-mixed-arrivals.txt" 2>&1 &
PACER_PID=$!
sleep 1
run_wrk mixed "$WM_BASE/" "" 64 -s "$DATA/users.lua" -- "$DATA/sessions.txt" "$STATE" 2
wait "$PACER_PID" || die "the arrivals' wrk failed ($OUT/wrk-mixed-arrivals.txt)"
PACER_PID=""
read -r ARR_RPS ARR_P50 ARR_P99 ARR_NON2XX ARR_ERRS ARR_TO ARR_N < <(parse_wrk "$OUT/wrk-mixed-arrivals.txt")
CMDLINES[mixed-arrivals]="wrk -t1 -c8 -d$((SECS + 3))s --latency -s post.lua $WM_BASE$INTAKE_PATH -- $INTAKE KEY CATEGORY $PACE_MS"
stop_pid "$WM_PID"
WM_PID=""

# --- 5. intake, SQLite: Open311 POST requests.json at 64 connections ----------------------------
CUR_DB=${DB[small]}
say "intake, SQLite (small database)"
start_wm "$OUT/wenming-intake.log"
before=$(sqlite3 "$CUR_DB" "SELECT count(*) FROM cases")
run_wrk intake-nginx "$NGINX_URL" "" 64
if [ $PERF = 1 ]; then
	say "perf record of the intake"
	perf record -a -g -o "$DATA/perf-intake.data" -- sleep "$SECS" >"$OUT/perf-intake-record.log" 2>&1 &
	perf_pid=$!
fi
run_wrk intake-sqlite "$WM_BASE$INTAKE_PATH" "" 64 -s "$DATA/post.lua" -- "$INTAKE" "${TOKEN[small]}" "${CAT[small]}" 0
if [ $PERF = 1 ]; then
	wait "$perf_pid" || true
	perf report -i "$DATA/perf-intake.data" --pid "$WM_PID" --percentage relative --no-children --percent-limit 1 --stdio -g none --sort dso,sym >"$OUT/perf-intake-flat.txt" 2>/dev/null || true
	perf report -i "$DATA/perf-intake.data" --pid "$WM_PID" --percentage relative --no-children --percent-limit 2 --stdio >"$OUT/perf-intake.txt" 2>/dev/null || true
fi
stop_pid "$WM_PID"
WM_PID=""
INTAKE_ROWS_SQLITE=$(($(sqlite3 "$CUR_DB" "SELECT count(*) FROM cases") - before))

# --- 6. intake, PostgreSQL: two servers behind nginx ---------------------------------------------
PG_NOTE=""
if [ $PG = 1 ]; then
	say "intake, PostgreSQL: cluster"
	PG_DIR=$DATA/pg
	PG_URL=$(scripts/pg-test-cluster start "$PG_DIR" 2>"$OUT/pg-cluster.log") || { cat "$OUT/pg-cluster.log" >&2; die "pg-test-cluster start failed"; }
	# the test cluster runs without fsync: a durable acknowledgement needs it
	psql -q "$PG_URL" -c "ALTER SYSTEM SET fsync = on" -c "ALTER SYSTEM SET synchronous_commit = on" \
		-c "ALTER SYSTEM SET full_page_writes = on" -c "SELECT pg_reload_conf()" >/dev/null || die "cannot set fsync on"
	sleep 0.5
	PG_SETTINGS=$(psql -At "$PG_URL" -c "SELECT string_agg(name || '=' || setting, ', ' ORDER BY name) FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'full_page_writes', 'wal_sync_method', 'commit_delay')")
	PG_VERSION=$(psql -At "$PG_URL" -c "SHOW server_version" | cut -d' ' -f1)
	"$WM" init --db "$PG_URL" --password-file "$DATA/pw-pg.txt" >"$OUT/init-pg.log" 2>&1 || { cat "$OUT/init-pg.log" >&2; die "wenming init (PostgreSQL) failed"; }
	PG_TOKEN=$("$WM" token add admin --name bench --db "$PG_URL" 2>>"$OUT/init-pg.log" | tail -n 1)
	[ -n "$PG_TOKEN" ] || die "wenming token add (PostgreSQL) failed"
	PG_CMD=("$WM" serve --db "$PG_URL" --access-log off --threads $PG_THREADS)
	"${PG_CMD[@]}" --listen "127.0.0.1:$PG_PORT_A" >"$OUT/wenming-pg-a.log" 2>&1 &
	PG_PID_A=$!
	"${PG_CMD[@]}" --listen "127.0.0.1:$PG_PORT_B" >"$OUT/wenming-pg-b.log" 2>&1 &
	PG_PID_B=$!
	wait_http "http://127.0.0.1:$PG_PORT_A/static/app.css" "$PG_PID_A" 30 || die "wenming (PostgreSQL, A) did not come up"
	wait_http "http://127.0.0.1:$PG_PORT_B/static/app.css" "$PG_PID_B" 30 || die "wenming (PostgreSQL, B) did not come up"
	mkdir -p "$DATA/proxy/tmp"
	chmod 0755 "$DATA/proxy"
	cat >"$DATA/proxy/nginx.conf" <<CONF
worker_processes auto;
daemon off;
pid $DATA/proxy/nginx.pid;
error_log $DATA/proxy/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $DATA/proxy/tmp/body;
    proxy_temp_path $DATA/proxy/tmp/proxy;
    fastcgi_temp_path $DATA/proxy/tmp/fastcgi;
    uwsgi_temp_path $DATA/proxy/tmp/uwsgi;
    scgi_temp_path $DATA/proxy/tmp/scgi;
    keepalive_requests 1000000;
    upstream wenming {
        server 127.0.0.1:$PG_PORT_A;
        server 127.0.0.1:$PG_PORT_B;
        keepalive 64;
    }
    server {
        listen 127.0.0.1:$PROXY_PORT;
        location / {
            proxy_pass http://wenming;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host \$host;
        }
    }
}
CONF
	"$NGINX" -t -q -c "$DATA/proxy/nginx.conf" -p "$DATA/proxy" -e "$DATA/proxy/error.log" || die "nginx rejected the proxy config"
	"$NGINX" -c "$DATA/proxy/nginx.conf" -p "$DATA/proxy" -e "$DATA/proxy/error.log" &
	PROXY_PID=$!
	PROXY_BASE=http://127.0.0.1:$PROXY_PORT
	wait_http "$PROXY_BASE/static/app.css" "$PROXY_PID" 10 || die "the nginx proxy did not come up"
	PG_CAT=$(make_category "$PROXY_BASE" "$PG_TOKEN")
	code=$(curl -s -o "$OUT/body-pg-probe" -w '%{http_code}' --max-time 20 \
		--data "api_key=$PG_TOKEN&service_code=$CAT_CODE&description=$DESC&address_string=${ADDR}1%E8%99%9F" \
		"$PROXY_BASE/open311/v2/requests.json")
	if [ $INTAKE = open311 ] && [ "$code" != 200 ]; then die "Open311 through the proxy (PostgreSQL) answered $code"; fi
	pg_count() { psql -At "$PG_URL" -c "SELECT count(*) FROM cases"; }
	before=$(pg_count)
	# what the servers' connections wait on, every 0.2 s during the run
	# (one psql session, \watch: a new psql every 0.2 s would take a core)
	cat >"$DATA/pg-sample.sql" <<'SQL'
SELECT '--'
UNION ALL
(SELECT coalesce(wait_event_type, 'CPU') || '|' || coalesce(wait_event, '-') || '|' ||
        regexp_replace(left(query, 48), '\s+', ' ', 'g')
 FROM pg_stat_activity
 WHERE datname = current_database() AND state = 'active' AND pid <> pg_backend_pid()
   AND backend_type = 'client backend')
\watch 0.2
SQL
	timeout $((SECS + 1)) psql -At "$PG_URL" -f "$DATA/pg-sample.sql" >"$OUT/pg-waits-raw.txt" 2>/dev/null &
	PGSAMPLER_PID=$!
	run_wrk intake-pg "$PROXY_BASE$INTAKE_PATH" "" 64 -s "$DATA/post.lua" -- "$INTAKE" "$PG_TOKEN" "$PG_CAT" 0
	wait "$PGSAMPLER_PID" 2>/dev/null || true
	PGSAMPLER_PID=""
	INTAKE_ROWS_PG=$(($(pg_count) - before))
	PG_SAMPLES=$(grep -c '^--$' "$OUT/pg-waits-raw.txt" || true)
	# wait event × statement, how often, averaged per sample
	awk -F'|' -v s="$PG_SAMPLES" '$0 != "--" && NF >= 3 { k = $1 ":" $2 "|" $3; c[k]++; t++ }
		END { for (k in c) { split(k, a, "|"); printf "| %s | `%s` | %.1f |\n", a[1], a[2], c[k] / (s > 0 ? s : 1) } }' \
		"$OUT/pg-waits-raw.txt" | sort -t'|' -k4 -rn | head -n 12 >"$OUT/pg-waits.md"
	PG_ACTIVE=$(awk -v s="$PG_SAMPLES" '$0 != "--" && NF { t++ } END { printf "%.1f", t / (s > 0 ? s : 1) }' "$OUT/pg-waits-raw.txt")
	PG_LOCKWAIT=$(awk -F'|' -v s="$PG_SAMPLES" '$1 == "Lock" { t++ } END { printf "%.1f", t / (s > 0 ? s : 1) }' "$OUT/pg-waits-raw.txt")
	stop_pid "$PROXY_PID"
	PROXY_PID=""
	stop_pid "$PG_PID_A"
	stop_pid "$PG_PID_B"
	PG_PID_A=""
	PG_PID_B=""
	scripts/pg-test-cluster stop "$PG_DIR" >/dev/null 2>&1 || true
	PG_DIR=""
fi
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)
T_TOTAL=$(($(date +%s) - T_START))

# --- 7. report -------------------------------------------------------------------------------------
r2() { awk -v a="$1" -v b="$2" 'BEGIN { r = (b > 0 ? a / b : 0); printf (r < 0.1 ? "%.3f" : "%.2f"), r }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
ok_ge() { awk -v a="$1" -v b="$2" 'BEGIN { print (a >= b ? "ok" : "MISSED") }'; }
ok_le() { awk -v a="$1" -v b="$2" 'BEGIN { print (a <= b ? "ok" : "MISSED") }'; }
kb() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1024 }'; }
num() { local p=${1/> /99999}; echo "${p/n\/a/99999}"; }
CPU=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo)
MEM=$(awk '/^MemTotal:/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)
if [ $INTAKE = open311 ]; then INTAKE_LABEL="Open311 \`POST /open311/v2/requests.json\` (form, api_key)"; else INTAKE_LABEL="\`POST /api/v1/cases\` (JSON, Bearer; this build has no Open311)"; fi
label() {
	case $1 in
	nginx) echo "nginx 2 KB static file" ;;
	html) echo "GET /r/cases?unit_id=U&state=$STATE (HTML, admin's cookie)" ;;
	json) echo "GET /api/v1/cases?unit_id=U&state=$STATE (JSON, Bearer)" ;;
	detail) echo "GET /r/cases/ID (the case's page, HTML)" ;;
	coldhtml) echo "list HTML, cache off" ;;
	coldjson) echo "list JSON, cache off" ;;
	colddetail) echo "case page, cache off" ;;
	coldhtml1) echo "list HTML, cache off, 1 connection (-t1 -c1)" ;;
	esac
}
goal_of() { # key ratio
	local k=$1 ratio=$2 g=""
	case $k in
	*-html) g="≥ 0.5: $(ok_ge "$ratio" 0.5); p99 ≤ 20: $(ok_le "$(num "${P99[$k]}")" 20)" ;;
	esac
	[ -z "${BAD[$k]:-}" ] || g="$g — MISSED${BAD[$k]}"
	echo "$g"
}

REPORT=$OUT/report.md
{
	echo "## $(date '+%Y-%m-%d %H:%M:%S %z') — cases benchmark (bench/cases.sh) — commit $COMMIT at start, build/wenming of $WM_BUILT"
	echo
	echo "Machine: $(nproc) cores, ${CPU:-unknown CPU}, $MEM, $(uname -r); SQLite $(sqlite3 --version | cut -d' ' -f1); $("$NGINX" -v 2>&1 | sed 's/.*: //'), $(wrk -v 2>&1 | head -n 1 | awk '{ print "wrk " $2 }')${PG_VERSION:+, PostgreSQL $PG_VERSION}. Load average (1/5/15 min) at start $LOAD_START, at end $LOAD_END: the machine is shared (other helpers were building and testing on the same 2 cores), so absolute numbers are noisy; each row is a ratio to nginx measured in the same phase. Whole run ${T_TOTAL} s."
	echo
	echo "Server CPU ms/req: the wenming process's user + system time from /proc over the run and until it is idle again (requests wrk gave up on included), divided by the requests wrk counted: less moved by the other work on the machine than req/s; left out (—) where wrk gave up on 5 % or more of its requests."
	echo
	echo "Data: 10,000 units (\`gen units\`); $SMALL and $BIG cases (\`gen cases\`: one year of arrivals in id order, 10 % handled by secondary units, 40 % departments, 40 % windows, 10 % posts; states by age, ~4.5 % in hand; loaded straight into the \`cases\` table in ${GEN_SECS[small]} s and ${GEN_SECS[big]} s, per-unit counts recounted; big database $DB_MB MiB). List filter: U = secondary unit U00002 (id $SEC_UNIT), whose subtree holds ${SUBTREE[small]} / ${SUBTREE[big]} cases, ${TOTAL[small]} / ${TOTAL[big]} of them \`$STATE\` (the JSON \`total\` was checked against these). SQLite settings in this build's sources: ${SYNC:-unknown}. Case intake (case_submit): $DURABLE."
	echo
	echo "### Intake ($INTAKE_LABEL, 64 connections)"
	echo
	echo "| target | req/s | p50 ms | p99 ms | server CPU ms/req | vs nginx | rows written | goal |"
	echo "|---|---:|---:|---:|---:|---:|---:|---|"
	printf '| nginx 2 KB static file | %s | %s | %s | | 1.00× | | baseline |\n' "${RPS[intake-nginx]}" "${P50[intake-nginx]}" "${P99[intake-nginx]}"
	r=$(r2 "${RPS[intake-sqlite]}" "${RPS[intake-nginx]}")
	g="≥ 0.3 with 0 errors: $(ok_ge "$r" 0.3)"
	[ -z "${BAD[intake-sqlite]}" ] || g="MISSED${BAD[intake-sqlite]}"
	printf '| SQLite, one server (%s wrk requests answered) | %s | %s | %s | %s | %s× | %s | %s |\n' "${NREQ[intake-sqlite]}" "${RPS[intake-sqlite]}" \
		"${P50[intake-sqlite]}" "${P99[intake-sqlite]}" "${CPUMS[intake-sqlite]}" "$r" "$INTAKE_ROWS_SQLITE" "$g"
	if [ $PG = 1 ]; then
		r=$(r2 "${RPS[intake-pg]}" "${RPS[intake-nginx]}")
		printf '| PostgreSQL, two servers behind nginx (%s answered) | %s | %s | %s | %s (both; PostgreSQL not counted) | %s× | %s | recorded%s |\n' "${NREQ[intake-pg]}" "${RPS[intake-pg]}" \
			"${P50[intake-pg]}" "${P99[intake-pg]}" "${CPUMS[intake-pg]}" "$r" "$INTAKE_ROWS_PG" "${BAD[intake-pg]:+ — errors${BAD[intake-pg]}}"
	fi
	echo
	echo "Rows written = cases added to the database during the run (requests still in flight when wrk stops may add a few more than it counted)."
	if [ $PG = 1 ]; then
		echo
		echo "PostgreSQL: $PG_SETTINGS (set on the test cluster for this run: durable commits). What the servers' connections were doing, sampled from \`pg_stat_activity\` every 0.2 s during the run ($PG_SAMPLES samples; on average $PG_ACTIVE active, $PG_LOCKWAIT waiting on a lock):"
		echo
		echo "| wait event (CPU: none) | statement | connections, mean per sample |"
		echo "|---|---|---:|"
		cat "$OUT/pg-waits.md"
	fi
	echo
	for size in small big; do
		echo "### List and case page, ${NCASES[$size]} cases"
		echo
		echo "| target | req/s | p50 ms | p99 ms | server CPU ms/req | vs nginx | body | goal |"
		echo "|---|---:|---:|---:|---:|---:|---:|---|"
		for k in nginx html json detail coldhtml coldjson colddetail coldhtml1; do
			key=$size-$k
			ratio=$(r2 "${RPS[$key]}" "${RPS[$size-nginx]}")
			body=""
			case $k in
			nginx) body="2.0 KB"; ratio="1.00" ;;
			coldhtml | coldhtml1) body="$(kb "${BYTES[$size-html]}") KB" ;;
			coldjson) body="$(kb "${BYTES[$size-json]}") KB" ;;
			colddetail) body="$(kb "${BYTES[$size-detail]}") KB" ;;
			*) body="$(kb "${BYTES[$key]}") KB" ;;
			esac
			[ $k != coldhtml1 ] || ratio=""
			g=$(goal_of "$key" "$ratio")
			[ $k != nginx ] || g="baseline"
			cpu=${CPUMS[$key]}
			[ $k != nginx ] || cpu=""
			printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$(label $k)" "${RPS[$key]}" "${P50[$key]}" "${P99[$key]}" \
				"$cpu" "${ratio:+${ratio}×}" "$body" "$g"
		done
		echo
		echo "wenming private memory (RssAnon) after the cache-on runs: $(mib "${RSS_ANON[$size]:-0}") MiB."
		echo
	done
	echo "### Scaling: cost at $BIG vs $SMALL cases (goal ≤ 1.5×; cost = 1 / req/s, each normalized by nginx in its own phase)"
	echo
	echo "| what | req/s $SMALL | req/s $BIG | cost ratio (raw) | cost ratio (normalized) | goal |"
	echo "|---|---:|---:|---:|---:|---|"
	for k in html json detail coldhtml coldjson colddetail coldhtml1; do
		if awk -v b="${RPS[big-$k]}" 'BEGIN { exit !(b <= 0) }'; then
			printf '| %s | %s | 0 | — | — | MISSED |\n' "$(label $k)" "${RPS[small-$k]}"
			continue
		fi
		raw=$(r2 "${RPS[small-$k]}" "${RPS[big-$k]}")
		if [ $k = coldhtml1 ]; then
			norm="p50 ${P50[small-$k]} → ${P50[big-$k]} ms"
			g=$(ok_le "$raw" 1.5)
		else
			norm=$(awk -v a="${RPS[small-$k]}" -v b="${RPS[big-$k]}" -v na="${RPS[small-nginx]}" -v nb="${RPS[big-nginx]}" \
				'BEGIN { printf "%.2f", (a / na) / (b / nb) }')
			g=$(ok_le "$norm" 1.5)
			norm="${norm}×"
		fi
		printf '| %s | %s | %s | %s× | %s | %s |\n' "$(label $k)" "${RPS[small-$k]}" "${RPS[big-$k]}" "$raw" "$norm" "$g"
	done
	echo
	echo "### Mixed load, $BIG cases: $NUSERS unit administrators, each reading its own department's \`$STATE\` list (cache on)"
	echo
	echo "Each administrator (\`wenming user add uaK --role unit_admin --unit DEPT\`) is signed in with its own cookie; wrk's Lua gives each request the next user of its thread in turn (a department's subtree: 64 units, ~$DEPT_TOTAL_MIN \`$STATE\` cases of ~$((BIG / 156)) at this size). Arrivals through $INTAKE_PATH land with the office (state registered, no unit), but every one bumps the data generation and so empties every cached list."
	echo
	echo "| target | req/s | p50 ms | p99 ms | server CPU ms/req | vs nginx | goal |"
	echo "|---|---:|---:|---:|---:|---:|---|"
	printf '| nginx 2 KB static file (phase big) | %s | %s | %s | | 1.00× | baseline |\n' "${RPS[big-nginx]}" "${P50[big-nginx]}" "${P99[big-nginx]}"
	r=$(r2 "${RPS[mixed-quiet]}" "${RPS[big-nginx]}")
	g="cached: ≥ 0.5: $(ok_ge "$r" 0.5); p99 ≤ 20: $(ok_le "$(num "${P99[mixed-quiet]}")" 20)"
	[ -z "${BAD[mixed-quiet]}" ] || g="$g — MISSED${BAD[mixed-quiet]}"
	printf '| 64 users'"'"' lists, no arrivals | %s | %s | %s | %s | %s× | %s |\n' "${RPS[mixed-quiet]}" "${P50[mixed-quiet]}" "${P99[mixed-quiet]}" "${CPUMS[mixed-quiet]}" "$r" "$g"
	r=$(r2 "${RPS[mixed]}" "${RPS[big-nginx]}")
	g="≥ 0.1: $(ok_ge "$r" 0.1); p99 ≤ 50: $(ok_le "$(num "${P99[mixed]}")" 50)"
	[ -z "${BAD[mixed]}" ] || g="$g — MISSED${BAD[mixed]}"
	printf '| 64 users'"'"' lists while cases arrive | %s | %s | %s | %s (lists and arrivals) | %s× | %s |\n' "${RPS[mixed]}" "${P50[mixed]}" "${P99[mixed]}" "${CPUMS[mixed]}" "$r" "$g"
	g="≥ $RATE/s: $(ok_ge "$ARR_RPS" "$RATE")"
	[ "$ARR_NON2XX" = 0 ] && [ "$ARR_ERRS" = 0 ] || g="$g — MISSED (non-2xx $ARR_NON2XX, socket errors $ARR_ERRS)"
	printf '| the arrivals meanwhile (8 connections, paced; %s posted) | %s | %s | %s | | | %s |\n' "$ARR_N" "$ARR_RPS" "$ARR_P50" "$ARR_P99" "$g"
	echo
	echo "Command: \`bench/cases.sh${*:+ $*}\` (CASES_SMALL=$SMALL CASES_BIG=$BIG CASES_WRK_SECONDS=$SECS CASES_RATE=$RATE); the steps:"
	echo
	echo '```'
	echo "cc -O2 -std=c11 -o gen bench/gen/gen.c; gen units DIR"
	echo "wenming init --db sqlite:DB; wenming import units units.csv --db sqlite:DB; wenming token add admin --db sqlite:DB"
	echo "curl -H 'Authorization: Bearer …' -d '{\"code\":\"$CAT_CODE\",…,\"public\":true}' \$BASE/api/v1/case_categories   # on a running server"
	echo "(sqlite3 DB: DROP the cases indexes and triggers; gen cases N OFFSET CATEGORY NOW /dev/stdout; CREATE them again; recount unit_counts)"
	echo "echo PASSWORD | wenming user add uaK --role unit_admin --unit DEPT --password-stdin --db sqlite:DB   # K = 0..$((NUSERS - 1))"
	shell_cmd=$(printf '%s ' "${WM_CMD[@]}")
	echo "${shell_cmd//$DATA\//}   # cache off: --cache-size 0" | sed "s|sqlite:[^ ]*|sqlite:DB|"
	for k in big-nginx big-html big-json big-detail big-coldhtml1 mixed-quiet mixed mixed-arrivals intake-sqlite intake-pg; do
		[ -z "${CMDLINES[$k]:-}" ] || echo "${CMDLINES[$k]}" | sed "s|$DATA/||g; s|$WM_BASE|\$BASE|; s|${TOKEN[small]}|KEY|; s|${TOKEN[big]}|KEY|; s|${PG_TOKEN:-@@}|KEY|"
	done
	if [ $PG = 1 ]; then
		echo "scripts/pg-test-cluster start DIR; psql URL -c 'ALTER SYSTEM SET fsync = on' (synchronous_commit, full_page_writes too); SELECT pg_reload_conf()"
		echo "wenming serve --db URL --threads $PG_THREADS --listen 127.0.0.1:$PG_PORT_A   # and :$PG_PORT_B; nginx upstream of both on :$PROXY_PORT (keepalive 64)"
	fi
	echo '```'
	echo
	echo "Query plans at $BIG cases: bench/out/$(basename "$OUT")/query-plans.txt (not committed)."
	echo
} >"$REPORT"

cat "$REPORT"
if [ $RECORD = 1 ]; then
	cat "$REPORT" >>bench/RESULTS.md
	say "appended to bench/RESULTS.md (raw output in ${OUT#$ROOT/}/)"
else
	say "not recorded (raw output in ${OUT#$ROOT/}/)"
fi
