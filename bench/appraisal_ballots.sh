#!/usr/bin/env bash
# Ballots at 64 connections: 1,000 one-time tokens for one unit, each voted
# once through POST /ballot (the form of the ballot page, CSRF token and
# all) by 64 concurrent clients, each from its own address (X-Forwarded-For
# through the default trusted proxy 127.0.0.1, so the per-address limit of
# 30 ballots does not stop the run). Every ballot goes through the
# group-commit writer: it is durable before its 303. Prints ballots/s,
# latency percentiles, errors, and checks that 1,000 ballots and 1,000
# used tokens are in the database afterwards.
# Usage: bench/appraisal_ballots.sh [BIN] [N] [CONNECTIONS]
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-$PWD/build/wenming}
N=${2:-1000}
C=${3:-64}
dir=$(mktemp -d)
trap 'kill $pid 2>/dev/null || true; rm -rf "$dir"' EXIT
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
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
node - "$port" "$dir" "$C" <<'JS'
const fs = require('node:fs');
const http = require('node:http');
const [port, dir, conns] = process.argv.slice(2);
const tokens = fs.readFileSync(`${dir}/tokens.txt`, 'utf8').split('\n');
const agent = new http.Agent({ keepAlive: true, maxSockets: Number(conns) });
function req(method, path, headers, body) {
	return new Promise((resolve, reject) => {
		const r = http.request({ host: '127.0.0.1', port, method, path, headers, agent }, (res) => {
			let b = '';
			res.on('data', (d) => { b += d; });
			res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: b }));
		});
		r.on('error', reject);
		if (body) r.write(body);
		r.end();
	});
}
(async () => {
	// one pre-session (cookie + CSRF token) per client, and the question ids
	const first = await req('GET', `/ballot?t=${tokens[0]}`, { 'X-Forwarded-For': '10.0.0.1' });
	const qids = [...first.body.matchAll(/name="q(\d+)" value="5"/g)].map((m) => m[1]);
	const clients = [];
	for (let i = 0; i < Number(conns); i++) {
		const r = await req('GET', '/ballot', { 'X-Forwarded-For': `10.1.${i >> 8}.${i & 255}` });
		const cookie = (r.headers['set-cookie'] || []).map((c) => c.split(';')[0]).join('; ');
		const csrf = /name="_csrf" value="([^"]+)"/.exec(r.body)[1];
		clients.push({ cookie, csrf, ip: `10.1.${i >> 8}.${i & 255}` });
	}
	let next = 0;
	const lat = [];
	let errors = 0;
	const t0 = process.hrtime.bigint();
	await Promise.all(clients.map(async (c) => {
		for (;;) {
			const i = next++;
			if (i >= tokens.length) return;
			const p = new URLSearchParams({ _csrf: c.csrf, t: tokens[i], opinion: i % 10 ? '' : 'bench opinion' });
			for (const q of qids) p.append(`q${q}`, String(1 + (i % 5)));
			const s = process.hrtime.bigint();
			const r = await req('POST', '/ballot', { Cookie: c.cookie, 'Content-Type': 'application/x-www-form-urlencoded', 'X-Forwarded-For': c.ip }, p.toString());
			lat.push(Number(process.hrtime.bigint() - s) / 1e6);
			if (r.status !== 303 || r.headers.location !== '/ballot/thanks') errors++;
		}
	}));
	const secs = Number(process.hrtime.bigint() - t0) / 1e9;
	lat.sort((a, b) => a - b);
	const pc = (x) => lat[Math.min(lat.length - 1, Math.floor(lat.length * x))].toFixed(1);
	console.log(`${tokens.length} ballots (${qids.length} questions) at ${conns} connections: ${(tokens.length / secs).toFixed(0)} ballots/s, ` +
		`p50 ${pc(0.5)} ms, p90 ${pc(0.9)} ms, p99 ${pc(0.99)} ms, errors ${errors}`);
	agent.destroy();
})().catch((e) => { console.error(e); process.exit(1); });
JS
echo "in the database: $(sqlite3 "$db" 'SELECT count(*) FROM appraisal_ballots') ballots, $(sqlite3 "$db" 'SELECT sum(used) FROM appraisal_tokens') tokens used, $(sqlite3 "$db" 'SELECT ballots FROM appraisal_counts') counted in the tally"
