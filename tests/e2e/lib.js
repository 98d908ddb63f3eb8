'use strict';
/* lib.js — shared harness for the browser journeys (tests/e2e/*.test.js) and
 * for scripts/screenshots.
 *
 * startServer(): a real wenming on a free loopback port with a fresh SQLite
 *   database in a temp directory (init, users added through the CLI, serve,
 *   wait for /healthz, stop with SIGTERM). Its stderr is kept for failures.
 * launch(): Chromium (/usr/bin/chromium) in a fresh temp profile.
 * watch(page): collects console errors, uncaught exceptions, CSP violations,
 *   failed sub-resources and JS dialogs on every page the tab visits.
 * journey(): a node:test test that opens a browser, runs the steps, asserts
 *   the watch list is empty, and on failure prints the server's stderr, the
 *   watch list and saves a screenshot under build/e2e-failures/.
 *
 * Nothing here downloads a browser or talks to anything but 127.0.0.1. */
const { spawn, spawnSync } = require('node:child_process');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { chromium } = require('playwright-core');

const ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.resolve(ROOT, process.env.WENMING_BIN || 'build/wenming');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const CHROME_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
	'--disable-background-networking', '--disable-component-update', '--disable-sync'];

function freePort() {
	return new Promise((resolve, reject) => {
		const s = net.createServer();
		s.unref();
		s.on('error', reject);
		s.listen(0, '127.0.0.1', () => {
			const { port } = s.address();
			s.close(() => resolve(port));
		});
	});
}

/* The binary is copied once per test process: other people rebuilding
 * build/wenming while the suite runs must not swap it between two tests. */
let binCopy = null;
function bin() {
	if (!binCopy) {
		if (!fs.existsSync(BIN))
			throw new Error(`${BIN} not found: run make first (or set WENMING_BIN)`);
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wenming-bin-'));
		binCopy = path.join(dir, 'wenming');
		fs.copyFileSync(BIN, binCopy);
		fs.chmodSync(binCopy, 0o755);
		process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
	}
	return binCopy;
}

function cli(args, input) {
	const r = spawnSync(bin(), args, { input: input || '', encoding: 'utf8', timeout: 30000 });
	if (r.status !== 0)
		throw new Error(`wenming ${args.join(' ')} failed (${r.status}):\n${r.stdout}${r.stderr}`);
	return r.stdout;
}

/* Starts a server with a fresh database. users: [{name, password, role|roles,
 * display}] are added with `wenming user add` before it starts. Resolves to
 * { base, db, adminPassword, log(), stop() }. */
async function startServer(opts = {}) {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wenming-e2e-'));
	try {
		return await startIn(dir, opts);
	} catch (e) {
		fs.rmSync(dir, { recursive: true, force: true });
		throw e;
	}
}

async function startIn(dir, { users = [] }) {
	const db = `sqlite:${path.join(dir, 'w.db')}`;
	const pwFile = path.join(dir, 'pw.txt');
	cli(['init', '--db', db, '--password-file', pwFile]);
	const adminPassword = fs.readFileSync(pwFile, 'utf8').trim();
	for (const u of users) {
		const args = ['user', 'add', u.name, '--db', db, '--password-stdin'];
		if (u.display)
			args.push('--name', u.display);
		for (const role of u.roles || (u.role ? [u.role] : []))
			args.push('--role', role);
		cli(args, u.password + '\n');
	}
	const port = await freePort();
	const base = `http://127.0.0.1:${port}`;
	const proc = spawn(bin(), ['serve', '--db', db, '--listen', `127.0.0.1:${port}`, '--access-log', 'off'],
		{ stdio: ['ignore', 'pipe', 'pipe'] });
	let log = '';
	proc.stdout.on('data', (d) => { log += d; });
	proc.stderr.on('data', (d) => { log += d; });
	let exited = null;
	proc.on('exit', (code, sig) => { exited = { code, sig }; });

	const deadline = Date.now() + 10000;
	for (;;) {
		if (exited)
			throw new Error(`server exited (${JSON.stringify(exited)}) before it was ready:\n${log}`);
		try {
			const res = await fetch(`${base}/healthz`);
			if (res.ok)
				break;
		} catch { /* not listening yet */ }
		if (Date.now() > deadline) {
			proc.kill('SIGKILL');
			throw new Error(`server not ready on ${base} within 10 s:\n${log}`);
		}
		await new Promise((r) => setTimeout(r, 50));
	}

	async function stop() {
		if (!exited) {
			const gone = new Promise((r) => proc.once('exit', r));
			proc.kill('SIGTERM');
			const t = setTimeout(() => proc.kill('SIGKILL'), 5000);
			await gone;
			clearTimeout(t);
		}
		fs.rmSync(dir, { recursive: true, force: true });
	}
	return { base, db, dir, adminPassword, log: () => log, stop, cli: (args, input) => cli([...args, '--db', db], input) };
}

/* Chromium in a fresh profile. opts: viewport, javaScriptEnabled, locale.
 * The default locale zh-TW makes the server's Accept-Language default
 * (zh-Hant) explicit rather than depending on the machine. */
async function launch(opts = {}) {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wenming-pw-'));
	const ctx = await chromium.launchPersistentContext(dir, {
		executablePath: CHROMIUM,
		headless: true,
		args: CHROME_ARGS,
		locale: 'zh-TW',
		viewport: { width: 1366, height: 768 },
		...opts,
	});
	/* CSP violations as the page itself sees them (init scripts are
	 * injected by the browser, so the page's CSP does not block them). */
	await ctx.addInitScript(() => {
		document.addEventListener('securitypolicyviolation', (e) => {
			console.error(`securitypolicyviolation: ${e.violatedDirective} blocked ${e.blockedURI}`);
		});
	});
	const close = ctx.close.bind(ctx);
	ctx.close = async () => {
		await close().catch(() => {});
		fs.rmSync(dir, { recursive: true, force: true });
	};
	return ctx;
}

/* Attaches listeners to a page; returns { problems, visited, expect(re) }.
 * A main document answered with an error status (401 on a wrong password,
 * 422 on an invalid form, 404) makes Chromium log "Failed to load resource:
 * … status of N": that is the page doing its job, so it is not a problem
 * when N is the status the navigation really got. Everything else logged as
 * an error is. */
function watch(page) {
	const problems = [];
	const visited = [];
	const navStatus = new Set();
	const pending = [];
	page.on('response', (res) => {
		const req = res.request();
		if (req.isNavigationRequest() && res.frame() === page.mainFrame()) {
			navStatus.add(`${res.url()} ${res.status()}`);
		} else if (res.status() >= 400) {
			problems.push(`sub-resource ${req.method()} ${res.url()} → ${res.status()}`);
		}
	});
	page.on('framenavigated', (f) => {
		if (f === page.mainFrame())
			visited.push(f.url());
	});
	page.on('console', (m) => {
		const text = m.text();
		const loc = m.location() || {};
		if (/Content.Security.Policy|securitypolicyviolation/i.test(text)) {
			problems.push(`CSP: ${text} (${loc.url || '?'})`);
			return;
		}
		if (m.type() !== 'error')
			return;
		pending.push({ text, url: loc.url || '' });
	});
	page.on('pageerror', (e) => problems.push(`uncaught exception: ${e.message}`));
	page.on('dialog', (d) => {
		problems.push(`JS dialog (${d.type()}): ${d.message()}`);
		d.dismiss().catch(() => {});
	});
	page.on('requestfailed', (req) => {
		const why = req.failure() ? req.failure().errorText : '';
		if (why === 'net::ERR_ABORTED') /* navigated away while it loaded */
			return;
		problems.push(`request failed: ${req.method()} ${req.url()} ${why}`);
	});
	return {
		problems,
		visited,
		/* The list of problems so far, after discounting expected statuses. */
		list() {
			const out = [...problems];
			for (const p of pending) {
				const m = /status of (\d{3})/.exec(p.text);
				if (m && navStatus.has(`${p.url} ${m[1]}`))
					continue;
				out.push(`console error: ${p.text} (${p.url})`);
			}
			return out;
		},
	};
}

/* Fills the sign-in form the way a person does (types into the labelled
 * fields, presses the button) and waits for the next page. */
async function signIn(page, base, username, password, { next } = {}) {
	if (!/\/login(\?|$)/.test(page.url()))
		await page.goto(`${base}/login${next ? `?next=${encodeURIComponent(next)}` : ''}`);
	await page.locator('#f-username').fill('');
	await page.locator('#f-username').pressSequentially(username);
	await page.locator('#f-password').fill(password);
	await Promise.all([
		page.waitForNavigation(),
		page.locator('form[action="/login"] button').click(),
	]);
}

/* Clicks something that submits a form or follows a link and waits for the
 * page it leads to (works with and without JavaScript). */
async function clickAndWait(page, locator) {
	await Promise.all([page.waitForNavigation(), locator.click()]);
}

const FAIL_DIR = path.join(ROOT, 'build', 'e2e-failures');

/* Declares one browser journey. fn({ page, ctx, base, server, watcher,
 * newPage }) runs in a fresh browser profile. getServer is a function
 * because the server is started in a before() hook. */
function journey(test, name, opts, fn, getServer) {
	test(name, async () => {
		const server = getServer();
		const ctx = await launch(opts.browser || {});
		const watchers = [];
		const pages = [];
		async function newPage() {
			const p = ctx.pages().find((x) => !pages.includes(x)) || await ctx.newPage();
			pages.push(p);
			watchers.push(watch(p));
			return p;
		}
		const page = await newPage();
		try {
			await fn({ page, ctx, base: server.base, server, watcher: watchers[0], newPage });
			const problems = watchers.flatMap((w) => w.list());
			assert.deepEqual(problems, [], `console errors / CSP violations on pages visited:\n  ${problems.join('\n  ')}`);
		} catch (e) {
			fs.mkdirSync(FAIL_DIR, { recursive: true });
			const shot = path.join(FAIL_DIR, `${name.replace(/[^\w-]+/g, '_').slice(0, 80)}.png`);
			await page.screenshot({ path: shot, fullPage: true }).catch(() => {});
			console.error(`\n--- ${name}: FAILED at ${page.url()}`);
			console.error(`    screenshot: ${path.relative(ROOT, shot)}`);
			console.error(`    pages visited: ${watchers.flatMap((w) => w.visited).join(' → ')}`);
			const problems = watchers.flatMap((w) => w.list());
			if (problems.length)
				console.error(`    page problems:\n      ${problems.join('\n      ')}`);
			console.error(`--- server log (${server.base}):\n${server.log() || '(empty)'}\n---`);
			throw e;
		} finally {
			await ctx.close();
		}
	});
}

/* Registers before/after hooks that start and stop one server for a test
 * file and returns a journey() bound to it. */
function suite(nodeTest, serverOpts) {
	let server;
	nodeTest.before(async () => { server = await startServer(serverOpts); });
	nodeTest.after(async () => { if (server) await server.stop(); });
	const j = (name, opts, fn) => {
		if (typeof opts === 'function')
			[fn, opts] = [opts, {}];
		journey(nodeTest.test, name, opts, fn, () => server);
	};
	j.server = () => server;
	return j;
}

module.exports = { ROOT, BIN, startServer, launch, watch, signIn, clickAndWait, suite, freePort };
