#!/usr/bin/env bash
# Ballots at 64 connections, next to nginx serving a 2 KB file in the same
# run with the same client (wrk -t2 -c64 --latency, loopback only). N
# one-time tokens (default 20,000: more than a run uses) for one unit; each
# request votes one token through POST /ballot, the ballot page's own form
# (a pre-session cookie and its CSRF token, 14 answers, an opinion on every
# tenth), each from its own address (X-Forwarded-For through the default
# trusted proxy 127.0.0.1, so the per-address limit of 30 ballots does not
# stop the run). Every ballot goes through the group-commit writer: it is
# on disk before its 303. Afterwards the database must hold at least as
# many ballots and used tokens as wrk counted answers (wrk stops with some
# requests in flight, which may be stored too).
# Goal (recorded, not asserted): ballots/s >= 0.3x nginx, 0 errors.
# Usage: bench/appraisal_ballots.sh [BIN] [N] [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-$PWD/build/wenming}
N=${2:-20000}
SECS=${3:-10}
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
node - "$dir" "$N" <<'JS'
const crypto = require('node:crypto');
const fs = require('node:fs');
const [dir, n] = process.argv.slice(2);
const A = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
const tokens = [];
let sql = 'BEGIN;\n';
for (let i = 0; i < Number(n); i++) {
	let t = '';
	for (let k = 0; k < 16; k++) t += A[crypto.randomInt(A.length)];
	tokens.push(t);
	sql += `INSERT INTO appraisal_tokens (campaign_id, unit_id, pool_id, hash) VALUES (1, 2, 1, '${crypto.createHash('sha256').update(t).digest('hex')}');\n`;
}
fs.writeFileSync(`${dir}/tokens.txt`, tokens.join('\n'));
fs.writeFileSync(`${dir}/tokens.sql`, sql + 'COMMIT;\n');
JS
sqlite3 "$db" <<'SQL'
INSERT INTO units (id, kind, code, name, created_at, updated_at) VALUES (1, 'bureau', 'B', 'Bureau', 0, 0), (2, 'secondary', 'S', 'Unit', 0, 0);
UPDATE units SET parent_id = 1 WHERE id = 2;
INSERT INTO unit_tree (ancestor_id, unit_id) VALUES (1, 1), (1, 2), (2, 2);
INSERT INTO appraisal_questionnaires (id, title, levels, created_at, updated_at) VALUES (1, 'Q', '5', 0, 0);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 14)
INSERT INTO appraisal_questions (questionnaire_id, position, dimension, text_zh_hant, text_zh_hans, text_en, levels, created_at, updated_at)
SELECT 1, i, 'attitude', 'q' || i, 'q' || i, 'q' || i, '5', 0, 0 FROM n;
INSERT INTO appraisal_campaigns (id, year, title, root_unit_id, unit_kinds, questionnaire_id, period_from, period_to, weight, min_sample, state, created_at, updated_at)
VALUES (1, 2026, 'Bench', 1, 'secondary', 1, '2026-01-01', '2026-12-31', 10, 30, 'open', 0, 0);
INSERT INTO appraisal_pools (id, campaign_id, kind, name, created_at, updated_at) VALUES (1, 1, 'service_recipients', 'P', 0, 0);
SQL
sqlite3 "$db" < "$dir/tokens.sql"
port=$((20000 + RANDOM % 20000))
"$BIN" serve --db "sqlite:$db" --listen 127.0.0.1:$port --access-log off --log-level warn 2>"$dir/serve.log" &
pid=$!
wait_http "http://127.0.0.1:$port/healthz" "$pid" 10 || die "wenming did not start: $(cat "$dir/serve.log")"
start_nginx "$dir/nginx" $((port + 1))
wait_http "$NGINX_URL" "$NGINX_PID" 10 || die "nginx did not start"

# one pre-session (cookie and CSRF token) for every request, and the form's
# question ids
base=http://127.0.0.1:$port
page=$(curl -sf -c "$dir/jar" -H 'X-Forwarded-For: 10.0.0.1' "$base/ballot?t=$(head -1 "$dir/tokens.txt")")
csrf=$(grep -o 'name="_csrf" value="[^"]*"' <<<"$page" | head -1 | sed 's/.*value="//; s/"$//')
cookie=$(awk '(!/^#/ || /^#HttpOnly_/) && NF >= 7 { printf "%s%s=%s", sep, $6, $7; sep = "; " }' "$dir/jar")
qids=$(grep -o 'name="q[0-9]*" value="5"' <<<"$page" | sed 's/name="q//; s/".*//' | tr '\n' ' ')
[ -n "$csrf" ] && [ -n "$qids" ] || die "the ballot page has no form"

# each of wrk's two threads takes every other token
cat >"$dir/ballot.lua" <<LUA
local tokens, k = {}, 0
local qids = {}
for q in string.gmatch("$qids", "%d+") do qids[#qids + 1] = q end
local threads = 0
function setup(thread)
	threads = threads + 1
	thread:set("me", threads)
end
function init(args)
	for line in io.lines("$dir/tokens.txt") do tokens[#tokens + 1] = line end
	k = me - 2
end
function request()
	k = k + 2
	local body = "_csrf=$csrf&t=" .. (tokens[k] or "X")
	for i, q in ipairs(qids) do body = body .. "&q" .. q .. "=" .. tostring(1 + (k + i) % 5) end
	if k % 10 == 0 then body = body .. "&opinion=bench+opinion" end
	local ip = string.format("10.%d.%d.%d", math.floor(k / 65536) % 256, math.floor(k / 256) % 256, k % 256)
	return wrk.format("POST", "/ballot", {["Cookie"] = "$cookie",
		["Content-Type"] = "application/x-www-form-urlencoded", ["X-Forwarded-For"] = ip}, body)
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
run ballots "$base/ballot" -s "$dir/ballot.lua"
stop_pid "$pid"
pid=""

read -r n_rps n_p50 n_p99 n_n < <(figures "$dir/wrk-nginx.txt")
read -r b_rps b_p50 b_p99 b_n < <(figures "$dir/wrk-ballots.txt")
bad=$(awk '/Non-2xx or 3xx/ { print $NF }' "$dir/wrk-ballots.txt")
sock=$(grep 'Socket errors' "$dir/wrk-ballots.txt" || true)
stored=$(sqlite3 "$db" 'SELECT count(*) FROM appraisal_ballots')
used=$(sqlite3 "$db" 'SELECT coalesce(sum(used), 0) FROM appraisal_tokens')
tally=$(sqlite3 "$db" 'SELECT coalesce(sum(ballots), 0) FROM appraisal_counts')
[ "$b_n" -le "$N" ] || echo "bench: warning: $b_n requests but only $N tokens: raise N" >&2
ratio=$(awk -v a="$b_rps" -v b="$n_rps" 'BEGIN { printf "%.2f", a / b }')
echo "| run (wrk -t2 -c64 -d${SECS}s --latency) | req/s | p50 | p99 | errors |"
echo "|---|---|---|---|---|"
echo "| nginx, 2 KB static file | $n_rps | $n_p50 | $n_p99 | 0 |"
echo "| POST /ballot, SQLite, durable | $b_rps (${ratio}x nginx) | $b_p50 | $b_p99 | ${bad:-0} not 303${sock:+; $sock} |"
echo
echo "$b_n ballots answered in the run; in the database afterwards: $stored ballots, $used tokens used, $tally in the tally."
