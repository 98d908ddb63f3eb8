'use strict';
// The working-day calendar's pages (/admin/calendar) and the deadline API
// (GET /api/v1/workdays/due): a year is added by pasting the State
// Council's dates, a bad paste names its line and saves nothing, and a
// deleted day moves a deadline at once.
const assert = require('node:assert/strict');
const { serverPerFile, test, msg, msgHtml } = require('./lib');

const ctx = serverPerFile();
const EN = { headers: { 'Accept-Language': 'en' } };

const YEAR_2027 = [
	'date\tkind\tname',
	'2027-01-01\tholiday\t元旦',
	'2027-01-02\tmakeup_workday\t元旦',
	'2027-02-05\tholiday\t春節',
].join('\n');

async function due(c, from, days) {
	const r = await c.get(`/api/v1/workdays/due?from=${from}&days=${days}`);
	return { status: r.status, body: r.json() };
}

test('the shipped years are listed, and a deadline into 2027 is refused, not guessed', async () => {
	const admin = await ctx.srv.admin(EN);
	const page = await admin.get('/admin/calendar');
	assert.equal(page.status, 200);
	assert.match(page.text, /href="\/admin\/calendar\/2025"/);
	assert.match(page.text, /href="\/admin\/calendar\/2026"/);
	const y = await admin.get('/admin/calendar/2025');
	assert.equal(y.status, 200);
	assert.match(y.text, /2025-10-08/);
	assert.match(y.text, /data-label="Weekday">Wed</);

	// National Day 2025: 1–8 October off
	assert.deepEqual(await due(admin, '2025-09-30', 1), { status: 200, body: { data: { from: '2025-09-30', days: 1, due: '2025-10-09' } } });
	const into = await due(admin, '2026-12-30', 5);
	assert.equal(into.status, 422);
	assert.equal(into.body.error.year, 2027);
	assert.equal(into.body.error.message, msg('cal_not_covered', 'en').replace('%d', '2027'));
	assert.equal((await admin.get('/api/v1/workdays/due?from=2026-02-30&days=1')).status, 400);
	assert.equal((await admin.get('/api/v1/workdays/due?from=2026-02-03&days=x')).status, 400);
	assert.equal((await ctx.srv.client().get('/api/v1/workdays/due?from=2026-02-03&days=1')).status, 401);
});

test('a bad paste shows its line and changes nothing', async () => {
	const admin = await ctx.srv.admin(EN);
	const bad = YEAR_2027.replace('2027-02-05\tholiday', '2027-02-05\tmakeup_workday'); // a Friday
	const r = await admin.post('/admin/calendar', { year: '2027', note: 'test', tsv: bad });
	assert.equal(r.status, 422);
	assert.ok(r.text.includes('Line 4: 2027-02-05 is a weekday: a make-up working day is a Saturday or a Sunday.'), 'the line and what is wrong');
	assert.ok(r.text.includes(msg('cal_nothing_saved', 'en')));
	assert.ok(r.text.includes('2027-02-05\tmakeup_workday'), 'the paste is kept to be corrected');
	const other = await admin.post('/admin/calendar', { year: '2027', tsv: 'date\tkind\tname\n2028-01-01\tholiday\t元旦' });
	assert.equal(other.status, 422);
	assert.ok(other.text.includes('2028-01-01 is not in this year.'));
	const noYear = await admin.post('/admin/calendar', { year: '27', tsv: YEAR_2027 });
	assert.equal(noYear.status, 422);
	assert.ok(noYear.text.includes(msg('cal_year_rule', 'en')));
	assert.equal((await admin.get('/admin/calendar/2027')).status, 404);
	assert.equal((await due(admin, '2026-12-30', 5)).status, 422);
	assert.equal(ctx.srv.sql("SELECT count(*) FROM workdays WHERE day LIKE '2027-%'")[0][0], '0');
	// and in Chinese, the line in the reader's language
	const zh = await ctx.srv.admin({ headers: { 'Accept-Language': 'zh-CN' } });
	const rz = await zh.post('/admin/calendar', { year: '2027', tsv: bad });
	assert.equal(rz.status, 422);
	assert.ok(rz.text.includes('第 4 行：2027-02-05 是周一至周五'));
});

test('a year added by paste is used at once; deleting a day moves a deadline', async () => {
	const admin = await ctx.srv.admin(EN);
	const r = await admin.post('/admin/calendar', { year: '2027', note: 'State Council notice 2027', tsv: YEAR_2027 });
	assert.equal(r.status, 303);
	assert.equal(r.location, '/admin/calendar/2027');
	const page = await admin.get('/admin/calendar/2027');
	assert.equal(page.status, 200);
	assert.match(page.text, /State Council notice 2027/);
	assert.match(page.text, /2027-01-02/);
	const list = await admin.get('/admin/calendar');
	assert.match(list.text, /<a href="\/admin\/calendar\/2027">2027<\/a><\/td><td class="num" data-label="Public holidays">2<\/td><td class="num" data-label="Make-up working days">1</);
	// entered once
	const again = await admin.post('/admin/calendar', { year: '2027', tsv: YEAR_2027 });
	assert.equal(again.status, 422);
	assert.ok(again.text.includes(msgHtml('cal_year_exists', 'en')));

	// 31 Dec 2026 + 1: 1 Jan off, 2 Jan (Saturday) worked
	assert.equal((await due(admin, '2026-12-31', 1)).body.data.due, '2027-01-02');
	const del = await admin.post('/admin/calendar/2027/days/delete', { day: '2027-01-02' });
	assert.equal(del.status, 303);
	assert.equal((await due(admin, '2026-12-31', 1)).body.data.due, '2027-01-04');
	assert.equal((await admin.post('/admin/calendar/2027/days/delete', { day: '2027-01-02' })).status, 404);

	// add it back through the form; a bad day is refused with its reason
	const bad = await admin.post('/admin/calendar/2027/days', { day: '2027-01-01', kind: 'holiday', name: '元旦' });
	assert.equal(bad.status, 422);
	assert.ok(bad.text.includes('2027-01-01 is listed twice.'));
	const add = await admin.post('/admin/calendar/2027/days', { day: '2027-01-02', kind: 'makeup_workday', name: '元旦' });
	assert.equal(add.status, 303);
	assert.equal((await due(admin, '2026-12-31', 1)).body.data.due, '2027-01-02');

	// every change audited
	const audit = ctx.srv.sql("SELECT action FROM audit WHERE entity = 'workday_year' AND entity_id = '2027' ORDER BY id");
	assert.deepEqual(audit.map((x) => x[0]), ['create', 'update', 'update']);
	// without a CSRF token nothing changes
	const forged = await admin.post('/admin/calendar/2027/days/delete', { day: '2027-01-02' }, { csrf: 'forged' });
	assert.equal(forged.status, 403);
	assert.equal((await due(admin, '2026-12-31', 1)).body.data.due, '2027-01-02');
});

test('the office maintains the calendar; staff may only ask for deadlines', async () => {
	const office = ctx.srv.createUser('calendar.office', 'office');
	const staff = ctx.srv.createUser('calendar.staff', 'staff');
	const o = await ctx.srv.signIn(office.name, office.password, EN);
	const s = await ctx.srv.signIn(staff.name, staff.password, EN);
	const op = await o.get('/');
	assert.match(op.text, /href="\/admin\/calendar"/, 'in the office\'s menu');
	assert.doesNotMatch((await s.get('/')).text, /href="\/admin\/calendar"/);
	assert.equal((await s.get('/admin/calendar')).status, 403);
	assert.equal((await s.post('/admin/calendar/2026/days/delete', { day: '2026-10-01' })).status, 403);
	assert.equal((await due(s, '2025-09-30', 1)).body.data.due, '2025-10-09');
	assert.equal((await o.get('/admin/calendar/2026')).status, 200);
});
