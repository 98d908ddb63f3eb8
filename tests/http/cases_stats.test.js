'use strict';
// The cases' statistics (src/cases/stats.c) on the demo (`wenming demo`):
// the API's figures for the top unit and a secondary unit against SQL
// counts, its 400s with their messages, the scope (a unit_admin outside
// their subtree: 403; a supervisor: 403), the route winning over the
// records API's /api/v1/{type}/{id}, the page in three languages and the
// workbook read back with exceljs.
const assert = require('node:assert/strict');
const ExcelJS = require('exceljs');
const { serverPerFile, test, msg, msgHtml, LANGS } = require('./lib');
const { getBytes } = require('./records_lib');

const ctx = serverPerFile();
let S; // { top, unit, from, to }

async function setup() {
	if (S) return;
	const r = ctx.srv.cli(['demo', '--no-search-index']);
	assert.equal(r.code, 0, `demo: ${r.stderr}`);
	const [[top]] = ctx.srv.sql('SELECT id FROM units WHERE parent_id IS NULL');
	const [[unit]] = ctx.srv.sql(`SELECT id FROM units WHERE parent_id = ${top} AND name = '城市客運管理處'`);
	// today in the server's time zone: the default end of the period
	const c = await ctx.srv.admin();
	const to = (await c.get('/api/v1/stats/cases')).json().data.to;
	const from = new Date(`${to}T00:00:00Z`);
	from.setUTCDate(from.getUTCDate() - 364);
	S = { top: Number(top), unit: Number(unit), from: from.toISOString().slice(0, 10), to };
}

/* SQL: cases received in the period in unit's subtree (and unassigned). */
function count(unit, cond, unassigned = false) {
	const [[n]] = ctx.srv.sql(
		`SELECT count(*) FROM cases c WHERE c.archived = 0 AND (c.unit_id IN (SELECT unit_id FROM unit_tree WHERE ancestor_id = ${unit})` +
			`${unassigned ? ' OR c.unit_id IS NULL' : ''}) AND (${cond})`,
	);
	return Number(n);
}

test('the figures of the top unit and of a secondary unit match SQL counts', async () => {
	await setup();
	const c = await ctx.srv.admin();
	// the whole year the demo covers: every case is in it
	const all = (await c.get(`/api/v1/stats/cases?unit=${S.top}&from=${S.from}&to=${S.to}`)).json().data;
	assert.equal(all.unit.id, S.top);
	assert.equal(all.includes_unassigned, true, 'the office sees the undispatched cases at the top');
	assert.equal(all.received, count(S.top, '1 = 1', true));
	assert.ok(all.received > 1000, `${all.received} cases`);
	assert.equal(all.closed, count(S.top, "c.state = 'closed'", true));
	assert.equal(all.merged, count(S.top, "c.state = 'merged'", true));
	assert.equal(all.rated, count(S.top, "c.state <> 'merged' AND c.rating IS NOT NULL AND c.rating_void = 0", true));
	assert.equal(all.satisfied, count(S.top, "c.state <> 'merged' AND c.rating IN ('4', '5') AND c.rating_void = 0", true));
	assert.equal(all.satisfaction_rate, Math.round((1000 * all.satisfied) / all.rated) / 10);
	assert.equal(all.resolution_rate, Math.round((1000 * all.closed) / all.counted) / 10);
	const sum = (o) => Object.values(o).reduce((a, b) => a + b, 0);
	assert.equal(sum(all.by_channel), all.received);
	assert.equal(sum(all.by_kind), all.received);
	assert.equal(sum(all.by_state), all.received);
	assert.equal(all.by_month.reduce((a, m) => a + m.received, 0), all.received);
	assert.equal(all.by_unit.reduce((a, u) => a + u.received, 0) + all.own.received, all.received);
	assert.ok(all.by_unit.length >= 13);

	const u = (await c.get(`/api/v1/stats/cases?unit=${S.unit}&from=${S.from}&to=${S.to}`)).json().data;
	assert.equal(u.includes_unassigned, false);
	assert.equal(u.received, count(S.unit, '1 = 1'));
	assert.equal(u.dispatched, count(S.unit, "c.state NOT IN ('merged', 'returned') AND c.dispatched_at IS NOT NULL"));
	assert.equal(
		u.accepted_on_time,
		count(S.unit, "c.state NOT IN ('merged', 'returned') AND c.dispatched_at IS NOT NULL AND c.accepted_on_time = 1 AND c.accepted_at IS NOT NULL"),
	);
	assert.equal(u.answered_on_time, count(S.unit, "c.state <> 'merged' AND c.answered_at IS NOT NULL AND c.answered_on_time = 1"));
	const mine = all.by_unit.find((x) => x.id === S.unit);
	assert.equal(mine.received, u.received, 'the row of the top unit’s table is the unit’s own figures');
	assert.equal(mine.response_rate, u.response_rate);
	// the default period is this year so far
	const d = (await c.get(`/api/v1/stats/cases?unit=${S.unit}`)).json().data;
	assert.equal(d.from, `${S.to.slice(0, 4)}-01-01`);
	assert.equal(d.to, S.to);
});

test('/api/v1/stats/cases wins over the records API’s /api/v1/{type}/{id}', async () => {
	await setup();
	const c = await ctx.srv.admin();
	const r = await c.get('/api/v1/stats/cases');
	assert.equal(r.status, 200);
	assert.ok(r.json().data.by_channel, 'the statistics, not a record');
	// and a record is still a record
	assert.equal((await c.get(`/api/v1/units/${S.unit}`)).status, 200);
});

test('bad dates, periods and units are 400s with a message', async () => {
	await setup();
	for (const lang of LANGS) {
		const c = await ctx.srv.admin({ headers: { 'Accept-Language': lang } });
		const cases = [
			['from=2025-02-30', 'stats_bad_date'],
			['to=yesterday', 'stats_bad_date'],
			['from=2025-1-1', 'stats_bad_date'],
			['from=2025-06-01&to=2025-05-31', 'stats_bad_period'],
			['from=2000-01-01&to=2025-01-01', 'stats_bad_period'],
			['unit=abc', 'stats_bad_unit'],
			['unit=-3', 'stats_bad_unit'],
			['unit=99999999', 'stats_bad_unit', 404],
		];
		for (const [q, key, status] of cases) {
			const r = await c.get(`/api/v1/stats/cases?${q}`);
			assert.equal(r.status, status ?? 400, q);
			assert.equal(r.json().error.message, msg(key, lang), `${lang} ${q}`);
		}
		const p = await c.get('/cases/stats?from=2025-13-01');
		assert.equal(p.status, 400);
		assert.ok(p.text.includes(msgHtml('stats_bad_date', lang)));
	}
});

test('the scope: a unit_admin sees their subtree only; a supervisor nothing', async () => {
	await setup();
	const ua = ctx.srv.createUser('ua_stats', 'unit_admin', S.unit);
	const c = await ctx.srv.signIn(ua.name, ua.password);
	const own = await c.get('/api/v1/stats/cases');
	assert.equal(own.status, 200);
	assert.equal(own.json().data.unit.id, S.unit, 'the default is their scope’s root');
	assert.equal(own.json().data.includes_unassigned, false);
	const [[child]] = ctx.srv.sql(`SELECT id FROM units WHERE parent_id = ${S.unit} ORDER BY id LIMIT 1`);
	assert.equal((await c.get(`/api/v1/stats/cases?unit=${child}`)).status, 200);
	assert.equal((await c.get(`/api/v1/stats/cases?unit=${S.top}`)).status, 403);
	const [[other]] = ctx.srv.sql(`SELECT id FROM units WHERE parent_id = ${S.top} AND id <> ${S.unit} ORDER BY id LIMIT 1`);
	assert.equal((await c.get(`/api/v1/stats/cases?unit=${other}`)).status, 403);
	assert.equal((await c.get(`/cases/stats?unit=${other}`)).status, 403);
	assert.equal((await c.get(`/cases/stats.xlsx?unit=${other}`)).status, 403);
	const sup = ctx.srv.createUser('sup_stats', 'supervisor', S.unit);
	const s = await ctx.srv.signIn(sup.name, sup.password);
	assert.equal((await s.get(`/api/v1/stats/cases?unit=${S.unit}`)).status, 403);
	assert.equal((await s.get('/cases/stats')).status, 403);
});

test('the page in every language: figures, charts, the sub-units, links', async () => {
	await setup();
	for (const lang of LANGS) {
		const c = await ctx.srv.admin({ headers: { 'Accept-Language': lang } });
		const r = await c.get(`/cases/stats?unit=${S.top}&from=${S.from}&to=${S.to}`);
		assert.equal(r.status, 200);
		assert.equal(r.htmlLang, lang);
		for (const key of ['case_stats', 'case_stats_response_rate', 'case_stats_resolution_rate', 'case_stats_satisfaction_rate', 'case_stats_on_time_rate', 'case_stats_by_month', 'case_stats_by_unit'])
			assert.ok(r.text.includes(msgHtml(key, lang)), `${lang}: ${key}`);
		assert.ok((r.text.match(/<svg /g) || []).length >= 6, 'three charts, each drawn wide and narrow');
		assert.ok(r.text.includes(`href="/r/cases?unit_id=${S.top}&amp;state=closed"`), 'a figure links to the list');
		assert.ok(r.text.includes(`/cases/stats?unit=${S.unit}&amp;from=${S.from}&amp;to=${S.to}`), 'a sub-unit links to its figures');
	}
	// the cases list links to it
	const c = await ctx.srv.admin();
	assert.ok((await c.get('/r/cases')).text.includes('href="/cases/stats"'));
});

test('the workbook: the same figures, read back with exceljs', async () => {
	await setup();
	const lang = 'en';
	const c = await ctx.srv.admin({ headers: { 'Accept-Language': lang } });
	const q = `unit=${S.unit}&from=${S.from}&to=${S.to}`;
	const data = (await c.get(`/api/v1/stats/cases?${q}`)).json().data;
	const r = await getBytes(c, `/cases/stats.xlsx?${q}`);
	assert.equal(r.status, 200);
	assert.equal(r.headers.get('content-type'), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
	assert.match(r.headers.get('content-disposition'), /filename="case-stats-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.xlsx"/);
	assert.equal(r.bytes.subarray(0, 2).toString(), 'PK');
	const wb = new ExcelJS.Workbook();
	await wb.xlsx.load(r.bytes);
	assert.deepEqual(
		wb.worksheets.map((w) => w.name),
		[msg('case_stats', lang), msg('case_stats_by_unit', lang), msg('case_stats_by_month', lang)],
	);
	const ws = wb.worksheets[0];
	const val = (label) => {
		let v;
		ws.eachRow((row) => {
			if (v === undefined && row.getCell(1).value === msg(label, lang)) v = row.getCell(2).value;
		});
		return v;
	};
	assert.equal(val('case_stats_received'), data.received);
	assert.equal(val('case_stats_closed'), data.closed);
	assert.ok(Math.abs(val('case_stats_satisfaction_rate') * 100 - data.satisfaction_rate) < 0.05);
	assert.ok(Math.abs(val('case_stats_response_rate') * 100 - data.response_rate) < 0.05);
	const units = wb.worksheets[1];
	assert.equal(units.rowCount, data.by_unit.length + (data.own.received ? 1 : 0) + 2);
	const months = wb.worksheets[2];
	let total = 0;
	months.eachRow((row, i) => {
		if (i > 1) total += row.getCell(2).value;
	});
	assert.equal(total, data.received);
	// the download is in the audit log
	const [[n]] = ctx.srv.sql("SELECT count(*) FROM audit WHERE action = 'export' AND entity = 'case_stats'");
	assert.ok(Number(n) >= 1);
});
