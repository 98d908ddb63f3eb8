'use strict';
// The main pages are valid HTML: html-validate's "standard" rules (the HTML
// standard's content models, attributes and nesting) plus its rules for
// labels and hidden focusable elements, on the demo organization, signed in
// as admin, in every language; the sign-in page, an error page and a form
// answered with errors included. (The Nu validator needs Java, which the
// project does not install; html-validate runs in Node.)
const assert = require('node:assert/strict');
const { HtmlValidate } = require('html-validate');
const { LANGS, serverPerFile, test } = require('./lib');

const ctx = serverPerFile();
const validator = new HtmlValidate({
	extends: ['html-validate:standard'],
	rules: { 'hidden-focusable': 'error', 'input-missing-label': 'error', 'no-dup-id': 'error' },
});

const PAGES = ['/', '/org/tree', '/org/stats', '/org/certificates', '/r/people', '/r/people/1', '/r/people/new',
	'/r/people/1/edit', '/r/people/import', '/r/units', '/r/units/1', '/r/supervisors', '/r/groups',
	`/search?q=${encodeURIComponent('王')}`, '/admin/users', '/admin/users/new', '/admin/audit', '/account', '/no/such/page'];

async function problems(r, what) {
	const report = await validator.validateString(r.text);
	const out = report.results.flatMap((x) => x.messages).map((m) => `${what}:${m.line}:${m.column} ${m.ruleId}: ${m.message}`);
	// the Nu validator's error on every signed-in page: a label may not be aria-hidden
	for (const m of r.text.matchAll(/<label[^>]*aria-hidden[^>]*>/g)) out.push(`${what}: aria-hidden on ${m[0]}`);
	return out;
}

test('the main pages, an error page and a refused form are valid HTML in every language', async () => {
	const srv = ctx.srv;
	assert.equal(srv.cli(['demo']).code, 0);
	const found = [];
	found.push(...await problems(await srv.client().get('/login'), '/login'));
	const c = await srv.admin();
	for (const lang of LANGS) {
		assert.equal((await c.post('/lang', { lang, next: '/' })).status, 303);
		for (const p of PAGES) {
			const r = await c.get(p);
			assert.ok([200, 404].includes(r.status), `${p}: ${r.status}`);
			found.push(...await problems(r, `${lang} ${p}`));
		}
		const refused = await c.post('/r/people', { name: '', status: 'active' });
		assert.equal(refused.status, 422);
		found.push(...await problems(refused, `${lang} POST /r/people`));
	}
	assert.deepEqual(found, []);
});
