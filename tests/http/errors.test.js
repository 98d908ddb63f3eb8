'use strict';
// Error responses: status, HTML page or JSON (under /api/), and the text in
// the language asked for — by Accept-Language or by the wm_lang cookie.
const assert = require('node:assert/strict');
const { serverPerFile, test, LANGS, msg, msgHtml } = require('./lib');

// a small body limit, so that 413 is cheap to provoke
const ctx = serverPerFile({ args: ['--max-body', '2048'] });

const CODES = { 400: 'bad_request', 401: 'unauthorized', 403: 'forbidden', 404: 'not_found', 405: 'method_not_allowed', 413: 'too_large', 415: 'unsupported_media_type' };
const TITLES = { 400: 'err_400', 401: 'err_401', 403: 'err_403', 404: 'err_404', 405: 'err_405', 413: 'err_413', 415: 'err_415' };

/* Each case: how to ask, the status, and the detail message (catalog key)
 * when the handler gives one. api: JSON expected. auth: send the admin's
 * API token. */
const big = 'x'.repeat(3000);
const CASES = [
	{ name: '404 page', method: 'GET', path: '/no/such/page', status: 404 },
	{ name: '404 API', method: 'GET', path: '/api/nope/1', status: 404, api: true },
	{ name: '404 API, unknown register', method: 'GET', path: '/api/v1/no_such_register', status: 404, api: true, auth: true },
	{ name: '405 page', method: 'POST', path: '/healthz', body: 'a=1', type: 'application/x-www-form-urlencoded', status: 405, allow: 'GET, HEAD' },
	{ name: '405 API', method: 'PUT', path: '/api/v1/me', body: '{}', type: 'application/json', status: 405, api: true, allow: 'GET, HEAD, POST' },
	{ name: '413 form', method: 'POST', path: '/lang', body: `lang=en&x=${big}`, type: 'application/x-www-form-urlencoded', status: 413 },
	{ name: '413 API', method: 'POST', path: '/api/v1/units', body: JSON.stringify({ name: big }), type: 'application/json', status: 413, api: true, auth: true },
	{ name: '400 bad UTF-8 in a query value', method: 'GET', path: '/login?next=%FF', status: 400, detail: 'err_bad_utf8' },
	{ name: '400 bad UTF-8 in a query value, API', method: 'GET', path: '/api/v1/units?q=%C3%28', status: 400, detail: 'err_bad_utf8', api: true, auth: true },
	{ name: '400 bad UTF-8 in the path', method: 'GET', path: '/r/%FF', status: 400, detail: 'err_bad_utf8' },
	{ name: '400 bad UTF-8 in a form field', method: 'POST', path: '/lang', body: 'lang=%E4%B8&next=%2F', type: 'application/x-www-form-urlencoded', status: 400, detail: 'err_bad_utf8' },
	{ name: '400 bad UTF-8 in a multipart field', method: 'POST', path: '/lang', multipart: true, status: 400, detail: 'err_bad_utf8' },
	{ name: '415 page', method: 'POST', path: '/lang', body: 'lang=en', type: 'text/plain', status: 415 },
	{ name: '415 API', method: 'POST', path: '/api/v1/units', body: 'code=X', type: 'text/plain', status: 415, api: true, auth: true },
	{ name: '400 malformed JSON', method: 'POST', path: '/api/v1/units', body: '{"code": "A1", ', type: 'application/json', status: 400, detail: 'err_bad_json', api: true, auth: true },
	{ name: '400 JSON with a duplicate key', method: 'POST', path: '/api/v1/units', body: '{"code": "A1", "code": "A2"}', type: 'application/json', status: 400, detail: 'err_bad_json', api: true, auth: true },
	{ name: '400 JSON with invalid UTF-8', method: 'POST', path: '/api/v1/units', body: Buffer.from('{"code": "\xff"}', 'latin1'), type: 'application/json', status: 400, detail: 'err_bad_json', api: true, auth: true },
	{ name: '401 API', method: 'GET', path: '/api/v1/me', status: 401, api: true },
	{ name: '403 page', method: 'GET', path: '/admin/users', status: 403, staff: true },
];

function multipartBody() {
	const b = '----wenmingtest';
	const body = Buffer.concat([
		Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="lang"\r\n\r\n`),
		Buffer.from([0xe4, 0xb8]),
		Buffer.from(`\r\n--${b}--\r\n`),
	]);
	return { body, type: `multipart/form-data; boundary=${b}` };
}

async function ask(srv, c, lang, via, token) {
	const headers = {};
	if (via === 'accept') headers['Accept-Language'] = lang;
	else headers.Cookie = `wm_lang=${lang}`;
	if (c.auth) headers.Authorization = `Bearer ${token}`;
	if (c.staff) headers.Cookie = [headers.Cookie, `wm_sid=${srv.staffSid}`].filter(Boolean).join('; ');
	let body = c.body;
	let type = c.type;
	if (c.multipart) ({ body, type } = multipartBody());
	if (type) headers['Content-Type'] = type;
	// raw: fetch would refuse a GET with a body and rewrite some bytes
	return srv.raw({ method: c.method, path: c.path, headers, body });
}

for (const via of ['accept', 'cookie']) {
	test(`every error in every language, chosen by ${via === 'accept' ? 'Accept-Language' : 'the wm_lang cookie'}`, async () => {
		const { srv } = ctx;
		const token = srv.adminToken ?? (srv.adminToken = srv.token('admin'));
		if (!srv.staffSid) {
			const u = srv.createUser('staffer', 'staff');
			srv.staffSid = (await srv.signIn(u.name, u.password)).jar.get('wm_sid');
		}
		for (const c of CASES) {
			for (const lang of LANGS) {
				const what = `${c.name} in ${lang}`;
				const r = await ask(srv, c, lang, via, token);
				assert.equal(r.status, c.status, `${what}: ${r.text.slice(0, 300)}`);
				const ct = r.header('content-type') ?? '';
				const want = c.detail ?? TITLES[c.status];
				if (c.api) {
					assert.match(ct, /^application\/json/, what);
					const j = r.json();
					assert.equal(j.error.code, CODES[c.status], what);
					assert.equal(j.error.message, msg(want, lang), what);
				} else {
					assert.match(ct, /^text\/html/, what);
					assert.equal(r.htmlLang, lang, what);
					assert.ok(r.text.includes(msgHtml(TITLES[c.status], lang)), `${what}: the title`);
					if (c.detail) assert.ok(r.text.includes(msgHtml(c.detail, lang)), `${what}: the detail`);
					assert.ok(r.text.includes(`<p class="error-code">${c.status}</p>`), `${what}: the code on the page`);
				}
				if (c.allow) assert.equal(r.header('allow'), c.allow, `${what}: Allow`);
				if (c.status === 413) assert.equal(r.header('connection'), 'close', `${what}: the connection closes`);
			}
		}
	});
}

test('Accept-Language: quality values, regions and the default', async () => {
	const { srv } = ctx;
	const cases = [
		['en;q=0.5, zh-CN;q=0.9', 'zh-Hans'],
		['zh-TW,zh;q=0.9,en;q=0.8', 'zh-Hant'],
		['fr-FR, en-GB;q=0.7', 'en'],
		['zh-Hans-CN', 'zh-Hans'],
		['de, fr', 'zh-Hant'],
		['', 'zh-Hant'],
	];
	for (const [header, lang] of cases) {
		const r = await srv.raw({ path: '/no/such/page', headers: header ? { 'Accept-Language': header } : {} });
		assert.equal(r.htmlLang, lang, `Accept-Language: ${header}`);
	}
	// the cookie wins over the header; an unknown cookie value is ignored
	const r = await srv.raw({ path: '/no/such/page', headers: { 'Accept-Language': 'en', Cookie: 'wm_lang=zh-Hans' } });
	assert.equal(r.htmlLang, 'zh-Hans');
	const bad = await srv.raw({ path: '/no/such/page', headers: { 'Accept-Language': 'en', Cookie: 'wm_lang=klingon' } });
	assert.equal(bad.htmlLang, 'en');
});

test('a body just under the limit is accepted; just over it is refused', async () => {
	const { srv } = ctx;
	const c = srv.client();
	const token = await c.csrfToken();
	const base = `lang=en&next=%2F&_csrf=${token}&pad=`;
	const ok = await c.request('POST', '/lang', { body: base + 'x'.repeat(2048 - base.length), contentType: 'application/x-www-form-urlencoded' });
	assert.equal(ok.status, 303, '2048 bytes');
	const over = await c.request('POST', '/lang', { body: base + 'x'.repeat(2049 - base.length), contentType: 'application/x-www-form-urlencoded' });
	assert.equal(over.status, 413, '2049 bytes');
	// a chunked body without a length is held to the same limit
	const chunked = await srv.raw({ method: 'POST', path: '/lang', headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Transfer-Encoding': 'chunked' }, body: 'x'.repeat(5000) });
	assert.equal(chunked.status, 413, 'chunked, over the limit');
});

test('a signed-in user gets 413 and 400 pages in their own language', async () => {
	const { srv } = ctx;
	const u = srv.createUser('bigsender', 'staff');
	const c = await srv.signIn(u.name, u.password, { headers: { 'Accept-Language': 'zh-Hans' } });
	assert.equal((await c.post('/lang', { lang: 'en', next: '/' })).status, 303);
	c.setCookie('wm_lang', 'zh-Hant');
	const token = await c.csrfToken();
	const big = await c.request('POST', '/lang', { body: `_csrf=${token}&lang=en&x=${'y'.repeat(3000)}`, contentType: 'application/x-www-form-urlencoded' });
	assert.equal(big.status, 413);
	assert.equal(big.htmlLang, 'en', 'the stored language, not the cookie or the header');
	assert.ok(big.text.includes(msgHtml('err_413', 'en')));
	assert.equal(big.header('cache-control'), 'no-store');
	const bad = await c.get('/account?x=%FF');
	assert.equal(bad.status, 400);
	assert.equal(bad.htmlLang, 'en');
	// the session survives both
	assert.equal((await c.get('/account')).status, 200);
});
