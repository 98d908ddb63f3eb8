'use strict';
// Activities (src/activities/): events with their participants (people of
// the people register and units taking part as a whole, each with volunteer
// hours), recorded as every role — the office anywhere, a unit's clerk in
// their subtree only, staff and leaders read, the public nothing; the rules
// the engine cannot know (dates in order, a held event has started, a
// participant once per event, recorded by who may change the event, hours
// not negative); the statistics per unit against a hand count and their
// workbook; and a facility's page listing the events held there.
const assert = require('node:assert/strict');
const { serverPerFile, test, msg } = require('./lib');
const ExcelJS = require('exceljs');
const { api, call, create, org, day, getBytes } = require('./records_lib');

const ctx = serverPerFile();
let O, U, C, W, P;

async function setup() {
	if (O) return;
	const { srv } = ctx;
	const a = api(srv);
	O = await org(a, 'A');
	U = {
		office: srv.createUser('a_office', 'office'),
		leader: srv.createUser('a_leader', 'leader'),
		ua1: srv.createUser('a_ua1', 'unit_admin', O.S1),
		staff1: srv.createUser('a_staff1', 'staff', O.S1),
		ua2: srv.createUser('a_ua2', 'unit_admin', O.S2),
	};
	P = {
		p1: await create(a, 'people', { name: '林志願', unit_id: O.S1, status: 'active' }),
		p2: await create(a, 'people', { name: '陳青年', unit_id: O.W1, status: 'active' }),
		p3: await create(a, 'people', { name: '周部門', unit_id: O.D1, status: 'active' }),
		out: await create(a, 'people', { name: '趙二處', unit_id: O.S2, status: 'active' }),
	};
	C = { admin: a };
	W = {};
	for (const k of Object.keys(U)) {
		C[k] = api(srv, U[k].name, 'en');
		W[k] = await srv.signIn(U[k].name, U[k].password, { headers: { 'Accept-Language': 'en' } });
	}
}

const err = (r) => r.json().error.fields;

function event(client, fields = {}) {
	return call(client, 'POST', '/api/v1/activity_events', {
		title: 'Volunteer labour on the green belt',
		kind: 'volunteer',
		unit_id: O.S1,
		date_from: day(-10),
		status: 'held',
		...fields,
	});
}

test('events as each role: the office anywhere, a clerk in their subtree, staff and leaders read, the public nothing', async () => {
	await setup();
	const { srv } = ctx;
	const office = await event(C.office, { unit_id: O.S2, title: 'Essay contest with the city discipline commission', kind: 'essay', co_organizers: '市紀委、應城日報社' });
	assert.equal(office.status, 201, office.text);
	const mine = await event(C.ua1, { unit_id: O.W1, title: 'Blood donation', kind: 'blood_donation' });
	assert.equal(mine.status, 201, mine.text);
	const other = await event(C.ua1, { unit_id: O.S2 });
	assert.equal(other.status, 422);
	assert.equal(err(other).unit_id, msg('rec_unit_out_of_scope', 'en'));
	assert.equal((await event(C.staff1)).status, 403);
	assert.equal((await event(C.leader)).status, 403);
	const anon = srv.client();
	assert.equal((await call(anon, 'POST', '/api/v1/activity_events', { title: 'x' })).status, 401);
	const page = await anon.get('/r/activity_events');
	assert.equal(page.status, 303);
	assert.match(page.location, /^\/login\?next=/);
	// staff read their subtree's events, not the other unit's
	const id = mine.json().data.id;
	assert.equal((await C.staff1.get(`/api/v1/activity_events/${id}`)).status, 200);
	assert.equal((await C.staff1.get(`/api/v1/activity_events/${office.json().data.id}`)).status, 403);
	assert.equal((await C.leader.get(`/api/v1/activity_events/${office.json().data.id}`)).status, 200);
	// the clerk edits their event; the other unit's clerk may not
	const v = (await C.ua1.get(`/api/v1/activity_events/${id}`)).json().data.version;
	const ed = await call(C.ua1, 'PATCH', `/api/v1/activity_events/${id}`, { results: '18 people gave 5,400 ml.', version: v });
	assert.equal(ed.status, 200, ed.text);
	assert.equal(ed.json().data.results, '18 people gave 5,400 ml.');
	assert.equal((await call(C.ua2, 'PATCH', `/api/v1/activity_events/${id}`, { results: 'x', version: v + 1 })).status, 403);
	// the HTML form: with the CSRF token a 303 to the new event, without it refused
	const form = { title: 'Open-air film in the square', kind: 'film', unit_id: O.S1, date_from: day(-3), status: 'held', co_organizers: '市文明委' };
	const f = await W.ua1.post('/r/activity_events', form);
	assert.equal(f.status, 303, f.text.slice(0, 600));
	assert.match(f.location, /^\/r\/activity_events\/\d+$/);
	assert.equal((await W.ua1.post('/r/activity_events', form, { csrf: false })).status, 403);
	assert.equal((await W.staff1.post('/r/activity_events', form)).status, 403);
});

test('bad dates: an end before the start, an impossible day, a held event that has not started, a year and more', async () => {
	await setup();
	const order = await event(C.ua1, { date_from: day(-5), date_to: day(-6) });
	assert.equal(order.status, 422);
	assert.equal(err(order).date_to, msg('actv_dates_order', 'en'));
	const bad = await event(C.ua1, { date_from: '2026-02-30' });
	assert.equal(bad.status, 422);
	assert.equal(err(bad).date_from, msg('rec_bad_date', 'en'));
	const future = await event(C.ua1, { date_from: day(5) });
	assert.equal(future.status, 422);
	assert.equal(err(future).status, msg('actv_held_future', 'en'));
	assert.equal((await event(C.ua1, { date_from: day(5), status: 'planned' })).status, 201, 'planned ahead is fine');
	const long = await event(C.ua1, { date_from: '2024-01-01', date_to: '2025-06-01' });
	assert.equal(long.status, 422);
	assert.equal(err(long).date_to, msg('actv_dates_span', 'en'));
});

test('participants: people and units, once each, hours not negative, by who may change the event, within their reach', async () => {
	await setup();
	const { srv } = ctx;
	const ev = (await event(C.ua1, { title: 'Poetry evening on road building', kind: 'poetry' })).json().data;
	const add = (client, body) => call(client, 'POST', '/api/v1/activity_participants', { event_id: ev.id, ...body });
	const a1 = await add(C.ua1, { person_id: P.p1.id, hours: 3 });
	assert.equal(a1.status, 201, a1.text);
	assert.equal(a1.json().data.unit_id, O.S1, 'the unit is the person\'s');
	// a unit given with the person: the person's unit wins
	const a2 = await add(C.ua1, { person_id: P.p2.id, unit_id: O.S1, hours: 2.5, role: '一等獎' });
	assert.equal(a2.status, 201, a2.text);
	assert.equal(a2.json().data.unit_id, O.W1);
	// a unit as a whole
	const a3 = await add(C.ua1, { unit_id: O.D1, hours: 10 });
	assert.equal(a3.status, 201, a3.text);
	assert.equal(a3.json().data.person_id, null);
	const before = srv.sql(`SELECT count(*) FROM activity_participants WHERE event_id = ${ev.id}`)[0][0];
	// a person of another unit: not the clerk's to name
	const out = await add(C.ua1, { person_id: P.out.id });
	assert.equal(out.status, 422);
	assert.equal(err(out).person_id, msg('rec_ref_out_of_scope', 'en'));
	// twice
	const twice = await add(C.ua1, { person_id: P.p1.id });
	assert.equal(twice.status, 422);
	assert.equal(err(twice).person_id, msg('actv_p_twice', 'en'));
	const twiceRole = await add(C.ua1, { person_id: P.p2.id, role: '一等獎' });
	assert.equal(twiceRole.status, 422);
	assert.equal(err(twiceRole).person_id, msg('actv_p_twice', 'en'));
	const twiceUnit = await add(C.ua1, { unit_id: O.D1 });
	assert.equal(twiceUnit.status, 422);
	assert.equal(err(twiceUnit).person_id, msg('actv_p_twice', 'en'));
	// negative or absurd hours
	const neg = await add(C.ua1, { person_id: P.p3.id, hours: -2 });
	assert.equal(neg.status, 422);
	assert.equal(err(neg).hours, msg('rec_out_of_range', 'en'));
	assert.equal((await add(C.ua1, { person_id: P.p3.id, hours: 99999 })).status, 422);
	assert.equal((await add(C.ua1, { person_id: P.p3.id, hours: 'many' })).status, 422);
	// nobody
	const none = await add(C.ua1, { hours: 1 });
	assert.equal(none.status, 422);
	assert.equal(err(none).person_id, msg('actv_p_who', 'en'));
	// the other unit's clerk cannot reach the event; staff and leaders cannot write
	const ua2 = await add(C.ua2, { person_id: P.out.id });
	assert.equal(ua2.status, 422);
	assert.ok(err(ua2).event_id, 'the event is refused');
	assert.equal((await add(C.staff1, { person_id: P.p3.id })).status, 403);
	assert.equal((await add(C.leader, { person_id: P.p3.id })).status, 403);
	assert.equal(srv.sql(`SELECT count(*) FROM activity_participants WHERE event_id = ${ev.id}`)[0][0], before, 'nothing refused was saved');
	// the office may add a person of another unit (a joint event)
	const joint = await add(C.office, { person_id: P.out.id, hours: 1 });
	assert.equal(joint.status, 201, joint.text);
	assert.equal(joint.json().data.unit_id, O.S2);
	// the same person in a second role: a row of its own, still one person
	const second = await add(C.ua1, { person_id: P.p1.id, role: 'usher', hours: 1 });
	assert.equal(second.status, 201, second.text);
	// the event's page: people, hours and the add button for its clerk
	const page = await W.ua1.get(`/r/activity_events/${ev.id}`);
	assert.equal(page.status, 200);
	assert.equal(/id="event-people">(\d+)</.exec(page.text)[1], '3');
	assert.equal(/id="event-hours">([^<]*)</.exec(page.text)[1], '17.5');
	assert.equal(/id="event-units">(\d+)</.exec(page.text)[1], '1');
	assert.ok(page.text.includes('林志願') && page.text.includes('趙二處'), 'the participant rows are listed');
	const addLink = `/r/activity_participants/new?event_id=${ev.id}`;
	assert.ok(page.text.includes(addLink));
	const staffPage = await W.staff1.get(`/r/activity_events/${ev.id}`);
	assert.equal(staffPage.status, 200);
	assert.ok(!staffPage.text.includes(addLink), 'staff read, and add nobody');
	// the form: a person typed by name
	const f = await W.ua1.post('/r/activity_participants', { event_id: ev.id, person_id: '周部門', hours: '1.5' });
	assert.equal(f.status, 303, f.text.slice(0, 600));
	assert.equal(srv.sql(`SELECT unit_id, hours FROM activity_participants WHERE event_id = ${ev.id} AND person_id = ${P.p3.id}`)[0].join(' '), `${O.D1} 1.5`);
});

test('statistics per unit and period against a hand count; the workbook; bad input', async () => {
	await setup();
	const { srv } = ctx;
	// a fresh pair of events in a period of their own
	const from = '2025-03-01', to = '2025-03-31';
	const e1 = (await event(C.office, { title: 'Gateball for retired cadres', kind: 'sport', unit_id: O.S1, date_from: '2025-03-05' })).json().data;
	const e2 = (await event(C.office, { title: 'Speech contest', kind: 'speech', unit_id: O.S2, date_from: '2025-03-20' })).json().data;
	await event(C.office, { title: 'Cancelled fishing', kind: 'sport', unit_id: O.S1, date_from: '2025-03-07', status: 'cancelled' });
	await event(C.office, { title: 'Next month', kind: 'sport', unit_id: O.S1, date_from: '2025-04-02' });
	const add = (e, body) => create(C.office, 'activity_participants', { event_id: e, ...body });
	await add(e1.id, { person_id: P.p1.id, hours: 2 });
	await add(e1.id, { person_id: P.p2.id, hours: 3 });
	await add(e1.id, { unit_id: O.D1, hours: 5 });
	await add(e2.id, { person_id: P.p1.id, hours: 1 }); // S1's person at S2's event
	await add(e2.id, { person_id: P.out.id, hours: 4 });
	const archived = await add(e2.id, { person_id: P.p3.id, hours: 100 });
	assert.equal((await call(C.office, 'DELETE', `/api/v1/activity_participants/${archived.id}`)).status < 300, true);
	// by hand: S1 organized 1 held event (e1), took part in e1 and e2, people p1 and p2 (2),
	// attendances 3 (p1 twice, p2), one unit as a whole, hours 2 + 3 + 5 + 1 = 11
	const s1 = await W.office.get(`/activities/stats?unit=${O.S1}&from=${from}&to=${to}`);
	assert.equal(s1.status, 200, s1.text.slice(0, 400));
	const tile = (res, id) => new RegExp(`id="${id}">([^<]*)<`).exec(res.text)[1];
	assert.equal(tile(s1, 'events-held'), '1');
	assert.equal(tile(s1, 'events-joined'), '2');
	assert.equal(tile(s1, 'people'), '2');
	assert.equal(tile(s1, 'person-times'), '3');
	assert.equal(tile(s1, 'units-joined'), '1');
	assert.equal(tile(s1, 'volunteer-hours'), '11');
	// the bureau: both events, people p1, p2, out (3), hours 15
	const b = await W.office.get(`/activities/stats?unit=${O.B}&from=${from}&to=${to}`);
	assert.equal(tile(b, 'events-held'), '2');
	assert.equal(tile(b, 'people'), '3');
	assert.equal(tile(b, 'volunteer-hours'), '15');
	// its sub-units' rows
	const row = (u) => new RegExp(`<tr data-unit="${u}">([\\s\\S]*?)</tr>`).exec(b.text)[1].match(/class="num"[^>]*>[^<]*</g).map((x) => x.replace(/^.*>|<$/g, ''));
	assert.deepEqual(row(O.S1), ['1', '2', '2', '3', '11']);
	assert.deepEqual(row(O.S2), ['1', '1', '1', '1', '4']);
	// the same from SQL, independently
	const hours = srv.sql(`SELECT sum(p.hours) FROM activity_participants p JOIN activity_events e ON e.id = p.event_id WHERE p.archived = 0 AND e.archived = 0 AND e.status = 'held' AND e.date_from BETWEEN '${from}' AND '${to}'`)[0][0];
	assert.equal(Number(hours), 15);
	// a person's page: this year's events and hours (the period above is last year's)
	const year = day(0).slice(0, 4);
	const mine = srv.sql(`SELECT count(DISTINCT p.event_id), COALESCE(sum(p.hours), 0) FROM activity_participants p JOIN activity_events e ON e.id = p.event_id WHERE p.person_id = ${P.p1.id} AND p.archived = 0 AND e.archived = 0 AND e.status = 'held' AND e.date_from >= '${year}-01-01'`)[0];
	const person = await W.office.get(`/r/people/${P.p1.id}`);
	assert.equal(/id="p-events">(\d+)</.exec(person.text)?.[1], String(mine[0]));
	assert.equal(Number(/id="p-volunteer-hours">([^<]*)</.exec(person.text)?.[1]), Number(mine[1]));
	assert.ok(Number(mine[0]) >= 1, 'p1 took part this year');
	// the clerk sees their own unit's figures, not the other's
	assert.equal((await W.ua1.get(`/activities/stats?unit=${O.S1}&from=${from}&to=${to}`)).status, 200);
	assert.equal((await W.ua1.get(`/activities/stats?unit=${O.S2}`)).status, 403);
	assert.equal((await W.staff1.get(`/activities/stats?unit=${O.S1}&from=${from}&to=${to}`)).status, 200);
	// the workbook
	const x = await getBytes(W.office, `/activities/stats?unit=${O.S1}&from=${from}&to=${to}&format=xlsx`);
	assert.equal(x.status, 200);
	const wb = new ExcelJS.Workbook();
	await wb.xlsx.load(x.bytes);
	assert.equal(wb.worksheets.length, 3);
	const sum = wb.worksheets[0];
	const byLabel = {};
	sum.eachRow((r) => { byLabel[r.getCell(1).value] = r.getCell(2).value; });
	assert.equal(byLabel[msg('actv_volunteer_hours', 'en')], 11);
	assert.equal(byLabel[msg('actv_people', 'en')], 2);
	assert.equal(wb.worksheets[2].rowCount, 3, 'the two events under a header');
	// bad input
	assert.equal((await W.office.get('/activities/stats?from=2026-13-01')).status, 400);
	assert.equal((await W.office.get('/activities/stats?unit=abc')).status, 400);
	assert.equal((await W.office.get(`/activities/stats?unit=${O.S1}&from=2025-03-31&to=2025-03-01`)).status, 400);
	assert.equal((await W.office.get('/activities/stats?format=pdf')).status, 400);
	assert.equal((await srv.client().get('/activities/stats')).status, 303);
});

test('a facility and its use: the events held there on its page; scoped like the events', async () => {
	await setup();
	const fac = await create(C.ua1, 'facilities', { name: 'Youth room', kind: 'youth_room', unit_id: O.S1, area: 80, opening_hours: 'Fridays 15:00–17:30' });
	const bad = await call(C.ua1, 'POST', '/api/v1/facilities', { name: 'Greenhouse', kind: 'greenhouse', unit_id: O.S1, area: -3 });
	assert.equal(bad.status, 422);
	assert.equal((await call(C.ua1, 'POST', '/api/v1/facilities', { name: 'Other room', kind: 'party_room', unit_id: O.S2 })).status, 422);
	const empty = await W.ua1.get(`/r/facilities/${fac.id}`);
	assert.doesNotMatch(empty.text, /\/r\/activity_events\/\d+"/, 'no events there yet');
	const held = (await event(C.ua1, { title: 'Reading club in the youth room', kind: 'other', facility_id: fac.id })).json().data;
	const planned = (await event(C.ua1, { title: 'New Year party', kind: 'performance', facility_id: fac.id, date_from: day(20), status: 'planned' })).json().data;
	const page = await W.ua1.get(`/r/facilities/${fac.id}`);
	assert.equal(page.status, 200);
	// the events held there: the section of the facility's page listing the events that name it
	assert.ok(page.text.includes(`/r/activity_events/${held.id}"`) && page.text.includes(`/r/activity_events/${planned.id}"`));
	assert.ok(page.text.includes(`/r/activity_events/new?facility_id=${fac.id}`), 'a new event here');
	assert.equal((await W.ua2.get(`/r/facilities/${fac.id}`)).status, 403);
	// the other unit's clerk cannot put their event in it
	const other = await event(C.ua2, { unit_id: O.S2, facility_id: fac.id });
	assert.equal(other.status, 422);
	assert.equal(err(other).facility_id, msg('rec_ref_out_of_scope', 'en'));
	// the stats count the facility
	const s = await W.office.get(`/activities/stats?unit=${O.S1}`);
	assert.equal(/id="facilities">(\d+)</.exec(s.text)[1], '1');
});
