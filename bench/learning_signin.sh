#!/usr/bin/env bash
# Study-session sign-ins with one-time codes at 64 connections, next to
# nginx serving a 2 KB file in the same run with the same client (wrk -t2
# -c64 --latency, loopback only). 40 sessions of the bureau's 40 units, each
# requiring its unit's 500 people (N = 20,000 attendees, more than a run
# uses), all in their sign-in window now; every person holds a code (kept
# as its hash, as the clerk's sheet leaves it). Each request signs one
# person in through POST /learning/signin/{key}, the page's own form (a
# pre-session cookie and its CSRF token), all from one address (a room
# behind one router: right codes are not limited). Every sign-in goes
# through the group-commit writer (on disk before its answer) and updates
# the attendance row, the code and the statistics' tally. Afterwards the
# database must hold at least as many signed rows and used codes as wrk
# counted answers, and the tally must equal a recount.
# Goal (recorded, not asserted): 500 sign-ins within a minute, sign-ins/s
# >= 0.3x nginx, 0 errors.
# Usage: bench/learning_signin.sh [BIN] [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-$PWD/build/wenming}
SECS=${2:-10}
UNITS=60
PER=500
die() { echo "bench: error: $*" >&2; exit 1; }
. bench/lib.sh
for t in wrk sqlite3 curl node; do command -v $t >/dev/null || die "$t not found (Debian: wrk sqlite3 curl nodejs)"; done
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$NGINX" ] || die "nginx not found (Debian: nginx-light)"
[ -x "$BIN" ] || die "$BIN not found: run make first"
dir=$(mktemp -d)
chmod 0755 "$dir" # nginx workers may run as nobody
pid=""
NGINX_PID=""
trap 'stop_pid "$pid"; stop_pid "$NGINX_PID"; rm -rf "$dir"' EXIT
db=$dir/w.db
"$BIN" init --db "sqlite:$db" --password-file "$dir/pw" --log-level warn >/dev/null
node - "$dir" "$UNITS" "$PER" <<'JS'
const crypto = require('node:crypto');
const fs = require('node:fs');
const [dir, units, per] = process.argv.slice(2).map((x, i) => (i ? Number(x) : x));
const A = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
const codes = [], keys = [];
const now = Math.floor(Date.now() / 1000);
let sql = 'BEGIN;\n';
for (let u = 1; u <= units; u++) {
	const key = crypto.randomBytes(16).toString('hex');
	keys.push(key);
	sql += `INSERT INTO study_sessions (id, topic, unit_id, held_on, starts_at, ends_at, audience, signin_key, created_at, updated_at) VALUES (${u}, 'Friday study', ${u + 1}, date('now', 'localtime'), ${now - 300}, ${now + 7200}, 'all', '${key}', 0, 0);\n`;
	for (let i = 0; i < per; i++) {
		const p = (u - 1) * per + i + 1;
		let c = '';
		for (let k = 0; k < 8; k++) c += A[crypto.randomInt(A.length)];
		codes.push(c.slice(0, 4) + '-' + c.slice(4));
		sql += `INSERT INTO people (id, name, unit_id, status, created_at, updated_at) VALUES (${p}, 'Person ${p}', ${u + 1}, 'active', 0, 0);\n`;
		sql += `INSERT INTO learning_attendance (session_id, person_id, unit_id, updated_at) VALUES (${u}, ${p}, ${u + 1}, 0);\n`;
		sql += `INSERT INTO learning_signin_codes (session_id, person_id, hash, used, created_at) VALUES (${u}, ${p}, '${crypto.createHash('sha256').update(c).digest('hex')}', 0, 0);\n`;
	}
}
// session k's codes are lines (k-1)*per+1 .. k*per
fs.writeFileSync(`${dir}/codes.txt`, codes.join('\n'));
fs.writeFileSync(`${dir}/keys.txt`, keys.join('\n'));
fs.writeFileSync(`${dir}/data.sql`, sql + 'COMMIT;\n');
JS
sqlite3 "$db" <<SQL
INSERT INTO units (id, kind, code, name, created_at, updated_at) VALUES (1, 'bureau', 'B', 'Bureau', 0, 0);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $UNITS)
INSERT INTO units (id, parent_id, kind, code, name, created_at, updated_at) SELECT i + 1, 1, 'secondary', 'S' || i, 'Unit ' || i, 0, 0 FROM n;
INSERT INTO unit_tree (ancestor_id, unit_id) SELECT 1, id FROM units;
INSERT INTO unit_tree (ancestor_id, unit_id) SELECT id, id FROM units WHERE id > 1;
SQL
sqlite3 "$db" < "$dir/data.sql"
sqlite3 "$db" <<'SQL'
INSERT INTO learning_att_tallied (session_id, held_on) SELECT id, held_on FROM study_sessions;
INSERT INTO learning_att_days (unit_id, held_on, status, n)
SELECT t.ancestor_id, d.held_on, COALESCE(a.status, ''), count(*) FROM learning_attendance a
JOIN learning_att_tallied d ON d.session_id = a.session_id JOIN unit_tree t ON t.unit_id = a.unit_id
GROUP BY t.ancestor_id, d.held_on, COALESCE(a.status, '');
SQL
port=$((20000 + RANDOM % 20000))
"$BIN" serve --db "sqlite:$db" --listen 127.0.0.1:$port --access-log off --log-level warn 2>"$dir/serve.log" &
pid=$!
wait_http "http://127.0.0.1:$port/healthz" "$pid" 10 || die "wenming did not start: $(cat "$dir/serve.log")"
start_nginx "$dir/nginx" $((port + 1))
wait_http "$NGINX_URL" "$NGINX_PID" 10 || die "nginx did not start"

# one pre-session (cookie and CSRF token) for every request
base=http://127.0.0.1:$port
page=$(curl -sf -c "$dir/jar" "$base/learning/signin/$(head -1 "$dir/keys.txt")")
csrf=$(grep -o 'name="_csrf" value="[^"]*"' <<<"$page" | head -1 | sed 's/.*value="//; s/"$//')
cookie=$(awk '(!/^#/ || /^#HttpOnly_/) && NF >= 7 { printf "%s%s=%s", sep, $6, $7; sep = "; " }' "$dir/jar")
[ -n "$csrf" ] && grep -q 'name="code"' <<<"$page" || die "the sign-in page has no code form"

# each of wrk's two threads takes every other attendee
cat >"$dir/signin.lua" <<LUA
local codes, keys, k = {}, {}, 0
local threads = 0
function setup(thread)
	threads = threads + 1
	thread:set("me", threads)
end
function init(args)
	for line in io.lines("$dir/codes.txt") do codes[#codes + 1] = line end
	for line in io.lines("$dir/keys.txt") do keys[#keys + 1] = line end
	k = me - 2
end
function request()
	k = k + 2
	local s = keys[math.floor((k - 1) / $PER) + 1] or keys[1]
	return wrk.format("POST", "/learning/signin/" .. s, {["Cookie"] = "$cookie",
		["Content-Type"] = "application/x-www-form-urlencoded"}, "_csrf=$csrf&code=" .. (codes[k] or "XXXX-XXXX"))
end
LUA

run() { # name url [wrk options]
	local name=$1 url=$2
	shift 2
	timeout $((SECS + 30)) wrk -t2 -c64 -d"${SECS}s" --latency "$@" "$url" >"$dir/wrk-$name.txt" 2>&1 ||
		{ cat "$dir/wrk-$name.txt" >&2; die "wrk failed ($name)"; }
}
figures() { # wrk output -> req/s p50 p99 requests
	awk '/Requests\/sec/ { r = $2 } $1 == "50%" { a = $2 } $1 == "99%" { b = $2 } / requests in / { n = $1 }
		END { print r, a, b, n }' "$1"
}
run nginx "$NGINX_URL"
run signin "$base/learning/signin/x" -s "$dir/signin.lua"
stop_pid "$pid"
pid=""

read -r n_rps n_p50 n_p99 n_n < <(figures "$dir/wrk-nginx.txt")
read -r s_rps s_p50 s_p99 s_n < <(figures "$dir/wrk-signin.txt")
bad=$(awk '/Non-2xx or 3xx/ { print $NF }' "$dir/wrk-signin.txt")
sock=$(grep 'Socket errors' "$dir/wrk-signin.txt" || true)
signed=$(sqlite3 "$db" 'SELECT count(*) FROM learning_attendance WHERE status IS NOT NULL')
used=$(sqlite3 "$db" 'SELECT coalesce(sum(used), 0) FROM learning_signin_codes')
diff=$(sqlite3 "$db" "SELECT count(*) FROM (SELECT unit_id, held_on, status, n FROM learning_att_days WHERE n <> 0 EXCEPT SELECT t.ancestor_id, s.held_on, COALESCE(a.status, ''), count(*) FROM learning_attendance a JOIN study_sessions s ON s.id = a.session_id JOIN unit_tree t ON t.unit_id = a.unit_id GROUP BY 1, 2, 3)")
[ "$s_n" -le $((UNITS * PER)) ] || echo "bench: warning: $s_n requests but only $((UNITS * PER)) codes: raise UNITS" >&2
ratio=$(awk -v a="$s_rps" -v b="$n_rps" 'BEGIN { printf "%.2f", a / b }')
five=$(awk -v a="$s_rps" 'BEGIN { printf "%.1f", 500 / a }')
echo "| run (wrk -t2 -c64 -d${SECS}s --latency) | req/s | p50 | p99 | errors |"
echo "|---|---|---|---|---|"
echo "| nginx, 2 KB static file | $n_rps | $n_p50 | $n_p99 | 0 |"
echo "| POST /learning/signin/{key} with a code, SQLite, durable | $s_rps (${ratio}x nginx) | $s_p50 | $s_p99 | ${bad:-0} not 200${sock:+; $sock} |"
echo
echo "$s_n sign-ins answered in the run (500 take ${five} s at this rate); in the database afterwards: $signed attendance rows signed, $used codes used; tally rows differing from a recount: $diff."
