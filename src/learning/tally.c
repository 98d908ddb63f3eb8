/* tally.c — the attendance statistics' running tally (learning_att_days,
 * migrations/002_attendance_days.sql): every write of attendance rows
 * takes away what the rows counted before and adds what they count after,
 * in the writer's transaction. A session's rows are counted under the day
 * recorded in learning_att_tallied, so that moving or archiving a session
 * takes away exactly what it had added. The rows are counted at every
 * ancestor of their unit: a unit moved elsewhere in the tree changes
 * those, so a move recounts the whole tally (the units observer below;
 * moves are rare, and a recount of a million rows takes seconds). */
#include "../cli.h"
#include "../db/db.h"
#include "../http/app.h"
#include "learning.h"

#include <stdio.h>
#include <string.h>

/* sign × the rows (of the session, or the one row) at each ancestor of
 * their unit, under the day the session is tallied under */
static int tally_add(struct db *db, const char *where, int64_t id, int sign)
{
	char sql[768];
	snprintf(sql, sizeof sql,
		 "INSERT INTO learning_att_days (unit_id, held_on, status, n) SELECT t.ancestor_id, d.held_on, "
		 "COALESCE(a.status, ''), ? * count(*) FROM learning_attendance a JOIN learning_att_tallied d ON "
		 "d.session_id = a.session_id JOIN unit_tree t ON t.unit_id = a.unit_id WHERE %s = ? GROUP BY "
		 "t.ancestor_id, d.held_on, COALESCE(a.status, '') ON CONFLICT (unit_id, held_on, status) DO UPDATE "
		 "SET n = learning_att_days.n + excluded.n",
		 where);
	return db_run(db, sql, "ii", (int64_t)sign, id);
}

int learn_tally_session(struct db *db, int64_t session, int sign)
{
	int rc;
	if (sign < 0) {
		rc = tally_add(db, "a.session_id", session, -1);
		return rc ? rc : db_run(db, "DELETE FROM learning_att_tallied WHERE session_id = ?", "i", session);
	}
	rc = db_run(db,
		    "INSERT INTO learning_att_tallied (session_id, held_on) SELECT id, held_on FROM study_sessions "
		    "WHERE id = ? AND archived = 0 AND held_on IS NOT NULL",
		    "i", session);
	return rc ? rc : tally_add(db, "a.session_id", session, 1);
}

int learn_tally_row(struct db *db, int64_t row, int sign)
{
	return tally_add(db, "a.id", row, sign < 0 ? -1 : 1);
}

int learn_tally_rebuild(struct db *db)
{
	int rc = db_run(db, "DELETE FROM learning_att_days", NULL);
	if (!rc)
		rc = db_run(db, "DELETE FROM learning_att_parents", NULL);
	if (!rc)
		rc = db_run(db, "INSERT INTO learning_att_parents (unit_id, parent_id) SELECT id, parent_id FROM units",
			    NULL);
	if (!rc)
		rc = db_run(db, "DELETE FROM learning_att_tallied", NULL);
	if (!rc)
		rc = db_run(db,
			    "INSERT INTO learning_att_tallied (session_id, held_on) SELECT id, held_on FROM "
			    "study_sessions WHERE archived = 0 AND held_on IS NOT NULL",
			    NULL);
	if (!rc)
		rc = db_run(db,
			    "INSERT INTO learning_att_days (unit_id, held_on, status, n) SELECT t.ancestor_id, "
			    "d.held_on, COALESCE(a.status, ''), count(*) FROM learning_attendance a JOIN "
			    "learning_att_tallied d ON d.session_id = a.session_id JOIN unit_tree t ON t.unit_id = "
			    "a.unit_id GROUP BY t.ancestor_id, d.held_on, COALESCE(a.status, '')",
			    NULL);
	return rc;
}

/* A unit saved: when its parent is not the one the tally was counted
 * with, the tally is recounted (in the save's transaction). */
static int unit_saved(struct req *r, const struct record *rec)
{
	if (strcmp(rec->type->name, RECORD_UNITS) != 0)
		return 0;
	struct db *db = req_db(r);
	int64_t parent = db_one_int64(db, -1, "SELECT COALESCE(parent_id, 0) FROM units WHERE id = ?", "i", rec->id);
	int64_t counted = db_one_int64(db, -1, "SELECT COALESCE(parent_id, 0) FROM learning_att_parents WHERE unit_id = ?",
				       "i", rec->id);
	if (counted == parent)
		return 0;
	if (counted == -1) /* a new unit: no rows below it yet */
		return db_run(db, "INSERT INTO learning_att_parents (unit_id, parent_id) SELECT id, parent_id FROM units WHERE id = ?",
			      "i", rec->id);
	return learn_tally_rebuild(db);
}

const struct record_observer learn_units_observer = {.saved = unit_saved};

int cmd_learning_tally(struct config *cfg, int argc, char **argv)
{
	if (argc != 1)
		return cli_usage_error("learning-tally", "takes no arguments");
	(void)argv;
	struct db *db = cli_open_db(cfg);
	if (!db)
		return 1;
	int rc = db_begin(db);
	if (!rc)
		rc = learn_tally_rebuild(db);
	if (!rc)
		rc = db_commit(db);
	if (rc) {
		fprintf(stderr, "wenming learning-tally: %s\n", db_errmsg(db));
		db_rollback(db);
	} else {
		printf("recounted the attendance tally: %lld rows\n",
		       (long long)db_one_int64(db, 0, "SELECT count(*) FROM learning_att_days", NULL));
	}
	db_close(db);
	return rc ? 1 : 0;
}
