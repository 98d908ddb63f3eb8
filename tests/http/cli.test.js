'use strict';
// The command line: help, usage errors (exit 2), configuration sources,
// users, tokens, backup, init.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { serverPerFile, test, run, makeDb, tmpDir, sqlOn, BACKEND } = require('./lib');

const ctx = serverPerFile();

/* Runs in an empty directory, so that no ./wenming.conf is picked up. */
function cli(args, opts = {}) {
	return run(args, { cwd: opts.cwd ?? emptyDir(), ...opts });
}
let empty = null;
function emptyDir() {
	empty ??= tmpDir();
	return empty;
}

function commandsFromHelp(text) {
	const m = /commands:\n([\s\S]*?)\n\n/.exec(text);
	assert.ok(m, 'a command list');
	return m[1].split('\n').map((l) => l.trim().split(/\s+/)[0]);
}

test('help lists the commands; help CMD and CMD --help explain each', () => {
	const h = cli(['help']);
	assert.equal(h.code, 0);
	assert.equal(h.stderr, '');
	const cmds = commandsFromHelp(h.stdout);
	for (const c of ['serve', 'init', 'migrate', 'user', 'token', 'backup', 'config', 'version', 'help']) assert.ok(cmds.includes(c), c);
	// the list is main.c's own table and the modules' (src/*/module.c)
	const src = path.join(__dirname, '..', '..', 'src');
	const tables = [path.join(src, 'main.c')]
		.concat(fs.readdirSync(src).map((d) => path.join(src, d, 'module.c')).filter((f) => fs.existsSync(f)))
		.map((f) => fs.readFileSync(f, 'utf8'))
		.join('\n');
	for (const c of cmds) assert.match(tables, new RegExp(`\\{"${c}", cmd_`), `${c} is in a command table`);
	for (const c of cmds) {
		const r = cli(['help', c]);
		assert.equal(r.code, 0, `help ${c}`);
		assert.match(r.stdout, new RegExp(`^wenming ${c} — \\S`), `help ${c}: a title`);
		assert.match(r.stdout, new RegExp(`usage: wenming ${c}`), `help ${c}: usage`);
		const r2 = cli([c, '--help']);
		assert.equal(r2.code, 0, `${c} --help`);
		assert.equal(r2.stdout, r.stdout, `${c} --help is help ${c}`);
	}
	assert.equal(cli(['--help']).code, 0);
	assert.match(cli(['--version']).stdout, /^wenming \S+ \(schema: platform \d+/);
	assert.match(cli(['version']).stdout, /^wenming \S+ \(schema: platform \d+/);
});

test('usage errors exit 2 with a message on stderr', () => {
	const none = cli([]);
	assert.equal(none.code, 2, 'no command');
	assert.match(none.stdout + none.stderr, /usage: wenming COMMAND/);
	const unknown = cli(['frobnicate']);
	assert.equal(unknown.code, 2);
	assert.equal(unknown.stdout, '');
	assert.match(unknown.stderr, /unknown command 'frobnicate'/);
	const h = cli(['help', 'frobnicate']);
	assert.equal(h.code, 2);
	assert.match(h.stderr, /unknown command 'frobnicate'/);
	for (const [args, re] of [
		[['migrate', '--db', 'mysql://localhost/x'], /db: 'mysql:\/\/localhost\/x' must start with sqlite: or postgresql:\/\//],
		[['migrate', '--db', 'sqlite:'], /sqlite: needs a file path/],
		[['migrate', '--db'], /--db needs a value/],
		[['config', '--threads', 'many'], /threads: 'many' is not a whole number/],
		[['config', '--listen', 'localhost'], /listen: 'localhost' must be host:port/],
		[['config', '--timezone', 'Mars/Olympus'], /timezone: 'Mars\/Olympus' is not a known time zone/],
		[['config', 'extra'], /unexpected argument 'extra'/],
		[['user'], /missing action/],
		[['user', 'explode'], /unknown action 'explode'/],
		[['token', 'revoke'], /usage: token revoke ID/],
	]) {
		const r = cli(args);
		assert.equal(r.code, 2, args.join(' '));
		assert.match(r.stderr, re, args.join(' '));
	}
});

test('an unreachable or broken database is a clear error', () => {
	const dir = tmpDir();
	const r = cli(['migrate', '--db', 'postgresql://nobody@127.0.0.1:1/none']);
	assert.equal(r.code, 2);
	assert.match(r.stderr, /^wenming: .*(connect|refused)/im);
	fs.writeFileSync(path.join(dir, 'junk.db'), 'this is not a database, just text '.repeat(200));
	const j = cli(['migrate', '--db', `sqlite:${path.join(dir, 'junk.db')}`]);
	assert.equal(j.code, 2);
	assert.match(j.stderr, /not a database|file is not a database/i);
});

test('a bad config file is named with its line', () => {
	const dir = tmpDir();
	const cases = [
		['# comment\nthreads = 8\nthreads = lots\n', 3, /threads: 'lots' is not a whole number/],
		['\n\nno equals sign here\n', 3, /expected 'name = value'/],
		['colour = blue\n', 1, /unknown setting 'colour'/],
		['max_body = 1X\n', 1, /max_body/],
	];
	for (const [text, line, re] of cases) {
		const f = path.join(dir, `bad${line}.conf`);
		fs.writeFileSync(f, text);
		const r = cli(['config', '--config', f]);
		assert.equal(r.code, 2, text);
		assert.ok(r.stderr.includes(`${f}:${line}: `), `names ${f}:${line}: ${r.stderr}`);
		assert.match(r.stderr, re);
	}
	// ./wenming.conf is read when present, and named when bad
	fs.writeFileSync(path.join(dir, 'wenming.conf'), 'threads = 0\n');
	const r = cli(['config'], { cwd: dir });
	assert.equal(r.code, 2);
	assert.match(r.stderr, /wenming\.conf:1: threads/);
	const missing = cli(['config', '--config', path.join(dir, 'nope.conf')]);
	assert.equal(missing.code, 2);
	assert.match(missing.stderr, /nope\.conf/);
});

test('config lists every setting with its value and where it came from', () => {
	const dir = tmpDir();
	const f = path.join(dir, 'site.conf');
	fs.writeFileSync(f, 'threads = 8\nlog_level = warn\nmax_body = 4M\n');
	const r = cli(['config', '--config', f, '--max-body', '1M'], { env: { WENMING_LOG_LEVEL: 'debug', WENMING_LISTEN: '127.0.0.1:9999' } });
	assert.equal(r.code, 0, r.stderr);
	const rows = {};
	for (const line of r.stdout.split('\n').slice(1)) {
		const m = /^(\w+)\s+(\S*)\s+(default|file|env|flag)\s/.exec(line);
		if (m) rows[m[1]] = { value: m[2], source: m[3] };
	}
	assert.deepEqual(rows.threads, { value: '8', source: 'file' });
	assert.deepEqual(rows.log_level, { value: 'debug', source: 'env' }, 'env over file');
	assert.deepEqual(rows.listen, { value: '127.0.0.1:9999', source: 'env' });
	assert.deepEqual(rows.max_body, { value: String(1 << 20), source: 'flag' }, 'flag over file');
	assert.equal(rows.db.source, 'default');
	assert.equal(rows.session_idle.source, 'default');
	for (const k of ['db', 'listen', 'threads', 'max_body', 'session_idle', 'session_lifetime', 'log_level', 'access_log', 'password_file'])
		assert.ok(rows[k], `${k} is listed`);
	assert.ok(r.stdout.includes(`config file: ${f}`));
	assert.match(r.stdout, /precedence: defaults < wenming\.conf < WENMING_\* environment < --flags/);
});

test('user add / list / passwd / disable / enable / roles', async () => {
	const { srv } = ctx;
	const add = srv.cli(['user', 'add', 'clio', '--name', '克莉歐', '--role', 'leader', '--role', 'staff', '--password-stdin'], { input: 'Orion-first-pass-1\n' });
	assert.equal(add.code, 0, add.stderr);
	assert.match(add.stdout, /^created user 'clio' \(id \d+\)$/m);
	assert.doesNotMatch(add.stdout, /password:/, 'a password given is not printed');
	await srv.signIn('clio', 'Orion-first-pass-1');

	for (const [pw, re] of [['short', /too short|at least 10/i], ['my-clio2-password', /user name/i], ['password123', /common/i]]) {
		const r = srv.cli(['user', 'add', 'clio2', '--password-stdin'], { input: `${pw}\n` });
		assert.equal(r.code, 2, pw);
		assert.match(r.stderr, /password rejected/);
		assert.match(r.stderr, re, pw);
	}
	assert.equal(srv.cli(['user', 'add', 'clio', '--password-stdin'], { input: 'Another-pass-123\n' }).code, 2, 'taken');
	assert.match(srv.cli(['user', 'add', 'Bad Name']).stderr, /user name/i);
	assert.equal(srv.cli(['user', 'add', 'roleless', '--role', 'king']).code, 2);
	assert.equal(srv.cli(['user', 'add', 'unitless', '--unit', '999999']).code, 2);

	// a generated password is printed once and works
	const gen = srv.cli(['user', 'add', 'genny']);
	assert.equal(gen.code, 0);
	const pw = /^password: (\S+)$/m.exec(gen.stdout)?.[1];
	assert.ok(pw && pw.length >= 12, 'a generated password');
	await srv.signIn('genny', pw);

	const list = srv.cli(['user', 'list']);
	assert.equal(list.code, 0);
	assert.match(list.stdout, /^ID\s+USER\s+STATUS/);
	assert.match(list.stdout, /^\d+\s+clio\s+active\s+leader staff \/ 克莉歐$/m);
	assert.match(list.stdout, /^\d+\s+genny\s+active\s+staff \/ genny$/m, 'staff by default');
	assert.match(list.stdout, /^\d+\s+admin\s+active\s+admin /m);

	// passwd: the old password stops working, sessions end
	const session = await srv.signIn('clio', 'Orion-first-pass-1');
	const p = srv.cli(['user', 'passwd', 'clio', '--password-stdin'], { input: 'Orion-second-pass-2\n' });
	assert.equal(p.code, 0, p.stderr);
	assert.equal((await session.get('/')).status, 303, 'their session ended');
	const c = srv.client();
	await c.get('/login');
	assert.equal((await c.post('/login', { username: 'clio', password: 'Orion-first-pass-1' })).status, 401);
	await srv.signIn('clio', 'Orion-second-pass-2');
	assert.equal(srv.cli(['user', 'passwd', 'nobody-at-all']).code, 2);
	assert.equal(srv.cli(['user', 'passwd', 'clio', '--password-stdin'], { input: 'short\n' }).code, 2);

	// disable / enable
	const s2 = await srv.signIn('clio', 'Orion-second-pass-2');
	assert.equal(srv.cli(['user', 'disable', 'clio']).code, 0);
	assert.match(srv.cli(['user', 'list']).stdout, /^\d+\s+clio\s+disabled/m);
	assert.equal((await s2.get('/')).status, 303, 'signed out');
	const d = srv.client();
	await d.get('/login');
	assert.equal((await d.post('/login', { username: 'clio', password: 'Orion-second-pass-2' })).status, 401);
	assert.equal(srv.cli(['user', 'enable', 'clio']).code, 0);
	await srv.signIn('clio', 'Orion-second-pass-2');

	// roles: show, set, refuse unknown
	assert.match(srv.cli(['user', 'roles', 'clio']).stdout, /^clio: \[.*"role":"leader".*"role":"staff".*\]$/m);
	const set = srv.cli(['user', 'roles', 'clio', 'office', 'supervisor']);
	assert.equal(set.code, 0, set.stderr);
	assert.match(set.stdout, /"role":"office"/);
	assert.doesNotMatch(set.stdout, /leader/);
	const s3 = await srv.signIn('clio', 'Orion-second-pass-2');
	assert.equal((await s3.get('/admin/audit')).status, 200, 'office now');
	assert.equal(srv.cli(['user', 'roles', 'clio', 'emperor']).code, 2);
	assert.equal(srv.cli(['user', 'roles', 'nobody-at-all']).code, 2);

	// every change is in the audit log, by the CLI
	const audit = srv.sql("SELECT action FROM audit WHERE entity = 'user' AND ip = 'cli' AND entity_id = (SELECT CAST(id AS TEXT) FROM users WHERE username = 'clio') ORDER BY id");
	assert.deepEqual(audit.map((r) => r[0]), ['create', 'reset_password', 'disable', 'enable', 'update']);
});

test('token add / list / revoke', async () => {
	const { srv } = ctx;
	srv.createUser('tokie', 'staff');
	const add = srv.cli(['token', 'add', 'tokie', '--name', 'reporting']);
	assert.equal(add.code, 0, add.stderr);
	const token = add.stdout.trim();
	assert.match(token, /^wm_\S+$/, 'stdout holds only the token');
	const id = Number(/token (\d+) for 'tokie'/.exec(add.stderr)?.[1]);
	assert.ok(id > 0, 'stderr names the id');
	const api = srv.client({ headers: { Authorization: `Bearer ${token}` } });
	assert.equal((await api.get('/api/v1/me')).status, 200);
	const list = srv.cli(['token', 'list']);
	assert.match(list.stdout, new RegExp(`^${id}\\s+tokie\\s+reporting\\s+active\\s`, 'm'));
	assert.match(srv.cli(['token', 'list', 'tokie']).stdout, /reporting/);
	assert.doesNotMatch(srv.cli(['token', 'list', 'admin']).stdout, /tokie/);
	assert.ok(!list.stdout.includes(token), 'the list never shows tokens');
	const rv = srv.cli(['token', 'revoke', String(id)]);
	assert.equal(rv.code, 0);
	assert.match(rv.stdout, new RegExp(`revoked token ${id}`));
	assert.equal((await api.get('/api/v1/me')).status, 401);
	assert.match(srv.cli(['token', 'list', 'tokie']).stdout, new RegExp(`^${id}\\s+tokie\\s+reporting\\s+revoked`, 'm'));
	assert.equal(srv.cli(['token', 'revoke', String(id)]).code, 2, 'revoked already');
	assert.equal(srv.cli(['token', 'revoke', 'abc']).code, 2);
	assert.equal(srv.cli(['token', 'add', 'nobody-at-all']).code, 2);
	assert.equal(srv.cli(['token', 'add', 'tokie', '--name', '']).code, 2, 'an empty label');
	const audit = srv.sql(`SELECT action FROM audit WHERE entity = 'api_token' AND entity_id = '${id}' ORDER BY id`);
	assert.deepEqual(audit.map((r) => r[0]), ['create', 'revoke']);
});

test('backup: an SQLite copy that opens; PostgreSQL is sent to pg_dump', () => {
	const dir = tmpDir();
	// SQLite (a database of its own, also on the PostgreSQL run)
	const src = `sqlite:${path.join(dir, 'live.db')}`;
	assert.equal(cli(['init', '--db', src, '--password-file', path.join(dir, 'pw.txt')]).code, 0);
	assert.equal(cli(['user', 'add', 'backedup', '--db', src]).code, 0);
	const copy = path.join(dir, 'copy.db');
	const r = cli(['backup', copy, '--db', src]);
	assert.equal(r.code, 0, r.stderr);
	assert.match(r.stdout, /backed up/);
	assert.deepEqual(sqlOn(`sqlite:${copy}`, 'PRAGMA integrity_check'), [['ok']]);
	assert.deepEqual(sqlOn(`sqlite:${copy}`, "SELECT username FROM users WHERE username = 'backedup'"), [['backedup']]);
	const m = cli(['migrate', '--db', `sqlite:${copy}`]);
	assert.equal(m.code, 0, m.stderr);
	assert.match(m.stdout, /^platform\s+schema version (\d+) \(was \1;/);
	// never over an existing file
	const again = cli(['backup', copy, '--db', src]);
	assert.equal(again.code, 2);
	assert.match(again.stderr, /exists already/);
	assert.equal(cli(['backup', '--db', src]).code, 2, 'no file named');

	// PostgreSQL
	const pg = cli(['backup', path.join(dir, 'pg.dump'), '--db', 'postgresql://postgres@127.0.0.1:5432/wenming']);
	assert.equal(pg.code, 2);
	assert.match(pg.stderr, /pg_dump/);
	assert.match(pg.stderr, /pg_restore/);
	assert.ok(!fs.existsSync(path.join(dir, 'pg.dump')));
});

test(`backup on this run's database (${BACKEND})`, () => {
	const { srv } = ctx;
	const out = path.join(tmpDir(), 'b.db');
	const r = srv.cli(['backup', out]);
	if (BACKEND === 'sqlite') {
		assert.equal(r.code, 0, r.stderr);
		assert.deepEqual(sqlOn(`sqlite:${out}`, 'PRAGMA integrity_check'), [['ok']]);
	} else {
		assert.equal(r.code, 2);
		assert.match(r.stderr, /pg_dump/);
	}
});

test('init: creates the admin once, the password file is 0600; a second init changes nothing', async () => {
	const db = makeDb();
	const pwFile = path.join(db.dir, 'secrets', 'deep', 'admin.txt');
	const first = cli(['init', '--db', db.url, '--password-file', pwFile]);
	assert.equal(first.code, 0, first.stderr);
	const pw = /with the password: (\S+)/.exec(first.stdout)?.[1];
	assert.ok(pw, 'the password is printed');
	assert.equal(fs.readFileSync(pwFile, 'utf8'), `${pw}\n`, 'and written to the file');
	assert.equal(fs.statSync(pwFile).mode & 0o777, 0o600, 'readable by the owner only');
	const hash1 = sqlOn(db.url, "SELECT password_hash FROM users WHERE username = 'admin'");

	const second = cli(['init', '--db', db.url, '--password-file', pwFile]);
	assert.equal(second.code, 0);
	assert.match(second.stdout, /already initialised/);
	assert.doesNotMatch(second.stdout, /password:/);
	assert.equal(fs.readFileSync(pwFile, 'utf8'), `${pw}\n`, 'the file is untouched');
	assert.deepEqual(sqlOn(db.url, "SELECT password_hash FROM users WHERE username = 'admin'"), hash1);
	assert.deepEqual(sqlOn(db.url, "SELECT count(*) FROM users"), [['1']]);
	const audit = sqlOn(db.url, "SELECT username, action, entity FROM audit ORDER BY id");
	assert.deepEqual(audit, [['system', 'create', 'user']], 'one entry: the admin created by the system');
	// migrate on an initialised database is a no-op too
	const m = cli(['migrate', '--db', db.url]);
	assert.equal(m.code, 0);
	assert.match(m.stdout, /^platform\s+schema version (\d+) \(was \1;/);
});
