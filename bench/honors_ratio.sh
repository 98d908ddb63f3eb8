#!/usr/bin/env bash
# The civilized-unit ratio at scale: 10,000 units, all counted for this
# year, 9,000 holding a valid civilized-unit title, 500 with a revoked one
# and 500 with one whose term ended last year, plus 20,000 other honors
# (Youth Civilization Posts, awards), in a fresh SQLite database; then the
# ratio page (figures and the list of all 10,000 counted units), its
# "not holding" list, its workbook, the titles to renew, and the honors
# register's list page timed through a running server.
# Usage: bench/honors_ratio.sh [BIN]   (default build/wenming)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-$PWD/build/wenming}
dir=$(mktemp -d)
trap 'kill $pid 2>/dev/null || true; rm -rf "$dir"' EXIT
db=$dir/w.db
year=$(date +%Y)
"$BIN" init --db "sqlite:$db" --password-file "$dir/pw" >/dev/null 2>&1
sqlite3 "$db" <<SQL
PRAGMA journal_mode=WAL;
BEGIN;
INSERT INTO units (id, kind, code, name, created_at, updated_at) VALUES (1, 'bureau', 'B', 'Bureau', 0, 0);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000)
INSERT INTO units (id, parent_id, kind, code, name, created_at, updated_at)
SELECT i + 1, 1, 'secondary', 'S' || i, 'Unit ' || i, 0, 0 FROM n;
INSERT INTO unit_tree (ancestor_id, unit_id) SELECT 1, id FROM units;
INSERT INTO unit_tree (ancestor_id, unit_id) SELECT id, id FROM units WHERE id > 1;
INSERT INTO honor_counted_units (archived, version, created_at, updated_at, year, unit_id)
SELECT 0, 1, 0, 0, $year, id FROM units WHERE id > 1;
-- units 2..9001 valid, 9002..9501 revoked, 9502..10001 ended last year
INSERT INTO honors (archived, version, created_at, updated_at, title, category, recipient, unit_id, level, issuer,
	awarded_on, term_start, term_end, status, source)
SELECT 0, 1, 0, 0, 'Civilized unit', 'civilized_unit', 'unit', id, 'prefecture', 'City committee',
	'$((year - 1))-03-01', '$((year - 1))-01-01',
	CASE WHEN id > 9501 THEN '$((year - 1))-12-31' ELSE '$((year + 1))-12-31' END,
	CASE WHEN id > 9501 THEN 'expired' WHEN id > 9001 THEN 'revoked' ELSE 'valid' END, 'manual'
FROM units WHERE id > 1;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
INSERT INTO honors (archived, version, created_at, updated_at, title, category, recipient, unit_id, level, issuer,
	awarded_on, status, source)
SELECT 0, 1, 0, 0, 'Award ' || i, CASE i % 3 WHEN 0 THEN 'youth_post' WHEN 1 THEN 'contest_award' ELSE 'model_worker' END,
	'team', 2 + i % 10000, CASE i % 4 WHEN 0 THEN 'national' WHEN 1 THEN 'provincial' WHEN 2 THEN 'prefecture' ELSE 'county' END,
	'Somebody', '$((year - 1))-0' || (1 + i % 9) || '-15', 'valid', 'manual' FROM n;
COMMIT;
SQL
"$BIN" records recount --db "sqlite:$db" >/dev/null 2>&1 || true
port=$((20000 + RANDOM % 20000))
"$BIN" serve --db "sqlite:$db" --listen 127.0.0.1:$port --access-log off 2>"$dir/serve.log" &
pid=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
node - "$port" "$(cat "$dir/pw")" "$year" <<'JS'
const { Client } = require(process.cwd() + '/tests/http/lib.js');
(async () => {
	const [port, pw, year] = process.argv.slice(2);
	const c = new Client(`http://127.0.0.1:${port}`);
	await c.signIn('admin', pw);
	const q = `unit=1&year=${year}`;
	const first = await c.get(`/honors/ratio?${q}`);
	const m = /id="ratio-figures">([\s\S]*?)<\/div>/.exec(first.text);
	console.log(`figures: ${[...m[1].matchAll(/tile-value">([^<]*)</g)].map((x) => x[1]).join(' | ')}`);
	for (const p of [`/honors/ratio?${q}`, `/honors/ratio?${q}&show=missing`, `/honors/ratio.xlsx?${q}`,
		`/honors/expiring?${q}`, '/r/honors', '/r/honors?category=civilized_unit&status=valid', '/r/honors?page=500']) {
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
