#!/usr/bin/env bash
# Load benchmark: wenming against nginx serving a 2 KB static file, same run,
# same machine, loopback only. See bench/README.md.
#
# Usage: bench/run.sh [--nginx-only] [--no-record] [--strict]
#   --nginx-only  only the nginx baseline (no build/wenming needed); not recorded
#   --no-record   print the table but do not append it to bench/RESULTS.md
#   --strict      exit 1 when a target is missed
# Env: BENCH_WENMING_PORT (18080), BENCH_NGINX_PORT (18081) when those are taken;
#      WENMING_BIN  the binary to run instead of build/wenming (to test this script)
#
# Targets (each wenming row against nginx in the same run):
#   /static/app.js (1.8 KB, the asset nearest the 2 KB file)  >= 0.8x nginx req/s
#   signed-in /      >= 0.5x nginx req/s
#   peak RSS (VmHWM) <= 64 MiB
#
# Each wrk run: wrk -t2 -c64 -d10s --latency, 127.0.0.1 only. Raw outputs and
# server logs are kept in bench/out/TIMESTAMP/ (gitignored). Every server this
# script starts is killed on exit.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD

NGINX_ONLY=0
RECORD=1
STRICT=0
for a in "$@"; do
	case "$a" in
	--nginx-only) NGINX_ONLY=1 RECORD=0 ;;
	--no-record) RECORD=0 ;;
	--strict) STRICT=1 ;;
	-h | --help)
		sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'
		exit 0
		;;
	*)
		echo "bench: unknown option $a (try --help)" >&2
		exit 2
		;;
	esac
done

NGINX_PORT=${BENCH_NGINX_PORT:-18081}
WM_PORT=${BENCH_WENMING_PORT:-18080}
WRK_ARGS=(-t2 -c64 -d10s --latency)
WM_THREADS=128
RSS_LIMIT_KIB=$((64 * 1024))

die() { echo "bench: error: $*" >&2; exit 1; }
say() { echo "bench: $*" >&2; }
. "$(dirname "$0")/lib.sh"

WM=${WENMING_BIN:-$ROOT/build/wenming} # override only to test this script
if [ $NGINX_ONLY = 0 ] && [ ! -x "$WM" ]; then
	echo "bench: build/wenming not found: run make first" >&2
	exit 1
fi

# --- tools: wrk, nginx, curl (installed from Debian only if missing) --------
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
find_nginx() {
	NGINX=$(command -v nginx 2>/dev/null || true)
	[ -n "$NGINX" ] || { [ -x /usr/sbin/nginx ] && NGINX=/usr/sbin/nginx; } || true
}
find_nginx
missing=()
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
[ -n "$NGINX" ] || missing+=(nginx-light)
command -v curl >/dev/null 2>&1 || missing+=(curl)
if [ ${#missing[@]} -gt 0 ]; then
	say "installing ${missing[*]} (apt-get)"
	export DEBIAN_FRONTEND=noninteractive
	if ! $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2; then
		# a fresh machine has no package lists yet
		$SUDO apt-get update -qq >&2 || die "apt-get update failed"
		$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2 ||
			die "could not install ${missing[*]}"
	fi
	find_nginx
	[ -n "$NGINX" ] || die "nginx still not found after install"
	command -v wrk >/dev/null 2>&1 || die "wrk still not found after install"
fi

port_busy() {
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}
port_busy $NGINX_PORT && die "127.0.0.1:$NGINX_PORT is already in use"
[ $NGINX_ONLY = 1 ] || ! port_busy $WM_PORT || die "127.0.0.1:$WM_PORT is already in use"

# --- scratch space, outputs, cleanup -----------------------------------------
TMP=$(mktemp -d /tmp/wenming-bench.XXXXXX)
OUT=$ROOT/bench/out/$(date +%Y%m%d-%H%M%S)
mkdir -p "$OUT"
NGINX_PID=""
WM_PID=""
SAMPLER_PID=""

cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	stop_pid "$SAMPLER_PID"
	stop_pid "$WM_PID"
	if [ -n "$NGINX_PID" ]; then
		stop_pid "$NGINX_PID"
	elif [ -s "$TMP/nginx/nginx.pid" ]; then
		stop_pid "$(cat "$TMP/nginx/nginx.pid")"
	fi
	# keep the server logs with the wrk outputs
	cp "$TMP"/nginx/error.log "$OUT/nginx-error.log" 2>/dev/null || true
	rm -rf "$TMP"
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- nginx on 127.0.0.1:18081 with its own prefix, pid file and logs ---------
chmod 0755 "$TMP" # nginx workers may run as nobody
start_nginx "$TMP/nginx" "$NGINX_PORT"
wait_http "$NGINX_URL" "$NGINX_PID" 10 || {
	cat "$TMP/nginx/error.log" >&2 2>/dev/null || true
	die "nginx did not come up on 127.0.0.1:$NGINX_PORT"
}
say "nginx $("$NGINX" -v 2>&1 | sed 's/.*\///') up (pid $NGINX_PID)"

# --- wenming on 127.0.0.1:18080 -----------------------------------------------
WM_BASE=http://127.0.0.1:$WM_PORT
if [ $NGINX_ONLY = 0 ]; then
	DB=sqlite:$TMP/bench.db
	"$WM" init --db "$DB" --password-file "$TMP/pw.txt" >"$OUT/wenming-init.log" 2>&1 || {
		cat "$OUT/wenming-init.log" >&2
		die "wenming init failed"
	}
	[ -s "$TMP/pw.txt" ] || die "wenming init wrote no password to $TMP/pw.txt"
	PASSWORD=$(head -n 1 "$TMP/pw.txt" | tr -d '\r\n')
	[ -n "$PASSWORD" ] || die "empty password in $TMP/pw.txt"

	WM_CMD=("$WM" serve --db "$DB" --listen "127.0.0.1:$WM_PORT" --access-log off --threads $WM_THREADS)
	"${WM_CMD[@]}" >"$OUT/wenming.log" 2>&1 &
	WM_PID=$!
	wait_http "$WM_BASE/static/app.css" "$WM_PID" 20 || {
		tail -n 30 "$OUT/wenming.log" >&2
		die "wenming did not serve /static/app.css on 127.0.0.1:$WM_PORT within 20 s"
	}
	say "wenming up (pid $WM_PID)"

	# sign in: GET /login -> wm_pre cookie + _csrf; POST /login -> 303 + wm_sid
	curl -sS --max-time 10 -D "$TMP/login-get.h" -o "$TMP/login.html" "$WM_BASE/login" ||
		die "GET /login failed"
	PRE=$(sed -n 's/^[Ss]et-[Cc]ookie: *wm_pre=\([^;[:space:]]*\).*/\1/p' "$TMP/login-get.h" | tail -n 1)
	[ -n "$PRE" ] || {
		cp "$TMP/login-get.h" "$TMP/login.html" "$OUT/"
		die "GET /login set no wm_pre cookie (saved to $OUT/login-get.h)"
	}
	CSRF=$(grep -o '<input[^>]*name="_csrf"[^>]*>' "$TMP/login.html" | head -n 1 |
		sed -n 's/.*value="\([^"]*\)".*/\1/p')
	[ -n "$CSRF" ] || {
		cp "$TMP/login-get.h" "$TMP/login.html" "$OUT/"
		die "no <input name=\"_csrf\" value=...> in GET /login (saved to $OUT/login.html)"
	}
	CODE=$(curl -sS --max-time 10 -D "$TMP/login-post.h" -o "$TMP/login-post.html" -w '%{http_code}' \
		-H "Cookie: wm_pre=$PRE" \
		--data-urlencode "_csrf=$CSRF" --data-urlencode "username=admin" \
		--data-urlencode "password=$PASSWORD" "$WM_BASE/login") || die "POST /login failed"
	SID=$(sed -n 's/^[Ss]et-[Cc]ookie: *wm_sid=\([^;[:space:]]*\).*/\1/p' "$TMP/login-post.h" | tail -n 1)
	if [ "$CODE" != 303 ] || [ -z "$SID" ]; then
		cp "$TMP/login-post.h" "$TMP/login-post.html" "$OUT/" 2>/dev/null || true
		die "POST /login answered $CODE without wm_sid (expected 303 + Set-Cookie wm_sid; saved to $OUT/)"
	fi
	HOME_CODE=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 -H "Cookie: wm_sid=$SID" "$WM_BASE/")
	[ "$HOME_CODE" = 200 ] || die "signed-in GET / answered $HOME_CODE, expected 200"
	say "signed in as admin"
fi

# --- runs ----------------------------------------------------------------------
rss_kib() { # field pid -> KiB
	awk -v f="$1:" '$1 == f { print $2 }' "/proc/$2/status" 2>/dev/null || true
}

# wrk output -> "reqs p50_ms p99_ms non2xx errors"
parse_wrk() {
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
	END { printf "%s %.2f %.2f %d %d\n", rps, p50, p99, non2xx, err }' "$1"
}

shell_words() { # quote words that need it, readably: -H 'Cookie: x'
	local w out=""
	for w in "$@"; do
		if [[ $w =~ ^[A-Za-z0-9_./:=@%+,-]+$ ]]; then out+="$w "; else out+="'$w' "; fi
	done
	echo "${out% }"
}

declare -A RPS P50 P99 NON2XX ERRS CMDS
run_wrk() { # name url [header]
	local name=$1 url=$2 hdr=${3:-}
	local cmd=(wrk "${WRK_ARGS[@]}")
	[ -z "$hdr" ] || cmd+=(-H "$hdr")
	cmd+=("$url")
	say "wrk $name: ${cmd[*]/wm_sid=*/wm_sid=…}"
	"${cmd[@]}" >"$OUT/wrk-$name.txt" 2>&1 || {
		cat "$OUT/wrk-$name.txt" >&2
		die "wrk failed for $name"
	}
	read -r RPS[$name] P50[$name] P99[$name] NON2XX[$name] ERRS[$name] < <(parse_wrk "$OUT/wrk-$name.txt")
	[ -n "${RPS[$name]}" ] || die "could not parse wrk output for $name ($OUT/wrk-$name.txt)"
	local shown=("${cmd[@]}")
	[ -z "$hdr" ] || shown[${#WRK_ARGS[@]} + 2]="Cookie: wm_sid=…"
	CMDS[$name]=$(shell_words "${shown[@]}")
}

sampler() { # pid outfile: max VmRSS every 0.2 s
	local pid=$1 out=$2 max=0 v
	while kill -0 "$pid" 2>/dev/null; do
		v=$(rss_kib VmRSS "$pid")
		[ -n "$v" ] && [ "$v" -gt "$max" ] && { max=$v; echo "$max" >"$out"; }
		sleep 0.2
	done
}

run_wrk nginx "$NGINX_URL"
if [ $NGINX_ONLY = 0 ]; then
	RSS_IDLE=$(rss_kib VmRSS "$WM_PID")
	# The sign-in's argon2id alone takes 64 MiB: note that peak, then reset
	# VmHWM (clear_refs 5, Linux >= 4.0) so that it shows the load's own peak.
	RSS_HWM_LOGIN=$(rss_kib VmHWM "$WM_PID")
	HWM_RESET=1
	echo 5 2>/dev/null >"/proc/$WM_PID/clear_refs" || HWM_RESET=0
	echo 0 >"$TMP/rss-max"
	sampler "$WM_PID" "$TMP/rss-max" &
	SAMPLER_PID=$!
	run_wrk static "$WM_BASE/static/app.js"
	run_wrk page "$WM_BASE/" "Cookie: wm_sid=$SID"
	kill -0 "$WM_PID" 2>/dev/null || die "wenming died during the load (log: $OUT/wenming.log)"
	stop_pid "$SAMPLER_PID"
	SAMPLER_PID=""
	RSS_MAX=$(cat "$TMP/rss-max")
	RSS_HWM=$(rss_kib VmHWM "$WM_PID")
	RSS_AFTER=$(rss_kib VmRSS "$WM_PID")
fi

# --- report --------------------------------------------------------------------
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
verdict() { awk -v r="$1" -v t="$2" 'BEGIN { print (r >= t ? "ok" : "MISSED") }'; }
MISSED=0
row() { # name label target
	local n=$1 label=$2 target=$3 r v note=""
	r=$(ratio "${RPS[$n]}" "${RPS[nginx]}")
	if [ -n "$target" ]; then
		v=$(verdict "$(awk -v a="${RPS[$n]}" -v b="${RPS[nginx]}" 'BEGIN { print (b > 0 ? a / b : 0) }')" "$target")
		[ "$v" = ok ] || MISSED=1
		note="≥ $target: $v"
	else
		note="baseline"
	fi
	local bad=""
	[ "${NON2XX[$n]}" = 0 ] && [ "${ERRS[$n]}" = 0 ] || bad=" (non-2xx ${NON2XX[$n]}, socket errors ${ERRS[$n]})"
	[ -z "$bad" ] || MISSED=1
	printf '| %s | %s | %s | %s | %s× | %s%s |\n' "$label" "${RPS[$n]}" "${P50[$n]}" "${P99[$n]}" "$r" "$note" "$bad"
}

COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo "no-commit")
[ -z "$(git status --porcelain --untracked-files=no 2>/dev/null)" ] || COMMIT="$COMMIT (dirty)"
CPU=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo)
INVOCATION="bench/run.sh${*:+ $*}"
for v in WENMING_BIN BENCH_NGINX_PORT BENCH_WENMING_PORT; do
	[ -z "${!v:-}" ] || INVOCATION="$v=${!v} $INVOCATION"
done

REPORT=$TMP/report.md
{
	echo "## $(date '+%Y-%m-%d %H:%M:%S %z') — commit $COMMIT"
	echo
	echo "Machine: $(nproc) cores, ${CPU:-unknown CPU}, $(uname -r); $("$NGINX" -v 2>&1 | sed 's/.*: //'), $(wrk -v 2>&1 | head -n 1 | awk '{ print "wrk " $2 }')"
	echo
	echo "| target | req/s | p50 ms | p99 ms | vs nginx | goal |"
	echo "|---|---:|---:|---:|---:|---|"
	row nginx "nginx 2 KB static file" ""
	if [ $NGINX_ONLY = 0 ]; then
		row static "wenming /static/app.js (1.8 KB)" 0.8
		row page "wenming signed-in /" 0.5
	fi
	echo
	if [ $NGINX_ONLY = 0 ]; then
		[ "${RSS_HWM:-0}" -le $RSS_LIMIT_KIB ] && rv=ok || { rv=MISSED; MISSED=1; }
		if [ $HWM_RESET = 1 ]; then
			hwm_note="peak under load (VmHWM, reset after sign-in) $(mib "${RSS_HWM:-0}") MiB (goal ≤ 64 MiB: $rv)"
		else
			hwm_note="peak VmHWM $(mib "${RSS_HWM:-0}") MiB, sign-in included: could not reset it (goal ≤ 64 MiB: $rv)"
		fi
		echo "wenming RSS: idle $(mib "${RSS_IDLE:-0}") MiB; peak through sign-in $(mib "${RSS_HWM_LOGIN:-0}") MiB (argon2id takes 64 MiB a hash); $hwm_note; max VmRSS sampled under load $(mib "${RSS_MAX:-0}") MiB; after load $(mib "${RSS_AFTER:-0}") MiB"
		echo
	fi
	echo "Command: \`$INVOCATION\`, each run:"
	echo
	echo '```'
	for n in nginx static page; do
		[ -n "${CMDS[$n]:-}" ] && echo "${CMDS[$n]}"
	done
	[ $NGINX_ONLY = 1 ] || shell_words "${WM_CMD[@]}" | sed "s|$TMP|\$TMP|g; s|$ROOT/||g"
	echo '```'
	echo
} >"$REPORT"
# row() ran in the { } above, in this shell: MISSED is already set

cat "$REPORT"
cp "$REPORT" "$OUT/report.md"
if [ $RECORD = 1 ]; then
	if [ ! -f bench/RESULTS.md ]; then
		printf '# Benchmark results\n\nAppended by `bench/run.sh`; see bench/README.md for the targets.\n\n' >bench/RESULTS.md
	fi
	cat "$REPORT" >>bench/RESULTS.md
	say "appended to bench/RESULTS.md (raw output in ${OUT#$ROOT/}/)"
else
	say "not recorded (raw output in ${OUT#$ROOT/}/)"
fi

if [ $STRICT = 1 ] && [ $MISSED = 1 ]; then
	say "a target was missed"
	exit 1
fi
exit 0
