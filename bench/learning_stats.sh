#!/usr/bin/env bash
# The learning module's attendance statistics at scale: 10,000 units, 50,000
# people (5 a unit) and 1,000,000 attendance rows in 2026 in a fresh SQLite
# database: 10 bureau-wide sessions (50,000 rows each) and 10 sessions of
# every unit for its own 5 people, statuses spread as in a real year. The
# attendance tally (learning_att_days, learning_att_tallied) is built as the write
# paths would have left it. Then /learning/stats for the bureau (every row counts), for
# one unit, and its workbook, timed through a running server.
# Usage: bench/learning_stats.sh [BIN]   (default build/wenming)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-$PWD/build/wenming}
dir=$(mktemp -d)
pid=
trap 'kill $pid 2>/dev/null || true; rm -rf "$dir"' EXIT
db=$dir/w.db
"$BIN" init --db "sqlite:$db" --password-file "$dir/pw" >/dev/null 2>&1
t0=$(date +%s.%N)
sqlite3 "$db" <<'SQL'
PRAGMA journal_mode=WAL;
BEGIN;
INSERT INTO units (id, kind, code, name, created_at, updated_at) VALUES (1, 'bureau', 'B', 'Bureau', 0, 0);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000)
INSERT INTO units (id, parent_id, kind, code, name, created_at, updated_at)
SELECT i + 1, 1, 'secondary', 'S' || i, 'Unit ' || i, 0, 0 FROM n;
INSERT INTO unit_tree (ancestor_id, unit_id) SELECT 1, id FROM units;
INSERT INTO unit_tree (ancestor_id, unit_id) SELECT id, id FROM units WHERE id > 1;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50000)
INSERT INTO people (id, name, unit_id, status, is_leader, party_member, created_at, updated_at)
SELECT i, 'Person ' || i, 2 + (i - 1) / 5, 'active', 0, 0, 0, 0 FROM n;
-- 10 bureau-wide sessions (the 1st Friday-ish of months 1..10), then 10 per unit
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10)
INSERT INTO study_sessions (id, topic, unit_id, held_on, starts_at, ends_at, audience, signin_key, created_at, updated_at)
SELECT i, 'Bureau study ' || i, 1, printf('2026-%02d-06', i), 0, 0, 'all', lower(hex(randomblob(16))), 0, 0 FROM n;
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 99999)
INSERT INTO study_sessions (id, topic, unit_id, held_on, starts_at, ends_at, audience, signin_key, created_at, updated_at)
SELECT 11 + i, 'Unit study', 2 + i / 10, printf('2026-%02d-%02d', 1 + i % 10, 13 + (i / 10) % 14), 0, 0, 'all', lower(hex(randomblob(16))), 0, 0 FROM n;
INSERT INTO learning_attendance (session_id, person_id, unit_id, status, reason, updated_at)
SELECT s.id, p.id, p.unit_id,
	CASE (p.id * 7 + s.id) % 20 WHEN 0 THEN 'absent' WHEN 1 THEN 'absent' WHEN 2 THEN 'excused' WHEN 3 THEN 'late' WHEN 4 THEN NULL ELSE 'present' END,
	CASE (p.id * 7 + s.id) % 20 WHEN 2 THEN 'leave' END, 0
FROM study_sessions s JOIN people p ON s.id <= 10 OR p.unit_id = s.unit_id;
-- the tally, as learn_tally_rebuild makes it
INSERT INTO learning_att_tallied (session_id, held_on) SELECT id, held_on FROM study_sessions;
INSERT INTO learning_att_days (unit_id, held_on, status, n)
SELECT t.ancestor_id, d.held_on, COALESCE(a.status, ''), count(*) FROM learning_attendance a
JOIN learning_att_tallied d ON d.session_id = a.session_id JOIN unit_tree t ON t.unit_id = a.unit_id
GROUP BY t.ancestor_id, d.held_on, COALESCE(a.status, '');
COMMIT;
ANALYZE;
SQL
t1=$(date +%s.%N)
echo "data: $(sqlite3 "$db" 'SELECT count(*) FROM units') units, $(sqlite3 "$db" 'SELECT count(*) FROM study_sessions') sessions, $(sqlite3 "$db" 'SELECT count(*) FROM learning_attendance') attendance rows, $(sqlite3 "$db" "SELECT count(*) FROM learning_att_days") tally rows; built in $(echo "$t1 - $t0" | bc) s"
port=$((20000 + RANDOM % 20000))
"$BIN" serve --db "sqlite:$db" --listen 127.0.0.1:$port --access-log off 2>"$dir/serve.log" &
pid=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
node - "$port" "$(cat "$dir/pw")" <<'JS'
const { Client } = require(process.cwd() + '/tests/http/lib.js');
(async () => {
	const [port, pw] = process.argv.slice(2);
	const c = new Client(`http://127.0.0.1:${port}`);
	await c.signIn('admin', pw);
	for (const p of ['/learning/stats?unit=1&from=2026-01-01&to=2026-12-31',
		'/learning/stats?unit=5000&from=2026-01-01&to=2026-12-31',
		'/learning/stats?unit=1&from=2026-01-01&to=2026-12-31&format=xlsx']) {
		const times = [];
		let status;
		for (let i = 0; i < 5; i++) {
			const t0 = process.hrtime.bigint();
			const r = await c.get(p);
			times.push(Number(process.hrtime.bigint() - t0) / 1e6);
			status = r.status;
		}
		times.sort((a, b) => a - b);
		console.log(`${p}: ${status}, median ${times[2].toFixed(0)} ms (min ${times[0].toFixed(0)}, max ${times[4].toFixed(0)})`);
	}
})().catch((e) => { console.error(e); process.exit(1); });
JS
if [ -n "${KEEP_DB:-}" ]; then cp "$db" "$KEEP_DB"; fi
