/* tally.c — the attendance statistics' running tally (learning_att_days,
 * migrations/002_attendance_days.sql): every write of attendance rows
 * takes away what the rows counted before and adds what they count after,
 * in the writer's transaction. A session's rows are counted under the day
 * recorded in learning_att_tallied, so that moving or archiving a session
 * takes away exactly what it had added. */
#include "../db/db.h"

#include <stdio.h>
#include "../http/app.h"
#include "learning.h"

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
