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
 * axeCheck(page): axe-core's serious and critical accessibility violations
 *   on the page as it is (WCAG 2.1 A and AA rules).
 * journey(): a node:test test that opens a browser, runs the steps, asserts
 *   the watch list is empty and that axeCheck found nothing on any page the
 *   journey reached (see auditPages), and on failure prints the server's
 *   stderr, the watch list and saves a screenshot under build/e2e-failures/.
 *
 * Nothing here downloads a browser or talks to anything but 127.0.0.1. */
const { spawn, spawnSync } = require('node:child_process');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const zlib = require('node:zlib');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { chromium } = require('playwright-core');
const { AxeBuilder } = require('@axe-core/playwright');

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
	const r = spawnSync(bin(), args, { input: input || '', encoding: 'utf8', timeout: args[0] === 'demo' ? 180000 : 30000 });
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
	proc.on('exit', (code, sig) => {
		exited = { code, sig };
		log += `\n*** the server exited (${sig ? `signal ${sig}` : `status ${code}`})\n`;
	});

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

/* ---- accessibility ---- */

const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const AXE_FAILS = new Set(['serious', 'critical']);

/* Runs axe-core in the page as it is now. Resolves to one line per serious
 * or critical violation (rule, impact, the first elements and why); [] when
 * there is none. Moderate and minor findings do not fail a journey. */
async function axeCheck(page) {
	const res = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
	return res.violations.filter((v) => AXE_FAILS.has(v.impact)).map((v) => {
		const where = v.nodes.slice(0, 3).map((n) => `${n.target.join(' ')}: ${(n.failureSummary || '').split('\n').slice(1).join(' ').trim()}`);
		return `${v.impact} ${v.id} (${v.help}) at ${page.url()} [${page.viewportSize()?.width}px]\n        ${where.join('\n        ')}`;
	});
}

/* Makes every navigation the journey waits for (goto, reload, back, forward,
 * waitForNavigation, waitForURL, and so clickAndWait, signIn and
 * screenshots) run axeCheck on the page it reached before the journey goes
 * on, so each page a journey visits is checked without the journey asking;
 * found collects the violations. A page is checked once per URL, screen
 * width and error state (a form answered with errors is checked too).
 * Pages without JavaScript cannot run axe: they are checked when the same
 * journey reaches them with it. */
function auditPages(page, found, enabled) {
	const seen = new Set();
	async function audit() {
		if (!enabled || page.isClosed())
			return;
		const url = page.url();
		if (!/^https?:/.test(url))
			return;
		const state = await page.evaluate(() => document.querySelectorAll('.form-errors, .flash, [aria-invalid="true"]').length)
			.catch(() => null);
		const key = `${url} ${page.viewportSize()?.width} ${state}`;
		if (state === null || seen.has(key))
			return;
		seen.add(key);
		found.push(...await axeCheck(page));
	}
	for (const name of ['goto', 'reload', 'goBack', 'goForward', 'waitForNavigation', 'waitForURL']) {
		const original = page[name].bind(page);
		page[name] = async (...args) => {
			const result = await original(...args);
			await audit();
			return result;
		};
	}
	return audit;
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
 * newPage, t }) runs in a fresh browser profile (t: node:test's context,
 * e.g. for t.skip()). getServer is a function
 * because the server is started in a before() hook. */
function journey(test, name, opts, fn, getServer) {
	test(name, async (t) => {
		const server = getServer();
		const ctx = await launch(opts.browser || {});
		const watchers = [];
		const pages = [];
		const audits = [];
		const a11y = [];
		const axeOn = (opts.browser || {}).javaScriptEnabled !== false;
		async function newPage() {
			const p = ctx.pages().find((x) => !pages.includes(x)) || await ctx.newPage();
			pages.push(p);
			watchers.push(watch(p));
			audits.push(auditPages(p, a11y, axeOn));
			return p;
		}
		const page = await newPage();
		try {
			await fn({ page, ctx, base: server.base, server, watcher: watchers[0], newPage, t });
			for (const audit of audits) /* where each tab ended, e.g. after a click that was not waited for */
				await audit();
			const problems = watchers.flatMap((w) => w.list());
			assert.deepEqual(problems, [], `console errors / CSP violations on pages visited:\n  ${problems.join('\n  ')}`);
			assert.deepEqual(a11y, [], `serious accessibility violations (axe-core) on pages visited:\n  ${a11y.join('\n  ')}`);
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
			if (a11y.length)
				console.error(`    accessibility:\n      ${a11y.join('\n      ')}`);
			console.error(`--- server log (${server.base}):\n${server.log() || '(empty)'}\n---`);
			throw e;
		} finally {
			await ctx.close();
		}
	});
}

/* Registers before/after hooks that start and stop one server for a test
 * file and returns a journey() bound to it. serverOpts.setup(server), when
 * given, runs once the server is up (e.g. seedOrg); what it resolves to is
 * j.setup(). */
function suite(nodeTest, serverOpts) {
	let server;
	let setupResult;
	nodeTest.before(async () => {
		server = await startServer(serverOpts);
		if (serverOpts && serverOpts.setup)
			setupResult = await serverOpts.setup(server);
	});
	nodeTest.after(async () => { if (server) await server.stop(); });
	const j = (name, opts, fn) => {
		if (typeof opts === 'function')
			[fn, opts] = [opts, {}];
		journey(nodeTest.test, name, opts, fn, () => server);
	};
	j.server = () => server;
	j.setup = () => setupResult;
	return j;
}

/* ---- starting data through the JSON API ---- */

/* A JSON API client acting as admin with a token made by `wenming token
 * add admin`. api(method, path, body) resolves to the parsed answer and
 * throws on any status but 2xx. */
function apiClient(server) {
	let token = null;
	return async function api(method, apiPath, body) {
		if (!token) {
			const out = server.cli(['token', 'add', 'admin', '--name', 'e2e']);
			const m = /\bwm_[A-Za-z0-9_-]+/.exec(out);
			if (!m)
				throw new Error(`no token in: ${out}`);
			token = m[0];
		}
		const res = await fetch(`${server.base}${apiPath}`, {
			method,
			headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', Accept: 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await res.text();
		if (!res.ok)
			throw new Error(`${method} ${apiPath} → ${res.status}: ${text}`);
		return text ? JSON.parse(text) : null;
	};
}

/* A small PNG: white with a blue square. */
function png(w, h) {
	const crcTable = Array.from({ length: 256 }, (_, n) => {
		let c = n;
		for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
		return c >>> 0;
	});
	const crc = (b) => {
		let c = ~0;
		for (const x of b) c = crcTable[(c ^ x) & 0xff] ^ (c >>> 8);
		return ~c >>> 0;
	};
	const chunk = (type, data) => {
		const len = Buffer.alloc(4);
		len.writeUInt32BE(data.length);
		const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
		const c = Buffer.alloc(4);
		c.writeUInt32BE(crc(td));
		return Buffer.concat([len, td, c]);
	};
	const ihdr = Buffer.alloc(13);
	ihdr.writeUInt32BE(w, 0);
	ihdr.writeUInt32BE(h, 4);
	ihdr[8] = 8;
	ihdr[9] = 2;
	const row = w * 3 + 1;
	const raw = Buffer.alloc(row * h, 255);
	for (let y = 0; y < h; y++) {
		raw[y * row] = 0;
		if (y > h / 4 && y < (3 * h) / 4)
			for (let x = Math.floor(w / 4); x < Math.floor((3 * w) / 4); x++) raw.fill(0, y * row + 1 + x * 3, y * row + 3 + x * 3);
	}
	return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

const FIXTURES = path.join(ROOT, 'tests', 'data', 'e2e');

/* Creates the units and people of a fixture (tests/data/e2e/org.json by
 * default) through the JSON API. Units name their parent by code, people
 * their unit by code; "heads" names each unit's head by the person's name.
 * Resolves to { units: {code: id}, people: {name: id}, api }. */
async function seedOrg(server, file = 'org.json') {
	const data = JSON.parse(fs.readFileSync(path.join(FIXTURES, file), 'utf8'));
	const api = apiClient(server);
	const units = {};
	const people = {};
	for (const u of data.units) {
		const { parent, ...fields } = u;
		if (parent)
			fields.parent_id = units[parent];
		units[u.code] = (await api('POST', '/api/v1/units', fields)).data.id;
	}
	for (const p of data.people || []) {
		const { unit, ...fields } = p;
		fields.unit_id = units[unit];
		people[p.name] = (await api('POST', '/api/v1/people', fields)).data.id;
	}
	for (const [code, name] of Object.entries(data.heads || {}))
		await api('PATCH', `/api/v1/units/${units[code]}`, { head_person_id: people[name] });
	return { units, people, api };
}

/* Chooses the <option> whose visible text contains text (tree selects
 * indent their options, so exact labels are awkward). Resolves to its value. */
async function selectByText(select, text) {
	const value = await select.evaluate((el, t) => {
		const o = [...el.options].find((x) => x.textContent.includes(t));
		return o ? o.value : null;
	}, text);
	if (value === null)
		throw new Error(`no option containing "${text}" in ${await select.evaluate((el) => el.outerHTML)}`);
	await select.selectOption(value);
	return value;
}

/* Clicks a link or button that downloads a file; resolves to
 * { name, data (Buffer) }. Fails at once, rather than after a timeout, when
 * the request fails (e.g. the server died) or answers with an error page. */
async function download(page, locator, { timeout = 15000 } = {}) {
	let off;
	const failed = new Promise((resolve, reject) => {
		const onFail = (req) => {
			const why = req.failure() ? req.failure().errorText : '';
			if (req.frame() === page.mainFrame() && why !== 'net::ERR_ABORTED')
				reject(new Error(`download ${req.url()} failed: ${why} (did the server crash? see its log)`));
		};
		const onResponse = (res) => {
			if (res.request().isNavigationRequest() && res.frame() === page.mainFrame() && res.status() >= 400)
				reject(new Error(`download ${res.url()} answered ${res.status()} instead of a file`));
		};
		page.on('requestfailed', onFail);
		page.on('response', onResponse);
		off = () => { page.off('requestfailed', onFail); page.off('response', onResponse); };
	});
	try {
		const [dl] = await Promise.race([
			Promise.all([page.waitForEvent('download', { timeout }), locator.click()]),
			failed,
		]);
		const file = await dl.path();
		return { name: dl.suggestedFilename(), data: fs.readFileSync(file) };
	} finally {
		off();
	}
}

/* ---- screenshots ---- */

const SCREEN_SIZES = { desktop: { width: 1366, height: 768 }, phone: { width: 390, height: 844 } };

/* Switches the signed-in user's language with the header buttons. */
async function setLanguage(page, lang) {
	const button = page.locator(`.lang-switch button[value="${lang}"]`).first();
	if (await button.getAttribute('aria-pressed') === 'true')
		return;
	if (!await button.isVisible())
		await page.setViewportSize(SCREEN_SIZES.desktop);
	await clickAndWait(page, button);
}

/* Full-page screenshots of the page the tab shows, in each language and
 * size, as DIR/NAME-LANG-SIZE.png (build/screenshots/ by default; not
 * committed). reach(page) brings the page back after a language switch or
 * a resize (default: load the same URL again — pass one for pages that are
 * the answer to a POST). The tab ends as it was found: zh-Hant, 1366×768,
 * the same page. E2E_SCREENSHOTS=0 skips all of it. */
async function screenshots(page, dir, name, { langs = ['zh-Hant', 'en'], sizes = ['desktop', 'phone'], reach } = {}) {
	if (process.env.E2E_SCREENSHOTS === '0')
		return;
	const url = page.url();
	const back = reach || (async (p) => { await p.goto(url); });
	const out = path.resolve(ROOT, 'build', 'screenshots', dir);
	fs.mkdirSync(out, { recursive: true });
	const start = page.viewportSize();
	for (const lang of langs) {
		await page.setViewportSize(SCREEN_SIZES.desktop);
		await setLanguage(page, lang);
		for (const size of sizes) {
			await page.setViewportSize(SCREEN_SIZES[size]);
			await back(page);
			await page.screenshot({ path: path.join(out, `${name}-${lang}-${size}.png`), fullPage: true });
		}
	}
	await page.setViewportSize(start || SCREEN_SIZES.desktop);
	await setLanguage(page, 'zh-Hant');
	await back(page);
}

module.exports = {
	ROOT, BIN, FIXTURES, startServer, launch, watch, axeCheck, signIn, clickAndWait, suite, freePort,
	apiClient, seedOrg, selectByText, download, setLanguage, screenshots, png,
};
