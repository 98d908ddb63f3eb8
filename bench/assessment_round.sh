#!/usr/bin/env bash
# An assessment round at scale: 10,000 scored units (1 bureau, 20 secondary
# units, 400 departments, 9,579 service windows) and 1,000,000 cases of
# the last year (bench/gen/gen.c `gen cases`, spread over the units), in a
# fresh SQLite database, with this year's system of 12 leaves (formulas
# over the cases' rates and other modules' metrics, deductions, a bonus,
# a veto, manual leaves); then `wenming assess-compute` timed (prints its
# progress), and one unit's score page (a window, a department, the
# bureau), the round page with its results table and the workbook timed
# through a running server (median of 5).
#
# Goals (issue 12): compute < 60 s; one unit's score page < 50 ms.
#
# Results (2 shared cores, AMD EPYC, SQLite 3.40, RelWithDebInfo):
#   2026-12-03, branch scoring (metrics' `compute` per unit: main had no
#   `shares` yet): see docs/PERFORMANCE-rounds in docs/DECISIONS.md and the
#   last run's output appended to bench/RESULTS.md by this script.
#
# Usage: bench/assessment_round.sh [BIN] [--no-record]
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-$PWD/build/wenming}
RECORD=1
[ "${2:-}" = --no-record ] && RECORD=0
CASES=${ROUND_CASES:-1000000}
dir=$(mktemp -d)
echo "[assessment_round] in $dir" >&2
pid=
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; [ -n "${KEEP:-}" ] || rm -rf "$dir"' EXIT
db=$dir/w.db
year=$(date +%Y)
now=$(date +%s)
say() { echo "[assessment_round] $*" >&2; }
"$BIN" init --db "sqlite:$db" --password-file "$dir/pw" >/dev/null 2>&1
cc -O2 -std=c11 -o "$dir/gen" bench/gen/gen.c
say "10,000 units"
sqlite3 "$db" <<SQL
PRAGMA journal_mode=WAL;
BEGIN;
INSERT INTO units (id, kind, code, name, created_at, updated_at) VALUES (1, 'bureau', 'B', 'Bureau', 0, 0);
WITH RECURSIVE n(i) AS (SELECT 2 UNION ALL SELECT i + 1 FROM n WHERE i < 10000)
INSERT INTO units (id, parent_id, kind, code, name, created_at, updated_at)
SELECT i,
	CASE WHEN i <= 21 THEN 1 WHEN i <= 421 THEN 2 + (i - 22) / 20 ELSE 22 + (i - 422) % 400 END,
	CASE WHEN i <= 21 THEN 'secondary' WHEN i <= 421 THEN 'department' ELSE 'window' END,
	'U' || i, 'Unit ' || i, 0, 0 FROM n;
DELETE FROM unit_tree;
WITH RECURSIVE up(anc, u) AS (
	SELECT id, id FROM units
	UNION ALL
	SELECT p.parent_id, up.u FROM up JOIN units p ON p.id = up.anc WHERE p.parent_id IS NOT NULL)
INSERT INTO unit_tree (ancestor_id, unit_id) SELECT anc, u FROM up;
INSERT INTO case_categories (id, code, name, unit_id, days) VALUES (1, 'bench', 'Bench', 1, 5);
COMMIT;
SQL
say "$CASES cases"
t0=$(date +%s%N)
ddl=$(sqlite3 "$db" "SELECT sql || ';' FROM sqlite_master WHERE tbl_name = 'cases' AND type IN ('index', 'trigger') AND sql IS NOT NULL")
drop=$(sqlite3 "$db" "SELECT 'DROP ' || upper(type) || ' ' || name || ';' FROM sqlite_master WHERE tbl_name = 'cases' AND type IN ('index', 'trigger') AND sql IS NOT NULL")
{
	echo "PRAGMA synchronous = OFF; PRAGMA cache_size = -262144;"
	echo "$drop"
	"$dir/gen" cases "$CASES" 0 1 "$now" /dev/stdout
	echo "$ddl"
	echo "DELETE FROM unit_counts WHERE tbl = 'cases';"
	echo "INSERT INTO unit_counts (tbl, unit_id, archived, n) SELECT 'cases', unit_id, archived, count(*) FROM cases WHERE unit_id IS NOT NULL GROUP BY unit_id, archived;"
	echo "PRAGMA wal_checkpoint(TRUNCATE);"
} | sqlite3 -bail "$db" >/dev/null
say "loaded in $((($(date +%s%N) - t0) / 1000000)) ms"
# this year's system and a round of every unit but posts, as rounds.c makes it
sqlite3 "$db" <<SQL
BEGIN;
INSERT INTO assess_systems (id, year, version, name, state, total_points, created_at) VALUES (1, $year, 1, 'Bench', 'in_use', 100, 0);
INSERT INTO assess_indicators (id, system_id, parent_id, origin_id, level, position, name, max_points, method, formula, metric, per_event, bonus_levels) VALUES
 (1, 1, NULL, 1, 1, 1, 'Supervision', 0, 'manual', '', '', 0, ''),
 (2, 1, 1, 2, 2, 1, 'On time', 15, 'formula', 'min(15, on_time_rate * 0.15)', '', 0, ''),
 (3, 1, 1, 3, 2, 2, 'Overdue', 10, 'deduction', '', 'overdue_cases', 0.5, ''),
 (4, 1, 1, 4, 2, 3, 'Satisfaction', 10, 'formula', 'if(satisfaction_rate <= 0, 10, min(10, satisfaction_rate / 10))', '', 0, ''),
 (5, 1, 1, 5, 2, 4, 'Response', 5, 'formula', 'min(5, response_rate / 20)', '', 0, ''),
 (6, 1, 1, 6, 2, 5, 'Inspections', 10, 'formula', 'min(10, max(0, inspection_avg_score / 10))', '', 0, ''),
 (7, 1, 1, 7, 2, 6, 'Rectification overdue', 5, 'deduction', '', 'rect_overdue', 1, ''),
 (8, 1, NULL, 8, 1, 2, 'Education', 0, 'manual', '', '', 0, ''),
 (9, 1, 8, 9, 2, 1, 'Attendance', 10, 'formula', 'min(10, attendance_rate * 0.1)', '', 0, ''),
 (10, 1, 8, 10, 2, 2, 'Party members', 10, 'formula', 'min(10, 10 * party_members / max(1, staff) / 0.3)', '', 0, ''),
 (11, 1, 8, 11, 2, 3, 'Activities', 10, 'manual', '', '', 0, ''),
 (12, 1, NULL, 12, 1, 3, 'Honors', 0, 'manual', '', '', 0, ''),
 (13, 1, 12, 13, 2, 1, 'Honors', 15, 'bonus', '', '', 0, 'national=5,provincial=3,prefecture=2'),
 (14, 1, 12, 14, 2, 2, 'Veto', 0, 'veto', 'rect_repeats >= 3 or overdue_cases >= 2000', '', 0, '');
INSERT INTO assess_rounds (id, system_id, kind, name, period_from, period_to, appeal_days, state, created_at)
 VALUES (1, 1, 'year_end', 'Bench round', '$((year - 1))-$(date +%m-%d)', '$(date +%Y-%m-%d)', 5, 'open', 0);
INSERT INTO assess_round_units (round_id, unit_id, unit_kind, parent_id)
 SELECT 1, id, kind, parent_id FROM units WHERE kind NOT IN ('post', 'party_branch');
COMMIT;
SQL
say "compute"
t0=$(date +%s%N)
"$BIN" assess-compute 1 --db "sqlite:$db" 2>"$dir/progress.txt" | tee "$dir/compute.txt"
compute_ms=$((($(date +%s%N) - t0) / 1000000))
tr '\r' '\n' <"$dir/progress.txt" | grep -v '^$' | tail -n 4 >&2
say "compute: $compute_ms ms"
window=$(sqlite3 "$db" "SELECT unit_id FROM assess_round_units WHERE round_id = 1 AND unit_kind = 'window' ORDER BY unit_id LIMIT 1")
dept=$(sqlite3 "$db" "SELECT unit_id FROM assess_round_units WHERE round_id = 1 AND unit_kind = 'department' ORDER BY unit_id LIMIT 1")
port=$((20000 + RANDOM % 20000))
"$BIN" serve --db "sqlite:$db" --listen 127.0.0.1:$port --access-log off 2>"$dir/serve.log" &
pid=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
node - "$port" "$(cat "$dir/pw")" "$window" "$dept" >"$dir/pages.txt" <<'JS'
const { Client } = require(process.cwd() + '/tests/http/lib.js');
(async () => {
	const [port, pw, window, dept] = process.argv.slice(2);
	const c = new Client(`http://127.0.0.1:${port}`);
	await c.signIn('admin', pw);
	for (const p of [`/assessment/rounds/1/units/${window}`, `/assessment/rounds/1/units/${dept}`, '/assessment/rounds/1/units/1',
		'/assessment/rounds/1', '/assessment/rounds/1?kind=window&sort=-total', '/assessment/rounds/1/results.xlsx']) {
		const times = [];
		let status;
		for (let i = 0; i < 5; i++) {
			const t0 = process.hrtime.bigint();
			const r = await c.get(p);
			times.push(Number(process.hrtime.bigint() - t0) / 1e6);
			status = r.status;
		}
		times.sort((a, b) => a - b);
		console.log(`| GET ${p} | ${status} | ${times[2].toFixed(1)} | ${times[0].toFixed(1)} | ${times[4].toFixed(1)} |`);
	}
})().catch((e) => { console.error(e); process.exit(1); });
JS
scores=$(sqlite3 "$db" "SELECT count(*) FROM assess_round_scores WHERE round_id = 1")
values=$(sqlite3 "$db" "SELECT count(*) FROM assess_round_values WHERE round_id = 1")
records=$(sqlite3 "$db" "SELECT count(*) FROM assess_round_records WHERE round_id = 1")
grades=$(sqlite3 "$db" "SELECT group_concat(g, ', ') FROM (SELECT grade || ' ' || count(*) AS g FROM assess_round_units WHERE round_id = 1 GROUP BY grade)")
report=$(
	echo
	echo "## $(date -u '+%Y-%m-%d %H:%M:%S +0000') — assessment round (bench/assessment_round.sh) — commit $(git rev-parse --short HEAD)"
	echo
	echo "Machine: $(nproc) cores, $(uname -r); SQLite $(sqlite3 --version | cut -d' ' -f1). Load average at end: $(cut -d' ' -f1-3 /proc/loadavg)."
	echo
	echo "Data: 10,000 scored units (1 bureau, 20 secondary, 400 departments, 9,579 windows), $CASES cases; 14 indicators (11 leaves). Metrics that offer \`shares\` are folded up the tree in memory, the others computed per unit (\`compute\`)."
	echo
	echo "| what | result |"
	echo "|---|---|"
	echo "| \`wenming assess-compute 1\` (freeze, score, records, rollup, one transaction) | $compute_ms ms (goal < 60,000) |"
	echo "| rows written | $scores scores, $values frozen values, $records records |"
	echo "| grades | $grades |"
	echo
	echo "| page | status | median ms | min | max |"
	echo "|---|---:|---:|---:|---:|"
	grep "^| GET" "$dir/pages.txt"
)
echo "$report"
[ $RECORD = 1 ] && echo "$report" >>bench/RESULTS.md
exit 0
