'use strict';
// The inbox: notifications appear in the reader's language with the unread
// count beside the user menu, opening one marks it read and follows only a
// local link, "mark all read", the JSON list; and the e-mail of a
// notification arrives at a local SMTP server (Debian's python3-aiosmtpd)
// when smtp_url is set.
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const net = require('node:net');
const { startServer, test, before, after, msg, msgHtml, sleep } = require('./lib');

const EN = { headers: { 'Accept-Language': 'en' } };
const ctx = { srv: null, smtp: null, mail: '' };

function freePort() {
	return new Promise((resolve, reject) => {
		const s = net.createServer();
		s.on('error', reject);
		s.listen(0, '127.0.0.1', () => {
			const { port } = s.address();
			s.close(() => resolve(port));
		});
	});
}

/* Waits until the SMTP server is listening. */
async function smtpReady(port) {
	const deadline = Date.now() + 10000;
	for (;;) {
		const ok = await new Promise((resolve) => {
			const s = net.connect(port, '127.0.0.1');
			s.on('connect', () => (s.destroy(), resolve(true)));
			s.on('error', () => resolve(false));
		});
		if (ok) return;
		if (Date.now() > deadline) throw new Error(`aiosmtpd did not listen on ${port}: ${ctx.mail}`);
		await sleep(100);
	}
}

/* The mail settings, for the server and for the commands that notify (a
 * command reads the same configuration as the server in production). */
let MAIL_ARGS = [];

before(async () => {
	const port = await freePort();
	ctx.smtp = spawn('/usr/bin/python3', ['-u', '-m', 'aiosmtpd', '-n', '-l', `127.0.0.1:${port}`], { stdio: ['ignore', 'pipe', 'pipe'] });
	ctx.smtp.stdout.setEncoding('utf8').on('data', (d) => (ctx.mail += d));
	ctx.smtp.stderr.setEncoding('utf8').on('data', (d) => (ctx.mail += d));
	await smtpReady(port);
	MAIL_ARGS = ['--smtp-url', `smtp://127.0.0.1:${port}`, '--smtp-from', 'wenming@bureau.example', '--base-url', 'https://wenming.example'];
	ctx.srv = await startServer({ args: MAIL_ARGS });
});

after(async () => {
	if (ctx.srv) await ctx.srv.stop();
	if (ctx.smtp) ctx.smtp.kill('SIGTERM');
});

/* The unread count in the top bar, or 0. */
function badge(html) {
	const m = /<span class="inbox-count">(\d+)<\/span>/.exec(html);
	return m ? Number(m[1]) : 0;
}

test('a notification appears, is counted, and opening it marks it read and follows its link', async () => {
	const { srv } = ctx;
	const user = srv.createUser('inbox.reader', 'staff');
	const c = await srv.signIn(user.name, user.password, EN);
	assert.equal(badge((await c.get('/')).text), 0);
	assert.match((await c.get('/inbox')).text, new RegExp(msg('inbox_empty', 'en')));

	const r = srv.cli(['notify', user.name, 'Case 2026-0001: a complaint about the window', '--link', '/org/tree']);
	assert.equal(r.code, 0, r.stderr);
	const home = await c.get('/');
	assert.equal(badge(home.text), 1);
	assert.match(home.text, /aria-label="1 unread notifications"/);
	const page = await c.get('/inbox');
	assert.match(page.text, new RegExp(`<tr class="unread"><td class="card-title"><a href="/inbox/(\\d+)"><strong>${msg('inbox_announcement', 'en')}</strong></a>`));
	assert.match(page.text, /Case 2026-0001: a complaint about the window/);
	const id = Number(/href="\/inbox\/(\d+)"/.exec(page.text)[1]);

	// in the reader's language: the subject key is rendered when shown
	const zh = await srv.signIn(user.name, user.password, { headers: { 'Accept-Language': 'zh-TW' } });
	assert.ok((await zh.get('/inbox')).text.includes(msgHtml('inbox_announcement', 'zh-Hant')));

	const api = (await c.get('/api/v1/inbox')).json();
	assert.equal(api.total, 1);
	assert.equal(api.unread, 1);
	assert.deepEqual(
		{ ...api.data[0], created_at: 0 },
		{ id, created_at: 0, kind: 'announcement', subject: msg('inbox_announcement', 'en'), detail: 'Case 2026-0001: a complaint about the window', link: '/org/tree', read: false },
	);

	const open = await c.get(`/inbox/${id}`);
	assert.equal(open.status, 303);
	assert.equal(open.location, '/org/tree');
	assert.equal(badge((await c.get('/')).text), 0);
	assert.equal((await c.get('/api/v1/inbox')).json().data[0].read, true);
	assert.doesNotMatch((await c.get('/inbox')).text, /class="unread"/);

	// nobody opens another user's notification
	const other = srv.createUser('inbox.other', 'staff');
	const o = await srv.signIn(other.name, other.password, EN);
	assert.equal((await o.get(`/inbox/${id}`)).status, 404);
	assert.equal((await o.get('/api/v1/inbox')).json().total, 0);
});

test('a stored link that is not a local path is not followed', async () => {
	const { srv } = ctx;
	const user = srv.createUser('inbox.victim', 'staff');
	const c = await srv.signIn(user.name, user.password, EN);
	assert.equal(srv.cli(['notify', user.name, 'x', '--link', '//evil.example/']).code, 2, 'the command refuses it');
	for (const link of ['//evil.example/', 'https://evil.example/', '/\\evil.example', '/\t/evil.example']) {
		srv.sql(`INSERT INTO notifications (user_id, created_at, kind, subject_key, detail, link) VALUES (${user.id}, 1, 'test', 'inbox_notification', 'x', '${link.replace(/'/g, "''")}')`);
		const id = srv.sql(`SELECT max(id) FROM notifications WHERE user_id = ${user.id}`)[0][0];
		const r = await c.get(`/inbox/${id}`);
		assert.equal(r.status, 303);
		assert.equal(r.location, '/inbox', `not followed: ${JSON.stringify(link)}`);
	}
	// an unknown subject key (a module removed since) shows as "Notification"
	assert.ok((await c.get('/inbox')).text.includes(msg('inbox_notification', 'en')));
});

test('mark all read', async () => {
	const { srv } = ctx;
	const user = srv.createUser('inbox.many', 'staff');
	const c = await srv.signIn(user.name, user.password, EN);
	for (let i = 0; i < 3; i++) assert.equal(srv.cli(['notify', user.name, `note ${i}`]).code, 0);
	const page = await c.get('/inbox');
	assert.equal(badge(page.text), 3);
	assert.ok(page.text.includes(msg('inbox_mark_all', 'en')));
	assert.match(page.text, /note 2[\s\S]*note 1[\s\S]*note 0/, 'newest first');
	assert.equal((await c.post('/inbox/read-all', {}, { csrf: 'forged' })).status, 403);
	assert.equal(badge((await c.get('/')).text), 3);
	const r = await c.post('/inbox/read-all', {});
	assert.equal(r.status, 303);
	assert.equal(badge((await c.get('/inbox')).text), 0);
	assert.equal((await c.get('/api/v1/inbox')).json().unread, 0);
});

test('the notification is e-mailed, in the reader\'s language, when the user has an address', async () => {
	const { srv } = ctx;
	const user = srv.createUser('inbox.mail', 'staff');
	const c = await srv.signIn(user.name, user.password, EN);
	// a bad address is refused; a good one saved (and audited)
	await c.post('/account/email', { email: 'not an address' });
	assert.equal(srv.sql(`SELECT count(*) FROM users WHERE id = ${user.id} AND email IS NOT NULL`)[0][0], '0');
	assert.equal((await c.post('/account/email', { email: 'reader@bureau.example' })).status, 303);
	assert.match((await c.get('/account')).text, /value="reader@bureau.example"/);
	assert.equal(srv.sql(`SELECT count(*) FROM audit WHERE entity = 'user' AND entity_id = '${user.id}' AND action = 'update'`)[0][0], '1');
	// the admin sets the language the mail is written in
	const admin = await srv.admin(EN);
	const form = (await admin.get(`/admin/users/${user.id}`)).text;
	assert.match(form, /name="email" type="email"[^>]*value="reader@bureau.example"|value="reader@bureau.example"[^>]*name="email"/);
	const up = await admin.post(`/admin/users/${user.id}`, { display_name: 'Mail Reader', lang: 'zh-Hans', email: 'reader@bureau.example', role: 'staff' });
	assert.equal(up.status, 303);
	const bad = await admin.post(`/admin/users/${user.id}`, { display_name: 'Mail Reader', email: 'a@b@c', role: 'staff' });
	assert.equal(bad.status, 422);
	assert.ok(bad.text.includes(msg('email_rule', 'en')));

	assert.equal(srv.cli(['notify', user.name, '案件 2026-0002：請於期限內回覆', '--link', '/inbox', ...MAIL_ARGS]).code, 0);
	const deadline = Date.now() + 15000;
	while (!/END MESSAGE/.test(ctx.mail) && Date.now() < deadline) await sleep(100);
	assert.match(ctx.mail, /END MESSAGE/, `a message arrived:\n${ctx.mail}`);
	assert.match(ctx.mail, /To: <reader@bureau\.example>/);
	assert.match(ctx.mail, /From: <wenming@bureau\.example>/);
	const subject = /Subject: ((?:=\?UTF-8\?B\?[^?]+\?=\s*)+)/.exec(ctx.mail)[1];
	const text = [...subject.matchAll(/=\?UTF-8\?B\?([^?]+)\?=/g)].map((m) => Buffer.from(m[1], 'base64')).reduce((a, b) => Buffer.concat([a, b]));
	assert.equal(text.toString('utf8'), `${msg('app_name', 'zh-Hans')}: ${msg('inbox_announcement', 'zh-Hans')}`);
	const body64 = /Content-Transfer-Encoding: base64\r?\n(?:[^\n]*\r?\n)*?\r?\n([A-Za-z0-9+/=\r\n]+)/.exec(ctx.mail)[1];
	const body = Buffer.from(body64.replace(/\s+/g, ''), 'base64').toString('utf8');
	assert.ok(body.includes('案件 2026-0002：請於期限內回覆'), body);
	assert.ok(body.includes(`${msg('inbox_mail_open', 'zh-Hans')}: https://wenming.example/inbox`), body);
	// the row is marked sent
	const row = srv.sql(`SELECT attempts, sent_at IS NOT NULL, COALESCE(error, '') FROM mail_outbox o JOIN notifications n ON n.id = o.notification_id WHERE n.user_id = ${user.id}`);
	assert.deepEqual(row, [['1', srv.dbUrl.startsWith('sqlite:') ? '1' : 't', '']]);
	// a user without an address gets no mail
	assert.equal(srv.sql("SELECT count(*) FROM mail_outbox o JOIN notifications n ON n.id = o.notification_id JOIN users u ON u.id = n.user_id WHERE u.email IS NULL")[0][0], '0');
});
