'use strict';
// Security headers on every kind of response, the CSP nonce, and caching of
// static assets.
const assert = require('node:assert/strict');
const net = require('node:net');
const { serverPerFile, test } = require('./lib');

const ctx = serverPerFile();

function cspNonce(res) {
	const csp = res.header('content-security-policy');
	assert.ok(csp, 'a Content-Security-Policy header');
	const m = /script-src 'self' 'nonce-([A-Za-z0-9_-]+)'/.exec(csp);
	assert.ok(m, `a script nonce in the CSP: ${csp}`);
	return m[1];
}

function assertSecurityHeaders(res, what) {
	const csp = res.header('content-security-policy') ?? '';
	assert.match(csp, /default-src 'self'/, `${what}: default-src`);
	assert.match(csp, /frame-ancestors 'none'/, `${what}: frame-ancestors`);
	assert.match(csp, /object-src 'none'/, `${what}: object-src`);
	assert.match(csp, /base-uri 'none'/, `${what}: base-uri`);
	assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/, `${what}: nothing unsafe`);
	assert.equal(res.header('x-content-type-options'), 'nosniff', `${what}: nosniff`);
	assert.equal(res.header('referrer-policy'), 'same-origin', `${what}: Referrer-Policy`);
	assert.equal(res.header('x-frame-options'), 'DENY', `${what}: X-Frame-Options`);
	return cspNonce(res);
}

test('pages, error pages, static files and JSON carry the security headers; nonces never repeat', async () => {
	const { srv } = ctx;
	const anon = srv.client();
	const admin = await srv.admin();
	const bearer = srv.client({ headers: { Authorization: `Bearer ${srv.token('admin')}` } });
	const plain = srv.createUser('plain', 'staff');
	const staff = await srv.signIn(plain.name, plain.password);
	const cases = [
		['sign-in page', anon, '/login', 200],
		['home page', admin, '/', 200],
		['account page', admin, '/account', 200],
		['HTML 404', anon, '/no/such/page', 404],
		['HTML 404 signed in', admin, '/no/such/page', 404],
		['HTML 403', staff, '/admin/users', 403],
		['static CSS', anon, '/static/app.css', 200],
		['static JS', anon, '/static/app.js', 200],
		['static 404', anon, '/static/nope.css', 404],
		['healthz JSON', anon, '/healthz', 200],
		['API JSON', bearer, '/api/v1/me', 200],
		['API 401 JSON', anon, '/api/v1/me', 401],
		['API 404 JSON', bearer, '/api/v1/nothing-here/1', 404],
		['metrics text', anon, '/metrics', 200],
		['redirect', anon, '/', 303],
	];
	const nonces = new Set();
	let n = 0;
	for (const [what, c, p, status] of cases) {
		for (let i = 0; i < 2; i++) {
			const r = await c.get(p);
			assert.equal(r.status, status, what);
			nonces.add(assertSecurityHeaders(r, what));
			n++;
		}
	}
	assert.equal(nonces.size, n, 'a fresh nonce for every response');
});

test('the nonce of every script tag matches the response\'s CSP', async () => {
	const { srv } = ctx;
	const admin = await srv.admin();
	for (const [c, p] of [[srv.client(), '/login'], [admin, '/'], [admin, '/admin/users'], [admin, '/admin/audit'], [srv.client(), '/nope']]) {
		const r = await c.get(p);
		const nonce = cspNonce(r);
		const scripts = [...r.text.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
		assert.ok(scripts.length >= 1, `${p}: the page loads its script`);
		for (const tag of scripts) assert.ok(tag.includes(` nonce="${nonce}"`), `${p}: ${tag} carries nonce ${nonce}`);
		assert.doesNotMatch(r.text, /<script\b(?![^>]*\bsrc=)[^>]*>[^<]+<\/script>/, `${p}: no inline script`);
		assert.doesNotMatch(r.text, /\son(click|load|error|submit)=/i, `${p}: no inline event handlers`);
	}
});

test('signed-in pages and JSON are not stored by caches', async () => {
	const { srv } = ctx;
	const admin = await srv.admin();
	for (const p of ['/', '/account', '/admin/users', '/api/v1/me'])
		assert.equal((await admin.get(p)).header('cache-control'), 'no-store', p);
	assert.equal((await srv.client().get('/healthz')).header('cache-control'), 'no-store', '/healthz');
});

test('static assets: ETag, 304, immutable with ?v=hash, no-cache without', async () => {
	const { srv } = ctx;
	const c = srv.client();
	const page = await c.get('/login');
	const links = [...page.text.matchAll(/(?:href|src)="(\/static\/[^"?]+)\?v=([0-9a-f]+)"/g)];
	assert.ok(links.length >= 3, 'the page links its assets with ?v=');
	const types = { '.css': /^text\/css/, '.js': /^text\/javascript/, '.svg': /^image\/svg\+xml/ };
	for (const [, file, v] of links) {
		const plain = await c.get(file);
		assert.equal(plain.status, 200, file);
		const etag = plain.header('etag');
		assert.match(etag ?? '', /^"[0-9a-f]+"$/, `${file}: a strong ETag`);
		assert.equal(etag, `"${v}"`, `${file}: the ETag is the hash in the URL`);
		assert.equal(plain.header('cache-control'), 'no-cache', `${file} without ?v=`);
		const ext = file.slice(file.lastIndexOf('.'));
		if (types[ext]) assert.match(plain.header('content-type'), types[ext], `${file}: content type`);
		assert.ok(plain.text.length > 0);

		const versioned = await c.get(`${file}?v=${v}`);
		assert.equal(versioned.status, 200);
		assert.equal(versioned.header('cache-control'), 'public, max-age=31536000, immutable', `${file}?v=`);
		assert.equal(versioned.text, plain.text);

		const stale = await c.get(`${file}?v=0000000000000000`);
		assert.equal(stale.header('cache-control'), 'no-cache', `${file} with an old ?v=`);

		const again = await c.get(file, { headers: { 'If-None-Match': etag } });
		assert.equal(again.status, 304, `${file}: If-None-Match`);
		assert.equal(again.text, '', '304 has no body');
		assert.equal(again.header('etag'), etag);
		assertSecurityHeaders(again, `${file} 304`);
		const listed = await c.get(file, { headers: { 'If-None-Match': `"abc", ${etag}` } });
		assert.equal(listed.status, 304, 'an ETag among several');
		const other = await c.get(file, { headers: { 'If-None-Match': '"0123456789abcdef"' } });
		assert.equal(other.status, 200, 'another ETag: the file again');
	}
	// assets are served without touching sessions
	const head = await srv.raw({ method: 'HEAD', path: '/static/app.css' });
	assert.equal(head.status, 200);
	assert.equal(head.text, '');
	assert.ok(Number(head.header('content-length')) > 0, 'HEAD gives the length');
});

/* Sends raw bytes, returns the raw answer. */
function rawExchange(port, bytes) {
	return new Promise((resolve, reject) => {
		const s = net.connect(port, '127.0.0.1');
		let data = '';
		s.setEncoding('latin1');
		s.on('connect', () => s.write(bytes));
		s.on('data', (d) => (data += d));
		s.on('end', () => resolve(data));
		s.on('error', reject);
		s.setTimeout(5000, () => {
			s.destroy();
			resolve(data);
		});
	});
}

test('requests the server cannot read get a JSON error with the same security headers', async () => {
	const { srv } = ctx;
	const cases = [
		['GARBAGE\r\n\r\n', 400, 'Bad Request'],
		[`GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(40000)}\r\n\r\n`, null, null],
		['GET / HTTP/9.9\r\nHost: x\r\n\r\n', 505, 'HTTP Version Not Supported'],
	];
	for (const [req, status, text] of cases) {
		const raw = await rawExchange(srv.port, req);
		const [head, body] = raw.split('\r\n\r\n');
		const m = /^HTTP\/1\.1 (\d{3}) (.*)$/m.exec(head);
		assert.ok(m, `a status line: ${raw.slice(0, 100)}`);
		if (status) assert.equal(Number(m[1]), status);
		else assert.ok(Number(m[1]) >= 400 && Number(m[1]) < 500, `an error for an oversized header: ${m[1]}`);
		if (text) assert.equal(m[2], text);
		assert.notEqual(m[2], 'Unknown', 'a proper reason phrase');
		assert.match(head, /^Content-Type: application\/json; charset=utf-8$/m);
		assert.match(head, /^X-Content-Type-Options: nosniff$/m);
		assert.match(head, /^Referrer-Policy: same-origin$/m);
		assert.match(head, /^X-Frame-Options: DENY$/m);
		assert.match(head, /^Content-Security-Policy: .*frame-ancestors 'none'/m);
		assert.match(head, /^Connection: close$/m);
		assert.equal(JSON.parse(body).error.code, `http_${m[1]}`);
	}
	assert.equal((await srv.client().get('/healthz')).status, 200, 'still serving');
});
