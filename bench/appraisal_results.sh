#!/usr/bin/env bash
# The appraisal's results at scale: 10,000 units appraised and 1,000,000
# ballots (100 a unit, 14 questions) in a fresh SQLite database, then the
# results page (which ranks every unit) and the workbook timed through a
# running server. The ballots' answers are not generated: the results read
# only the running tally (appraisal_tally, appraisal_counts), which is
# generated as 1M ballots would have left it, with the ballot rows.
# Usage: bench/appraisal_results.sh [BIN]   (default build/wenming)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-$PWD/build/wenming}
dir=$(mktemp -d)
trap 'kill $pid 2>/dev/null || true; rm -rf "$dir"' EXIT
db=$dir/w.db
"$BIN" init --db "sqlite:$db" --password-file "$dir/pw" >/dev/null
sqlite3 "$db" <<'SQL'
PRAGMA journal_mode=WAL;
BEGIN;
INSERT INTO units (id, kind, code, name, created_at, updated_at) VALUES (1, 'bureau', 'B', 'Bureau', 0, 0);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000)
INSERT INTO units (id, parent_id, kind, code, name, created_at, updated_at)
SELECT i + 1, 1, 'secondary', 'S' || i, 'Unit ' || i, 0, 0 FROM n;
INSERT INTO unit_tree (ancestor_id, unit_id) SELECT 1, id FROM units;
INSERT INTO unit_tree (ancestor_id, unit_id) SELECT id, id FROM units WHERE id > 1;
INSERT INTO appraisal_questionnaires (id, title, levels, created_at, updated_at) VALUES (1, 'Q', '5', 0, 0);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 14)
INSERT INTO appraisal_questions (questionnaire_id, position, dimension, text_zh_hant, text_zh_hans, text_en, levels, created_at, updated_at)
SELECT 1, i, CASE (i - 1) / 2 WHEN 0 THEN 'lawful_duty' WHEN 1 THEN 'fair_enforcement' WHEN 2 THEN 'openness'
	WHEN 3 THEN 'efficiency' WHEN 4 THEN 'attitude' WHEN 5 THEN 'integrity' ELSE 'professional_ethics' END,
	'q' || i, 'q' || i, 'q' || i, '5', 0, 0 FROM n;
INSERT INTO appraisal_campaigns (id, year, title, root_unit_id, unit_kinds, questionnaire_id, period_from, period_to, weight, min_sample, state, created_at, updated_at)
VALUES (1, 2026, 'Bench', 1, 'secondary', 1, '2026-01-01', '2026-12-31', 10, 30, 'closed', 0, 0);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000000)
INSERT INTO appraisal_ballots (campaign_id, unit_id, pool_id, channel) SELECT 1, 2 + (i - 1) / 100, NULL, 'paper' FROM n;
INSERT INTO appraisal_counts (campaign_id, unit_id, ballots) SELECT 1, id, 100 FROM units WHERE id > 1;
-- 100 ballots a unit spread over the five levels, differently per unit
INSERT INTO appraisal_tally (campaign_id, unit_id, question_id, level, n)
SELECT 1, u.id, q.id, l.level, CASE l.level WHEN 5 THEN 20 + u.id % 30 WHEN 4 THEN 40 - u.id % 30 ELSE 40 / 3 + (l.level = 3) END
FROM units u, appraisal_questions q, (SELECT 1 AS level UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5) l
WHERE u.id > 1;
COMMIT;
SQL
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
	for (const p of ['/appraisal/campaigns/1/results', '/appraisal/campaigns/1/results?page=100', '/appraisal/campaigns/1/units/5000', '/appraisal/campaigns/1/results.xlsx']) {
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
