'use strict';
/* An event, as a unit's clerk records it: volunteer labour on the green
 * belt, held yesterday in the unit's facility, with a photo; two of the
 * unit's people as participants (typed by name) with their volunteer
 * hours; the event's page counts them, the facility's page lists the event
 * and the statistics show one event held, two people and their hours.
 * Screenshots of the event, participant form, facility and statistics
 * pages at phone and desktop sizes, in zh-Hant and en
 * (build/screenshots/activities/). */
const test = require('node:test');
const assert = require('node:assert/strict');
const { suite, clickAndWait, apiClient, signIn, screenshots, png } = require('./lib');

const PASSWORD = 'Lantern-Harbor-42';
const day = (plus = 0) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date(Date.now() + plus * 86400000));

const journey = suite(test, {
	users: [{ name: 'ajclerk', display: '周文書', role: 'unit_admin', password: PASSWORD }],
	setup: async (server) => {
		const api = apiClient(server);
		const top = (await api('POST', '/api/v1/units', { code: 'AT', name: '交通運輸局', kind: 'bureau' })).data.id;
		const unit = (await api('POST', '/api/v1/units', { code: 'AJ', name: '汽車站', kind: 'secondary', parent_id: top })).data.id;
		server.cli(['user', 'roles', 'ajclerk', 'unit_admin', '--unit', String(unit)]);
		for (const name of ['王小明', '李小紅', '張小華'])
			await api('POST', '/api/v1/people', { name, unit_id: unit, status: 'active' });
		const facility = (await api('POST', '/api/v1/facilities', { name: '站前綠化帶', kind: 'green_belt', unit_id: unit, area: 600, opening_hours: '全天' })).data.id;
		return { api, unit, facility };
	},
});

journey('a unit clerk records volunteer labour with a photo and two participants; the statistics show it', async ({ page, base }) => {
	const { unit, facility } = journey.setup();
	await signIn(page, base, 'ajclerk', PASSWORD);
	await page.goto(`${base}/r/activity_events/new?unit_id=${unit}&facility_id=${facility}`);
	await page.locator('#f-title').fill('團員青年義務勞動：站前綠化帶養護');
	await page.locator('#f-kind').selectOption('volunteer');
	await page.locator('#f-co_organizers').fill('共青團市委');
	await page.locator('#f-date_from').fill(day(-1));
	await page.locator('#f-status').selectOption('held');
	await page.locator('#f-photos').setInputFiles({ name: 'green-belt.png', mimeType: 'image/png', buffer: png(320, 240) });
	await clickAndWait(page, page.locator('main form button.btn-primary').first());
	const m = /\/r\/activity_events\/(\d+)$/.exec(page.url());
	assert.ok(m, `the event's page: ${page.url()}`);
	const id = m[1];
	assert.equal(await page.locator('main img').count() >= 1, true, 'the photo shows');

	for (const [name, hours] of [['王小明', '3'], ['李小紅', '4.5']]) {
		await page.goto(`${base}/r/activity_events/${id}`);
		await clickAndWait(page, page.locator(`a[href="/r/activity_participants/new?event_id=${id}"]`));
		await page.locator('#f-person_id').fill(name);
		await page.locator('#f-hours').fill(hours);
		await page.locator('#f-role').fill('志願者');
		if (name === '李小紅') await screenshots(page, 'activities', 'participant-form', { reach: async (p) => {
			await p.goto(`${base}/r/activity_participants/new?event_id=${id}`);
			await p.locator('#f-person_id').fill(name);
			await p.locator('#f-hours').fill(hours);
		} });
		await clickAndWait(page, page.locator('main form button.btn-primary').first());
		assert.match(page.url(), /\/r\/activity_participants\/\d+$/, `saved: ${page.url()}`);
	}
	await page.goto(`${base}/r/activity_events/${id}`);
	assert.equal(await page.locator('#event-people').textContent(), '2');
	assert.equal(await page.locator('#event-hours').textContent(), '7.5');
	await screenshots(page, 'activities', 'event');

	await page.goto(`${base}/r/facilities/${facility}`);
	assert.equal(await page.locator(`main a[href="/r/activity_events/${id}"]`).count(), 1, 'the facility lists the event');
	await screenshots(page, 'activities', 'facility');

	await page.goto(`${base}/activities/stats?unit=${unit}`);
	assert.equal(await page.locator('#events-held').textContent(), '1');
	assert.equal(await page.locator('#people').textContent(), '2');
	assert.equal(await page.locator('#volunteer-hours').textContent(), '7.5');
	await screenshots(page, 'activities', 'stats');
	await page.goto(`${base}/r/activity_events`);
	await screenshots(page, 'activities', 'events-list');
});
