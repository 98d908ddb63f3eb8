'use strict';
/* A Friday study session, on phones (390×844): the unit's clerk plans the
 * session for now and opens the sign-in QR page; three attendees follow
 * its link on their phones, sign in to the system and tap 簽到; the clerk
 * marks the fourth excused with a reason on the attendance list, and the
 * session's attendance rate shows 75 %. Screenshots of the QR, sign-in,
 * attendance, session and statistics pages at phone and desktop sizes, in
 * zh-Hant and en (build/screenshots/learning/). */
const test = require('node:test');
const assert = require('node:assert/strict');
const { suite, clickAndWait, apiClient, signIn, screenshots } = require('./lib');

const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');

const PHONE = { width: 390, height: 844 };
const PASSWORD = 'Lantern-Harbor-42';
const ATTENDEES = [['ljwang', '王小明'], ['ljli', '李小紅'], ['ljzhang', '張小華'], ['ljchen', '陳小東']];

/* HH:MM in the server's zone (Asia/Shanghai), minutes from now, within the day. */
function hhmm(plusMin) {
	const parts = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hour12: false }).format(new Date());
	const [h, m] = parts.split(':').map(Number);
	const t = Math.min(Math.max(h * 60 + m + plusMin, 0), 23 * 60 + 59);
	return `${String(Math.floor(t / 60)).padStart(2, '0')}:${String(t % 60).padStart(2, '0')}`;
}
const today = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());

const journey = suite(test, {
	users: [
		{ name: 'ljclerk', display: '周文書', role: 'unit_admin', password: PASSWORD },
		{ name: 'ljoffice', display: '吳文明', role: 'office', password: PASSWORD },
		{ name: 'ljleader', display: '孫處長', role: 'leader', password: PASSWORD },
		...ATTENDEES.map(([name, display]) => ({ name, display, role: 'staff', password: PASSWORD })),
	],
	setup: async (server) => {
		const api = apiClient(server);
		const top = (await api('POST', '/api/v1/units', { code: 'LT', name: '交通運輸局', kind: 'bureau' })).data.id;
		const unit = (await api('POST', '/api/v1/units', { code: 'LJ', name: '運輸管理處', kind: 'secondary', parent_id: top })).data.id;
		const other = (await api('POST', '/api/v1/units', { code: 'LK', name: '公路管理局', kind: 'secondary', parent_id: top })).data.id;
		server.cli(['user', 'roles', 'ljclerk', 'unit_admin', '--unit', String(unit)]);
		for (const [name, display] of ATTENDEES)
			await api('POST', '/api/v1/people', { name: display, unit_id: unit, status: 'active', account: name });
		await api('POST', '/api/v1/people', { name: '孫處長', unit_id: other, status: 'active', is_leader: true, account: 'ljleader' });
		const year = Number(today().slice(0, 4));
		const g = (await api('POST', '/api/v1/learning_programmes', { code: 'five_ones', name: '領導幹部「五個一」', applies_to: 'leaders', unit_id: top, year })).data.id;
		for (const [i, title] of ['蹲好一個點', '撰寫一篇論文'].entries())
			await api('POST', '/api/v1/programme_tasks', { programme_id: g, position: i + 1, title });
		return { api, unit, programme: g };
	},
});

journey('a clerk plans a Friday study session, three attendees sign in by the QR link on phones, one is excused, the rate shows',
	{ browser: { viewport: PHONE, hasTouch: true, isMobile: true } },
	async ({ page, base }) => {
		const { unit } = journey.setup();
		await signIn(page, base, 'ljclerk', PASSWORD);
		await page.goto(`${base}/r/study_sessions/new?unit_id=${unit}`);
		await page.locator('#f-topic').fill('周五學習日：文明服務規範');
		await page.locator('#f-starts_at').fill(`${today()}T${hhmm(-5)}`);
		await page.locator('#f-ends_at').fill(`${today()}T23:59`);
		await page.locator('#f-speaker').fill('周文書');
		await clickAndWait(page, page.locator('main form button.btn-primary').first());
		const m = /\/r\/study_sessions\/(\d+)$/.exec(page.url());
		assert.ok(m, `the session's page: ${page.url()}`);
		const id = Number(m[1]);
		assert.equal(await page.locator('#n-required').textContent(), '4');
		await clickAndWait(page, page.getByRole('link', { name: '顯示簽到二維碼' }));
		const link = await page.locator('#signin-link').getAttribute('href');
		assert.match(link, /\/learning\/signin\/[0-9a-f]{32}$/);
		assert.notEqual(link.split('/').pop(), String(id), 'the link carries the secret, not the id');
		await screenshots(page, 'learning', 'qr');

		// three attendees, each on their phone
		const signinPath = new URL(link).pathname;
		for (const [name, display] of ATTENDEES.slice(0, 3)) {
			await page.context().clearCookies();
			await page.goto(`${base}${signinPath}`);
			// signed out: the one-time code's form, and the way to the account
			await clickAndWait(page, page.locator('#signin-account'));
			assert.match(page.url(), /\/login\?next=/);
			await signIn(page, base, name, PASSWORD);
			assert.equal(new URL(page.url()).pathname, signinPath);
			assert.ok(await page.getByText(display).count() >= 1, 'signed in as themselves');
			const button = page.locator('#signin-button');
			const box = await button.boundingBox();
			assert.ok(box.height >= 44, `a touch target of ${box.width}×${box.height}`);
			await Promise.all([page.waitForNavigation(), button.tap()]);
			assert.match(await page.locator('#signin-result').textContent(), /簽到成功/);
			if (name === 'ljli')
				await screenshots(page, 'learning', 'signin-done', { reach: async (p) => { await p.goto(`${base}${signinPath}`); } });
		}
		// a second tap is refused
		await page.goto(`${base}${signinPath}`);
		assert.match(await page.locator('#signin-result').textContent(), /無須重複簽到/);

		// the clerk marks the fourth excused
		await page.context().clearCookies();
		await signIn(page, base, 'ljclerk', PASSWORD);
		await page.goto(`${base}/learning/sessions/${id}/attendance`);
		const chen = page.locator('tr', { hasText: '陳小東' });
		await chen.locator('input[value="excused"]').check();
		await chen.locator('input[name^="e"]').fill('公出');
		await screenshots(page, 'learning', 'attendance', { reach: async (p) => {
			await p.goto(`${base}/learning/sessions/${id}/attendance`);
			const row = p.locator('tr', { hasText: '陳小東' });
			await row.locator('input[value="excused"]').check();
			await row.locator('input[name^="e"]').fill('公出');
		} });
		await clickAndWait(page, page.locator('button[name="save"]'));
		assert.match(page.url(), new RegExp(`/r/study_sessions/${id}$`));
		assert.equal(await page.locator('#attendance-rate').textContent(), '75.0 %');
		assert.equal(await page.locator('#n-excused').textContent(), '1');
		await screenshots(page, 'learning', 'session');
		await page.goto(`${base}/learning/stats?unit=${unit}`);
		assert.equal(await page.locator('#attendance-rate').textContent(), '75.0 %');
		await screenshots(page, 'learning', 'stats');
	});

journey('the office gives the "five ones"; a leader submits a task with a file; the office accepts it', async ({ page, base }) => {
	const { programme } = journey.setup();
	await signIn(page, base, 'ljoffice', PASSWORD);
	await page.goto(`${base}/r/learning_programmes/${programme}`);
	await clickAndWait(page, page.getByRole('button', { name: '生成年度任務清單' }));
	assert.equal(await page.locator('#st-open').textContent(), '2');

	await page.context().clearCookies();
	await signIn(page, base, 'ljleader', PASSWORD);
	await clickAndWait(page, page.locator('a', { hasText: '我的年度任務' }).first());
	await clickAndWait(page, page.getByRole('link', { name: '蹲好一個點' }));
	await clickAndWait(page, page.getByRole('link', { name: '提交完成情況' }));
	await page.locator('#f-evidence').fill('聯繫點設在汽車站，全年蹲點 12 次，協調解決候車室改造問題。');
	await page.locator('#f-files').setInputFiles({ name: '蹲點報告.pdf', mimeType: 'application/pdf', buffer: PDF });
	await clickAndWait(page, page.locator('main form button.btn-primary'));
	assert.equal(await page.locator('.badge-state').first().textContent(), '待審核');

	await page.context().clearCookies();
	await signIn(page, base, 'ljoffice', PASSWORD);
	await page.goto(`${base}/r/programme_items?state=submitted`);
	await clickAndWait(page, page.getByRole('link', { name: '蹲好一個點' }));
	assert.ok(await page.getByText('蹲點報告.pdf').count() >= 1, 'the file is on the task');
	await screenshots(page, 'learning', 'task');
	await clickAndWait(page, page.getByRole('link', { name: '審核通過' }));
	await clickAndWait(page, page.locator('main form button.btn-primary'));
	assert.equal(await page.locator('.badge-state').first().textContent(), '已通過');
	await page.goto(`${base}/r/learning_programmes/${programme}`);
	assert.equal(await page.locator('#completion-rate').textContent(), '50.0 %');
});
