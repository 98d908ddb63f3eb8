'use strict';
// Test harness for HTTP tests against a real `wenming serve`.
//
// startServer() creates a fresh database (a temp SQLite file, or a fresh
// PostgreSQL database when WENMING_TEST_DB=pg), runs `init`, starts `serve`
// on a free port and waits for /healthz. The returned object offers a
// cookie-jar client, sign-in, user and token creation through the CLI, and
// stop() (SIGTERM, exit code 0 asserted).
//
// Use `test` from this module instead of node:test's: when a test fails it
// appends the tail of every server's stderr to the error.
const assert = require('node:assert/strict');
const { spawn, spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const nodeTest = require('node:test');

const ROOT = path.resolve(__dirname, '..', '..');
const BIN = process.env.WENMING_BIN || path.join(ROOT, 'build', 'wenming');
const BACKEND = process.env.WENMING_TEST_DB === 'pg' ? 'pg' : 'sqlite';
const LANGS = ['zh-Hant', 'zh-Hans', 'en'];
const ROLES = ['admin', 'office', 'leader', 'unit_admin', 'staff', 'supervisor'];

/* ---- the message catalog, read from i18n/*.def and src/MODULE/messages.def ---- */

function catalogFiles() {
	const i18n = path.join(ROOT, 'i18n');
	const files = fs.readdirSync(i18n).filter((n) => n.endsWith('.def')).map((n) => path.join(i18n, n));
	const src = path.join(ROOT, 'src');
	for (const d of fs.readdirSync(src)) {
		const f = path.join(src, d, 'messages.def');
		if (fs.existsSync(f)) files.push(f);
	}
	return files;
}

let catalog = null;
function loadCatalog() {
	if (catalog) return catalog;
	catalog = {};
	for (const f of catalogFiles()) {
		for (const line of fs.readFileSync(f, 'utf8').split('\n')) {
			const m = /^MSG\((\w+),\s*(.*)\)\s*$/.exec(line);
			if (!m) continue;
			const strs = [...m[2].matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((x) => JSON.parse(`"${x[1]}"`));
			assert.equal(strs.length, 3, `${f}: ${m[1]} needs three languages`);
			catalog[m[1]] = { 'zh-Hant': strs[0], 'zh-Hans': strs[1], en: strs[2] };
		}
	}
	return catalog;
}

/* The catalog text of key in lang (plain text). */
function msg(key, lang) {
	const c = loadCatalog()[key];
	if (!c) throw new Error(`no message ${key} in the catalog`);
	return c[lang];
}

function escapeHtml(s) {
	return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

/* The catalog text of key in lang as it appears in HTML. */
function msgHtml(key, lang) {
	return escapeHtml(msg(key, lang));
}

function unescapeHtml(s) {
	return s.replace(/&(amp|lt|gt|quot|#39);/g, (_, e) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[e]);
}

/* The rows of the audit list page: [{id, who, ip, action (label), entity}]. */
function auditRows(html) {
	const rows = [];
	const re = /<tr><td class="card-title"><a href="\/admin\/audit\/(\d+)">[^<]*<\/a><\/td><td data-label="[^"]*">([^<]*)<\/td><td data-label="[^"]*">([^<]*)<\/td><td data-label="[^"]*">([^<]*)<\/td><td data-label="[^"]*">(.*?)<\/td><\/tr>/g;
	for (const m of html.matchAll(re))
		rows.push({ id: Number(m[1]), who: unescapeHtml(m[2]), ip: m[3], action: unescapeHtml(m[4]), entity: m[5].replace(/<[^>]+>/g, '') });
	return rows;
}

/* One audit entry page: {action (code), before, after}, each side the
 * changed fields by their code with their values as shown (text), null when
 * the entry has no such side. */
function auditEntry(html) {
	const action = /<code class="muted">([^<]*)<\/code>/.exec(html)?.[1];
	const head = /<table class="list audit-changes"><thead><tr>(.*?)<\/tr><\/thead>/.exec(html)?.[1] ?? '';
	const before = head.includes('class="before"') ? {} : null;
	const after = head.includes('class="after"') ? {} : null;
	const text = (s) => unescapeHtml(s.replace(/<[^>]+>/g, ''));
	for (const m of html.matchAll(/<tr data-key="([^"]+)"><th scope="row">[^<]*<\/th>(.*?)<\/tr>/g)) {
		for (const c of m[2].matchAll(/<td class="(before|after) wrap"[^>]*>(.*?)<\/td>/g)) (c[1] === 'before' ? before : after)[m[1]] = text(c[2]);
	}
	return { action, before, after };
}

/* ---- processes ---- */

function run(args, { input, env, cwd } = {}) {
	const r = spawnSync(BIN, args, {
		input: input ?? '',
		encoding: 'utf8',
		env: { ...process.env, ...env },
		cwd,
		// the demo loads every module's year of records (~11 s on PostgreSQL
		// when quiet, over 30 s beside the other suites)
		timeout: args[0] === 'demo' ? 180000 : 30000,
	});
	if (r.error) throw r.error;
	return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/* Like run, without blocking the event loop (timers keep running: idle
 * keep-alive connections get closed on time instead of being reused after
 * the server dropped them). */
function runAsync(args, { input, env } = {}) {
	return new Promise((resolve, reject) => {
		const p = spawn(BIN, args, { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
		let stdout = '';
		let stderr = '';
		p.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
		p.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
		const timer = setTimeout(() => p.kill('SIGKILL'), 30000);
		p.on('error', reject);
		p.on('close', (code, signal) => {
			clearTimeout(timer);
			resolve({ code, signal, stdout, stderr });
		});
		p.stdin.end(input ?? '');
	});
}

function freePort(host = '127.0.0.1') {
	return new Promise((resolve, reject) => {
		const s = net.createServer();
		s.unref();
		s.on('error', reject);
		s.listen(0, host, () => {
			const { port } = s.address();
			s.close(() => resolve(port));
		});
	});
}

let dbCounter = 0;
const tmpDirs = [];
const pgDbs = []; // [admin URL, name]
process.on('exit', () => {
	for (const d of tmpDirs) fs.rmSync(d, { recursive: true, force: true });
	for (const [url, name] of pgDbs)
		spawnSync('psql', ['-X', '-q', url, '-c', `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`], { timeout: 20000 });
});

function tmpDir() {
	const d = fs.mkdtempSync(path.join(os.tmpdir(), 'wenming-http-'));
	tmpDirs.push(d);
	return d;
}

/* A fresh, empty database: its URL and a scratch directory. */
function makeDb() {
	const dir = tmpDir();
	if (BACKEND === 'sqlite') return { url: `sqlite:${path.join(dir, 'test.db')}`, dir };
	const pgDir = process.env.WENMING_PG_DIR;
	if (!pgDir) throw new Error('WENMING_TEST_DB=pg needs WENMING_PG_DIR (scripts/pg-test-cluster start DIR)');
	// unique per process (runs may share a cluster); dropped at exit
	const base = path.basename(require.main ? require.main.filename : 'x', '.test.js').replace(/\W/g, '_').slice(0, 30);
	const name = `wt_${base}_${process.pid}_${++dbCounter}`;
	const r = spawnSync(path.join(ROOT, 'scripts', 'pg-test-cluster'), ['createdb', pgDir, name], {
		encoding: 'utf8',
		timeout: 60000,
	});
	if (r.status !== 0) throw new Error(`pg-test-cluster createdb ${name} failed:\n${r.stderr}`);
	const url = r.stdout.trim();
	pgDbs.push([url.replace(/\/[^/]*$/, '/postgres'), name]);
	return { url, dir };
}

const liveServers = new Set();

function tail(s, n = 60) {
	const lines = s.split('\n');
	return lines.slice(-n).join('\n');
}

/* When a test fails, the last lines of every running server's stderr are
 * printed after it (node:test's own test() is used as it is, so that
 * reports point at the test file). */
const test = nodeTest.test;
nodeTest.afterEach((t) => {
	if (t.passed !== false) return;
	let logs = '';
	for (const s of liveServers) logs += `\n--- wenming serve (port ${s.port}) stderr, last lines ---\n${tail(s.stderr)}\n---`;
	if (logs) process.stderr.write(`"${t.name}" failed; the server said:${logs}\n`);
});

/* ---- responses and the cookie-jar client ---- */

class Res {
	constructor(status, headers, body) {
		this.status = status;
		this.headers = headers; // a Headers object (fetch) or a plain one (raw)
		this.text = body;
	}
	header(name) {
		return typeof this.headers.get === 'function' ? this.headers.get(name) : this.headers[name.toLowerCase()] ?? null;
	}
	get location() {
		return this.header('location');
	}
	get setCookies() {
		if (typeof this.headers.getSetCookie === 'function') return this.headers.getSetCookie();
		const v = this.headers['set-cookie'];
		return v ? [].concat(v) : [];
	}
	/* The Set-Cookie line for a cookie name, or undefined. */
	cookie(name) {
		return this.setCookies.find((c) => c.startsWith(`${name}=`));
	}
	json() {
		return JSON.parse(this.text);
	}
	get htmlLang() {
		const m = /<html lang="([^"]+)"/.exec(this.text);
		return m && m[1];
	}
}

/* The CSRF token embedded in a page, or null. */
function csrf(html) {
	const m = /<input type="hidden" name="_csrf" value="([^"]+)">/.exec(html);
	return m ? m[1] : null;
}

function encodeForm(fields) {
	const p = new URLSearchParams();
	const pairs = Array.isArray(fields) ? fields : Object.entries(fields ?? {});
	for (const [k, v] of pairs) {
		if (Array.isArray(v)) for (const x of v) p.append(k, x);
		else if (v !== undefined && v !== null) p.append(k, String(v));
	}
	return p.toString();
}

class Client {
	constructor(base, { headers, dispatcher } = {}) {
		this.base = base;
		this.dispatcher = dispatcher;
		this.jar = new Map();
		this.headers = { ...headers };
		this.token = null; // the last CSRF token seen for the current cookies
	}

	setCookie(name, value) {
		if (value === null || value === undefined) this.jar.delete(name);
		else this.jar.set(name, value);
		this.token = null;
	}

	cookieHeader() {
		return [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
	}

	absorb(res) {
		for (const line of res.setCookies) {
			const [pair, ...attrs] = line.split(';');
			const eq = pair.indexOf('=');
			const name = pair.slice(0, eq).trim();
			const value = pair.slice(eq + 1).trim();
			const maxAge = attrs.map((a) => a.trim()).find((a) => /^max-age=/i.test(a));
			const old = this.jar.get(name);
			if (maxAge && Number(maxAge.split('=')[1]) <= 0) this.jar.delete(name);
			else this.jar.set(name, value);
			if ((name === 'wm_sid' || name === 'wm_pre') && old !== this.jar.get(name)) this.token = null;
		}
		const t = /html/.test(res.header('content-type') || '') ? csrf(res.text) : null;
		if (t) this.token = t;
	}

	async request(method, p, { form, json, body, headers, csrf: tok, contentType } = {}) {
		const h = { ...this.headers, ...headers };
		if (this.jar.size && !('cookie' in h) && !('Cookie' in h)) h.Cookie = this.cookieHeader();
		let b = body;
		if (form !== undefined || (method === 'POST' && b === undefined && json === undefined)) {
			const fields = Array.isArray(form) ? [...form] : Object.entries(form ?? {});
			if (tok !== false) {
				const t = typeof tok === 'string' ? tok : await this.csrfToken();
				fields.push(['_csrf', t]);
			}
			b = encodeForm(fields);
			h['Content-Type'] = contentType ?? 'application/x-www-form-urlencoded';
		} else if (json !== undefined) {
			b = typeof json === 'string' ? json : JSON.stringify(json);
			h['Content-Type'] = contentType ?? 'application/json';
		} else if (contentType) {
			h['Content-Type'] = contentType;
		}
		const init = { method, headers: h, body: b, redirect: 'manual' };
		const d = typeof this.dispatcher === 'function' ? this.dispatcher() : this.dispatcher;
		if (d) init.dispatcher = d;
		const r = await fetch(this.base + p, init);
		const res = new Res(r.status, r.headers, await r.text());
		this.absorb(res);
		return res;
	}

	get(p, opts) {
		return this.request('GET', p, opts);
	}

	/* POST a urlencoded form; the CSRF token is added unless csrf: false
	 * (or csrf: 'TOKEN' to send that one). */
	post(p, form, opts = {}) {
		return this.request('POST', p, { ...opts, form: form ?? {} });
	}

	/* The CSRF token for the current cookies (fetches a page when needed). */
	async csrfToken() {
		if (this.token) return this.token;
		let r = this.jar.has('wm_sid') ? await this.get('/account') : null;
		if (!r || r.status !== 200) r = await this.get('/login');
		if (r.status !== 200) r = await this.get('/account');
		const t = csrf(r.text);
		if (!t) throw new Error(`no CSRF token on the page (status ${r.status})`);
		this.token = t;
		return t;
	}

	/* Signs in; asserts the 303 and a session cookie. */
	async signIn(username, password, next) {
		await this.get('/login');
		const r = await this.post('/login', { username, password, next });
		assert.equal(r.status, 303, `sign-in of ${username}: ${r.status}\n${r.text.slice(0, 500)}`);
		assert.ok(this.jar.get('wm_sid'), 'a session cookie after sign-in');
		return r;
	}
}

/* A request with node:http, for what fetch refuses (a GET with a body,
 * raw bytes in the path). */
function rawRequest(port, { method = 'GET', path: p = '/', headers = {}, body, host = '127.0.0.1' } = {}) {
	return new Promise((resolve, reject) => {
		const req = http.request({ host, port, method, path: p, headers, agent: false }, (res) => {
			const chunks = [];
			res.on('data', (c) => chunks.push(c));
			res.on('end', () => resolve(new Res(res.statusCode, res.headers, Buffer.concat(chunks).toString('utf8'))));
			res.on('error', reject);
		});
		req.on('error', reject);
		if (body !== undefined) req.end(body);
		else req.end();
	});
}

function sleep(ms) {
	return new Promise((r) => setTimeout(r, ms));
}

/* The promise's value, or null after ms; the timer does not outlive it
 * (a pending timer would keep the test process alive). */
async function within(promise, ms) {
	let timer;
	const t = new Promise((r) => {
		timer = setTimeout(() => r(null), ms);
	});
	try {
		return await Promise.race([promise, t]);
	} finally {
		clearTimeout(timer);
	}
}

/* A password that passes the policy for any of our test user names. */
function newPassword() {
	return `Pw-${crypto.randomBytes(8).toString('hex')}-Xy`;
}

/* Runs SQL with the backend's own client; rows as arrays of strings. */
function sqlOn(url, query) {
	const r = url.startsWith('sqlite:')
		? spawnSync('sqlite3', ['-batch', '-separator', '\t', url.slice(7), query], { encoding: 'utf8', timeout: 30000 })
		: spawnSync('psql', ['-X', '-q', '-At', '-F', '\t', '-v', 'ON_ERROR_STOP=1', url, '-c', query], {
				encoding: 'utf8',
				timeout: 30000,
			});
	if (r.error) throw r.error;
	if (r.status !== 0) throw new Error(`SQL failed (${r.status}): ${query}\n${r.stderr}`);
	return r.stdout
		.split('\n')
		.filter((l) => l !== '')
		.map((l) => l.split('\t'));
}

/* ---- the server ---- */

/* A connection pool of fetch's own kind (undici's Agent, reached through
 * the global dispatcher), so that each server's clients can be closed
 * before the server is stopped: idle keep-alive connections would hold
 * civetweb's shutdown for up to 2 s each time. */
let AgentClass = null;
async function newAgent() {
	const key = Symbol.for('undici.globalDispatcher.1');
	if (!globalThis[key]) await fetch('http://127.0.0.1:1/').catch(() => {});
	const Agent = globalThis[key]?.constructor;
	if (typeof Agent !== 'function') return undefined;
	AgentClass = Agent;
	return new Agent();
}

/* Starts a server on a fresh database. Options: args (extra serve flags),
 * env. */
async function startServer({ args = [], env = {}, host = '127.0.0.1' } = {}) {
	const db = makeDb();
	const pwFile = path.join(db.dir, 'admin-password.txt');
	const init = run(['init', '--db', db.url, '--password-file', pwFile, '--log-level', 'warn']);
	if (init.code !== 0) throw new Error(`wenming init failed (${init.code}):\n${init.stdout}\n${init.stderr}`);
	const adminPassword = fs.readFileSync(pwFile, 'utf8').trim();

	let lastErr;
	for (let attempt = 0; attempt < 3; attempt++) {
		const port = await freePort(host);
		const srv = new Server({ db, host, port, args, env, adminPassword, pwFile, agent: await newAgent() });
		try {
			await srv.start();
			return srv;
		} catch (e) {
			lastErr = e;
			await srv.kill();
		}
	}
	throw lastErr;
}

class Server {
	constructor({ db, host, port, args, env, adminPassword, pwFile, agent }) {
		this.db = db;
		this.host = host;
		this.agent = agent;
		this.dbUrl = db.url;
		this.port = port;
		this.base = `http://${host}:${port}`;
		this.args = args;
		this.env = env;
		this.adminPassword = adminPassword;
		this.pwFile = pwFile;
		this.stderr = '';
		this.stdout = '';
		this.proc = null;
		this.exited = null; // a promise of {code, signal}
		this.exit = null;
	}

	async start() {
		this.proc = spawn(
			BIN,
			['serve', '--db', this.dbUrl, '--listen', `${this.host}:${this.port}`, '--access-log', 'off', ...this.args],
			{ stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...this.env } },
		);
		this.proc.stdout.setEncoding('utf8').on('data', (d) => (this.stdout += d));
		this.proc.stderr.setEncoding('utf8').on('data', (d) => {
			this.stderr += d;
			if (this.stderr.length > 400000) this.stderr = this.stderr.slice(-200000);
		});
		this.exited = new Promise((resolve) =>
			this.proc.on('exit', (code, signal) => {
				this.exit = { code, signal };
				liveServers.delete(this);
				resolve(this.exit);
			}),
		);
		liveServers.add(this);
		const deadline = Date.now() + 15000;
		for (;;) {
			if (this.exit) throw new Error(`wenming serve exited (${JSON.stringify(this.exit)}):\n${this.stderr}`);
			try {
				const r = await fetch(`${this.base}/healthz`, this.agent ? { dispatcher: this.agent } : {});
				const body = await r.text();
				if (r.status === 200) break;
				if (Date.now() > deadline) throw new Error(`/healthz answered ${r.status}: ${body}`);
			} catch (e) {
				if (Date.now() > deadline) throw new Error(`wenming serve did not answer /healthz: ${e.message}\n${this.stderr}`);
			}
			await sleep(50);
		}
	}

	client(opts) {
		return new Client(this.base, { dispatcher: () => this.agent, ...opts });
	}

	/* A new client signed in as the user. */
	async signIn(username, password, opts) {
		const c = this.client(opts);
		await c.signIn(username, password ?? (username === 'admin' ? this.adminPassword : undefined));
		return c;
	}

	admin(opts) {
		return this.signIn('admin', this.adminPassword, opts);
	}

	/* Runs a CLI command against this server's database. It blocks the
	 * event loop meanwhile, so idle keep-alive connections may have been
	 * closed by the server without the client noticing: later requests go
	 * over fresh connections. */
	cli(args, opts) {
		const r = run([...args, '--db', this.dbUrl], opts);
		this.renewConnections();
		return r;
	}

	/* Later requests of this server's clients use new connections; the old
	 * pool closes once its requests are done. */
	renewConnections() {
		if (!this.agent || !AgentClass) return;
		const old = this.agent;
		this.agent = new AgentClass();
		old.close().catch(() => {});
	}

	/* Creates a user through the CLI; returns {id, name, password}. */
	createUser(name, role, unit) {
		let password = newPassword();
		while (password.toLowerCase().includes(name.toLowerCase())) password = newPassword();
		const args = ['user', 'add', name, '--password-stdin'];
		for (const r of [].concat(role ?? [])) args.push('--role', r);
		if (unit) args.push('--unit', String(unit));
		const r = this.cli(args, { input: `${password}\n` });
		assert.equal(r.code, 0, `user add ${name}: ${r.stderr}`);
		const m = /\(id (\d+)\)/.exec(r.stdout);
		return { id: Number(m[1]), name, password };
	}

	/* Creates an API token through the CLI; returns the token text. */
	token(user) {
		return this.tokenWithId(user).token;
	}

	/* {token, id}: the id is what `token revoke` takes. */
	tokenWithId(user) {
		const r = this.cli(['token', 'add', user]);
		assert.equal(r.code, 0, `token add ${user}: ${r.stderr}`);
		const m = /token (\d+) for/.exec(r.stderr);
		return { token: r.stdout.trim(), id: Number(m[1]) };
	}

	raw(opts) {
		return rawRequest(this.port, { host: this.host, ...opts });
	}

	/* Runs SQL on the database behind the server's back (sqlite3 or psql);
	 * returns the output rows as arrays of strings. */
	sql(query) {
		return sqlOn(this.dbUrl, query);
	}

	/* Closes this server's client connections (unless keepClients), sends
	 * SIGTERM and asserts exit code 0 within timeoutMs. Returns the time
	 * the server took to exit. */
	async stop(timeoutMs = 5000, { keepClients = false, poke = true } = {}) {
		if (!this.proc) return;
		if (this.agent && !keepClients) await this.agent.close().catch(() => {});
		if (!this.exit) this.proc.kill('SIGTERM');
		const t0 = Date.now();
		// civetweb's accept loop looks at its stop flag only every 2 s, or
		// when a connection arrives: knock to save the wait (shutdown.test.js
		// measures without knocking)
		const knock = poke
			? setInterval(() => {
					const s = net.connect(this.port, this.host);
					s.on('connect', () => s.destroy());
					s.on('error', () => {});
				}, 25)
			: null;
		const res = await within(this.exited, timeoutMs);
		if (knock) clearInterval(knock);
		if (!res) {
			this.proc.kill('SIGKILL');
			await this.exited;
			assert.fail(`wenming serve did not exit within ${timeoutMs} ms of SIGTERM\n${tail(this.stderr)}`);
		}
		assert.deepEqual(res, { code: 0, signal: null }, `wenming serve exit status\n${tail(this.stderr)}`);
		return Date.now() - t0;
	}

	async kill() {
		if (this.proc && !this.exit) {
			this.proc.kill('SIGKILL');
			await this.exited;
		}
	}
}

/* Starts a server before the file's tests and stops it (asserting exit
 * code 0) after them. Returns a getter-holder: use ctx.srv. */
function serverPerFile(opts) {
	const ctx = { srv: null };
	nodeTest.before(async () => {
		ctx.srv = await startServer(opts);
	});
	nodeTest.after(async () => {
		if (ctx.srv) {
			const ms = await ctx.srv.stop();
			if (process.env.WENMING_TEST_VERBOSE) process.stderr.write(`server stopped in ${ms} ms\n`);
		}
	});
	return ctx;
}

module.exports = {
	BACKEND,
	BIN,
	LANGS,
	ROLES,
	ROOT,
	Client,
	csrf,
	escapeHtml,
	unescapeHtml,
	auditRows,
	auditEntry,
	makeDb,
	msg,
	msgHtml,
	newPassword,
	rawRequest,
	run,
	runAsync,
	serverPerFile,
	sleep,
	within,
	sqlOn,
	tmpDir,
	startServer,
	test,
	describe: nodeTest.describe,
	before: nodeTest.before,
	after: nodeTest.after,
};
