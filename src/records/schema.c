/* schema.c — tables, columns and indexes derived from the declarations.
 *
 * Every record table has id, archived, version, created_at and updated_at,
 * then one column per field. Missing tables are created and missing columns
 * added at start-up (after the migrations), so a new register or a new field
 * needs no hand-written migration. Columns are never dropped or retyped
 * here: that is a migration's job. */
#include "record.h"
#include "workflow.h"
#include "../core/buf.h"
#include "../core/log.h"
#include "../db/db.h"

#include <stdio.h>
#include <string.h>

static const char *column_type(const struct field_def *f, enum db_kind k)
{
	switch (f->type) {
	case F_INT:
	case F_DATETIME:
	case F_BOOL:
	case F_UNIT:
	case F_PERSON:
	case F_REF: return k == DB_PG ? "BIGINT" : "INTEGER";
	case F_DECIMAL: return "DOUBLE PRECISION";
	default: return "TEXT";
	}
}

static int table_exists(struct db *db, const char *table)
{
	if (db_kind(db) == DB_PG)
		return db_one_int64(db, 0,
				    "SELECT count(*) FROM information_schema.tables WHERE table_name = ? "
				    "AND table_schema = current_schema()",
				    "s", table) > 0;
	return db_one_int64(db, 0, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?", "s", table) >
	       0;
}

static int column_exists(struct db *db, const char *table, const char *col)
{
	if (db_kind(db) == DB_PG)
		return db_one_int64(db, 0,
				    "SELECT count(*) FROM information_schema.columns WHERE table_name = ? AND column_name = ? "
				    "AND table_schema = current_schema()",
				    "ss", table, col) > 0;
	return db_one_int64(db, 0, "SELECT count(*) FROM pragma_table_info(?) WHERE name = ?", "ss", table, col) > 0;
}

/* A reference column waits until the table it points to exists (units and
 * people refer to each other): records_sync_schema runs the types twice. */
static int ref_ready(struct db *db, const struct field_def *f)
{
	const char *rt = record_ref_table(f);
	return !rt || table_exists(db, rt);
}

int records_unit_counts_recount(struct db *db, const struct record_type *t)
{
	const char *u = t->unit_field;
	char sql[512];
	int rc = db_run(db, "DELETE FROM unit_counts WHERE tbl = ?", "s", t->table);
	snprintf(sql, sizeof sql,
		 "INSERT INTO unit_counts (tbl, unit_id, archived, n) SELECT CAST(? AS TEXT), %s, archived, count(*) FROM %s "
		 "WHERE %s IS NOT NULL GROUP BY %s, archived",
		 u, t->table, u, u);
	return rc ? rc : db_run(db, sql, "s", t->table);
}

/* unit_counts (migration 007) for a register with an owning unit: the
 * triggers that keep it, made once, with its rows for what is there. */
static int unit_counts_sync(struct db *db, const struct record_type *t, struct buf *sql)
{
	const char *u = t->unit_field, *tb = t->table;
	if (!u || !strcmp(u, "id") || !column_exists(db, tb, u))
		return 0;
	int pg = db_kind(db) == DB_PG;
	char trig[128];
	snprintf(trig, sizeof trig, pg ? "%s_unit_counts" : "%s_uc_ai", tb);
	int64_t have = pg ? db_one_int64(db, 0,
					 "SELECT count(*) FROM pg_trigger WHERE tgname = ? AND tgrelid = to_regclass(?)",
					 "ss", trig, tb)
			  : db_one_int64(db, 0, "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name = ?",
					 "s", trig);
	if (have)
		return 0;
	buf_reset(sql);
	if (pg) {
		/* a function per table, naming its columns and the schema of
		 * unit_counts: it runs under whatever search_path the writer has */
		struct arena a;
		arena_init(&a);
		char *schema = db_one_text(db, &a, "SELECT quote_ident(current_schema())", NULL);
		if (!schema) {
			arena_free(&a);
			return DB_ERR;
		}
		/* formats: quoted names: tbl = '%s' is the declared table's name,
		 * inside a trigger's body, where nothing can be bound */
		buf_printf(sql,
			   "CREATE OR REPLACE FUNCTION %s_unit_counts() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
			   "IF TG_OP = 'UPDATE' THEN "
			   "IF OLD.%s IS NOT DISTINCT FROM NEW.%s AND OLD.archived = NEW.archived THEN RETURN NULL; END IF; "
			   "END IF; "
			   "IF TG_OP <> 'INSERT' THEN IF OLD.%s IS NOT NULL THEN "
			   "UPDATE %s.unit_counts SET n = n - 1 WHERE tbl = '%s' AND unit_id = OLD.%s AND archived = OLD.archived; "
			   "END IF; END IF; "
			   "IF TG_OP <> 'DELETE' THEN IF NEW.%s IS NOT NULL THEN "
			   "INSERT INTO %s.unit_counts (tbl, unit_id, archived, n) VALUES ('%s', NEW.%s, NEW.archived, 1) "
			   "ON CONFLICT (tbl, unit_id, archived) DO UPDATE SET n = %s.unit_counts.n + 1; "
			   "END IF; END IF; "
			   "RETURN NULL; END $$; "
			   "CREATE TRIGGER %s_unit_counts AFTER INSERT OR DELETE OR UPDATE OF %s, archived ON %s "
			   "FOR EACH ROW EXECUTE FUNCTION %s_unit_counts()",
			   tb, u, u, u, schema, tb, u, u, schema, tb, u, schema, tb, u, tb, tb);
		arena_free(&a);
	} else {
		const char *plus = "INSERT INTO unit_counts (tbl, unit_id, archived, n) SELECT '%s', new.%s, new.archived, 1 "
				   "WHERE new.%s IS NOT NULL ON CONFLICT (tbl, unit_id, archived) DO UPDATE SET n = n + 1;";
		const char *minus = "UPDATE unit_counts SET n = n - 1 WHERE tbl = '%s' AND unit_id = old.%s "
				    "AND archived = old.archived;";
		buf_printf(sql, "CREATE TRIGGER %s_uc_ai AFTER INSERT ON %s BEGIN ", tb, tb);
		buf_printf(sql, plus, tb, u, u);
		buf_printf(sql, " END; CREATE TRIGGER %s_uc_ad AFTER DELETE ON %s BEGIN ", tb, tb);
		buf_printf(sql, minus, tb, u);
		buf_printf(sql, " END; CREATE TRIGGER %s_uc_au AFTER UPDATE OF %s, archived ON %s "
				"WHEN old.%s IS NOT new.%s OR old.archived <> new.archived BEGIN ", tb, u, tb, u, u);
		buf_printf(sql, minus, tb, u);
		buf_printf(sql, plus, tb, u, u);
		buf_puts(sql, " END;");
	}
	int rc = db_exec_script(db, sql->p);
	return rc ? rc : records_unit_counts_recount(db, t);
}

static void column_sql(struct buf *b, const struct field_def *f, enum db_kind k)
{
	buf_printf(b, "%s %s", f->name, column_type(f, k));
	const char *rt = record_ref_table(f);
	if (rt)
		buf_printf(b, " REFERENCES %s(id)", rt);
}

static int sync_type(struct db *db, const struct record_type *t, char *err, size_t errlen)
{
	enum db_kind k = db_kind(db);
	struct buf sql;
	buf_init(&sql, NULL);
	int rc = 0;
	if (!table_exists(db, t->table)) {
		buf_printf(&sql, "CREATE TABLE %s (id %s", t->table,
			   k == DB_PG ? "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY" : "INTEGER PRIMARY KEY");
		buf_puts(&sql, ", archived INTEGER NOT NULL DEFAULT 0, version INTEGER NOT NULL DEFAULT 1");
		buf_printf(&sql, ", created_at %s NOT NULL DEFAULT 0, updated_at %s NOT NULL DEFAULT 0",
			   column_type(&(struct field_def){.type = F_INT}, k), column_type(&(struct field_def){.type = F_INT}, k));
		for (int i = 0; i < t->nfields; i++) {
			if (!ref_ready(db, &t->fields[i]) && strcmp(record_ref_table(&t->fields[i]), t->table) != 0)
				continue;
			buf_puts(&sql, ", ");
			column_sql(&sql, &t->fields[i], k);
		}
		buf_puts(&sql, ")");
		rc = db_exec_script(db, sql.p);
	} else {
		static const char *common[] = {"archived INTEGER NOT NULL DEFAULT 0", "version INTEGER NOT NULL DEFAULT 1",
					       "created_at BIGINT NOT NULL DEFAULT 0", "updated_at BIGINT NOT NULL DEFAULT 0"};
		for (int i = 0; !rc && i < 4; i++) {
			char name[16];
			sscanf(common[i], "%15s", name);
			if (!column_exists(db, t->table, name)) {
				buf_reset(&sql);
				buf_printf(&sql, "ALTER TABLE %s ADD COLUMN %s", t->table, common[i]);
				rc = db_exec_script(db, sql.p);
			}
		}
		for (int i = 0; !rc && i < t->nfields; i++) {
			if (column_exists(db, t->table, t->fields[i].name) || !ref_ready(db, &t->fields[i]))
				continue;
			buf_reset(&sql);
			buf_printf(&sql, "ALTER TABLE %s ADD COLUMN ", t->table);
			column_sql(&sql, &t->fields[i], k);
			rc = db_exec_script(db, sql.p);
			if (!rc)
				log_info("records: added column %s.%s", t->table, t->fields[i].name);
		}
	}
	/* indexes: unique fields, references, filters */
	for (int i = 0; !rc && i < t->nfields; i++) {
		const struct field_def *f = &t->fields[i];
		/* a yes/no or a handful of choices is no use as an index: every one
		 * of them would cost each insert and never be chosen by a planner */
		int low_card = (f->type == F_BOOL || f->type == F_ENUM) && !(f->flags & FF_UNIQUE);
		if ((!(f->flags & (FF_UNIQUE | FF_FILTER | FF_SORT)) && !record_ref_table(f)) || (low_card && !record_ref_table(f)) ||
		    !column_exists(db, t->table, f->name))
			continue;
		/* the owning unit has the (unit, archived) index below, which serves
		 * every query one on the unit alone would (an index costs each
		 * insert: ~4 µs a row at a million people) */
		if (!(f->flags & FF_UNIQUE) && t->unit_field && !strcmp(f->name, t->unit_field)) {
			buf_reset(&sql);
			buf_printf(&sql, "DROP INDEX IF EXISTS %s_%s", t->table, f->name);
			rc = db_exec_script(db, sql.p);
			continue;
		}
		/* a long list of a unit subtree walks the sort field's index and
		 * keeps the rows of the subtree (query.c): with the state, the id
		 * (the order's second key) and the unit in the index, the rows it
		 * passes over are never read from the table (half the time of a
		 * page at 1/13 of the rows). It serves lookups by the field too. */
		if ((f->flags & (FF_SORT | FF_REQUIRED | FF_UNIQUE)) == (FF_SORT | FF_REQUIRED) && t->unit_field &&
		    strcmp(t->unit_field, "id") && column_exists(db, t->table, t->unit_field)) {
			buf_reset(&sql);
			buf_printf(&sql, "DROP INDEX IF EXISTS %s_%s; CREATE INDEX IF NOT EXISTS %s_%s_walk ON %s(archived, %s, id, %s)",
				   t->table, f->name, t->table, f->name, t->table, f->name, t->unit_field);
			rc = db_exec_script(db, sql.p);
			continue;
		}
		buf_reset(&sql);
		buf_printf(&sql, "CREATE %sINDEX IF NOT EXISTS %s_%s ON %s(%s)", f->flags & FF_UNIQUE ? "UNIQUE " : "",
			   t->table, f->name, t->table, f->name);
		rc = db_exec_script(db, sql.p);
	}
	/* lists filter by unit subtree and archived state: one index serves both,
	 * and counts read it alone. A register with a workflow is listed by
	 * state too (the open cases of a unit): with the state in the index a
	 * count or a page reads only the matches, not every row of the subtree
	 * (1M cases, a secondary unit: count 140 -> 1 ms; bench/RESULTS.md),
	 * and it serves every query the two-column one did, so an insert
	 * maintains no more indexes. */
	if (!rc && t->unit_field && strcmp(t->unit_field, "id") && column_exists(db, t->table, t->unit_field)) {
		const char *state = t->workflow ? t->workflow->state_field : NULL;
		buf_reset(&sql);
		if (state && column_exists(db, t->table, state))
			buf_printf(&sql,
				   "DROP INDEX IF EXISTS %s_%s_archived; "
				   "CREATE INDEX IF NOT EXISTS %s_%s_state ON %s(%s, archived, %s)",
				   t->table, t->unit_field, t->table, t->unit_field, t->table, t->unit_field, state);
		else
			buf_printf(&sql, "CREATE INDEX IF NOT EXISTS %s_%s_archived ON %s(%s, archived)", t->table,
				   t->unit_field, t->table, t->unit_field);
		rc = db_exec_script(db, sql.p);
	}
	if (!rc)
		rc = unit_counts_sync(db, t, &sql);
	if (rc)
		snprintf(err, errlen, "cannot create table %s: %s", t->table, db_errmsg(db));
	buf_free(&sql);
	return rc;
}

int records_sync_schema(struct db *db, char *err, size_t errlen)
{
	int rc = db_begin(db);
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; !rc && i < record_ntypes; i++)
			rc = sync_type(db, record_types[i], err, errlen);
	if (!rc)
		rc = db_commit(db);
	if (rc)
		db_rollback(db);
	return rc ? -1 : 0;
}
