'use strict';
/* A unit appeals a score and the office decides, in the browser: the
 * clerk of 運輸管理處 writes a self-assessment on a phone in the open
 * round, then in the announced round opens its scores, appeals one leaf
 * with a reason and sees it waiting; the office opens the appeals, upholds
 * it with new points and a reason; the unit's total follows (assess_score_set)
 * and the clerk finds the decision in the inbox. Screenshots of the
 * self-assessment, the unit's appeals page and the office's list, at
 * desktop and phone sizes, in zh-Hant and en (build/screenshots/roundwork/). */
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const { suite, clickAndWait, apiClient, signIn, screenshots } = require('./lib');

const PASSWORD = 'Lantern-Harbor-42';

function sql(server, q) {
	const r = spawnSync('sqlite3', ['-batch', '-separator', '\t', server.db.replace(/^sqlite:/, ''), q], { encoding: 'utf8' });
	if (r.status !== 0) throw new Error(`${q}\n${r.stderr}`);
	return r.stdout.split('\n').filter((l) => l).map((l) => l.split('\t'));
}

const journey = suite(test, {
	users: [{ name: 'rjoffice', display: '吳文明', role: 'office', password: PASSWORD }],
	setup: async (server) => {
		const api = apiClient(server);
		const top = (await api('POST', '/api/v1/units', { code: 'RT', name: '交通運輸局', kind: 'bureau' })).data.id;
		const a1 = (await api('POST', '/api/v1/units', { code: 'R1', name: '運輸管理處', kind: 'secondary', parent_id: top })).data.id;
		const a2 = (await api('POST', '/api/v1/units', { code: 'R2', name: '公路管理局', kind: 'secondary', parent_id: top })).data.id;
		server.cli(['user', 'add', 'rjclerk', '--name', '林書記', '--role', 'unit_admin', '--unit', String(a1), '--password-stdin'], `${PASSWORD}\n`);
		const q = (s) => sql(server, s);
		const sys = q(`INSERT INTO assess_systems (year, version, name, state, total_points, created_at) VALUES (2031, 1, '2031 年度文明創建考核指標體系', 'in_use', 100, 0) RETURNING id`)[0][0];
		const ind = (parent, level, pos, name, max, method, standard = '') =>
			q(`INSERT INTO assess_indicators (system_id, parent_id, level, position, name, max_points, method, standard) VALUES (${sys}, ${parent ?? 'NULL'}, ${level}, ${pos}, '${name}', ${max}, '${method}', '${standard}') RETURNING id`)[0][0];
		const top1 = ind(null, 1, 1, '組織領導', 0, 'manual');
		const plan = ind(top1, 2, 1, '領導機構與年度計畫', 8, 'manual', '成立創建領導小組和工作專班，有年度計畫和經費保障，得 8 分；缺一項扣 2 分。');
		const top2 = ind(null, 1, 2, '文明創建活動', 0, 'manual');
		const vol = ind(top2, 2, 1, '學雷鋒志願服務', 5, 'manual', '常態化開展志願服務，有記錄、有照片。');
		const round = (name, state, extra) =>
			q(`INSERT INTO assess_rounds (system_id, kind, name, period_from, period_to, self_due, appeal_due, appeal_days, state, created_at) VALUES (${sys}, '${extra}', '${name}', '2031-01-01', '2031-12-31', '2999-12-31', '2999-12-31', 5, '${state}', 0) RETURNING id`)[0][0];
		const open = round('2031 年年終考核', 'open', 'year_end');
		const ann = round('2031 年年中考核', 'appeal', 'mid_year');
		for (const r of [open, ann])
			for (const u of [a1, a2]) q(`INSERT INTO assess_round_units (round_id, unit_id, unit_kind, own_total, total, max_total) VALUES (${r}, ${u}, 'secondary', 10, 10, 13)`);
		for (const u of [a1, a2])
			q(`INSERT INTO assess_round_scores (round_id, unit_id, indicator_id, max_points, points, source, explanation, comment) VALUES (${ann}, ${u}, ${plan}, 8, 6, 'manual', 'manual', '缺少經費保障的材料。'), (${ann}, ${u}, ${vol}, 5, 4, 'manual', 'manual', '記錄完整。')`);
		q(`INSERT INTO assess_self (round_id, unit_id, indicator_id, text, links, updated_at) VALUES (${ann}, ${a1}, ${plan}, '本單位成立創建工作領導小組，印發年度創建計畫，經費列入年度預算。', '/r/units/${a1}', 0)`);
		return { a1, plan, open, ann };
	},
});

journey('a unit appeals a score and the office decides', async ({ page, ctx, base, server }) => {
	const { a1, plan, open, ann } = journey.setup();
	await signIn(page, base, 'rjclerk', PASSWORD);

	// the open round: a self-assessment written on a phone
	await page.setViewportSize({ width: 390, height: 844 });
	await page.goto(`${base}/assessment/rounds/${open}/self?unit=${a1}`);
	const leaf = page.locator(`#leaf-${plan}`);
	await leaf.locator('textarea[name="text"]').fill('領導小組會議紀要和年度計畫見附件。');
	await leaf.locator('textarea[name="links"]').fill(`/r/units/${a1}`);
	await clickAndWait(page, leaf.locator('button'));
	assert.equal(await page.locator(`#leaf-${plan} textarea[name="text"]`).inputValue(), '領導小組會議紀要和年度計畫見附件。');
	await screenshots(page, 'roundwork', 'self');
	await page.setViewportSize({ width: 1280, height: 800 });

	// the announced round: the unit's scores and an appeal
	await page.goto(`${base}/assessment/rounds/${ann}/appeals`);
	assert.match(page.url(), new RegExp(`/appeals\\?unit=${a1}$`), 'the clerk of one unit lands on its page');
	const row = page.locator(`#unit-scores [data-indicator="${plan}"]`);
	await row.locator('summary').click();
	await row.locator('textarea[name="reason"]').fill('年度計畫第三頁已列明經費保障，請予複核。');
	await clickAndWait(page, row.locator('button'));
	const card = page.locator('.rw-appeal').first();
	assert.equal(await card.getAttribute('data-state'), 'submitted');
	assert.ok((await card.textContent()).includes('年度計畫第三頁已列明經費保障'));
	assert.equal(await page.locator(`#unit-scores [data-indicator="${plan}"] summary`).count(), 0, 'one open appeal per leaf');
	await screenshots(page, 'roundwork', 'unit-appeals');

	// the office decides
	await ctx.clearCookies();
	await signIn(page, base, 'rjoffice', PASSWORD);
	await page.goto(`${base}/assessment/rounds/${ann}/appeals`);
	const id = await page.locator('.rw-appeal[data-state="submitted"]').first().getAttribute('data-appeal');
	const form = page.locator(`#appeal-${id} form`);
	await screenshots(page, 'roundwork', 'office-appeals');
	await form.locator('input[name="points"]').fill('8');
	await form.locator('textarea[name="reason"]').fill('經複核，計畫已列經費保障，採納申訴。');
	await clickAndWait(page, form.locator('button[value="upheld"]'));
	assert.equal(await page.locator(`#appeal-${id}`).getAttribute('data-state'), 'upheld');
	assert.equal((await page.locator(`#appeal-${id} .rw-after`).textContent()).trim(), '8');
	const [[points, source]] = sql(server, `SELECT points, source FROM assess_round_scores WHERE round_id = ${ann} AND unit_id = ${a1} AND indicator_id = ${plan}`);
	assert.equal(Number(points), 8);
	assert.equal(source, 'appeal');
	assert.equal(Number(sql(server, `SELECT total FROM assess_round_units WHERE round_id = ${ann} AND unit_id = ${a1}`)[0][0]), 12);

	// the unit is told
	await ctx.clearCookies();
	await signIn(page, base, 'rjclerk', PASSWORD);
	await page.goto(`${base}/inbox`);
	assert.ok((await page.locator('main').textContent()).includes('考核申訴已有決定'));
});
