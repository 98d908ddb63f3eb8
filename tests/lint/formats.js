#!/usr/bin/env node
'use strict';
// The format-string checker, in the spirit of Fossil's codecheck1.c: the C
// compiler cannot check our own printf-like writers, so this reads every
// call in src/ and fails on a format that could let raw text into a page
// or a value into SQL text.
//
// HTML writer (html, html_fmt, html_buf): the format is a string literal or
// a catalog message (T(r, M_x) / msg(lang, M_x)); only our conversions
// (%s %a %u %T %H %d %D %N %%) appear; and each %H argument is markup that
// only the writer can make: a call of a function returning
// `const struct markup *` (html_fmt, csrf_input, ...), MARKUP("literal"),
// NULL, a variable declared `const struct markup *`, or a conditional whose
// branches are all of these.
//
// SQL built with printf (arena_printf, buf_printf, snprintf, html is never
// SQL): a format that reads as SQL uses %s only for names and fragments,
// never inside a quoted SQL string ('%s' would be a value in the SQL text),
// and no argument comes straight from the request (req_query, req_form,
// req_param, req_cookie, kv_get, json_string_value). A comment saying
// "formats: quoted names" just before a call allows quoted %s for declared
// names where nothing can be bound (a trigger's body).
//
// Usage: node tests/lint/formats.js [--fix] [DIR]  (default src/); exit 1 on
// findings. --fix wraps the string literals of %H conditionals in MARKUP().
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const HTML_FNS = { html: 1, html_fmt: 1, html_buf: 2 }; // index of the format argument
const SQL_FNS = { arena_printf: 1, buf_printf: 1, snprintf: 2 };
const HTML_CONV = new Set(['s', 'a', 'u', 'T', 'H', 'd', 'D', 'N', '%']);
const REQUEST_INPUT = /\b(req_query|req_form|req_param|req_cookie|req_header|kv_get|json_string_value)\s*\(/;

function walk(dir) {
	const out = [];
	for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
		const p = path.join(dir, e.name);
		if (e.isDirectory()) out.push(...walk(p));
		else if (/\.[ch]$/.test(e.name)) out.push(p);
	}
	return out;
}

/* The source with comments blanked (same length, so offsets stay). */
function stripComments(s) {
	let out = '';
	for (let i = 0; i < s.length; ) {
		if (s[i] === '"' || s[i] === "'") {
			const q = s[i];
			let j = i + 1;
			while (j < s.length && s[j] !== q) j += s[j] === '\\' ? 2 : 1;
			out += s.slice(i, j + 1);
			i = j + 1;
		} else if (s.startsWith('/*', i)) {
			const j = s.indexOf('*/', i + 2);
			const end = j < 0 ? s.length : j + 2;
			out += s.slice(i, end).replace(/[^\n]/g, ' ');
			i = end;
		} else if (s.startsWith('//', i)) {
			const j = s.indexOf('\n', i);
			const end = j < 0 ? s.length : j;
			out += ' '.repeat(end - i);
			i = end;
		} else {
			out += s[i++];
		}
	}
	return out;
}

/* The arguments of the call whose '(' is at open: [text, ...], split at
 * top-level commas; and the offset after ')'. */
function callArgs(s, open) {
	const args = [];
	const offsets = [];
	let depth = 0;
	let start = open + 1;
	for (let i = open; i < s.length; i++) {
		const c = s[i];
		if (c === '"' || c === "'") {
			let j = i + 1;
			while (j < s.length && s[j] !== c) j += s[j] === '\\' ? 2 : 1;
			i = j;
		} else if (c === '(' || c === '[' || c === '{') {
			depth++;
		} else if (c === ')' || c === ']' || c === '}') {
			depth--;
			if (depth === 0) {
				args.push(s.slice(start, i).trim());
				offsets.push([start, i]);
				return { args, offsets, end: i + 1 };
			}
		} else if (c === ',' && depth === 1) {
			args.push(s.slice(start, i).trim());
			offsets.push([start, i]);
			start = i + 1;
		}
	}
	return { args, offsets, end: s.length };
}

/* The text of a C string literal's body (escapes read; octal and hex as
 * one placeholder character: formats only care about % and '). */
function unescapeC(body) {
	return body.replace(/\\(x[0-9a-fA-F]+|[0-7]{1,3}|.)/g, (m, e) => ({ n: '\n', t: '\t', r: '\r', '"': '"', "'": "'", '\\': '\\' })[e] ?? '?');
}

/* The value of an expression made only of adjacent string literals, or null. */
function literal(expr) {
	const parts = [];
	let rest = expr.trim();
	if (!rest.startsWith('"')) return null;
	while (rest.startsWith('"')) {
		let j = 1;
		while (j < rest.length && rest[j] !== '"') j += rest[j] === '\\' ? 2 : 1;
		parts.push(unescapeC(rest.slice(1, j)));
		rest = rest.slice(j + 1).trim();
	}
	return rest === '' ? parts.join('') : null;
}

/* The conversions of a printf-like format: [{conv, inQuote}]. */
function conversions(fmt) {
	const out = [];
	let quote = false;
	for (let i = 0; i < fmt.length; i++) {
		if (fmt[i] === "'") quote = !quote;
		if (fmt[i] !== '%') continue;
		const m = /^%[-+ #0]*\d*(?:\.\d+)?(hh|h|ll|l|z|j|t|L)?([a-zA-Z%])/.exec(fmt.slice(i));
		if (!m) {
			out.push({ conv: fmt.slice(i, i + 2), inQuote: quote });
			continue;
		}
		out.push({ conv: m[0], letter: m[2], inQuote: quote });
		i += m[0].length - 1;
	}
	return out;
}

/* Split "a ? b : c" at its top level; null when it is not a conditional. */
function ternary(expr) {
	let depth = 0;
	let q = -1;
	for (let i = 0; i < expr.length; i++) {
		const c = expr[i];
		if (c === '"' || c === "'") {
			let j = i + 1;
			while (j < expr.length && expr[j] !== c) j += expr[j] === '\\' ? 2 : 1;
			i = j;
		} else if ('([{'.includes(c)) depth++;
		else if (')]}'.includes(c)) depth--;
		else if (c === '?' && depth === 0 && q < 0) q = i;
		else if (c === ':' && depth === 0 && q >= 0) {
			// the matching ':' of the first '?' (nested ones are in the branches)
			let nest = 0;
			for (let k = q + 1; k < i; k++) if (expr[k] === '?') nest++;
			let colons = 0;
			for (let k = q + 1; k < i; k++) if (expr[k] === ':') colons++;
			if (colons === nest) return [expr.slice(0, q), expr.slice(q + 1, i), expr.slice(i + 1)];
		}
	}
	return null;
}

function unparen(e) {
	e = e.trim();
	while (e.startsWith('(') && e.endsWith(')')) {
		const { end } = callArgs(e, 0);
		if (end !== e.length) break;
		e = e.slice(1, -1).trim();
	}
	return e;
}

/* The expression with each string-literal leaf of its conditionals
 * wrapped in MARKUP(): what --fix writes for a %H argument. */
function wrapLiterals(expr) {
	const lead = expr.match(/^\s*/)[0];
	const trail = expr.match(/\s*$/)[0];
	const e = expr.trim();
	if (literal(e) !== null) return `${lead}MARKUP(${e})${trail}`;
	const t = ternary(e);
	if (t) return `${lead}${t[0].trimEnd()} ? ${wrapLiterals(t[1]).trim()} : ${wrapLiterals(t[2]).trim()}${trail}`;
	if (e.startsWith('(') && e.endsWith(')') && callArgs(e, 0).end === e.length) return `${lead}(${wrapLiterals(e.slice(1, -1)).trim()})${trail}`;
	return expr;
}

function checkFile(file, markupFns, findings, fixes) {
	const raw = fs.readFileSync(file, 'utf8');
	const s = stripComments(raw);
	const rel = path.relative(ROOT, file);
	const lineOf = (off) => s.slice(0, off).split('\n').length;
	const markupVars = new Set([...s.matchAll(/struct markup\s*\*\s*(?:const\s+)?(\w+)/g)].map((m) => m[1]));

	const isMarkup = (expr) => {
		const e = unparen(expr);
		if (e === 'NULL') return true;
		const t = ternary(e);
		if (t) return isMarkup(t[1]) && isMarkup(t[2]);
		if (/^MARKUP\s*\(\s*"/.test(e)) return true;
		const call = /^(\w+)\s*\(/.exec(e);
		if (call && markupFns.has(call[1])) {
			const { end } = callArgs(e, e.indexOf('('));
			return end === e.length;
		}
		return /^[A-Za-z_]\w*(?:(?:->|\.)\w+|\[[^\]]*\])*$/.test(e) && markupVars.has(e.split(/->|\.|\[/).pop().replace(/\]$/, '')) ||
			(/^\w+$/.test(e) && markupVars.has(e));
	};

	const re = /\b(html|html_fmt|html_buf|arena_printf|buf_printf|snprintf)\s*\(/g;
	for (const m of s.matchAll(re)) {
		const fn = m[1];
		const open = m.index + m[0].length - 1;
		// a declaration or definition, not a call
		const before = s.slice(Math.max(0, m.index - 40), m.index);
		if (/(?:void|int|char \*|markup \*)\s*$/.test(before)) continue;
		const { args, offsets } = callArgs(s, open);
		const where = `${rel}:${lineOf(m.index)}`;
		if (fn in HTML_FNS) {
			const fi = HTML_FNS[fn];
			const fmtExpr = args[fi];
			if (fmtExpr === undefined) continue;
			const fmt = literal(fmtExpr);
			if (fmt === null) {
				if (!/^(T\s*\(\s*r\s*,|msg\s*\()/.test(fmtExpr.trim()))
					findings.push(`${where}: ${fn}() needs a string literal or a catalog message (T(r, M_x)) as its format, not: ${fmtExpr}`);
				continue; // a catalog message: its placeholders are checked by the i18n test
			}
			const convs = conversions(fmt);
			let a = fi + 1;
			for (const c of convs) {
				if (c.conv === '%%') continue;
				if (!c.letter || !HTML_CONV.has(c.letter) || c.conv.length !== 2) {
					findings.push(`${where}: ${fn}() format has "${c.conv}", which the HTML writer does not know`);
					a++;
					continue;
				}
				const arg = args[a++];
				if (arg === undefined) {
					findings.push(`${where}: ${fn}() has fewer arguments than conversions`);
					break;
				}
				if (c.letter === 'H' && !isMarkup(arg) && fixes) {
					const [b, e] = offsets[a - 1];
					const w = wrapLiterals(raw.slice(b, e));
					if (w !== raw.slice(b, e)) fixes.push([b, e, w]);
				}
				if (c.letter === 'H' && !isMarkup(arg))
					findings.push(`${where}: ${fn}() %H takes markup made by the writer (html_fmt, csrf_input, MARKUP("...")), not: ${arg}`);
			}
			if (a < args.length) findings.push(`${where}: ${fn}() has more arguments than conversions`);
		} else {
			const fi = SQL_FNS[fn];
			const fmt = literal(args[fi] || '');
			if (fmt === null || !/\b(SELECT|INSERT INTO|UPDATE|DELETE FROM|CREATE|DROP|ALTER TABLE|PRAGMA)\b|\b(WHERE|FROM|ORDER BY|JOIN)\b/.test(fmt)) continue;
			const convs = conversions(fmt);
			// "formats: quoted names" in a comment just before the call: the
			// quoted %s are declared names where nothing can be bound (a
			// trigger's body)
			const quotedNames = /formats: quoted names/.test(raw.slice(Math.max(0, raw.lastIndexOf('\n', m.index - 1) - 400), m.index));
			let a = fi + 1;
			for (const c of convs) {
				if (c.conv === '%%') continue;
				const arg = args[a++] || '';
				if (c.inQuote && quotedNames)
					continue;
				if (c.conv === '%c' && /^\d+$/.test(arg.trim()))
					continue; // a marker byte, not data
				if (c.inQuote)
					findings.push(`${where}: SQL built with ${fn}() puts "${c.conv}" inside a quoted SQL string: bind the value with ? instead`);
				else if (!/^%(l{0,2}d|zu|lu|llu|s|u|\.\d+s)$/.test(c.conv))
					findings.push(`${where}: SQL built with ${fn}() uses "${c.conv}"`);
				if (REQUEST_INPUT.test(arg))
					findings.push(`${where}: SQL built with ${fn}() takes ${arg} straight from the request: bind it with ? instead`);
			}
		}
	}
}

function main() {
	const dirArg = process.argv.slice(2).find((x) => !x.startsWith('--'));
	const dir = path.resolve(dirArg || path.join(ROOT, 'src'));
	const files = walk(dir);
	// functions that return markup, from their declarations (in src/ too:
	// the writer's own are declared there)
	const markupFns = new Set();
	for (const f of new Set([...files, ...walk(path.join(ROOT, 'src'))]))
		for (const m of stripComments(fs.readFileSync(f, 'utf8')).matchAll(/const struct markup\s*\*\s*(\w+)\s*\(/g)) markupFns.add(m[1]);
	const findings = [];
	const fix = process.argv.includes('--fix');
	for (const f of files) {
		const fixes = fix ? [] : null;
		checkFile(f, markupFns, findings, fixes);
		if (fixes && fixes.length) {
			let t = fs.readFileSync(f, 'utf8');
			for (const [b, e, w] of fixes.sort((x, y) => y[0] - x[0])) t = t.slice(0, b) + w + t.slice(e);
			fs.writeFileSync(f, t);
		}
	}
	for (const f of findings) console.log(f);
	console.log(`formats: ${files.length} files, ${findings.length} finding${findings.length === 1 ? '' : 's'}`);
	process.exit(findings.length ? 1 : 0);
}

module.exports = { conversions, literal, ternary, callArgs };
if (require.main === module) main();
