'use strict';
// The modules' metrics seen from the assessment, on the demo (`wenming demo`):
// `wenming metrics --check` proves for every metric and every unit that the
// shares of the whole organization (one query, struct metric.shares) folded
// up the tree equal what the metric computes for the unit, and that a
// count's records add up to its value; a share put off by one on purpose
// (--corrupt) is caught and named; the values printed for the top unit are
// the registers' own counts (SQL); the page /assessment/metrics shows every
// metric with its value, and /assessment/metrics/NAME lists exactly the
// records behind a value (as many rows as the count, each the right kind of
// record), paged; a unit administrator sees their own subtree only, staff
// nothing.
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const { HtmlValidate } = require('html-validate');
const { BACKEND, BIN, LANGS, serverPerFile, test, msgHtml } = require('./lib');

const ctx = serverPerFile();
let S; // { top, unit, other, window, from, to }

// every metric the modules declare; appraisal_score and its dimensions are
// the ones without shares (the minimum sample is a threshold on the
// subtree's total)
const METRICS = [
	'staff', 'party_members', 'certified_officers', 'professionals',
	'cases_received', 'response_rate', 'resolution_rate', 'satisfaction_rate', 'on_time_rate', 'overdue_cases', 'avg_handling_days',
	'inspections_done', 'inspection_avg_score', 'inspection_failed_items',
	'appraisal_score', 'appraisal_response_rate',
	'appraisal_lawful_duty', 'appraisal_fair_enforcement', 'appraisal_openness', 'appraisal_efficiency', 'appraisal_attitude', 'appraisal_integrity', 'appraisal_professional_ethics',
	'rect_items', 'rect_closed_on_time', 'rect_overdue', 'rect_avg_days', 'rect_repeats',
	'attendance_rate', 'study_sessions_held', 'five_ones_completion', 'three_ones_completion', 'training_hours', 'trained_people',
	'papers_written', 'paper_awards',
	'honors_valid', 'honors_valid_national', 'honors_valid_provincial', 'honors_valid_prefecture', 'civilized_unit_ratio', 'campaign_selections',
	'events_held', 'event_participants', 'volunteer_hours', 'facilities_count',
];
const NO_SHARES = ['appraisal_score', 'appraisal_lawful_duty', 'appraisal_fair_enforcement', 'appraisal_openness', 'appraisal_efficiency', 'appraisal_attitude', 'appraisal_integrity', 'appraisal_professional_ethics'];
// the demo has no repeated rectification item and no national honor
const DEMO_ZEROS = ['rect_repeats', 'honors_valid_national'];

const one = (q) => Number(ctx.srv.sql(q)[0][0]);

async function setup() {
	if (S) return;
	const r = ctx.srv.cli(['demo', '--no-search-index']);
	assert.equal(r.code, 0, `demo: ${r.stderr}`);
	const top = one('SELECT id FROM units WHERE parent_id IS NULL');
	const unit = one(`SELECT id FROM units WHERE parent_id = ${top} AND name = '城市客運管理處'`);
	const other = one(`SELECT id FROM units WHERE parent_id = ${top} AND id <> ${unit} AND kind = 'secondary' ORDER BY id LIMIT 1`);
	// a unit with a few people of its own and no sub-units
	const window = one(
		"SELECT u.id FROM units u WHERE NOT EXISTS (SELECT 1 FROM units c WHERE c.parent_id = u.id) AND " +
			"(SELECT count(*) FROM people p WHERE p.unit_id = u.id AND p.archived = 0 AND p.status = 'active') BETWEEN 2 AND 40 ORDER BY u.id LIMIT 1",
	);
	// today in the server's time zone; a year back covers every demo case
	const c = await ctx.srv.admin();
	const to = (await c.get('/api/v1/stats/cases')).json().data.to;
	const from = new Date(`${to}T00:00:00Z`);
	from.setUTCDate(from.getUTCDate() - 364);
	S = { top, unit, other, window, from: from.toISOString().slice(0, 10), to };
}

/* `wenming metrics ...` on the server's database, without blocking the
 * event loop and with time for PostgreSQL (--check computes every metric
 * for every unit): {code, stdout, stderr, lines, values: {name: number}} */
function cli(args) {
	return new Promise((resolve, reject) => {
		const p = spawn(BIN, [...args, '--db', ctx.srv.dbUrl], { stdio: ['ignore', 'pipe', 'pipe'] });
		let stdout = '';
		let stderr = '';
		p.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
		p.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
		const timer = setTimeout(() => p.kill('SIGKILL'), 300000);
		p.on('error', reject);
		p.on('close', (code) => {
			clearTimeout(timer);
			resolve({ code, stdout, stderr });
		});
	});
}

async function metrics(args) {
	const r = await cli(['metrics', ...args]);
	const lines = r.stdout.split('\n');
	const values = {};
	for (const l of lines) {
		const m = /^\S+\s+(\w+)\s+(-?[\d.e+-]+)$/.exec(l);
		if (m) values[m[1]] = Number(m[2]);
	}
	return { code: r.code, stdout: r.stdout, stderr: r.stderr, lines, values };
}

// PostgreSQL computes a unit's figures ~10× slower: there every 4th unit
// (and the top, id 1) is compared, every unit on SQLite
const EVERY = BACKEND === 'sqlite' ? [] : ['--every', '4'];
test('metrics --check: every metric\'s shares fold to its value for every unit, and a count\'s records add up', async () => {
	await setup();
	// the year back holds every demo record; this year (the default) a part
	// of them, on SQLite only
	const periods = BACKEND === 'sqlite' ? [[], ['--from', S.from, '--to', S.to]] : [['--from', S.from, '--to', S.to]];
	for (const period of periods) {
		const t0 = Date.now();
		const r = await metrics(['--check', ...EVERY, ...period]);
		assert.equal(r.code, 0, `metrics --check ${period.join(' ')}:\n${r.stdout}\n${r.stderr}`);
		const units = one(`SELECT count(*) FROM units${EVERY.length ? ` WHERE id % ${EVERY[1]} = 1` : ''}`);
		for (const name of METRICS) {
			if (NO_SHARES.includes(name)) {
				assert.ok(r.lines.some((l) => new RegExp(`^compute\\s+${name}\\s`).test(l)), `${name} falls back to compute`);
				continue;
			}
			const line = r.lines.find((l) => new RegExp(`^\\S+\\s+${name}\\s`).test(l));
			assert.ok(line, `a line for ${name}:\n${r.stdout}`);
			const m = new RegExp(`^ok\\s+${name}\\s+(sum|rate)\\s+${units} units \\((\\d+) not 0\\)`).exec(line);
			assert.ok(m, line);
			// a check of zeros against zeros proves nothing: every metric has
			// units with a value (but for two the demo has none of: below)
			if (period.length && !DEMO_ZEROS.includes(name)) assert.ok(Number(m[2]) > 0, `${name}: every unit 0`);
		}
		assert.match(r.stdout, new RegExp(`^ok: 0 metrics failed, ${NO_SHARES.length} without shares`, "m"));
		process.stderr.write(`# metrics --check ${period.join(' ') || '(this year)'}: ${Date.now() - t0} ms\n`);
	}
});

test('a repeated rectification item and a national honor: their metrics are checked with values', async () => {
	await setup();
	// two items of one checklist item, the second a second after the first,
	// at the first one's unit: a repeat within the year
	const [[a, unit, item, at], [b]] = ctx.srv.sql(
		'SELECT id, unit_id, checklist_item, assigned_at FROM rectifications WHERE archived = 0 AND checklist_item IS NOT NULL ORDER BY assigned_at DESC, id LIMIT 2',
	);
	ctx.srv.sql(`UPDATE rectifications SET unit_id = ${unit}, checklist_item = '${item}', assigned_at = ${Number(at) + 1} WHERE id = ${b}`);
	assert.ok(Number(a) !== Number(b));
	const [[h]] = ctx.srv.sql("SELECT id FROM honors WHERE archived = 0 AND status <> 'revoked' AND level = 'prefecture' ORDER BY id LIMIT 1");
	ctx.srv.sql(`UPDATE honors SET level = 'national' WHERE id = ${h}`);
	for (const name of DEMO_ZEROS) {
		const r = await metrics(['--check', ...EVERY, '--metric', name, '--from', S.from, '--to', S.to]);
		assert.equal(r.code, 0, r.stdout);
		const m = new RegExp(`^ok\\s+${name}\\s+sum\\s+\\d+ units \\((\\d+) not 0\\)`, 'm').exec(r.stdout);
		assert.ok(m && Number(m[1]) > 0, r.stdout);
	}
	const v = await metrics(['--unit', String(unit), '--from', S.from, '--to', S.to]);
	assert.ok(v.values.rect_repeats >= 1, v.stdout);
});

test('a share put off by one is caught and named, whatever the metric\'s kind', async () => {
	await setup();
	for (const name of ['staff', 'satisfaction_rate', 'event_participants', 'attendance_rate', 'civilized_unit_ratio']) {
		const r = await metrics(['--check', ...EVERY, '--metric', name, '--from', S.from, '--to', S.to, '--corrupt', name]);
		assert.equal(r.code, 1, `${name} corrupted, yet:\n${r.stdout}`);
		assert.match(r.stdout, new RegExp(`^MISMATCH ${name}\\s+unit \\d+: compute`, 'm'), r.stdout);
		assert.match(r.stdout, new RegExp(`^FAILED\\s+${name}\\s`, 'm'));
		assert.match(r.stdout, /^FAILED: 1 metrics failed/m);
	}
	// the same metric as it is passes
	const good = await metrics(['--check', ...EVERY, '--metric', 'event_participants', '--from', S.from, '--to', S.to]);
	assert.equal(good.code, 0, good.stdout);
	assert.match(good.stdout, /^ok\s+event_participants\s/m);
	assert.match(good.stdout, /^ok: 0 metrics failed, 0 without shares/m);
	const bad = await metrics(['--check', '--corrupt', 'no_such_metric']);
	assert.equal(bad.code, 2, bad.stderr);
	assert.equal((await metrics(['--check', '--every', '0'])).code, 2);
});

test('the values printed are the registers\' own counts', async () => {
	await setup();
	const r = await metrics(['--unit', String(S.top), '--from', S.from, '--to', S.to]);
	assert.equal(r.code, 0, r.stderr);
	assert.deepEqual(Object.keys(r.values).sort(), [...METRICS].sort());
	assert.equal(r.values.staff, one("SELECT count(*) FROM people WHERE archived = 0 AND status = 'active' AND unit_id IS NOT NULL"));
	assert.equal(r.values.party_members, one("SELECT count(*) FROM people WHERE archived = 0 AND status = 'active' AND unit_id IS NOT NULL AND party_member = 1"));
	// the top unit counts the cases without a unit too: every case of the year
	assert.equal(r.values.cases_received, one('SELECT count(*) FROM cases WHERE archived = 0'));
	assert.ok(r.values.cases_received > 1000);
	assert.equal(r.values.facilities_count, one('SELECT count(*) FROM facilities WHERE archived = 0 AND unit_id IS NOT NULL'));
	assert.equal(r.values.papers_written, one(`SELECT count(*) FROM learning_papers WHERE archived = 0 AND written_on BETWEEN '${S.from}' AND '${S.to}'`));
	assert.equal(r.values.paper_awards, one(`SELECT count(*) FROM learning_awards w JOIN learning_papers p ON p.id = w.paper_id WHERE w.archived = 0 AND p.archived = 0 AND w.awarded_on BETWEEN '${S.from}' AND '${S.to}'`));
	assert.ok(r.values.papers_written > 0 && r.values.paper_awards > 0, 'the demo has papers and awards this year');
	// the appraisal's overall score lies among its dimensions' (answers weigh
	// each), which are seven different figures
	const dims = NO_SHARES.slice(1).map((n) => r.values[n]);
	assert.equal(new Set(dims).size, 7, dims.join(' '));
	assert.ok(Math.min(...dims) <= r.values.appraisal_score && r.values.appraisal_score <= Math.max(...dims), `${r.values.appraisal_score} among ${dims}`);
	const sub = await metrics(['--unit', String(S.unit), '--from', S.from, '--to', S.to]);
	assert.equal(sub.values.staff, one(`SELECT count(*) FROM people WHERE archived = 0 AND status = 'active' AND unit_id IN (SELECT unit_id FROM unit_tree WHERE ancestor_id = ${S.unit})`));
	assert.ok(sub.values.staff > 0 && sub.values.staff < r.values.staff);
	assert.equal(sub.values.cases_received, one(`SELECT count(*) FROM cases WHERE archived = 0 AND unit_id IN (SELECT unit_id FROM unit_tree WHERE ancestor_id = ${S.unit})`));
});

/* The value cells of the metrics page: {name: text} */
function pageValues(html) {
	const v = {};
	for (const m of html.matchAll(/<tr data-metric="(\w+)">.*?<code>(\w+)<\/code>.*?<a class="m-value" href="([^"]+)">([^<]*)<\/a>/g)) {
		assert.equal(m[1], m[2]);
		v[m[1]] = { href: m[3].replace(/&amp;/g, '&'), text: m[4] };
	}
	return v;
}

function recordRows(html) {
	return [...html.matchAll(/<tr class="m-record"><td class="card-title"><a href="([^"]+)">([^<]*)<\/a><\/td><td[^>]*>([^<]*)<\/td><td[^>]*>([^<]*)<\/td><\/tr>/g)].map((m) => ({
		path: m[1],
		title: m[2],
		day: m[3],
		weight: Number(m[4]),
	}));
}

test('the metrics page shows every metric\'s value, linking to exactly the records behind it', async () => {
	await setup();
	const c = await ctx.srv.admin({ headers: { 'Accept-Language': 'en' } });
	const res = await c.get(`/assessment/metrics?unit=${S.window}&from=${S.from}&to=${S.to}`);
	assert.equal(res.status, 200, res.text.slice(0, 400));
	assert.ok(res.text.includes(msgHtml('assess_m_cases', 'en')));
	const v = pageValues(res.text);
	assert.deepEqual(Object.keys(v).sort(), [...METRICS].sort());
	const staff = one(`SELECT count(*) FROM people WHERE archived = 0 AND status = 'active' AND unit_id = ${S.window}`);
	assert.equal(Number(v.staff.text), staff);
	// the records behind the window's staff: its people, one row each
	let page = await c.get(v.staff.href);
	assert.equal(page.status, 200);
	let rows = recordRows(page.text);
	assert.equal(rows.length, staff, page.text.slice(0, 2000));
	const ids = rows.map((row) => {
		const m = /^\/r\/people\/(\d+)$/.exec(row.path);
		assert.ok(m, row.path);
		assert.equal(row.weight, 1);
		return Number(m[1]);
	});
	assert.equal(new Set(ids).size, staff, 'each person once');
	assert.equal(one(`SELECT count(*) FROM people WHERE id IN (${ids.join(',')}) AND unit_id = ${S.window}`), staff);
	// the top unit's overdue cases: the open ones past their deadline
	const top = pageValues((await c.get(`/assessment/metrics?unit=${S.top}&from=${S.from}&to=${S.to}`)).text);
	const overdue = Number(top.overdue_cases.text);
	assert.ok(overdue > 0 && overdue <= 50, `${overdue} overdue`);
	page = await c.get(top.overdue_cases.href);
	rows = recordRows(page.text);
	assert.equal(rows.length, overdue);
	const byId = new Map(rows.map((row) => {
		const m = /^\/r\/cases\/(\d+)$/.exec(row.path);
		assert.ok(m, row.path);
		return [m[1], row];
	}));
	assert.equal(byId.size, overdue, 'each case once');
	const found = ctx.srv.sql(`SELECT id, state, due FROM cases WHERE id IN (${[...byId.keys()].join(',')})`);
	assert.equal(found.length, overdue);
	for (const [id, state, due] of found) {
		assert.ok(!['closed', 'merged'].includes(state), `case ${id} is ${state}`);
		assert.equal(byId.get(String(id)).day, due);
		assert.ok(due < S.to, `case ${id} due ${due}`);
	}
	ctx.srv.renewConnections(); // psql blocked the event loop
	// the volunteer hours: the participants' rows, weighing their hours
	page = await c.get(top.volunteer_hours.href);
	rows = recordRows(page.text);
	assert.ok(rows.length > 0);
	assert.match(page.text, /<dd class="m-value" data-value="([\d.]+)">/);
	const hours = Number(/data-value="([\d.]+)"/.exec(page.text)[1]);
	assert.equal(hours, Number(top.volunteer_hours.text));
	if (rows.length < 50) assert.equal(rows.reduce((a, x) => a + x.weight, 0), hours);
	// paged: the top unit's 520 staff, 50 a page
	page = await c.get(`${top.staff.href}&page=2`);
	assert.equal(recordRows(page.text).length, 50);
	assert.match(page.text, /rel="prev"/);
	assert.equal((await c.get(`${top.staff.href}&page=0`)).status, 400);
	assert.equal((await c.get(`/assessment/metrics/no_such_metric?unit=${S.top}`)).status, 404);
	assert.equal((await c.get(`/assessment/metrics?unit=${S.top}&from=2026-13-01`)).status, 400);
});

test('a unit administrator sees their own subtree only; staff see nothing', async () => {
	await setup();
	const ua = ctx.srv.createUser('m_ua', 'unit_admin', S.unit);
	const st = ctx.srv.createUser('m_staff', 'staff', S.unit);
	const c = await ctx.srv.signIn(ua.name, ua.password, { headers: { 'Accept-Language': 'en' } });
	const own = await c.get('/assessment/metrics');
	assert.equal(own.status, 200);
	const name = ctx.srv.sql(`SELECT name FROM units WHERE id = ${S.unit}`)[0][0];
	assert.ok(own.text.includes(name), 'their own unit by default');
	assert.equal(Object.keys(pageValues(own.text)).length, METRICS.length);
	assert.equal((await c.get(`/assessment/metrics?unit=${S.other}`)).status, 403);
	assert.equal((await c.get(`/assessment/metrics/staff?unit=${S.other}`)).status, 403);
	assert.equal((await c.get(`/assessment/metrics/staff?unit=${S.unit}`)).status, 200);
	const s = await ctx.srv.signIn(st.name, st.password);
	assert.equal((await s.get('/assessment/metrics')).status, 403);
	assert.equal((await s.get(`/assessment/metrics/staff?unit=${S.unit}`)).status, 403);
});

test('both pages are valid HTML in every language', async () => {
	await setup();
	const validator = new HtmlValidate({
		extends: ['html-validate:standard'],
		rules: { 'hidden-focusable': 'error', 'input-missing-label': 'error', 'no-dup-id': 'error' },
	});
	for (const lang of LANGS) {
		const c = await ctx.srv.admin({ headers: { 'Accept-Language': lang } });
		for (const p of [`/assessment/metrics?unit=${S.top}`, `/assessment/metrics/overdue_cases?unit=${S.top}`, `/assessment/metrics/appraisal_score?unit=${S.window}`]) {
			const r = await c.get(p);
			assert.equal(r.status, 200, p);
			const report = await validator.validateString(r.text);
			const out = report.results.flatMap((x) => x.messages).map((m) => `${lang} ${p}:${m.line}:${m.column} ${m.ruleId}: ${m.message}`);
			assert.deepEqual(out, []);
		}
	}
});
