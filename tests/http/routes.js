'use strict';
// Every route of the application, as the tests expect it, and a reader of
// the route tables in src/ so that a route added there without an entry
// here fails permissions.test.js.
//
// Each entry: method, pattern and perm exactly as in the C table, csrf (the
// table's flag), a concrete path to request (`:victim` is replaced by a
// user id the test provides), the form to send, and the status when the
// request is allowed — ok for a signed-in user, anonOk for a signed-out
// one (public routes only). Routes that change the caller's own session
// (POST /logout) are marked last: they run after all others.
const fs = require('node:fs');
const path = require('node:path');
const { ROOT } = require('./lib');

const W_UNITS = ['admin', 'office', 'unit_admin']; // units: write; every role reads
const READ_PEOPLE = ['admin', 'office', 'leader', 'unit_admin']; // people: staff only their own
const REVEAL_PEOPLE = ['admin', 'office', 'unit_admin'];
const READ_CASES = ['admin', 'office', 'leader', 'unit_admin', 'staff']; // cases: supervisors only their own

const ROUTES = [
	{ method: 'GET', pattern: '/static/{name:str}', perm: 'P_PUBLIC', path: '/static/app.css', ok: 200 },
	{ method: 'GET', pattern: '/healthz', perm: 'P_PUBLIC', ok: 200 },
	{ method: 'GET', pattern: '/metrics', perm: 'P_PUBLIC', ok: 200 },
	{ method: 'GET', pattern: '/login', perm: 'P_PUBLIC', ok: 303, anonOk: 200 },
	// empty fields: the handler answers 400 (no password is checked)
	{ method: 'POST', pattern: '/login', perm: 'P_PUBLIC', csrf: 1, form: { username: '', password: '' }, ok: 400 },
	{ method: 'POST', pattern: '/logout', perm: 'P_SIGNED_IN', csrf: 1, form: {}, ok: 303, last: true },
	{ method: 'POST', pattern: '/lang', perm: 'P_PUBLIC', csrf: 1, form: { lang: 'zh-Hant', next: '/' }, ok: 303 },
	{ method: 'GET', pattern: '/account', perm: 'P_SIGNED_IN', ok: 200 },
	// nothing filled in: 422, the password stays
	{ method: 'POST', pattern: '/account/password', perm: 'P_SIGNED_IN', csrf: 1, form: {}, ok: 422 },
	{ method: 'GET', pattern: '/', perm: 'P_SIGNED_IN', ok: 200 },
	{ method: 'GET', pattern: '/api/v1/me', perm: 'P_SIGNED_IN', ok: 200 },
	{ method: 'GET', pattern: '/admin/users', perm: 'P_USERS', ok: 200 },
	{ method: 'GET', pattern: '/admin/users/new', perm: 'P_USERS', ok: 200 },
	{ method: 'POST', pattern: '/admin/users', perm: 'P_USERS', csrf: 1, form: {}, ok: 422 },
	{ method: 'GET', pattern: '/admin/users/{id:int}', perm: 'P_USERS', path: '/admin/users/:victim', ok: 200 },
	{ method: 'POST', pattern: '/admin/users/{id:int}', perm: 'P_USERS', csrf: 1, path: '/admin/users/:victim', form: { display_name: '' }, ok: 422 },
	{ method: 'GET', pattern: '/admin/users/{id:int}/disable', perm: 'P_USERS', path: '/admin/users/:victim/disable', ok: 200 },
	{ method: 'POST', pattern: '/admin/users/{id:int}/disable', perm: 'P_USERS', csrf: 1, path: '/admin/users/:victim/disable', form: {}, ok: 303 },
	{ method: 'GET', pattern: '/admin/users/{id:int}/enable', perm: 'P_USERS', path: '/admin/users/:victim/enable', ok: 200 },
	{ method: 'POST', pattern: '/admin/users/{id:int}/enable', perm: 'P_USERS', csrf: 1, path: '/admin/users/:victim/enable', form: {}, ok: 303 },
	{ method: 'GET', pattern: '/admin/users/{id:int}/password', perm: 'P_USERS', path: '/admin/users/:victim/password', ok: 200 },
	{ method: 'POST', pattern: '/admin/users/{id:int}/password', perm: 'P_USERS', csrf: 1, path: '/admin/users/:victim/password', form: {}, ok: 200 },
	{ method: 'GET', pattern: '/admin/audit', perm: 'P_AUDIT', ok: 200 },
	{ method: 'GET', pattern: '/admin/audit/{id:int}', perm: 'P_AUDIT', path: '/admin/audit/1', ok: 200 },
	// the working-day calendar (src/admin/calendar_pages.c); 2025 is in the migration
	{ method: 'GET', pattern: '/admin/calendar', perm: 'P_CALENDAR', ok: 200 },
	{ method: 'POST', pattern: '/admin/calendar', perm: 'P_CALENDAR', csrf: 1, form: {}, ok: 422 },
	{ method: 'GET', pattern: '/admin/calendar/{year:int}', perm: 'P_CALENDAR', path: '/admin/calendar/2025', ok: 200 },
	{ method: 'POST', pattern: '/admin/calendar/{year:int}/days', perm: 'P_CALENDAR', csrf: 1, path: '/admin/calendar/2025/days', form: {}, ok: 422 },
	// a day that is not listed: 404, nothing deleted
	{ method: 'POST', pattern: '/admin/calendar/{year:int}/days/delete', perm: 'P_CALENDAR', csrf: 1, path: '/admin/calendar/2025/days/delete', form: { day: '2025-03-03' }, ok: 404 },
	// the inbox (src/platform/inbox_pages.c): each user's own
	{ method: 'GET', pattern: '/inbox', perm: 'P_SIGNED_IN', ok: 200 },
	{ method: 'GET', pattern: '/inbox/{id:int}', perm: 'P_SIGNED_IN', path: '/inbox/999999', ok: 404 },
	{ method: 'POST', pattern: '/inbox/read-all', perm: 'P_SIGNED_IN', csrf: 1, form: {}, ok: 303 },
	{ method: 'GET', pattern: '/api/v1/inbox', perm: 'P_SIGNED_IN', ok: 200 },
	// an empty address removes it: saved, back to the account page
	{ method: 'POST', pattern: '/account/email', perm: 'P_SIGNED_IN', csrf: 1, form: { email: '' }, ok: 303 },
	{ method: 'GET', pattern: '/api/v1/workdays/due', perm: 'P_SIGNED_IN', path: '/api/v1/workdays/due?from=2025-09-30&days=1', ok: 200 },

	// org pages (units and people access of src/org/*.c)
	{ method: 'GET', pattern: '/org/tree', perm: 'P_SIGNED_IN', ok: 200 },
	{ method: 'GET', pattern: '/org/units/{id:int}/move', perm: 'P_SIGNED_IN', who: W_UNITS, path: '/org/units/:unit/move', ok: 200 },
	// to the top level (it is there already): saved, back to the tree
	{ method: 'POST', pattern: '/org/units/{id:int}/move', perm: 'P_SIGNED_IN', who: W_UNITS, csrf: 1, path: '/org/units/:unit/move', form: { parent_id: '' }, ok: 303 },
	{ method: 'GET', pattern: '/org/stats', perm: 'P_SIGNED_IN', who: READ_PEOPLE, path: '/org/stats?unit=:unit', ok: 200 },
	{ method: 'GET', pattern: '/org/certificates', perm: 'P_SIGNED_IN', who: [...READ_PEOPLE, 'staff'], ok: 200 },
	{ method: 'GET', pattern: '/api/v1/stats/people', perm: 'P_SIGNED_IN', who: READ_PEOPLE, path: '/api/v1/stats/people?unit=:unit', ok: 200 },
	// the cases' statistics (src/cases/stats.c): roles that read cases
	{ method: 'GET', pattern: '/cases/stats', perm: 'P_SIGNED_IN', who: READ_CASES, path: '/cases/stats?unit=:unit', ok: 200 },
	{ method: 'GET', pattern: '/cases/stats.xlsx', perm: 'P_SIGNED_IN', who: READ_CASES, path: '/cases/stats.xlsx?unit=:unit', ok: 200 },
	{ method: 'GET', pattern: '/api/v1/stats/cases', perm: 'P_SIGNED_IN', who: READ_CASES, path: '/api/v1/stats/cases?unit=:unit', ok: 200 },

	// search across the registers the user may read (results are scoped)
	{ method: 'GET', pattern: '/search', perm: 'P_SIGNED_IN', path: '/search?q=Fixture', ok: 200 },
	{ method: 'GET', pattern: '/api/v1/search', perm: 'P_SIGNED_IN', path: '/api/v1/search?q=Fixture', ok: 200 },

	// record pages, on the units register (and people for reveal)
	{ method: 'GET', pattern: '/r/{type:str}', perm: 'P_SIGNED_IN', path: '/r/units', ok: 200 },
	{ method: 'GET', pattern: '/r/{type:str}/new', perm: 'P_SIGNED_IN', who: W_UNITS, path: '/r/units/new', ok: 200 },
	{ method: 'POST', pattern: '/r/{type:str}', perm: 'P_SIGNED_IN', who: W_UNITS, csrf: 1, path: '/r/units', form: {}, ok: 422 },
	{ method: 'GET', pattern: '/r/{type:str}/export', perm: 'P_SIGNED_IN', path: '/r/units/export?format=csv', ok: 200 },
	{ method: 'GET', pattern: '/r/{type:str}/{id:int}', perm: 'P_SIGNED_IN', path: '/r/units/:unit', ok: 200 },
	{ method: 'GET', pattern: '/r/{type:str}/{id:int}/edit', perm: 'P_SIGNED_IN', who: W_UNITS, path: '/r/units/:unit/edit', ok: 200 },
	{ method: 'POST', pattern: '/r/{type:str}/{id:int}', perm: 'P_SIGNED_IN', who: W_UNITS, csrf: 1, path: '/r/units/:unit', form: {}, ok: 422 },
	{ method: 'POST', pattern: '/r/{type:str}/{id:int}/reveal', perm: 'P_SIGNED_IN', who: REVEAL_PEOPLE, csrf: 1, path: '/r/people/:person/reveal', form: { field: 'phone' }, ok: 303 },
	{ method: 'GET', pattern: '/r/{type:str}/{id:int}/archive', perm: 'P_SIGNED_IN', who: W_UNITS, path: '/r/units/:unit/archive', ok: 200 },
	{ method: 'POST', pattern: '/r/{type:str}/{id:int}/archive', perm: 'P_SIGNED_IN', who: W_UNITS, csrf: 1, path: '/r/units/:unit/archive', form: {}, ok: 303 },
	{ method: 'GET', pattern: '/r/{type:str}/{id:int}/restore', perm: 'P_SIGNED_IN', who: W_UNITS, path: '/r/units/:unit/restore', ok: 200 },
	{ method: 'POST', pattern: '/r/{type:str}/{id:int}/restore', perm: 'P_SIGNED_IN', who: W_UNITS, csrf: 1, path: '/r/units/:unit/restore', form: {}, ok: 303 },
	{ method: 'GET', pattern: '/r/{type:str}/import', perm: 'P_SIGNED_IN', who: W_UNITS, path: '/r/units/import', ok: 200 },
	{ method: 'GET', pattern: '/r/{type:str}/import/template.csv', perm: 'P_SIGNED_IN', who: W_UNITS, path: '/r/units/import/template.csv', ok: 200 },
	// no file: 422 with the form again
	{ method: 'POST', pattern: '/r/{type:str}/import', perm: 'P_SIGNED_IN', who: W_UNITS, csrf: 1, path: '/r/units/import', form: {}, ok: 422 },
	// no such pending import
	{ method: 'POST', pattern: '/r/{type:str}/import/{id:int}', perm: 'P_SIGNED_IN', who: W_UNITS, csrf: 1, path: '/r/units/import/999999', form: {}, ok: 404 },

	// Open311 GeoReport v2 (src/cases/open311.c): public reads; a submission
	// takes an API token as api_key only (csrf 2), so a session gets 403
	{ method: 'GET', pattern: '/open311/v2/discovery.json', perm: 'P_PUBLIC', ok: 200 },
	{ method: 'GET', pattern: '/open311/v2/discovery.xml', perm: 'P_PUBLIC', ok: 200 },
	{ method: 'GET', pattern: '/open311/v2/services.json', perm: 'P_PUBLIC', ok: 200 },
	{ method: 'GET', pattern: '/open311/v2/services.xml', perm: 'P_PUBLIC', ok: 200 },
	{ method: 'GET', pattern: '/open311/v2/services/{code:str}', perm: 'P_PUBLIC', path: '/open311/v2/services/none.json', ok: 404 },
	{ method: 'GET', pattern: '/open311/v2/requests.json', perm: 'P_PUBLIC', ok: 200 },
	{ method: 'GET', pattern: '/open311/v2/requests.xml', perm: 'P_PUBLIC', ok: 200 },
	{ method: 'POST', pattern: '/open311/v2/requests.json', perm: 'P_PUBLIC', csrf: 2, form: { service_code: 'x' }, ok: 403 },
	{ method: 'POST', pattern: '/open311/v2/requests.xml', perm: 'P_PUBLIC', csrf: 2, form: { service_code: 'x' }, ok: 403 },
	{ method: 'GET', pattern: '/open311/v2/requests/{id:str}', perm: 'P_PUBLIC', path: '/open311/v2/requests/2026-999999.json', ok: 404 },
	{ method: 'GET', pattern: '/open311/v2/tokens/{token:str}', perm: 'P_PUBLIC', path: '/open311/v2/tokens/AAAA-BBBB-CCCC.xml', ok: 404 },
	{ method: 'GET', pattern: '/open311/v2/servicerequestupdates.json', perm: 'P_PUBLIC', ok: 200 },
	{ method: 'GET', pattern: '/open311/v2/servicerequestupdates.xml', perm: 'P_PUBLIC', ok: 200 },

	// the JSON API, on the units register
	{ method: 'GET', pattern: '/api/v1/openapi.json', perm: 'P_PUBLIC', ok: 200 },
	{ method: 'GET', pattern: '/api/v1/{type:str}', perm: 'P_SIGNED_IN', path: '/api/v1/units', ok: 200 },
	{ method: 'POST', pattern: '/api/v1/{type:str}', perm: 'P_SIGNED_IN', who: W_UNITS, csrf: 1, path: '/api/v1/units', json: {}, ok: 422 },
	{ method: 'GET', pattern: '/api/v1/{type:str}/{id:int}', perm: 'P_SIGNED_IN', path: '/api/v1/units/:unit', ok: 200 },
	{ method: 'PATCH', pattern: '/api/v1/{type:str}/{id:int}', perm: 'P_SIGNED_IN', who: W_UNITS, csrf: 1, path: '/api/v1/units/:unit', json: {}, ok: 200 },
	// workflow steps: the units register has none (404 for everyone who
	// may see the unit); the cases tests take every step as every role
	{ method: 'GET', pattern: '/r/{type:str}/{id:int}/t/{name:str}', perm: 'P_SIGNED_IN', path: '/r/units/:unit/t/dispatch', ok: 404 },
	{ method: 'POST', pattern: '/r/{type:str}/{id:int}/t/{name:str}', perm: 'P_SIGNED_IN', csrf: 1, path: '/r/units/:unit/t/dispatch', form: {}, ok: 404 },
	{ method: 'POST', pattern: '/api/v1/{type:str}/{id:int}/transitions/{name:str}', perm: 'P_SIGNED_IN', csrf: 1, path: '/api/v1/units/:unit/transitions/dispatch', json: {}, ok: 404 },
	{ method: 'GET', pattern: '/api/v1/{type:str}/{id:int}/events', perm: 'P_SIGNED_IN', path: '/api/v1/units/:unit/events', ok: 404 },

	// attached files: none with this id; an upload without a file
	{ method: 'GET', pattern: '/files/{id:int}', perm: 'P_SIGNED_IN', path: '/files/999999', ok: 404 },
	{ method: 'GET', pattern: '/files/{id:int}/thumb', perm: 'P_SIGNED_IN', path: '/files/999999/thumb', ok: 404 },
	{ method: 'POST', pattern: '/api/v1/files', perm: 'P_SIGNED_IN', csrf: 1, form: {}, ok: 400 },

	// inspections (src/inspections/): a new inspection (the office) or visit
	// (a supervisor); the record page of an inspection that does not exist;
	// the statistics for the roles that read inspections
	{ method: 'GET', pattern: '/inspections/new', perm: 'P_SIGNED_IN', who: ['admin', 'office', 'supervisor'], ok: 200 },
	{ method: 'POST', pattern: '/inspections/new', perm: 'P_SIGNED_IN', who: ['admin', 'office', 'supervisor'], csrf: 1, form: {}, ok: 422 },
	{ method: 'GET', pattern: '/inspections/{id:int}/record', perm: 'P_SIGNED_IN', path: '/inspections/999999/record', ok: 404 },
	{ method: 'POST', pattern: '/inspections/{id:int}/record', perm: 'P_SIGNED_IN', csrf: 1, path: '/inspections/999999/record', form: {}, ok: 404 },
	{ method: 'GET', pattern: '/inspections/stats', perm: 'P_SIGNED_IN', who: READ_CASES, path: '/inspections/stats?unit=:unit', ok: 200 },

	// learning (src/learning/): recurring sessions (the registers' writers),
	// the attendance list and QR page of a session, the attendee's sign-in
	// (an unknown session: 404), the programme's assign action, the
	// statistics for the roles that read sessions, the public certificate check
	{ method: 'GET', pattern: '/learning/sessions/repeat', perm: 'P_SIGNED_IN', who: W_UNITS, ok: 200 },
	{ method: 'POST', pattern: '/learning/sessions/repeat', perm: 'P_SIGNED_IN', who: W_UNITS, csrf: 1, form: {}, ok: 422 },
	{ method: 'GET', pattern: '/learning/sessions/{id:int}/attendance', perm: 'P_SIGNED_IN', path: '/learning/sessions/999999/attendance', ok: 404 },
	{ method: 'POST', pattern: '/learning/sessions/{id:int}/attendance', perm: 'P_SIGNED_IN', csrf: 1, path: '/learning/sessions/999999/attendance', form: {}, ok: 404 },
	{ method: 'GET', pattern: '/learning/sessions/{id:int}/qr', perm: 'P_SIGNED_IN', path: '/learning/sessions/999999/qr', ok: 404 },
	{ method: 'GET', pattern: '/learning/sessions/{id:int}/codes', perm: 'P_SIGNED_IN', path: '/learning/sessions/999999/codes', ok: 404 },
	{ method: 'POST', pattern: '/learning/sessions/{id:int}/codes', perm: 'P_SIGNED_IN', csrf: 1, path: '/learning/sessions/999999/codes', form: {}, ok: 404 },
	// the attendee's sign-in is public: signed in, or with a one-time code
	{ method: 'GET', pattern: '/learning/signin/{key:str}', perm: 'P_PUBLIC', path: '/learning/signin/0123456789abcdef0123456789abcdef', ok: 404 },
	{ method: 'POST', pattern: '/learning/signin/{key:str}', perm: 'P_PUBLIC', csrf: 1, path: '/learning/signin/0123456789abcdef0123456789abcdef', form: {}, ok: 404 },
	{ method: 'POST', pattern: '/learning/programmes/{id:int}/assign', perm: 'P_SIGNED_IN', csrf: 1, path: '/learning/programmes/999999/assign', form: {}, ok: 404 },
	{ method: 'GET', pattern: '/learning/stats', perm: 'P_SIGNED_IN', who: READ_CASES, path: '/learning/stats?unit=:unit', ok: 200 },
	// activities (src/activities/): the events' statistics, for the roles that read events
	{ method: 'GET', pattern: '/activities/stats', perm: 'P_SIGNED_IN', who: READ_CASES, path: '/activities/stats?unit=:unit', ok: 200 },
	{ method: 'GET', pattern: '/verify', perm: 'P_PUBLIC', ok: 200 },
	// assessment (src/assessment/): every role reads the indicator systems in
	// use; only the office (org-wide admin or office) creates and changes them
	{ method: 'GET', pattern: '/assessment/systems', perm: 'P_SIGNED_IN', ok: 200 },
	{ method: 'POST', pattern: '/assessment/systems', perm: 'P_SIGNED_IN', who: ['admin', 'office'], csrf: 1, form: {}, ok: 422 },
	{ method: 'GET', pattern: '/assessment/systems/{id:int}', perm: 'P_SIGNED_IN', path: '/assessment/systems/999999', ok: 404 },
	{ method: 'POST', pattern: '/assessment/systems/{id:int}/indicators', perm: 'P_SIGNED_IN', who: ['admin', 'office'], csrf: 1, path: '/assessment/systems/999999/indicators', form: {}, ok: 404 },
	{ method: 'POST', pattern: '/assessment/systems/{id:int}/activate', perm: 'P_SIGNED_IN', who: ['admin', 'office'], csrf: 1, path: '/assessment/systems/999999/activate', form: {}, ok: 404 },
	{ method: 'POST', pattern: '/assessment/systems/{id:int}/revise', perm: 'P_SIGNED_IN', who: ['admin', 'office'], csrf: 1, path: '/assessment/systems/999999/revise', form: {}, ok: 404 },
	{ method: 'POST', pattern: '/assessment/systems/{id:int}/copy', perm: 'P_SIGNED_IN', who: ['admin', 'office'], csrf: 1, path: '/assessment/systems/999999/copy', form: {}, ok: 404 },
	{ method: 'POST', pattern: '/assessment/systems/{id:int}/rollup', perm: 'P_SIGNED_IN', who: ['admin', 'office'], csrf: 1, path: '/assessment/systems/999999/rollup', form: {}, ok: 404 },
	{ method: 'GET', pattern: '/assessment/indicators/{id:int}', perm: 'P_SIGNED_IN', path: '/assessment/indicators/999999', ok: 404 },
	// the metrics of a unit's subtree and the records behind one: who reads people there
	{ method: 'GET', pattern: '/assessment/metrics', perm: 'P_SIGNED_IN', who: READ_PEOPLE, path: '/assessment/metrics?unit=:unit', ok: 200 },
	{ method: 'GET', pattern: '/assessment/metrics/{name:str}', perm: 'P_SIGNED_IN', who: READ_PEOPLE, path: '/assessment/metrics/staff?unit=:unit', ok: 200 },
	{ method: 'POST', pattern: '/assessment/indicators/{id:int}', perm: 'P_SIGNED_IN', who: ['admin', 'office'], csrf: 1, path: '/assessment/indicators/999999', form: {}, ok: 404 },
	{ method: 'POST', pattern: '/assessment/indicators/{id:int}/delete', perm: 'P_SIGNED_IN', who: ['admin', 'office'], csrf: 1, path: '/assessment/indicators/999999/delete', form: {}, ok: 404 },
	// assessment rounds (rounds.c, score.c): the office creates and moves
	// rounds; a unit's leader or clerk reads its results once announced
	{ method: 'GET', pattern: '/assessment/rounds', perm: 'P_SIGNED_IN', ok: 200 },
	{ method: 'POST', pattern: '/assessment/rounds', perm: 'P_SIGNED_IN', who: ['admin', 'office'], csrf: 1, form: {}, ok: 422 },
	{ method: 'GET', pattern: '/assessment/rounds/{id:int}', perm: 'P_SIGNED_IN', path: '/assessment/rounds/999999', ok: 404 },
	{ method: 'POST', pattern: '/assessment/rounds/{id:int}/compute', perm: 'P_SIGNED_IN', who: ['admin', 'office'], csrf: 1, path: '/assessment/rounds/999999/compute', form: {}, ok: 404 },
	{ method: 'POST', pattern: '/assessment/rounds/{id:int}/review', perm: 'P_SIGNED_IN', who: ['admin', 'office'], csrf: 1, path: '/assessment/rounds/999999/review', form: {}, ok: 404 },
	{ method: 'POST', pattern: '/assessment/rounds/{id:int}/announce', perm: 'P_SIGNED_IN', who: ['admin', 'office'], csrf: 1, path: '/assessment/rounds/999999/announce', form: {}, ok: 404 },
	{ method: 'POST', pattern: '/assessment/rounds/{id:int}/publish', perm: 'P_SIGNED_IN', who: ['admin', 'office'], csrf: 1, path: '/assessment/rounds/999999/publish', form: {}, ok: 404 },
	{ method: 'GET', pattern: '/assessment/rounds/{id:int}/results.xlsx', perm: 'P_SIGNED_IN', path: '/assessment/rounds/999999/results.xlsx', ok: 404 },
	{ method: 'GET', pattern: '/assessment/rounds/{id:int}/units/{unit:int}', perm: 'P_SIGNED_IN', path: '/assessment/rounds/999999/units/1', ok: 404 },
	// round work (src/assessment/selfassess.c, review.c, appeal.c, pack.c): an
	// unknown round is 404 for everyone; who may do what: roundwork.test.js
	{ method: 'GET', pattern: '/assessment/rounds/{id:int}/self', perm: 'P_SIGNED_IN', path: '/assessment/rounds/999999/self', ok: 404 },
	{ method: 'POST', pattern: '/assessment/rounds/{id:int}/self', perm: 'P_SIGNED_IN', csrf: 1, path: '/assessment/rounds/999999/self', form: {}, ok: 404 },
	{ method: 'POST', pattern: '/assessment/rounds/{id:int}/self/submit', perm: 'P_SIGNED_IN', csrf: 1, path: '/assessment/rounds/999999/self/submit', form: {}, ok: 404 },
	{ method: 'GET', pattern: '/assessment/rounds/{id:int}/units/{unit:int}/files/{file:int}', perm: 'P_SIGNED_IN', path: '/assessment/rounds/999999/units/1/files/1', ok: 404 },
	{ method: 'GET', pattern: '/assessment/rounds/{id:int}/review', perm: 'P_SIGNED_IN', path: '/assessment/rounds/999999/review', ok: 404 },
	{ method: 'POST', pattern: '/assessment/rounds/{id:int}/review/score', perm: 'P_SIGNED_IN', csrf: 1, path: '/assessment/rounds/999999/review/score', form: {}, ok: 404 },
	{ method: 'GET', pattern: '/assessment/rounds/{id:int}/appeals', perm: 'P_SIGNED_IN', path: '/assessment/rounds/999999/appeals', ok: 404 },
	{ method: 'POST', pattern: '/assessment/rounds/{id:int}/appeals', perm: 'P_SIGNED_IN', csrf: 1, path: '/assessment/rounds/999999/appeals', form: {}, ok: 404 },
	{ method: 'POST', pattern: '/assessment/rounds/{id:int}/appeals/{appeal:int}/decide', perm: 'P_SIGNED_IN', csrf: 1, path: '/assessment/rounds/999999/appeals/1/decide', form: {}, ok: 404 },
	{ method: 'GET', pattern: '/assessment/rounds/{id:int}/units/{unit:int}/pack.zip', perm: 'P_SIGNED_IN', path: '/assessment/rounds/999999/units/1/pack.zip', ok: 404 },
	// contracts (src/assessment/contracts*.c): every signed-in user opens the
	// overview (their scope); the office issues; a contract is for its parties,
	// the clerks above and the office (404 for anyone else); the verification
	// page is public
	{ method: 'GET', pattern: '/assessment/contracts', perm: 'P_SIGNED_IN', ok: 200 },
	{ method: 'POST', pattern: '/assessment/contracts', perm: 'P_SIGNED_IN', who: ['admin', 'office'], csrf: 1, form: {}, ok: 422 },
	{ method: 'POST', pattern: '/assessment/contracts/issue-all', perm: 'P_SIGNED_IN', who: ['admin', 'office'], csrf: 1, form: { year: 2099 }, ok: 422 },
	{ method: 'POST', pattern: '/assessment/contracts/remind', perm: 'P_SIGNED_IN', who: ['admin', 'office', 'leader', 'unit_admin'], csrf: 1, form: { year: 2099 }, ok: 303 },
	{ method: 'GET', pattern: '/assessment/contracts/{id:int}', perm: 'P_SIGNED_IN', path: '/assessment/contracts/999999', ok: 404 },
	{ method: 'POST', pattern: '/assessment/contracts/{id:int}', perm: 'P_SIGNED_IN', csrf: 1, path: '/assessment/contracts/999999', form: {}, ok: 404 },
	{ method: 'POST', pattern: '/assessment/contracts/{id:int}/issue', perm: 'P_SIGNED_IN', csrf: 1, path: '/assessment/contracts/999999/issue', form: {}, ok: 404 },
	{ method: 'POST', pattern: '/assessment/contracts/{id:int}/sign', perm: 'P_SIGNED_IN', csrf: 1, path: '/assessment/contracts/999999/sign', form: {}, ok: 404 },
	{ method: 'POST', pattern: '/assessment/contracts/{id:int}/decompose', perm: 'P_SIGNED_IN', csrf: 1, path: '/assessment/contracts/999999/decompose', form: {}, ok: 404 },
	{ method: 'GET', pattern: '/assessment/contracts/{file:str}', perm: 'P_SIGNED_IN', path: '/assessment/contracts/999999.pdf', ok: 404 },
	{ method: 'GET', pattern: '/assessment/contracts/verify/{code:str}', perm: 'P_PUBLIC', path: '/assessment/contracts/verify/AAAAAAAAAAAA', ok: 404, anonOk: 404 },
	{ method: 'GET', pattern: '/verify/{code:str}', perm: 'P_PUBLIC', path: '/verify/AAAAAAAAAAAA', ok: 404 },
	// a certificate's PDF (an unknown code: 404; who may have it: learning.test.js)
	{ method: 'GET', pattern: '/learning/certificates/{code:str}', perm: 'P_SIGNED_IN', path: '/learning/certificates/AAAAAAAAAAAA.pdf', ok: 404 },

	// cases: the office's quick entry, a supervisor's opinion form
	{ method: 'GET', pattern: '/cases/new', perm: 'P_SIGNED_IN', who: ['admin', 'office'], ok: 200 },
	{ method: 'POST', pattern: '/cases/new', perm: 'P_SIGNED_IN', who: ['admin', 'office'], csrf: 1, form: {}, ok: 422 },
	{ method: 'GET', pattern: '/cases/opinion', perm: 'P_SIGNED_IN', who: ['supervisor'], ok: 200 },
	{ method: 'POST', pattern: '/cases/opinion', perm: 'P_SIGNED_IN', who: ['supervisor'], csrf: 1, form: {}, ok: 422 },
	{ method: 'GET', pattern: '/cases/similar', perm: 'P_SIGNED_IN', path: '/cases/similar?category_id=1&title=x', ok: 200 },
	{ method: 'GET', pattern: '/cases/overdue', perm: 'P_SIGNED_IN', ok: 200 },
	{ method: 'GET', pattern: '/cases/supervisors', perm: 'P_SIGNED_IN', who: ['admin', 'office'], ok: 200 },
	// the rectification ledger (src/rectification/): roles that read the
	// register see the ledger, its workbook, print page and statistics; the
	// office raises items and draws the random re-checks
	{ method: 'GET', pattern: '/rectification/ledger', perm: 'P_SIGNED_IN', who: READ_CASES, ok: 200 },
	{ method: 'GET', pattern: '/rectification/ledger.xlsx', perm: 'P_SIGNED_IN', who: READ_CASES, ok: 200 },
	{ method: 'GET', pattern: '/rectification/ledger/print', perm: 'P_SIGNED_IN', who: READ_CASES, ok: 200 },
	{ method: 'GET', pattern: '/rectification/stats', perm: 'P_SIGNED_IN', who: READ_CASES, path: '/rectification/stats?unit=:unit', ok: 200 },
	{ method: 'GET', pattern: '/rectification/stats.xlsx', perm: 'P_SIGNED_IN', who: READ_CASES, path: '/rectification/stats.xlsx?unit=:unit', ok: 200 },
	{ method: 'POST', pattern: '/rectification/raise', perm: 'P_SIGNED_IN', who: ['admin', 'office'], csrf: 1, form: {}, ok: 400 },
	{ method: 'GET', pattern: '/rectification/rechecks', perm: 'P_SIGNED_IN', who: ['admin', 'office'], ok: 200 },
	{ method: 'POST', pattern: '/rectification/rechecks', perm: 'P_SIGNED_IN', who: ['admin', 'office'], csrf: 1, form: {}, ok: 422 },
	{ method: 'GET', pattern: '/rectification/rechecks.json', perm: 'P_SIGNED_IN', who: ['admin', 'office'], ok: 200 },
	// honors (src/honors/): the civilized-unit ratio, its workbook and the
	// titles to renew, for the roles that read honors
	{ method: 'GET', pattern: '/honors/ratio', perm: 'P_SIGNED_IN', who: READ_CASES, path: '/honors/ratio?unit=:unit', ok: 200 },
	{ method: 'GET', pattern: '/honors/ratio.xlsx', perm: 'P_SIGNED_IN', who: READ_CASES, path: '/honors/ratio.xlsx?unit=:unit', ok: 200 },
	{ method: 'GET', pattern: '/honors/expiring', perm: 'P_SIGNED_IN', who: READ_CASES, path: '/honors/expiring?unit=:unit', ok: 200 },
	// an event's award recorded as an honor: the office's form on the event page
	{ method: 'POST', pattern: '/honors/award', perm: 'P_SIGNED_IN', who: ['admin', 'office'], csrf: 1, form: {}, ok: 400 },
	// the units' public report cards (src/rectification/public_units.c): for
	// anyone; a unit the office has not published is not found
	{ method: 'GET', pattern: '/public/units', perm: 'P_PUBLIC', ok: 200, anonOk: 200 },
	{ method: 'GET', pattern: '/public/units/{id:int}', perm: 'P_PUBLIC', path: '/public/units/999999', ok: 404, anonOk: 404 },
	// the public portal, the same for everyone: an empty form has no
	// timestamp (422), an empty code is asked for (422)
	{ method: 'GET', pattern: '/public', perm: 'P_PUBLIC', ok: 303 },
	{ method: 'GET', pattern: '/public/', perm: 'P_PUBLIC', ok: 200 },
	{ method: 'POST', pattern: '/public/', perm: 'P_PUBLIC', csrf: 1, form: {}, ok: 422 },
	{ method: 'GET', pattern: '/public/track', perm: 'P_PUBLIC', ok: 200 },
	{ method: 'POST', pattern: '/public/track', perm: 'P_PUBLIC', csrf: 1, form: {}, ok: 422 },
	{ method: 'POST', pattern: '/public/track/rate', perm: 'P_PUBLIC', csrf: 1, form: {}, ok: 422 },

	// the democratic appraisal (src/appraisal/): no campaign, pool or draw
	// 999999, so the office's pages answer 404 and the others 403; the
	// ballot page is public (an empty code: the form again, 422)
	{ method: 'GET', pattern: '/appraisal', perm: 'P_SIGNED_IN', who: ['admin', 'office', 'leader', 'unit_admin', 'staff'], ok: 200 },
	{ method: 'POST', pattern: '/appraisal/questionnaires/{id:int}/copy', perm: 'P_SIGNED_IN', who: ['admin', 'office'], csrf: 1, path: '/appraisal/questionnaires/999999/copy', form: {}, ok: 404 },
	{ method: 'GET', pattern: '/appraisal/pools/{id:int}/draw', perm: 'P_SIGNED_IN', who: ['admin', 'office'], path: '/appraisal/pools/999999/draw', ok: 404 },
	{ method: 'POST', pattern: '/appraisal/pools/{id:int}/draw', perm: 'P_SIGNED_IN', who: ['admin', 'office'], csrf: 1, path: '/appraisal/pools/999999/draw', form: {}, ok: 404 },
	{ method: 'GET', pattern: '/appraisal/draws/{id:int}', perm: 'P_SIGNED_IN', who: ['admin', 'office'], path: '/appraisal/draws/999999', ok: 404 },
	{ method: 'GET', pattern: '/appraisal/campaigns/{id:int}/tokens', perm: 'P_SIGNED_IN', who: ['admin', 'office'], path: '/appraisal/campaigns/999999/tokens', ok: 404 },
	{ method: 'POST', pattern: '/appraisal/campaigns/{id:int}/tokens', perm: 'P_SIGNED_IN', who: ['admin', 'office'], csrf: 1, path: '/appraisal/campaigns/999999/tokens', form: {}, ok: 404 },
	{ method: 'GET', pattern: '/appraisal/campaigns/{id:int}/paper', perm: 'P_SIGNED_IN', who: ['admin', 'office', 'unit_admin', 'staff'], path: '/appraisal/campaigns/999999/paper', ok: 404 },
	{ method: 'POST', pattern: '/appraisal/campaigns/{id:int}/paper', perm: 'P_SIGNED_IN', who: ['admin', 'office', 'unit_admin', 'staff'], csrf: 1, path: '/appraisal/campaigns/999999/paper', form: {}, ok: 404 },
	{ method: 'GET', pattern: '/appraisal/campaigns/{id:int}/results', perm: 'P_SIGNED_IN', path: '/appraisal/campaigns/999999/results', ok: 404 },
	{ method: 'GET', pattern: '/appraisal/campaigns/{id:int}/results.xlsx', perm: 'P_SIGNED_IN', path: '/appraisal/campaigns/999999/results.xlsx', ok: 404 },
	{ method: 'GET', pattern: '/appraisal/campaigns/{id:int}/units/{unit:int}', perm: 'P_SIGNED_IN', path: '/appraisal/campaigns/999999/units/1', ok: 404 },
	{ method: 'GET', pattern: '/ballot', perm: 'P_PUBLIC', ok: 200 },
	{ method: 'POST', pattern: '/ballot', perm: 'P_PUBLIC', csrf: 1, form: {}, ok: 422 },
	{ method: 'GET', pattern: '/ballot/thanks', perm: 'P_PUBLIC', ok: 200 },

	// archives the unit: after everything else that uses it
	{ method: 'DELETE', pattern: '/api/v1/{type:str}/{id:int}', perm: 'P_SIGNED_IN', who: W_UNITS, csrf: 1, path: '/api/v1/units/:unit', ok: 200, late: true },
];

/* Which roles hold each permission (src/http/auth.c's matrix). */
const PERM_ROLES = {
	P_PUBLIC: null, // everyone, signed in or not
	P_SIGNED_IN: ['admin', 'office', 'leader', 'unit_admin', 'staff', 'supervisor'],
	P_USERS: ['admin'],
	P_AUDIT: ['admin', 'office'],
	P_CALENDAR: ['admin', 'office'],
};

/* Routes in declared order, those marked last at the end. */
function ordered() {
	return [...ROUTES.filter((r) => !r.last && !r.late), ...ROUTES.filter((r) => r.late), ...ROUTES.filter((r) => r.last)];
}

function concrete(route, ids = {}) {
	return (route.path ?? route.pattern).replace(/:(\w+)/g, (_, k) => {
		if (!(k in ids)) throw new Error(`no id for :${k}`);
		return String(ids[k]);
	});
}

function walk(dir) {
	const out = [];
	for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
		const p = path.join(dir, e.name);
		if (e.isDirectory()) out.push(...walk(p));
		else if (e.name.endsWith('.c')) out.push(p);
	}
	return out;
}

/* The route tables the modules register: each src/MODULE/module.c lists
 * its tables in its struct module's routes (a routes[] array or an inline
 * list), and app.c lists the modules. */
function registeredTables() {
	const src = path.join(ROOT, 'src');
	const app = fs.readFileSync(path.join(src, 'app.c'), 'utf8');
	const m = /app_modules\[\]\s*=\s*\{([^}]*)\}/.exec(app);
	if (!m) throw new Error('app_modules[] not found in src/app.c');
	const modules = m[1].split(',').map((x) => x.trim().replace(/^&/, '')).filter((x) => x && x !== 'NULL');
	const tables = [];
	for (const d of fs.readdirSync(src)) {
		const f = path.join(src, d, 'module.c');
		if (!fs.existsSync(f)) continue;
		const text = fs.readFileSync(f, 'utf8');
		const name = /const struct module (\w+)\s*=/.exec(text);
		if (!name || !modules.includes(name[1])) continue;
		const list = /(?:struct route \*const routes\[\]\s*=\s*\{|\.routes\s*=\s*\(const struct route \*const\[\]\)\{)([^}]*)\}/.exec(text);
		if (list) tables.push(...list[1].split(',').map((x) => x.trim()).filter((x) => x && x !== 'NULL'));
	}
	if (!tables.length) throw new Error('no route tables found in src/*/module.c');
	return tables;
}

/* Every entry of every registered route table in src/**\/*.c:
 * {method, pattern, handler, perm, csrf, file, table}. */
function sourceRoutes() {
	const tables = new Set(registeredTables());
	const out = [];
	const tableRe = /const struct route (\w+)\[\]\s*=\s*\{([\s\S]*?)\n\};/g;
	const re = /\{\s*"(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)"\s*,\s*"([^"]*)"\s*,\s*(\w+)\s*,\s*(\w+)\s*,\s*(\d+)\s*,/g;
	const found = new Set();
	for (const f of walk(path.join(ROOT, 'src'))) {
		const text = fs.readFileSync(f, 'utf8');
		for (const t of text.matchAll(tableRe)) {
			if (!tables.has(t[1])) continue;
			found.add(t[1]);
			for (const m of t[2].matchAll(re))
				out.push({ method: m[1], pattern: m[2], handler: m[3], perm: m[4], csrf: Number(m[5]), file: path.relative(ROOT, f), table: t[1] });
		}
	}
	const missing = [...tables].filter((t) => !found.has(t));
	if (missing.length) throw new Error(`route tables registered in src/*/module.c but not found: ${missing.join(', ')}`);
	return out;
}

/* The status a role gets for a route ('anonymous' for signed-out). */
function expected(route, role) {
	const routeRoles = PERM_ROLES[route.perm]; // null: public
	if (role === 'anonymous') {
		if (routeRoles === null) return route.anonOk ?? route.ok;
		if (route.method !== 'GET' || route.pattern.startsWith('/api/')) return 401;
		return 303; // to /login?next=
	}
	if (routeRoles !== null && !routeRoles.includes(role)) return 403; // the router refuses
	if (route.who && !route.who.includes(role)) return 403; // the handler refuses
	return route.ok;
}

/* Records the routes act on, fresh for each run (runs change them):
 * a user to administer, a unit nobody refers to, a person with a phone. */
let fixtureNo = 0;
async function fixtures(srv) {
	const n = ++fixtureNo;
	if (!srv.adminToken) srv.adminToken = srv.token('admin');
	const api = srv.client({ headers: { Authorization: `Bearer ${srv.adminToken}` } });
	const post = async (p, json) => {
		const r = await api.request('POST', p, { json });
		if (r.status !== 201) throw new Error(`POST ${p}: ${r.status} ${r.text}`);
		return r.json().data.id;
	};
	const victim = srv.createUser(`victim${n}`, 'staff').id;
	const unit = await post('/api/v1/units', { code: `FX${n}`, name: `Fixture unit ${n}`, kind: 'bureau', active: true });
	const home = await post('/api/v1/units', { code: `FXH${n}`, name: `Home unit ${n}`, kind: 'bureau', active: true });
	const person = await post('/api/v1/people', { name: `Person ${n}`, unit_id: home, status: 'active', phone: '13800138000' });
	return { victim, unit, person };
}

/* Sends a route's sample request with a client; csrf: true (a valid
 * token), false (none) or a string (that token). */
async function send(client, route, ids, { csrf = true, headers = {} } = {}) {
	const p = concrete(route, ids);
	if (route.method === 'GET') return client.get(p, { headers });
	const token = csrf === true ? await client.csrfToken() : csrf;
	if (route.form !== undefined) return client.post(p, route.form, { csrf: token || false, headers });
	const h = { ...headers };
	if (token) h['X-CSRF-Token'] = token;
	return client.request(route.method, p, { json: route.json, headers: h });
}

module.exports = { ROUTES, PERM_ROLES, ordered, concrete, sourceRoutes, expected, fixtures, send };
