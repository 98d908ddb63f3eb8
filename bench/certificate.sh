#!/usr/bin/env bash
# One training certificate as PDF (src/learning/certificate.c on the
# web/pdf.h writer), timed through a running server: the first request
# after the start (it builds pango's font map from the fontconfig cache)
# and then warm requests, one at a time, as the office.
# Usage: bench/certificate.sh [BIN]   (default build/wenming)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-$PWD/build/wenming}
dir=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; cp $dir/serve.log /tmp/serve-bench.log; rm -rf "$dir"' EXIT
db=$dir/w.db
"$BIN" init --db "sqlite:$db" --password-file "$dir/pw" >/dev/null 2>&1
sqlite3 "$db" <<'SQL'
INSERT INTO units (id, kind, code, name, created_at, updated_at) VALUES (1, 'bureau', 'B', '市交通局', 0, 0);
INSERT INTO unit_tree (ancestor_id, unit_id) VALUES (1, 1);
INSERT INTO people (id, name, unit_id, status) VALUES (1, '王小明', 1, 'active');
INSERT INTO training_courses (id, title, kind, category, unit_id, date_from, date_to, hours, organizer)
VALUES (1, '行政執法人員綜合法律知識培訓班', 'internal', 'law_enforcement', 1, '2026-03-02', '2026-03-04', 24, '市交通局法規科');
INSERT INTO training_enrolments (id, course_id, person_id, unit_id, status, completed_on, cert_code)
VALUES (1, 1, 1, 1, 'completed', '2026-03-04', 'ABCDEFGHJKLM');
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
	const p = '/learning/certificates/ABCDEFGHJKLM.pdf';
	const one = async () => {
		const t0 = process.hrtime.bigint();
		const r = await c.get(p);
		if (r.status !== 200) throw new Error(`${p}: ${r.status}`);
		return [Number(process.hrtime.bigint() - t0) / 1e6, Buffer.byteLength(r.text, 'latin1')];
	};
	const [first, size] = await one();
	const times = [];
	for (let i = 0; i < 20; i++) times.push((await one())[0]);
	times.sort((a, b) => a - b);
	console.log(`${p}: first ${first.toFixed(0)} ms; warm (20) median ${times[10].toFixed(1)} ms, min ${times[0].toFixed(1)}, max ${times[19].toFixed(1)}; ~${(size / 1024).toFixed(0)} KiB`);
})().catch((e) => { console.error(e); process.exit(1); });
JS
