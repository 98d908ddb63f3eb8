'use strict';
// Learning (src/learning/events.c): who took part in a learning event is a
// register of people (or units as such), not free text: the unit comes from
// the person, the event's participant count is the distinct people and
// units of its rows (never typed in), and "who took part" and
// a person's events are queries (the list filtered, the person's page).
const assert = require('node:assert/strict');
const { serverPerFile, test } = require('./lib');
const { api, call, create, org, day } = require('./records_lib');

const ctx = serverPerFile();

test('participants: people with their unit, units as such, a count of distinct participants that follows; per person a query', async () => {
	const { srv } = ctx;
	const a = api(srv);
	const O = await org(a, 'E');
	const p1 = await create(a, 'people', { name: '演講一', unit_id: O.W1, status: 'active' });
	const p2 = await create(a, 'people', { name: '演講二', unit_id: O.D2, status: 'active' });
	const ev = await create(a, 'learning_events', { title: '演講比賽', kind: 'speech_contest', held_on: day(), unit_id: O.B });
	const count = async () => (await a.get(`/api/v1/learning_events/${ev.id}`)).json().data.participant_count;
	assert.equal(await count(), 0);
	const x1 = await create(a, 'event_participants', { event_id: ev.id, person_id: p1.id, role: 'contestant', result: '一等獎' });
	assert.equal(x1.unit_id, O.W1, 'the person\'s unit');
	assert.equal(x1.name, '演講一');
	await create(a, 'event_participants', { event_id: ev.id, person_id: p2.id, unit_id: O.S1, role: 'contestant' });
	assert.equal(srv.sql(`SELECT unit_id FROM event_participants WHERE person_id = ${p2.id}`)[0][0] | 0, O.D2, 'the unit typed is not the person\'s: the person\'s wins');
	const team = await create(a, 'event_participants', { event_id: ev.id, unit_id: O.S2, role: 'participant' });
	assert.equal(team.name, srv.sql(`SELECT name FROM units WHERE id = ${O.S2}`)[0][0]);
	assert.equal(await count(), 3);
	// a second part for the same person (another round, another result): a
	// row, but not another participant
	const again = await call(a, 'POST', '/api/v1/event_participants', { event_id: ev.id, person_id: p1.id, role: 'speaker', result: '最佳台風獎' });
	assert.equal(again.status, 201);
	assert.equal(await count(), 3);
	// nobody: refused, nothing saved
	const nobody = await call(a, 'POST', '/api/v1/event_participants', { event_id: ev.id, role: 'participant' });
	assert.equal(nobody.status, 422);
	assert.equal(Number(srv.sql(`SELECT count(*) FROM event_participants WHERE event_id = ${ev.id}`)[0][0]), 4);
	// the count is not typed in
	const v = (await a.get(`/api/v1/learning_events/${ev.id}`)).json().data.version;
	const typed = await call(a, 'PATCH', `/api/v1/learning_events/${ev.id}`, { participant_count: 999, version: v });
	assert.ok(typed.status !== 200 || (await count()) === 3, 'participant_count cannot be set');
	// one taken out: the count follows
	assert.equal((await call(a, 'DELETE', `/api/v1/event_participants/${team.id}`)).status, 200);
	assert.equal(await count(), 2);
	// who took part, and a person's events: queries
	const who = [...new Set((await a.get(`/api/v1/event_participants?event_id=${ev.id}`)).json().data.map((r) => r.person_id))].sort();
	assert.deepEqual(who, [p1.id, p2.id].sort());
	const mine = (await a.get(`/api/v1/event_participants?person_id=${p1.id}`)).json().data;
	assert.deepEqual(mine.map((x) => x.result).sort(), ['一等獎', '最佳台風獎'].sort());
	const w = await srv.admin({ headers: { 'Accept-Language': 'en' } });
	const page = await w.get(`/r/learning_events/${ev.id}`);
	assert.equal(page.status, 200);
	assert.match(page.text, /id="participants"[\s\S]*演講一[\s\S]*<strong>一等獎<\/strong>/);
	const person = await w.get(`/r/people/${p1.id}`);
	assert.match(person.text, /id="p-events">1</, 'events, not parts');
});
